//! What the generated commands cannot do: `create-backup --wait` (follow the
//! job, show progress, print the finished backup) and `list-backups --all`
//! (follow the pages). Both use the client crate's waiter and stream.

use std::io::IsTerminal;
use std::time::Duration;

use futures_util::StreamExt;
use gaussdb_backup::{Client, Error, JobProgress};
use serde_json::Value;

use crate::exit;

/// Waits for the backup whose create answer is `created`; prints the
/// finished backup as JSON on stdout. Returns the exit code.
pub async fn wait(client: &Client, created: Option<Value>, timeout: Duration) -> u8 {
    let Some(created) = created else {
        eprintln!("error: the create answer was not kept; nothing to wait for");
        return exit::UNEXPECTED;
    };
    let (Some(job_id), Some(backup_id)) =
        (created["job_id"].as_str(), created["backup"]["id"].as_str())
    else {
        eprintln!("error: the create answer has no job_id or backup.id: {created}");
        return exit::UNEXPECTED;
    };
    eprintln!(
        "backup {backup_id} started (job {job_id}); waiting up to {}",
        humantime::format_duration(timeout)
    );
    let mut progress = Progress::new();
    let result = client
        .wait_for_backup(job_id, backup_id)
        .timeout(timeout)
        .on_progress(|p| progress.report(p))
        .send()
        .await;
    progress.finish();
    match result {
        Ok(backup) => {
            match serde_json::to_string_pretty(&backup) {
                Ok(text) => println!("{text}"),
                Err(e) => eprintln!("error: cannot print the backup: {e}"),
            }
            exit::OK
        }
        Err(err @ Error::BackupFailed { .. }) => {
            eprintln!("error: {err}");
            exit::BACKUP_FAILED
        }
        Err(err @ Error::WaitTimeout { .. }) => {
            eprintln!("error: {err}");
            exit::WAIT_TIMEOUT
        }
        Err(err) => {
            eprintln!("error: {err}");
            crate::output::exit_code_of(&err)
        }
    }
}

/// Progress on stderr: a spinner with the percentage on a terminal, plain
/// lines (one per change) otherwise, so logs stay readable.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    last: Option<String>,
}

impl Progress {
    fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { bar, last: None }
    }

    fn report(&mut self, progress: &JobProgress) {
        let line = match progress.percent {
            Some(percent) => format!("job {}: {} {percent}%", progress.job.id, progress.status),
            None => format!("job {}: {}", progress.job.id, progress.status),
        };
        match &self.bar {
            Some(bar) => bar.set_message(line),
            None if self.last.as_deref() != Some(line.as_str()) => {
                eprintln!("{line}");
                self.last = Some(line);
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `list-backups --all`: every matching backup from `--offset`, printed as
/// one JSON object like a page (`backups` and their `total_count`).
pub async fn list_all(client: &Client, matches: &clap::ArgMatches) -> u8 {
    let text = |name: &str| matches.get_one::<String>(name).cloned();
    let mut query = client.backups();
    if let Some(v) = text("instance-id") {
        query = query.instance_id(v);
    }
    if let Some(v) = text("backup-id") {
        query = query.backup_id(v);
    }
    if let Some(v) = matches.get_one::<gaussdb_backup::BackupType>("backup-type") {
        query = query.backup_type(v.clone());
    }
    if let Some(v) = text("begin-time") {
        query = query.begin_time(v);
    }
    if let Some(v) = text("end-time") {
        query = query.end_time(v);
    }
    if let Some(v) = text("name") {
        query = query.name(v);
    }
    if let Some(v) = text("instance-name") {
        query = query.instance_name(v);
    }
    if let Some(v) = matches.get_one::<gaussdb_backup::Language>("x-language") {
        query = query.language(v.clone());
    }
    if let Some(v) = matches.get_one::<std::num::NonZeroU32>("limit") {
        query = query.limit(v.get());
    }
    if let Some(v) = matches.get_one::<i32>("offset") {
        match u32::try_from(*v) {
            Ok(offset) => query = query.offset(offset),
            Err(_) => {
                eprintln!("error: invalid offset: must not be negative");
                return exit::USAGE;
            }
        }
    }
    let mut backups = Vec::new();
    let mut stream = std::pin::pin!(query.stream());
    while let Some(item) = stream.next().await {
        match item {
            Ok(backup) => backups.push(backup),
            Err(err) => {
                eprintln!("error: {err}");
                return crate::output::exit_code_of(&err);
            }
        }
    }
    let page = serde_json::json!({ "backups": backups, "total_count": backups.len() });
    match serde_json::to_string_pretty(&page) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: cannot print the result: {e}"),
    }
    exit::OK
}
