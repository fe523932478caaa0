//! The generated mocks, used the way a consumer would: the client crate
//! against an httpmock server on loopback.

use gaussdb_backup::types::{CreateBackupRequest, ErrorResponse};
use gaussdb_backup::{Client, Credentials, Error, Language};
use gaussdb_backup_httpmock::MockServerExt;
use httpmock::MockServer;

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

/// An error body, through the generated builder (the type is
/// `#[non_exhaustive]`).
fn error(code: &str, message: &str) -> ErrorResponse {
    ErrorResponse::builder()
        .error_code(code.to_owned())
        .error_msg(message.to_owned())
        .try_into()
        .unwrap()
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .endpoint_url(&server.base_url())
        .project_id(PROJECT)
        .credentials(Credentials::token("test-token"))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_mocked_conflict_is_a_typed_service_error() {
    let server = MockServer::start_async().await;
    let body: CreateBackupRequest = serde_json::from_value(serde_json::json!({
        "instance_id": INSTANCE, "name": "backup-1"
    }))
    .unwrap();
    let mock = server.create_gauss_my_sql_backup(|when, then| {
        when.project_id(&PROJECT.parse().unwrap())
            .x_language(&Language::ZhCn)
            .body(&body);
        then.conflict(&error("DBS.201205", "该实例正在备份中。"));
    });
    let err = client(&server)
        .create_backup(INSTANCE, "backup-1")
        .language(Language::ZhCn)
        .send()
        .await
        .unwrap_err();
    let Error::Service(service) = err else {
        panic!()
    };
    assert_eq!(service.status.as_u16(), 409);
    assert_eq!(service.error_code, "DBS.201205");
    mock.assert_async().await;
}

#[tokio::test]
async fn a_request_that_does_not_match_is_not_answered_by_the_mock() {
    let server = MockServer::start_async().await;
    let mock = server.create_gauss_my_sql_backup(|when, then| {
        when.x_language(&Language::ZhCn);
        then.not_found(&error("DBS.200002", "The instance does not exist."));
    });
    // No X-Language header: the mock does not match, httpmock answers 404
    // without the documented body.
    let err = client(&server)
        .create_backup(INSTANCE, "backup-1")
        .send()
        .await
        .unwrap_err();
    assert!(err.error_code().is_none(), "{err:?}");
    assert_eq!(mock.calls_async().await, 0);
}
