//! Deprecation and stability as policy a team sets (`diff:` in the config
//! file): removing a deprecated operation or parameter before its
//! `x-sunset` breaks clients, after it does not; a stability level may not
//! go down; operations less stable than the policy's level are compared but
//! not held to the contract; deprecating needs a sunset far enough away when
//! the policy sets a period. The date is pinned (`DiffOptions::today`).

use chrono::NaiveDate;
use openapi_check::diff::{DiffOptions, DiffReport, Level, Stability, diff_with};
use openapi_check::{Config, Source};

/// A one-operation document; `extra` goes into the operation.
fn spec(extra: &str, param: &str) -> String {
    format!(
        "openapi: 3.0.3
info: {{title: Pets, version: '1'}}
paths:
  /pets:
    get:
      operationId: listPets
{extra}      parameters:
{param}        - {{name: limit, in: query, schema: {{type: integer, maximum: 100}}}}
      responses:
        '200': {{description: The pets.}}
"
    )
}

const GONE: &str = "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths: {}\n";

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn run(old: &str, new: &str, options: &DiffOptions) -> DiffReport {
    diff_with(
        &Source::new("old.yaml", old),
        &Source::new("new.yaml", new),
        options,
    )
    .unwrap()
}

/// The rule and level of the one change of a report.
fn only(report: &DiffReport) -> (&'static str, Level) {
    assert_eq!(report.changes.len(), 1, "{:#?}", report.changes);
    (report.changes[0].rule.as_str(), report.changes[0].level)
}

fn on(today: &str) -> DiffOptions {
    DiffOptions {
        today: Some(day(today)),
        ..DiffOptions::default()
    }
}

#[test]
fn removing_a_deprecated_operation_breaks_until_its_sunset() {
    let old = spec("      deprecated: true\n      x-sunset: '2030-01-01'\n", "");
    assert_eq!(
        only(&run(&old, GONE, &on("2029-12-31"))),
        ("api-removed-before-sunset", Level::Breaking)
    );
    assert_eq!(
        only(&run(&old, GONE, &on("2030-01-02"))),
        ("api-removed-with-deprecation", Level::NonBreaking)
    );
    let undeprecated = spec("", "");
    assert_eq!(
        only(&run(&undeprecated, GONE, &on("2030-01-02"))),
        ("api-removed-without-deprecation", Level::Breaking)
    );
}

#[test]
fn removing_a_deprecated_parameter_breaks_until_its_sunset() {
    let deprecated = "        - {name: sort, in: query, deprecated: true, x-sunset: '2030-01-01', schema: {type: string}}\n";
    let (old, new) = (spec("", deprecated), spec("", ""));
    assert_eq!(
        only(&run(&old, &new, &on("2029-12-31"))),
        ("request-parameter-removed-before-sunset", Level::Breaking)
    );
    assert_eq!(
        only(&run(&old, &new, &on("2030-01-02"))),
        (
            "request-parameter-removed-with-deprecation",
            Level::NonBreaking
        )
    );
}

#[test]
fn a_stability_level_may_not_go_down() {
    let (stable, beta) = (
        spec("      x-stability-level: stable\n", ""),
        spec("      x-stability-level: beta\n", ""),
    );
    let options = DiffOptions::default();
    assert_eq!(
        only(&run(&stable, &beta, &options)),
        ("api-stability-decreased", Level::Breaking)
    );
    assert_eq!(
        only(&run(&beta, &stable, &options)),
        ("api-stability-increased", Level::NonBreaking)
    );
}

/// Below the policy's level (`beta` by default, as oasdiff's), an
/// operation's breaking changes are reported as non-breaking, saying why;
/// a team that holds `alpha` operations to the contract sets the level.
#[test]
fn operations_below_the_policys_stability_are_not_held_to_the_contract() {
    let alpha = "      x-stability-level: alpha\n";
    let old = spec(alpha, "");
    let new = spec(alpha, "").replace("maximum: 100", "maximum: 10");
    let report = run(&old, &new, &DiffOptions::default());
    assert_eq!(
        only(&report),
        ("request-parameter-max-decreased", Level::NonBreaking)
    );
    assert!(
        report.changes[0].message.ends_with(
            "(non-breaking by policy: the operation's x-stability-level is alpha, below beta)"
        ),
        "{}",
        report.changes[0].message
    );
    let strict = DiffOptions {
        stability_level: Stability::Alpha,
        ..DiffOptions::default()
    };
    assert_eq!(
        only(&run(&old, &new, &strict)),
        ("request-parameter-max-decreased", Level::Breaking)
    );
}

/// With a deprecation period, deprecating needs a sunset date at least that
/// far away; without one (the default) any deprecation is fine.
#[test]
fn a_deprecation_period_asks_for_a_sunset_far_enough_away() {
    let old = spec("", "");
    let soon = spec("      deprecated: true\n      x-sunset: '2030-01-10'\n", "");
    let bare = spec("      deprecated: true\n", "");
    let policy = DiffOptions {
        deprecation_days_stable: 30,
        ..on("2030-01-01")
    };
    assert_eq!(
        only(&run(&old, &soon, &policy)),
        ("api-sunset-date-too-small", Level::Breaking)
    );
    assert_eq!(
        only(&run(&old, &bare, &policy)),
        ("api-deprecated-sunset-missing", Level::Breaking)
    );
    assert_eq!(
        only(&run(&old, &soon, &on("2030-01-01"))),
        ("endpoint-deprecated", Level::NonBreaking)
    );
}

/// An `x-sunset` that is not a date is refused where it is written.
#[test]
fn an_invalid_sunset_is_an_error_at_its_place() {
    let old = spec("      deprecated: true\n      x-sunset: soon\n", "");
    let err = diff_with(
        &Source::new("old.yaml", old.as_str()),
        &Source::new("new.yaml", GONE),
        &DiffOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "old.yaml:8:7: x-sunset \"soon\" is not an RFC 3339 date (2025-12-31) (at #/paths/~1pets/get/x-sunset)"
    );
}

/// The CLI reads the policy from the config file's `diff:` section.
#[test]
fn the_cli_reads_the_policy_from_the_config_file() {
    let dir = std::env::temp_dir().join(format!("openapi-check-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let alpha = "      x-stability-level: alpha\n";
    std::fs::write(dir.join("old.yaml"), spec(alpha, "")).unwrap();
    std::fs::write(
        dir.join("new.yaml"),
        spec(alpha, "").replace("maximum: 100", "maximum: 10"),
    )
    .unwrap();
    std::fs::write(dir.join("config.yaml"), "diff:\n  stability-level: alpha\n").unwrap();
    std::fs::write(dir.join("typo.yaml"), "diff:\n  stability-levle: alpha\n").unwrap();
    let run = |config: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_openapi-check"));
        cmd.args(["diff", "--fail-on", "breaking"]);
        if let Some(c) = config {
            cmd.args(["--config", &dir.join(c).display().to_string()]);
        }
        cmd.arg(dir.join("old.yaml")).arg(dir.join("new.yaml"));
        cmd.output().unwrap()
    };
    assert_eq!(run(None).status.code(), Some(0));
    assert_eq!(run(Some("config.yaml")).status.code(), Some(1));
    let typo = run(Some("typo.yaml"));
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("stability-levle"));
    let config = Config::parse("c", "diff: {stability-level: draft}").unwrap();
    assert_eq!(config.diff_options().stability_level, Stability::Draft);
    std::fs::remove_dir_all(&dir).unwrap();
}
