//! The constrained types at every boundary, through the public client: a
//! violation is caught before anything is sent, with an error naming the field
//! and the rule. No server runs here: the endpoint is a closed loopback port,
//! so a request that escaped validation would fail with a transport error
//! instead of `InvalidArgument`.

use gaussdb_backup::{Client, Credentials, Error, types};

const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

fn client() -> Client {
    Client::builder()
        // Port 9 (discard) on loopback: nothing listens there in tests.
        .endpoint_url("http://127.0.0.1:9")
        .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
        .credentials(Credentials::token("token"))
        .timeout(std::time::Duration::from_millis(500))
        .build()
        .unwrap()
}

/// `Ok(())` when the value passes validation (the call then fails on the
/// closed port), or the rule it broke.
async fn check(instance_id: &str, name: &str, description: Option<&str>) -> Result<(), String> {
    let client = client();
    let mut call = client.create_backup(instance_id, name);
    if let Some(description) = description {
        call = call.description(description);
    }
    match call.send().await {
        Err(Error::InvalidArgument { field, rule }) => Err(format!("{field}: {rule}")),
        Err(Error::Transport(_) | Error::Timeout(_)) => Ok(()),
        other => panic!("unexpected result: {other:?}"),
    }
}

#[tokio::test]
async fn names_at_every_boundary() {
    let table: &[(&str, Option<&str>)] = &[
        ("abc", Some("shorter than 4 characters")),
        ("abcd", None),
        (&"a".repeat(64), None),
        (&"a".repeat(65), Some("longer than 64 characters")),
        ("1abc", Some("doesn't match pattern")),
        ("-abc", Some("doesn't match pattern")),
        ("_abc", Some("doesn't match pattern")),
        ("a-b_c9", None),
        ("Backup-UPPER_9", None),
        ("ábcd", Some("doesn't match pattern")),
        ("abcé", Some("doesn't match pattern")),
        ("ab cd", Some("doesn't match pattern")),
        ("ab.cd", Some("doesn't match pattern")),
        ("", Some("shorter than 4 characters")),
    ];
    for (name, expected) in table {
        let result = check(INSTANCE, name, None).await;
        match expected {
            None => assert_eq!(result, Ok(()), "name {name:?}"),
            Some(rule) => {
                let err = result.expect_err(name);
                assert!(
                    err.starts_with("name: ") && err.contains(rule),
                    "name {name:?}: {err}"
                );
            }
        }
    }
}

#[tokio::test]
async fn descriptions_at_every_boundary() {
    let mut table: Vec<(String, Option<&str>)> = vec![
        (String::new(), None),
        ("x".repeat(256), None),
        ("x".repeat(257), Some("longer than 256 characters")),
        // Characters, not bytes: 256 two-byte characters are allowed.
        ("é".repeat(256), None),
        ("备份说明".to_owned(), None),
        ("line one\nline two".to_owned(), None),
    ];
    for forbidden in ['>', '!', '<', '"', '&', '\'', '='] {
        table.push((
            format!("nightly {forbidden} backup"),
            Some("doesn't match pattern"),
        ));
    }
    for (description, expected) in &table {
        let result = check(INSTANCE, "backup-1", Some(description)).await;
        match expected {
            None => assert_eq!(result, Ok(()), "description {description:?}"),
            Some(rule) => {
                let err = result.expect_err(description);
                assert!(
                    err.starts_with("description: ") && err.contains(rule),
                    "description {description:?}: {err}"
                );
            }
        }
    }
}

#[tokio::test]
async fn instance_ids() {
    let table: &[(&str, bool)] = &[
        (INSTANCE, true),
        ("07033b125fd94a8a96896f8bcfee6dda", false),
        ("07033b125fd94a8a96896f8bcfee6ddain08", false),
        ("07033B125FD94A8A96896F8BCFEE6DDAin07", false),
        ("2f4ddb93-b901-4b08-93d8-1d2e472f30fe", false),
        ("", false),
    ];
    for (id, valid) in table {
        let result = check(id, "backup-1", None).await;
        assert_eq!(result.is_ok(), *valid, "instance_id {id:?}: {result:?}");
        if let Err(err) = result {
            assert!(err.starts_with("instance_id: "), "{err}");
        }
    }
}

#[test]
fn project_id_is_checked_when_the_client_is_built() {
    for bad in [
        "",
        "619d3e78f61b4be68bc5aa0b59edcf7",
        "619d3e78f61b4be68bc5aa0b59edcf7b0",
        "619d3e78-61b4be68bc5aa0b59edcf7b",
    ] {
        let err = Client::builder()
            .endpoint_url("http://127.0.0.1:9")
            .project_id(bad)
            .credentials(Credentials::token("t"))
            .build()
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    field: "project_id",
                    ..
                }
            ),
            "{bad}: {err}"
        );
    }
}

#[test]
fn the_generated_types_enforce_the_same_rules() {
    assert!(types::BackupName::try_from("abcd").is_ok());
    assert!(types::BackupName::try_from("abc").is_err());
    assert!(types::BackupDescription::try_from("a=b").is_err());
    // Deserializing enforces them too, so a constrained type never holds an
    // invalid value.
    assert!(serde_json::from_str::<types::BackupName>("\"9abc\"").is_err());
}
