//! The crate's one error type.
//!
//! Modelled on aws-sdk-rust and google-cloud-rust: a service error keeps the
//! HTTP status, the service's `error_code` and `error_msg`, the request ID and
//! the raw body; anything the service sent that does not fit the spec keeps
//! status and body too; timeouts and transport failures are told apart.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::busy::{self, Busy};
use crate::generated::types;
use crate::{BackupStatus, JobStatus};

/// Everything that can go wrong building a client or making a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument broke a rule of the spec; nothing was sent. `rule` says
    /// in words what the value must be: correct the argument.
    #[error("invalid {field}: {rule}")]
    InvalidArgument {
        /// The argument, as the spec names it (`name`, `instance_id`, ...).
        field: &'static str,
        /// The rule it broke.
        rule: String,
    },

    /// The service or its API gateway answered with the documented error
    /// body (`{"error_code": ..., "error_msg": ...}`). Act on the code:
    /// `DBS.*` codes are the service's (see the spec's responses),
    /// `APIGW.0301` refused credentials, `APIGW.0101` a wrong endpoint.
    #[error(transparent)]
    Service(Box<ServiceError>),

    /// The service answered with a status the spec does not document, or an
    /// error status whose body is not the documented error JSON (for example
    /// an HTML page from a proxy). Check the endpoint and any proxy; quote
    /// the request ID to support.
    #[error("HTTP {status}: unexpected response{}: {}", request_id_suffix(.request_id), body_preview(.body))]
    UnexpectedResponse {
        /// HTTP status.
        status: StatusCode,
        /// `X-Request-Id` of the response, when present.
        request_id: Option<String>,
        /// The body as received.
        body: Bytes,
    },

    /// A success status whose body does not match the spec, for the job and
    /// list calls (create reports [`Error::BackupMayHaveStarted`]; a delete
    /// answered 2xx succeeds). The call did what it was asked; re-reading is
    /// safe.
    #[error("HTTP {status}: malformed response body{}: {source}", request_id_suffix(.request_id))]
    MalformedResponse {
        /// HTTP status.
        status: StatusCode,
        /// `X-Request-Id` of the response, when present.
        request_id: Option<String>,
        /// The body as received.
        body: Bytes,
        /// Why it does not parse.
        source: serde_json::Error,
    },

    /// The service accepted a create call (a 2xx status) but its answer
    /// could not be read. **The backup may have been started**: do not
    /// simply retry (that may start a second backup); look for it with
    /// [`crate::Client::job`] on `job_id`, or list the instance's backups.
    #[error(
        "HTTP {status}: the service accepted the create request but its answer could not be read, \
         so the backup may have been started{}{}{}: check before retrying ({source})",
        .job_id.as_ref().map(|j| format!(" (job ID {j})")).unwrap_or_default(),
        .backup_id.as_ref().map(|b| format!(" (backup ID {b})")).unwrap_or_default(),
        request_id_suffix(.request_id)
    )]
    BackupMayHaveStarted {
        /// HTTP status (2xx).
        status: StatusCode,
        /// `X-Request-Id` of the response, when present.
        request_id: Option<String>,
        /// The job ID, when it could be found in the body.
        job_id: Option<String>,
        /// The backup ID, when it could be found in the body.
        backup_id: Option<String>,
        /// The body as received.
        body: Bytes,
        /// Why it does not parse.
        source: serde_json::Error,
    },

    /// The response body was larger than the client accepts. Raise
    /// [`crate::ClientBuilder::max_response_bytes`], or ask for smaller pages.
    #[error("HTTP {status}: response body larger than {limit} bytes")]
    ResponseTooLarge {
        /// HTTP status.
        status: StatusCode,
        /// The configured limit ([`crate::ClientBuilder::max_response_bytes`]), in bytes.
        limit: usize,
    },

    /// The backup is `FAILED` in the list. `fail_reason` is the job's
    /// explanation, when the job could be read and gave one (the list
    /// carries no reason).
    #[error(
        "the backup{} failed (job {job_id}): {}",
        .backup_id.as_ref().map(|b| format!(" {b}")).unwrap_or_default(),
        .fail_reason.as_deref().unwrap_or("the service gave no reason")
    )]
    BackupFailed {
        /// The job that ran the backup.
        job_id: String,
        /// The backup, when known.
        backup_id: Option<String>,
        /// The job's `fail_reason`.
        fail_reason: Option<String>,
        /// The job, when it could be read.
        job: Option<Box<types::Job>>,
        /// The backup as the list showed it, `FAILED`.
        backup: Option<Box<types::BackupSummary>>,
    },

    /// The waiter's deadline passed before the backup was finished. The
    /// backup goes on on the service: wait again, or check later.
    #[error(
        "gave up waiting for backup {backup_id} after {}s and {polls} polls{}: the backup goes on \
         on the service; wait again or check later",
        .waited.as_secs(),
        .last_status.as_ref().map(|s| format!(" (last status {s})")).unwrap_or_default()
    )]
    WaitTimeout {
        /// The job of the backup.
        job_id: String,
        /// The backup being waited for.
        backup_id: String,
        /// How long the waiter waited.
        waited: Duration,
        /// How many times the waiter polled the list.
        polls: u32,
        /// The backup's status at the last poll that listed it, if any.
        last_status: Option<BackupStatus>,
        /// The job's status at the last poll that could read it, if any.
        last_job_status: Option<JobStatus>,
        /// The error of the last poll, when it failed (a transient error
        /// the waiter was riding out).
        last_error: Option<Box<Error>>,
    },

    /// A poll of the waiter failed with an error that waiting cannot cure
    /// (`source`: refused credentials, a `4xx`, a malformed answer). The
    /// backup may still be running; nothing about it is known.
    #[error("waiting for backup {backup_id} stopped after {polls} polls: {source}")]
    WaitFailed {
        /// The backup being waited for.
        backup_id: String,
        /// How many times the waiter polled the list, this one included.
        polls: u32,
        /// How long the waiter waited.
        waited: Duration,
        /// The poll's error.
        source: Box<Error>,
    },

    /// The list does not show the backup being waited for: it was listed
    /// before and is gone (deleted meanwhile), or it was never listed within
    /// the waiter's visibility grace while its job was not seen running.
    #[error(
        "backup {backup_id} (job {job_id}) {} after {}s",
        if *.was_listed { "is no longer listed" } else { "was never listed" },
        .waited.as_secs()
    )]
    BackupNotFound {
        /// The backup being waited for.
        backup_id: String,
        /// Its job.
        job_id: String,
        /// Whether an earlier poll listed it.
        was_listed: bool,
        /// How long the waiter waited.
        waited: Duration,
    },

    /// A listing ([`crate::ListBackups::stream`]) reached its bound,
    /// [`crate::ListBackups::max_items`], while the service reports more
    /// backups: what was yielded is not the whole list. Raise the bound or
    /// narrow the query.
    #[error(
        "stopped listing after {max_items} backups while the service reports more: \
         the list is incomplete; raise max_items or narrow the query"
    )]
    TooManyItems {
        /// The bound that was reached.
        max_items: usize,
    },

    /// A listing ([`crate::ListBackups::stream`]) asked for the page at
    /// `offset` and got only backups it had already yielded: the service (or
    /// a proxy) is not paging, so asking again would never end. What was
    /// yielded may not be the whole list.
    #[error(
        "the page at offset {offset} held only backups already listed{}: the service is not \
         paging, so the list may be incomplete",
        request_id_suffix(.request_id)
    )]
    IncompleteListing {
        /// The offset of the page that made no progress.
        offset: u32,
        /// `X-Request-Id` of that page's response, when present.
        request_id: Option<String>,
    },

    /// The call did not complete within the configured timeout. For a
    /// create call the backup may or may not have been started: it is not
    /// idempotent, so it is never retried automatically; list the
    /// instance's backups before trying again.
    #[error("the request timed out: {0}")]
    Timeout(#[source] reqwest::Error),

    /// Connecting, sending or receiving failed (DNS, TLS, a refused or reset
    /// connection). Check the endpoint and the network.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
}

/// An error the service reported with its documented error body.
#[derive(Debug, Clone)]
pub struct ServiceError {
    /// HTTP status (400, 403, 404, 409, 500, ...).
    pub status: StatusCode,
    /// The service's error code, such as `DBS.280277` or `APIGW.0301`.
    pub error_code: String,
    /// The service's message (in English: no official translations exist).
    pub error_msg: String,
    /// The request ID: the `X-Request-Id` header, or the API gateway's
    /// `request_id` in the body when the header is absent. Quote it to support.
    pub request_id: Option<String>,
    /// The body as received.
    pub body: Bytes,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {}: {}: {}{}",
            self.status,
            self.error_code,
            self.error_msg,
            request_id_suffix(&self.request_id)
        )?;
        match self.error_code.as_str() {
            // The usual causes, which the gateway's message does not name.
            "APIGW.0301" => f.write_str(
                " (the API gateway refused the credentials: check that the token is \
                 present and not expired, or the key pair, and that this machine's clock \
                 is within 15 minutes of the gateway's)",
            )?,
            "APIGW.0101" => f.write_str(
                " (the API gateway knows no such path or method: check the endpoint URL)",
            )?,
            _ => {}
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

impl Error {
    pub(crate) fn invalid(field: &'static str, rule: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field,
            rule: rule.into(),
        }
    }

    /// The HTTP status, when the service answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::UnexpectedResponse { status, .. }
            | Error::MalformedResponse { status, .. }
            | Error::BackupMayHaveStarted { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            Error::WaitFailed { source, .. } => source.status(),
            Error::InvalidArgument { .. }
            | Error::BackupFailed { .. }
            | Error::WaitTimeout { .. }
            | Error::BackupNotFound { .. }
            | Error::TooManyItems { .. }
            | Error::IncompleteListing { .. } => None,
        }
    }

    /// The service's error code (`DBS.…`, `APIGW.…`), for a service error.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Error::Service(e) => Some(&e.error_code),
            Error::WaitFailed { source, .. } => source.error_code(),
            _ => None,
        }
    }

    /// Whether the service refused a create call because the instance is
    /// busy with another operation, and which kind of busy: see
    /// [`crate::busy`]. Nothing was started, so trying again later is safe;
    /// [`crate::CreateBackup::retry_while_busy`] does it for
    /// [`Busy::Instance`].
    pub fn busy(&self) -> Option<Busy> {
        match self {
            Error::Service(e) => busy::classify(e.status, &e.error_code),
            _ => None,
        }
    }

    /// The `X-Request-Id` of the response, when the service answered with one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.request_id.as_deref(),
            Error::UnexpectedResponse { request_id, .. }
            | Error::MalformedResponse { request_id, .. }
            | Error::BackupMayHaveStarted { request_id, .. }
            | Error::IncompleteListing { request_id, .. } => request_id.as_deref(),
            Error::WaitFailed { source, .. } => source.request_id(),
            _ => None,
        }
    }

    /// The response body exactly as received, when there was one.
    pub fn raw_body(&self) -> Option<&Bytes> {
        match self {
            Error::Service(e) => Some(&e.body),
            Error::UnexpectedResponse { body, .. }
            | Error::MalformedResponse { body, .. }
            | Error::BackupMayHaveStarted { body, .. } => Some(body),
            Error::WaitFailed { source, .. } => source.raw_body(),
            _ => None,
        }
    }

    /// True for a timeout (connecting, or waiting for the response).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// True for what may pass if the same idempotent call is made again
    /// later: a timeout, a transport failure, `429` or a `5xx`. The waiter
    /// rides these out; the create call is never retried.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::Transport(_) => true,
            _ => self
                .status()
                .is_some_and(|s| s == StatusCode::TOO_MANY_REQUESTS || s.is_server_error()),
        }
    }
}

fn request_id_suffix(request_id: &Option<String>) -> String {
    match request_id {
        Some(id) => format!(" (request ID {id})"),
        None => String::new(),
    }
}

/// The start of a body for a one-line message: at most 200 characters, with
/// control characters escaped so a hostile body cannot forge log lines.
fn body_preview(body: &Bytes) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(body);
    let mut preview: String = text
        .chars()
        .take(MAX)
        .flat_map(char::escape_default)
        .collect();
    if text.chars().count() > MAX {
        preview.push('…');
    }
    if preview.is_empty() {
        preview.push_str("(empty body)");
    }
    preview
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_error_display_shows_status_code_message_and_request_id() {
        let err = Error::Service(Box::new(ServiceError {
            status: StatusCode::BAD_REQUEST,
            error_code: "DBS.280277".into(),
            error_msg: "Invalid backup name.".into(),
            request_id: Some("req-1".into()),
            body: Bytes::from_static(b"{}"),
        }));
        assert_eq!(
            err.to_string(),
            "HTTP 400 Bad Request: DBS.280277: Invalid backup name. (request ID req-1)"
        );
    }

    #[test]
    fn unexpected_response_preview_is_bounded_and_escaped() {
        let body = Bytes::from(format!("<html>\n{}", "x".repeat(1000)));
        let err = Error::UnexpectedResponse {
            status: StatusCode::BAD_GATEWAY,
            request_id: None,
            body,
        };
        let text = err.to_string();
        assert!(
            text.starts_with("HTTP 502 Bad Gateway: unexpected response: <html>\\n"),
            "{text}"
        );
        assert!(text.len() < 300, "{}", text.len());
        assert!(!text.contains('\n'));
    }

    fn service(status: u16, code: &str) -> Error {
        Error::Service(Box::new(ServiceError {
            status: StatusCode::from_u16(status).unwrap(),
            error_code: code.into(),
            error_msg: "message".into(),
            request_id: Some("req-7".into()),
            body: Bytes::from_static(b"{\"error_code\":\"x\"}"),
        }))
    }

    /// A failed wait is what a caller of `wait` sees: the service's status,
    /// code, request ID and body must be read through it as on the failed
    /// call itself (the CLI prints them, support asks for the request ID).
    #[test]
    fn a_failed_wait_answers_with_its_poll_errors_details() {
        let err = Error::WaitFailed {
            backup_id: "b".into(),
            polls: 3,
            waited: Duration::from_secs(30),
            source: Box::new(service(403, "DBS.200010")),
        };
        assert_eq!(err.status(), Some(StatusCode::FORBIDDEN));
        assert_eq!(err.error_code(), Some("DBS.200010"));
        assert_eq!(err.request_id(), Some("req-7"));
        assert_eq!(
            err.raw_body().map(|b| &b[..]),
            Some(&b"{\"error_code\":\"x\"}"[..])
        );
        assert!(!err.is_transient());
        assert_eq!(err.busy(), None, "only a create call's own error is busy");
    }

    /// What a caller reads off each kind of error: a service error has all
    /// four details, an unexpected answer its status, request ID and body,
    /// and errors the client made itself have none.
    #[test]
    fn each_error_says_what_the_service_answered_and_nothing_more() {
        let err = service(400, "DBS.280277");
        assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
        assert_eq!(err.error_code(), Some("DBS.280277"));
        assert_eq!(err.request_id(), Some("req-7"));
        assert_eq!(
            err.raw_body().map(|b| &b[..]),
            Some(&b"{\"error_code\":\"x\"}"[..])
        );

        let unexpected = Error::UnexpectedResponse {
            status: StatusCode::BAD_GATEWAY,
            request_id: Some("req-8".into()),
            body: Bytes::from_static(b"<html>"),
        };
        assert_eq!(unexpected.status(), Some(StatusCode::BAD_GATEWAY));
        assert_eq!(unexpected.error_code(), None);
        assert_eq!(unexpected.request_id(), Some("req-8"));
        assert_eq!(unexpected.raw_body().map(|b| &b[..]), Some(&b"<html>"[..]));

        let listing = Error::IncompleteListing {
            offset: 20,
            request_id: Some("req-9".into()),
        };
        assert_eq!(listing.request_id(), Some("req-9"));
        assert_eq!(listing.status(), None);
        assert_eq!(listing.raw_body(), None);

        let invalid = Error::invalid("name", "must be 4 to 64 characters");
        assert_eq!(invalid.status(), None);
        assert_eq!(invalid.error_code(), None);
        assert_eq!(invalid.request_id(), None);
        assert_eq!(invalid.raw_body(), None);
        assert!(!invalid.is_timeout());
        assert!(!invalid.is_transient());
        assert_eq!(invalid.busy(), None);
    }

    /// The waiter rides out exactly these: 429 and 5xx answers (and
    /// timeouts and transport failures, tested on the wire); a 4xx is the
    /// caller's to fix and stops it.
    #[test]
    fn only_429_and_5xx_answers_are_transient() {
        assert!(service(429, "APIGW.0308").is_transient());
        assert!(service(500, "DBS.200001").is_transient());
        assert!(service(503, "APIGW.0201").is_transient());
        assert!(!service(400, "DBS.280277").is_transient());
        assert!(!service(403, "DBS.200010").is_transient());
        assert!(!service(404, "DBS.280404").is_transient());
        let html_502 = Error::UnexpectedResponse {
            status: StatusCode::BAD_GATEWAY,
            request_id: None,
            body: Bytes::new(),
        };
        assert!(html_502.is_transient());
    }

    /// The gateway's two most common refusals name their usual cause.
    #[test]
    fn gateway_refusals_name_their_usual_cause() {
        let credentials = service(401, "APIGW.0301").to_string();
        assert!(
            credentials.contains("refused the credentials"),
            "{credentials}"
        );
        assert!(credentials.contains("clock"), "{credentials}");
        let path = service(404, "APIGW.0101").to_string();
        assert!(path.contains("check the endpoint URL"), "{path}");
        let plain = service(400, "DBS.280277").to_string();
        assert_eq!(
            plain,
            "HTTP 400 Bad Request: DBS.280277: message (request ID req-7)"
        );
    }

    #[test]
    fn a_body_preview_is_cut_only_past_200_characters() {
        let preview = |text: String| body_preview(&Bytes::from(text));
        assert_eq!(preview("x".repeat(200)), "x".repeat(200));
        assert_eq!(preview("x".repeat(201)), format!("{}…", "x".repeat(200)));
        assert_eq!(preview(String::new()), "(empty body)");
    }
}
