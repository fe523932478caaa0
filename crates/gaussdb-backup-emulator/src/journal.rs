//! The state file: an append-only journal of JSON lines, one [`Record`] per
//! change, written by one dedicated thread.
//!
//! - **Cost independent of the number of backups.** A create appends one
//!   line; nothing is rewritten on the hot path. When the journal holds more
//!   than twice as many records as there are live entries (plus
//!   [`COMPACT_SLACK`]), the writer compacts it: it replays the file and
//!   rewrites it atomically (temporary file, fsync, rename, fsync of the
//!   folder). Compaction is amortised O(1) per write. The journal is also
//!   compacted at start whenever it holds anything but live records.
//! - **Nothing acknowledged is lost.** A handler changes memory and queues
//!   its record under the store's lock (so the journal's order is memory's
//!   order), then waits, outside the lock, for the writer's ack. The writer
//!   takes every record queued (group commit), writes them with one `write`
//!   and one `fdatasync`, and only then acks them. A failed write truncates
//!   the file back to its last good length and fails the whole batch; the
//!   handlers then undo their changes and answer `DBS.108000`.
//! - **Crash-safe.** A crash can leave only the last line torn (a record not
//!   yet acked); on load a final line without its newline is ignored and
//!   reported in the log, and the compaction at start removes it. Any other
//!   line that is not a record is an error: that is not a torn write.
//! - **The runtime is never blocked on I/O.** Handlers only send on a
//!   channel and await a oneshot; the `write` and `fdatasync` happen on the
//!   writer thread.
//!
//! Why not a database: redb or SQLite would bring a page cache, B-trees and
//! their own journals for what is, here, an append-only log of a few hundred
//! bytes per call, replayed whole at start. The journal is 200 lines of
//! std, readable with `jq`, and its cost per write is one `fdatasync` shared
//! by every request in flight.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::state::{Record, StateError};

/// Slack before compaction, so that small journals are never rewritten.
pub const COMPACT_SLACK: usize = 1024;
/// Most records written with one `fdatasync`.
const MAX_BATCH: usize = 4096;

/// Resolves once the record is durable (`Ok`) or could not be written.
pub type Ack = tokio::sync::oneshot::Receiver<Result<(), String>>;

struct Pending {
    line: Vec<u8>,
    /// Live entries once this record is applied, for the compaction rule.
    live: usize,
    done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

/// The writer thread's handle. Dropping it lets the thread finish what is
/// queued and stop.
#[derive(Debug)]
pub struct Journal {
    sender: mpsc::Sender<Pending>,
}

impl Journal {
    /// Opens `path` for appending (creating it) and starts the writer;
    /// `records` is how many records it holds.
    pub fn start(path: &Path, records: usize) -> std::io::Result<Journal> {
        let file = open_append(path)?;
        let (sender, receiver) = mpsc::channel();
        let path = path.to_owned();
        std::thread::Builder::new()
            .name("emulator-journal".into())
            .spawn(move || writer(path, file, records, receiver))?;
        Ok(Journal { sender })
    }

    /// Queues a record; the returned ack resolves once it is durable.
    pub fn append(&self, record: &Record, live: usize) -> Ack {
        let mut line = serde_json::to_vec(record).expect("records serialize");
        line.push(b'\n');
        let (done, ack) = tokio::sync::oneshot::channel();
        if let Err(mpsc::SendError(pending)) = self.sender.send(Pending { line, live, done }) {
            let _ = pending
                .done
                .send(Err("the journal writer has stopped".into()));
        }
        ack
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    let existed = path.exists();
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    if !existed {
        sync_dir(path);
    }
    Ok(file)
}

fn sync_dir(path: &Path) {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

fn writer(path: PathBuf, mut file: File, mut records: usize, receiver: mpsc::Receiver<Pending>) {
    let mut good_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut buffer = Vec::new();
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        buffer.clear();
        for pending in &batch {
            buffer.extend_from_slice(&pending.line);
        }
        let written = file.write_all(&buffer).and_then(|()| file.sync_data());
        let live = batch.last().map_or(0, |p| p.live);
        match written {
            Ok(()) => {
                good_len += buffer.len() as u64;
                records += batch.len();
                for pending in batch {
                    let _ = pending.done.send(Ok(()));
                }
            }
            Err(e) => {
                tracing::error!(path = %path.display(), error = %e, "cannot write the journal");
                // Cut off whatever part of the batch reached the file.
                let _ = file.set_len(good_len);
                for pending in batch {
                    let _ = pending.done.send(Err(e.to_string()));
                }
            }
        }
        if records > live.saturating_mul(2).saturating_add(COMPACT_SLACK) {
            match crate::state::compact(&path).and_then(|n| {
                let reopened = open_append(&path).map_err(|source| StateError::Io {
                    path: path.clone(),
                    source,
                })?;
                Ok((n, reopened))
            }) {
                Ok((n, reopened)) => {
                    records = n;
                    file = reopened;
                    good_len = file.metadata().map(|m| m.len()).unwrap_or(0);
                }
                Err(e) => tracing::error!(error = %e, "cannot compact the journal"),
            }
        }
    }
}

/// What reading a journal found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOutcome {
    /// Whole records.
    pub records: usize,
    /// Whether the last line was torn (and ignored).
    pub torn: bool,
}

/// Reads the journal at `path` (a missing file is an empty journal), giving
/// each record to `apply`. A final line without a newline is a torn write:
/// ignored, and logged.
pub fn read(path: &Path, mut apply: impl FnMut(Record)) -> Result<ReadOutcome, StateError> {
    let io = |source| StateError::Io {
        path: path.to_owned(),
        source,
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(ReadOutcome {
                records: 0,
                torn: false,
            });
        }
        Err(e) => return Err(io(e)),
    };
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut number = 0;
    let mut records = 0;
    let mut torn = false;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(io)?;
        if n == 0 {
            break;
        }
        number += 1;
        if line.last() != Some(&b'\n') {
            tracing::warn!(
                path = %path.display(),
                line = number,
                bytes = line.len(),
                "ignoring a torn last record (a write that was never acknowledged)"
            );
            torn = true;
            break;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let record = serde_json::from_slice(&line).map_err(|source| StateError::Invalid {
            path: path.to_owned(),
            line: number,
            source,
        })?;
        apply(record);
        records += 1;
    }
    Ok(ReadOutcome { records, torn })
}

/// Replaces the journal at `path` with `records`, atomically: a reader (or a
/// restart after a crash) sees the old file or the new one, never a part.
pub fn rewrite(path: &Path, records: impl Iterator<Item = Record>) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or("state".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut out = std::io::BufWriter::new(File::create(&tmp)?);
        for record in records {
            serde_json::to_writer(&mut out, &record)?;
            out.write_all(b"\n")?;
        }
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    sync_dir(path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::JobSchedule;
    use crate::state::{Entry, Store};

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("emulator-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("state.jsonl")
    }

    fn entry(n: u32) -> Entry {
        crate::state::tests_support::entry(n, "a", i64::from(n) * 10, JobSchedule::INSTANT)
    }

    #[tokio::test]
    async fn acknowledged_records_survive_and_a_torn_last_line_is_ignored() {
        let path = temp("torn");
        let journal = Journal::start(&path, 0).unwrap();
        for n in 0..3 {
            journal
                .append(&Record::Create(Box::new(entry(n))), n as usize + 1)
                .await
                .unwrap()
                .unwrap();
        }
        journal
            .append(
                &Record::Delete {
                    backup_id: "backup-1".into(),
                },
                3,
            )
            .await
            .unwrap()
            .unwrap();
        drop(journal);
        // A crash in the middle of the next write: half a line, no newline.
        let full = serde_json::to_string(&Record::Create(Box::new(entry(9)))).unwrap();
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(&full.as_bytes()[..full.len() / 2]).unwrap();
        drop(file);

        let (store, read) = Store::replay(&path).unwrap();
        assert_eq!(read.records, 4, "the torn line is not a record");
        assert!(read.torn);
        let ids: Vec<_> = store
            .entries()
            .filter_map(|e| e.backup.as_ref().map(|b| b.id.clone()))
            .collect();
        assert_eq!(ids, ["backup-0", "backup-2"]);
        assert_eq!(store.len(), 3, "the deleted backup's job is kept");

        // Opening compacts: the torn line and the delete are gone.
        let config = crate::Config {
            state_file: Some(path.clone()),
            ..crate::Config::default()
        };
        let reopened = Store::open(&config).unwrap();
        assert_eq!(reopened.len(), 3);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(text.ends_with('\n'));
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_broken_line_in_the_middle_is_an_error_not_a_torn_write() {
        let path = temp("broken");
        let good = serde_json::to_string(&Record::Create(Box::new(entry(1)))).unwrap();
        std::fs::write(&path, format!("{good}\nnot json\n{good}\n")).unwrap();
        match Store::replay(&path) {
            Err(StateError::Invalid { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn rewrite_leaves_no_temporary_file() {
        let path = temp("rewrite");
        rewrite(&path, (0..5).map(|n| Record::Create(Box::new(entry(n))))).unwrap();
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("state.jsonl")]);
        assert_eq!(read(&path, |_| {}).unwrap().records, 5);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
