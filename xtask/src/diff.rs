//! `cargo xtask diff [--base REV] [--format F] [--no-rust-api]`: the semver
//! gate. The working spec and the client's public Rust API are compared with
//! the newest released snapshot in `openapi/released/` (not with git
//! history, so it means the same on `main`, on a branch and in a fresh
//! clone); the client crate's version must carry the larger bump. With
//! `--base REV`, the spec's changes since that revision are printed too.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use openapi_check::Source;
use openapi_check::diff::{DiffFormat, diff, render};

use crate::api_changes;
use crate::public_api::PACKAGE;
use crate::release::{self, Bump};
use crate::spec::SPEC_PATH;

pub fn run(root: &Path, base: Option<&str>, format: DiffFormat, rust_api: bool) -> Result<()> {
    if let Some(base) = base {
        let old = git_show(root, base, SPEC_PATH)?;
        let new = std::fs::read_to_string(root.join(SPEC_PATH)).context("cannot read the spec")?;
        let report = diff(
            &Source::new(format!("{SPEC_PATH}@{base}"), old),
            &Source::new(SPEC_PATH, new),
        )?;
        println!("Changes since {base}:");
        print!("{}", render(&report, format));
    }
    let gate = release::gate(root, rust_api)?;
    let markdown = matches!(format, DiffFormat::Markdown);
    if let Some(a) = &gate.assessment {
        if base.is_none() {
            if markdown {
                println!("## Spec changes since the release {}\n", a.released);
            } else {
                println!("Changes since the release {}:", a.released);
            }
            print!("{}", render(&a.spec, format));
        }
        print_rust_api(a, markdown);
        eprintln!(
            "semver: the spec needs {}, the Rust API {}; {PACKAGE} {} → {}",
            short(a.spec_bump()),
            if a.api.is_some() {
                short(a.api_bump())
            } else {
                "(not checked)"
            },
            a.released,
            a.current
        );
    }
    if let Some(why) = gate.failure {
        bail!("{why}");
    }
    Ok(())
}

/// The Rust API's changes in words (`api_changes`), a Markdown section
/// with `--format markdown`; the whole listing is `cargo xtask public-api`.
fn print_rust_api(a: &release::Assessment, markdown: bool) {
    let Some(api) = &a.api else {
        println!("Rust API: not checked (--no-rust-api)");
        return;
    };
    let described = api_changes::describe(api);
    let breaking = described.iter().filter(|c| c.breaking).count();
    let summary = format!(
        "{breaking} item(s) changed in a way that breaks callers, {} added or extended",
        described.len() - breaking
    );
    if markdown {
        println!(
            "\n## Rust API of `{PACKAGE}` since {}\n\n{summary}.\n",
            a.released
        );
    } else {
        println!("Rust API of {PACKAGE} since {}: {summary}", a.released);
    }
    for c in &described {
        let tag = if c.breaking { "breaking" } else { "compatible" };
        if markdown {
            println!("- {tag}: {}", c.markdown());
        } else {
            println!("  {tag}: {}", c.markdown());
        }
    }
}

fn short(b: Bump) -> &'static str {
    match b {
        Bump::None => "no bump",
        Bump::Compatible => "a compatible bump",
        Bump::Breaking => "a breaking bump",
    }
}

pub fn git_show(root: &Path, rev: &str, path: &str) -> Result<String> {
    let out = Command::new("git")
        .args(["show", &format!("{rev}:{path}")])
        .current_dir(root)
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!(
            "git show {rev}:{path}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8(out.stdout)?)
}
