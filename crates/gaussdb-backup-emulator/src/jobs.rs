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
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use gaussdb_backup::JobStatus;
use gaussdb_backup::types::error::ConversionError;
use gaussdb_backup::types::{Job, JobInstance, ShowJobResponse};
use serde_json::json;

use crate::app::AppState;
use crate::config::Config;
use crate::create::check_project;
use crate::error::{ApiError, ApiPath};
use crate::state::{JobPhase, StoredJob, millis, service_timestamp};

/// Shows a job.
#[utoipa::path(
    get,
    path = "/v3/{project_id}/jobs",
    operation_id = "ShowGaussMySqlJobInfo",
    tag = "Jobs",
    params(crate::generated_schemas::ShowGaussMySqlJobInfoParams),
    responses(
        (status = 200, description = "The job.", body = crate::generated_schemas::ShowJobResponse),
        (status = 400, description = "The request is invalid.", body = crate::generated_schemas::ErrorResponse),
        (status = 401, description = "The API gateway refused the credentials.", body = crate::generated_schemas::ErrorResponse),
        (status = 403, description = "The service refused the caller.", body = crate::generated_schemas::ErrorResponse),
        (status = 500, description = "Server failure.", body = crate::generated_schemas::ErrorResponse),
    ),
    security(("iamToken" = []), ("akskSignature" = []))
)]
pub async fn show_job(
    State(app): State<Arc<AppState>>,
    ApiPath(project_id): ApiPath<String>,
    uri: Uri,
) -> Response {
    match show(&app, &project_id, &uri) {
        Ok(body) => (StatusCode::OK, Json(body)).into_response(),
        Err(e) => e.respond(""),
    }
}

fn show(app: &AppState, project_id: &str, uri: &Uri) -> Result<ShowJobResponse, ApiError> {
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
    Ok(ShowJobResponse::try_from(
        ShowJobResponse::builder().job(job_body(job, phase)),
    )?)
}

/// A job as the service answers it. Built with the generated builder (the
/// type is `#[non_exhaustive]`, so a field the spec adds is not an edit
/// here); `id` and `status` are its only required fields and are always
/// set, so the conversion cannot fail.
pub fn job_body(job: &StoredJob, phase: JobPhase) -> Job {
    built_job(job, phase).expect("a job body sets its required id and status")
}

fn built_job(job: &StoredJob, phase: JobPhase) -> Result<Job, ConversionError> {
    let instance = JobInstance::try_from(
        JobInstance::builder()
            .id(job.instance_id.to_string())
            .name(Config::instance_name(&job.instance_id)),
    )?;
    let finished = matches!(phase, JobPhase::Completed | JobPhase::Failed);
    let mut entities = serde_json::Map::new();
    entities.insert("backup_id".into(), json!(job.backup_id));
    entities.insert("backup_name".into(), json!(job.backup_name));
    let body = Job::builder()
        .id(job.id.to_string())
        // No source gives a backup job's name: none is made up.
        .name(None::<String>)
        .status(match phase {
            JobPhase::Invisible | JobPhase::Pending => JobStatus::Pending,
            JobPhase::Running(_) => JobStatus::Running,
            JobPhase::Completed => JobStatus::Completed,
            JobPhase::Failed => JobStatus::Failed,
        })
        .created(service_timestamp(job.created_ms))
        .ended(finished.then(|| service_timestamp(job.end_ms())))
        .process(match phase {
            JobPhase::Running(p) => format!("{p}%"),
            _ => String::new(),
        })
        .instance(instance)
        .entities(entities)
        .fail_reason(if phase == JobPhase::Failed {
            Some(job.fail_reason.clone().unwrap_or_default())
        } else {
            None
        });
    Job::try_from(body)
}
