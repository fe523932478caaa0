//! `openapi-check diff`: before/after pairs under `tests/diff/<rule>/`, one
//! change each (named by its directory, `no-change` has none; a
//! `config.yaml` beside them sets the deprecation policy), with the report
//! in every format as insta snapshots.

use std::path::Path;

use openapi_check::diff::{DiffFormat, DiffReport, DiffRule, Level, diff, diff_with, render};
use openapi_check::{Config, Error, Source};

fn source(path: &Path) -> Source {
    let mut source = Source::new(
        path.display().to_string(),
        std::fs::read_to_string(path).unwrap(),
    );
    source.path = Some(path.to_path_buf());
    source
}

/// The report of a pair's directory, under its `config.yaml` if any.
fn pair_report(dir: &Path) -> DiffReport {
    let config = match std::fs::read_to_string(dir.join("config.yaml")) {
        Ok(text) => Config::parse("config.yaml", &text).unwrap(),
        Err(_) => Config::default(),
    };
    diff_with(
        &source(&dir.join("old.yaml")),
        &source(&dir.join("new.yaml")),
        config.diff_options(),
    )
    .unwrap()
}

#[test]
fn each_pair_reports_its_change_in_every_format() {
    let mut dirs: Vec<_> = std::fs::read_dir("tests/diff")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let rule = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let report = pair_report(&dir);
        if rule == "no-change" {
            assert!(report.changes.is_empty(), "{:?}", report.changes);
        } else {
            assert!(
                report.changes.iter().any(|c| c.rule.as_str() == rule),
                "{rule}: {}",
                render(&report, DiffFormat::Text)
            );
        }
        for change in &report.changes {
            for place in change.old.iter().chain(change.new.iter()) {
                assert!(place.span.is_some(), "{rule}: {change:?} has no position");
            }
        }
        let all = [
            DiffFormat::Text,
            DiffFormat::Markdown,
            DiffFormat::Json,
            DiffFormat::Github,
        ]
        .map(|f| render(&report, f))
        .join("\n----\n");
        insta::assert_snapshot!(format!("diff-{rule}"), all);
    }
}

/// What a user of the rule ids relies on: every rule the differ can emit
/// ([`DiffRule::ALL`] is complete by construction: the differ only reports
/// its variants) is documented in the README with its id and level, and has
/// its own before/after pair under `tests/diff/<id>/` that triggers it at
/// that level. Ids are unique and parse back.
#[test]
fn every_rule_is_documented_and_triggered_by_its_own_pair() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut ids = std::collections::BTreeSet::new();
    for rule in DiffRule::ALL {
        let id = rule.as_str();
        assert!(ids.insert(id), "{id} is declared twice");
        assert_eq!(id.parse::<DiffRule>().unwrap(), *rule);
        let level = rule.level().map_or("varies", Level::as_str);
        assert!(
            readme.contains(&format!("| `{id}` | {level} |")),
            "README.md's diff rule table lacks `{id}` at {level}"
        );
        let dir = std::path::Path::new("tests/diff").join(id);
        assert!(dir.is_dir(), "no before/after pair tests/diff/{id}/");
        let report = pair_report(&dir);
        let found: Vec<_> = report.changes.iter().filter(|c| c.rule == *rule).collect();
        assert!(
            !found.is_empty(),
            "tests/diff/{id}/ does not trigger {id}: {:?}",
            report.changes
        );
        if let Some(level) = rule.level() {
            assert!(found.iter().all(|c| c.level == level), "{id}: {found:?}");
        }
    }
    assert!("no-such-rule".parse::<DiffRule>().is_err());
}

#[test]
fn levels_order_from_most_severe() {
    assert!(Level::Breaking < Level::PotentiallyBreaking);
    assert!(Level::PotentiallyBreaking < Level::NonBreaking);
}

#[test]
fn the_cli_fails_on_the_chosen_level() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_openapi-check"))
            .arg("diff")
            .args(args)
            .output()
            .unwrap()
    };
    let pair = |name: &str| {
        [
            format!("tests/diff/{name}/old.yaml"),
            format!("tests/diff/{name}/new.yaml"),
        ]
    };
    let [old, new] = pair("request-property-max-length-decreased");
    assert_eq!(run(&[&old, &new]).status.code(), Some(0));
    assert_eq!(
        run(&["--fail-on", "breaking", &old, &new]).status.code(),
        Some(1)
    );
    let [old, new] = pair("response-property-enum-value-added");
    assert_eq!(
        run(&["--fail-on", "breaking", &old, &new]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["--fail-on", "potentially-breaking", &old, &new])
            .status
            .code(),
        Some(1)
    );
    let out = run(&["--format", "markdown", &old, &new]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("🟡 **API changes: 0 breaking, 2 potentially breaking"),
        "{text}"
    );
    assert_eq!(run(&["missing.yaml", &new]).status.code(), Some(2));
    assert_eq!(run(&[&old]).status.code(), Some(2));
}

/// A document that does not parse is the crate's one error, `Error::Diff`,
/// naming the file, with the parser's line and column in its message.
#[test]
fn a_document_that_does_not_parse_is_error_diff() {
    let good = Source::new("old.yaml", "openapi: 3.0.3\n");
    let bad = Source::new("new.yaml", "openapi: [3.0.3\n");
    let err = diff(&good, &bad).unwrap_err();
    let Error::Diff { file, error } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(file, "new.yaml");
    let pos = error.pos.expect("the parser knows where");
    assert_eq!(
        err.to_string(),
        format!(
            "new.yaml: {} (line {}, column {})",
            error.message, pos.line, pos.column
        )
    );
    assert!(matches!(
        diff(&bad, &good).unwrap_err(),
        Error::Diff { ref file, .. } if file == "new.yaml"
    ));
}
