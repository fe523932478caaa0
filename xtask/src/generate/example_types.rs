//! The examples test's table from schema name to Rust type
//! (`tests/generated_example_types.rs`): every component schema, as the
//! generated client names it (`gaussdb_backup::types::Backup`), or the
//! hand-written type that replaces it (`gaussdb_backup::Timestamp`). A
//! schema added to the spec is then checked against its examples with no
//! hand edit.

use anyhow::{Context, Result};
use quote::quote;

use super::client::REPLACEMENTS;
use super::{Output, rust_output};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "tests/generated_example_types.rs";

/// The Rust type of a schema, named from outside the client crate.
fn rust_type(schema: &str) -> Result<syn::Path> {
    let path = match REPLACEMENTS.iter().find(|(name, _, _)| *name == schema) {
        Some((_, rust_type, _)) => rust_type.replacen("crate::", "gaussdb_backup::", 1),
        None => format!("gaussdb_backup::types::{schema}"),
    };
    syn::parse_str(&path).with_context(|| format!("schema {schema}: no Rust path {path}"))
}

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let names: Vec<&String> = spec.value["components"]["schemas"]
        .as_object()
        .into_iter()
        .flat_map(|schemas| schemas.keys())
        .collect();
    let types = names
        .iter()
        .map(|name| rust_type(name))
        .collect::<Result<Vec<_>>>()?;
    let tokens = quote! {
        //! Schema name → Rust type, for `tests/examples.rs`.

        /// Something done with a value as one Rust type.
        pub trait Check {
            /// Does it with `value` as a `T`.
            fn check<T>(&self, value: &serde_json::Value) -> String
            where
                T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug;
        }

        /// Runs `check` with the Rust type of the component schema `schema`;
        /// `None` for a name that is not a component schema.
        pub fn by_schema(
            schema: &str,
            value: &serde_json::Value,
            check: &impl Check,
        ) -> Option<String> {
            Some(match schema {
                #( #names => check.check::<#types>(value), )*
                _ => return None,
            })
        }
    };
    Ok(vec![rust_output(
        spec,
        OUTPUT_PATH,
        "examples' type table",
        Ok(tokens),
        |_| Ok(()),
    )?])
}
