//! `gaussdb-backup`: the command-line client. The command and its arguments
//! are generated from the spec by progenitor's CLI generator
//! (`generated_cli.rs`); this file adds what a generator cannot know:
//! credentials from the environment or a config file (never from the command
//! line, where any user can read them in the process list), the endpoint,
//! JSON output on stdout, errors on stderr, and distinct exit codes.

mod config;
#[allow(clippy::all, dead_code, unused_imports, unused_variables)]
mod generated_cli;
mod output;

use std::process::ExitCode;

use clap::{Arg, Command};
use gaussdb_backup::raw::types;
use generated_cli::{Cli, CliCommand};

/// Exit codes, stable for scripts.
pub mod exit {
    /// The call succeeded.
    pub const OK: u8 = 0;
    /// The service answered with an error (its code and message on stderr).
    pub const SERVICE_ERROR: u8 = 1;
    /// Bad usage or configuration; nothing was sent.
    pub const USAGE: u8 = 2;
    /// The service could not be reached, or did not answer in time.
    pub const TRANSPORT: u8 = 3;
    /// The service answered with something the spec does not describe.
    pub const UNEXPECTED: u8 = 4;
}

const AFTER_HELP: &str = "\
Credentials (never on the command line):
  HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK [, HUAWEICLOUD_SDK_SECURITY_TOKEN]  AK/SK signing
  HUAWEICLOUD_TOKEN                                                           an IAM token
  or the [credentials] table of the config file (--config, GAUSSDB_BACKUP_CONFIG).

Exit status: 0 success, 1 service error, 2 usage or configuration error,
3 connection failure or timeout, 4 unexpected response.";

fn command() -> Command {
    let create = Cli::<output::Output>::get_command(CliCommand::CreateGaussMySqlBackup)
        .name("create-backup")
        .alias("create-gauss-my-sql-backup")
        .mut_arg("project-id", |a| {
            a.env("HUAWEICLOUD_SDK_PROJECT_ID").required(false)
        })
        // progenitor declares this flag but generates no code for it: hidden
        // rather than offered and ignored.
        .mut_arg("json-body-template", |a| a.hide(true));
    Command::new("gaussdb-backup")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Command-line client for Huawei Cloud TaurusDB (GaussDB for MySQL) manual backups.")
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg(
            Arg::new("endpoint")
                .long("endpoint")
                .global(true)
                .env("GAUSSDB_BACKUP_ENDPOINT")
                .help("Base URL of the API (https, or http to loopback)"),
        )
        .arg(
            Arg::new("region")
                .long("region")
                .global(true)
                .env("HUAWEICLOUD_SDK_REGION")
                .help("Region ID, such as ap-southeast-1; its public endpoint is used"),
        )
        .arg(
            Arg::new("config")
                .long("config")
                .global(true)
                .env("GAUSSDB_BACKUP_CONFIG")
                .value_parser(clap::value_parser!(std::path::PathBuf))
                .help("TOML file with endpoint, region, project_id and [credentials]"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .global(true)
                .value_parser(clap::value_parser!(u64))
                .help("Seconds before the call is abandoned (default 30)"),
        )
        .subcommand(create)
}

fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let Some(("create-backup", sub)) = matches.subcommand() else {
        eprintln!("error: unknown command");
        return ExitCode::from(exit::USAGE);
    };
    let settings =
        match config::Settings::resolve(&matches, sub.get_one::<types::ProjectId>("project-id")) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(exit::USAGE);
            }
        };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    let client = match settings.client() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(exit::USAGE);
        }
    };
    // The project ID already resolved (flag, environment, config file) is
    // applied by the generated CLI's per-operation hook; see `output.rs`.
    let cli = Cli::new(
        client.raw(),
        output::Output {
            project_id: settings.project_id.clone(),
        },
    );
    match runtime.block_on(cli.execute(CliCommand::CreateGaussMySqlBackup, sub)) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(e) => ExitCode::from(output::exit_code(&e)),
    }
}
