//! JSON results on stdout; errors on stderr with the service's code and
//! message; exit codes by kind of failure.

use gaussdb_backup::raw::{Error, ResponseValue, types};
use serde_json::Value;

use crate::exit;
use crate::generated_cli::CliConfig;

/// Output settings, and the project ID to put on every request.
pub struct Output {
    pub project_id: types::ProjectId,
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
