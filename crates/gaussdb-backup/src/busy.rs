//! Busy answers: a create call refused because the instance is doing
//! something else. Nothing was started, so trying again later is safe even
//! for this non-idempotent call.
//!
//! The codes are the spec's `x-busy-codes` of the create operation's `409`
//! answer (`tests/busy.rs` keeps the two lists equal, and checks every
//! documented `409` example against this classification). Huawei's
//! Terraform provider retries a create on `409` with six of them, waiting
//! for the instance to be `ACTIVE` in between (`openapi/SOURCES.md`,
//! "Busy").
//!
//! `DBS.201205` ("Backup is in progress, please wait.") is classified apart,
//! as [`Busy::BackupInProgress`], and is **not** retried by
//! [`crate::CreateBackup::retry_while_busy`]: Terraform does not retry it
//! either, and the backup in progress may be the caller's own, started by
//! an earlier attempt whose answer was lost (a timeout): waiting for it to
//! end and creating again would make a second backup nobody asked for.
//! Callers who know better can match it and decide.

use std::time::Duration;

use reqwest::StatusCode;

use crate::Error;

/// Why an instance refused a create call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Busy {
    /// Another operation is running on the instance (or it is not
    /// available for a moment): one of [`INSTANCE_BUSY_CODES`].
    Instance,
    /// A backup of the instance is already in progress
    /// ([`BACKUP_IN_PROGRESS_CODE`]).
    BackupInProgress,
}

/// The `409` codes that mean the instance is busy with another operation:
/// the five the error table gives with "Another operation is being
/// performed on the DB instance or the DB instance is faulty."
/// (`DBS.200011`, `DBS.200019`, `DBS.200047`, `DBS.201202`, `DBS.212006`)
/// and the ones only Terraform's retry list names (`DBS.201014`,
/// `DBS.201015`, `DBS.212033`, `DBS.05000084`). Not `DBS.280406` ("not
/// allowed by the DB instance type or status"): a type does not change by
/// waiting.
pub const INSTANCE_BUSY_CODES: &[&str] = &[
    "DBS.200011",
    "DBS.200019",
    "DBS.200047",
    "DBS.201014",
    "DBS.201015",
    "DBS.201202",
    "DBS.212006",
    "DBS.212033",
    "DBS.05000084",
];

/// The `409` code that means a backup of the instance is in progress.
pub const BACKUP_IN_PROGRESS_CODE: &str = "DBS.201205";

/// Shortest wait between two attempts of
/// [`crate::CreateBackup::retry_while_busy`].
pub const BUSY_MIN_DELAY: Duration = Duration::from_secs(10);
/// Longest wait between two attempts.
pub const BUSY_MAX_DELAY: Duration = Duration::from_secs(60);

/// One wait of [`crate::CreateBackup::retry_while_busy`], given to
/// [`crate::CreateBackup::on_busy`].
#[derive(Debug)]
#[non_exhaustive]
pub struct BusyRetry<'e> {
    /// The busy answer.
    pub error: &'e Error,
    /// Which attempt it answered (1 for the first).
    pub attempt: u32,
    /// How long the retries have lasted so far.
    pub waited: Duration,
    /// How long the client waits before the next attempt.
    pub delay: Duration,
}

pub(crate) fn classify(status: StatusCode, code: &str) -> Option<Busy> {
    if status != StatusCode::CONFLICT {
        return None;
    }
    if code == BACKUP_IN_PROGRESS_CODE {
        Some(Busy::BackupInProgress)
    } else if INSTANCE_BUSY_CODES.contains(&code) {
        Some(Busy::Instance)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_documented_409_codes_are_busy() {
        assert_eq!(
            classify(StatusCode::CONFLICT, "DBS.200019"),
            Some(Busy::Instance)
        );
        assert_eq!(
            classify(StatusCode::CONFLICT, "DBS.201205"),
            Some(Busy::BackupInProgress)
        );
        // The same code under another status is not the documented answer.
        assert_eq!(classify(StatusCode::BAD_REQUEST, "DBS.200019"), None);
        assert_eq!(classify(StatusCode::CONFLICT, "DBS.280277"), None);
    }
}
