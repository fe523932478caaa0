//! Project automation, in the style of rust-analyzer's `cargo xtask`: one file
//! per subcommand, plain Rust instead of shell scripts, run with
//! `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! Nothing in the workspace depends on this crate; it only reads the spec and
//! writes derived files.

mod diff;
mod flags;
mod generate;
mod spec;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let flags = match flags::Flags::from_env() {
        Ok(flags) => flags,
        Err(message) => {
            eprintln!("error: {message}\n\n{}", flags::USAGE);
            return ExitCode::from(2);
        }
    };
    let result = match flags {
        flags::Flags::Help => {
            println!("{}", flags::USAGE);
            Ok(())
        }
        flags::Flags::Generate { check } => generate::run(&project_root(), check),
        flags::Flags::Validate => validate::run(&project_root()),
        flags::Flags::Diff { base, format } => diff::run(&project_root(), base.as_deref(), format),
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
