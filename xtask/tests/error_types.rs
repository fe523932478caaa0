//! The developers' guide: "One `thiserror` error enum per library crate;
//! `anyhow` only in binaries and xtask." Each library crate's sources (its
//! library target's directory, without generated files, binaries' roots or
//! `#[cfg(test)]` modules) may derive `thiserror::Error` for one type only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cargo_metadata::MetadataCommand;

/// Whether a file says it is generated (its first lines carry `@generated`).
fn is_generated(text: &str) -> bool {
    text.lines().take(10).any(|l| l.contains("@generated"))
}

/// Whether `use` items of a file bring `thiserror::Error` in as `Error`.
fn imports_thiserror_error(file: &syn::File) -> bool {
    fn walk(tree: &syn::UseTree, under_thiserror: bool) -> bool {
        match tree {
            syn::UseTree::Path(p) => walk(&p.tree, p.ident == "thiserror"),
            syn::UseTree::Name(n) => under_thiserror && n.ident == "Error",
            syn::UseTree::Rename(r) => under_thiserror && r.ident == "Error" && r.rename == "Error",
            syn::UseTree::Group(g) => g.items.iter().any(|t| walk(t, under_thiserror)),
            syn::UseTree::Glob(_) => under_thiserror,
        }
    }
    file.items.iter().any(|item| match item {
        syn::Item::Use(u) => walk(&u.tree, false),
        _ => false,
    })
}

fn derives_thiserror(attrs: &[syn::Attribute], bare_error_is_thiserror: bool) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .any(|a| {
            let mut found = false;
            let _ = a.parse_nested_meta(|meta| {
                let segments: Vec<String> = meta
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if segments == ["thiserror", "Error"]
                    || (bare_error_is_thiserror && segments == ["Error"])
                {
                    found = true;
                }
                Ok(())
            });
            found
        })
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "test")
    })
}

/// The types deriving `thiserror::Error` in `items` (inline modules too).
fn collect(items: &[syn::Item], bare: bool, out: &mut Vec<String>) {
    for item in items {
        match item {
            syn::Item::Enum(e) if derives_thiserror(&e.attrs, bare) => {
                out.push(e.ident.to_string())
            }
            syn::Item::Struct(s) if derives_thiserror(&s.attrs, bare) => {
                out.push(s.ident.to_string())
            }
            syn::Item::Mod(m) if !is_cfg_test(&m.attrs) => {
                if let Some((_, items)) = &m.content {
                    collect(items, bare, out);
                }
            }
            _ => {}
        }
    }
}

/// The types of one file that derive `thiserror::Error` (none when the file
/// is generated).
fn thiserror_types_in(text: &str) -> syn::Result<Vec<String>> {
    if is_generated(text) {
        return Ok(Vec::new());
    }
    let file = syn::parse_file(text)?;
    let mut found = Vec::new();
    collect(&file.items, imports_thiserror_error(&file), &mut found);
    Ok(found)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every library crate's `thiserror` types, by crate, as "file: Type".
fn thiserror_types_by_library() -> BTreeMap<String, Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let metadata = MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .unwrap();
    let mut by_crate = BTreeMap::new();
    for package in metadata.workspace_packages() {
        let Some(lib) = package.targets.iter().find(|t| t.is_lib()) else {
            continue;
        };
        let binaries: Vec<PathBuf> = package
            .targets
            .iter()
            .filter(|t| t.is_bin())
            .map(|t| t.src_path.clone().into_std_path_buf())
            .collect();
        let src = lib.src_path.parent().unwrap().as_std_path();
        let mut files = Vec::new();
        rust_files(src, &mut files);
        files.sort();
        let mut types = Vec::new();
        for path in files.iter().filter(|f| !binaries.contains(f)) {
            let text = std::fs::read_to_string(path).unwrap();
            let found =
                thiserror_types_in(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let shown = path.strip_prefix(src).unwrap_or(path).display().to_string();
            types.extend(found.into_iter().map(|t| format!("{shown}: {t}")));
        }
        by_crate.insert(package.name.to_string(), types);
    }
    by_crate
}

#[test]
fn each_library_crate_has_at_most_one_thiserror_type() {
    let by_crate = thiserror_types_by_library();
    // The scan must see the crates it is about (or it proves nothing).
    for name in ["gaussdb-backup", "openapi-check", "gaussdb-backup-emulator"] {
        assert!(
            by_crate.get(name).is_some_and(|t| !t.is_empty()),
            "{name}: no thiserror type found; is the scan still reading its sources? {by_crate:?}"
        );
    }
    let offenders: Vec<String> = by_crate
        .iter()
        .filter(|(_, types)| types.len() > 1)
        .map(|(name, types)| {
            format!(
                "{name} derives thiserror::Error {} times: {}",
                types.len(),
                types.join(", ")
            )
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "one thiserror error enum per library crate (developers' guide):\n{}",
        offenders.join("\n")
    );
}

/// The scan sees every spelling of the derive, and only those.
#[test]
fn the_scan_finds_thiserror_derives_however_spelled() {
    let text = r#"
        use thiserror::Error;
        #[derive(Debug, thiserror::Error)]
        pub enum A {}
        #[derive(Debug, Error)]
        pub struct B;
        mod inner {
            #[derive(Debug, ::thiserror::Error)]
            enum C {}
        }
        #[cfg(test)]
        mod tests {
            #[derive(Debug, thiserror::Error)]
            enum InTests {}
        }
        #[derive(Debug, Clone)]
        pub enum NotAnError {}
    "#;
    assert_eq!(thiserror_types_in(text).unwrap(), ["A", "B", "C"]);
    // `Error` alone is another derive unless thiserror's is imported.
    assert!(
        thiserror_types_in("#[derive(Error)] enum E {}")
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        thiserror_types_in("use thiserror::{self, Error};\n#[derive(Error)] enum E {}").unwrap(),
        ["E"]
    );
    assert!(
        thiserror_types_in("// @generated\n#[derive(thiserror::Error)] enum G {}")
            .unwrap()
            .is_empty()
    );
}
