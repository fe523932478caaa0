//! A large pretty-printed JSON document parsed on two threads.
//!
//! serde_json parses on one thread; on GitHub's description (13 MB) that is
//! the largest single part of a check. As for YAML (`yaml::split`), the last
//! members of one large object are cut out (chosen from the lines'
//! indentation: a JSON string holds no raw line break, so every line break is
//! between tokens), parsed on a second thread, and put back at the end of
//! their object in the rest.
//!
//! JSON lets the cut be proven exactly: the text before it is scanned for
//! its open containers, which must end inside an object just after a comma,
//! and the text after it must close that object. The cut members are parsed
//! wrapped in as many containers as the whole has above them, so that
//! serde_json's nesting limit counts the same. Anything else (no cut, an
//! error in either part, a duplicate key in the cut, a key the object
//! already has) and the document is parsed once more, on one thread; errors
//! are always the one-thread parse's.

use serde::de::DeserializeSeed;
use serde_json::Value;

use super::{Node, NodeSeed};
use crate::cut::{Line, choose_cut};

/// The document parsed on two threads, or `None` when it cannot be (the
/// caller then parses it on one).
pub(super) fn parse(text: &str) -> Option<Node> {
    let cut = choose_cut(text, classify)?;
    let bytes = text.as_bytes();
    // The member before the cut ends with a comma; the line after the cut
    // closes the object.
    let comma = bytes[..cut.first]
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .filter(|&i| bytes[i] == b',')?;
    if bytes[cut.end..].iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'}') {
        return None;
    }
    let (tail, rest) = crate::thread::join(
        "openapi-check-json",
        || parse_tail(text, cut.first, cut.end),
        || {
            let mut rest_text = String::with_capacity(comma + text.len() - cut.end);
            rest_text.push_str(&text[..comma]);
            rest_text.push_str(&text[cut.end..]);
            parse_one(&rest_text)
        },
    );
    let (rest, tail) = (rest?, tail?);
    merge(rest, tail)
}

/// A JSON line's shape: a member starts with a string followed by a colon.
fn classify(line: &[u8], _at_start: bool) -> Line {
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    match line.get(indent) {
        None | Some(b'\n' | b'\r') => Line::Nothing,
        Some(&first) => Line::Content {
            indent,
            key: first == b'"' && is_key(&line[indent..]),
        },
    }
}

/// A line starting with a string followed by a colon.
fn is_key(line: &[u8]) -> bool {
    string_end(line, 0).is_some_and(|end| {
        line[end..]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b':')
    })
}

/// One part parsed on its own: `None` on any error.
fn parse_one(text: &str) -> Option<Node> {
    let mut de = serde_json::Deserializer::from_str(text);
    let node = NodeSeed.deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(node)
}

/// The cut members and where their object is.
struct Tail {
    /// The object's place: member keys (raw JSON strings) and array indices.
    path: Vec<Step>,
    /// The cut members, as one object.
    members: serde_json::Map<String, Value>,
}

enum Step {
    Key(String),
    Index(usize),
}

/// The text before the cut scanned for its open containers, and the cut
/// members parsed as an object under as many containers.
fn parse_tail(text: &str, first: usize, end: usize) -> Option<Tail> {
    let path = open_path(&text.as_bytes()[..first])?;
    let depth = path.len();
    let mut wrapped = String::with_capacity(end - first + 2 * depth + 2);
    for _ in 0..depth {
        wrapped.push('[');
    }
    wrapped.push('{');
    wrapped.push_str(&text[first..end]);
    wrapped.push('}');
    for _ in 0..depth {
        wrapped.push(']');
    }
    let node = parse_one(&wrapped)?;
    if !node.duplicates.is_empty() {
        return None;
    }
    let mut value = node.value;
    for _ in 0..depth {
        value = match value {
            // One item: the wrapping was built that way.
            Value::Array(mut items) => items.pop()?,
            _ => return None,
        };
    }
    match value {
        Value::Object(members) => Some(Tail { path, members }),
        _ => None,
    }
}

/// The steps from the root to the innermost open container at the end of
/// `prefix`, which must be an object waiting for its next key (just after a
/// comma). `None` otherwise. Exact for JSON text; on other text the parse of
/// the rest fails anyway.
fn open_path(prefix: &[u8]) -> Option<Vec<Step>> {
    struct Frame {
        object: bool,
        /// The current member's key (byte span, quotes included).
        key: Option<(usize, usize)>,
        index: usize,
        want_key: bool,
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < prefix.len() {
        if !STRUCTURAL[usize::from(prefix[i])] {
            i += 1;
            continue;
        }
        match prefix[i] {
            b'"' => {
                let end = string_end(prefix, i)?;
                if let Some(top) = stack.last_mut()
                    && top.object
                    && top.want_key
                {
                    top.key = Some((i, end));
                    top.want_key = false;
                }
                i = end;
                continue;
            }
            open @ (b'{' | b'[') => stack.push(Frame {
                object: open == b'{',
                key: None,
                index: 0,
                want_key: open == b'{',
            }),
            b'}' | b']' => {
                stack.pop()?;
            }
            b',' => {
                let top = stack.last_mut()?;
                if top.object {
                    top.want_key = true;
                } else {
                    top.index += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let (innermost, outer) = stack.split_last()?;
    if !innermost.object || !innermost.want_key {
        return None;
    }
    outer
        .iter()
        .map(|frame| match (frame.object, frame.key) {
            (true, Some((start, end))) => {
                let raw = std::str::from_utf8(&prefix[start..end]).ok()?;
                serde_json::from_str::<String>(raw).ok().map(Step::Key)
            }
            (false, _) => Some(Step::Index(frame.index)),
            (true, None) => None,
        })
        .collect()
}

/// The bytes `open_path` acts on: a table lookup per byte, most of which are
/// indentation, names and numbers, instead of a six-way comparison.
const STRUCTURAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 6 {
        table[b"\"{}[],"[i] as usize] = true;
        i += 1;
    }
    table
};

/// The index just after the string starting at `start` (a quote).
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
        if bytes[i] == b'\\' {
            i += 2;
        } else {
            return Some(i + 1);
        }
    }
}

/// The cut members appended to their object in the rest, or `None` when a
/// key is already there (a duplicate: the one-thread parse reports it).
fn merge(mut rest: Node, tail: Tail) -> Option<Node> {
    let mut value = &mut rest.value;
    for step in &tail.path {
        value = match (value, step) {
            (Value::Object(map), Step::Key(key)) => map.get_mut(key)?,
            (Value::Array(items), Step::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    let object = value.as_object_mut()?;
    if tail.members.keys().any(|k| object.contains_key(k)) {
        return None;
    }
    object.extend(tail.members);
    Some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(text: &str) -> Result<Node, crate::parse::SyntaxError> {
        super::super::parse_json(text)
    }

    /// The two parses agree; returns whether the two-thread one was kept.
    fn agree(text: &str) -> bool {
        let split = parse(text);
        let one = whole(text);
        let via = crate::parse::parse(text, crate::source::Format::Json);
        match (&one, &via) {
            (Ok(a), Ok(b)) => {
                assert!(a.value == b.value, "values differ");
                assert_eq!(a.duplicates, b.duplicate_keys);
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("one parse failed, the other did not"),
        }
        if let Some(split) = &split {
            let one = one
                .as_ref()
                .expect("the split kept a document that does not parse");
            assert!(one.value == split.value);
            assert_eq!(one.duplicates, split.duplicates);
        }
        split.is_some()
    }

    /// A pretty-printed spec-like document with `n` schemas and more after
    /// them.
    fn spec(n: usize) -> String {
        let schemas: serde_json::Map<String, Value> = (0..n)
            .map(|i| {
                (
                    format!("S{i}"),
                    serde_json::json!({"type": "object", "description": format!("schema \"{i}\",\n: {{"),
                        "properties": {"id": {"type": "integer", "example": i}, "tags": ["a", "b"]}}),
                )
            })
            .collect();
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
            "components": {"schemas": schemas, "responses": {"Ok": {"description": "fine"}}},
            "x-after": [1, 2, 3]
        });
        serde_json::to_string_pretty(&doc).unwrap()
    }

    #[test]
    fn a_large_spec_is_parsed_in_two_and_agrees() {
        let text = spec(3000);
        assert!(agree(&text), "the cut was not kept");
        let cut = choose_cut(&text, classify).unwrap();
        let tail = cut.end - cut.first;
        assert!(tail > text.len() / 3, "{tail} of {}", text.len());
    }

    #[test]
    fn the_path_is_read_through_escapes_and_arrays() {
        // The large object sits in an array, under a key with escapes.
        let inner: serde_json::Map<String, Value> = (0..8000)
            .map(|i| (format!("k{i}"), serde_json::json!({"v": [i, "x]}"]})))
            .collect();
        let doc = serde_json::json!({"a\"b\\c": [0, {"deep": inner, "z": 1}], "after": true});
        let text = serde_json::to_string_pretty(&doc).unwrap();
        assert!(agree(&text), "the cut was not kept");
    }

    #[test]
    fn what_cannot_be_proven_is_parsed_whole() {
        let base = spec(3000);
        // A duplicate across the cut: reported as the one-thread parse does.
        let duplicate = base.replacen("\"S1\": {", "\"S2999\": {", 1);
        assert!(!agree(&duplicate));
        assert!(
            !crate::parse::parse(&duplicate, crate::source::Format::Json)
                .unwrap()
                .duplicate_keys
                .is_empty()
        );
        // A syntax error after the cut: the error and its place are the
        // one-thread parse's.
        let broken = base.replacen("\"responses\": {", "\"responses\": {,", 1);
        assert!(!agree(&broken));
        // Minified: no lines to cut at.
        let minified =
            serde_json::to_string(&serde_json::from_str::<Value>(&base).unwrap()).unwrap();
        assert!(!agree(&minified));
        // An array of objects, not an object, holds the long run.
        let items: Vec<Value> = (0..8000).map(|i| serde_json::json!({"k": i})).collect();
        let array = serde_json::to_string_pretty(&serde_json::json!({"items": items})).unwrap();
        agree(&array);
    }

    #[test]
    fn a_prefix_ending_inside_a_string_is_no_cut() {
        assert_eq!(string_end(b"\"ab\\", 0), None);
        assert_eq!(string_end(b"\"ab\\\"", 0), None);
        assert_eq!(string_end(b"\"a\\\"b\" x", 0), Some(6));
        assert!(open_path(b"{\"a\": \"b\\").is_none());
        assert!(open_path(b"{\"a\": 1, \"b\": [1, {\"c\": 2,").is_some());
        assert!(open_path(b"{\"a\": [1,").is_none());
        // Inside an object but after a key, not before one.
        assert!(open_path(b"{\"a\": 1, \"b\": ").is_none());
        assert!(open_path(b"{\"a\": {\"b\": 1},").is_some_and(|p| p.is_empty()));
    }

    #[test]
    fn only_a_string_before_a_colon_starts_a_member() {
        let key = |line: &[u8]| matches!(classify(line, false), Line::Content { key: true, .. });
        assert!(key(b"      \"name\": {\n"));
        assert!(key(b"  \"a\\\"b\" : 1,\n"));
        // An array's strings, a number, a closing bracket: not members.
        assert!(!key(b"      \"name\",\n"));
        assert!(!key(b"      \"a: b\"\n"));
        assert!(!key(b"      12,\n"));
        assert!(!key(b"    },\n"));
        assert!(matches!(classify(b"   \n", false), Line::Nothing));
    }

    #[test]
    fn nesting_limit_counts_the_levels_above_the_cut() {
        // A member nested to just past serde_json's limit only when counted
        // from the root.
        // Only in the last schema, which the cut holds: the rest parses.
        let deep = format!("{}{}", "[".repeat(123), "]".repeat(123));
        let mut text = spec(3000);
        let at = text.rfind("\"tags\": [").unwrap();
        let indent = at - text[..at].rfind('\n').unwrap() - 1;
        text.insert_str(at, &format!("\"deep\": {deep},\n{}", " ".repeat(indent)));
        assert!(whole(&text).is_err());
        assert!(!agree(&text));
    }
}
