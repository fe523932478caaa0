//! Command-line flags of `cargo xtask`, parsed by clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use openapi_check::diff::DiffFormat;

/// Project automation for the gaussdb-backup workspace.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", disable_version_flag = true)]
pub struct Flags {
    /// The workspace to work on (default: the one this xtask was built in).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate openapi/gaussdb-backup.yaml and regenerate every derived file.
    Generate {
        /// Write nothing; fail with a diff when a checked-in file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Run openapi-check on the spec (warnings fail too).
    Validate,
    /// The semver gate: the spec and the client's Rust API against the newest
    /// released snapshot in openapi/released/; with --base, also the spec's
    /// changes since that git revision.
    Diff {
        /// Also report the spec's changes since this git revision.
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// How to print the changes.
        #[arg(long, default_value = "text", value_parser = parse_format)]
        format: DiffFormat,
        /// Skip the Rust API check (it builds rustdoc JSON of the client).
        #[arg(long)]
        no_rust_api: bool,
    },
    /// Record a release: snapshot the spec and the client's public Rust API
    /// for the client crate's current version, and prepend a CHANGELOG.md entry.
    #[command(alias = "bless")]
    Release,
    /// The pull-request review: Markdown (verdict, semver decision, changes
    /// with their places, generated code, Rust API) and a JSON result.
    Review {
        /// The pull request's base commit.
        #[arg(long, value_name = "REV")]
        base: String,
        /// Directory for review.md and review.json.
        #[arg(long, value_name = "DIR", default_value = "target/spec-review")]
        out: PathBuf,
        /// The repository's web address (`https://github.com/OWNER/REPO`): places
        /// become links to the lines at the base and head commits.
        #[arg(long, value_name = "URL")]
        repo_url: Option<String>,
    },
    /// The spec against the live service: a backup's whole lifecycle through
    /// the client, every answer checked against the spec (report.md and
    /// report.json). Exit status 0 passed, 1 a step failed, 2 could not
    /// start, 3 drift found.
    Smoke(crate::smoke::SmokeArgs),
    /// Print the client crate's public Rust API listing (from rustdoc JSON).
    PublicApi {
        /// Read this rustdoc JSON file instead of building it.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
}

fn parse_format(s: &str) -> Result<DiffFormat, String> {
    s.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Flags, clap::Error> {
        Flags::try_parse_from(std::iter::once("xtask").chain(args.iter().copied()))
    }

    #[test]
    fn commands_parse_and_mistakes_are_refused() {
        assert!(matches!(
            parse(&["generate", "--check"]).unwrap().command,
            Command::Generate { check: true }
        ));
        assert!(matches!(
            parse(&["diff", "--format", "markdown"]).unwrap().command,
            Command::Diff {
                format: DiffFormat::Markdown,
                ..
            }
        ));
        assert!(parse(&["diff", "--format", "yaml"]).is_err());
        assert!(parse(&["generate", "--chek"]).is_err());
        assert!(parse(&["review"]).is_err(), "--base is required");
        assert!(parse(&["frobnicate"]).is_err());
        assert!(matches!(
            parse(&["bless"]).unwrap().command,
            Command::Release
        ));
        assert!(
            parse(&["smoke", "--dry-run"]).is_err(),
            "--dry-run needs --sweep"
        );
        assert!(parse(&["smoke", "--region", "r", "--endpoint", "http://x"]).is_err());
        assert!(parse(&["smoke", "--replay", "d", "--sweep"]).is_err());
        assert!(matches!(
            parse(&["smoke", "--instance-id", "i", "--sweep", "--dry-run"])
                .unwrap()
                .command,
            Command::Smoke(crate::smoke::SmokeArgs {
                sweep: true,
                dry_run: true,
                ..
            })
        ));
        let f = parse(&["--root", "/tmp/x", "release"]).unwrap();
        assert_eq!(f.root.as_deref(), Some(std::path::Path::new("/tmp/x")));
    }
}
