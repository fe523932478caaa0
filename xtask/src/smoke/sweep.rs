//! `--sweep`: deletes what earlier smoke runs left behind on the instance,
//! and only that: manual backups of that instance whose names carry the
//! smoke prefix and which began more than an hour ago (so a sweep never
//! deletes the backup of a run still going). A backup whose begin time is
//! absent or unreadable is kept: what cannot be dated is never deleted.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use gaussdb_backup::types::BackupSummary;
use gaussdb_backup::{BackupType, Client};
use serde::{Deserialize, Serialize};

use super::names::PREFIX;

/// How old a smoke backup must be before a sweep deletes it.
pub const MIN_AGE: Duration = Duration::from_secs(60 * 60);

/// One backup the sweep deletes (or would).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swept {
    /// Backup ID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its begin time, as the service wrote it.
    pub begin_time: String,
    /// Why it was not deleted, when deleting failed.
    pub error: Option<String>,
}

/// What a sweep did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sweep {
    /// `--dry-run`: nothing was deleted.
    pub dry_run: bool,
    /// The backups deleted, or that would be with `--dry-run`.
    pub matched: Vec<Swept>,
    /// Backups of the instance left alone.
    pub kept: usize,
}

impl Sweep {
    /// Whether every matched backup was deleted (or it was a dry run).
    pub fn ok(&self) -> bool {
        self.matched.iter().all(|s| s.error.is_none())
    }
}

/// Whether the sweep may delete `backup`.
pub fn sweepable(backup: &BackupSummary, instance: &str, now: DateTime<Utc>) -> bool {
    let named = backup
        .name
        .as_deref()
        .is_some_and(|n| n.starts_with(PREFIX));
    let manual = backup.type_ == Some(BackupType::Manual);
    let ours = backup.instance_id.as_deref() == Some(instance);
    let old = backup
        .begin_time
        .as_ref()
        .and_then(|t| t.datetime())
        .and_then(|t| (now - t.with_timezone(&Utc)).to_std().ok())
        .is_some_and(|age| age >= MIN_AGE);
    named && manual && ours && old
}

/// Lists the instance's manual backups and deletes the sweepable ones
/// (none with `dry_run`).
pub async fn run(
    client: &Client,
    instance: &str,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<Sweep, gaussdb_backup::Error> {
    let listing = client
        .backups()
        .instance_id(instance)
        .backup_type(BackupType::Manual)
        .stream();
    futures_util::pin_mut!(listing);
    let mut candidates = Vec::new();
    let mut sweep = Sweep {
        dry_run,
        ..Sweep::default()
    };
    while let Some(backup) = listing.next().await {
        let backup = backup?;
        if sweepable(&backup, instance, now) {
            candidates.push(backup);
        } else {
            sweep.kept += 1;
        }
    }
    for backup in candidates {
        let error = if dry_run {
            None
        } else {
            client
                .delete_backup(backup.id.as_str())
                .send()
                .await
                .err()
                .map(|e| e.to_string())
        };
        sweep.matched.push(Swept {
            id: backup.id,
            name: backup.name.unwrap_or_default(),
            begin_time: backup
                .begin_time
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            error,
        });
    }
    Ok(sweep)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

    fn backup(name: &str, kind: &str, instance: &str, begin: Option<&str>) -> BackupSummary {
        serde_json::from_value(serde_json::json!({
            "id": "b", "name": name, "type": kind, "instance_id": instance, "begin_time": begin,
        }))
        .unwrap()
    }

    /// Each rule alone keeps a backup the others would let go; the emulator
    /// cannot make an automated backup with the prefix, so this is the test
    /// of "manual only".
    #[test]
    fn every_rule_must_hold() {
        let now = DateTime::parse_from_rfc3339("2026-12-05T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let old = Some("2026-12-05T18:59:59+0800"); // 1 h 0 min 1 s before now
        let young = Some("2026-12-05T19:00:01+0800");
        let name = "gdbsmoke-20261205T105959Z-abcdef";
        assert!(sweepable(
            &backup(name, "manual", INSTANCE, old),
            INSTANCE,
            now
        ));
        assert!(!sweepable(
            &backup(name, "manual", INSTANCE, young),
            INSTANCE,
            now
        ));
        assert!(!sweepable(
            &backup(name, "auto", INSTANCE, old),
            INSTANCE,
            now
        ));
        assert!(!sweepable(
            &backup(name, "manual", "other", old),
            INSTANCE,
            now
        ));
        assert!(!sweepable(
            &backup("nightly", "manual", INSTANCE, old),
            INSTANCE,
            now
        ));
        assert!(!sweepable(
            &backup(name, "manual", INSTANCE, None),
            INSTANCE,
            now
        ));
        assert!(!sweepable(
            &backup(name, "manual", INSTANCE, Some("yesterday")),
            INSTANCE,
            now
        ));
    }
}
