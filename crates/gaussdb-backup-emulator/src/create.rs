//! `POST /v3/{project_id}/backups/create`: the service's checks in the
//! service's order, answered with the generated types, so the emulator's
//! bodies cannot drift from the spec.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{FixedOffset, Utc};
use gaussdb_backup::types::{
    Backup, BackupDescription, BackupName, CreateBackupRequest, CreateBackupResponse, InstanceId,
    ProjectId,
};
use gaussdb_backup::{BackupType, BeginTime};
use serde_json::Value;

use crate::app::AppState;
use crate::error::{ApiError, Lang};
use crate::state::StoredBackup;

/// The language of a request's messages.
pub fn lang(headers: &HeaderMap) -> Lang {
    match headers.get("x-language").and_then(|v| v.to_str().ok()) {
        Some(v) if v.eq_ignore_ascii_case("zh-cn") => Lang::Zh,
        _ => Lang::En,
    }
}

/// Creates a manual backup.
#[utoipa::path(
    post,
    path = "/v3/{project_id}/backups/create",
    operation_id = "CreateGaussMySqlBackup",
    tag = "Backups",
    params(
        ("project_id" = String, Path, description = "Project ID of the tenant in the region (32 letters and digits).",
            pattern = "^[0-9A-Za-z]{32}$", min_length = 32, max_length = 32),
        ("X-Language" = Option<crate::openapi::Language>, Header, description = "Language of the error messages in the response."),
    ),
    request_body(content = crate::openapi::CreateBackupRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The backup was accepted and is being created.", body = crate::openapi::CreateBackupResponse),
        (status = 400, description = "The request is invalid.", body = crate::openapi::ErrorResponse),
        (status = 401, description = "The API gateway refused an AK/SK-signed request.", body = crate::openapi::ErrorResponse),
        (status = 403, description = "Authentication or authorization failed.", body = crate::openapi::ErrorResponse),
        (status = 404, description = "The instance does not exist.", body = crate::openapi::ErrorResponse),
        (status = 409, description = "The instance is busy.", body = crate::openapi::ErrorResponse),
        (status = 500, description = "Internal server error.", body = crate::openapi::ErrorResponse),
    ),
    security(("iamToken" = []), ("akskSignature" = []))
)]
pub async fn create_backup(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let lang = lang(&headers);
    match handle(&app, &project_id, &method, &uri, &headers, body).await {
        Ok(created) => (StatusCode::CREATED, Json(created)).into_response(),
        Err(err) => err.respond(lang),
    }
}

async fn handle(
    app: &AppState,
    project_id: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Result<CreateBackupResponse, ApiError> {
    let limit = app.config.max_body_bytes;
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::InvalidParameter(format!("The body is larger than {limit} bytes."))
    })?;
    let signed = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.starts_with(gaussdb_backup::signing::ALGORITHM));
    match signed {
        Some(authorization) => {
            crate::signature::verify(
                &app.config,
                method,
                uri,
                headers,
                authorization,
                &bytes,
                Utc::now(),
            )
            .map_err(ApiError::SignatureRefused)?;
        }
        None => {
            let token = headers
                .get("x-auth-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !app.config.accepts(token) {
                return Err(ApiError::InvalidToken);
            }
        }
    }
    let project_id = ProjectId::try_from(project_id)
        .map_err(|e| ApiError::InvalidParameter(format!("project_id: {e}")))?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::InvalidParameter(format!(
            "Content-Type must be application/json, not {content_type:?}."
        )));
    }
    let request = parse_body(&bytes)?;

    let instance = request.instance_id.to_string();
    if !app.config.instances.contains(&instance) {
        return Err(ApiError::InstanceNotFound);
    }
    // The time is read under the store's lock, so that backups are stored in
    // the order of their start times and the in-progress check never sees a
    // later backup before an earlier one.
    let (stored, begin_time) = {
        let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        let now = Utc::now();
        let offset = FixedOffset::east_opt(8 * 3600).expect("a valid offset");
        let begin_time = BeginTime::from_datetime(now.with_timezone(&offset));
        let stored = StoredBackup {
            id: uuid::Uuid::new_v4().to_string(),
            project_id: project_id.to_string(),
            instance_id: instance,
            name: request.name.to_string(),
            description: request.description.as_deref().cloned(),
            begin_time: begin_time.to_string(),
            started_ms: now.timestamp_millis(),
            job_id: uuid::Uuid::new_v4().to_string(),
        };
        let stored = store.create(stored, now.timestamp_millis(), app.config.complete_after)?;
        (stored, begin_time)
    };
    tracing::info!(backup = %stored.id, instance = %stored.instance_id, "backup started");
    Ok(CreateBackupResponse {
        backup: Backup {
            id: stored.id,
            name: stored.name,
            description: stored.description,
            begin_time,
            status: gaussdb_backup::BackupStatus::Building,
            type_: BackupType::Manual,
            instance_id: stored.instance_id,
        },
        job_id: stored.job_id,
    })
}

/// The body, field by field, so that each broken rule gets its own code.
fn parse_body(bytes: &[u8]) -> Result<CreateBackupRequest, ApiError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::InvalidParameter(format!("The body is not valid JSON: {e}.")))?;
    let Value::Object(fields) = value else {
        return Err(ApiError::InvalidParameter(
            "The body must be a JSON object.".into(),
        ));
    };
    let string = |name: &str, required: bool| -> Result<Option<&str>, ApiError> {
        match fields.get(name) {
            None if required => Err(ApiError::InvalidParameter(format!("{name} is required."))),
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(ApiError::InvalidParameter(format!(
                "{name} must be a string."
            ))),
        }
    };
    let instance_id = string("instance_id", true)?.unwrap_or_default();
    let name = string("name", true)?.unwrap_or_default();
    let description = string("description", false)?;
    let instance_id = InstanceId::try_from(instance_id)
        .map_err(|e| ApiError::InvalidInstanceId(format!("instance_id {e}.")))?;
    let name =
        BackupName::try_from(name).map_err(|e| ApiError::InvalidName(format!("name {e}.")))?;
    let description = description
        .map(BackupDescription::try_from)
        .transpose()
        .map_err(|e| ApiError::InvalidDescription(format!("description {e}.")))?;
    Ok(CreateBackupRequest {
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
        let code = |body: &str| {
            parse_body(body.as_bytes())
                .err()
                .map(|e| e.parts(Lang::En).1)
        };
        let ok = r#"{"instance_id":"07033b125fd94a8a96896f8bcfee6ddain07","name":"backup-1"}"#;
        assert_eq!(code(ok), None);
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
}
