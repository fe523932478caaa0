//! `gaussdb-backup-emulator`: the emulator as a program.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use gaussdb_backup_emulator::{Config, DOCUMENTED_INSTANCE, Emulator};

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
    /// Milliseconds from BUILDING to COMPLETED.
    #[arg(
        long,
        env = "GAUSSDB_EMULATOR_COMPLETE_AFTER_MS",
        default_value_t = 5000
    )]
    complete_after_ms: u64,
    /// Keep backups in this file across restarts (written atomically).
    #[arg(long = "state", env = "GAUSSDB_EMULATOR_STATE")]
    state: Option<PathBuf>,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "GAUSSDB_EMULATOR_MAX_BODY_BYTES", default_value_t = 64 * 1024)]
    max_body_bytes: usize,
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
    let config = Config {
        tokens: args.tokens.into_iter().filter(|t| !t.is_empty()).collect(),
        key_pairs,
        instances: args.instances.into_iter().collect(),
        complete_after: Duration::from_millis(args.complete_after_ms),
        state_file: args.state,
        max_body_bytes: args.max_body_bytes,
    };
    tracing::info!(?config, "starting");
    let emulator = Emulator::bind(config, args.listen)
        .await
        .context("cannot start the emulator")?;
    println!("gaussdb-backup-emulator listening on {}", emulator.url());
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {
            tracing::info!("shutting down");
            emulator.shutdown().await;
        }
    }
    Ok(())
}
