//! References: local ones resolve, file ones resolve inside the spec's own
//! folder (never outside it, and never over the network), chains end, and
//! nothing hides beside a `$ref`.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::{Ctx, RuleId};
use crate::pointer;

/// Referenced files larger than this are not read.
pub(crate) const MAX_REFERENCED_FILE: u64 = 64 * 1024 * 1024;

pub fn check(ctx: &mut Ctx<'_>) {
    let mut files: HashMap<PathBuf, Result<Value, String>> = HashMap::new();
    let references: Vec<(String, &Value, Vec<String>)> = ctx
        .model
        .references
        .iter()
        .map(|(holder, reference, map)| {
            let siblings = map.keys().filter(|k| *k != "$ref").cloned().collect();
            (holder.clone(), *reference, siblings)
        })
        .collect();
    for (holder, reference, siblings) in references {
        let ref_pointer = pointer::push(&holder, "$ref");
        if let Some(first) = siblings.first() {
            ctx.report_key(
                RuleId::NoRefSiblings,
                pointer::push(&holder, first),
                format!(
                    "`{first}` beside `$ref` is ignored in OpenAPI 3.0{}; move it into the referenced object or wrap the $ref in allOf",
                    if siblings.len() > 1 { format!(" (and so are {} more)", siblings.len() - 1) } else { String::new() }
                ),
            );
        }
        let Some(reference) = reference.as_str() else {
            ctx.report(
                RuleId::NoUnresolvedRefs,
                ref_pointer,
                "`$ref` must be a string",
            );
            continue;
        };
        let (file, fragment) = match reference.split_once('#') {
            Some((file, fragment)) => (file, fragment),
            None => (reference, ""),
        };
        if file.is_empty() {
            local(ctx, &ref_pointer, reference, fragment);
        } else if is_remote(file) {
            ctx.report(
                RuleId::NoRemoteRefs,
                ref_pointer,
                format!("{reference:?} is a remote reference; remote references are refused and never fetched: vendor the document next to the spec"),
            );
        } else {
            file_ref(ctx, &mut files, &ref_pointer, reference, file, fragment);
        }
    }
}

pub(crate) fn is_remote(file: &str) -> bool {
    file.starts_with("//")
        || file.split_once(':').is_some_and(|(scheme, _)| {
            scheme.len() > 1
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

fn local(ctx: &mut Ctx<'_>, ref_pointer: &str, reference: &str, fragment: &str) {
    if !fragment.is_empty() && !fragment.starts_with('/') {
        ctx.report(
            RuleId::NoUnresolvedRefs,
            ref_pointer,
            format!("{reference:?} is not a JSON pointer (it must start with `#/`)"),
        );
        return;
    }
    let Some(mut target) = pointer::resolve(ctx.doc, fragment) else {
        ctx.report(
            RuleId::NoUnresolvedRefs,
            ref_pointer,
            format!(
                "{reference:?} does not resolve: {}",
                missing_part(ctx.doc, fragment)
            ),
        );
        return;
    };
    // Follow a chain of references to a value; a loop never reaches one.
    let mut seen = HashSet::from([fragment.to_owned()]);
    let mut chain = vec![reference.to_owned()];
    while let Some(next) = target.get("$ref").and_then(Value::as_str) {
        let Some(next_fragment) = next.strip_prefix('#') else {
            return;
        };
        chain.push(next.to_owned());
        if !seen.insert(next_fragment.to_owned()) {
            ctx.report(
                RuleId::RefCycle,
                ref_pointer,
                format!(
                    "the references loop without reaching a value: {}",
                    chain.join(" → ")
                ),
            );
            return;
        }
        match pointer::resolve(ctx.doc, next_fragment) {
            Some(t) => target = t,
            // The dangling link is reported where it is written.
            None => return,
        }
    }
}

/// Names the first token of `fragment` that does not exist.
pub(crate) fn missing_part(doc: &Value, fragment: &str) -> String {
    let mut current = doc;
    let mut so_far = String::new();
    for token in pointer::tokens(fragment) {
        let next = match current {
            Value::Object(map) => map.get(token.as_ref()),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => {
                current = n;
                so_far = pointer::push(&so_far, &token);
            }
            None => {
                let place = if so_far.is_empty() {
                    "the document root".to_owned()
                } else {
                    format!("#{so_far}")
                };
                return format!("{place} has no `{token}`");
            }
        }
    }
    "no such node".into()
}

fn file_ref(
    ctx: &mut Ctx<'_>,
    files: &mut HashMap<PathBuf, Result<Value, String>>,
    ref_pointer: &str,
    reference: &str,
    file: &str,
    fragment: &str,
) {
    let Some(base) = ctx.base_dir else {
        ctx.report(
            RuleId::NoUnresolvedRefs,
            ref_pointer,
            format!("{reference:?} refers to a file, but this document was not read from a file"),
        );
        return;
    };
    let relative = Path::new(file);
    // Lexically first, so that a path outside the folder is never touched.
    let Some(normal) = normalize(relative) else {
        ctx.report(
            RuleId::RefOutsideRoot,
            ref_pointer,
            format!(
                "{reference:?} leaves the spec's folder; only files inside it may be referenced"
            ),
        );
        return;
    };
    let path = base.join(&normal);
    // Then for real, so that a symlink cannot lead outside either.
    let canonical = match (path.canonicalize(), base.canonicalize()) {
        (Ok(p), Ok(b)) if p.starts_with(&b) => p,
        (Ok(_), Ok(_)) => {
            ctx.report(
                RuleId::RefOutsideRoot,
                ref_pointer,
                format!("{reference:?} resolves (through a link) outside the spec's folder"),
            );
            return;
        }
        (Err(_), _) | (_, Err(_)) => {
            ctx.report(
                RuleId::NoUnresolvedRefs,
                ref_pointer,
                format!(
                    "{reference:?}: the file {} does not exist",
                    normal.display()
                ),
            );
            return;
        }
    };
    let parsed = files
        .entry(canonical.clone())
        .or_insert_with(|| read(&canonical));
    match parsed {
        Err(why) => {
            let why = why.clone();
            ctx.report(
                RuleId::NoUnresolvedRefs,
                ref_pointer,
                format!("{reference:?}: {why}"),
            );
        }
        Ok(value) => {
            if pointer::resolve(value, fragment).is_none() {
                let missing = missing_part(value, fragment);
                ctx.report(
                    RuleId::NoUnresolvedRefs,
                    ref_pointer,
                    format!(
                        "{reference:?} does not resolve in {}: {missing}",
                        normal.display()
                    ),
                );
            }
        }
    }
}

/// `a/./b/../c` → `a/c`; `None` when the path is absolute or climbs above
/// its start.
pub(crate) fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

pub(crate) fn read(path: &Path) -> Result<Value, String> {
    read_parsed(path).map(|(_, parsed)| parsed.value)
}

/// A referenced file's text, syntax and value (the differ keeps the text to
/// place changes inside the file); bounded by [`MAX_REFERENCED_FILE`].
pub(crate) fn read_parsed(path: &Path) -> Result<(String, crate::parse::Parsed), String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.len() > MAX_REFERENCED_FILE {
        return Err(format!(
            "{} is larger than {MAX_REFERENCED_FILE} bytes",
            path.display()
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let format = crate::source::Format::detect(&path.to_string_lossy(), &text);
    let parsed = crate::parse::parse(&text, format)
        .map_err(|e| format!("{} does not parse: {e}", path.display()))?;
    Ok((text, parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_refuses_climbing_out() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.yaml")),
            Some(PathBuf::from("a/c.yaml"))
        );
        assert_eq!(normalize(Path::new("../../etc/passwd")), None);
        assert_eq!(normalize(Path::new("a/../../x")), None);
        assert_eq!(normalize(Path::new("/etc/passwd")), None);
    }

    #[test]
    fn remote_detection() {
        assert!(is_remote("http://example.com/a.yaml"));
        assert!(is_remote("https://x/y"));
        assert!(is_remote("//host/a.yaml"));
        assert!(!is_remote("schemas/a.yaml"));
    }
}
