//! The whole job, end to end against the emulator on loopback: create →
//! wait (progress seen, COMPLETED) → list (the backup is there; 250 backups
//! page exactly once each) → delete → list (gone); a failing backup surfaces
//! `fail_reason`; a deadline expires with `WaitTimeout`; `DBS.200543` during
//! the grace period is absorbed; dropping the wait stops it.
//!
//! Time is one `ManualClock` shared by the client and the emulator: the
//! waiter's sleeps move it, the emulator's jobs advance by it. Nothing here
//! sleeps or depends on how fast the machine is.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use gaussdb_backup::{BackupStatus, BackupType, Clock, Error, JobStatus};
use gaussdb_backup_emulator::{Config, JobSchedule};

mod emulated;

use emulated::{INSTANCE, config, long_running, world};

#[tokio::test]
async fn create_wait_list_delete() {
    let w = world(config()).await;
    let created = w
        .client
        .create_backup(INSTANCE, "before-migration")
        .description("Manual backup")
        .send()
        .await
        .unwrap();
    assert_eq!(created.backup.status, Some(BackupStatus::Building));

    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let backup = created
        .wait(&w.client)
        .min_delay(Duration::from_secs(1))
        .max_delay(Duration::from_secs(8))
        .on_progress(move |p| {
            log.lock()
                .unwrap()
                .push((p.backup_status.clone(), p.job_status.clone(), p.percent))
        })
        .send()
        .await
        .unwrap();
    assert_eq!(backup.id, created.backup.id);
    assert_eq!(backup.status, Some(BackupStatus::Completed));
    assert_eq!(backup.type_, Some(BackupType::Manual));
    assert_eq!(backup.name.as_deref(), Some("before-migration"));
    assert!(backup.end_time.is_some());

    // Progress was reported: the backup BUILDING while its job ran with a
    // percentage, then the backup COMPLETED.
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|(b, j, p)| *b == Some(BackupStatus::Building)
                && *j == Some(JobStatus::Running)
                && p.is_some_and(|p| p < 100)),
        "{seen:?}"
    );
    assert_eq!(seen.last().unwrap().0, Some(BackupStatus::Completed));
    // Backoff stayed within its bounds, and no real time passed in sleeps.
    for slept in w.clock.sleeps() {
        assert!(slept <= Duration::from_secs(8), "{slept:?}");
    }

    let listed = w
        .client
        .backups()
        .instance_id(INSTANCE)
        .send()
        .await
        .unwrap();
    assert!(listed.backups.iter().any(|b| b.id == backup.id));

    let deleted = w.client.delete_backup(&backup.id).send().await.unwrap();
    assert_eq!(deleted.backup_id.as_deref(), Some(backup.id.as_str()));
    let after = w
        .client
        .backups()
        .backup_id(&backup.id)
        .send()
        .await
        .unwrap();
    assert!(after.backups.is_empty(), "{:?}", after.backups);
    assert_eq!(after.total_count, Some(0));

    // A second delete: the backup is gone.
    let err = w.client.delete_backup(&backup.id).send().await.unwrap_err();
    assert_eq!(err.error_code(), Some("DBS.280214"));
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn a_new_job_not_yet_visible_does_not_matter() {
    let w = world(config()).await;
    let created = w.started("backup-1").await;
    // Just after the create, the job is not visible: the service's answer.
    let err = w.client.job(&created.job_id).send().await.unwrap_err();
    assert_eq!(err.error_code(), Some("DBS.200543"));
    // The waiter follows the backup, with or without progress reports.
    let backup = created
        .wait(&w.client)
        .on_progress(|_| {})
        .send()
        .await
        .unwrap();
    assert_eq!(backup.status, Some(BackupStatus::Completed));

    // A backup the list never shows ends the wait after the grace period:
    // an error, not a hang.
    let start = w.clock.now();
    let err = w
        .client
        .wait_for_backup("no-such-job", "no-such-backup")
        .visibility_grace(Duration::from_secs(10))
        .send()
        .await
        .unwrap_err();
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
    assert!(w.clock.now() - start >= chrono::TimeDelta::seconds(10));
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn a_failing_backup_surfaces_the_fail_reason() {
    let w = world(config()).await;
    let http = reqwest::Client::new();
    let armed = http
        .post(format!("{}/_emulator/backup-failures", w.emulator.url()))
        .json(&serde_json::json!({"count": 1, "fail_reason": "Disk quota exceeded."}))
        .send()
        .await
        .unwrap();
    assert!(
        armed.status().is_success(),
        "{}",
        armed.text().await.unwrap()
    );
    let created = w.started("doomed").await;
    let err = created.wait(&w.client).send().await.unwrap_err();
    let Error::BackupFailed {
        job_id,
        fail_reason,
        backup_id,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(job_id, &created.job_id);
    assert_eq!(backup_id.as_deref(), Some(created.backup.id.as_str()));
    assert_eq!(fail_reason.as_deref(), Some("Disk quota exceeded."));
    assert!(err.to_string().contains("Disk quota exceeded."), "{err}");

    // The failed backup is listed as FAILED.
    let page = w
        .client
        .backups()
        .backup_id(&created.backup.id)
        .send()
        .await
        .unwrap();
    assert_eq!(page.backups[0].status, Some(BackupStatus::Failed));
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn the_deadline_expires_with_wait_timeout_and_the_backup_goes_on() {
    let w = world(long_running()).await;
    let created = w.started("slow").await;
    let start = w.clock.now();
    let err = created
        .wait(&w.client)
        .timeout(Duration::from_secs(600))
        .send()
        .await
        .unwrap_err();
    let Error::WaitTimeout {
        waited,
        polls,
        last_status,
        backup_id,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(*waited, Duration::from_secs(600));
    assert_eq!(w.clock.now() - start, chrono::TimeDelta::seconds(600));
    assert_eq!(last_status, &Some(BackupStatus::Building));
    assert_eq!(backup_id, &created.backup.id);
    // One poll, then one per sleep (the last sleep is cut at the deadline).
    assert_eq!(*polls as usize, w.clock.sleeps().len() + 1, "{err}");
    assert!(err.to_string().contains(&format!("{polls} polls")), "{err}");
    assert!(err.to_string().contains("goes on"), "{err}");
    // It was only the wait that ended: the job is still running.
    let job = w.client.job(&created.job_id).send().await.unwrap();
    assert_eq!(job.status, JobStatus::Running);
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn dropping_the_wait_stops_polling() {
    let w = world(long_running()).await;
    let created = w.started("dropped").await;
    let polls = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&polls);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut stop = Some(stop);
    let wait = created.wait(&w.client).on_progress(move |_| {
        let mut n = counter.lock().unwrap();
        *n += 1;
        if *n == 3
            && let Some(stop) = stop.take()
        {
            let _ = stop.send(());
        }
    });
    tokio::select! {
        result = wait.send() => panic!("the wait ended on its own: {result:?}"),
        _ = stopped => {}
    }
    // The wait future is gone: time passing polls nothing more.
    let at_drop = *polls.lock().unwrap();
    let clock_at_drop = w.clock.now();
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    assert_eq!(*polls.lock().unwrap(), at_drop);
    assert_eq!(w.clock.now(), clock_at_drop, "nothing slept after the drop");
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn paging_over_250_backups_returns_each_exactly_once() {
    // 250 automated backups on one instance, plus pages of 100.
    let w = world(Config {
        seed_auto_backups: 250,
        jobs: JobSchedule::INSTANT,
        ..Config::default()
    })
    .await;
    let all: Vec<_> = w
        .client
        .backups()
        .instance_id(INSTANCE)
        .limit(100)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    let ids: HashSet<&str> = all.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids.len(), 250, "a backup came twice");
    assert!(all.iter().all(|b| b.type_ == Some(BackupType::Auto)));

    // Filters: no manual backups yet; then one.
    let manual = w
        .client
        .backups()
        .backup_type(BackupType::Manual)
        .send()
        .await
        .unwrap();
    assert_eq!(manual.total_count, Some(0));
    w.started("one-manual").await;
    let manual = w
        .client
        .backups()
        .backup_type(BackupType::Manual)
        .send()
        .await
        .unwrap();
    assert_eq!(manual.total_count, Some(1));
    // The bound holds, and says the list is cut short.
    let bounded: Vec<_> = w
        .client
        .backups()
        .limit(7)
        .max_items(20)
        .stream()
        .collect()
        .await;
    assert_eq!(bounded.len(), 21);
    assert!(bounded[..20].iter().all(Result::is_ok));
    assert!(
        matches!(bounded[20], Err(Error::TooManyItems { max_items: 20 })),
        "{:?}",
        bounded[20]
    );
    // The first few, on purpose: `take`, and no error.
    let first: Vec<_> = w
        .client
        .backups()
        .limit(7)
        .stream()
        .take(20)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(first.len(), 20);
    // An automated backup cannot be deleted.
    let err = w.client.delete_backup(&all[0].id).send().await.unwrap_err();
    assert_eq!(err.error_code(), Some("DBS.201208"));
    w.emulator.shutdown().await;
}
