//! Project automation, in the style of rust-analyzer's `cargo xtask`: one file
//! per subcommand, plain Rust instead of shell scripts, run with
//! `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! Nothing in the workspace depends on this crate; it only reads the spec and
//! writes derived files.

mod api_changes;
mod client_methods;
mod diff;
mod flags;
mod generate;
mod public_api;
mod release;
mod review;
mod smoke;
mod spec;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let flags = match flags::Flags::try_parse() {
        Ok(flags) => flags,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let root = match &flags.root {
        Some(root) => root.clone(),
        None => project_root(),
    };
    let result = match flags.command {
        flags::Command::Generate { check } => generate::run(&root, check),
        flags::Command::Validate => validate::run(&root),
        flags::Command::Diff {
            base,
            format,
            no_rust_api,
        } => diff::run(&root, base.as_deref(), format, !no_rust_api),
        flags::Command::Release => release::run(&root),
        flags::Command::Review {
            base,
            out,
            repo_url,
        } => review::run(&root, &base, &out, repo_url.as_deref()),
        flags::Command::PublicApi { json } => public_api::print(&root, json.as_deref()),
        // Its own exit statuses: passed, failed, drift found (see flags.rs).
        flags::Command::Smoke(args) => {
            return match smoke::run(&root, args) {
                Ok(code) => ExitCode::from(code),
                Err(err) => {
                    eprintln!("error: {err:#}");
                    ExitCode::from(2)
                }
            };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's manifest directory.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
