//! YAML in one pass: saphyr-parser's events, which carry their spans, build
//! the `serde_json::Value`, the list of duplicate keys and a tree of node
//! positions together. There is no second parser to disagree with the first
//! about where a node is, and no second pass over the text to place findings.
//! The block-style YAML that generators write is scanned by a fast path of
//! our own (`fast`) that gives saphyr-parser's very events and positions, or
//! gives up and leaves the text to saphyr-parser.
//!
//! Scalars are resolved as serde_yaml_ng resolved them before (YAML 1.2's
//! core schema: `null`/`~`, `true`/`false`, decimal, `0x`, `0o` and `0b`
//! integers, floats; `0123` stays a string), core tags (`!!str`, `!!int`, …)
//! are honoured, other tags are refused (JSON has none). Limits: 128 levels
//! of nesting, one document, and alias expansion bounded by the size of the
//! input (an alias bomb is refused, not expanded).

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Tag};
use serde_json::{Map, Number, Value};

use crate::locate::Located;
use crate::parse::SyntaxError;
use crate::pointer;
use crate::source::{Pos, Span};

mod fast;
mod split;

/// Nesting deeper than this is refused.
const MAX_DEPTH: usize = 128;
/// Alias expansion may create at most this many nodes, plus ten per event
/// of the input.
const ALIAS_NODES_BASE: u64 = 10_000;

/// Where every node of a YAML document is: one flat array, each
/// container's children side by side in the order of the value's members.
#[derive(Debug)]
pub struct Positions {
    nodes: Vec<NodePos>,
    root: Option<usize>,
}

#[derive(Clone, Copy, Debug)]
struct NodePos {
    /// The key naming the node, when its parent is a mapping.
    key: Option<Span>,
    value: Span,
    /// Children: `nodes[first..first + len]`.
    first: u32,
    len: u32,
    container: bool,
}

impl Positions {
    /// The node `wanted` names in `value` (the document these positions
    /// were built with), or its deepest existing ancestor. An alias is
    /// placed where it is written. For many pointers, use one [`Locator`].
    #[cfg(test)]
    pub fn locate(&self, value: &Value, wanted: &str) -> Option<Located> {
        Locator::new(self, value).locate(wanted)
    }
}

/// Mappings with at least this many members are searched through an index.
const INDEX_FROM: usize = 16;

/// Answers many [`Positions::locate`]s over one document. A key's place in a
/// large mapping is found through an index built the first time that mapping
/// is searched, not by a scan per lookup: a spec with 200,000 paths and a
/// finding on each would otherwise take quadratic time (minutes for 14 MB).
pub struct Locator<'a> {
    positions: &'a Positions,
    value: &'a Value,
    /// Per large mapping (by its first child's node), key → member index.
    index: HashMap<u32, HashMap<&'a str, usize>>,
}

impl<'a> Locator<'a> {
    /// A locator over `value`, the document `positions` were built with.
    pub fn new(positions: &'a Positions, value: &'a Value) -> Self {
        Locator {
            positions,
            value,
            index: HashMap::new(),
        }
    }

    /// See [`Positions::locate`].
    pub fn locate(&mut self, wanted: &str) -> Option<Located> {
        let nodes = &self.positions.nodes;
        let mut node = *nodes.get(self.positions.root?)?;
        let mut value: &'a Value = self.value;
        for token in pointer::tokens(wanted) {
            if !node.container {
                break;
            }
            let found = match value {
                Value::Array(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).map(|v| (i, v))),
                Value::Object(members) if members.len() < INDEX_FROM => members
                    .iter()
                    .enumerate()
                    .find(|(_, (k, _))| **k == *token)
                    .map(|(i, (_, v))| (i, v)),
                Value::Object(members) => {
                    let index = self.index.entry(node.first).or_insert_with(|| {
                        members
                            .keys()
                            .enumerate()
                            .map(|(i, k)| (k.as_str(), i))
                            .collect()
                    });
                    index
                        .get(&*token)
                        .and_then(|&i| members.get(&*token).map(|v| (i, v)))
                }
                _ => None,
            };
            let Some((i, child)) = found.filter(|(i, _)| *i < node.len as usize) else {
                break;
            };
            node = nodes[node.first as usize + i];
            value = child;
        }
        Some(Located {
            key: node.key,
            value: node.value,
            container: node.container,
        })
    }
}

/// A parsed YAML document.
pub struct Document {
    pub value: Value,
    pub duplicate_keys: Vec<String>,
    pub positions: Positions,
}

/// An open mapping or sequence. Its members wait in the parser's shared
/// member stack, from `base` on, until it closes: then its size is known, and
/// the map or vector is allocated once at that size instead of growing
/// member by member (most mappings of a spec hold one to four members, and
/// growing an `IndexMap` past its first three costs a reallocation and a
/// rehash).
struct Open {
    is_map: bool,
    start: Pos,
    anchor: usize,
    /// The key span, when the parent is a mapping.
    key: Option<Span>,
    /// Where this container's members start in the member stack.
    base: usize,
    /// A mapping's key read, waiting for its value.
    pending: Option<(String, Span)>,
}

/// A completed member of an open container.
struct Member {
    /// The key, for a mapping's member.
    key: String,
    value: Value,
    node: NodePos,
    /// How many duplicate keys were known when the member completed: a
    /// duplicate found when the mapping closes is listed at that place, so
    /// that the list stays in document order (inner duplicates first).
    duplicates_before: usize,
}

fn pos(marker: Marker) -> Pos {
    Pos {
        line: marker.line() as u32,
        column: marker.col() as u32 + 1,
    }
}

fn error(message: impl Into<String>, at: Pos) -> SyntaxError {
    SyntaxError {
        message: format!("invalid YAML: {}", message.into()),
        pos: Some(at),
    }
}

/// Parses one YAML document: a large one on two threads when its text
/// allows (see `split`), else on this one.
pub fn parse(text: &str) -> Result<Document, SyntaxError> {
    if text.len() >= crate::cut::SPLIT_FROM_BYTES
        && let Some(doc) = split::parse(text)
    {
        return Ok(doc);
    }
    parse_one(text).map(|parsed| parsed.doc)
}

/// Parses one YAML document on this thread: through the fast path when the
/// text is of the kind it reads (see `fast`), else with saphyr-parser.
fn parse_one(text: &str) -> Result<split::OneParse, SyntaxError> {
    parse_fast(text).map_or_else(|| parse_saphyr(text), Ok)
}

/// The fast path's parse, or `None` when it gave up or the tree builder
/// refused an event (saphyr-parser's parse then gives the same error, at
/// the same place, from the same events).
fn parse_fast(text: &str) -> Option<split::OneParse> {
    let mut builder = Builder::new(text.len());
    fast::events(text, |event, start, end| {
        builder.event(event, start, end).map_err(|_| fast::GiveUp)
    })
    .ok()?;
    builder.into_parse().ok()
}

/// Parses one YAML document with saphyr-parser.
fn parse_saphyr(text: &str) -> Result<split::OneParse, SyntaxError> {
    let mut builder = Builder::new(text.len());
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| error(e.info(), pos(*e.marker())))?;
        builder.event(event, pos(span.start), pos(span.end))?;
    }
    builder.into_parse()
}

/// A completed node: its value, position and anchor (0 for none).
type Done = (Value, NodePos, usize);

/// The state of one parse, fed one event at a time.
struct Builder {
    stack: Vec<Open>,
    /// The members of every open container, innermost last.
    members: Vec<Member>,
    nodes: Vec<NodePos>,
    anchors: HashMap<usize, (Value, u64)>,
    duplicates: Vec<String>,
    root: Option<(Value, NodePos)>,
    documents: u32,
    events: u64,
    /// Nodes created by alias expansion so far.
    expanded: u64,
    /// The most containers open at once before one more opened.
    deepest: usize,
}

impl Builder {
    fn new(text_len: usize) -> Builder {
        Builder {
            stack: Vec::new(),
            members: Vec::new(),
            // About one node per 16 bytes of YAML: reserved once, not regrown.
            nodes: Vec::with_capacity(text_len / 16),
            anchors: HashMap::new(),
            duplicates: Vec::new(),
            root: None,
            documents: 0,
            events: 0,
            expanded: 0,
            deepest: 0,
        }
    }

    fn event(&mut self, event: Event<'_>, start: Pos, end: Pos) -> Result<(), SyntaxError> {
        self.events += 1;
        let here = Span { start, end };
        let is_map = matches!(event, Event::MappingStart(..));
        let done = match event {
            Event::DocumentStart(_) => {
                self.document_start(start)?;
                None
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.scalar(text, style, anchor, tag.as_deref(), here, start)?
            }
            Event::Alias(id) => Some(self.alias(id, here, start)?),
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                check_container_tag(tag.as_deref(), is_map).map_err(|m| error(m, start))?;
                self.open(is_map, anchor, here, start)?;
                None
            }
            Event::SequenceEnd | Event::MappingEnd => Some(self.close(here, start)?),
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => None,
        };
        if let Some(done) = done {
            self.complete(done);
        }
        Ok(())
    }

    fn document_start(&mut self, at: Pos) -> Result<(), SyntaxError> {
        self.documents += 1;
        if self.documents > 1 {
            return Err(error(
                "the file holds more than one YAML document; a spec is one document",
                at,
            ));
        }
        Ok(())
    }

    /// A scalar: the key a mapping waits for (`None`: nothing completed),
    /// or a value.
    fn scalar(
        &mut self,
        text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        here: Span,
        at: Pos,
    ) -> Result<Option<Done>, SyntaxError> {
        if let Some(Open {
            is_map: true,
            pending: pending @ None,
            ..
        }) = self.stack.last_mut()
        {
            let name = key_text(text, style, tag).map_err(|m| error(m, at))?;
            *pending = Some((name, here));
            return Ok(None);
        }
        let value = scalar(text, style, tag).map_err(|m| error(m, at))?;
        Ok(Some((value, leaf(here), anchor)))
    }

    /// An alias: a copy of its anchor's value, within the expansion limit.
    fn alias(&mut self, id: usize, here: Span, at: Pos) -> Result<Done, SyntaxError> {
        let Some((value, size)) = self.anchors.get(&id) else {
            return Err(error("an alias names an unknown anchor", at));
        };
        self.expanded += size;
        if self.expanded > ALIAS_NODES_BASE + self.events.saturating_mul(10) {
            return Err(error(
                "aliases expand past the repetition limit (an alias bomb?)",
                at,
            ));
        }
        if let Some(Open {
            is_map: true,
            pending: None,
            ..
        }) = self.stack.last()
        {
            return Err(error(
                "an alias as a mapping key is not supported (keys are strings)",
                at,
            ));
        }
        Ok((value.clone(), leaf(here), 0))
    }

    /// A mapping or sequence starts: opened on the stack until its end.
    fn open(
        &mut self,
        is_map: bool,
        anchor: usize,
        here: Span,
        at: Pos,
    ) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(error(
                format!("recursion limit exceeded: nesting deeper than {MAX_DEPTH} levels"),
                at,
            ));
        }
        self.deepest = self.deepest.max(self.stack.len());
        let key = match self.stack.last() {
            Some(Open {
                is_map: true,
                pending,
                ..
            }) => match pending {
                Some((_, key_span)) => Some(*key_span),
                None => {
                    return Err(error(
                        "a mapping or sequence as a mapping key is not supported (keys are strings)",
                        at,
                    ));
                }
            },
            _ => None,
        };
        self.stack.push(Open {
            is_map,
            start: here.start,
            anchor,
            key,
            base: self.members.len(),
            pending: None,
        });
        Ok(())
    }

    /// The innermost container ends: its value is built at its final size
    /// and its members' positions appended to the node table.
    fn close(&mut self, here: Span, at: Pos) -> Result<Done, SyntaxError> {
        let Some(open) = self.stack.last() else {
            return Err(error("unbalanced YAML events", at));
        };
        let first = self.nodes.len();
        let value = if open.is_map {
            close_map(
                &self.stack,
                &mut self.members,
                &mut self.nodes,
                &mut self.duplicates,
            )
        } else {
            let mut items = Vec::with_capacity(self.members.len() - open.base);
            for member in self.members.drain(open.base..) {
                items.push(member.value);
                self.nodes.push(member.node);
            }
            Value::Array(items)
        };
        let Some(open) = self.stack.pop() else {
            return Err(error("unbalanced YAML events", at));
        };
        let node = NodePos {
            key: open.key,
            value: Span {
                start: open.start,
                end: here.end,
            },
            first: u32::try_from(first).unwrap_or(u32::MAX),
            len: u32::try_from(self.nodes.len() - first).unwrap_or(0),
            container: true,
        };
        Ok((value, node, open.anchor))
    }

    /// A completed node: remembered under its anchor, then the root or a
    /// member of the innermost open container.
    fn complete(&mut self, (value, mut node, anchor): Done) {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (value.clone(), count_nodes(&value)));
        }
        let Some(open) = self.stack.last_mut() else {
            self.root = Some((value, node));
            return;
        };
        let key = if open.is_map {
            // A value always follows a key in saphyr's events; a mapping
            // without one has nothing to attach the value to.
            let Some((name, key_span)) = open.pending.take() else {
                return;
            };
            node.key = Some(key_span);
            name
        } else {
            String::new()
        };
        self.members.push(Member {
            key,
            value,
            node,
            duplicates_before: self.duplicates.len(),
        });
    }

    /// The parse's result: the document and the deepest nesting it reached.
    fn into_parse(self) -> Result<split::OneParse, SyntaxError> {
        let deepest = self.deepest;
        Ok(split::OneParse {
            doc: self.finish()?,
            deepest,
        })
    }

    fn finish(mut self) -> Result<Document, SyntaxError> {
        let Some((value, node)) = self.root else {
            return Err(SyntaxError {
                message: "the document is empty".into(),
                pos: Some(Pos { line: 1, column: 1 }),
            });
        };
        self.nodes.push(node);
        Ok(Document {
            value,
            duplicate_keys: self.duplicates,
            positions: Positions {
                root: Some(self.nodes.len() - 1),
                nodes: self.nodes,
            },
        })
    }
}

fn leaf(value: Span) -> NodePos {
    NodePos {
        key: None,
        value,
        first: 0,
        len: 0,
        container: false,
    }
}

/// Closes the innermost open container, a mapping: builds its map at its
/// final size from its members, appends their positions to `nodes` (a
/// repeated key keeps its first place, as the map does, and takes the last
/// value and position), and lists each repeated key in document order.
///
/// Linear in the members whatever the duplicates: a key's place is looked up
/// in an index built at the first duplicate (not searched for each one), and
/// the mapping's duplicates are merged into the list once, at the end (not
/// inserted one by one).
fn close_map(
    stack: &[Open],
    members: &mut Vec<Member>,
    nodes: &mut Vec<NodePos>,
    duplicates: &mut Vec<String>,
) -> Value {
    let base = stack.last().map_or(members.len(), |open| open.base);
    let first = nodes.len();
    let mut object = Map::with_capacity(members.len() - base);
    // Each key's place among the map's members, built at the first duplicate.
    let mut places: Option<HashMap<String, usize>> = None;
    // This mapping's duplicates, each with how many duplicates were listed
    // before its value completed: where it goes in document order.
    let mut found: Vec<(usize, String)> = Vec::new();
    for member in members.drain(base..) {
        match object.entry(member.key) {
            serde_json::map::Entry::Vacant(slot) => {
                if let Some(places) = &mut places {
                    places.insert(slot.key().clone(), nodes.len() - first);
                }
                slot.insert(member.value);
                nodes.push(member.node);
            }
            serde_json::map::Entry::Occupied(mut slot) => {
                let name = slot.key().clone();
                slot.insert(member.value);
                let places = places.get_or_insert_with(|| {
                    object
                        .keys()
                        .enumerate()
                        .map(|(i, k)| (k.clone(), i))
                        .collect()
                });
                if let Some(&i) = places.get(&name)
                    && let Some(old) = nodes.get_mut(first + i)
                {
                    *old = member.node;
                }
                let mut at = stack_pointer(stack);
                at.push('/');
                at.push_str(&pointer::escape(&name));
                found.push((member.duplicates_before, at));
            }
        }
    }
    merge_duplicates(duplicates, found);
    Value::Object(object)
}

/// Puts each `(before, pointer)` of `found` (in order, `before` not
/// decreasing) after the first `before` entries of `list`: in one pass.
fn merge_duplicates(list: &mut Vec<String>, found: Vec<(usize, String)>) {
    let Some(&(start, _)) = found.first() else {
        return;
    };
    let start = start.min(list.len());
    let mut rest = list.split_off(start).into_iter().peekable();
    let mut next = start;
    for (before, pointer) in found {
        while next < before
            && let Some(item) = rest.next()
        {
            list.push(item);
            next += 1;
        }
        list.push(pointer);
    }
    list.extend(rest);
}

/// The pointer of the innermost open container: each open mapping's
/// pending key, each open sequence's next index.
fn stack_pointer(stack: &[Open]) -> String {
    let mut out = String::new();
    for (i, parent) in stack.iter().take(stack.len().saturating_sub(1)).enumerate() {
        out.push('/');
        if parent.is_map {
            out.push_str(&pointer::escape(
                parent.pending.as_ref().map_or("", |(k, _)| k.as_str()),
            ));
        } else {
            // The sequence's completed items are its members: those from
            // its base to the base of the container open inside it.
            let next = stack
                .get(i + 1)
                .map_or(0, |child| child.base)
                .saturating_sub(parent.base);
            out.push_str(&next.to_string());
        }
    }
    out
}

fn count_nodes(value: &Value) -> u64 {
    match value {
        Value::Array(items) => 1 + items.iter().map(count_nodes).sum::<u64>(),
        Value::Object(members) => 1 + members.values().map(count_nodes).sum::<u64>(),
        _ => 1,
    }
}

fn core(tag: &Tag) -> Option<&str> {
    tag.is_yaml_core_schema().then_some(tag.suffix.as_str())
}

fn check_container_tag(tag: Option<&Tag>, is_map: bool) -> Result<(), String> {
    match tag {
        None => Ok(()),
        Some(t) => match core(t) {
            Some("map") if is_map => Ok(()),
            Some("seq") if !is_map => Ok(()),
            _ => Err(format!(
                "the tag {t} is not supported here (JSON has no tags)"
            )),
        },
    }
}

/// A scalar's value: quoted ones are strings, plain ones are resolved.
fn scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let Some(tag) = tag else {
        if style != ScalarStyle::Plain {
            return Ok(Value::String(owned(text)));
        }
        return resolve_plain(text);
    };
    let text = text.as_ref();
    let wrong = || format!("{text:?} is not a valid {tag}");
    match core(tag) {
        Some("str" | "binary" | "timestamp") => Ok(Value::String(text.to_owned())),
        Some("null") => match text {
            "" | "~" | "null" | "Null" | "NULL" => Ok(Value::Null),
            _ => Err(wrong()),
        },
        Some("bool") => parse_bool(text).map(Value::Bool).ok_or_else(wrong),
        Some("int") => parse_int(text).ok_or_else(wrong),
        Some("float") => match parse_int(text) {
            Some(Value::Number(n)) => n
                .as_f64()
                .and_then(Number::from_f64)
                .map(Value::Number)
                .ok_or_else(wrong),
            _ => float(text).ok_or_else(wrong)?,
        },
        _ => Err(format!("the tag {tag} is not supported (JSON has no tags)")),
    }
}

fn resolve_plain(text: Cow<'_, str>) -> Result<Value, String> {
    match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        _ => {}
    }
    // Only text that starts like a number or a boolean needs resolving.
    let first = text.as_bytes().first().copied().unwrap_or(b' ');
    if matches!(
        first,
        b'0'..=b'9' | b'+' | b'-' | b'.' | b't' | b'T' | b'f' | b'F'
    ) {
        if let Some(b) = parse_bool(&text) {
            return Ok(Value::Bool(b));
        }
        if let Some(n) = parse_int(&text) {
            return Ok(n);
        }
        if !digits_but_not_number(&text)
            && let Some(result) = float(&text)
        {
            return result;
        }
    }
    Ok(Value::String(owned(text)))
}

/// The scalar's text as a `String` of its own size. saphyr-parser's scanner
/// reserves 129 bytes or more for every scalar it reads; kept in the tree,
/// those buffers would make most keys and short values several times their
/// size: 40 MB more on GitHub's description, paid in page faults while
/// parsing and in cache misses in every rule after. A fresh exact
/// allocation and a copy cost less than that (and less than `shrink_to_fit`,
/// whose in-place reallocation is slow in glibc's allocator); the scanner's
/// buffer goes back to the allocator at once for the next scalar.
fn owned(text: Cow<'_, str>) -> String {
    match text {
        Cow::Owned(s) if s.capacity() > s.len() + s.len() / 4 => s.as_str().to_owned(),
        text => text.into_owned(),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// YAML 1.2 says a leading zero followed by digits is a string.
fn digits_but_not_number(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    t.len() > 1 && t.starts_with('0') && t[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Decimal, `0x`, `0o` and `0b` integers with an optional sign.
fn parse_int(text: &str) -> Option<Value> {
    if digits_but_not_number(text) {
        return None;
    }
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(d) = rest.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = rest.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = rest.strip_prefix("0b") {
        (2, d)
    } else {
        (10, rest)
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if negative {
        let v = i64::try_from(magnitude)
            .ok()
            .map(|m| -m)
            .or_else(|| (magnitude == 1u128 << 63).then_some(i64::MIN))?;
        Some(Value::Number(v.into()))
    } else {
        u64::try_from(magnitude)
            .ok()
            .map(|v| Value::Number(v.into()))
    }
}

/// A float, or an error for the infinities and NaN JSON cannot hold; `None`
/// when the text is not a number.
fn float(text: &str) -> Option<Result<Value, String>> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if matches!(
        unsigned,
        ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN"
    ) {
        return Some(Err(format!(
            "{text} is not a JSON number (JSON has no NaN or infinity)"
        )));
    }
    if !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || unsigned.starts_with(['+', '-'])
    {
        return None;
    }
    let parsed: f64 = text.parse().ok()?;
    if !parsed.is_finite() {
        return Some(Err(format!(
            "{text} is not a JSON number (JSON has no NaN or infinity)"
        )));
    }
    Some(Ok(
        Number::from_f64(parsed).map_or(Value::Null, Value::Number)
    ))
}

/// A mapping key as text: scalars resolve as values do, then print as
/// serde_yaml_ng printed them (`200` → "200", `1.0` → "1", `~` → "null").
fn key_text(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Result<String, String> {
    Ok(match scalar(text, style, tag)? {
        Value::String(s) => s,
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if !n.is_i64() && !n.is_u64() => f.to_string(),
            _ => n.to_string(),
        },
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The values are the ones serde_yaml_ng (the previous parser) built, on
    /// the workspace's spec and on every YAML file of the test corpus.
    #[test]
    fn values_agree_with_serde_yaml_ng() {
        let mut files = vec![std::path::PathBuf::from(
            "../../openapi/gaussdb-backup.yaml",
        )];
        for dir in ["tests/corpus/valid", "tests/corpus/invalid"] {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    files.push(path);
                }
            }
        }
        let mut compared = 0;
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(theirs) = serde_yaml_ng::from_str::<Value>(&text) else {
                continue;
            };
            let ours = parse(&text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            assert_eq!(ours.value, theirs, "{}", path.display());
            compared += 1;
        }
        assert!(compared > 40, "{compared}");
    }

    #[test]
    fn scalars_resolve_as_before() {
        let doc = parse(
            "a: ~\nb: null\nc: true\nd: False\ne: 12\nf: -3\ng: 0x10\nh: 0o17\ni: 1.5\nj: 1e3\n\
             k: 0123\nl: 1_000\nm: yes\nn: '12'\no: \"true\"\np: !!str 3.0\nq: !!int 7\nr: 3.0.3\n\
             s: 18446744073709551615\nt: +5\nu: .5\n",
        )
        .unwrap();
        assert_eq!(
            doc.value,
            json!({"a": null, "b": null, "c": true, "d": false, "e": 12, "f": -3, "g": 16,
                   "h": 15, "i": 1.5, "j": 1000.0, "k": "0123", "l": "1_000", "m": "yes",
                   "n": "12", "o": "true", "p": "3.0", "q": 7, "r": "3.0.3",
                   "s": 18_446_744_073_709_551_615_u64, "t": 5, "u": 0.5})
        );
    }

    #[test]
    fn keys_are_strings() {
        let doc = parse("200: ok\ntrue: 1\n~: 2\n1.0: 3\n").unwrap();
        assert_eq!(
            doc.value,
            json!({"200": "ok", "true": 1, "null": 2, "1": 3})
        );
    }

    #[test]
    fn refused_constructs_have_positions() {
        for (text, words) in [
            ("a: !foo 1\n", "not supported"),
            ("a: .inf\n", "no NaN or infinity"),
            ("a: 1\n---\nb: 2\n", "more than one YAML document"),
            ("? [a]\n: 1\n", "mapping key"),
            ("a: *nothing\n", "invalid YAML"),
            ("a: [1\n", "invalid YAML"),
        ] {
            let err = parse(text)
                .err()
                .unwrap_or_else(|| panic!("{text:?} parsed"));
            assert!(err.message.contains(words), "{text:?}: {err:?}");
            assert!(err.pos.is_some(), "{text:?}");
        }
    }

    #[test]
    fn anchors_and_aliases_copy_values() {
        let doc = parse("x: &a {b: [1, 2]}\ny: *a\n").unwrap();
        assert_eq!(doc.value, json!({"x": {"b": [1, 2]}, "y": {"b": [1, 2]}}));
        // Inside an alias, positions fall back to the alias itself.
        let at = doc.positions.locate(&doc.value, "/y/b/1").unwrap();
        assert_eq!(at.value.start, Pos { line: 2, column: 4 });
    }

    /// A mapping large enough to be searched through the locator's index,
    /// with duplicates among its keys: every member is placed on its line
    /// (a repeated key at its last value), and the duplicates, merged into
    /// the list once, keep document order around a nested one.
    #[test]
    fn large_mappings_with_duplicates_are_placed_through_the_index() {
        let n = super::INDEX_FROM as u32 * 4;
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!("k{i}: {i}\n"));
        }
        text.push_str("k3: {a: 1, a: 2}\n");
        text.push_str("k0: last\n");
        let doc = parse(&text).unwrap();
        assert_eq!(doc.duplicate_keys, ["/k3/a", "/k3", "/k0"]);
        let mut locator = Locator::new(&doc.positions, &doc.value);
        for i in 1..n {
            let line = if i == 3 { n + 1 } else { i + 1 };
            let at = locator.locate(&format!("/k{i}")).unwrap();
            assert_eq!(at.value.start.line, line, "k{i}");
        }
        assert_eq!(locator.locate("/k0").unwrap().value.start.line, n + 2);
        assert_eq!(locator.locate("/k3/a").unwrap().value.start.line, n + 1);
        // A key that is not there: its deepest existing ancestor, the root.
        assert_eq!(locator.locate("/nothing").unwrap().value.start.line, 1);
    }

    #[test]
    fn duplicate_keys_are_listed_in_document_order() {
        // Members are kept until their mapping closes; the duplicates found
        // then still come in the order the keys' values complete.
        let doc = parse("- {x: 1, x: 2}\n- y: [{z: 1, z: 2}]\n  y: 3\n  w: {v: 1, v: 2}\n  w: 4\n")
            .unwrap();
        assert_eq!(
            doc.duplicate_keys,
            ["/0/x", "/1/y/0/z", "/1/y", "/1/w/v", "/1/w"]
        );
        assert_eq!(doc.value, json!([{"x": 2}, {"y": 3, "w": 4}]));
        let w = doc.positions.locate(&doc.value, "/1/w").unwrap();
        assert_eq!(w.value.start, Pos { line: 5, column: 6 });
    }

    #[test]
    fn positions_of_keys_values_and_containers() {
        let doc = parse("a:\n  b/c:\n    - 1\n    - d: true\ne: 2\ne: 3\n").unwrap();
        let d = doc.positions.locate(&doc.value, "/a/b~1c/1/d").unwrap();
        assert_eq!(
            d.value.start,
            Pos {
                line: 4,
                column: 10
            }
        );
        assert_eq!(d.key.unwrap().start, Pos { line: 4, column: 7 });
        let list = doc.positions.locate(&doc.value, "/a/b~1c").unwrap();
        assert!(list.container);
        assert_eq!(list.key.unwrap().start, Pos { line: 2, column: 3 });
        // A duplicate key: the value and the position are the last one's.
        assert_eq!(doc.value["e"], json!(3));
        let e = doc.positions.locate(&doc.value, "/e").unwrap();
        assert_eq!(e.value.start, Pos { line: 6, column: 4 });
        assert_eq!(doc.duplicate_keys, ["/e"]);
        // A missing member: its deepest existing ancestor.
        let missing = doc.positions.locate(&doc.value, "/a/nothing/here").unwrap();
        assert_eq!(missing.key.unwrap().start, Pos { line: 1, column: 1 });
    }
}
