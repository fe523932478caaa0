//! Schema sanity: things that are legal JSON but cannot be what the author
//! meant, or that the generated client would choke on.

use serde_json::{Map, Value};

use super::{Ctx, RuleId};
use crate::field::field;
use crate::pointer::push;
use crate::validate::json_equal;

/// Formats defined by OpenAPI 3.0 and by the JSON Schema drafts.
const KNOWN_FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
    "date",
    "date-time",
    "password",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "uuid",
    "json-pointer",
    "relative-json-pointer",
    "regex",
    "time",
    "duration",
];

pub fn check(ctx: &mut Ctx<'_>) {
    for (pointer, schema) in &ctx.model.schemas {
        pattern(ctx, pointer, schema);
        bounds(ctx, pointer, schema);
        required_defined(ctx, pointer, schema);
        format_known(ctx, pointer, schema);
        if field(schema, "type").and_then(Value::as_str) == Some("array")
            && !schema.contains_key("items")
        {
            ctx.report(
                RuleId::ArrayItems,
                pointer.clone(),
                "a schema of type array must define items",
            );
        }
        enum_unique(ctx, pointer, schema);
    }
}

/// A `pattern` is an ECMA-262 regular expression.
fn pattern(ctx: &mut Ctx<'_>, pointer: &str, schema: &Map<String, Value>) {
    // A non-string pattern is reported by oas3-schema.
    if let Some(p) = field(schema, "pattern").and_then(Value::as_str)
        && let Err(e) = regress::Regex::new(p)
    {
        ctx.report(
            RuleId::SchemaPattern,
            push(pointer, "pattern"),
            format!("{p:?} is not a valid ECMA-262 regular expression: {e}"),
        );
    }
}

/// Lower and upper bounds that leave some value to match.
fn bounds(ctx: &mut Ctx<'_>, pointer: &str, schema: &Map<String, Value>) {
    for (low, high) in [
        ("minLength", "maxLength"),
        ("minItems", "maxItems"),
        ("minProperties", "maxProperties"),
    ] {
        if let (Some(l), Some(h)) = (
            field(schema, low).and_then(Value::as_u64),
            field(schema, high).and_then(Value::as_u64),
        ) && l > h
        {
            ctx.report(
                RuleId::SchemaBounds,
                push(pointer, low),
                format!("{low} {l} is greater than {high} {h}: no value can match"),
            );
        }
    }
    if let (Some(l), Some(h)) = (
        field(schema, "minimum").and_then(Value::as_f64),
        field(schema, "maximum").and_then(Value::as_f64),
    ) {
        let exclusive = field(schema, "exclusiveMinimum").and_then(Value::as_bool) == Some(true)
            || field(schema, "exclusiveMaximum").and_then(Value::as_bool) == Some(true);
        if l > h || (exclusive && l == h) {
            ctx.report(
                RuleId::SchemaBounds,
                push(pointer, "minimum"),
                format!("minimum {l} and maximum {h} leave no value that can match"),
            );
        }
    }
}

/// Each `required` name is one of the `properties` (unless composed, where
/// another branch may define it).
fn required_defined(ctx: &mut Ctx<'_>, pointer: &str, schema: &Map<String, Value>) {
    let (Some(required), Some(properties)) = (
        field(schema, "required").and_then(Value::as_array),
        field(schema, "properties").and_then(Value::as_object),
    ) else {
        return;
    };
    let composed = ["allOf", "anyOf", "oneOf"]
        .iter()
        .any(|k| schema.contains_key(*k));
    if composed {
        return;
    }
    for (i, name) in required.iter().enumerate() {
        if let Some(name) = name.as_str().filter(|n| !properties.contains_key(*n)) {
            ctx.report(
                RuleId::NoRequiredSchemaPropertiesUndefined,
                format!("{pointer}/required/{i}"),
                format!("required property {name:?} is not defined in properties"),
            );
        }
    }
}

/// A `format` that OpenAPI or JSON Schema defines.
fn format_known(ctx: &mut Ctx<'_>, pointer: &str, schema: &Map<String, Value>) {
    if let Some(format) = field(schema, "format").and_then(Value::as_str)
        && !KNOWN_FORMATS.contains(&format)
    {
        ctx.report(
            RuleId::SchemaFormatUnknown,
            push(pointer, "format"),
            format!(
                "format {format:?} is not defined by OpenAPI or JSON Schema; generators treat it as a plain {}",
                field(schema, "type").and_then(Value::as_str).unwrap_or("value")
            ),
        );
    }
}

/// Each `enum` value once.
fn enum_unique(ctx: &mut Ctx<'_>, pointer: &str, schema: &Map<String, Value>) {
    let Some(options) = field(schema, "enum").and_then(Value::as_array) else {
        return;
    };
    for (i, option) in options.iter().enumerate() {
        if options[..i].iter().any(|o| json_equal(o, option)) {
            ctx.report(
                RuleId::DuplicatedEntryInEnum,
                format!("{pointer}/enum/{i}"),
                format!("enum value {option} is listed more than once"),
            );
        }
    }
}
