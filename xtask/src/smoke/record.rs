//! What the service sent, as it came: a reverse proxy on loopback between
//! the client and the service records every answer before the client's
//! types parse it (the client has no raw-response hook, and must not need
//! one), redacted, for the drift check and for `--record`/`--replay`.
//!
//! The client talks to the proxy with a placeholder token; the proxy
//! authenticates each forwarded request itself (the token, or an
//! `SDK-HMAC-SHA256` signature made with the client crate's public signing
//! code for the service's own host, which a signature forwarded from the
//! client would not match). So the real credentials never travel over the
//! loopback hop, and no request header is ever recorded.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gaussdb_backup::{Clock, Credentials};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::redact::Redactor;

/// The token the client sends to the proxy: not a credential.
pub const PLACEHOLDER_TOKEN: &str = "smoke-recording-proxy";
/// The file `--record` writes and `--replay` reads, inside its directory.
pub const RECORD_FILE: &str = "responses.json";
/// The response headers kept in a record: the ones a report needs.
pub const KEPT_HEADERS: &[&str] = &["content-type", "x-request-id"];
/// Bodies larger than the client's own response cap are cut (and say so).
const MAX_BODY: usize = 1024 * 1024;
/// A body that is not JSON is kept up to this many characters.
const MAX_TEXT: usize = 2000;

/// One answer of the service to one request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// The request's method.
    pub method: String,
    /// The request's path, without the query.
    pub path: String,
    /// The answer's status.
    pub status: u16,
    /// The kept headers ([`KEPT_HEADERS`]), by lower-case name.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body, when it is JSON (`None` when empty or not JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The start of a body that is not JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_text: Option<String>,
}

/// What `--record` writes: the exchanges of one run, in order.
#[derive(Debug, Serialize, Deserialize)]
pub struct Recording {
    /// The format of this file (1).
    pub format: u32,
    /// The exchanges, redacted.
    pub exchanges: Vec<Exchange>,
}

/// Writes `exchanges` (already redacted) to `dir/responses.json`.
pub fn save(dir: &Path, exchanges: &[Exchange]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(RECORD_FILE);
    let recording = Recording {
        format: 1,
        exchanges: exchanges.to_vec(),
    };
    let text = serde_json::to_string_pretty(&recording)?;
    std::fs::write(&path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}

/// Reads `dir/responses.json`.
pub fn load(dir: &Path) -> Result<Vec<Exchange>> {
    let path = dir.join(RECORD_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let recording: Recording = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a recording of `cargo xtask smoke --record`",
            path.display()
        )
    })?;
    anyhow::ensure!(
        recording.format == 1,
        "{}: recording format {} is not known (this xtask reads format 1)",
        path.display(),
        recording.format
    );
    Ok(recording.exchanges)
}

/// Where the proxy forwards to, and as whom.
pub struct Upstream {
    /// The service's base URL (no trailing slash).
    pub base: String,
    /// The real credentials.
    pub credentials: Credentials,
    /// The project ID (signed requests carry it in `X-Project-Id`).
    pub project_id: String,
    /// The time for `X-Sdk-Date`.
    pub clock: Arc<dyn Clock>,
}

struct Proxy {
    upstream: Upstream,
    http: reqwest::Client,
    redactor: Redactor,
    exchanges: Mutex<Vec<Exchange>>,
}

/// A running recording proxy.
pub struct Recorder {
    addr: SocketAddr,
    proxy: Arc<Proxy>,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    /// Starts the proxy on 127.0.0.1, an ephemeral port.
    pub async fn start(upstream: Upstream, redactor: Redactor) -> Result<Recorder> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("cannot build the proxy's HTTP client")?;
        let proxy = Arc::new(Proxy {
            upstream,
            http,
            redactor,
            exchanges: Mutex::new(Vec::new()),
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .context("the recording proxy cannot listen on loopback")?;
        let addr = listener.local_addr()?;
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(Arc::clone(&proxy));
        let (shutdown, signal) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = signal.await;
                })
                .await;
        });
        Ok(Recorder {
            addr,
            proxy,
            shutdown,
            task,
        })
    }

    /// The URL to give the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the proxy and returns what it recorded, in order.
    pub async fn finish(self) -> Vec<Exchange> {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
        std::mem::take(
            &mut *self
                .proxy
                .exchanges
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        )
    }
}

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    match relay(&proxy, request).await {
        Ok(response) => response,
        // Not an answer of the service: nothing is recorded, and the client
        // sees a gateway error that names the proxy.
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            format!(
                "smoke recording proxy: {}",
                proxy.redactor.text(&format!("{e:#}"))
            ),
        )
            .into_response(),
    }
}

async fn relay(proxy: &Proxy, request: Request) -> Result<Response> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY).await?;
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("{}{path_and_query}", proxy.upstream.base);
    let mut outgoing = proxy
        .http
        .request(parts.method.clone(), &url)
        .body(body.clone())
        .build()?;
    for name in [header::CONTENT_TYPE, header::ACCEPT, header::USER_AGENT] {
        if let Some(value) = parts.headers.get(&name) {
            outgoing.headers_mut().insert(name, value.clone());
        }
    }
    if let Some(value) = parts.headers.get("x-language") {
        outgoing.headers_mut().insert("x-language", value.clone());
    }
    authenticate(&mut outgoing, &proxy.upstream, &body)?;
    let answer = proxy.http.execute(outgoing).await?;
    let status = answer.status();
    let headers = answer.headers().clone();
    let bytes = read_capped(answer).await?;
    let exchange = exchange(
        &proxy.redactor,
        parts.method.as_str(),
        parts.uri.path(),
        status.as_u16(),
        &headers,
        &bytes,
    );
    proxy
        .exchanges
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(exchange);
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for name in KEPT_HEADERS {
        if let Some(value) = headers.get(*name) {
            response.headers_mut().insert(*name, value.clone());
        }
    }
    Ok(response)
}

async fn read_capped(mut answer: reqwest::Response) -> Result<Bytes> {
    let mut out = Vec::new();
    while let Some(chunk) = answer.chunk().await? {
        out.extend_from_slice(&chunk);
        if out.len() > MAX_BODY {
            out.truncate(MAX_BODY + 1);
            break;
        }
    }
    Ok(Bytes::from(out))
}

/// The record of one answer, redacted.
pub fn exchange(
    redactor: &Redactor,
    method: &str,
    path: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Exchange {
    let kept = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), redactor.header(name, value)))
        })
        .collect();
    let (body, body_text) = match serde_json::from_slice::<Value>(body) {
        _ if body.is_empty() => (None, None),
        Ok(mut value) => {
            redactor.value(&mut value);
            (Some(value), None)
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let cut: String = text.chars().take(MAX_TEXT).collect();
            (None, Some(redactor.text(&cut)))
        }
    };
    Exchange {
        method: method.to_owned(),
        path: redactor.known(path),
        status,
        headers: kept,
        body,
        body_text,
    }
}

/// Adds the real credentials to a request for the service: the token, or
/// the signature over the service's host, as the client signs its own.
fn authenticate(request: &mut reqwest::Request, upstream: &Upstream, body: &[u8]) -> Result<()> {
    use gaussdb_backup::signing::{SigningInput, decode_path, decode_query, format_date};
    let sensitive = |v: &str| -> Result<HeaderValue> {
        let mut value = HeaderValue::from_str(v).context("a credential is not a header value")?;
        value.set_sensitive(true);
        Ok(value)
    };
    let (access_key, secret_key, security_token) = match &upstream.credentials {
        Credentials::Token(token) => {
            let value = sensitive(token.expose())?;
            request.headers_mut().insert("x-auth-token", value);
            return Ok(());
        }
        Credentials::AkSk {
            access_key,
            secret_key,
            security_token,
        } => (access_key, secret_key, security_token),
        _ => anyhow::bail!("credentials of a kind this proxy cannot apply"),
    };
    let date = format_date(upstream.clock.now());
    let headers = request.headers_mut();
    headers.insert("x-sdk-date", HeaderValue::from_str(&date)?);
    headers.insert("x-project-id", HeaderValue::from_str(&upstream.project_id)?);
    if let Some(token) = security_token {
        headers.insert("x-security-token", sensitive(token.expose())?);
    }
    let url = request.url();
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_owned(),
    };
    let mut signed = vec![("host".to_owned(), host)];
    for name in [
        "x-sdk-date",
        "x-project-id",
        "x-security-token",
        "x-language",
    ] {
        if let Some(value) = request.headers().get(name).and_then(|v| v.to_str().ok()) {
            signed.push((name.to_owned(), value.to_owned()));
        }
    }
    let path = decode_path(url.path());
    let input = SigningInput {
        method: request.method().as_str(),
        path: &path,
        query: url.query().map(decode_query).unwrap_or_default(),
        headers: signed,
        body,
    };
    let authorization = input.authorization(access_key, secret_key.expose(), &date);
    let value = sensitive(&authorization)?;
    request.headers_mut().insert(header::AUTHORIZATION, value);
    Ok(())
}
