//! The command line as users read it: a snapshot of every command's help (so
//! a spec change shows its effect in review), required flags checked against
//! the spec itself, and the checked-in man pages.

use std::path::{Path, PathBuf};

use clap::error::ErrorKind;
use serde_json::Value;

use super::{CliCommand, command, write_man_pages};
use crate::generated_cli::Cli;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The spec, parsed independently of the generator.
fn spec() -> Value {
    let text = std::fs::read_to_string(workspace_root().join("openapi/gaussdb-backup.yaml"))
        .expect("the spec is readable");
    openapi_check::parse(&text, openapi_check::Format::Yaml)
        .expect("the spec parses")
        .value
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    openapi_check::pointer::deref(doc, value).expect("a $ref resolves")
}

/// `CreateGaussMySqlBackup` → `create-gauss-my-sql-backup`; `project_id`,
/// `X-Language` → `project-id`, `x-language`.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' {
            out.push('-');
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            out.push('-');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A parameter or body property of an operation, as the spec says.
struct SpecInput {
    flag: String,
    required: bool,
    in_body: bool,
}

/// Every operation of the spec: its ID and its inputs.
fn spec_operations() -> Vec<(String, Vec<SpecInput>)> {
    let doc = spec();
    let mut ops = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for (_, op) in item.as_object().unwrap() {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            let mut inputs = Vec::new();
            for p in op["parameters"].as_array().into_iter().flatten() {
                let p = resolve(&doc, p);
                let required = p["required"] == Value::Bool(true);
                inputs.push(SpecInput {
                    flag: kebab(p["name"].as_str().unwrap()),
                    required,
                    in_body: false,
                });
            }
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                let schema = resolve(&doc, schema);
                let required: Vec<&Value> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .collect();
                for name in schema["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|p| p.0)
                {
                    let is_required = required.contains(&&Value::from(name.as_str()));
                    inputs.push(SpecInput {
                        flag: kebab(name),
                        required: is_required,
                        in_body: true,
                    });
                }
            }
            ops.push((id.to_owned(), inputs));
        }
    }
    assert!(!ops.is_empty());
    ops
}

fn generated(alias: &str) -> CliCommand {
    CliCommand::iter()
        .find(|c| c.alias() == alias)
        .unwrap_or_else(|| panic!("no command for the operation {alias}"))
}

#[test]
fn each_operation_is_a_command_and_each_required_input_a_required_flag() {
    let mut root = command();
    root.build();
    for (id, inputs) in spec_operations() {
        let operation = generated(&kebab(&id));
        let generated = Cli::<crate::Definitions>::get_command(operation);
        let shown = root
            .find_subcommand(operation.name())
            .unwrap_or_else(|| panic!("{id}: no subcommand {}", operation.name()));
        assert!(shown.get_all_aliases().any(|a| a == kebab(&id)));
        for SpecInput {
            flag,
            required,
            in_body,
        } in inputs
        {
            let arg = generated
                .get_arguments()
                .find(|a| a.get_id() == flag.as_str())
                .unwrap_or_else(|| panic!("{id}: no flag --{flag}"));
            assert_eq!(
                arg.is_required_set(),
                required,
                "{id}: --{flag} required: the spec says {required}"
            );
            if in_body {
                assert!(
                    arg.get_help().is_some(),
                    "{id}: --{flag} has no help from the spec"
                );
            }
            let arg = shown
                .get_arguments()
                .find(|a| a.get_id() == flag.as_str())
                .unwrap();
            if flag == "project-id" {
                // Resolved by the CLI from the flag, the environment or the
                // config file.
                assert_eq!(
                    arg.get_env(),
                    Some(std::ffi::OsStr::new("HUAWEICLOUD_SDK_PROJECT_ID"))
                );
                assert!(!arg.is_required_set());
            } else {
                assert_eq!(arg.is_required_set(), required, "{id}: --{flag}");
            }
        }
    }
}

#[test]
fn a_missing_required_flag_is_refused_and_json_body_is_the_alternative() {
    let run = |args: &[&str]| {
        command().try_get_matches_from(
            [
                "gaussdb-backup",
                "create-backup",
                "--project-id",
                "619d3e78f61b4be68bc5aa0b59edcf7b",
            ]
            .iter()
            .chain(args),
        )
    };
    let err = run(&["--name", "backup-1"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingRequiredArgument);
    assert!(err.to_string().contains("--instance-id"), "{err}");
    run(&[
        "--instance-id",
        "07033b125fd94a8a96896f8bcfee6ddain07",
        "--name",
        "backup-1",
    ])
    .expect("every required flag given");
    run(&["--json-body", "body.json"]).expect("the body from a file instead");
    // A flag the file would silently overwrite is refused.
    let err = run(&["--json-body", "body.json", "--name", "backup-1"]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ArgumentConflict);
}

/// Every command's `--help` (and the command list's), as users read it.
#[test]
fn help_of_every_command() {
    let mut root = command();
    root.build();
    insta::assert_snapshot!("help", root.render_long_help().to_string());
    let mut names = Vec::new();
    for sub in root.get_subcommands_mut() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let name = sub.get_name().to_owned();
        insta::assert_snapshot!(format!("help-{name}"), sub.render_long_help().to_string());
        names.push(name);
    }
    assert_eq!(names.len(), CliCommand::iter().count() + 1, "{names:?}");
}

#[test]
fn the_command_list_has_one_line_per_command() {
    let help = command().render_help().to_string();
    let list: Vec<&str> = help
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    for operation in CliCommand::iter() {
        let rows = list.iter().filter(|l| l.contains(operation.name())).count();
        assert_eq!(rows, 1, "{}: {list:#?}", operation.name());
    }
    for row in &list {
        assert!(
            row.starts_with("  ") && !row.starts_with("      "),
            "a continuation line: {row:?}"
        );
    }
}

#[test]
fn every_command_shows_an_example() {
    let mut root = command();
    root.build();
    for operation in CliCommand::iter() {
        let sub = root.find_subcommand_mut(operation.name()).unwrap();
        let help = sub.render_long_help().to_string();
        let example = format!("Example:\n  gaussdb-backup {} \\\n    --", operation.name());
        assert!(help.contains(&example), "{help}");
    }
}

/// `docs/man/` is what `cargo xtask generate` renders with this program.
#[test]
fn the_checked_in_man_pages_are_fresh() {
    let dir = std::env::temp_dir().join(format!("gaussdb-backup-man-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    write_man_pages(&dir).unwrap();
    let checked_in = workspace_root().join("docs/man");
    let mut pages = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let fresh = std::fs::read(&path).unwrap();
        let current = std::fs::read(checked_in.join(name)).unwrap_or_default();
        assert!(
            fresh == current,
            "docs/man/{} is stale: run `cargo xtask generate`",
            name.to_string_lossy()
        );
        pages += 1;
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(pages > CliCommand::iter().count());
}

#[test]
fn completions_for_bash_name_every_command() {
    let mut script = Vec::new();
    clap_complete::generate(
        clap_complete::Shell::Bash,
        &mut command(),
        "gaussdb-backup",
        &mut script,
    );
    let script = String::from_utf8(script).unwrap();
    for operation in CliCommand::iter() {
        assert!(script.contains(operation.name()), "{}", operation.name());
    }
}
