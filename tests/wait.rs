//! The waiter against what the real service may do, end to end against the
//! emulator on one `ManualClock`: the backup's own status decides, the job
//! only reports progress. One test per outcome of `WaitForBackup::send`
//! and per way the job and the list can disagree (`wait.rs`'s table).

mod emulated;
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use gaussdb_backup::{BackupStatus, Error, JobStatus};
use gaussdb_backup_emulator::JobSchedule;
use serde_json::json;

use emulated::{config, schedule, with_schedule, world};

/// Seconds on the shared clock since `start`.
fn secs_since(w: &emulated::World, start: chrono::DateTime<chrono::Utc>) -> i64 {
    use gaussdb_backup::Clock;
    (w.clock.now() - start).num_seconds()
}

#[tokio::test]
async fn a_wait_whose_job_is_never_visible_completes() {
    // The task center never shows the job: every job query is DBS.200543,
    // for longer than any grace period.
    let w = world(with_schedule(JobSchedule {
        job_hidden: true,
        ..schedule()
    }))
    .await;
    let created = w.started("hidden-job").await;
    let jobs_seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&jobs_seen);
    let backup = created
        .wait(&w.client)
        .on_progress(move |p| log.lock().unwrap().push(p.job_status.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(backup.status, Some(BackupStatus::Completed));
    let jobs_seen = jobs_seen.lock().unwrap();
    assert!(jobs_seen.len() > 1, "{jobs_seen:?}");
    assert!(jobs_seen.iter().all(Option::is_none), "{jobs_seen:?}");
}

#[tokio::test]
async fn a_job_that_lags_behind_the_list_does_not_hold_the_wait() {
    // The backup is COMPLETED after 65 s; its job says Running for 30
    // minutes more.
    let w = world(with_schedule(JobSchedule {
        job_lag: Duration::from_secs(30 * 60),
        ..schedule()
    }))
    .await;
    let start = gaussdb_backup::Clock::now(&w.clock);
    let created = w.started("job-lags").await;
    let last_job = Arc::new(Mutex::new(None));
    let log = Arc::clone(&last_job);
    let backup = created
        .wait(&w.client)
        .timeout(Duration::from_secs(10 * 60))
        .on_progress(move |p| *log.lock().unwrap() = p.job_status.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(backup.status, Some(BackupStatus::Completed));
    assert!(secs_since(&w, start) < 120, "{}", secs_since(&w, start));
    // The job was still running when the wait ended.
    assert_eq!(*last_job.lock().unwrap(), Some(JobStatus::Running));
}

#[tokio::test]
async fn a_job_ahead_of_the_list_does_not_end_the_wait_early() {
    // The job is Completed after 65 s; the list shows the backup BUILDING
    // for two more minutes.
    let w = world(with_schedule(JobSchedule {
        backup_lag: Duration::from_secs(120),
        ..schedule()
    }))
    .await;
    let start = gaussdb_backup::Clock::now(&w.clock);
    let created = w.started("list-lags").await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let backup = created
        .wait(&w.client)
        .on_progress(move |p| {
            log.lock()
                .unwrap()
                .push((p.backup_status.clone(), p.job_status.clone()))
        })
        .send()
        .await
        .unwrap();
    assert_eq!(backup.status, Some(BackupStatus::Completed));
    assert!(secs_since(&w, start) >= 185, "{}", secs_since(&w, start));
    let seen = seen.lock().unwrap();
    assert!(
        seen.contains(&(Some(BackupStatus::Building), Some(JobStatus::Completed))),
        "the job was seen ahead of the list: {seen:?}"
    );
}

#[tokio::test]
async fn a_failed_job_whose_backup_completes_is_a_success() {
    // The task center reports the job Failed; the backup itself completes.
    let w = world(config()).await;
    w.arm(
        "backup-failures",
        json!({"fail_reason": "Post-backup step failed.", "job_only": true}),
    )
    .await;
    let created = w.started("job-fails").await;
    let backup = created
        .wait(&w.client)
        .on_progress(|_| {})
        .send()
        .await
        .unwrap();
    assert_eq!(backup.status, Some(BackupStatus::Completed));
    let job = w.client.job(&created.job_id).send().await.unwrap();
    assert_eq!(job.status, JobStatus::Failed, "the job did disagree");
}

#[tokio::test]
async fn a_failed_backup_ends_the_wait_with_the_jobs_fail_reason() {
    for progress in [false, true] {
        let w = world(config()).await;
        w.arm(
            "backup-failures",
            json!({"fail_reason": "Disk quota exceeded."}),
        )
        .await;
        let created = w.started("doomed").await;
        let mut wait = created.wait(&w.client);
        if progress {
            wait = wait.on_progress(|_| {});
        }
        let err = wait.send().await.unwrap_err();
        let Error::BackupFailed {
            fail_reason,
            backup,
            job,
            ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert_eq!(fail_reason.as_deref(), Some("Disk quota exceeded."));
        assert_eq!(
            backup.as_ref().and_then(|b| b.status.clone()),
            Some(BackupStatus::Failed)
        );
        assert_eq!(
            job.as_ref().map(|j| j.status.clone()),
            Some(JobStatus::Failed)
        );
    }
}

#[tokio::test]
async fn a_failed_backup_whose_job_is_hidden_fails_without_a_reason() {
    let w = world(with_schedule(JobSchedule {
        job_hidden: true,
        ..schedule()
    }))
    .await;
    w.arm("backup-failures", json!({})).await;
    let created = w.started("doomed").await;
    let err = created.wait(&w.client).send().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::BackupFailed {
                fail_reason: None,
                job: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("gave no reason"), "{err}");
}

#[tokio::test]
async fn a_refused_poll_ends_the_wait_with_the_polls_error() {
    let w = world(config()).await;
    let created = w.started("refused").await;
    // From now on every call is refused as not authorized: waiting cannot
    // cure that.
    w.arm(
        "faults",
        json!({"status": 403, "error_code": "DBS.200010",
               "error_msg": "The DB instance ID or user ID may be null, or the operation is not authorized."}),
    )
    .await;
    let err = created.wait(&w.client).send().await.unwrap_err();
    let Error::WaitFailed { polls, source, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*polls, 1);
    assert_eq!(source.error_code(), Some("DBS.200010"));
    // The code stays reachable through the wrapper.
    assert_eq!(err.error_code(), Some("DBS.200010"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
}

#[tokio::test]
async fn transient_poll_failures_are_ridden_out() {
    let w = world(config()).await;
    let created = w.started("flaky").await;
    w.arm("faults", json!({"count": 4, "status": 503})).await;
    let backup = created.wait(&w.client).send().await.unwrap();
    assert_eq!(backup.status, Some(BackupStatus::Completed));
}

#[tokio::test]
async fn a_backup_that_is_gone_ends_the_wait_after_the_grace() {
    let w = world(config()).await;
    let created = w.started("short-lived").await;
    // Finished, then deleted: its job says Completed, the list shows
    // nothing. The wait must end, not poll for an hour.
    let done = created.wait(&w.client).send().await.unwrap();
    w.client.delete_backup(&done.id).send().await.unwrap();
    let start = gaussdb_backup::Clock::now(&w.clock);
    let err = w
        .client
        .wait_for_backup(&created.job_id, &created.backup.id)
        .send()
        .await
        .unwrap_err();
    let waited = secs_since(&w, start);
    assert!((60..120).contains(&waited), "{waited}");
    assert!(
        matches!(
            &err,
            Error::BackupNotFound {
                was_listed: false,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_zero_min_delay_does_not_spin() {
    let w = world(config()).await;
    let created = w.started("zero-delay").await;
    created
        .wait(&w.client)
        .min_delay(Duration::ZERO)
        .send()
        .await
        .unwrap();
    // The backup took 65 s. Before the fix every delay was 1 ms: 65,000
    // polls. With the delays doubling from 100 ms to 30 s, a few dozen.
    let sleeps = w.clock.sleeps();
    assert!(sleeps.len() < 20, "{} polls: {sleeps:?}", sleeps.len() + 1);
}

#[tokio::test]
async fn no_delay_is_shorter_than_the_documented_minimum() {
    let w = world(config()).await;
    let created = w.started("two-seconds").await;
    created.wait(&w.client).send().await.unwrap();
    let sleeps = w.clock.sleeps();
    assert_eq!(sleeps[0], gaussdb_backup::wait::DEFAULT_MIN_DELAY);
    assert!(
        sleeps
            .iter()
            .all(|d| *d >= gaussdb_backup::wait::DEFAULT_MIN_DELAY),
        "{sleeps:?}"
    );
}

/// A server whose one answer reads as an empty page of backups to the list
/// call and as a job with `status` to the job call (unknown fields are
/// ignored): the backup is never listed, the job says what it says.
async fn never_listed_with_job(status: &str) -> (support::TestServer, gaussdb_backup::Client) {
    let body = json!({"backups": [], "total_count": 0, "job": {"id": "j-1", "status": status}});
    let server = support::TestServer::start(support::Reply::json(200, &body.to_string())).await;
    let client = gaussdb_backup::Client::builder()
        .endpoint_url(&server.url)
        .project_id(emulated::PROJECT)
        .credentials(gaussdb_backup::Credentials::token("t"))
        .clock(Arc::new(gaussdb_backup::ManualClock::default()))
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn a_backup_not_listed_is_waited_for_while_its_job_runs() {
    let (_server, client) = never_listed_with_job("Running").await;
    let err = client
        .wait_for_backup("j-1", "b-1")
        .visibility_grace(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .send()
        .await
        .unwrap_err();
    // Past the grace, but the job is still making the backup: the deadline
    // ends the wait, not "not found".
    assert!(
        matches!(
            &err,
            Error::WaitTimeout {
                last_job_status: Some(JobStatus::Running),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_backup_not_listed_whose_job_is_over_is_not_found_after_the_grace() {
    let (_server, client) = never_listed_with_job("Completed").await;
    let err = client
        .wait_for_backup("j-1", "b-1")
        .visibility_grace(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .send()
        .await
        .unwrap_err();
    let Error::BackupNotFound {
        was_listed, waited, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert!(!was_listed);
    assert!(*waited >= Duration::from_secs(10) && *waited < Duration::from_secs(120));
}

/// A server whose one answer reads as a page listing backup `b-1` with
/// `backup_status` and as job `j-1` with `job_status` (each call ignores the
/// other's fields), and a client on a manual clock.
async fn listed_with_job(
    backup_status: &str,
    job_status: &str,
) -> (support::TestServer, gaussdb_backup::Client) {
    let body = json!({
        "backups": [{"id": "b-1", "name": "n", "status": backup_status, "type": "manual",
                     "instance_id": emulated::INSTANCE, "begin_time": "2026-12-05T08:00:00+0000"}],
        "total_count": 1,
        "job": {"id": "j-1", "status": job_status, "fail_reason": "disk full"}
    });
    let server = support::TestServer::start(support::Reply::json(200, &body.to_string())).await;
    let client = gaussdb_backup::Client::builder()
        .endpoint_url(&server.url)
        .project_id(emulated::PROJECT)
        .credentials(gaussdb_backup::Credentials::token("t"))
        .clock(Arc::new(gaussdb_backup::ManualClock::default()))
        .build()
        .unwrap();
    (server, client)
}

fn job_reads(server: &support::TestServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path.contains("/jobs"))
        .count()
}

#[tokio::test]
async fn a_wait_without_progress_reads_no_job_while_the_backup_is_listed() {
    // The job only reports progress: a caller who asks for none pays for no
    // job reads (each is a call against the account's API rate limit).
    let (server, client) = listed_with_job("COMPLETED", "Completed").await;
    let backup = client.wait_for_backup("j-1", "b-1").send().await.unwrap();
    assert_eq!(backup.id, "b-1");
    assert_eq!(job_reads(&server), 0, "{:?}", server.requests());
}

#[tokio::test]
async fn a_failed_backup_reuses_a_failed_job_just_read() {
    let (server, client) = listed_with_job("FAILED", "Failed").await;
    let err = client
        .wait_for_backup("j-1", "b-1")
        .on_progress(|_| {})
        .send()
        .await
        .unwrap_err();
    let Error::BackupFailed { fail_reason, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(fail_reason.as_deref(), Some("disk full"));
    // Read once for the progress report, and that answer already says why.
    assert_eq!(job_reads(&server), 1);
}

#[tokio::test]
async fn a_failed_backup_whose_job_was_still_running_reads_the_job_again() {
    // The job seen for progress had not failed yet: its reason may have
    // arrived since, so the waiter asks again before reporting the failure.
    let (server, client) = listed_with_job("FAILED", "Running").await;
    let err = client
        .wait_for_backup("j-1", "b-1")
        .on_progress(|_| {})
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BackupFailed { .. }), "{err:?}");
    assert_eq!(job_reads(&server), 2);
}
