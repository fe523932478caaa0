//! Every operation the spec has is served: the gateway publishes it (its
//! table is generated from the spec) and the router has a handler for it.
//! An operation added to the spec fails here, by name, until the emulator's
//! files are completed; the message says which.

mod support;

use axum::http::Method;
use gaussdb_backup_emulator::Config;
use gaussdb_backup_emulator::gateway::{Route, route};
use serde_json::Value;
use support::{INSTANCE, PROJECT};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What a maintainer completes for a new operation (the gateway's table,
/// the schemas and the operation's parameters are generated, so they are
/// not on the list).
const FILES_TO_EDIT: &str = "a handler with its `#[utoipa::path]` (a module like \
crates/gaussdb-backup-emulator/src/jobs.rs; its `params` are the generated \
`crate::generated_schemas::<operationId>Params`, its bodies the spec's schemas in \
`crate::generated_schemas`), its route in crates/gaussdb-backup-emulator/src/app.rs \
(`router`), its line in `paths(...)` of crates/gaussdb-backup-emulator/src/openapi.rs, and \
its case in crates/gaussdb-backup-emulator/tests/conformance.rs (`Call`)";

/// (operationId, method, path template, has a request body), from the spec.
fn spec_operations() -> Vec<(String, Method, String, bool)> {
    let spec = openapi_check::parse(
        gaussdb_backup_emulator::app::SPEC,
        openapi_check::Format::Yaml,
    )
    .expect("the emulator's copy of the spec parses")
    .value;
    let mut all = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths").iter() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().unwrap_or("(no operationId)");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            all.push((
                id.to_owned(),
                method,
                path.clone(),
                op.get("requestBody").is_some(),
            ));
        }
    }
    all
}

/// The template with each path parameter filled: the project and instance
/// the emulator knows, anything else a plain value.
fn fill(template: &str) -> String {
    template
        .split('/')
        .map(|segment| match segment {
            "{project_id}" => PROJECT,
            "{instance_id}" => INSTANCE,
            s if s.starts_with('{') => "x",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn the_spec_has_operations() {
    // So that the test below cannot pass by reading nothing.
    assert!(spec_operations().len() >= 4, "{:?}", spec_operations());
}

#[test]
fn the_gateway_publishes_every_spec_operation() {
    let mut missing = Vec::new();
    for (id, method, template, _) in spec_operations() {
        let path = fill(&template);
        match route(&method, &path) {
            Route::Api(op) if op.operation_id() == id => {}
            other => missing.push(format!(
                "{id} ({method} {template}): the gateway routes {path} to {other:?}; \
                 crates/gaussdb-backup-emulator/src/generated_routes.rs is stale: \
                 run `cargo xtask generate`"
            )),
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[tokio::test]
async fn every_spec_operation_is_served() {
    let emulator = support::start(Config::default()).await;
    let http = reqwest::Client::new();
    let mut missing = Vec::new();
    for (id, method, template, has_body) in spec_operations() {
        let url = format!("{}{}", emulator.url(), fill(&template));
        let mut request = http
            .request(method.clone(), &url)
            .header("x-auth-token", "routes-token");
        if has_body {
            request = request.json(&serde_json::json!({}));
        }
        let response = request.send().await.expect("the emulator answers");
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status == 404 && body["error_code"] == "APIGW.0101" {
            missing.push(format!(
                "the spec's operation {id} ({method} {template}) is not served \
                 (404 APIGW.0101): add {FILES_TO_EDIT}"
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
