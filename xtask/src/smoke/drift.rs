//! The drift check: every recorded answer against the spec, for its
//! operation and status. openapi-check's validator finds what breaks the
//! contract (`schema-violation`, and values outside an enum, told apart
//! because clients accept them); a walk of the body beside its schema finds
//! what does not break the client but means the spec is incomplete:
//! undeclared properties, documented optional properties that never came,
//! another time-offset form than the spec's, undocumented statuses and
//! error codes. Each finding names the place in the spec to change.

use std::collections::{BTreeMap, BTreeSet};

use openapi_check::pointer;
use openapi_check::validate::{Direction, Validator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::record::Exchange;
use super::redact::Redactor;

/// What kind of drift a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The body breaks its schema: the client may fail on it.
    SchemaViolation,
    /// The request matched no operation of the spec.
    UndocumentedOperation,
    /// A status the operation does not document.
    UndocumentedStatus,
    /// An `error_code` the operation's answer does not document.
    UndocumentedErrorCode,
    /// A string outside its schema's enum (clients accept it as `Unknown`).
    EnumValueOutsideSpec,
    /// A property the schema does not declare.
    UndeclaredProperty,
    /// A declared optional property never sent during the run.
    DocumentedFieldMissing,
    /// A time in another offset form than the spec's (`+hhmm`).
    TimeOffset,
}

impl Kind {
    /// The finding's id, as in the reports.
    pub fn id(self) -> &'static str {
        match self {
            Kind::SchemaViolation => "schema-violation",
            Kind::UndocumentedOperation => "undocumented-operation",
            Kind::UndocumentedStatus => "undocumented-status",
            Kind::UndocumentedErrorCode => "undocumented-error-code",
            Kind::EnumValueOutsideSpec => "enum-value-outside-spec",
            Kind::UndeclaredProperty => "undeclared-property",
            Kind::DocumentedFieldMissing => "documented-field-missing",
            Kind::TimeOffset => "time-offset",
        }
    }

    /// Whether the client may fail on it (a contract break), rather than
    /// the spec being incomplete.
    pub fn breaks_contract(self) -> bool {
        matches!(self, Kind::SchemaViolation | Kind::UndocumentedOperation)
    }
}

/// One finding: where in the answer, what was seen, where in the spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What kind of drift.
    pub kind: Kind,
    /// The operation ID (or `METHOD path` when none matched).
    pub operation: String,
    /// The answer's status.
    pub status: u16,
    /// JSON pointer in the answer's body.
    pub pointer: String,
    /// The value seen there, redacted and cut short.
    pub value: Option<String>,
    /// What is wrong, in words.
    pub message: String,
    /// JSON pointer into the spec: the place to change.
    pub spec_pointer: String,
    /// Its line in the spec file, when found.
    pub spec_line: Option<u32>,
    /// How many answers showed it.
    pub occurrences: usize,
}

/// A documented optional property that did not come, and the spec's reason
/// why it need not have in this run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absent {
    /// JSON pointer to the property in the spec.
    pub spec_pointer: String,
    /// Why its absence is not drift.
    pub why: String,
}

/// The result of checking a run's answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftReport {
    /// How many answers were checked.
    pub exchanges: usize,
    /// The findings, in a stable order.
    pub findings: Vec<Finding>,
    /// Documented properties absent for a documented reason.
    pub expected_absent: Vec<Absent>,
}

/// Optional properties the spec itself says are sent only sometimes, under
/// conditions a successful smoke run does not meet: their absence is shown,
/// not reported as drift. `tests::every_conditional_property_is_in_the_spec`
/// keeps this list tied to the spec.
pub const CONDITIONAL: &[(&str, &str, &str)] = &[
    (
        "/components/schemas/Job",
        "fail_reason",
        "only when the job failed",
    ),
    (
        "/components/schemas/Job",
        "name",
        "no source gives a backup job's name (the spec's backup-job examples have none)",
    ),
    (
        "/components/schemas/ErrorResponse",
        "request_id",
        "only in the API gateway's error bodies",
    ),
    (
        "/components/schemas/BackupSummary",
        "backup_level",
        "only when level-1 backup is enabled",
    ),
];

/// Longest value shown in a finding.
const MAX_VALUE: usize = 80;

/// Checks `exchanges` against the spec (`spec` parsed from `spec_text`).
/// With `optional_may_be_absent`, a documented optional property that
/// never came is shown as expected-absent rather than reported as drift
/// (`--optional-may-be-absent`: for a target such as the emulator, which
/// need not send a property the spec has just added).
pub fn check(
    spec: &Value,
    spec_text: &str,
    exchanges: &[Exchange],
    redactor: &Redactor,
    optional_may_be_absent: bool,
) -> DriftReport {
    let mut ctx = Ctx {
        spec,
        redactor,
        validator: Validator::new(spec),
        raw: Vec::new(),
        seen: BTreeMap::new(),
    };
    for exchange in exchanges {
        ctx.exchange(exchange);
    }
    let (missing, expected_absent) = ctx.missing_properties(optional_may_be_absent);
    let mut raw = std::mem::take(&mut ctx.raw);
    raw.extend(missing);
    let mut findings = merge(raw);
    locate(spec_text, &mut findings);
    DriftReport {
        exchanges: exchanges.len(),
        findings,
        expected_absent,
    }
}

/// Where one object schema was first seen, and the properties it had.
struct Seen {
    operation: String,
    status: u16,
    pointer: String,
    properties: BTreeSet<String>,
}

struct Ctx<'a> {
    spec: &'a Value,
    redactor: &'a Redactor,
    validator: Validator<'a>,
    raw: Vec<Finding>,
    seen: BTreeMap<String, Seen>,
}

/// An answer's place in the spec.
struct Place {
    operation: String,
    status: u16,
}

impl Ctx<'_> {
    fn exchange(&mut self, exchange: &Exchange) {
        let Some((op_pointer, operation)) = find_operation(self.spec, exchange) else {
            let name = format!("{} {}", exchange.method, exchange.path);
            self.push(
                &Place {
                    operation: name,
                    status: exchange.status,
                },
                Kind::UndocumentedOperation,
                "",
                None,
                "no operation of the spec has this method and path".into(),
                "/paths".into(),
            );
            return;
        };
        let place = Place {
            operation,
            status: exchange.status,
        };
        let responses = format!("{op_pointer}/responses");
        let Some(response) = find_response(self.spec, &responses, exchange.status) else {
            let code = error_code(exchange).map(|c| self.redactor.text(c));
            self.push(
                &place,
                Kind::UndocumentedStatus,
                "",
                code,
                format!(
                    "status {} is not documented for this operation",
                    exchange.status
                ),
                responses,
            );
            return;
        };
        let body = match (&exchange.body, &exchange.body_text) {
            (Some(body), _) => body.clone(),
            (None, Some(text)) => {
                let seen = Some(self.short(&Value::from(text.as_str())));
                self.push(
                    &place,
                    Kind::SchemaViolation,
                    "",
                    seen,
                    "the body is not JSON".into(),
                    response.clone(),
                );
                return;
            }
            // An empty body reads as `{}`, as the client reads it.
            (None, None) => Value::Object(serde_json::Map::new()),
        };
        let schema = format!("{response}/content/application~1json/schema");
        if pointer::resolve(self.spec, &schema).is_none() {
            return;
        }
        self.violations(&place, &schema, &body);
        self.walk(&place, &schema, &body, "");
        if exchange.status >= 400 {
            self.error_code(&place, &response, exchange);
        }
    }

    fn violations(&mut self, place: &Place, schema_pointer: &str, body: &Value) {
        let Some(schema) = pointer::resolve(self.spec, schema_pointer) else {
            return;
        };
        for violation in self.validator.validate(schema, body, Direction::Response) {
            let at = &violation.instance_path;
            let (spec_pointer, _) = schema_at(self.spec, schema_pointer, at);
            let target = pointer::resolve(self.spec, &spec_pointer);
            let is_enum = target.is_some_and(|s| s.get("enum").is_some())
                && body.pointer(at).is_some_and(Value::is_string);
            let seen = body.pointer(at).map(|v| self.short(v));
            if is_enum {
                self.push(
                    place,
                    Kind::EnumValueOutsideSpec,
                    at,
                    seen,
                    "a value outside the schema's enum (clients read it as Unknown)".into(),
                    format!("{spec_pointer}/enum"),
                );
            } else {
                self.push(
                    place,
                    Kind::SchemaViolation,
                    at,
                    seen,
                    violation.message,
                    spec_pointer,
                );
            }
        }
    }

    /// Walks `value` beside its schema: undeclared properties, time forms,
    /// and which properties of each object schema were seen.
    fn walk(&mut self, place: &Place, schema_pointer: &str, value: &Value, at: &str) {
        let (schema_pointer, schema) = deref(self.spec, schema_pointer);
        match value {
            Value::Object(members) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                let additional = schema.get("additionalProperties");
                if properties.is_none() && additional.is_some() {
                    return; // a map (such as a job's `entities`): open by design
                }
                let seen = self
                    .seen
                    .entry(schema_pointer.clone())
                    .or_insert_with(|| Seen {
                        operation: place.operation.clone(),
                        status: place.status,
                        pointer: at.to_owned(),
                        properties: BTreeSet::new(),
                    });
                seen.properties.extend(members.keys().cloned());
                for (name, member) in members {
                    let here = pointer::push(at, name);
                    if properties.is_some_and(|p| p.contains_key(name)) {
                        let next =
                            pointer::push(&pointer::push(&schema_pointer, "properties"), name);
                        self.walk(place, &next, member, &here);
                    } else if additional.is_none() {
                        let seen = Some(self.short(member));
                        self.push(
                            place,
                            Kind::UndeclaredProperty,
                            &here,
                            seen,
                            format!("`{name}` is not declared in the schema"),
                            format!("{schema_pointer}/properties"),
                        );
                    }
                }
            }
            Value::Array(items) if schema.get("items").is_some() => {
                let next = format!("{schema_pointer}/items");
                for (i, item) in items.iter().enumerate() {
                    self.walk(place, &next, item, &format!("{at}/{i}"));
                }
            }
            Value::String(text) => self.time_form(place, &schema_pointer, schema, text, at),
            _ => {}
        }
    }

    /// A time schema whose example fixes the offset form (`+hhmm`), and a
    /// value in another form.
    fn time_form(
        &mut self,
        place: &Place,
        schema_pointer: &str,
        schema: &Value,
        text: &str,
        at: &str,
    ) {
        let Some(expected) = schema
            .get("example")
            .and_then(Value::as_str)
            .and_then(offset_form)
        else {
            return;
        };
        if schema.get("pattern").is_none() {
            return;
        }
        if let Some(actual) = offset_form(text).filter(|a| *a != expected) {
            self.push(
                place,
                Kind::TimeOffset,
                at,
                Some(self.short(&Value::from(text))),
                format!("the offset is written `{actual}`; the spec's form is `{expected}`"),
                schema_pointer.to_owned(),
            );
        }
    }

    fn error_code(&mut self, place: &Place, response: &str, exchange: &Exchange) {
        let Some(code) = error_code(exchange) else {
            return;
        };
        let documented = documented_codes(self.spec, response);
        if !documented.contains(code) {
            let seen = Some(self.short(&Value::from(code)));
            let mut known: Vec<_> = documented.into_iter().collect();
            known.sort();
            self.push(
                place,
                Kind::UndocumentedErrorCode,
                "/error_code",
                seen,
                format!(
                    "not among the codes documented for this answer ({})",
                    known.join(", ")
                ),
                format!("{response}/description"),
            );
        }
    }

    /// Declared optional properties of each object schema seen that never
    /// came; those the spec explains ([`CONDITIONAL`]) are set apart.
    fn missing_properties(&self, optional_may_be_absent: bool) -> (Vec<Finding>, Vec<Absent>) {
        let (mut findings, mut absent) = (Vec::new(), Vec::new());
        for (schema_pointer, seen) in &self.seen {
            let Some(schema) = pointer::resolve(self.spec, schema_pointer) else {
                continue;
            };
            let required: BTreeSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                continue;
            };
            for name in properties.keys() {
                if seen.properties.contains(name) || required.contains(name.as_str()) {
                    continue;
                }
                let spec_pointer =
                    pointer::push(&pointer::push(schema_pointer, "properties"), name);
                let conditional = CONDITIONAL
                    .iter()
                    .find(|(s, p, _)| s == schema_pointer && p == name)
                    .map(|(_, _, why)| (*why).to_owned());
                let why = conditional.or_else(|| {
                    optional_may_be_absent.then(|| {
                        "optional, and this target need not send it (--optional-may-be-absent)"
                            .to_owned()
                    })
                });
                if let Some(why) = why {
                    absent.push(Absent { spec_pointer, why });
                    continue;
                }
                findings.push(Finding {
                    kind: Kind::DocumentedFieldMissing,
                    operation: seen.operation.clone(),
                    status: seen.status,
                    pointer: pointer::push(&seen.pointer, name),
                    value: None,
                    message: format!("`{name}` is declared but never came in this run's answers"),
                    spec_pointer,
                    spec_line: None,
                    occurrences: 1,
                });
            }
        }
        (findings, absent)
    }

    fn short(&self, value: &Value) -> String {
        let mut value = value.clone();
        self.redactor.value(&mut value);
        let text = match &value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if text.chars().count() > MAX_VALUE {
            let cut: String = text.chars().take(MAX_VALUE).collect();
            format!("{cut}…")
        } else {
            text
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        place: &Place,
        kind: Kind,
        at: &str,
        value: Option<String>,
        message: String,
        spec_pointer: String,
    ) {
        self.raw.push(Finding {
            kind,
            operation: place.operation.clone(),
            status: place.status,
            pointer: at.to_owned(),
            value,
            message,
            spec_pointer,
            spec_line: None,
            occurrences: 1,
        });
    }
}

/// The operation of an exchange: `(pointer to the operation, its ID)`. Of
/// the path templates that match, the one with the most literal segments
/// wins (`/backups/create` over `/backups/{backup_id}`).
fn find_operation(spec: &Value, exchange: &Exchange) -> Option<(String, String)> {
    let method = exchange.method.to_ascii_lowercase();
    let segments: Vec<&str> = exchange.path.trim_end_matches('/').split('/').collect();
    let paths = spec.get("paths")?.as_object()?;
    let mut best: Option<(usize, String, String)> = None;
    for (template, item) in paths {
        let parts: Vec<&str> = template.trim_end_matches('/').split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let matches = parts.iter().zip(&segments).all(|(p, s)| {
            let variable = p.starts_with('{') && p.ends_with('}');
            literal += usize::from(!variable);
            if variable { !s.is_empty() } else { p == s }
        });
        let Some(op) = item.get(&method).filter(|_| matches) else {
            continue;
        };
        if best.as_ref().is_none_or(|(l, _, _)| literal > *l) {
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or(template)
                .to_owned();
            let at = pointer::push(&pointer::push("/paths", template), &method);
            best = Some((literal, at, id));
        }
    }
    best.map(|(_, at, id)| (at, id))
}

/// The pointer to the (dereferenced) Response Object for `status`: the
/// exact code, then its range (`4XX`), then `default`.
fn find_response(spec: &Value, responses: &str, status: u16) -> Option<String> {
    let range = format!("{}XX", status / 100);
    for key in [status.to_string(), range, "default".to_owned()] {
        let at = pointer::push(responses, &key);
        if pointer::resolve(spec, &at).is_some() {
            return Some(deref(spec, &at).0);
        }
    }
    None
}

/// Follows `$ref`s from `at`: the pointer reached and its value.
fn deref<'s>(spec: &'s Value, at: &str) -> (String, &'s Value) {
    let mut at = at.to_owned();
    let null = &Value::Null;
    for _ in 0..32 {
        let Some(value) = pointer::resolve(spec, &at) else {
            return (at, null);
        };
        match value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(pointer::from_fragment)
        {
            Some(next) => at = next,
            None => return (at, value),
        }
    }
    (at, null)
}

/// The schema that applies at `instance` (a pointer into the body), from the
/// schema at `root`; the nearest one when the schema does not reach so far
/// (`false` then).
fn schema_at(spec: &Value, root: &str, instance: &str) -> (String, bool) {
    let (mut at, mut schema) = deref(spec, root);
    for token in pointer::tokens(instance) {
        let next = if schema.get("items").is_some() && token.parse::<usize>().is_ok() {
            format!("{at}/items")
        } else if schema
            .pointer(&format!("/properties/{}", pointer::escape(&token)))
            .is_some()
        {
            pointer::push(&pointer::push(&at, "properties"), &token)
        } else {
            return (at, false);
        };
        (at, schema) = deref(spec, &next);
    }
    (at, true)
}

fn error_code(exchange: &Exchange) -> Option<&str> {
    exchange.body.as_ref()?.get("error_code")?.as_str()
}

/// The error codes a Response Object documents: in its description, its
/// `x-busy-codes`, and its examples' `error_code`.
fn documented_codes(spec: &Value, response: &str) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let Some(object) = pointer::resolve(spec, response) else {
        return codes;
    };
    if let Some(text) = object.get("description").and_then(Value::as_str) {
        codes.extend(codes_in(text));
    }
    if let Some(list) = object.get("x-busy-codes").and_then(Value::as_array) {
        codes.extend(list.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(media) = object.pointer("/content/application~1json") {
        let examples = media
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|e| e.values());
        for example in examples
            .filter_map(|e| e.get("value"))
            .chain(media.get("example"))
        {
            if let Some(code) = example.get("error_code").and_then(Value::as_str) {
                codes.insert(code.to_owned());
            }
        }
    }
    codes
}

/// Codes such as `DBS.280277` or `APIGW.0301` in prose.
fn codes_in(text: &str) -> impl Iterator<Item = String> + '_ {
    let re = regex_lite::Regex::new(r"\b[A-Z]{2,10}\.[0-9]{3,10}\b").expect("a valid pattern");
    re.find_iter(text)
        .map(|m| m.as_str().to_owned())
        .collect::<Vec<_>>()
        .into_iter()
}

/// The offset form of a service time: `+hhmm`, `+hh:mm` or `Z`.
pub fn offset_form(time: &str) -> Option<&'static str> {
    let bytes = time.as_bytes();
    if bytes.len() < 20 || bytes.get(10) != Some(&b'T') {
        return None;
    }
    let tail = &time[19..];
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let signed = tail.starts_with('+') || tail.starts_with('-');
    match tail.len() {
        1 if tail == "Z" => Some("Z"),
        5 if signed && digits(&tail[1..]) => Some("+hhmm"),
        6 if signed && tail.as_bytes()[3] == b':' && digits(&tail[1..3]) && digits(&tail[4..]) => {
            Some("+hh:mm")
        }
        _ => None,
    }
}

/// Findings that are the same in every way but the answer they came in are
/// one, with a count; then sorted by operation, status, kind and pointer.
fn merge(raw: Vec<Finding>) -> Vec<Finding> {
    let mut merged: BTreeMap<(String, u16, Kind, String, String), Finding> = BTreeMap::new();
    for finding in raw {
        let key = (
            finding.operation.clone(),
            finding.status,
            finding.kind,
            finding.pointer.clone(),
            finding.spec_pointer.clone(),
        );
        merged
            .entry(key)
            .and_modify(|f| f.occurrences += 1)
            .or_insert(finding);
    }
    merged.into_values().collect()
}

/// Fills in each finding's line in the spec file.
fn locate(spec_text: &str, findings: &mut [Finding]) {
    let wanted: Vec<&str> = findings.iter().map(|f| f.spec_pointer.as_str()).collect();
    // The spec has been parsed before the run; a failure here leaves the
    // lines out rather than the findings.
    let Ok(parsed) = openapi_check::parse(spec_text, openapi_check::Format::Yaml) else {
        return;
    };
    let found = parsed.locate(spec_text, &wanted);
    let lines: BTreeMap<String, u32> = found
        .into_iter()
        .map(|(p, l)| (p, l.key.unwrap_or(l.value).start.line))
        .collect();
    for finding in findings {
        finding.spec_line = lines.get(&finding.spec_pointer).copied();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> (Value, String) {
        let text =
            std::fs::read_to_string(crate::project_root().join(crate::spec::SPEC_PATH)).unwrap();
        let value = openapi_check::parse(&text, openapi_check::Format::Yaml)
            .unwrap()
            .value;
        (value, text)
    }

    fn answer(method: &str, path: &str, status: u16, body: Value) -> Exchange {
        Exchange {
            method: method.into(),
            path: path.into(),
            status,
            headers: BTreeMap::new(),
            body: Some(body),
            body_text: None,
        }
    }

    fn kinds(report: &DriftReport) -> Vec<(Kind, &str, &str)> {
        report
            .findings
            .iter()
            .map(|f| (f.kind, f.pointer.as_str(), f.spec_pointer.as_str()))
            .collect()
    }

    const JOBS: &str = "/v3/619d3e78f61b4be68bc5aa0b59edcf7b/jobs";

    #[test]
    fn every_conditional_property_is_in_the_spec() {
        let (spec, _) = spec();
        for (schema, property, _) in CONDITIONAL {
            let at = format!("{schema}/properties/{property}");
            assert!(
                pointer::resolve(&spec, &at).is_some(),
                "{at} is not in the spec"
            );
        }
    }

    #[test]
    fn statuses_codes_and_contract_breaks_are_told_apart() {
        let (spec, text) = spec();
        let r = Redactor::default();
        let answers = [
            // Documented code, documented status: nothing to say.
            answer(
                "GET",
                JOBS,
                400,
                json!({"error_code": "DBS.200543", "error_msg": "x"}),
            ),
            // A code the job's 400 does not document.
            answer(
                "GET",
                JOBS,
                400,
                json!({"error_code": "DBS.999999", "error_msg": "x"}),
            ),
            // A status the operation does not document.
            answer(
                "GET",
                JOBS,
                418,
                json!({"error_code": "DBS.1", "error_msg": "x"}),
            ),
            // A job without its required status: a contract break.
            answer("GET", JOBS, 200, json!({"job": {"id": "j"}})),
            // No such operation.
            answer("PATCH", JOBS, 200, json!({})),
        ];
        let report = check(&spec, &text, &answers, &r, false);
        let found = kinds(&report);
        let responses = "/paths/~1v3~1{project_id}~1jobs/get/responses";
        let undocumented_code = (
            Kind::UndocumentedErrorCode,
            "/error_code",
            &*format!("{responses}/400/description"),
        );
        assert!(found.contains(&undocumented_code), "{found:#?}");
        assert!(
            found.contains(&(Kind::UndocumentedStatus, "", responses)),
            "{found:#?}"
        );
        assert!(
            found.contains(&(Kind::SchemaViolation, "/job", "/components/schemas/Job")),
            "{found:#?}"
        );
        assert!(
            found.contains(&(Kind::UndocumentedOperation, "", "/paths")),
            "{found:#?}"
        );
        assert!(
            !found
                .iter()
                .any(|(_, p, s)| p.is_empty() && s.ends_with("400/description")),
            "DBS.200543 is documented: {found:#?}"
        );
    }

    #[test]
    fn the_create_path_wins_over_the_backup_id_template() {
        let (spec, _) = spec();
        let create = answer("POST", "/v3/p/backups/create", 201, json!({}));
        let (at, id) = find_operation(&spec, &create).unwrap();
        assert_eq!(id, "CreateGaussMySqlBackup");
        assert_eq!(at, "/paths/~1v3~1{project_id}~1backups~1create/post");
        let delete = answer("DELETE", "/v3/p/backups/create", 200, json!({}));
        assert_eq!(
            find_operation(&spec, &delete).unwrap().1,
            "DeleteGaussMySqlBackup"
        );
    }

    #[test]
    fn offset_forms() {
        assert_eq!(offset_form("2020-07-07T01:17:05+0800"), Some("+hhmm"));
        assert_eq!(offset_form("2020-07-07T01:17:05-08:00"), Some("+hh:mm"));
        assert_eq!(offset_form("2020-07-07T01:17:05Z"), Some("Z"));
        assert_eq!(offset_form("2020-07-07T01:17:05.123Z"), None);
        assert_eq!(offset_form(""), None);
        assert_eq!(offset_form("2020-07-07 01:17:05+0800"), None);
    }
}
