//! The emulator's own OpenAPI document, from utoipa annotations, served at
//! `/openapi.json` and shown by Swagger UI at `/docs` (second, after the
//! hand-written spec).
//!
//! What is the emulator's own is written here and on its handlers: which
//! handlers it serves (`paths` below) and, in each handler's
//! `#[utoipa::path]`, the method, path, operation ID, statuses and the
//! schema of each body. The schemas and each operation's parameters are
//! mechanical copies of the spec, generated from it
//! (`crate::generated_schemas`, by `cargo xtask generate`): the emulator
//! builds its bodies from the client's generated types and reads its
//! queries by its own rules, never through them. `tests/utoipa_agrees.rs`
//! normalises this document (OpenAPI 3.1, as utoipa 6 emits) and
//! `openapi/gaussdb-backup.yaml` (3.0.3) and proves they agree.

use utoipa::OpenApi;

use crate::generated_schemas::SpecComponents;

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
    // Every schema of the spec (generated), beside the ones the paths name.
    modifiers(&SecurityAddon, &SpecComponents),
    tags(
        (name = "Backups", description = "Backup management of TaurusDB instances."),
        (name = "Jobs", description = "The task center's asynchronous jobs.")
    )
)]
pub struct ApiDoc;
