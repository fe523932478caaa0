//! What a single call cannot do: `create-backup --wait` (follow the backup,
//! show progress, print the finished backup) and `list-backups --all`
//! (follow the pages, within a bound). Both use the client library's waiter
//! and stream, and report failures like every other command (`output.rs`).

use std::io::IsTerminal;
use std::time::Duration;

use futures_util::StreamExt;
use gaussdb_backup::{BusyRetry, Client, CreatedBackup, Error, ListBackups, WaitProgress};

use crate::{exit, output};

/// Waits for the backup a create call started; prints the finished backup
/// as JSON on stdout. Returns the exit code.
pub async fn wait(client: &Client, created: &CreatedBackup, timeout: Duration) -> u8 {
    eprintln!(
        "backup {} started (job {}); waiting up to {}",
        created.backup.id,
        created.job_id,
        humantime::format_duration(timeout)
    );
    let mut progress = Progress::new();
    let result = created
        .wait(client)
        .timeout(timeout)
        .on_progress(|p| progress.report(p))
        .send()
        .await;
    progress.finish();
    match result {
        Ok(backup) => output::print(&backup),
        Err(err) => output::report(&err, None),
    }
}

/// Says on stderr why `--retry-while-busy` waits.
pub fn busy(retry: &BusyRetry, deadline: Duration) {
    eprintln!(
        "the instance is busy ({}); nothing was started; trying again in {} \
         (attempt {}, {} of {} spent)",
        retry.error,
        humantime::format_duration(round_secs(retry.delay)),
        retry.attempt + 1,
        humantime::format_duration(round_secs(retry.waited)),
        humantime::format_duration(deadline),
    );
}

fn round_secs(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs())
}

/// What a poll found, in one line: the backup's status, and the job's with
/// its percentage when the service gives them.
fn progress_line(progress: &WaitProgress) -> String {
    let backup = match &progress.backup_status {
        Some(status) => format!("backup {status}"),
        None => "backup not listed yet".to_owned(),
    };
    let job = match (&progress.job_status, progress.percent) {
        (Some(status), Some(percent)) => format!(", job {status} {percent}%"),
        (Some(status), None) => format!(", job {status}"),
        (None, _) => String::new(),
    };
    format!("{backup}{job}")
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

    fn report(&mut self, progress: &WaitProgress) {
        let line = progress_line(progress);
        match &self.bar {
            Some(bar) => bar.set_message(line),
            None => {
                if let Some(line) = self.changed(line) {
                    eprintln!("{line}");
                }
            }
        }
    }

    /// `line`, unless it is the one printed last: off a terminal, a wait
    /// that polls every few seconds prints a line per change, not per poll.
    fn changed(&mut self, line: String) -> Option<String> {
        if self.last.as_deref() == Some(line.as_str()) {
            return None;
        }
        self.last = Some(line.clone());
        Some(line)
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `list-backups --all`: every matching backup from `offset` (the query's),
/// printed as one JSON object like a page: `backups`, and `total_count` as
/// the service counted the matching backups when listing began (over all
/// pages, as on a page: not the number printed when `--offset` skips some).
///
/// At most `max_items` backups: when more match, nothing is printed and the
/// exit code is [`exit::TOO_MANY`], rather than a truncated list that reads
/// as complete.
pub async fn list_all(query: ListBackups<'_>, offset: u32, max_items: usize) -> u8 {
    // The service's count, from a page of one backup.
    let total_count = match query.clone().limit(1).send().await {
        Ok(page) => page.total_count,
        Err(err) => return output::report(&err, None),
    };
    // When the service's count already says more remain than the bound,
    // fail before paging through them all.
    let bound = u64::try_from(max_items).unwrap_or(u64::MAX);
    if let Some(total) = total_count
        && u64::try_from(total.saturating_sub(i64::from(offset))).is_ok_and(|r| r > bound)
    {
        return too_many(max_items, total_count);
    }
    // The library's stream says when it stops at the bound with more left.
    let mut stream = std::pin::pin!(query.max_items(max_items).stream());
    let mut backups = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(backup) => backups.push(backup),
            Err(Error::TooManyItems { .. }) => return too_many(max_items, total_count),
            Err(err) => return output::report(&err, None),
        }
    }
    output::print(&output::Page {
        backups: &backups,
        total_count,
    })
}

fn too_many(max_items: usize, total_count: Option<i64>) -> u8 {
    let counted = total_count
        .map(|t| format!(" (the service counts {t})"))
        .unwrap_or_default();
    eprintln!(
        "error: more than {max_items} backups match{counted}; nothing was printed: \
         raise --max-items, or narrow the list with filters such as --instance-id, \
         --backup-type, --begin-time and --end-time"
    );
    exit::TOO_MANY
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The retry message gives whole seconds ("30s", not "29s 981ms 112us").
    #[test]
    fn delays_are_shown_in_whole_seconds() {
        assert_eq!(
            round_secs(Duration::from_millis(29_981)),
            Duration::from_secs(29)
        );
        assert_eq!(
            humantime::format_duration(round_secs(Duration::from_millis(90_400))).to_string(),
            "1m 30s"
        );
    }

    /// Off a terminal, a line is printed when what the poll found changes,
    /// not at every poll.
    #[test]
    fn a_line_is_printed_once_per_change() {
        let mut progress = Progress {
            bar: None,
            last: None,
        };
        let lines = [
            "backup not listed yet",
            "backup not listed yet",
            "backup BUILDING",
            "backup BUILDING",
            "backup COMPLETED",
        ];
        let printed: Vec<String> = lines
            .iter()
            .filter_map(|line| progress.changed((*line).to_owned()))
            .collect();
        assert_eq!(
            printed,
            [
                "backup not listed yet",
                "backup BUILDING",
                "backup COMPLETED"
            ]
        );
    }
}
