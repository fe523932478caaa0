//! Operations and parameters: what a client generator relies on.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::{Ctx, RuleId};
use crate::pointer::push;
use crate::walk::Operation;

const IGNORED_HEADERS: [&str; 3] = ["accept", "content-type", "authorization"];

/// A parameter's `(name, in)`, mapped to its pointer and resolved object.
type Effective<'a> = HashMap<(String, String), (String, &'a Value)>;

pub fn check(ctx: &mut Ctx<'_>) {
    let mut ids: HashMap<&str, String> = HashMap::new();
    let schemes: Option<BTreeSet<String>> = ctx
        .doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect());
    if let Some(security) = ctx.doc.get("security") {
        security_defined(ctx, "/security", security, schemes.as_ref());
    }
    for op in &ctx.model.operations {
        operation_id(ctx, op, &mut ids);
        let effective = parameters(ctx, op);
        // A callback's key is a runtime expression whose `{...}` are
        // expressions, not path variables.
        if !op.in_callback {
            path_params(ctx, op.path, &op.pointer, &effective);
        }
        success_response(ctx, op);
        if let Some(security) = op.op.get("security") {
            security_defined(
                ctx,
                &push(&op.pointer, "security"),
                security,
                schemes.as_ref(),
            );
        }
    }
    empty_template_variables(ctx);
}

/// Every operation has an `operationId`, used once in the document.
fn operation_id<'a>(ctx: &mut Ctx<'_>, op: &Operation<'a>, ids: &mut HashMap<&'a str, String>) {
    match op.op.get("operationId").and_then(Value::as_str) {
        None => ctx.report(
            RuleId::OperationOperationId,
            op.pointer.clone(),
            format!(
                "{} {} has no operationId; generators name the method after it",
                op.method.to_uppercase(),
                op.path
            ),
        ),
        Some(id) => {
            if let Some(first) = ids.get(id) {
                let message = format!("operationId {id:?} is already used at {first}");
                ctx.report(
                    RuleId::OperationOperationIdUnique,
                    push(&op.pointer, "operationId"),
                    message,
                );
            } else {
                ids.insert(id, op.pointer.clone());
            }
        }
    }
}

/// The operation's parameters, path-item level first, overridden by
/// operation level; a parameter declared twice at one level, or a header
/// OpenAPI 3.0 ignores, is reported.
fn parameters<'a>(ctx: &mut Ctx<'a>, op: &Operation<'a>) -> Effective<'a> {
    let mut effective = Effective::new();
    for (owner_pointer, owner) in [(&op.path_item_pointer, op.path_item), (&op.pointer, op.op)] {
        let Some(list) = owner.get("parameters").and_then(Value::as_array) else {
            continue;
        };
        let mut seen: HashMap<(String, String), usize> = HashMap::new();
        for (i, param) in list.iter().enumerate() {
            let param_pointer = format!("{owner_pointer}/parameters/{i}");
            let Some(resolved) = ctx.deref(param) else {
                continue;
            };
            let (Some(name), Some(location)) = (
                resolved.get("name").and_then(Value::as_str),
                resolved.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            let key = (name.to_owned(), location.to_owned());
            if let Some(first) = seen.insert(key.clone(), i) {
                ctx.report(
                    RuleId::OperationParameters,
                    param_pointer.clone(),
                    format!(
                        "parameter {name:?} in {location} is declared twice (also at index {first})"
                    ),
                );
            }
            // Report once, where it is written.
            if location == "header"
                && (owner_pointer == &op.pointer || op.method == first_method(op.path_item))
            {
                ignored_header(ctx, name, &param_pointer);
            }
            effective.insert(key, (param_pointer, resolved));
        }
    }
    effective
}

/// A header parameter OpenAPI 3.0 ignores (`Accept`, `Content-Type`,
/// `Authorization`), with what describes it instead.
fn ignored_header(ctx: &mut Ctx<'_>, name: &str, param_pointer: &str) {
    let lower = name.to_ascii_lowercase();
    if !IGNORED_HEADERS.contains(&lower.as_str()) {
        return;
    }
    ctx.report(
        RuleId::IgnoredHeaderParameter,
        param_pointer.to_owned(),
        format!(
            "header parameter {name:?} is ignored by OpenAPI 3.0; describe it with {}",
            match lower.as_str() {
                "accept" => "the responses' content types",
                "content-type" => "the request body's content types",
                _ => "a security scheme",
            }
        ),
    );
}

/// An operation answers with at least one 2xx or 3xx.
fn success_response(ctx: &mut Ctx<'_>, op: &Operation<'_>) {
    let Some(responses) = op.op.get("responses").and_then(Value::as_object) else {
        return;
    };
    let success = responses
        .keys()
        .any(|code| code.starts_with('2') || code.starts_with('3'));
    if !success {
        ctx.report(
            RuleId::OperationSuccessResponse,
            push(&op.pointer, "responses"),
            format!(
                "{} {} has no 2xx or 3xx response",
                op.method.to_uppercase(),
                op.path
            ),
        );
    }
}

/// A path with an empty template variable `{}`.
fn empty_template_variables(ctx: &mut Ctx<'_>) {
    for (path, _) in ctx
        .doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if path.contains("{}") {
            ctx.report_key(
                RuleId::PathDeclarationsMustExist,
                push("/paths", path),
                format!("{path:?} has an empty template variable `{{}}`"),
            );
        }
    }
}

/// Path parameters are checked once per path item (on its first operation)
/// for the path-level problems, and per operation for its own.
fn path_params(ctx: &mut Ctx<'_>, path: &str, op_pointer: &str, effective: &Effective<'_>) {
    let variables = template_variables(path);
    let path_key_pointer = op_pointer
        .rsplit_once('/')
        .map_or("", |(p, _)| p)
        .to_owned();
    for variable in &variables {
        if !effective.contains_key(&(variable.clone(), "path".to_owned())) {
            ctx.report(
                RuleId::PathParams,
                op_pointer.to_owned(),
                format!("the path variable {{{variable}}} of {path:?} has no `in: path` parameter in this operation"),
            );
        }
    }
    let mut declared: Vec<&(String, String)> =
        effective.keys().filter(|(_, l)| l == "path").collect();
    declared.sort();
    for key in declared {
        let (param_pointer, param) = &effective[key];
        if !variables.contains(&key.0) {
            ctx.report(
                RuleId::PathParams,
                param_pointer.clone(),
                format!(
                    "path parameter {:?} does not appear in the path {path:?}",
                    key.0
                ),
            );
        }
        if param.get("required").and_then(Value::as_bool) != Some(true) {
            ctx.report(
                RuleId::PathParams,
                param_pointer.clone(),
                format!("path parameter {:?} must have `required: true`", key.0),
            );
        }
    }
    let mut seen = BTreeSet::new();
    for variable in &variables {
        if !seen.insert(variable) {
            ctx.report_key(
                RuleId::PathParams,
                path_key_pointer.clone(),
                format!("the path {path:?} uses {{{variable}}} twice"),
            );
        }
    }
}

fn first_method(item: &serde_json::Map<String, Value>) -> &'static str {
    crate::walk::METHODS
        .into_iter()
        .find(|m| item.get(*m).is_some_and(Value::is_object))
        .unwrap_or("")
}

/// `{name}` variables of a path template, in order.
pub fn template_variables(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        if end > 0 {
            out.push(after[..end].to_owned());
        }
        rest = &after[end + 1..];
    }
    out
}

fn security_defined(
    ctx: &mut Ctx<'_>,
    pointer: &str,
    security: &Value,
    schemes: Option<&BTreeSet<String>>,
) {
    let Some(requirements) = security.as_array() else {
        return;
    };
    for (i, requirement) in requirements.iter().enumerate() {
        for name in requirement.as_object().into_iter().flat_map(|m| m.keys()) {
            if !schemes.is_some_and(|s| s.contains(name)) {
                ctx.report_key(
                    RuleId::Oas3OperationSecurityDefined,
                    push(&format!("{pointer}/{i}"), name),
                    format!(
                        "security scheme {name:?} is not defined in components.securitySchemes"
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::template_variables;

    #[test]
    fn template_variables_in_order() {
        assert_eq!(
            template_variables("/v3/{project_id}/backups/{id}"),
            ["project_id", "id"]
        );
        assert!(template_variables("/a/{}/b").is_empty());
        assert!(template_variables("/plain").is_empty());
    }
}
