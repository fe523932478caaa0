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

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use serde_json::{Map, Value};

pub use render::{DiffFormat, render};

use crate::locate::locate;
use crate::parse::{SyntaxError, parse};
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
    pub rule: &'static str,
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

/// Why two documents could not be compared.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {error}{}", .error.pos.map(|p| format!(" (line {}, column {})", p.line, p.column)).unwrap_or_default())]
pub struct DiffError {
    /// The file that did not parse.
    pub file: String,
    /// Why.
    pub error: SyntaxError,
}

struct Raw {
    rule: &'static str,
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
pub fn diff(old: &Source, new: &Source) -> Result<DiffReport, DiffError> {
    let parse_one = |s: &Source| {
        parse(&s.text, s.format)
            .map(|p| p.value)
            .map_err(|error| DiffError {
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
        (a.level, &a.operation, a.rule, &a.message).cmp(&(
            b.level,
            &b.operation,
            b.rule,
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

fn object(v: &Value) -> Option<&Map<String, Value>> {
    v.as_object()
}

impl Differ<'_> {
    fn report(
        &mut self,
        rule: &'static str,
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

    fn operations(&mut self) {
        let ops = |doc: &Value| -> BTreeMap<(String, &'static str), String> {
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
        };
        let (old_ops, new_ops) = (ops(self.old), ops(self.new));
        for ((path, method), old_ptr) in &old_ops {
            self.operation = Some(format!("{} {path}", method.to_uppercase()));
            match new_ops.get(&(path.clone(), method)) {
                None => {
                    let deprecated = self.old.pointer(old_ptr).and_then(|o| o.get("deprecated"))
                        == Some(&Value::Bool(true));
                    self.report(
                        if deprecated {
                            "api-removed-with-deprecation"
                        } else {
                            "api-removed-without-deprecation"
                        },
                        Level::Breaking,
                        format!(
                            "the operation was removed{}",
                            if deprecated {
                                " (it was deprecated)"
                            } else {
                                ""
                            }
                        ),
                        Some(old_ptr.clone()),
                        None,
                    );
                }
                Some(new_ptr) => self.operation(old_ptr, new_ptr),
            }
        }
        for ((path, method), new_ptr) in &new_ops {
            if !old_ops.contains_key(&(path.clone(), method)) {
                self.operation = Some(format!("{} {path}", method.to_uppercase()));
                self.report(
                    "endpoint-added",
                    Level::NonBreaking,
                    "the operation was added".into(),
                    None,
                    Some(new_ptr.clone()),
                );
            }
        }
        self.operation = None;
    }

    fn operation(&mut self, old_ptr: &str, new_ptr: &str) {
        let (old_doc, new_doc) = (self.old, self.new);
        let old_op = old_doc.pointer(old_ptr).unwrap_or(&Value::Null);
        let new_op = new_doc.pointer(new_ptr).unwrap_or(&Value::Null);
        let item_ptr = |p: &str| {
            p.rsplit_once('/')
                .map_or(String::new(), |(a, _)| a.to_owned())
        };

        // Security: the effective requirement alternatives.
        let schemes = |doc: &Value, op: &Value| -> BTreeSet<String> {
            op.get("security")
                .or_else(|| doc.get("security"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|r| {
                    let mut names: Vec<&String> = r
                        .as_object()
                        .map(|m| m.keys().collect())
                        .unwrap_or_default();
                    names.sort();
                    names
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join("+")
                })
                .collect()
        };
        let (old_sec, new_sec) = (schemes(old_doc, old_op), schemes(new_doc, new_op));
        for removed in old_sec.difference(&new_sec) {
            let level = if new_sec.is_empty() {
                Level::NonBreaking
            } else {
                Level::Breaking
            };
            let message = if new_sec.is_empty() {
                format!(
                    "security requirement {removed:?} was removed: the operation no longer needs credentials"
                )
            } else {
                format!(
                    "security requirement {removed:?} is no longer accepted: clients authenticating with it fail"
                )
            };
            self.report(
                "api-security-removed",
                level,
                message,
                Some(format!("{old_ptr}/security")),
                Some(format!("{new_ptr}/security")),
            );
        }
        for added in new_sec.difference(&old_sec) {
            let level = if old_sec.is_empty() {
                Level::Breaking
            } else {
                Level::NonBreaking
            };
            self.report(
                "api-security-added",
                level,
                if old_sec.is_empty() {
                    format!("security requirement {added:?} was added: clients without it fail")
                } else {
                    format!(
                        "security requirement {added:?} was added as another way to authenticate"
                    )
                },
                Some(format!("{old_ptr}/security")),
                Some(format!("{new_ptr}/security")),
            );
        }

        // Parameters, path-item level overridden by operation level.
        let params = |doc: &Value, op_ptr: &str| -> BTreeMap<(String, String), String> {
            let mut out = BTreeMap::new();
            for owner in [item_ptr(op_ptr), op_ptr.to_owned()] {
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
        };
        let (old_params, new_params) = (params(old_doc, old_ptr), params(new_doc, new_ptr));
        let required = |doc: &Value, ptr: &str| {
            let (p, _) = resolve(doc, doc.pointer(ptr).unwrap_or(&Value::Null), ptr);
            p.get("required") == Some(&Value::Bool(true))
        };
        for ((loc, name), op) in &old_params {
            match new_params.get(&(loc.clone(), name.clone())) {
                None => self.report(
                    "request-parameter-removed",
                    Level::PotentiallyBreaking,
                    format!("the {loc} parameter {name:?} was removed: clients still sending it may be refused"),
                    Some(op.clone()),
                    Some(new_ptr.to_owned()),
                ),
                Some(np) => {
                    if !required(old_doc, op) && required(new_doc, np) {
                        self.report(
                            "request-parameter-became-required",
                            Level::Breaking,
                            format!("the {loc} parameter {name:?} became required"),
                            Some(op.clone()),
                            Some(np.clone()),
                        );
                    }
                    let (op_v, op_at) = resolve(old_doc, old_doc.pointer(op).unwrap_or(&Value::Null), op);
                    let (np_v, np_at) = resolve(new_doc, new_doc.pointer(np).unwrap_or(&Value::Null), np);
                    if let (Some(os), Some(ns)) = (op_v.get("schema"), np_v.get("schema")) {
                        self.schema(os, &format!("{op_at}/schema"), ns, &format!("{np_at}/schema"), true, "request-parameter", &format!("{loc} parameter {name:?}"), 0);
                    }
                }
            }
        }
        for ((loc, name), np) in &new_params {
            if !old_params.contains_key(&(loc.clone(), name.clone())) {
                if required(new_doc, np) {
                    self.report(
                        "new-required-request-parameter",
                        Level::Breaking,
                        format!("the required {loc} parameter {name:?} was added"),
                        Some(old_ptr.to_owned()),
                        Some(np.clone()),
                    );
                } else {
                    self.report(
                        "new-optional-request-parameter",
                        Level::NonBreaking,
                        format!("the optional {loc} parameter {name:?} was added"),
                        Some(old_ptr.to_owned()),
                        Some(np.clone()),
                    );
                }
            }
        }

        // Request body.
        let body = |doc: &Value, op_ptr: &str| -> Option<(String, Value)> {
            let b = doc.pointer(&format!("{op_ptr}/requestBody"))?;
            let (b, at) = resolve(doc, b, &format!("{op_ptr}/requestBody"));
            Some((at, b.clone()))
        };
        match (body(old_doc, old_ptr), body(new_doc, new_ptr)) {
            (Some((oa, ob)), Some((na, nb))) => {
                if ob.get("required") != Some(&Value::Bool(true))
                    && nb.get("required") == Some(&Value::Bool(true))
                {
                    self.report(
                        "request-body-became-required",
                        Level::Breaking,
                        "the request body became required".into(),
                        Some(oa.clone()),
                        Some(na.clone()),
                    );
                }
                if let (Some(os), Some(ns)) = (json_schema(&ob), json_schema(&nb)) {
                    self.schema(
                        os.1,
                        &format!("{oa}{}", os.0),
                        ns.1,
                        &format!("{na}{}", ns.0),
                        true,
                        "request-property",
                        "request body",
                        0,
                    );
                }
            }
            (None, Some((na, nb))) if nb.get("required") == Some(&Value::Bool(true)) => {
                self.report(
                    "request-body-became-required",
                    Level::Breaking,
                    "a required request body was added".into(),
                    Some(old_ptr.to_owned()),
                    Some(na),
                );
            }
            _ => {}
        }

        // Responses.
        let responses = |doc: &Value, op_ptr: &str| -> BTreeMap<String, String> {
            doc.pointer(&format!("{op_ptr}/responses"))
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(status, _)| {
                    (
                        status.clone(),
                        pointer::push(&format!("{op_ptr}/responses"), status),
                    )
                })
                .collect()
        };
        let (old_resp, new_resp) = (responses(old_doc, old_ptr), responses(new_doc, new_ptr));
        let success = |s: &str| s.starts_with('2') || s.starts_with('3');
        for (status, op) in &old_resp {
            match new_resp.get(status) {
                None if success(status) => self.report(
                    "response-success-status-removed",
                    Level::Breaking,
                    format!("the success status {status} was removed"),
                    Some(op.clone()),
                    Some(format!("{new_ptr}/responses")),
                ),
                None => self.report(
                    "response-non-success-status-removed",
                    Level::NonBreaking,
                    format!("the error status {status} was removed"),
                    Some(op.clone()),
                    Some(format!("{new_ptr}/responses")),
                ),
                Some(np) => {
                    let (ov, oa) =
                        resolve(old_doc, old_doc.pointer(op).unwrap_or(&Value::Null), op);
                    let (nv, na) =
                        resolve(new_doc, new_doc.pointer(np).unwrap_or(&Value::Null), np);
                    let (ov, nv) = (ov.clone(), nv.clone());
                    if let (Some(os), Some(ns)) = (json_schema(&ov), json_schema(&nv)) {
                        self.schema(
                            os.1,
                            &format!("{oa}{}", os.0),
                            ns.1,
                            &format!("{na}{}", ns.0),
                            false,
                            "response-property",
                            &format!("the {status} response body"),
                            0,
                        );
                    }
                }
            }
        }
        for (status, np) in &new_resp {
            if !old_resp.contains_key(status) {
                let (rule, what) = if success(status) {
                    ("response-success-status-added", "success")
                } else {
                    ("response-non-success-status-added", "error")
                };
                self.report(
                    rule,
                    Level::NonBreaking,
                    format!("the {what} status {status} was added"),
                    Some(format!("{old_ptr}/responses")),
                    Some(np.clone()),
                );
            }
        }
    }

    /// Compares two schemas, in the request direction or the response one.
    #[allow(clippy::too_many_arguments)]
    fn schema(
        &mut self,
        old: &Value,
        old_at: &str,
        new: &Value,
        new_at: &str,
        request: bool,
        prefix: &'static str,
        what: &str,
        depth: usize,
    ) {
        if depth > 32 {
            return;
        }
        let (old_s, old_at) = resolve(self.old, old, old_at);
        let (new_s, new_at) = resolve(self.new, new, new_at);
        if !self.seen.insert((old_at.clone(), new_at.clone(), request)) {
            return;
        }
        let (Some(o), Some(n)) = (object(old_s), object(new_s)) else {
            return;
        };
        let (oa, na) = (Some(old_at.clone()), Some(new_at.clone()));
        let rule = |suffix: &str| -> &'static str { rule_id(prefix, suffix) };

        if let (Some(ot), Some(nt)) = (o.get("type"), n.get("type"))
            && ot != nt
        {
            self.report(
                rule("type-changed"),
                Level::Breaking,
                format!("the type of {what} changed from {ot} to {nt}"),
                oa.clone(),
                na.clone(),
            );
            return;
        }
        let num = |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_f64);
        if request {
            match (num(o, "maxLength"), num(n, "maxLength")) {
                (old_max, Some(new_max)) if old_max.is_none_or(|m| new_max < m) => self.report(
                    rule("max-length-decreased"),
                    Level::Breaking,
                    format!(
                        "the maxLength of {what} went down to {new_max}{}",
                        old_max.map(|m| format!(" from {m}")).unwrap_or_default()
                    ),
                    oa.clone(),
                    na.clone(),
                ),
                _ => {}
            }
            match (num(o, "minLength"), num(n, "minLength")) {
                (old_min, Some(new_min)) if new_min > old_min.unwrap_or(0.0) => self.report(
                    rule("min-length-increased"),
                    Level::Breaking,
                    format!(
                        "the minLength of {what} went up to {new_min}{}",
                        old_min.map(|m| format!(" from {m}")).unwrap_or_default()
                    ),
                    oa.clone(),
                    na.clone(),
                ),
                _ => {}
            }
            match (num(o, "maximum"), num(n, "maximum")) {
                (old_max, Some(new_max)) if old_max.is_none_or(|m| new_max < m) => self.report(
                    rule("max-decreased"),
                    Level::Breaking,
                    format!("the maximum of {what} went down to {new_max}"),
                    oa.clone(),
                    na.clone(),
                ),
                _ => {}
            }
            match (num(o, "minimum"), num(n, "minimum")) {
                (old_min, Some(new_min)) if old_min.is_none_or(|m| new_min > m) => self.report(
                    rule("min-increased"),
                    Level::Breaking,
                    format!("the minimum of {what} went up to {new_min}"),
                    oa.clone(),
                    na.clone(),
                ),
                _ => {}
            }
            if let Some(np) = n.get("pattern")
                && o.get("pattern") != Some(np)
            {
                self.report(
                    rule("pattern-changed"),
                    Level::PotentiallyBreaking,
                    format!(
                        "the pattern of {what} changed to {np}: values valid before may be refused"
                    ),
                    oa.clone(),
                    na.clone(),
                );
            }
        }
        let enum_of = |m: &Map<String, Value>| m.get("enum").and_then(Value::as_array).cloned();
        match (enum_of(o), enum_of(n)) {
            (Some(old_e), Some(new_e)) => {
                if request {
                    for v in old_e.iter().filter(|v| !new_e.contains(v)) {
                        self.report(
                            rule("enum-value-removed"),
                            Level::Breaking,
                            format!("the value {v} of {what} is no longer accepted"),
                            oa.clone(),
                            na.clone(),
                        );
                    }
                } else {
                    for v in new_e.iter().filter(|v| !old_e.contains(v)) {
                        self.report(
                            rule("enum-value-added"),
                            Level::PotentiallyBreaking,
                            format!(
                                "{what} may now be {v}: clients with closed enums fail to read it"
                            ),
                            oa.clone(),
                            na.clone(),
                        );
                    }
                }
            }
            (None, Some(_)) if request => {
                self.report(
                    rule("enum-value-removed"),
                    Level::Breaking,
                    format!("{what} is now restricted to an enum"),
                    oa.clone(),
                    na.clone(),
                );
            }
            _ => {}
        }

        // Properties.
        let props = |m: &Map<String, Value>| {
            m.get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let req = |m: &Map<String, Value>| -> BTreeSet<String> {
            m.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let (op, np, or, nr) = (props(o), props(n), req(o), req(n));
        let field = |name: &str| {
            if what.ends_with("body") || what.starts_with("the ") {
                format!("`{name}` in {what}")
            } else {
                format!("{what}.{name}")
            }
        };
        for (name, ov) in &op {
            let o_ptr = pointer::push(&format!("{old_at}/properties"), name);
            match np.get(name) {
                None if request => self.report(
                    "request-property-removed",
                    Level::PotentiallyBreaking,
                    format!(
                        "the property {} was removed: clients still sending it may be refused",
                        field(name)
                    ),
                    Some(o_ptr),
                    na.clone(),
                ),
                None if or.contains(name) => self.report(
                    "response-required-property-removed",
                    Level::Breaking,
                    format!("the required property {} was removed", field(name)),
                    Some(o_ptr),
                    na.clone(),
                ),
                None => self.report(
                    "response-optional-property-removed",
                    Level::PotentiallyBreaking,
                    format!("the optional property {} was removed", field(name)),
                    Some(o_ptr),
                    na.clone(),
                ),
                Some(nv) => {
                    let n_ptr = pointer::push(&format!("{new_at}/properties"), name);
                    if request && !or.contains(name) && nr.contains(name) {
                        self.report(
                            "request-property-became-required",
                            Level::Breaking,
                            format!("the property {} became required", field(name)),
                            Some(o_ptr.clone()),
                            Some(n_ptr.clone()),
                        );
                    }
                    if !request && or.contains(name) && !nr.contains(name) {
                        self.report(
                            "response-property-became-optional",
                            Level::Breaking,
                            format!(
                                "the property {} became optional: clients relying on it may fail",
                                field(name)
                            ),
                            Some(o_ptr.clone()),
                            Some(n_ptr.clone()),
                        );
                    }
                    let (ov, nv) = (ov.clone(), nv.clone());
                    self.schema(
                        &ov,
                        &o_ptr,
                        &nv,
                        &n_ptr,
                        request,
                        prefix,
                        &field(name),
                        depth + 1,
                    );
                }
            }
        }
        for name in np.keys().filter(|k| !op.contains_key(*k)) {
            let n_ptr = pointer::push(&format!("{new_at}/properties"), name);
            if request && nr.contains(name) {
                self.report(
                    "new-required-request-property",
                    Level::Breaking,
                    format!("the required property {} was added", field(name)),
                    oa.clone(),
                    Some(n_ptr),
                );
            } else if request {
                self.report(
                    "new-optional-request-property",
                    Level::NonBreaking,
                    format!("the optional property {} was added", field(name)),
                    oa.clone(),
                    Some(n_ptr),
                );
            } else {
                self.report(
                    "response-property-added",
                    Level::NonBreaking,
                    format!("the property {} was added", field(name)),
                    oa.clone(),
                    Some(n_ptr),
                );
            }
        }
        // Composition: branches compared in order (a reordering shows as
        // changes in both).
        for key in ["allOf", "oneOf", "anyOf"] {
            if let (Some(ob), Some(nb)) = (
                o.get(key).and_then(Value::as_array),
                n.get(key).and_then(Value::as_array),
            ) {
                let (ob, nb) = (ob.clone(), nb.clone());
                for (i, (ov, nv)) in ob.iter().zip(&nb).enumerate() {
                    self.schema(
                        ov,
                        &format!("{old_at}/{key}/{i}"),
                        nv,
                        &format!("{new_at}/{key}/{i}"),
                        request,
                        prefix,
                        what,
                        depth + 1,
                    );
                }
            }
        }
        if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
            let (oi, ni) = (oi.clone(), ni.clone());
            self.schema(
                &oi,
                &format!("{old_at}/items"),
                &ni,
                &format!("{new_at}/items"),
                request,
                prefix,
                &format!("the items of {what}"),
                depth + 1,
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

/// Every rule the differ reports, in oasdiff's naming where oasdiff has the
/// check.
pub const DIFF_RULES: &[&str] = &[
    "api-removed-with-deprecation",
    "api-removed-without-deprecation",
    "api-security-added",
    "api-security-removed",
    "endpoint-added",
    "new-optional-request-parameter",
    "new-optional-request-property",
    "new-required-request-parameter",
    "new-required-request-property",
    "request-body-became-required",
    "request-parameter-became-required",
    "request-parameter-enum-value-removed",
    "request-parameter-max-decreased",
    "request-parameter-max-length-decreased",
    "request-parameter-min-increased",
    "request-parameter-min-length-increased",
    "request-parameter-pattern-changed",
    "request-parameter-removed",
    "request-parameter-type-changed",
    "request-property-became-required",
    "request-property-enum-value-removed",
    "request-property-max-decreased",
    "request-property-max-length-decreased",
    "request-property-min-increased",
    "request-property-min-length-increased",
    "request-property-pattern-changed",
    "request-property-removed",
    "request-property-type-changed",
    "response-non-success-status-added",
    "response-non-success-status-removed",
    "response-optional-property-removed",
    "response-property-added",
    "response-property-became-optional",
    "response-property-enum-value-added",
    "response-property-type-changed",
    "response-required-property-removed",
    "response-success-status-added",
    "response-success-status-removed",
];

/// `request-property` + `max-length-decreased` → its rule id in
/// [`DIFF_RULES`].
fn rule_id(prefix: &str, suffix: &str) -> &'static str {
    let wanted = format!("{prefix}-{suffix}");
    DIFF_RULES
        .iter()
        .find(|id| **id == wanted)
        .copied()
        .unwrap_or_else(|| unreachable!("no diff rule {wanted}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefixes are fixed by the call sites: parameters and request
    /// bodies compare in the request direction, responses in the response
    /// one. Every suffix each can meet names a registered rule.
    #[test]
    fn every_reachable_rule_id_is_registered() {
        for prefix in ["request-parameter", "request-property"] {
            for suffix in [
                "type-changed",
                "max-length-decreased",
                "min-length-increased",
                "max-decreased",
                "min-increased",
                "pattern-changed",
                "enum-value-removed",
            ] {
                assert!(DIFF_RULES.contains(&rule_id(prefix, suffix)));
            }
        }
        for suffix in ["type-changed", "enum-value-added"] {
            assert!(DIFF_RULES.contains(&rule_id("response-property", suffix)));
        }
    }
}
