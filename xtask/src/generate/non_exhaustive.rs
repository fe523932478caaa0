//! `#[non_exhaustive]` on the generated types the service sends and the ones
//! callers send, so that an additive spec change is a compatible release.
//!
//! typify writes every object schema as a struct with public fields and no
//! `#[non_exhaustive]`: a caller may then build one with a struct literal,
//! and an optional property the service adds (the most common spec change
//! there is) breaks that literal, so the Rust API gate asks for a breaking
//! release for a change that is harmless on the wire. With
//! `#[non_exhaustive]` a struct can only be built through typify's builder
//! (`types::Backup::builder()`, `types::builder::Backup`, turned into the
//! type with `TryFrom`), which already exists, keeps the required-field
//! check, and gains a setter, not a breaking field, when the spec grows.
//! The AWS SDK for Rust marks its generated output types for the same
//! reason.
//!
//! Which types: those reachable from a response body (2xx, 4xx, 5xx), and
//! those reachable from a request body or parameter (see ARCHITECTURE.md:
//! a new optional request property must not break callers either). The sets
//! are computed from the spec, not listed by hand, and every type they name
//! must be found in the generated code: a schema the edit cannot find
//! fails generation instead of silently staying exhaustive. Schemas
//! replaced by hand-written types are the hand-written types' business
//! (the open enums are themselves `#[non_exhaustive]`).

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use serde_json::Value;

/// Where a schema is used: what the service sends, what callers send.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reach {
    pub responses: BTreeSet<String>,
    pub requests: BTreeSet<String>,
}

/// The component schemas reachable from responses and from requests
/// (bodies and parameters), following `$ref`s through `components`.
pub fn reach(doc: &Value) -> Result<Reach> {
    let mut reach = Reach::default();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if method == "parameters" {
                params(doc, op, path, &mut reach.requests)?;
                continue;
            }
            let at = format!("{} {path}", method.to_uppercase());
            if let Some(p) = op.get("parameters") {
                params(doc, p, &at, &mut reach.requests)?;
            }
            if let Some(body) = op.get("requestBody") {
                let body = resolve(doc, body)?;
                content(
                    doc,
                    body,
                    &format!("{at} request body"),
                    &mut reach.requests,
                )?;
            }
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let response = resolve(doc, response)?;
                let place = format!("{at} {status} response");
                content(doc, response, &place, &mut reach.responses)?;
            }
        }
    }
    Ok(reach)
}

fn params(doc: &Value, list: &Value, at: &str, out: &mut BTreeSet<String>) -> Result<()> {
    for p in list.as_array().into_iter().flatten() {
        let p = resolve(doc, p)?;
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
        if let Some(schema) = p.get("schema") {
            walk(doc, schema, &format!("{at} parameter {name}"), out)?;
        }
    }
    Ok(())
}

fn content(doc: &Value, holder: &Value, at: &str, out: &mut BTreeSet<String>) -> Result<()> {
    for (media, m) in holder
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(schema) = m.get("schema") {
            walk(doc, schema, &format!("{at} ({media})"), out)?;
        }
    }
    Ok(())
}

/// A `$ref` to `#/components/<kind>/<name>` followed once (responses,
/// parameters and request bodies may be references).
fn resolve<'a>(doc: &'a Value, v: &'a Value) -> Result<&'a Value> {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(target) => Ok(target),
            None => bail!("the spec's reference {r} leads nowhere"),
        },
        None => Ok(v),
    }
}

/// Collects the component schemas a schema uses. An object schema with
/// properties that is not a component would become a struct named by
/// typify's own rules, which this edit would have to guess: it fails.
fn walk(doc: &Value, schema: &Value, at: &str, out: &mut BTreeSet<String>) -> Result<()> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let Some(name) = r.strip_prefix("#/components/schemas/") else {
            bail!("{at}: the reference {r} is not to a component schema");
        };
        if out.insert(name.to_owned()) {
            let Some(target) = doc.pointer(&format!("/components/schemas/{name}")) else {
                bail!("{at}: the reference {r} leads nowhere");
            };
            walk_children(doc, target, &format!("schema {name}"), out)?;
        }
        return Ok(());
    }
    if schema.get("properties").is_some() || schema.get("enum").is_some() {
        bail!(
            "{at}: an inline object or enum schema; make it a component schema \
             (`$ref: \"#/components/schemas/…\"`) so that its generated type has a name \
             the #[non_exhaustive] edit can find"
        );
    }
    walk_children(doc, schema, at, out)
}

fn walk_children(doc: &Value, schema: &Value, at: &str, out: &mut BTreeSet<String>) -> Result<()> {
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            walk(doc, p, &format!("{at}.{name}"), out)?;
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = schema.get(key).filter(|c| c.is_object()) {
            walk(doc, child, &format!("{at} {key}"), out)?;
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, child) in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            walk(doc, child, &format!("{at} {key}[{i}]"), out)?;
        }
    }
    Ok(())
}

/// typify's name for a component schema (`BackupSummary` stays, `job-info`
/// becomes `JobInfo`).
fn rust_name(schema: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(schema)
}

/// Marks every type of `names` in the generated `mod types`
/// `#[non_exhaustive]`, except the `replaced` ones (hand-written types);
/// fails naming any it cannot find. Tuple structs whose fields are all
/// private (typify's constrained strings) already cannot be built outside
/// the crate and are left as they are. Returns the names it marked.
pub fn mark(
    file: &mut syn::File,
    names: &BTreeSet<String>,
    replaced: &[&str],
) -> Result<Vec<String>> {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        bail!("the generated client has no `mod types`: the #[non_exhaustive] edit cannot run");
    };
    let mut marked = Vec::new();
    let mut missing = Vec::new();
    for schema in names {
        if replaced.contains(&schema.as_str()) {
            continue;
        }
        let name = rust_name(schema);
        let attrs = types.iter_mut().find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == name => {
                let open = matches!(&s.fields, syn::Fields::Named(_))
                    || s.fields
                        .iter()
                        .any(|f| matches!(f.vis, syn::Visibility::Public(_)));
                Some(open.then_some(&mut s.attrs))
            }
            syn::Item::Enum(e) if e.ident == name => Some(Some(&mut e.attrs)),
            _ => None,
        });
        match attrs {
            None => missing.push(format!("{schema} (`types::{name}`)")),
            Some(None) => {}
            Some(Some(attrs)) => {
                if !attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
                    attrs.push(syn::parse_quote!(#[non_exhaustive]));
                }
                marked.push(name);
            }
        }
    }
    if !missing.is_empty() {
        bail!(
            "the #[non_exhaustive] edit found no generated type for the schema(s) {}: typify \
             named them otherwise, or no longer generates them; see \
             xtask/src/generate/non_exhaustive.rs",
            missing.join(", ")
        );
    }
    Ok(marked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        serde_json::json!({
            "paths": {"/x/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                    "responses": {
                        "201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Resp"}}}},
                        "400": {"$ref": "#/components/responses/Error"}
                    }
                }
            }},
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path", "schema": {"$ref": "#/components/schemas/Id"}}},
                "responses": {"Error": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Err"}}}}},
                "schemas": {
                    "Id": {"type": "string"},
                    "Req": {"type": "object", "properties": {"name": {"$ref": "#/components/schemas/Name"}}},
                    "Name": {"type": "string", "pattern": "^a$"},
                    "Resp": {"type": "object", "properties": {
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/item-summary"}},
                        "extra": {"type": "object", "additionalProperties": true}
                    }},
                    "item-summary": {"type": "object", "properties": {"status": {"$ref": "#/components/schemas/Status"}}},
                    "Status": {"type": "string", "enum": ["A", "B"]},
                    "Err": {"type": "object", "properties": {"code": {"type": "string"}}},
                    "Unused": {"type": "object", "properties": {}}
                }
            }
        })
    }

    #[test]
    fn responses_and_requests_are_followed_through_references() {
        let r = reach(&spec()).unwrap();
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(r.responses, set(&["Err", "Resp", "Status", "item-summary"]));
        assert_eq!(r.requests, set(&["Id", "Name", "Req"]));
    }

    #[test]
    fn an_inline_object_in_a_response_is_an_error_not_a_guess() {
        let mut s = spec();
        *s.pointer_mut("/components/schemas/Resp/properties/extra")
            .unwrap() =
            serde_json::json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let err = reach(&s).unwrap_err().to_string();
        assert!(err.contains("schema Resp.extra: an inline object"), "{err}");
    }

    #[test]
    fn the_edit_marks_named_types_and_fails_on_a_missing_one() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone)]
                pub struct ItemSummary { pub status: Option<Status> }
                pub enum Status { A, B }
                pub struct Name(String);
                pub struct Other { pub x: u8 }
            }
        };
        let names: BTreeSet<String> = ["item-summary", "Status", "Name", "Replaced"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let marked = mark(&mut file, &names, &["Replaced"]).unwrap();
        assert_eq!(marked, ["Status", "ItemSummary"]);
        let text = quote::quote!(#file).to_string();
        assert!(
            text.contains("# [non_exhaustive] pub struct ItemSummary"),
            "{text}"
        );
        assert!(
            text.contains("# [non_exhaustive] pub enum Status"),
            "{text}"
        );
        assert!(
            !text.contains("# [non_exhaustive] pub struct Name"),
            "{text}"
        );
        assert!(
            !text.contains("# [non_exhaustive] pub struct Other"),
            "{text}"
        );

        let names: BTreeSet<String> = ["Gone".to_string()].into();
        let err = mark(&mut file, &names, &[]).unwrap_err().to_string();
        assert!(err.contains("Gone (`types::Gone`)"), "{err}");
    }
}
