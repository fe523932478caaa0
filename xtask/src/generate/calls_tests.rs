//! The generated plumbing on the spec plus one read-only operation: the
//! client gets its method and call builder, the CLI its dispatch arm and
//! function, and both files parse as Rust.

use serde_json::{Value, json};

use super::*;

/// The workspace's spec with `ShowGaussMySqlBackupPolicy` added (a `GET`
/// with a path parameter, an optional query parameter and `X-Language`).
fn spec_with_policy() -> Spec {
    let mut spec = Spec::load(&crate::project_root()).unwrap();
    let value = &mut spec.value;
    value["paths"]["/v3/{project_id}/instances/{instance_id}/backups/policy"] = json!({
        "get": {
            "operationId": "ShowGaussMySqlBackupPolicy",
            "summary": "Show the backup policy",
            "parameters": [
                {"$ref": "#/components/parameters/ProjectId"},
                {"$ref": "#/components/parameters/XLanguage"},
                {"name": "instance_id", "in": "path", "required": true,
                 "schema": {"$ref": "#/components/schemas/InstanceId"}},
                {"name": "level", "in": "query", "required": false,
                 "description": "Only this level.",
                 "schema": {"type": "string", "minLength": 1}}
            ],
            "responses": {
                "200": {"description": "The policy.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ShowBackupPolicyResponse"}}}},
                "400": {"description": "Refused.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
            }
        }
    });
    value["components"]["schemas"]["ShowBackupPolicyResponse"] = json!({
        "type": "object",
        "properties": {"backup_policy": {"$ref": "#/components/schemas/BackupPolicy"}}
    });
    value["components"]["schemas"]["BackupPolicy"] = json!({
        "type": "object",
        "properties": {"keep_days": {"type": "integer"}, "start_time": {"type": "string"}}
    });
    spec.openapi = serde_json::from_value(value.clone()).unwrap();
    spec
}

fn contents<'a>(outputs: &'a [Output], path: &str) -> &'a str {
    let output = outputs
        .iter()
        .find(|o| o.path.to_str() == Some(path))
        .unwrap_or_else(|| panic!("no output {path}"));
    syn::parse_file(&output.contents).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
    &output.contents
}

#[test]
fn a_new_read_only_operation_gets_a_client_method_and_a_cli_command() {
    let outputs = outputs(&spec_with_policy()).unwrap();
    let client = contents(&outputs, "crates/gaussdb-backup/src/generated_calls.rs");
    for expected in [
        "pub struct ShowGaussMySqlBackupPolicy<'a>",
        "pub fn show_gauss_my_sql_backup_policy(\n        &self,\n        instance_id: impl Into<String>,\n    )",
        "pub fn level(mut self, value: impl Into<String>) -> Self",
        "pub fn language(mut self, language: Language) -> Self",
        "Result<types::ShowBackupPolicyResponse, Error>",
        "\"instance_id\",\n                \"must be 36 characters and match the pattern ^[0-9A-Za-z-]{36}$\"",
        "client.finish(result, &context)",
        ".project_id(client.project_id().clone())",
    ] {
        assert!(client.contains(expected), "no {expected:?} in:\n{client}");
    }
    let cli = contents(&outputs, "crates/gaussdb-backup-cli/src/generated_run.rs");
    for expected in [
        "CliCommand::ShowGaussMySqlBackupPolicy => {\n            show_gauss_my_sql_backup_policy(client, matches).await",
        "CliCommand::CreateGaussMySqlBackup => run::create(client, matches).await",
        "matches.get_one::<types::InstanceId>(\"instance-id\")",
        "matches.get_one::<gaussdb_backup::Language>(\"x-language\")",
        "client.show_gauss_my_sql_backup_policy(instance_id)",
        "output::report(&err, None)",
    ] {
        assert!(cli.contains(expected), "no {expected:?} in:\n{cli}");
    }
}

#[test]
fn the_hand_written_operations_get_no_generated_call() {
    let spec = Spec::load(&crate::project_root()).unwrap();
    let calls = calls(&spec).unwrap();
    let ids: Vec<&str> = calls.iter().map(|c| c.operation_id.as_str()).collect();
    assert!(
        ids.iter()
            .all(|id| HAND_WRITTEN.iter().all(|h| h.operation_id != *id)),
        "{ids:?}"
    );
}

#[test]
fn an_operation_with_a_body_must_be_listed_as_hand_written() {
    let mut spec = spec_with_policy();
    let op = &mut spec.value["paths"]["/v3/{project_id}/instances/{instance_id}/backups/policy"];
    op["put"] = op["get"].clone();
    op["put"]["operationId"] = Value::from("UpdateGaussMySqlBackupPolicy");
    op["put"]["requestBody"] = json!({"required": true, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/BackupPolicy"}}}});
    spec.openapi = serde_json::from_value(spec.value.clone()).unwrap();
    let err = format!("{:#}", calls(&spec).err().expect("refused"));
    assert!(
        err.contains("UpdateGaussMySqlBackupPolicy") && err.contains("HAND_WRITTEN"),
        "{err}"
    );
}

#[test]
fn rules_in_words_come_from_the_constraints() {
    assert_eq!(rule_in_words(&json!({"minLength": 1})), "must not be empty");
    assert_eq!(
        rule_in_words(&json!({"minLength": 4, "maxLength": 64})),
        "must be 4 to 64 characters"
    );
    assert_eq!(
        rule_in_words(&json!({"maxLength": 8, "pattern": "^a$"})),
        "must be at most 8 characters and match the pattern ^a$"
    );
}
