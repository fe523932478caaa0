//! A busy instance is not a failure: the create call's documented `409`
//! busy answers are classified, ridden out on request
//! (`retry_while_busy`), and nothing else is ever retried. Against the
//! emulator on one `ManualClock`, and (for the timeout) a server that never
//! answers.

mod emulated;
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use gaussdb_backup::{Busy, Client, Clock, Credentials, Error};
use serde_json::json;

use emulated::{INSTANCE, PROJECT, config, long_running, world};
use support::{Reply, TestServer};

#[tokio::test]
async fn without_the_retry_a_busy_instance_is_a_classified_error() {
    let w = world(config()).await;
    w.arm("busy", json!({"count": 1, "error_code": "DBS.200047"}))
        .await;
    let start = w.clock.now();
    let err = w
        .client
        .create_backup(INSTANCE, "busy-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.busy(), Some(Busy::Instance), "{err:?}");
    assert_eq!(err.error_code(), Some("DBS.200047"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(w.clock.now(), start, "no retry, no wait");
    assert!(w.created().await.is_empty(), "nothing was started");
}

#[tokio::test]
async fn retry_while_busy_rides_out_a_busy_instance() {
    let w = world(config()).await;
    // Busy for the next 45 s of the shared clock.
    w.arm(
        "busy",
        json!({"for_ms": 45_000, "error_code": "DBS.200019"}),
    )
    .await;
    let start = w.clock.now();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&waits);
    let created = w
        .client
        .create_backup(INSTANCE, "patient")
        .retry_while_busy(Duration::from_secs(10 * 60))
        .on_busy(move |retry| {
            log.lock().unwrap().push((
                retry.attempt,
                retry.error.error_code().map(str::to_owned),
                retry.delay,
            ))
        })
        .send()
        .await
        .unwrap();
    assert!(w.clock.now() - start >= chrono::TimeDelta::seconds(45));
    let waits = waits.lock().unwrap().clone();
    assert!(!waits.is_empty());
    for (i, (attempt, code, delay)) in waits.iter().enumerate() {
        assert_eq!(*attempt as usize, i + 1);
        assert_eq!(code.as_deref(), Some("DBS.200019"));
        assert!(*delay >= gaussdb_backup::busy::BUSY_MIN_DELAY, "{delay:?}");
    }
    // Exactly one backup was started: the one answered.
    let all = w.created().await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["backup"]["id"], created.backup.id.as_str());
}

#[tokio::test]
async fn retry_while_busy_gives_up_at_its_deadline_with_the_busy_answer() {
    let w = world(config()).await;
    w.arm("busy", json!({"for_ms": 3_600_000})).await;
    let start = w.clock.now();
    let err = w
        .client
        .create_backup(INSTANCE, "too-busy")
        .retry_while_busy(Duration::from_secs(120))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.busy(), Some(Busy::Instance), "{err:?}");
    assert_eq!(w.clock.now() - start, chrono::TimeDelta::seconds(120));
    assert!(w.created().await.is_empty());
}

#[tokio::test]
async fn a_backup_in_progress_is_classified_and_not_retried() {
    let w = world(long_running()).await;
    w.client
        .create_backup(INSTANCE, "first")
        .send()
        .await
        .unwrap();
    let start = w.clock.now();
    let err = w
        .client
        .create_backup(INSTANCE, "second")
        .retry_while_busy(Duration::from_secs(3600))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.busy(), Some(Busy::BackupInProgress), "{err:?}");
    assert_eq!(err.error_code(), Some("DBS.201205"));
    assert_eq!(w.clock.now(), start, "not retried");
    assert_eq!(w.created().await.len(), 1);
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let w = world(config()).await;
    w.arm("faults", json!({"count": 1, "status": 500})).await;
    let start = w.clock.now();
    let err = w
        .client
        .create_backup(INSTANCE, "server-error")
        .retry_while_busy(Duration::from_secs(3600))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.busy(), None);
    assert_eq!(w.clock.now(), start, "not retried");
}

#[tokio::test]
async fn a_timed_out_create_is_never_retried() {
    let server = TestServer::start(Reply::json(409, "{}").never()).await;
    let client = Client::builder()
        .endpoint_url(&server.url)
        .project_id(PROJECT)
        .credentials(Credentials::token("token"))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .create_backup(INSTANCE, "timed-out")
        .retry_while_busy(Duration::from_secs(3600))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1, "the backup may have started");
}

/// The spec's create `409` answer: its `x-busy-codes` and its examples.
fn documented_409() -> serde_json::Value {
    let spec = openapi_check::parse(
        include_str!("../openapi/gaussdb-backup.yaml"),
        openapi_check::Format::Yaml,
    )
    .unwrap()
    .value;
    spec["paths"]["/v3/{project_id}/backups/create"]["post"]["responses"]["409"].clone()
}

#[test]
fn the_clients_busy_codes_are_the_specs() {
    let documented = documented_409();
    let mut in_spec: Vec<&str> = documented["x-busy-codes"]
        .as_array()
        .expect("x-busy-codes")
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let mut in_client = gaussdb_backup::busy::INSTANCE_BUSY_CODES.to_vec();
    in_spec.sort_unstable();
    in_client.sort_unstable();
    assert_eq!(in_client, in_spec);
}

#[test]
fn every_documented_409_is_classified_as_the_spec_says() {
    let documented = documented_409();
    let busy_codes = documented["x-busy-codes"].as_array().unwrap().clone();
    let examples = documented["content"]["application/json"]["examples"]
        .as_object()
        .unwrap();
    assert!(examples.len() >= 3);
    for (name, example) in examples {
        let value = &example["value"];
        let code = value["error_code"].as_str().unwrap();
        let body = serde_json::to_vec(value).unwrap();
        let err = gaussdb_backup::Error::Service(Box::new(gaussdb_backup::ServiceError {
            status: reqwest::StatusCode::CONFLICT,
            error_code: code.to_owned(),
            error_msg: value["error_msg"].as_str().unwrap().to_owned(),
            request_id: None,
            body: body.into(),
        }));
        let expected = if code == gaussdb_backup::busy::BACKUP_IN_PROGRESS_CODE {
            Some(Busy::BackupInProgress)
        } else if busy_codes.iter().any(|c| c == code) {
            Some(Busy::Instance)
        } else {
            None
        };
        assert_eq!(err.busy(), expected, "example {name} ({code})");
    }
}

#[test]
fn the_emulators_busy_answers_are_documented_examples() {
    let documented = documented_409();
    let examples: Vec<_> = documented["content"]["application/json"]["examples"]
        .as_object()
        .unwrap()
        .values()
        .map(|e| e["value"].clone())
        .collect();
    for (code, message) in gaussdb_backup_emulator::error::BUSY_ANSWERS {
        let answer = json!({"error_code": code, "error_msg": message});
        assert!(examples.contains(&answer), "{answer} is not a 409 example");
        assert!(
            gaussdb_backup::busy::INSTANCE_BUSY_CODES.contains(code),
            "{code}"
        );
    }
}
