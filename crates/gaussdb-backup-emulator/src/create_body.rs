//! The create call's body read field by field in one pass, without building
//! a `serde_json::Value`.
//!
//! The rules need to know, for each of `instance_id`, `name` and
//! `description`, whether it is absent, a string, or something else, and
//! nothing about any other member. A `Value` (an `IndexMap` with SipHash
//! under the workspace's `preserve_order`) cost a create call about 5,000
//! instructions and 8 allocations (`bench/emulator_instructions.py`); this
//! visitor keeps what the `Value` gave: the whole text is still parsed (a
//! syntax error anywhere is an error), a repeated member keeps its last
//! value, and a body that is not an object is told apart from one that is
//! not JSON.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One of the three members, as the body has it.
#[derive(Debug, Default, PartialEq, Eq)]
pub enum Member {
    /// Not in the body.
    #[default]
    Absent,
    /// A JSON string.
    Text(String),
    /// Anything else (a number, `null`, an object, …).
    NotText,
}

/// The body: an object's three members, or not an object at all.
#[derive(Debug, PartialEq, Eq)]
pub enum Body {
    /// A JSON object.
    Object {
        /// `instance_id`.
        instance_id: Member,
        /// `name`.
        name: Member,
        /// `description`.
        description: Member,
    },
    /// Valid JSON that is not an object.
    NotObject,
}

/// Reads `bytes` as JSON; the error is serde_json's (not JSON at all).
pub fn read(bytes: &[u8]) -> Result<Body, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let body = (&mut deserializer).deserialize_any(BodyVisitor)?;
    deserializer.end()?;
    Ok(body)
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
        let (mut instance_id, mut name, mut description) = Default::default();
        while let Some(key) = map.next_key::<Key>()? {
            let slot = match key {
                Key::InstanceId => &mut instance_id,
                Key::Name => &mut name,
                Key::Description => &mut description,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value_seed(MemberSeed)?;
        }
        Ok(Body::Object {
            instance_id,
            name,
            description,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Body, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Body::NotObject)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Body, E> {
        Ok(Body::NotObject)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Body, E> {
        Ok(Body::NotObject)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Body, E> {
        Ok(Body::NotObject)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Body, E> {
        Ok(Body::NotObject)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Body, E> {
        Ok(Body::NotObject)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Body, E> {
        Ok(Body::NotObject)
    }
}

/// A member's name: one of the three, or another.
enum Key {
    InstanceId,
    Name,
    Description,
    Other,
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "instance_id" => Key::InstanceId,
                    "name" => Key::Name,
                    "description" => Key::Description,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A member's value: a string kept, anything else read through and noted.
struct MemberSeed;

impl<'de> DeserializeSeed<'de> for MemberSeed {
    type Value = Member;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Member, D::Error> {
        deserializer.deserialize_any(MemberVisitor)
    }
}

struct MemberVisitor;

impl<'de> Visitor<'de> for MemberVisitor {
    type Value = Member;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Member, E> {
        Ok(Member::Text(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Member, E> {
        Ok(Member::Text(text))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Member, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Member::NotText)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Member, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Member::NotText)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Member, E> {
        Ok(Member::NotText)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Member, E> {
        Ok(Member::NotText)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Member, E> {
        Ok(Member::NotText)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Member, E> {
        Ok(Member::NotText)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Member, E> {
        Ok(Member::NotText)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// What the `Value` the emulator used to build says of a body, in this
    /// module's terms: the oracle the visitor must agree with.
    fn through_value(bytes: &[u8]) -> Option<Body> {
        let value: Value = serde_json::from_slice(bytes).ok()?;
        let Value::Object(fields) = value else {
            return Some(Body::NotObject);
        };
        let member = |name: &str| match fields.get(name) {
            None => Member::Absent,
            Some(Value::String(s)) => Member::Text(s.clone()),
            Some(_) => Member::NotText,
        };
        Some(Body::Object {
            instance_id: member("instance_id"),
            name: member("name"),
            description: member("description"),
        })
    }

    #[test]
    fn agrees_with_reading_the_body_as_a_value() {
        let bodies = [
            r#"{"instance_id":"i","name":"n","description":"d"}"#,
            r#"{"name":"n"}"#,
            r#"{"name":"first","name":"last"}"#,
            r#"{"name":7,"description":null,"instance_id":{"a":[1,{"b":2}]}}"#,
            r#"{"name":["x"],"other":{"deep":[1,2,{"x":"y"}]},"instance_id":true}"#,
            r#"{"na\u006de":"escaped key","description":"tab\tand \"quotes\""}"#,
            r#"{"name":"备份一下","extra":1.5e3}"#,
            r#"[1,2,{"name":"n"}]"#,
            r#""a string""#,
            "42",
            "-1",
            "1.5",
            "true",
            "null",
            "{}",
            " { } ",
            "",
            "{",
            r#"{"name":"n",}"#,
            r#"{"name":"n"} trailing"#,
            r#"[1,"#,
            r#"{"name":"n" "description":"d"}"#,
        ];
        for body in bodies {
            assert_eq!(
                read(body.as_bytes()).ok(),
                through_value(body.as_bytes()),
                "{body}"
            );
        }
    }
}
