//! The backup lifecycle on the command line, against the emulator on
//! loopback: `create-backup --wait`, `list-backups --all`, `show-job`,
//! `delete-backup`, and the exit codes of a failed backup (5) and of a wait
//! that times out (6). Rules broken on the command line are refused in words.

use std::io::{Read, Write};
use std::time::Duration;

use assert_cmd::Command;
use gaussdb_backup_emulator::{Config, Emulator, JobSchedule};
use serde_json::Value;

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

/// An emulator of its own on a runtime thread; it lives as long as the test
/// process.
fn emulator(jobs: JobSchedule) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let emulator = Emulator::start(Config {
                jobs,
                ..Config::default()
            })
            .await
            .unwrap();
            tx.send(emulator.url()).unwrap();
            emulator.wait().await;
        });
    });
    rx.recv().unwrap()
}

fn cli(url: &str) -> Command {
    let mut cmd = Command::cargo_bin("gaussdb-backup").unwrap();
    for var in [
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "GAUSSDB_BACKUP_REGION",
        "GAUSSDB_BACKUP_CONFIG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HUAWEICLOUD_TOKEN", "any-token")
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .env("GAUSSDB_BACKUP_ENDPOINT", url);
    cmd
}

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// A POST to the emulator's admin API, with nothing but the standard library.
fn admin_post(url: &str, path: &str, body: &str) {
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 2"), "{answer}");
}

#[test]
fn create_wait_list_show_delete() {
    let url = emulator(JobSchedule::INSTANT);
    let waited = cli(&url)
        .args([
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "before-migration",
            "--wait",
        ])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(
        waited.status.success(),
        "{}",
        String::from_utf8_lossy(&waited.stderr)
    );
    let backup = json(&waited);
    assert_eq!(backup["status"], "COMPLETED", "{backup}");
    assert_eq!(backup["name"], "before-migration");
    let id = backup["id"].as_str().unwrap().to_owned();
    // Progress went to stderr, one line per change (not a terminal here).
    let stderr = String::from_utf8_lossy(&waited.stderr);
    assert!(stderr.contains("Completed"), "{stderr}");

    let listed = cli(&url)
        .args([
            "list-backups",
            "--instance-id",
            INSTANCE,
            "--all",
            "--limit",
            "1",
        ])
        .output()
        .unwrap();
    assert!(listed.status.success());
    let listed = json(&listed);
    assert!(
        listed["backups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == id.as_str()),
        "{listed}"
    );

    let created = cli(&url)
        .args([
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "second",
        ])
        .output()
        .unwrap();
    let job_id = json(&created)["job_id"].as_str().unwrap().to_owned();
    let job = cli(&url)
        .args(["show-job", "--job-id", &job_id])
        .output()
        .unwrap();
    assert!(
        job.status.success(),
        "{}",
        String::from_utf8_lossy(&job.stderr)
    );
    assert_eq!(json(&job)["job"]["status"], "Completed");

    let deleted = cli(&url)
        .args(["delete-backup", "--backup-id", &id])
        .output()
        .unwrap();
    assert!(
        deleted.status.success(),
        "{}",
        String::from_utf8_lossy(&deleted.stderr)
    );
    assert_eq!(json(&deleted)["backup_id"], id.as_str());
    let gone = cli(&url)
        .args(["list-backups", "--backup-id", &id])
        .output()
        .unwrap();
    let gone = json(&gone);
    assert_eq!(gone["total_count"], 0);
    // An empty page is printed with its (empty) backups.
    assert_eq!(gone["backups"], serde_json::json!([]), "{gone}");
}

#[test]
fn a_failed_backup_exits_5_with_the_fail_reason() {
    let url = emulator(JobSchedule::INSTANT);
    admin_post(
        &url,
        "/_emulator/backup-failures",
        r#"{"count": 1, "fail_reason": "Disk quota exceeded."}"#,
    );
    let out = cli(&url)
        .args([
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "doomed",
            "--wait",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Disk quota exceeded."), "{stderr}");
}

#[test]
fn a_wait_that_times_out_exits_6_and_says_the_backup_goes_on() {
    let url = emulator(JobSchedule {
        visible_after: Duration::ZERO,
        pending: Duration::ZERO,
        running: Duration::from_secs(3600),
        ..JobSchedule::INSTANT
    });
    let out = cli(&url)
        .args([
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "slow",
            "--wait",
            "--wait-timeout",
            "0s",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("goes on"), "{stderr}");
}

#[test]
fn a_broken_rule_is_refused_in_words_before_sending() {
    // Nothing listens: a value that got through would fail with exit 3.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    for (flag, value, words) in [
        ("--name", "1abc", "must be 4 to 64 characters"),
        ("--instance-id", "short", "must be 36 letters"),
        ("--description", "a < b", "none of > ! <"),
    ] {
        let mut args = vec![
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "backup-1",
        ];
        if flag == "--name" || flag == "--instance-id" {
            let at = args.iter().position(|a| *a == flag).unwrap();
            args[at + 1] = value;
        } else {
            args.extend([flag, value]);
        }
        let out = cli(&url).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(words), "{flag}: {stderr}");
        assert!(!stderr.contains("pattern"), "{flag}: {stderr}");
    }
}

#[test]
fn a_busy_instance_exits_9_and_says_nothing_was_started() {
    let url = emulator(JobSchedule::INSTANT);
    admin_post(&url, "/_emulator/busy", r#"{"count": 1}"#);
    let out = cli(&url)
        .args([
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "busy-1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(9));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DBS.200019"), "{stderr}");
    assert!(stderr.contains("nothing was started"), "{stderr}");
    assert!(stderr.contains("--retry-while-busy"), "{stderr}");
}

#[test]
fn retry_while_busy_rides_out_a_busy_instance_and_says_why_it_waits() {
    let url = emulator(JobSchedule::INSTANT);
    // The next create answers busy. The deadline (1 s) is shorter than the
    // first delay, so the client waits what is left of it, then tries once
    // more: after a wait the next attempt is always made, so the outcome
    // does not depend on the machine's speed.
    admin_post(
        &url,
        "/_emulator/busy",
        r#"{"count": 1, "error_code": "DBS.200047"}"#,
    );
    let out = cli(&url)
        .args([
            "create-backup",
            "--instance-id",
            INSTANCE,
            "--name",
            "patient",
            "--retry-while-busy",
            "1s",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let created = json(&out);
    assert!(created["job_id"].is_string(), "{created}");
    assert_eq!(
        stderr.matches("the instance is busy").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("DBS.200047"), "{stderr}");
    assert!(stderr.contains("nothing was started"), "{stderr}");
}
