//! The pull-request review, end to end: a throw-away git repository with a
//! base commit (this workspace's tracked files) and a pull request's commit
//! that changes the spec (and regenerates, as the gate requires), then
//! exactly the commands `.github/workflows/spec-review.yml` runs, with the
//! Markdown review snapshotted.
//!
//! The pull request adds an optional response property: harmless on the
//! wire, but it adds a field to a generated struct that callers may build
//! with a literal, so the Rust API check must ask for a breaking bump and the
//! review must fail.

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

/// A copy of the workspace's tracked files (as they are on disk).
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

#[test]
fn a_wire_compatible_change_that_breaks_rust_callers_fails_the_review() {
    let repo = std::env::temp_dir().join(format!("xtask-review-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).unwrap();
    copy_workspace(&repo);
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    let base = git(&repo, &["rev-parse", "HEAD"]);

    // The pull request: an optional `size` in every backup of a response.
    let spec_path = repo.join("openapi/gaussdb-backup.yaml");
    let spec = std::fs::read_to_string(&spec_path).unwrap();
    let anchor = "          example: 07033b125fd94a8a96896f8bcfee6ddain07\n    Timestamp:\n";
    assert!(
        spec.contains(anchor),
        "the test's anchor in the spec moved; update it"
    );
    let changed = spec.replacen(
        anchor,
        "          example: 07033b125fd94a8a96896f8bcfee6ddain07\n        size:\n          type: integer\n          format: int64\n          description: Backup size in bytes.\n    Timestamp:\n",
        1,
    );
    std::fs::write(&spec_path, changed).unwrap();
    let generated = xtask(&repo, &["generate"]);
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    git(&repo, &["commit", "-q", "-am", "Backup.size"]);

    // The workflow's commands (spec-review.yml, job `review`).
    let review = xtask(
        &repo,
        &[
            "review",
            "--base",
            &base,
            "--out",
            "target/spec-review",
            "--repo-url",
            "https://github.com/example/gaussdb-backup",
        ],
    );
    let stderr = String::from_utf8_lossy(&review.stderr);
    assert_eq!(
        review.status.code(),
        Some(1),
        "the review must fail: {stderr}"
    );
    // The next breaking version after the one checked in (minor in 0.x).
    let manifest =
        std::fs::read_to_string(workspace().join("crates/gaussdb-backup/Cargo.toml")).unwrap();
    let current = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap();
    let minor: u64 = current.split('.').nth(1).unwrap().parse().unwrap();
    let next = format!("0.{}.0", minor + 1);
    assert!(
        stderr.contains(&format!(
            "set `version = \"{next}\"` in crates/gaussdb-backup/Cargo.toml, then run `cargo xtask release`"
        )),
        "{stderr}"
    );
    let markdown = std::fs::read_to_string(repo.join("target/spec-review/review.md")).unwrap();
    let json = std::fs::read_to_string(repo.join("target/spec-review/review.json")).unwrap();
    let head = git(&repo, &["rev-parse", "HEAD"]);
    std::fs::remove_dir_all(&repo).ok();

    assert!(json.contains("\"pass\": false"), "{json}");
    assert!(
        markdown.contains("| spec (wire) | compatible |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| Rust API of `gaussdb-backup` | breaking |"),
        "{markdown}"
    );
    let redacted = markdown
        .replace(&base, "BASE_SHA")
        .replace(&head, "HEAD_SHA")
        .replace(&base[..10], "BASE")
        .replace(&head[..10], "HEAD")
        // The snapshot must not change with every release and every edit
        // of the spec: the versions and the spec's line numbers are
        // checked above or are not this test's subject.
        .replace(&format!("0.{minor}.0"), "CURRENT")
        .replace(&next, "NEXT");
    let redacted = regex_lite::Regex::new(r"gaussdb-backup\.yaml(:|#L)[0-9]+")
        .unwrap()
        .replace_all(&redacted, "gaussdb-backup.yaml${1}LINE");
    insta::assert_snapshot!("review", redacted);
}
