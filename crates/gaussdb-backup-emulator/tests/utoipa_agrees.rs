//! The emulator's utoipa document (OpenAPI 3.1) and the hand-written spec
//! (OpenAPI 3.0.3) describe the same API. Both are normalised — `$ref`s
//! inlined, 3.1 type arrays and `{type: null}` branches turned into
//! `nullable`, `example`/`examples` and descriptions dropped, exclusive
//! bounds in one form — and must then agree on paths, methods, parameters,
//! constraints, statuses and schemas.
//!
//! What that proves, now that the schemas and parameters are generated
//! from the spec (`src/generated_schemas.rs`, by
//! `xtask/src/generate/emulator_schemas.rs`):
//!
//! - the emulator's own statement of what it serves, hand-written, is the
//!   spec's: the handlers listed in `src/openapi.rs`, and in each handler's
//!   `#[utoipa::path]` the method, path, operation ID, the statuses and the
//!   schema named for each body (a new operation, a status or a body type
//!   the spec does not have, or one it lacks, fails here);
//! - the generator's translation, read back through utoipa's derives, keeps
//!   every constraint of every schema and parameter the operations reach
//!   (a keyword carried wrongly, or utoipa reading an attribute otherwise
//!   than the generator meant, fails here).
//!
//! It no longer proves that someone copied a schema by hand correctly:
//! nobody does.

use serde_json::{Map, Value, json};
use utoipa::OpenApi;

/// What a `$ref` names, through openapi-check's one resolution.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    openapi_check::pointer::deref(doc, schema)
        .unwrap_or_else(|| panic!("{} does not resolve", schema["$ref"]))
}

/// A schema in a canonical form, with `nullable` as a plain flag.
fn norm(doc: &Value, schema: &Value) -> Value {
    let schema = resolve(doc, schema);
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let is_null = |b: &Value| b.get("type") == Some(&json!("null"));
            let others: Vec<&Value> = branches.iter().filter(|b| !is_null(b)).collect();
            if others.len() == 1 && others.len() < branches.len() {
                let mut inner = norm(doc, others[0]);
                inner["nullable"] = json!(true);
                return inner;
            }
        }
    }
    let mut out = Map::new();
    let mut nullable = schema.get("nullable") == Some(&json!(true));
    match schema.get("type") {
        Some(Value::Array(types)) => {
            let mut rest: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
            nullable |= rest.len() < types.len();
            if rest.len() == 1 {
                out.insert("type".into(), rest.remove(0).clone());
            } else {
                out.insert("type".into(), json!(rest));
            }
        }
        Some(t) => {
            out.insert("type".into(), t.clone());
        }
        None => {}
    }
    for key in [
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "default",
        "multipleOf",
    ] {
        if let Some(v) = schema.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    for (bound, exclusive) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        match (schema.get(bound), schema.get(exclusive)) {
            (Some(v), Some(Value::Bool(true))) => {
                out.insert(exclusive.into(), v.clone());
            }
            (_, Some(v @ Value::Number(_))) => {
                out.insert(exclusive.into(), v.clone());
            }
            (Some(v), _) => {
                out.insert(bound.into(), v.clone());
            }
            _ => {}
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        let mut values: Vec<Value> = options.iter().filter(|v| !v.is_null()).cloned().collect();
        nullable |= values.len() < options.len();
        values.sort_by_key(Value::to_string);
        out.insert("enum".into(), json!(values));
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let normalised: Map<String, Value> = properties
            .iter()
            .map(|(k, v)| (k.clone(), norm(doc, v)))
            .collect();
        out.insert("properties".into(), Value::Object(normalised));
        let mut required: Vec<Value> = schema
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        required.sort_by_key(Value::to_string);
        out.insert("required".into(), json!(required));
    }
    if let Some(items) = schema.get("items") {
        out.insert("items".into(), norm(doc, items));
    }
    out.insert("nullable".into(), json!(nullable));
    Value::Object(out)
}

/// Every operation of a document, normalised.
fn operations(doc: &Value) -> Value {
    let mut out = Map::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let mut params: Vec<Value> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let p = resolve(doc, p);
                    let mut schema = norm(doc, &p["schema"]);
                    // A header or path value cannot be null: nullability of a
                    // parameter schema is noise from Option<T> in utoipa.
                    schema["nullable"] = json!(false);
                    json!({
                        "name": p["name"], "in": p["in"],
                        "required": p.get("required").cloned().unwrap_or(json!(false)),
                        "schema": schema,
                    })
                })
                .collect();
            params.sort_by_key(|p| format!("{}{}", p["in"], p["name"]));
            let content = |c: &Value| -> Value {
                c.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(mt, m)| (mt.clone(), norm(doc, &m["schema"])))
                    .collect::<Map<String, Value>>()
                    .into()
            };
            let body = &op["requestBody"];
            let responses: Map<String, Value> = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(status, r)| (status.clone(), content(&resolve(doc, r)["content"])))
                .collect();
            let security: Vec<String> = op
                .get("security")
                .or(doc.get("security"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .flat_map(|r| r.as_object().unwrap().keys().cloned())
                .collect();
            out.insert(
                format!("{} {path}", method.to_uppercase()),
                json!({
                    "operationId": op["operationId"],
                    "parameters": params,
                    "requestBody": {"required": body.get("required").cloned().unwrap_or(json!(false)), "content": content(&body["content"])},
                    "responses": responses,
                    "security": security,
                }),
            );
        }
    }
    Value::Object(out)
}

/// `value` with every object's keys in order, so that two documents that
/// list the same things in another order diff only where they differ.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<_> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[test]
fn the_utoipa_document_agrees_with_the_spec() {
    let utoipa_doc =
        serde_json::to_value(gaussdb_backup_emulator::openapi::ApiDoc::openapi()).unwrap();
    assert_eq!(utoipa_doc["openapi"], "3.1.0", "utoipa 6 emits OpenAPI 3.1");
    let spec_text = include_str!("../../../openapi/gaussdb-backup.yaml");
    let spec = openapi_check::parse(spec_text, openapi_check::Format::Yaml)
        .unwrap()
        .value;
    assert_eq!(spec["openapi"], "3.0.3");
    let ours = operations(&utoipa_doc);
    let theirs = operations(&spec);
    if ours != theirs {
        let spec_text = serde_json::to_string_pretty(&sorted(&theirs)).unwrap();
        let utoipa_text = serde_json::to_string_pretty(&sorted(&ours)).unwrap();
        let diff = similar::TextDiff::from_lines(&spec_text, &utoipa_text);
        panic!(
            "the emulator's utoipa document disagrees with openapi/gaussdb-backup.yaml \
             (both normalised; `-` the spec, `+` the emulator). Edit the operation's \
             `#[utoipa::path]` on its handler (crates/gaussdb-backup-emulator/src/), or the \
             handlers listed in `paths(...)` of src/openapi.rs. The schemas and parameters are \
             generated (src/generated_schemas.rs): run `cargo xtask generate`; if they still \
             differ, xtask/src/generate/emulator_schemas.rs carries a keyword wrongly:\n{}",
            diff.unified_diff().context_radius(4)
        );
    }
    // The same security scheme.
    let scheme = |d: &Value| d["components"]["securitySchemes"]["iamToken"].clone();
    assert_eq!(scheme(&utoipa_doc)["name"], scheme(&spec)["name"]);
    assert_eq!(scheme(&utoipa_doc)["in"], scheme(&spec)["in"]);
}

/// Every component schema of the spec is in the document's components,
/// and agrees with it: the ones no operation reaches included, so the
/// generated translation is checked for every schema, not only the ones
/// the paths name.
#[test]
fn every_spec_schema_is_in_the_utoipa_document_and_agrees() {
    let utoipa_doc =
        serde_json::to_value(gaussdb_backup_emulator::openapi::ApiDoc::openapi()).unwrap();
    let spec_text = include_str!("../../../openapi/gaussdb-backup.yaml");
    let spec = openapi_check::parse(spec_text, openapi_check::Format::Yaml)
        .unwrap()
        .value;
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    assert!(schemas.len() >= 10, "the spec's schemas were read");
    let mut disagree = Vec::new();
    for (name, schema) in schemas {
        let ours = &utoipa_doc["components"]["schemas"][name];
        if ours.is_null() {
            disagree.push(format!("{name}: not in the emulator's document"));
            continue;
        }
        let (spec_text, utoipa_text) = (
            serde_json::to_string_pretty(&sorted(&norm(&spec, schema))).unwrap(),
            serde_json::to_string_pretty(&sorted(&norm(&utoipa_doc, ours))).unwrap(),
        );
        if spec_text != utoipa_text {
            let diff = similar::TextDiff::from_lines(&spec_text, &utoipa_text);
            disagree.push(format!(
                "{name} (`-` the spec, `+` the emulator):\n{}",
                diff.unified_diff().context_radius(4)
            ));
        }
    }
    assert!(
        disagree.is_empty(),
        "the emulator's generated schemas (src/generated_schemas.rs) disagree with \
         openapi/gaussdb-backup.yaml: run `cargo xtask generate`; if they still differ, \
         xtask/src/generate/emulator_schemas.rs carries a keyword wrongly:\n{}",
        disagree.join("\n")
    );
}

#[test]
fn the_normaliser_sees_a_difference() {
    // A changed constraint must make the two documents disagree.
    let spec_text = include_str!("../../../openapi/gaussdb-backup.yaml");
    let mut spec = openapi_check::parse(spec_text, openapi_check::Format::Yaml)
        .unwrap()
        .value;
    let before = operations(&spec);
    spec["components"]["schemas"]["BackupName"]["maxLength"] = json!(63);
    assert_ne!(before, operations(&spec));
    // And 3.1's forms normalise to 3.0's.
    let doc = json!({});
    assert_eq!(
        norm(&doc, &json!({"type": ["string", "null"]})),
        norm(&doc, &json!({"type": "string", "nullable": true}))
    );
    assert_eq!(
        norm(
            &doc,
            &json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
        ),
        norm(&doc, &json!({"type": "number", "exclusiveMinimum": 0}))
    );
}
