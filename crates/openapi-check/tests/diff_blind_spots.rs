//! The answers a review tool must never give wrongly (issue 20): each pair
//! under `tests/diff-cases/` once got "No changes to the API" or a false
//! alarm. The assertions name rule ids as strings and levels, so they say
//! the same against any version of the differ.

use std::path::Path;

use openapi_check::diff::{Change, DiffReport, Level, diff};
use openapi_check::{Error, Source};

fn source(path: &str) -> Source {
    let path = Path::new("tests/diff-cases").join(path);
    let mut source = Source::new(
        path.display().to_string(),
        std::fs::read_to_string(&path).unwrap(),
    );
    source.path = Some(path);
    source
}

fn compare(old: &str, new: &str) -> Result<DiffReport, Error> {
    diff(&source(old), &source(new))
}

/// The pair `tests/diff-cases/<case>/{old,new}.yaml`.
fn pair(case: &str) -> DiffReport {
    compare(&format!("{case}/old.yaml"), &format!("{case}/new.yaml")).unwrap()
}

fn with_rule<'r>(report: &'r DiffReport, rule: &str) -> Vec<&'r Change> {
    report
        .changes
        .iter()
        .filter(|c| c.rule.as_str() == rule)
        .collect()
}

/// Asserts that the report has `rule` at `level`, and returns its changes.
fn expect<'r>(report: &'r DiffReport, rule: &str, level: Level) -> Vec<&'r Change> {
    let found = with_rule(report, rule);
    assert!(
        !found.is_empty() && found.iter().all(|c| c.level == level),
        "expected {rule} at {level:?}, got {:#?}",
        report.changes
    );
    found
}

#[test]
fn a_response_property_that_becomes_nullable_breaks_readers() {
    let report = pair("nullable-response-property");
    let found = expect(
        &report,
        "response-property-became-nullable",
        Level::Breaking,
    );
    assert!(
        found[0].message.contains("`weight`"),
        "{}",
        found[0].message
    );
}

/// Every media type is compared, not only `application/json`, and the
/// message says which one.
#[test]
fn changes_under_any_media_type_are_found() {
    for (case, media_type) in [
        ("media-application-xml", "application/xml"),
        ("media-application-wildcard", "application/*"),
        ("media-any", "*/*"),
        ("media-text-plain", "text/plain"),
    ] {
        let report = pair(case);
        let found = expect(
            &report,
            "request-property-max-length-decreased",
            Level::Breaking,
        );
        assert!(
            found[0].message.contains(media_type),
            "{case}: {}",
            found[0].message
        );
    }
}

/// A change inside `./schemas/pet.yaml` is found, and placed in that file.
#[test]
fn changes_behind_an_external_ref_are_found_and_placed_in_their_file() {
    let report = compare(
        "external-ref/old/openapi.yaml",
        "external-ref/new/openapi.yaml",
    )
    .unwrap();
    let found = expect(
        &report,
        "response-property-became-optional",
        Level::Breaking,
    );
    let place = found[0].new.as_ref().unwrap();
    assert!(
        place.file.ends_with("external-ref/new/schemas/pet.yaml"),
        "{place:?}"
    );
    assert!(place.span.is_some(), "{place:?}");
}

/// What cannot be followed is an error naming the file and the `$ref`, not
/// a silent pass: a file outside the documents' folder (it exists: it is
/// still not read), references that loop. A recursive schema across files
/// is compared, and ends.
#[test]
fn external_refs_stay_inside_the_folder_and_never_loop() {
    let outside = "external-ref-outside/openapi.yaml";
    let err = compare(outside, outside).unwrap_err().to_string();
    // The file, the line and column of the `$ref`, why, and its pointer.
    assert!(
        err.starts_with("tests/diff-cases/external-ref-outside/openapi.yaml:1"),
        "{err}"
    );
    assert!(
        err.contains("\"../outside.yaml\" cannot be followed: it leaves the documents' folder"),
        "{err}"
    );
    assert!(err.ends_with("/schema/$ref)"), "{err}");

    let looping = "external-ref-loop/openapi.yaml";
    let err = compare(looping, looping).unwrap_err();
    assert!(err.to_string().contains("loop"), "{err}");

    let report = compare(
        "external-ref-recursive/old/openapi.yaml",
        "external-ref-recursive/new/openapi.yaml",
    )
    .unwrap();
    expect(&report, "response-property-type-changed", Level::Breaking);
}

/// `allOf` branches that refer to themselves, each twice, are merged once
/// each: the comparison ends in bounded time (it used to take 2^32 steps).
#[test]
fn self_referring_all_of_branches_are_compared_in_bounded_time() {
    let (done, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(pair("allOf-cycle")).unwrap());
    let report = wait
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the comparison ends");
    expect(&report, "response-property-type-changed", Level::Breaking);
}

#[test]
fn types_inside_additional_properties_are_compared() {
    let report = pair("additional-properties");
    let found = expect(&report, "response-property-type-changed", Level::Breaking);
    assert!(
        found[0].message.contains("additional properties"),
        "{}",
        found[0].message
    );
}

#[test]
fn composition_branches_are_compared() {
    for (case, rule) in [
        (
            "oneOf-branch-removed-in-request",
            "request-property-one-of-removed",
        ),
        (
            "anyOf-branch-removed-in-request",
            "request-property-any-of-removed",
        ),
        (
            "allOf-branch-added-in-request",
            "request-property-all-of-added",
        ),
        (
            "oneOf-branch-changed-in-response",
            "response-property-type-changed",
        ),
    ] {
        expect(&pair(case), rule, Level::Breaking);
    }
    // The allOf branch also brings a required property into the request.
    let report = pair("allOf-branch-added-in-request");
    expect(&report, "new-required-request-property", Level::Breaking);
}

/// Callbacks are compared with the directions swapped: the server sends
/// the callback's request, so a type change there breaks readers, and a
/// callback that goes is one clients wait for in vain.
#[test]
fn callbacks_are_compared_as_what_clients_read() {
    let report = pair("callbacks");
    let found = expect(&report, "response-property-type-changed", Level::Breaking);
    assert!(
        found[0].message.contains("callback petCreated"),
        "{}",
        found[0].message
    );
    let found = expect(&report, "api-removed-without-deprecation", Level::Breaking);
    assert!(
        found[0].message.contains("callback petDeleted"),
        "{}",
        found[0].message
    );
}

/// OpenAPI 3.1 is refused, as the linter refuses it: never compared as if
/// it were 3.0.
#[test]
fn openapi_3_1_is_refused_with_the_linters_message() {
    let err = compare("openapi-3.1/old.yaml", "openapi-3.1/new.yaml")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "tests/diff-cases/openapi-3.1/old.yaml:1:1: this document declares OpenAPI 3.1.0; \
         this pipeline reads OpenAPI 3.0.x only (progenitor generates from 3.0): convert it \
         to 3.0.3 (at #/openapi)"
    );
}

/// `readOnly` properties are not part of a request, `writeOnly` ones not of
/// a response, and a request that accepts `number` where it accepted
/// `integer` breaks nobody.
#[test]
fn no_false_alarms_on_read_only_write_only_or_a_widened_type() {
    for case in [
        "read-only-became-required",
        "write-only-became-optional",
        "integer-to-number-parameter",
    ] {
        let report = pair(case);
        assert!(!report.changes.is_empty(), "{case}: the change is reported");
        assert_eq!(
            report.count(Level::Breaking),
            0,
            "{case}: {:#?}",
            report.changes
        );
    }
    let report = pair("read-only-became-required");
    assert!(with_rule(&report, "request-property-became-required").is_empty());
    expect(
        &report,
        "response-property-became-required",
        Level::NonBreaking,
    );
    let report = pair("write-only-became-optional");
    assert!(with_rule(&report, "response-property-became-optional").is_empty());
    expect(
        &report,
        "request-property-became-optional",
        Level::NonBreaking,
    );
    let report = pair("integer-to-number-parameter");
    expect(
        &report,
        "request-parameter-type-generalized",
        Level::NonBreaking,
    );
}

/// The CLI: a document that cannot be compared exits with 2 and says where.
#[test]
fn the_cli_exits_2_on_what_it_cannot_compare() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_openapi-check"))
        .args(["diff", "tests/diff-cases/openapi-3.1/old.yaml"])
        .arg("tests/diff-cases/openapi-3.1/new.yaml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("tests/diff-cases/openapi-3.1/old.yaml:1:1: ") && stderr.contains("3.1.0"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}
