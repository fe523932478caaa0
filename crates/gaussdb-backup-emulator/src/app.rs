//! The router: the API behind the gateway, its documents, the admin
//! endpoints, and the fault middleware.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Body;
use axum::extract::{Extension, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::json;
use utoipa::OpenApi;
use utoipa_swagger_ui::{SwaggerUi, Url};

use crate::backups::{delete_backup, delete_backup_named_create, list_backups};
use crate::config::Config;
use crate::create::create_backup;
use crate::error::ApiError;
use crate::faults::{BackupFailureSpec, BusySpec, FaultSpec, Faults};
use crate::gateway::{RequestId, gateway};
use crate::jobs::show_job;
use crate::openapi::ApiDoc;
use crate::state::{Store, millis};

/// The hand-written spec, served as is (the one copy in this crate).
pub const SPEC: &str = include_str!("../openapi/gaussdb-backup.yaml");
/// Where the hand-written spec is served.
pub const SPEC_PATH: &str = "/openapi/gaussdb-backup.yaml";
/// Where the utoipa document is served.
pub const UTOIPA_PATH: &str = "/openapi.json";

/// Shared by every handler.
pub struct AppState {
    /// The configuration the emulator started with (and its clock).
    pub config: Config,
    /// Backups and jobs; lock it through [`AppState::store`].
    pub store: Mutex<Store>,
    /// The armed faults and backup failures (the `/_emulator/` endpoints).
    pub faults: Faults,
    /// The drift deviations turned on (`/_emulator/drift`, `--drift`).
    pub drift: crate::drift::Drift,
}

impl AppState {
    /// The store, locked. Held only for in-memory work, never across an
    /// await or a file write.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The whole application.
pub fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route(
            "/v3/{project_id}/backups/create",
            post(create_backup).delete(delete_backup_named_create),
        )
        .route("/v3/{project_id}/backups", get(list_backups))
        .route(
            "/v3/{project_id}/backups/{backup_id}",
            delete(delete_backup),
        )
        .route("/v3/{project_id}/jobs", get(show_job));
    let inner = Router::new()
        .merge(api)
        .merge(swagger_ui())
        .route(SPEC_PATH, get(spec_yaml))
        .route("/_emulator/faults", post(arm_faults).delete(clear_faults))
        .route(
            "/_emulator/backup-failures",
            post(arm_backup_failures).delete(clear_backup_failures),
        )
        .route("/_emulator/busy", post(arm_busy).delete(clear_busy))
        .route("/_emulator/drift", post(set_drift).delete(clear_drift))
        .route("/_emulator/backups", get(admin_backups))
        .fallback(no_such_api)
        .method_not_allowed_fallback(no_such_api)
        .with_state(Arc::clone(&state));
    // The gateway wraps the whole inner router (a layer on a router wraps
    // each route, and axum adds `Allow` outside it): nothing reaches the
    // service without passing the gateway, and nothing bypasses its answers.
    Router::new()
        .fallback_service(inner)
        .layer(middleware::from_fn_with_state(state, gateway))
}

/// Swagger UI at `/docs`: the hand-written spec first (the default), the
/// emulator's utoipa document second.
fn swagger_ui() -> SwaggerUi {
    SwaggerUi::new("/docs")
        .url(
            Url::new("Emulator (utoipa)", UTOIPA_PATH),
            ApiDoc::openapi(),
        )
        .config(utoipa_swagger_ui::Config::new([
            Url::with_primary(
                "TaurusDB backup API (openapi/gaussdb-backup.yaml)",
                SPEC_PATH,
                true,
            ),
            Url::new("Emulator (utoipa)", UTOIPA_PATH),
        ]))
}

async fn no_such_api(request_id: Option<Extension<RequestId>>) -> Response {
    let id = request_id
        .map(|Extension(RequestId(id))| id)
        .unwrap_or_default();
    ApiError::NoSuchApi.respond(&id)
}

async fn spec_yaml() -> Response {
    ([(header::CONTENT_TYPE, "application/yaml")], SPEC).into_response()
}

fn admin_error(detail: String) -> Response {
    let body =
        json!({"error_code": "DBS.200001", "error_msg": "Parameter error.", "detail": detail});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

async fn arm_faults(State(app): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let spec: FaultSpec = match serde_json::from_slice(&body) {
        Ok(spec) => spec,
        Err(e) => return admin_error(format!("fault spec: {e}")),
    };
    if let Err(e) = spec.validate() {
        return admin_error(format!("fault spec: {e}"));
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

async fn arm_backup_failures(
    State(app): State<Arc<AppState>>,
    body: axum::body::Bytes,
) -> Response {
    let spec: BackupFailureSpec = match serde_json::from_slice(&body) {
        Ok(spec) => spec,
        Err(e) => return admin_error(format!("backup failure spec: {e}")),
    };
    if let Err(e) = spec.validate() {
        return admin_error(format!("backup failure spec: {e}"));
    }
    tracing::info!(count = spec.count, "backup failures armed");
    app.faults.arm_backup_failures(spec.clone());
    (StatusCode::OK, Json(spec)).into_response()
}

async fn clear_backup_failures(State(app): State<Arc<AppState>>) -> StatusCode {
    app.faults.clear_backup_failures();
    StatusCode::NO_CONTENT
}

async fn arm_busy(State(app): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let spec: BusySpec = match serde_json::from_slice(&body) {
        Ok(spec) => spec,
        Err(e) => return admin_error(format!("busy spec: {e}")),
    };
    if let Err(e) = spec.validate() {
        return admin_error(format!("busy spec: {e}"));
    }
    tracing::info!(?spec, "instance busy");
    app.faults.arm_busy(&spec, millis(app.config.clock.now()));
    (StatusCode::OK, Json(spec)).into_response()
}

async fn clear_busy(State(app): State<Arc<AppState>>) -> StatusCode {
    app.faults.clear_busy();
    StatusCode::NO_CONTENT
}

async fn set_drift(State(app): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let spec: crate::drift::DriftSpec = match serde_json::from_slice(&body) {
        Ok(spec) => spec,
        Err(e) => return admin_error(format!("drift spec: {e}")),
    };
    tracing::info!(?spec, "drift mode");
    app.drift.set(spec.deviations.clone());
    (StatusCode::OK, Json(spec)).into_response()
}

async fn clear_drift(State(app): State<Arc<AppState>>) -> StatusCode {
    app.drift.clear();
    StatusCode::NO_CONTENT
}

/// Everything the emulator holds, across projects, with statuses now: for
/// tests and debugging, not part of the API.
async fn admin_backups(State(app): State<Arc<AppState>>) -> Response {
    let now = millis(app.config.clock.now());
    let store = app.store();
    let created: Vec<_> = store
        .entries()
        .map(|e| {
            let phase = e.job.phase(now);
            json!({
                "job": crate::jobs::job_body(&e.job, phase),
                "job_visible": phase != crate::state::JobPhase::Invisible,
                "project_id": e.job.project_id,
                "backup": e.backup.as_ref().map(|b| crate::backups::list_item(b, now)),
                "created_ms": e.job.created_ms,
            })
        })
        .collect();
    let seeded: Vec<_> = store
        .seeds()
        .iter()
        .map(|b| crate::backups::list_item(b, now))
        .collect();
    Json(json!({"created": created, "seeded": seeded})).into_response()
}

/// An API call the gateway let through: an armed fault answers instead
/// of the service (after its delay); otherwise the service answers, and
/// drift mode rewrites its success answer. Called by the gateway rather
/// than layered on the API's routes: two middleware layers cost two boxed
/// futures and four service clones on every call.
pub(crate) async fn serve_api(
    app: &AppState,
    operation: crate::gateway::Operation,
    request: Request,
    next: Next,
) -> Response {
    if let Some(fault) = app.faults.next() {
        if !fault.delay.is_zero() {
            app.config.clock.sleep(fault.delay).await;
        }
        if let Some(response) = fault_answer(fault) {
            return response;
        }
    }
    let response = next.run(request).await;
    crate::drift::rewrite_answer(app, crate::drift::answer_of(operation), response).await
}

/// What an armed fault answers instead of the service; `None` when it only
/// delays the call.
fn fault_answer(fault: crate::faults::Fault) -> Option<Response> {
    if fault.reset {
        tracing::info!("fault: dropping the connection");
        // A body that fails at once makes the server abort the connection
        // before the response is complete: the client sees a reset.
        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected reset");
        let body = Body::from_stream(futures_util::stream::once(std::future::ready(Err::<
            bytes::Bytes,
            _,
        >(
            reset
        ))));
        return Some(Response::new(body));
    }
    let status = fault.status?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let code = fault.error_code.unwrap_or_else(|| match status.as_u16() {
        500 => "DBS.108000".into(),
        s => format!("EMULATOR.{s}"),
    });
    let message = fault.error_msg.unwrap_or_else(|| match status.as_u16() {
        500 => "Server failure.".into(),
        _ => format!(
            "Injected fault: {}",
            status.canonical_reason().unwrap_or("error")
        ),
    });
    Some(
        (
            status,
            Json(json!({"error_code": code, "error_msg": message})),
        )
            .into_response(),
    )
}
