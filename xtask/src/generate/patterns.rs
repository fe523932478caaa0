//! The spec's `pattern`s in the generated client run on `regex-lite`, not on
//! `regress`.
//!
//! typify writes `::regress::Regex::new("<pattern>")` for every schema with a
//! `pattern`: regress is an ECMAScript engine, the dialect JSON Schema's
//! patterns are written in. A program that depends on the client then builds
//! regress (3.2 s of CPU in `bench/consumer_build.py`'s consumer, the single
//! largest cost the client added) to check four simple patterns. `regex-lite`
//! (the `regex` authors' small engine, 0.6 s) answers the same two calls
//! (`Regex::new`, `find`) with the same signatures, so the generated code is
//! pointed at it here, as a syntax-tree edit of progenitor's output.
//!
//! The two engines do not agree on every pattern (`.` and line terminators,
//! `\s` and Unicode spaces, class set operations such as `[a&&b]`,
//! lookaround). Every pattern is therefore checked against [`check`], a
//! subset of the syntax in which both engines find a match in exactly the
//! same strings, and compiled with regex-lite; generation fails on any other
//! pattern, naming it and the construct, so that a spec change can never
//! make the client quietly refuse what the service accepts (or panic on
//! first use).

use anyhow::{Result, bail};

/// Points every `::regress::…` path of the generated client at
/// `::regex_lite::…`, after checking each pattern it compiles.
pub fn regex_lite_instead_of_regress(file: &mut syn::File) -> Result<()> {
    use syn::visit_mut::VisitMut;

    #[derive(Default)]
    struct Edit {
        patterns: Vec<String>,
        paths: usize,
    }
    impl VisitMut for Edit {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            if let syn::Expr::Path(func) = &*call.func {
                let names: Vec<String> = func
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                if names == ["regress", "Regex", "new"] {
                    for arg in &call.args {
                        if let syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) = arg
                        {
                            self.patterns.push(s.value());
                        }
                    }
                }
            }
            syn::visit_mut::visit_expr_call_mut(self, call);
        }
        fn visit_path_mut(&mut self, path: &mut syn::Path) {
            if path.leading_colon.is_some()
                && path.segments.first().is_some_and(|s| s.ident == "regress")
            {
                path.segments[0].ident = quote::format_ident!("regex_lite");
                self.paths += 1;
            }
            syn::visit_mut::visit_path_mut(self, path);
        }
    }

    let mut edit = Edit::default();
    edit.visit_file_mut(file);
    for pattern in &edit.patterns {
        check(pattern).map_err(|why| {
            anyhow::anyhow!(
                "the spec's pattern {pattern:?} {why}: the generated client checks patterns \
                 with regex-lite, which agrees with ECMAScript (the spec's dialect) only on the \
                 subset described in xtask/src/generate/patterns.rs"
            )
        })?;
    }
    // Anything typify might write besides `::regress::Regex::new` (a
    // pattern built at run time, a `use regress`) is not covered above.
    let text = quote::quote!(#file).to_string();
    if text.contains("regress") {
        bail!("the generated client uses regress in a way this edit does not know");
    }
    if edit.paths > 0 && edit.patterns.is_empty() {
        bail!("the generated client names regress without compiling a literal pattern");
    }
    Ok(())
}

/// Whether ECMAScript (as regress runs it on Rust strings) and regex-lite
/// find a match of `pattern` in exactly the same strings; `Err` names the
/// construct where they may not.
///
/// The subset: `^` first and `$` last; literal characters; `\uXXXX` and
/// escaped punctuation; `\d \D \w \W` (ASCII in both); character classes
/// `[...]`/`[^...]` of those with ranges, not starting with `]` (an empty
/// class in ECMAScript), without a nested `[` or a doubled `&`, `-` or `~`
/// (set operations in regex-lite); groups `(...)`, `(?:...)` and `|`;
/// the greedy quantifiers `* + ? {n} {n,} {n,m}`. Not: `.`, `\s`, `\b`,
/// back-references, lookaround, named groups, flags, lazy quantifiers.
pub fn check(pattern: &str) -> Result<(), String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut depth = 0usize;
    // Whether the previous token can take a quantifier.
    let mut atom = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '^' if i == 0 => atom = false,
            '^' => return Err("uses `^` other than first".into()),
            '$' if i + 1 == chars.len() => atom = false,
            '$' => return Err("uses `$` other than last".into()),
            '.' => return Err("uses `.` (ECMAScript excludes \\r and \\u2028 too)".into()),
            '\\' => {
                i = escape(&chars, i, false)?;
                atom = true;
                continue;
            }
            '[' => {
                i = class(&chars, i)?;
                atom = true;
                continue;
            }
            '(' => {
                if chars.get(i + 1) == Some(&'?') {
                    if chars.get(i + 2) != Some(&':') {
                        return Err("uses a `(?` group other than `(?:`".into());
                    }
                    i += 2;
                }
                depth += 1;
                atom = false;
            }
            ')' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| "has an unmatched `)`".to_string())?;
                atom = true;
            }
            '|' => atom = false,
            '*' | '+' | '?' | '{' => {
                if !atom {
                    return Err(format!("has a quantifier `{c}` with nothing to repeat"));
                }
                if c == '{' {
                    i = braces(&chars, i)?;
                } else {
                    i += 1;
                }
                if matches!(chars.get(i), Some('?' | '+' | '*' | '{')) {
                    return Err("uses a lazy or doubled quantifier".into());
                }
                atom = false;
                continue;
            }
            ']' | '}' => return Err(format!("has an unescaped `{c}`")),
            _ => atom = true,
        }
        i += 1;
    }
    if depth != 0 {
        return Err("has an unclosed `(`".into());
    }
    regex_lite::Regex::new(pattern)
        .map(drop)
        .map_err(|e| format!("does not compile with regex-lite ({e})"))
}

/// An escape at `chars[i] == '\\'`; returns the index after it.
fn escape(chars: &[char], i: usize, in_class: bool) -> Result<usize, String> {
    match chars.get(i + 1) {
        Some('u') => {
            let hex = chars.get(i + 2..i + 6).unwrap_or_default();
            if hex.len() == 4 && hex.iter().all(char::is_ascii_hexdigit) {
                Ok(i + 6)
            } else {
                Err("has a `\\u` escape without four hex digits".into())
            }
        }
        Some('d' | 'D' | 'w' | 'W') => Ok(i + 2),
        Some(c) if "\\^$.|?*+()[]{}-/".contains(*c) => Ok(i + 2),
        Some(c) => Err(format!(
            "uses the escape `\\{c}`{}",
            if in_class { " in a class" } else { "" }
        )),
        None => Err("ends with `\\`".into()),
    }
}

/// A class at `chars[i] == '['`; returns the index after its `]`.
fn class(chars: &[char], i: usize) -> Result<usize, String> {
    let mut j = i + 1;
    if chars.get(j) == Some(&'^') {
        j += 1;
    }
    if chars.get(j) == Some(&']') {
        return Err("has a class starting with `]` (empty in ECMAScript)".into());
    }
    while let Some(&c) = chars.get(j) {
        match c {
            ']' => return Ok(j + 1),
            '[' => return Err("has a `[` inside a class (a nested class in regex-lite)".into()),
            '\\' => {
                j = escape(chars, j, true)?;
                continue;
            }
            '&' | '-' | '~' if chars.get(j + 1) == Some(&c) => {
                return Err(format!(
                    "has `{c}{c}` in a class (a set operation in regex-lite)"
                ));
            }
            _ => {}
        }
        j += 1;
    }
    Err("has an unclosed `[`".into())
}

/// A `{n}`, `{n,}` or `{n,m}` at `chars[i] == '{'`; returns the index after it.
fn braces(chars: &[char], i: usize) -> Result<usize, String> {
    let close = chars[i..]
        .iter()
        .position(|&c| c == '}')
        .map(|p| i + p)
        .ok_or_else(|| "has a `{` that is not a quantifier".to_string())?;
    let inner: String = chars[i + 1..close].iter().collect();
    let (min, max) = match inner.split_once(',') {
        Some((min, max)) => (min, Some(max)),
        None => (inner.as_str(), None),
    };
    let number = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if number(min) && max.is_none_or(|m| m.is_empty() || number(m)) {
        Ok(close + 1)
    } else {
        Err(format!("has `{{{inner}}}`, which is not a quantifier"))
    }
}

#[cfg(test)]
mod tests {
    use super::{check, regex_lite_instead_of_regress};

    /// What typify writes, with a pattern in the subset: pointed at
    /// regex-lite; with one outside it: generation fails, naming both.
    #[test]
    fn the_edit_rewrites_checked_patterns_and_fails_on_others() {
        let mut good: syn::File = syn::parse_quote! {
            static PATTERN: ::std::sync::LazyLock<::regress::Regex> =
                ::std::sync::LazyLock::new(|| ::regress::Regex::new("^[a-z]{2}$").unwrap());
        };
        regex_lite_instead_of_regress(&mut good).unwrap();
        let text = quote::quote!(#good).to_string();
        assert!(text.contains(":: regex_lite :: Regex :: new"), "{text}");
        assert!(!text.contains("regress"), "{text}");

        let mut bad: syn::File = syn::parse_quote! {
            static PATTERN: ::std::sync::LazyLock<::regress::Regex> =
                ::std::sync::LazyLock::new(|| ::regress::Regex::new("^a.b$").unwrap());
        };
        let err = regex_lite_instead_of_regress(&mut bad)
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"^a.b$\"") && err.contains("`.`"), "{err}");
    }

    /// The spec's patterns today, which must stay accepted.
    #[test]
    fn accepts_the_specs_patterns() {
        // Every `pattern` of the spec itself, read from it (a hand copy
        // would go stale), plus the constructs the subset allows.
        let spec = crate::spec::Spec::load(&crate::project_root()).unwrap();
        let mut patterns = Vec::new();
        collect_patterns(&spec.value, &mut patterns);
        assert!(patterns.len() >= 5, "{patterns:?}");
        patterns.push("^(?:ab|c)+\\d{2,}\\.$".to_owned());
        for pattern in &patterns {
            assert_eq!(check(pattern), Ok(()), "{pattern}");
        }
    }

    fn collect_patterns(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(p)) = map.get("pattern") {
                    out.push(p.clone());
                }
                map.values().for_each(|v| collect_patterns(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, out)),
            _ => {}
        }
    }

    /// Each construct where the engines differ, or which regex-lite lacks.
    #[test]
    fn refuses_where_the_engines_differ() {
        for (pattern, why) in [
            ("^a.b$", "`.`"),
            ("^\\s+$", "`\\s`"),
            ("\\bword\\b", "`\\b`"),
            ("^(a)\\1$", "`\\1`"),
            ("^(?=a)a$", "`(?`"),
            ("^(?<n>a)$", "`(?`"),
            ("[[]", "nested class"),
            ("[a&&b]", "set operation"),
            ("[a--b]", "set operation"),
            ("[]a]", "starting with `]`"),
            ("a*?", "lazy"),
            ("a{2,1", "not a quantifier"),
            ("a{x}", "not a quantifier"),
            ("a^b", "`^` other than first"),
            ("a$b", "`$` other than last"),
            ("(a", "unclosed `(`"),
            ("[a", "unclosed `[`"),
            ("*a", "nothing to repeat"),
            ("a\\", "ends with"),
            ("\\u12", "four hex digits"),
        ] {
            let err = check(pattern).expect_err(pattern);
            assert!(
                err.contains(why),
                "{pattern}: {err} (expected to mention {why})"
            );
        }
    }

    /// regex-lite's own verdict is part of the check: a quantifier bound it
    /// refuses fails generation instead of panicking in the client.
    #[test]
    fn refuses_what_regex_lite_cannot_compile() {
        let err = check("a{1,99999999}").expect_err("too large a repetition");
        assert!(err.contains("regex-lite"), "{err}");
    }
}
