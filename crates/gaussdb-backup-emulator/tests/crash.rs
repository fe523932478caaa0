//! Crash safety of the state file: the emulator binary is killed with
//! SIGKILL while creates are in flight, restarted on the same journal, and
//! every create it acknowledged must be there. Counts, not time, decide when
//! to kill, so the test does not depend on the machine's speed.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const BODY: &str = r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"crash-1"}"#;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_write_loses_nothing_acknowledged() {
    let dir = std::env::temp_dir().join(format!("emulator-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.jsonl");
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();

    for round in 0..3 {
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
        let writers: Vec<_> = (0..8)
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
    // are there besides the acknowledged ones.
    let mut unique = after.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), after.len());
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
