//! `openapi-check`: a fast, precise linter for OpenAPI 3.0 documents (YAML or
//! JSON).
//!
//! Every finding has a stable rule id ([`RULES`]), a severity, a message, a
//! JSON pointer and a `line:column` span. Checks cover the official OpenAPI
//! 3.0 JSON Schema, references (local and file, never remote), operations and
//! parameters, examples/defaults/enums validated against their schemas with
//! OpenAPI's semantics, schema sanity, what the progenitor client generator
//! cannot handle, and hygiene.
//!
//! ```
//! use openapi_check::{Options, Source, check_source};
//!
//! let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
//! let report = check_source(Source::new("spec.yaml", spec), &Options::default());
//! assert!(report.findings.iter().all(|f| f.rule != "oas3-schema"));
//! ```
//!
//! # Speed
//! For JSON, source positions cost nothing until there is a finding to place:
//! parsing builds a plain `serde_json::Value`, and only the pointers that
//! findings name are located, in one pass over the source, at the end. YAML
//! is parsed once, positions included.
//!
//! # Why these crates
//! - `serde_json` parses JSON (nesting bounded), with a custom visitor for
//!   duplicate keys.
//! - `saphyr-parser` parses YAML once: its spanned events build the value and
//!   the positions together (nesting and alias expansion bounded).
//! - `fancy-regex` over `jsonschema-regex`'s ECMA-262 translation matches
//!   patterns in bounded time; `regress` decides whether a pattern is valid.
//! - `chrono`, `email_address`, `base64` and `std::net` check formats.
//! - `jsonschema` validates against the official OpenAPI 3.0 schema (draft-04).
//! - `regress` checks patterns as ECMA-262, the engine of the generated client.
//! - `annotate-snippets` draws codeframes, as rustc does.
//! - `clap` parses the command line.
#![deny(missing_docs)]

mod check;
mod config;
mod cut;
pub mod diff;
mod field;
mod finding;
mod locate;
mod output;
mod parse;
pub mod pointer;
mod rules;
mod source;
mod thread;
pub mod validate;
mod walk;
mod yaml;

pub use check::{
    DEFAULT_MAX_FILE_BYTES, FileReport, Options, check_path, check_path_keeping, check_source,
    check_source_keeping,
};
pub use config::Config;
pub use finding::{Finding, Severity};
pub use locate::{Located, locate};
pub use output::{OutputFormat, render};
pub use parse::{Parsed, SyntaxError, parse};
pub use rules::{RULES, Rule};
pub use source::{Format, Pos, Source, Span};

/// The crate's one error: its own inputs (not findings about a document)
/// and documents that [`diff::diff`] cannot compare.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The config file is invalid.
    #[error("invalid config {file}{}: {message}", .pos.map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default())]
    Config {
        /// The config file.
        file: String,
        /// Where in it, when known.
        pos: Option<Pos>,
        /// What is wrong.
        message: String,
    },
    /// [`diff::diff`]: a document does not parse, so the two cannot be
    /// compared.
    #[error("{file}: {error}{}", .error.pos.map(|p| format!(" (line {}, column {})", p.line, p.column)).unwrap_or_default())]
    Diff {
        /// The file that did not parse.
        file: String,
        /// Why.
        error: SyntaxError,
    },
    /// [`diff::diff`]: the documents parse but cannot be compared faithfully:
    /// an OpenAPI version other than 3.0.x (as the linter decides), a `$ref`
    /// that does not resolve, leaves the documents' folder, is remote or
    /// loops, an invalid `x-sunset` or `x-stability-level`, or a change in a
    /// part the differ does not compare. Never a silent "no changes".
    #[error("{file}{}: {message} (at #{pointer})", .pos.map(|p| format!(":{}:{}", p.line, p.column)).unwrap_or_default())]
    DiffInput {
        /// The file the problem is in (the document or a file it refers to).
        file: String,
        /// JSON pointer to the problem in that file.
        pointer: String,
        /// Its position, when it could be found.
        pos: Option<Pos>,
        /// What is wrong.
        message: String,
    },
}
