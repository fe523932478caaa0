//! The `openapi-check` command: arguments, outputs and exit codes.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-check"))
        .args(args)
        .output()
        .unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

#[test]
fn clean_spec_exits_0() {
    let out = run(&["tests/corpus/valid/petstore.yaml"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn errors_exit_1() {
    let out = run(&[
        "--color",
        "never",
        "tests/corpus/invalid/path-params--undeclared.yaml",
    ]);
    assert_eq!(code(&out), 1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("error[path-params]"), "{stdout}");
}

#[test]
fn a_mistyped_color_is_bad_usage_not_auto() {
    let out = run(&["--color", "nevr", "tests/corpus/valid/petstore.yaml"]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nevr"), "{stderr}");
}

#[test]
fn warnings_exit_0_unless_denied() {
    let spec = "tests/corpus/invalid/tag-description.yaml";
    assert_eq!(code(&run(&[spec])), 0);
    assert_eq!(code(&run(&["--deny-warnings", spec])), 1);
}

#[test]
fn unreadable_input_exits_2() {
    assert_eq!(
        code(&run(&["tests/corpus/invalid/syntax-error--yaml.yaml"])),
        2
    );
    assert_eq!(
        code(&run(&["tests/corpus/invalid/syntax-error--not-utf8.yaml"])),
        2
    );
    assert_eq!(code(&run(&["does/not/exist.yaml"])), 2);
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(code(&run(&[])), 2);
    assert_eq!(code(&run(&["--format", "xml", "x.yaml"])), 2);
    assert_eq!(code(&run(&["--no-such-flag", "x.yaml"])), 2);
}

#[test]
fn a_config_turns_rules_off_or_up() {
    let dir = std::env::temp_dir().join(format!("openapi-check-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let off = dir.join("off.yaml");
    std::fs::write(&off, "rules:\n  path-params: off\n").unwrap();
    let spec = "tests/corpus/invalid/path-params--undeclared.yaml";
    assert_eq!(code(&run(&["--config", off.to_str().unwrap(), spec])), 0);
    let up = dir.join("up.yaml");
    std::fs::write(&up, "rules:\n  tag-description: error\n").unwrap();
    let spec = "tests/corpus/invalid/tag-description.yaml";
    assert_eq!(code(&run(&["--config", up.to_str().unwrap(), spec])), 1);
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "rules:\n  no-such-rule: off\n").unwrap();
    let out = run(&["--config", bad.to_str().unwrap(), spec]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_directory_checks_every_spec_in_it() {
    let out = run(&["--format", "json", "../../openapi"]);
    assert_eq!(code(&out), 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files"].as_array().unwrap().len(), 1);
}

#[test]
fn github_format_is_workflow_commands() {
    let out = run(&[
        "--format",
        "github",
        "tests/corpus/invalid/duplicate-key.yaml",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("::error file=tests/corpus/invalid/duplicate-key.yaml,line=15,col=7,"),
        "{stdout}"
    );
    assert!(stdout.contains("title=duplicate-key::"), "{stdout}");
}

#[test]
fn list_rules() {
    let out = run(&["--list-rules"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("oas3-valid-media-example"));
}

/// `lint` is the default command, and may be named; `diff` is a command of
/// its own with its own help, and a lint flag is not one of its flags.
#[test]
fn lint_is_the_default_command_and_diff_a_subcommand() {
    let spec = "tests/corpus/invalid/path-params--undeclared.yaml";
    assert_eq!(code(&run(&[spec])), 1);
    assert_eq!(code(&run(&["lint", spec])), 1);
    assert_eq!(code(&run(&["lint", "--list-rules"])), 0);
    let valid = "tests/corpus/valid/petstore.yaml";
    let out = run(&["diff", valid, valid]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let help = run(&["diff", "--help"]);
    assert_eq!(code(&help), 0);
    assert!(String::from_utf8_lossy(&help.stdout).contains("--fail-on"));
    assert_eq!(code(&run(&["diff", "--deny-warnings", valid, valid])), 2);
    assert_eq!(code(&run(&["diff", valid])), 2);
}

/// A config the YAML parser refuses, or with a misplaced value, is bad
/// input (exit 2) with the file, line and column.
#[test]
fn a_bad_config_is_refused_with_its_place() {
    let dir = std::env::temp_dir().join(format!("openapi-check-cfg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "rules:\n  path-params: [off\n").unwrap();
    let bad = bad.to_str().unwrap();
    let spec = "tests/corpus/valid/petstore.yaml";
    let out = run(&["--config", bad, spec]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{bad}:3:")), "{stderr}");
    let days = dir.join("days.yaml");
    std::fs::write(&days, "diff:\n  deprecation-days: {beta: soon}\n").unwrap();
    let out = run(&["diff", "--config", days.to_str().unwrap(), spec, spec]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:2:", days.display())),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
