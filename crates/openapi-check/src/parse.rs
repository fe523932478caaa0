//! Text → `serde_json::Value`, for JSON and YAML alike, keeping what plain
//! deserialization loses: duplicate mapping keys (an error here; most tools
//! keep one value silently).
//!
//! JSON is parsed by serde_json (bounded to 128 levels of nesting), with a
//! visitor that records duplicate keys; positions are found later, only for
//! the pointers findings name (see `locate`). YAML is parsed once by
//! saphyr-parser (see `yaml`), which builds the value, the duplicate keys and
//! every node's position together.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::pointer;
use crate::source::{Format, Pos};

mod split;

/// A parsed document.
#[derive(Debug)]
pub struct Parsed {
    /// The document.
    pub value: Value,
    /// Pointers to mapping keys that appeared more than once (the later
    /// occurrence's value is kept).
    pub duplicate_keys: Vec<String>,
    /// For YAML, where every node is (built by the same parse).
    pub(crate) positions: Option<crate::yaml::Positions>,
}

impl Parsed {
    /// Where the wanted JSON pointers are in `text`, the document this was
    /// parsed from: YAML through this parse's positions, JSON by a scan.
    pub fn locate(
        &self,
        text: &str,
        wanted: &[&str],
    ) -> std::collections::HashMap<String, crate::Located> {
        let yaml = self.positions.as_ref().map(|p| (p, &self.value));
        crate::locate(text, yaml, wanted)
    }
}

/// Why a document could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// Where, when the parser knows.
    pub pos: Option<Pos>,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Parses a document in the given format.
pub fn parse(text: &str, format: Format) -> Result<Parsed, SyntaxError> {
    let node = match format {
        Format::Json if text.len() >= crate::cut::SPLIT_FROM_BYTES => match split::parse(text) {
            Some(node) => node,
            None => parse_json(text)?,
        },
        Format::Json => parse_json(text)?,
        Format::Yaml => {
            if text.trim().is_empty() {
                return Err(SyntaxError {
                    message: "the document is empty".into(),
                    pos: Some(Pos { line: 1, column: 1 }),
                });
            }
            let doc = crate::yaml::parse(text)?;
            return Ok(Parsed {
                value: doc.value,
                duplicate_keys: doc.duplicate_keys,
                positions: Some(doc.positions),
            });
        }
    };
    Ok(Parsed {
        value: node.value,
        duplicate_keys: node.duplicates,
        positions: None,
    })
}

/// JSON on one thread.
fn parse_json(text: &str) -> Result<Node, SyntaxError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let node = NodeSeed.deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(json_error)?;
    Ok(node)
}

fn json_error(err: serde_json::Error) -> SyntaxError {
    let message = err.to_string();
    // serde_json appends " at line L column C"; the position is reported apart.
    let message = match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    };
    SyntaxError {
        message: format!("invalid JSON: {message}"),
        pos: (err.line() > 0).then(|| Pos {
            line: err.line() as u32,
            column: err.column().max(1) as u32,
        }),
    }
}

/// A value and the duplicate keys found inside it, as pointers relative to it.
/// The list is empty (no allocation) for almost every node.
struct Node {
    value: Value,
    duplicates: Vec<String>,
}

impl Node {
    fn leaf(value: Value) -> Node {
        Node {
            value,
            duplicates: Vec::new(),
        }
    }
}

struct NodeSeed;

impl<'de> DeserializeSeed<'de> for NodeSeed {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::leaf(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::leaf(Value::Number(v.into())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::leaf(Value::Number(v.into())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        match Number::from_f64(v) {
            Some(n) => Ok(Node::leaf(Value::Number(n))),
            None => Err(E::custom(format!(
                "{v} is not a JSON number (JSON has no NaN or infinity)"
            ))),
        }
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::leaf(Value::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::leaf(Value::String(v)))
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::leaf(Value::Null))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::leaf(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        NodeSeed.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        let mut duplicates = Vec::new();
        while let Some(node) = seq.next_element_seed(NodeSeed)? {
            if !node.duplicates.is_empty() {
                let prefix = format!("/{}", items.len());
                duplicates.extend(node.duplicates.into_iter().map(|p| format!("{prefix}{p}")));
            }
            items.push(node.value);
        }
        Ok(Node {
            value: Value::Array(items),
            duplicates,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut object = Map::new();
        let mut duplicates = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let node = map.next_value_seed(NodeSeed)?;
            // The member's pointer is built only when a duplicate needs it,
            // not for every member of every object.
            if !node.duplicates.is_empty() {
                let here = pointer::push("", &key);
                duplicates.extend(node.duplicates.into_iter().map(|p| format!("{here}{p}")));
            }
            match object.entry(key) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(node.value);
                }
                serde_json::map::Entry::Occupied(mut slot) => {
                    duplicates.push(pointer::push("", slot.key()));
                    slot.insert(node.value);
                }
            }
        }
        Ok(Node {
            value: Value::Object(object),
            duplicates,
        })
    }
}

/// Mapping keys: strings, or YAML scalars (`200:`, `true:`) taken as their text.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean mapping key")
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
    fn visit_none<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        let yaml = "a:\n  b: 1\n  b: 2\nc: [ {d: 1, d: 2} ]\n";
        let parsed = parse(yaml, Format::Yaml).unwrap();
        assert_eq!(parsed.duplicate_keys, ["/a/b", "/c/0/d"]);
        let json = r#"{"x": {"y~/": 1, "y~/": 2}}"#;
        let parsed = parse(json, Format::Json).unwrap();
        assert_eq!(parsed.duplicate_keys, ["/x/y~0~1"]);
    }

    #[test]
    fn yaml_scalar_keys_become_strings() {
        let parsed = parse("200: ok\ntrue: 1\n", Format::Yaml).unwrap();
        assert_eq!(parsed.value, serde_json::json!({"200": "ok", "true": 1}));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = parse("{\n  \"a\": 1,\n  oops\n}", Format::Json).unwrap_err();
        assert_eq!(err.pos.map(|p| p.line), Some(3), "{err:?}");
        let err = parse("a: 1\nb: [\n", Format::Yaml).unwrap_err();
        assert!(err.pos.is_some(), "{err:?}");
        assert!(err.message.starts_with("invalid YAML"), "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&deep, Format::Json).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err:?}");
        let deep_yaml = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&deep_yaml, Format::Yaml).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err:?}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = parse(&bomb, Format::Yaml).unwrap_err();
        assert!(err.message.contains("repetition limit"), "{err:?}");
    }
}
