//! The per-operation plumbing that is a copy of its neighbour, generated:
//! for every operation of the spec that is not in [`HAND_WRITTEN`], a call
//! builder and a `Client` method in the client crate
//! (`crates/gaussdb-backup/src/generated_calls.rs`, written by
//! `calls_client.rs`), and the CLI's dispatch of every command
//! (`crates/gaussdb-backup-cli/src/generated_run.rs`, written by
//! `calls_cli.rs`): hand-written operations to their functions in `run.rs`,
//! the others to a generated function that calls the generated method.
//!
//! What each operation takes is read from progenitor's own builder for it
//! (its fields: setter names and Rust types; its `send`: the response
//! type), and from the spec (which inputs are required, their rules). An
//! operation this cannot express (a request body, a non-JSON answer) fails
//! generation, naming the list to add it to.

use anyhow::{Context, Result, anyhow, bail};
use quote::format_ident;
use serde_json::Value;

use super::cli::{long_flag, snake};
use super::operations::{Operation, operations};
use super::{Output, calls_cli, calls_client, client};
use crate::spec::Spec;

/// An operation whose client call and CLI command are written by hand,
/// because it does more than send one request and return its answer.
pub struct HandWritten {
    pub operation_id: &'static str,
    /// Its function in `crates/gaussdb-backup-cli/src/run.rs`.
    pub run_fn: &'static str,
    /// Why it is hand-written (documentation; not read).
    #[allow(dead_code)]
    pub why: &'static str,
}

/// The one list of hand-written operations. Every other operation of the
/// spec gets a generated `Client` method and CLI command.
pub const HAND_WRITTEN: &[HandWritten] = &[
    HandWritten {
        operation_id: "CreateGaussMySqlBackup",
        run_fn: "create",
        why: "an unreadable 2xx is `Error::BackupMayHaveStarted` with the job ID, \
              busy answers are retried on request, `--wait` runs the waiter",
    },
    HandWritten {
        operation_id: "ShowGaussMySqlBackupList",
        run_fn: "list",
        why: "a paging `Stream` bounded by `max_items`; the CLI's `--all`",
    },
    HandWritten {
        operation_id: "ShowGaussMySqlJobInfo",
        run_fn: "show_job",
        why: "`Client::job` returns the `Job` itself, not its envelope (the waiter \
              reads it); a generated method would change that public API",
    },
    HandWritten {
        operation_id: "DeleteGaussMySqlBackup",
        run_fn: "delete",
        why: "a 2xx whose body cannot be read is still a success (an empty \
              `DeleteBackupResponse`): the backup is being deleted",
    },
];

/// An operation with generated plumbing.
pub struct Call {
    pub operation_id: String,
    /// `show_gauss_my_sql_backup_policy`: the `Client` method and
    /// progenitor's builder method.
    pub method: syn::Ident,
    /// `ShowGaussMySqlBackupPolicy`: the call builder (and progenitor's).
    pub builder: syn::Ident,
    /// `GET /v3/{project_id}/…`.
    pub route: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub params: Vec<Param>,
    /// The success body's type, as the client crate names it.
    pub response: syn::Type,
}

/// A parameter of a generated call.
pub struct Param {
    /// As the spec names it: `instance_id`.
    pub name: String,
    /// progenitor's setter, also the argument's name in the call builder.
    pub ident: syn::Ident,
    /// progenitor's argument ID in the CLI: `instance-id`.
    pub arg_id: String,
    /// The flag users type: `--instance-id`.
    pub long: String,
    /// The Rust type progenitor's builder takes, as the client crate names it.
    pub ty: syn::Type,
    pub required: bool,
    pub description: Option<String>,
    pub kind: Kind,
}

/// How a call takes a parameter.
pub enum Kind {
    /// `project_id`: the client's own.
    ProjectId,
    /// `X-Language`: `.language()`, defaulting to the client's.
    Language,
    /// Text, as `impl Into<String>`; `Some(rule)` when a generated type
    /// checks it when the call is sent, the rule in words.
    Text(Option<String>),
    /// Any other type (a number, an enum), taken as its Rust type.
    Typed,
}

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let calls = calls(spec)?;
    Ok(vec![
        calls_client::output(spec, &calls)?,
        calls_cli::output(spec, &calls)?,
    ])
}

/// Every operation not hand-written, with what its plumbing needs.
pub fn calls(spec: &Spec) -> Result<Vec<Call>> {
    let ops = operations(&spec.value);
    for hand in HAND_WRITTEN {
        if !ops.iter().any(|op| op.operation_id == hand.operation_id) {
            bail!(
                "xtask/src/generate/calls.rs: HAND_WRITTEN lists {}, which the spec does not have",
                hand.operation_id
            );
        }
    }
    let tokens = client::run(&client::settings(), &spec.openapi, |g, o| {
        g.generate_tokens(o)
    })
    .map_err(|e| anyhow!("progenitor cannot generate the client: {e}"))?;
    let file: syn::File = syn::parse2(tokens).context("the generated client does not parse")?;
    let builders = builder_module(&file)?;
    ops.iter()
        .filter(|op| {
            !HAND_WRITTEN
                .iter()
                .any(|h| h.operation_id == op.operation_id)
        })
        .map(|op| call(op, builders).with_context(|| format!("operation {}", op.operation_id)))
        .collect()
}

/// progenitor's `pub mod builder { … }`, at the top of the client.
fn builder_module(file: &syn::File) -> Result<&[syn::Item]> {
    file.items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|c| &c.1[..]),
            _ => None,
        })
        .ok_or_else(|| anyhow!("progenitor's client has no `builder` module"))
}

fn call(op: &Operation, builders: &[syn::Item]) -> Result<Call> {
    let pascal = heck::ToPascalCase::to_pascal_case(op.operation_id.as_str());
    let fields = builder_fields(builders, &pascal)?;
    let mut params = Vec::new();
    for (ident, ty) in fields {
        if ident == "body" {
            bail!(
                "it has a request body, which generated calls do not take: write its call \
                 by hand and add it to HAND_WRITTEN in xtask/src/generate/calls.rs"
            );
        }
        let input = op
            .inputs
            .iter()
            .find(|i| !i.in_body && snake(&i.name) == ident.to_string().trim_end_matches('_'))
            .ok_or_else(|| anyhow!("progenitor's `{ident}` is no parameter of the spec"))?;
        let kind = kind(&input.name, input.in_header, &ty, &input.schema);
        if matches!(kind, Kind::Typed | Kind::Text(_))
            && ["language", "send"].contains(&ident.to_string().as_str())
        {
            bail!("its parameter `{ident}` would hide the call builder's own method");
        }
        params.push(Param {
            name: input.name.clone(),
            arg_id: input.flag(),
            long: long_flag(op, input),
            ident,
            ty,
            required: input.required,
            description: input.description.clone(),
            kind,
        });
    }
    Ok(Call {
        operation_id: op.operation_id.clone(),
        method: format_ident!("{}", snake(&op.operation_id)),
        builder: format_ident!("{pascal}"),
        route: format!("{} {}", op.method.to_uppercase(), op.path),
        summary: op.summary.clone(),
        description: op.description.clone(),
        params,
        response: response_type(builders, &pascal)?,
    })
}

/// The fields of progenitor's builder `name` (without `client`), each
/// with the type it holds (`Result<T, String>` or `Result<Option<T>, String>`).
fn builder_fields(builders: &[syn::Item], name: &str) -> Result<Vec<(syn::Ident, syn::Type)>> {
    let strukt = builders
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == name => Some(s),
            _ => None,
        })
        .ok_or_else(|| anyhow!("progenitor generated no builder `{name}`"))?;
    let mut fields = Vec::new();
    for field in &strukt.fields {
        let ident = field.ident.clone().context("a tuple builder")?;
        if ident == "client" {
            continue;
        }
        let held = first_generic(&field.ty, "Result")
            .ok_or_else(|| anyhow!("builder field `{ident}` is not a `Result`"))?;
        let ty = first_generic(held, "Option").unwrap_or(held).clone();
        fields.push((ident, ty));
    }
    Ok(fields)
}

/// `T` of `Outer<T, …>`, when `ty` is that.
fn first_generic<'a>(ty: &'a syn::Type, outer: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != outer {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The success body's type: `T` of `send`'s `Result<ResponseValue<T>, _>`.
fn response_type(builders: &[syn::Item], name: &str) -> Result<syn::Type> {
    let send = builders
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(i) => Some(i),
            _ => None,
        })
        .filter(|i| matches!(&*i.self_ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name)))
        .flat_map(|i| &i.items)
        .find_map(|item| match item {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
            _ => None,
        })
        .ok_or_else(|| anyhow!("progenitor's builder `{name}` has no `send`"))?;
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        bail!("`{name}::send` returns nothing");
    };
    first_generic(ty, "Result")
        .and_then(|t| first_generic(t, "ResponseValue"))
        .filter(|t| !quote::ToTokens::to_token_stream(t).to_string().contains("ByteStream"))
        .cloned()
        .ok_or_else(|| anyhow!("its success answer is not JSON: write its call by hand and add it to HAND_WRITTEN in xtask/src/generate/calls.rs"))
}

/// How a call takes the input `name` whose builder type is `ty`.
fn kind(name: &str, in_header: bool, ty: &syn::Type, schema: &Value) -> Kind {
    if name == "project_id" && !in_header {
        return Kind::ProjectId;
    }
    if in_header && name.eq_ignore_ascii_case("X-Language") {
        return Kind::Language;
    }
    let text = quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(' ', "");
    if text == "::std::string::String" {
        return Kind::Text(None);
    }
    if text.starts_with("types::") && schema["type"] == "string" && schema.get("enum").is_none() {
        return Kind::Text(Some(rule_in_words(schema)));
    }
    Kind::Typed
}

/// A string schema's rule in words, from its constraints.
pub fn rule_in_words(schema: &Value) -> String {
    let min = schema["minLength"].as_u64();
    let max = schema["maxLength"].as_u64();
    let mut rule = match (min, max) {
        (Some(a), Some(b)) if a == b => format!("must be {a} characters"),
        (Some(a), Some(b)) => format!("must be {a} to {b} characters"),
        (Some(1), None) => "must not be empty".to_owned(),
        (Some(a), None) => format!("must be at least {a} characters"),
        (None, Some(b)) => format!("must be at most {b} characters"),
        (None, None) => String::new(),
    };
    if let Some(pattern) = schema["pattern"].as_str() {
        rule = if rule.is_empty() {
            format!("must match the pattern {pattern}")
        } else {
            format!("{rule} and match the pattern {pattern}")
        };
    }
    if rule.is_empty() {
        "must be what the spec allows".to_owned()
    } else {
        rule
    }
}

#[cfg(test)]
#[path = "calls_tests.rs"]
mod tests;
