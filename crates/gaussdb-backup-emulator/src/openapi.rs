//! The emulator's own OpenAPI document, from utoipa annotations, served at
//! `/openapi.json` and rendered by Swagger UI at `/docs`.
//!
//! The schemas here mirror the spec's; the bodies the emulator really sends
//! are the generated types. `tests/utoipa_agrees.rs` normalises this
//! document (OpenAPI 3.1, as utoipa 6 emits) and `openapi/gaussdb-backup.yaml`
//! (3.0.3) and proves they agree, so neither can change alone.
#![allow(dead_code)]

use utoipa::{OpenApi, ToSchema};

/// Language of the request: `en-us` (the default) or `zh-cn`.
#[derive(ToSchema)]
#[schema(default = "en-us")]
pub enum Language {
    #[schema(rename = "en-us")]
    EnUs,
    #[schema(rename = "zh-cn")]
    ZhCn,
}

/// Body of a request to create a manual backup.
#[derive(ToSchema)]
pub struct CreateBackupRequest {
    /// ID of a TaurusDB instance.
    #[schema(pattern = "^[0-9a-f]{32}in07$", min_length = 36, max_length = 36)]
    instance_id: String,
    /// Backup name.
    #[schema(pattern = "^[A-Za-z][A-Za-z0-9_-]*$", min_length = 4, max_length = 64)]
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

/// Backup information.
#[derive(ToSchema)]
pub struct Backup {
    /// Backup ID.
    id: String,
    /// Backup name.
    name: String,
    /// Backup description.
    #[schema(nullable = false)]
    description: Option<String>,
    /// Backup start time.
    #[schema(
        pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:?[0-9]{2})$"
    )]
    begin_time: String,
    status: BackupStatus,
    #[schema(rename = "type")]
    r#type: BackupType,
    /// ID of the instance the backup belongs to.
    instance_id: String,
}

/// Backup status.
#[derive(ToSchema)]
pub enum BackupStatus {
    #[schema(rename = "BUILDING")]
    Building,
    #[schema(rename = "COMPLETED")]
    Completed,
    #[schema(rename = "FAILED")]
    Failed,
    #[schema(rename = "AVAILABLE")]
    Available,
}

/// Backup type.
#[derive(ToSchema)]
pub enum BackupType {
    #[schema(rename = "manual")]
    Manual,
}

/// Error body of every failed call.
#[derive(ToSchema)]
pub struct ErrorResponse {
    /// Error code.
    error_code: String,
    /// Error message.
    error_msg: String,
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
    paths(crate::create::create_backup),
    components(schemas(CreateBackupRequest, CreateBackupResponse, Backup, BackupStatus, BackupType, ErrorResponse, Language)),
    modifiers(&SecurityAddon),
    tags((name = "Backups", description = "Backup management of TaurusDB instances."))
)]
pub struct ApiDoc;
