//! Shared by the emulator's tests: start one, and talk to it with the client
//! or with raw requests (to send what the client would refuse to).
#![allow(dead_code)]

use std::time::Duration;

use gaussdb_backup::{Client, Credentials};
use gaussdb_backup_emulator::{Config, DOCUMENTED_INSTANCE, Emulator};

pub const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
pub const INSTANCE: &str = DOCUMENTED_INSTANCE;

pub async fn start(config: Config) -> Emulator {
    Emulator::start(config).await.expect("the emulator starts")
}

pub fn client(emulator: &Emulator, token: &str) -> Client {
    Client::builder()
        .endpoint_url(&emulator.url())
        .project_id(PROJECT)
        .credentials(Credentials::token(token))
        .timeout(Duration::from_secs(10))
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
