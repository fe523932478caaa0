//! `docs/api.md`: the spec rendered as a reference a person reads, checked in
//! so that a pull request shows the rendered change beside the spec change.

use std::fmt::Write as _;

use anyhow::Result;
use serde_json::Value;

use super::Output;
use crate::spec::Spec;

const OUTPUT_PATH: &str = "docs/api.md";
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    Ok(vec![Output {
        path: OUTPUT_PATH.into(),
        contents: render(spec.rel_path, &spec.value),
    }])
}

/// What `value`'s `$ref`s name (openapi-check's resolution: the spec has
/// passed its checks, so every reference resolves), or `value` itself.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    openapi_check::pointer::deref(doc, value).unwrap_or(value)
}

fn ref_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
}

/// One line: collapses a multi-line description, escapes table pipes.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn code(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// The type of a schema in words: `string`, `BackupName (string)`, `array of …`.
fn type_words(doc: &Value, schema: &Value) -> String {
    let resolved = resolve(doc, schema);
    let base = match resolved.get("type").and_then(Value::as_str) {
        Some("array") => format!(
            "array of {}",
            type_words(doc, resolved.get("items").unwrap_or(&Value::Null))
        ),
        Some(t) => t.to_owned(),
        None => "any".to_owned(),
    };
    match ref_name(schema) {
        Some(name) => format!("[{name}](#{}) ({base})", name.to_lowercase()),
        None => base,
    }
}

/// Every constraint of a schema, in words.
fn constraints(doc: &Value, schema: &Value) -> String {
    let s = resolve(doc, schema);
    let mut words = Vec::new();
    let num = |k: &str| s.get(k).and_then(Value::as_u64);
    match (num("minLength"), num("maxLength")) {
        (Some(a), Some(b)) if a == b => words.push(format!("exactly {a} characters")),
        (Some(a), Some(b)) => words.push(format!("{a} to {b} characters")),
        (Some(a), None) => words.push(format!("at least {a} characters")),
        (None, Some(b)) => words.push(format!("at most {b} characters")),
        _ => {}
    }
    if let Some(p) = s.get("pattern").and_then(Value::as_str) {
        words.push(format!("matches `{}`", p.replace('|', "\\|")));
    }
    if let Some(f) = s.get("format").and_then(Value::as_str) {
        words.push(format!("format `{f}`"));
    }
    for (key, word) in [("minimum", "at least"), ("maximum", "at most")] {
        if let Some(v) = s.get(key) {
            words.push(format!("{word} {v}"));
        }
    }
    if let Some(options) = s.get("enum").and_then(Value::as_array) {
        let list: Vec<String> = options.iter().map(code).collect();
        words.push(format!("one of {}", list.join(", ")));
    }
    if let Some(d) = s.get("default") {
        words.push(format!("default {}", code(d)));
    }
    if s.get("nullable") == Some(&Value::Bool(true)) {
        words.push("may be null".into());
    }
    words.join("; ")
}

fn description(doc: &Value, schema: &Value, own: Option<&Value>) -> String {
    own.or_else(|| resolve(doc, schema).get("description"))
        .and_then(Value::as_str)
        .map(one_line)
        .unwrap_or_default()
}

fn property_table(out: &mut String, doc: &Value, schema: &Value) {
    let s = resolve(doc, schema);
    let Some(properties) = s.get("properties").and_then(Value::as_object) else {
        let _ = writeln!(
            out,
            "Type: {}. {}\n",
            type_words(doc, schema),
            constraints(doc, schema)
        );
        return;
    };
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    out.push_str("| field | required | type | rules | description |\n|---|---|---|---|---|\n");
    for (name, prop) in properties {
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} | {} | {} |",
            if required.contains(&name.as_str()) {
                "yes"
            } else {
                "no"
            },
            type_words(doc, prop),
            constraints(doc, prop),
            description(doc, prop, prop.get("description")),
        );
    }
    out.push('\n');
}

fn examples(out: &mut String, doc: &Value, media: &Value) {
    let mut all: Vec<(String, &Value)> = Vec::new();
    if let Some(e) = media.get("example") {
        all.push(("Example".into(), e));
    }
    for (name, example) in media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let example = resolve(doc, example);
        if let Some(value) = example.get("value") {
            let summary = example
                .get("summary")
                .and_then(Value::as_str)
                .unwrap_or(name);
            all.push((format!("Example `{name}`: {}", one_line(summary)), value));
        }
    }
    for (title, value) in all {
        let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
        let _ = writeln!(out, "{title}\n\n```json\n{pretty}\n```\n");
    }
}

pub fn render(spec_path: &str, doc: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!-- @generated by `cargo xtask generate` from {spec_path}. Do not edit by hand. -->\n"
    );
    overview(&mut out, doc);
    out.push_str("## Operations\n\n");
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                operation(&mut out, doc, path, method, item, op);
            }
        }
    }
    out.push_str("## Schemas\n\n");
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "### {name}\n");
        if let Some(d) = schema["description"].as_str() {
            let _ = writeln!(out, "{}\n", d.trim());
        }
        property_table(&mut out, doc, schema);
    }
    // Exactly one trailing newline, whatever came last.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The title, the description, the servers and the authentication.
fn overview(out: &mut String, doc: &Value) {
    let info = &doc["info"];
    let _ = writeln!(
        out,
        "# {} (version {})\n",
        info["title"].as_str().unwrap_or("API"),
        info["version"].as_str().unwrap_or("?")
    );
    if let Some(d) = info["description"].as_str() {
        let _ = writeln!(out, "{}\n", d.trim());
    }
    if let Some(servers) = doc["servers"].as_array() {
        out.push_str("## Servers\n\n");
        for server in servers {
            let _ = writeln!(
                out,
                "- `{}`: {}",
                server["url"].as_str().unwrap_or(""),
                description(doc, &Value::Null, server.get("description"))
            );
        }
        out.push('\n');
    }
    if let Some(schemes) = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    {
        out.push_str("## Authentication\n\nAny one of:\n\n");
        for (name, scheme) in schemes {
            let _ = writeln!(
                out,
                "- **{name}** (`{}` header): {}",
                scheme["name"].as_str().unwrap_or("?"),
                description(doc, &Value::Null, scheme.get("description"))
            );
        }
        out.push('\n');
    }
}

/// One operation: its title, parameters, request body and responses.
fn operation(out: &mut String, doc: &Value, path: &str, method: &str, item: &Value, op: &Value) {
    let _ = writeln!(out, "### `{} {path}`\n", method.to_uppercase());
    let _ = writeln!(
        out,
        "**{}** (operation ID `{}`)\n",
        op["summary"].as_str().unwrap_or(""),
        op["operationId"].as_str().unwrap_or("?")
    );
    if let Some(d) = op["description"].as_str() {
        let _ = writeln!(out, "{}\n", d.trim());
    }
    parameters(out, doc, item, op);
    if let Some(body) = op.get("requestBody").map(|b| resolve(doc, b)) {
        out.push_str("#### Request body\n\n");
        if let Some(d) = body["description"].as_str() {
            let _ = writeln!(out, "{}\n", one_line(d));
        }
        for (media_type, media) in body["content"].as_object().into_iter().flatten() {
            let _ = writeln!(
                out,
                "`{media_type}`: {}\n",
                type_words(doc, &media["schema"])
            );
            property_table(out, doc, &media["schema"]);
            examples(out, doc, media);
        }
    }
    out.push_str("#### Responses\n\n");
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        let response = resolve(doc, response);
        let _ = writeln!(
            out,
            "##### {status}\n\n{}\n",
            response["description"].as_str().unwrap_or("").trim()
        );
        for (media_type, media) in response["content"].as_object().into_iter().flatten() {
            let _ = writeln!(
                out,
                "`{media_type}`: {}\n",
                type_words(doc, &media["schema"])
            );
            examples(out, doc, media);
        }
    }
}

/// The table of an operation's parameters: the path item's, then its own.
fn parameters(out: &mut String, doc: &Value, item: &Value, op: &Value) {
    let params: Vec<&Value> = item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            op.get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .map(|p| resolve(doc, p))
        .collect();
    if params.is_empty() {
        return;
    }
    out.push_str("#### Parameters\n\n| name | in | required | type | rules | description |\n|---|---|---|---|---|---|\n");
    for p in params {
        let schema = p.get("schema").unwrap_or(&Value::Null);
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            p["name"].as_str().unwrap_or("?"),
            p["in"].as_str().unwrap_or("?"),
            if p["required"] == Value::Bool(true) {
                "yes"
            } else {
                "no"
            },
            type_words(doc, schema),
            constraints(doc, schema),
            description(doc, schema, p.get("description")),
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_in_words() {
        let doc = serde_json::json!({});
        let name = serde_json::json!({"type": "string", "minLength": 4, "maxLength": 64, "pattern": "^[A-Za-z]$"});
        assert_eq!(
            constraints(&doc, &name),
            "4 to 64 characters; matches `^[A-Za-z]$`"
        );
        let lang =
            serde_json::json!({"type": "string", "enum": ["en-us", "zh-cn"], "default": "en-us"});
        assert_eq!(
            constraints(&doc, &lang),
            "one of `en-us`, `zh-cn`; default `en-us`"
        );
    }
}
