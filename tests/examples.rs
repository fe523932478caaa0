//! Every example in the spec deserializes into the generated types; the
//! snapshot shows the typed value, and serializing it back gives the same JSON.
//!
//! Examples are found by walking the spec, so a new example is covered (or
//! fails with a message naming it) without editing this file.

use gaussdb_backup::types;
use serde_json::Value;

const SPEC: &str = include_str!("../openapi/gaussdb-backup.yaml");

/// Deserializes `value` as the generated type for schema `schema`, returns its
/// `Debug` text, and checks the JSON round trip.
fn typed(schema: &str, value: &Value) -> String {
    fn check<T>(value: &Value) -> String
    where
        T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
    {
        let typed: T = serde_json::from_value(value.clone())
            .unwrap_or_else(|err| panic!("{value} does not deserialize: {err}"));
        let back = serde_json::to_value(&typed).unwrap();
        assert_eq!(&back, value, "serializing back changes the JSON");
        format!("{typed:#?}")
    }
    match schema {
        "CreateBackupRequest" => check::<types::CreateBackupRequest>(value),
        "CreateBackupResponse" => check::<types::CreateBackupResponse>(value),
        "ErrorResponse" => check::<types::ErrorResponse>(value),
        "Backup" => check::<types::Backup>(value),
        "ProjectId" => check::<types::ProjectId>(value),
        "InstanceId" => check::<types::InstanceId>(value),
        "BackupName" => check::<types::BackupName>(value),
        "BackupDescription" => check::<types::BackupDescription>(value),
        "Language" => check::<types::Language>(value),
        "BeginTime" => check::<gaussdb_backup::BeginTime>(value),
        "BackupStatus" => check::<gaussdb_backup::BackupStatus>(value),
        "BackupType" => check::<gaussdb_backup::BackupType>(value),
        other => panic!(
            "the spec has an example for schema {other}, which this test does not map to a type"
        ),
    }
}

fn spec() -> Value {
    let yaml: serde_yaml::Value = serde_yaml::from_str(SPEC).unwrap();
    serde_json::to_value(yaml).unwrap()
}

fn schema_name(schema: &Value) -> &str {
    schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .unwrap_or_else(|| panic!("examples are checked against named schemas only: {schema}"))
}

/// (snapshot name, schema name, example value) for every example in the spec.
fn all_examples(spec: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    let mut media = |prefix: String, content: &Value| {
        for (media_type, body) in content.as_object().into_iter().flatten() {
            assert_eq!(media_type, "application/json");
            let schema = schema_name(&body["schema"]).to_owned();
            for (name, example) in body["examples"].as_object().into_iter().flatten() {
                found.push((
                    format!("{prefix}_{name}"),
                    schema.clone(),
                    example["value"].clone(),
                ));
            }
            if let Some(example) = body.get("example") {
                found.push((format!("{prefix}_example"), schema.clone(), example.clone()));
            }
        }
    };
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}"));
            media(format!("{id}_request"), &op["requestBody"]["content"]);
            for (status, response) in op["responses"].as_object().unwrap() {
                media(format!("{id}_{status}"), &response["content"]);
            }
        }
    }
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if let Some(example) = schema.get("example") {
            found.push((format!("schema_{name}"), name.clone(), example.clone()));
        }
    }
    for (name, param) in spec["components"]["parameters"].as_object().unwrap() {
        if let Some(example) = param.get("example") {
            let schema = schema_name(&param["schema"]).to_owned();
            found.push((format!("parameter_{name}"), schema, example.clone()));
        }
    }
    found
}

#[test]
fn every_example_deserializes_into_the_generated_types() {
    let spec = spec();
    let examples = all_examples(&spec);
    // The documented request, the documented 201, and an error example for
    // each documented error status at least.
    assert!(
        examples.len() >= 7,
        "found only {} examples",
        examples.len()
    );
    for (name, schema, value) in examples {
        insta::assert_snapshot!(name, typed(&schema, &value), &format!("{schema}: {value}"));
    }
}

#[test]
fn the_documented_response_keeps_the_begin_time_offset() {
    let spec = spec();
    let example = &spec["paths"]["/v3/{project_id}/backups/create"]["post"]["responses"]["201"]["content"]
        ["application/json"]["examples"]["documented"]["value"];
    let response: types::CreateBackupResponse = serde_json::from_value(example.clone()).unwrap();
    let begin = response.backup.begin_time.datetime().unwrap();
    assert_eq!(begin.to_rfc3339(), "2020-07-07T01:17:05+08:00");
    assert_eq!(
        response.backup.status,
        gaussdb_backup::BackupStatus::Building
    );
    assert_eq!(response.backup.type_, gaussdb_backup::BackupType::Manual);
}
