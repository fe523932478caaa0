//! Compiles the spec's simplest patterns into tables the client matches
//! without a regex engine (`crates/gaussdb-backup/src/pattern.rs` says why:
//! regex-lite's PikeVM was three quarters of the client's per-call cost).
//!
//! The pattern is parsed with `regex-syntax`, the parser of the `regex`
//! crates (well kept, and the same syntax regex-lite reads), and compiled only
//! when its syntax tree is `^`, a sequence of single-character classes or
//! literals each with a greedy repetition, then `$`, and every item whose
//! count can vary shares no character with the items that may follow it
//! (up to and including the next required one). A greedy left-to-right scan
//! is then exact. Everything else (groups, alternations of sequences, Perl
//! classes, whose meaning regex-syntax takes from Unicode and regex-lite from
//! ASCII) is left to regex-lite: this is a fast path, never a second dialect.

use proc_macro2::TokenStream;
use quote::quote;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// One item: inclusive character ranges, repeated `min..=max` times.
#[derive(Debug, PartialEq)]
pub struct Item {
    pub ranges: Vec<(char, char)>,
    pub min: u32,
    /// `None`: no upper bound.
    pub max: Option<u32>,
}

/// The items of `pattern`, or `None` when it is not an anchored sequence of
/// classes that a greedy scan matches exactly.
pub fn plan(pattern: &str) -> Option<Vec<Item>> {
    // Perl classes: ASCII in regex-lite, Unicode in regex-syntax.
    if ["\\d", "\\D", "\\w", "\\W", "\\s", "\\S"]
        .iter()
        .any(|p| pattern.contains(p))
    {
        return None;
    }
    let hir = regex_syntax::parse(pattern).ok()?;
    let HirKind::Concat(parts) = hir.kind() else {
        return None;
    };
    let (first, rest) = parts.split_first()?;
    let (last, middle) = rest.split_last()?;
    if first.kind() != &HirKind::Look(Look::Start) || last.kind() != &HirKind::Look(Look::End) {
        return None;
    }
    let mut items = Vec::new();
    for part in middle {
        items.extend(items_of(part)?);
    }
    greedy_is_exact(&items).then_some(items)
}

/// The items one part of the top-level sequence stands for.
fn items_of(hir: &Hir) -> Option<Vec<Item>> {
    match hir.kind() {
        HirKind::Literal(literal) => {
            let text = std::str::from_utf8(&literal.0).ok()?;
            Some(
                text.chars()
                    .map(|c| Item {
                        ranges: vec![(c, c)],
                        min: 1,
                        max: Some(1),
                    })
                    .collect(),
            )
        }
        HirKind::Class(_) => Some(vec![Item {
            ranges: ranges(hir)?,
            min: 1,
            max: Some(1),
        }]),
        HirKind::Repetition(rep) if rep.greedy => Some(vec![Item {
            ranges: ranges(&rep.sub)?,
            min: rep.min,
            max: rep.max,
        }]),
        _ => None,
    }
}

/// The ranges of a single-character class or literal.
fn ranges(hir: &Hir) -> Option<Vec<(char, char)>> {
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => Some(
            class
                .ranges()
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
        ),
        HirKind::Literal(literal) => {
            let text = std::str::from_utf8(&literal.0).ok()?;
            let mut chars = text.chars();
            let c = chars.next()?;
            chars.next().is_none().then_some(vec![(c, c)])
        }
        _ => None,
    }
}

/// Whether every item that can repeat a varying number of times is disjoint
/// from each item after it, up to and including the next required one: a
/// character it takes greedily could then never have belonged to them.
fn greedy_is_exact(items: &[Item]) -> bool {
    items.iter().enumerate().all(|(i, item)| {
        if item.max == Some(item.min) {
            return true;
        }
        for next in &items[i + 1..] {
            if overlaps(&item.ranges, &next.ranges) {
                return false;
            }
            if next.min > 0 {
                break;
            }
        }
        true
    })
}

fn overlaps(a: &[(char, char)], b: &[(char, char)]) -> bool {
    a.iter()
        .any(|&(alo, ahi)| b.iter().any(|&(blo, bhi)| alo <= bhi && blo <= ahi))
}

/// Replaces every `static PATTERN: LazyLock<regex_lite::Regex>` of the
/// generated client whose pattern [`plan`] compiles with a
/// `crate::pattern::Anchored` (the call site, `PATTERN.find(value)`, is the
/// same for both), and appends `ANCHORED_PATTERNS`, the list the client's
/// unit tests check against regex-lite. Runs after
/// `patterns::regex_lite_instead_of_regress`.
pub fn compile_simple_patterns(file: &mut syn::File) -> anyhow::Result<()> {
    use syn::visit_mut::VisitMut;

    #[derive(Default)]
    struct Edit {
        compiled: Vec<TokenStream>,
    }
    impl VisitMut for Edit {
        fn visit_item_static_mut(&mut self, item: &mut syn::ItemStatic) {
            if let Some(pattern) = regex_lite_pattern(&item.expr)
                && let Some(items) = plan(&pattern)
            {
                let built = constructor(&pattern, &items);
                *item.ty = syn::parse_quote!(crate::pattern::Anchored);
                *item.expr = syn::parse_quote!(#built);
                self.compiled.push(built);
            }
            syn::visit_mut::visit_item_static_mut(self, item);
        }
    }

    let mut edit = Edit::default();
    edit.visit_file_mut(file);
    let compiled = &edit.compiled;
    file.items.push(syn::parse_quote! {
        /// Every pattern compiled into a `crate::pattern::Anchored` above,
        /// for the test that proves each agrees with regex-lite.
        #[cfg(test)]
        pub(crate) static ANCHORED_PATTERNS: &[crate::pattern::Anchored] = &[#(#compiled),*];
    });
    Ok(())
}

/// The literal pattern of a `::regex_lite::Regex::new("…")` call inside
/// `expr`, if there is one.
fn regex_lite_pattern(expr: &syn::Expr) -> Option<String> {
    // `VisitMut` on a copy: xtask's syn has no `visit` feature, and adding
    // it would rebuild syn for every proc macro of the workspace.
    use syn::visit_mut::VisitMut;

    #[derive(Default)]
    struct Find(Option<String>);
    impl VisitMut for Find {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            if let syn::Expr::Path(func) = &*call.func {
                let names: Vec<String> = func
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if names == ["regex_lite", "Regex", "new"]
                    && let Some(syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    })) = call.args.first()
                {
                    self.0 = Some(s.value());
                }
            }
            syn::visit_mut::visit_expr_call_mut(self, call);
        }
    }
    let mut find = Find::default();
    find.visit_expr_mut(&mut expr.clone());
    find.0
}

/// The expression that builds the client's `crate::pattern::Anchored`.
pub fn constructor(pattern: &str, items: &[Item]) -> TokenStream {
    let items = items.iter().map(|item| {
        let ranges = item.ranges.iter().map(|(lo, hi)| quote!((#lo, #hi)));
        let min = proc_macro2::Literal::u32_unsuffixed(item.min);
        let max = match item.max {
            Some(max) => {
                let max = proc_macro2::Literal::u32_unsuffixed(max);
                quote!(#max)
            }
            None => quote!(u32::MAX),
        };
        quote!(crate::pattern::Item::new(&[#(#ranges),*], #min, #max))
    });
    quote!(crate::pattern::Anchored::new(#pattern, &[#(#items),*]))
}

#[cfg(test)]
mod tests {
    use super::{Item, plan};

    fn item(ranges: &[(char, char)], min: u32, max: Option<u32>) -> Item {
        Item {
            ranges: ranges.to_vec(),
            min,
            max,
        }
    }

    /// What typify writes for a compilable pattern becomes an `Anchored`
    /// table; a pattern outside the subset keeps regex-lite.
    #[test]
    fn the_edit_replaces_only_compilable_patterns() {
        let mut file: syn::File = syn::parse_quote! {
            fn a(value: &str) -> bool {
                static PATTERN: ::std::sync::LazyLock<::regex_lite::Regex> =
                    ::std::sync::LazyLock::new(|| ::regex_lite::Regex::new("^[a-z]{2}$").unwrap());
                PATTERN.find(value).is_none()
            }
            fn b(value: &str) -> bool {
                static PATTERN: ::std::sync::LazyLock<::regex_lite::Regex> =
                    ::std::sync::LazyLock::new(|| ::regex_lite::Regex::new("^(ab)+$").unwrap());
                PATTERN.find(value).is_none()
            }
        };
        super::compile_simple_patterns(&mut file).unwrap();
        let text = prettyplease::unparse(&file);
        assert_eq!(
            text.matches("static PATTERN: crate::pattern::Anchored")
                .count(),
            1,
            "{text}"
        );
        assert_eq!(
            text.matches("::regex_lite::Regex::new(\"^(ab)+$\")")
                .count(),
            1,
            "{text}"
        );
        assert!(text.contains("ANCHORED_PATTERNS"), "{text}");
        assert!(
            text.contains("crate::pattern::Item::new(&[('a', 'z')], 2, 2)"),
            "{text}"
        );
    }

    #[test]
    fn the_specs_id_name_and_description_patterns_compile() {
        assert_eq!(
            plan("^[0-9A-Za-z-]{36}$"),
            Some(vec![item(
                &[('-', '-'), ('0', '9'), ('A', 'Z'), ('a', 'z')],
                36,
                Some(36)
            )])
        );
        // The alternation of two classes is one class in regex-syntax.
        let name = plan("^(?:[A-Za-z]|[^\\u0000-\\u007F])(?:[A-Za-z0-9_-]|[^\\u0000-\\u007F])*$")
            .expect("the name pattern compiles");
        assert_eq!(name.len(), 2);
        assert_eq!((name[0].min, name[0].max), (1, Some(1)));
        assert_eq!((name[1].min, name[1].max), (0, None));
        assert_eq!(name[0].ranges.last(), Some(&('\u{80}', '\u{10FFFF}')));
        assert!(plan("^[^>!<\"&'=]*$").is_some());
        assert_eq!(
            plan("^ab?$"),
            Some(vec![
                item(&[('a', 'a')], 1, Some(1)),
                item(&[('b', 'b')], 0, Some(1))
            ])
        );
    }

    #[test]
    fn everything_else_stays_on_regex_lite() {
        for pattern in [
            // Not anchored at both ends.
            "[a-z]+",
            "^[a-z]+",
            "[a-z]+$",
            // A group, an alternation of sequences, a lazy repetition.
            "^(ab)+$",
            "^(?:ab|cd)$",
            "^a+?$",
            // Perl classes mean different things in the two parsers.
            "^\\d{4}$",
            "^\\w+$",
            // The time pattern: a group with an alternation.
            "^[0-9]{4}-[0-9]{2}(Z|[+-][0-9]{2})$",
            // Not a pattern regex-syntax reads.
            "^[a-$",
        ] {
            assert_eq!(plan(pattern), None, "{pattern}");
        }
    }

    /// A varying item followed by something it could also take: a greedy
    /// scan would take too much, so the pattern is not compiled.
    #[test]
    fn overlapping_neighbours_are_not_compiled() {
        for pattern in ["^[a-z]*[a-c]$", "^[a-z]+x?[a-c]$", "^a{1,3}a$"] {
            assert_eq!(plan(pattern), None, "{pattern}");
        }
        // Disjoint, or overlapping only after a required item: exact.
        for pattern in ["^[a-z]*[0-9]$", "^[a-z]+-[a-z]+$", "^a{2}a$"] {
            assert!(plan(pattern).is_some(), "{pattern}");
        }
    }
}
