//! The ceiling for the emulator's benchmark: a bare axum handler on the same
//! path that answers every POST with the documented 201 body, without
//! validation, state or middleware. `bench/emulator.py` runs it beside the
//! emulator.
//!
//! usage: cargo run --release -p gaussdb-backup-emulator --example bare_axum -- 127.0.0.1:18090

use axum::http::{StatusCode, header};
use axum::routing::post;

const BODY: &str = r#"{"backup":{"begin_time":"2020-07-07T01:17:05+0800","description":"Manual backup","id":"2f4ddb93-b901-4b08-93d8-1d2e472f30fe","instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"backup-1","status":"BUILDING","type":"manual"},"job_id":"e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7"}"#;

#[tokio::main]
async fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18090".into());
    let app = axum::Router::new().route(
        "/v3/{project_id}/backups/create",
        post(|| async {
            (
                StatusCode::CREATED,
                [(header::CONTENT_TYPE, "application/json")],
                BODY,
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!("bare axum listening on http://{addr}");
    axum::serve(listener, app).await.expect("serve");
}
