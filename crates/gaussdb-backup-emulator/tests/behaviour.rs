//! The client crate against the emulator, for every documented behaviour.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use gaussdb_backup::{BackupStatus, BackupType, Error, Language};
use gaussdb_backup_emulator::{Config, FaultSpec};
use support::*;

fn code(err: &Error) -> (u16, &str) {
    (
        err.status().unwrap().as_u16(),
        err.error_code().unwrap_or("-"),
    )
}

#[tokio::test]
async fn the_documented_example_works_unchanged() {
    let emulator = start(Config::default()).await;
    let body = r#"{ "instance_id" : "07033b125fd94a8a96896f8bcfee6ddain07", "name" : "backup-1", "description": "Manual backup" }"#;
    let response = post_json(&emulator, body, &[]).await;
    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.json["backup"]["status"], "BUILDING");
    assert_eq!(response.json["backup"]["type"], "manual");
    assert_eq!(response.json["backup"]["description"], "Manual backup");
    assert!(response.headers.contains_key("x-request-id"));
    emulator.shutdown().await;
}

#[tokio::test]
async fn create_through_the_client() {
    let emulator = start(Config::default()).await;
    let created = client(&emulator, "any")
        .create_backup(INSTANCE, "backup-1")
        .description("Manual backup")
        .send()
        .await
        .unwrap();
    assert_eq!(created.backup.status, BackupStatus::Building);
    assert_eq!(created.backup.type_, BackupType::Manual);
    assert_eq!(created.backup.instance_id, INSTANCE);
    assert_eq!(created.backup.description.as_deref(), Some("Manual backup"));
    assert!(created.request_id.is_some());
    // The service's own format: +hhmm, no colon; parsed with its offset.
    let begin = created.backup.begin_time;
    assert!(begin.as_str().ends_with("+0800"), "{begin}");
    let age = chrono::Utc::now().signed_duration_since(begin.datetime().unwrap());
    assert!(age.num_seconds().abs() < 60, "{begin}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_second_backup_while_building_is_409_then_allowed_after_completion() {
    let emulator = start(Config {
        // Long enough that a loaded CI machine still sends the second call
        // while the first is building.
        complete_after: Duration::from_millis(1500),
        ..Config::default()
    })
    .await;
    let client = client(&emulator, "t");
    let first = client
        .create_backup(INSTANCE, "first")
        .send()
        .await
        .unwrap();
    let err = client
        .create_backup(INSTANCE, "second")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (409, "DBS.201205"));
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let listed = support::raw(
        &emulator,
        reqwest::Method::GET,
        "/_emulator/backups",
        &[],
        None,
    )
    .await;
    assert_eq!(listed.json["backups"][0]["id"], first.backup.id.as_str());
    assert_eq!(listed.json["backups"][0]["status"], "COMPLETED");
    client
        .create_backup(INSTANCE, "third")
        .send()
        .await
        .unwrap();
    emulator.shutdown().await;
}

#[tokio::test]
async fn unknown_instance_is_404() {
    let emulator = start(Config::default()).await;
    let err = client(&emulator, "t")
        .create_backup("00000000000000000000000000000000in07", "backup-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (404, "DBS.200002"));
    assert!(err.request_id().is_some());
    emulator.shutdown().await;
}

#[tokio::test]
async fn tokens_are_required_and_checked() {
    let emulator = start(Config {
        tokens: BTreeSet::from(["good-token".to_owned()]),
        ..Config::default()
    })
    .await;
    let err = client(&emulator, "bad-token")
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (403, "DBS.280056"));
    client(&emulator, "good-token")
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap();
    let missing = raw(
        &emulator,
        reqwest::Method::POST,
        &format!("/v3/{PROJECT}/backups/create"),
        &[("content-type", "application/json")],
        Some(br#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"abcd"}"#.to_vec()),
    )
    .await;
    assert_eq!(missing.status, 403);
    assert_eq!(missing.json["error_code"], "DBS.280056");
    emulator.shutdown().await;
}

#[tokio::test]
async fn x_language_selects_chinese_messages() {
    let emulator = start(Config::default()).await;
    let err = client(&emulator, "t")
        .create_backup("00000000000000000000000000000000in07", "backup-1")
        .language(Language::ZhCn)
        .send()
        .await
        .unwrap_err();
    let Error::Service(service) = err else {
        panic!()
    };
    assert_eq!(service.error_msg, "实例不存在。");
    let en = client(&emulator, "t")
        .create_backup("00000000000000000000000000000000in07", "backup-1")
        .send()
        .await
        .unwrap_err();
    let Error::Service(service) = en else {
        panic!()
    };
    assert_eq!(service.error_msg, "The instance does not exist.");
    emulator.shutdown().await;
}

#[tokio::test]
async fn each_constraint_gets_its_documented_code() {
    let emulator = start(Config::default()).await;
    let cases = [
        (
            r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"abc"}"#,
            "DBS.280277",
        ),
        (
            r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"9abc"}"#,
            "DBS.280277",
        ),
        (
            r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"abcd","description":"a<b"}"#,
            "DBS.280127",
        ),
        (
            r#"{"instance_id":"not-an-instance","name":"abcd"}"#,
            "DBS.280404",
        ),
        (r#"{"name":"abcd"}"#, "DBS.200001"),
        (
            r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":null}"#,
            "DBS.200001",
        ),
        ("{not json", "DBS.200001"),
        ("[]", "DBS.200001"),
    ];
    for (body, expected) in cases {
        let response = post_json(&emulator, body, &[]).await;
        assert_eq!(response.status, 400, "{body}: {}", response.text);
        assert_eq!(response.json["error_code"], expected, "{body}");
        assert!(response.json["error_msg"].is_string());
        assert!(response.headers.contains_key("x-request-id"));
    }
    let bad_project = raw(
        &emulator,
        reqwest::Method::POST,
        "/v3/short/backups/create",
        &[("x-auth-token", "t"), ("content-type", "application/json")],
        Some(br#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"abcd"}"#.to_vec()),
    )
    .await;
    assert_eq!(
        (bad_project.status, bad_project.json["error_code"].as_str()),
        (400, Some("DBS.200001"))
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn hostile_requests_get_the_documented_error_shape() {
    let emulator = start(Config {
        max_body_bytes: 1024,
        ..Config::default()
    })
    .await;
    let good = r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"abcd"}"#;
    // Wrong content type.
    let r = raw(
        &emulator,
        reqwest::Method::POST,
        &format!("/v3/{PROJECT}/backups/create"),
        &[("x-auth-token", "t"), ("content-type", "text/plain")],
        Some(good.as_bytes().to_vec()),
    )
    .await;
    assert_eq!(
        (r.status, r.json["error_code"].as_str()),
        (400, Some("DBS.200001"))
    );
    // Oversized body.
    let big = format!(r#"{{"instance_id":"x","name":"{}"}}"#, "a".repeat(4096));
    let r = post_json(&emulator, &big, &[]).await;
    assert_eq!(
        (r.status, r.json["error_code"].as_str()),
        (400, Some("DBS.200001"))
    );
    // Wrong method: 405 with Allow.
    let r = raw(
        &emulator,
        reqwest::Method::GET,
        &format!("/v3/{PROJECT}/backups/create"),
        &[],
        None,
    )
    .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.headers["allow"], "POST");
    assert!(
        r.json["error_code"].is_string() && r.json["error_msg"].is_string(),
        "{}",
        r.text
    );
    // Unknown path.
    let r = raw(
        &emulator,
        reqwest::Method::POST,
        "/v3/nothing/here",
        &[],
        None,
    )
    .await;
    assert_eq!(r.status, 404);
    assert!(r.json["error_code"].is_string(), "{}", r.text);
    assert!(r.headers.contains_key("x-request-id"));
    // Non-UTF-8 and binary bodies.
    let r = raw(
        &emulator,
        reqwest::Method::POST,
        &format!("/v3/{PROJECT}/backups/create"),
        &[("x-auth-token", "t"), ("content-type", "application/json")],
        Some(vec![0xff, 0xfe, 0x00, 0x7b]),
    )
    .await;
    assert_eq!(
        (r.status, r.json["error_code"].as_str()),
        (400, Some("DBS.200001"))
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn faults_fail_the_next_calls_then_clear() {
    let emulator = start(Config::default()).await;
    let client = client(&emulator, "t");
    let arm = |spec: FaultSpec| {
        let url = format!("{}/_emulator/faults", emulator.url());
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .json(&spec_json(&spec))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
    };
    arm(FaultSpec {
        count: Some(1),
        status: Some(503),
        ..FaultSpec::default()
    })
    .await;
    let err = client
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    client
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .expect("the fault is used up");

    arm(FaultSpec {
        count: Some(1),
        reset: true,
        ..FaultSpec::default()
    })
    .await;
    let err = client
        .create_backup("00000000000000000000000000000000in07", "b-1x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    arm(FaultSpec {
        count: Some(1),
        delay_ms: Some(2_000),
        status: Some(500),
        ..FaultSpec::default()
    })
    .await;
    let impatient = gaussdb_backup::Client::builder()
        .endpoint_url(&emulator.url())
        .project_id(PROJECT)
        .credentials(gaussdb_backup::Credentials::token("t"))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = impatient
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");

    arm(FaultSpec {
        status: Some(500),
        ..FaultSpec::default()
    })
    .await;
    let r = reqwest::Client::new()
        .delete(format!("{}/_emulator/faults", emulator.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let err = client
        .create_backup("00000000000000000000000000000000in07", "backup-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&err),
        (404, "DBS.200002"),
        "cleared faults no longer apply"
    );

    let bad = reqwest::Client::new()
        .post(format!("{}/_emulator/faults", emulator.url()))
        .json(&serde_json::json!({"status": 200}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    emulator.shutdown().await;
}

fn spec_json(spec: &FaultSpec) -> serde_json::Value {
    serde_json::to_value(spec).unwrap()
}

#[tokio::test]
async fn the_state_file_keeps_backups_across_restarts() {
    let dir = std::env::temp_dir().join(format!("emulator-restart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let _ = std::fs::remove_file(&path);
    let config = Config {
        state_file: Some(path.clone()),
        complete_after: Duration::from_secs(600),
        ..Config::default()
    };
    let emulator = start(config.clone()).await;
    let created = client(&emulator, "t")
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap();
    emulator.shutdown().await;

    let emulator = start(config).await;
    let err = client(&emulator, "t")
        .create_backup(INSTANCE, "backup-2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&err),
        (409, "DBS.201205"),
        "the building backup survived the restart"
    );
    let listed = raw(
        &emulator,
        reqwest::Method::GET,
        "/_emulator/backups",
        &[],
        None,
    )
    .await;
    assert_eq!(listed.json["backups"][0]["id"], created.backup.id.as_str());
    emulator.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn documents_are_served() {
    let emulator = start(Config::default()).await;
    let spec = raw(
        &emulator,
        reqwest::Method::GET,
        "/openapi/gaussdb-backup.yaml",
        &[],
        None,
    )
    .await;
    assert_eq!(spec.status, 200);
    assert_eq!(
        spec.text,
        include_str!("../../../openapi/gaussdb-backup.yaml")
    );
    let doc = raw(&emulator, reqwest::Method::GET, "/openapi.json", &[], None).await;
    assert_eq!(doc.status, 200);
    assert!(doc.json["paths"]["/v3/{project_id}/backups/create"]["post"].is_object());
    let ui = raw(&emulator, reqwest::Method::GET, "/docs/", &[], None).await;
    assert_eq!(ui.status, 200);
    assert!(
        ui.text.contains("swagger"),
        "{}",
        &ui.text[..ui.text.len().min(200)]
    );
    let js = raw(
        &emulator,
        reqwest::Method::GET,
        "/docs/swagger-ui-bundle.js",
        &[],
        None,
    )
    .await;
    assert_eq!(js.status, 200, "Swagger UI's assets are vendored");
    emulator.shutdown().await;
}
