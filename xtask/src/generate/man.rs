//! The CLI's man pages (`docs/man/*.1`), rendered by clap_mangen from the
//! CLI's own clap command, so they show exactly what `--help` shows.
//!
//! The command is built by the CLI's code (generated + `main.rs`), so the
//! pages are rendered by that program: `cargo run -p gaussdb-backup-cli --
//! __generate-man <DIR>` (a hidden command), after the Rust files are written.
//! `cargo test -p gaussdb-backup-cli` checks the same pages in-process.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::Output;

/// Where the pages go, relative to the workspace root.
pub const OUTPUT_DIR: &str = "docs/man";

pub fn outputs(root: &Path) -> Result<Vec<Output>> {
    let scratch = root.join("target").join("xtask-man");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)
            .with_context(|| format!("cannot clear {}", scratch.display()))?;
    }
    std::fs::create_dir_all(&scratch)
        .with_context(|| format!("cannot create {}", scratch.display()))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["run", "--quiet", "-p", "gaussdb-backup-cli", "--"])
        .arg("__generate-man")
        .arg(&scratch)
        .status()
        .context("cannot run cargo to render the man pages")?;
    if !status.success() {
        bail!("rendering the man pages with the CLI failed ({status})");
    }
    let mut names: Vec<_> = std::fs::read_dir(&scratch)
        .with_context(|| format!("cannot list {}", scratch.display()))?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<Result<_, _>>()?;
    names.sort();
    let mut pages = Vec::new();
    for name in names {
        let path = scratch.join(&name);
        let contents = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        pages.push(Output {
            path: Path::new(OUTPUT_DIR).join(name),
            contents,
        });
    }
    if pages.is_empty() {
        bail!("the CLI rendered no man page");
    }
    Ok(pages)
}
