//! JSON pointer → source span, computed only for the pointers that findings
//! name, in one pass over the source after all checks have run. A clean
//! document never pays for positions.
//!
//! For JSON, a scanner over the bytes that serde_json already accepted: it
//! descends only into members on the way to a wanted pointer and skips the
//! rest without building anything. For YAML, the positions its one parse
//! recorded (`yaml::Locator`): there is no second YAML pass.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::pointer;
use crate::source::{LineIndex, Pos, Span};
use crate::yaml::{Locator, Positions};

/// Where a node is: its value, and its key when it is a mapping member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located {
    /// The mapping key naming the node, if any.
    pub key: Option<Span>,
    /// The value.
    pub value: Span,
    /// The value is a mapping or a sequence.
    pub container: bool,
}

/// Finds each wanted pointer: through the positions of a YAML parse when
/// given (`yaml`: the positions and the value they were built with), by
/// scanning JSON text otherwise. A pointer that does not exist in the source
/// is mapped to its deepest existing ancestor, so a finding about a missing
/// member points at the object that lacks it.
pub fn locate(
    text: &str,
    yaml: Option<(&Positions, &Value)>,
    wanted: &[&str],
) -> HashMap<String, Located> {
    match yaml {
        Some((positions, value)) => locate_yaml(positions, value, wanted),
        None => locate_json(text, wanted),
    }
}

/// Where nothing is found: the start of the file.
const NOWHERE: Located = Located {
    key: None,
    value: Span {
        start: Pos { line: 1, column: 1 },
        end: Pos { line: 1, column: 1 },
    },
    container: false,
};

/// [`locate`] with the positions a YAML parse recorded.
fn locate_yaml(positions: &Positions, value: &Value, wanted: &[&str]) -> HashMap<String, Located> {
    // One locator for all: its index of each large mapping is built once.
    let mut locator = Locator::new(positions, value);
    wanted
        .iter()
        .map(|w| ((*w).to_owned(), locator.locate(w).unwrap_or(NOWHERE)))
        .collect()
}

/// [`locate`] over JSON text: one scan, descending only towards the wanted
/// pointers, then each pointer mapped to its deepest existing ancestor.
fn locate_json(text: &str, wanted: &[&str]) -> HashMap<String, Located> {
    let prefixes = prefixes(wanted);
    let found = scan_json(text, &prefixes);
    let mut out = HashMap::with_capacity(wanted.len());
    for w in wanted {
        let mut p: &str = w;
        let hit = loop {
            if let Some(hit) = found.get(p) {
                break Some(*hit);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => break None,
            }
        };
        out.insert((*w).to_owned(), hit.unwrap_or(NOWHERE));
    }
    out
}

/// Every pointer on the way to a wanted one, the wanted ones included.
fn prefixes<'w>(wanted: &[&'w str]) -> HashSet<&'w str> {
    let mut prefixes: HashSet<&str> = HashSet::new();
    for w in wanted {
        let mut p: &str = w;
        loop {
            if !prefixes.insert(p) {
                break;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
    }
    prefixes
}

/// The nodes named by `prefixes`, with their spans.
fn scan_json(text: &str, prefixes: &HashSet<&str>) -> HashMap<String, Located> {
    // The line index and the scan each cross the whole text: on a large one
    // they run side by side (a thread start costs less than either there).
    if text.len() >= crate::cut::SPLIT_FROM_BYTES {
        let (index, found) = crate::thread::join(
            "openapi-check-lines",
            || LineIndex::new(text),
            || scan_raw(text, prefixes),
        );
        return place_raw(text, &index, found);
    }
    let found = scan_raw(text, prefixes);
    place_raw(text, &LineIndex::new(text), found)
}

/// The scan: byte ranges of the nodes named by `prefixes`.
fn scan_raw(text: &str, prefixes: &HashSet<&str>) -> HashMap<String, RawLocated> {
    let mut scanner = JsonScanner {
        bytes: text.as_bytes(),
        text,
        i: 0,
        prefixes,
        found: HashMap::new(),
    };
    scanner.skip_ws();
    let start = scanner.i;
    let mut path = String::new();
    scanner.value(&mut path, 0);
    scanner.found.insert(
        String::new(),
        RawLocated {
            key: None,
            value: (start, scanner.i),
        },
    );
    scanner.found
}

/// Byte ranges turned into line and column spans.
fn place_raw(
    text: &str,
    index: &LineIndex<'_>,
    found: HashMap<String, RawLocated>,
) -> HashMap<String, Located> {
    let bytes = text.as_bytes();
    let span = |(s, e): (usize, usize)| Span {
        start: index.pos(s),
        end: index.pos(e),
    };
    found
        .into_iter()
        .map(|(p, raw)| {
            let located = Located {
                key: raw.key.map(span),
                value: span(raw.value),
                container: raw.is_container(bytes),
            };
            (p, located)
        })
        .collect()
}

struct RawLocated {
    key: Option<(usize, usize)>,
    value: (usize, usize),
}

impl RawLocated {
    fn is_container(&self, bytes: &[u8]) -> bool {
        matches!(bytes.get(self.value.0), Some(b'{' | b'['))
    }
}

/// Nesting deeper than this is not descended into; the parser refuses such
/// documents anyway, and this keeps the scanner's recursion bounded.
const MAX_DEPTH: usize = 256;

struct JsonScanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    i: usize,
    prefixes: &'a HashSet<&'a str>,
    found: HashMap<String, RawLocated>,
}

impl JsonScanner<'_> {
    fn skip_ws(&mut self) {
        while let Some(b) = self.bytes.get(self.i) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    /// Scans the value at `self.i`, recording wanted members inside it.
    fn value(&mut self, path: &mut String, depth: usize) {
        match self.bytes.get(self.i) {
            Some(b'{') if depth < MAX_DEPTH => self.object(path, depth),
            Some(b'[') if depth < MAX_DEPTH => self.array(path, depth),
            _ => self.skip_value(),
        }
    }

    fn object(&mut self, path: &mut String, depth: usize) {
        self.i += 1;
        loop {
            self.skip_ws();
            match self.bytes.get(self.i) {
                Some(b'}') => {
                    self.i += 1;
                    return;
                }
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                Some(b'"') => {}
                _ => return,
            }
            let key_start = self.i;
            self.skip_string();
            let key_end = self.i;
            self.skip_ws();
            if self.bytes.get(self.i) == Some(&b':') {
                self.i += 1;
            }
            self.skip_ws();
            let key = self.decode_key(key_start, key_end);
            let len = path.len();
            path.push('/');
            path.push_str(&pointer::escape(&key));
            if self.prefixes.contains(path.as_str()) {
                let start = self.i;
                self.value(path, depth + 1);
                self.found.insert(
                    path.clone(),
                    RawLocated {
                        key: Some((key_start, key_end)),
                        value: (start, self.i),
                    },
                );
            } else {
                self.skip_value();
            }
            path.truncate(len);
        }
    }

    fn array(&mut self, path: &mut String, depth: usize) {
        self.i += 1;
        let mut index = 0usize;
        loop {
            self.skip_ws();
            match self.bytes.get(self.i) {
                Some(b']') => {
                    self.i += 1;
                    return;
                }
                Some(b',') => {
                    self.i += 1;
                    index += 1;
                    continue;
                }
                None => return,
                _ => {}
            }
            let len = path.len();
            path.push('/');
            path.push_str(&index.to_string());
            if self.prefixes.contains(path.as_str()) {
                let start = self.i;
                self.value(path, depth + 1);
                self.found.insert(
                    path.clone(),
                    RawLocated {
                        key: None,
                        value: (start, self.i),
                    },
                );
            } else {
                self.skip_value();
            }
            path.truncate(len);
        }
    }

    fn decode_key(&self, start: usize, end: usize) -> String {
        let raw = &self.text[start..end];
        if raw.contains('\\') {
            serde_json::from_str(raw).unwrap_or_else(|_| raw.trim_matches('"').to_owned())
        } else {
            raw.trim_matches('"').to_owned()
        }
    }

    fn skip_string(&mut self) {
        self.i += 1;
        // memchr's vectorised search: strings are most of a JSON document's
        // bytes, and this scan crosses all of them that no finding is in.
        while let Some(at) =
            memchr::memchr2(b'"', b'\\', &self.bytes[self.i.min(self.bytes.len())..])
        {
            self.i += at + 1;
            if self.bytes[self.i - 1] == b'"' {
                return;
            }
            self.i += 1;
        }
        self.i = self.bytes.len();
    }

    /// Skips one value of any kind without recording anything inside it.
    fn skip_value(&mut self) {
        match self.bytes.get(self.i) {
            Some(b'"') => self.skip_string(),
            Some(&open @ (b'{' | b'[')) => {
                // Only strings and this container's own brackets matter:
                // in valid JSON (the only JSON that is located) the other
                // kind is balanced inside it. memchr3 crosses the rest.
                let close = if open == b'{' { b'}' } else { b']' };
                let mut depth = 0usize;
                while let Some(at) = memchr::memchr3(
                    b'"',
                    open,
                    close,
                    self.bytes.get(self.i..).unwrap_or_default(),
                ) {
                    self.i += at;
                    match self.bytes[self.i] {
                        b'"' => {
                            self.skip_string();
                            continue;
                        }
                        b if b == open => depth += 1,
                        _ => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                self.i += 1;
                                return;
                            }
                        }
                    }
                    self.i += 1;
                }
                self.i = self.bytes.len();
            }
            _ => {
                while let Some(&b) = self.bytes.get(self.i) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        return;
                    }
                    self.i += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(l: u32, c: u32) -> Pos {
        Pos { line: l, column: c }
    }

    /// [`locate`] through one YAML parse's positions.
    fn locate_yaml_text(text: &str, wanted: &[&str]) -> HashMap<String, Located> {
        let doc = crate::yaml::parse(text).unwrap();
        locate(text, Some((&doc.positions, &doc.value)), wanted)
    }

    #[test]
    fn json_pointers_map_to_spans() {
        let text = "{\n  \"a\": {\"b/c\": [1, {\"d\": true}]},\n  \"e\": 2\n}";
        let got = locate(text, None, &["/a/b~1c/1/d", "/e", "/a/missing"]);
        let d = got["/a/b~1c/1/d"];
        assert_eq!(d.value.start, at(2, 26));
        assert_eq!(d.key.unwrap().start, at(2, 21));
        assert_eq!(got["/e"].value.start, at(3, 8));
        // A missing member points at its parent.
        assert_eq!(got["/a/missing"].value.start, at(2, 8));
    }

    #[test]
    fn a_large_json_text_is_placed_as_a_small_one() {
        // Past the size where the line index is built beside the scan.
        let mut text = String::from("{\n");
        for i in 0..20_000 {
            text.push_str(&format!("  \"k{i}\": {{\"v\": [{i}, \"é{{\"]}},\n"));
        }
        text.push_str("  \"last\": {\"x\": \"ü\", \"y\": 1}\n}\n");
        assert!(text.len() >= crate::cut::SPLIT_FROM_BYTES);
        let got = locate(&text, None, &["/k19999/v/1", "/last/y", "/k7/v"]);
        // Line 1 is `{`; member i is on line i + 2.
        assert_eq!(got["/k19999/v/1"].value.start, at(20_001, 27));
        assert_eq!(got["/k7/v"].key.unwrap().start, at(9, 10));
        // Columns count characters: `ü` is one.
        assert_eq!(got["/last/y"].value.start, at(20_002, 27));
    }

    #[test]
    fn yaml_pointers_map_to_spans() {
        let text = "a:\n  b/c:\n    - 1\n    - d: true\ne: 2\n";
        let got = locate_yaml_text(text, &["/a/b~1c/1/d", "/e", "/a/b~1c", "/a/missing"]);
        assert_eq!(got["/a/b~1c/1/d"].value.start, at(4, 10));
        assert_eq!(got["/a/b~1c/1/d"].key.unwrap().start, at(4, 7));
        assert_eq!(got["/e"].value.start, at(5, 4));
        assert_eq!(got["/a/b~1c"].key.unwrap().start, at(2, 3));
        // A missing member points at its parent, by its key.
        assert_eq!(got["/a/missing"].key.unwrap().start, at(1, 1));
    }

    #[test]
    fn duplicate_keys_resolve_to_the_last_occurrence() {
        let text = "a: 1\nb: 2\na: 3\n";
        assert_eq!(locate_yaml_text(text, &["/a"])["/a"].value.start, at(3, 4));
        let text = "{\"a\": 1, \"a\": 3}";
        assert_eq!(locate(text, None, &["/a"])["/a"].value.start, at(1, 15));
    }
}
