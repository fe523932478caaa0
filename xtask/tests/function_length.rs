//! No hand-written production function is longer than a reader can hold
//! in one sitting: ARCHITECTURE.md's invariant "no hand-written production
//! function over 80 lines".
//!
//! A function's length is its lines in the source, from `fn` to its
//! closing brace, without blank lines and comment lines (doc comments and
//! other attributes are above `fn`, so they do not count either): an
//! explanation never pushes a function over the limit. syn finds the
//! functions (with proc-macro2's `span-locations`, a dev-dependency, for
//! their lines), so a brace in a string or a macro cannot mislead it. Generated
//! files (`@generated` on their first line), tests (`#[test]` functions,
//! `#[cfg(test)]` modules, `tests.rs` files and `tests/` directories) and
//! benches are left out: the rule is about the code users run.

use std::path::{Path, PathBuf};

/// The longest a function may be, in printed lines of code.
const MAX_LINES: usize = 80;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The hand-written production sources: every crate's `src/` and xtask's.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "tests" && name != "snapshots" {
                sources(&path, out);
            }
        } else if name.ends_with(".rs") && name != "tests.rs" {
            out.push(path);
        }
    }
}

fn is_test_attr(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    let last = path.segments.last().map(|s| s.ident.to_string());
    if last.as_deref() == Some("test") {
        return true;
    }
    // `#[cfg(test)]`, and `#[cfg(all(test, …))]`.
    path.is_ident("cfg")
        && attr.meta.require_list().is_ok_and(|list| {
            list.tokens
                .to_string()
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == "test")
        })
}

/// The function's code lines: from `fn` to its closing brace, without
/// blank and comment-only lines.
fn fn_lines(source: &[&str], sig: &syn::Signature, block: &syn::Block) -> usize {
    let first = sig.fn_token.span.start().line;
    let last = block.brace_token.span.close().end().line;
    source[first - 1..last]
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .count()
}

fn walk(source: &[&str], items: &[syn::Item], scope: &str, found: &mut Vec<(String, usize)>) {
    for item in items {
        match item {
            syn::Item::Fn(f) if !f.attrs.iter().any(is_test_attr) => {
                found.push((
                    format!("{scope}{}", f.sig.ident),
                    fn_lines(source, &f.sig, &f.block),
                ));
            }
            syn::Item::Mod(m) if !m.attrs.iter().any(is_test_attr) => {
                if let Some((_, inner)) = &m.content {
                    walk(source, inner, &format!("{scope}{}::", m.ident), found);
                }
            }
            syn::Item::Impl(i) if !i.attrs.iter().any(is_test_attr) => {
                for member in &i.items {
                    if let syn::ImplItem::Fn(f) = member
                        && !f.attrs.iter().any(is_test_attr)
                    {
                        found.push((
                            format!("{scope}{}", f.sig.ident),
                            fn_lines(source, &f.sig, &f.block),
                        ));
                    }
                }
            }
            syn::Item::Trait(t) => {
                for member in &t.items {
                    if let syn::TraitItem::Fn(f) = member
                        && let Some(block) = &f.default
                    {
                        found.push((
                            format!("{scope}{}", f.sig.ident),
                            fn_lines(source, &f.sig, block),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Every hand-written production function with its printed length.
fn functions() -> Vec<(String, usize)> {
    let root = root();
    let mut files = Vec::new();
    for dir in std::fs::read_dir(root.join("crates")).unwrap() {
        let src = dir.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    sources(&root.join("xtask/src"), &mut files);
    let mut found = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        if text
            .lines()
            .next()
            .is_some_and(|l| l.contains("@generated"))
        {
            continue;
        }
        let file = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{}: cannot parse: {e}", path.display()));
        let shown = path.strip_prefix(&root).unwrap().display().to_string();
        let source: Vec<&str> = text.lines().collect();
        walk(&source, &file.items, &format!("{shown}: "), &mut found);
    }
    found
}

#[test]
fn no_hand_written_production_function_is_over_80_lines() {
    let all = functions();
    assert!(
        all.len() > 300,
        "the scan found only {} functions",
        all.len()
    );
    let long: Vec<String> = all
        .iter()
        .filter(|(_, lines)| *lines > MAX_LINES)
        .map(|(name, lines)| format!("{name} ({lines} lines)"))
        .collect();
    assert!(
        long.is_empty(),
        "split these into named steps (at most {MAX_LINES} printed lines each):\n{}",
        long.join("\n")
    );
}

/// The count is of code: the same function with comments, blank lines and
/// a doc comment counts the same, a longer body counts more, and braces in
/// strings change nothing.
#[test]
fn the_count_ignores_comments_and_counts_code() {
    let count = |s: &str| -> usize {
        let source: Vec<&str> = s.lines().collect();
        let f: syn::ItemFn = syn::parse_str(s).unwrap();
        fn_lines(&source, &f.sig, &f.block)
    };
    let plain = count("fn f() {\n    let a = 1;\n    let b = \"}}{\";\n}");
    let commented = count(
        "/// doc\n#[inline]\nfn f() {\n\n    // why\n    let a = 1;\n\n    let b = \"}}{\";\n}",
    );
    assert_eq!(plain, 4);
    assert_eq!(commented, plain);
    assert_eq!(
        count("fn f() {\n    let a = 1;\n    let b = 2;\n    let c = 3;\n}"),
        plain + 1
    );
    let test_attr: syn::ItemFn = syn::parse_str("#[tokio::test] async fn t() {}").unwrap();
    assert!(is_test_attr(&test_attr.attrs[0]));
    let cfg: syn::ItemMod = syn::parse_str("#[cfg(all(test, unix))] mod tests {}").unwrap();
    assert!(is_test_attr(&cfg.attrs[0]));
    let not: syn::ItemMod = syn::parse_str("#[cfg(feature = \"testing\")] mod m {}").unwrap();
    assert!(!is_test_attr(&not.attrs[0]));
}
