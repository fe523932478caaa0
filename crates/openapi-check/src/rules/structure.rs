//! `unsupported-version` and `oas3-schema`: the document's shape, against the
//! official OpenAPI 3.0 JSON Schema (embedded, see `oas-3.0-schema.json`),
//! validated by the `jsonschema` crate, the fastest JSON Schema validator for
//! Rust and the one that supports draft-04, the schema's dialect.

use std::sync::LazyLock;

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::{Raw, RuleId};

/// The official OpenAPI 3.0 schema, iteration 2024-10-18, from
/// <https://spec.openapis.org/oas/3.0/schema/2024-10-18> (Apache-2.0,
/// © The Linux Foundation; SHA-256
/// 2385f5bbb8c37878daae73baeabe7f34b2f022a4a8c049329ee61f71796f039c).
const OAS_30_SCHEMA: &str = include_str!("../oas-3.0-schema.json");

/// At most this many structural findings per document: past the first few, a
/// badly broken document only repeats itself.
const MAX_FINDINGS: usize = 100;

static VALIDATOR: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(OAS_30_SCHEMA).map_err(|e| e.to_string())?;
    // Formats are left out: `format: regex` would be checked with Rust regex
    // syntax, not ECMA-262; `schema-pattern` checks patterns properly.
    jsonschema::draft4::options()
        .should_validate_formats(false)
        .build(&schema)
        .map_err(|e| e.to_string())
});

/// Why a document is not one this pipeline reads, if it is not.
pub fn version_problem(doc: &Value) -> Option<(String, String)> {
    let Some(map) = doc.as_object() else {
        return Some((
            String::new(),
            "an OpenAPI document is a mapping at the top level".into(),
        ));
    };
    if let Some(swagger) = map.get("swagger") {
        return Some((
            "/swagger".into(),
            format!(
                "this is a Swagger {} document; this pipeline reads OpenAPI 3.0.x only",
                swagger_version(swagger)
            ),
        ));
    }
    match map.get("openapi") {
        None => Some((
            String::new(),
            "the `openapi` field is missing: declare `openapi: 3.0.3`".into(),
        )),
        Some(Value::String(v)) if is_30(v) => None,
        Some(Value::String(v)) if v.starts_with("3.1") || v.starts_with("3.2") => Some((
            "/openapi".into(),
            format!(
                "this document declares OpenAPI {v}; this pipeline reads OpenAPI 3.0.x only \
                 (progenitor generates from 3.0): convert it to 3.0.3"
            ),
        )),
        Some(other) => Some((
            "/openapi".into(),
            format!(
                "`openapi` is {other}; this pipeline reads OpenAPI 3.0.x only (write it as a string, e.g. \"3.0.3\")"
            ),
        )),
    }
}

fn swagger_version(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

fn is_30(v: &str) -> bool {
    v.strip_prefix("3.0.")
        .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

/// Needs only the document, so that it can run beside the model's
/// construction (see `run_all`).
pub fn check(doc: &Value, out: &mut Vec<Raw>) {
    let validator = match &*VALIDATOR {
        Ok(v) => v,
        Err(e) => {
            Raw::push(
                out,
                RuleId::Oas3Schema,
                "",
                format!("internal error: the embedded OpenAPI schema does not compile: {e}"),
            );
            return;
        }
    };
    if validator.is_valid(doc) {
        return;
    }
    for (found, error) in validator.iter_errors(doc).enumerate() {
        if found >= MAX_FINDINGS {
            Raw::push(
                out,
                RuleId::Oas3Schema,
                "",
                format!("more than {MAX_FINDINGS} structural errors; the rest are not shown"),
            );
            break;
        }
        let error = best_match(&error);
        let pointer = error.instance_path().as_str().to_owned();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    Raw::push_key(
                        out,
                        RuleId::Oas3Schema,
                        crate::pointer::push(&pointer, name),
                        format!(
                            "`{name}` is not a field of this OpenAPI object (extensions start with `x-`)"
                        ),
                    );
                }
            }
            _ => Raw::push(out, RuleId::Oas3Schema, pointer, error.to_string()),
        }
    }
}

/// For `oneOf`/`anyOf` failures (an OpenAPI Schema-or-Reference, say), the
/// error of the branch that came closest, which names the real problem,
/// instead of "not valid under any of the schemas".
fn best_match<'e>(error: &'e ValidationError<'e>) -> &'e ValidationError<'e> {
    let context = match error.kind() {
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            context
        }
        _ => return error,
    };
    let depth = |e: &ValidationError<'_>| e.instance_path().as_str().matches('/').count();
    // A branch that fails only because `$ref` is missing is the Reference
    // alternative; the other branch is what the author meant.
    let is_ref_branch = |branch: &Vec<ValidationError<'static>>| {
        branch.len() == 1
            && matches!(branch[0].kind(), ValidationErrorKind::Required { property } if property.as_str() == Some("$ref"))
    };
    let best = context
        .iter()
        .filter(|branch| !branch.is_empty() && !is_ref_branch(branch))
        .max_by_key(|branch| {
            let deepest = branch.iter().map(depth).max().unwrap_or(0);
            (deepest, std::cmp::Reverse(branch.len()))
        });
    match best.and_then(|branch| branch.iter().max_by_key(|e| depth(e))) {
        Some(inner) => best_match(inner),
        None => error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(version_problem(&serde_json::json!({"openapi": "3.0.3"})).is_none());
        assert!(version_problem(&serde_json::json!({"openapi": "3.0.0"})).is_none());
        let (p, m) = version_problem(&serde_json::json!({"openapi": "3.1.0"})).unwrap();
        assert_eq!(p, "/openapi");
        assert!(m.contains("reads OpenAPI 3.0.x only"), "{m}");
        assert!(version_problem(&serde_json::json!({"openapi": 3.0})).is_some());
        assert!(version_problem(&serde_json::json!({"swagger": "2.0"})).is_some());
        assert!(version_problem(&serde_json::json!([])).is_some());
    }

    #[test]
    fn the_embedded_schema_compiles() {
        assert!(VALIDATOR.is_ok());
    }
}
