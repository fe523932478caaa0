//! A fast path for the YAML that generators write: block mappings and
//! sequences, one-line plain scalars, quoted scalars (also over several
//! lines) and the empty flow collections `[]` and `{}`. That is all of
//! PyYAML's block output (GitHub's description, converted, is 9.8 MB of it)
//! and most hand-written specs without comments.
//!
//! saphyr-parser reads such a file at about 135 instructions per byte, a
//! general scanner's price for every construct YAML has; this scanner reads
//! the few above line by line and gives **the very events saphyr-parser
//! gives, at the very positions** (its quirks included: a quoted scalar's end
//! takes the spaces after its closing quote, an indentless sequence starts at
//! its first entry's content, a collection ends where the next token starts).
//! Everything else it meets (a comment, an anchor, a tag, a block scalar, a
//! multi-line plain scalar, a tab, an empty sequence entry, a document
//! marker, a character YAML treats specially, any error) makes it give up,
//! and the caller parses the text again with saphyr-parser, so the fast path
//! can only be faster, never different. The `events_equal_saphyr_parsers_on_*`
//! tests compare the two streams, event by event with both positions, on
//! generated documents and 12,000 mutations of them (2,000,000 with
//! `FAST_YAML_CASES=100000`), on every YAML file in this repository, and
//! (by hand) on GitHub's description converted to YAML.

use std::borrow::Cow;

use saphyr_parser::{Event, ScalarStyle};

use crate::source::Pos;

/// The scanner met something it does not handle, or the sink refused an
/// event: the caller parses with saphyr-parser instead.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct GiveUp;

/// Nesting the scanner follows before giving up (the tree builder refuses
/// more than 128 levels anyway, with saphyr-parser's positions).
const MAX_DEPTH: usize = 256;
/// Longest plain key taken: YAML limits implicit keys to 1024 characters.
const MAX_KEY_BYTES: usize = 1000;

/// Feeds `sink` the events of `text`, or gives up.
pub(super) fn events<'a, F>(text: &'a str, sink: F) -> Result<(), GiveUp>
where
    F: FnMut(Event<'a>, Pos, Pos) -> Result<(), GiveUp>,
{
    let mut scanner = Scanner {
        text,
        b: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        depth: 0,
        last_line_spaces: None,
        sink,
    };
    scanner.stream()
}

struct Scanner<'a, F> {
    text: &'a str,
    b: &'a [u8],
    /// Byte offset of the next byte to read.
    pos: usize,
    /// 1-based line of `pos`, and the byte offset where that line starts.
    line: u32,
    line_start: usize,
    /// Collections open.
    depth: usize,
    /// The spaces on the text's last line when it holds nothing else.
    last_line_spaces: Option<usize>,
    sink: F,
}

/// A quoted scalar read but not yet taken: its text, where its closing
/// quote ends, and the line it ends on.
struct Quoted<'a> {
    text: Cow<'a, str>,
    style: ScalarStyle,
    /// Byte offset just after the closing quote.
    close: usize,
    /// Line breaks inside the scalar, and the byte offset of its last line.
    breaks: u32,
    last_line_start: usize,
    /// The least indentation of its continuation lines that hold text
    /// (`usize::MAX` for a one-line scalar).
    least_indent: usize,
}

impl<'a, F> Scanner<'a, F>
where
    F: FnMut(Event<'a>, Pos, Pos) -> Result<(), GiveUp>,
{
    fn emit(&mut self, event: Event<'a>, start: Pos, end: Pos) -> Result<(), GiveUp> {
        (self.sink)(event, start, end)
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.b.get(at).copied()
    }

    /// The position of byte offset `at` on the current line.
    fn at(&self, at: usize) -> Pos {
        let before = &self.b[self.line_start..at];
        let chars = if before.is_ascii() {
            before.len()
        } else {
            before.iter().filter(|&&b| b & 0xC0 != 0x80).count()
        };
        Pos {
            line: self.line,
            column: u32::try_from(chars + 1).unwrap_or(u32::MAX),
        }
    }

    fn here(&self) -> Pos {
        self.at(self.pos)
    }

    /// Where saphyr-parser places what ends with the text: the start of the
    /// line after the last one (a last line without a line break counts).
    fn end_of_text(&self) -> Pos {
        let line = if self.line_start < self.b.len() {
            self.line.saturating_add(1)
        } else {
            self.line
        };
        Pos { line, column: 1 }
    }

    /// Where a collection at column `col` ends when the text does. saphyr's
    /// scanner closes the collections indented past a last line of spaces
    /// there, and the rest at the start of the line after.
    fn end_of_collection(&self, col: usize) -> Pos {
        match self.last_line_spaces {
            Some(spaces) if col > spaces => Pos {
                line: self.line,
                column: u32::try_from(spaces + 1).unwrap_or(u32::MAX),
            },
            _ => self.end_of_text(),
        }
    }

    fn stream(&mut self) -> Result<(), GiveUp> {
        let start = Pos { line: 1, column: 1 };
        self.emit(Event::StreamStart, start, start)?;
        // An empty document is saphyr-parser's business (a byte-order mark
        // is too: `check_non_ascii` gives up on it).
        let Some(indent) = self.skip_to_content()? else {
            return Err(GiveUp);
        };
        let here = self.here();
        self.emit(Event::DocumentStart(false), here, here)?;
        if self.block_collection(indent)?.is_some() {
            // Something less indented than the root: an error, or more.
            return Err(GiveUp);
        }
        let end = self.end_of_text();
        self.emit(Event::DocumentEnd, end, end)?;
        self.emit(Event::StreamEnd, end, end)
    }

    /// From the start of a line, skips blank lines to the next content:
    /// its indentation, or `None` at the end of the text.
    fn skip_to_content(&mut self) -> Result<Option<usize>, GiveUp> {
        loop {
            let mut i = self.pos;
            while self.byte(i) == Some(b' ') {
                i += 1;
            }
            match self.byte(i) {
                None => {
                    self.pos = i;
                    self.last_line_spaces = Some(i - self.line_start);
                    return Ok(None);
                }
                Some(b'\n') => self.next_line(i),
                // Tabs, carriage returns and comments are left to saphyr.
                Some(b'\t' | b'\r' | b'#') => return Err(GiveUp),
                Some(_) => {
                    self.pos = i;
                    let indent = i - self.line_start;
                    // Document markers and directives.
                    if indent == 0 && matches!(self.b[i], b'-' | b'.' | b'%') {
                        let rest = &self.b[i..];
                        if rest.starts_with(b"---") || rest.starts_with(b"...") || rest[0] == b'%' {
                            return Err(GiveUp);
                        }
                    }
                    return Ok(Some(indent));
                }
            }
        }
    }

    /// After a node: only spaces may follow on its line; then the next
    /// content line's indentation, or `None` at the end of the text.
    fn end_line(&mut self) -> Result<Option<usize>, GiveUp> {
        self.skip_spaces_to_break()?;
        if self.pos == self.b.len() {
            return Ok(None);
        }
        self.next_line(self.pos);
        self.skip_to_content()
    }

    /// Moves to the line after the line break at `at`.
    fn next_line(&mut self, at: usize) {
        self.pos = at + 1;
        self.line += 1;
        self.line_start = self.pos;
    }

    fn at_entry(&self) -> bool {
        self.byte(self.pos) == Some(b'-')
            && matches!(self.byte(self.pos + 1), None | Some(b' ' | b'\n'))
    }

    fn enter(&mut self) -> Result<(), GiveUp> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(GiveUp);
        }
        Ok(())
    }

    /// A block sequence or mapping starting here, at column `indent`.
    fn block_collection(&mut self, indent: usize) -> Result<Option<usize>, GiveUp> {
        let start = self.here();
        if self.at_entry() {
            self.sequence(indent, Some(start))
        } else {
            self.mapping(indent, start)
        }
    }

    /// Ends the collection at column `col` where the next token starts
    /// (`next`: that line's indentation, `None` at the end of the text),
    /// and hands `next` on to the collection around it.
    fn close(
        &mut self,
        end: Event<'a>,
        col: usize,
        next: Option<usize>,
    ) -> Result<Option<usize>, GiveUp> {
        let at = match next {
            Some(_) => self.here(),
            None => self.end_of_collection(col),
        };
        self.emit(end, at, at)?;
        self.depth -= 1;
        Ok(next)
    }

    /// A block mapping whose keys are at column `col`; `pos` is at its first
    /// key. Returns the indentation of the line after it.
    fn mapping(&mut self, col: usize, start: Pos) -> Result<Option<usize>, GiveUp> {
        self.enter()?;
        self.emit(Event::MappingStart(0, None), start, start)?;
        loop {
            let colon = self.key()?;
            let next = self.mapping_value(col, colon)?;
            match next {
                Some(indent) if indent == col && !self.at_entry() => {}
                None => return self.close(Event::MappingEnd, col, next),
                Some(indent) if indent < col => return self.close(Event::MappingEnd, col, next),
                // More indented (a plain scalar's next line), or a sequence
                // entry after a value.
                Some(_) => return Err(GiveUp),
            }
        }
    }

    /// A key and its `:`; returns the colon's position, `pos` after it.
    fn key(&mut self) -> Result<Pos, GiveUp> {
        let start_at = self.pos;
        let start = self.here();
        let first = self.byte(start_at).ok_or(GiveUp)?;
        if first == b'\'' || first == b'"' {
            let quoted = self.quoted(start_at)?;
            // One line, the colon right after the closing quote.
            if quoted.breaks > 0
                || self.byte(quoted.close) != Some(b':')
                || quoted.close - start_at > MAX_KEY_BYTES
            {
                return Err(GiveUp);
            }
            self.pos = quoted.close;
            let end = self.here();
            self.emit(
                Event::Scalar(quoted.text, quoted.style, 0, None),
                start,
                end,
            )?;
        } else {
            if is_indicator(first) {
                return Err(GiveUp);
            }
            let (end_at, colon) = self.plain(start_at)?;
            let colon = colon.ok_or(GiveUp)?;
            if end_at != colon || colon - start_at > MAX_KEY_BYTES {
                return Err(GiveUp);
            }
            self.pos = colon;
            let end = self.here();
            let text = Cow::Borrowed(&self.text[start_at..end_at]);
            self.emit(Event::Scalar(text, ScalarStyle::Plain, 0, None), start, end)?;
        }
        let colon = self.here();
        self.pos += 1;
        match self.byte(self.pos) {
            None | Some(b' ' | b'\n') => Ok(colon),
            Some(_) => Err(GiveUp),
        }
    }

    /// The value after a key's colon (`pos` just after it) in a mapping at
    /// column `col`.
    fn mapping_value(&mut self, col: usize, colon: Pos) -> Result<Option<usize>, GiveUp> {
        while self.byte(self.pos) == Some(b' ') {
            self.pos += 1;
        }
        if !matches!(self.byte(self.pos), None | Some(b'\n')) {
            self.inline_node(col)?;
            return self.end_line();
        }
        let next = self.end_line()?;
        match next {
            Some(indent) if indent > col => self.block_collection(indent),
            Some(indent) if indent == col && self.at_entry() => self.sequence(col, None),
            _ => {
                self.emit(
                    Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
                    colon,
                    colon,
                )?;
                Ok(next)
            }
        }
    }

    /// A block sequence whose `-` are at column `col`; `pos` is at its first
    /// `-`. An indentless one (`start` is `None`: a mapping's value, its `-`
    /// at the mapping's column) starts at its first entry's content, others
    /// at their first `-`.
    fn sequence(&mut self, col: usize, start: Option<Pos>) -> Result<Option<usize>, GiveUp> {
        self.enter()?;
        let indentless = start.is_none();
        let mut first = true;
        loop {
            // `-`, spaces, content on the same line: an empty entry is left
            // to saphyr.
            self.pos += 1;
            if self.byte(self.pos) != Some(b' ') {
                return Err(GiveUp);
            }
            while self.byte(self.pos) == Some(b' ') {
                self.pos += 1;
            }
            if matches!(self.byte(self.pos), None | Some(b'\n')) {
                return Err(GiveUp);
            }
            if first {
                let start = start.unwrap_or_else(|| self.here());
                self.emit(Event::SequenceStart(0, None), start, start)?;
                first = false;
            }
            let next = self.entry(col)?;
            match next {
                Some(indent) if indent == col && self.at_entry() => {}
                None => return self.close(Event::SequenceEnd, col, next),
                Some(indent) if indent < col || (indentless && indent == col) => {
                    return self.close(Event::SequenceEnd, col, next);
                }
                Some(_) => return Err(GiveUp),
            }
        }
    }

    /// A sequence entry's content, `pos` at it, in a sequence at `col`.
    fn entry(&mut self, col: usize) -> Result<Option<usize>, GiveUp> {
        let at = self.pos;
        let indent = at - self.line_start;
        match self.b[at] {
            b'-' if self.at_entry() => {
                let start = self.here();
                self.sequence(indent, Some(start))
            }
            b'\'' | b'"' => {
                let quoted = self.quoted(at)?;
                if self.byte(quoted.close) == Some(b':') {
                    // The first key of a mapping in the entry.
                    let start = self.here();
                    self.mapping(indent, start)
                } else {
                    self.take_quoted(quoted, col)?;
                    self.end_line()
                }
            }
            first if is_indicator(first) && !is_plain_dash(self.b, at) => {
                self.empty_flow()?;
                self.end_line()
            }
            _ => {
                let (end_at, colon) = self.plain(at)?;
                if colon.is_some() {
                    let start = self.here();
                    return self.mapping(indent, start);
                }
                self.plain_scalar(at, end_at)?;
                self.end_line()
            }
        }
    }

    /// A value on its key's line: a scalar or an empty flow collection.
    fn inline_node(&mut self, col: usize) -> Result<(), GiveUp> {
        let at = self.pos;
        match self.b[at] {
            b'\'' | b'"' => {
                let quoted = self.quoted(at)?;
                self.take_quoted(quoted, col)
            }
            first if is_indicator(first) && !is_plain_dash(self.b, at) => self.empty_flow(),
            _ => {
                let (end_at, colon) = self.plain(at)?;
                if colon.is_some() {
                    // `a: b: c`: an error.
                    return Err(GiveUp);
                }
                self.plain_scalar(at, end_at)
            }
        }
    }

    fn plain_scalar(&mut self, at: usize, end_at: usize) -> Result<(), GiveUp> {
        let start = self.here();
        let end = self.at(end_at);
        self.pos = end_at;
        let text = Cow::Borrowed(&self.text[at..end_at]);
        self.emit(Event::Scalar(text, ScalarStyle::Plain, 0, None), start, end)
    }

    /// `[]` or `{}`; anything else in flow style is left to saphyr. The
    /// closing bracket's end takes the spaces after it, as saphyr's does.
    fn empty_flow(&mut self) -> Result<(), GiveUp> {
        let at = self.pos;
        let (open, close) = match (self.b[at], self.byte(at + 1)) {
            (b'[', Some(b']')) => (Event::SequenceStart(0, None), Event::SequenceEnd),
            (b'{', Some(b'}')) => (Event::MappingStart(0, None), Event::MappingEnd),
            _ => return Err(GiveUp),
        };
        if self.depth + 1 > MAX_DEPTH {
            return Err(GiveUp);
        }
        let start = self.here();
        let inside = self.at(at + 1);
        self.pos = at + 2;
        self.skip_spaces_to_break()?;
        let end = self.here();
        self.emit(open, start, inside)?;
        self.emit(close, inside, end)
    }

    /// Spaces up to the line break (or the end of the text).
    fn skip_spaces_to_break(&mut self) -> Result<(), GiveUp> {
        while self.byte(self.pos) == Some(b' ') {
            self.pos += 1;
        }
        match self.byte(self.pos) {
            None | Some(b'\n') => Ok(()),
            Some(_) => Err(GiveUp),
        }
    }

    /// Takes a quoted value read by `quoted`: its continuation lines must be
    /// indented past `col`; its end takes the spaces after the closing quote.
    fn take_quoted(&mut self, quoted: Quoted<'a>, col: usize) -> Result<(), GiveUp> {
        if quoted.least_indent <= col {
            return Err(GiveUp);
        }
        let start = self.here();
        self.line += quoted.breaks;
        self.line_start = quoted.last_line_start;
        self.pos = quoted.close;
        self.skip_spaces_to_break()?;
        let end = self.here();
        self.emit(
            Event::Scalar(quoted.text, quoted.style, 0, None),
            start,
            end,
        )
    }

    /// Reads the plain scalar starting at `from` up to its line's end or to
    /// a `: ` (then also returns the colon's offset). Returns the offset just
    /// after its last non-space character.
    fn plain(&self, from: usize) -> Result<(usize, Option<usize>), GiveUp> {
        let b = self.b;
        let mut i = from;
        let mut end = from;
        loop {
            let Some(&c) = b.get(i) else {
                return Ok((end, None));
            };
            match c {
                b'\n' => return Ok((end, None)),
                b':' => {
                    if matches!(b.get(i + 1), None | Some(b' ' | b'\n')) {
                        return Ok((end, Some(i)));
                    }
                    i += 1;
                    end = i;
                }
                b' ' => {
                    if b.get(i + 1) == Some(&b'#') {
                        return Err(GiveUp);
                    }
                    i += 1;
                }
                0x21..=0x7E => {
                    i += 1;
                    end = i;
                }
                0x80.. => {
                    check_non_ascii(b, i)?;
                    i += 1;
                    end = i;
                }
                _ => return Err(GiveUp),
            }
        }
    }

    /// Reads the quoted scalar whose opening quote is at `at`, folding its
    /// line breaks as YAML does; gives up on an escaped line break, a tab,
    /// an unknown escape or an unclosed quote.
    fn quoted(&self, at: usize) -> Result<Quoted<'a>, GiveUp> {
        let b = self.b;
        let quote = b[at];
        let double = quote == b'"';
        let mut out: Option<String> = None;
        let mut seg = at + 1;
        let mut i = seg;
        let mut breaks = 0u32;
        let mut last_line_start = self.line_start;
        let mut least_indent = usize::MAX;
        loop {
            let c = *b.get(i).ok_or(GiveUp)?;
            match c {
                b'\'' if !double => {
                    if b.get(i + 1) == Some(&b'\'') {
                        // `''` is one quote.
                        out.get_or_insert_with(String::new)
                            .push_str(&self.text[seg..=i]);
                        i += 2;
                        seg = i;
                    } else {
                        break;
                    }
                }
                b'"' if double => break,
                b'\\' if double => {
                    let text = out.get_or_insert_with(String::new);
                    text.push_str(&self.text[seg..i]);
                    let (decoded, len) = escape(b, i + 1)?;
                    text.push(decoded);
                    i += 1 + len;
                    seg = i;
                }
                b'\n' => {
                    let fold = fold(b, seg, i, out.get_or_insert_with(String::new), self.text)?;
                    breaks += fold.breaks;
                    last_line_start = fold.last_line_start;
                    least_indent = least_indent.min(fold.indent);
                    i = fold.next;
                    seg = fold.next;
                }
                b' ' | 0x21..=0x7E => i += 1,
                0x80.. => {
                    check_non_ascii(b, i)?;
                    i += 1;
                }
                _ => return Err(GiveUp),
            }
        }
        let text = match out {
            None => Cow::Borrowed(&self.text[at + 1..i]),
            Some(mut text) => {
                text.push_str(&self.text[seg..i]);
                Cow::Owned(text)
            }
        };
        Ok(Quoted {
            text,
            style: if double {
                ScalarStyle::DoubleQuoted
            } else {
                ScalarStyle::SingleQuoted
            },
            close: i + 1,
            breaks,
            last_line_start,
            least_indent,
        })
    }
}

/// A line break folded inside a quoted scalar.
struct Fold {
    /// Where the text goes on: the first character of the next line that
    /// holds one.
    next: usize,
    /// Line breaks passed, the start of the line reached and its indentation.
    breaks: u32,
    last_line_start: usize,
    indent: usize,
}

/// Folds the line break at `at` inside a quoted scalar whose pending text
/// starts at `seg`: the spaces before the break go, the break becomes a
/// space or one line feed per empty line after it, the next line's leading
/// spaces go.
fn fold(b: &[u8], seg: usize, at: usize, text: &mut String, source: &str) -> Result<Fold, GiveUp> {
    let mut kept = at;
    while kept > seg && b[kept - 1] == b' ' {
        kept -= 1;
    }
    text.push_str(&source[seg..kept]);
    let mut empty = 0;
    let mut j = at + 1;
    let mut breaks = 1;
    let mut last_line_start = j;
    loop {
        while b.get(j) == Some(&b' ') {
            j += 1;
        }
        match b.get(j) {
            Some(b'\n') => {
                empty += 1;
                j += 1;
                breaks += 1;
                last_line_start = j;
            }
            Some(b'\t' | b'\r') | None => return Err(GiveUp),
            Some(_) => break,
        }
    }
    if empty == 0 {
        text.push(' ');
    } else {
        text.extend(std::iter::repeat_n('\n', empty));
    }
    Ok(Fold {
        next: j,
        breaks,
        last_line_start,
        indent: j - last_line_start,
    })
}

/// YAML's indicators, which a plain scalar may not start with (`-` may when
/// a non-space follows: see `is_plain_dash`).
fn is_indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// `-` followed by a character that is not a space or a break: the start of
/// a plain scalar such as `-1`.
fn is_plain_dash(b: &[u8], at: usize) -> bool {
    b[at] == b'-' && matches!(b.get(at + 1), Some(&c) if c > b' ')
}

/// Gives up on the characters YAML or saphyr-parser treat specially: C1
/// controls (with NEL), the line and paragraph separators, the byte-order
/// mark and the non-characters U+FFFE and U+FFFF.
fn check_non_ascii(b: &[u8], i: usize) -> Result<(), GiveUp> {
    let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
    let special = match b[i] {
        0xC2 => (0x80..=0x9F).contains(&next(1)),
        0xE2 => next(1) == 0x80 && matches!(next(2), 0xA8 | 0xA9),
        0xEF => {
            (next(1) == 0xBB && next(2) == 0xBF)
                || (next(1) == 0xBF && matches!(next(2), 0xBE | 0xBF))
        }
        _ => false,
    };
    if special { Err(GiveUp) } else { Ok(()) }
}

/// A double-quoted scalar's escape after its `\` at `at`: the character and
/// how many bytes it took.
fn escape(b: &[u8], at: usize) -> Result<(char, usize), GiveUp> {
    let simple = match *b.get(at).ok_or(GiveUp)? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0B',
        b'f' => '\x0C',
        b'r' => '\r',
        b'e' => '\x1B',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{A0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' => return hex(b, at + 1, 2),
        b'u' => return hex(b, at + 1, 4),
        b'U' => return hex(b, at + 1, 8),
        _ => return Err(GiveUp),
    };
    Ok((simple, 1))
}

fn hex(b: &[u8], at: usize, digits: usize) -> Result<(char, usize), GiveUp> {
    let text = b.get(at..at + digits).ok_or(GiveUp)?;
    let mut value = 0u32;
    for &c in text {
        let digit = (c as char).to_digit(16).ok_or(GiveUp)?;
        value = value * 16 + digit;
    }
    let c = char::from_u32(value).ok_or(GiveUp)?;
    Ok((c, 1 + digits))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use saphyr_parser::Parser;

    use super::*;
    use crate::yaml::pos;

    type Stream<'a> = Vec<(Event<'a>, Pos, Pos)>;

    /// saphyr-parser's events, or `None` when it finds an error.
    fn saphyr(text: &str) -> Option<Stream<'_>> {
        let mut out = Vec::new();
        for event in Parser::new_from_str(text) {
            let (event, span) = event.ok()?;
            out.push((event, pos(span.start), pos(span.end)));
        }
        Some(out)
    }

    fn fast(text: &str) -> Option<Stream<'_>> {
        let mut out = Vec::new();
        events(text, |event, start, end| {
            out.push((event, start, end));
            Ok(())
        })
        .ok()?;
        Some(out)
    }

    /// Whether the fast path took `text`; panics when it gave events that
    /// differ from saphyr-parser's.
    fn agree(text: &str) -> bool {
        let Some(fast) = fast(text) else {
            return false;
        };
        let Some(slow) = saphyr(text) else {
            panic!("the fast path read a text saphyr-parser refuses:\n{text:?}");
        };
        if fast != slow {
            let at = fast
                .iter()
                .zip(&slow)
                .position(|(a, b)| a != b)
                .unwrap_or(fast.len().min(slow.len()));
            panic!(
                "event {at} differs:\n fast:   {:?}\n saphyr: {:?}\ntext:\n{text:?}",
                fast.get(at),
                slow.get(at)
            );
        }
        true
    }

    #[test]
    fn pyyaml_style_output_takes_the_fast_path() {
        let text = "openapi: 3.0.3\ninfo:\n  title: GitHub's spec\n  description: 'With ''quotes''.\n\n\n    Example: `a`'\ntags:\n- name: actions\n  description: Endpoints.\npaths:\n  /repos/{owner}/{repo}:\n    get:\n      parameters:\n      - $ref: '#/components/parameters/owner'\n      - name: per_page\n        in: query\n        schema:\n          type: integer\n          default: 30\n          enum: []\n      responses:\n        '200':\n          description: \"OK \\u00e9\\n\"\n          content: {}   \n        '404':\n          description:\n";
        assert!(agree(text), "the fast path gave up on:\n{text}");
    }

    #[test]
    fn positions_follow_saphyr_parsers_quirks() {
        // Each of these once differed, or is a quirk to keep: a quoted
        // scalar's or empty flow's end takes the spaces after it, an
        // indentless sequence starts at its first entry's content, an
        // empty value sits at its colon, the end of the text is the start
        // of the next line (or, for the collections indented past a last
        // line of spaces, that line's end).
        for text in [
            "k: 'a'   \nj: \"b\"  \n",
            "k:\n- a\n- b: 1\n  c: 2\n- - x\n",
            "a:\nb:\n  c:\n",
            "k: 1",
            "k: 1\n  ",
            "\n\n  k: 1\n  j: 2\n\n",
            "k: {}  \nl: []  \n",
            "- - - a\n\n  ",
            "k:\n  j:\n  - x\n \n   ",
            "j: é\nü: 'x\n\n   y  '  \n",
            "- 'it''s'\n- \"\\t\\x41\\u00e9\\U0001F600\"\n",
        ] {
            assert!(agree(text), "gave up on {text:?}");
        }
    }

    #[test]
    fn constructs_it_does_not_read_are_left_to_saphyr() {
        for text in [
            "# a comment\nk: 1\n",
            "k: 1 # a comment\n",
            "k: &a 1\nj: *a\n",
            "k: !!str 1\n",
            "k: |\n  text\n",
            "k: plain\n  continued\n",
            "k:\n\t- x\n",
            "- \n- x\n",
            "---\nk: 1\n",
            "k: [1, 2]\n",
            "? k\n: v\n",
            "k: a\u{85}b\n",
            "\u{feff}k: 1\n",
            "k: 'unclosed\n",
            "",
        ] {
            assert!(fast(text).is_none(), "the fast path read {text:?}");
        }
        // saphyr-parser refuses keys over 1024 characters.
        let long = "a".repeat(1100);
        for text in [
            format!("{long}: 1\n"),
            format!("'{long}': 1\n"),
            format!("- \"{long}\": 1\n"),
        ] {
            assert!(
                fast(&text).is_none(),
                "the fast path read a key of 1100 characters"
            );
            assert!(saphyr(&text).is_none());
        }
    }

    #[test]
    fn document_markers_are_left_to_saphyr_and_look_alikes_are_read() {
        for text in [
            "a: 1\n... b: 2\n",
            "a: 1\n---\nb: 2\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: 1\n...\n",
        ] {
            assert!(fast(text).is_none(), "the fast path read {text:?}");
        }
        // Only at the start of a line are they markers.
        for text in ["k:\n  ...: 1\n", "k: a...b\n", "k:\n- ...x\n"] {
            assert!(agree(text), "gave up on {text:?}");
        }
    }

    #[test]
    fn spaces_after_a_plain_scalar_are_read() {
        for text in ["k: v   \nj:\n- a  \n- b: c \n", "k: 1  "] {
            assert!(agree(text), "gave up on {text:?}");
        }
    }

    #[test]
    fn keys_up_to_the_limit_are_read() {
        let plain = "k".repeat(MAX_KEY_BYTES);
        let quoted = format!("'{}'", "q".repeat(MAX_KEY_BYTES - 2));
        for text in [
            format!("{plain}: 1\n"),
            format!("{quoted}: 1\n"),
            format!("- {plain}: 1\n"),
        ] {
            assert!(agree(&text), "gave up on a key of {} bytes", MAX_KEY_BYTES);
        }
        for text in [format!("k{plain}: 1\n"), format!("'q{}: 1\n", &quoted[1..])] {
            assert!(
                fast(&text).is_none(),
                "read a key over {MAX_KEY_BYTES} bytes"
            );
        }
    }

    #[test]
    fn nesting_is_followed_to_the_limit_and_siblings_do_not_count() {
        let deep = |levels: usize| format!("{}x\n", "- ".repeat(levels));
        assert!(agree(&deep(MAX_DEPTH)), "gave up at {MAX_DEPTH} levels");
        assert!(fast(&deep(MAX_DEPTH + 1)).is_none());
        // An empty flow collection is a level too.
        assert!(agree(&format!("{}[]\n", "- ".repeat(MAX_DEPTH - 1))));
        assert!(fast(&format!("{}[]\n", "- ".repeat(MAX_DEPTH))).is_none());
        // A thousand closed collections one after another are one level
        // each, not a thousand.
        let mut text = String::new();
        for i in 0..1000 {
            text.push_str(&format!("m{i}:\n  k: v\ns{i}:\n  - x\nt{i}:\n- y\n"));
        }
        text.push_str("end:\n  - - a: 1\n");
        assert!(agree(&text), "gave up on many sibling collections");
    }

    #[test]
    fn every_escape_is_read() {
        let text = "k: \"\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\\"\\/\\\\\\N\\_\\L\\P\\x41\\u00e9\\U0001F600.\"\n";
        assert!(agree(text), "gave up on {text}");
        let Some(events) = fast(text) else {
            unreachable!()
        };
        let Event::Scalar(value, ..) = &events[4].0 else {
            panic!("not a scalar: {:?}", events[4]);
        };
        assert_eq!(
            value,
            "\0\x07\x08\t\n\x0B\x0C\r\x1B \"/\\\u{85}\u{A0}\u{2028}\u{2029}Aé😀."
        );
        for unknown in ["\\q", "\\x4", "\\uD800", "\\\n"] {
            assert!(
                fast(&format!("k: \"{unknown}\"\n")).is_none(),
                "read {unknown:?}"
            );
        }
    }

    #[test]
    fn other_characters_are_read_and_special_ones_left_to_saphyr() {
        // Neighbours of the special ones, byte for byte: U+FF3F, U+FEF7,
        // U+FFE5, U+FF3E (EF BC BF, EF BB B7, EF BF A5, EF BC BE).
        assert!(agree("k: ’…€ｷé日本😀 ＿ ﻷ ￥ ＾\n’: 'x…y'\n"));
        for special in [
            '\u{85}', '\u{9F}', '\u{2028}', '\u{2029}', '\u{FEFF}', '\u{FFFE}', '\u{FFFF}',
            '\u{7F}', '\u{1}',
        ] {
            let text = format!("k: a{special}b\n");
            assert!(fast(&text).is_none(), "read {special:?}");
        }
    }

    /// A small deterministic generator (xorshift64*), so that a failure
    /// reproduces from its seed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    const WORDS: &[&str] = &[
        "a",
        "name",
        "1",
        "-3",
        "0x1F",
        "true",
        "null",
        "~",
        "a b",
        "http://x:1/y",
        "/r/{owner}",
        "a#b",
        "é",
        "日本",
        "x,y",
        "a[0]",
        "$ref",
        "-x",
        "v1.2",
        "a:b",
        "😀",
        "x'y",
        "say \"hi\"",
    ];
    const KEYS: &[&str] = &[
        "a",
        "name",
        "/repos/{o}/{r}",
        "$ref",
        "x-y",
        "é",
        "a b",
        "1",
    ];
    const QUOTED_KEYS: &[&str] = &["'200'", "'+1'", "\"k\"", "'it''s'", "\"\\u00e9\""];

    /// A scalar in one of the styles the fast path reads (and, when
    /// `wild`, others it must leave to saphyr).
    fn scalar(rng: &mut Rng, indent: usize, wild: bool) -> String {
        let pad = " ".repeat(indent + 2);
        let trailing = if rng.below(4) == 0 { "  " } else { "" };
        let mut choices = 6;
        if wild {
            choices += 4;
        }
        match rng.below(choices) {
            0 | 1 => format!("{}{trailing}", rng.pick(WORDS)),
            2 => format!("'{}'{trailing}", rng.pick(WORDS).replace('\'', "''")),
            3 => format!(
                "'{} ''x''\n\n{pad}{}\n{pad}end'{trailing}",
                rng.pick(WORDS).replace('\'', "''"),
                rng.pick(WORDS).replace('\'', "''")
            ),
            4 => format!(
                "\"{}\\n\\t\\\\ \\\" \\u00e9\\x41{}\"{trailing}",
                rng.pick(WORDS).replace('"', "\\\""),
                if rng.below(2) == 0 {
                    format!("\n{pad}next  \n\n{pad}line")
                } else {
                    String::new()
                }
            ),
            5 => rng.pick(&["[]", "{}", "[]  ", "{}  "]).to_owned(),
            6 => "&x v".to_owned(),
            7 => "|\n".to_owned() + &pad + "block",
            8 => "a # c".to_owned(),
            _ => format!("plain\n{pad}continued"),
        }
    }

    fn node(rng: &mut Rng, out: &mut String, indent: usize, depth: usize, wild: bool) {
        let step = if rng.below(3) == 0 { 4 } else { 2 };
        let pad = " ".repeat(indent);
        let entries = 1 + rng.below(4);
        if rng.below(2) == 0 {
            for _ in 0..entries {
                let key = if rng.below(5) == 0 {
                    rng.pick(QUOTED_KEYS)
                } else {
                    rng.pick(KEYS)
                };
                out.push_str(&format!("{pad}{key}:"));
                value(rng, out, indent, step, depth, wild, true);
            }
        } else {
            for _ in 0..entries {
                out.push_str(&format!("{pad}-"));
                if depth < 4 && rng.below(3) == 0 {
                    // A compact collection in the entry.
                    out.push(' ');
                    let mut inner = String::new();
                    node(rng, &mut inner, indent + 2, depth + 1, wild);
                    out.push_str(&inner[indent + 2..]);
                } else {
                    value(rng, out, indent, step, depth, wild, false);
                }
            }
        }
    }

    fn value(
        rng: &mut Rng,
        out: &mut String,
        indent: usize,
        step: usize,
        depth: usize,
        wild: bool,
        in_map: bool,
    ) {
        match rng.below(if depth < 4 { 5 } else { 2 }) {
            0 | 1 => {
                out.push(' ');
                let scalar = scalar(rng, indent, wild);
                out.push_str(&scalar);
                out.push('\n');
            }
            2 if in_map => {
                // Empty, or the next entry.
                out.push('\n');
                if rng.below(2) == 0 {
                    out.push('\n');
                }
            }
            3 if in_map && rng.below(2) == 0 => {
                // An indentless sequence.
                out.push('\n');
                let mut inner = String::new();
                while !inner.trim_start().starts_with('-') {
                    inner.clear();
                    node(rng, &mut inner, indent, depth + 1, wild);
                }
                out.push_str(&inner);
            }
            // An entry's content on the next line: left to saphyr.
            _ if !in_map && !wild => {
                out.push(' ');
                let scalar = scalar(rng, indent, wild);
                out.push_str(&scalar);
                out.push('\n');
            }
            _ => {
                out.push('\n');
                node(rng, out, indent + step, depth + 1, wild);
            }
        }
    }

    fn document(rng: &mut Rng, wild: bool) -> String {
        let mut out = String::new();
        if rng.below(8) == 0 {
            out.push('\n');
        }
        node(rng, &mut out, 0, 0, wild);
        match rng.below(4) {
            0 => {
                out.pop();
            }
            1 => out.push_str("\n  \n"),
            _ => {}
        }
        out
    }

    /// One random edit: a byte YAML cares about inserted, a character
    /// deleted, or a line repeated.
    fn mutate(rng: &mut Rng, text: &str) -> String {
        const INSERTS: &[&str] = &[
            " ", "\n", "-", ":", "'", "\"", "#", "\t", "[", "]", "{", "}", "a", "\\", ".", "&",
            "*", "?", ",", "é", "\u{85}", "  ", "- ", ": ", "---\n", "\r", "|", "\u{2028}",
            "\u{feff}", "\u{a0}",
        ];
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let at = boundaries[rng.below(boundaries.len())];
        let mut out = text.to_owned();
        match rng.below(3) {
            0 => out.insert_str(at, rng.pick(INSERTS)),
            1 if at < text.len() => {
                out.remove(at);
            }
            _ => {
                let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                let line = text[start..end].to_owned();
                out.insert_str(start, &line);
            }
        }
        out
    }

    /// How many generated documents each run (each with twenty mutations):
    /// 600 by default (under a second in a debug build); `FAST_YAML_CASES`
    /// sets it.
    fn cases() -> usize {
        std::env::var("FAST_YAML_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(600)
    }

    #[test]
    fn events_equal_saphyr_parsers_on_generated_documents() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut taken, mut total) = (0, 0);
        for _ in 0..cases() {
            let text = document(&mut rng, false);
            // Every construct in a tame document is one the fast path reads.
            assert!(
                agree(&text),
                "the fast path gave up on:\n{text}\nafter {:?}",
                {
                    let mut seen = Vec::new();
                    let _ = events(&text, |e, s, _| {
                        seen.push((e, s));
                        Ok(())
                    });
                    seen.pop()
                }
            );
            let wild = document(&mut rng, true);
            let _ = agree(&wild);
            for base in [&text, &wild] {
                for edits in 1..=10 {
                    // One edit, or (rarely) several.
                    let mut mutated = mutate(&mut rng, base);
                    for _ in 0..edits / 4 {
                        mutated = mutate(&mut rng, &mutated);
                    }
                    total += 1;
                    taken += usize::from(agree(&mutated));
                }
            }
        }
        eprintln!("the fast path took {taken} of {total} mutated texts");
        // The mutations must still exercise the fast path, or the check
        // above proves little.
        assert!(
            taken * 5 > total,
            "the fast path took only {taken} of {total} mutated texts"
        );
    }

    #[test]
    fn events_equal_saphyr_parsers_on_this_repositorys_yaml() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if path.is_dir() {
                    if name != "target" && !name.starts_with('.') {
                        dirs.push(path);
                    }
                } else if name.ends_with(".yaml") || name.ends_with(".yml") {
                    files.push(path);
                }
            }
        }
        let mut taken = 0;
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            taken += usize::from(agree(&text));
        }
        eprintln!("the fast path took {taken} of {} files", files.len());
        assert!(files.len() > 100, "found only {} YAML files", files.len());
        assert!(
            taken * 4 > files.len(),
            "the fast path took only {taken} of {} files",
            files.len()
        );
    }

    /// The large files the benchmark times (GitHub's description as YAML is
    /// fetched by `bench/openapi_check.py`, never committed): run with
    /// `FAST_YAML_FILES=target/bench/octokit/api.github.com.yaml cargo test
    /// -p openapi-check --lib -- --ignored fast`.
    #[test]
    #[ignore = "needs the files named in FAST_YAML_FILES"]
    fn events_equal_saphyr_parsers_on_named_files() {
        let files = std::env::var("FAST_YAML_FILES")
            .expect("FAST_YAML_FILES names the files, separated by ':'");
        for path in files.split(':') {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(path);
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(agree(&text), "the fast path gave up on {}", path.display());
        }
    }
}
