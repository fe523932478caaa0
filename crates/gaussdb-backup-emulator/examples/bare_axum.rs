//! The ceiling for the emulator's benchmark: bare axum handlers on the same
//! paths, answering every create with the documented 201 body and every list
//! with a fixed page of 100 backups, without validation, state, gateway or
//! middleware. `bench/emulator.py` runs it beside the emulator.
//!
//! usage: cargo run --release -p gaussdb-backup-emulator --example bare_axum -- 127.0.0.1:18090

use axum::http::{StatusCode, header};
use axum::routing::{get, post};

const BODY: &str = r#"{"backup":{"begin_time":"2020-07-07T01:17:05+0800","description":"Manual backup","id":"2f4ddb93b9014b0893d81d2e472f30febr07","instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"backup-1","status":"BUILDING","type":"manual"},"job_id":"e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7"}"#;

const ITEM: &str = r#"{"id":"2f4ddb93b9014b0893d81d2e472f30febr07","name":"backup-1","begin_time":"2020-07-07T01:17:05+0800","end_time":"2020-07-07T01:19:05+0800","status":"COMPLETED","take_up_time":2,"type":"manual","size":1024.5,"datastore":{"type":"gaussdb-mysql","version":"8.0"},"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","instance_name":"taurus-07033b12","backup_level":"0","description":"Manual backup"}"#;

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
    let app = axum::Router::new()
        .route(
            "/v3/{project_id}/backups/create",
            post(|| async {
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
