//! AK/SK signing end to end: the client signs, the emulator verifies with the
//! key pairs it is configured with (out of the box `AccessKey`/`SecretKey`).

mod support;

use std::time::Duration;

use gaussdb_backup::signing::{SigningInput, format_date};
use gaussdb_backup::{Client, Credentials, Error};
use gaussdb_backup_emulator::Config;
use support::*;

fn signed_client(emulator: &gaussdb_backup_emulator::Emulator, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint_url(&emulator.url())
        .project_id(PROJECT)
        .credentials(credentials)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_signed_request_is_accepted() {
    let emulator = start(Config::default()).await;
    let created = signed_client(&emulator, Credentials::aksk("AccessKey", "SecretKey"))
        .create_backup(INSTANCE, "signed-1")
        .description("Signed with AK/SK")
        .send()
        .await
        .unwrap();
    assert_eq!(created.backup.name.as_deref(), Some("signed-1"));
    emulator.shutdown().await;
}

#[tokio::test]
async fn temporary_credentials_and_languages_are_signed_too() {
    let emulator = start(Config::default()).await;
    let client = signed_client(
        &emulator,
        Credentials::temporary("AccessKey", "SecretKey", "security-token"),
    );
    let err = client
        .create_backup("00000000000000000000000000000000in07", "signed-1")
        .language(gaussdb_backup::Language::ZhCn)
        .send()
        .await
        .unwrap_err();
    // The signature verified: the request reached the instance check.
    assert_eq!(err.error_code(), Some("DBS.200002"), "{err}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_wrong_secret_or_unknown_key_is_apigw_0301() {
    let emulator = start(Config::default()).await;
    for credentials in [
        Credentials::aksk("AccessKey", "WrongSecret"),
        Credentials::aksk("Nobody", "SecretKey"),
    ] {
        let err = signed_client(&emulator, credentials)
            .create_backup(INSTANCE, "signed-1")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().unwrap().as_u16(), 401);
        assert_eq!(err.error_code(), Some("APIGW.0301"));
        let Error::Service(service) = &err else {
            panic!()
        };
        assert!(
            service
                .error_msg
                .starts_with("Incorrect IAM authentication information: "),
            "{}",
            service.error_msg
        );
        let shown = err.to_string();
        assert!(
            shown.contains("15 minutes"),
            "the error names the usual causes: {shown}"
        );
        assert!(!shown.contains("WrongSecret") && !format!("{err:?}").contains("WrongSecret"));
    }
    emulator.shutdown().await;
}

/// A raw request signed at `when`, optionally with its body changed after
/// signing.
async fn raw_signed(
    emulator: &gaussdb_backup_emulator::Emulator,
    when: chrono::DateTime<chrono::Utc>,
    tamper: bool,
) -> Raw {
    let body = br#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"raw-signed"}"#;
    let date = format_date(when);
    let host = emulator.addr().to_string();
    let path = format!("/v3/{PROJECT}/backups/create");
    let input = SigningInput {
        method: "POST",
        path: &path,
        query: vec![],
        headers: vec![
            ("host".into(), host.clone()),
            ("x-sdk-date".into(), date.clone()),
        ],
        body,
    };
    let authorization = input.authorization("AccessKey", "SecretKey", &date);
    let sent: &[u8] = if tamper {
        br#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"tampered"}"#
    } else {
        body
    };
    raw(
        emulator,
        reqwest::Method::POST,
        &path,
        &[
            ("authorization", &authorization),
            ("x-sdk-date", &date),
            ("content-type", "application/json"),
        ],
        Some(sent.to_vec()),
    )
    .await
}

#[tokio::test]
async fn the_signature_covers_the_body_and_the_date_must_be_fresh() {
    let (emulator, clock) = start_manual(Config {
        jobs: gaussdb_backup_emulator::JobSchedule::INSTANT,
        ..Config::default()
    })
    .await;
    // The emulator's clock never moves: the windows below are exact.
    let now = gaussdb_backup::Clock::now(&clock);
    assert_eq!(raw_signed(&emulator, now, false).await.status, 201);
    let tampered = raw_signed(&emulator, now, true).await;
    assert_eq!(
        (tampered.status, tampered.json["error_code"].as_str()),
        (401, Some("APIGW.0301"))
    );
    let stale = raw_signed(&emulator, now - chrono::TimeDelta::minutes(20), false).await;
    assert_eq!(stale.status, 401);
    let message = stale.json["error_msg"].as_str().unwrap();
    assert!(
        message.contains("X-Sdk-Date") && message.contains("15"),
        "{message}"
    );
    let future = raw_signed(&emulator, now + chrono::TimeDelta::minutes(16), false).await;
    assert_eq!(future.status, 401);
    // X-Sdk-Date has whole seconds: one second inside the window.
    let edge = raw_signed(
        &emulator,
        now - chrono::TimeDelta::minutes(15) + chrono::TimeDelta::seconds(1),
        false,
    )
    .await;
    assert_eq!(edge.status, 201, "inside 15 minutes: {}", edge.text);
    assert_eq!(tampered.json["request_id"], tampered.request_id());
    assert_eq!(
        tampered.json["error_msg"],
        "Incorrect IAM authentication information: verify aksk signature fail"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn configured_key_pairs_replace_the_default() {
    let emulator = start(Config {
        key_pairs: [("MyAK".to_owned(), "MySK".to_owned())].into(),
        ..Config::default()
    })
    .await;
    signed_client(&emulator, Credentials::aksk("MyAK", "MySK"))
        .create_backup(INSTANCE, "signed-1")
        .send()
        .await
        .unwrap();
    let err = signed_client(&emulator, Credentials::aksk("AccessKey", "SecretKey"))
        .create_backup(INSTANCE, "signed-2")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Service(ref s) if s.error_code == "APIGW.0301"),
        "{err:?}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn signature_checks_that_need_no_body_come_before_its_size() {
    let (emulator, clock) = start_manual(Config {
        max_body_bytes: 1024,
        ..Config::default()
    })
    .await;
    let now = gaussdb_backup::Clock::now(&clock);
    let big = vec![b'a'; 4096];
    let path = format!("/v3/{PROJECT}/backups/create");
    let host = emulator.addr().to_string();
    let sign = |access: &str, when| {
        let date = format_date(when);
        let input = SigningInput {
            method: "POST",
            path: &path,
            query: vec![],
            headers: vec![
                ("host".into(), host.clone()),
                ("x-sdk-date".into(), date.clone()),
            ],
            body: &big,
        };
        (input.authorization(access, "SecretKey", &date), date)
    };
    let send = |headers: Vec<(&'static str, String)>| {
        let (emulator, path, big) = (&emulator, &path, big.clone());
        async move {
            let mut all: Vec<(&str, &str)> = vec![("content-type", "application/json")];
            all.extend(headers.iter().map(|(n, v)| (*n, v.as_str())));
            raw(emulator, reqwest::Method::POST, path, &all, Some(big)).await
        }
    };
    let (unknown, date) = sign("NoSuchKey", now);
    let (stale, stale_date) = sign("AccessKey", now - chrono::TimeDelta::minutes(20));
    let (good, good_date) = sign("AccessKey", now);
    for (headers, expected) in [
        (
            vec![("authorization", unknown), ("x-sdk-date", date)],
            "ak not exist",
        ),
        (
            vec![("authorization", stale), ("x-sdk-date", stale_date)],
            "X-Sdk-Date",
        ),
        (
            vec![("authorization", good.clone())],
            "X-Sdk-Date is missing",
        ),
        (
            vec![
                ("authorization", "SDK-HMAC-SHA256 nonsense".to_owned()),
                ("x-sdk-date", good_date.clone()),
            ],
            "Authorization",
        ),
    ] {
        let r = send(headers).await;
        assert_eq!(r.code(), (401, "APIGW.0301"), "{expected}: {}", r.text);
        let message = r.json["error_msg"].as_str().unwrap();
        assert!(message.contains(expected), "{message}");
        assert_eq!(r.json["request_id"], r.request_id());
    }
    // Everything that needs no body is right: now the size decides (the
    // real gateway's answer is not documented; this is the emulator's).
    let r = send(vec![("authorization", good), ("x-sdk-date", good_date)]).await;
    assert_eq!(r.code(), (400, "DBS.200001"), "{}", r.text);
    emulator.shutdown().await;
}
