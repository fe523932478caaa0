//! The state file: an append-only journal of JSON lines, one [`Record`] per
//! change, written by one dedicated thread.
//!
//! - **Cost independent of the number of backups.** A create appends one
//!   line; nothing is rewritten on the hot path. When the journal holds more
//!   than twice as many records as there are live entries (plus
//!   [`COMPACT_SLACK`]), the writer compacts it: it replays the file and
//!   rewrites it atomically (temporary file, fsync, rename, fsync of the
//!   folder). Compaction is amortised O(1) per write. The journal is also
//!   compacted at start whenever it holds anything but live records. A
//!   compaction that fails leaves no temporary file and is tried again only
//!   once the journal has doubled, not after every batch.
//! - **One emulator per state file.** Compaction renames a new file over the
//!   path, so a second emulator on the same path would append to a file
//!   nobody reads any more. An exclusive advisory lock on a sidecar file
//!   (`<state>.lock`, which no rename touches) is taken before the journal is
//!   read and held until the writer has stopped; a second emulator is
//!   refused at start.
//! - **Nothing acknowledged is lost.** A handler changes memory and queues
//!   its record under the store's lock (so the journal's order is memory's
//!   order), then waits, outside the lock, for the writer's ack. The writer
//!   takes every record queued (group commit), writes them with one `write`
//!   and one `fdatasync`, and only then acks them. A failed write or
//!   `fdatasync` truncates the file back to its last good length and fails
//!   the whole batch; the handlers then undo their changes and answer `500
//!   DBS.108000`. The sync is a [`SyncData`], so that a test can make it
//!   fail or wait: a SIGKILL keeps the page cache, and cannot show a missing
//!   `fdatasync`. Reads do not wait for the journal: while a change waits
//!   for its sync, a list already shows it, and a failed sync takes it back
//!   (a reader may see a backup that a `500` then removes; no create is
//!   ever *answered* before its sync succeeds).
//! - **Crash-safe.** A crash can leave only the last line torn (a record not
//!   yet acked): the beginning of a record, cut short (perhaps followed by
//!   the NUL bytes some file systems show after a power loss). On load such
//!   a final line is ignored and reported in the log, and the compaction at
//!   start removes it. A final line without its newline that is anything
//!   else (a whole record is kept; other JSON or garbage is refused), and
//!   any other line that is not a record, is an error that names the file
//!   and the line, and the file is left as it is: that is not a torn write,
//!   and dropping it could throw away someone's data.
//! - **The runtime is never blocked on I/O.** Handlers only send on a
//!   channel and await a oneshot; the `write` and `fdatasync` happen on the
//!   writer thread.
//!
//! Why not a database: redb or SQLite would bring a page cache, B-trees and
//! their own journals for what is, here, an append-only log of a few hundred
//! bytes per call, replayed whole at start. The journal is a few hundred
//! lines of std (and `fs4` for the lock), readable with `jq`, and its cost
//! per write is one `fdatasync` shared by every request in flight.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

use crate::Error;
use crate::state::Record;

/// Slack before compaction, so that small journals are never rewritten.
pub const COMPACT_SLACK: usize = 1024;
/// Most records written with one `fdatasync`.
const MAX_BATCH: usize = 4096;

/// What makes a written batch durable before it is acknowledged: by default
/// `fdatasync` ([`File::sync_data`]). The writer thread calls it once per
/// batch and acknowledges the batch only when it returns `Ok`; a test
/// replaces it ([`crate::Config::journal_sync`]) to make it fail or wait.
#[derive(Clone)]
pub struct SyncData(Arc<SyncFn>);

/// The function a [`SyncData`] calls on the journal's file.
type SyncFn = dyn Fn(&File) -> std::io::Result<()> + Send + Sync;

impl SyncData {
    /// A sync that calls `sync` on the journal's file.
    pub fn new(sync: impl Fn(&File) -> std::io::Result<()> + Send + Sync + 'static) -> SyncData {
        SyncData(Arc::new(sync))
    }

    fn sync(&self, file: &File) -> std::io::Result<()> {
        (self.0)(file)
    }
}

impl Default for SyncData {
    fn default() -> SyncData {
        SyncData::new(File::sync_data)
    }
}

impl std::fmt::Debug for SyncData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncData(..)")
    }
}

/// Resolves once the record is durable (`Ok`) or could not be written.
pub type Ack = tokio::sync::oneshot::Receiver<Result<(), String>>;

struct Pending {
    line: Vec<u8>,
    /// Live entries once this record is applied, for the compaction rule.
    live: usize,
    done: tokio::sync::oneshot::Sender<Result<(), String>>,
}

/// The writer thread's handle. Closing or dropping it lets the thread finish
/// what is queued, waits for it to stop, then releases the state file's lock.
#[derive(Debug)]
pub struct Journal {
    sender: Option<mpsc::Sender<Pending>>,
    writer: Option<std::thread::JoinHandle<()>>,
    lock: Option<StateLock>,
}

/// The exclusive lock on a state file (see [`lock`]); released when dropped.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
}

/// The sidecar lock file of the state file at `path`: `<path>.lock`. Not the
/// journal itself: compaction renames a new file over the journal's path,
/// and a lock on the old inode would no longer exclude anyone.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes the exclusive lock on the state file at `path` without waiting: a
/// second emulator on the same file is refused rather than left to lose
/// writes. The lock file is created if needed and never removed (removing
/// it would let two processes lock two different files of the same name).
pub fn lock(path: &Path) -> Result<StateLock, Error> {
    let lock = lock_path(path);
    let io = |source| Error::Io {
        path: lock.clone(),
        source,
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .map_err(io)?;
    // Fully qualified: std's `File::try_lock` (Rust 1.89) has the same name
    // and is newer than the workspace's rust-version.
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => Ok(StateLock { _file: file }),
        Err(fs4::TryLockError::WouldBlock) => Err(Error::Locked {
            path: path.to_owned(),
            lock,
        }),
        Err(fs4::TryLockError::Error(source)) => Err(io(source)),
    }
}

impl Journal {
    /// Opens `path` for appending (creating it) and starts the writer;
    /// `records` is how many records it holds. `lock` (from [`lock`]) is
    /// held until the writer has stopped; `sync` makes each batch durable.
    pub fn start(
        path: &Path,
        records: usize,
        lock: StateLock,
        sync: SyncData,
    ) -> std::io::Result<Journal> {
        let file = open_append(path)?;
        let (sender, receiver) = mpsc::channel();
        let path = path.to_owned();
        let writer = std::thread::Builder::new()
            .name("emulator-journal".into())
            .spawn(move || writer(path, file, records, receiver, &sync))?;
        Ok(Journal {
            sender: Some(sender),
            writer: Some(writer),
            lock: Some(lock),
        })
    }

    /// Queues a record; the returned ack resolves once it is durable (or
    /// with an error once the journal is closed).
    pub fn append(&self, record: &Record, live: usize) -> Ack {
        let mut line = serde_json::to_vec(record).expect("records serialize");
        line.push(b'\n');
        let (done, ack) = tokio::sync::oneshot::channel();
        let pending = Pending { line, live, done };
        let refused = match &self.sender {
            Some(sender) => sender.send(pending).err().map(|e| e.0),
            None => Some(pending),
        };
        if let Some(pending) = refused {
            let _ = pending
                .done
                .send(Err("the journal writer has stopped".into()));
        }
        ack
    }

    /// Lets the writer finish what is queued, waits for it, then releases
    /// the lock: once this returns, another emulator may open the file and
    /// nothing of this one still writes to it. Later appends fail (their
    /// changes are taken back), never pass as durable. Blocks for at most
    /// the writer's last batch (and compaction).
    pub fn close(&mut self) {
        self.sender = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        self.lock = None;
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.close();
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

/// When the writer compacts: once the journal holds more than twice as many
/// records as there are live entries (plus [`COMPACT_SLACK`]). After a
/// failure (a full disk, say) a rewrite of the whole journal after every
/// batch would only make things worse: the next try waits until the
/// journal has grown as much again (doubled).
#[derive(Debug, Default)]
struct Compaction {
    retry_at: Option<usize>,
}

impl Compaction {
    fn due(&self, records: usize, live: usize) -> bool {
        records > live.saturating_mul(2).saturating_add(COMPACT_SLACK)
            && self.retry_at.is_none_or(|at| records >= at)
    }

    fn failed(&mut self, records: usize) {
        self.retry_at = Some(records.saturating_mul(2));
    }

    fn succeeded(&mut self) {
        self.retry_at = None;
    }
}

fn writer(
    path: PathBuf,
    mut file: File,
    mut records: usize,
    receiver: mpsc::Receiver<Pending>,
    sync: &SyncData,
) {
    let mut good_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut compaction = Compaction::default();
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
        // Acknowledged only once the sync returns: never before it, and
        // never when it fails.
        let written = file.write_all(&buffer).and_then(|()| sync.sync(&file));
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
        if compaction.due(records, live) {
            match crate::state::compact(&path).and_then(|n| {
                let reopened = open_append(&path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                Ok((n, reopened))
            }) {
                Ok((n, reopened)) => {
                    records = n;
                    file = reopened;
                    good_len = file.metadata().map(|m| m.len()).unwrap_or(0);
                    compaction.succeeded();
                }
                Err(e) => {
                    compaction.failed(records);
                    tracing::error!(
                        error = %e,
                        retry_at_records = records.saturating_mul(2),
                        "cannot compact the journal; appending goes on"
                    );
                }
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
    /// Whether the last line lacks its newline (a whole record, kept, or
    /// blanks): the file must be rewritten before anything is appended.
    pub unterminated: bool,
}

/// How every record line begins: serde writes an internally tagged enum's
/// tag first, and the journal is only ever written compact by serde.
const RECORD_STARTS: [&[u8]; 2] = [br#"{"op":"create","#, br#"{"op":"delete","#];

/// Whether `line` (a final line without its newline, which does not parse)
/// is a record cut short by a crash: incomplete JSON (serde stops at the end
/// of the input, not at a wrong byte) that begins as a record does. NUL
/// bytes at its end are ignored: after a power loss some file systems show
/// the unwritten end of a file as zeros. Anything else is not the
/// emulator's torn write, and is not dropped.
fn is_torn_record(line: &[u8]) -> bool {
    let end = line.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    let line = &line[..end];
    let incomplete = serde_json::from_slice::<serde::de::IgnoredAny>(line)
        .err()
        .is_some_and(|e| e.is_eof());
    incomplete
        && RECORD_STARTS
            .iter()
            .any(|start| line.starts_with(start) || start.starts_with(line))
}

/// Reads the journal at `path` (a missing file is an empty journal), giving
/// each record to `apply` once [`Record::check`] accepts it. A final line
/// without a newline that is the beginning of a record, cut short, is a
/// torn write: ignored, and logged. Any other line that is not a valid
/// record is an error naming the file and the line.
pub fn read(path: &Path, mut apply: impl FnMut(Record)) -> Result<ReadOutcome, Error> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(ReadOutcome {
                records: 0,
                torn: false,
                unterminated: false,
            });
        }
        Err(e) => return Err(io(e)),
    };
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut number = 0;
    let mut records = 0;
    let mut torn = false;
    let mut unterminated = false;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(io)?;
        if n == 0 {
            break;
        }
        number += 1;
        let last = line.last() != Some(&b'\n');
        if line.iter().all(u8::is_ascii_whitespace) {
            unterminated |= last;
            continue;
        }
        let record: Record = match serde_json::from_slice(&line) {
            Ok(record) => record,
            Err(_) if last && is_torn_record(&line) => {
                tracing::warn!(
                    path = %path.display(),
                    line = number,
                    bytes = line.len(),
                    "ignoring a torn last record (a write that was never acknowledged)"
                );
                torn = true;
                break;
            }
            Err(source) => {
                return Err(Error::Invalid {
                    path: path.to_owned(),
                    line: number,
                    source,
                });
            }
        };
        record.check().map_err(|reason| Error::BadRecord {
            path: path.to_owned(),
            line: number,
            reason,
        })?;
        apply(record);
        records += 1;
        unterminated |= last;
    }
    Ok(ReadOutcome {
        records,
        torn,
        unterminated,
    })
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
    let written = write_and_rename(&tmp, path, records);
    if written.is_err() {
        // Nothing else would ever remove it (its name has this process's
        // ID), and a full disk is a likely cause of the failure.
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_dir(path);
    Ok(())
}

fn write_and_rename(
    tmp: &Path,
    path: &Path,
    records: impl Iterator<Item = Record>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(File::create(tmp)?);
    for record in records {
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(tmp, path)
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
        let journal = Journal::start(&path, 0, lock(&path).unwrap(), SyncData::default()).unwrap();
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
        assert_eq!(ids, [Arc::from("backup-0"), Arc::from("backup-2")]);
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
            Err(Error::Invalid { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    fn record_line(n: u32) -> String {
        serde_json::to_string(&Record::Create(Box::new(entry(n)))).unwrap()
    }

    fn open(path: &Path) -> Result<Store, Error> {
        Store::open(&crate::Config {
            state_file: Some(path.to_owned()),
            ..crate::Config::default()
        })
    }

    #[test]
    fn a_last_line_that_is_not_a_torn_record_is_refused_and_the_file_kept() {
        let good = record_line(1);
        let cases = [
            // The audit's repro: a complete JSON document, not a record.
            ("document", r#"{"backups":[{"id":"x"}]}"#.to_owned(), 1),
            ("number", "42".to_owned(), 1),
            (
                "zeros-inside",
                format!("{good}\n{{\"op\":\"create\",\0\0x"),
                2,
            ),
            ("garbage", format!("{good}\nhello"), 2),
            ("trailing", format!("{good}\n{good}xyz"), 2),
            // Incomplete JSON, but not the beginning of a record.
            ("other-json", format!("{good}\n{{\"backups\":[{{\"id\""), 2),
            // The beginning of a record, but broken rather than cut short.
            (
                "broken-record",
                format!("{good}\n{{\"op\":\"create\",\"job\":x"),
                2,
            ),
        ];
        for (name, text, line) in cases {
            let path = temp(name);
            std::fs::write(&path, &text).unwrap();
            match open(&path) {
                Err(e @ Error::Invalid { line: l, .. }) => {
                    assert_eq!(l, line, "{name}");
                    let shown = e.to_string();
                    assert!(shown.contains(&path.display().to_string()), "{shown}");
                    assert!(shown.contains(&format!("line {line}")), "{shown}");
                }
                other => panic!("{name}: {other:?}"),
            }
            assert_eq!(
                std::fs::read_to_string(&path).unwrap(),
                text,
                "{name}: the file is left as it was"
            );
            std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
        }
    }

    #[test]
    fn a_torn_record_is_dropped_even_when_it_is_the_only_line() {
        let full = record_line(1);
        for (name, torn) in [
            ("brace", "{"),
            ("tag", r#"{"op":"cre"#),
            ("half", &full[..full.len() / 2]),
            ("all-but-the-brace", &full[..full.len() - 1]),
            (
                "zeros-after",
                &format!("{}\0\0\0\0", &full[..full.len() / 2]),
            ),
            ("only-zeros", "\0\0\0\0"),
        ] {
            let path = temp(&format!("only-{name}"));
            std::fs::write(&path, torn).unwrap();
            let store = open(&path).unwrap();
            assert_eq!(store.len(), 0, "{name}");
            drop(store);
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "", "{name}");
            std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
        }
    }

    #[test]
    fn a_whole_record_without_its_newline_is_kept() {
        let path = temp("unterminated");
        let good = record_line(1);
        std::fs::write(&path, format!("{}\n{good}", record_line(0))).unwrap();
        let store = open(&path).unwrap();
        assert_eq!(store.len(), 2);
        drop(store);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{}\n{good}\n", record_line(0)),
            "rewritten so that appends start on a line of their own"
        );
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_second_open_of_the_same_state_file_is_refused() {
        let path = temp("locked");
        let first = open(&path).unwrap();
        let err = open(&path).expect_err("two emulators on one state file");
        let shown = err.to_string();
        assert!(shown.contains(&path.display().to_string()), "{shown}");
        assert!(shown.contains("another emulator"), "{shown}");
        // The lock is not on the journal's inode: a compaction (a rename
        // over the path) does not let a second emulator in.
        rewrite(&path, std::iter::empty()).unwrap();
        assert!(open(&path).is_err(), "still locked after a rename");
        drop(first);
        open(&path).expect("the lock goes with the first store");
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_failed_rewrite_removes_its_temporary_file() {
        let path = temp("failed-rewrite");
        // A non-empty folder where the journal should be: the rename fails
        // after the temporary file is written.
        std::fs::create_dir_all(path.join("inside")).unwrap();
        assert!(rewrite(&path, (0..3).map(|n| Record::Create(Box::new(entry(n))))).is_err());
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("state.jsonl")]);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_failed_compaction_is_retried_only_once_the_journal_has_doubled() {
        let live = 10;
        let due_at = 2 * live + COMPACT_SLACK + 1;
        let mut policy = Compaction::default();
        assert!(!policy.due(due_at - 1, live));
        assert!(policy.due(due_at, live));
        policy.failed(due_at);
        assert!(!policy.due(due_at + 1, live), "not after the next batch");
        assert!(!policy.due(2 * due_at - 1, live));
        assert!(policy.due(2 * due_at, live));
        policy.succeeded();
        assert!(policy.due(due_at, live));
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

    /// A sync that fails while `fail` is set.
    fn failing_sync(fail: &Arc<std::sync::atomic::AtomicBool>) -> SyncData {
        let fail = fail.clone();
        SyncData::new(move |_| {
            if fail.load(std::sync::atomic::Ordering::SeqCst) {
                Err(std::io::Error::other("disk full"))
            } else {
                Ok(())
            }
        })
    }

    /// A batch whose sync fails is refused and cut off the file; what was
    /// acknowledged before stays, and the next batch follows it.
    #[tokio::test]
    async fn a_failed_sync_refuses_its_batch_and_keeps_what_was_acknowledged() {
        let path = temp("failed-sync");
        let fail = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let journal = Journal::start(&path, 0, lock(&path).unwrap(), failing_sync(&fail)).unwrap();
        let append = |n: u32| journal.append(&Record::Create(Box::new(entry(n))), n as usize + 1);
        append(0).await.unwrap().unwrap();
        append(1).await.unwrap().unwrap();
        fail.store(true, std::sync::atomic::Ordering::SeqCst);
        let refused = append(2).await.unwrap().unwrap_err();
        assert!(refused.contains("disk full"), "{refused}");
        fail.store(false, std::sync::atomic::Ordering::SeqCst);
        append(3).await.unwrap().unwrap();
        drop(journal);
        let expected: String = [0, 1, 3].map(|n| record_line(n) + "\n").concat();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    /// Once the journal holds more than twice its live entries plus
    /// `COMPACT_SLACK` records, the writer rewrites it to the live entries.
    #[tokio::test]
    async fn the_writer_compacts_a_journal_of_mostly_dead_records() {
        let path = temp("writer-compacts");
        let sync = SyncData::new(|_| Ok(()));
        let journal = Journal::start(&path, 0, lock(&path).unwrap(), sync).unwrap();
        let create = Record::Create(Box::new(entry(1)));
        journal.append(&create, 1).await.unwrap().unwrap();
        // 1 + 1,026 records: one more than 2 × 1 + COMPACT_SLACK.
        let dead = Record::Delete {
            backup_id: "no-such-backup".into(),
        };
        for _ in 0..COMPACT_SLACK + 2 {
            journal.append(&dead, 1).await.unwrap().unwrap();
        }
        // Dropping waits for the writer, compaction included.
        drop(journal);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            record_line(1) + "\n"
        );
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    /// Only a missing journal is an empty one: a journal that cannot be
    /// opened is an error naming it, not a fresh start.
    #[test]
    fn a_journal_that_cannot_be_opened_is_an_error_not_an_empty_journal() {
        let path = temp("not-a-folder");
        std::fs::write(&path, "").unwrap();
        let inside = path.join("state.jsonl");
        match read(&inside, |_| {}) {
            Err(Error::Io { path: p, .. }) => assert_eq!(p, inside),
            other => panic!("{other:?}"),
        }
        let missing = read(&path.with_file_name("missing.jsonl"), |_| {}).unwrap();
        assert_eq!(
            missing,
            ReadOutcome {
                records: 0,
                torn: false,
                unterminated: false
            }
        );
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }

    /// Blanks after the last record, without a newline, are rewritten away
    /// at start, so that the next append starts a line of its own.
    #[test]
    fn blanks_after_the_last_record_are_rewritten_away() {
        let path = temp("blank-tail");
        std::fs::write(&path, format!("{}\n  \n\n ", record_line(1))).unwrap();
        let store = open(&path).unwrap();
        assert_eq!(store.len(), 1);
        drop(store);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            record_line(1) + "\n"
        );
        std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
    }
}
