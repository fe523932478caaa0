//! What progenitor 0.15 cannot generate, reported here with a location
//! instead of as a panic (an `assert!` or `todo!`) inside the generator.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Ctx, RuleId};
use crate::pointer::push;
use crate::walk::Operation;

/// How progenitor types a response: by its JSON schema, as a raw byte
/// stream, or as nothing.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    None,
    Raw,
    Json(String),
}

impl Kind {
    fn describe(&self) -> String {
        match self {
            Kind::None => "no body".into(),
            Kind::Raw => "a non-JSON body".into(),
            Kind::Json(schema) => format!("JSON {schema}"),
        }
    }
}

/// Response body kinds, each with the statuses that have it.
type Kinds = BTreeMap<Kind, Vec<String>>;

pub fn check(ctx: &mut Ctx<'_>) {
    for op in &ctx.model.operations {
        if let Some(responses) = op.op.get("responses").and_then(Value::as_object) {
            let (success, errors) = response_kinds(ctx, responses);
            for (rule, kinds, what) in [
                (RuleId::ProgenitorSuccessTypes, &success, "success"),
                (RuleId::ProgenitorErrorSchemas, &errors, "error"),
            ] {
                one_kind(ctx, op, rule, kinds, what);
            }
        }
        request_body(ctx, op);
    }
}

/// The body kinds of the success responses and of the error responses
/// (`default` is both, unless a `2XX` range covers success).
fn response_kinds<'a>(ctx: &Ctx<'a>, responses: &'a Map<String, Value>) -> (Kinds, Kinds) {
    let mut success = Kinds::new();
    let mut errors = Kinds::new();
    let has_success_range = responses.contains_key("2XX") || responses.contains_key("2xx");
    for (status, response) in responses {
        let Some(kind) = ctx.deref(response).and_then(kind) else {
            continue;
        };
        let is_default = status == "default";
        let code = status.parse::<u16>().ok();
        let range = status.len() == 3 && status[1..].eq_ignore_ascii_case("xx");
        let first = status.chars().next().unwrap_or('0');
        let is_success =
            code.is_some_and(|c| c == 101 || (200..=299).contains(&c)) || (range && first == '2');
        let is_error =
            code.is_some_and(|c| (400..=599).contains(&c)) || (range && matches!(first, '4' | '5'));
        if is_success || (is_default && !has_success_range) {
            success
                .entry(kind.clone())
                .or_default()
                .push(status.clone());
        }
        if is_error || is_default {
            errors.entry(kind).or_default().push(status.clone());
        }
    }
    (success, errors)
}

/// progenitor 0.15 aborts when the success (or error) responses of an
/// operation have more than one body type.
fn one_kind(ctx: &mut Ctx<'_>, op: &Operation<'_>, rule: RuleId, kinds: &Kinds, what: &str) {
    if kinds.len() <= 1 {
        return;
    }
    let detail: Vec<String> = kinds
        .iter()
        .map(|(k, statuses)| format!("{} → {}", statuses.join(", "), k.describe()))
        .collect();
    ctx.report(
        rule,
        push(&op.pointer, "responses"),
        format!(
            "the {what} responses of {} have {} different body types ({}); progenitor 0.15 aborts on this: give them one schema",
            op.op.get("operationId").and_then(Value::as_str).unwrap_or(op.path),
            kinds.len(),
            detail.join("; ")
        ),
    );
}

/// A request body progenitor 0.15 accepts: one media type, no `encoding`.
fn request_body<'a>(ctx: &mut Ctx<'a>, op: &Operation<'a>) {
    let Some(body) = op.op.get("requestBody").and_then(|b| ctx.deref(b)) else {
        return;
    };
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return;
    };
    if content.len() > 1 {
        let types: Vec<&str> = content.keys().map(String::as_str).collect();
        ctx.report(
            RuleId::ProgenitorUnsupported,
            push(&op.pointer, "requestBody"),
            format!(
                "the request body has {} media types ({}); progenitor 0.15 accepts exactly one",
                types.len(),
                types.join(", ")
            ),
        );
    }
    for (media_type, media) in content {
        if media
            .get("encoding")
            .and_then(Value::as_object)
            .is_some_and(|e| !e.is_empty())
        {
            ctx.report(
                RuleId::ProgenitorUnsupported,
                push(
                    &push(&push(&op.pointer, "requestBody"), "content"),
                    media_type,
                ),
                "`encoding` on a request media type is not supported by progenitor 0.15",
            );
        }
    }
}

/// The kind of a (dereferenced) Response Object, reporting a JSON media type
/// without a schema, which progenitor cannot type.
fn kind(response: &Value) -> Option<Kind> {
    let content = response.get("content").and_then(Value::as_object);
    let Some(content) = content.filter(|c| !c.is_empty()) else {
        return Some(Kind::None);
    };
    let json = content.iter().find(|(media_type, _)| {
        *media_type == "application/json" || media_type.starts_with("application/json;")
    });
    match json {
        Some((_, media)) => {
            let schema = media.get("schema")?;
            let identity = match schema.get("$ref").and_then(Value::as_str) {
                Some(r) => r.to_owned(),
                None => schema.to_string(),
            };
            Some(Kind::Json(identity))
        }
        None => Some(Kind::Raw),
    }
}
