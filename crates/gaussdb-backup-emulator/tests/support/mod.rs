//! Shared by the emulator's tests: start one, and talk to it with the client
//! or with raw requests (to send what the client would refuse to).
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use gaussdb_backup::{Client, Credentials, ManualClock};
use gaussdb_backup_emulator::{Config, DOCUMENTED_INSTANCE, Emulator};

pub const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
pub const INSTANCE: &str = DOCUMENTED_INSTANCE;

pub async fn start(config: Config) -> Emulator {
    Emulator::start(config).await.expect("the emulator starts")
}

/// An emulator on a clock that moves only when the test says so.
pub async fn start_manual(config: Config) -> (Emulator, ManualClock) {
    let clock = ManualClock::default();
    let emulator = start(Config {
        clock: Arc::new(clock.clone()),
        ..config
    })
    .await;
    (emulator, clock)
}

pub fn client(emulator: &Emulator, token: &str) -> Client {
    Client::builder()
        .endpoint_url(&emulator.url())
        .project_id(PROJECT)
        .credentials(Credentials::token(token))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// A raw response: status, headers, JSON body (or `Null` when not JSON).
pub struct Raw {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: serde_json::Value,
}

impl Raw {
    /// `(status, error_code)`.
    pub fn code(&self) -> (u16, &str) {
        (self.status, self.json["error_code"].as_str().unwrap_or("-"))
    }

    /// The `X-Request-Id` header.
    pub fn request_id(&self) -> &str {
        self.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub async fn raw(
    emulator: &Emulator,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Raw {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", emulator.url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    Raw {
        status,
        headers,
        text,
        json,
    }
}

/// POST to the create path with a token and a JSON content type.
pub async fn post_json(emulator: &Emulator, body: &str, extra: &[(&str, &str)]) -> Raw {
    let mut headers = vec![("x-auth-token", "t"), ("content-type", "application/json")];
    headers.extend_from_slice(extra);
    raw(
        emulator,
        reqwest::Method::POST,
        &format!("/v3/{PROJECT}/backups/create"),
        &headers,
        Some(body.as_bytes().to_vec()),
    )
    .await
}

/// GET an API path of the project (`/backups?…`, `/jobs?id=…`) with a token.
pub async fn get(emulator: &Emulator, path_and_query: &str) -> Raw {
    raw(
        emulator,
        reqwest::Method::GET,
        &format!("/v3/{PROJECT}{path_and_query}"),
        &[("x-auth-token", "t")],
        None,
    )
    .await
}

/// DELETE a backup of the project with a token.
pub async fn delete(emulator: &Emulator, backup_id: &str) -> Raw {
    raw(
        emulator,
        reqwest::Method::DELETE,
        &format!("/v3/{PROJECT}/backups/{backup_id}"),
        &[("x-auth-token", "t")],
        None,
    )
    .await
}

/// Creates a backup of `instance` with a raw request; its `(backup_id, job_id)`.
pub async fn create(emulator: &Emulator, instance: &str, name: &str) -> (String, String) {
    let body = format!(r#"{{"instance_id":"{instance}","name":"{name}"}}"#);
    let r = post_json(emulator, &body, &[]).await;
    assert_eq!(r.status, 201, "{}", r.text);
    (
        r.json["backup"]["id"].as_str().unwrap().to_owned(),
        r.json["job_id"].as_str().unwrap().to_owned(),
    )
}
