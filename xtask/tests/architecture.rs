//! ARCHITECTURE.md pairs each invariant with the test that enforces it: this
//! keeps the pairing true. Every backticked `module::test` name in its
//! "Invariants" section must be a `fn` in a source file of the workspace
//! whose path ends with that module path (`generate::patterns::tests::x` is
//! a `fn x` in `…/generate/patterns.rs`; `wire::x` in `…/wire.rs`), and every
//! backticked file path anywhere in the document must exist (relative to
//! the workspace, to a crate, or to its `src/` or `tests/`, as the codemap
//! writes them). A renamed or
//! deleted test then fails here instead of leaving a claim that nothing
//! checks.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file of the workspace (outside `target/`), relative paths.
fn rust_files(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                rust_files(&path, root, out);
            }
        } else if name.ends_with(".rs") {
            let relative = path.strip_prefix(root).unwrap().to_string_lossy();
            out.push((
                relative.replace('\\', "/"),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
}

/// The backticked spans of a text.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// A test name as ARCHITECTURE.md writes it: `a::b::c`, lower-case snake
/// case segments.
fn is_test_path(span: &str) -> bool {
    span.contains("::")
        && span.split("::").all(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// Whether `files` hold the test `name` (`module::…::fn`, or a `tests`
/// module itself).
fn finds(files: &[(String, String)], name: &str) -> bool {
    let segments: Vec<&str> = name.split("::").collect();
    let (item, modules) = segments.split_last().unwrap();
    // An inline `mod tests` is not a file: `a::tests::x` lives in `a.rs`.
    let mut candidates = vec![modules.join("/")];
    if modules.last() == Some(&"tests") {
        candidates.push(modules[..modules.len() - 1].join("/"));
    }
    let wanted = if *item == "tests" {
        "mod tests".to_owned()
    } else {
        format!("fn {item}(")
    };
    files.iter().any(|(path, text)| {
        candidates.iter().any(|c| {
            !c.is_empty()
                && (path.ends_with(&format!("/{c}.rs")) || path.ends_with(&format!("/{c}/mod.rs")))
        }) && text.contains(&wanted)
    })
}

#[test]
fn every_test_named_in_architecture_md_exists() {
    let root = root();
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let invariants = text
        .split("\n## Invariants")
        .nth(1)
        .expect("ARCHITECTURE.md has an Invariants section");
    let mut files = Vec::new();
    rust_files(&root, &root, &mut files);
    let names: Vec<&str> = backticked(invariants)
        .into_iter()
        .filter(|span| is_test_path(span))
        .collect();
    assert!(names.len() > 20, "too few test names found: {names:?}");
    let missing: Vec<&&str> = names.iter().filter(|n| !finds(&files, n)).collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names tests that do not exist: {missing:?}"
    );
}

#[test]
fn every_file_named_in_architecture_md_exists() {
    let root = root();
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let paths: Vec<&str> = backticked(&text)
        .into_iter()
        .filter(|span| {
            span.contains('/')
                && !span.contains(['<', ' ', '*', '{', ':'])
                && (span.ends_with(".rs") || span.ends_with(".sh") || span.ends_with(".md"))
        })
        .collect();
    assert!(paths.len() > 3, "too few paths found: {paths:?}");
    // The codemap writes a crate's files relative to the crate, or to its
    // `src/` or `tests/` folder.
    let mut crates = vec![root.clone(), root.join("xtask")];
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        crates.push(entry.unwrap().path());
    }
    let bases: Vec<PathBuf> = crates
        .iter()
        .flat_map(|c| [c.clone(), c.join("src"), c.join("tests")])
        .collect();
    let missing: Vec<&&str> = paths
        .iter()
        .filter(|p| !bases.iter().any(|base| base.join(p).exists()))
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names files that do not exist: {missing:?}"
    );
}

/// The matcher itself: a test that exists is found, one that does not is
/// not, and a `tests` module is found in its parent's file.
#[test]
fn the_matcher_finds_tests_by_module_path() {
    let files = vec![
        (
            "xtask/src/generate/patterns.rs".to_owned(),
            "mod tests {\n    fn refuses(\n".to_owned(),
        ),
        ("tests/wire.rs".to_owned(), "fn any_2xx(".to_owned()),
    ];
    assert!(finds(&files, "generate::patterns::tests::refuses"));
    assert!(finds(&files, "patterns::tests::refuses"));
    assert!(finds(&files, "patterns::tests"));
    assert!(finds(&files, "wire::any_2xx"));
    assert!(!finds(&files, "wire::refuses"));
    assert!(!finds(&files, "busy::any_2xx"));
    assert!(!finds(&files, "generate::tests::refuses"));
    assert!(is_test_path("a_b::c1"));
    assert!(!is_test_path("Client::create_backup"));
    assert!(!is_test_path("wire"));
}
