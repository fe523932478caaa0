//! Released snapshots and the semver gate.
//!
//! `openapi/released/` keeps, for every released version of the client crate,
//! the spec byte for byte (`gaussdb-backup-<version>.yaml`) and the crate's
//! public Rust API listing (`gaussdb-backup-<version>.api.txt`), with their
//! SHA-256 in `SHA256SUMS` (so an edited snapshot is caught without git
//! history, which a shallow CI clone does not have).
//!
//! The gate compares the working spec and API with the newest snapshot: the
//! crate's version must carry the larger of the two bumps they need, and a
//! bumped version must have its snapshot (`cargo xtask release`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use openapi_check::Source;
use openapi_check::diff::{Change, DiffReport, Level, diff};
use semver::Version;
use sha2::{Digest, Sha256};

use crate::public_api::{self, ApiDiff, PACKAGE};
use crate::spec::SPEC_PATH;

pub const RELEASED_DIR: &str = "openapi/released";
pub const CLIENT_MANIFEST: &str = "crates/gaussdb-backup/Cargo.toml";
const SUMS: &str = "SHA256SUMS";
const CHANGELOG: &str = "CHANGELOG.md";

/// The workspace's own manifest, whose `[workspace.dependencies]` require
/// the client crate (`gaussdb-backup = { path = …, version = "…" }`).
pub const WORKSPACE_MANIFEST: &str = "Cargo.toml";

/// What to edit to give the client crate `version`: its manifest, and the
/// workspace's requirement on it when that would no longer accept it (a
/// breaking bump in 0.x: `0.4.0` does not accept `0.5.0`). cargo resolves
/// the whole workspace, xtask included, only when the two agree, so
/// `cargo xtask release` cannot make the second edit itself.
pub fn set_version(root: &Path, version: &Version) -> String {
    let mut what = format!("set `version = \"{version}\"` in {CLIENT_MANIFEST}");
    if let Some(req) = workspace_requirement(root)
        && !semver::VersionReq::parse(&req).is_ok_and(|r| r.matches(version))
    {
        what.push_str(&format!(
            " and in the workspace's requirement `{PACKAGE} = {{ path = …, version = \"{version}\" }}` \
             in {WORKSPACE_MANIFEST} (now \"{req}\", which cargo would not match with {version})"
        ));
    }
    what
}

/// The `version` of the workspace's `gaussdb-backup = { … }` line, if any.
fn workspace_requirement(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join(WORKSPACE_MANIFEST)).ok()?;
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{PACKAGE} = {{")))?;
    let rest = &line[line.find("version = \"")? + "version = \"".len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The smallest bump a set of changes needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    None,
    Compatible,
    Breaking,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "no version bump",
            Bump::Compatible => "a compatible version bump (patch in 0.x, minor from 1.0)",
            Bump::Breaking => "a breaking version bump (minor in 0.x, major from 1.0)",
        }
    }

    /// The smallest version after `v` that carries this bump.
    pub fn apply(self, v: &Version) -> Version {
        match (self, v.major, v.minor) {
            (Bump::None, ..) => v.clone(),
            (Bump::Compatible, 0, _) | (Bump::Breaking, 0, 0) => {
                Version::new(v.major, v.minor, v.patch + 1)
            }
            (Bump::Compatible, ..) => Version::new(v.major, v.minor + 1, 0),
            (Bump::Breaking, 0, _) => Version::new(0, v.minor + 1, 0),
            (Bump::Breaking, ..) => Version::new(v.major + 1, 0, 0),
        }
    }

    /// Whether going from `old` to `new` carries this bump, by Cargo's rules
    /// (the left-most non-zero part is the breaking one).
    pub fn carried_by(self, old: &Version, new: &Version) -> bool {
        let breaking = match (old.major, old.minor) {
            (0, 0) => new > old,
            (0, minor) => new.major > 0 || new.minor > minor,
            (major, _) => new.major > major,
        };
        match self {
            Bump::None => new >= old,
            Bump::Compatible => new > old,
            Bump::Breaking => breaking,
        }
    }
}

/// Spec changes need a breaking bump when breaking or potentially breaking,
/// a compatible one otherwise.
pub fn spec_bump(report: &DiffReport) -> Bump {
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

/// The client crate's version, from `cargo metadata` (so inherited
/// `version.workspace = true` works).
pub fn crate_version(root: &Path) -> Result<Version> {
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .context("cargo metadata failed")?;
    let package = metadata
        .packages
        .iter()
        .find(|p| p.name.as_str() == PACKAGE)
        .with_context(|| format!("no package {PACKAGE} in the workspace"))?;
    Ok(package.version.clone())
}

/// One released version's files, relative to the workspace root.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub version: Version,
    pub spec: PathBuf,
    pub api: PathBuf,
}

fn snapshot_for(version: &Version) -> Snapshot {
    let dir = Path::new(RELEASED_DIR);
    Snapshot {
        version: version.clone(),
        spec: dir.join(format!("{PACKAGE}-{version}.yaml")),
        api: dir.join(format!("{PACKAGE}-{version}.api.txt")),
    }
}

/// Every snapshot, oldest first; a stray file, a missing API listing or a
/// snapshot whose checksum differs from `SHA256SUMS` is an error.
pub fn snapshots(root: &Path) -> Result<Vec<Snapshot>> {
    let dir = root.join(RELEASED_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    let mut versions = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name == SUMS || name.ends_with(".api.txt") {
            continue;
        }
        let version = name
            .strip_prefix(&format!("{PACKAGE}-"))
            .and_then(|n| n.strip_suffix(".yaml"))
            .and_then(|v| Version::parse(v).ok())
            .with_context(|| {
                format!("{RELEASED_DIR}/{name}: not a snapshot name ({PACKAGE}-<version>.yaml)")
            })?;
        versions.push(version);
    }
    versions.sort();
    let all: Vec<Snapshot> = versions.iter().map(snapshot_for).collect();
    verify_sums(root, &all)?;
    Ok(all)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn read_sums(root: &Path) -> Result<Vec<(String, String)>> {
    let path = root.join(RELEASED_DIR).join(SUMS);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.split_once("  ")
                .map(|(h, f)| (f.to_owned(), h.to_owned()))
                .with_context(|| format!("{RELEASED_DIR}/{SUMS}: bad line {l:?}"))
        })
        .collect()
}

fn verify_sums(root: &Path, all: &[Snapshot]) -> Result<()> {
    let sums = read_sums(root)?;
    for snap in all {
        for file in [&snap.spec, &snap.api] {
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            let bytes = std::fs::read(root.join(file)).with_context(|| {
                format!(
                    "{} is missing: every release keeps its spec and its API listing",
                    file.display()
                )
            })?;
            match sums.iter().find(|(f, _)| *f == name) {
                None => bail!(
                    "{} is not in {RELEASED_DIR}/{SUMS}: snapshots are written by `cargo xtask release`, not by hand",
                    file.display()
                ),
                Some((_, hash)) if *hash != sha256_hex(&bytes) => bail!(
                    "{} was changed after its release; released snapshots are never edited. \
                     Restore it with `git checkout origin/main -- {}`, and change the working \
                     spec openapi/gaussdb-backup.yaml instead",
                    file.display(),
                    file.display()
                ),
                Some(_) => {}
            }
        }
    }
    for (file, _) in &sums {
        if !root.join(RELEASED_DIR).join(file).exists() {
            bail!("{RELEASED_DIR}/{SUMS} lists {file}, which is missing: restore it from git");
        }
    }
    Ok(())
}

/// The working tree's spec and API compared with a release.
pub struct Assessment {
    pub released: Version,
    pub current: Version,
    pub spec: DiffReport,
    /// `None` when the Rust API check was skipped.
    pub api: Option<ApiDiff>,
    pub current_api: Option<String>,
}

impl Assessment {
    pub fn spec_bump(&self) -> Bump {
        spec_bump(&self.spec)
    }
    pub fn api_bump(&self) -> Bump {
        self.api.as_ref().map_or(Bump::None, ApiDiff::bump)
    }
    /// The larger of the spec's and the Rust API's bump.
    pub fn required(&self) -> Bump {
        self.spec_bump().max(self.api_bump())
    }
}

fn assess(root: &Path, base: &Snapshot, current: Version, rust_api: bool) -> Result<Assessment> {
    let read = |p: &Path| {
        std::fs::read_to_string(root.join(p))
            .with_context(|| format!("cannot read {}", p.display()))
    };
    let old = Source::new(base.spec.display().to_string(), read(&base.spec)?);
    let new = Source::new(SPEC_PATH, read(Path::new(SPEC_PATH))?);
    let spec = diff(&old, &new)?;
    let (api, current_api) = if rust_api {
        let now = public_api::current(root)?;
        (Some(ApiDiff::new(&read(&base.api)?, &now)), Some(now))
    } else {
        (None, None)
    };
    Ok(Assessment {
        released: base.version.clone(),
        current,
        spec,
        api,
        current_api,
    })
}

/// The gate's verdict: `Ok` with the assessment, or the message telling the
/// maintainer exactly what to run.
pub struct Gate {
    pub assessment: Option<Assessment>,
    pub failure: Option<String>,
}

pub fn gate(root: &Path, rust_api: bool) -> Result<Gate> {
    let current = crate_version(root)?;
    let all = snapshots(root)?;
    let Some(newest) = all.last() else {
        return Ok(Gate {
            assessment: None,
            failure: Some(format!(
                "{RELEASED_DIR}/ has no released snapshot: run `cargo xtask release` to record {PACKAGE} {current}"
            )),
        });
    };
    if newest.version > current {
        return Ok(Gate {
            assessment: None,
            failure: Some(format!(
                "the newest snapshot {} is for {}, newer than {PACKAGE}'s version {current}: \
                 {} (a snapshot is only written by `cargo xtask release` for the crate's own \
                 version)",
                newest.spec.display(),
                newest.version,
                set_version(root, &newest.version)
            )),
        });
    }
    let a = assess(root, newest, current.clone(), rust_api)?;
    let required = a.required();
    let failure = if current == newest.version {
        (required != Bump::None).then(|| {
            format!(
                "{} since the release {}, which needs {}: {}, then run `cargo xtask release`",
                what_changed(&a),
                newest.version,
                required.as_str(),
                set_version(root, &required.apply(&newest.version))
            )
        })
    } else if !required.carried_by(&newest.version, &current) {
        Some(format!(
            "{} since the release {}, which needs {}, but {PACKAGE} is {current}: {}, then \
             run `cargo xtask release`",
            what_changed(&a),
            newest.version,
            required.as_str(),
            set_version(root, &required.apply(&newest.version))
        ))
    } else {
        Some(format!(
            "{PACKAGE} is {current} but {RELEASED_DIR}/ has no snapshot for it (newest: {}): \
             run `cargo xtask release` and commit {RELEASED_DIR}/ and {CHANGELOG}",
            newest.version
        ))
    };
    Ok(Gate {
        assessment: Some(a),
        failure,
    })
}

fn what_changed(a: &Assessment) -> String {
    let spec = match a.spec.changes.len() {
        0 => None,
        n => Some(format!(
            "the spec has {n} API change(s) ({} breaking, {} potentially breaking)",
            a.spec.count(Level::Breaking),
            a.spec.count(Level::PotentiallyBreaking)
        )),
    };
    let api = a.api.as_ref().and_then(|d| {
        (d.bump() != Bump::None).then(|| {
            format!(
                "the Rust API of {PACKAGE} has {} item(s) removed or changed and {} added",
                d.removed.len(),
                d.added.len()
            )
        })
    });
    [spec, api]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" and ")
}

/// `cargo xtask release`.
pub fn run(root: &Path) -> Result<()> {
    let current = crate_version(root)?;
    let all = snapshots(root)?;
    let snap = snapshot_for(&current);
    if let Some(newest) = all.last() {
        if newest.version > current {
            bail!(
                "{PACKAGE} is {current}, older than the newest release {}: set the version in {CLIENT_MANIFEST} first",
                newest.version
            );
        }
        if newest.version == current {
            let a = assess(root, newest, current.clone(), true)?;
            if a.required() == Bump::None {
                eprintln!("{PACKAGE} {current} is already released and nothing changed since");
                return Ok(());
            }
            bail!(
                "{PACKAGE} {current} is already released and {}: it needs {}; {} and run `cargo xtask release` again",
                what_changed(&a),
                a.required().as_str(),
                set_version(root, &a.required().apply(&current))
            );
        }
    }
    let spec_text = std::fs::read(root.join(SPEC_PATH)).context("cannot read the spec")?;
    let entry = match all.last() {
        Some(newest) => {
            let a = assess(root, newest, current.clone(), true)?;
            if !a.required().carried_by(&newest.version, &current) {
                bail!(
                    "{} since {}, which needs {}, but {PACKAGE} is {current}: {} first",
                    what_changed(&a),
                    newest.version,
                    a.required().as_str(),
                    set_version(root, &a.required().apply(&newest.version))
                );
            }
            let api = a.current_api.clone().unwrap_or_default();
            write_snapshot(root, &snap, &spec_text, &api)?;
            changelog_entry(&a, &today())
        }
        None => {
            let api = public_api::current(root)?;
            write_snapshot(root, &snap, &spec_text, &api)?;
            format!("## [{current}] - {}\n\nThe first release.\n", today())
        }
    };
    prepend_changelog(root, &entry)?;
    eprintln!(
        "wrote {} and {}, and the {current} entry of {CHANGELOG}: edit its prose, then commit them",
        snap.spec.display(),
        snap.api.display()
    );
    Ok(())
}

fn write_snapshot(root: &Path, snap: &Snapshot, spec: &[u8], api: &str) -> Result<()> {
    let dir = root.join(RELEASED_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(root.join(&snap.spec), spec)?;
    std::fs::write(root.join(&snap.api), api)?;
    let mut sums = read_sums(root)?;
    for (file, bytes) in [(&snap.spec, spec), (&snap.api, api.as_bytes())] {
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        sums.retain(|(f, _)| *f != name);
        sums.push((name, sha256_hex(bytes)));
    }
    sums.sort();
    let text: String = sums.iter().map(|(f, h)| format!("{h}  {f}\n")).collect();
    std::fs::write(dir.join(SUMS), text)?;
    Ok(())
}

/// Keep a Changelog's section of a spec change.
fn section(c: &Change) -> &'static str {
    let rule = c.rule.as_str();
    if c.level <= Level::PotentiallyBreaking {
        "Breaking"
    } else if rule.contains("added") || rule.starts_with("new-") {
        "Added"
    } else if rule.contains("removed") {
        "Removed"
    } else {
        "Changed"
    }
}

/// The generated entry: a heading, a place for prose, then one item per
/// change, in Keep a Changelog's sections.
pub fn changelog_entry(a: &Assessment, date: &str) -> String {
    let mut out = format!(
        "## [{}] - {date}\n\n<!-- Release notes in prose go here. The list below is generated by \
         `cargo xtask release` from the changes since {}. -->\n",
        a.current, a.released
    );
    for name in ["Breaking", "Added", "Changed", "Removed"] {
        let mut items: Vec<String> = a
            .spec
            .changes
            .iter()
            .filter(|c| section(c) == name)
            .map(|c| match &c.operation {
                Some(op) => format!("- `{op}`: {} (`{}`)", c.message, c.rule),
                None => format!("- {} (`{}`)", c.message, c.rule),
            })
            .collect();
        if let Some(api) = &a.api {
            match name {
                "Breaking" if !api.removed.is_empty() => {
                    items.push(format!(
                        "- Rust API: {} item(s) removed or changed since {}:",
                        api.removed.len(),
                        a.released
                    ));
                    items.extend(api.removed.iter().take(30).map(|l| format!("  - `{l}`")));
                    if api.removed.len() > 30 {
                        items.push(format!("  - … and {} more", api.removed.len() - 30));
                    }
                }
                "Added" if !api.added.is_empty() => items.push(format!(
                    "- Rust API: {} item(s) added (see `{RELEASED_DIR}/{PACKAGE}-{}.api.txt`)",
                    api.added.len(),
                    a.current
                )),
                _ => {}
            }
        }
        if !items.is_empty() {
            let _ = write!(out, "\n### {name}\n\n{}\n", items.join("\n"));
        }
    }
    out
}

/// Puts the release's entry first among the versions: below `## [Unreleased]`
/// when there is one (Keep a Changelog), whose notes become the release's
/// prose (in place of the entry's placeholder), leaving it empty.
fn prepend_changelog(root: &Path, entry: &str) -> Result<()> {
    let path = root.join(CHANGELOG);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => format!(
            "# Changelog\n\nAll notable changes to the `{PACKAGE}` crate and its API. The format \
             follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/); versions follow \
             [Cargo's semver](https://doc.rust-lang.org/cargo/reference/semver.html).\n"
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    std::fs::write(&path, with_entry(&text, entry))
        .with_context(|| format!("cannot write {}", path.display()))
}

const UNRELEASED: &str = "## [Unreleased]\n";

/// `text` with `entry` as its first version (see [`prepend_changelog`]).
fn with_entry(text: &str, entry: &str) -> String {
    if let Some(start) = text.find(UNRELEASED) {
        let body_start = start + UNRELEASED.len();
        let body_end = text[body_start..]
            .find("\n## ")
            .map_or(text.len(), |i| body_start + i + 1);
        let notes = text[body_start..body_end].trim();
        let entry = match (notes.is_empty(), entry.find("<!--"), entry.find("-->")) {
            (false, Some(a), Some(b)) => format!("{}{notes}{}", &entry[..a], &entry[b + 3..]),
            _ => entry.to_owned(),
        };
        let rest = &text[body_end..];
        return format!("{}{UNRELEASED}\n{entry}\n{rest}", &text[..start]);
    }
    match text.find("\n## ") {
        Some(i) => format!("{}{entry}\n{}", &text[..=i], &text[i + 1..]),
        None => format!("{}\n{entry}", text.trim_end_matches('\n').to_owned() + "\n"),
    }
}

/// Today's date (UTC), `YYYY-MM-DD`; `SOURCE_DATE_EPOCH` overrides the clock.
fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    civil_date(secs / 86_400)
}

/// Days since 1970-01-01 → `YYYY-MM-DD` (Howard Hinnant's algorithm).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn bumps_follow_cargo_semver() {
        assert!(!Bump::Breaking.carried_by(&v("0.1.0"), &v("0.1.1")));
        assert!(!Bump::Breaking.carried_by(&v("0.1.0"), &v("0.1.0")));
        assert!(Bump::Breaking.carried_by(&v("0.1.0"), &v("0.2.0")));
        assert!(Bump::Breaking.carried_by(&v("0.1.0"), &v("1.0.0")));
        assert!(!Bump::Breaking.carried_by(&v("1.4.2"), &v("1.5.0")));
        assert!(Bump::Breaking.carried_by(&v("1.4.2"), &v("2.0.0")));
        assert!(!Bump::Compatible.carried_by(&v("0.1.0"), &v("0.1.0")));
        assert!(Bump::Compatible.carried_by(&v("0.1.0"), &v("0.1.1")));
        assert!(Bump::None.carried_by(&v("0.1.0"), &v("0.1.0")));
        assert_eq!(Bump::Breaking.apply(&v("0.1.3")), v("0.2.0"));
        assert_eq!(Bump::Compatible.apply(&v("0.1.3")), v("0.1.4"));
        assert_eq!(Bump::Breaking.apply(&v("1.1.3")), v("2.0.0"));
        assert_eq!(Bump::Compatible.apply(&v("1.1.3")), v("1.2.0"));
        for b in [Bump::None, Bump::Compatible, Bump::Breaking] {
            for base in ["0.0.1", "0.1.3", "1.1.3"] {
                assert!(b.carried_by(&v(base), &b.apply(&v(base))), "{b:?} {base}");
            }
        }
    }

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_723), "2024-01-01");
        assert_eq!(civil_date(20_513), "2026-03-01");
    }

    #[test]
    fn the_version_comes_from_cargo_metadata_even_when_inherited() {
        let dir = std::env::temp_dir().join(format!("xtask-version-{}", std::process::id()));
        let krate = dir.join("crates/gaussdb-backup");
        std::fs::create_dir_all(krate.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/*\"]\n[workspace.package]\nversion = \"0.7.3\"\n",
        )
        .unwrap();
        std::fs::write(
            krate.join("Cargo.toml"),
            "[package]\nname = \"gaussdb-backup\"\nversion.workspace = true\nedition = \"2021\"\n",
        )
        .unwrap();
        std::fs::write(krate.join("src/lib.rs"), "").unwrap();
        let got = crate_version(&dir);
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(got.unwrap(), v("0.7.3"));
    }

    /// A workspace with the client crate at `version`, the real spec, and
    /// the spec released as 0.1.0 (API listing empty: these tests skip the
    /// Rust API check, which needs rustdoc).
    fn fixture(name: &str, version: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-gate-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let krate = dir.join("crates/gaussdb-backup");
        std::fs::create_dir_all(krate.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("openapi")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.dependencies]\n\
             gaussdb-backup = { path = \"crates/gaussdb-backup\", version = \"0.1.0\" }\n",
        )
        .unwrap();
        set_crate_version(&dir, version);
        std::fs::write(krate.join("src/lib.rs"), "").unwrap();
        let spec = std::fs::read(crate::project_root().join(SPEC_PATH)).unwrap();
        std::fs::write(dir.join(SPEC_PATH), &spec).unwrap();
        write_snapshot(&dir, &snapshot_for(&v("0.1.0")), &spec, "").unwrap();
        dir
    }

    fn set_crate_version(dir: &Path, version: &str) {
        std::fs::write(
            dir.join(CLIENT_MANIFEST),
            format!("[package]\nname = \"gaussdb-backup\"\nversion = \"{version}\"\nedition = \"2021\"\n"),
        )
        .unwrap();
    }

    fn failure(dir: &Path) -> Option<String> {
        gate(dir, false).unwrap().failure
    }

    /// Tightens the request's `name` (maxLength 64 → 63): breaking.
    fn break_spec(dir: &Path) {
        let path = dir.join(SPEC_PATH);
        let spec = std::fs::read_to_string(&path).unwrap();
        let broken = spec.replacen("      maxLength: 64\n", "      maxLength: 63\n", 1);
        assert_ne!(spec, broken);
        std::fs::write(path, broken).unwrap();
    }

    #[test]
    fn the_gate_passes_when_nothing_changed_since_the_release() {
        let dir = fixture("same", "0.1.0");
        assert_eq!(failure(&dir), None);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn an_unbumped_breaking_change_fails_with_what_to_run() {
        let dir = fixture("unbumped", "0.1.0");
        break_spec(&dir);
        let why = failure(&dir).expect("must fail");
        assert!(why.contains("1 breaking"), "{why}");
        // 0.1.0 does not accept 0.2.0: the workspace's own requirement
        // must change too, or cargo cannot even build xtask.
        assert!(
            why.contains("set `version = \"0.2.0\"` in crates/gaussdb-backup/Cargo.toml and in the \
                          workspace's requirement `gaussdb-backup = { path = …, version = \"0.2.0\" }` \
                          in Cargo.toml (now \"0.1.0\", which cargo would not match with 0.2.0), then \
                          run `cargo xtask release`"),
            "{why}"
        );
        // A compatible bump is not enough.
        set_crate_version(&dir, "0.1.1");
        let why = failure(&dir).expect("must fail");
        assert!(why.contains("but gaussdb-backup is 0.1.1"), "{why}");
        assert!(why.contains("`version = \"0.2.0\"`"), "{why}");
        // The right bump, without its snapshot.
        set_crate_version(&dir, "0.2.0");
        let why = failure(&dir).expect("must fail");
        assert!(why.contains("no snapshot for it"), "{why}");
        assert!(why.contains("run `cargo xtask release`"), "{why}");
        // What `cargo xtask release` writes (its Rust API part aside).
        let spec = std::fs::read(dir.join(SPEC_PATH)).unwrap();
        write_snapshot(&dir, &snapshot_for(&v("0.2.0")), &spec, "").unwrap();
        assert_eq!(failure(&dir), None);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_compatible_bump_in_0x_leaves_the_workspace_requirement_alone() {
        let dir = fixture("compatible", "0.1.0");
        add_optional_request_property(&dir);
        let why = failure(&dir).expect("must fail");
        assert!(
            why.contains(
                "set `version = \"0.1.1\"` in crates/gaussdb-backup/Cargo.toml, then run `cargo xtask release`"
            ),
            "{why}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    /// An optional `tag` in the create request: a compatible change.
    fn add_optional_request_property(dir: &Path) {
        let path = dir.join(SPEC_PATH);
        let spec = std::fs::read_to_string(&path).unwrap();
        let anchor =
            "        description:\n          $ref: \"#/components/schemas/BackupDescription\"\n";
        assert!(spec.contains(anchor));
        std::fs::write(
            &path,
            spec.replacen(
                anchor,
                &format!("{anchor}        tag:\n          type: string\n"),
                1,
            ),
        )
        .unwrap();
    }

    #[test]
    fn an_edited_snapshot_fails() {
        let dir = fixture("edited", "0.1.0");
        let snap = dir.join(RELEASED_DIR).join("gaussdb-backup-0.1.0.yaml");
        let mut text = std::fs::read_to_string(&snap).unwrap();
        text.push_str("# edited\n");
        std::fs::write(&snap, text).unwrap();
        let err = gate(&dir, false).err().expect("must fail").to_string();
        assert!(err.contains("was changed after its release"), "{err}");
        assert!(
            err.contains("git checkout origin/main -- openapi/released/gaussdb-backup-0.1.0.yaml"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_snapshot_newer_than_the_crate_fails() {
        let dir = fixture("newer", "0.1.0");
        let spec = std::fs::read(dir.join(SPEC_PATH)).unwrap();
        write_snapshot(&dir, &snapshot_for(&v("0.3.0")), &spec, "").unwrap();
        let why = failure(&dir).expect("must fail");
        assert!(
            why.contains("newer than gaussdb-backup's version 0.1.0"),
            "{why}"
        );
        assert!(why.contains("set `version = \"0.3.0\"`"), "{why}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn stray_files_and_missing_snapshots_are_errors() {
        let dir = fixture("stray", "0.1.0");
        std::fs::write(dir.join(RELEASED_DIR).join("notes.yaml"), "x").unwrap();
        let err = gate(&dir, false).err().expect("must fail").to_string();
        assert!(err.contains("not a snapshot name"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
        let dir = fixture("none", "0.1.0");
        std::fs::remove_dir_all(dir.join(RELEASED_DIR)).unwrap();
        let why = failure(&dir).expect("must fail");
        assert!(why.contains("run `cargo xtask release`"), "{why}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_changelog_entry_lists_each_change_in_its_section_and_goes_first() {
        let dir = fixture("changelog", "0.2.0");
        break_spec(&dir);
        // And a compatible addition: an optional request property.
        add_optional_request_property(&dir);
        let gate = gate(&dir, false).unwrap();
        let a = gate.assessment.unwrap();
        let entry = changelog_entry(&a, "2026-01-02");
        assert!(
            entry.starts_with("## [0.2.0] - 2026-01-02\n\n<!-- "),
            "{entry}"
        );
        let breaking = entry.find("### Breaking").expect(&entry);
        let added = entry.find("### Added").expect(&entry);
        assert!(breaking < added);
        assert!(entry[breaking..added].contains("`POST /v3/{project_id}/backups/create`: the maxLength of `name` in request body went down to 63 from 64 (`request-property-max-length-decreased`)"), "{entry}");
        assert!(entry[added..].contains("the optional property `tag` in request body was added (`new-optional-request-property`)"), "{entry}");

        std::fs::write(
            dir.join(CHANGELOG),
            "# Changelog\n\nIntro.\n\n## [0.1.0] - 2026-01-01\n\nFirst.\n",
        )
        .unwrap();
        prepend_changelog(&dir, "## [0.2.0] - 2026-01-02\n\n- x\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join(CHANGELOG)).unwrap(),
            "# Changelog\n\nIntro.\n\n## [0.2.0] - 2026-01-02\n\n- x\n\n## [0.1.0] - 2026-01-01\n\nFirst.\n"
        );
        // Below `[Unreleased]`, whose notes become the release's prose.
        let text =
            "# Changelog\n\n## [Unreleased]\n\nNotes.\n\n## [0.1.0] - 2026-01-01\n\nFirst.\n";
        assert_eq!(
            with_entry(
                text,
                "## [0.2.0] - 2026-01-02\n\n<!-- prose -->\n\n### Added\n\n- x\n"
            ),
            "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-01-02\n\nNotes.\n\n### Added\n\n- x\n\n## [0.1.0] - 2026-01-01\n\nFirst.\n"
        );
        // An empty `[Unreleased]` keeps the placeholder.
        let text = "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-01-01\n";
        assert_eq!(
            with_entry(text, "## [0.2.0] - 2026-01-02\n\n<!-- prose -->\n"),
            "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-01-02\n\n<!-- prose -->\n\n## [0.1.0] - 2026-01-01\n"
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
