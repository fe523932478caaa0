//! Every example in the spec deserializes into the generated types; the
//! snapshot shows the typed value, and serializing it back gives the same JSON.
//!
//! Examples are found by walking the spec, so a new example is covered (or
//! fails with a message naming it) without editing this file.

use gaussdb_backup::types;
use serde_json::Value;

const SPEC: &str = include_str!("../openapi/gaussdb-backup.yaml");

mod generated_example_types;

/// Deserializes `value` as the generated type for schema `schema`, returns its
/// `Debug` text, and checks the JSON round trip. The table from schema to
/// type is generated from the spec (`generated_example_types.rs`).
///
/// Fields the example does not carry (`name: None`) are left out of the
/// text: the snapshot shows what the example means, and the round trip
/// already proves that nothing it carries was lost. So an optional property
/// added to a schema changes no snapshot; an example that carries it does.
fn typed(schema: &str, value: &Value) -> String {
    use generated_example_types::Check;
    struct RoundTrip;
    impl Check for RoundTrip {
        fn check<T>(&self, value: &Value) -> String
        where
            T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
        {
            let typed: T = serde_json::from_value(value.clone())
                .unwrap_or_else(|err| panic!("{value} does not deserialize: {err}"));
            let back = serde_json::to_value(&typed).unwrap();
            assert!(
                same_json(&back, value),
                "serializing back changes the JSON:\n{back}\n{value}"
            );
            let text = format!("{typed:#?}");
            text.lines()
                .filter(|line| !is_absent_field(line))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
    if schema == "inline string" {
        // Parameters with an inline schema.
        return RoundTrip.check::<String>(value);
    }
    generated_example_types::by_schema(schema, value, &RoundTrip).unwrap_or_else(|| {
        panic!("the spec has an example for {schema}, which is not a component schema")
    })
}

/// A line of `{:#?}` output that is a struct field holding `None`.
fn is_absent_field(line: &str) -> bool {
    line.trim_start()
        .strip_suffix(": None,")
        .is_some_and(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// JSON equality where numbers compare by value: `size` is a double, so the
/// documented `2803` comes back as `2803.0`, the same number.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

fn spec() -> Value {
    // The validator's own YAML parser: the one stack that reads the spec
    // everywhere (generation, validation, these tests).
    openapi_check::parse(SPEC, openapi_check::Format::Yaml)
        .unwrap()
        .value
}

fn schema_name(schema: &Value) -> &str {
    if schema.get("$ref").is_none() && schema["type"] == "string" {
        return "inline string";
    }
    schema["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .unwrap_or_else(|| panic!("examples are checked against named schemas only: {schema}"))
}

/// A response or parameter, following a `$ref` into `components` with
/// openapi-check's resolution (the one in the workspace).
fn resolve<'a>(spec: &'a Value, item: &'a Value) -> &'a Value {
    openapi_check::pointer::deref(spec, item)
        .unwrap_or_else(|| panic!("dangling reference {}", item["$ref"]))
}

/// (snapshot name, schema name, example value) for every example in the spec.
fn all_examples(spec: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    let mut parameters = Vec::new();
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
                media(
                    format!("{id}_{status}"),
                    &resolve(spec, response)["content"],
                );
            }
            for param in op["parameters"].as_array().into_iter().flatten() {
                if param.get("$ref").is_some() {
                    continue; // components/parameters are walked below
                }
                if let Some(example) = param.get("example") {
                    let name = param["name"].as_str().unwrap();
                    let schema = schema_name(&param["schema"]).to_owned();
                    parameters.push((format!("{id}_parameter_{name}"), schema, example.clone()));
                }
            }
        }
    }
    found.append(&mut parameters);
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

/// Only a field holding `None` is left out: not a `None` in a list, not a
/// string that reads like one, not a field with a value.
#[test]
fn only_absent_fields_are_left_out_of_the_snapshots() {
    assert!(is_absent_field("    description: None,"));
    assert!(is_absent_field("                backup_level: None,"));
    for kept in [
        "        None,",
        "    name: Some(",
        "    \"a: None,\",",
        "    type_: None",
        ": None,",
    ] {
        assert!(!is_absent_field(kept), "{kept}");
    }
}

#[test]
fn the_documented_response_keeps_the_begin_time_offset() {
    let spec = spec();
    let example = &spec["paths"]["/v3/{project_id}/backups/create"]["post"]["responses"]["201"]["content"]
        ["application/json"]["examples"]["documented"]["value"];
    let response: types::CreateBackupResponse = serde_json::from_value(example.clone()).unwrap();
    let begin = response.backup.begin_time.unwrap().datetime().unwrap();
    assert_eq!(begin.to_rfc3339(), "2020-07-07T01:17:05+08:00");
    assert_eq!(
        response.backup.status,
        Some(gaussdb_backup::BackupStatus::Building)
    );
    assert_eq!(
        response.backup.type_,
        Some(gaussdb_backup::BackupType::Manual)
    );
}

/// The open enums' known values are the spec's `enum`s, in order: a value
/// added to the spec without a variant (or the reverse) fails here.
#[test]
fn the_open_enums_know_exactly_the_specs_values() {
    let spec = spec();
    let listed = |schema: &str| -> Vec<String> {
        spec["components"]["schemas"][schema]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} has no enum in the spec"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    for (schema, known) in [
        ("BackupStatus", gaussdb_backup::BackupStatus::KNOWN),
        ("BackupType", gaussdb_backup::BackupType::KNOWN),
        ("JobStatus", gaussdb_backup::JobStatus::KNOWN),
    ] {
        assert_eq!(listed(schema), known, "{schema}");
    }
    // `Language` is an open string in the spec; its documented values are
    // in the parameter's description.
    let language = spec["components"]["schemas"]["Language"].to_string();
    for value in gaussdb_backup::Language::KNOWN {
        assert!(
            language.contains(value),
            "{value} is not documented: {language}"
        );
    }
}
