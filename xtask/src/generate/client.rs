//! The client crate's generated code: progenitor's Builder interface written to
//! `crates/gaussdb-backup/src/generated.rs`.
//!
//! What the generated code cannot do alone is added through progenitor's hooks,
//! never by editing the output:
//! - `with_inner_type` + `HooksMode::Expected`: every request goes through the
//!   hand-written `ClientHooks` impl in `crates/gaussdb-backup/src/hooks.rs`
//!   (credentials, headers, capturing the raw response for errors);
//! - `with_replacement`: the forward-compatible hand-written types replace the
//!   schemas that name them (see `crates/gaussdb-backup/src/extensible.rs`).
//!
//! One edit of the output, as a syntax tree: `with_derive("schemars::JsonSchema")`
//! (which the generated CLI needs) derives unconditionally; every such derive
//! becomes `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`,
//! so that only the CLI, which enables the feature, builds schemars.
//!
//! Another: the spec's patterns are compiled with regex-lite instead of
//! regress, after a check that the two engines agree on each (see
//! `patterns.rs`).
//!
//! A third: the types the service sends and callers send are
//! `#[non_exhaustive]`, so that an added optional property is a compatible
//! release (see `non_exhaustive.rs`).

use std::panic::{AssertUnwindSafe, catch_unwind};

use anyhow::{Result, bail};
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

use super::{Output, rust_output};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup/src/generated.rs";

/// Schemas replaced by hand-written types, and the traits those types provide.
pub(super) const REPLACEMENTS: &[(&str, &str, &[TypeImpl])] = &[
    (
        "BackupStatus",
        "crate::BackupStatus",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    (
        "BackupType",
        "crate::BackupType",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    (
        "JobStatus",
        "crate::JobStatus",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    (
        "Language",
        "crate::Language",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    (
        "Timestamp",
        "crate::Timestamp",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    // A job's time may be "" (the documented "empty until done"): the same
    // hand-written type, which keeps any text.
    (
        "JobTime",
        "crate::Timestamp",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
    (
        "BackupLevel",
        "crate::BackupLevel",
        &[TypeImpl::Display, TypeImpl::FromStr],
    ),
];

/// The generator settings shared by the client, the CLI and the mocks, so
/// that all three name the same types.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(quote_path("crate::hooks::CallContext"))
        .with_hooks(HooksMode::Expected)
        // The generated CLI prints and reads types through schemars.
        .with_derive("schemars::JsonSchema");
    for (schema, rust_type, impls) in REPLACEMENTS {
        settings.with_replacement(schema, rust_type, impls.iter().cloned());
    }
    settings
}

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let tokens = generate(&settings(), &spec.openapi);
    let reach = super::non_exhaustive::reach(&spec.value)?;
    // Requests too: see "Generated types are #[non_exhaustive]" in
    // ARCHITECTURE.md for why a request type is closed to struct literals.
    let names = reach.responses.union(&reach.requests).cloned().collect();
    let replaced: Vec<&str> = REPLACEMENTS.iter().map(|(schema, ..)| *schema).collect();
    Ok(vec![rust_output(
        spec,
        OUTPUT_PATH,
        "client",
        tokens,
        |file| {
            schemars_behind_feature(file)?;
            super::non_exhaustive::mark(file, &names, &replaced)?;
            super::patterns::regex_lite_instead_of_regress(file)?;
            super::anchored::compile_simple_patterns(file)
        },
    )?])
}

/// The derive progenitor adds for the CLI, and the feature it goes behind.
const SCHEMARS_DERIVE: &str = "schemars :: JsonSchema";
const SCHEMARS_FEATURE: &str = "schemars";

/// Moves `schemars::JsonSchema` out of every `#[derive(...)]` into a
/// `#[cfg_attr(feature = "schemars", derive(...))]`, and `#[schemars(...)]`
/// helper attributes behind the same feature; fails if schemars is still used
/// anywhere else, since the crate would then not build without the feature.
fn schemars_behind_feature(file: &mut syn::File) -> Result<()> {
    use syn::visit_mut::VisitMut;

    struct Edit {
        moved: usize,
    }
    impl Edit {
        fn attrs(&mut self, attrs: &mut Vec<syn::Attribute>) {
            let mut added = Vec::new();
            for attr in attrs.iter_mut() {
                if attr.path().is_ident("schemars") {
                    let meta = &attr.meta;
                    *attr = syn::parse_quote!(#[cfg_attr(feature = #SCHEMARS_FEATURE, #meta)]);
                    self.moved += 1;
                    continue;
                }
                if !attr.path().is_ident("derive") {
                    continue;
                }
                let Ok(paths) = attr.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                ) else {
                    continue;
                };
                let (schemars, others): (Vec<_>, Vec<_>) = paths
                    .into_iter()
                    .partition(|p| quote::quote!(#p).to_string() == SCHEMARS_DERIVE);
                if schemars.is_empty() {
                    continue;
                }
                *attr = syn::parse_quote!(#[derive(#(#others),*)]);
                added.push(syn::parse_quote!(
                    #[cfg_attr(feature = #SCHEMARS_FEATURE, derive(#(#schemars),*))]
                ));
                self.moved += 1;
            }
            attrs.retain(|attr| {
                !(attr.path().is_ident("derive")
                    && matches!(&attr.meta, syn::Meta::List(l) if l.tokens.is_empty()))
            });
            attrs.extend(added);
        }
    }
    impl VisitMut for Edit {
        fn visit_item_struct_mut(&mut self, node: &mut syn::ItemStruct) {
            self.attrs(&mut node.attrs);
            syn::visit_mut::visit_item_struct_mut(self, node);
        }
        fn visit_item_enum_mut(&mut self, node: &mut syn::ItemEnum) {
            self.attrs(&mut node.attrs);
            syn::visit_mut::visit_item_enum_mut(self, node);
        }
        fn visit_field_mut(&mut self, node: &mut syn::Field) {
            self.attrs(&mut node.attrs);
            syn::visit_mut::visit_field_mut(self, node);
        }
        fn visit_variant_mut(&mut self, node: &mut syn::Variant) {
            self.attrs(&mut node.attrs);
            syn::visit_mut::visit_variant_mut(self, node);
        }
    }

    let mut edit = Edit { moved: 0 };
    edit.visit_file_mut(file);
    // Each moved attribute names schemars twice (the feature and the path);
    // any other mention would break the build without the feature.
    let text = quote::quote!(#file).to_string();
    let mentions = text.matches("schemars").count();
    if mentions != 2 * edit.moved {
        bail!(
            "the generated client mentions schemars outside derives ({mentions} mentions, \
             {} attributes put behind the `{SCHEMARS_FEATURE}` feature)",
            edit.moved
        );
    }
    Ok(())
}

/// For the CLI and the mocks, generated into other crates: progenitor names
/// the replacement types as the client crate sees them (`crate::Language`);
/// this names them from outside (`gaussdb_backup::Language`).
pub fn replacements_from_outside(file: &mut syn::File) -> Result<()> {
    use syn::visit_mut::VisitMut;

    struct Edit(Vec<String>);
    impl VisitMut for Edit {
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if names.len() == 2 && names[0] == "crate" && self.0.contains(&names[1]) {
                path.segments[0].ident = quote::format_ident!("gaussdb_backup");
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
        // Macro arguments (`value_parser!(crate::Language)`) are tokens.
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            mac.tokens = rewrite(std::mem::take(&mut mac.tokens), &self.0);
        }
    }
    fn rewrite(tokens: proc_macro2::TokenStream, names: &[String]) -> proc_macro2::TokenStream {
        use proc_macro2::{Group, TokenTree};
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out = Vec::with_capacity(trees.len());
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(g) => {
                    let mut group = Group::new(g.delimiter(), rewrite(g.stream(), names));
                    group.set_span(g.span());
                    out.push(TokenTree::Group(group));
                }
                TokenTree::Ident(ident) if ident == "crate" => {
                    // `crate` `:` `:` `Name`, not itself after a `::`.
                    let followed = matches!(
                        (trees.get(i + 1), trees.get(i + 2), trees.get(i + 3)),
                        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)), Some(TokenTree::Ident(n)))
                            if a.as_char() == ':' && b.as_char() == ':' && names.iter().any(|x| n == x)
                    );
                    if followed {
                        out.push(TokenTree::Ident(quote::format_ident!("gaussdb_backup")));
                    } else {
                        out.push(tree.clone());
                    }
                }
                other => out.push(other.clone()),
            }
        }
        out.into_iter().collect()
    }
    let names = REPLACEMENTS
        .iter()
        .filter_map(|(_, rust_type, _)| rust_type.strip_prefix("crate::"))
        .map(str::to_owned)
        .collect();
    Edit(names).visit_file_mut(file);
    Ok(())
}

/// Runs progenitor's client generator.
fn generate(
    settings: &GenerationSettings,
    openapi: &openapiv3::OpenAPI,
) -> Result<proc_macro2::TokenStream, String> {
    run(settings, openapi, |generator, openapi| {
        generator.generate_tokens(openapi)
    })
}

/// Runs one of progenitor's generators, turning its panics (it asserts on
/// some inputs) into errors.
pub fn run(
    settings: &GenerationSettings,
    openapi: &openapiv3::OpenAPI,
    generate: impl FnOnce(
        &mut Generator,
        &openapiv3::OpenAPI,
    ) -> Result<proc_macro2::TokenStream, progenitor::Error>,
) -> Result<proc_macro2::TokenStream, String> {
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(settings);
        generate(&mut generator, openapi)
    }));
    std::panic::set_hook(previous_hook);
    match result {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(err)) => Err(err.to_string()),
        Err(panic) => Err(format!("progenitor panicked: {}", panic_message(&panic))),
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_owned()
    }
}

fn quote_path(path: &str) -> proc_macro2::TokenStream {
    path.parse().expect("a Rust path is a valid token stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_progenitor_panic_becomes_an_error() {
        // Two error responses with different schemas make progenitor 0.15
        // assert; the generator must report it, not crash.
        let doc = r#"{
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"operationId": "getX", "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}},
                "400": {"description": "a", "content": {"application/json": {"schema": {"type": "string"}}}},
                "500": {"description": "b", "content": {"application/json": {"schema": {"type": "integer"}}}}
            }}}}
        }"#;
        let openapi: openapiv3::OpenAPI = serde_json::from_str(doc).unwrap();
        let err = generate(&GenerationSettings::new(), &openapi).unwrap_err();
        assert!(err.contains("progenitor panicked"), "{err}");
    }

    /// openapi-check's generator rules describe what really breaks
    /// progenitor: each corpus spec named after one must fail here, and the
    /// valid corpus must generate.
    #[test]
    fn openapi_check_generator_rules_match_progenitor() {
        let corpus = crate::project_root().join("crates/openapi-check/tests/corpus");
        let load = |path: &std::path::Path| -> openapiv3::OpenAPI {
            let text = std::fs::read_to_string(path).unwrap();
            let parsed = openapi_check::parse(&text, openapi_check::Format::Yaml).unwrap();
            serde_json::from_value(parsed.value).unwrap()
        };
        let settings = {
            let mut s = GenerationSettings::new();
            s.with_interface(InterfaceStyle::Builder);
            s
        };
        let mut checked = 0;
        for entry in std::fs::read_dir(corpus.join("invalid")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("progenitor-") {
                let result = generate(&settings, &load(&path));
                assert!(result.is_err(), "{name}: progenitor generated it");
                checked += 1;
            }
        }
        assert_eq!(checked, 3);
        let valid = load(&corpus.join("valid/petstore.yaml"));
        generate(&settings, &valid).expect("the valid corpus generates");
    }
}
