//! JSON results on stdout; errors on stderr, in the client library's words;
//! and the one mapping from a library error to an exit code.

use gaussdb_backup::types;
use gaussdb_backup::{Busy, Error};
use serde::Serialize;

use crate::exit;

/// Prints a value built with a generated builder (the generated types are
/// `#[non_exhaustive]`, so they are built, not written as literals); a
/// builder left without a required field is this program's bug, exit 4.
pub fn print_built<T: Serialize, E: std::fmt::Display>(built: Result<T, E>) -> u8 {
    match built {
        Ok(value) => print(&value),
        Err(e) => {
            eprintln!("error: cannot build the result: {e}");
            exit::UNEXPECTED
        }
    }
}

/// Prints a result as JSON on stdout.
pub fn print<T: Serialize>(value: &T) -> u8 {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            println!("{text}");
            exit::OK
        }
        Err(e) => {
            eprintln!("error: cannot print the result: {e}");
            exit::UNEXPECTED
        }
    }
}

/// A page of backups as printed: `backups` always (an empty page too, where
/// the service may leave it out), and the service's `total_count` (how many
/// backups match the filters over all pages) when it sent one.
#[derive(Serialize)]
pub struct Page<'a> {
    pub backups: &'a [types::BackupSummary],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_count: Option<i64>,
}

/// The exit code of a failure of the client library: the one place where
/// errors become exit codes, as `--help` lists them.
pub fn exit_code(error: &Error) -> u8 {
    match error {
        Error::InvalidArgument { .. } => exit::USAGE,
        Error::Timeout(_) | Error::Transport(_) => exit::TRANSPORT,
        Error::BackupMayHaveStarted { .. } => exit::MAY_HAVE_STARTED,
        Error::BackupFailed { .. } => exit::BACKUP_FAILED,
        Error::WaitTimeout { .. } => exit::WAIT_TIMEOUT,
        Error::BackupNotFound { .. } => exit::NOT_LISTED,
        // The poll's own failure decides, as if it had been a single call.
        Error::WaitFailed { source, .. } => exit_code(source),
        Error::Service(_) if error.busy().is_some() => exit::BUSY,
        Error::Service(_) => exit::SERVICE_ERROR,
        Error::TooManyItems { .. } => exit::TOO_MANY,
        // Any other answer: an error status (4xx, 5xx) is the service's (or
        // a proxy's) refusal even when its body is not the documented error
        // JSON (an HTML page, say); any other status whose answer cannot be
        // read (a 2xx with a body that does not parse, a 3xx, a body over
        // the size limit) is an unexpected response. Errors the library may
        // add later fall here too.
        other => match other.status() {
            Some(status) if status.is_client_error() || status.is_server_error() => {
                exit::SERVICE_ERROR
            }
            _ => exit::UNEXPECTED,
        },
    }
}

/// Prints a failure on stderr and returns its exit code. `instance_id` is
/// the instance of a create call, for the advice when the backup may have
/// been started.
pub fn report(error: &Error, instance_id: Option<&str>) -> u8 {
    eprintln!("error: {error}");
    match error {
        Error::BackupMayHaveStarted { job_id, .. } => {
            eprintln!(
                "warning: do not simply run the command again: it may start a second backup."
            );
            match job_id {
                Some(job_id) => eprintln!(
                    "warning: the backup's job is {job_id}; check it with: gaussdb-backup show-job --job-id {job_id}"
                ),
                None => eprintln!("warning: no job ID could be read from the answer."),
            }
            if let Some(instance_id) = instance_id {
                eprintln!(
                    "warning: or list the instance's backups: gaussdb-backup list-backups --instance-id {instance_id}"
                );
            }
        }
        Error::Service(_) if error.busy() == Some(Busy::Instance) => eprintln!(
            "note: the instance is busy with another operation; nothing was started. \
             Try again later, or let create-backup wait with --retry-while-busy 30m."
        ),
        Error::Service(_) if error.busy() == Some(Busy::BackupInProgress) => eprintln!(
            "note: a backup of this instance is already running; nothing was started. \
             It may be one you started earlier: list the instance's backups before trying again."
        ),
        Error::Timeout(_) if instance_id.is_some() => {
            eprintln!(
                "warning: the backup may or may not have been started; list the instance's backups \
                 (gaussdb-backup list-backups --instance-id {}) before trying again.",
                instance_id.unwrap_or_default()
            );
        }
        _ => {}
    }
    exit_code(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_codes_whatever_the_body() {
        let unexpected = |status: u16| Error::UnexpectedResponse {
            status: reqwest::StatusCode::from_u16(status).unwrap(),
            request_id: None,
            body: Default::default(),
        };
        assert_eq!(exit_code(&unexpected(500)), exit::SERVICE_ERROR);
        assert_eq!(exit_code(&unexpected(429)), exit::SERVICE_ERROR);
        assert_eq!(exit_code(&unexpected(302)), exit::UNEXPECTED);
        let too_large = Error::ResponseTooLarge {
            status: reqwest::StatusCode::OK,
            limit: 1,
        };
        assert_eq!(exit_code(&too_large), exit::UNEXPECTED);
    }
}
