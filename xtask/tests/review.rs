//! The pull-request review, end to end: a throw-away git repository with a
//! base commit (this workspace's tracked files, released there as `main`
//! is) and pull requests that change the spec (and regenerate, as the gate
//! requires), then exactly the commands `.github/workflows/spec-review.yml`
//! runs, with the Markdown review snapshotted.
//!
//! The pull request adds an optional response property, the most common
//! change there is: compatible on the wire and, since the generated types
//! are `#[non_exhaustive]`, in Rust too, so the gate asks for a compatible
//! bump only (a change that breaks Rust callers while the wire stays
//! compatible is `public_api`'s and `api_changes`' unit tests' subject: a
//! rustdoc build of this workspace per case is too slow for more here).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A copy of the workspace's tracked files (as they are on disk): an
/// untracked file (a new module not yet added, a stray output) is not
/// copied, so the copy is what a fresh clone of the commit would hold and
/// cannot fail for a file the commit does not have.
fn copy_workspace(to: &Path) {
    let root = workspace();
    let files = git(&root, &["ls-files", "-z"]);
    for file in files.split('\0').filter(|f| !f.is_empty()) {
        let from = root.join(file);
        if !from.is_file() {
            continue;
        }
        let dest = to.join(file);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&from, &dest).unwrap();
    }
}

/// The target directory this test was built in (`CARGO_TARGET_DIR` when
/// set, as cargo does, else the workspace's `target/`).
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => workspace().join(dir),
        None => workspace().join("target"),
    }
}

fn xtask(repo: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(repo)
        .args(args)
        .current_dir(repo)
        // The workspace's target directory: the throw-away copy builds only
        // the client's rustdoc, not every dependency again.
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .unwrap()
}

fn run(repo: &Path, args: &[&str]) -> (bool, String, String) {
    let out = xtask(repo, args);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The client crate's version in `repo`.
fn version(repo: &Path) -> String {
    let manifest = std::fs::read_to_string(repo.join("crates/gaussdb-backup/Cargo.toml")).unwrap();
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap()
        .to_owned()
}

/// Makes the copy's tree a release, as `main` is after `cargo xtask
/// release`: when the working tree has unreleased changes (this branch's),
/// sets the version the gate asks for, in the crate and in the workspace's
/// requirement, and releases it. So the test does not depend on whether the
/// workspace it runs in was released.
fn release(repo: &Path) {
    let (ok, _, stderr) = run(repo, &["release"]);
    if ok {
        return;
    }
    let wanted = stderr
        .split("set `version = \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("cargo xtask release: {stderr}"))
        .to_owned();
    let current = version(repo);
    for file in ["crates/gaussdb-backup/Cargo.toml", "Cargo.toml"] {
        let path = repo.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let updated = text.replace(
            &format!("version = \"{current}\""),
            &format!("version = \"{wanted}\""),
        );
        std::fs::write(&path, updated).unwrap();
    }
    let (ok, _, stderr) = run(repo, &["release"]);
    assert!(ok, "cargo xtask release {wanted}: {stderr}");
}

/// Replaces the spec's `old` (once) with `new`.
fn edit_spec(repo: &Path, old: &str, new: &str) {
    let spec_path = repo.join("openapi/gaussdb-backup.yaml");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    assert!(
        spec.contains(old),
        "the test's anchor in the spec moved: {old:?}"
    );
    std::fs::write(&spec_path, spec.replacen(old, new, 1)).unwrap();
}

/// Regenerates, commits, and runs the review of HEAD against `base`:
/// (passed, stderr, review.md, review.json).
fn review(repo: &Path, base: &str, message: &str) -> (bool, String, String, String) {
    let (ok, _, stderr) = run(repo, &["generate"]);
    assert!(ok, "{stderr}");
    git(repo, &["commit", "-q", "-am", message]);
    // The workflow's commands (spec-review.yml, job `review`).
    let (ok, _, stderr) = run(
        repo,
        &[
            "review",
            "--base",
            base,
            "--out",
            "target/spec-review",
            "--repo-url",
            "https://github.com/example/gaussdb-backup",
        ],
    );
    let markdown = std::fs::read_to_string(repo.join("target/spec-review/review.md")).unwrap();
    let json = std::fs::read_to_string(repo.join("target/spec-review/review.json")).unwrap();
    (ok, stderr, markdown, json)
}

#[test]
fn the_review_of_an_added_response_property_asks_for_a_compatible_release() {
    let repo = std::env::temp_dir().join(format!("xtask-review-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).unwrap();
    copy_workspace(&repo);
    git(&repo, &["init", "-q", "-b", "main"]);
    release(&repo);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let base = git(&repo, &["rev-parse", "HEAD"]);
    let current = version(&repo);
    let patch: u64 = current.rsplit('.').next().unwrap().parse().unwrap();
    let (prefix, _) = current.rsplit_once('.').unwrap();
    let next = format!("{prefix}.{}", patch + 1);

    // Pull request 1: an optional `size` in the backup of a create answer.
    edit_spec(
        &repo,
        "          example: 07033b125fd94a8a96896f8bcfee6ddain07\n    Timestamp:\n",
        "          example: 07033b125fd94a8a96896f8bcfee6ddain07\n        size:\n          type: integer\n          format: int64\n          description: Backup size in bytes.\n    Timestamp:\n",
    );
    let (passed, stderr, markdown, json) = review(&repo, &base, "Backup.size");
    let head = git(&repo, &["rev-parse", "HEAD"]);
    // The gate, as a maintainer runs it: compatible for the Rust API too.
    let (_, diff, _) = run(&repo, &["diff"]);

    std::fs::remove_dir_all(&repo).ok();

    // Not yet released: the gate asks for a compatible bump (patch in 0.x),
    // and the workspace's requirement accepts it.
    assert!(!passed, "the version was not bumped: {stderr}");
    assert!(
        stderr.contains(&format!(
            "set `version = \"{next}\"` in crates/gaussdb-backup/Cargo.toml, then run `cargo xtask release`"
        )),
        "{stderr}"
    );
    assert!(json.contains("\"required_bump\": \"compatible\""), "{json}");
    assert!(
        markdown.contains("| spec (wire) | compatible |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| Rust API of `gaussdb-backup` | compatible |"),
        "{markdown}"
    );
    assert!(
        diff.contains("compatible: `types::Backup` (also `raw::types::Backup`): field `size: Option<i64>` added"),
        "{diff}"
    );
    assert!(!diff.contains("breaking: "), "{diff}");

    let redacted = markdown
        .replace(&base, "BASE_SHA")
        .replace(&head, "HEAD_SHA")
        .replace(&base[..10], "BASE")
        .replace(&head[..10], "HEAD")
        // The snapshot must not change with every release and every edit
        // of the spec: the versions and the spec's line numbers are
        // checked above or are not this test's subject.
        .replace(&next, "NEXT")
        .replace(&current, "CURRENT");
    let redacted = regex_lite::Regex::new(r"gaussdb-backup\.yaml(:|#L)[0-9]+")
        .unwrap()
        .replace_all(&redacted, "gaussdb-backup.yaml${1}LINE");
    insta::assert_snapshot!("review", redacted);
}
