//! The client on the wire, against a scripted server on loopback: the exact
//! request it sends, and how every kind of answer comes back.

mod support;

use std::time::Duration;

use gaussdb_backup::{BackupStatus, Client, Credentials, Error, Language};
use support::{Reply, TestServer};

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";
const TOKEN: &str = "MIIZ-the-secret-token-value";

/// The documented 201 body (with the page's missing comma restored).
const CREATED: &str = r#"{ "backup" : { "id" : "2f4ddb93-b901-4b08-93d8-1d2e472f30fe", "name" : "backup-1", "description": "Manual backup", "begin_time" : "2020-07-07T01:17:05+0800", "status" : "BUILDING", "type" : "manual", "instance_id" : "07033b125fd94a8a96896f8bcfee6ddain07" }, "job_id" : "e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7" }"#;

fn client_for(server: &TestServer) -> Client {
    Client::builder()
        .endpoint_url(&server.url)
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .build()
        .unwrap()
}

/// A client that reads at most 1,024 bytes of a response body.
fn client_capped_at_1024_bytes(server: &TestServer) -> Client {
    Client::builder()
        .endpoint_url(&server.url)
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .max_response_bytes(1024)
        .build()
        .unwrap()
}

async fn send_documented(client: &Client) -> Result<gaussdb_backup::CreatedBackup, Error> {
    client
        .create_backup(INSTANCE, "backup-1")
        .description("Manual backup")
        .send()
        .await
}

#[tokio::test]
async fn sends_exactly_the_documented_request() {
    let server = TestServer::start(Reply::json(201, CREATED)).await;
    let client = client_for(&server);
    client
        .create_backup(INSTANCE, "backup-1")
        .description("Manual backup")
        .language(Language::ZhCn)
        .send()
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1, "sent once, never retried");
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, format!("/v3/{PROJECT}/backups/create"));
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(header("x-auth-token").as_deref(), Some(TOKEN));
    assert_eq!(header("x-language").as_deref(), Some("zh-cn"));
    assert_eq!(
        header("content-type").as_deref(),
        Some("application/json;charset=UTF-8")
    );
    assert_eq!(
        header("api-version"),
        None,
        "progenitor's api-version header is removed"
    );
    let mut names: Vec<&str> = request.headers.keys().map(|k| k.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "accept",
            "content-length",
            "content-type",
            "host",
            "user-agent",
            "x-auth-token",
            "x-language"
        ],
        "no headers the service does not know"
    );
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "instance_id": INSTANCE,
            "name": "backup-1",
            "description": "Manual backup"
        })
    );
}

#[tokio::test]
async fn omits_optional_fields_and_headers_not_set() {
    let server = TestServer::start(Reply::json(201, CREATED)).await;
    client_for(&server)
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    assert!(request.headers.get("x-language").is_none());
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"instance_id": INSTANCE, "name": "backup-1"})
    );
}

#[tokio::test]
async fn the_client_language_applies_to_every_call() {
    let server = TestServer::start(Reply::json(201, CREATED)).await;
    let client = Client::builder()
        .endpoint_url(&server.url)
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .language(Language::ZhCn)
        .build()
        .unwrap();
    client
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap();
    assert_eq!(server.requests()[0].headers["x-language"], "zh-cn");
}

#[tokio::test]
async fn parses_the_documented_201() {
    let server = TestServer::start(Reply::json(201, CREATED)).await;
    let created = send_documented(&client_for(&server)).await.unwrap();
    assert_eq!(created.job_id, "e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7");
    assert_eq!(created.request_id.as_deref(), Some("req-0123"));
    assert_eq!(created.backup.id, "2f4ddb93-b901-4b08-93d8-1d2e472f30fe");
    assert_eq!(created.backup.status, Some(BackupStatus::Building));
    assert_eq!(
        created
            .backup
            .begin_time
            .as_ref()
            .unwrap()
            .datetime()
            .unwrap()
            .to_rfc3339(),
        "2020-07-07T01:17:05+08:00"
    );
}

#[tokio::test]
async fn unknown_values_and_fields_do_not_fail_the_response() {
    let body = CREATED
        .replace("\"BUILDING\"", "\"QUEUED\"")
        .replace("\"manual\"", "\"incremental\"")
        .replace("\"job_id\"", "\"new_field\": {\"x\": [1]}, \"job_id\"");
    let server = TestServer::start(Reply::json(201, &body)).await;
    let created = send_documented(&client_for(&server)).await.unwrap();
    assert_eq!(
        created.backup.status,
        Some(BackupStatus::Unknown("QUEUED".into()))
    );
    assert_eq!(
        created.backup.type_.as_ref().unwrap().as_str(),
        "incremental"
    );
}

#[tokio::test]
async fn documented_error_statuses_are_typed_service_errors() {
    let cases = [
        (400, "DBS.280277", "Invalid backup name."),
        (403, "DBS.280056", "Invalid token."),
        (404, "DBS.200002", "The instance does not exist."),
        (409, "DBS.201205", "A backup is already in progress."),
        (500, "DBS.108000", "Internal server error."),
    ];
    for (status, code, message) in cases {
        let body = format!(r#"{{"error_code":"{code}","error_msg":"{message}"}}"#);
        let server = TestServer::start(Reply::json(status, &body)).await;
        let err = send_documented(&client_for(&server)).await.unwrap_err();
        let Error::Service(service) = &err else {
            panic!("{status}: expected a service error, got {err:?}");
        };
        assert_eq!(service.status.as_u16(), status);
        assert_eq!(service.error_code, code);
        assert_eq!(service.error_msg, message);
        assert_eq!(service.request_id.as_deref(), Some("req-0123"));
        assert_eq!(service.body, body.as_bytes(), "the raw body is kept");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.error_code(), Some(code));
        let shown = err.to_string();
        assert!(
            shown.contains(&status.to_string()) && shown.contains(code) && shown.contains(message),
            "{shown}"
        );
        assert_eq!(server.requests().len(), 1, "{status} is not retried");
    }
}

#[tokio::test]
async fn an_undocumented_status_with_the_error_body_keeps_code_and_message() {
    let body =
        r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information."}"#;
    let server = TestServer::start(Reply::json(401, body)).await;
    let err = send_documented(&client_for(&server)).await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 401);
    assert_eq!(err.error_code(), Some("APIGW.0301"));
}

#[tokio::test]
async fn an_html_502_keeps_status_and_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = TestServer::start(Reply::json(502, html).with_content_type("text/html")).await;
    let err = send_documented(&client_for(&server)).await.unwrap_err();
    let Error::UnexpectedResponse {
        status,
        body,
        request_id,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(status.as_u16(), 502);
    assert_eq!(body, html.as_bytes());
    assert_eq!(request_id.as_deref(), Some("req-0123"));
    assert!(err.to_string().starts_with("HTTP 502 Bad Gateway"), "{err}");
}

#[tokio::test]
async fn a_documented_status_with_a_non_json_body_keeps_the_status() {
    // progenitor's own error drops the status here; the layer restores it.
    let server =
        TestServer::start(Reply::json(500, "upstream exploded").with_content_type("text/plain"))
            .await;
    let err = send_documented(&client_for(&server)).await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 500);
    assert_eq!(err.raw_body().unwrap(), "upstream exploded".as_bytes());
    assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn a_malformed_201_says_the_backup_may_have_started_with_the_job_id() {
    // The page's own example, comma missing, as a server might really send it.
    let broken = CREATED.replace("\"Manual backup\",", "\"Manual backup\"");
    let server = TestServer::start(Reply::json(201, &broken)).await;
    let err = send_documented(&client_for(&server)).await.unwrap_err();
    let Error::BackupMayHaveStarted {
        status,
        body,
        job_id,
        ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(status.as_u16(), 201);
    assert_eq!(body, broken.as_bytes());
    assert_eq!(
        job_id.as_deref(),
        Some("e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7")
    );
    let text = err.to_string();
    assert!(text.contains("may have been started"), "{text}");
    assert!(
        text.contains("e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7"),
        "{text}"
    );
}

#[tokio::test]
async fn a_201_of_an_unexpected_shape_keeps_both_ids() {
    // Valid JSON, but `backup.status` is a number: the types cannot take it.
    let odd = r#"{"backup":{"id":"b-1","status":7},"job_id":"j-1"}"#;
    let server = TestServer::start(Reply::json(201, odd)).await;
    let err = send_documented(&client_for(&server)).await.unwrap_err();
    let Error::BackupMayHaveStarted {
        job_id, backup_id, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(job_id.as_deref(), Some("j-1"));
    assert_eq!(backup_id.as_deref(), Some("b-1"));
}

#[tokio::test]
async fn a_201_with_only_the_required_fields_is_a_success() {
    let minimal = r#"{"backup":{"id":"b-1"},"job_id":"j-1","extra":{"new":"field"}}"#;
    let server = TestServer::start(Reply::json(201, minimal)).await;
    let created = send_documented(&client_for(&server)).await.unwrap();
    assert_eq!(created.backup.id, "b-1");
    assert_eq!(created.job_id, "j-1");
    assert_eq!(created.backup.status, None);
    assert_eq!(created.backup.begin_time, None);
}

#[tokio::test]
async fn an_oversized_body_is_refused_not_buffered() {
    let huge = format!(r#"{{"error_code":"X","error_msg":"{}"}}"#, "x".repeat(4096));
    let server = TestServer::start(Reply::json(400, &huge)).await;
    let client = client_capped_at_1024_bytes(&server);
    let err = send_documented(&client).await.unwrap_err();
    let Error::ResponseTooLarge { limit, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(*limit, 1024, "the configured limit, not the bytes read");
    assert_eq!(err.status().unwrap().as_u16(), 400);
}

#[tokio::test]
async fn a_slow_server_gives_a_timeout_error() {
    let server = TestServer::start(Reply::json(201, CREATED).never()).await;
    let client = Client::builder()
        .endpoint_url(&server.url)
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = send_documented(&client).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(matches!(err, Error::Timeout(_)));
    assert!(
        err.is_transient(),
        "a timeout may pass: the waiter rides it out"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "a timed-out create is not retried"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let closed = TestServer::closed_port_url().await;
    let client = Client::builder()
        .endpoint_url(&closed)
        .project_id(PROJECT)
        .credentials(Credentials::token(TOKEN))
        .build()
        .unwrap();
    let err = send_documented(&client).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!err.is_timeout());
    assert!(
        err.is_transient(),
        "a refused connection may pass: the waiter rides it out"
    );
}

#[tokio::test]
async fn the_token_appears_in_no_debug_or_display_output() {
    let server = TestServer::start(Reply::json(
        403,
        r#"{"error_code":"DBS.280056","error_msg":"Invalid token."}"#,
    ))
    .await;
    let client = client_for(&server);
    let call = client.create_backup(INSTANCE, "backup-1");
    let err = call.send().await.unwrap_err();
    let timeout_err = {
        let slow = TestServer::start(Reply::json(201, CREATED).never()).await;
        Client::builder()
            .endpoint_url(&slow.url)
            .project_id(PROJECT)
            .credentials(Credentials::token(TOKEN))
            .timeout(Duration::from_millis(100))
            .build()
            .unwrap()
            .create_backup(INSTANCE, "backup-1")
            .send()
            .await
            .unwrap_err()
    };
    let builder = Client::builder().credentials(Credentials::token(TOKEN));
    let outputs = [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{:?}", client.create_backup(INSTANCE, "backup-1")),
        format!("{builder:?}"),
        format!("{err:?}"),
        format!("{err}"),
        format!("{timeout_err:?}"),
        format!("{timeout_err}"),
    ];
    for output in outputs {
        assert!(!output.contains(TOKEN), "the token leaked: {output}");
        assert!(
            !output.contains("the-secret"),
            "part of the token leaked: {output}"
        );
    }
    // The token did reach the server, so the test would see it if it leaked.
    assert_eq!(server.requests()[0].headers["x-auth-token"], TOKEN);
}

#[tokio::test]
async fn a_signed_request_carries_the_gateway_headers_and_no_token() {
    let server = TestServer::start(Reply::json(201, CREATED)).await;
    let client = Client::builder()
        .endpoint_url(&server.url)
        .project_id(PROJECT)
        .credentials(Credentials::temporary(
            "AK-public",
            "SK-the-secret-key",
            "ST-the-security-token",
        ))
        .build()
        .unwrap();
    send_documented(&client).await.unwrap();
    let request = &server.requests()[0];
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(header("x-auth-token"), None);
    assert_eq!(header("x-project-id").as_deref(), Some(PROJECT));
    assert_eq!(
        header("x-security-token").as_deref(),
        Some("ST-the-security-token")
    );
    let date = header("x-sdk-date").unwrap();
    assert!(
        gaussdb_backup::signing::parse_date(&date).is_some(),
        "{date}"
    );
    let authorization = header("authorization").unwrap();
    let parsed = gaussdb_backup::signing::Authorization::parse(&authorization).unwrap();
    assert_eq!(parsed.access, "AK-public");
    assert_eq!(
        parsed.signed_headers,
        ["host", "x-project-id", "x-sdk-date", "x-security-token"]
    );
    assert!(!authorization.contains("SK-the-secret-key"));
    let shown = format!("{client:?}");
    assert!(
        !shown.contains("SK-the-secret-key") && !shown.contains("ST-the-security-token"),
        "{shown}"
    );
}

#[tokio::test]
async fn list_queries_encode_plus_as_2b_and_the_signature_covers_the_wire_bytes() {
    let server = TestServer::start(Reply::json(200, r#"{"backups":[],"total_count":0}"#)).await;
    let client = Client::builder()
        .endpoint_url(&server.url)
        .project_id(PROJECT)
        .credentials(Credentials::aksk("AccessKey", "SecretKey"))
        .build()
        .unwrap();
    client
        .backups()
        .instance_id(INSTANCE)
        .backup_type(gaussdb_backup::BackupType::Manual)
        .begin_time("2020-07-06T10:41:14+0800")
        .name("a b&c")
        .limit(10)
        .offset(20)
        .send()
        .await
        .unwrap();
    let request = &server.requests()[0];
    let (path, query) = request.path.split_once('?').unwrap();
    assert_eq!(path, format!("/v3/{PROJECT}/backups"));
    assert!(
        query.contains("begin_time=2020-07-06T10%3A41%3A14%2B0800"),
        "{query}"
    );
    assert!(query.contains("name=a%20b%26c"), "{query}");
    assert!(
        !query.contains('+'),
        "a raw + is ambiguous on the wire: {query}"
    );
    assert!(
        query.contains("limit=10") && query.contains("offset=20"),
        "{query}"
    );

    // What the gateway does: decode the query as received, recompute the
    // signature with the signed headers, and compare.
    use gaussdb_backup::signing::{Authorization, SigningInput, decode_path, decode_query};
    let header = |name: &str| request.headers.get(name).unwrap().to_str().unwrap();
    let auth = Authorization::parse(header("authorization")).unwrap();
    let decoded_path = decode_path(path);
    let pairs = decode_query(query);
    assert!(pairs.contains(&("begin_time".into(), "2020-07-06T10:41:14+0800".into())));
    let input = SigningInput {
        method: "GET",
        path: &decoded_path,
        query: pairs,
        headers: auth
            .signed_headers
            .iter()
            .map(|name| (name.clone(), header(name).to_owned()))
            .collect(),
        body: &request.body,
    };
    assert_eq!(
        input.signature("SecretKey", header("x-sdk-date")),
        auth.signature
    );
}

#[tokio::test]
async fn job_and_delete_requests_are_the_documented_ones() {
    let job =
        r#"{"job":{"id":"j-1","status":"Running","process":"60%","name":"CreateMysqlBackup"}}"#;
    let server = TestServer::start(Reply::json(200, job)).await;
    let client = client_for(&server);
    let got = client.job("j-1").send().await.unwrap();
    assert_eq!(got.status, gaussdb_backup::JobStatus::Running);
    assert_eq!(gaussdb_backup::job_percent(&got), Some(60));
    let deleted =
        r#"{"backup_id":"b1182ccdda034f2b9535f3dca5c47e71br07","backup_name":"backup-f3c1"}"#;
    let delete_server = TestServer::start(Reply::json(200, deleted)).await;
    let answer = client_for(&delete_server)
        .delete_backup("b1182ccdda034f2b9535f3dca5c47e71br07")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.backup_name.as_deref(), Some("backup-f3c1"));

    let job_request = &server.requests()[0];
    assert_eq!(job_request.method, "GET");
    assert_eq!(job_request.path, format!("/v3/{PROJECT}/jobs?id=j-1"));
    let delete_request = &delete_server.requests()[0];
    assert_eq!(delete_request.method, "DELETE");
    assert_eq!(
        delete_request.path,
        format!("/v3/{PROJECT}/backups/b1182ccdda034f2b9535f3dca5c47e71br07")
    );
    assert!(delete_request.body.is_empty());
}

#[tokio::test]
async fn gateway_errors_keep_code_message_and_request_id() {
    // The gateway's own answers: request_id in the body.
    let body = r#"{"error_code":"APIGW.0101","error_msg":"The API does not exist or has not been published in the environment.","request_id":"gw-42"}"#;
    let mut reply = Reply::json(404, body);
    reply.headers.retain(|(name, _)| *name != "x-request-id");
    let server = TestServer::start(reply).await;
    let err = client_for(&server).job("j-1").send().await.unwrap_err();
    assert_eq!(err.error_code(), Some("APIGW.0101"));
    assert_eq!(err.request_id(), Some("gw-42"));
    assert_eq!(err.status().unwrap().as_u16(), 404);
    assert!(err.to_string().contains("check the endpoint URL"), "{err}");

    let body = r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information: x-auth-token not found","request_id":"gw-43"}"#;
    let server = TestServer::start(Reply::json(401, body)).await;
    let err = send_documented(&client_for(&server)).await.unwrap_err();
    assert_eq!(err.error_code(), Some("APIGW.0301"));
    // The header wins when both are there.
    assert_eq!(err.request_id(), Some("req-0123"));
    assert!(err.to_string().contains("x-auth-token not found"), "{err}");
}

#[tokio::test]
async fn raw_clients_share_no_capture_slot_between_concurrent_calls() {
    // Many concurrent calls through one raw client all succeed and decode
    // their own answer.
    let server = TestServer::start(Reply::json(201, CREATED)).await;
    let client = client_for(&server);
    let raw = client.raw();
    let calls = (0..16).map(|i| {
        let raw = raw.clone();
        async move {
            raw.create_gauss_my_sql_backup()
                .project_id(PROJECT)
                .body(
                    gaussdb_backup::types::CreateBackupRequest::builder()
                        .instance_id(INSTANCE)
                        .name(format!("backup-{i}")),
                )
                .send()
                .await
        }
    });
    for result in futures_util::future::join_all(calls).await {
        assert_eq!(
            result.unwrap().into_inner().job_id,
            "e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7"
        );
    }
    assert_eq!(server.requests().len(), 16);
}

/// The official SDKs check no particular success status: any 2xx is a
/// success. A 200 or 202 answer to create, or a 201 to a call documented
/// with 200, must come back as the success it is, not as an error.
#[tokio::test]
async fn any_2xx_status_is_a_success() {
    for status in [200, 202] {
        let server = TestServer::start(Reply::json(status, CREATED)).await;
        let created = send_documented(&client_for(&server)).await.unwrap();
        assert_eq!(created.job_id, "e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7");
        assert_eq!(created.request_id.as_deref(), Some("req-0123"));
    }
    let job = r#"{"job":{"id":"j-1","status":"Completed"}}"#;
    let server = TestServer::start(Reply::json(201, job)).await;
    let got = client_for(&server).job("j-1").send().await.unwrap();
    assert_eq!(got.status, gaussdb_backup::JobStatus::Completed);
    let page = r#"{"backups":[{"id":"b-1"}],"total_count":1}"#;
    let server = TestServer::start(Reply::json(203, page)).await;
    let got = client_for(&server).backups().send().await.unwrap();
    assert_eq!(got.backups[0].id, "b-1");
}

/// A delete answered `204 No Content` (or 202 with no body) did what it was
/// asked: a success with nothing to report.
#[tokio::test]
async fn a_delete_answered_without_a_body_is_a_success() {
    for status in [204, 202, 200] {
        let server = TestServer::start(Reply::json(status, "")).await;
        let answer = client_for(&server)
            .delete_backup("b1182ccdda034f2b9535f3dca5c47e71br07")
            .send()
            .await
            .unwrap_or_else(|e| panic!("status {status}: {e:?}"));
        assert_eq!(answer.backup_id, None);
    }
}

/// An undocumented 2xx whose body cannot be read is still an accepted
/// create: the backup may be running.
#[tokio::test]
async fn an_unreadable_200_to_create_says_the_backup_may_have_started() {
    let server = TestServer::start(Reply::json(200, r#"{"job_id":"j-9","#)).await;
    let err = send_documented(&client_for(&server)).await.unwrap_err();
    let Error::BackupMayHaveStarted { status, job_id, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(job_id.as_deref(), Some("j-9"));
}

/// A create answer too large to read was still a 2xx: the backup may have
/// been started, and the error must say so rather than read as a refusal.
#[tokio::test]
async fn an_oversized_201_says_the_backup_may_have_started() {
    let huge = CREATED.replace("Manual backup", &"x".repeat(4096));
    let server = TestServer::start(Reply::json(201, &huge)).await;
    let client = client_capped_at_1024_bytes(&server);
    let err = send_documented(&client).await.unwrap_err();
    let Error::BackupMayHaveStarted { status, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(status.as_u16(), 201);
    assert!(err.to_string().contains("1024"), "{err}");
}

/// A service (or proxy) that ignores `offset` answers every page with the
/// same backups and no `total_count`: the stream must end, with an error
/// saying the listing may be incomplete, not ask again forever.
#[tokio::test]
async fn a_listing_that_makes_no_progress_ends_with_an_error() {
    use futures_util::StreamExt;
    let page = r#"{"backups":[{"id":"a"},{"id":"b"}]}"#;
    let server = TestServer::start(Reply::json(200, page)).await;
    let client = client_for(&server);
    let items: Vec<_> = client.backups().limit(2).stream().collect().await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap().id, "a");
    assert_eq!(items[1].as_ref().unwrap().id, "b");
    let err = items[2].as_ref().unwrap_err();
    assert!(
        matches!(err, Error::IncompleteListing { offset: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("offset 2"), "{err}");
    assert_eq!(server.requests().len(), 2);
}

/// Reaching `max_items` while the service reports more is not the end of
/// the list: the stream says so instead of ending as if complete.
#[tokio::test]
async fn a_listing_cut_at_max_items_ends_with_an_error() {
    use futures_util::StreamExt;
    let page = r#"{"backups":[{"id":"a"},{"id":"b"},{"id":"c"}],"total_count":10}"#;
    let server = TestServer::start(Reply::json(200, page)).await;
    let client = client_for(&server);
    let items: Vec<_> = client.backups().max_items(2).stream().collect().await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok() && items[1].is_ok());
    let err = items[2].as_ref().unwrap_err();
    assert!(
        matches!(err, Error::TooManyItems { max_items: 2 }),
        "{err:?}"
    );
    // Exactly max_items and nothing more reported: a complete listing.
    let page = r#"{"backups":[{"id":"a"},{"id":"b"}],"total_count":2}"#;
    let server = TestServer::start(Reply::json(200, page)).await;
    let client = client_for(&server);
    let items: Vec<_> = client.backups().max_items(2).stream().collect().await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items.iter().all(Result::is_ok));
}

/// `null` where a collection is expected reads as empty, as the official
/// SDKs read it: a successful answer is not failed over it.
#[tokio::test]
async fn null_collections_read_as_empty() {
    let job = r#"{"job":{"id":"j-1","status":"Running","entities":null}}"#;
    let server = TestServer::start(Reply::json(200, job)).await;
    let got = client_for(&server).job("j-1").send().await.unwrap();
    assert_eq!(got.entities, None);
    let page = r#"{"backups":null,"total_count":0}"#;
    let server = TestServer::start(Reply::json(200, page)).await;
    let got = client_for(&server).backups().send().await.unwrap();
    assert!(got.backups.is_empty());
    assert_eq!(got.total_count, Some(0));
}

/// A delete answered with a 2xx status did what it was asked, even when its
/// body cannot be read: a success with nothing to report, not an error.
#[tokio::test]
async fn a_delete_with_an_unreadable_2xx_body_is_a_success() {
    for (status, body) in [(200, "<html>ok</html>"), (202, r#"{"backup_id": 7}"#)] {
        let server = TestServer::start(Reply::json(status, body)).await;
        let answer = client_for(&server)
            .delete_backup("b1182ccdda034f2b9535f3dca5c47e71br07")
            .send()
            .await
            .unwrap_or_else(|e| panic!("status {status}: {e:?}"));
        assert_eq!(answer.backup_id, None);
        assert_eq!(answer.backup_name, None);
    }
}

#[tokio::test]
async fn a_given_http_client_sends_the_requests() {
    // Proxies and custom TLS roots come in through `http_client`: the
    // requests must go out through that client, with what it adds.
    let server = TestServer::start(Reply::json(201, CREATED)).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-corporate-proxy", "yes".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = Client::builder()
        .endpoint_url(&server.url)
        .project_id(PROJECT)
        .credentials(Credentials::token("t"))
        .http_client(http)
        .build()
        .unwrap();
    client
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].headers["x-corporate-proxy"], "yes");
}

/// The limit on a response body is inclusive: a body of exactly
/// `max_response_bytes` is read whole; one byte more is too large (and, for
/// a create call, says the backup may have started).
#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read_whole() {
    let padded = |len: usize| format!("{CREATED}{}", " ".repeat(len - CREATED.len()));
    let server = TestServer::start(Reply::json(201, &padded(1024))).await;
    let created = send_documented(&client_capped_at_1024_bytes(&server))
        .await
        .unwrap();
    assert!(!created.job_id.is_empty());
    let server = TestServer::start(Reply::json(201, &padded(1025))).await;
    let err = send_documented(&client_capped_at_1024_bytes(&server))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BackupMayHaveStarted { .. }), "{err:?}");
}

/// A list call with nothing set asks for the first page with no query at
/// all: the service's defaults apply, and nothing the caller did not ask
/// for (not even `offset=0`) is sent.
#[tokio::test]
async fn an_unfiltered_list_sends_no_query() {
    let server = TestServer::start(Reply::json(200, r#"{"backups":[],"total_count":0}"#)).await;
    client_for(&server).backups().send().await.unwrap();
    assert_eq!(server.requests()[0].path, format!("/v3/{PROJECT}/backups"));
}

/// An empty answer without `total_count` is the end of an empty list: the
/// stream yields nothing and no error (an empty page is not a page of
/// backups already seen).
#[tokio::test]
async fn an_empty_listing_streams_nothing() {
    use futures_util::StreamExt;
    let server = TestServer::start(Reply::json(200, r#"{"backups":[]}"#)).await;
    let client = client_for(&server);
    let items: Vec<_> = client.backups().stream().collect().await;
    assert!(items.is_empty(), "{items:?}");
    assert_eq!(server.requests().len(), 1);
}
