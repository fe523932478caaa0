//! Waiting for a backup to finish, in the manner of the AWS SDK's waiters.
//!
//! The create call answers at once; the backup is made by an asynchronous
//! job. [`WaitForBackup`] polls the job (`ShowGaussMySqlJobInfo`) until it is
//! `Completed` or `Failed`, then reads the backup from the list
//! (`ShowGaussMySqlBackupList`, by ID). Between polls it sleeps with
//! exponential backoff and jitter, within an overall deadline. It never
//! repeats the create call.
//!
//! Rules:
//! - `400 DBS.200543` ("The job does not exist.") within the visibility
//!   grace period after the wait starts means "not visible yet": a new job
//!   can take a few seconds to appear. After the grace period it is an error.
//! - Transient failures of a poll ([`Error::is_transient`]: timeouts,
//!   transport errors, `429`, `5xx`) are ridden out until the deadline;
//!   they are idempotent reads. Any other error ends the wait.
//! - Dropping the future stops polling at once: nothing runs in the
//!   background.
//! - Time comes from the client's [`crate::Clock`], so tests use a
//!   [`crate::ManualClock`] and take no real time.

use std::time::Duration;

use crate::client::Client;
use crate::generated::types;
use crate::job::job_percent;
use crate::{BackupStatus, Error, JobStatus};

/// Default shortest delay between two polls.
pub const DEFAULT_MIN_DELAY: Duration = Duration::from_secs(2);
/// Default longest delay between two polls.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(30);
/// Default overall deadline: manual backups of large instances take long.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// Default time during which an unknown job (`DBS.200543`) is taken as not
/// visible yet.
pub const DEFAULT_VISIBILITY_GRACE: Duration = Duration::from_secs(60);

const JOB_NOT_FOUND: &str = "DBS.200543";

/// A progress report: the job as one poll saw it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JobProgress {
    /// The job's status.
    pub status: JobStatus,
    /// Its progress in percent, while `Running` (from the job's `process`).
    pub percent: Option<u8>,
    /// How long the wait has lasted.
    pub elapsed: Duration,
    /// The job as received.
    pub job: types::Job,
}

type ProgressFn<'a> = Box<dyn FnMut(&JobProgress) + Send + 'a>;

/// Waits for a backup to finish; make one with [`crate::CreatedBackup::wait`]
/// or [`Client::wait_for_backup`], then `.send().await`.
///
/// Resolves to the finished backup as the list shows it, or
/// [`Error::BackupFailed`] (with the job's `fail_reason`),
/// [`Error::WaitTimeout`] (the backup is still running), or the error that
/// ended the wait.
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

    /// Shortest delay between polls; default [`DEFAULT_MIN_DELAY`].
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

    /// How long an unknown job counts as not visible yet; default
    /// [`DEFAULT_VISIBILITY_GRACE`].
    pub fn visibility_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }

    /// Called after every successful poll of the job, to show progress.
    pub fn on_progress(mut self, report: impl FnMut(&JobProgress) + Send + 'a) -> Self {
        self.on_progress = Some(Box::new(report));
        self
    }

    /// Polls until the backup is finished or the deadline passes.
    pub async fn send(mut self) -> Result<types::BackupSummary, Error> {
        let clock = self.client.clock();
        let start = clock.now();
        let elapsed = || (clock.now() - start).to_std().unwrap_or_default();
        let mut backoff = Backoff::new(self.min_delay, self.max_delay);
        let mut last_status = None;
        let mut last_error: Option<Box<Error>>;
        let mut job_done = false;
        loop {
            if job_done {
                match self.finished_backup().await {
                    Ok(Some(backup)) => return Ok(backup),
                    // Completed, but the list does not show it yet.
                    Ok(None) => last_error = None,
                    Err(err) if err.is_transient() => last_error = Some(Box::new(err)),
                    Err(err) => return Err(err),
                }
            } else {
                match self.client.job(&self.job_id).send().await {
                    Ok(job) => {
                        last_error = None;
                        let progress = JobProgress {
                            status: job.status.clone(),
                            percent: job_percent(&job),
                            elapsed: elapsed(),
                            job,
                        };
                        if let Some(report) = self.on_progress.as_mut() {
                            report(&progress);
                        }
                        last_status = Some(progress.status.clone());
                        match progress.status {
                            JobStatus::Completed => {
                                job_done = true;
                                continue;
                            }
                            JobStatus::Failed => {
                                return Err(Error::BackupFailed {
                                    job_id: self.job_id.clone(),
                                    backup_id: Some(self.backup_id.clone()),
                                    fail_reason: progress.job.fail_reason.clone(),
                                    job: Some(Box::new(progress.job)),
                                });
                            }
                            _ => {}
                        }
                    }
                    Err(err)
                        if err.error_code() == Some(JOB_NOT_FOUND) && elapsed() < self.grace =>
                    {
                        last_error = Some(Box::new(err));
                    }
                    Err(err) if err.is_transient() => last_error = Some(Box::new(err)),
                    Err(err) => return Err(err),
                }
            }
            let waited = elapsed();
            let Some(remaining) = self.timeout.checked_sub(waited).filter(|r| !r.is_zero()) else {
                return Err(Error::WaitTimeout {
                    job_id: self.job_id.clone(),
                    waited,
                    last_status,
                    last_error,
                });
            };
            clock.sleep(backoff.next().min(remaining)).await;
        }
    }

    /// The backup from the list, once the job has completed: `None` while
    /// the list does not show it yet, an error when it is `FAILED`.
    async fn finished_backup(&self) -> Result<Option<types::BackupSummary>, Error> {
        let page = self
            .client
            .backups()
            .backup_id(&self.backup_id)
            .send()
            .await?;
        let Some(backup) = page.backups.into_iter().find(|b| b.id == self.backup_id) else {
            return Ok(None);
        };
        match backup.status {
            Some(BackupStatus::Failed) => Err(Error::BackupFailed {
                job_id: self.job_id.clone(),
                backup_id: Some(self.backup_id.clone()),
                fail_reason: None,
                job: None,
            }),
            // The job completed but the backup is still marked as being
            // built: the list lags behind the job. Look again.
            Some(BackupStatus::Building) => Ok(None),
            _ => Ok(Some(backup)),
        }
    }
}

/// Exponential backoff with "equal jitter": each delay is half the current
/// step plus a random part of the other half, the step doubling from the
/// minimum up to the maximum.
#[derive(Debug)]
struct Backoff {
    step: Duration,
    max: Duration,
}

impl Backoff {
    fn new(min: Duration, max: Duration) -> Self {
        let min = min.min(max);
        Backoff { step: min, max }
    }

    fn next(&mut self) -> Duration {
        let half = self.step / 2;
        let jitter = half.mul_f64(fastrand::f64());
        let delay = half + jitter;
        // Saturating: a caller may set delays near `Duration::MAX`.
        self.step = self.step.saturating_mul(2).min(self.max);
        delay.max(Duration::from_millis(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_bounds_with_jitter() {
        let min = Duration::from_secs(2);
        let max = Duration::from_secs(30);
        let mut backoff = Backoff::new(min, max);
        let mut step = min;
        for _ in 0..20 {
            let delay = backoff.next();
            assert!(
                delay >= step / 2 && delay <= step,
                "{delay:?} for step {step:?}"
            );
            step = (step * 2).min(max);
        }
        // Once at the maximum, delays stay between half of it and it.
        let delay = backoff.next();
        assert!(delay >= max / 2 && delay <= max);
    }

    #[test]
    fn backoff_with_the_largest_delays_does_not_overflow() {
        let mut backoff = Backoff::new(Duration::MAX, Duration::MAX);
        for _ in 0..3 {
            let delay = backoff.next();
            assert!(delay >= Duration::MAX / 2, "{delay:?}");
        }
    }
}
