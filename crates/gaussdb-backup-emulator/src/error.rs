//! The service's error answers: documented status, `DBS.*` code, and a
//! message in the language of `X-Language`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gaussdb_backup::types::ErrorResponse;

/// Language of the messages, from `X-Language` (`en-us` unless `zh-cn`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

/// Everything the emulator can refuse, each with its documented status and
/// code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// `X-Auth-Token` missing, or not one of the accepted tokens.
    InvalidToken,
    /// An AK/SK signature that does not verify (the gateway's `APIGW.0301`).
    SignatureRefused(String),
    /// The backup name breaks its rules.
    InvalidName(String),
    /// The description breaks its rules.
    InvalidDescription(String),
    /// The instance ID has the wrong shape.
    InvalidInstanceId(String),
    /// Anything else wrong with the request (body, content type, project ID).
    InvalidParameter(String),
    /// The instance does not exist.
    InstanceNotFound,
    /// A backup of the instance is in progress.
    BackupInProgress,
    /// No such API.
    NoSuchApi,
    /// A method other than POST on the create path.
    MethodNotAllowed,
    /// The emulator itself failed (its state file, say).
    Internal(String),
}

impl ApiError {
    /// HTTP status, error code, and message in the given language.
    pub fn parts(&self, lang: Lang) -> (StatusCode, &'static str, String) {
        let pick = |en: &str, zh: &str| match lang {
            Lang::En => en.to_owned(),
            Lang::Zh => zh.to_owned(),
        };
        let with = |base: String, detail: &str| {
            if detail.is_empty() {
                base
            } else {
                format!("{base} {detail}")
            }
        };
        match self {
            ApiError::InvalidToken => (
                StatusCode::FORBIDDEN,
                "DBS.280056",
                pick("Invalid token.", "无效的token。"),
            ),
            ApiError::SignatureRefused(d) => (
                StatusCode::UNAUTHORIZED,
                "APIGW.0301",
                format!("Incorrect IAM authentication information: {d}"),
            ),
            ApiError::InvalidName(d) => (
                StatusCode::BAD_REQUEST,
                "DBS.280277",
                with(pick("Invalid backup name.", "备份名称不合法。"), d),
            ),
            ApiError::InvalidDescription(d) => (
                StatusCode::BAD_REQUEST,
                "DBS.280127",
                with(pick("Invalid backup description.", "备份描述不合法。"), d),
            ),
            ApiError::InvalidInstanceId(d) => (
                StatusCode::BAD_REQUEST,
                "DBS.280404",
                with(pick("Invalid instance ID format.", "实例ID格式不合法。"), d),
            ),
            ApiError::InvalidParameter(d) => (
                StatusCode::BAD_REQUEST,
                "DBS.200001",
                with(pick("Invalid parameter.", "参数不合法。"), d),
            ),
            ApiError::InstanceNotFound => (
                StatusCode::NOT_FOUND,
                "DBS.200002",
                pick("The instance does not exist.", "实例不存在。"),
            ),
            ApiError::BackupInProgress => (
                StatusCode::CONFLICT,
                "DBS.201205",
                pick(
                    "A backup of this instance is already in progress.",
                    "该实例正在备份中。",
                ),
            ),
            ApiError::NoSuchApi => (
                StatusCode::NOT_FOUND,
                "APIGW.0101",
                pick(
                    "The API does not exist or has not been published.",
                    "API不存在或未发布。",
                ),
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "APIGW.0101",
                pick(
                    "Method not allowed: use POST.",
                    "请求方法不允许：请使用POST。",
                ),
            ),
            ApiError::Internal(d) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "DBS.108000",
                with(pick("Internal server error.", "服务内部错误。"), d),
            ),
        }
    }

    /// The response, in the service's error shape.
    pub fn respond(&self, lang: Lang) -> Response {
        let (status, code, message) = self.parts(lang);
        let body = ErrorResponse {
            error_code: code.to_owned(),
            error_msg: message,
        };
        let mut response = (status, Json(body)).into_response();
        if *self == ApiError::MethodNotAllowed {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        response
    }
}
