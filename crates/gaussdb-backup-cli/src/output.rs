//! JSON results on stdout; errors on stderr with the service's code and
//! message; exit codes by kind of failure.

use std::sync::{Arc, Mutex, PoisonError};

use gaussdb_backup::raw::{Error, ResponseValue, types};
use serde_json::Value;

use crate::exit;
use crate::generated_cli::CliConfig;

/// Output settings, and the project ID to put on every request.
pub struct Output {
    project_id: types::ProjectId,
    /// `create-backup --wait`: keep the create answer for the waiter
    /// instead of printing it.
    keep_created: bool,
    created: Arc<Mutex<Option<Value>>>,
}

/// Where `--wait` finds the create answer after the generated call.
#[derive(Clone, Default)]
pub struct Created(Arc<Mutex<Option<Value>>>);

impl Created {
    pub fn take(&self) -> Option<Value> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl Output {
    /// With `keep_created`, a successful answer goes to `created` instead
    /// of stdout.
    pub fn new(project_id: types::ProjectId, keep_created: bool, created: &Created) -> Self {
        Output {
            project_id,
            keep_created,
            created: Arc::clone(&created.0),
        }
    }
}

impl CliConfig for Output {
    // The generated commands only know `--project-id`; the ID may also come
    // from `HUAWEICLOUD_SDK_PROJECT_ID` or the config file, resolved (flag
    // first) before the call. The generated macro implements the hook of
    // every operation with a project ID.
    crate::generated_cli::project_id_hooks!(self => self.project_id.clone());

    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        if self.keep_created {
            *self.created.lock().unwrap_or_else(PoisonError::into_inner) =
                serde_json::to_value(value.as_ref()).ok();
            return;
        }
        match serde_json::to_string_pretty(value.as_ref()) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("error: cannot print the result: {e}"),
        }
    }

    fn success_no_item(&self, _: &ResponseValue<()>) {}

    fn error<T>(&self, error: &Error<T>)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        eprintln!("error: {}", describe(error));
    }

    fn list_start<T>(&self)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
    }

    fn list_item<T>(&self, value: &T)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        if let Ok(text) = serde_json::to_string(value) {
            println!("{text}");
        }
    }

    fn list_end_success<T>(&self)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
    }

    fn list_end_error<T>(&self, error: &Error<T>)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        eprintln!("error: {}", describe(error));
    }
}

fn request_id(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|id| format!(" (request ID {id})"))
        .unwrap_or_default()
}

/// One line: status, code and message for service errors.
fn describe<T: serde::Serialize>(error: &Error<T>) -> String {
    match error {
        Error::ErrorResponse(rv) => {
            let body = serde_json::to_value(rv.as_ref()).unwrap_or(Value::Null);
            format!(
                "HTTP {}: {}: {}{}",
                rv.status(),
                body["error_code"].as_str().unwrap_or("?"),
                body["error_msg"].as_str().unwrap_or("?"),
                request_id(rv.headers())
            )
        }
        Error::UnexpectedResponse(r) => format!(
            "HTTP {}: unexpected response{}",
            r.status(),
            request_id(r.headers())
        ),
        Error::InvalidResponsePayload(_, e) => format!("malformed response: {e}"),
        Error::CommunicationError(e) | Error::ResponseBodyError(e) | Error::InvalidUpgrade(e) => {
            if e.is_timeout() {
                format!("timed out: {e}")
            } else {
                format!("cannot reach the service: {e}")
            }
        }
        Error::InvalidRequest(s) | Error::Custom(s) => format!("invalid request: {s}"),
    }
}

/// The exit code for a failed call.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    use gaussdb_backup::raw::types::ErrorResponse;
    match error.downcast_ref::<Error<ErrorResponse>>() {
        Some(Error::ErrorResponse(_)) => exit::SERVICE_ERROR,
        Some(
            Error::CommunicationError(_) | Error::ResponseBodyError(_) | Error::InvalidUpgrade(_),
        ) => exit::TRANSPORT,
        Some(Error::UnexpectedResponse(r))
            if r.status().is_client_error() || r.status().is_server_error() =>
        {
            exit::SERVICE_ERROR
        }
        Some(Error::UnexpectedResponse(_) | Error::InvalidResponsePayload(..)) => exit::UNEXPECTED,
        Some(Error::InvalidRequest(_) | Error::Custom(_)) => exit::USAGE,
        None => {
            // Reading a --json-body file and similar local failures.
            eprintln!("error: {error:#}");
            exit::USAGE
        }
    }
}

/// The exit code for a failure of the hand-written client layer.
pub fn exit_code_of(error: &gaussdb_backup::Error) -> u8 {
    use gaussdb_backup::Error as E;
    match error {
        E::Service(_) => exit::SERVICE_ERROR,
        E::Timeout(_) | E::Transport(_) => exit::TRANSPORT,
        E::InvalidArgument { .. } => exit::USAGE,
        E::BackupFailed { .. } => exit::BACKUP_FAILED,
        E::WaitTimeout { .. } => exit::WAIT_TIMEOUT,
        E::UnexpectedResponse { status, .. }
            if status.is_client_error() || status.is_server_error() =>
        {
            exit::SERVICE_ERROR
        }
        _ => exit::UNEXPECTED,
    }
}
