//! Every field rule of the create call, in both directions, from one table:
//! what the client sends or refuses before sending, and what the service
//! (its emulator) accepts or refuses. The table is the contract of
//! `openapi/SOURCES.md`: the client is never stricter than the service, and
//! where official sources disagree the client accepts the union while the
//! emulator enforces the newest rule.

mod support;

use gaussdb_backup::{Client, Credentials, Error, rules};
use gaussdb_backup_emulator::{Config, Emulator};
use support::{Reply, TestServer};

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Name,
    Description,
    InstanceId,
}

/// One row: a value of a field, whether the client sends it, and the code
/// the service answers (`None`: accepted).
struct Row {
    field: Field,
    value: String,
    client_sends: bool,
    service_refuses_with: Option<&'static str>,
}

fn row(
    field: Field,
    value: impl Into<String>,
    client_sends: bool,
    refused: Option<&'static str>,
) -> Row {
    Row {
        field,
        value: value.into(),
        client_sends,
        service_refuses_with: refused,
    }
}

const NAME: Option<&str> = Some("DBS.280277");
const DESCRIPTION: Option<&str> = Some("DBS.280127");
const INSTANCE_ID: Option<&str> = Some("DBS.280404");

fn table() -> Vec<Row> {
    use Field::*;
    vec![
        // Names: the official SDKs' rule (the newest): a letter or Chinese
        // character first; letters, digits, Chinese characters, - and _;
        // 4 to 64 characters and at most 64 UTF-8 bytes.
        row(Name, "abcd", true, None),
        row(Name, "abc", false, NAME),
        row(Name, "", false, NAME),
        row(Name, "a".repeat(64), true, None),
        row(Name, "a".repeat(65), false, NAME),
        row(Name, "a-b_c9", true, None),
        row(Name, "Backup-UPPER_9", true, None),
        row(Name, "1abc", false, NAME),
        row(Name, "-abc", false, NAME),
        row(Name, "_abc", false, NAME),
        row(Name, "ab cd", false, NAME),
        row(Name, "ab.cd", false, NAME),
        // No source says which characters count as Chinese: the client lets
        // any character outside ASCII through where one may stand, and the
        // service (the emulator: CJK ideographs only) decides.
        row(Name, "ábcd", true, NAME),
        row(Name, "㐀abc", true, NAME),
        row(Name, "备份-before-migration", true, None),
        row(Name, "备份abcd", true, None),
        row(Name, "b备份", false, NAME), // 3 characters
        // 21 Chinese characters are 63 bytes; 22 are 66: the byte limit,
        // which JSON Schema cannot state, is the service's to enforce.
        row(Name, "备".repeat(21), true, None),
        row(Name, "备".repeat(22), true, NAME),
        // Descriptions: at most 256 characters, none of >!<"&'=; the newest
        // user manual also forbids carriage returns (the API reference and
        // the SDKs do not: the client sends them).
        row(Description, "Manual backup", true, None),
        row(Description, "", true, None),
        row(Description, "x".repeat(256), true, None),
        row(Description, "x".repeat(257), false, DESCRIPTION),
        row(Description, "备".repeat(256), true, None),
        row(Description, "line one\nline two", true, None),
        row(Description, "line one\r\nline two", true, DESCRIPTION),
        row(Description, "a > b", false, DESCRIPTION),
        row(Description, "wow!", false, DESCRIPTION),
        row(Description, "a < b", false, DESCRIPTION),
        row(Description, "say \"hi\"", false, DESCRIPTION),
        row(Description, "a & b", false, DESCRIPTION),
        row(Description, "it's", false, DESCRIPTION),
        row(Description, "a = b", false, DESCRIPTION),
        // Instance IDs: the newest page says 32 letters and digits then in07;
        // the SDKs say UUID. The client checks what both share.
        row(InstanceId, INSTANCE, true, None),
        row(
            InstanceId,
            INSTANCE.to_uppercase().replace("IN07", "in07"),
            true,
            None,
        ),
        row(
            InstanceId,
            "2f4ddb93-b901-4b08-93d8-1d2e472f30fe",
            true,
            INSTANCE_ID,
        ),
        row(
            InstanceId,
            "07033b125fd94a8a96896f8bcfee6ddain08",
            true,
            INSTANCE_ID,
        ),
        row(InstanceId, &INSTANCE[1..], false, INSTANCE_ID),
        row(InstanceId, format!("{INSTANCE}0"), false, INSTANCE_ID),
        row(
            InstanceId,
            "07033b125fd94a8a9689 f8bcfee6ddain07",
            false,
            INSTANCE_ID,
        ),
        row(InstanceId, "", false, INSTANCE_ID),
    ]
}

/// The table's own invariant, the reason the client checks anything: it
/// refuses only what the service refuses too, with that field's documented
/// code. A row saying the client refuses a value the service accepts would
/// make the client stricter than the service.
#[test]
fn the_client_refuses_only_what_the_service_refuses() {
    for row in table() {
        if row.client_sends {
            continue;
        }
        let documented = match row.field {
            Field::Name => NAME,
            Field::Description => DESCRIPTION,
            Field::InstanceId => INSTANCE_ID,
        };
        assert_eq!(
            row.service_refuses_with, documented,
            "{:?} {:?}: the client refuses it, so the service must refuse it with the field's code",
            row.field, row.value
        );
    }
}

/// Every number in a rule's sentence is one of its schema's limits in the
/// spec, so that a changed limit cannot leave the words behind.
#[test]
fn the_rule_sentences_state_the_specs_limits() {
    let spec = openapi_check::parse(
        include_str!("../openapi/gaussdb-backup.yaml"),
        openapi_check::Format::Yaml,
    )
    .unwrap()
    .value;
    let schemas = &spec["components"]["schemas"];
    for (sentence, schema, limits) in [
        (
            rules::BACKUP_NAME,
            "BackupName",
            ["minLength", "maxLength"].as_slice(),
        ),
        (
            rules::BACKUP_DESCRIPTION,
            "BackupDescription",
            ["maxLength"].as_slice(),
        ),
        (rules::INSTANCE_ID, "InstanceId", ["maxLength"].as_slice()),
        (rules::PROJECT_ID, "ProjectId", ["maxLength"].as_slice()),
    ] {
        let expected: Vec<u64> = limits
            .iter()
            .map(|k| {
                schemas[schema][k]
                    .as_u64()
                    .unwrap_or_else(|| panic!("{schema}.{k}"))
            })
            .collect();
        let numbers: Vec<u64> = sentence
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|n| n.parse().ok())
            .collect();
        for limit in &expected {
            assert!(
                numbers.contains(limit),
                "{schema}: {sentence:?} lacks {limit}"
            );
        }
        // Any other number is the `in07` suffix's 32 of the instance ID
        // (36 minus its four characters) or the 07 of `in07` itself.
        for n in &numbers {
            assert!(
                expected.contains(n) || (schema == "InstanceId" && [32, 7].contains(n)),
                "{schema}: {sentence:?} states {n}, not a limit of the spec"
            );
        }
    }
}

/// The request body for a row: the documented request with one field changed.
fn parts(row: &Row) -> (String, String, Option<String>) {
    let mut instance = INSTANCE.to_owned();
    let mut name = "backup-1".to_owned();
    let mut description = None;
    match row.field {
        Field::Name => name = row.value.clone(),
        Field::Description => description = Some(row.value.clone()),
        Field::InstanceId => instance = row.value.clone(),
    }
    (instance, name, description)
}

#[tokio::test]
async fn the_client_sends_what_the_table_says_and_refuses_in_words() {
    let server = TestServer::start(Reply::json(
        201,
        r#"{"backup":{"id":"b-1"},"job_id":"j-1"}"#,
    ))
    .await;
    let client = Client::builder()
        .endpoint_url(&server.url)
        .project_id(PROJECT)
        .credentials(Credentials::token("token"))
        .build()
        .unwrap();
    for row in table() {
        let (instance, name, description) = parts(&row);
        let before = server.requests().len();
        let mut call = client.create_backup(&instance, &name);
        if let Some(d) = &description {
            call = call.description(d);
        }
        let result = call.send().await;
        let sent = server.requests().len() > before;
        assert_eq!(
            sent, row.client_sends,
            "{:?} {:?}: {result:?}",
            row.field, row.value
        );
        if row.client_sends {
            result.unwrap_or_else(|e| panic!("{:?} {:?}: {e}", row.field, row.value));
        } else {
            let err = result.unwrap_err();
            let Error::InvalidArgument { field, rule } = &err else {
                panic!("{:?} {:?}: {err:?}", row.field, row.value);
            };
            let expected = match row.field {
                Field::Name => "name",
                Field::Description => "description",
                Field::InstanceId => "instance_id",
            };
            assert_eq!(*field, expected);
            // Words, not a regular expression.
            assert!(rule.starts_with("must "), "{rule}");
            assert!(!rule.contains('^') && !rule.contains("[A-Z"), "{rule}");
        }
    }
}

#[tokio::test]
async fn the_emulator_answers_what_the_table_says() {
    let emulator = Emulator::start(Config::default()).await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/v3/{PROJECT}/backups/create", emulator.url());
    for row in table() {
        let (instance, name, description) = parts(&row);
        let mut body = serde_json::json!({ "instance_id": instance, "name": name });
        if let Some(d) = description {
            body["description"] = d.into();
        }
        let response = http
            .post(&url)
            .header("X-Auth-Token", "any-token")
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let answer: serde_json::Value = response.json().await.unwrap_or_default();
        match row.service_refuses_with {
            // Accepted: created, or refused for another reason than this
            // field (the instance is unknown, or already has a backup
            // running from an earlier row).
            None => assert!(
                status != 400,
                "{:?} {:?} refused: {answer}",
                row.field,
                row.value
            ),
            Some(code) => {
                assert_eq!(status, 400, "{:?} {:?}: {answer}", row.field, row.value);
                assert_eq!(
                    answer["error_code"], code,
                    "{:?} {:?}",
                    row.field, row.value
                );
            }
        }
    }
    emulator.shutdown().await;
}
