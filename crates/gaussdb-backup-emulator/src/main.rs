//! `gaussdb-backup-emulator`: the emulator as a program.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use gaussdb_backup_emulator::{Config, DOCUMENTED_INSTANCE, Emulator, JobSchedule};

/// A local emulator of the TaurusDB manual-backup API.
///
/// Tokens are secrets: pass them in GAUSSDB_EMULATOR_TOKENS rather than on the
/// command line, where other users can read them in the process list.
#[derive(Parser)]
#[command(name = "gaussdb-backup-emulator", version)]
struct Args {
    /// Address to listen on.
    #[arg(
        long,
        env = "GAUSSDB_EMULATOR_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    listen: SocketAddr,
    /// Accepted tokens, comma-separated; by default any non-empty token.
    /// `TOKEN@2026-01-01T00:00:00Z` makes a token expire at that time.
    #[arg(
        long = "token",
        env = "GAUSSDB_EMULATOR_TOKENS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    tokens: Vec<String>,
    /// Key pairs whose AK/SK signatures are accepted, as AK:SK, comma-separated.
    #[arg(
        long = "key-pair",
        env = "GAUSSDB_EMULATOR_KEY_PAIRS",
        value_delimiter = ',',
        default_value = "AccessKey:SecretKey",
        hide_env_values = true,
        hide_default_value = false
    )]
    key_pairs: Vec<String>,
    /// Instance IDs that exist, comma-separated.
    #[arg(long = "instance", env = "GAUSSDB_EMULATOR_INSTANCES", value_delimiter = ',',
          default_value = DOCUMENTED_INSTANCE)]
    instances: Vec<String>,
    /// Time from a create call until its job can be queried (`500ms`, `2s`, `1m`).
    #[arg(long, env = "GAUSSDB_EMULATOR_JOB_VISIBLE_AFTER", default_value = "1s", value_parser = duration)]
    job_visible_after: Duration,
    /// Time from a create call until its job runs (the job is Pending until then).
    #[arg(long, env = "GAUSSDB_EMULATOR_JOB_PENDING", default_value = "2s", value_parser = duration)]
    job_pending: Duration,
    /// How long a job runs; then the job is Completed and the backup COMPLETED.
    #[arg(long, env = "GAUSSDB_EMULATOR_JOB_RUNNING", default_value = "5s", value_parser = duration)]
    job_running: Duration,
    /// Never show jobs: every job query answers DBS.200543 (the real task
    /// center may not show backup jobs at all).
    #[arg(long, env = "GAUSSDB_EMULATOR_JOB_HIDDEN")]
    job_hidden: bool,
    /// The job ends this long after its backup is COMPLETED (the job lags behind the list).
    #[arg(long, env = "GAUSSDB_EMULATOR_JOB_LAG", default_value = "0s", value_parser = duration)]
    job_lag: Duration,
    /// The backup stays BUILDING this long after its job ended (the list lags behind the job).
    #[arg(long, env = "GAUSSDB_EMULATOR_BACKUP_LAG", default_value = "0s", value_parser = duration)]
    backup_lag: Duration,
    /// Automated backups (type auto, COMPLETED) to make up for each instance, one a day.
    #[arg(long, env = "GAUSSDB_EMULATOR_SEED_AUTO_BACKUPS", default_value_t = 0)]
    seed_auto_backups: usize,
    /// Keep backups and jobs in this file across restarts (an append-only journal).
    #[arg(long = "state", env = "GAUSSDB_EMULATOR_STATE")]
    state: Option<PathBuf>,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "GAUSSDB_EMULATOR_MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    max_body_bytes: usize,
    /// Drift mode: answers depart from the spec in these ways, comma-separated
    /// (extra-property, unknown-status, missing-field, time-offset); for
    /// testing `cargo xtask smoke`'s drift report. Also `/_emulator/drift`.
    #[arg(long, env = "GAUSSDB_EMULATOR_DRIFT", value_delimiter = ',')]
    drift: Vec<gaussdb_backup_emulator::drift::Deviation>,
}

/// `250ms`, `2s`, `1m` or a bare number of milliseconds.
/// A duration flag: humantime's forms (`500ms`, `2s`, `1m`, `1h`, `1h 30m`),
/// the same as the CLI's, and a bare number of milliseconds (`0`), as
/// earlier versions took.
fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse()
            .map(Duration::from_millis)
            .map_err(|_| format!("{text:?} is too many milliseconds"));
    }
    humantime::parse_duration(text)
        .map_err(|e| format!("{text:?} is not a duration such as 500ms, 2s, 1m or 1h ({e})"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let mut key_pairs = std::collections::BTreeMap::new();
    for pair in args.key_pairs.iter().filter(|p| !p.is_empty()) {
        let (ak, sk) = pair
            .split_once(':')
            .filter(|(ak, sk)| !ak.is_empty() && !sk.is_empty())
            .ok_or_else(|| {
                anyhow::anyhow!("--key-pair takes AK:SK (one of the values is not of that form)")
            })?;
        key_pairs.insert(ak.to_owned(), sk.to_owned());
    }
    let mut tokens = std::collections::BTreeSet::new();
    let mut token_expiry = std::collections::BTreeMap::new();
    for token in args.tokens.into_iter().filter(|t| !t.is_empty()) {
        match token.split_once('@') {
            Some((token, at)) => {
                let at = chrono::DateTime::parse_from_rfc3339(at).map_err(|_| {
                    anyhow::anyhow!("a token's expiry (after @) is not an RFC 3339 time")
                })?;
                token_expiry.insert(token.to_owned(), at.with_timezone(&chrono::Utc));
            }
            None => {
                tokens.insert(token);
            }
        }
    }
    let config = Config {
        tokens,
        token_expiry,
        key_pairs,
        instances: args.instances.into_iter().collect(),
        jobs: JobSchedule {
            visible_after: args.job_visible_after,
            pending: args.job_pending,
            running: args.job_running,
            job_hidden: args.job_hidden,
            job_lag: args.job_lag,
            backup_lag: args.backup_lag,
        },
        seed_auto_backups: args.seed_auto_backups,
        state_file: args.state,
        max_body_bytes: args.max_body_bytes,
        ..Config::default()
    };
    tracing::info!(?config, "starting");
    let emulator = Emulator::bind(config, args.listen)
        .await
        .context("cannot start the emulator")?;
    emulator.drift().set(args.drift.iter().copied().collect());
    println!("gaussdb-backup-emulator listening on {}", emulator.url());
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {
            tracing::info!("shutting down");
            emulator.shutdown().await;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_the_clis_do_and_bare_numbers_as_milliseconds() {
        assert_eq!(duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(duration("1h 30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(duration("0"), Ok(Duration::ZERO));
        assert_eq!(duration("250"), Ok(Duration::from_millis(250)));
        assert!(duration("soon").is_err());
        assert!(duration("").is_err());
    }
}
