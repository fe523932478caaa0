//! The smoke run end to end against the emulator, in process, on loopback:
//! the client, the recording proxy, the emulator and the waits all share
//! one `ManualClock`, so an hour-long wait takes milliseconds and nothing
//! depends on the wall clock.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use gaussdb_backup::{Client, Credentials, ManualClock};
use gaussdb_backup_emulator::drift::Deviation;
use gaussdb_backup_emulator::{Config, Emulator, JobSchedule};
use serde_json::{Value, json};

use super::drift::Kind;
use super::report::Outcome;
use super::*;

const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";
const OTHER_INSTANCE: &str = "17033b125fd94a8a96896f8bcfee6ddain07";
const SECRET: &str = "smoke-secret-Zq81x";

struct World {
    emulator: Emulator,
    clock: ManualClock,
    spec: Value,
    text: String,
}

fn spec_text() -> String {
    std::fs::read_to_string(crate::project_root().join(crate::spec::SPEC_PATH)).unwrap()
}

async fn world(jobs: JobSchedule) -> World {
    let clock = ManualClock::default();
    let emulator = Emulator::start(Config {
        clock: Arc::new(clock.clone()),
        jobs,
        instances: [INSTANCE, OTHER_INSTANCE].map(str::to_owned).into(),
        key_pairs: [("smokeAK".to_owned(), SECRET.to_owned())].into(),
        ..Config::default()
    })
    .await
    .unwrap();
    let text = spec_text();
    World {
        emulator,
        clock,
        spec: parse_spec(&text).unwrap(),
        text,
    }
}

/// Jobs visible after a moment, pending, then running for a minute.
fn schedule() -> JobSchedule {
    JobSchedule {
        visible_after: Duration::from_secs(3),
        pending: Duration::from_secs(5),
        running: Duration::from_secs(60),
        ..JobSchedule::INSTANT
    }
}

impl World {
    /// The settings of a run against the emulator: a documented optional
    /// property it does not send is expected to be absent (the emulator's
    /// `behaviour::the_emulator_sends_every_property_it_simulates` pins what
    /// it sends), as `.ci/run` runs it.
    fn settings(&self, mode: Mode) -> Settings {
        Settings {
            endpoint: self.emulator.url(),
            project_id: PROJECT.into(),
            instance_id: INSTANCE.into(),
            credentials: Credentials::aksk("smokeAK", SECRET),
            mode,
            clock: Arc::new(self.clock.clone()),
            optional_may_be_absent: true,
        }
    }

    async fn run(&self, mode: Mode) -> Run {
        execute(&self.settings(mode), &self.spec, &self.text, &|_| {})
            .await
            .unwrap()
    }

    /// A run as against the live service: every documented property that
    /// never came is drift.
    async fn strict_run(&self) -> Run {
        let settings = Settings {
            optional_may_be_absent: false,
            ..self.settings(Mode::Lifecycle)
        };
        execute(&settings, &self.spec, &self.text, &|_| {})
            .await
            .unwrap()
    }

    async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/_emulator/{path}", self.emulator.url());
        let mut request = reqwest::Client::new().request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.unwrap();
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
        answer.json().await.unwrap_or(Value::Null)
    }

    /// The backups the emulator still holds (created ones, not deleted).
    async fn held(&self) -> Vec<Value> {
        let all = self.admin(reqwest::Method::GET, "backups", None).await;
        all["created"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e.get("backup").filter(|b| !b.is_null()).cloned())
            .collect()
    }

    /// A client straight to the emulator (no proxy), to set the scene.
    fn client(&self) -> Client {
        Client::builder()
            .endpoint_url(&self.emulator.url())
            .project_id(PROJECT)
            .credentials(Credentials::token("any"))
            .clock(Arc::new(self.clock.clone()))
            .build()
            .unwrap()
    }
}

#[tokio::test]
async fn a_clean_run_passes_and_its_report_is_empty() {
    let w = world(schedule()).await;
    let run = w.run(Mode::Lifecycle).await;
    let report = &run.report;
    let lifecycle = report.lifecycle.as_ref().unwrap();
    let steps: Vec<_> = lifecycle
        .steps
        .iter()
        .map(|s| (s.step.as_str(), s.ok))
        .collect();
    assert_eq!(
        steps,
        [
            ("create", true),
            ("wait", true),
            ("find by ID", true),
            ("find by name", true),
            ("show job", true),
            ("delete", true),
            ("gone", true)
        ],
        "{lifecycle:#?}"
    );
    assert_eq!(
        report.drift.findings,
        [],
        "{}\nAgainst the emulator, `documented-field-missing` means the emulator never sends \
         that property: set it where the emulator builds the answer (the builders in \
         crates/gaussdb-backup-emulator/src/backups.rs, jobs.rs, create.rs) or, if the spec \
         says the service sends it only sometimes, add it to `CONDITIONAL` in \
         xtask/src/smoke/drift.rs",
        report.markdown("spec")
    );
    assert_eq!(report.outcome, Outcome::Passed);
    assert_eq!(report.outcome.exit_code(), 0);
    assert!(
        report.drift.exchanges >= 7,
        "every call went through the proxy"
    );
    assert_eq!(lifecycle.cleanup, None);
    assert_eq!(w.held().await, Vec::<Value>::new(), "the backup is deleted");
    assert!(
        report
            .markdown("spec")
            .contains("Every answer matches the spec")
    );
    w.emulator.shutdown().await;
}

/// The key of a finding that tests compare.
fn key(f: &drift::Finding) -> (Kind, &str, u16, &str, &str) {
    (
        f.kind,
        f.operation.as_str(),
        f.status,
        f.pointer.as_str(),
        f.spec_pointer.as_str(),
    )
}

fn expected_drift() -> Vec<(Kind, &'static str, u16, &'static str, &'static str)> {
    let list = "ShowGaussMySqlBackupList";
    vec![
        (
            Kind::EnumValueOutsideSpec,
            "CreateGaussMySqlBackup",
            201,
            "/backup/status",
            "/components/schemas/BackupStatus/enum",
        ),
        (
            Kind::UndeclaredProperty,
            list,
            200,
            "/backups/0/emulator_drift",
            "/components/schemas/BackupSummary/properties",
        ),
        (
            Kind::DocumentedFieldMissing,
            list,
            200,
            "/backups/0/instance_name",
            "/components/schemas/BackupSummary/properties/instance_name",
        ),
        (
            Kind::TimeOffset,
            list,
            200,
            "/backups/0/begin_time",
            "/components/schemas/Timestamp",
        ),
    ]
}

async fn drifting_world() -> World {
    let w = world(schedule()).await;
    let all: Vec<&str> = Deviation::ALL.iter().map(|d| d.name()).collect();
    w.admin(
        reqwest::Method::POST,
        "drift",
        Some(json!({ "deviations": all })),
    )
    .await;
    w
}

#[tokio::test]
async fn drift_mode_is_reported_exactly_at_the_right_pointers() {
    let w = drifting_world().await;
    let run = w.strict_run().await;
    let report = &run.report;
    // Without drift mode, a strict run finds only the properties the spec
    // has and the emulator does not simulate (none today): drift mode adds
    // exactly the expected findings to those.
    w.admin(reqwest::Method::DELETE, "drift", None).await;
    let baseline = w.strict_run().await.report.drift.findings;
    assert!(
        baseline
            .iter()
            .all(|f| f.kind == Kind::DocumentedFieldMissing),
        "{baseline:#?}"
    );
    let baseline: Vec<_> = baseline.iter().map(key).collect();
    let mut found: Vec<_> = report
        .drift
        .findings
        .iter()
        .map(key)
        .filter(|k| !baseline.contains(k))
        .collect();
    found.sort();
    let mut expected = expected_drift();
    expected.sort();
    assert_eq!(found, expected, "{}", report.markdown("spec"));
    assert_eq!(report.outcome, Outcome::DriftFound);
    assert_eq!(report.outcome.exit_code(), 3);
    assert!(report.lifecycle.as_ref().unwrap().failed_step().is_none());
    let status = &report
        .drift
        .findings
        .iter()
        .find(|f| f.kind == Kind::EnumValueOutsideSpec);
    assert_eq!(status.unwrap().value.as_deref(), Some("CREATING"));
    let time = report
        .drift
        .findings
        .iter()
        .find(|f| f.kind == Kind::TimeOffset)
        .unwrap();
    assert!(
        time.value.as_deref().unwrap().ends_with("+08:00"),
        "{time:?}"
    );
    // Every place in the spec is found in the file (a line to change).
    assert!(report.drift.findings.iter().all(|f| f.spec_line.is_some()));
    // Turned off, the same emulator is clean again: drift never changed state.
    assert_eq!(w.run(Mode::Lifecycle).await.report.drift.findings, []);
    // With --optional-may-be-absent, the missing property is shown as
    // expected-absent instead, saying why.
    w.admin(
        reqwest::Method::POST,
        "drift",
        Some(json!({ "deviations": ["missing-field"] })),
    )
    .await;
    let lenient = w.run(Mode::Lifecycle).await.report;
    assert_eq!(lenient.drift.findings, [], "{}", lenient.markdown("spec"));
    let pointer = "/components/schemas/BackupSummary/properties/instance_name";
    let absent = lenient
        .drift
        .expected_absent
        .iter()
        .find(|a| a.spec_pointer == pointer)
        .unwrap_or_else(|| panic!("{:#?}", lenient.drift.expected_absent));
    assert!(
        absent.why.contains("--optional-may-be-absent"),
        "{absent:?}"
    );
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn record_then_replay_gives_the_same_drift_report() {
    let w = drifting_world().await;
    let run = w.run(Mode::Lifecycle).await;
    let dir = std::env::temp_dir().join(format!("xtask-smoke-replay-{}", std::process::id()));
    record::save(&dir, &run.exchanges).unwrap();
    let replayed = drift::check(
        &w.spec,
        &w.text,
        &record::load(&dir).unwrap(),
        &Redactor::default(),
        true,
    );
    assert_eq!(replayed, run.report.drift);
    assert_eq!(
        report::drift_markdown(&replayed, "spec"),
        report::drift_markdown(&run.report.drift, "spec")
    );
    assert!(!replayed.findings.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn the_sweeper_deletes_only_old_prefixed_manual_backups_of_the_instance() {
    let w = world(JobSchedule::INSTANT).await;
    let client = w.client();
    let create = |instance: &'static str, name: &'static str| {
        let client = client.clone();
        async move {
            client
                .create_backup(instance, name)
                .send()
                .await
                .unwrap()
                .backup
                .id
        }
    };
    let old_ours = create(INSTANCE, "gdbsmoke-20260101T000000Z-aaaaaa").await;
    create(INSTANCE, "nightly-before-migration").await;
    create(OTHER_INSTANCE, "gdbsmoke-20260101T000000Z-bbbbbb").await;
    w.clock.advance(Duration::from_secs(60 * 60));
    create(INSTANCE, "gdbsmoke-20260101T010000Z-cccccc").await;
    w.clock.advance(Duration::from_secs(59 * 60));
    // Now the first three are 1 h 59 min old, the last 59 min.
    let dry = w.run(Mode::Sweep { dry_run: true }).await.report;
    let sweep = dry.sweep.as_ref().unwrap();
    let matched: Vec<_> = sweep.matched.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(matched, [old_ours.as_str()]);
    assert_eq!(
        sweep.kept, 2,
        "the other instance's backup is not even listed"
    );
    assert_eq!(w.held().await.len(), 4, "--dry-run deletes nothing");
    assert_eq!(dry.outcome, Outcome::Passed);

    let swept = w.run(Mode::Sweep { dry_run: false }).await.report;
    assert_eq!(swept.sweep.as_ref().unwrap().matched.len(), 1);
    assert!(swept.sweep.as_ref().unwrap().ok());
    let left: BTreeSet<String> = w
        .held()
        .await
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        left,
        [
            "gdbsmoke-20260101T000000Z-bbbbbb",
            "gdbsmoke-20260101T010000Z-cccccc",
            "nightly-before-migration"
        ]
        .map(str::to_owned)
        .into()
    );
    assert_eq!(
        swept.drift.findings,
        [],
        "the sweep's answers are checked too"
    );
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn a_wait_that_fails_midway_still_deletes_the_backup_and_says_so() {
    // The backup takes 90 minutes; the run waits 60: the wait fails while
    // the backup is still being built, so the clean-up must wait for it.
    let w = world(JobSchedule {
        running: Duration::from_secs(90 * 60),
        ..schedule()
    })
    .await;
    let report = w.run(Mode::Lifecycle).await.report;
    let lifecycle = report.lifecycle.as_ref().unwrap();
    assert_eq!(
        lifecycle.failed_step().map(|s| s.step.as_str()),
        Some("wait")
    );
    let id = lifecycle.backup_id.as_deref().unwrap();
    assert_eq!(
        lifecycle.cleanup.as_deref(),
        Some(format!("deleted backup {id}, which this run created").as_str())
    );
    assert_eq!(w.held().await, Vec::<Value>::new());
    assert_eq!(report.outcome, Outcome::Failed);
    assert!(
        report.summary().starts_with("failed at step `wait`"),
        "{}",
        report.summary()
    );
    assert!(
        report
            .markdown("spec")
            .contains("Clean-up after the failure: deleted backup")
    );
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn a_failed_backup_is_deleted_too() {
    let w = world(schedule()).await;
    w.admin(
        reqwest::Method::POST,
        "backup-failures",
        Some(json!({"count": 1})),
    )
    .await;
    let report = w.run(Mode::Lifecycle).await.report;
    let lifecycle = report.lifecycle.as_ref().unwrap();
    assert_eq!(
        lifecycle.failed_step().map(|s| s.step.as_str()),
        Some("wait")
    );
    assert!(
        lifecycle
            .cleanup
            .as_deref()
            .unwrap()
            .starts_with("deleted backup")
    );
    assert_eq!(w.held().await, Vec::<Value>::new());
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn no_secret_reaches_a_record_or_a_report() {
    let w = world(schedule()).await;
    // The service echoes the secret key in an error: the worst case.
    w.admin(
        reqwest::Method::POST,
        "faults",
        Some(json!({"count": 1, "status": 500, "error_msg": format!("leaked {SECRET}")})),
    )
    .await;
    let run = w.run(Mode::Lifecycle).await;
    assert_eq!(
        run.report.outcome,
        Outcome::Failed,
        "the create got the 500"
    );
    let dir = std::env::temp_dir().join(format!("xtask-smoke-secrets-{}", std::process::id()));
    record::save(&dir, &run.exchanges).unwrap();
    run.report.write(&dir, "spec").unwrap();
    let mut seen_redacted = false;
    for file in ["responses.json", "report.md", "report.json"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        for secret in [
            SECRET,
            "SDK-HMAC-SHA256",
            "Signature=",
            "smoke-recording-proxy",
        ] {
            assert!(!text.contains(secret), "{file} shows {secret}:\n{text}");
        }
        seen_redacted |= text.contains(redact::REDACTED);
    }
    assert!(seen_redacted, "the echoed secret was there to redact");
    assert!(!run.report.summary().contains(SECRET));
    std::fs::remove_dir_all(&dir).unwrap();
    w.emulator.shutdown().await;
}

#[test]
fn it_refuses_to_start_and_names_everything_missing() {
    let args = |extra: &[&str]| {
        use clap::Parser;
        let argv = ["xtask", "smoke"].iter().chain(extra).copied();
        match crate::flags::Flags::try_parse_from(argv).unwrap().command {
            crate::flags::Command::Smoke(args) => args,
            _ => unreachable!(),
        }
    };
    let none = |_: &str| None;
    let err = settings(&args(&[]), &none).err().unwrap().to_string();
    for needed in [
        "--instance-id",
        "--region",
        "--endpoint",
        "--project-id",
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_TOKEN",
    ] {
        assert!(err.contains(needed), "{err}");
    }
    assert!(err.contains("nothing was sent"), "{err}");
    let only_ak = |n: &str| (n == "HUAWEICLOUD_SDK_AK").then(|| "ak".to_owned());
    let full = args(&[
        "--instance-id",
        INSTANCE,
        "--endpoint",
        "http://127.0.0.1:9",
        "--project-id",
        PROJECT,
    ]);
    let err = settings(&full, &only_ak).err().unwrap().to_string();
    assert!(
        err.contains("credentials") && !err.contains("--instance-id"),
        "{err}"
    );
    let env = |n: &str| match n {
        "HUAWEICLOUD_SDK_AK" => Some("ak".to_owned()),
        "HUAWEICLOUD_SDK_SK" => Some(SECRET.to_owned()),
        _ => None,
    };
    let ok = settings(&full, &env).unwrap();
    assert!(ok.credentials.is_signing());
    assert_eq!(ok.endpoint, "http://127.0.0.1:9");
    assert_eq!(ok.mode, Mode::Lifecycle);
    let token = |n: &str| (n == "HUAWEICLOUD_TOKEN").then(|| "t".to_owned());
    assert!(!settings(&full, &token).unwrap().credentials.is_signing());
    let region = args(&[
        "--instance-id",
        INSTANCE,
        "--region",
        "nowhere-1",
        "--project-id",
        PROJECT,
    ]);
    let err = settings(&region, &env).err().unwrap().to_string();
    assert!(err.contains("nowhere-1"), "{err}");
}
