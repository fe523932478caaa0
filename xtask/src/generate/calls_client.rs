//! `crates/gaussdb-backup/src/generated_calls.rs`: for each generated
//! operation ([`super::calls`]), a call builder and a `Client` method that
//! do what `job.rs` does by hand: check the arguments with the generated
//! types (`Error::InvalidArgument`, nothing sent), set the client's project
//! and language, send through `Client::generated` and read the answer with
//! `Client::finish` (the crate's errors, any 2xx a success).

use anyhow::Result;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::calls::{Call, Kind, Param};
use super::{Output, rust_output};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup/src/generated_calls.rs";

pub fn output(spec: &Spec, calls: &[Call]) -> Result<Output> {
    let items = calls.iter().map(call_items);
    let imports = if calls.is_empty() {
        quote!()
    } else {
        quote! {
            use crate::client::Client;
            use crate::generated::types;
            use crate::{Error, Language};
        }
    };
    let tokens = quote! {
        //! The `Client` methods and call builders of the operations that need
        //! no hand-written behaviour (every operation not in `HAND_WRITTEN`
        //! of `xtask/src/generate/calls.rs`).
        #imports
        #(#items)*
    };
    rust_output(spec, OUTPUT_PATH, "generated calls", Ok(tokens), |_| Ok(()))
}

/// The field or argument type of a parameter in the call builder.
fn held_type(param: &Param) -> TokenStream {
    let inner = match param.kind {
        Kind::Text(_) => quote!(String),
        _ => {
            let ty = &param.ty;
            quote!(#ty)
        }
    };
    if param.required {
        inner
    } else {
        quote!(Option<#inner>)
    }
}

/// Parameters a caller gives (not the project, not the language).
fn given(call: &Call) -> impl Iterator<Item = &Param> {
    call.params
        .iter()
        .filter(|p| matches!(p.kind, Kind::Text(_) | Kind::Typed))
}

fn doc_lines(text: &str) -> Vec<String> {
    text.lines().map(|l| format!(" {l}")).collect()
}

fn call_items(call: &Call) -> TokenStream {
    let Call {
        operation_id,
        method,
        builder,
        route,
        ..
    } = call;
    let summary = call.summary.clone().unwrap_or_else(|| operation_id.clone());
    let method_doc = doc_lines(&format!(
        "{summary} (`{route}`, `{operation_id}`).\n\n{}",
        call.description.as_deref().unwrap_or("")
    ));
    let struct_doc =
        format!(" A `{operation_id}` call being prepared; send it with [`{builder}::send`].");
    let required: Vec<&Param> = given(call).filter(|p| p.required).collect();
    let req_idents: Vec<_> = required.iter().map(|p| &p.ident).collect();
    let req_args = required.iter().map(|p| {
        let ident = &p.ident;
        match p.kind {
            Kind::Text(_) => quote!(#ident: impl Into<String>),
            _ => {
                let ty = &p.ty;
                quote!(#ident: #ty)
            }
        }
    });
    let req_values = required.iter().map(|p| {
        let ident = &p.ident;
        match p.kind {
            Kind::Text(_) => quote!(#ident.into()),
            _ => quote!(#ident),
        }
    });
    let fields = given(call).map(|p| {
        let ident = &p.ident;
        let ty = held_type(p);
        quote!(#ident: #ty)
    });
    let optional_inits = given(call).filter(|p| !p.required).map(|p| {
        let ident = &p.ident;
        quote!(#ident: None)
    });
    let setters = given(call).filter(|p| !p.required).map(setter);
    let send = send(call);
    quote! {
        #[doc = #struct_doc]
        #[derive(Debug)]
        #[must_use = "nothing is sent until `.send().await`"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#fields,)*
            language: Option<Language>,
        }

        impl Client {
            #(#[doc = #method_doc])*
            pub fn #method(&self, #(#req_args),*) -> #builder<'_> {
                #builder {
                    client: self,
                    #(#req_idents: #req_values,)*
                    #(#optional_inits,)*
                    language: self.language().cloned(),
                }
            }
        }

        impl #builder<'_> {
            #(#setters)*

            /// The language of the service's messages for this call (`X-Language`).
            pub fn language(mut self, language: Language) -> Self {
                self.language = Some(language);
                self
            }

            #send
        }
    }
}

fn setter(param: &Param) -> TokenStream {
    let ident = &param.ident;
    let doc = doc_lines(
        param
            .description
            .as_deref()
            .unwrap_or(&format!("Sets `{}`.", param.name)),
    );
    let (arg, value) = match param.kind {
        Kind::Text(_) => (quote!(impl Into<String>), quote!(value.into())),
        _ => {
            let ty = &param.ty;
            (quote!(#ty), quote!(value))
        }
    };
    quote! {
        #(#[doc = #doc])*
        pub fn #ident(mut self, value: #arg) -> Self {
            self.#ident = Some(#value);
            self
        }
    }
}

/// `send`: check, build progenitor's call, send, `finish`.
fn send(call: &Call) -> TokenStream {
    let method = &call.method;
    let response = &call.response;
    let checks = given(call).map(check);
    let mut sets = Vec::new();
    for p in &call.params {
        let ident = &p.ident;
        sets.push(match &p.kind {
            Kind::ProjectId => quote!(call = call.#ident(client.project_id().clone());),
            Kind::Language => {
                quote!(if let Some(language) = language { call = call.#ident(language); })
            }
            _ if p.required => quote!(call = call.#ident(#ident);),
            _ => quote!(if let Some(value) = #ident { call = call.#ident(value); }),
        });
    }
    let names = given(call).map(|p| &p.ident);
    quote! {
        /// Sends the call. An argument that breaks the spec's rules is
        /// [`Error::InvalidArgument`] and nothing is sent; any 2xx answer is
        /// a success.
        pub async fn send(self) -> Result<#response, Error> {
            let Self { client, #(#names,)* language } = self;
            #(#checks)*
            let (generated, context) = client.generated();
            let mut call = generated.#method();
            #(#sets)*
            let result = call.send().await;
            Ok(client.finish(result, &context)?.body)
        }
    }
}

/// A text argument checked with its generated type, in the rule's words.
fn check(param: &Param) -> TokenStream {
    let ident = &param.ident;
    let Kind::Text(Some(rule)) = &param.kind else {
        return quote!();
    };
    let ty = &param.ty;
    let name = &param.name;
    let error = quote!(|_| Error::invalid(#name, #rule));
    let checked = format_ident!("{ident}");
    if param.required {
        quote!(let #checked = <#ty>::try_from(#ident.as_str()).map_err(#error)?;)
    } else {
        quote!(let #checked = #ident.as_deref().map(<#ty>::try_from).transpose().map_err(#error)?;)
    }
}
