//! The corpus: valid specs must be clean; each invalid spec has one defect
//! (named by its file: `<rule-id>[--variant].yaml`), or several
//! (`many-defects.yaml`), and its findings in every output format are insta
//! snapshots.

use std::path::{Path, PathBuf};

use openapi_check::{
    Options, OutputFormat, RULES, Source, check_path, check_path_keeping, check_source, render,
};

fn files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The rule a corpus file is about: its name up to `--` or the extension.
fn rule_of(path: &Path) -> String {
    let stem = path.file_name().unwrap().to_str().unwrap();
    let stem = stem.split('.').next().unwrap();
    stem.split("--").next().unwrap().to_owned()
}

#[test]
fn valid_specs_are_clean() {
    for path in files("tests/corpus/valid") {
        let report = check_path(&path, &Options::default());
        assert!(
            report.findings.is_empty(),
            "{}:\n{}",
            path.display(),
            render(&[report], OutputFormat::Human, false)
        );
    }
}

#[test]
fn our_own_spec_is_clean() {
    let report = check_path(
        Path::new("../../openapi/gaussdb-backup.yaml"),
        &Options::default(),
    );
    assert!(
        report.findings.is_empty(),
        "{}",
        render(&[report], OutputFormat::Human, false)
    );
}

#[test]
fn each_invalid_spec_finds_its_defect_in_every_format() {
    for path in files("tests/corpus/invalid") {
        let report = check_path(&path, &Options::default());
        let rule = rule_of(&path);
        if rule != "many-defects" {
            assert!(
                report.findings.iter().any(|f| f.rule == rule),
                "{} should report {rule}:\n{}",
                path.display(),
                render(&[report], OutputFormat::Human, false)
            );
        } else {
            // Several defects: each is reported under its own rule.
            let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
            rules.sort_unstable();
            rules.dedup();
            assert!(rules.len() >= 3, "{}: {rules:?}", path.display());
        }
        for finding in &report.findings {
            assert!(finding.span.is_some(), "{finding:?} has no position");
        }
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let reports = [report];
        let human = render(&reports, OutputFormat::Human, false);
        let json = render(&reports, OutputFormat::Json, false);
        let github = render(&reports, OutputFormat::Github, false);
        let mut sarif: serde_json::Value =
            serde_json::from_str(&render(&reports, OutputFormat::Sarif, false)).unwrap();
        // The rule table is the same in every run; it has its own snapshot.
        sarif["runs"][0]["tool"]["driver"]["rules"] = serde_json::json!("(see sarif_rule_table)");
        let sarif = serde_json::to_string_pretty(&sarif["runs"][0]["results"]).unwrap();
        insta::assert_snapshot!(
            format!("{name}"),
            format!(
                "== human ==\n{human}\n== json ==\n{json}\n== github ==\n{github}\n== sarif results ==\n{sarif}\n"
            )
        );
    }
}

#[test]
fn every_rule_has_a_corpus_file() {
    let covered: Vec<String> = files("tests/corpus/invalid")
        .iter()
        .map(|p| rule_of(p))
        .collect();
    for rule in RULES {
        assert!(
            covered.iter().any(|c| c == rule.id),
            "no tests/corpus/invalid/{}.yaml",
            rule.id
        );
    }
}

#[test]
fn sarif_rule_table() {
    let report = check_source(
        Source::new("x.yaml", "openapi: 3.0.3\n"),
        &Options::default(),
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&render(&[report], OutputFormat::Sarif, false)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    insta::assert_json_snapshot!(sarif["runs"][0]["tool"]["driver"]["rules"]);
}

/// `openapi-check --list-rules`, as a user runs it: one line per rule, each
/// starting with its id, in the snapshot.
#[test]
fn the_rule_list_documents_every_rule() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_openapi-check"))
        .arg("--list-rules")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let listed = String::from_utf8(out.stdout).unwrap();
    for rule in RULES {
        assert!(
            listed
                .lines()
                .any(|l| l.split_whitespace().next() == Some(rule.id) && l.contains(rule.doc)),
            "{} is not listed:\n{listed}",
            rule.id
        );
    }
    insta::assert_snapshot!(listed);
}

#[test]
fn check_path_keeping_reports_as_check_path_and_hands_back_the_document() {
    for path in files("tests/corpus/invalid").into_iter().take(5) {
        let (report, parsed) = check_path_keeping(&path, &Options::default());
        let plain = check_path(&path, &Options::default());
        assert_eq!(report.findings, plain.findings, "{}", path.display());
        assert_eq!(parsed.is_some(), !report.unreadable, "{}", path.display());
    }
    let (report, parsed) = check_path_keeping(
        Path::new("tests/corpus/nothing-here.yaml"),
        &Options::default(),
    );
    assert!(report.unreadable);
    assert!(parsed.is_none());
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = std::env::temp_dir().join(format!("openapi-check-size-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.json");
    std::fs::write(&path, vec![b' '; 2048]).unwrap();
    let options = Options {
        max_file_bytes: 1024,
        ..Options::default()
    };
    let report = check_path(&path, &options);
    assert!(report.unreadable);
    assert_eq!(report.findings[0].rule, "syntax-error");
    assert!(
        report.findings[0].message.contains("more than the limit"),
        "{:?}",
        report.findings
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn file_references_resolve_inside_the_folder_only() {
    let dir = std::env::temp_dir().join(format!("openapi-check-refs-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("parts")).unwrap();
    std::fs::write(dir.join("parts/pet.yaml"), "Pet:\n  type: object\n").unwrap();
    std::fs::write(dir.join("outside.yaml"), "Pet: {type: object}\n").unwrap();
    let spec = |r: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1', description: d}}\nservers: [{{url: 'https://x'}}]\npaths:\n  /p:\n    get:\n      operationId: p\n      summary: s\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '{r}'}}\n"
        )
    };
    let inner = dir.join("inner");
    std::fs::create_dir_all(&inner).unwrap();
    std::fs::create_dir_all(inner.join("parts")).unwrap();
    std::fs::write(inner.join("parts/pet.yaml"), "Pet:\n  type: object\n").unwrap();
    let rules = |r: &str| {
        let path = inner.join("spec.yaml");
        std::fs::write(&path, spec(r)).unwrap();
        let report = check_path(&path, &Options::default());
        report.findings.iter().map(|f| f.rule).collect::<Vec<_>>()
    };
    assert_eq!(rules("parts/pet.yaml#/Pet"), Vec::<&str>::new());
    assert_eq!(rules("./parts/pet.yaml#/Dog"), ["no-unresolved-refs"]);
    assert_eq!(rules("../outside.yaml#/Pet"), ["ref-outside-root"]);
    assert_eq!(rules("/etc/passwd"), ["ref-outside-root"]);
    assert_eq!(rules("http://127.0.0.1:1/x.yaml"), ["no-remote-refs"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
