//! What the emulator accepts and knows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use gaussdb_backup::{Clock, SystemClock};
use serde::{Deserialize, Serialize};

/// The instance of the documented examples, known out of the box.
pub const DOCUMENTED_INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

/// How the job of a backup runs, all measured from the create call.
///
/// ```text
/// create ─┬─ visible_after ─► the job can be queried (DBS.200543 before)
///         ├─ 0 .. pending ──► job Pending,  backup BUILDING
///         ├─ .. +running ───► job Running (process 0% → 99%)
///         └─ after ─────────► job Completed / Failed, backup COMPLETED / FAILED
/// ```
///
/// A `visible_after` longer than `pending` hides the Pending phase.
///
/// The job and the backup can be made to disagree, as the real service's
/// may (its task center is a separate service; `openapi/SOURCES.md`,
/// "Waiting"): `job_hidden` keeps the job invisible for ever, `job_lag`
/// ends the job that long after the backup is COMPLETED, and `backup_lag`
/// keeps the backup BUILDING that long after its job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSchedule {
    /// From the create call until the job can be queried.
    #[serde(with = "millis")]
    pub visible_after: Duration,
    /// From the create call until the job starts running.
    #[serde(with = "millis")]
    pub pending: Duration,
    /// How long the job runs.
    #[serde(with = "millis")]
    pub running: Duration,
    /// The job is never visible: every query answers `DBS.200543`.
    #[serde(default)]
    pub job_hidden: bool,
    /// The job ends this long after the backup is finished (the job lags
    /// behind the list).
    #[serde(default, with = "millis")]
    pub job_lag: Duration,
    /// The backup stays BUILDING this long after its job ended (the list
    /// lags behind the job).
    #[serde(default, with = "millis")]
    pub backup_lag: Duration,
}

impl JobSchedule {
    /// Jobs visible, running and finished at once: every call sees the end
    /// state (for throughput tests and clients that do not poll).
    pub const INSTANT: JobSchedule = JobSchedule {
        visible_after: Duration::ZERO,
        pending: Duration::ZERO,
        running: Duration::ZERO,
        job_hidden: false,
        job_lag: Duration::ZERO,
        backup_lag: Duration::ZERO,
    };

    /// From the create call until the job ends.
    pub fn total(&self) -> Duration {
        self.pending
            .saturating_add(self.running)
            .saturating_add(self.job_lag)
    }

    /// From the create call until the backup is finished.
    pub fn backup_total(&self) -> Duration {
        self.pending
            .saturating_add(self.running)
            .saturating_add(self.backup_lag)
    }
}

impl Default for JobSchedule {
    /// Visible after 1 s, pending for 2 s, running for 5 s.
    fn default() -> Self {
        JobSchedule {
            visible_after: Duration::from_secs(1),
            pending: Duration::from_secs(2),
            running: Duration::from_secs(5),
            job_hidden: false,
            job_lag: Duration::ZERO,
            backup_lag: Duration::ZERO,
        }
    }
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

/// Emulator settings. `Default` is the out-of-the-box behaviour: any
/// non-empty token, signatures by the key pair `AccessKey`/`SecretKey` (the
/// official SDKs' test pair), the documented instance, the default
/// [`JobSchedule`], no automated backups, state in memory, the system clock.
#[derive(Clone)]
pub struct Config {
    /// Accepted tokens; with `token_expiry`, empty means any non-empty token.
    pub tokens: BTreeSet<String>,
    /// Tokens that expire, with their expiry (compared with [`Config::clock`]).
    /// A token listed here is accepted until then even when `tokens` is not
    /// empty and does not list it.
    pub token_expiry: BTreeMap<String, DateTime<Utc>>,
    /// Access key → secret key of the pairs whose signatures are accepted.
    pub key_pairs: BTreeMap<String, String>,
    /// Instance IDs that exist (in every project).
    pub instances: BTreeSet<String>,
    /// How backup jobs progress.
    pub jobs: JobSchedule,
    /// Automated backups (type `auto`, COMPLETED) made up for each instance
    /// at start, one a day going back from the start time.
    pub seed_auto_backups: usize,
    /// Where backups and jobs are kept across restarts (a journal); `None`
    /// keeps them in memory.
    pub state_file: Option<PathBuf>,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// The time: begin times, job schedules, signature dates, token expiry,
    /// injected delays. Tests pass a [`gaussdb_backup::ManualClock`].
    pub clock: Arc<dyn Clock>,
    /// How the journal makes a batch durable before acknowledging it:
    /// `fdatasync` unless a test makes it fail or wait (see
    /// [`crate::journal::SyncData`]).
    pub journal_sync: crate::journal::SyncData,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tokens: BTreeSet::new(),
            token_expiry: BTreeMap::new(),
            key_pairs: BTreeMap::from([("AccessKey".to_owned(), "SecretKey".to_owned())]),
            instances: BTreeSet::from([DOCUMENTED_INSTANCE.to_owned()]),
            jobs: JobSchedule::default(),
            seed_auto_backups: 0,
            state_file: None,
            max_body_bytes: 64 * 1024,
            clock: Arc::new(SystemClock),
            journal_sync: crate::journal::SyncData::default(),
        }
    }
}

/// What the gateway makes of a token.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenCheck {
    /// Accepted.
    Valid,
    /// Not one the emulator accepts.
    Unknown,
    /// Past its expiry (the expiry in the gateway's words).
    Expired(String),
}

impl Config {
    /// Whether a token is accepted now.
    pub fn check_token(&self, token: &str) -> TokenCheck {
        if token.is_empty() {
            return TokenCheck::Unknown;
        }
        if let Some(expiry) = self.token_expiry.get(token) {
            return if self.clock.now() < *expiry {
                TokenCheck::Valid
            } else {
                TokenCheck::Expired(expiry.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
            };
        }
        let any = self.tokens.is_empty() && self.token_expiry.is_empty();
        if any || self.tokens.contains(token) {
            TokenCheck::Valid
        } else {
            TokenCheck::Unknown
        }
    }

    /// Whether a token is accepted now (see [`Config::check_token`]).
    pub fn accepts(&self, token: &str) -> bool {
        self.check_token(token) == TokenCheck::Valid
    }

    /// The name of a known instance: the emulator makes one up from its ID.
    pub fn instance_name(id: &str) -> String {
        format!("taurus-{}", id.get(..8).unwrap_or(id))
    }
}

// Tokens are secrets: only their number is shown. Access key IDs are not
// secret keys, but they identify an account and the gateway masks them in
// its own messages (`ak:******`): the start-up log must not print them
// either, so only their number is shown too.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("tokens", &format_args!("[{} redacted]", self.tokens.len()))
            .field(
                "token_expiry",
                &format_args!("[{} redacted]", self.token_expiry.len()),
            )
            .field(
                "access_keys",
                &format_args!("[{} redacted]", self.key_pairs.len()),
            )
            .field("instances", &self.instances)
            .field("jobs", &self.jobs)
            .field("seed_auto_backups", &self.seed_auto_backups)
            .field("state_file", &self.state_file)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("clock", &self.clock)
            .field("journal_sync", &self.journal_sync)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_neither_tokens_nor_access_keys() {
        let config = Config {
            tokens: BTreeSet::from(["Tok3nValue".to_owned()]),
            token_expiry: BTreeMap::from([("Exp1ringToken".to_owned(), DateTime::<Utc>::MIN_UTC)]),
            key_pairs: BTreeMap::from([
                ("MyAccessKeyId".to_owned(), "MySecretKey".to_owned()),
                ("OtherAccessKey".to_owned(), "OtherSecret".to_owned()),
            ]),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        for secret in [
            "Tok3nValue",
            "Exp1ringToken",
            "MyAccessKeyId",
            "MySecretKey",
            "OtherAccessKey",
            "OtherSecret",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("access_keys: [2 redacted]"), "{shown}");
    }
}
