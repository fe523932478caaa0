//! JSON pointers (RFC 6901): how every finding names its place in a document.

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> std::borrow::Cow<'_, str> {
    // A byte scan: both characters are ASCII, so no character decoding is
    // needed (`contains(['~', '/'])` decodes each character, and this runs
    // for every key the walks pass through).
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// Unescapes one reference token.
pub fn unescape(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

/// Appends a token to a pointer.
pub fn push(pointer: &str, token: &str) -> String {
    let escaped = escape(token);
    let mut out = String::with_capacity(pointer.len() + 1 + escaped.len());
    out.push_str(pointer);
    out.push('/');
    out.push_str(&escaped);
    out
}

/// The unescaped tokens of a pointer (`""` has none).
pub fn tokens(pointer: &str) -> impl Iterator<Item = std::borrow::Cow<'_, str>> {
    pointer.split('/').skip(1).map(unescape)
}

/// Looks a pointer up in a value, like `serde_json::Value::pointer` (which
/// this delegates to) but also accepting the `#` fragment form.
pub fn resolve<'a>(root: &'a serde_json::Value, pointer: &str) -> Option<&'a serde_json::Value> {
    let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
    let decoded;
    let pointer = if pointer.contains('%') {
        decoded = percent_decode(pointer)?;
        decoded.as_str()
    } else {
        pointer
    };
    lookup(root, pointer)
}

/// `serde_json::Value::pointer`, without its cost on the path of every
/// `$ref`: it unescapes each token with two `str::replace`s (a searcher
/// built per call) and hashes each key, where most tokens have nothing to
/// unescape and most objects are small (`field::field`).
fn lookup<'a>(root: &'a serde_json::Value, pointer: &str) -> Option<&'a serde_json::Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    rest.split('/')
        .try_fold(root, |target, token| match target {
            serde_json::Value::Object(map) => crate::field::field(map, &unescape(token)),
            serde_json::Value::Array(items) => index(token).and_then(|i| items.get(i)),
            _ => None,
        })
}

/// An array index token as RFC 6901 (and serde_json) reads it: digits, no
/// sign, no leading zero.
fn index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
        return None;
    }
    token.parse().ok()
}

/// How many `$ref`s [`deref`] follows before it gives up (a cycle).
const MAX_HOPS: usize = 32;

/// Follows local `$ref`s (`#/...`) from `value`, inside `doc`, to the value
/// they name: the one `$ref` resolution of the workspace (the linter's rules,
/// the generator's reference page and the tests use it). `None` for a
/// dangling, external or cyclic reference (more than 32 hops).
pub fn deref<'a>(
    doc: &'a serde_json::Value,
    value: &'a serde_json::Value,
) -> Option<&'a serde_json::Value> {
    let mut current = value;
    for _ in 0..MAX_HOPS {
        match current.get("$ref").and_then(serde_json::Value::as_str) {
            Some(reference) => {
                current = reference.strip_prefix('#').and_then(|p| resolve(doc, p))?;
            }
            None => return Some(current),
        }
    }
    None
}

/// The JSON pointer a `$ref` fragment names (`#/a%20b` → `/a b`); `None`
/// when a `%` escape is malformed.
pub fn from_fragment(fragment: &str) -> Option<String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.contains('%') {
        percent_decode(fragment)
    } else {
        Some(fragment.to_owned())
    }
}

/// Decodes `%XX` escapes of a URI fragment; `None` when malformed.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_special_tokens() {
        let p = push("/paths", "/v3/{project_id}/backups~x");
        assert_eq!(p, "/paths/~1v3~1{project_id}~1backups~0x");
        assert_eq!(
            tokens(&p).collect::<Vec<_>>(),
            ["paths", "/v3/{project_id}/backups~x"]
        );
    }

    #[test]
    fn lookup_agrees_with_serde_json() {
        let doc = serde_json::json!({
            "a": {"b~c": [10, {"d/e": true}], "": {"x": 1}},
            "0": "zero", "list": [1, 2, 3],
            "big": (0..20).map(|i| (format!("k{i}"), serde_json::Value::from(i))).collect::<serde_json::Map<_, _>>(),
        });
        for p in [
            "",
            "/",
            "/a",
            "/a/b~0c",
            "/a/b~0c/1/d~1e",
            "/a/b~0c/01",
            "/a/b~0c/+1",
            "/a/b~0c/2",
            "/a//x",
            "/0",
            "/list/0",
            "/list/00",
            "/list/-",
            "/big/k19",
            "/big/k20",
            "a",
            "/a/b~c",
            "/a/b~1c",
            "/list/3",
            "/0/x",
            "/list/1/x",
        ] {
            assert_eq!(lookup(&doc, p), doc.pointer(p), "{p:?}");
        }
    }

    #[test]
    fn resolves_fragments_and_percent_escapes() {
        let v = serde_json::json!({"a b": {"c": 1}});
        assert_eq!(resolve(&v, "#/a%20b/c"), Some(&serde_json::json!(1)));
        assert_eq!(resolve(&v, "#/a%2"), None);
    }

    #[test]
    fn deref_follows_chains_and_refuses_cycles_dangling_and_external() {
        let doc = serde_json::json!({
            "a": {"$ref": "#/b"}, "b": {"$ref": "#/c"}, "c": {"type": "string"},
            "loop": {"$ref": "#/loop"}, "gone": {"$ref": "#/nothing"},
            "far": {"$ref": "other.yaml#/c"},
        });
        assert_eq!(deref(&doc, &doc["a"]), Some(&doc["c"]));
        assert_eq!(deref(&doc, &doc["c"]), Some(&doc["c"]));
        assert_eq!(deref(&doc, &doc["loop"]), None);
        assert_eq!(deref(&doc, &doc["gone"]), None);
        assert_eq!(deref(&doc, &doc["far"]), None);
    }
}
