//! Property-based conformance, generated from the spec: requests drawn from
//! the body schema's own rules (valid and broken) go to the emulator; every
//! schema-valid request gets a documented 2xx, every invalid one a documented
//! 4xx, and every response validates against the spec's schema for its
//! status (with openapi-check's OpenAPI 3.0 validator, response direction).

use std::sync::OnceLock;

use gaussdb_backup_emulator::{Config, Emulator};
use openapi_check::validate::{Direction, Validator};
use proptest::prelude::*;
use serde_json::{Value, json};

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const OP: &str = "/paths/~1v3~1{project_id}~1backups~1create/post";

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = include_str!("../../../openapi/gaussdb-backup.yaml");
        openapi_check::parse(text, openapi_check::Format::Yaml)
            .unwrap()
            .value
    })
}

fn schema(name: &str) -> &'static Value {
    &spec()["components"]["schemas"][name]
}

/// Whether `value` satisfies the spec's schema `name` (request direction).
fn valid(name: &str, value: &Value) -> bool {
    Validator::new(spec())
        .validate(schema(name), value, Direction::Request)
        .is_empty()
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

fn bodies() -> impl Strategy<Value = Value> {
    let instance = prop_oneof![
        4 => Just("07033b125fd94a8a96896f8bcfee6ddain07".to_owned()),
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

/// Where the emulator is knowingly stricter than the spec (the newest
/// official rules; the spec keeps the client permissive): a carriage return
/// in the description, a name longer than 64 bytes.
fn stricter_than_spec(body: &Value) -> bool {
    body["description"]
        .as_str()
        .is_some_and(|d| d.contains('\r'))
        || body["name"].as_str().is_some_and(|n| n.len() > 64)
}

fn runtime() -> &'static (tokio::runtime::Runtime, String) {
    static RT: OnceLock<(tokio::runtime::Runtime, String)> = OnceLock::new();
    RT.get_or_init(|| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        // Backups complete at once, so no request meets a 409.
        let url = rt.block_on(async {
            let emulator = Emulator::start(Config {
                jobs: gaussdb_backup_emulator::JobSchedule::INSTANT,
                ..Config::default()
            })
            .await
            .unwrap();
            let url = emulator.url();
            std::mem::forget(emulator);
            url
        });
        (rt, url)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn responses_conform_to_the_spec(body in bodies()) {
        let (rt, url) = runtime();
        let (status, response) = rt.block_on(async {
            let r = reqwest::Client::new()
                .post(format!("{url}/v3/{PROJECT}/backups/create"))
                .header("x-auth-token", "t")
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        });
        let request_valid = valid("CreateBackupRequest", &body) && !stricter_than_spec(&body);
        let known = body["instance_id"] == "07033b125fd94a8a96896f8bcfee6ddain07";
        let expected = match (request_valid, known) {
            (true, true) => 201,
            (true, false) => 404,
            (false, _) => 400,
        };
        prop_assert_eq!(status, expected, "body {} answered {}", body, response);
        let documented = &spec().pointer(OP).unwrap()["responses"][status.to_string()];
        prop_assert!(documented.is_object(), "status {} is not documented", status);
        let response_schema = &documented["content"]["application/json"]["schema"];
        let violations = Validator::new(spec()).validate(response_schema, &response, Direction::Response);
        prop_assert!(violations.is_empty(), "{} does not match the spec: {:?}", response, violations);
    }
}
