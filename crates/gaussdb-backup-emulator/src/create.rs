//! `POST /v3/{project_id}/backups/create`: the service's checks in the
//! service's order, answered with the generated types, so the emulator's
//! bodies cannot drift from the spec. Authentication happened in the
//! gateway ([`crate::gateway`]).

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gaussdb_backup::types::{Backup, CreateBackupResponse};
use gaussdb_backup::{BackupStatus, BackupType};

use crate::app::AppState;
use crate::error::{ApiError, ApiPath};
use crate::rules;
use crate::state::{BackupKind, Entry, StoredBackup, StoredJob, fnv, millis, size_mb};

/// A create request whose fields passed their rules.
#[derive(Debug, PartialEq, Eq)]
pub struct CreateRequest {
    /// The body's `instance_id`, a valid instance ID (not yet checked
    /// against the known instances).
    pub instance_id: String,
    /// The body's `name`, the new backup's name.
    pub name: String,
    /// The body's `description`; `None` when the body has none.
    pub description: Option<String>,
}

/// Creates a manual backup.
#[utoipa::path(
    post,
    path = "/v3/{project_id}/backups/create",
    operation_id = "CreateGaussMySqlBackup",
    tag = "Backups",
    params(crate::generated_schemas::CreateGaussMySqlBackupParams),
    request_body(content = crate::generated_schemas::CreateBackupRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The backup was accepted and is being created.", body = crate::generated_schemas::CreateBackupResponse),
        (status = 400, description = "The request is invalid.", body = crate::generated_schemas::ErrorResponse),
        (status = 401, description = "The API gateway refused the credentials.", body = crate::generated_schemas::ErrorResponse),
        (status = 403, description = "The service refused the caller.", body = crate::generated_schemas::ErrorResponse),
        (status = 404, description = "The instance does not exist.", body = crate::generated_schemas::ErrorResponse),
        (status = 409, description = "The instance is busy: a backup of the instance is in progress, or (armed by `/_emulator/busy`) another operation.", body = crate::generated_schemas::ErrorResponse),
        (status = 500, description = "Server failure.", body = crate::generated_schemas::ErrorResponse),
    ),
    security(("iamToken" = []), ("akskSignature" = []))
)]
pub async fn create_backup(
    State(app): State<Arc<AppState>>,
    ApiPath(project_id): ApiPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match handle(&app, &project_id, &headers, body).await {
        Ok(created) => (StatusCode::CREATED, Json(created)).into_response(),
        Err(err) => err.respond(""),
    }
}

/// The project ID rule, shared by every operation (`DBS.200001`).
pub fn check_project(project_id: &str) -> Result<(), ApiError> {
    rules::project_id(project_id)
        .map_err(|rule| ApiError::InvalidParameter(format!("project_id {rule}")))
}

/// Waits until a change is durable; takes it back when it cannot be.
///
/// The wait runs on a task of its own: when the client goes away while the
/// write is pending, hyper drops the handler, and a failed write must still
/// be taken back rather than stay in memory without being on disk.
pub async fn commit(app: &Arc<AppState>, change: crate::state::Change) -> Result<(), ApiError> {
    let Some(ack) = change.ack else {
        return Ok(());
    };
    let app = Arc::clone(app);
    let undo = change.undo;
    let waiter = tokio::spawn(async move {
        let reason = match ack.await {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) => e,
            Err(_) => "the journal writer has stopped".to_owned(),
        };
        app.store().undo(undo);
        Err(reason)
    });
    match waiter.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(reason)) => Err(ApiError::Internal(format!(
            "cannot write the state file: {reason}"
        ))),
        // Only a panic of the task itself; the change's fate is unknown.
        Err(e) => Err(ApiError::Internal(format!(
            "cannot write the state file: {e}"
        ))),
    }
}

async fn handle(
    app: &Arc<AppState>,
    project_id: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<CreateBackupResponse, ApiError> {
    check_project(project_id)?;
    let request = read_request(app, headers, body).await?;
    if !app.config.instances.contains(&request.instance_id) {
        return Err(ApiError::InstanceNotFound);
    }
    let (change, started) = start(app, project_id, &request)?;
    commit(app, change).await?;
    tracing::info!(backup = %started.backup_id, job = %started.job_id, instance = %request.instance_id, "backup started");
    answer(request, started)
}

/// What the 201 tells about the backup just stored, beside the request's
/// own fields.
struct Started {
    backup_id: Arc<str>,
    job_id: Arc<str>,
    begin_ms: i64,
}

/// The request's body, once its content type is JSON.
async fn read_request(
    app: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<CreateRequest, ApiError> {
    // The gateway read the body within the limit already.
    let bytes = axum::body::to_bytes(body, app.config.max_body_bytes)
        .await
        .map_err(|_| ApiError::InvalidParameter("the body is too large".into()))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::InvalidParameter(format!(
            "Content-Type must be application/json, not {content_type:?}"
        )));
    }
    parse_body(&bytes)
}

/// Stores the backup and its job, unless the instance is busy: the
/// change to commit, and the IDs and start time the answer gives.
fn start(
    app: &AppState,
    project_id: &str,
    request: &CreateRequest,
) -> Result<(crate::state::Change, Started), ApiError> {
    // Made before the lock is taken; each is shared by the job, the backup
    // and the store's indexes.
    let backup_id: Arc<str> =
        format!("{}{}", uuid::Uuid::new_v4().simple(), rules::BACKUP_SUFFIX).into();
    let job_id: Arc<str> = uuid::Uuid::new_v4().to_string().into();
    let name: Arc<str> = request.name.as_str().into();
    let schedule = app.config.jobs;
    // The time is read under the store's lock, so that backups are stored in
    // the order of their start times and the in-progress check never sees a
    // later backup before an earlier one.
    let started = {
        let mut store = app.store();
        let now = millis(app.config.clock.now());
        if let Some(code) = app.faults.take_busy(now) {
            return Err(ApiError::InstanceBusy(code));
        }
        if store.busy(&request.instance_id, now) {
            return Err(ApiError::BackupInProgress);
        }
        let failure = app.faults.take_backup_failure();
        let backup_fails = failure.as_ref().is_some_and(|f| !f.job_only);
        let fail_reason = failure.map(|f| f.fail_reason);
        let project = store.shared_project(project_id);
        let instance = store.shared_instance(&request.instance_id);
        let job = StoredJob {
            id: Arc::clone(&job_id),
            project_id: Arc::clone(&project),
            instance_id: Arc::clone(&instance),
            backup_id: Arc::clone(&backup_id),
            backup_name: Arc::clone(&name),
            created_ms: now,
            schedule,
            fail_reason,
        };
        let backup = StoredBackup {
            size_mb: size_mb(fnv(&backup_id)),
            id: Arc::clone(&backup_id),
            project_id: Some(project),
            instance_id: instance,
            name,
            description: request.description.clone(),
            begin_ms: now,
            end_ms: job.backup_end_ms(),
            failed: backup_fails,
            kind: BackupKind::Manual,
            times: Default::default(),
        };
        let entry = Entry {
            job,
            backup: Some(backup),
        };
        let started = Started {
            backup_id,
            job_id,
            begin_ms: now,
        };
        (store.create(entry, now)?, started)
    };
    Ok(started)
}

/// The 201 body, through the generated builders (the types are
/// `#[non_exhaustive]`).
fn answer(request: CreateRequest, started: Started) -> Result<CreateBackupResponse, ApiError> {
    Ok(CreateBackupResponse::try_from(
        CreateBackupResponse::builder()
            .backup(
                Backup::builder()
                    .id(started.backup_id.to_string())
                    .name(request.name)
                    .description(request.description)
                    .begin_time(crate::state::service_timestamp(started.begin_ms))
                    .status(BackupStatus::Building)
                    .type_(BackupType::Manual)
                    .instance_id(request.instance_id),
            )
            .job_id(started.job_id.to_string()),
    )?)
}

/// The body, field by field, so that each broken rule gets its own code:
/// the shape first (`DBS.200001`), then the instance ID, the name and the
/// description with their own codes.
pub fn parse_body(bytes: &[u8]) -> Result<CreateRequest, ApiError> {
    use crate::create_body::{Body, Member};
    let body = crate::create_body::read(bytes)
        .map_err(|e| ApiError::InvalidParameter(format!("the body is not valid JSON: {e}")))?;
    let Body::Object {
        instance_id,
        name,
        description,
    } = body
    else {
        return Err(ApiError::InvalidParameter(
            "the body must be a JSON object".into(),
        ));
    };
    let string = |member: Member, name: &str, required: bool| -> Result<Option<String>, ApiError> {
        match member {
            Member::Absent if required => {
                Err(ApiError::InvalidParameter(format!("{name} is required")))
            }
            Member::Absent => Ok(None),
            Member::Text(s) => Ok(Some(s)),
            Member::NotText => Err(ApiError::InvalidParameter(format!(
                "{name} must be a string"
            ))),
        }
    };
    let instance_id = string(instance_id, "instance_id", true)?.unwrap_or_default();
    let name = string(name, "name", true)?.unwrap_or_default();
    let description = string(description, "description", false)?;
    rules::instance_id(&instance_id)
        .map_err(|rule| ApiError::InvalidInstanceId(format!("instance_id {rule}")))?;
    rules::backup_name(&name).map_err(|rule| ApiError::InvalidName(format!("name {rule}")))?;
    if let Some(d) = &description {
        rules::backup_description(d)
            .map_err(|rule| ApiError::InvalidDescription(format!("description {rule}")))?;
    }
    Ok(CreateRequest {
        instance_id,
        name,
        description,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_gets_its_own_code() {
        let code = |body: &str| parse_body(body.as_bytes()).err().map(|e| e.parts().1);
        let ok = r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"backup-1"}"#;
        assert_eq!(code(ok), None);
        assert_eq!(
            code(r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"备份一下"}"#),
            None
        );
        assert_eq!(
            code(r#"{"instance_id":"x","name":"backup-1"}"#),
            Some("DBS.280404")
        );
        assert_eq!(
            code(r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"1x"}"#),
            Some("DBS.280277")
        );
        assert_eq!(
            code(
                r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"backup-1","description":"a=b"}"#
            ),
            Some("DBS.280127")
        );
        assert_eq!(code(r#"{"name":"backup-1"}"#), Some("DBS.200001"));
        assert_eq!(code("[1]"), Some("DBS.200001"));
        assert_eq!(code("{"), Some("DBS.200001"));
        assert_eq!(
            code(r#"{"instance_id":7,"name":"backup-1"}"#),
            Some("DBS.200001")
        );
    }

    /// A handler dropped while its write is pending (the client went away)
    /// must not leave a change in memory that the journal failed to write.
    #[tokio::test(flavor = "current_thread")]
    async fn a_failed_write_is_taken_back_after_its_handler_is_dropped() {
        use crate::JobSchedule;
        use crate::state::Store;
        use crate::state::tests_support::entry;

        let app = Arc::new(AppState {
            config: crate::config::Config::default(),
            store: std::sync::Mutex::new(Store::default()),
            faults: crate::faults::Faults::default(),
            drift: crate::drift::Drift::default(),
        });
        let mut change = app
            .store()
            .create(entry(1, "i", 0, JobSchedule::INSTANT), 0)
            .unwrap();
        assert_eq!(app.store().len(), 1);
        let (done, ack) = tokio::sync::oneshot::channel();
        change.ack = Some(ack);

        // The handler gets as far as waiting for the write, then is dropped.
        let mut handler = Box::pin(commit(&app, change));
        let first = std::future::poll_fn(|cx| {
            std::task::Poll::Ready(std::future::Future::poll(handler.as_mut(), cx))
        })
        .await;
        assert!(first.is_pending());
        drop(handler);

        // The write fails afterwards. (Without a waiter of its own, the
        // acknowledgement died with the handler, and nobody takes it back.)
        let _ = done.send(Err("disk full".into()));
        for _ in 0..1_000 {
            if app.store().is_empty() {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("the change is still in memory although its write failed");
    }
}
