//! The emulator's documented behaviour, end to end on loopback. Time is a
//! `ManualClock` wherever it matters: nothing here sleeps or depends on how
//! fast the machine is.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use gaussdb_backup::{BackupStatus, BackupType, Error, Language};
use gaussdb_backup_emulator::{Config, FaultSpec, JobSchedule};
use reqwest::Method;
use serde_json::json;
use support::*;

fn code(err: &Error) -> (u16, &str) {
    (
        err.status().unwrap().as_u16(),
        err.error_code().unwrap_or("-"),
    )
}

const SCHEDULE: JobSchedule = JobSchedule {
    visible_after: Duration::from_secs(1),
    pending: Duration::from_secs(2),
    running: Duration::from_secs(10),
    ..JobSchedule::INSTANT
};

#[tokio::test]
async fn the_documented_example_works_unchanged() {
    let emulator = start(Config::default()).await;
    let body = r#"{ "instance_id" : "07033b125fd94a8a96896f8bcfee6ddain07", "name" : "backup-1", "description": "Manual backup" }"#;
    let response = post_json(&emulator, body, &[]).await;
    assert_eq!(response.status, 201, "{}", response.text);
    assert_eq!(response.json["backup"]["status"], "BUILDING");
    assert_eq!(response.json["backup"]["type"], "manual");
    assert_eq!(response.json["backup"]["description"], "Manual backup");
    let id = response.json["backup"]["id"].as_str().unwrap();
    assert_eq!(id.len(), 36, "{id}");
    assert!(id.ends_with("br07") && id[..32].bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!response.request_id().is_empty());
    emulator.shutdown().await;
}

#[tokio::test]
async fn create_through_the_client_on_the_emulators_clock() {
    let (emulator, clock) = start_manual(Config::default()).await;
    let created = client(&emulator, "any")
        .create_backup(INSTANCE, "backup-1")
        .description("Manual backup")
        .send()
        .await
        .unwrap();
    assert_eq!(created.backup.status, Some(BackupStatus::Building));
    assert_eq!(created.backup.type_, Some(BackupType::Manual));
    assert_eq!(created.backup.instance_id.as_deref(), Some(INSTANCE));
    assert_eq!(created.backup.description.as_deref(), Some("Manual backup"));
    assert!(created.request_id.is_some());
    // The service's own format: +hhmm, no colon; the emulator's clock's time.
    let begin = created.backup.begin_time.unwrap();
    assert!(begin.as_str().ends_with("+0800"), "{begin}");
    use gaussdb_backup::Clock;
    assert_eq!(
        begin.datetime().unwrap().timestamp(),
        clock.now().timestamp()
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_job_goes_pending_running_completed_and_its_backup_completes() {
    let (emulator, clock) = start_manual(Config {
        jobs: SCHEDULE,
        ..Config::default()
    })
    .await;
    let (backup_id, job_id) = create(&emulator, INSTANCE, "backup-1").await;
    let job_path = format!("/jobs?id={job_id}");
    let backup_path = format!("/backups?backup_id={backup_id}");
    let job = || get(&emulator, &job_path);
    let backup = || get(&emulator, &backup_path);

    // Just after the create, the job is not visible yet.
    let r = job().await;
    assert_eq!(r.code(), (400, "DBS.200543"), "{}", r.text);
    assert_eq!(r.json["error_msg"], "The job does not exist.");
    assert!(
        r.json.get("request_id").is_none(),
        "a service error: {}",
        r.text
    );

    clock.advance(Duration::from_secs(1));
    let r = job().await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["job"]["id"], job_id.as_str());
    assert_eq!(r.json["job"]["status"], "Pending");
    assert_eq!(r.json["job"]["process"], "");
    assert_eq!(r.json["job"]["instance"]["id"], INSTANCE);
    assert!(r.json["job"]["instance"]["name"].is_string());
    assert!(r.json["job"].get("ended").is_none());
    let created = r.json["job"]["created"].as_str().unwrap().to_owned();
    assert!(created.ends_with("+0800"), "{created}");

    clock.advance(Duration::from_secs(1));
    assert_eq!(job().await.json["job"]["process"], "0%");
    clock.advance(Duration::from_secs(6));
    let r = job().await;
    assert_eq!(
        (
            r.json["job"]["status"].as_str(),
            r.json["job"]["process"].as_str()
        ),
        (Some("Running"), Some("60%"))
    );
    let listed = backup().await;
    assert_eq!(listed.json["backups"][0]["status"], "BUILDING");
    assert!(listed.json["backups"][0].get("end_time").is_none());

    clock.advance(Duration::from_secs(4));
    let r = job().await;
    assert_eq!(r.json["job"]["status"], "Completed");
    assert_eq!(r.json["job"]["process"], "");
    assert!(r.json["job"]["ended"].is_string());
    assert!(r.json["job"].get("fail_reason").is_none());
    let listed = backup().await;
    let item = &listed.json["backups"][0];
    assert_eq!(item["status"], "COMPLETED", "{item}");
    assert!(item["end_time"].is_string());
    assert!(item["take_up_time"].is_i64());
    assert!(item["size"].as_f64().unwrap() > 0.0);
    assert_eq!(
        item["datastore"],
        json!({"type": "gaussdb-mysql", "version": "8.0"})
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_second_backup_while_building_is_409_then_allowed_after_completion() {
    let (emulator, clock) = start_manual(Config {
        jobs: SCHEDULE,
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
    let Error::Service(e) = &err else { panic!() };
    assert_eq!(e.error_msg, "Backup is in progress, please wait.");
    // One millisecond before the end: still building.
    clock.advance(SCHEDULE.total() - Duration::from_millis(1));
    let err = client
        .create_backup(INSTANCE, "second")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (409, "DBS.201205"));
    clock.advance(Duration::from_millis(1));
    let listed = get(&emulator, "/backups").await;
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
async fn a_backup_failure_rule_fails_the_next_backup() {
    let (emulator, clock) = start_manual(Config {
        jobs: SCHEDULE,
        ..Config::default()
    })
    .await;
    let armed = reqwest::Client::new()
        .post(format!("{}/_emulator/backup-failures", emulator.url()))
        .json(&json!({"count": 1, "fail_reason": "Insufficient backup space."}))
        .send()
        .await
        .unwrap();
    assert_eq!(armed.status(), 200);
    let (failed, failed_job) = create(&emulator, INSTANCE, "doomed").await;
    clock.advance(SCHEDULE.total());
    let (ok, ok_job) = create(&emulator, INSTANCE, "fine").await;
    clock.advance(SCHEDULE.total());

    let r = get(&emulator, &format!("/jobs?id={failed_job}")).await;
    assert_eq!(r.json["job"]["status"], "Failed", "{}", r.text);
    assert_eq!(r.json["job"]["fail_reason"], "Insufficient backup space.");
    let r = get(&emulator, &format!("/jobs?id={ok_job}")).await;
    assert_eq!(r.json["job"]["status"], "Completed", "the rule is used up");
    let r = get(&emulator, &format!("/backups?backup_id={failed}")).await;
    assert_eq!(r.json["backups"][0]["status"], "FAILED");
    // Failed and completed manual backups can both be deleted (the user
    // manual names only automated and in-progress backups as not deletable).
    assert_eq!(delete(&emulator, &failed).await.status, 200);
    assert_eq!(delete(&emulator, &ok).await.status, 200);

    let bad = reqwest::Client::new()
        .post(format!("{}/_emulator/backup-failures", emulator.url()))
        .json(&json!({"count": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
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
    let Error::Service(e) = &err else { panic!() };
    assert_eq!(e.error_msg, "The DB instance does not exist.");
    assert!(err.request_id().is_some());
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_gateway_answers_authentication_failures_in_its_own_words() {
    let (emulator, clock) = start_manual(Config {
        tokens: BTreeSet::from(["good-token".to_owned()]),
        token_expiry: [(
            "short-lived".to_owned(),
            chrono::Utc::now() + chrono::TimeDelta::hours(1),
        )]
        .into(),
        ..Config::default()
    })
    .await;
    let body = br#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"abcd"}"#.to_vec();
    let path = format!("/v3/{PROJECT}/backups/create");
    let send = |token: Option<&'static str>| {
        let mut headers = vec![("content-type", "application/json")];
        if let Some(t) = token {
            headers.push(("x-auth-token", t));
        }
        let (emulator, path, body) = (&emulator, &path, body.clone());
        async move { raw(emulator, Method::POST, path, &headers, Some(body)).await }
    };
    let prefix = "Incorrect IAM authentication information: ";
    for (token, message) in [
        (None, "x-auth-token not found"),
        (Some(""), "x-auth-token not found"),
        (Some("bad-token"), "decrypt token fail"),
    ] {
        let r = send(token).await;
        assert_eq!(r.code(), (401, "APIGW.0301"), "{token:?}: {}", r.text);
        assert_eq!(r.json["error_msg"], format!("{prefix}{message}"));
        assert_eq!(
            r.json["request_id"],
            r.request_id(),
            "the body names the call"
        );
        assert!(!r.request_id().is_empty());
    }
    assert_eq!(send(Some("good-token")).await.status, 201);
    clock.advance(SCHEDULE.total() + Duration::from_secs(60));
    assert_eq!(send(Some("short-lived")).await.status, 201);
    clock.advance(Duration::from_secs(3600));
    let r = send(Some("short-lived")).await;
    assert_eq!(r.code(), (401, "APIGW.0301"));
    let message = r.json["error_msg"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("{prefix}token expires, expires_at: ")),
        "{message}"
    );
    // The client sees the gateway's code too.
    let err = client(&emulator, "bad-token")
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (401, "APIGW.0301"));
    // Every operation is behind the gateway.
    for (method, p) in [
        (Method::GET, format!("/v3/{PROJECT}/backups")),
        (Method::GET, format!("/v3/{PROJECT}/jobs?id=x")),
        (Method::DELETE, format!("/v3/{PROJECT}/backups/x")),
    ] {
        let r = raw(&emulator, method, &p, &[], None).await;
        assert_eq!(r.code(), (401, "APIGW.0301"), "{p}");
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn messages_are_english_whatever_x_language_says() {
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
    assert_eq!(service.error_msg, "The DB instance does not exist.");
    for language in ["zh-cn", "en-us", "fr-FR", "", "x;y=1", "中文"] {
        let body = r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"1bad"}"#;
        let r = post_json(&emulator, body, &[("x-language", language)]).await;
        assert_eq!(r.code(), (400, "DBS.280277"), "{language:?}");
        assert_eq!(r.json["error_msg"], "Invalid object name.");
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn each_constraint_gets_its_documented_code_and_message() {
    let emulator = start(Config {
        jobs: JobSchedule::INSTANT,
        ..Config::default()
    })
    .await;
    let i = INSTANCE;
    let cases = [
        (
            format!(r#"{{"instance_id":"{i}","name":"abc"}}"#),
            "DBS.280277",
            "Invalid object name.",
        ),
        (
            format!(r#"{{"instance_id":"{i}","name":"9abc"}}"#),
            "DBS.280277",
            "Invalid object name.",
        ),
        (
            format!(r#"{{"instance_id":"{i}","name":"{}"}}"#, "备".repeat(22)),
            "DBS.280277",
            "Invalid object name.",
        ),
        (
            format!(r#"{{"instance_id":"{i}","name":"abcd","description":"a<b"}}"#),
            "DBS.280127",
            "Invalid backup description.",
        ),
        (
            format!(r#"{{"instance_id":"{i}","name":"abcd","description":"a\rb"}}"#),
            "DBS.280127",
            "Invalid backup description.",
        ),
        (
            r#"{"instance_id":"not-an-instance","name":"abcd"}"#.to_owned(),
            "DBS.280404",
            "Invalid DB instance ID or node ID format.",
        ),
        (
            r#"{"name":"abcd"}"#.to_owned(),
            "DBS.200001",
            "Parameter error.",
        ),
        (
            format!(r#"{{"instance_id":"{i}","name":null}}"#),
            "DBS.200001",
            "Parameter error.",
        ),
        ("{not json".to_owned(), "DBS.200001", "Parameter error."),
        ("[]".to_owned(), "DBS.200001", "Parameter error."),
    ];
    for (body, expected, message) in cases {
        let response = post_json(&emulator, &body, &[]).await;
        assert_eq!(
            response.code(),
            (400, expected),
            "{body}: {}",
            response.text
        );
        assert_eq!(response.json["error_msg"], message, "{body}");
        assert!(!response.request_id().is_empty());
    }
    // The newest official rules: Chinese names (16 characters, 48 bytes),
    // upper-case instance IDs (unknown here: 404, not 400).
    let accepted = post_json(
        &emulator,
        &format!(r#"{{"instance_id":"{i}","name":"{}"}}"#, "备".repeat(16)),
        &[],
    )
    .await;
    assert_eq!(accepted.status, 201, "{}", accepted.text);
    let upper = post_json(
        &emulator,
        r#"{"instance_id":"07033B125FD94A8A96896F8BCFEE6DDAin07","name":"abcd"}"#,
        &[],
    )
    .await;
    assert_eq!(upper.code(), (404, "DBS.200002"));
    let bad_project = raw(
        &emulator,
        Method::POST,
        "/v3/short/backups/create",
        &[("x-auth-token", "t"), ("content-type", "application/json")],
        Some(format!(r#"{{"instance_id":"{i}","name":"abcd"}}"#).into_bytes()),
    )
    .await;
    assert_eq!(bad_project.code(), (400, "DBS.200001"));
    emulator.shutdown().await;
}

#[tokio::test]
async fn hostile_requests_get_a_json_error() {
    let emulator = start(Config {
        max_body_bytes: 1024,
        ..Config::default()
    })
    .await;
    let good = r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"abcd"}"#;
    let create = format!("/v3/{PROJECT}/backups/create");
    // Wrong content type.
    let r = raw(
        &emulator,
        Method::POST,
        &create,
        &[("x-auth-token", "t"), ("content-type", "text/plain")],
        Some(good.as_bytes().to_vec()),
    )
    .await;
    assert_eq!(r.code(), (400, "DBS.200001"));
    // Oversized body.
    let big = format!(r#"{{"instance_id":"x","name":"{}"}}"#, "a".repeat(4096));
    assert_eq!(
        post_json(&emulator, &big, &[]).await.code(),
        (400, "DBS.200001")
    );
    // A method the path does not have, and unknown paths: the gateway's 404,
    // never 405, whether authenticated or not.
    for (method, path) in [
        (Method::GET, create.clone()),
        (Method::PUT, create.clone()),
        (Method::POST, format!("/v3/{PROJECT}/backups")),
        (Method::POST, "/v3/nothing/here".to_owned()),
        (Method::GET, "/".to_owned()),
        (Method::GET, format!("/v3/{PROJECT}/backups/")),
        (Method::GET, "/v3//backups".to_owned()),
    ] {
        for headers in [&[][..], &[("x-auth-token", "t")][..]] {
            let r = raw(&emulator, method.clone(), &path, headers, None).await;
            assert_eq!(r.code(), (404, "APIGW.0101"), "{method} {path}: {}", r.text);
            assert_eq!(
                r.json["error_msg"],
                "The API does not exist or has not been published in the environment."
            );
            assert_eq!(r.json["request_id"], r.request_id());
            assert!(
                r.headers.get("allow").is_none(),
                "{method} {path}: {:?}",
                r.headers
            );
        }
    }
    // The emulator's own pages that do not exist reach the router's
    // fallback rather than the gateway's table: the same 404, with the
    // call's request ID in the body too.
    for path in ["/_emulator/nothing", "/_emulator/faults/x"] {
        let r = raw(&emulator, Method::GET, path, &[], None).await;
        assert_eq!(r.code(), (404, "APIGW.0101"), "{path}: {}", r.text);
        assert!(!r.request_id().is_empty(), "{path}: {:?}", r.headers);
        assert_eq!(r.json["request_id"], r.request_id(), "{path}");
    }
    // Non-UTF-8 and binary bodies.
    let r = raw(
        &emulator,
        Method::POST,
        &create,
        &[("x-auth-token", "t"), ("content-type", "application/json")],
        Some(vec![0xff, 0xfe, 0x00, 0x7b]),
    )
    .await;
    assert_eq!(r.code(), (400, "DBS.200001"));
    // Hostile query strings.
    for query in [
        "?limit=99999999999999999999999999",
        "?offset=%FF%FE",
        "?begin_time=%00",
        "?limit=1&limit=2",
        &format!("?name={}", "%41".repeat(2000)),
    ] {
        let r = get(&emulator, &format!("/backups{query}")).await;
        assert!(
            r.json["error_code"].is_string() || r.status == 200,
            "{query}: {}",
            r.text
        );
        assert!(r.status == 200 || r.status == 400, "{query}: {}", r.status);
    }
    for query in ["", "?id=", "?ID=x", "?id"] {
        let r = get(&emulator, &format!("/jobs{query}")).await;
        assert_eq!(r.code(), (400, "DBS.200001"), "{query}");
    }
    assert_eq!(
        get(&emulator, "/jobs?id=%E4%B8%80").await.code(),
        (400, "DBS.200543")
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn listing_filters_pages_and_counts() {
    let other = "ffffffffffffffffffffffffffffffffin07".to_owned();
    let (emulator, clock) = start_manual(Config {
        instances: [INSTANCE.to_owned(), other.clone()].into(),
        jobs: JobSchedule::INSTANT,
        seed_auto_backups: 3,
        ..Config::default()
    })
    .await;
    let mut created = Vec::new();
    for n in 0..5 {
        clock.advance(Duration::from_secs(60));
        let instance = if n % 2 == 0 { INSTANCE } else { &other };
        created.push(create(&emulator, instance, &format!("manual-{n}")).await.0);
    }
    let ids = |r: &Raw| -> Vec<String> {
        r.json["backups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = get(&emulator, "/backups").await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(
        all.json["total_count"], 11,
        "5 manual + 3 automated for each of 2 instances"
    );
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    assert_eq!(ids(&all)[..5], newest_first[..], "newest first");
    let manual = get(&emulator, "/backups?backup_type=manual").await;
    assert_eq!(manual.json["total_count"], 5);
    let auto = get(&emulator, "/backups?backup_type=auto").await;
    assert_eq!(auto.json["total_count"], 6);
    assert!(
        auto.json["backups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["type"] == "auto" && b["status"] == "COMPLETED")
    );
    let page = get(&emulator, "/backups?offset=1&limit=2").await;
    assert_eq!(page.json["total_count"], 11, "counted before paging");
    assert_eq!(ids(&page), newest_first[1..3]);
    let mine = get(
        &emulator,
        &format!("/backups?instance_id={INSTANCE}&backup_type=manual"),
    )
    .await;
    assert_eq!(mine.json["total_count"], 3);
    let named = get(&emulator, "/backups?name=manual-3").await;
    assert_eq!(ids(&named), [created[3].clone()]);
    let by_instance_name = get(
        &emulator,
        &format!(
            "/backups?instance_name=taurus-{}&backup_type=manual",
            &other[..8]
        ),
    )
    .await;
    assert_eq!(by_instance_name.json["total_count"], 2);
    // A time range: the backups that began within it.
    let begin = all.json["backups"][3]["begin_time"]
        .as_str()
        .unwrap()
        .replace('+', "%2B");
    let end = all.json["backups"][1]["begin_time"]
        .as_str()
        .unwrap()
        .replace('+', "%2B");
    let ranged = get(
        &emulator,
        &format!("/backups?begin_time={begin}&end_time={end}"),
    )
    .await;
    assert_eq!(ids(&ranged), newest_first[1..4], "{}", ranged.text);
    let beyond = get(&emulator, "/backups?offset=100").await;
    assert_eq!(
        (beyond.json["total_count"].as_u64(), ids(&beyond).len()),
        (Some(11), 0)
    );
    for bad in [
        "limit=0",
        "limit=101",
        "offset=-1",
        "backup_type=full",
        "begin_time=now",
    ] {
        let r = get(&emulator, &format!("/backups?{bad}")).await;
        assert_eq!(r.code(), (400, "DBS.200001"), "{bad}");
        assert_eq!(r.json["error_msg"], "Parameter error.");
    }
    // Another project sees the automated backups only.
    let elsewhere = raw(
        &emulator,
        Method::GET,
        "/v3/00000000000000000000000000000000/backups",
        &[("x-auth-token", "t")],
        None,
    )
    .await;
    assert_eq!(elsewhere.json["total_count"], 6);
    emulator.shutdown().await;
}

#[tokio::test]
async fn deleting_follows_the_status_rules() {
    let (emulator, clock) = start_manual(Config {
        jobs: SCHEDULE,
        seed_auto_backups: 1,
        ..Config::default()
    })
    .await;
    let (id, job) = create(&emulator, INSTANCE, "to-delete").await;
    let r = delete(&emulator, &id).await;
    assert_eq!(r.code(), (400, "DBS.201208"), "BUILDING: {}", r.text);
    assert_eq!(
        r.json["error_msg"],
        "The operation is not allowed by the backup status."
    );
    clock.advance(SCHEDULE.total());
    let elsewhere = raw(
        &emulator,
        Method::DELETE,
        &format!("/v3/00000000000000000000000000000000/backups/{id}"),
        &[("x-auth-token", "t")],
        None,
    )
    .await;
    assert_eq!(elsewhere.code(), (400, "DBS.280214"), "another project's");
    let r = delete(&emulator, &id).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json, json!({"backup_id": id, "backup_name": "to-delete"}));
    let r = delete(&emulator, &id).await;
    assert_eq!(r.code(), (400, "DBS.280214"));
    assert_eq!(r.json["error_msg"], "The backup does not exist.");
    assert_eq!(
        get(&emulator, &format!("/backups?backup_id={id}"))
            .await
            .json["total_count"],
        0
    );
    assert_eq!(
        get(&emulator, &format!("/jobs?id={job}")).await.status,
        200,
        "the job stays"
    );
    let auto = get(&emulator, "/backups?backup_type=auto").await;
    let auto_id = auto.json["backups"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        delete(&emulator, &auto_id).await.code(),
        (400, "DBS.201208")
    );
    assert_eq!(
        delete(&emulator, "create").await.code(),
        (400, "DBS.280214")
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn faults_fail_the_next_calls_then_clear() {
    let (emulator, clock) = start_manual(Config::default()).await;
    let client = client(&emulator, "t");
    let arm = |spec: FaultSpec| {
        let url = format!("{}/_emulator/faults", emulator.url());
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .json(&serde_json::to_value(&spec).unwrap())
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
    // Faults are for API calls the gateway lets through: the emulator's
    // own pages and a call the gateway refuses do not use one up.
    let admin = reqwest::get(format!("{}/_emulator/backups", emulator.url()))
        .await
        .unwrap();
    assert_eq!(admin.status(), 200);
    let refused = reqwest::Client::new()
        .post(format!("{}/v3/{PROJECT}/backups/create", emulator.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
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

    // A delay waits on the emulator's clock: a ManualClock records it and
    // moves on, so the test takes no time.
    arm(FaultSpec {
        count: Some(1),
        delay_ms: Some(2_000),
        status: Some(500),
        ..FaultSpec::default()
    })
    .await;
    let err = client
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), (500, "DBS.108000"));
    assert_eq!(clock.sleeps(), [Duration::from_secs(2)]);

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
        .json(&json!({"status": 200}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_state_file_keeps_backups_and_jobs_across_restarts() {
    let dir = std::env::temp_dir().join(format!("emulator-restart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.jsonl");
    let _ = std::fs::remove_file(&path);
    let clock = gaussdb_backup::ManualClock::default();
    let config = Config {
        state_file: Some(path.clone()),
        jobs: SCHEDULE,
        clock: std::sync::Arc::new(clock.clone()),
        ..Config::default()
    };
    let emulator = start(config.clone()).await;
    let (first, first_job) = create(&emulator, INSTANCE, "first").await;
    clock.advance(SCHEDULE.total());
    let (second, _) = create(&emulator, INSTANCE, "second").await;
    assert_eq!(delete(&emulator, &first).await.status, 200);
    emulator.shutdown().await;

    let emulator = start(config).await;
    let err = client(&emulator, "t")
        .create_backup(INSTANCE, "backup-3")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&err),
        (409, "DBS.201205"),
        "the building backup survived the restart"
    );
    let listed = get(&emulator, "/backups").await;
    assert_eq!(listed.json["total_count"], 1);
    assert_eq!(listed.json["backups"][0]["id"], second.as_str());
    let job = get(&emulator, &format!("/jobs?id={first_job}")).await;
    assert_eq!(job.json["job"]["status"], "Completed", "{}", job.text);
    emulator.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn documents_are_served_with_the_spec_first() {
    let emulator = start(Config::default()).await;
    let spec = raw(
        &emulator,
        Method::GET,
        "/openapi/gaussdb-backup.yaml",
        &[],
        None,
    )
    .await;
    assert_eq!(spec.status, 200);
    assert_eq!(spec.text, gaussdb_backup_emulator::app::SPEC);
    let doc = raw(&emulator, Method::GET, "/openapi.json", &[], None).await;
    assert_eq!(doc.status, 200);
    assert!(doc.json["paths"]["/v3/{project_id}/backups/create"]["post"].is_object());
    let ui = raw(&emulator, Method::GET, "/docs/", &[], None).await;
    assert_eq!(ui.status, 200);
    assert!(
        ui.text.contains("swagger"),
        "{}",
        &ui.text[..ui.text.len().min(200)]
    );
    let init = raw(
        &emulator,
        Method::GET,
        "/docs/swagger-initializer.js",
        &[],
        None,
    )
    .await;
    assert_eq!(init.status, 200);
    let spec_at = init
        .text
        .find("/openapi/gaussdb-backup.yaml")
        .expect("the spec is listed");
    let utoipa_at = init
        .text
        .find("/openapi.json")
        .expect("the utoipa document is listed");
    assert!(spec_at < utoipa_at, "the spec comes first: {}", init.text);
    assert!(init.text.contains("primaryName"), "{}", init.text);
    let js = raw(
        &emulator,
        Method::GET,
        "/docs/swagger-ui-bundle.js",
        &[],
        None,
    )
    .await;
    assert_eq!(js.status, 200, "Swagger UI's assets are vendored");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_second_emulator_on_the_same_state_file_is_refused() {
    let dir = std::env::temp_dir().join(format!("emulator-two-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.jsonl");
    let config = Config {
        state_file: Some(path.clone()),
        jobs: JobSchedule::INSTANT,
        ..Config::default()
    };
    let first = start(config.clone()).await;
    let shown = match gaussdb_backup_emulator::Emulator::start(config.clone()).await {
        Ok(_) => panic!("two emulators on one state file"),
        Err(e) => e.to_string(),
    };
    assert!(shown.contains(&path.display().to_string()), "{shown}");
    let (backup, _) = create(&first, INSTANCE, "kept").await;
    first.shutdown().await;
    // Shutting down releases the state file at once.
    let second = start(config).await;
    assert_eq!(
        get(&second, "/backups").await.json["backups"][0]["id"],
        backup.as_str()
    );
    second.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_gateway_authenticates_before_it_measures_the_body() {
    let emulator = start(Config {
        max_body_bytes: 1024,
        tokens: BTreeSet::from(["good-token".to_owned()]),
        ..Config::default()
    })
    .await;
    let big = format!(r#"{{"instance_id":"x","name":"{}"}}"#, "a".repeat(4096)).into_bytes();
    let create = format!("/v3/{PROJECT}/backups/create");
    let prefix = "Incorrect IAM authentication information: ";
    for (token, message) in [
        (None, "x-auth-token not found"),
        (Some(""), "x-auth-token not found"),
        (Some("bad-token"), "decrypt token fail"),
    ] {
        let mut headers = vec![("content-type", "application/json")];
        headers.extend(token.map(|t| ("x-auth-token", t)));
        let r = raw(
            &emulator,
            Method::POST,
            &create,
            &headers,
            Some(big.clone()),
        )
        .await;
        assert_eq!(r.code(), (401, "APIGW.0301"), "{token:?}: {}", r.text);
        assert_eq!(r.json["error_msg"], format!("{prefix}{message}"));
        assert_eq!(r.json["request_id"], r.request_id());
        assert!(!r.request_id().is_empty());
    }
    // Authenticated, too large: the emulator's answer (the real gateway's is
    // not documented).
    let r = raw(
        &emulator,
        Method::POST,
        &create,
        &[
            ("content-type", "application/json"),
            ("x-auth-token", "good-token"),
        ],
        Some(big),
    )
    .await;
    assert_eq!(r.code(), (400, "DBS.200001"), "{}", r.text);
    assert!(!r.request_id().is_empty());
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_path_segment_that_is_not_utf8_is_a_json_parameter_error() {
    let emulator = start(Config::default()).await;
    let body = br#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"abcd"}"#.to_vec();
    for (method, path) in [
        (Method::DELETE, format!("/v3/{PROJECT}/backups/%FF")),
        (Method::DELETE, "/v3/%FF%FE/backups/x".to_owned()),
        (Method::DELETE, "/v3/%FF/backups/create".to_owned()),
        (Method::GET, "/v3/%FF%FE/backups".to_owned()),
        (Method::GET, "/v3/%C3%28/jobs?id=x".to_owned()),
        (Method::POST, "/v3/%FF/backups/create".to_owned()),
    ] {
        let r = raw(
            &emulator,
            method.clone(),
            &path,
            &[("x-auth-token", "t"), ("content-type", "application/json")],
            Some(body.clone()),
        )
        .await;
        assert_eq!(r.code(), (400, "DBS.200001"), "{method} {path}: {}", r.text);
        assert_eq!(r.json["error_msg"], "Parameter error.", "{method} {path}");
        assert!(
            r.headers
                .get("content-type")
                .is_some_and(|v| v.as_bytes().starts_with(b"application/json")),
            "{method} {path}: {:?}",
            r.headers
        );
        assert!(!r.request_id().is_empty(), "{method} {path}");
        // Still behind the gateway.
        let r = raw(&emulator, method.clone(), &path, &[], None).await;
        assert_eq!(r.code(), (401, "APIGW.0301"), "{method} {path}: {}", r.text);
    }
    emulator.shutdown().await;
}

/// The properties the emulator sends, pinned here rather than derived from
/// the spec: a property the spec adds is absent until someone simulates it
/// (the smoke run against the emulator shows it as expected-absent, with
/// `--optional-may-be-absent`), while one the emulator stops sending fails
/// this test.
#[tokio::test]
async fn the_emulator_sends_every_property_it_simulates() {
    fn keys(value: &serde_json::Value) -> Vec<&str> {
        let mut keys: Vec<&str> = value
            .as_object()
            .unwrap_or_else(|| panic!("an object: {value}"))
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys
    }
    let (emulator, clock) = start_manual(Config {
        jobs: SCHEDULE,
        ..Config::default()
    })
    .await;
    let body = format!(
        r#"{{"instance_id":"{INSTANCE}","name":"backup-1","description":"Manual backup"}}"#
    );
    let created = post_json(&emulator, &body, &[]).await;
    assert_eq!(
        keys(&created.json),
        ["backup", "job_id"],
        "{}",
        created.text
    );
    assert_eq!(
        keys(&created.json["backup"]),
        [
            "begin_time",
            "description",
            "id",
            "instance_id",
            "name",
            "status",
            "type"
        ],
        "{}",
        created.text
    );
    clock.advance(Duration::from_secs(13));
    let job_id = created.json["job_id"].as_str().unwrap();
    let job = get(&emulator, &format!("/jobs?id={job_id}")).await;
    assert_eq!(
        keys(&job.json["job"]),
        [
            "created", "ended", "entities", "id", "instance", "process", "status"
        ],
        "{}",
        job.text
    );
    assert_eq!(keys(&job.json["job"]["instance"]), ["id", "name"]);
    let listed = get(&emulator, "/backups").await;
    assert_eq!(
        keys(&listed.json),
        ["backups", "total_count"],
        "{}",
        listed.text
    );
    assert_eq!(
        keys(&listed.json["backups"][0]),
        [
            "backup_level",
            "begin_time",
            "datastore",
            "description",
            "end_time",
            "id",
            "instance_id",
            "instance_name",
            "name",
            "size",
            "status",
            "take_up_time",
            "type"
        ],
        "{}",
        listed.text
    );
    emulator.shutdown().await;
}
