//! Hygiene: unused components, missing descriptions, servers. Warnings by
//! default: the document works, but its readers or users lose something.

use std::collections::HashSet;

use serde_json::Value;

use super::{Ctx, RuleId};
use crate::pointer::{self, push};

const COMPONENT_KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
];

pub fn check(ctx: &mut Ctx<'_>) {
    unused_components(ctx);
    descriptions(ctx);
    servers(ctx);
}

fn unused_components(ctx: &mut Ctx<'_>) {
    let Some(components) = ctx.doc.get("components").and_then(Value::as_object) else {
        return;
    };
    // (kind, name) of every local reference to a component, except a
    // component's references to itself.
    let mut used: HashSet<(String, String)> = HashSet::new();
    for (holder, reference, _) in &ctx.model.references {
        let Some(fragment) = reference.as_str().and_then(|r| r.strip_prefix('#')) else {
            continue;
        };
        let mut tokens = pointer::tokens(fragment);
        if tokens.next().as_deref() != Some("components") {
            continue;
        }
        let (Some(kind), Some(name)) = (tokens.next(), tokens.next()) else {
            continue;
        };
        let own = format!(
            "/components/{}/{}",
            pointer::escape(&kind),
            pointer::escape(&name)
        );
        if holder == &own || holder.starts_with(&format!("{own}/")) {
            continue;
        }
        used.insert((kind.into_owned(), name.into_owned()));
    }
    for kind in COMPONENT_KINDS {
        let Some(map) = components.get(*kind).and_then(Value::as_object) else {
            continue;
        };
        for name in map.keys() {
            if !used.contains(&((*kind).to_owned(), name.clone())) {
                ctx.report_key(
                    RuleId::Oas3UnusedComponent,
                    push(&push("/components", kind), name),
                    format!("components/{kind}/{name} is never referenced"),
                );
            }
        }
    }
    // Security schemes are used by name in security requirements.
    if let Some(schemes) = components.get("securitySchemes").and_then(Value::as_object) {
        let mut named: HashSet<&str> = requirement_names(ctx.doc.get("security")).collect();
        for op in &ctx.model.operations {
            named.extend(requirement_names(op.op.get("security")));
        }
        for name in schemes.keys() {
            if !named.contains(name.as_str()) {
                ctx.report_key(
                    RuleId::Oas3UnusedComponent,
                    push("/components/securitySchemes", name),
                    format!("security scheme {name:?} is not used by any security requirement"),
                );
            }
        }
    }
}

/// Scheme names in a list of Security Requirement Objects.
fn requirement_names(security: Option<&Value>) -> impl Iterator<Item = &str> {
    security
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|m| m.keys().map(String::as_str))
}

fn has_text(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty())
}

fn descriptions(ctx: &mut Ctx<'_>) {
    if let Some(info) = ctx.doc.get("info")
        && !has_text(info.get("description"))
    {
        ctx.report(
            RuleId::InfoDescription,
            "/info",
            "info has no description: say what the API is for",
        );
    }
    for op in &ctx.model.operations {
        if !has_text(op.op.get("description")) && !has_text(op.op.get("summary")) {
            ctx.report(
                RuleId::OperationDescription,
                op.pointer.clone(),
                format!(
                    "{} {} has neither a description nor a summary",
                    op.method.to_uppercase(),
                    op.path
                ),
            );
        }
    }
    let model = ctx.model;
    for param in &model.parameters {
        if !has_text(param.value.get("description")) {
            let name = param
                .value
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?");
            ctx.report(
                RuleId::Oas3ParameterDescription,
                param.pointer.clone(),
                format!("parameter {name:?} has no description"),
            );
        }
    }
    for (i, tag) in ctx
        .doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if !has_text(tag.get("description")) {
            let name = tag.get("name").and_then(Value::as_str).unwrap_or("?");
            ctx.report(
                RuleId::TagDescription,
                format!("/tags/{i}"),
                format!("tag {name:?} has no description"),
            );
        }
    }
}

fn servers(ctx: &mut Ctx<'_>) {
    let servers = ctx.doc.get("servers").and_then(Value::as_array);
    let Some(servers) = servers.filter(|s| !s.is_empty()) else {
        ctx.report(
            RuleId::Oas3ApiServers,
            "",
            "the document has no servers: clients cannot know where the API lives",
        );
        return;
    };
    for (i, server) in servers.iter().enumerate() {
        let pointer = format!("/servers/{i}");
        let Some(url) = server.get("url").and_then(Value::as_str) else {
            continue;
        };
        if url.ends_with('/') && url != "/" {
            ctx.report(
                RuleId::Oas3ServerTrailingSlash,
                push(&pointer, "url"),
                format!("server URL {url:?} ends with a slash; paths already start with one"),
            );
        }
        let variables = server.get("variables").and_then(Value::as_object);
        let used = crate::rules::operations::template_variables(url);
        for name in &used {
            if !variables.is_some_and(|v| v.contains_key(name)) {
                ctx.report(
                    RuleId::Oas3ServerVariables,
                    push(&pointer, "url"),
                    format!("server URL variable {{{name}}} is not defined in variables"),
                );
            }
        }
        for (name, variable) in variables.into_iter().flatten() {
            let at = push(&push(&pointer, "variables"), name);
            if !used.contains(name) {
                ctx.report_key(
                    RuleId::Oas3ServerVariables,
                    at.clone(),
                    format!("server variable {name:?} is not used in the URL"),
                );
            }
            if let (Some(default), Some(options)) = (
                variable.get("default"),
                variable.get("enum").and_then(Value::as_array),
            ) && !options.contains(default)
            {
                ctx.report(
                    RuleId::Oas3ServerVariables,
                    push(&at, "default"),
                    format!("default {default} is not one of the variable's enum values"),
                );
            }
        }
    }
}
