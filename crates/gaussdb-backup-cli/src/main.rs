//! `gaussdb-backup`: the command-line client. The command and its arguments
//! are generated from the spec by progenitor's CLI generator
//! (`generated_cli.rs`); this file adds what a generator cannot know:
//! credentials from the environment or a config file (never from the command
//! line, where any user can read them in the process list), the endpoint,
//! JSON output on stdout, errors on stderr, and distinct exit codes. Every
//! command runs through the client library (`generated_run.rs` dispatches:
//! the hand-written operations to `run.rs`, the others to the generated
//! `Client` methods), not the generated `Cli::execute`: progenitor's code
//! defines the commands and their arguments only.

mod config;
#[allow(
    clippy::all,
    dead_code,
    unused_imports,
    unused_variables,
    unused_macros
)]
mod generated_cli;
mod generated_run;
mod lifecycle;
mod output;
mod run;

use std::process::ExitCode;

use clap::{Arg, ArgAction, Command};
use clap_complete::Shell;
use gaussdb_backup::raw::types;
use gaussdb_backup::rules;
use generated_cli::{Cli, CliCommand};

/// The generated CLI's configuration type, needed only to name the
/// generated command definitions (`Cli::<Definitions>::get_command`). It has
/// no value: the generated `Cli::execute` is never run, every command goes
/// through the client library (`run.rs`).
pub enum Definitions {}

impl generated_cli::CliConfig for Definitions {
    fn success_item<T>(&self, _: &gaussdb_backup::raw::ResponseValue<T>)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        match *self {}
    }

    fn success_no_item(&self, _: &gaussdb_backup::raw::ResponseValue<()>) {
        match *self {}
    }

    fn error<T>(&self, _: &gaussdb_backup::raw::Error<T>)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        match *self {}
    }

    fn list_start<T>(&self)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        match *self {}
    }

    fn list_item<T>(&self, _: &T)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        match *self {}
    }

    fn list_end_success<T>(&self)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        match *self {}
    }

    fn list_end_error<T>(&self, _: &gaussdb_backup::raw::Error<T>)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        match *self {}
    }
}

/// `list-backups --all --max-items`'s default.
pub const DEFAULT_MAX_ITEMS: usize = 100_000;

/// Exit codes, stable for scripts.
pub mod exit {
    /// The call succeeded.
    pub const OK: u8 = 0;
    /// The service (or a proxy in front of it) answered with an error
    /// status, 4xx or 5xx, documented or not: its status, `error_code` and
    /// `error_msg` on stderr, or the status and the start of the body when
    /// the body is not the documented error JSON (an HTML page, say).
    pub const SERVICE_ERROR: u8 = 1;
    /// Bad usage or configuration; nothing was sent.
    pub const USAGE: u8 = 2;
    /// The service could not be reached, or did not answer in time.
    pub const TRANSPORT: u8 = 3;
    /// Any other answer that cannot be read: a success status whose body
    /// does not match the spec, another status, a body over the size limit.
    pub const UNEXPECTED: u8 = 4;
    /// `--wait`: the backup failed (the job's `fail_reason` on stderr).
    pub const BACKUP_FAILED: u8 = 5;
    /// `--wait`: the wait timed out; the backup is still running.
    pub const WAIT_TIMEOUT: u8 = 6;
    /// `create-backup`: the service accepted the call (2xx) but its answer
    /// could not be read, so the backup may have been started: the job ID,
    /// when found, on stderr. Check before running the command again.
    pub const MAY_HAVE_STARTED: u8 = 7;
    /// `list-backups --all`: more backups match than `--max-items`; nothing
    /// was printed.
    pub const TOO_MANY: u8 = 8;
    /// `create-backup`: the instance is busy (a documented `409`: another
    /// operation or another backup is running); nothing was started.
    pub const BUSY: u8 = 9;
    /// `--wait`: the list no longer shows the backup (deleted meanwhile), or
    /// never showed it.
    pub const NOT_LISTED: u8 = 10;
}

const AFTER_HELP: &str = "\
Credentials (never on the command line):
  HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK [, HUAWEICLOUD_SDK_SECURITY_TOKEN]  AK/SK signing
  HUAWEICLOUD_TOKEN                                                           an IAM token
  or the [credentials] table of the config file (--config, GAUSSDB_BACKUP_CONFIG).

Settings, first found wins: command-line flags, then the environment, then the
config file. The endpoint: --endpoint or --region (not both), then
GAUSSDB_BACKUP_ENDPOINT, then GAUSSDB_BACKUP_REGION, then endpoint, then region
in the config file. A region's endpoint can be overridden as in the official
SDKs: HUAWEICLOUD_SDK_REGION_GAUSSDB_{REGION} (upper case, - as _), a
comma-separated list of endpoints of which the first is used.

Exit status:
  0  success
  1  the service (or a proxy) answered with an error status (4xx, 5xx): its
     error_code and error_msg on stderr, or the status and the start of the body
  2  usage or configuration error; nothing was sent
  3  connection failure or timeout
  4  any other answer that cannot be read (a success whose body does not match
     the spec, another status)
  5  the backup failed (--wait)
  6  the wait timed out; the backup is still running (--wait)
  7  create-backup: the service accepted the call but its answer could not be
     read: the backup may have started (its job ID on stderr); check before
     running the command again
  8  list-backups --all: more backups match than --max-items; nothing printed
  9  create-backup: the instance is busy (another operation or another backup
     is running); nothing was started: try again later, or --retry-while-busy
 10  --wait: the backup is no longer listed (deleted meanwhile), or never was";

/// The man pages of the command and of every subcommand, as clap_mangen
/// renders them; `cargo xtask generate` checks them in under `docs/man/`.
fn write_man_pages(dir: &std::path::Path) -> std::io::Result<()> {
    clap_mangen::generate_to(command(), dir)
}

/// One subcommand per operation of the spec, under the name the generator
/// gives it (`CliCommand::name`), with what the CLI adds by hand.
fn operation_command(operation: CliCommand) -> Command {
    let command = Cli::<Definitions>::get_command(operation)
        .name(operation.name())
        .alias(operation.alias());
    let command = project_id_from_the_environment(command);
    match operation {
        CliCommand::CreateGaussMySqlBackup => create_backup_flags(command),
        CliCommand::ShowGaussMySqlBackupList => list_backups_flags(command),
        _ => command,
    }
}

/// `--project-id`, where the operation has it, also from the environment or
/// the config file (config.rs), so it is not required on the command line.
fn project_id_from_the_environment(command: Command) -> Command {
    if !command.get_arguments().any(|a| a.get_id() == "project-id") {
        return command;
    }
    command.mut_arg("project-id", |a| {
        a.env("HUAWEICLOUD_SDK_PROJECT_ID")
            .hide_env_values(true)
            .required(false)
            .value_parser(in_words::<types::ProjectId>(rules::PROJECT_ID))
    })
}

/// `create-backup`: the rules in words, `--wait` with its timeout, and
/// `--retry-while-busy`.
fn create_backup_flags(command: Command) -> Command {
    command
        // A value that breaks a rule is refused in the client's words,
        // not with the generated type's regular expression.
        .mut_arg("instance-id", |a| {
            a.value_parser(in_words::<types::InstanceId>(rules::INSTANCE_ID))
        })
        .mut_arg("name", |a| {
            a.value_parser(in_words::<types::BackupName>(rules::BACKUP_NAME))
        })
        .mut_arg("description", |a| {
            a.value_parser(in_words::<types::BackupDescription>(
                rules::BACKUP_DESCRIPTION,
            ))
        })
        .arg(
            Arg::new("wait")
                .long("wait")
                .action(ArgAction::SetTrue)
                .help("Wait until the backup is finished; print it, not the create answer"),
        )
        .arg(
            Arg::new("wait-timeout")
                .long("wait-timeout")
                .requires("wait")
                .value_parser(humantime::parse_duration)
                .default_value("1h")
                .help("How long --wait waits (30m, 2h, ...); the backup goes on after it"),
        )
        .arg(
            Arg::new("retry-while-busy")
                .long("retry-while-busy")
                .value_name("DURATION")
                .value_parser(humantime::parse_duration)
                .help("While the instance is busy with another operation, try again for up to DURATION (10m, 1h)")
                .long_help(
                    "While the service answers that the instance is busy with another \
                     operation (a documented 409: nothing was started), try the create \
                     again with backoff for up to DURATION (10m, 1h), saying on stderr why \
                     it waits. Nothing else is retried: not a timeout (the backup may have \
                     started), not DBS.201205 (a backup is already running: it may be yours). \
                     --wait does not turn this on: waiting delays the moment the backup \
                     captures, which is the caller's choice.",
                ),
        )
}

/// `list-backups`: what its output is (after the generated example), and
/// `--all` bounded by `--max-items`.
fn list_backups_flags(command: Command) -> Command {
    let example = command
        .get_after_help()
        .map(|e| format!("{e}\n\n"))
        .unwrap_or_default();
    command
        .after_long_help(format!("{example}{LIST_OUTPUT}"))
        .arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Follow the pages from --offset: every matching backup"),
        )
        .arg(
            Arg::new("max-items")
                .long("max-items")
                .requires("all")
                .value_name("N")
                .value_parser(clap::value_parser!(usize))
                .default_value(DEFAULT_MAX_ITEMS.to_string())
                .help("--all collects at most N backups; when more match it fails (exit 8)")
                .long_help(
                    "--all collects at most N backups. The output is one JSON document, \
                     held in memory until the last page, so the bound keeps a huge or \
                     endless listing from exhausting memory. When more backups match, \
                     nothing is printed and the exit status is 8: raise N, or narrow the \
                     list with filters.",
                ),
        )
}

/// What `list-backups --help` adds after the generated example.
const LIST_OUTPUT: &str = "\
Output: one JSON object, {\"backups\": [...], \"total_count\": N}. `backups` is
always there (empty when none match). `total_count` is the service's count of
the backups matching the filters over all pages, not the number printed (with
--offset, or with a page, fewer are printed); with --all, as the service
counted them when listing began.";

/// A value parser for a generated constrained type whose error is the rule
/// in words.
fn in_words<T>(rule: &'static str) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync
where
    T: std::str::FromStr + Clone + Send + Sync + 'static,
{
    move |text: &str| text.parse::<T>().map_err(|_| rule.to_owned())
}

/// The whole command line: the operations, `completions`, and the hidden
/// `__generate-man` that `cargo xtask generate` uses to render `docs/man/`.
fn command() -> Command {
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
                .hide_env_values(true)
                .help("Base URL of the API (https, or http to loopback)"),
        )
        .arg(
            Arg::new("region")
                .long("region")
                .global(true)
                .env("GAUSSDB_BACKUP_REGION")
                .hide_env_values(true)
                .help("Region ID, such as ap-southeast-1; its public endpoint is used"),
        )
        .arg(
            Arg::new("config")
                .long("config")
                .global(true)
                .env("GAUSSDB_BACKUP_CONFIG")
                .hide_env_values(true)
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
        .subcommands(CliCommand::iter().map(operation_command))
        .subcommand(
            Command::new("completions")
                .about("Print a shell completion script")
                .long_about(
                    "Print a completion script for SHELL on stdout. For example, for bash:\n\n  \
                     gaussdb-backup completions bash > ~/.local/share/bash-completion/completions/gaussdb-backup",
                )
                .arg(
                    Arg::new("shell")
                        .value_name("SHELL")
                        .required(true)
                        .value_parser(clap::value_parser!(Shell))
                        .help("The shell to complete for"),
                ),
        )
        .subcommand(
            Command::new("__generate-man")
                .hide(true)
                .about("Write the man pages into DIR (used by `cargo xtask generate`)")
                .arg(
                    Arg::new("dir")
                        .value_name("DIR")
                        .required(true)
                        .value_parser(clap::value_parser!(std::path::PathBuf)),
                ),
        )
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
    let Some((name, sub)) = matches.subcommand() else {
        eprintln!("error: unknown command");
        return ExitCode::from(exit::USAGE);
    };
    match name {
        "completions" => {
            let shell = *sub.get_one::<Shell>("shell").expect("required by clap");
            clap_complete::generate(
                shell,
                &mut command(),
                "gaussdb-backup",
                &mut std::io::stdout(),
            );
            return ExitCode::from(exit::OK);
        }
        "__generate-man" => {
            let dir = sub
                .get_one::<std::path::PathBuf>("dir")
                .expect("required by clap");
            return match write_man_pages(dir) {
                Ok(()) => ExitCode::from(exit::OK),
                Err(e) => {
                    eprintln!(
                        "error: cannot write the man pages into {}: {e}",
                        dir.display()
                    );
                    ExitCode::from(exit::USAGE)
                }
            };
        }
        _ => {}
    }
    let Some(which) = CliCommand::iter().find(|c| c.name() == name) else {
        eprintln!("error: unknown command {name}");
        return ExitCode::from(exit::USAGE);
    };
    let project_flag = sub
        .try_get_one::<types::ProjectId>("project-id")
        .ok()
        .flatten();
    let settings = match config::Settings::resolve(&matches, project_flag) {
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
    ExitCode::from(runtime.block_on(generated_run::operation(&client, which, sub)))
}

#[cfg(test)]
mod tests;
