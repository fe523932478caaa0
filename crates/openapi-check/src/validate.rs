//! Validating a value (an example, a default, an enum entry) against an
//! OpenAPI 3.0 Schema Object, with OpenAPI's own semantics rather than plain
//! JSON Schema's: `nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum`,
//! `readOnly` properties refused in requests and `writeOnly` ones in
//! responses (and not required there), and `discriminator` choosing the
//! `oneOf`/`anyOf` branch. A JSON Schema library would need every schema
//! rewritten first, and would still get `discriminator` and the directions
//! wrong; this walks the document's schemas in place.
//!
//! Patterns run on `regress`, the ECMA-262 engine the generated Rust client
//! uses, so "valid here" means "valid there".

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::pointer;

/// Which way the value travels, for `readOnly` and `writeOnly`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Sent by the client (request bodies, parameters).
    Request,
    /// Sent by the server (responses, response headers).
    Response,
    /// A schema's own `example` or `default`: neither rule applies.
    Neither,
}

/// One way a value breaks a schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer inside the value (`""` for the value itself).
    pub instance_path: String,
    /// What is wrong, in words.
    pub message: String,
}

/// Limits that keep hostile schemas cheap: `$ref` chains and nesting.
const MAX_DEPTH: usize = 128;
/// A value stops being checked after this many violations.
const MAX_VIOLATIONS: usize = 20;

/// Validates values against schemas found in `root`.
pub struct Validator<'a> {
    root: &'a Value,
    regexes: RefCell<HashMap<String, Option<regress::Regex>>>,
}

impl<'a> Validator<'a> {
    /// A validator resolving local `$ref`s against `root`.
    pub fn new(root: &'a Value) -> Self {
        Validator {
            root,
            regexes: RefCell::new(HashMap::new()),
        }
    }

    /// All violations of `instance` against `schema` (at most a few dozen).
    pub fn validate(
        &self,
        schema: &Value,
        instance: &Value,
        direction: Direction,
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut path = String::new();
        self.check(schema, instance, direction, &mut path, &mut out, 0);
        out
    }

    /// Like [`Validator::validate`] for a Schema Object in place; with
    /// `ignore_enum`, its own `enum` is not applied (to check the enum's
    /// values against the rest of the schema).
    pub fn validate_object(
        &self,
        schema: &Map<String, Value>,
        instance: &Value,
        direction: Direction,
        ignore_enum: bool,
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut path = String::new();
        self.check_object(
            schema,
            instance,
            direction,
            &mut path,
            &mut out,
            0,
            ignore_enum,
        );
        out
    }

    /// Whether `pattern` compiles as an ECMA-262 regex (cached).
    pub fn regex(&self, pattern: &str) -> Option<regress::Regex> {
        let mut cache = self.regexes.borrow_mut();
        cache
            .entry(pattern.to_owned())
            .or_insert_with(|| regress::Regex::new(pattern).ok())
            .clone()
    }

    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        reference
            .strip_prefix('#')
            .and_then(|p| pointer::resolve(self.root, p))
    }

    fn is_valid(
        &self,
        schema: &Value,
        instance: &Value,
        direction: Direction,
        depth: usize,
    ) -> bool {
        let mut out = Vec::new();
        let mut path = String::new();
        self.check(schema, instance, direction, &mut path, &mut out, depth);
        out.is_empty()
    }

    fn check(
        &self,
        schema: &Value,
        instance: &Value,
        direction: Direction,
        path: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        if let Some(schema) = schema.as_object() {
            self.check_object(schema, instance, direction, path, out, depth, false);
        }
    }

    #[allow(clippy::too_many_lines, clippy::too_many_arguments)]
    fn check_object(
        &self,
        schema: &Map<String, Value>,
        instance: &Value,
        direction: Direction,
        path: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
        ignore_enum: bool,
    ) {
        if depth > MAX_DEPTH || out.len() >= MAX_VIOLATIONS {
            return;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            // Siblings of $ref are ignored in OpenAPI 3.0. Unresolvable and
            // remote references are reported by the reference rules.
            if let Some(target) = self.resolve(reference) {
                self.check(target, instance, direction, path, out, depth + 1);
            }
            return;
        }
        let mut fail = |path: &str, message: String| {
            out.push(Violation {
                instance_path: path.to_owned(),
                message,
            });
        };

        if instance.is_null() {
            let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
            if nullable {
                return;
            }
            if schema.contains_key("type") {
                fail(
                    path,
                    "null is not allowed here (the schema has no `nullable: true`)".into(),
                );
                return;
            }
        }

        if let Some(ty) = schema.get("type").and_then(Value::as_str)
            && !matches_type(ty, instance)
        {
            fail(path, format!("{} is not of type {ty}", describe(instance)));
            return;
        }

        if let Some(options) = schema
            .get("enum")
            .and_then(Value::as_array)
            .filter(|_| !ignore_enum)
            && !options.iter().any(|o| json_equal(o, instance))
        {
            fail(
                path,
                format!(
                    "{} is not one of the enum values {}",
                    describe(instance),
                    list(options)
                ),
            );
        }

        match instance {
            Value::String(s) => self.check_string(schema, s, path, &mut fail),
            Value::Number(n) => check_number(schema, n, path, &mut fail),
            _ => {}
        }
        let mut failed = Vec::new();
        if let Value::Array(items) = instance {
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
                && (items.len() as u64) < min
            {
                failed.push(format!(
                    "the array has {} items, fewer than minItems {min}",
                    items.len()
                ));
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                && items.len() as u64 > max
            {
                failed.push(format!(
                    "the array has {} items, more than maxItems {max}",
                    items.len()
                ));
            }
            if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
                'outer: for (i, a) in items.iter().enumerate() {
                    for b in &items[i + 1..] {
                        if json_equal(a, b) {
                            failed.push(format!("items must be unique, {} repeats", describe(a)));
                            break 'outer;
                        }
                    }
                }
            }
        }
        let mut names_failed = Vec::new();
        if let Value::Object(members) = instance {
            let properties = schema.get("properties").and_then(Value::as_object);
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for name in required.iter().filter_map(Value::as_str) {
                    if members.contains_key(name) {
                        continue;
                    }
                    let skip = properties
                        .and_then(|p| p.get(name))
                        .map(|p| self.access_flags(p, depth))
                        .is_some_and(|(read_only, write_only)| {
                            (direction == Direction::Request && read_only)
                                || (direction == Direction::Response && write_only)
                        });
                    if !skip {
                        failed.push(format!("required property `{name}` is missing"));
                    }
                }
            }
            if let Some(min) = schema.get("minProperties").and_then(Value::as_u64)
                && (members.len() as u64) < min
            {
                failed.push(format!(
                    "the object has {} properties, fewer than minProperties {min}",
                    members.len()
                ));
            }
            if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64)
                && members.len() as u64 > max
            {
                failed.push(format!(
                    "the object has {} properties, more than maxProperties {max}",
                    members.len()
                ));
            }
            let additional = schema.get("additionalProperties");
            for (name, value) in members {
                let len = path.len();
                path.push('/');
                path.push_str(&pointer::escape(name));
                match properties.and_then(|p| p.get(name)) {
                    Some(property) => {
                        let (read_only, write_only) = self.access_flags(property, depth);
                        if direction == Direction::Request && read_only {
                            names_failed.push((
                                path.clone(),
                                format!("`{name}` is readOnly and must not be sent in a request"),
                            ));
                        } else if direction == Direction::Response && write_only {
                            names_failed.push((
                                path.clone(),
                                format!("`{name}` is writeOnly and must not appear in a response"),
                            ));
                        }
                        self.check(property, value, direction, path, out, depth + 1);
                    }
                    None => match additional {
                        Some(Value::Bool(false)) => names_failed.push((
                            path.clone(),
                            format!(
                                "property `{name}` is not allowed (additionalProperties: false)"
                            ),
                        )),
                        Some(extra @ Value::Object(_)) => {
                            self.check(extra, value, direction, path, out, depth + 1);
                        }
                        _ => {}
                    },
                }
                path.truncate(len);
            }
        }
        if let (Value::Array(items), Some(item_schema)) = (instance, schema.get("items")) {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                let _ = write!(path, "/{i}");
                self.check(item_schema, item, direction, path, out, depth + 1);
                path.truncate(len);
                if out.len() >= MAX_VIOLATIONS {
                    break;
                }
            }
        }
        for message in failed {
            out.push(Violation {
                instance_path: path.clone(),
                message,
            });
        }
        for (p, message) in names_failed {
            out.push(Violation {
                instance_path: p,
                message,
            });
        }

        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for part in all {
                self.check(part, instance, direction, path, out, depth + 1);
            }
        }
        let discriminated = self.discriminated(schema, instance, direction, path, out, depth);
        if !discriminated {
            if let Some(any) = schema.get("anyOf").and_then(Value::as_array)
                && !any
                    .iter()
                    .any(|s| self.is_valid(s, instance, direction, depth + 1))
            {
                out.push(Violation {
                    instance_path: path.clone(),
                    message: format!("{} matches none of the anyOf schemas", describe(instance)),
                });
            }
            if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
                let matching = one
                    .iter()
                    .filter(|s| self.is_valid(s, instance, direction, depth + 1))
                    .count();
                if matching != 1 {
                    out.push(Violation {
                        instance_path: path.clone(),
                        message: format!(
                            "{} matches {matching} of the oneOf schemas, not exactly one",
                            describe(instance)
                        ),
                    });
                }
            }
        }
        if let Some(not) = schema.get("not")
            && self.is_valid(not, instance, direction, depth + 1)
        {
            out.push(Violation {
                instance_path: path.clone(),
                message: format!("{} must not match the `not` schema", describe(instance)),
            });
        }
    }

    /// With a `discriminator`, the instance's discriminating property picks the
    /// one schema to check. Returns whether that applied.
    fn discriminated(
        &self,
        schema: &Map<String, Value>,
        instance: &Value,
        direction: Direction,
        path: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) -> bool {
        let Some(discriminator) = schema.get("discriminator").and_then(Value::as_object) else {
            return false;
        };
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
            return false;
        };
        let branches: Vec<&Value> = ["oneOf", "anyOf"]
            .iter()
            .filter_map(|k| schema.get(*k).and_then(Value::as_array))
            .flatten()
            .collect();
        if branches.is_empty() {
            return false;
        }
        let Some(tag) = instance.get(property) else {
            out.push(Violation {
                instance_path: path.clone(),
                message: format!("the discriminator property `{property}` is missing"),
            });
            return true;
        };
        let Some(tag) = tag.as_str() else {
            out.push(Violation {
                instance_path: pointer::push(path, property),
                message: format!("the discriminator property `{property}` must be a string"),
            });
            return true;
        };
        let mapped = discriminator
            .get("mapping")
            .and_then(|m| m.get(tag))
            .and_then(Value::as_str)
            .map(|target| {
                if target.starts_with('#') {
                    target.to_owned()
                } else {
                    format!("#/components/schemas/{target}")
                }
            })
            .unwrap_or_else(|| format!("#/components/schemas/{}", pointer::escape(tag)));
        let chosen = branches
            .iter()
            .find(|b| b.get("$ref").and_then(Value::as_str) == Some(mapped.as_str()));
        match chosen {
            Some(branch) => self.check(branch, instance, direction, path, out, depth + 1),
            None => out.push(Violation {
                instance_path: pointer::push(path, property),
                message: format!(
                    "discriminator value {tag:?} selects {mapped}, which is not one of the oneOf/anyOf schemas"
                ),
            }),
        }
        true
    }

    /// (readOnly, writeOnly) of a property schema, through `$ref`s.
    fn access_flags(&self, schema: &Value, depth: usize) -> (bool, bool) {
        let mut schema = schema;
        for _ in depth..MAX_DEPTH {
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| self.resolve(r))
            {
                Some(target) => schema = target,
                None => break,
            }
        }
        (
            schema.get("readOnly").and_then(Value::as_bool) == Some(true),
            schema.get("writeOnly").and_then(Value::as_bool) == Some(true),
        )
    }

    fn check_string(
        &self,
        schema: &Map<String, Value>,
        s: &str,
        path: &str,
        fail: &mut impl FnMut(&str, String),
    ) {
        let min = schema.get("minLength").and_then(Value::as_u64);
        let max = schema.get("maxLength").and_then(Value::as_u64);
        if min.is_some() || max.is_some() {
            let len = s.chars().count() as u64;
            if let Some(min) = min.filter(|m| len < *m) {
                fail(
                    path,
                    format!(
                        "{} is {len} characters, shorter than minLength {min}",
                        describe_str(s)
                    ),
                );
            }
            if let Some(max) = max.filter(|m| len > *m) {
                fail(
                    path,
                    format!(
                        "{} is {len} characters, longer than maxLength {max}",
                        describe_str(s)
                    ),
                );
            }
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            // An invalid pattern is reported by the schema rules, once.
            if let Some(regex) = self.regex(pattern)
                && regex.find(s).is_none()
            {
                fail(
                    path,
                    format!("{} does not match the pattern {pattern:?}", describe_str(s)),
                );
            }
        }
        if let Some(format) = schema.get("format").and_then(Value::as_str)
            && let Some(problem) = check_format(format, s)
        {
            fail(
                path,
                format!("{} is not a valid {format}: {problem}", describe_str(s)),
            );
        }
    }
}

fn check_number(
    schema: &Map<String, Value>,
    n: &serde_json::Number,
    path: &str,
    fail: &mut impl FnMut(&str, String),
) {
    let Some(x) = n.as_f64() else { return };
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        let exclusive = schema.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
        if x < min || (exclusive && x == min) {
            let word = if exclusive {
                "exclusive minimum"
            } else {
                "minimum"
            };
            fail(path, format!("{n} is below the {word} {min}"));
        }
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        let exclusive = schema.get("exclusiveMaximum").and_then(Value::as_bool) == Some(true);
        if x > max || (exclusive && x == max) {
            let word = if exclusive {
                "exclusive maximum"
            } else {
                "maximum"
            };
            fail(path, format!("{n} is above the {word} {max}"));
        }
    }
    if let Some(step) = schema.get("multipleOf").and_then(Value::as_f64)
        && step > 0.0
    {
        let q = x / step;
        if (q - q.round()).abs() > 1e-9 {
            fail(path, format!("{n} is not a multiple of {step}"));
        }
    }
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        let (lo, hi) = match format {
            "int32" => (f64::from(i32::MIN), f64::from(i32::MAX)),
            "int64" => (i64::MIN as f64, i64::MAX as f64),
            _ => return,
        };
        if x < lo || x > hi || x.fract() != 0.0 {
            fail(path, format!("{n} does not fit {format}"));
        }
    }
}

/// Checks the string formats whose meaning is unambiguous. Others pass.
fn check_format(format: &str, s: &str) -> Option<&'static str> {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let date = |t: &str| {
        let parts: Vec<&str> = t.split('-').collect();
        parts.len() == 3
            && parts[0].len() == 4
            && parts[1].len() == 2
            && parts[2].len() == 2
            && parts.iter().all(|p| digits(p))
            && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
            && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0))
    };
    match format {
        "date" => (!date(s)).then_some("expected yyyy-mm-dd"),
        "date-time" => {
            let ok = s.len() >= 20
                && s.is_char_boundary(10)
                && date(&s[..10])
                && matches!(s.as_bytes()[10], b'T' | b't')
                && valid_time(&s[11..]);
            (!ok).then_some("expected an RFC 3339 date-time such as 2020-07-07T01:17:05+08:00")
        }
        "uuid" => {
            let ok = s.len() == 36
                && s.char_indices().all(|(i, c)| match i {
                    8 | 13 | 18 | 23 => c == '-',
                    _ => c.is_ascii_hexdigit(),
                });
            (!ok).then_some("expected 8-4-4-4-12 hexadecimal digits")
        }
        "ipv4" => {
            (s.parse::<std::net::Ipv4Addr>().is_err()).then_some("expected a dotted IPv4 address")
        }
        "ipv6" => (s.parse::<std::net::Ipv6Addr>().is_err()).then_some("expected an IPv6 address"),
        "email" => {
            let ok = s
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty());
            (!ok).then_some("expected local@domain")
        }
        _ => None,
    }
}

/// `hh:mm:ss[.frac](Z|±hh:mm)`.
fn valid_time(t: &str) -> bool {
    let b = t.as_bytes();
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let num = |r: std::ops::Range<usize>, max: u32| {
        t.get(r)
            .filter(|x| x.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|x| x.parse::<u32>().ok())
            .is_some_and(|v| v <= max)
    };
    if !(num(0..2, 23) && num(3..5, 59) && num(6..8, 60)) {
        return false;
    }
    let mut rest = &t[8..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        "Z" | "z" => true,
        _ => {
            let r = rest.as_bytes();
            r.len() == 6
                && matches!(r[0], b'+' | b'-')
                && r[3] == b':'
                && rest[1..3].bytes().all(|c| c.is_ascii_digit())
                && rest[4..6].bytes().all(|c| c.is_ascii_digit())
        }
    }
}

fn matches_type(ty: &str, v: &Value) -> bool {
    match ty {
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => match v {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        // An unknown type name is a structural error reported elsewhere.
        _ => true,
    }
}

/// JSON equality where `1` and `1.0` are the same number.
pub fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// A short rendering of a value for messages.
pub fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => describe_str(s),
        Value::Array(a) => format!("an array of {} items", a.len()),
        Value::Object(o) => format!("an object with {} properties", o.len()),
        other => other.to_string(),
    }
}

fn describe_str(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() > MAX {
        let head: String = s.chars().take(MAX).collect();
        format!("{head:?}…")
    } else {
        format!("{s:?}")
    }
}

fn list(values: &[Value]) -> String {
    let shown: Vec<String> = values.iter().take(10).map(Value::to_string).collect();
    let more = if values.len() > 10 { ", …" } else { "" };
    format!("[{}{more}]", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(root: &Value, schema: &Value, value: &Value, d: Direction) -> Vec<String> {
        Validator::new(root)
            .validate(schema, value, d)
            .into_iter()
            .map(|v| format!("{}: {}", v.instance_path, v.message))
            .collect()
    }

    #[test]
    fn nullable_and_types() {
        let root = json!({});
        let s = json!({"type": "string"});
        assert_eq!(errors(&root, &s, &json!(null), Direction::Neither).len(), 1);
        let s = json!({"type": "string", "nullable": true});
        assert!(errors(&root, &s, &json!(null), Direction::Neither).is_empty());
        let s = json!({"type": "integer"});
        assert!(errors(&root, &s, &json!(2.0), Direction::Neither).is_empty());
        assert_eq!(errors(&root, &s, &json!(2.5), Direction::Neither).len(), 1);
    }

    #[test]
    fn read_only_and_write_only_follow_the_direction() {
        let root = json!({});
        let s = json!({
            "type": "object",
            "required": ["id", "secret"],
            "properties": {
                "id": {"type": "string", "readOnly": true},
                "secret": {"type": "string", "writeOnly": true}
            }
        });
        let req = errors(
            &root,
            &s,
            &json!({"id": "x", "secret": "y"}),
            Direction::Request,
        );
        assert_eq!(
            req,
            ["/id: `id` is readOnly and must not be sent in a request"]
        );
        // readOnly and required: not required in a request.
        assert!(errors(&root, &s, &json!({"secret": "y"}), Direction::Request).is_empty());
        let resp = errors(&root, &s, &json!({"id": "x"}), Direction::Response);
        assert!(resp.is_empty(), "{resp:?}");
        let resp = errors(
            &root,
            &s,
            &json!({"id": "x", "secret": "y"}),
            Direction::Response,
        );
        assert_eq!(resp.len(), 1);
    }

    #[test]
    fn discriminator_picks_the_branch() {
        let root = json!({"components": {"schemas": {
            "Cat": {"type": "object", "required": ["kind", "meow"], "properties": {"kind": {"type": "string"}, "meow": {"type": "boolean"}}},
            "Dog": {"type": "object", "required": ["kind", "bark"], "properties": {"kind": {"type": "string"}, "bark": {"type": "boolean"}}}
        }}});
        let s = json!({
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind", "mapping": {"dog": "Dog"}}
        });
        assert!(
            errors(
                &root,
                &s,
                &json!({"kind": "Cat", "meow": true}),
                Direction::Neither
            )
            .is_empty()
        );
        assert!(
            errors(
                &root,
                &s,
                &json!({"kind": "dog", "bark": true}),
                Direction::Neither
            )
            .is_empty()
        );
        let e = errors(
            &root,
            &s,
            &json!({"kind": "dog", "meow": true}),
            Direction::Neither,
        );
        assert_eq!(e, [": required property `bark` is missing"]);
        let e = errors(&root, &s, &json!({"kind": "cow"}), Direction::Neither);
        assert!(e[0].contains("not one of the oneOf/anyOf"), "{e:?}");
    }

    #[test]
    fn composition_keywords() {
        let root = json!({});
        let s = json!({"oneOf": [{"type": "integer"}, {"type": "number"}]});
        // 3 is both an integer and a number: oneOf fails.
        assert_eq!(errors(&root, &s, &json!(3), Direction::Neither).len(), 1);
        assert!(errors(&root, &s, &json!(3.5), Direction::Neither).is_empty());
        let s = json!({"allOf": [{"minLength": 2}, {"maxLength": 3}]});
        assert_eq!(
            errors(&root, &s, &json!("abcd"), Direction::Neither).len(),
            1
        );
        let s = json!({"not": {"type": "string"}});
        assert_eq!(errors(&root, &s, &json!("x"), Direction::Neither).len(), 1);
    }

    #[test]
    fn strings_numbers_arrays() {
        let root = json!({});
        let s = json!({"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_-]*$", "minLength": 4, "maxLength": 64});
        assert!(errors(&root, &s, &json!("backup-1"), Direction::Neither).is_empty());
        assert_eq!(
            errors(&root, &s, &json!("1bc"), Direction::Neither).len(),
            2
        );
        let s = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "multipleOf": 0.5});
        assert_eq!(errors(&root, &s, &json!(0), Direction::Neither).len(), 1);
        assert_eq!(
            errors(&root, &s, &json!(10.25), Direction::Neither).len(),
            2
        );
        let s = json!({"type": "array", "items": {"type": "integer"}, "uniqueItems": true, "maxItems": 2});
        let e = errors(&root, &s, &json!([1, "x", 1]), Direction::Neither);
        assert_eq!(e.len(), 3, "{e:?}");
        let s = json!({"type": "string", "format": "date-time"});
        assert!(
            errors(
                &root,
                &s,
                &json!("2020-07-07T01:17:05+08:00"),
                Direction::Neither
            )
            .is_empty()
        );
        assert_eq!(
            errors(
                &root,
                &s,
                &json!("2020-07-07T01:17:05+0800"),
                Direction::Neither
            )
            .len(),
            1
        );
    }

    #[test]
    fn reference_cycles_terminate() {
        let root = json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/A"}}}});
        let s = json!({"$ref": "#/components/schemas/A"});
        assert!(errors(&root, &s, &json!(1), Direction::Neither).is_empty());
    }
}
