//! The ceilings for the emulator's benchmark: bare axum handlers on the same
//! paths, answering every create with the documented 201 body and every list
//! with a fixed page of 100 backups, without validation, state, gateway or
//! middleware. `bench/emulator.py` runs it beside the emulator.
//!
//! `/fair/v3/{project_id}/backups` is the list's *fair* ceiling: it builds
//! the same 100 typed items the emulator sends (the generated
//! `BackupSummary`, through its builder, from owned records as a store holds
//! them) and serialises them on every request, with no query, filter, store
//! or gateway. The fixed page above measures only what a string costs to send.
//!
//! `/fair/v3/{project_id}/backups/create` is the create's fair ceiling: it
//! reads the body into the generated `CreateBackupRequest`, makes the two
//! IDs and the start time as the emulator does, and answers the generated
//! `CreateBackupResponse`, with no rules, store, journal or gateway.
//!
//! usage: cargo run --release -p gaussdb-backup-emulator --example bare_axum -- 127.0.0.1:18090

use std::sync::Arc;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use gaussdb_backup::types::{
    Backup, BackupSummary, CreateBackupRequest, CreateBackupResponse, Datastore,
    ListBackupsResponse,
};
use gaussdb_backup::{BackupLevel, BackupStatus, BackupType, Timestamp};

const BODY: &str = r#"{"backup":{"begin_time":"2020-07-07T01:17:05+0800","description":"Manual backup","id":"2f4ddb93b9014b0893d81d2e472f30febr07","instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"backup-1","status":"BUILDING","type":"manual"},"job_id":"e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7"}"#;

const ITEM: &str = r#"{"id":"2f4ddb93b9014b0893d81d2e472f30febr07","name":"backup-1","begin_time":"2020-07-07T01:17:05+0800","end_time":"2020-07-07T01:19:05+0800","status":"COMPLETED","take_up_time":2,"type":"manual","size":1024.5,"datastore":{"type":"gaussdb-mysql","version":"8.0"},"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","instance_name":"taurus-07033b12","backup_level":"0","description":"Manual backup"}"#;

/// One backup as a store holds it: the fields the list sends.
struct Record {
    id: String,
    name: String,
    description: String,
    instance_id: String,
    instance_name: String,
}

/// The 100 records the fair ceiling lists.
fn records() -> Vec<Record> {
    (0..100)
        .map(|i| Record {
            id: format!("2f4ddb93b9014b0893d81d2e472f{i:04}febr07"),
            name: format!("backup-{i}"),
            description: "Manual backup".to_owned(),
            instance_id: "07033b125fd94a8a96896f8bcfee6ddain07".to_owned(),
            instance_name: "taurus-07033b12".to_owned(),
        })
        .collect()
}

/// One typed item, built as the emulator builds it.
fn item(r: &Record) -> Option<BackupSummary> {
    let datastore = Datastore::try_from(
        Datastore::builder()
            .type_("gaussdb-mysql".to_owned())
            .version("8.0".to_owned()),
    )
    .ok()?;
    BackupSummary::try_from(
        BackupSummary::builder()
            .id(r.id.clone())
            .name(r.name.clone())
            .begin_time(Timestamp::from("2020-07-07T01:17:05+0800"))
            .end_time(Some(Timestamp::from("2020-07-07T01:19:05+0800")))
            .status(BackupStatus::Completed)
            .take_up_time(2)
            .type_(BackupType::Manual)
            .size(1024.5)
            .datastore(datastore)
            .instance_id(r.instance_id.clone())
            .instance_name(r.instance_name.clone())
            .backup_level(BackupLevel::from("0"))
            .description(r.description.clone()),
    )
    .ok()
}

/// The create's fair ceiling: the typed request in, the typed answer out.
async fn fair_create(Json(request): Json<CreateBackupRequest>) -> axum::response::Response {
    let offset = chrono::FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    let now = chrono::Utc::now().with_timezone(&offset);
    let answer = CreateBackupResponse::builder()
        .backup(
            Backup::builder()
                .id(format!("{}br07", uuid::Uuid::new_v4().simple()))
                .name(Some(request.name.to_string()))
                .description(request.description.map(|d| d.to_string()))
                .begin_time(Timestamp::from_datetime(now))
                .status(BackupStatus::Building)
                .type_(BackupType::Manual)
                .instance_id(Some(request.instance_id.to_string())),
        )
        .job_id(uuid::Uuid::new_v4().to_string());
    match CreateBackupResponse::try_from(answer) {
        Ok(answer) => (StatusCode::CREATED, Json(answer)).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18090".into());
    let page: &'static str = Box::leak(
        format!(
            r#"{{"backups":[{}],"total_count":1000}}"#,
            vec![ITEM; 100].join(",")
        )
        .into_boxed_str(),
    );
    let records = Arc::new(records());
    let app = axum::Router::new()
        .route(
            "/fair/v3/{project_id}/backups",
            get(move || {
                let records = Arc::clone(&records);
                async move {
                    let page = ListBackupsResponse::builder()
                        .backups(records.iter().filter_map(item).collect::<Vec<_>>())
                        .total_count(1000);
                    match ListBackupsResponse::try_from(page) {
                        Ok(page) => (StatusCode::OK, Json(page)).into_response(),
                        Err(e) => {
                            (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
                        }
                    }
                }
            }),
        )
        .route("/fair/v3/{project_id}/backups/create", post(fair_create))
        .route(
            "/v3/{project_id}/backups/create",
            // The body is read (not parsed), so that hyper keeps the
            // connection open as it does for the emulator.
            post(|_body: axum::body::Bytes| async {
                (
                    StatusCode::CREATED,
                    [(header::CONTENT_TYPE, "application/json")],
                    BODY,
                )
            }),
        )
        .route(
            "/v3/{project_id}/backups",
            get(move || async move {
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "application/json")],
                    page,
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!("bare axum listening on http://{addr}");
    axum::serve(listener, app).await.expect("serve");
}
