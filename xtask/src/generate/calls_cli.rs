//! `crates/gaussdb-backup-cli/src/generated_run.rs`: the CLI's dispatch of
//! every command. A hand-written operation ([`super::calls::HAND_WRITTEN`])
//! goes to its function in `run.rs`; any other to a generated function that
//! reads its flags (by progenitor's argument IDs, with progenitor's types)
//! and calls the generated `Client` method, printing as `show-job` does
//! (`output::print`, `output::report`: the same exit codes).

use anyhow::Result;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::calls::{Call, HAND_WRITTEN, Kind, Param};
use super::operations::operations;
use super::{Output, rust_output};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup-cli/src/generated_run.rs";

pub fn output(spec: &Spec, calls: &[Call]) -> Result<Output> {
    let arms = operations(&spec.value).into_iter().map(|op| {
        let variant = format_ident!(
            "{}",
            heck::ToPascalCase::to_pascal_case(op.operation_id.as_str())
        );
        let function = match HAND_WRITTEN
            .iter()
            .find(|h| h.operation_id == op.operation_id)
        {
            Some(hand) => {
                let f = format_ident!("{}", hand.run_fn);
                quote!(run::#f)
            }
            None => {
                let f = format_ident!("{}", super::cli::snake(&op.operation_id));
                quote!(#f)
            }
        };
        quote!(CliCommand::#variant => #function(client, matches).await,)
    });
    let functions = calls.iter().map(function);
    let generated_imports = if calls.is_empty() {
        quote!()
    } else {
        quote! {
            use gaussdb_backup::raw::types;
            use crate::{exit, output};
        }
    };
    let tokens = quote! {
        //! Every command's dispatch: the hand-written operations to `run.rs`,
        //! the others to a function generated here (see
        //! `xtask/src/generate/calls.rs`).
        use clap::ArgMatches;
        use gaussdb_backup::Client;
        use crate::generated_cli::CliCommand;
        use crate::run;
        #generated_imports

        /// Runs one operation's command; returns the exit code.
        pub async fn operation(client: &Client, which: CliCommand, matches: &ArgMatches) -> u8 {
            match which {
                #(#arms)*
            }
        }

        #(#functions)*
    };
    rust_output(spec, OUTPUT_PATH, "CLI dispatch", Ok(tokens), |file| {
        super::client::replacements_from_outside(file)
    })
}

/// `matches.get_one::<T>("arg-id")`, with `T` as the generated CLI parses it.
fn get_one(param: &Param) -> TokenStream {
    let ty = &param.ty;
    let id = &param.arg_id;
    quote!(matches.get_one::<#ty>(#id))
}

/// The value the client method or setter takes, from `value: &T`.
fn pass(param: &Param) -> TokenStream {
    match param.kind {
        Kind::Text(_) => quote!(value.to_string()),
        _ => quote!(value.clone()),
    }
}

fn function(call: &Call) -> TokenStream {
    let name = &call.method;
    let doc = format!(" `{}`: the generated client call.", call.operation_id);
    let mut required = Vec::new();
    let mut args = Vec::new();
    let mut optional = Vec::new();
    for p in &call.params {
        let get = get_one(p);
        let pass = pass(p);
        let ident = &p.ident;
        match p.kind {
            Kind::ProjectId => {}
            Kind::Language => optional.push(quote! {
                if let Some(value) = #get { call = call.language(value.clone()); }
            }),
            _ if p.required => {
                let message = format!("error: --{} is required", p.long);
                required.push(quote! {
                    let Some(value) = #get else {
                        eprintln!(#message);
                        return exit::USAGE;
                    };
                    let #ident = #pass;
                });
                args.push(ident);
            }
            _ => optional.push(quote! {
                if let Some(value) = #get { call = call.#ident(#pass); }
            }),
        }
    }
    quote! {
        #[doc = #doc]
        async fn #name(client: &Client, matches: &ArgMatches) -> u8 {
            #(#required)*
            #[allow(unused_mut)]
            let mut call = client.#name(#(#args),*);
            #(#optional)*
            match call.send().await {
                Ok(answer) => output::print(&answer),
                Err(err) => output::report(&err, None),
            }
        }
    }
}
