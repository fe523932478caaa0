//! `cargo xtask smoke`: the spec against the live service (or any
//! endpoint). The lifecycle runs through the published client, which talks
//! to a recording proxy on loopback; every answer the proxy saw is then
//! checked against the spec, and the report says what to change.
//!
//! - `lifecycle.rs`: create → wait → find by ID and name → job → delete →
//!   gone, with clean-up on failure.
//! - `sweep.rs`: `--sweep [--dry-run]`, old smoke backups only.
//! - `record.rs`: the recording proxy, `--record`/`--replay` files.
//! - `redact.rs`: secrets out of records and reports.
//! - `drift.rs`: the checker; `report.rs`: Markdown, JSON, summary.
//! - `names.rs`: the backups' names.

mod drift;
mod lifecycle;
mod names;
mod record;
mod redact;
mod report;
mod sweep;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use gaussdb_backup::{Client, Clock, Credentials, Endpoint, SystemClock};
use serde_json::Value;

use record::{Exchange, PLACEHOLDER_TOKEN, Recorder, Upstream};
use redact::Redactor;
use report::Report;

/// The variables `Credentials::from_env` reads (the official SDKs' names).
const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// The IAM token variable the CLI reads, used when no key pair is set.
const ENV_TOKEN: &str = "HUAWEICLOUD_TOKEN";
/// The project ID variable of the official SDKs.
const ENV_PROJECT: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// The longest wait for the backup to finish.
const WAIT_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// `cargo xtask smoke`'s flags.
#[derive(Debug, clap::Args)]
pub struct SmokeArgs {
    /// The region (its endpoint from the client's region table).
    #[arg(long, conflicts_with = "endpoint")]
    pub region: Option<String>,
    /// The endpoint's URL, for the emulator and other clouds.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The instance to back up (required: the run never picks one).
    #[arg(long, value_name = "ID")]
    pub instance_id: Option<String>,
    /// The project ID (default: HUAWEICLOUD_SDK_PROJECT_ID).
    #[arg(long, value_name = "ID")]
    pub project_id: Option<String>,
    /// Where report.md and report.json go.
    #[arg(long, value_name = "DIR", default_value = "target/smoke")]
    pub report: PathBuf,
    /// Also save the answers (secrets removed) in DIR/responses.json.
    #[arg(long, value_name = "DIR", conflicts_with = "replay")]
    pub record: Option<PathBuf>,
    /// Check answers saved by --record instead of calling the service.
    #[arg(long, value_name = "DIR", conflicts_with = "sweep")]
    pub replay: Option<PathBuf>,
    /// Delete this instance's smoke backups older than an hour, and only those.
    #[arg(long)]
    pub sweep: bool,
    /// With --sweep: list what would be deleted, delete nothing.
    #[arg(long, requires = "sweep")]
    pub dry_run: bool,
    /// Show a documented optional property that never came as expected to
    /// be absent, not as drift. For a target that need not send every
    /// optional property, such as the emulator after the spec adds one;
    /// never for the live service, whose silence on a documented field is
    /// what the run is for.
    #[arg(long)]
    pub optional_may_be_absent: bool,
}

/// What a run does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The lifecycle.
    Lifecycle,
    /// The sweeper.
    Sweep {
        /// Delete nothing.
        dry_run: bool,
    },
}

/// Everything a run needs, resolved and checked.
pub struct Settings {
    /// The service's base URL.
    pub endpoint: String,
    /// The project ID.
    pub project_id: String,
    /// The instance.
    pub instance_id: String,
    /// The real credentials (only the proxy applies them).
    pub credentials: Credentials,
    /// Lifecycle or sweep.
    pub mode: Mode,
    /// Time for the waits, the signatures and the sweep's "one hour".
    pub clock: Arc<dyn Clock>,
    /// `--optional-may-be-absent`.
    pub optional_may_be_absent: bool,
}

/// Resolves the settings from the flags and the environment; refuses to
/// start, naming everything missing, before anything is sent.
pub fn settings(args: &SmokeArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings> {
    let env = |name: &str| env(name).filter(|v| !v.is_empty());
    let mut missing = Vec::new();
    if args.instance_id.is_none() {
        missing.push("the instance: --instance-id ID".to_owned());
    }
    if args.region.is_none() && args.endpoint.is_none() {
        missing.push("the service: --region REGION or --endpoint URL".to_owned());
    }
    let project_id = args.project_id.clone().or_else(|| env(ENV_PROJECT));
    if project_id.is_none() {
        missing.push(format!("the project: --project-id ID or {ENV_PROJECT}"));
    }
    let credentials = match (env(ENV_AK), env(ENV_SK), env(ENV_TOKEN)) {
        (Some(ak), Some(sk), _) => Some(match env(ENV_SECURITY_TOKEN) {
            Some(token) => Credentials::temporary(ak, sk, token),
            None => Credentials::aksk(ak, sk),
        }),
        (None, None, Some(token)) => Some(Credentials::token(token)),
        _ => None,
    };
    if credentials.is_none() {
        missing.push(format!(
            "credentials: {ENV_AK} and {ENV_SK} (or {ENV_TOKEN}) in the environment"
        ));
    }
    let (Some(instance_id), Some(project_id), Some(credentials), true) = (
        args.instance_id.clone(),
        project_id,
        credentials,
        missing.is_empty(),
    ) else {
        bail!(
            "cargo xtask smoke will not start without {}; nothing was sent",
            missing.join("; ")
        );
    };
    let endpoint = match (&args.region, &args.endpoint) {
        (Some(region), _) => Endpoint::region_with(region, |n| env(n)),
        (None, Some(url)) => Endpoint::url(url),
        (None, None) => unreachable!("checked above"),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Settings {
        endpoint: endpoint.as_url().as_str().trim_end_matches('/').to_owned(),
        project_id,
        instance_id,
        credentials,
        mode: if args.sweep {
            Mode::Sweep {
                dry_run: args.dry_run,
            }
        } else {
            Mode::Lifecycle
        },
        clock: Arc::new(SystemClock),
        optional_may_be_absent: args.optional_may_be_absent,
    })
}

/// `cargo xtask smoke`: the exit status (see [`report::Outcome::exit_code`]).
pub fn run(root: &Path, args: SmokeArgs) -> Result<u8> {
    let spec_path = root.join(crate::spec::SPEC_PATH);
    let spec_text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read the spec {}", spec_path.display()))?;
    let spec = parse_spec(&spec_text)?;
    let report = match &args.replay {
        Some(dir) => {
            let exchanges = record::load(dir)?;
            let checked = drift::check(
                &spec,
                &spec_text,
                &exchanges,
                &Redactor::default(),
                args.optional_may_be_absent,
            );
            Report::new(None, None, None, checked)
        }
        None => {
            let settings = settings(&args, &|name| std::env::var(name).ok())?;
            let runtime = tokio::runtime::Runtime::new()?;
            let progress = |line: &str| eprintln!("{line}");
            let run = runtime.block_on(execute(&settings, &spec, &spec_text, &progress))?;
            if let Some(dir) = &args.record {
                record::save(dir, &run.exchanges)?;
                eprintln!(
                    "answers recorded in {}",
                    dir.join(record::RECORD_FILE).display()
                );
            }
            run.report
        }
    };
    let (md, json) = report.write(&root.join(&args.report), crate::spec::SPEC_PATH)?;
    eprintln!("report: {} and {}", md.display(), json.display());
    println!("smoke: {}", report.summary());
    Ok(report.outcome.exit_code())
}

fn parse_spec(text: &str) -> Result<Value> {
    openapi_check::parse(text, openapi_check::Format::Yaml)
        .map(|p| p.value)
        .map_err(|e| anyhow::anyhow!("the spec does not parse: {}", e.message))
}

/// What one run produced.
pub struct Run {
    /// The report.
    pub report: Report,
    /// The answers, redacted (for `--record`).
    pub exchanges: Vec<Exchange>,
}

/// Runs the lifecycle or the sweep through the recording proxy, then
/// checks what it recorded.
pub async fn execute(
    settings: &Settings,
    spec: &Value,
    spec_text: &str,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Run> {
    let redactor = Redactor::new(secrets(&settings.credentials));
    let upstream = Upstream {
        base: settings.endpoint.clone(),
        credentials: settings.credentials.clone(),
        project_id: settings.project_id.clone(),
        clock: Arc::clone(&settings.clock),
    };
    let recorder = Recorder::start(upstream, redactor.clone()).await?;
    let client = Client::builder()
        .endpoint_url(&recorder.url())
        .project_id(settings.project_id.as_str())
        .credentials(Credentials::token(PLACEHOLDER_TOKEN))
        .clock(Arc::clone(&settings.clock))
        .build()
        .map_err(|e| anyhow::anyhow!("cannot build the client: {e}"))?;
    let (mut lifecycle, mut sweep, mut error) = (None, None, None);
    match settings.mode {
        Mode::Lifecycle => {
            let name = names::backup_name(settings.clock.now(), &mut fastrand::Rng::new());
            progress(&format!(
                "creating backup {name} of instance {}",
                settings.instance_id
            ));
            let target = lifecycle::Target {
                client: &client,
                instance: &settings.instance_id,
                name,
                wait_timeout: WAIT_TIMEOUT,
                clock: Arc::clone(&settings.clock),
                progress,
            };
            lifecycle = Some(lifecycle::run(&target).await);
        }
        Mode::Sweep { dry_run } => {
            let now = settings.clock.now();
            match sweep::run(&client, &settings.instance_id, now, dry_run).await {
                Ok(done) => sweep = Some(done),
                Err(e) => error = Some(format!("the sweep could not list the backups: {e}")),
            }
        }
    }
    let exchanges = recorder.finish().await;
    let checked = drift::check(
        spec,
        spec_text,
        &exchanges,
        &redactor,
        settings.optional_may_be_absent,
    );
    if let Some(l) = lifecycle.as_mut() {
        redact_lifecycle(l, &redactor);
    }
    if let Some(s) = sweep.as_mut() {
        for swept in &mut s.matched {
            swept.error = swept.error.as_deref().map(|e| redactor.text(e));
        }
    }
    error = error.map(|e| redactor.text(&e));
    Ok(Run {
        report: Report::new(lifecycle, sweep, error, checked),
        exchanges,
    })
}

/// The values no record or report may show.
fn secrets(credentials: &Credentials) -> Vec<String> {
    match credentials {
        Credentials::Token(token) => vec![token.expose().to_owned()],
        Credentials::AkSk {
            secret_key,
            security_token,
            ..
        } => std::iter::once(secret_key)
            .chain(security_token)
            .map(|s| s.expose().to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

fn redact_lifecycle(lifecycle: &mut lifecycle::Lifecycle, redactor: &Redactor) {
    for step in &mut lifecycle.steps {
        step.detail = redactor.known(&step.detail);
    }
    lifecycle.cleanup = lifecycle.cleanup.as_deref().map(|c| redactor.known(c));
}
