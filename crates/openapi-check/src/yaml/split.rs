//! A large YAML document parsed on two threads.
//!
//! saphyr-parser reads one event at a time, so one parse is one thread: on
//! GitHub's description (10 MB of YAML) it is two thirds of the check, and
//! YAML took twice as long as the same document in JSON. A block mapping's
//! entries can be parsed apart, though: the last entries of one large
//! mapping (lines `first..end`, at one indentation) are cut out of the text
//! and parsed as a document of their own on a second thread, while this one
//! parses the rest; the cut entries are then put back at the end of their
//! mapping, and every position moved to its line in the whole text.
//!
//! The cut is chosen from the text's indentation, which can mislead (a block
//! scalar's lines look like anything), so the result is only kept when the
//! two parses prove it is the whole parse's: both parse; the mapping the cut
//! belongs to is found in the rest's tree at the cut's line, with its keys at
//! the cut's column and ending before it; the cut parses as one block
//! mapping at that column, with no key the mapping already has, no duplicate
//! key and no deeper nesting than the whole allows. Anything else, and the
//! document is parsed once more, on one thread, as it always was
//! (`tests::split_parses_equal_whole_parses` compares the two on documents
//! built to mislead the cut).

use serde_json::Value;

use super::{Document, NodePos, Positions};
use crate::cut::{Line, choose_cut};
use crate::source::Pos;

/// The document parsed on two threads, or `None` when no cut is worth it or
/// the two parses do not prove the cut right (the caller then parses it on
/// one thread).
pub(super) fn parse(text: &str) -> Option<Document> {
    let cut = choose_cut(text, classify)?;
    let mut rest_text = String::with_capacity(text.len() - (cut.end - cut.first));
    rest_text.push_str(&text[..cut.first]);
    rest_text.push_str(&text[cut.end..]);
    let tail_text = &text[cut.first..cut.end];
    let (tail, rest) = crate::thread::join(
        "openapi-check-yaml",
        || super::parse_one(tail_text),
        || super::parse_one(&rest_text),
    );
    let (rest, tail) = (rest.ok()?, tail.ok()?);
    let first_line = line_of(text, cut.first);
    let cut_lines = line_of(text, cut.end) - first_line;
    merge(rest, tail, cut.indent, first_line, cut_lines)
}

/// 1-based line number of a byte offset (a line start).
fn line_of(text: &str, offset: usize) -> u32 {
    let breaks = memchr::memchr_iter(b'\n', &text.as_bytes()[..offset]).count();
    u32::try_from(breaks + 1).unwrap_or(u32::MAX)
}

/// A YAML line's shape (`at_start`: no content line came before it).
fn classify(line: &[u8], at_start: bool) -> Line {
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    let Some(&first) = line.get(indent) else {
        return Line::Nothing;
    };
    match first {
        b'\n' | b'\r' | b'#' => Line::Nothing,
        b'\t' => Line::Refuse,
        b'%' if indent == 0 => Line::Refuse,
        b'-' | b'.' if indent == 0 && !at_start && is_marker(line) => Line::Refuse,
        _ => Line::Content {
            indent,
            // Not a sequence item, a complex key, a flow collection, an
            // anchor, alias, tag, block scalar or reserved indicator.
            key: !matches!(
                first,
                b'-' | b'?'
                    | b':'
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b','
                    | b'!'
                    | b'&'
                    | b'*'
                    | b'|'
                    | b'>'
                    | b'%'
                    | b'@'
                    | b'`'
            ),
        },
    }
}

/// `---` or `...` at the start of a line, alone or followed by a space.
fn is_marker(line: &[u8]) -> bool {
    (line.starts_with(b"---") || line.starts_with(b"..."))
        && line
            .get(3)
            .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Puts the cut's entries (`tail`, parsed alone) back at the end of their
/// mapping in `rest` (the text without them), or `None` when the two do not
/// prove the cut was a run of that mapping's entries.
fn merge(
    mut rest: OneParse,
    tail: OneParse,
    indent: usize,
    first_line: u32,
    cut_lines: u32,
) -> Option<Document> {
    let column = u32::try_from(indent).ok()? + 1;
    let cut_start = Pos {
        line: first_line,
        column,
    };
    let tail_root = tail_root(&tail.doc, column)?;
    let Value::Object(tail_map) = tail.doc.value else {
        return None;
    };
    // The mapping in the rest that the cut belongs to: the deepest
    // container holding the line just before the cut.
    let (target, path) = mapping_before(&rest.doc.positions, first_line, column)?;
    let node = rest.doc.positions.nodes[target];
    let children = node.first as usize..(node.first + node.len) as usize;
    let last = *rest.doc.positions.nodes.get(children.end.checked_sub(1)?)?;
    let first_key = rest.doc.positions.nodes[children.start].key?;
    if first_key.start.column != column || last.value.end > cut_start {
        return None;
    }
    // The tail's containers sit under the mapping's in the whole document.
    if tail.deepest + path.len() >= super::MAX_DEPTH {
        return None;
    }
    let map = value_at(&mut rest.doc.value, &path)?.as_object_mut()?;
    if tail_map.keys().any(|k| map.contains_key(k)) {
        return None;
    }
    let count = tail_map.len();
    map.extend(tail_map);
    // Positions: the rest's lines after the cut move down by its length, the
    // tail's by where it starts; the tail's nodes go after the rest's.
    let positions = &mut rest.doc.positions;
    let moved_down = |line: u32| {
        if line >= first_line {
            line + cut_lines
        } else {
            line
        }
    };
    for n in &mut positions.nodes {
        shift(n, moved_down);
    }
    // A block collection (or a block scalar) ends where the next token
    // starts. In the whole text, what closed before the cut ends at the
    // cut's first key, and what closes at the cut's end ends at the token
    // after it, where the mapping itself ends in the rest.
    let after_cut = positions.nodes[target].value.end;
    end_spine_at(&mut positions.nodes, children.end - 1, after_cut, cut_start);
    let base = u32::try_from(positions.nodes.len()).ok()?;
    let tail_end = Pos {
        line: tail_root.value.end.line + first_line - 1,
        column: tail_root.value.end.column,
    };
    let tail_children = tail_root.first as usize..(tail_root.first + tail_root.len) as usize;
    positions
        .nodes
        .extend(tail.doc.positions.nodes.into_iter().map(|mut n| {
            shift(&mut n, |line| line + first_line - 1);
            if n.container {
                n.first += base;
            }
            n
        }));
    let last_tail = base as usize + tail_children.end - 1;
    end_spine_at(&mut positions.nodes, last_tail, tail_end, after_cut);
    // The mapping's members must sit side by side: its old ones and the
    // tail's are copied to the end of the table.
    let new_first = u32::try_from(positions.nodes.len()).ok()?;
    positions.nodes.extend_from_within(children);
    let moved = (tail_children.start + base as usize)..(tail_children.end + base as usize);
    positions.nodes.extend_from_within(moved);
    let target_node = &mut positions.nodes[target];
    target_node.first = new_first;
    target_node.len += u32::try_from(count).ok()?;
    Some(rest.doc)
}

/// The tail's root when it is one block mapping, its first key where the
/// cut starts, and no duplicate keys (their place in the list would need the
/// whole order).
fn tail_root(tail: &Document, column: u32) -> Option<NodePos> {
    let root = *tail.positions.nodes.get(tail.positions.root?)?;
    let first = tail.positions.nodes.get(root.first as usize)?;
    let start = Pos { line: 1, column };
    let one_mapping = root.container
        && root.len > 0
        && root.value.start == start
        && first.key.map(|k| k.start) == Some(start);
    (one_mapping && tail.duplicate_keys.is_empty()).then_some(root)
}

/// A document and the deepest nesting its parse opened.
pub(super) struct OneParse {
    pub(super) doc: Document,
    pub(super) deepest: usize,
}

/// The mapping whose keys are at `column` and whose members run up to the
/// line before `line`: found by descending from the root through the member
/// that starts last before `line`. With the member indices leading to it.
fn mapping_before(positions: &Positions, line: u32, column: u32) -> Option<(usize, Vec<usize>)> {
    let nodes = &positions.nodes;
    let mut at = positions.root?;
    let mut path = Vec::new();
    loop {
        let node = nodes[at];
        if !node.container || node.len == 0 {
            return None;
        }
        let children = nodes.get(node.first as usize..(node.first + node.len) as usize)?;
        if let Some(key) = children[0].key {
            if key.start.column == column {
                return Some((at, path));
            }
            if key.start.column > column {
                return None;
            }
        }
        let holder = children
            .iter()
            .rposition(|c| c.key.map_or(c.value.start, |k| k.start).line < line)?;
        path.push(holder);
        at = node.first as usize + holder;
    }
}

/// The node at `path` (member indices from the root).
fn value_at<'v>(mut value: &'v mut Value, path: &[usize]) -> Option<&'v mut Value> {
    for &i in path {
        value = match value {
            Value::Object(map) => map.values_mut().nth(i)?,
            Value::Array(items) => items.get_mut(i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// From node `at` down through each last member: the nodes that end at
/// `from` (block collections, and block scalars with their trailing breaks)
/// end at `to` instead.
fn end_spine_at(nodes: &mut [NodePos], mut at: usize, from: Pos, to: Pos) {
    while let Some(node) = nodes.get_mut(at) {
        if node.value.end != from {
            return;
        }
        node.value.end = to;
        if !node.container || node.len == 0 {
            return;
        }
        at = (node.first + node.len - 1) as usize;
    }
}

/// Moves every line of a node's spans.
fn shift(node: &mut NodePos, by: impl Fn(u32) -> u32) {
    if let Some(key) = &mut node.key {
        key.start.line = by(key.start.line);
        key.end.line = by(key.end.line);
    }
    node.value.start.line = by(node.value.start.line);
    node.value.end.line = by(node.value.end.line);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cut::{Cut, SPLIT_FROM_BYTES};
    use crate::yaml::Locator;

    fn choose_cut_yaml(text: &str) -> Option<Cut> {
        choose_cut(text, classify)
    }

    /// Every pointer of a value, parents first.
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    pointers(v, crate::pointer::push(&at, k), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pointers(v, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    /// The two parses agree: value, duplicate keys, and the place of every
    /// node. Returns whether the two-thread parse kept its result.
    fn agree(text: &str) -> bool {
        let whole = super::super::parse_one(text).map(|p| p.doc);
        let split = parse(text);
        let kept = split.is_some();
        let through_parse = super::super::parse(text);
        let (whole, split) = match (whole, split) {
            (Ok(whole), Some(split)) => (whole, split),
            (whole, None) => {
                // No cut kept: `parse` is the one-thread parse, errors too.
                match (whole, through_parse) {
                    (Ok(a), Ok(b)) => assert_eq!(a.value, b.value),
                    (Err(a), Err(b)) => assert_eq!(a, b),
                    (a, b) => panic!("{:?} vs {:?}", a.is_ok(), b.is_ok()),
                }
                return false;
            }
            (Err(e), Some(_)) => panic!("the split parse kept a document that does not parse: {e}"),
        };
        assert!(whole.value == split.value, "values differ");
        assert_eq!(whole.duplicate_keys, split.duplicate_keys);
        let mut all = Vec::new();
        pointers(&whole.value, String::new(), &mut all);
        let mut a = Locator::new(&whole.positions, &whole.value);
        let mut b = Locator::new(&split.positions, &split.value);
        for p in &all {
            let (x, y) = (a.locate(p), b.locate(p));
            assert_eq!(
                x.map(|l| (l.key, l.value, l.container)),
                y.map(|l| (l.key, l.value, l.container)),
                "{p}"
            );
        }
        same_tree(&whole.positions, &split.positions);
        kept
    }

    /// The two node tables describe the same tree: from the roots down,
    /// every node's spans, kind and number of members (the split's table is
    /// in another order, so it is walked, not compared).
    fn same_tree(whole: &Positions, split: &Positions) {
        let mut pending = vec![(whole.root.unwrap(), split.root.unwrap())];
        while let Some((a, b)) = pending.pop() {
            let (x, y) = (whole.nodes[a], split.nodes[b]);
            assert_eq!(
                (x.key, x.value, x.container, x.len),
                (y.key, y.value, y.container, y.len),
                "node {a} of the whole parse"
            );
            if x.container {
                pending
                    .extend((0..x.len).map(|i| ((x.first + i) as usize, (y.first + i) as usize)));
            }
        }
    }

    /// A spec-like document: `schemas` with `n` entries, then more
    /// components after it, `middle` written into every schema.
    fn spec(n: usize, middle: &str) -> String {
        let mut text = String::from(
            "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\ncomponents:\n  schemas:\n",
        );
        for i in 0..n {
            text.push_str(&format!(
                "    S{i}:\n      type: object\n      description: \"schema {i}\"\n{middle}      properties:\n        id: {{type: integer, example: {i}}}\n        tags:\n          - a\n          - b\n"
            ));
        }
        text.push_str("  responses:\n    Ok:\n      description: fine\n");
        text
    }

    #[test]
    fn a_large_spec_is_parsed_in_two_and_agrees() {
        let text = spec(3000, "");
        assert!(text.len() >= SPLIT_FROM_BYTES);
        assert!(agree(&text), "the cut was not kept");
        // The cut is inside `schemas`, and the entries stay in order.
        let doc = super::super::parse(&text).unwrap();
        let names: Vec<_> = doc.value["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let expected: Vec<_> = (0..3000).map(|i| format!("S{i}")).collect();
        assert_eq!(names, expected);
    }

    #[test]
    fn the_cut_is_where_the_text_halves() {
        let text = spec(3000, "");
        let cut = choose_cut_yaml(&text).unwrap();
        assert_eq!(cut.indent, 4);
        let tail = cut.end - cut.first;
        assert!(
            tail > text.len() * 2 / 5 && tail <= text.len() / 2 + 200,
            "{tail}"
        );
        assert!(text[cut.first..].starts_with("    S"));
        assert!(text[cut.end..].starts_with("  responses:"));
    }

    #[test]
    fn small_documents_and_markers_are_not_cut() {
        assert_eq!(choose_cut_yaml(&spec(10, "")), None);
        let with_marker = spec(3000, "") + "---\nb: 1\n";
        assert_eq!(choose_cut_yaml(&with_marker), None);
        assert!(!agree(&with_marker));
        let directive = spec(3000, "") + "%YAML 1.2\n";
        assert_eq!(choose_cut_yaml(&directive), None);
        let tab = spec(3000, "") + "\tx: 1\n";
        assert_eq!(choose_cut_yaml(&tab), None);
        // A leading `---` is allowed.
        assert!(choose_cut_yaml(&format!("---\n{}", spec(3000, ""))).is_some());
    }

    #[test]
    fn texts_that_mislead_the_cut_still_parse_as_a_whole() {
        // A huge block scalar whose lines look like entries at one
        // indentation: cutting them would make a mapping of a string.
        let mut scalar = String::from("openapi: 3.0.3\ndescription: |\n");
        for i in 0..20000 {
            scalar.push_str(&format!("  key{i}: value {i}\n"));
        }
        scalar.push_str("paths: {}\n");
        assert!(!agree(&scalar));
        // A double-quoted scalar over many lines, the same.
        let quoted = scalar
            .replace("description: |\n", "description: \"\n")
            .replace("paths: {}\n", "  end\"\npaths: {}\n");
        agree(&quoted);
        // The same key before and after the cut is a duplicate: listed as
        // the one-thread parse lists it.
        let duplicate =
            spec(3000, "").replace("  responses:", "    S1:\n      type: string\n  responses:");
        assert!(!agree(&duplicate));
        assert_eq!(
            super::super::parse(&duplicate).unwrap().duplicate_keys,
            ["/components/schemas/S1"]
        );
        // An anchor before the cut and its alias after it.
        let alias = spec(3000, "")
            .replacen("    S0:\n", "    S0: &first\n", 1)
            .replace("  responses:", "    Last: *first\n  responses:");
        agree(&alias);
        // Entries of a flow mapping written one per line.
        let mut flow = String::from("a: {\n");
        for i in 0..20000 {
            flow.push_str(&format!("  k{i}: {i},\n"));
        }
        flow.push_str("  end: 1}\n");
        assert!(!agree(&flow));
        // Entries at two indentations under one key: invalid as a whole,
        // whichever run is cut.
        let mut uneven = String::from("components:\n  schemas:\n");
        for i in 0..6000 {
            uneven.push_str(&format!("      A{i}: {{type: string}}\n"));
        }
        for i in 0..6000 {
            uneven.push_str(&format!("    B{i}: {{type: string}}\n"));
        }
        assert!(super::super::parse_one(&uneven).is_err());
        assert!(!agree(&uneven));
        // A mapping nested in a sequence item, its keys after the dash.
        let mut items = String::from("list:\n");
        for i in 0..8000 {
            items.push_str(&format!(
                "- name: n{i}\n  in: query\n  schema: {{type: string}}\n"
            ));
        }
        agree(&items);
    }

    #[test]
    fn what_surrounds_the_cut_is_placed_as_in_the_whole() {
        let base = spec(3000, "");
        let block = base.replace(
            "          - b\n",
            "          - b\n        note: |\n          line one\n          line two\n\n",
        );
        let commented = base.replace("    S", "    # a comment\n\n    S");
        let crlf = base.replace('\n', "\r\n");
        let to_the_end = base.replace("  responses:\n    Ok:\n      description: fine\n", "");
        let mut top = String::from("openapi: 3.0.3\n");
        for i in 0..12000 {
            top.push_str(&format!("x-k{i}:\n  a: [1, 2]\n  b: {{c: d}}\n"));
        }
        let folded = base.replace(
            "      type: object\n",
            "      type: object\n      summary: >-\n        folded\n        text\n",
        );
        for (name, text) in [
            ("block scalar last", &block),
            ("comments", &commented),
            ("CRLF", &crlf),
            ("cut to the end", &to_the_end),
            ("top level", &top),
            ("folded scalar", &folded),
        ] {
            assert!(agree(text), "{name}: the cut was not kept");
        }
    }

    #[test]
    fn nesting_limit_counts_the_levels_above_the_cut() {
        // The tail alone nests fewer levels than the whole: a tail at the
        // limit only in the whole must still be refused.
        let mut deep = String::new();
        for _ in 0..super::super::MAX_DEPTH - 3 {
            deep.push('[');
        }
        for _ in 0..super::super::MAX_DEPTH - 3 {
            deep.push(']');
        }
        let text = spec(3000, "").replace(
            "  responses:",
            &format!("    Deep:\n      x: {deep}\n  responses:"),
        );
        let whole = super::super::parse_one(&text).map(|p| p.doc.value);
        let via = super::super::parse(&text).map(|d| d.value);
        assert_eq!(whole.is_err(), via.is_err());
        assert!(via.is_err(), "nesting past the limit was accepted");
    }

    #[test]
    fn nesting_limit_counts_one_level_above_the_cut() {
        // A cut directly under a top-level mapping: one level above it. The
        // tail alone nests one level less than the whole does.
        let max = super::super::MAX_DEPTH;
        let mut text = String::from("openapi: 3.0.3\ncomponents:\n");
        for i in 0..12000 {
            text.push_str(&format!("  k{i}: {{type: string, n: {i}}}\n"));
        }
        let deep = "[".repeat(max - 1) + &"]".repeat(max - 1);
        text.push_str(&format!("  Deep: {deep}\n"));
        let cut = choose_cut_yaml(&text).unwrap();
        assert_eq!(cut.indent, 2);
        let tail = super::super::parse_one(&text[cut.first..cut.end])
            .ok()
            .unwrap();
        assert_eq!(tail.deepest, max - 1, "the tail alone is within the limit");
        assert!(super::super::parse_one(&text).is_err());
        assert!(
            super::super::parse(&text).is_err(),
            "nesting past the limit was accepted"
        );
    }

    #[test]
    fn a_cut_followed_by_more_of_its_mapping_is_refused() {
        let one = |text: &str| super::super::parse_one(text).ok().unwrap();
        // The rest's mapping goes on after the cut's line: the cut was not
        // its last entries.
        assert!(merge(one("a: 1\nc: 3\n"), one("b: 2\n"), 0, 2, 1).is_none());
        // Ending before the cut: the tail is put back after it.
        let merged = merge(one("a: 1\n"), one("b: 2\n"), 0, 2, 1).unwrap();
        let keys: Vec<_> = merged.value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "b"]);
        same_tree(&one("a: 1\nb: 2\n").doc.positions, &merged.positions);
    }

    #[test]
    fn a_tail_that_is_not_one_block_mapping_at_the_cut_is_refused() {
        let one = |text: &str| super::super::parse_one(text).ok().unwrap();
        let nested = || one("x:\n  a: 1\n");
        // Keys at another column than the cut's.
        assert!(merge(nested(), one("b: 2\n"), 2, 3, 1).is_none());
        assert!(merge(nested(), one("  b: 2\n"), 2, 3, 1).is_some());
        // A flow mapping starts at the cut but its first key does not.
        assert!(merge(one("a: 1\n"), one("{b: 2}\n"), 0, 2, 1).is_none());
        // Duplicate keys in the tail, an empty mapping, a scalar.
        assert!(merge(one("a: 1\n"), one("b: 1\nb: 2\n"), 0, 2, 2).is_none());
        assert!(merge(one("a: 1\n"), one("{}\n"), 0, 2, 1).is_none());
        assert!(merge(one("a: 1\n"), one("b\n"), 0, 2, 1).is_none());
        // The line before the cut is in an empty mapping: nothing to join.
        assert!(merge(one("x: {}\n"), one("  b: 2\n"), 2, 2, 1).is_none());
    }

    #[test]
    fn a_mapping_inside_a_sequence_item_is_cut() {
        let mut text = String::from("openapi: 3.0.3\nlist:\n- name: first\n  big:\n");
        for i in 0..12000 {
            text.push_str(&format!("    k{i}: {{type: string, n: {i}}}\n"));
        }
        text.push_str("- name: second\n");
        assert_eq!(choose_cut_yaml(&text).map(|c| c.indent), Some(4));
        assert!(agree(&text), "the cut was not kept");
    }

    #[test]
    fn lines_that_only_look_like_markers_or_directives_do_not_stop_the_cut() {
        // A `%` inside a block scalar, a top-level key starting with a dot
        // and a top-level sequence item are content, not a directive or a
        // document marker.
        let percent = spec(3000, "      summary: |\n        %d items\n");
        let dotted = spec(3000, "") + ".well-known: 1\n";
        let items = spec(3000, "") + "tags:\n- a\n";
        for (name, text) in [
            ("percent", &percent),
            ("dotted", &dotted),
            ("items", &items),
        ] {
            assert!(choose_cut_yaml(text).is_some(), "{name}: no cut");
            assert!(agree(text), "{name}: the cut was not kept");
        }
    }
}
