//! The router: the API, its documents, the admin endpoints, and the
//! middleware every response passes through (request ID, logging, faults).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Json;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::create::{create_backup, lang};
use crate::error::ApiError;
use crate::faults::{FaultSpec, Faults};
use crate::openapi::ApiDoc;
use crate::state::Store;

/// The hand-written spec, served as is.
const SPEC: &str = include_str!("../openapi/gaussdb-backup.yaml");

/// Shared by every handler.
pub struct AppState {
    pub config: Config,
    pub store: Mutex<Store>,
    pub faults: Faults,
}

/// The whole application.
pub fn router(state: Arc<AppState>) -> axum::Router {
    let api = axum::Router::new()
        .route(
            "/v3/{project_id}/backups/create",
            post(create_backup).fallback(method_not_allowed),
        )
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            inject_faults,
        ));
    axum::Router::new()
        .merge(api)
        .merge(SwaggerUi::new("/docs").url("/openapi.json", ApiDoc::openapi()))
        .route("/openapi/gaussdb-backup.yaml", get(spec_yaml))
        .route("/_emulator/faults", post(arm_faults).delete(clear_faults))
        .route("/_emulator/backups", get(list_backups))
        .fallback(no_such_api)
        .with_state(state)
        .layer(middleware::from_fn(request_id_and_log))
}

async fn method_not_allowed(headers: HeaderMap) -> Response {
    ApiError::MethodNotAllowed.respond(lang(&headers))
}

async fn no_such_api(headers: HeaderMap) -> Response {
    ApiError::NoSuchApi.respond(lang(&headers))
}

async fn spec_yaml() -> Response {
    ([(header::CONTENT_TYPE, "application/yaml")], SPEC).into_response()
}

async fn arm_faults(State(app): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let spec: FaultSpec = match serde_json::from_slice(&body) {
        Ok(spec) => spec,
        Err(e) => {
            return ApiError::InvalidParameter(format!("fault spec: {e}."))
                .respond(Default::default());
        }
    };
    if let Err(e) = spec.validate() {
        return ApiError::InvalidParameter(format!("fault spec: {e}.")).respond(Default::default());
    }
    tracing::info!(?spec, "faults armed");
    app.faults.arm(spec.clone());
    (StatusCode::OK, Json(spec)).into_response()
}

async fn clear_faults(State(app): State<Arc<AppState>>) -> StatusCode {
    app.faults.clear();
    tracing::info!("faults cleared");
    StatusCode::NO_CONTENT
}

async fn list_backups(State(app): State<Arc<AppState>>) -> Response {
    let now = chrono::Utc::now().timestamp_millis();
    let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    let backups: Vec<_> = store
        .backups()
        .map(|b| {
            json!({
                "id": b.id,
                "project_id": b.project_id,
                "instance_id": b.instance_id,
                "name": b.name,
                "description": b.description,
                "begin_time": b.begin_time,
                "status": b.status(now, app.config.complete_after).as_str(),
                "type": "manual",
                "job_id": b.job_id,
            })
        })
        .collect();
    Json(json!({ "backups": backups })).into_response()
}

/// Applies an armed fault to an API call.
async fn inject_faults(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let Some(fault) = app.faults.next() else {
        return next.run(request).await;
    };
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }
    if fault.reset {
        tracing::info!("fault: dropping the connection");
        // A body that fails at once makes the server abort the connection
        // before the response is complete: the client sees a reset.
        let body = Body::from_stream(futures_once_error());
        return Response::new(body);
    }
    match fault.status {
        Some(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let code = fault.error_code.unwrap_or_else(|| match status.as_u16() {
                500 => "DBS.108000".into(),
                s => format!("EMULATOR.{s}"),
            });
            let message = fault.error_msg.unwrap_or_else(|| {
                format!(
                    "Injected fault: {}",
                    status.canonical_reason().unwrap_or("error")
                )
            });
            (
                status,
                Json(json!({"error_code": code, "error_msg": message})),
            )
                .into_response()
        }
        None => next.run(request).await,
    }
}

fn futures_once_error() -> impl futures_core::Stream<Item = Result<bytes::Bytes, std::io::Error>> {
    struct Fail(bool);
    impl futures_core::Stream for Fail {
        type Item = Result<bytes::Bytes, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            if self.0 {
                return std::task::Poll::Ready(None);
            }
            self.0 = true;
            std::task::Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected connection reset",
            ))))
        }
    }
    Fail(false)
}

/// Gives every response an `X-Request-Id` and logs the call, without
/// headers or bodies (they carry tokens).
async fn request_id_and_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let id = uuid::Uuid::new_v4().simple().to_string();
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    tracing::info!(
        %method,
        %path,
        status = response.status().as_u16(),
        request_id = %id,
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}
