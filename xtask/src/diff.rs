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
    if let Some(a) = &gate.assessment {
        if base.is_none() {
            println!("Changes since the release {}:", a.released);
            print!("{}", render(&a.spec, format));
        }
        match &a.api {
            Some(api) => {
                println!(
                    "Rust API of {PACKAGE} since {}: {} item(s) removed or changed, {} added",
                    a.released,
                    api.removed.len(),
                    api.added.len()
                );
                for line in &api.removed {
                    println!("  - {line}");
                }
                for line in &api.added {
                    println!("  + {line}");
                }
            }
            None => println!("Rust API: not checked (--no-rust-api)"),
        }
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
