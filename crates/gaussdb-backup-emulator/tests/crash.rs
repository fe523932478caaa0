//! Crash safety of the state file: the emulator binary is killed with
//! SIGKILL while creates are in flight, restarted on the same journal, and
//! every create it acknowledged must be there. Counts, not time, decide when
//! to kill, so the test does not depend on the machine's speed.
//!
//! A SIGKILL keeps the kernel's page cache, so it cannot show a missing
//! `fdatasync`: durability at the syscall level is tested apart, with the
//! journal's sync made to fail or wait
//! (`a_create_is_answered_only_after_its_journal_sync_succeeds`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use gaussdb_backup_emulator::journal::SyncData;
use gaussdb_backup_emulator::{Config, Emulator, JobSchedule};

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const BODY: &str = r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"crash-1"}"#;
/// Concurrent writers per round; each has at most one create in flight.
const WRITERS: usize = 8;
/// Rounds ended by a SIGKILL.
const ROUNDS: usize = 3;

/// Starts the binary on an ephemeral port; its base URL.
fn spawn(state: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gaussdb-backup-emulator"))
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(state)
        .args([
            "--job-visible-after",
            "0",
            "--job-pending",
            "0",
            "--job-running",
            "0",
        ])
        .env("RUST_LOG", "warn")
        .env_remove("GAUSSDB_EMULATOR_TOKENS")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the emulator binary starts");
    // Warnings (a torn last record after a SIGKILL, say) may come before
    // the address line: look for it among the first lines, then keep
    // draining the pipe so that later log lines never block the emulator.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    let url = loop {
        let mut line = String::new();
        let read = stdout.read_line(&mut line).unwrap();
        assert!(read > 0 && seen.len() < 100, "no address in {seen:?}");
        if let Some(url) = line
            .trim()
            .strip_prefix("gaussdb-backup-emulator listening on ")
            .filter(|u| u.starts_with("http://127.0.0.1:"))
        {
            break url.to_owned();
        }
        seen.push(line);
    };
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    (child, url)
}

/// Every backup ID the emulator lists, through the API's paging.
async fn listed(url: &str) -> Vec<String> {
    let http = reqwest::Client::new();
    let mut ids = Vec::new();
    loop {
        let page: serde_json::Value = http
            .get(format!(
                "{url}/v3/{PROJECT}/backups?offset={}&limit=100",
                ids.len()
            ))
            .header("x-auth-token", "t")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let backups = page["backups"].as_array().unwrap();
        if backups.is_empty() {
            assert_eq!(page["total_count"].as_u64(), Some(ids.len() as u64));
            return ids;
        }
        ids.extend(backups.iter().map(|b| b["id"].as_str().unwrap().to_owned()));
    }
}

/// What this proves: a process killed at any point (mid-write, between a
/// write and its answer) leaves a journal that loads, with every create it
/// acknowledged and nothing twice. What it does not prove: that anything
/// reached the disk. SIGKILL ends the process, not the machine; the page
/// cache survives and is written back later, so this test passes even
/// without any `fdatasync`. A power loss is what `fdatasync` is for, and no
/// test here cuts the power: the writer's contract (acknowledge only after
/// the sync returns `Ok`) is tested by
/// `a_create_is_answered_only_after_its_journal_sync_succeeds`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_write_loses_nothing_acknowledged() {
    let dir = std::env::temp_dir().join(format!("emulator-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.jsonl");
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();

    for round in 0..ROUNDS {
        let (mut child, url) = spawn(&state);
        // What the previous rounds acknowledged is all there.
        let before = listed(&url).await;
        let missing: Vec<_> = acked
            .lock()
            .unwrap()
            .iter()
            .filter(|id| !before.contains(id))
            .cloned()
            .collect();
        assert!(missing.is_empty(), "round {round}: lost {missing:?}");

        let target = acked.lock().unwrap().len() + 150;
        let (enough_tx, enough_rx) = tokio::sync::watch::channel(false);
        let enough_tx = Arc::new(enough_tx);
        let writers: Vec<_> = (0..WRITERS)
            .map(|_| {
                let url = url.clone();
                let acked = Arc::clone(&acked);
                let enough_tx = Arc::clone(&enough_tx);
                tokio::spawn(async move {
                    let http = reqwest::Client::new();
                    loop {
                        let sent = http
                            .post(format!("{url}/v3/{PROJECT}/backups/create"))
                            .header("x-auth-token", "t")
                            .header("content-type", "application/json")
                            .body(BODY)
                            .send()
                            .await;
                        let Ok(response) = sent else { return };
                        if response.status() != 201 {
                            // Killed mid-answer, or refused: not acknowledged.
                            return;
                        }
                        let Ok(body) = response.json::<serde_json::Value>().await else {
                            return;
                        };
                        let id = body["backup"]["id"].as_str().unwrap().to_owned();
                        let mut acked = acked.lock().unwrap();
                        acked.push(id);
                        if acked.len() >= target {
                            let _ = enough_tx.send(true);
                        }
                    }
                })
            })
            .collect();
        let mut enough_rx = enough_rx;
        enough_rx.wait_for(|enough| *enough).await.unwrap();
        // Writes are still in flight from the other writers: kill now.
        child.kill().unwrap();
        child.wait().unwrap();
        for writer in writers {
            writer.await.unwrap();
        }
    }

    let (mut child, url) = spawn(&state);
    let after = listed(&url).await;
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 450);
    let missing: Vec<_> = acked.iter().filter(|id| !after.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "lost {} acknowledged creates",
        missing.len()
    );
    // Nothing appears twice; at most the few unacknowledged in-flight creates
    // are there besides the acknowledged ones: one per writer per round
    // (a writer stops at its first create without an answer).
    let mut unique = after.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), after.len());
    assert!(
        after.len() <= acked.len() + WRITERS * ROUNDS,
        "{} listed, {} acknowledged: more than one unacknowledged create per writer and round",
        after.len(),
        acked.len()
    );
    // The journal loads, and was compacted at start: every line is a record.
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'));
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("a whole record");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// One create through the API: its status and body.
async fn create(url: String) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{url}/v3/{PROJECT}/backups/create"))
        .header("x-auth-token", "t")
        .header("content-type", "application/json")
        .body(BODY)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Durability at the syscall level, which a SIGKILL cannot show: the
/// journal's sync (`fdatasync`) is replaced by one that tells the test it
/// was called, then waits for the test's verdict. While it waits, the
/// create has no answer; when it fails, the create is answered `500
/// DBS.108000`, taken back, and not in the journal after a restart; when it
/// succeeds (then the real `fdatasync` runs), the create is answered `201`
/// and survives the restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_is_answered_only_after_its_journal_sync_succeeds() {
    let dir = std::env::temp_dir().join(format!("emulator-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.jsonl");
    let (entered_tx, entered_rx) = std::sync::mpsc::channel::<()>();
    let (verdict_tx, verdict_rx) = std::sync::mpsc::channel::<std::io::Result<()>>();
    let gate = Mutex::new((entered_tx, verdict_rx));
    let sync = SyncData::new(move |file| {
        let gate = gate.lock().unwrap();
        let _ = gate.0.send(());
        match gate.1.recv() {
            Ok(verdict) => verdict.and_then(|()| file.sync_data()),
            Err(_) => Err(std::io::Error::other("the test has ended")),
        }
    });
    let config = |journal_sync| Config {
        state_file: Some(state.clone()),
        jobs: JobSchedule::INSTANT,
        journal_sync,
        ..Config::default()
    };
    let emulator = Emulator::start(config(sync)).await.unwrap();
    let url = emulator.url();
    let entered = Arc::new(Mutex::new(entered_rx));
    let sync_called = || {
        let entered = Arc::clone(&entered);
        tokio::task::spawn_blocking(move || entered.lock().unwrap().recv().unwrap())
    };

    // The sync fails: no answer before it returns, then a 500, taken back.
    let failing = tokio::spawn(create(url.clone()));
    sync_called().await.unwrap();
    // Memory changes before the journal is written (so the journal's order
    // is memory's): a list meanwhile shows the unacknowledged backup, which
    // a failed sync then takes back (see the journal's module docs).
    assert_eq!(listed(&url).await.len(), 1, "the server answers meanwhile");
    assert!(!failing.is_finished(), "answered before the sync returned");
    verdict_tx
        .send(Err(std::io::Error::other("injected: fdatasync failed")))
        .unwrap();
    let (status, body) = failing.await.unwrap();
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["error_code"], "DBS.108000", "{body}");
    assert_eq!(listed(&url).await, Vec::<String>::new(), "taken back");

    // The sync succeeds: then, and only then, a 201.
    let passing = tokio::spawn(create(url.clone()));
    sync_called().await.unwrap();
    assert!(!passing.is_finished(), "answered before the sync returned");
    verdict_tx.send(Ok(())).unwrap();
    let (status, body) = passing.await.unwrap();
    assert_eq!(status, 201, "{body}");
    let id = body["backup"]["id"].as_str().unwrap().to_owned();
    emulator.shutdown().await;

    // Restarted with the real fdatasync: the acknowledged create alone.
    let emulator = Emulator::start(config(SyncData::default())).await.unwrap();
    assert_eq!(listed(&emulator.url()).await, [id]);
    emulator.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
