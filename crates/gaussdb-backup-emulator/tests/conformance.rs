//! Property-based conformance, generated from the spec, for every
//! operation: requests drawn from the spec's own rules (valid and broken)
//! go to the emulator with a fixed token and an arbitrary `X-Language`;
//! every valid request gets the documented success status, every invalid
//! one a documented 4xx, and every response validates against the spec's
//! schema for its status (openapi-check's OpenAPI 3.0 validator, response
//! direction).
//!
//! Where the emulator is knowingly stricter than the spec (the spec keeps
//! the client permissive, the emulator plays the strictest official rule),
//! [`stricter_than_spec`] says so, case by case.

use std::sync::{Mutex, OnceLock};

use gaussdb_backup_emulator::{Config, Emulator, JobSchedule};
use openapi_check::validate::{Direction, Validator};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        openapi_check::parse(
            gaussdb_backup_emulator::app::SPEC,
            openapi_check::Format::Yaml,
        )
        .unwrap()
        .value
    })
}

fn schema(name: &str) -> &'static Value {
    &spec()["components"]["schemas"][name]
}

/// Whether `value` satisfies `schema` (request direction).
fn satisfies(schema: &Value, value: &Value) -> bool {
    Validator::new(spec())
        .validate(schema, value, Direction::Request)
        .is_empty()
}

fn valid(name: &str, value: &Value) -> bool {
    satisfies(schema(name), value)
}

fn pattern(name: &str) -> String {
    schema(name)["pattern"].as_str().unwrap().to_owned()
}

/// A pattern without its anchors: only a leading `^` and a trailing `$` go
/// (a `^` inside a class, as in `[^>!<]`, is the class's negation and stays).
fn unanchored(pattern: &str) -> &str {
    let inner = pattern.strip_prefix('^').unwrap_or(pattern);
    inner.strip_suffix('$').unwrap_or(inner)
}

/// Strings from the schema's pattern (in range or not), and arbitrary ones.
fn strings(name: &'static str) -> impl Strategy<Value = String> {
    let from_pattern = proptest::string::string_regex(unanchored(&pattern(name))).unwrap();
    prop_oneof![
        3 => from_pattern,
        1 => "\\PC{0,300}",
        1 => "[a-zA-Z0-9_<>=!&'\" -]{0,70}",
    ]
}

/// An item of the spec, its `$ref` followed (openapi-check's resolution,
/// the one in the workspace); a dangling reference is a broken spec.
fn resolved(item: &'static Value) -> &'static Value {
    openapi_check::pointer::deref(spec(), item)
        .unwrap_or_else(|| panic!("the spec's {} names nothing", item["$ref"]))
}

/// An operation's parameter (`in`, `name`), resolved.
fn parameter(path: &str, method: &str, name: &str) -> &'static Value {
    let op = &spec()["paths"][path][method];
    op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(resolved)
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))
}

/// Whether a query value satisfies its parameter's schema: for an integer
/// parameter a canonical integer literal is read as a number, anything else
/// (and every other parameter's value) as a string.
fn query_value_valid(path: &str, method: &str, name: &str, raw: &str) -> bool {
    let schema = resolved(&parameter(path, method, name)["schema"]);
    let value = match raw.parse::<i64>() {
        Ok(n) if schema["type"] == "integer" && n.to_string() == raw => json!(n),
        _ => json!(raw),
    };
    satisfies(schema, &value)
}

/// One call of any operation.
#[derive(Clone, Debug)]
enum Call {
    Create(Value),
    Job(String),
    List(Vec<(String, String)>),
    Delete(String),
}

impl Call {
    /// The spec's `operationId` of the call.
    fn operation_id(&self) -> &'static str {
        match self {
            Call::Create(_) => "CreateGaussMySqlBackup",
            Call::Job(_) => "ShowGaussMySqlJobInfo",
            Call::List(_) => "ShowGaussMySqlBackupList",
            Call::Delete(_) => "DeleteGaussMySqlBackup",
        }
    }

    /// One call of each kind [`calls`] draws from.
    fn kinds() -> [Call; 4] {
        [
            Call::Create(Value::Null),
            Call::Job(String::new()),
            Call::List(Vec::new()),
            Call::Delete(String::new()),
        ]
    }
}

/// The spec's `(path, method)` of an operation.
fn spec_operation(operation_id: &str) -> (&'static str, &'static str) {
    spec_operations()
        .into_iter()
        .find(|(id, _, _)| *id == operation_id)
        .map(|(_, path, method)| (path, method))
        .unwrap_or_else(|| panic!("the spec has no operation {operation_id}"))
}

/// Every operation of the spec: `(operationId, path, method)`.
fn spec_operations() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut all = Vec::new();
    for (path, item) in spec()["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                all.push((id, path.as_str(), method.as_str()));
            }
        }
    }
    all
}

fn bodies() -> impl Strategy<Value = Value> {
    let instance = prop_oneof![
        4 => Just(INSTANCE.to_owned()),
        1 => Just("ffffffffffffffffffffffffffffffffin07".to_owned()),
        // The SDKs' "UUID rule": the spec's shape, not the newest rule's.
        1 => Just("07033b12-5fd9-4a8a-9689-6f8bcfee6dda".to_owned()),
        1 => strings("InstanceId"),
    ];
    (
        instance,
        strings("BackupName"),
        proptest::option::of(strings("BackupDescription")),
        any::<u8>(),
    )
        .prop_map(|(instance, name, description, shape)| {
            let mut body = json!({"instance_id": instance, "name": name});
            if let Some(d) = description {
                body["description"] = json!(d);
            }
            match shape % 16 {
                0 => {
                    body.as_object_mut().unwrap().remove("name");
                }
                1 => body["name"] = json!(42),
                _ => {}
            }
            body
        })
}

fn timestamps() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (2019i32..2030, 1u32..13, 1u32..29, 0u32..24, 0u32..60, prop_oneof![Just("+0800"), Just("+0000"), Just("Z"), Just("-05:30")])
            .prop_map(|(y, mo, d, h, mi, z)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00{z}")),
        1 => "[0-9T:+-]{0,25}",
    ]
}

fn list_queries() -> impl Strategy<Value = Vec<(String, String)>> {
    let integer = || {
        prop_oneof![
            3 => (-5i64..150).prop_map(|n| n.to_string()),
            1 => prop_oneof![Just(""), Just("abc"), Just("1.5"), Just("1e3"), Just(" 1")].prop_map(str::to_owned),
        ]
    };
    let backup_type = prop_oneof![
        Just("auto".to_owned()),
        Just("manual".to_owned()),
        "[a-z]{0,8}"
    ];
    (
        proptest::option::of(prop_oneof![Just(INSTANCE.to_owned()), "[0-9a-z]{0,36}"]),
        proptest::option::of("[0-9a-z]{0,36}"),
        proptest::option::of(backup_type),
        proptest::option::of(integer()),
        proptest::option::of(integer()),
        proptest::option::of(timestamps()),
        proptest::option::of(timestamps()),
        proptest::option::of("\\PC{0,20}"),
        proptest::option::of("\\PC{0,20}"),
    )
        .prop_map(|(i, b, t, o, l, bt, et, n, inn)| {
            let mut q = Vec::new();
            for (k, v) in [
                ("instance_id", i),
                ("backup_id", b),
                ("backup_type", t),
                ("offset", o),
                ("limit", l),
                ("begin_time", bt),
                ("end_time", et),
                ("name", n),
                ("instance_name", inn),
            ] {
                if let Some(v) = v {
                    q.push((k.to_owned(), v));
                }
            }
            q
        })
}

/// IDs: one of the harness's (valid, known) or anything.
fn ids(known: fn() -> Vec<String>) -> impl Strategy<Value = String> {
    prop_oneof![
        2 => (0usize..8).prop_map(move |i| {
            let known = known();
            known[i % known.len()].clone()
        }),
        1 => "[0-9a-zA-Z\\-]{0,40}",
        1 => "\\PC{0,10}",
    ]
}

fn calls() -> impl Strategy<Value = Call> {
    prop_oneof![
        bodies().prop_map(Call::Create),
        ids(known_jobs).prop_map(Call::Job),
        list_queries().prop_map(Call::List),
        ids(known_backups).prop_map(Call::Delete),
    ]
}

/// `X-Language`: any visible ASCII (what a header can carry), documented or not.
fn languages() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        Just("en-us".to_owned()),
        Just("zh-cn".to_owned()),
        "[!-~]{1,20}",
    ])
}

/// A rule the emulator enforces beyond the spec: a fact of
/// `openapi/SOURCES.md`, stated here as data (a JSON Schema checked by
/// openapi-check's validator, or a byte limit JSON Schema cannot state),
/// never through the emulator's own code, so that a wrong rule in the
/// emulator disagrees with this test instead of moving its expectation.
struct Fact {
    /// The body field it is about.
    field: &'static str,
    /// What the value must satisfy.
    rule: Rule,
    /// Where `openapi/SOURCES.md` gives it.
    #[allow(dead_code)] // read by a person: the fact's source
    source: &'static str,
}

enum Rule {
    Schema(Value),
    MaxBytes(usize),
}

/// The create body's facts, beyond the spec's schemas.
fn create_facts() -> Vec<Fact> {
    vec![
        Fact {
            field: "description",
            rule: Rule::Schema(json!({"type": "string", "pattern": "^[^\\r]*$"})),
            source: "SOURCES.md, Description: the OTC user manual forbids carriage returns; \
                     the emulator enforces the newest rule",
        },
        Fact {
            field: "name",
            rule: Rule::MaxBytes(64),
            source: "SOURCES.md, Backup name: the SDKs limit the name to 64 bytes",
        },
        Fact {
            field: "name",
            // Any ASCII (the spec's pattern rules it), else a CJK ideograph.
            rule: Rule::Schema(json!({
                "type": "string",
                "pattern": "^[\u{1}-\u{7f}\u{4e00}-\u{9fff}]*$",
            })),
            source: "SOURCES.md, Backup name: the emulator takes the CJK ideographs \
                     U+4E00–U+9FFF as the Chinese characters",
        },
        Fact {
            field: "instance_id",
            rule: Rule::Schema(json!({"type": "string", "pattern": "^[A-Za-z0-9]{32}in07$"})),
            source: "SOURCES.md, Instance ID shape: the newest list page (2026-02), \
                     letters and digits, suffix in07, 36 characters",
        },
    ]
}

/// Whether a body's field breaks a fact (an absent or non-string field
/// breaks none: the spec's schema judges it).
fn breaks(fact: &Fact, body: &Value) -> bool {
    let Some(value) = body.get(fact.field).filter(|v| v.is_string()) else {
        return false;
    };
    match &fact.rule {
        Rule::Schema(schema) => !satisfies(schema, value),
        Rule::MaxBytes(max) => value.as_str().is_some_and(|s| s.len() > *max),
    }
}

/// A list query time as the service reads it (SOURCES.md, List
/// `begin_time`/`end_time`: `yyyy-mm-ddThh:mm:ssZ`, `Z` the offset `+0100`;
/// the spec's `QueryTime` also takes `+hh:mm` and `Z`): seconds since the
/// epoch, or `None` when it is no real time in that form.
fn service_seconds(text: &str) -> Option<i64> {
    if !satisfies(schema("QueryTime"), &json!(text)) {
        return None;
    }
    let local = chrono::NaiveDateTime::parse_from_str(&text[..19], "%Y-%m-%dT%H:%M:%S").ok()?;
    let offset = match &text[19..] {
        "Z" => 0,
        zone => {
            let digits = zone[1..].replace(':', "");
            let (hours, minutes): (i64, i64) =
                (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            sign * (hours * 3600 + minutes * 60)
        }
    };
    Some(local.and_utc().timestamp() - offset)
}

/// Where the emulator is knowingly stricter than the spec: a body that
/// breaks one of [`create_facts`]; list times that are no real time in the
/// service's form, or an end not after the begin (SOURCES.md: "the end
/// later than the begin").
fn stricter_than_spec(call: &Call) -> bool {
    match call {
        Call::Create(body) => create_facts().iter().any(|fact| breaks(fact, body)),
        Call::List(query) => {
            let time = |k: &str| {
                query
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| service_seconds(v))
            };
            let (begin, end) = (time("begin_time"), time("end_time"));
            matches!(begin, Some(None))
                || matches!(end, Some(None))
                || matches!((begin, end), (Some(Some(b)), Some(Some(e))) if e <= b)
        }
        _ => false,
    }
}

struct Harness {
    rt: tokio::runtime::Runtime,
    url: String,
    jobs: Vec<String>,
    backups: Vec<String>,
}

fn harness() -> &'static Harness {
    static H: OnceLock<Harness> = OnceLock::new();
    H.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        // Jobs finish at once, so no create meets a 409 and every known job
        // is visible.
        let (url, jobs, backups) = rt.block_on(async {
            let emulator = Emulator::start(Config {
                jobs: JobSchedule::INSTANT,
                seed_auto_backups: 2,
                ..Config::default()
            })
            .await
            .unwrap();
            let url = emulator.url();
            let http = reqwest::Client::new();
            let (mut jobs, mut backups) = (Vec::new(), Vec::new());
            for n in 0..8 {
                let created: Value = http
                    .post(format!("{url}/v3/{PROJECT}/backups/create"))
                    .header("x-auth-token", "t")
                    .json(&json!({"instance_id": INSTANCE, "name": format!("known-{n}")}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                jobs.push(created["job_id"].as_str().unwrap().to_owned());
                backups.push(created["backup"]["id"].as_str().unwrap().to_owned());
            }
            std::mem::forget(emulator);
            (url, jobs, backups)
        });
        Harness {
            rt,
            url,
            jobs,
            backups,
        }
    })
}

fn known_jobs() -> Vec<String> {
    harness().jobs.clone()
}

fn known_backups() -> Vec<String> {
    harness().backups.clone()
}

/// Backups deleted so far (a second delete is a 400).
fn deleted() -> &'static Mutex<Vec<String>> {
    static D: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    D.get_or_init(Mutex::default)
}

/// Sends a call; `(spec path, method, expected status, answered status, body)`.
fn send(call: &Call, language: Option<&str>) -> (&'static str, &'static str, u16, u16, Value) {
    let h = harness();
    let http = reqwest::Client::new();
    let encode = |pairs: &[(String, String)]| gaussdb_backup::signing::encode_query(pairs);
    let (path, method) = spec_operation(call.operation_id());
    let (expected, request) = match call {
        Call::Create(body) => {
            let valid = valid("CreateBackupRequest", body) && !stricter_than_spec(call);
            let known = body["instance_id"] == INSTANCE;
            let expected = match (valid, known) {
                (true, true) => 201,
                (true, false) => 404,
                (false, _) => 400,
            };
            let request = http
                .post(format!("{}/v3/{PROJECT}/backups/create", h.url))
                .json(body);
            (expected, request)
        }
        Call::Job(id) => {
            let known = h.jobs.contains(id);
            let expected = if known { 200 } else { 400 };
            let request = http.get(format!(
                "{}/v3/{PROJECT}/jobs?{}",
                h.url,
                encode(&[("id".to_owned(), id.clone())])
            ));
            (expected, request)
        }
        Call::List(query) => {
            let valid = query
                .iter()
                .all(|(k, v)| query_value_valid("/v3/{project_id}/backups", "get", k, v))
                && !stricter_than_spec(call);
            let expected = if valid { 200 } else { 400 };
            let request = http.get(format!("{}/v3/{PROJECT}/backups?{}", h.url, encode(query)));
            (expected, request)
        }
        Call::Delete(id) => {
            let mut deleted = deleted().lock().unwrap();
            let expected = if h.backups.contains(id) && !deleted.contains(id) {
                deleted.push(id.clone());
                200
            } else {
                400
            };
            let request = http.delete(format!(
                "{}/v3/{PROJECT}/backups/{}",
                h.url,
                gaussdb_backup::signing::escape(id)
            ));
            (expected, request)
        }
    };
    let mut request = request.header("x-auth-token", "conformance-token");
    if let Some(language) = language {
        request = request.header("x-language", language);
    }
    let (status, body) = h.rt.block_on(async {
        let r = request.send().await.unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    });
    (path, method, expected, status, body)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn every_operation_conforms_to_the_spec(call in calls(), language in languages()) {
        let (path, method, expected, status, response) = send(&call, language.as_deref());
        // An empty delete path is another route: the gateway's 404.
        let expected = match &call {
            // `.` and `..` are dot segments: the URL is normalised away.
            Call::Delete(id) if id.is_empty() || id == "." || id == ".." => 404,
            _ => expected,
        };
        prop_assert_eq!(status, expected, "{:?} answered {}", call, response);
        if status == 404 && matches!(call, Call::Delete(_)) {
            prop_assert_eq!(&response["error_code"], "APIGW.0101");
            return Ok(());
        }
        let documented = resolved(&spec()["paths"][path][method]["responses"][status.to_string()]);
        prop_assert!(documented.is_object(), "{} {}: status {} is not documented", method, path, status);
        let response_schema = &documented["content"]["application/json"]["schema"];
        let violations = Validator::new(spec()).validate(response_schema, &response, Direction::Response);
        prop_assert!(violations.is_empty(), "{} does not match the spec: {:?}", response, violations);
        if status == 400 {
            let code = response["error_code"].as_str().unwrap_or("");
            let allowed: &[&str] = match &call {
                Call::Create(_) => &["DBS.200001", "DBS.280277", "DBS.280127", "DBS.280404"],
                Call::Job(_) => &["DBS.200001", "DBS.200543"],
                Call::List(_) => &["DBS.200001"],
                Call::Delete(_) => &["DBS.280214", "DBS.201208"],
            };
            prop_assert!(allowed.contains(&code), "{:?}: {}", call, response);
        }
    }
}

/// Every operation the spec has is drawn by [`calls`]: an operation added
/// to the spec fails here, by name, until it has a case.
#[test]
fn every_spec_operation_has_a_conformance_case() {
    let covered: Vec<&str> = Call::kinds().iter().map(Call::operation_id).collect();
    let missing: Vec<String> = spec_operations()
        .into_iter()
        .filter(|(id, _, _)| !covered.contains(id))
        .map(|(id, path, method)| {
            format!(
                "the spec's operation {id} ({} {path}) has no conformance case: add a `Call` \
                 variant, its strategy in `calls` and its request in `send`, in \
                 crates/gaussdb-backup-emulator/tests/conformance.rs",
                method.to_uppercase()
            )
        })
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    assert!(covered.len() >= 4);
}

/// The description generator once stripped every `^` and `$`, turning
/// `^[^>!<"&'=]*$` into `[>!<"&'=]*`: only forbidden characters. Now it
/// produces valid descriptions, and the emulator accepts them.
#[test]
fn the_description_generator_produces_valid_descriptions() {
    let description = pattern("BackupDescription");
    assert_eq!(unanchored(&description), "[^>!<\"&'=]*");
    let mut runner = TestRunner::deterministic();
    let sample = |regex: &str, runner: &mut TestRunner| -> Vec<String> {
        let strategy = proptest::string::string_regex(regex).unwrap();
        (0..200)
            .map(|_| strategy.new_tree(runner).unwrap().current())
            .collect()
    };
    let now = sample(unanchored(&description), &mut runner);
    let valid_now: Vec<&String> = now
        .iter()
        .filter(|d| !d.is_empty() && valid("BackupDescription", &json!(d)))
        .collect();
    assert!(valid_now.len() >= 100, "{} of 200", valid_now.len());
    let before = sample(&description.replace(['^', '$'], ""), &mut runner);
    assert!(
        !before
            .iter()
            .any(|d| !d.is_empty() && valid("BackupDescription", &json!(d))),
        "the old generator never produced a non-empty valid description"
    );
    // The emulator accepts them (those without a carriage return, which the
    // emulator forbids beyond the spec).
    let h = harness();
    let accepted = valid_now
        .iter()
        .filter(|d| !d.contains('\r'))
        .take(10)
        .filter(|d| {
            let status = h.rt.block_on(async {
                reqwest::Client::new()
                    .post(format!("{}/v3/{PROJECT}/backups/create", h.url))
                    .header("x-auth-token", "t")
                    .json(&json!({"instance_id": INSTANCE, "name": "described", "description": d}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            });
            status == 201
        })
        .count();
    assert_eq!(accepted, 10);
}
