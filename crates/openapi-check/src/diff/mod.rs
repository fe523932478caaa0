//! `openapi-check diff OLD NEW`: every change between two versions of an
//! OpenAPI 3.0 document, classified as breaking, potentially breaking or
//! non-breaking for existing clients, with a stable rule id (oasdiff's ids,
//! where oasdiff has the check) and its place in both files.
//!
//! It reuses the linter's parser and locator: documents are plain
//! `serde_json::Value`s, `$ref`s are followed by pointer lookups (each pair of
//! schemas compared once), and positions are computed only for the pointers
//! that changes name.

mod render;
mod rules;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use serde_json::{Map, Value};

pub use render::{DiffFormat, render};
pub use rules::DiffRule;

use crate::Error;
use crate::locate::locate;
use crate::parse::parse;
use crate::pointer;
use crate::source::{Source, Span};

/// How a change affects existing clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Existing clients break.
    Breaking,
    /// Some clients may break (closed enums, a new credential, ...).
    PotentiallyBreaking,
    /// Existing clients keep working.
    NonBreaking,
}

impl Level {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::PotentiallyBreaking => "potentially-breaking",
            Level::NonBreaking => "non-breaking",
        }
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "breaking" => Ok(Level::Breaking),
            "potentially-breaking" => Ok(Level::PotentiallyBreaking),
            "non-breaking" => Ok(Level::NonBreaking),
            other => Err(format!(
                "unknown level {other:?} (breaking, potentially-breaking, non-breaking)"
            )),
        }
    }
}

/// Where a change is, in one of the two files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The file.
    pub file: String,
    /// JSON pointer.
    pub pointer: String,
    /// Position, when it could be found.
    pub span: Option<Span>,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Stable rule id.
    pub rule: DiffRule,
    /// Effect on clients.
    pub level: Level,
    /// The operation, `POST /path`, when the change is inside one.
    pub operation: Option<String>,
    /// What changed, in one sentence.
    pub message: String,
    /// Where in the old document (absent for additions).
    pub old: Option<Place>,
    /// Where in the new document (absent for removals).
    pub new: Option<Place>,
}

/// All changes between two documents, most severe first.
#[derive(Clone, Debug, Serialize)]
pub struct DiffReport {
    /// The old document's name.
    pub old_file: String,
    /// The new document's name.
    pub new_file: String,
    /// The changes.
    pub changes: Vec<Change>,
}

impl DiffReport {
    /// How many changes of a level.
    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }
}

use rules::SchemaContext;

struct Raw {
    rule: DiffRule,
    level: Level,
    operation: Option<String>,
    message: String,
    old: Option<String>,
    new: Option<String>,
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    out: Vec<Raw>,
    operation: Option<String>,
    /// Pairs of schemas (old pointer, new pointer, direction) already compared.
    seen: HashSet<(String, String, bool)>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Compares two documents.
/// A document that does not parse is [`Error::Diff`], naming the file.
pub fn diff(old: &Source, new: &Source) -> Result<DiffReport, Error> {
    let parse_one = |s: &Source| {
        parse(&s.text, s.format)
            .map(|p| p.value)
            .map_err(|error| Error::Diff {
                file: s.name.clone(),
                error,
            })
    };
    let (old_doc, new_doc) = (parse_one(old)?, parse_one(new)?);
    let mut differ = Differ {
        old: &old_doc,
        new: &new_doc,
        out: Vec::new(),
        operation: None,
        seen: HashSet::new(),
    };
    differ.operations();
    let raw = differ.out;

    let old_wanted: Vec<&str> = raw.iter().filter_map(|r| r.old.as_deref()).collect();
    let new_wanted: Vec<&str> = raw.iter().filter_map(|r| r.new.as_deref()).collect();
    let old_spans = locate(&old.text, old.format, &old_wanted);
    let new_spans = locate(&new.text, new.format, &new_wanted);
    let place = |file: &str,
                 spans: &std::collections::HashMap<String, crate::locate::Located>,
                 p: String| {
        let span = spans.get(&p).map(|l| l.key.unwrap_or(l.value));
        Place {
            file: file.to_owned(),
            pointer: p,
            span,
        }
    };
    let mut changes: Vec<Change> = raw
        .into_iter()
        .map(|r| Change {
            rule: r.rule,
            level: r.level,
            operation: r.operation,
            message: r.message,
            old: r.old.map(|p| place(&old.name, &old_spans, p)),
            new: r.new.map(|p| place(&new.name, &new_spans, p)),
        })
        .collect();
    changes.sort_by(|a, b| {
        (a.level, &a.operation, a.rule.as_str(), &a.message).cmp(&(
            b.level,
            &b.operation,
            b.rule.as_str(),
            &b.message,
        ))
    });
    changes.dedup();
    Ok(DiffReport {
        old_file: old.name.clone(),
        new_file: new.name.clone(),
        changes,
    })
}

fn resolve<'v>(doc: &'v Value, value: &'v Value, at: &str) -> (&'v Value, String) {
    let mut current = value;
    let mut pointer = at.to_owned();
    for _ in 0..32 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(r) if r.starts_with('#') => match pointer::resolve(doc, r) {
                Some(target) => {
                    current = target;
                    pointer = r[1..].to_owned();
                }
                None => break,
            },
            _ => break,
        }
    }
    (current, pointer)
}

/// The value at a pointer, `$ref`s followed, with the pointer it is at.
fn resolve_at<'v>(doc: &'v Value, at: &str) -> (&'v Value, String) {
    resolve(doc, doc.pointer(at).unwrap_or(&Value::Null), at)
}

/// The operations of a document: (path, method) → pointer.
fn operations_of(doc: &Value) -> BTreeMap<(String, &'static str), String> {
    let mut out = BTreeMap::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if item.get(method).is_some_and(Value::is_object) {
                out.insert(
                    (path.clone(), method),
                    pointer::push(&pointer::push("/paths", path), method),
                );
            }
        }
    }
    out
}

/// The effective security requirement alternatives of an operation, each
/// as its sorted scheme names joined by `+`.
fn security_of(doc: &Value, op: &Value) -> BTreeSet<String> {
    op.get("security")
        .or_else(|| doc.get("security"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            let mut names: Vec<&str> = r
                .as_object()
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            names.sort_unstable();
            names.join("+")
        })
        .collect()
}

/// The parameters of an operation, path-item level overridden by operation
/// level: (in, name) → pointer.
fn parameters_of(doc: &Value, op_ptr: &str) -> BTreeMap<(String, String), String> {
    let item_ptr = op_ptr
        .rsplit_once('/')
        .map_or(String::new(), |(a, _)| a.to_owned());
    let mut out = BTreeMap::new();
    for owner in [item_ptr, op_ptr.to_owned()] {
        let list = doc
            .pointer(&format!("{owner}/parameters"))
            .and_then(Value::as_array);
        for (i, p) in list.into_iter().flatten().enumerate() {
            let (p, _) = resolve(doc, p, "");
            if let (Some(name), Some(loc)) = (
                p.get("name").and_then(Value::as_str),
                p.get("in").and_then(Value::as_str),
            ) {
                out.insert(
                    (loc.to_owned(), name.to_owned()),
                    format!("{owner}/parameters/{i}"),
                );
            }
        }
    }
    out
}

fn is_required(doc: &Value, ptr: &str) -> bool {
    resolve_at(doc, ptr).0.get("required") == Some(&Value::Bool(true))
}

/// The request body of an operation, resolved, with its pointer.
fn request_body_of<'v>(doc: &'v Value, op_ptr: &str) -> Option<(String, &'v Value)> {
    let at = format!("{op_ptr}/requestBody");
    let b = doc.pointer(&at)?;
    let (b, at) = resolve(doc, b, &at);
    Some((at, b))
}

/// The responses of an operation: status → pointer.
fn responses_of(doc: &Value, op_ptr: &str) -> BTreeMap<String, String> {
    let at = format!("{op_ptr}/responses");
    doc.pointer(&at)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(status, _)| (status.clone(), pointer::push(&at, status)))
        .collect()
}

fn is_success(status: &str) -> bool {
    status.starts_with('2') || status.starts_with('3')
}

fn number(m: &Map<String, Value>, key: &str) -> Option<f64> {
    m.get(key).and_then(Value::as_f64)
}

fn properties(m: &Map<String, Value>) -> Map<String, Value> {
    m.get("properties")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn required_names(m: &Map<String, Value>) -> BTreeSet<String> {
    m.get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Two schemas being compared: both resolved, with where they are and what
/// they describe ("request body", "`backup` in the 200 response body"...).
struct SchemaPair<'s> {
    o: &'s Map<String, Value>,
    n: &'s Map<String, Value>,
    old_at: String,
    new_at: String,
    context: SchemaContext,
    what: &'s str,
    depth: usize,
}

impl SchemaPair<'_> {
    fn places(&self) -> (Option<String>, Option<String>) {
        (Some(self.old_at.clone()), Some(self.new_at.clone()))
    }

    /// How a property of this schema is named in messages.
    fn field(&self, name: &str) -> String {
        if self.what.ends_with("body") || self.what.starts_with("the ") {
            format!("`{name}` in {}", self.what)
        } else {
            format!("{}.{name}", self.what)
        }
    }
}

impl Differ<'_> {
    fn report(
        &mut self,
        rule: DiffRule,
        level: Level,
        message: String,
        old: Option<String>,
        new: Option<String>,
    ) {
        self.out.push(Raw {
            rule,
            level,
            operation: self.operation.clone(),
            message,
            old,
            new,
        });
    }

    /// Operations removed, kept (compared), and added.
    fn operations(&mut self) {
        let (old_ops, new_ops) = (operations_of(self.old), operations_of(self.new));
        for ((path, method), old_ptr) in &old_ops {
            self.operation = Some(format!("{} {path}", method.to_uppercase()));
            match new_ops.get(&(path.clone(), *method)) {
                None => self.operation_removed(old_ptr),
                Some(new_ptr) => self.operation(old_ptr, new_ptr),
            }
        }
        for ((path, method), new_ptr) in &new_ops {
            if !old_ops.contains_key(&(path.clone(), *method)) {
                self.operation = Some(format!("{} {path}", method.to_uppercase()));
                self.report(
                    DiffRule::EndpointAdded,
                    Level::NonBreaking,
                    "the operation was added".into(),
                    None,
                    Some(new_ptr.clone()),
                );
            }
        }
        self.operation = None;
    }

    fn operation_removed(&mut self, old_ptr: &str) {
        let deprecated =
            self.old.pointer(old_ptr).and_then(|o| o.get("deprecated")) == Some(&Value::Bool(true));
        let (rule, note) = if deprecated {
            (DiffRule::ApiRemovedWithDeprecation, " (it was deprecated)")
        } else {
            (DiffRule::ApiRemovedWithoutDeprecation, "")
        };
        self.report(
            rule,
            Level::Breaking,
            format!("the operation was removed{note}"),
            Some(old_ptr.to_owned()),
            None,
        );
    }

    /// One operation in both documents, compared step by step.
    fn operation(&mut self, old_ptr: &str, new_ptr: &str) {
        self.security(old_ptr, new_ptr);
        self.parameters(old_ptr, new_ptr);
        self.request_body(old_ptr, new_ptr);
        self.responses(old_ptr, new_ptr);
    }

    fn security(&mut self, old_ptr: &str, new_ptr: &str) {
        let old_op = self.old.pointer(old_ptr).unwrap_or(&Value::Null);
        let new_op = self.new.pointer(new_ptr).unwrap_or(&Value::Null);
        let (old_sec, new_sec) = (security_of(self.old, old_op), security_of(self.new, new_op));
        let places = (
            Some(format!("{old_ptr}/security")),
            Some(format!("{new_ptr}/security")),
        );
        for removed in old_sec.difference(&new_sec) {
            let (level, message) = if new_sec.is_empty() {
                (
                    Level::NonBreaking,
                    format!(
                        "security requirement {removed:?} was removed: the operation no longer needs credentials"
                    ),
                )
            } else {
                (
                    Level::Breaking,
                    format!(
                        "security requirement {removed:?} is no longer accepted: clients authenticating with it fail"
                    ),
                )
            };
            let (o, n) = places.clone();
            self.report(DiffRule::ApiSecurityRemoved, level, message, o, n);
        }
        for added in new_sec.difference(&old_sec) {
            let (level, message) = if old_sec.is_empty() {
                (
                    Level::Breaking,
                    format!("security requirement {added:?} was added: clients without it fail"),
                )
            } else {
                (
                    Level::NonBreaking,
                    format!(
                        "security requirement {added:?} was added as another way to authenticate"
                    ),
                )
            };
            let (o, n) = places.clone();
            self.report(DiffRule::ApiSecurityAdded, level, message, o, n);
        }
    }

    fn parameters(&mut self, old_ptr: &str, new_ptr: &str) {
        let (old_doc, new_doc) = (self.old, self.new);
        let (old_params, new_params) = (
            parameters_of(old_doc, old_ptr),
            parameters_of(new_doc, new_ptr),
        );
        for ((loc, name), op) in &old_params {
            match new_params.get(&(loc.clone(), name.clone())) {
                None => self.report(
                    DiffRule::RequestParameterRemoved,
                    Level::PotentiallyBreaking,
                    format!(
                        "the {loc} parameter {name:?} was removed: clients still sending it may be refused"
                    ),
                    Some(op.clone()),
                    Some(new_ptr.to_owned()),
                ),
                Some(np) => self.parameter(loc, name, op, np),
            }
        }
        for ((loc, name), np) in &new_params {
            if old_params.contains_key(&(loc.clone(), name.clone())) {
                continue;
            }
            let (rule, level, kind) = if is_required(new_doc, np) {
                (
                    DiffRule::NewRequiredRequestParameter,
                    Level::Breaking,
                    "required",
                )
            } else {
                (
                    DiffRule::NewOptionalRequestParameter,
                    Level::NonBreaking,
                    "optional",
                )
            };
            self.report(
                rule,
                level,
                format!("the {kind} {loc} parameter {name:?} was added"),
                Some(old_ptr.to_owned()),
                Some(np.clone()),
            );
        }
    }

    /// A parameter in both: its `required` and its schema.
    fn parameter(&mut self, loc: &str, name: &str, op: &str, np: &str) {
        let (old_doc, new_doc) = (self.old, self.new);
        if !is_required(old_doc, op) && is_required(new_doc, np) {
            self.report(
                DiffRule::RequestParameterBecameRequired,
                Level::Breaking,
                format!("the {loc} parameter {name:?} became required"),
                Some(op.to_owned()),
                Some(np.to_owned()),
            );
        }
        let (op_v, op_at) = resolve_at(old_doc, op);
        let (np_v, np_at) = resolve_at(new_doc, np);
        if let (Some(os), Some(ns)) = (op_v.get("schema"), np_v.get("schema")) {
            self.schema(
                os,
                &format!("{op_at}/schema"),
                ns,
                &format!("{np_at}/schema"),
                SchemaContext::RequestParameter,
                &format!("{loc} parameter {name:?}"),
                0,
            );
        }
    }

    fn request_body(&mut self, old_ptr: &str, new_ptr: &str) {
        match (
            request_body_of(self.old, old_ptr),
            request_body_of(self.new, new_ptr),
        ) {
            (Some((oa, ob)), Some((na, nb))) => {
                if ob.get("required") != Some(&Value::Bool(true))
                    && nb.get("required") == Some(&Value::Bool(true))
                {
                    self.report(
                        DiffRule::RequestBodyBecameRequired,
                        Level::Breaking,
                        "the request body became required".into(),
                        Some(oa.clone()),
                        Some(na.clone()),
                    );
                }
                if let (Some(os), Some(ns)) = (json_schema(ob), json_schema(nb)) {
                    self.schema(
                        os.1,
                        &format!("{oa}{}", os.0),
                        ns.1,
                        &format!("{na}{}", ns.0),
                        SchemaContext::RequestProperty,
                        "request body",
                        0,
                    );
                }
            }
            (None, Some((na, nb))) if nb.get("required") == Some(&Value::Bool(true)) => {
                self.report(
                    DiffRule::RequestBodyBecameRequired,
                    Level::Breaking,
                    "a required request body was added".into(),
                    Some(old_ptr.to_owned()),
                    Some(na),
                );
            }
            _ => {}
        }
    }

    fn responses(&mut self, old_ptr: &str, new_ptr: &str) {
        let (old_doc, new_doc) = (self.old, self.new);
        let (old_resp, new_resp) = (
            responses_of(old_doc, old_ptr),
            responses_of(new_doc, new_ptr),
        );
        for (status, op) in &old_resp {
            let Some(np) = new_resp.get(status) else {
                let (rule, level, kind) = if is_success(status) {
                    (
                        DiffRule::ResponseSuccessStatusRemoved,
                        Level::Breaking,
                        "success",
                    )
                } else {
                    (
                        DiffRule::ResponseNonSuccessStatusRemoved,
                        Level::NonBreaking,
                        "error",
                    )
                };
                self.report(
                    rule,
                    level,
                    format!("the {kind} status {status} was removed"),
                    Some(op.clone()),
                    Some(format!("{new_ptr}/responses")),
                );
                continue;
            };
            let (ov, oa) = resolve_at(old_doc, op);
            let (nv, na) = resolve_at(new_doc, np);
            if let (Some(os), Some(ns)) = (json_schema(ov), json_schema(nv)) {
                self.schema(
                    os.1,
                    &format!("{oa}{}", os.0),
                    ns.1,
                    &format!("{na}{}", ns.0),
                    SchemaContext::ResponseProperty,
                    &format!("the {status} response body"),
                    0,
                );
            }
        }
        for (status, np) in &new_resp {
            if old_resp.contains_key(status) {
                continue;
            }
            let (rule, kind) = if is_success(status) {
                (DiffRule::ResponseSuccessStatusAdded, "success")
            } else {
                (DiffRule::ResponseNonSuccessStatusAdded, "error")
            };
            self.report(
                rule,
                Level::NonBreaking,
                format!("the {kind} status {status} was added"),
                Some(format!("{old_ptr}/responses")),
                Some(np.clone()),
            );
        }
    }

    /// Compares two schemas, in the request direction or the response one:
    /// type, then (in requests) the constraints, enums, properties, and the
    /// schemas inside (composition branches, array items).
    #[allow(clippy::too_many_arguments)]
    fn schema(
        &mut self,
        old: &Value,
        old_at: &str,
        new: &Value,
        new_at: &str,
        context: SchemaContext,
        what: &str,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        let (old_doc, new_doc) = (self.old, self.new);
        let (old_s, old_at) = resolve(old_doc, old, old_at);
        let (new_s, new_at) = resolve(new_doc, new, new_at);
        if !self
            .seen
            .insert((old_at.clone(), new_at.clone(), context.is_request()))
        {
            return;
        }
        let (Some(o), Some(n)) = (old_s.as_object(), new_s.as_object()) else {
            return;
        };
        let pair = SchemaPair {
            o,
            n,
            old_at,
            new_at,
            context,
            what,
            depth,
        };
        if self.type_changed(&pair) {
            return;
        }
        if context.is_request() {
            self.request_constraints(&pair);
        }
        self.enums(&pair);
        self.properties(&pair);
        self.subschemas(&pair);
    }

    /// Reports a changed type; the rest of the pair is then not compared.
    fn type_changed(&mut self, pair: &SchemaPair) -> bool {
        let (Some(ot), Some(nt)) = (pair.o.get("type"), pair.n.get("type")) else {
            return false;
        };
        if ot == nt {
            return false;
        }
        let (oa, na) = pair.places();
        self.report(
            pair.context.type_changed(),
            Level::Breaking,
            format!("the type of {} changed from {ot} to {nt}", pair.what),
            oa,
            na,
        );
        true
    }

    /// Tighter length, range and pattern constraints refuse values clients
    /// send today.
    fn request_constraints(&mut self, pair: &SchemaPair) {
        let (o, n, what, ctx) = (pair.o, pair.n, pair.what, pair.context);
        let from = |old: Option<f64>| old.map(|m| format!(" from {m}")).unwrap_or_default();
        let mut found = Vec::new();
        if let (old_max, Some(new_max)) = (number(o, "maxLength"), number(n, "maxLength"))
            && old_max.is_none_or(|m| new_max < m)
        {
            found.push((
                ctx.request(
                    DiffRule::RequestParameterMaxLengthDecreased,
                    DiffRule::RequestPropertyMaxLengthDecreased,
                ),
                Level::Breaking,
                format!(
                    "the maxLength of {what} went down to {new_max}{}",
                    from(old_max)
                ),
            ));
        }
        if let (old_min, Some(new_min)) = (number(o, "minLength"), number(n, "minLength"))
            && new_min > old_min.unwrap_or(0.0)
        {
            found.push((
                ctx.request(
                    DiffRule::RequestParameterMinLengthIncreased,
                    DiffRule::RequestPropertyMinLengthIncreased,
                ),
                Level::Breaking,
                format!(
                    "the minLength of {what} went up to {new_min}{}",
                    from(old_min)
                ),
            ));
        }
        if let (old_max, Some(new_max)) = (number(o, "maximum"), number(n, "maximum"))
            && old_max.is_none_or(|m| new_max < m)
        {
            found.push((
                ctx.request(
                    DiffRule::RequestParameterMaxDecreased,
                    DiffRule::RequestPropertyMaxDecreased,
                ),
                Level::Breaking,
                format!("the maximum of {what} went down to {new_max}"),
            ));
        }
        if let (old_min, Some(new_min)) = (number(o, "minimum"), number(n, "minimum"))
            && old_min.is_none_or(|m| new_min > m)
        {
            found.push((
                ctx.request(
                    DiffRule::RequestParameterMinIncreased,
                    DiffRule::RequestPropertyMinIncreased,
                ),
                Level::Breaking,
                format!("the minimum of {what} went up to {new_min}"),
            ));
        }
        if let Some(np) = n.get("pattern")
            && o.get("pattern") != Some(np)
        {
            found.push((
                ctx.request(
                    DiffRule::RequestParameterPatternChanged,
                    DiffRule::RequestPropertyPatternChanged,
                ),
                Level::PotentiallyBreaking,
                format!(
                    "the pattern of {what} changed to {np}: values valid before may be refused"
                ),
            ));
        }
        for (rule, level, message) in found {
            let (oa, na) = pair.places();
            self.report(rule, level, message, oa, na);
        }
    }

    /// Enum values: removed ones break requests, added ones may break readers
    /// of responses.
    fn enums(&mut self, pair: &SchemaPair) {
        let enum_of = |m: &Map<String, Value>| m.get("enum").and_then(Value::as_array).cloned();
        let (ctx, what) = (pair.context, pair.what);
        let removed_rule = ctx.request(
            DiffRule::RequestParameterEnumValueRemoved,
            DiffRule::RequestPropertyEnumValueRemoved,
        );
        let mut found = Vec::new();
        match (enum_of(pair.o), enum_of(pair.n)) {
            (Some(old_e), Some(new_e)) if ctx.is_request() => {
                for v in old_e.iter().filter(|v| !new_e.contains(v)) {
                    found.push((
                        removed_rule,
                        Level::Breaking,
                        format!("the value {v} of {what} is no longer accepted"),
                    ));
                }
            }
            (Some(old_e), Some(new_e)) => {
                for v in new_e.iter().filter(|v| !old_e.contains(v)) {
                    found.push((
                        DiffRule::ResponsePropertyEnumValueAdded,
                        Level::PotentiallyBreaking,
                        format!("{what} may now be {v}: clients with closed enums fail to read it"),
                    ));
                }
            }
            (None, Some(_)) if ctx.is_request() => found.push((
                removed_rule,
                Level::Breaking,
                format!("{what} is now restricted to an enum"),
            )),
            _ => {}
        }
        for (rule, level, message) in found {
            let (oa, na) = pair.places();
            self.report(rule, level, message, oa, na);
        }
    }

    /// Properties removed, kept (their `required` and schema compared), and
    /// added.
    fn properties(&mut self, pair: &SchemaPair) {
        let (op, np) = (properties(pair.o), properties(pair.n));
        let (or, nr) = (required_names(pair.o), required_names(pair.n));
        let request = pair.context.is_request();
        for (name, ov) in &op {
            let o_ptr = pointer::push(&format!("{}/properties", pair.old_at), name);
            let field = pair.field(name);
            let Some(nv) = np.get(name) else {
                let (rule, level, message) = if request {
                    (
                        DiffRule::RequestPropertyRemoved,
                        Level::PotentiallyBreaking,
                        format!(
                            "the property {field} was removed: clients still sending it may be refused"
                        ),
                    )
                } else if or.contains(name) {
                    (
                        DiffRule::ResponseRequiredPropertyRemoved,
                        Level::Breaking,
                        format!("the required property {field} was removed"),
                    )
                } else {
                    (
                        DiffRule::ResponseOptionalPropertyRemoved,
                        Level::PotentiallyBreaking,
                        format!("the optional property {field} was removed"),
                    )
                };
                self.report(rule, level, message, Some(o_ptr), Some(pair.new_at.clone()));
                continue;
            };
            let n_ptr = pointer::push(&format!("{}/properties", pair.new_at), name);
            if request && !or.contains(name) && nr.contains(name) {
                self.report(
                    DiffRule::RequestPropertyBecameRequired,
                    Level::Breaking,
                    format!("the property {field} became required"),
                    Some(o_ptr.clone()),
                    Some(n_ptr.clone()),
                );
            }
            if !request && or.contains(name) && !nr.contains(name) {
                self.report(
                    DiffRule::ResponsePropertyBecameOptional,
                    Level::Breaking,
                    format!("the property {field} became optional: clients relying on it may fail"),
                    Some(o_ptr.clone()),
                    Some(n_ptr.clone()),
                );
            }
            self.schema(ov, &o_ptr, nv, &n_ptr, pair.context, &field, pair.depth + 1);
        }
        for name in np.keys().filter(|k| !op.contains_key(*k)) {
            let n_ptr = pointer::push(&format!("{}/properties", pair.new_at), name);
            let field = pair.field(name);
            let (rule, level, message) = match (request, nr.contains(name)) {
                (true, true) => (
                    DiffRule::NewRequiredRequestProperty,
                    Level::Breaking,
                    format!("the required property {field} was added"),
                ),
                (true, false) => (
                    DiffRule::NewOptionalRequestProperty,
                    Level::NonBreaking,
                    format!("the optional property {field} was added"),
                ),
                (false, _) => (
                    DiffRule::ResponsePropertyAdded,
                    Level::NonBreaking,
                    format!("the property {field} was added"),
                ),
            };
            self.report(rule, level, message, Some(pair.old_at.clone()), Some(n_ptr));
        }
    }

    /// Composition branches (compared in order: a reordering shows as changes
    /// in both) and array items.
    fn subschemas(&mut self, pair: &SchemaPair) {
        let (old_at, new_at) = (&pair.old_at, &pair.new_at);
        for key in ["allOf", "oneOf", "anyOf"] {
            if let (Some(ob), Some(nb)) = (
                pair.o.get(key).and_then(Value::as_array),
                pair.n.get(key).and_then(Value::as_array),
            ) {
                for (i, (ov, nv)) in ob.iter().zip(nb).enumerate() {
                    self.schema(
                        ov,
                        &format!("{old_at}/{key}/{i}"),
                        nv,
                        &format!("{new_at}/{key}/{i}"),
                        pair.context,
                        pair.what,
                        pair.depth + 1,
                    );
                }
            }
        }
        if let (Some(oi), Some(ni)) = (pair.o.get("items"), pair.n.get("items")) {
            self.schema(
                oi,
                &format!("{old_at}/items"),
                ni,
                &format!("{new_at}/items"),
                pair.context,
                &format!("the items of {}", pair.what),
                pair.depth + 1,
            );
        }
    }
}

/// The JSON media type's schema of a request body or response: (pointer
/// suffix, schema).
fn json_schema(owner: &Value) -> Option<(String, &Value)> {
    let content = owner.get("content")?.as_object()?;
    let (media_type, media) = content.iter().find(|(mt, _)| {
        *mt == "application/json" || mt.starts_with("application/json;") || mt.ends_with("+json")
    })?;
    Some((
        format!("/content/{}/schema", pointer::escape(media_type)),
        media.get("schema")?,
    ))
}
