//! Many clients at once: different instances all succeed with unique IDs; on
//! one instance exactly one succeeds and the rest get 409. The emulator's
//! clock is a `ManualClock` that never moves, so "the first backup is still
//! building" holds however slow the machine is.

mod support;

use std::collections::BTreeSet;

use gaussdb_backup_emulator::{Config, JobSchedule};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates() {
    let instances: Vec<String> = (0..64).map(|i| format!("{i:032x}in07")).collect();
    let (emulator, _clock) = start_manual(Config {
        instances: instances.iter().cloned().collect(),
        ..Config::default()
    })
    .await;
    let client = client(&emulator, "t");

    let calls = instances.iter().map(|id| {
        let client = client.clone();
        let id = id.clone();
        tokio::spawn(async move { client.create_backup(id, "backup-1").send().await })
    });
    let mut ids = BTreeSet::new();
    let mut jobs = BTreeSet::new();
    for call in calls.collect::<Vec<_>>() {
        let created = call
            .await
            .unwrap()
            .expect("different instances never conflict");
        ids.insert(created.backup.id);
        jobs.insert(created.job_id);
    }
    assert_eq!(ids.len(), 64, "backup IDs are unique");
    assert_eq!(jobs.len(), 64, "job IDs are unique");

    let target = "00000000000000000000000000000abcin07".to_owned();
    let (emulator2, _clock2) = start_manual(Config {
        instances: BTreeSet::from([target.clone()]),
        ..Config::default()
    })
    .await;
    let client = support::client(&emulator2, "t");
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let client = client.clone();
            let target = target.clone();
            tokio::spawn(async move { client.create_backup(target, "backup-1").send().await })
        })
        .collect();
    let mut created = 0;
    let mut conflicts = 0;
    for call in calls {
        match call.await.unwrap() {
            Ok(_) => created += 1,
            Err(e) if e.error_code() == Some("DBS.201205") => conflicts += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((created, conflicts), (1, 31));
    emulator.shutdown().await;
    emulator2.shutdown().await;
}

/// With backups completing at once, concurrent creates on one instance all
/// succeed: the in-progress check is made in start-time order, under the
/// store's lock (a race here once answered 409 under load).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instant_completion_never_conflicts() {
    let emulator = start(Config {
        jobs: JobSchedule::INSTANT,
        ..Config::default()
    })
    .await;
    let client = client(&emulator, "t");
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.create_backup(INSTANCE, "backup-1").send().await })
        })
        .collect();
    for call in calls {
        call.await
            .unwrap()
            .expect("no conflict when backups complete at once");
    }
    emulator.shutdown().await;
}
