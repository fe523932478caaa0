//! JSON pointer → source span, computed only for the pointers that findings
//! name, in one pass over the source after all checks have run. A clean
//! document never pays for positions.
//!
//! For JSON, a scanner over the bytes that serde_json already accepted: it
//! descends only into members on the way to a wanted pointer and skips the
//! rest without building anything. For YAML, saphyr-parser's event stream,
//! whose events carry their spans.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser};

use crate::pointer;
use crate::source::{Format, LineIndex, Pos, Span};

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

/// Finds each wanted pointer. A pointer that does not exist in the source is
/// mapped to its deepest existing ancestor, so a finding about a missing
/// member points at the object that lacks it.
pub fn locate(text: &str, format: Format, wanted: &[&str]) -> HashMap<String, Located> {
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
    let found = match format {
        Format::Json => {
            let index = LineIndex::new(text);
            let mut scanner = JsonScanner {
                bytes: text.as_bytes(),
                text,
                i: 0,
                prefixes: &prefixes,
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
            let bytes = text.as_bytes();
            scanner
                .found
                .into_iter()
                .map(|(p, raw)| {
                    let container = raw.is_container(bytes);
                    let span = |(s, e): (usize, usize)| Span {
                        start: index.pos(s),
                        end: index.pos(e),
                    };
                    (
                        p,
                        Located {
                            key: raw.key.map(span),
                            value: span(raw.value),
                            container,
                        },
                    )
                })
                .collect()
        }
        Format::Yaml => locate_yaml(text, &prefixes),
    };
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
        let hit = hit.unwrap_or(Located {
            key: None,
            value: Span {
                start: Pos { line: 1, column: 1 },
                end: Pos { line: 1, column: 1 },
            },
            container: false,
        });
        out.insert((*w).to_owned(), hit);
    }
    out
}

/// Like [`locate`], with the positions a YAML parse recorded.
pub fn locate_in(
    positions: &crate::yaml::Positions,
    value: &serde_json::Value,
    wanted: &[&str],
) -> HashMap<String, Located> {
    // One locator for all: its index of each large mapping is built once.
    let mut locator = crate::yaml::Locator::new(positions, value);
    wanted
        .iter()
        .map(|w| {
            let hit = locator.locate(w).unwrap_or(Located {
                key: None,
                value: Span {
                    start: Pos { line: 1, column: 1 },
                    end: Pos { line: 1, column: 1 },
                },
                container: false,
            });
            ((*w).to_owned(), hit)
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
        while let Some(&b) = self.bytes.get(self.i) {
            self.i += 1;
            match b {
                b'\\' => self.i += 1,
                b'"' => return,
                _ => {}
            }
        }
    }

    /// Skips one value of any kind without recording anything inside it.
    fn skip_value(&mut self) {
        match self.bytes.get(self.i) {
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(&b) = self.bytes.get(self.i) {
                    match b {
                        b'"' => {
                            self.skip_string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return;
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
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

enum Frame {
    Map {
        pointer: String,
        /// The key of the member whose value comes next, with its span.
        key: Option<(String, Span)>,
    },
    Seq {
        pointer: String,
        index: usize,
    },
}

fn pos(marker: saphyr_parser::Marker) -> Pos {
    Pos {
        line: marker.line() as u32,
        column: marker.col() as u32 + 1,
    }
}

fn locate_yaml(text: &str, prefixes: &HashSet<&str>) -> HashMap<String, Located> {
    let mut found = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    // Containers being recorded: (pointer, key span, start) until their end event.
    let mut open: Vec<Option<(String, Option<Span>, Pos)>> = Vec::new();
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        let span = Span {
            start: pos(span.start),
            end: pos(span.end),
        };
        // The pointer and key span of the node this event starts, if any.
        let node =
            |stack: &mut Vec<Frame>, key_text: Option<&str>| -> Option<(String, Option<Span>)> {
                match stack.last_mut() {
                    None => Some((String::new(), None)),
                    Some(Frame::Seq { pointer, index }) => {
                        let p = pointer::push(pointer, &index.to_string());
                        *index += 1;
                        Some((p, None))
                    }
                    Some(Frame::Map { pointer, key }) => match key.take() {
                        Some((k, key_span)) => Some((pointer::push(pointer, &k), Some(key_span))),
                        None => {
                            // This node is a key.
                            *key = Some((key_text.unwrap_or("").to_owned(), span));
                            None
                        }
                    },
                }
            };
        match event {
            Event::Scalar(value, ..) => {
                if let Some((p, key)) = node(&mut stack, Some(&value))
                    && prefixes.contains(p.as_str())
                {
                    found.insert(
                        p,
                        Located {
                            key,
                            value: span,
                            container: false,
                        },
                    );
                }
            }
            Event::Alias(_) => {
                if let Some((p, key)) = node(&mut stack, Some(""))
                    && prefixes.contains(p.as_str())
                {
                    found.insert(
                        p,
                        Located {
                            key,
                            value: span,
                            container: false,
                        },
                    );
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(event, Event::MappingStart(..));
                let (p, key) = node(&mut stack, None).unwrap_or_default();
                let wanted = prefixes.contains(p.as_str());
                open.push(wanted.then(|| (p.clone(), key, span.start)));
                stack.push(if is_map {
                    Frame::Map {
                        pointer: p,
                        key: None,
                    }
                } else {
                    Frame::Seq {
                        pointer: p,
                        index: 0,
                    }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                if let Some(Some((p, key, start))) = open.pop() {
                    found.insert(
                        p,
                        Located {
                            key,
                            value: Span {
                                start,
                                end: span.end,
                            },
                            container: true,
                        },
                    );
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(l: u32, c: u32) -> Pos {
        Pos { line: l, column: c }
    }

    #[test]
    fn json_pointers_map_to_spans() {
        let text = "{\n  \"a\": {\"b/c\": [1, {\"d\": true}]},\n  \"e\": 2\n}";
        let got = locate(text, Format::Json, &["/a/b~1c/1/d", "/e", "/a/missing"]);
        let d = got["/a/b~1c/1/d"];
        assert_eq!(d.value.start, at(2, 26));
        assert_eq!(d.key.unwrap().start, at(2, 21));
        assert_eq!(got["/e"].value.start, at(3, 8));
        // A missing member points at its parent.
        assert_eq!(got["/a/missing"].value.start, at(2, 8));
    }

    #[test]
    fn yaml_pointers_map_to_spans() {
        let text = "a:\n  b/c:\n    - 1\n    - d: true\ne: 2\n";
        let got = locate(text, Format::Yaml, &["/a/b~1c/1/d", "/e", "/a/b~1c"]);
        assert_eq!(got["/a/b~1c/1/d"].value.start, at(4, 10));
        assert_eq!(got["/a/b~1c/1/d"].key.unwrap().start, at(4, 7));
        assert_eq!(got["/e"].value.start, at(5, 4));
        assert_eq!(got["/a/b~1c"].key.unwrap().start, at(2, 3));
    }

    #[test]
    fn duplicate_keys_resolve_to_the_last_occurrence() {
        let text = "a: 1\nb: 2\na: 3\n";
        assert_eq!(
            locate(text, Format::Yaml, &["/a"])["/a"].value.start,
            at(3, 4)
        );
        let text = "{\"a\": 1, \"a\": 3}";
        assert_eq!(
            locate(text, Format::Json, &["/a"])["/a"].value.start,
            at(1, 15)
        );
    }
}
