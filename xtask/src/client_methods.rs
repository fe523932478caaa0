//! Which public `Client` method calls which operation, for the review's
//! "Generated Rust" line: users call `Client::create_backup`, not the raw
//! `create_gauss_my_sql_backup`, so the review names both.
//!
//! The client crate's methods say which operation they call in their docs,
//! by operationId in backticks ("(`POST /v3/{project_id}/backups/create`,
//! `CreateGaussMySqlBackup`)"); this reads every `impl Client` of the
//! crate's hand-written and generated wrapper files (not progenitor's
//! `generated.rs`, whose `Client` is the raw one) and maps each operationId
//! its docs name to the method.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

const CLIENT_SRC: &str = "crates/gaussdb-backup/src";
const RAW: &str = "generated.rs";

/// operationId → `Client::method`s whose docs name it.
pub fn by_operation(root: &Path) -> Result<BTreeMap<String, Vec<String>>> {
    let dir = root.join(CLIENT_SRC);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter(|p| p.file_name().is_some_and(|n| n != RAW))
        .collect();
    files.sort();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in files {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let file = syn::parse_file(&text)
            .with_context(|| format!("{} does not parse as Rust", path.display()))?;
        for (operation, method) in methods(&file) {
            let list = out.entry(operation).or_default();
            if !list.contains(&method) {
                list.push(method);
            }
        }
    }
    Ok(out)
}

/// (operationId, `Client::method`) for every public method of an
/// `impl Client` whose docs name an operationId in backticks.
fn methods(file: &syn::File) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else {
            continue;
        };
        let is_client = imp.trait_.is_none()
            && matches!(&*imp.self_ty, syn::Type::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident == "Client"));
        if !is_client {
            continue;
        }
        for member in &imp.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if !matches!(f.vis, syn::Visibility::Public(_)) {
                continue;
            }
            let docs = doc_text(&f.attrs);
            for id in operation_ids(&docs) {
                out.push((id, format!("Client::{}", f.sig.ident)));
            }
        }
    }
    out
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Backticked words that look like an operationId: an upper-case letter
/// first, then letters and digits only (`CreateGaussMySqlBackup`, not
/// `Error::InvalidArgument` or `POST /v3/…`).
fn operation_ids(docs: &str) -> Vec<String> {
    docs.split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            w.len() > 3
                && w.starts_with(|c: char| c.is_ascii_uppercase())
                && w.chars().all(|c| c.is_ascii_alphanumeric())
                && w.chars().skip(1).any(|c| c.is_ascii_uppercase())
        })
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_are_found_by_the_operation_their_docs_name() {
        let file: syn::File = syn::parse_quote! {
            impl Client {
                /// Creates a backup (`POST /x`, `CreateGaussMySqlBackup`); see [`Error::InvalidArgument`].
                pub fn create_backup(&self) {}
                /// Not public (`ShowGaussMySqlJobInfo`).
                fn hidden(&self) {}
                /// Waits (`WaitForBackup`)
                pub fn wait_for_backup(&self) {}
            }
            impl Other {
                /// (`DeleteGaussMySqlBackup`)
                pub fn delete_backup(&self) {}
            }
        };
        let got = methods(&file);
        assert!(got.contains(&(
            "CreateGaussMySqlBackup".into(),
            "Client::create_backup".into()
        )));
        assert!(!got.iter().any(|(id, _)| id == "ShowGaussMySqlJobInfo"));
        assert!(!got.iter().any(|(id, _)| id == "DeleteGaussMySqlBackup"));
    }

    #[test]
    fn the_client_crate_names_its_create_method() {
        let map = by_operation(&crate::project_root()).unwrap();
        assert_eq!(
            map.get("CreateGaussMySqlBackup").map(Vec::as_slice),
            Some(&["Client::create_backup".to_owned()][..])
        );
    }
}
