//! The emulator's own OpenAPI document, from utoipa annotations, served at
//! `/openapi.json` and shown by Swagger UI at `/docs` (second, after the
//! hand-written spec).
//!
//! The schemas here mirror the spec's; the bodies the emulator really sends
//! are the generated types. `tests/utoipa_agrees.rs` normalises this
//! document (OpenAPI 3.1, as utoipa 6 emits) and `openapi/gaussdb-backup.yaml`
//! (3.0.3) and proves they agree, so neither can change alone.
#![allow(dead_code)]

use utoipa::{IntoParams, OpenApi, ToSchema};

/// Language of the error messages. Any value is accepted.
#[derive(ToSchema)]
#[schema(value_type = String)]
pub struct Language(String);

/// ID of a TaurusDB instance.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^[0-9A-Za-z-]{36}$", min_length = 36, max_length = 36)]
pub struct InstanceId(String);

/// Body of a request to create a manual backup.
#[derive(ToSchema)]
pub struct CreateBackupRequest {
    /// ID of a TaurusDB instance.
    #[schema(pattern = "^[0-9A-Za-z-]{36}$", min_length = 36, max_length = 36)]
    instance_id: String,
    /// Backup name.
    #[schema(
        pattern = "^(?:[A-Za-z]|[^\\u0000-\\u007F])(?:[A-Za-z0-9_-]|[^\\u0000-\\u007F])*$",
        min_length = 4,
        max_length = 64
    )]
    name: String,
    /// Backup description.
    #[schema(pattern = "^[^>!<\"&'=]*$", max_length = 256, nullable = false)]
    description: Option<String>,
}

/// The backup that was started and the job that runs it.
#[derive(ToSchema)]
pub struct CreateBackupResponse {
    backup: Backup,
    /// ID of the asynchronous job that creates the backup.
    job_id: String,
}

/// The service's time form, `2020-07-07T01:17:05+0800`.
#[derive(ToSchema)]
#[schema(
    value_type = String,
    pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:?[0-9]{2})$"
)]
pub struct Timestamp(String);

/// A job's time: the service's time form, or empty until the job is done.
#[derive(ToSchema)]
#[schema(
    value_type = String,
    pattern = "^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:?[0-9]{2}))?$"
)]
pub struct JobTime(String);

/// A time in a list query, in the service's form.
#[derive(ToSchema)]
#[schema(
    value_type = String,
    pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:?[0-9]{2})$"
)]
pub struct QueryTime(String);

/// Backup information, as a create call answers it.
#[derive(ToSchema)]
pub struct Backup {
    /// Backup ID.
    id: String,
    #[schema(nullable = false)]
    name: Option<String>,
    #[schema(nullable = false)]
    description: Option<String>,
    #[schema(nullable = false)]
    begin_time: Option<Timestamp>,
    #[schema(nullable = false)]
    status: Option<BackupStatus>,
    #[schema(rename = "type", nullable = false)]
    r#type: Option<BackupType>,
    #[schema(nullable = false)]
    instance_id: Option<String>,
}

/// Backup status.
#[derive(ToSchema)]
pub enum BackupStatus {
    /// `BUILDING`: in progress; a create call answers it.
    #[schema(rename = "BUILDING")]
    Building,
    /// `COMPLETED`: finished; only these can be deleted.
    #[schema(rename = "COMPLETED")]
    Completed,
    /// `FAILED`: its job failed.
    #[schema(rename = "FAILED")]
    Failed,
    /// `AVAILABLE`: documented by the service; the emulator never answers it.
    #[schema(rename = "AVAILABLE")]
    Available,
}

/// Backup type.
#[derive(ToSchema)]
pub enum BackupType {
    /// `manual`: made by a create call.
    #[schema(rename = "manual")]
    Manual,
    /// `auto`: an automated (here, seeded) backup.
    #[schema(rename = "auto")]
    Auto,
}

/// Error body of every failed call.
#[derive(ToSchema)]
pub struct ErrorResponse {
    /// Error code.
    error_code: String,
    /// Error message.
    error_msg: String,
    /// The gateway's request ID (gateway errors only).
    #[schema(nullable = false)]
    request_id: Option<String>,
}

/// Job status.
#[derive(ToSchema)]
pub enum JobStatus {
    /// Not started yet.
    Pending,
    /// Running, with its progress in `process`.
    Running,
    /// Ended. The backup decides the outcome, not the job.
    Completed,
    /// Ended with a `fail_reason`.
    Failed,
}

/// The answer to a job query.
#[derive(ToSchema)]
pub struct ShowJobResponse {
    job: Job,
}

/// A task-center job.
#[derive(ToSchema)]
pub struct Job {
    id: String,
    #[schema(nullable = false)]
    name: Option<String>,
    status: JobStatus,
    #[schema(nullable = false)]
    created: Option<JobTime>,
    #[schema(nullable = false)]
    ended: Option<JobTime>,
    #[schema(nullable = false)]
    process: Option<String>,
    #[schema(nullable = false)]
    instance: Option<JobInstance>,
    /// Free-form; `null` is read as absent.
    #[schema(value_type = Option<Object>, nullable = true)]
    entities: Option<serde_json::Map<String, serde_json::Value>>,
    #[schema(nullable = false)]
    fail_reason: Option<String>,
}

/// The instance a job works on.
#[derive(ToSchema)]
pub struct JobInstance {
    #[schema(nullable = false)]
    id: Option<String>,
    #[schema(nullable = false)]
    name: Option<String>,
}

/// One page of backups.
#[derive(ToSchema)]
pub struct ListBackupsResponse {
    /// `null` is read as none (the emulator always sends an array).
    #[schema(nullable = true)]
    backups: Option<Vec<BackupSummary>>,
    #[schema(nullable = false)]
    total_count: Option<i64>,
}

/// A backup, as the list answers it.
#[derive(ToSchema)]
pub struct BackupSummary {
    id: String,
    #[schema(nullable = false)]
    name: Option<String>,
    #[schema(nullable = false)]
    description: Option<String>,
    #[schema(nullable = false)]
    begin_time: Option<Timestamp>,
    #[schema(nullable = false)]
    end_time: Option<Timestamp>,
    #[schema(nullable = false)]
    status: Option<BackupStatus>,
    #[schema(nullable = false)]
    take_up_time: Option<i32>,
    #[schema(rename = "type", nullable = false)]
    r#type: Option<BackupType>,
    #[schema(nullable = false)]
    size: Option<f64>,
    #[schema(nullable = false)]
    datastore: Option<Datastore>,
    #[schema(nullable = false)]
    instance_id: Option<String>,
    #[schema(nullable = false)]
    instance_name: Option<String>,
    #[schema(nullable = false)]
    backup_level: Option<String>,
}

/// The database engine of a backup.
#[derive(ToSchema)]
pub struct Datastore {
    #[schema(rename = "type", nullable = false)]
    r#type: Option<String>,
    #[schema(nullable = false)]
    version: Option<String>,
}

/// The answer to a delete.
#[derive(ToSchema)]
pub struct DeleteBackupResponse {
    #[schema(nullable = false)]
    backup_id: Option<String>,
    #[schema(nullable = false)]
    backup_name: Option<String>,
}

/// The list's query parameters.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Instance ID.
    instance_id: Option<String>,
    /// Backup ID.
    backup_id: Option<String>,
    /// Backup type.
    backup_type: Option<BackupType>,
    /// Records to skip.
    #[param(minimum = 0, maximum = 2147483647, default = 0, format = Int32)]
    offset: Option<i32>,
    /// Records per page.
    #[param(minimum = 1, maximum = 100, default = 100, format = Int32)]
    limit: Option<i32>,
    /// Backups that began at or after this time.
    #[param(value_type = Option<QueryTime>)]
    begin_time: Option<String>,
    /// Backups that began at or before this time.
    #[param(value_type = Option<QueryTime>)]
    end_time: Option<String>,
    /// Backup name.
    name: Option<String>,
    /// Instance name.
    instance_name: Option<String>,
}

/// The job query's parameter.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobParams {
    /// Job ID.
    #[param(min_length = 1)]
    id: String,
}

struct SecurityAddon;

impl utoipa::Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "iamToken",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Auth-Token"))),
        );
        components.add_security_scheme(
            "akskSignature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("Authorization"))),
        );
    }
}

/// The emulator's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "TaurusDB manual backup API (emulator)", version = "3.0.0"),
    paths(
        crate::create::create_backup,
        crate::jobs::show_job,
        crate::backups::list_backups,
        crate::backups::delete_backup
    ),
    components(schemas(
        CreateBackupRequest, CreateBackupResponse, Backup, BackupStatus, BackupType, ErrorResponse,
        Language, InstanceId, Timestamp, JobTime, QueryTime, JobStatus, ShowJobResponse, Job, JobInstance,
        ListBackupsResponse, BackupSummary, Datastore, DeleteBackupResponse
    )),
    modifiers(&SecurityAddon),
    tags(
        (name = "Backups", description = "Backup management of TaurusDB instances."),
        (name = "Jobs", description = "The task center's asynchronous jobs.")
    )
)]
pub struct ApiDoc;
