//! Waiting for a backup to finish, in the manner of the AWS SDK's waiters.
//!
//! The create call answers at once; the backup is made asynchronously.
//! [`WaitForBackup`] polls **the backup itself** (`ShowGaussMySqlBackupList`
//! by `backup_id`) until its status is final, with exponential backoff and
//! jitter, within an overall deadline. It never repeats the create call.
//!
//! # The backup decides; the job only reports progress
//!
//! Huawei's own Terraform provider, the code that has run against the live
//! service longest, waits for a backup by listing it by ID (`BUILDING` →
//! `COMPLETED`) and never polls its job; the task center's documentation
//! does not promise to show backup jobs at all (`openapi/SOURCES.md`,
//! "Waiting"). So the backup's status is the only authority for the
//! outcome, and the job (`ShowGaussMySqlJobInfo`) is read only for what the
//! list cannot tell: progress (`process`, when an [`on_progress`] callback
//! is set) and the `fail_reason` of a failed backup.
//!
//! | the list shows the backup | the job (if read) | outcome |
//! |---|---|---|
//! | `COMPLETED` or `AVAILABLE` | anything, or not visible | success |
//! | `FAILED` | anything, or not visible | [`Error::BackupFailed`], with the job's `fail_reason` when the job can be read |
//! | `BUILDING` | `Completed` or `Failed` (ahead of the list) | keep polling: the list has the last word |
//! | `BUILDING` | `Pending`/`Running`, or not visible (`DBS.200543`) | keep polling |
//! | a status the spec does not list | anything | keep polling (reported in progress and in [`Error::WaitTimeout`]) |
//! | not listed, within the visibility grace | anything | keep polling: a new backup may take a moment to be listed |
//! | not listed, after the grace | `Pending`/`Running` | keep polling: the job is still making it |
//! | not listed, after the grace | `Completed`, `Failed`, not visible | [`Error::BackupNotFound`] |
//! | listed once, then not listed | any | [`Error::BackupNotFound`] (deleted meanwhile) |
//!
//! A status the spec does not list keeps the wait going where Terraform
//! would fail: a new in-progress status must not turn a backup that goes on
//! to complete into a reported failure, and the deadline still bounds the
//! wait. A job error never ends the wait.
//!
//! # Outcomes
//! - `Ok(backup)`: the backup as the list shows it, `COMPLETED` (or
//!   `AVAILABLE`).
//! - [`Error::BackupFailed`]: the backup is `FAILED`.
//! - [`Error::WaitTimeout`]: the deadline passed; it carries the time
//!   waited, the number of polls and the last status seen. The backup goes
//!   on.
//! - [`Error::WaitFailed`]: a poll of the list failed with an error that
//!   waiting cannot cure (a refused credential, a `4xx`); the error is its
//!   `source`. Transient failures ([`Error::is_transient`]: timeouts,
//!   transport errors, `429`, `5xx`) are ridden out until the deadline: the
//!   polls are idempotent reads.
//! - [`Error::BackupNotFound`]: see the table.
//!
//! # Delays
//! The delay before poll *n* is drawn uniformly between the shortest delay
//! and `min(shortest × 2ⁿ⁻¹, longest)` (the AWS SDK's waiter backoff), so
//! no delay is ever shorter than [`WaitForBackup::min_delay`] (2 s by
//! default), the first is exactly it, and they grow to at most
//! [`WaitForBackup::max_delay`] (30 s). A shortest delay below
//! [`SHORTEST_DELAY`] (including zero) is raised to it.
//!
//! Dropping the future stops polling at once: nothing runs in the
//! background. Time comes from the client's [`crate::Clock`], so tests use a
//! [`crate::ManualClock`] and take no real time.
//!
//! [`on_progress`]: WaitForBackup::on_progress

use std::time::Duration;

use crate::client::Client;
use crate::generated::types;
use crate::job::job_percent;
use crate::{BackupStatus, Error, JobStatus};

/// Default shortest delay between two polls.
pub const DEFAULT_MIN_DELAY: Duration = Duration::from_secs(2);
/// Default longest delay between two polls.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(30);
/// Default overall deadline: manual backups of large instances take long
/// (Terraform's default for this wait is also 60 minutes).
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// Default time during which a backup the list does not show yet counts as
/// not listed yet.
pub const DEFAULT_VISIBILITY_GRACE: Duration = Duration::from_secs(60);
/// The shortest delay the waiter ever sleeps between polls: a configured
/// shortest delay below it (zero included) is raised to it, so that a
/// mistaken setting cannot make the waiter hammer the service.
pub const SHORTEST_DELAY: Duration = Duration::from_millis(100);

/// A progress report: what one round of polls saw.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WaitProgress {
    /// The backup's status in the list; `None` while the list does not show
    /// the backup.
    pub backup_status: Option<BackupStatus>,
    /// The job's status, when the job was read and visible.
    pub job_status: Option<JobStatus>,
    /// The job's progress in percent, while it is `Running`.
    pub percent: Option<u8>,
    /// How long the wait has lasted.
    pub elapsed: Duration,
    /// How many times the list has been polled so far.
    pub polls: u32,
    /// The backup as listed, when listed.
    pub backup: Option<types::BackupSummary>,
    /// The job as received, when visible.
    pub job: Option<types::Job>,
}

/// The name this type had when the waiter followed the job.
#[deprecated(
    since = "0.4.0",
    note = "renamed WaitProgress: the wait follows the backup"
)]
pub type JobProgress = WaitProgress;

type ProgressFn<'a> = Box<dyn FnMut(&WaitProgress) + Send + 'a>;

/// Waits for a backup to finish; make one with [`crate::CreatedBackup::wait`]
/// or [`Client::wait_for_backup`], then `.send().await`. See the
/// [module docs](self) for the rules and outcomes.
#[must_use = "nothing is polled until `.send().await`"]
pub struct WaitForBackup<'a> {
    client: &'a Client,
    job_id: String,
    backup_id: String,
    min_delay: Duration,
    max_delay: Duration,
    timeout: Duration,
    grace: Duration,
    on_progress: Option<ProgressFn<'a>>,
}

impl std::fmt::Debug for WaitForBackup<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitForBackup")
            .field("job_id", &self.job_id)
            .field("backup_id", &self.backup_id)
            .field("min_delay", &self.min_delay)
            .field("max_delay", &self.max_delay)
            .field("timeout", &self.timeout)
            .field("grace", &self.grace)
            .finish_non_exhaustive()
    }
}

/// What the rounds so far have seen.
#[derive(Default)]
struct Seen {
    polls: u32,
    listed: bool,
    backup_status: Option<BackupStatus>,
    job: Option<types::Job>,
    last_error: Option<Box<Error>>,
}

impl<'a> WaitForBackup<'a> {
    pub(crate) fn new(client: &'a Client, job_id: String, backup_id: String) -> Self {
        WaitForBackup {
            client,
            job_id,
            backup_id,
            min_delay: DEFAULT_MIN_DELAY,
            max_delay: DEFAULT_MAX_DELAY,
            timeout: DEFAULT_WAIT_TIMEOUT,
            grace: DEFAULT_VISIBILITY_GRACE,
            on_progress: None,
        }
    }

    /// Shortest delay between polls; default [`DEFAULT_MIN_DELAY`], never
    /// below [`SHORTEST_DELAY`].
    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay;
        self
    }

    /// Longest delay between polls; default [`DEFAULT_MAX_DELAY`].
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Overall deadline; default [`DEFAULT_WAIT_TIMEOUT`]. When it passes the
    /// wait ends with [`Error::WaitTimeout`]; the backup goes on.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a backup the list does not show counts as not listed yet;
    /// default [`DEFAULT_VISIBILITY_GRACE`].
    pub fn visibility_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Called after every round of polls, to show progress. With a callback
    /// the waiter also reads the job each round (for its `process`); a job
    /// that cannot be read changes nothing.
    pub fn on_progress(mut self, report: impl FnMut(&WaitProgress) + Send + 'a) -> Self {
        self.on_progress = Some(Box::new(report));
        self
    }

    /// Polls until the backup is finished or the deadline passes.
    pub async fn send(self) -> Result<types::BackupSummary, Error> {
        // Taken apart so that the future holds no reference to the
        // callback across an await, and stays `Send`.
        let WaitForBackup {
            client,
            job_id,
            backup_id,
            min_delay,
            max_delay,
            timeout,
            grace,
            mut on_progress,
        } = self;
        let target = Target {
            client,
            job_id,
            backup_id,
            grace,
        };
        let clock = client.clock();
        let start = clock.now();
        let elapsed = || (clock.now() - start).to_std().unwrap_or_default();
        let mut backoff = Backoff::new(min_delay, max_delay);
        let mut seen = Seen::default();
        loop {
            seen.polls += 1;
            let listed = client.backups().backup_id(&target.backup_id).send().await;
            let backup = match listed {
                Ok(page) => {
                    seen.last_error = None;
                    page.backups.into_iter().find(|b| b.id == target.backup_id)
                }
                Err(err) if err.is_transient() => {
                    seen.last_error = Some(Box::new(err));
                    None
                }
                Err(err) => return Err(target.poll_failed(err, &seen, elapsed())),
            };
            let answered = seen.last_error.is_none();
            if on_progress.is_some() || (answered && backup.is_none()) {
                seen.job = target.visible_job().await.or(seen.job.take());
            }
            if let Some(backup) = &backup {
                seen.listed = true;
                seen.backup_status = backup.status.clone();
            }
            if let Some(report) = on_progress.as_mut() {
                report(&seen.progress(backup.as_ref(), elapsed()));
            }
            if answered && let Some(outcome) = target.decide(backup, &seen, elapsed()).await {
                return outcome;
            }
            let waited = elapsed();
            let Some(remaining) = timeout.checked_sub(waited).filter(|r| !r.is_zero()) else {
                return Err(Error::WaitTimeout {
                    job_id: target.job_id,
                    backup_id: target.backup_id,
                    waited,
                    polls: seen.polls,
                    last_status: seen.backup_status,
                    last_job_status: seen.job.map(|j| j.status),
                    last_error: seen.last_error,
                });
            };
            clock.sleep(backoff.next().min(remaining)).await;
        }
    }
}

/// The backup waited for.
struct Target<'a> {
    client: &'a Client,
    job_id: String,
    backup_id: String,
    grace: Duration,
}

impl Seen {
    fn progress(&self, backup: Option<&types::BackupSummary>, elapsed: Duration) -> WaitProgress {
        WaitProgress {
            backup_status: backup.and_then(|b| b.status.clone()),
            job_status: self.job.as_ref().map(|j| j.status.clone()),
            percent: self.job.as_ref().and_then(job_percent),
            elapsed,
            polls: self.polls,
            backup: backup.cloned(),
            job: self.job.clone(),
        }
    }
}

impl Target<'_> {
    /// The outcome of an answered poll of the list (see the module's
    /// table); `None` while the wait goes on.
    async fn decide(
        &self,
        backup: Option<types::BackupSummary>,
        seen: &Seen,
        waited: Duration,
    ) -> Option<Result<types::BackupSummary, Error>> {
        let Some(backup) = backup else {
            let job_still_making_it = seen
                .job
                .as_ref()
                .is_some_and(|j| matches!(j.status, JobStatus::Pending | JobStatus::Running));
            return if seen.listed || (waited >= self.grace && !job_still_making_it) {
                Some(Err(Error::BackupNotFound {
                    backup_id: self.backup_id.clone(),
                    job_id: self.job_id.clone(),
                    was_listed: seen.listed,
                    waited,
                }))
            } else {
                None
            };
        };
        match &backup.status {
            Some(BackupStatus::Completed | BackupStatus::Available) => Some(Ok(backup)),
            Some(BackupStatus::Failed) => {
                let job = match &seen.job {
                    Some(job) if job.status == JobStatus::Failed => Some(job.clone()),
                    _ => self.visible_job().await,
                };
                Some(Err(Error::BackupFailed {
                    job_id: self.job_id.clone(),
                    backup_id: Some(self.backup_id.clone()),
                    fail_reason: job
                        .as_ref()
                        .and_then(|j| j.fail_reason.clone())
                        .filter(|r| !r.is_empty()),
                    job: job.map(Box::new),
                    backup: Some(Box::new(backup)),
                }))
            }
            // BUILDING, absent, or a status the spec does not list.
            _ => None,
        }
    }

    /// The job, when it can be read; any error (not visible, transient,
    /// refused) is `None`: the job never decides the outcome.
    async fn visible_job(&self) -> Option<types::Job> {
        self.client.job(&self.job_id).send().await.ok()
    }

    fn poll_failed(&self, err: Error, seen: &Seen, waited: Duration) -> Error {
        Error::WaitFailed {
            backup_id: self.backup_id.clone(),
            polls: seen.polls,
            waited,
            source: Box::new(err),
        }
    }
}

/// Exponential backoff with full jitter above a floor, as the AWS SDK's
/// waiters do: the delay before attempt *n* is uniform in
/// `[min, min(min × 2ⁿ⁻¹, max)]`.
#[derive(Debug)]
pub(crate) struct Backoff {
    min: Duration,
    ceiling: Duration,
    max: Duration,
}

impl Backoff {
    pub(crate) fn new(min: Duration, max: Duration) -> Self {
        let min = min.max(SHORTEST_DELAY);
        let max = max.max(min);
        Backoff {
            min,
            ceiling: min,
            max,
        }
    }

    pub(crate) fn next(&mut self) -> Duration {
        let spread = self.ceiling.saturating_sub(self.min);
        let delay = self.min.saturating_add(spread.mul_f64(fastrand::f64()));
        // Saturating: a caller may set delays near `Duration::MAX`.
        self.ceiling = self.ceiling.saturating_mul(2).min(self.max);
        delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delays(min: Duration, max: Duration, n: usize) -> Vec<Duration> {
        let mut backoff = Backoff::new(min, max);
        (0..n).map(|_| backoff.next()).collect()
    }

    #[test]
    fn no_delay_is_shorter_than_the_minimum_and_the_first_is_the_minimum() {
        let min = Duration::from_secs(2);
        let all = delays(min, Duration::from_secs(30), 200);
        assert_eq!(all[0], min);
        assert!(all.iter().all(|d| *d >= min), "{all:?}");
        assert!(all.iter().all(|d| *d <= Duration::from_secs(30)), "{all:?}");
    }

    #[test]
    fn the_ceiling_doubles_up_to_the_maximum() {
        // Attempt n's delay lies within [2 s, 2 s × 2ⁿ⁻¹], capped at 30 s.
        for _ in 0..50 {
            let all = delays(Duration::from_secs(2), Duration::from_secs(30), 8);
            let ceilings = [2, 4, 8, 16, 30, 30, 30, 30].map(Duration::from_secs);
            for (delay, ceiling) in all.iter().zip(ceilings) {
                assert!(*delay <= ceiling, "{delay:?} > {ceiling:?}");
            }
        }
        // And the jitter reaches above the floor once the ceiling has grown.
        let late: Vec<_> = (0..50)
            .map(|_| delays(Duration::from_secs(2), Duration::from_secs(30), 6)[5])
            .collect();
        assert!(
            late.iter().any(|d| *d > Duration::from_secs(15)),
            "{late:?}"
        );
    }

    #[test]
    fn a_zero_minimum_does_not_spin() {
        // Before the fix the step stayed at zero: every delay was 1 ms, so a
        // one-hour wait made 3.6 million polls.
        let mut backoff = Backoff::new(Duration::ZERO, DEFAULT_MAX_DELAY);
        for _ in 0..20 {
            assert!(backoff.next() >= SHORTEST_DELAY);
        }
        // The ceiling has grown to the maximum: later delays may be long.
        assert_eq!(backoff.ceiling, DEFAULT_MAX_DELAY);
    }

    #[test]
    fn a_maximum_below_the_minimum_is_the_minimum() {
        let all = delays(Duration::from_secs(5), Duration::from_secs(1), 5);
        assert!(all.iter().all(|d| *d == Duration::from_secs(5)), "{all:?}");
    }

    #[test]
    fn backoff_with_the_largest_delays_does_not_overflow() {
        let all = delays(Duration::MAX, Duration::MAX, 3);
        assert!(all.iter().all(|d| *d == Duration::MAX), "{all:?}");
    }
}
