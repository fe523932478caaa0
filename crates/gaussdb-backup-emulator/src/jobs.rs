//! `GET /v3/{project_id}/jobs?id={job_id}`: the job of a create call, its
//! phase computed from the clock at read time (see [`crate::state`]).
//!
//! A job is invisible for [`crate::config::JobSchedule::visible_after`]
//! after its create call: until then, as for an unknown ID (or another
//! project's), the answer is `400 DBS.200543` "The job does not exist.". A
//! missing or empty `id` is `400 DBS.200001`. `created` and `ended` are in
//! the service's time form; `ended` is present once the job is over;
//! `process` is `"60%"`-style while Running and `""` otherwise; `entities`
//! names the backup (its contents are free-form in the documentation, this
//! choice is the emulator's); `fail_reason` is present when the job failed.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::app::AppState;
use crate::config::Config;
use crate::create::check_project;
use crate::error::ApiError;
use crate::state::{BACKUP_JOB_NAME, JobPhase, StoredJob, millis, service_time};

/// Shows a job.
pub async fn show_job(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    uri: Uri,
) -> Response {
    match show(&app, &project_id, &uri) {
        Ok(body) => (StatusCode::OK, Json(body)).into_response(),
        Err(e) => e.respond(""),
    }
}

fn show(app: &AppState, project_id: &str, uri: &Uri) -> Result<Value, ApiError> {
    check_project(project_id)?;
    let pairs = gaussdb_backup::signing::decode_query(uri.query().unwrap_or(""));
    let id = pairs
        .iter()
        .find(|(k, _)| k == "id")
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::InvalidParameter("the query parameter id is required".into()))?;
    let now = millis(app.config.clock.now());
    let store = app.store();
    let job = store.job(project_id, id).ok_or(ApiError::JobNotFound)?;
    let phase = job.phase(now);
    if phase == JobPhase::Invisible {
        return Err(ApiError::JobNotFound);
    }
    Ok(json!({ "job": job_body(job, phase) }))
}

/// A job as the service answers it.
pub fn job_body(job: &StoredJob, phase: JobPhase) -> Value {
    let mut body = json!({
        "id": job.id,
        "name": BACKUP_JOB_NAME,
        "status": phase.as_str(),
        "created": service_time(job.created_ms),
        "process": match phase {
            JobPhase::Running(p) => format!("{p}%"),
            _ => String::new(),
        },
        "instance": {"id": job.instance_id, "name": Config::instance_name(&job.instance_id)},
        "entities": {"backup_id": job.backup_id, "backup_name": job.backup_name},
    });
    if matches!(phase, JobPhase::Completed | JobPhase::Failed) {
        body["ended"] = json!(service_time(job.end_ms()));
    }
    if phase == JobPhase::Failed {
        body["fail_reason"] = json!(job.fail_reason.clone().unwrap_or_default());
    }
    body
}
