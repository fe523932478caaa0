//! The backups the emulator has created: in memory, or in a state file
//! written atomically (a temporary file, fsync, rename, fsync of the folder),
//! so a crash mid-write loses nothing already acknowledged.

use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// One backup as stored.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredBackup {
    pub id: String,
    pub project_id: String,
    pub instance_id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// In the service's format, `2020-07-07T01:17:05+0800`.
    pub begin_time: String,
    /// Milliseconds since the Unix epoch when the backup started.
    pub started_ms: i64,
    pub job_id: String,
}

impl StoredBackup {
    /// BUILDING until `complete_after` has passed, then COMPLETED.
    pub fn status(&self, now_ms: i64, complete_after: Duration) -> gaussdb_backup::BackupStatus {
        let done = now_ms.saturating_sub(self.started_ms) >= complete_after.as_millis() as i64;
        if done {
            gaussdb_backup::BackupStatus::Completed
        } else {
            gaussdb_backup::BackupStatus::Building
        }
    }
}

#[derive(Default, Serialize, Deserialize)]
struct StateFile {
    version: u32,
    backups: Vec<StoredBackup>,
}

/// At most this many backups are kept; past it the oldest go first, so a
/// long or hostile run cannot grow the emulator without bound.
pub const MAX_BACKUPS: usize = 100_000;

/// The store.
#[derive(Debug, Default)]
pub struct Store {
    backups: VecDeque<StoredBackup>,
    /// Start of the newest backup of each instance: the in-progress check is
    /// one lookup, however many backups there are.
    latest_start: HashMap<String, i64>,
    file: Option<PathBuf>,
}

/// Why the state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Reading or writing failed.
    #[error("state file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not a state file of this emulator.
    #[error("state file {path} is not valid: {source}")]
    Invalid {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl Store {
    /// A store in memory, or backed by `file` (read if it exists).
    pub fn open(file: Option<PathBuf>) -> Result<Store, StateError> {
        let Some(path) = file else {
            return Ok(Store::default());
        };
        let backups = match std::fs::read(&path) {
            Ok(bytes) => {
                let state: StateFile =
                    serde_json::from_slice(&bytes).map_err(|source| StateError::Invalid {
                        path: path.clone(),
                        source,
                    })?;
                state.backups
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => return Err(StateError::Io { path, source }),
        };
        let mut store = Store {
            file: Some(path),
            ..Store::default()
        };
        for backup in backups {
            store.insert(backup);
        }
        Ok(store)
    }

    fn insert(&mut self, backup: StoredBackup) {
        let start = self
            .latest_start
            .entry(backup.instance_id.clone())
            .or_insert(i64::MIN);
        *start = (*start).max(backup.started_ms);
        self.backups.push_back(backup);
        if self.backups.len() > MAX_BACKUPS {
            self.backups.pop_front();
        }
    }

    /// All backups, oldest first.
    pub fn backups(&self) -> impl Iterator<Item = &StoredBackup> {
        self.backups.iter()
    }

    /// Adds a backup unless one of the same instance is still building;
    /// persisted before this returns.
    pub fn create(
        &mut self,
        backup: StoredBackup,
        now_ms: i64,
        complete_after: Duration,
    ) -> Result<StoredBackup, ApiError> {
        let busy = self
            .latest_start
            .get(&backup.instance_id)
            .is_some_and(|start| now_ms.saturating_sub(*start) < complete_after.as_millis() as i64);
        if busy {
            return Err(ApiError::BackupInProgress);
        }
        let previous = self.latest_start.get(&backup.instance_id).copied();
        let evicted = (self.backups.len() >= MAX_BACKUPS)
            .then(|| self.backups.front().cloned())
            .flatten();
        self.insert(backup.clone());
        if let Err(e) = self.persist() {
            // Undo, so that memory and file agree.
            self.backups.pop_back();
            if let Some(front) = evicted {
                self.backups.push_front(front);
            }
            match previous {
                Some(start) => self.latest_start.insert(backup.instance_id.clone(), start),
                None => self.latest_start.remove(&backup.instance_id),
            };
            tracing::error!(error = %e, "cannot write the state file");
            return Err(ApiError::Internal(String::new()));
        }
        Ok(backup)
    }

    fn persist(&self) -> Result<(), StateError> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        let state = StateFile {
            version: 1,
            backups: self.backups.iter().cloned().collect(),
        };
        let bytes = serde_json::to_vec_pretty(&state).expect("the state serializes");
        write_atomically(path, &bytes).map_err(|source| StateError::Io {
            path: path.clone(),
            source,
        })
    }
}

/// Replaces `path` with `bytes` so that a reader (or a restart after a
/// crash) sees either the old file or the new one, never a part.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or("state".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    // Make the rename itself durable.
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(instance: &str, started_ms: i64) -> StoredBackup {
        StoredBackup {
            id: format!("id-{started_ms}"),
            project_id: "p".into(),
            instance_id: instance.into(),
            name: "backup-1".into(),
            description: None,
            begin_time: "2020-07-07T01:17:05+0800".into(),
            started_ms,
            job_id: "j".into(),
        }
    }

    #[test]
    fn one_building_backup_per_instance() {
        let mut store = Store::default();
        let delay = Duration::from_secs(10);
        store.create(backup("a", 0), 0, delay).unwrap();
        assert_eq!(
            store.create(backup("a", 1), 1, delay),
            Err(ApiError::BackupInProgress)
        );
        store.create(backup("b", 1), 1, delay).unwrap();
        // Once the first completed, a new one may start.
        store.create(backup("a", 10_000), 10_000, delay).unwrap();
        assert_eq!(store.backups().count(), 3);
    }

    #[test]
    fn the_state_file_survives_a_restart() {
        let dir = std::env::temp_dir().join(format!("emulator-state-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let _ = std::fs::remove_file(&path);
        let mut store = Store::open(Some(path.clone())).unwrap();
        store.create(backup("a", 0), 0, Duration::ZERO).unwrap();
        let reopened = Store::open(Some(path.clone())).unwrap();
        assert!(reopened.backups().eq(store.backups()));
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("state.json")]);
        std::fs::write(&path, "not json").unwrap();
        assert!(matches!(
            Store::open(Some(path)),
            Err(StateError::Invalid { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
