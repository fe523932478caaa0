//! Validating a value (an example, a default, an enum entry) against an
//! OpenAPI 3.0 Schema Object, with OpenAPI's own semantics rather than plain
//! JSON Schema's: `nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum`,
//! `readOnly` properties refused in requests and `writeOnly` ones in
//! responses (and not required there), and `discriminator` choosing the
//! `oneOf`/`anyOf` branch. A JSON Schema library would need every schema
//! rewritten first, and would still get `discriminator` and the directions
//! wrong; this walks the document's schemas in place.
//!
//! # Bounded work
//! One value against one schema costs at most [`MAX_STEPS`] steps (a step is
//! a schema applied to a part of the value, or a pair of items compared for
//! `uniqueItems`). Whether a part of the value matches a `oneOf`/`anyOf`/`not`
//! branch is computed once per (schema, part) and remembered, so nested and
//! recursive combinators cost the number of distinct pairs, not the number of
//! paths through them. Past the budget the check stops, and the
//! [`Outcome`] says it was not complete instead of guessing.
//!
//! # Patterns
//! `regress` (the ECMA-262 engine of the generated client) decides whether a
//! pattern is valid. Values are matched with `fancy-regex` on the pattern
//! translated by `jsonschema-regex` (the translation the `jsonschema` crate
//! uses): the parts without look-around or back-references run on the
//! linear-time `regex` engine, the rest under a backtracking limit. A
//! catastrophic pattern such as `^([a-z.-]*)*$` then costs linear time, where
//! a backtracking engine needs exponential time on a long enough value.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::field::field;
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

/// The result of checking one value: what is wrong, and whether the check
/// ran to the end.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Violations found (each one real, even when the check stopped early).
    pub violations: Vec<Violation>,
    /// `false` when the work budget ran out or a pattern could not be run:
    /// the value may have more violations than those listed.
    pub complete: bool,
    /// Why the check is not complete, in words.
    pub incomplete_because: Option<String>,
}

/// Limits that keep hostile schemas cheap: `$ref` chains and nesting.
const MAX_DEPTH: usize = 128;
/// A value stops being checked after this many violations.
const MAX_VIOLATIONS: usize = 20;
/// The work budget for one value against one schema, in steps (a schema
/// applied to a part of the value, or two array items compared).
pub const MAX_STEPS: u64 = 200_000;
/// Backtracking steps allowed to one pattern match (fancy-regex's unit).
const MAX_BACKTRACKS: usize = 100_000;

/// Validates values against schemas found in `root`.
pub struct Validator<'a> {
    root: &'a Value,
    /// Compiled patterns.
    regexes: RefCell<HashMap<String, Compiled>>,
    max_steps: u64,
}

/// A pattern ready to match, or why not.
enum Compiled {
    Ready(fancy_regex::Regex),
    /// Not ECMA-262 (reported once by the schema rules).
    Invalid,
    /// Valid, but not translatable or too large for the bounded engines.
    Unrunnable,
}

/// Where the violations of one walk go, and how many are wanted.
struct Sink {
    list: Vec<Violation>,
    limit: usize,
}

impl Sink {
    fn new(limit: usize) -> Self {
        Sink {
            list: Vec::new(),
            limit,
        }
    }

    fn full(&self) -> bool {
        self.list.len() >= self.limit
    }

    fn push(&mut self, path: &str, message: String) {
        self.list.push(Violation {
            instance_path: path.to_owned(),
            message,
        });
    }
}

/// The state of one value's check: direction, budget, and the remembered
/// results of combinator branches.
struct Walk<'v, 'a> {
    validator: &'v Validator<'a>,
    direction: Direction,
    steps: u64,
    /// The budget ran out or a pattern could not be run: why.
    incomplete: Option<String>,
    exhausted: bool,
    /// (schema, instance) addresses → whether the instance is valid.
    memo: HashMap<(usize, usize), bool>,
}

impl<'a> Validator<'a> {
    /// A validator resolving local `$ref`s against `root`.
    pub fn new(root: &'a Value) -> Self {
        Validator {
            root,
            regexes: RefCell::new(HashMap::new()),
            max_steps: MAX_STEPS,
        }
    }

    /// The same validator with another work budget per value (for tests and
    /// for callers that want a smaller bound).
    #[must_use]
    pub fn with_max_steps(mut self, max_steps: u64) -> Self {
        self.max_steps = max_steps;
        self
    }

    /// All violations of `instance` against `schema` (at most a few dozen).
    pub fn validate(
        &self,
        schema: &Value,
        instance: &Value,
        direction: Direction,
    ) -> Vec<Violation> {
        self.check_value(schema, instance, direction).violations
    }

    /// Violations of `instance` against `schema`, and whether the check was
    /// complete (see [`MAX_STEPS`]).
    pub fn check_value(&self, schema: &Value, instance: &Value, direction: Direction) -> Outcome {
        match schema.as_object() {
            Some(object) => self.check_object_value(object, instance, direction, false),
            None => Outcome {
                violations: Vec::new(),
                complete: true,
                incomplete_because: None,
            },
        }
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
        self.check_object_value(schema, instance, direction, ignore_enum)
            .violations
    }

    /// [`Validator::validate_object`] with the [`Outcome`]'s completeness.
    pub fn check_object_value(
        &self,
        schema: &Map<String, Value>,
        instance: &Value,
        direction: Direction,
        ignore_enum: bool,
    ) -> Outcome {
        let mut walk = Walk {
            validator: self,
            direction,
            steps: 0,
            incomplete: None,
            exhausted: false,
            memo: HashMap::new(),
        };
        let mut sink = Sink::new(MAX_VIOLATIONS);
        let mut path = String::new();
        walk.object(schema, instance, &mut path, &mut sink, 0, ignore_enum);
        Outcome {
            violations: sink.list,
            complete: walk.incomplete.is_none(),
            incomplete_because: walk.incomplete,
        }
    }

    /// Whether `s` matches `pattern`: `Err(true)` when the pattern is valid
    /// but cannot be run here (untranslatable, too large for the linear
    /// engine, or past the backtracking limit), `Err(false)` when it is not
    /// ECMA-262 at all.
    fn matches(&self, pattern: &str, s: &str) -> Result<bool, bool> {
        let mut cache = self.regexes.borrow_mut();
        let compiled = cache.entry(pattern.to_owned()).or_insert_with(|| {
            if regress::Regex::new(pattern).is_err() {
                return Compiled::Invalid;
            }
            jsonschema_regex::to_rust_regex(pattern)
                .ok()
                .and_then(|translated| {
                    fancy_regex::RegexBuilder::new(&translated)
                        .backtrack_limit(MAX_BACKTRACKS)
                        .build()
                        .ok()
                })
                .map_or(Compiled::Unrunnable, Compiled::Ready)
        });
        match compiled {
            Compiled::Ready(regex) => regex.is_match(s).map_err(|_| true),
            Compiled::Invalid => Err(false),
            Compiled::Unrunnable => Err(true),
        }
    }

    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        reference
            .strip_prefix('#')
            .and_then(|p| pointer::resolve(self.root, p))
    }

    /// (readOnly, writeOnly) of a property schema, through `$ref`s.
    fn access_flags(&self, schema: &Value, depth: usize) -> (bool, bool) {
        let mut schema = schema;
        for _ in depth..MAX_DEPTH {
            match schema
                .as_object()
                .and_then(|o| field(o, "$ref"))
                .and_then(Value::as_str)
                .and_then(|r| self.resolve(r))
            {
                Some(target) => schema = target,
                None => break,
            }
        }
        let flag = |name| {
            schema
                .as_object()
                .and_then(|o| field(o, name))
                .and_then(Value::as_bool)
                == Some(true)
        };
        (flag("readOnly"), flag("writeOnly"))
    }
}

impl Walk<'_, '_> {
    /// Counts `n` steps; `false` once the budget is spent.
    fn spend(&mut self, n: u64) -> bool {
        self.steps = self.steps.saturating_add(n);
        if self.steps > self.validator.max_steps && !self.exhausted {
            self.exhausted = true;
            self.incomplete = Some(format!(
                "schema too complex (more than {} validation steps)",
                self.validator.max_steps
            ));
        }
        !self.exhausted
    }

    fn any(
        &mut self,
        schema: &Value,
        instance: &Value,
        path: &mut String,
        out: &mut Sink,
        depth: usize,
    ) {
        if let Some(schema) = schema.as_object() {
            self.object(schema, instance, path, out, depth, false);
        }
    }

    /// Whether `instance` is valid against `schema`, remembered per pair.
    /// Past the budget the answer is "valid", so that no violation is
    /// invented from a check that did not finish.
    fn is_valid(&mut self, schema: &Value, instance: &Value, depth: usize) -> bool {
        let key = (
            std::ptr::from_ref(schema) as usize,
            std::ptr::from_ref(instance) as usize,
        );
        if let Some(&known) = self.memo.get(&key) {
            return known;
        }
        let mut sink = Sink::new(1);
        let mut path = String::new();
        self.any(schema, instance, &mut path, &mut sink, depth);
        if self.exhausted {
            return true;
        }
        let valid = sink.list.is_empty();
        self.memo.insert(key, valid);
        valid
    }

    /// One Schema Object applied to one value, step by step.
    fn object(
        &mut self,
        schema: &Map<String, Value>,
        instance: &Value,
        path: &mut String,
        out: &mut Sink,
        depth: usize,
        ignore_enum: bool,
    ) {
        if depth > MAX_DEPTH || out.full() || !self.spend(1) {
            return;
        }
        if let Some(reference) = field(schema, "$ref").and_then(Value::as_str) {
            // Siblings of $ref are ignored in OpenAPI 3.0. Unresolvable and
            // remote references are reported by the reference rules.
            if let Some(target) = self.validator.resolve(reference) {
                self.any(target, instance, path, out, depth + 1);
            }
            return;
        }
        if !self.null_and_type(schema, instance, path, out) {
            return;
        }
        if !ignore_enum {
            enum_member(schema, instance, path, out);
        }
        match instance {
            Value::String(s) => self.string(schema, s, path, out),
            Value::Number(n) => number(schema, n, path, out),
            Value::Array(items) => self.array(schema, items, path, out, depth),
            Value::Object(members) => self.members(schema, members, path, out, depth),
            Value::Bool(_) | Value::Null => {}
        }
        self.combinators(schema, instance, path, out, depth);
    }

    /// `nullable` and `type`; `false` when nothing more is worth checking.
    fn null_and_type(
        &self,
        schema: &Map<String, Value>,
        instance: &Value,
        path: &str,
        out: &mut Sink,
    ) -> bool {
        if instance.is_null() {
            if field(schema, "nullable").and_then(Value::as_bool) == Some(true) {
                return false;
            }
            if field(schema, "type").is_some() {
                out.push(
                    path,
                    "null is not allowed here (the schema has no `nullable: true`)".into(),
                );
                return false;
            }
        }
        if let Some(ty) = field(schema, "type").and_then(Value::as_str)
            && !matches_type(ty, instance)
        {
            out.push(path, format!("{} is not of type {ty}", describe(instance)));
            return false;
        }
        true
    }

    /// `minItems`, `maxItems`, `uniqueItems` and `items`.
    fn array(
        &mut self,
        schema: &Map<String, Value>,
        items: &[Value],
        path: &mut String,
        out: &mut Sink,
        depth: usize,
    ) {
        let mut failed = Vec::new();
        if let Some(min) = field(schema, "minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            failed.push(format!(
                "the array has {} items, fewer than minItems {min}",
                items.len()
            ));
        }
        if let Some(max) = field(schema, "maxItems").and_then(Value::as_u64)
            && items.len() as u64 > max
        {
            failed.push(format!(
                "the array has {} items, more than maxItems {max}",
                items.len()
            ));
        }
        if field(schema, "uniqueItems").and_then(Value::as_bool) == Some(true) {
            'outer: for (i, a) in items.iter().enumerate() {
                if !self.spend((items.len() - i) as u64) {
                    break;
                }
                for b in &items[i + 1..] {
                    if json_equal(a, b) {
                        failed.push(format!("items must be unique, {} repeats", describe(a)));
                        break 'outer;
                    }
                }
            }
        }
        if let Some(item_schema) = field(schema, "items") {
            for (i, item) in items.iter().enumerate() {
                if out.full() || self.exhausted {
                    break;
                }
                let len = path.len();
                let _ = write!(path, "/{i}");
                self.any(item_schema, item, path, out, depth + 1);
                path.truncate(len);
            }
        }
        for message in failed {
            out.push(path, message);
        }
    }

    /// `required`, `minProperties`, `maxProperties`, `properties`,
    /// `additionalProperties`, and the direction's `readOnly`/`writeOnly`.
    fn members(
        &mut self,
        schema: &Map<String, Value>,
        members: &Map<String, Value>,
        path: &mut String,
        out: &mut Sink,
        depth: usize,
    ) {
        let failed = self.object_counts(schema, members, depth);
        let names_failed = self.each_member(schema, members, path, out, depth);
        for message in failed {
            out.push(path, message);
        }
        for (p, message) in names_failed {
            out.push(&p, message);
        }
    }

    /// `required` (a property hidden in this direction may be absent),
    /// `minProperties` and `maxProperties`: what is wrong with the object.
    fn object_counts(
        &self,
        schema: &Map<String, Value>,
        members: &Map<String, Value>,
        depth: usize,
    ) -> Vec<String> {
        let mut failed = Vec::new();
        let properties = field(schema, "properties").and_then(Value::as_object);
        if let Some(required) = field(schema, "required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if members.contains_key(name) {
                    continue;
                }
                let skip = properties
                    .and_then(|p| p.get(name))
                    .map(|p| self.validator.access_flags(p, depth))
                    .is_some_and(|(read_only, write_only)| self.hidden(read_only, write_only));
                if !skip {
                    failed.push(format!("required property `{name}` is missing"));
                }
            }
        }
        if let Some(min) = field(schema, "minProperties").and_then(Value::as_u64)
            && (members.len() as u64) < min
        {
            failed.push(format!(
                "the object has {} properties, fewer than minProperties {min}",
                members.len()
            ));
        }
        if let Some(max) = field(schema, "maxProperties").and_then(Value::as_u64)
            && members.len() as u64 > max
        {
            failed.push(format!(
                "the object has {} properties, more than maxProperties {max}",
                members.len()
            ));
        }
        failed
    }

    /// Each member against its property's schema or `additionalProperties`
    /// (descending into it); what is wrong with a member's name, at its
    /// pointer: not allowed, or hidden in this direction.
    fn each_member(
        &mut self,
        schema: &Map<String, Value>,
        members: &Map<String, Value>,
        path: &mut String,
        out: &mut Sink,
        depth: usize,
    ) -> Vec<(String, String)> {
        let properties = field(schema, "properties").and_then(Value::as_object);
        let additional = field(schema, "additionalProperties");
        let mut names_failed = Vec::new();
        for (name, value) in members {
            if self.exhausted {
                break;
            }
            let len = path.len();
            path.push('/');
            path.push_str(&pointer::escape(name));
            match properties.and_then(|p| p.get(name)) {
                Some(property) => {
                    if let Some(message) = self.wrong_direction(name, property, depth) {
                        names_failed.push((path.clone(), message));
                    }
                    self.any(property, value, path, out, depth + 1);
                }
                None => match additional {
                    Some(Value::Bool(false)) => names_failed.push((
                        path.clone(),
                        format!("property `{name}` is not allowed (additionalProperties: false)"),
                    )),
                    Some(extra @ Value::Object(_)) => {
                        self.any(extra, value, path, out, depth + 1);
                    }
                    _ => {}
                },
            }
            path.truncate(len);
        }
        names_failed
    }

    /// A `readOnly` property sent in a request, or a `writeOnly` one in a
    /// response.
    fn wrong_direction(&self, name: &str, property: &Value, depth: usize) -> Option<String> {
        let (read_only, write_only) = self.validator.access_flags(property, depth);
        if self.direction == Direction::Request && read_only {
            Some(format!(
                "`{name}` is readOnly and must not be sent in a request"
            ))
        } else if self.direction == Direction::Response && write_only {
            Some(format!(
                "`{name}` is writeOnly and must not appear in a response"
            ))
        } else {
            None
        }
    }

    /// Whether a property with these flags is absent by design in this
    /// direction.
    fn hidden(&self, read_only: bool, write_only: bool) -> bool {
        (self.direction == Direction::Request && read_only)
            || (self.direction == Direction::Response && write_only)
    }

    /// `allOf`, the `discriminator` or `anyOf`/`oneOf`, and `not`.
    fn combinators(
        &mut self,
        schema: &Map<String, Value>,
        instance: &Value,
        path: &mut String,
        out: &mut Sink,
        depth: usize,
    ) {
        if let Some(all) = field(schema, "allOf").and_then(Value::as_array) {
            for part in all {
                self.any(part, instance, path, out, depth + 1);
            }
        }
        if !self.discriminated(schema, instance, path, out, depth) {
            if let Some(any) = field(schema, "anyOf").and_then(Value::as_array) {
                let matched = any.iter().any(|s| self.is_valid(s, instance, depth + 1));
                if !matched && !self.exhausted {
                    out.push(
                        path,
                        format!("{} matches none of the anyOf schemas", describe(instance)),
                    );
                }
            }
            if let Some(one) = field(schema, "oneOf").and_then(Value::as_array) {
                let mut matching = 0;
                for s in one {
                    if self.is_valid(s, instance, depth + 1) {
                        matching += 1;
                    }
                }
                if matching != 1 && !self.exhausted {
                    out.push(
                        path,
                        format!(
                            "{} matches {matching} of the oneOf schemas, not exactly one",
                            describe(instance)
                        ),
                    );
                }
            }
        }
        if let Some(not) = field(schema, "not")
            && self.is_valid(not, instance, depth + 1)
            && !self.exhausted
        {
            out.push(
                path,
                format!("{} must not match the `not` schema", describe(instance)),
            );
        }
    }

    /// With a `discriminator`, the instance's discriminating property picks the
    /// one schema to check. Returns whether that applied.
    fn discriminated(
        &mut self,
        schema: &Map<String, Value>,
        instance: &Value,
        path: &mut String,
        out: &mut Sink,
        depth: usize,
    ) -> bool {
        let Some(discriminator) = field(schema, "discriminator").and_then(Value::as_object) else {
            return false;
        };
        let Some(property) = field(discriminator, "propertyName").and_then(Value::as_str) else {
            return false;
        };
        let branches: Vec<&Value> = ["oneOf", "anyOf"]
            .iter()
            .filter_map(|k| field(schema, k).and_then(Value::as_array))
            .flatten()
            .collect();
        if branches.is_empty() {
            return false;
        }
        let Some(tag) = instance.get(property) else {
            out.push(
                path,
                format!("the discriminator property `{property}` is missing"),
            );
            return true;
        };
        let Some(tag) = tag.as_str() else {
            out.push(
                &pointer::push(path, property),
                format!("the discriminator property `{property}` must be a string"),
            );
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
            Some(branch) => self.any(branch, instance, path, out, depth + 1),
            None => out.push(
                &pointer::push(path, property),
                format!(
                    "discriminator value {tag:?} selects {mapped}, which is not one of the oneOf/anyOf schemas"
                ),
            ),
        }
        true
    }

    /// `minLength`, `maxLength`, `pattern` and `format` of a string.
    fn string(&mut self, schema: &Map<String, Value>, s: &str, path: &str, out: &mut Sink) {
        let min = field(schema, "minLength").and_then(Value::as_u64);
        let max = field(schema, "maxLength").and_then(Value::as_u64);
        if min.is_some() || max.is_some() {
            let len = s.chars().count() as u64;
            if let Some(min) = min.filter(|m| len < *m) {
                out.push(
                    path,
                    format!(
                        "{} is {len} characters, shorter than minLength {min}",
                        describe_str(s)
                    ),
                );
            }
            if let Some(max) = max.filter(|m| len > *m) {
                out.push(
                    path,
                    format!(
                        "{} is {len} characters, longer than maxLength {max}",
                        describe_str(s)
                    ),
                );
            }
        }
        if let Some(pattern) = field(schema, "pattern").and_then(Value::as_str) {
            // An invalid pattern is reported by the schema rules, once.
            match self.validator.matches(pattern, s) {
                Ok(true) | Err(false) => {}
                Ok(false) => out.push(
                    path,
                    format!("{} does not match the pattern {pattern:?}", describe_str(s)),
                ),
                Err(true) => {
                    self.incomplete.get_or_insert_with(|| {
                        format!(
                            "the pattern {pattern:?} cannot be run in bounded time here \
                             (untranslatable, too large for the linear-time engine, or past \
                             the backtracking limit)"
                        )
                    });
                }
            }
        }
        if let Some(format) = field(schema, "format").and_then(Value::as_str)
            && let Some(problem) = check_format(format, s)
        {
            out.push(
                path,
                format!("{} is not a valid {format}: {problem}", describe_str(s)),
            );
        }
    }
}

/// `enum`: the value is one of the listed ones.
fn enum_member(schema: &Map<String, Value>, instance: &Value, path: &str, out: &mut Sink) {
    if let Some(options) = field(schema, "enum").and_then(Value::as_array)
        && !options.iter().any(|o| json_equal(o, instance))
    {
        out.push(
            path,
            format!(
                "{} is not one of the enum values {}",
                describe(instance),
                list(options)
            ),
        );
    }
}

/// `minimum`, `maximum` (with the boolean exclusive forms), `multipleOf`,
/// and the `int32`/`int64` formats.
fn number(schema: &Map<String, Value>, n: &serde_json::Number, path: &str, out: &mut Sink) {
    let Some(x) = n.as_f64() else { return };
    if let Some(min) = field(schema, "minimum").and_then(Value::as_f64) {
        let exclusive = field(schema, "exclusiveMinimum").and_then(Value::as_bool) == Some(true);
        if x < min || (exclusive && x == min) {
            let word = if exclusive {
                "exclusive minimum"
            } else {
                "minimum"
            };
            out.push(path, format!("{n} is below the {word} {min}"));
        }
    }
    if let Some(max) = field(schema, "maximum").and_then(Value::as_f64) {
        let exclusive = field(schema, "exclusiveMaximum").and_then(Value::as_bool) == Some(true);
        if x > max || (exclusive && x == max) {
            let word = if exclusive {
                "exclusive maximum"
            } else {
                "maximum"
            };
            out.push(path, format!("{n} is above the {word} {max}"));
        }
    }
    if let Some(step) = field(schema, "multipleOf").and_then(Value::as_f64)
        && step > 0.0
    {
        let q = x / step;
        if (q - q.round()).abs() > 1e-9 {
            out.push(path, format!("{n} is not a multiple of {step}"));
        }
    }
    if let Some(format) = field(schema, "format").and_then(Value::as_str)
        && let Some(problem) = check_number_format(format, n)
    {
        out.push(path, format!("{n} does not fit {format}: {problem}"));
    }
}

/// `int32` and `int64`: an integer within the signed range, compared exactly
/// (2^63 as a float rounds to `i64::MAX as f64`, so floats are compared
/// against the power of two).
fn check_number_format(format: &str, n: &serde_json::Number) -> Option<&'static str> {
    let (lo, hi): (i64, i64) = match format {
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" => (i64::MIN, i64::MAX),
        _ => return None,
    };
    let range = if format == "int32" {
        "outside -2^31 .. 2^31-1"
    } else {
        "outside -2^63 .. 2^63-1"
    };
    if let Some(i) = n.as_i64() {
        return (i < lo || i > hi).then_some(range);
    }
    if n.as_u64().is_some() {
        return Some(range);
    }
    let x = n.as_f64()?;
    if x.fract() != 0.0 {
        return Some("not an integer");
    }
    // Exactly representable bounds: -2^31, 2^31, -2^63, 2^63.
    let (flo, fhi) = if format == "int32" {
        (-2f64.powi(31), 2f64.powi(31))
    } else {
        (-2f64.powi(63), 2f64.powi(63))
    };
    (x < flo || x >= fhi).then_some(range)
}

/// Checks the string formats whose meaning is unambiguous. Others pass.
fn check_format(format: &str, s: &str) -> Option<&'static str> {
    match format {
        "date" => (!valid_date(s)).then_some("expected an existing date as yyyy-mm-dd"),
        "date-time" => (!valid_date_time(s))
            .then_some("expected an RFC 3339 date-time such as 2020-07-07T01:17:05+08:00"),
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
        "email" => (!email_address::EmailAddress::is_valid(s))
            .then_some("expected an RFC 5321 address such as name@example.com"),
        "byte" => {
            use base64::Engine as _;
            let ok = base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .is_ok();
            (!ok).then_some("expected base64 (RFC 4648 alphabet, with padding)")
        }
        _ => None,
    }
}

/// RFC 3339 `full-date`: exactly `yyyy-mm-dd`, a day that exists.
fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    shape && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// RFC 3339 `date-time` (chrono's parser, which checks the day of the month,
/// leap years, and offsets up to ±23:59) with what chrono allows beyond it
/// refused: a space for `T`, and a leap second anywhere but 23:59:60 UTC.
fn valid_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't') || !valid_date(&s[..10]) {
        return false;
    }
    let Ok(parsed) = chrono::DateTime::parse_from_rfc3339(s) else {
        return false;
    };
    // Offset minutes above 59 are refused by chrono; its range is ±23:59:59
    // and RFC 3339 offsets have no seconds, so ±23:59 is the bound.
    use chrono::Timelike as _;
    if parsed.nanosecond() >= 1_000_000_000 {
        let utc = parsed.naive_utc();
        return utc.hour() == 23 && utc.minute() == 59;
    }
    true
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
        assert_eq!(
            errors(&root, &s, &json!(null), Direction::Neither),
            [": null is not allowed here (the schema has no `nullable: true`)"]
        );
        let s = json!({"type": "string", "nullable": true});
        assert!(errors(&root, &s, &json!(null), Direction::Neither).is_empty());
        let s = json!({"type": "integer"});
        assert!(errors(&root, &s, &json!(2.0), Direction::Neither).is_empty());
        assert_eq!(
            errors(&root, &s, &json!(2.5), Direction::Neither),
            [": 2.5 is not of type integer"]
        );
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
        assert_eq!(
            resp,
            ["/secret: `secret` is writeOnly and must not appear in a response"]
        );
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
        assert_eq!(
            errors(&root, &s, &json!(3), Direction::Neither),
            [": 3 matches 2 of the oneOf schemas, not exactly one"]
        );
        assert!(errors(&root, &s, &json!(3.5), Direction::Neither).is_empty());
        let s = json!({"allOf": [{"minLength": 2}, {"maxLength": 3}]});
        assert_eq!(
            errors(&root, &s, &json!("abcd"), Direction::Neither),
            [": \"abcd\" is 4 characters, longer than maxLength 3"]
        );
        let s = json!({"not": {"type": "string"}});
        assert_eq!(
            errors(&root, &s, &json!("x"), Direction::Neither),
            [": \"x\" must not match the `not` schema"]
        );
    }

    #[test]
    fn strings_numbers_arrays() {
        let root = json!({});
        let s = json!({"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_-]*$", "minLength": 4, "maxLength": 64});
        assert!(errors(&root, &s, &json!("backup-1"), Direction::Neither).is_empty());
        assert_eq!(
            errors(&root, &s, &json!("1bc"), Direction::Neither),
            [
                ": \"1bc\" is 3 characters, shorter than minLength 4",
                ": \"1bc\" does not match the pattern \"^[A-Za-z][A-Za-z0-9_-]*$\""
            ]
        );
        let s = json!({"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "multipleOf": 0.5});
        assert_eq!(
            errors(&root, &s, &json!(0), Direction::Neither),
            [": 0 is below the exclusive minimum 0"]
        );
        assert_eq!(
            errors(&root, &s, &json!(10.25), Direction::Neither),
            [
                ": 10.25 is above the maximum 10",
                ": 10.25 is not a multiple of 0.5"
            ]
        );
        let s = json!({"type": "array", "items": {"type": "integer"}, "uniqueItems": true, "maxItems": 2});
        let e = errors(&root, &s, &json!([1, "x", 1]), Direction::Neither);
        assert_eq!(
            e,
            [
                "/1: \"x\" is not of type integer",
                ": the array has 3 items, more than maxItems 2",
                ": items must be unique, 1 repeats"
            ]
        );
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
        let e = errors(
            &root,
            &s,
            &json!("2020-07-07T01:17:05+0800"),
            Direction::Neither,
        );
        assert!(
            e.len() == 1 && e[0].contains("is not a valid date-time"),
            "{e:?}"
        );
    }

    /// Every format, valid and invalid values: (format, value, valid?).
    #[test]
    fn formats_are_strict() {
        let table: &[(&str, Value, bool)] = &[
            ("date", json!("2024-02-29"), true),
            ("date", json!("2023-12-31"), true),
            ("date", json!("2024-02-30"), false),
            ("date", json!("2023-02-29"), false),
            ("date", json!("2024-02-31"), false),
            ("date", json!("2024-04-31"), false),
            ("date", json!("2024-13-01"), false),
            ("date", json!("2024-1-01"), false),
            ("date", json!("+2024-01-01"), false),
            ("date", json!("2024-01-01T00:00:00Z"), false),
            ("date-time", json!("2020-07-07T01:17:05+08:00"), true),
            ("date-time", json!("2020-07-07t01:17:05.123456z"), true),
            ("date-time", json!("2024-02-29T00:00:00Z"), true),
            ("date-time", json!("2020-07-07T01:17:05+23:59"), true),
            ("date-time", json!("2016-12-31T23:59:60Z"), true),
            ("date-time", json!("2016-12-31T15:59:60-08:00"), true),
            ("date-time", json!("2020-07-07T12:30:60Z"), false),
            ("date-time", json!("2023-02-29T00:00:00Z"), false),
            ("date-time", json!("2020-04-31T00:00:00Z"), false),
            ("date-time", json!("2020-07-07T01:17:05+08:60"), false),
            ("date-time", json!("2020-07-07T01:17:05+24:00"), false),
            ("date-time", json!("2020-07-07T01:17:05+0800"), false),
            ("date-time", json!("2020-07-07T24:00:00Z"), false),
            ("date-time", json!("2020-07-07 01:17:05Z"), false),
            ("date-time", json!("2020-07-07T01:17:05"), false),
            ("date-time", json!("2020-07-07T01:17:05.Z"), false),
            ("email", json!("user@example.com"), true),
            ("email", json!("first.last+tag@sub.example.org"), true),
            ("email", json!("user"), false),
            ("email", json!("@example.com"), false),
            ("email", json!("user@"), false),
            ("email", json!("a@b@example.com"), false),
            ("email", json!("user.@example.com"), false),
            ("email", json!("us..er@example.com"), false),
            ("email", json!("user@exa mple.com"), false),
            ("email", json!("user@-example.com"), false),
            ("ipv4", json!("192.168.0.1"), true),
            ("ipv4", json!("256.1.1.1"), false),
            ("ipv4", json!("1.2.3"), false),
            ("ipv4", json!("01.2.3.4"), false),
            ("ipv6", json!("::1"), true),
            ("ipv6", json!("2001:db8::8a2e:370:7334"), true),
            ("ipv6", json!("::ffff:192.0.2.1"), true),
            ("ipv6", json!("2001:db8::g"), false),
            ("ipv6", json!("1:2:3:4:5:6:7:8:9"), false),
            ("ipv6", json!("fe80::1%eth0"), false),
            ("uuid", json!("123e4567-e89b-12d3-a456-426614174000"), true),
            ("uuid", json!("123e4567e89b12d3a456426614174000"), false),
            ("uuid", json!("123e4567-e89b-12d3-a456-42661417400g"), false),
            ("byte", json!("aGVsbG8="), true),
            ("byte", json!(""), true),
            ("byte", json!("aGVsbG8"), false),
            ("byte", json!("aGVs bG8="), false),
            ("byte", json!("a-_b"), false),
            ("int32", json!(2_147_483_647), true),
            ("int32", json!(-2_147_483_648), true),
            ("int32", json!(2_147_483_648_i64), false),
            ("int32", json!(-2_147_483_649_i64), false),
            ("int32", json!(1.5), false),
            ("int64", json!(i64::MAX), true),
            ("int64", json!(i64::MIN), true),
            ("int64", json!(9_223_372_036_854_775_808_u64), false),
            ("int64", json!(1e19), false),
            ("int64", json!(-9.3e18), false),
            ("int64", json!(3.0), true),
        ];
        let root = json!({});
        for (format, value, valid) in table {
            let schema = json!({ "format": format });
            let e = errors(&root, &schema, value, Direction::Neither);
            assert_eq!(e.is_empty(), *valid, "{format} {value}: {e:?}");
            if !valid {
                assert!(e[0].contains(format), "{e:?}");
            }
        }
    }

    /// `^(...[a-z.-]*)*$` on a long value that fails at its end: a
    /// backtracking engine tries 2^n splits (beezup.com's URL patterns). The
    /// translated pattern runs on a linear engine and the violation is found.
    #[test]
    fn catastrophic_patterns_run_in_linear_time() {
        let root = json!({});
        let schema = json!({"type": "string", "pattern": "^(https?:\\/\\/)?([\\da-z\\.-]+)\\.([a-z\\.]{2,6})([\\/\\w \\.-]*)*\\/?$"});
        let value = json!(format!("http://www.example.com/{}!", "a".repeat(5000)));
        let outcome = Validator::new(&root).check_value(&schema, &value, Direction::Neither);
        assert!(outcome.complete);
        assert_eq!(outcome.violations.len(), 1, "{outcome:?}");
        assert!(
            outcome.violations[0]
                .message
                .contains("does not match the pattern")
        );
        let ok = json!("http://www.example.com/path/to/x");
        assert!(errors(&root, &schema, &ok, Direction::Neither).is_empty());
    }

    /// 40 levels of `oneOf` whose two branches both lead to the next level:
    /// 2^40 paths, 40 distinct (schema, value) pairs. With each pair's
    /// verdict remembered the check fits a budget of 1,000 steps.
    #[test]
    fn nested_combinators_cost_each_pair_once() {
        let mut schemas = serde_json::Map::new();
        for i in 0..40 {
            let next = json!({"$ref": format!("#/components/schemas/S{}", i + 1)});
            schemas.insert(
                format!("S{i}"),
                json!({"anyOf": [next.clone(), {"allOf": [next]}]}),
            );
        }
        schemas.insert("S40".into(), json!({"type": "integer"}));
        let root = json!({"components": {"schemas": schemas}});
        let schema = json!({"$ref": "#/components/schemas/S0"});
        let validator = Validator::new(&root).with_max_steps(1_000);
        let good = validator.check_value(&schema, &json!(1), Direction::Neither);
        assert!(good.complete && good.violations.is_empty(), "{good:?}");
        let bad = validator.check_value(&schema, &json!("x"), Direction::Neither);
        assert!(bad.complete, "{bad:?}");
        assert_eq!(bad.violations.len(), 1, "{bad:?}");
    }

    /// A value bigger than the budget: the check stops, says so, and
    /// reports only violations it really found.
    #[test]
    fn the_budget_bounds_the_work_and_is_reported() {
        let root = json!({"components": {"schemas": {
            "Tree": {"type": "array", "items": {"oneOf": [
                {"$ref": "#/components/schemas/Tree"},
                {"type": "integer"}
            ]}}
        }}});
        let schema = json!({"$ref": "#/components/schemas/Tree"});
        let mut tree = json!(1);
        for _ in 0..12 {
            tree = json!([tree.clone(), tree.clone(), tree]);
        }
        let validator = Validator::new(&root).with_max_steps(5_000);
        let outcome = validator.check_value(&schema, &tree, Direction::Neither);
        assert!(!outcome.complete);
        assert!(outcome.violations.is_empty(), "{outcome:?}");
        // The same shape, small enough for the budget, is checked to the end.
        let small = json!([[1, 2], [3, [4, "five"]]]);
        let outcome = validator.check_value(&schema, &small, Direction::Neither);
        assert!(outcome.complete);
        assert_eq!(outcome.violations.len(), 1, "{outcome:?}");
    }

    #[test]
    fn reference_cycles_terminate() {
        let root = json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/A"}}}});
        let s = json!({"$ref": "#/components/schemas/A"});
        assert!(errors(&root, &s, &json!(1), Direction::Neither).is_empty());
    }
}
