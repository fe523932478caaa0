//! Command-line flags of `cargo xtask`. Hand-parsed: two subcommands and one
//! switch do not justify a dependency on a CLI framework.

pub const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate [--check]   validate openapi/gaussdb-backup.yaml and regenerate every
                       derived file; with --check, write nothing and fail with a
                       diff when a checked-in file is stale
  validate             run openapi-check on the spec (warnings fail too)
  diff [--base REV] [--format text|markdown|json|github]
                       the spec's API changes since REV (default: the merge
                       base with main), and the semver gate on gaussdb-backup
  help                 print this message";

pub enum Flags {
    Help,
    Generate {
        check: bool,
    },
    Validate,
    Diff {
        base: Option<String>,
        format: openapi_check::diff::DiffFormat,
    },
}

impl Flags {
    pub fn from_env() -> Result<Self, String> {
        Self::parse(std::env::args().skip(1))
    }

    fn parse(mut args: impl Iterator<Item = String>) -> Result<Self, String> {
        let command = args.next();
        let rest: Vec<String> = args.collect();
        match command.as_deref() {
            None | Some("help" | "--help" | "-h") => Ok(Flags::Help),
            Some("generate") => {
                let mut check = false;
                for arg in rest {
                    match arg.as_str() {
                        "--check" => check = true,
                        other => return Err(format!("unknown argument to generate: {other}")),
                    }
                }
                Ok(Flags::Generate { check })
            }
            Some("validate") if rest.is_empty() => Ok(Flags::Validate),
            Some("diff") => {
                let mut base = None;
                let mut format = openapi_check::diff::DiffFormat::Text;
                let mut rest = rest.into_iter();
                while let Some(arg) = rest.next() {
                    match arg.as_str() {
                        "--base" => base = Some(rest.next().ok_or("--base needs a revision")?),
                        "--format" => {
                            format = rest.next().ok_or("--format needs a value")?.parse()?
                        }
                        other => return Err(format!("unknown argument to diff: {other}")),
                    }
                }
                Ok(Flags::Diff { base, format })
            }
            Some("validate") => Err(format!(
                "unexpected arguments to validate: {}",
                rest.join(" ")
            )),
            Some(other) => Err(format!("unknown command: {other}")),
        }
    }
}
