//! A source file and its positions: `line:column` computed only when a
//! finding needs one.

use std::path::PathBuf;

/// The syntax of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON (RFC 8259).
    Json,
    /// YAML 1.2 (JSON is accepted too, but parsed as YAML).
    Yaml,
}

impl Format {
    /// By extension (`.json`, `.yaml`, `.yml`), else by the first
    /// non-blank character (`{` or `[` means JSON).
    pub fn detect(name: &str, text: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Format::Json
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Format::Yaml
        } else if text.trim_start().starts_with(['{', '[']) {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

/// A position: 1-based line, 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
}

/// A range of a source: start inclusive, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Span {
    /// Where it starts.
    pub start: Pos,
    /// Where it ends.
    pub end: Pos,
}

/// One document's text and name.
#[derive(Debug)]
pub struct Source {
    /// The name shown in findings (the path as given).
    pub name: String,
    /// The path on disk, if it came from one.
    pub path: Option<PathBuf>,
    /// The text.
    pub text: String,
    /// Its syntax.
    pub format: Format,
}

impl Source {
    /// A source from text in memory.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        let name = name.into();
        let text = text.into();
        let format = Format::detect(&name, &text);
        Source {
            name,
            path: None,
            text,
            format,
        }
    }
}

/// Byte offsets of line starts, built once per source when the first finding
/// needs a position, with character counts at regular checkpoints so that a
/// column costs at most [`CHECKPOINT`] bytes of counting, however long the
/// line: minified JSON is one line of many megabytes, and counting from the
/// line start for every finding made placing findings quadratic.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// `checkpoints[i]`: (byte offset at or just after `i * CHECKPOINT`, at a
    /// character boundary; characters before it).
    checkpoints: Vec<(usize, usize)>,
}

/// Bytes between character-count checkpoints.
const CHECKPOINT: usize = 512;

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_all(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT + 1);
        let (mut at, mut chars) = (0, 0);
        while at < text.len() {
            checkpoints.push((at, chars));
            let mut next = (at + CHECKPOINT).min(text.len());
            while !text.is_char_boundary(next) {
                next += 1;
            }
            // Most text is ASCII: a word-at-a-time check instead of a count.
            let chunk = &text[at..next];
            chars += if chunk.is_ascii() {
                chunk.len()
            } else {
                chunk.chars().count()
            };
            at = next;
        }
        checkpoints.push((text.len(), chars));
        LineIndex {
            text,
            starts,
            checkpoints,
        }
    }

    /// Characters before a byte offset (at a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let i = self.checkpoints.partition_point(|&(at, _)| at <= offset) - 1;
        let (at, chars) = self.checkpoints[i];
        chars
            + self
                .text
                .get(at..offset)
                .map_or(offset - at, |s| s.chars().count())
    }

    /// The position of a byte offset.
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = if self.text.is_char_boundary(offset) {
            self.chars_before(offset) - self.chars_before(start)
        } else {
            offset - start
        };
        Pos {
            line: line as u32 + 1,
            column: column as u32 + 1,
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &'a str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

fn memchr_all(needle: u8, haystack: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(needle, haystack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let idx = LineIndex::new("ab\nçd: x\n");
        assert_eq!(idx.pos(0), Pos { line: 1, column: 1 });
        assert_eq!(idx.pos(3), Pos { line: 2, column: 1 });
        // 'ç' is two bytes: the byte after it is column 2.
        assert_eq!(idx.pos(5), Pos { line: 2, column: 2 });
        assert_eq!(idx.line_text(2), "çd: x");
    }

    #[test]
    fn columns_on_a_long_line_count_characters_across_checkpoints() {
        // One line of 3 checkpoints' worth of two-byte characters, as in
        // minified JSON: the column of every offset is its character count.
        let text: String = "é".repeat(CHECKPOINT * 3 / 2) + "x";
        let idx = LineIndex::new(&text);
        for chars in [0, 1, CHECKPOINT / 2 - 1, CHECKPOINT, CHECKPOINT * 3 / 2] {
            let column = chars as u32 + 1;
            assert_eq!(idx.pos(chars * 2), Pos { line: 1, column }, "{chars}");
        }
        let two_lines = format!("{text}\n{text}");
        let idx = LineIndex::new(&two_lines);
        let second = text.len() + 1;
        assert_eq!(idx.pos(second + 10), Pos { line: 2, column: 6 });
    }

    #[test]
    fn detects_the_format() {
        assert_eq!(Format::detect("a.JSON", ""), Format::Json);
        assert_eq!(Format::detect("a.yml", "{}"), Format::Yaml);
        assert_eq!(Format::detect("-", "  {\"a\":1}"), Format::Json);
        assert_eq!(Format::detect("-", "openapi: 3.0.0"), Format::Yaml);
    }
}
