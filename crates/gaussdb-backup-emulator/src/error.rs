//! Every refusal, with the status, code and official English message of the
//! service (`DBS.*`) or of the API gateway in front of it (`APIGW.*`).
//!
//! Messages are the official `error_msg` texts of the TaurusDB error-code
//! table, word for word, whatever `X-Language` says: Huawei's Chinese
//! documentation keeps `error_msg` in English (only its description column
//! is translated), and no official Chinese `error_msg` is published, so the
//! emulator invents none. Why a request was refused (which rule, which
//! parameter) is logged, not added to the message: clients that match on a
//! message see the service's text.
//!
//! Gateway errors carry `request_id` in the body as well (the gateway's
//! documented shape), equal to the `X-Request-Id` header; service errors
//! carry `error_code` and `error_msg` only.

use axum::Json;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use gaussdb_backup::types::ErrorResponse;

/// The prefix of every `APIGW.0301` message.
pub const IAM_PREFIX: &str = "Incorrect IAM authentication information: ";

const ANOTHER_OPERATION: &str =
    "Another operation is being performed on the DB instance or the DB instance is faulty.";

/// The documented `409` codes that mean the instance is busy with another
/// operation, with their official messages (OTC docs'
/// `api-ref/source/appendix/error_codes.rst`; `openapi/SOURCES.md`, "Busy").
/// Codes that only Huawei's Terraform provider names, without a published
/// message, are not here: the emulator does not invent messages.
pub const BUSY_ANSWERS: &[(&str, &str)] = &[
    ("DBS.200011", ANOTHER_OPERATION),
    ("DBS.200019", ANOTHER_OPERATION),
    ("DBS.200047", ANOTHER_OPERATION),
    ("DBS.201202", ANOTHER_OPERATION),
    ("DBS.212006", ANOTHER_OPERATION),
];

/// The official message of a documented busy code.
pub fn busy_message(code: &str) -> Option<&'static str> {
    BUSY_ANSWERS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| *m)
}

/// Everything the emulator can refuse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    // ---- the API gateway ----
    /// No `X-Auth-Token` (and no signature).
    TokenMissing,
    /// A token the gateway cannot use (unknown, not text).
    TokenRejected,
    /// A token past its expiry.
    TokenExpired(String),
    /// An AK/SK signature that does not verify; the detail follows the
    /// gateway's message.
    SignatureRefused(String),
    /// No such API (unknown path, or a method the path does not have).
    NoSuchApi,
    // ---- the service ----
    /// `DBS.200001`: anything wrong with the request that has no code of its
    /// own (body, content type, project ID, query parameters). The detail
    /// is logged only.
    InvalidParameter(String),
    /// `DBS.280277`.
    InvalidName(String),
    /// `DBS.280127`.
    InvalidDescription(String),
    /// `DBS.280404`.
    InvalidInstanceId(String),
    /// `DBS.200002`.
    InstanceNotFound,
    /// `DBS.201205`.
    BackupInProgress,
    /// `409` with one of [`BUSY_ANSWERS`]: another operation is running on
    /// the instance (armed by `/_emulator/busy`).
    InstanceBusy(&'static str),
    /// `DBS.200543`.
    JobNotFound,
    /// `DBS.280214`.
    BackupNotFound,
    /// `DBS.201208`: the backup's type or status forbids the operation.
    BackupStatusForbids(String),
    /// `DBS.108000`: the emulator itself failed (its state file, say).
    Internal(String),
}

impl ApiError {
    /// HTTP status, error code and message.
    pub fn parts(&self) -> (StatusCode, &'static str, String) {
        use StatusCode as S;
        match self {
            // The gateway's: a refused credential says what was wrong
            // after one prefix, under one code.
            ApiError::TokenMissing => iam_refusal("x-auth-token not found"),
            ApiError::TokenRejected => iam_refusal("decrypt token fail"),
            ApiError::TokenExpired(at) => iam_refusal(format!("token expires, expires_at: {at}")),
            ApiError::SignatureRefused(detail) => iam_refusal(detail),
            ApiError::NoSuchApi => refusal(
                S::NOT_FOUND,
                "APIGW.0101",
                "The API does not exist or has not been published in the environment.",
            ),
            // The service's: one fixed official message per code.
            ApiError::InvalidParameter(_) => {
                refusal(S::BAD_REQUEST, "DBS.200001", "Parameter error.")
            }
            ApiError::InvalidName(_) => {
                refusal(S::BAD_REQUEST, "DBS.280277", "Invalid object name.")
            }
            ApiError::InvalidDescription(_) => {
                refusal(S::BAD_REQUEST, "DBS.280127", "Invalid backup description.")
            }
            ApiError::InvalidInstanceId(_) => refusal(
                S::BAD_REQUEST,
                "DBS.280404",
                "Invalid DB instance ID or node ID format.",
            ),
            ApiError::InstanceNotFound => refusal(
                S::NOT_FOUND,
                "DBS.200002",
                "The DB instance does not exist.",
            ),
            ApiError::BackupInProgress => refusal(
                S::CONFLICT,
                "DBS.201205",
                "Backup is in progress, please wait.",
            ),
            ApiError::InstanceBusy(code) => {
                refusal(S::CONFLICT, code, busy_message(code).unwrap_or_default())
            }
            ApiError::JobNotFound => {
                refusal(S::BAD_REQUEST, "DBS.200543", "The job does not exist.")
            }
            ApiError::BackupNotFound => {
                refusal(S::BAD_REQUEST, "DBS.280214", "The backup does not exist.")
            }
            ApiError::BackupStatusForbids(_) => refusal(
                S::BAD_REQUEST,
                "DBS.201208",
                "The operation is not allowed by the backup status.",
            ),
            ApiError::Internal(_) => {
                refusal(S::INTERNAL_SERVER_ERROR, "DBS.108000", "Server failure.")
            }
        }
    }

    /// Whether the API gateway (not the service) answers this.
    pub fn is_gateway(&self) -> bool {
        matches!(
            self,
            ApiError::TokenMissing
                | ApiError::TokenRejected
                | ApiError::TokenExpired(_)
                | ApiError::SignatureRefused(_)
                | ApiError::NoSuchApi
        )
    }

    /// The detail that is logged (never a secret).
    pub fn detail(&self) -> &str {
        match self {
            ApiError::InvalidParameter(d)
            | ApiError::InvalidName(d)
            | ApiError::InvalidDescription(d)
            | ApiError::InvalidInstanceId(d)
            | ApiError::BackupStatusForbids(d)
            | ApiError::Internal(d) => d,
            _ => "",
        }
    }

    /// The response; `request_id` goes into gateway bodies.
    pub fn respond(&self, request_id: &str) -> Response {
        let (status, code, message) = self.parts();
        let detail = self.detail();
        if !detail.is_empty() {
            tracing::info!(error_code = code, reason = detail, "refused");
        }
        // The builder (the type is `#[non_exhaustive]`); both required
        // fields are set, so it always converts.
        let body = ErrorResponse::builder()
            .error_code(code.to_owned())
            .error_msg(message)
            .request_id(self.is_gateway().then(|| request_id.to_owned()));
        match ErrorResponse::try_from(body) {
            Ok(body) => (status, Json(body)).into_response(),
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        }
    }
}

/// A refusal with its status, code and message.
fn refusal(
    status: StatusCode,
    code: &'static str,
    message: &str,
) -> (StatusCode, &'static str, String) {
    (status, code, message.to_owned())
}

/// The gateway's `401 APIGW.0301`: [`IAM_PREFIX`], then what was wrong with
/// the credential.
fn iam_refusal(what: impl std::fmt::Display) -> (StatusCode, &'static str, String) {
    (
        StatusCode::UNAUTHORIZED,
        "APIGW.0301",
        format!("{IAM_PREFIX}{what}"),
    )
}

/// The API's path parameters (`project_id`, `backup_id`), as axum's
/// [`Path`] reads them, but refused as the service refuses a bad parameter:
/// `400 DBS.200001` "Parameter error." in JSON, like every other error of
/// the API. Axum's own rejection (a segment that is not UTF-8 once
/// percent-decoded, such as `%FF`) is a plain-text "Invalid URL" that no
/// client of the service expects. Every handler takes its path through
/// this one extractor.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            // Gateway errors carry the request ID in the body; this is a
            // service error, which does not (the header has it).
            Err(rejection) => Err(ApiError::InvalidParameter(format!(
                "path: {}",
                rejection.body_text()
            ))
            .respond("")),
        }
    }
}

/// A response body the generated builder refused: a required field left
/// unset in the emulator's own code, answered as its internal error.
impl From<gaussdb_backup::types::error::ConversionError> for ApiError {
    fn from(e: gaussdb_backup::types::error::ConversionError) -> Self {
        ApiError::Internal(format!("response body: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_the_official_english_texts() {
        let table = [
            (
                ApiError::InvalidParameter(String::new()),
                400,
                "DBS.200001",
                "Parameter error.",
            ),
            (
                ApiError::InvalidName(String::new()),
                400,
                "DBS.280277",
                "Invalid object name.",
            ),
            (
                ApiError::InvalidDescription(String::new()),
                400,
                "DBS.280127",
                "Invalid backup description.",
            ),
            (
                ApiError::InvalidInstanceId(String::new()),
                400,
                "DBS.280404",
                "Invalid DB instance ID or node ID format.",
            ),
            (
                ApiError::InstanceNotFound,
                404,
                "DBS.200002",
                "The DB instance does not exist.",
            ),
            (
                ApiError::BackupInProgress,
                409,
                "DBS.201205",
                "Backup is in progress, please wait.",
            ),
            (
                ApiError::JobNotFound,
                400,
                "DBS.200543",
                "The job does not exist.",
            ),
            (
                ApiError::BackupNotFound,
                400,
                "DBS.280214",
                "The backup does not exist.",
            ),
            (
                ApiError::BackupStatusForbids(String::new()),
                400,
                "DBS.201208",
                "The operation is not allowed by the backup status.",
            ),
            (
                ApiError::Internal(String::new()),
                500,
                "DBS.108000",
                "Server failure.",
            ),
            (
                ApiError::TokenMissing,
                401,
                "APIGW.0301",
                "Incorrect IAM authentication information: x-auth-token not found",
            ),
            (
                ApiError::TokenRejected,
                401,
                "APIGW.0301",
                "Incorrect IAM authentication information: decrypt token fail",
            ),
            (
                ApiError::TokenExpired("2024-01-01T00:00:00Z".into()),
                401,
                "APIGW.0301",
                "Incorrect IAM authentication information: token expires, expires_at: 2024-01-01T00:00:00Z",
            ),
            (
                ApiError::SignatureRefused("verify aksk signature fail".into()),
                401,
                "APIGW.0301",
                "Incorrect IAM authentication information: verify aksk signature fail",
            ),
            (
                ApiError::InstanceBusy("DBS.200019"),
                409,
                "DBS.200019",
                "Another operation is being performed on the DB instance or the DB instance is faulty.",
            ),
            (
                ApiError::NoSuchApi,
                404,
                "APIGW.0101",
                "The API does not exist or has not been published in the environment.",
            ),
        ];
        for (error, status, code, message) in table {
            let (s, c, m) = error.parts();
            assert_eq!((s.as_u16(), c, m.as_str()), (status, code, message));
            assert_eq!(error.is_gateway(), code.starts_with("APIGW"));
        }
    }
}
