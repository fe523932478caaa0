//! Command-line flags of `cargo xtask`. Hand-parsed: two subcommands and one
//! switch do not justify a dependency on a CLI framework.

pub const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate [--check]   validate openapi/gaussdb-backup.yaml and regenerate every
                       derived file; with --check, write nothing and fail with a
                       diff when a checked-in file is stale
  validate             run openapi-check on the spec (warnings fail too)
  help                 print this message";

pub enum Flags {
    Help,
    Generate { check: bool },
    Validate,
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
            Some("validate") => Err(format!(
                "unexpected arguments to validate: {}",
                rest.join(" ")
            )),
            Some(other) => Err(format!("unknown command: {other}")),
        }
    }
}
