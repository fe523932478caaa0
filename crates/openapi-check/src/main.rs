//! The `openapi-check` command.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use openapi_check::{Config, Options, OutputFormat, RULES, Severity, check_path_keeping, render};

/// mimalloc: see Cargo.toml for why.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Lint OpenAPI 3.0 documents (YAML or JSON), or compare two versions of
/// one (`openapi-check diff OLD NEW`).
///
/// Exit status: 0 clean, 1 findings at error level (or warnings with
/// --deny-warnings), 2 unreadable input or bad usage.
#[derive(Parser)]
#[command(
    name = "openapi-check",
    version,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Without a command, `openapi-check FILES` lints.
    #[command(flatten)]
    lint: Args,
}

#[derive(Subcommand)]
enum Command {
    /// Lint OpenAPI 3.0 documents (the default command).
    Lint(Args),
    /// Compare two versions of an OpenAPI 3.0 document: every change
    /// classified breaking, potentially breaking or non-breaking for
    /// existing clients.
    ///
    /// Exit status: 0 no change at or above --fail-on, 1 some, 2 unreadable
    /// input, a document that cannot be compared (not OpenAPI 3.0, a $ref
    /// that cannot be followed, a change where the differ does not look), or
    /// bad usage.
    Diff(DiffArgs),
}

/// `openapi-check [lint]`'s arguments.
#[derive(clap::Args)]
struct Args {
    /// Output format: human, json, sarif or github.
    #[arg(long, default_value = "human")]
    format: OutputFormat,
    /// A YAML config file setting rule severities (`rules: {id: off|error|warning|info|hint}`).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Refuse files larger than this many bytes.
    #[arg(long, default_value_t = openapi_check::DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
    /// Colour the human output (auto: when stdout is a terminal).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// List the rules with their default severities and exit.
    #[arg(long)]
    list_rules: bool,
    /// The documents to check; a directory means every .yaml, .yml and .json
    /// file directly inside it.
    #[arg(required_unless_present = "list_rules")]
    specs: Vec<PathBuf>,
}

/// `--color`: a typo is a usage error, not a silent "auto".
#[derive(Clone, Copy, clap::ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// `openapi-check diff`'s arguments.
#[derive(clap::Args)]
struct DiffArgs {
    /// Output format: text, markdown, json or github.
    #[arg(long, default_value = "text")]
    format: openapi_check::diff::DiffFormat,
    /// Exit 1 when a change is at this level or above: breaking or
    /// potentially-breaking.
    #[arg(long)]
    fail_on: Option<openapi_check::diff::Level>,
    /// A config file; its `diff:` section sets the deprecation and stability
    /// policy (`deprecation-days: {beta: N, stable: N}`, `stability-level`).
    #[arg(long)]
    config: Option<PathBuf>,
    /// The old document.
    old: PathBuf,
    /// The new document.
    new: PathBuf,
}

/// Parses arguments; on failure prints clap's message and gives the exit
/// code: 2 for bad usage, 0 for `--help` and `--version`.
fn parse_args<T: Parser>(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Result<T, ExitCode> {
    T::try_parse_from(args).map_err(|e| {
        let _ = e.print();
        if e.use_stderr() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        }
    })
}

fn diff_main(args: DiffArgs) -> ExitCode {
    let read = |path: &PathBuf| -> Result<openapi_check::Source, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut source = openapi_check::Source::new(path.display().to_string(), text);
        // External $refs are followed inside the document's folder.
        source.path = Some(path.clone());
        Ok(source)
    };
    let config = match &args.config {
        None => Ok(Config::default()),
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read config {}: {e}", path.display()))
            .and_then(|text| {
                Config::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())
            }),
    };
    let (old, new, config) = match (read(&args.old), read(&args.new), config) {
        (Ok(o), Ok(n), Ok(c)) => (o, n, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            eprintln!("openapi-check diff: {e}");
            return ExitCode::from(2);
        }
    };
    let report = match openapi_check::diff::diff_with(&old, &new, config.diff_options()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("openapi-check diff: {e}");
            return ExitCode::from(2);
        }
    };
    let _ =
        std::io::stdout().write_all(openapi_check::diff::render(&report, args.format).as_bytes());
    let failing = args
        .fail_on
        .is_some_and(|threshold| report.changes.iter().any(|c| c.level <= threshold));
    ExitCode::from(u8::from(failing))
}

fn main() -> ExitCode {
    let cli = match parse_args::<Cli>(std::env::args_os()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let args = match cli.command {
        Some(Command::Diff(args)) => return diff_main(args),
        Some(Command::Lint(args)) => args,
        None => cli.lint,
    };
    match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("openapi-check: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.list_rules {
        let mut out = String::new();
        for rule in RULES {
            out.push_str(&format!(
                "{:<42} {:<8} {}\n",
                rule.id, rule.severity, rule.doc
            ));
        }
        std::io::stdout().write_all(out.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read config {}: {e}", path.display()))?;
            Config::parse(&path.display().to_string(), &text)?
        }
        None => Config::default(),
    };
    let options = Options {
        config,
        max_file_bytes: args.max_file_size,
    };
    let mut files = Vec::new();
    for spec in &args.specs {
        if spec.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(spec)
                .map_err(|e| anyhow::anyhow!("cannot list {}: {e}", spec.display()))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
                })
                .collect();
            inside.sort();
            if inside.is_empty() {
                anyhow::bail!("{} contains no .yaml, .yml or .json file", spec.display());
            }
            files.extend(inside);
        } else {
            files.push(spec.clone());
        }
    }
    let mut reports = Vec::with_capacity(files.len());
    // The last document parsed is never freed: the process exits right
    // after, and freeing a large document's tree costs a tenth of its check
    // (0.25 s of microsoft.com/graph-beta.json's 1.7 s). Each earlier one is
    // freed when the next is checked, so memory stays that of one document.
    let mut last = None;
    for file in &files {
        let (report, parsed) = check_path_keeping(file, &options);
        reports.push(report);
        last = parsed;
    }
    std::mem::forget(last);
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal(),
    };
    std::io::stdout().write_all(render(&reports, args.format, color).as_bytes())?;

    let unreadable = reports.iter().any(|r| r.unreadable);
    let failing = reports.iter().flat_map(|r| &r.findings).any(|f| {
        f.severity == Severity::Error || (args.deny_warnings && f.severity == Severity::Warning)
    });
    // Likewise the reports (the sources' text and the findings).
    std::mem::forget(reports);
    Ok(if unreadable {
        ExitCode::from(2)
    } else if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
