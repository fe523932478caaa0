//! `GET /v3/{project_id}/backups` (list, every filter) and
//! `DELETE /v3/{project_id}/backups/{backup_id}`.
//!
//! Listing, as the emulator decides where the documentation is silent:
//!
//! - `offset` is an integer from 0 to 2147483647 (default 0), `limit` an integer from 1 to
//!   100 (default 100), `backup_type` `auto` or `manual`, `begin_time` and
//!   `end_time` in the service's time form (`+hhmm`; `+hh:mm` and `Z` are
//!   accepted too) with the end later than the begin. Anything else is
//!   `400 DBS.200001` "Parameter error.": the service's code for these is
//!   not documented, this is the generic one.
//! - `begin_time`/`end_time` select backups that *began* within the range
//!   (both ends included); `name` and `instance_name` match exactly;
//!   `instance_id` and `backup_id` are not checked for shape (an ID of
//!   another shape matches nothing).
//! - The order is newest first (by begin time): an assumption, the
//!   documentation does not say.
//! - `total_count` counts every match before paging.
//!
//! Deleting: an unknown ID (or another project's) is `400 DBS.280214`; an
//! automated backup, or a backup still BUILDING, is `400 DBS.201208` "The
//! operation is not allowed by the backup status.": the user manual names
//! exactly those as not deletable, so a FAILED manual backup is deleted
//! (`openapi/SOURCES.md`, "Deleting"). `DBS.201204` is not used: it is not
//! in TaurusDB's error-code table.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use gaussdb_backup::types::error::ConversionError;
use gaussdb_backup::types::{BackupSummary, Datastore, DeleteBackupResponse, ListBackupsResponse};
use gaussdb_backup::{BackupStatus, BackupType};

use crate::app::AppState;
use crate::config::Config;
use crate::create::{check_project, commit};
use crate::error::{ApiError, ApiPath};
use crate::state::{BackupKind, BackupState, ListQuery, StoredBackup, millis};

/// Most backups in one page, and the default.
pub const MAX_LIMIT: usize = 100;
/// The largest `offset`: the spec's `maximum`, the 32-bit integer of the
/// SDKs' models.
pub const MAX_OFFSET: usize = i32::MAX as usize;

/// Lists backups.
#[utoipa::path(
    get,
    path = "/v3/{project_id}/backups",
    operation_id = "ShowGaussMySqlBackupList",
    tag = "Backups",
    params(crate::generated_schemas::ShowGaussMySqlBackupListParams),
    responses(
        (status = 200, description = "One page of backups.", body = crate::generated_schemas::ListBackupsResponse),
        (status = 400, description = "The request is invalid.", body = crate::generated_schemas::ErrorResponse),
        (status = 401, description = "The API gateway refused the credentials.", body = crate::generated_schemas::ErrorResponse),
        (status = 403, description = "The service refused the caller.", body = crate::generated_schemas::ErrorResponse),
        (status = 500, description = "Server failure.", body = crate::generated_schemas::ErrorResponse),
    ),
    security(("iamToken" = []), ("akskSignature" = []))
)]
pub async fn list_backups(
    State(app): State<Arc<AppState>>,
    ApiPath(project_id): ApiPath<String>,
    uri: Uri,
) -> Response {
    match list(&app, &project_id, &uri) {
        Ok(body) => (StatusCode::OK, Json(body)).into_response(),
        Err(e) => e.respond(""),
    }
}

fn list(app: &AppState, project_id: &str, uri: &Uri) -> Result<ListBackupsResponse, ApiError> {
    check_project(project_id)?;
    let query = parse_query(uri.query().unwrap_or(""))?;
    let now = millis(app.config.clock.now());
    let (page, total) = app
        .store()
        .list_with(project_id, &query, |b| list_item(b, now));
    Ok(ListBackupsResponse::try_from(
        ListBackupsResponse::builder()
            // Always present, `[]` when empty, as the service's examples show.
            .backups(page)
            .total_count(i64::try_from(total).unwrap_or(i64::MAX)),
    )?)
}

/// One backup as the list answers it: `end_time` once it is over,
/// `take_up_time` (minutes) and `size` (MB, 0 unless COMPLETED) always.
/// Built with the generated builder (the type is `#[non_exhaustive]`);
/// `id`, its only required field, is always set, so the conversion cannot
/// fail.
pub fn list_item(b: &StoredBackup, now_ms: i64) -> BackupSummary {
    built_item(b, now_ms).expect("a listed backup sets its required id")
}

fn built_item(b: &StoredBackup, now_ms: i64) -> Result<BackupSummary, ConversionError> {
    let datastore = Datastore::try_from(
        Datastore::builder()
            .type_("gaussdb-mysql".to_owned())
            .version("8.0".to_owned()),
    )?;
    let state = b.state(now_ms);
    let over = state != BackupState::Building;
    let (begin_time, end_time) = b.times();
    let body = BackupSummary::builder()
        .id(b.id.to_string())
        .name(b.name.to_string())
        .begin_time(begin_time)
        .end_time(over.then_some(end_time))
        .status(match state {
            BackupState::Building => BackupStatus::Building,
            BackupState::Completed => BackupStatus::Completed,
            BackupState::Failed => BackupStatus::Failed,
        })
        .take_up_time(if over {
            i32::try_from(b.take_up_minutes()).unwrap_or(i32::MAX)
        } else {
            0
        })
        .type_(match b.kind {
            BackupKind::Manual => BackupType::Manual,
            BackupKind::Auto => BackupType::Auto,
        })
        .size(if state == BackupState::Completed {
            b.size_mb
        } else {
            0.0
        })
        .datastore(datastore)
        .instance_id(b.instance_id.to_string())
        .instance_name(Config::instance_name(&b.instance_id))
        .backup_level(gaussdb_backup::BackupLevel::from("0"))
        .description(b.description.clone().unwrap_or_default());
    BackupSummary::try_from(body)
}

/// The list's query string, validated.
pub fn parse_query(raw: &str) -> Result<ListQuery, ApiError> {
    let mut query = ListQuery {
        limit: MAX_LIMIT,
        ..ListQuery::default()
    };
    let bad = |what: String| ApiError::InvalidParameter(what);
    let mut seen = std::collections::BTreeSet::new();
    for (key, value) in gaussdb_backup::signing::decode_query(raw) {
        let known = matches!(
            key.as_str(),
            "instance_id"
                | "backup_id"
                | "backup_type"
                | "offset"
                | "limit"
                | "begin_time"
                | "end_time"
                | "name"
                | "instance_name"
        );
        if known && !seen.insert(key.clone()) {
            return Err(bad(format!("{key} is given more than once")));
        }
        let text = || (!value.is_empty()).then(|| value.clone());
        match key.as_str() {
            "instance_id" => query.instance_id = text(),
            "backup_id" => query.backup_id = text(),
            "name" => query.name = text(),
            "instance_name" => query.instance_name = text(),
            "backup_type" => {
                query.kind = Some(match value.as_str() {
                    "auto" => BackupKind::Auto,
                    "manual" => BackupKind::Manual,
                    _ => return Err(bad(format!("backup_type {value:?} is not auto or manual"))),
                })
            }
            "offset" => {
                query.offset = integer(&value)
                    .filter(|n| *n <= MAX_OFFSET)
                    .ok_or_else(|| {
                        bad(format!(
                            "offset {value:?} is not an integer from 0 to {MAX_OFFSET}"
                        ))
                    })?
            }
            "limit" => {
                query.limit = integer(&value)
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| bad(format!("limit {value:?} is not from 1 to 100")))?
            }
            "begin_time" => {
                query.begin_ms =
                    Some(crate::state::parse_service_time(&value).ok_or_else(|| {
                        bad(format!(
                            "begin_time {value:?} is not yyyy-mm-ddThh:mm:ss+hhmm"
                        ))
                    })?)
            }
            "end_time" => {
                query.end_ms = Some(crate::state::parse_service_time(&value).ok_or_else(|| {
                    bad(format!(
                        "end_time {value:?} is not yyyy-mm-ddThh:mm:ss+hhmm"
                    ))
                })?)
            }
            // Parameters the API does not have are ignored, as the service does.
            _ => {}
        }
    }
    if let (Some(begin), Some(end)) = (query.begin_ms, query.end_ms)
        && end <= begin
    {
        return Err(bad("end_time must be later than begin_time".into()));
    }
    Ok(query)
}

/// A non-negative decimal integer, digits only (no sign, no spaces).
fn integer(text: &str) -> Option<usize> {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Deletes a manual backup.
#[utoipa::path(
    delete,
    path = "/v3/{project_id}/backups/{backup_id}",
    operation_id = "DeleteGaussMySqlBackup",
    tag = "Backups",
    params(crate::generated_schemas::DeleteGaussMySqlBackupParams),
    responses(
        (status = 200, description = "The backup was deleted.", body = crate::generated_schemas::DeleteBackupResponse),
        (status = 400, description = "The request is invalid.", body = crate::generated_schemas::ErrorResponse),
        (status = 401, description = "The API gateway refused the credentials.", body = crate::generated_schemas::ErrorResponse),
        (status = 403, description = "The service refused the caller.", body = crate::generated_schemas::ErrorResponse),
        (status = 500, description = "Server failure.", body = crate::generated_schemas::ErrorResponse),
    ),
    security(("iamToken" = []), ("akskSignature" = []))
)]
pub async fn delete_backup(
    State(app): State<Arc<AppState>>,
    ApiPath((project_id, backup_id)): ApiPath<(String, String)>,
) -> Response {
    match delete(&app, &project_id, &backup_id).await {
        Ok(body) => (StatusCode::OK, Json(body)).into_response(),
        Err(e) => e.respond(""),
    }
}

/// `DELETE …/backups/create`: the create path's last segment read as a
/// backup ID, as the gateway's route table does.
pub async fn delete_backup_named_create(
    State(app): State<Arc<AppState>>,
    ApiPath(project_id): ApiPath<String>,
) -> Response {
    delete_backup(State(app), ApiPath((project_id, "create".to_owned()))).await
}

async fn delete(
    app: &Arc<AppState>,
    project_id: &str,
    backup_id: &str,
) -> Result<DeleteBackupResponse, ApiError> {
    check_project(project_id)?;
    let (backup, change) = {
        let mut store = app.store();
        let now = millis(app.config.clock.now());
        store.delete(project_id, backup_id, now)?
    };
    commit(app, change).await?;
    tracing::info!(backup = %backup.id, "backup deleted");
    Ok(DeleteBackupResponse::try_from(
        DeleteBackupResponse::builder()
            .backup_id(backup.id.to_string())
            .backup_name(backup.name.to_string()),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_rules() {
        let code = |q: &str| parse_query(q).err().map(|e| e.parts().1);
        for ok in [
            "",
            "offset=0&limit=1",
            "limit=100",
            "offset=5000",
            "backup_type=auto",
            "backup_type=manual",
            "begin_time=2020-07-06T10:41:14%2B0800&end_time=2020-07-16T10:41:14%2B0800",
            "begin_time=2020-07-06T10:41:14Z",
            "name=&instance_id=",
            "unknown=1",
        ] {
            assert_eq!(code(ok), None, "{ok}");
        }
        for bad in [
            "limit=0",
            "limit=101",
            "limit=-1",
            "limit=%2B1",
            "limit=",
            "limit=1.5",
            "offset=-1",
            "offset=x",
            "offset=99999999999999999999",
            "backup_type=full",
            "backup_type=",
            "begin_time=yesterday",
            // a `+` not encoded reads as a space: not the service's form
            "begin_time=2020-07-06T10:41:14+0800",
            "begin_time=2020-07-16T10:41:14%2B0800&end_time=2020-07-06T10:41:14%2B0800",
            "begin_time=2020-07-16T10:41:14%2B0800&end_time=2020-07-16T10:41:14%2B0800",
            "limit=1&limit=2",
        ] {
            assert_eq!(code(bad), Some("DBS.200001"), "{bad}");
        }
        let q = parse_query("offset=3&limit=7&backup_type=auto&name=a%20b").unwrap();
        assert_eq!((q.offset, q.limit, q.kind), (3, 7, Some(BackupKind::Auto)));
        assert_eq!(q.name.as_deref(), Some("a b"));
    }
}
