//! `cargo xtask diff [--base REV] [--format F]`: the spec's API changes since
//! `REV` (default: the merge base with `main`), and the semver gate: the
//! client crate's version must carry the bump the changes need.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use openapi_check::Source;
use openapi_check::diff::{DiffFormat, DiffReport, Level, diff, render};

use crate::spec::SPEC_PATH;

const CLIENT_MANIFEST: &str = "crates/gaussdb-backup/Cargo.toml";

pub fn run(root: &Path, base: Option<&str>, format: DiffFormat) -> Result<()> {
    let base = match base {
        Some(b) => b.to_owned(),
        None => merge_base(root)?,
    };
    let old_text = git_show(root, &base, SPEC_PATH)?;
    let new_text = std::fs::read_to_string(root.join(SPEC_PATH)).context("cannot read the spec")?;
    let report = diff(
        &Source::new(format!("{SPEC_PATH}@{base}"), old_text),
        &Source::new(SPEC_PATH, new_text),
    )?;
    print!("{}", render(&report, format));

    let old_version = version_of(&git_show(root, &base, CLIENT_MANIFEST)?)?;
    let new_version = version_of(&std::fs::read_to_string(root.join(CLIENT_MANIFEST))?)?;
    let required = required_bump(&report);
    eprintln!(
        "semver: {} needed; gaussdb-backup {} → {}",
        required.as_str(),
        show(old_version),
        show(new_version)
    );
    if let Err(why) = check_bump(old_version, new_version, required) {
        bail!("{why}");
    }
    Ok(())
}

fn merge_base(root: &Path) -> Result<String> {
    for main in ["origin/main", "main"] {
        let out = Command::new("git")
            .args(["merge-base", "HEAD", main])
            .current_dir(root)
            .output()?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned());
        }
    }
    bail!("cannot find the merge base with main; pass --base REV")
}

fn git_show(root: &Path, rev: &str, path: &str) -> Result<String> {
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

/// A crate version, `major.minor.patch`.
pub type Version = (u64, u64, u64);

fn version_of(manifest: &str) -> Result<Version> {
    let line = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("version") && l.contains('"'))
        .context("no version in the manifest")?;
    let text = line.split('"').nth(1).context("no version string")?;
    let parts: Vec<u64> = text
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| p.parse().context("a version part is not a number"))
        .collect::<Result<_>>()?;
    match parts[..] {
        [major, minor, patch] => Ok((major, minor, patch)),
        _ => bail!("version {text:?} is not major.minor.patch"),
    }
}

fn show(v: Version) -> String {
    format!("{}.{}.{}", v.0, v.1, v.2)
}

/// The smallest bump a set of changes needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Compatible,
    Breaking,
}

impl Bump {
    fn as_str(self) -> &'static str {
        match self {
            Bump::None => "no version bump",
            Bump::Compatible => "a compatible version bump (patch for 0.x, minor from 1.0)",
            Bump::Breaking => "a breaking version bump (minor for 0.x, major from 1.0)",
        }
    }
}

/// Breaking and potentially breaking changes need a breaking bump; any other
/// change a compatible one.
pub fn required_bump(report: &DiffReport) -> Bump {
    if report
        .changes
        .iter()
        .any(|c| c.level <= Level::PotentiallyBreaking)
    {
        Bump::Breaking
    } else if report.changes.is_empty() {
        Bump::None
    } else {
        Bump::Compatible
    }
}

/// Whether `new` carries `required` over `old`, by Cargo's semver rules (the
/// left-most non-zero part is the breaking one).
pub fn check_bump(old: Version, new: Version, required: Bump) -> Result<(), String> {
    let breaking = |a: Version, b: Version| match a {
        (0, 0, _) => b != a,
        (0, minor, _) => b.0 > 0 || b.1 > minor,
        (major, _, _) => b.0 > major,
    };
    let ok = match required {
        Bump::None => true,
        Bump::Compatible => new > old,
        Bump::Breaking => breaking(old, new),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the API changes need {}, but gaussdb-backup goes {} → {}: bump the version in {CLIENT_MANIFEST}",
            required.as_str(),
            show(old),
            show(new)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(old: &str, new: &str) -> DiffReport {
        diff(&Source::new("old.yaml", old), &Source::new("new.yaml", new)).unwrap()
    }

    fn spec_with_max(max: u32) -> String {
        let spec = std::fs::read_to_string(crate::project_root().join(SPEC_PATH)).unwrap();
        spec.replacen(
            "      maxLength: 64\n",
            &format!("      maxLength: {max}\n"),
            1,
        )
    }

    #[test]
    fn a_breaking_change_needs_a_minor_bump_in_0x() {
        let r = report(&spec_with_max(64), &spec_with_max(63));
        assert_eq!(required_bump(&r), Bump::Breaking);
        assert!(
            r.changes
                .iter()
                .any(|c| c.rule == "request-property-max-length-decreased")
        );
        // The missing bump fails, the real one passes.
        assert!(check_bump((0, 1, 0), (0, 1, 1), Bump::Breaking).is_err());
        assert!(check_bump((0, 1, 0), (0, 1, 0), Bump::Breaking).is_err());
        assert!(check_bump((0, 1, 0), (0, 2, 0), Bump::Breaking).is_ok());
        assert!(check_bump((1, 4, 2), (1, 5, 0), Bump::Breaking).is_err());
        assert!(check_bump((1, 4, 2), (2, 0, 0), Bump::Breaking).is_ok());
    }

    #[test]
    fn an_additive_change_needs_a_compatible_bump() {
        let r = report(&spec_with_max(63), &spec_with_max(64));
        assert_eq!(
            required_bump(&r),
            Bump::None,
            "loosening a request constraint changes nothing for clients: {:?}",
            r.changes
        );
        let spec = spec_with_max(64);
        let added = spec.replacen(
            "        description:\n          $ref: \"#/components/schemas/BackupDescription\"\n",
            "        description:\n          $ref: \"#/components/schemas/BackupDescription\"\n        tag:\n          type: string\n",
            1,
        );
        let r = report(&spec, &added);
        assert_eq!(required_bump(&r), Bump::Compatible, "{:?}", r.changes);
        assert!(check_bump((0, 1, 0), (0, 1, 0), Bump::Compatible).is_err());
        assert!(check_bump((0, 1, 0), (0, 1, 1), Bump::Compatible).is_ok());
        assert!(check_bump((0, 1, 0), (0, 1, 0), Bump::None).is_ok());
    }

    #[test]
    fn versions_parse() {
        assert_eq!(
            version_of("[package]\nname = \"x\"\nversion = \"0.12.3\"\n").unwrap(),
            (0, 12, 3)
        );
        assert!(version_of("[package]\n").is_err());
    }
}
