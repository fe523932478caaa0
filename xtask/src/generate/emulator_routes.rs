//! The emulator gateway's route table, from the spec's paths: the one list
//! of the operations the gateway publishes, so that an operation added to
//! the spec is published by the gateway with no hand edit (and then fails
//! `routes::every_spec_operation_is_served` until the emulator has a
//! handler for it, naming the files to complete).

use anyhow::Result;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::operations::{Operation, operations};
use super::{Output, rust_output};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup-emulator/src/generated_routes.rs";

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let ops = operations(&spec.value);
    let table = operation_enum(&ops);
    let matcher = matcher();
    let tokens = quote! {
        //! The operations the spec publishes, and the gateway's matcher.

        #table

        #matcher
    };
    Ok(vec![rust_output(
        spec,
        OUTPUT_PATH,
        "emulator route table",
        Ok(tokens),
        |_| Ok(()),
    )?])
}

/// `Operation`: one variant per operation of the spec, with its ID,
/// method and path template.
fn operation_enum(ops: &[Operation]) -> TokenStream {
    let variants: Vec<_> = ops
        .iter()
        .map(|op| format_ident!("{}", op.operation_id))
        .collect();
    let docs: Vec<String> = ops
        .iter()
        .map(|op| {
            format!(
                " `{}`: `{} {}`.",
                op.operation_id,
                op.method.to_uppercase(),
                op.path
            )
        })
        .collect();
    let ids: Vec<&str> = ops.iter().map(|op| op.operation_id.as_str()).collect();
    let methods: Vec<String> = ops.iter().map(|op| op.method.to_uppercase()).collect();
    let paths: Vec<&str> = ops.iter().map(|op| op.path.as_str()).collect();
    quote! {
        /// One operation of the spec.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Operation {
            #( #[doc = #docs] #variants, )*
        }

        impl Operation {
            /// Every operation, in the spec's order.
            pub const ALL: &'static [Operation] = &[ #( Operation::#variants, )* ];

            /// The spec's `operationId`.
            pub fn operation_id(self) -> &'static str {
                match self { #( Operation::#variants => #ids, )* }
            }

            /// The HTTP method, upper case.
            pub fn method(self) -> &'static str {
                match self { #( Operation::#variants => #methods, )* }
            }

            /// The spec's path template (`{name}` for a path parameter).
            pub fn path(self) -> &'static str {
                match self { #( Operation::#variants => #paths, )* }
            }
        }
    }
}

/// `match_operation`: the same for every spec, it reads `Operation::ALL`.
fn matcher() -> TokenStream {
    quote! {
        /// The operation a request is, as the gateway's route table reads it:
        /// the method must be the template's, each literal segment equal, each
        /// `{parameter}` segment non-empty. Where two templates match, the one
        /// with more literal segments wins (as in the router).
        pub fn match_operation(method: &str, path: &str) -> Option<Operation> {
            Operation::ALL
                .iter()
                .copied()
                .filter(|op| op.method() == method)
                .filter_map(|op| literal_segments(op.path(), path).map(|n| (n, op)))
                .max_by_key(|(literal, _)| *literal)
                .map(|(_, op)| op)
        }

        /// How many literal segments of `template` `path` matches, or `None`
        /// when it does not match. (Walks both without collecting them: this
        /// runs for every request.)
        fn literal_segments(template: &str, path: &str) -> Option<usize> {
            let (mut template, mut path) = (template.split('/'), path.split('/'));
            let mut literal = 0;
            loop {
                match (template.next(), path.next()) {
                    (None, None) => return Some(literal),
                    (Some(t), Some(s)) if t.starts_with('{') && t.ends_with('}') => {
                        if s.is_empty() {
                            return None;
                        }
                    }
                    (Some(t), Some(s)) if t == s => literal += 1,
                    _ => return None,
                }
            }
        }
    }
}
