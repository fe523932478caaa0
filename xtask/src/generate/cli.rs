//! The CLI's generated code: progenitor's CLI generator, written to
//! `crates/gaussdb-backup-cli/src/generated_cli.rs`, against the client
//! crate's `raw` module (the generated client, builders and types).
//!
//! progenitor's output is then edited as a syntax tree, from the spec, so
//! that the command explains itself:
//! - every flag gets its parameter's or property's description (progenitor
//!   leaves out the description of a property whose schema is a `$ref`): the
//!   first sentence as `help` (`-h`), the whole text as `long_help`
//!   (`--help`);
//! - a flag the spec requires is `required(true)`. A body property's flag
//!   `conflicts_with("json-body")` instead of progenitor's
//!   `required_unless_present("json-body")`: clap then shows it as required,
//!   `--json-body FILE` stays the alternative, and a flag given with
//!   `--json-body` is refused rather than silently overwritten by the file;
//! - the command's `about` is the summary (one line in the command list),
//!   `long_about` the description, `after_help` an example invocation built
//!   from the spec's examples;
//! - progenitor's `--json-body-template` (declared, never implemented) is
//!   removed;
//! - `CliCommand::name` and `CliCommand::alias` give each command its name,
//!   and `project_id_hooks!` implements the per-operation hook that sets the
//!   project ID the CLI resolved (flag, environment, config file).

use anyhow::{Context, Result, anyhow, bail};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{Expr, ExprMethodCall, ImplItem, Item, parse_quote};

use super::operations::{Input, Operation, operations};
use super::{Output, client, rust_output};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup-cli/src/generated_cli.rs";

/// The program's name, for the example invocations.
const PROGRAM: &str = "gaussdb-backup";

/// Words dropped from operation IDs to name commands: Huawei's IDs repeat
/// the service (`CreateGaussMySqlBackup`); the command is `create-backup`.
/// The full kebab-case ID stays an alias.
const NAME_NOISE: &[&str] = &["gauss-my-sql-"];

/// Commands named otherwise than by the rule above, where Huawei's ID reads
/// badly as a command (`show-backup-list`).
const NAMES: &[(&str, &str)] = &[
    ("ShowGaussMySqlJobInfo", "show-job"),
    ("ShowGaussMySqlBackupList", "list-backups"),
];

/// Flags renamed from the input's name, by operation: `show-job --id` would
/// not say which ID.
const FLAG_NAMES: &[(&str, &str, &str)] = &[("ShowGaussMySqlJobInfo", "id", "job-id")];

/// The flag users type for an input (its argument ID stays progenitor's).
pub fn long_flag(op: &Operation, input: &Input) -> String {
    let id = input.flag();
    FLAG_NAMES
        .iter()
        .find(|(op_id, from, _)| *op_id == op.operation_id && *from == id)
        .map_or(id, |(_, _, to)| (*to).to_owned())
}

/// Flags the CLI resolves itself (see `crates/gaussdb-backup-cli/src/config.rs`),
/// left out of the examples: the project ID also comes from
/// `HUAWEICLOUD_SDK_PROJECT_ID` or the config file.
const RESOLVED_BY_THE_CLI: &[&str] = &["project-id"];

/// progenitor's body flags that are not properties.
const JSON_BODY: &str = "json-body";
const JSON_BODY_TEMPLATE: &str = "json-body-template";

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let tokens = client::run(&client::settings(), &spec.openapi, |generator, openapi| {
        generator.cli(openapi, "gaussdb_backup::raw")
    });
    let ops = operations(&spec.value);
    Ok(vec![rust_output(
        spec,
        OUTPUT_PATH,
        "CLI",
        tokens,
        |file| {
            client::replacements_from_outside(file)?;
            edit(file, &ops)
        },
    )?])
}

/// The command name of an operation: from [`NAMES`], else kebab case
/// without [`NAME_NOISE`].
pub fn command_name(operation_id: &str) -> String {
    if let Some((_, name)) = NAMES.iter().find(|(id, _)| *id == operation_id) {
        return (*name).to_owned();
    }
    let mut name = heck::ToKebabCase::to_kebab_case(operation_id);
    for noise in NAME_NOISE {
        name = name.replace(noise, "");
    }
    name
}

pub fn snake(operation_id: &str) -> String {
    heck::ToSnakeCase::to_snake_case(operation_id)
}

fn edit(file: &mut syn::File, ops: &[Operation]) -> Result<()> {
    let mut seen = Vec::new();
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        for member in &mut block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let name = function.sig.ident.to_string();
            let Some(op_name) = name.strip_prefix("cli_") else {
                continue;
            };
            let op = ops
                .iter()
                .find(|op| snake(&op.operation_id) == op_name)
                .ok_or_else(|| anyhow!("progenitor's `{name}` matches no operation of the spec"))?;
            let Some(syn::Stmt::Expr(body, None)) = function.block.stmts.last_mut() else {
                bail!("progenitor's `{name}` does not end in the command expression");
            };
            let command = std::mem::replace(body, Expr::Verbatim(TokenStream::new()));
            *body = edit_command(command, op).with_context(|| format!("in `{name}`"))?;
            seen.push(op.operation_id.clone());
        }
    }
    if let Some(missing) = ops.iter().find(|op| !seen.contains(&op.operation_id)) {
        bail!(
            "progenitor generated no command for the operation {}",
            missing.operation_id
        );
    }
    let mut names: Vec<String> = ops
        .iter()
        .map(|op| command_name(&op.operation_id))
        .collect();
    names.sort();
    if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
        bail!("two operations would both be the command `{}`", pair[0]);
    }
    file.items.extend(extra_items(ops)?);
    Ok(())
}

/// Splits `root.a(..).b(..)` into `root` and the calls `a`, `b` (in order).
fn unchain(mut expr: Expr) -> (Expr, Vec<ExprMethodCall>) {
    let mut calls = Vec::new();
    loop {
        match expr {
            Expr::MethodCall(mut call) => {
                expr = std::mem::replace(&mut *call.receiver, Expr::Verbatim(TokenStream::new()));
                calls.push(call);
            }
            other => {
                calls.reverse();
                return (other, calls);
            }
        }
    }
}

fn rechain(root: Expr, calls: Vec<ExprMethodCall>) -> Expr {
    calls.into_iter().fold(root, |receiver, mut call| {
        *call.receiver = receiver;
        Expr::MethodCall(call)
    })
}

/// `x.method(args)`, whose receiver [`rechain`] replaces.
fn call(method: &str, args: TokenStream) -> ExprMethodCall {
    let method = format_ident!("{method}");
    parse_quote!(x.#method(#args))
}

/// A string as Rust tokens: `concat!` of pieces of at most [`PIECE`]
/// characters (split after a newline or a space) when it is longer, so that
/// the generated file keeps short lines.
fn text_tokens(text: &str) -> TokenStream {
    let pieces = pieces(text);
    if pieces.len() <= 1 {
        quote!(#text)
    } else {
        quote!(concat!(#(#pieces),*))
    }
}

const PIECE: usize = 60;

fn pieces(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    for line in text.split_inclusive('\n') {
        let mut current = String::new();
        for word in line.split_inclusive(' ') {
            if !current.is_empty() && current.len() + word.len() > PIECE {
                pieces.push(std::mem::take(&mut current));
            }
            current.push_str(word);
        }
        if !current.is_empty() {
            pieces.push(current);
        }
    }
    pieces
}

/// The string literal argument of `Arg::new("…")`.
fn arg_id(root: &Expr) -> Option<String> {
    let Expr::Call(call) = root else { return None };
    match call.args.first()? {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

fn edit_command(command: Expr, op: &Operation) -> Result<Expr> {
    let (root, calls) = unchain(command);
    let mut kept = Vec::new();
    for mut c in calls {
        match c.method.to_string().as_str() {
            "about" | "long_about" | "after_help" => continue,
            "arg" => {
                let arg = c
                    .args
                    .pop()
                    .map(|p| p.into_value())
                    .ok_or_else(|| anyhow!("an `.arg()` without an argument"))?;
                let (arg_root, arg_calls) = unchain(arg);
                let flag = arg_id(&arg_root)
                    .ok_or_else(|| anyhow!("an argument that is not `Arg::new(\"…\")`"))?;
                if flag == JSON_BODY_TEMPLATE {
                    continue;
                }
                let arg_calls = edit_arg(&flag, arg_calls, op)?;
                c.args.push(rechain(arg_root, arg_calls));
                kept.push(c);
            }
            _ => kept.push(c),
        }
    }
    if let Some(summary) = &op.summary {
        kept.push(call("about", text_tokens(&one_line(summary))));
    }
    if let Some(description) = &op.description {
        kept.push(call("long_about", text_tokens(description)));
    }
    kept.push(call("after_help", text_tokens(&example(op))));
    Ok(rechain(root, kept))
}

fn edit_arg(flag: &str, calls: Vec<ExprMethodCall>, op: &Operation) -> Result<Vec<ExprMethodCall>> {
    if flag == JSON_BODY {
        // progenitor's flag, kept as it is: required only when the body
        // cannot be given with flags.
        return Ok(calls);
    }
    let input = op.input_for_flag(flag).ok_or_else(|| {
        anyhow!(
            "progenitor's flag --{flag} of {} is no parameter or body property of the spec",
            op.operation_id
        )
    })?;
    let mut kept: Vec<ExprMethodCall> = calls
        .into_iter()
        .filter(|c| {
            !matches!(
                c.method.to_string().as_str(),
                "required"
                    | "required_unless_present"
                    | "help"
                    | "long_help"
                    | "conflicts_with"
                    | "long"
            )
        })
        .collect();
    let long = long_flag(op, input);
    kept.push(call("long", quote!(#long)));
    if !kept.iter().any(|c| c.method == "value_name") {
        let value_name = long.to_uppercase().replace('-', "_");
        kept.push(call("value_name", quote!(#value_name)));
    }
    let required = input.required;
    kept.push(call("required", quote!(#required)));
    if input.in_body {
        kept.push(call("conflicts_with", quote!(#JSON_BODY)));
    }
    if let Some(description) = &input.description {
        let short = first_sentence(description);
        kept.push(call("help", text_tokens(&short)));
        if one_line(description) != short {
            kept.push(call("long_help", text_tokens(description)));
        }
    }
    Ok(kept)
}

/// Collapses whitespace: one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentence of the first paragraph, on one line.
fn first_sentence(text: &str) -> String {
    let paragraph = one_line(text.split("\n\n").next().unwrap_or(text));
    match paragraph.find(". ") {
        Some(end) => paragraph[..=end].to_owned(),
        None => paragraph,
    }
}

/// A value as a shell word, quoted when it needs to be.
fn shell_word(value: &Value) -> String {
    let raw = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let plain = !raw.is_empty()
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.,:/@%+=".contains(c));
    if plain {
        raw
    } else {
        format!("'{}'", raw.replace('\'', r"'\''"))
    }
}

/// `Example:` and one invocation: every required input, and the body
/// properties of the spec's request example (or, when that is nothing, the
/// first parameter, not a header, with an example).
fn example(op: &Operation) -> String {
    let mut line = format!("{PROGRAM} {}", command_name(&op.operation_id));
    let shown = |input: &&Input| {
        !RESOLVED_BY_THE_CLI.contains(&input.flag().as_str())
            && (input.required || (input.in_body && input.example.is_some()))
    };
    let mut inputs: Vec<&Input> = op.inputs.iter().filter(shown).collect();
    if inputs.is_empty() {
        // Nothing is required: show one filter the spec has an example for.
        inputs.extend(op.inputs.iter().find(|input| {
            !RESOLVED_BY_THE_CLI.contains(&input.flag().as_str())
                && !input.in_header
                && input.example.is_some()
        }));
    }
    for input in inputs {
        let value = match &input.example {
            Some(Value::Object(_) | Value::Array(_)) | None => {
                format!("<{}>", long_flag(op, input).to_uppercase())
            }
            Some(value) => shell_word(value),
        };
        line.push_str(&format!(" \\\n    --{} {value}", long_flag(op, input)));
    }
    format!("Example:\n  {line}")
}

/// `CliCommand::name`, `CliCommand::alias`, and `project_id_hooks!`.
fn extra_items(ops: &[Operation]) -> Result<Vec<Item>> {
    let variants: Vec<syn::Ident> = ops
        .iter()
        .map(|op| {
            format_ident!(
                "{}",
                heck::ToPascalCase::to_pascal_case(op.operation_id.as_str())
            )
        })
        .collect();
    let names: Vec<String> = ops
        .iter()
        .map(|op| command_name(&op.operation_id))
        .collect();
    let aliases: Vec<String> = ops
        .iter()
        .map(|op| heck::ToKebabCase::to_kebab_case(op.operation_id.as_str()))
        .collect();
    let with_project: Vec<&Operation> = ops
        .iter()
        .filter(|op| {
            op.inputs
                .iter()
                .any(|i| !i.in_body && i.name == "project_id")
        })
        .collect();
    let hooks = with_project
        .iter()
        .map(|op| format_ident!("execute_{}", snake(&op.operation_id)));
    let builders = with_project.iter().map(|op| {
        format_ident!(
            "{}",
            heck::ToPascalCase::to_pascal_case(op.operation_id.as_str())
        )
    });
    let tokens = quote! {
        impl CliCommand {
            /// The command's name: the operation ID in kebab case, without
            /// the service's name.
            pub fn name(&self) -> &'static str {
                match self {
                    #(CliCommand::#variants => #names,)*
                }
            }
            /// The operation ID in kebab case: an alias of the command.
            pub fn alias(&self) -> &'static str {
                match self {
                    #(CliCommand::#variants => #aliases,)*
                }
            }
        }
        /// Implements `CliConfig`'s hook of every operation with a
        /// `project_id` path parameter: `project_id_hooks!(self =>
        /// expression)` sets the project ID to the expression.
        macro_rules! project_id_hooks {
            ($self:ident => $project_id:expr) => {
                #(
                    fn #hooks(
                        &$self,
                        _: &::clap::ArgMatches,
                        request: &mut gaussdb_backup::raw::builder::#builders,
                    ) -> anyhow::Result<()> {
                        *request = request.clone().project_id($project_id);
                        Ok(())
                    }
                )*
            };
        }
        pub(crate) use project_id_hooks;
    };
    let file: syn::File = syn::parse2(tokens).context("the CLI's extra items do not parse")?;
    Ok(file.items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_the_service() {
        assert_eq!(command_name("CreateGaussMySqlBackup"), "create-backup");
        assert_eq!(command_name("ShowGaussMySqlJobInfo"), "show-job");
        assert_eq!(command_name("DeleteGaussMySqlBackup"), "delete-backup");
        assert_eq!(command_name("ListThings"), "list-things");
    }

    #[test]
    fn first_sentence_of_a_description() {
        assert_eq!(
            first_sentence("ID of a thing: 32\ncharacters. More words.\n\nNext."),
            "ID of a thing: 32 characters."
        );
        assert_eq!(first_sentence("No full stop"), "No full stop");
    }

    #[test]
    fn long_text_is_split_into_pieces_that_join_to_it() {
        let text =
            "a long line of words that goes on and on past sixty characters for sure\nshort\n";
        let pieces = pieces(text);
        assert!(pieces.len() > 2, "{pieces:?}");
        assert!(pieces.iter().all(|p| p.len() <= PIECE), "{pieces:?}");
        assert_eq!(pieces.concat(), text);
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word(&Value::from("backup-1")), "backup-1");
        assert_eq!(shell_word(&Value::from("Manual backup")), "'Manual backup'");
        assert_eq!(shell_word(&Value::from("it's")), r"'it'\''s'");
        assert_eq!(shell_word(&Value::from(3)), "3");
    }
}
