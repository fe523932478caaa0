//! Printing generated Rust with [prettyplease], as progenitor's own examples
//! do, instead of the rustfmt on PATH.
//!
//! The bytes of a generated file then depend only on the locked versions of
//! progenitor, syn and prettyplease: not on which rustfmt is installed, its
//! version, or a `rustfmt.toml` in a directory above the checkout. That is
//! what lets `cargo xtask generate --check` compare bytes on every machine.

use anyhow::{Context, Result};
use proc_macro2::TokenStream;

/// Parses progenitor's tokens as a Rust file, so that it can be
/// post-processed and printed.
pub fn parse(tokens: TokenStream, what: &str) -> Result<syn::File> {
    syn::parse2(tokens).with_context(|| format!("progenitor's {what} is not a valid Rust file"))
}

/// Prints a file: `header` (comments prettyplease cannot carry), then the
/// code. Ends with exactly one newline.
pub fn unparse(header: &str, file: &syn::File) -> String {
    let code = prettyplease::unparse(file);
    let mut out = String::with_capacity(header.len() + code.len());
    out.push_str(header);
    out.push_str(code.trim_end());
    out.push('\n');
    out
}
