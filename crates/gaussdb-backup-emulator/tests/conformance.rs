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

/// An operation's parameter (`in`, `name`), resolved.
fn parameter(path: &str, method: &str, name: &str) -> &'static Value {
    let op = &spec()["paths"][path][method];
    op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| match p.get("$ref").and_then(Value::as_str) {
            Some(r) => spec().pointer(r.trim_start_matches('#')).unwrap(),
            None => p,
        })
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"))
}

/// Whether a query value satisfies its parameter's schema: for an integer
/// parameter a canonical integer literal is read as a number, anything else
/// (and every other parameter's value) as a string.
fn query_value_valid(path: &str, method: &str, name: &str, raw: &str) -> bool {
    let mut schema = parameter(path, method, name)["schema"].clone();
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        schema = spec().pointer(r.trim_start_matches('#')).unwrap().clone();
    }
    let value = match raw.parse::<i64>() {
        Ok(n) if schema["type"] == "integer" && n.to_string() == raw => json!(n),
        _ => json!(raw),
    };
    satisfies(&schema, &value)
}

/// One call of any operation.
#[derive(Clone, Debug)]
enum Call {
    Create(Value),
    Job(String),
    List(Vec<(String, String)>),
    Delete(String),
}

fn bodies() -> impl Strategy<Value = Value> {
    let instance = prop_oneof![
        4 => Just(INSTANCE.to_owned()),
        1 => Just("ffffffffffffffffffffffffffffffffin07".to_owned()),
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

/// Where the emulator is knowingly stricter than the spec: a carriage
/// return in the description or a name over 64 bytes (the newest official
/// rules); a name with a character outside ASCII that is not a CJK
/// ideograph (the spec lets any through, as no source says which characters
/// count as Chinese); an instance ID that does not end in `in07`; list
/// times that are not in the service's time form, or an end not after the
/// begin.
fn stricter_than_spec(call: &Call) -> bool {
    match call {
        Call::Create(body) => {
            body["description"]
                .as_str()
                .is_some_and(|d| d.contains('\r'))
                || body["name"].as_str().is_some_and(|n| n.len() > 64)
                || body["name"].as_str().is_some_and(|n| {
                    n.chars()
                        .any(|c| !c.is_ascii() && !('\u{4e00}'..='\u{9fff}').contains(&c))
                })
                || body["instance_id"]
                    .as_str()
                    .is_some_and(|i| gaussdb_backup_emulator::rules::instance_id(i).is_err())
        }
        Call::List(query) => {
            let time = |k: &str| {
                query
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| gaussdb_backup_emulator::state::parse_service_time(v))
            };
            let (begin, end) = (time("begin_time"), time("end_time"));
            matches!(begin, Some(None))
                || matches!(end, Some(None))
                || matches!((begin, end), (Some(Some(b)), Some(Some(e))) if e / 1000 <= b / 1000)
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
    let (path, method, expected, request) = match call {
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
            ("/v3/{project_id}/backups/create", "post", expected, request)
        }
        Call::Job(id) => {
            let known = h.jobs.contains(id);
            let expected = if known { 200 } else { 400 };
            let request = http.get(format!(
                "{}/v3/{PROJECT}/jobs?{}",
                h.url,
                encode(&[("id".to_owned(), id.clone())])
            ));
            ("/v3/{project_id}/jobs", "get", expected, request)
        }
        Call::List(query) => {
            let valid = query
                .iter()
                .all(|(k, v)| query_value_valid("/v3/{project_id}/backups", "get", k, v))
                && !stricter_than_spec(call);
            let expected = if valid { 200 } else { 400 };
            let request = http.get(format!("{}/v3/{PROJECT}/backups?{}", h.url, encode(query)));
            ("/v3/{project_id}/backups", "get", expected, request)
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
            (
                "/v3/{project_id}/backups/{backup_id}",
                "delete",
                expected,
                request,
            )
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
        let documented = &spec()["paths"][path][method]["responses"][status.to_string()];
        let documented = match documented.get("$ref").and_then(Value::as_str) {
            Some(r) => spec().pointer(r.trim_start_matches('#')).unwrap(),
            None => documented,
        };
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
