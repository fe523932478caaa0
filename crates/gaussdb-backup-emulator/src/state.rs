//! Backups and jobs: the model, its lifecycle, and the store that keeps
//! them (in memory, with an optional journal, see [`crate::journal`]).
//!
//! Nothing runs in the background. A job records when it was created and the
//! [`JobSchedule`] in force then; its phase, its progress and its backup's
//! status are computed from the injected clock whenever they are read, so a
//! test that moves a `ManualClock` sees exactly the state it asks for.
//!
//! IDs and names are `Arc<str>`, shared: one create call's backup ID is held
//! by its job, its backup and an index, and its project and instance by
//! every entry of that project and instance. With a `String` each, and the
//! list's times made at the create call, an entry took 15 allocations and
//! the emulator 245 MB at `MAX_ENTRIES`; shared, with the times made when
//! first listed ([`Times`]), 7 and 135 MB. A store that large spends its
//! time in the allocator and in cache misses rather than in the emulator's
//! rules (`bench/emulator.py`, create against the bare handler). The
//! journal's lines are unchanged: serde writes an `Arc<str>` as a string.

use std::collections::BTreeMap;
use std::sync::Arc;

/// The store's index maps, keyed by IDs. foldhash (hashbrown's default
/// hasher) instead of std's SipHash: about 5 % of a create's instructions
/// went to SipHash (`bench/emulator_instructions.py`). The keys are IDs the
/// emulator made (backup and job IDs) or ones that passed the spec's
/// patterns and are bounded by `MAX_ENTRIES`; foldhash is seeded per
/// process, so collisions cannot be worked out ahead of a run.
type IdMap<K, V> = foldhash::HashMap<K, V>;
use std::path::Path;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use gaussdb_backup::Timestamp;
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::config::{Config, JobSchedule};
use crate::error::ApiError;
use crate::journal::{self, Ack, Journal};

/// The service's time form: `2020-07-07T01:17:05+0800`, in UTC+8 (the
/// offset of the documented examples).
pub fn service_time(ms: i64) -> String {
    service_timestamp(ms).to_string()
}

/// [`service_time`] as the typed value the generated types hold, built
/// from the instant (not by parsing the text back).
pub fn service_timestamp(ms: i64) -> Timestamp {
    let offset = FixedOffset::east_opt(8 * 3600).expect("a valid offset");
    let time = offset
        .timestamp_millis_opt(ms)
        .single()
        .unwrap_or_else(|| offset.timestamp_millis_opt(0).unwrap());
    Timestamp::from_datetime(time)
}

/// Parses the service's time form into milliseconds since the epoch: the
/// client's [`Timestamp`] reads it (`+hhmm`, `+hh:mm`, `Z`, RFC 3339), so
/// the emulator accepts in a query exactly the times the client reads in an
/// answer.
pub fn parse_service_time(text: &str) -> Option<i64> {
    Timestamp::from(text)
        .datetime()
        .map(|t| t.timestamp_millis())
}

/// Milliseconds since the epoch of a clock reading.
pub fn millis(time: DateTime<Utc>) -> i64 {
    time.timestamp_millis()
}

fn ms(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Manual (created through the API) or automated (seeded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackupKind {
    /// Made by a create call; `backup_type=manual`, and deletable.
    Manual,
    /// Seeded at start, one per instance per day; `backup_type=auto`, never
    /// deletable.
    Auto,
}

impl BackupKind {
    /// The wire form: `"manual"` or `"auto"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupKind::Manual => "manual",
            BackupKind::Auto => "auto",
        }
    }
}

/// A backup's status at some moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackupState {
    /// Before its job's end (`BUILDING`).
    Building,
    /// Its job ended without a failure reason (`COMPLETED`).
    Completed,
    /// Its job ended with a failure reason (`FAILED`).
    Failed,
}

impl BackupState {
    /// The wire form: `"BUILDING"`, `"COMPLETED"` or `"FAILED"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackupState::Building => "BUILDING",
            BackupState::Completed => "COMPLETED",
            BackupState::Failed => "FAILED",
        }
    }
}

/// One backup as stored.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StoredBackup {
    /// The backup ID: 32 hex digits followed by
    /// [`BACKUP_SUFFIX`](crate::rules::BACKUP_SUFFIX).
    pub id: Arc<str>,
    /// The project it belongs to; `None` for seeded backups, which every
    /// project sees (the known instances exist in every project).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<Arc<str>>,
    /// The instance backed up.
    pub instance_id: Arc<str>,
    /// The backup's name: the create call's `name`, or for seeded backups
    /// the instance name and the day (`taurus-07033b12-20200707`).
    pub name: Arc<str>,
    /// The create call's `description`; `None` when it gave none, and for
    /// seeded backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it started (ms since the epoch).
    pub begin_ms: i64,
    /// When it stops BUILDING (its job's end).
    pub end_ms: i64,
    /// Whether it ends FAILED rather than COMPLETED.
    #[serde(default)]
    pub failed: bool,
    /// Manual (created) or automated (seeded).
    pub kind: BackupKind,
    /// Size in MB once finished.
    pub size_mb: f64,
    /// `begin_ms` and `end_ms` in the service's form, made once.
    #[serde(skip)]
    pub times: Times,
}

/// A backup's begin and end times in the service's form, made the first time
/// a list shows the backup and kept: listing formats two times per backup,
/// and chrono's formatting dominates it, while a create call (most of them
/// never listed) does not pay for it. Derived from `begin_ms` and `end_ms`,
/// so it takes no part in equality. Boxed: 8 bytes in every stored backup
/// rather than 88, for the few that are listed.
#[derive(Clone, Debug, Default)]
pub struct Times(std::sync::OnceLock<Box<(Timestamp, Timestamp)>>);

impl PartialEq for Times {
    fn eq(&self, _: &Times) -> bool {
        true
    }
}

impl StoredBackup {
    /// The begin and end times in the service's form.
    pub fn times(&self) -> (Timestamp, Timestamp) {
        self.times
            .0
            .get_or_init(|| {
                Box::new((
                    service_timestamp(self.begin_ms),
                    service_timestamp(self.end_ms),
                ))
            })
            .as_ref()
            .clone()
    }

    /// Its status at `now_ms` (ms since the epoch): BUILDING before
    /// `end_ms`, then FAILED or COMPLETED.
    pub fn state(&self, now_ms: i64) -> BackupState {
        if now_ms < self.end_ms {
            BackupState::Building
        } else if self.failed {
            BackupState::Failed
        } else {
            BackupState::Completed
        }
    }

    /// Minutes from begin to end, rounded to the nearest minute.
    pub fn take_up_minutes(&self) -> i64 {
        // Saturating: a journal is checked at load, but a store built in
        // memory (or a future record kind) must not panic on a list call.
        self.end_ms
            .saturating_sub(self.begin_ms)
            .saturating_add(30_000)
            / 60_000
    }

    /// Whether `project` sees it: its own backups and every seeded one.
    pub fn visible_to(&self, project: &str) -> bool {
        self.project_id.as_deref().is_none_or(|p| p == project)
    }
}

/// A job's phase at some moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobPhase {
    /// Not visible yet: queries answer `DBS.200543`.
    Invisible,
    /// Visible, not running yet (until `pending` after the create call).
    Pending,
    /// Running, with its progress in percent (0 to 99).
    Running(u8),
    /// Ended without a failure reason.
    Completed,
    /// Ended with a failure reason (an armed backup failure).
    Failed,
}

impl JobPhase {
    /// The wire form of the job's `status`: `"Pending"` (also while
    /// invisible), `"Running"`, `"Completed"` or `"Failed"`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobPhase::Invisible | JobPhase::Pending => "Pending",
            JobPhase::Running(_) => "Running",
            JobPhase::Completed => "Completed",
            JobPhase::Failed => "Failed",
        }
    }
}

/// The job of one create call.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredJob {
    /// The job ID (a hyphenated UUID), as the create call answered it.
    pub id: Arc<str>,
    /// The project of the create call; only it can query the job.
    pub project_id: Arc<str>,
    /// The instance backed up.
    pub instance_id: Arc<str>,
    /// The ID of the backup the job makes (kept after the backup is deleted).
    pub backup_id: Arc<str>,
    /// The name of the backup the job makes.
    pub backup_name: Arc<str>,
    /// When the create call was accepted (ms since the epoch); the phases
    /// are counted from here.
    pub created_ms: i64,
    /// The job schedule in force at the create call.
    pub schedule: JobSchedule,
    /// Set when a failure rule made this job fail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_reason: Option<String>,
}

impl StoredJob {
    /// When the job ends (ms since the epoch): `created_ms` plus the
    /// schedule's pending and running times.
    pub fn end_ms(&self) -> i64 {
        self.created_ms.saturating_add(ms(self.schedule.total()))
    }

    /// When its backup is finished (ms since the epoch): `created_ms` plus
    /// the schedule's pending and running times and its `backup_lag`.
    pub fn backup_end_ms(&self) -> i64 {
        self.created_ms
            .saturating_add(ms(self.schedule.backup_total()))
    }

    /// Its phase at `now_ms` (ms since the epoch), from the schedule. A
    /// `job_lag` lengthens the Running phase.
    pub fn phase(&self, now_ms: i64) -> JobPhase {
        let age = now_ms.saturating_sub(self.created_ms);
        let pending = ms(self.schedule.pending);
        let running = ms(self.schedule.running.saturating_add(self.schedule.job_lag));
        if self.schedule.job_hidden || age < ms(self.schedule.visible_after) {
            JobPhase::Invisible
        } else if age < pending {
            JobPhase::Pending
        } else if age < pending.saturating_add(running) {
            let done = (age - pending) as i128 * 100 / running.max(1) as i128;
            JobPhase::Running(done.clamp(0, 99) as u8)
        } else if self.fail_reason.is_some() {
            JobPhase::Failed
        } else {
            JobPhase::Completed
        }
    }
}

/// One create call: its job, and its backup until it is deleted.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// The job, kept (and queryable) after its backup is deleted.
    pub job: StoredJob,
    /// The backup; `None` once it is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<StoredBackup>,
}

/// One line of the journal.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Record {
    /// A create call (or, after compaction, what is left of one).
    Create(Box<Entry>),
    /// A backup deleted.
    Delete {
        /// The ID of the backup deleted.
        backup_id: String,
    },
}

/// Whether `ms` (ms since the epoch) is a time chrono can represent, so that
/// it can be shown in the service's form and subtracted from another such
/// time without overflow (chrono's range is about ±262,000 years, far inside
/// `i64` milliseconds).
fn representable(ms: i64) -> bool {
    DateTime::from_timestamp_millis(ms).is_some()
}

impl Record {
    /// Why a record read from a journal cannot be used, if it cannot: the
    /// emulator never writes such a record, so the file was edited or
    /// damaged, and using it would make list and job calls wrong (or, with
    /// extreme times, overflow).
    pub fn check(&self) -> Result<(), String> {
        let time = |what: &str, ms: i64| {
            if representable(ms) {
                Ok(())
            } else {
                Err(format!(
                    "{what} {ms} is not a time (milliseconds since 1970 within ±262,000 years)"
                ))
            }
        };
        let id = |what: &str, value: &str| {
            if value.is_empty() {
                Err(format!("{what} is empty"))
            } else {
                Ok(())
            }
        };
        match self {
            Record::Delete { backup_id } => id("backup_id", backup_id),
            Record::Create(entry) => {
                let job = &entry.job;
                id("the job's id", &job.id)?;
                id("the job's project_id", &job.project_id)?;
                id("the job's instance_id", &job.instance_id)?;
                id("the job's backup_id", &job.backup_id)?;
                time("the job's created_ms", job.created_ms)?;
                let Some(backup) = &entry.backup else {
                    return Ok(());
                };
                if backup.id != job.backup_id {
                    return Err(format!(
                        "the backup's id {:?} is not its job's backup_id {:?}",
                        backup.id, job.backup_id
                    ));
                }
                time("the backup's begin_ms", backup.begin_ms)?;
                // `end_ms` is not held to chrono's range: it is the create
                // time plus the configured schedule, saturated, and an absurd
                // `--job-running` makes the emulator write such a record
                // itself. Only its order is checked.
                if backup.end_ms < backup.begin_ms {
                    return Err(format!(
                        "the backup's end_ms {} is before its begin_ms {}",
                        backup.end_ms, backup.begin_ms
                    ));
                }
                if !(backup.size_mb.is_finite() && backup.size_mb >= 0.0) {
                    return Err(format!(
                        "the backup's size_mb {} is not a size",
                        backup.size_mb
                    ));
                }
                Ok(())
            }
        }
    }
}

/// At most this many create calls (jobs, with their backups) are kept; past
/// it the oldest go first, so a long or hostile run cannot grow the emulator
/// without bound (about 0.7 KB each in memory, indexes included: 135 MB of
/// RSS at `MAX_ENTRIES`).
pub const MAX_ENTRIES: usize = 200_000;

/// Filters and paging of a list call, already validated.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Only backups of this instance (`instance_id`).
    pub instance_id: Option<String>,
    /// Only the backup with this ID (`backup_id`).
    pub backup_id: Option<String>,
    /// Only manual or only automated backups (`backup_type`).
    pub kind: Option<BackupKind>,
    /// How many matching backups to skip (`offset`, default 0).
    pub offset: usize,
    /// At most this many backups in the page (`limit`, 1 to 100; the query
    /// parser defaults it to 100, `ListQuery::default()` leaves 0).
    pub limit: usize,
    /// Backups that began at or after this time.
    pub begin_ms: Option<i64>,
    /// Backups that began at or before this time.
    pub end_ms: Option<i64>,
    /// Only backups with exactly this name (`name`).
    pub name: Option<String>,
    /// Only backups of the instance with exactly this name
    /// (`instance_name`, such as `taurus-07033b12`).
    pub instance_name: Option<String>,
}

impl ListQuery {
    fn only_paging(&self) -> bool {
        self.instance_id.is_none()
            && self.backup_id.is_none()
            && self.kind.is_none()
            && self.begin_ms.is_none()
            && self.end_ms.is_none()
            && self.name.is_none()
            && self.instance_name.is_none()
    }

    fn matches(&self, b: &StoredBackup) -> bool {
        self.instance_id.as_deref().is_none_or(|i| i == &*b.instance_id)
            && self.backup_id.as_deref().is_none_or(|i| i == &*b.id)
            && self.kind.is_none_or(|k| k == b.kind)
            // In whole seconds, the precision of the service's time form.
            && self.begin_ms.is_none_or(|t| b.begin_ms.div_euclid(1000) >= t.div_euclid(1000))
            && self.end_ms.is_none_or(|t| b.begin_ms.div_euclid(1000) <= t.div_euclid(1000))
            && self.name.as_deref().is_none_or(|n| n == &*b.name)
            && self
                .instance_name
                .as_ref()
                .is_none_or(|n| *n == Config::instance_name(&b.instance_id))
    }
}

/// How to take back a change whose journal write failed.
#[derive(Debug)]
pub enum Undo {
    /// Remove the entry a create call added.
    Create {
        /// The store's sequence number of the entry added.
        seq: u64,
        /// When the instance's newest job ended or ends, as it stood before
        /// the call (ms since the epoch); `None` if the instance had no job.
        busy_until: Option<i64>,
        /// The oldest entry, with its sequence number, if the call pushed
        /// it out past [`MAX_ENTRIES`]; it is put back.
        evicted: Option<(u64, Box<Entry>)>,
    },
    /// Put back the backup a delete call took.
    Delete {
        /// The store's sequence number of the backup's entry.
        seq: u64,
        /// The backup taken.
        backup: Box<StoredBackup>,
    },
}

/// A change made in memory, durable once `ack` (if any) says so.
#[derive(Debug)]
pub struct Change {
    /// How to take the change back if the journal write fails.
    pub undo: Undo,
    /// Answers when the journal has written the change; `None` without a
    /// state file (the change is done at once).
    pub ack: Option<Ack>,
}

/// The store.
#[derive(Debug, Default)]
pub struct Store {
    /// Boxed: an entry is a few hundred bytes, and a B-tree filled in key order
    /// leaves its nodes about half empty, so stored inline every entry cost
    /// twice its size (the emulator's RSS at `MAX_ENTRIES`: 370 MB inline,
    /// 263 MB boxed).
    entries: BTreeMap<u64, Box<Entry>>,
    next_seq: u64,
    by_backup: IdMap<Arc<str>, u64>,
    by_job: IdMap<Arc<str>, u64>,
    /// Live manual backups per project: an unfiltered list needs no count.
    per_project: IdMap<Arc<str>, usize>,
    /// When the newest job of each instance ends: the in-progress check is
    /// one lookup, however many backups there are.
    busy_until: IdMap<Arc<str>, i64>,
    /// Seeded automated backups, newest first.
    seeds: Vec<StoredBackup>,
    seed_index: IdMap<Arc<str>, usize>,
    journal: Option<Journal>,
}

impl Store {
    /// The store for `config`: the journal replayed (and compacted) if there
    /// is one, the automated backups seeded.
    pub fn open(config: &Config) -> Result<Store, Error> {
        let mut store = match &config.state_file {
            Some(path) => {
                // Before reading: the compaction below rewrites the file.
                let lock = journal::lock(path)?;
                let (store, read) = Store::replay(path)?;
                // Anything but live records (a torn tail, a last line
                // without its newline, deletes, evicted entries): rewrite,
                // so appends start on a clean line.
                let records =
                    if read.torn || read.unterminated || read.records != store.entries.len() {
                        compact_into(path, &store)?
                    } else {
                        read.records
                    };
                let sync = config.journal_sync.clone();
                let journal =
                    Journal::start(path, records, lock, sync).map_err(|source| Error::Io {
                        path: path.clone(),
                        source,
                    })?;
                Store {
                    journal: Some(journal),
                    ..store
                }
            }
            None => Store::default(),
        };
        store.seed(config);
        Ok(store)
    }

    /// Stops writing the journal (if any) and releases the state file, once
    /// the writer has written what is queued: for a shutdown, so that a new
    /// emulator can open the file at once. Later changes fail with
    /// `DBS.108000` rather than pass as durable.
    pub fn close_journal(&mut self) {
        if let Some(journal) = &mut self.journal {
            journal.close();
        }
    }

    /// The store a journal describes, and what reading it found.
    pub fn replay(path: &Path) -> Result<(Store, journal::ReadOutcome), Error> {
        let mut store = Store::default();
        let read = journal::read(path, |record| store.apply(record))?;
        Ok((store, read))
    }

    fn apply(&mut self, record: Record) {
        match record {
            Record::Create(mut entry) => {
                self.share(&mut entry);
                self.insert(*entry);
            }
            Record::Delete { backup_id } => {
                if let Some(seq) = self.by_backup.get(&*backup_id).copied() {
                    self.take_backup(seq);
                }
            }
        }
    }

    fn insert(&mut self, entry: Entry) -> (u64, Option<(u64, Box<Entry>)>) {
        let seq = self.next_seq;
        self.next_seq += 1;
        // Busy while the backup is BUILDING, whatever its job says.
        let end = entry
            .backup
            .as_ref()
            .map_or_else(|| entry.job.backup_end_ms(), |b| b.end_ms);
        // `get_mut` first: the keys are copied only the first time.
        match self.busy_until.get_mut(&entry.job.instance_id) {
            Some(busy) => *busy = (*busy).max(end),
            None => {
                self.busy_until.insert(entry.job.instance_id.clone(), end);
            }
        }
        self.by_job.insert(entry.job.id.clone(), seq);
        if let Some(backup) = &entry.backup {
            self.by_backup.insert(backup.id.clone(), seq);
            match self.per_project.get_mut(&entry.job.project_id) {
                Some(count) => *count += 1,
                None => {
                    self.per_project.insert(entry.job.project_id.clone(), 1);
                }
            }
        }
        self.entries.insert(seq, Box::new(entry));
        let evicted = if self.entries.len() > MAX_ENTRIES {
            self.entries.pop_first().map(|(old, entry)| {
                self.unindex(&entry);
                (old, entry)
            })
        } else {
            None
        };
        (seq, evicted)
    }

    fn unindex(&mut self, entry: &Entry) {
        self.by_job.remove(&entry.job.id);
        if let Some(backup) = &entry.backup {
            self.by_backup.remove(&backup.id);
            self.uncount(&entry.job.project_id);
        }
    }

    /// One live manual backup fewer in `project`. A project at zero is
    /// removed: kept, every project ever seen would stay in memory.
    fn uncount(&mut self, project: &str) {
        if let Some(n) = self.per_project.get_mut(project) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_project.remove(project);
            }
        }
    }

    fn reindex(&mut self, seq: u64, entry: Box<Entry>) {
        self.by_job.insert(entry.job.id.clone(), seq);
        if let Some(backup) = &entry.backup {
            self.by_backup.insert(backup.id.clone(), seq);
            *self
                .per_project
                .entry(entry.job.project_id.clone())
                .or_default() += 1;
        }
        self.entries.insert(seq, entry);
    }

    fn take_backup(&mut self, seq: u64) -> Option<StoredBackup> {
        let entry = self.entries.get_mut(&seq)?;
        let backup = entry.backup.take()?;
        let project = entry.job.project_id.clone();
        self.by_backup.remove(&backup.id);
        self.uncount(&project);
        Some(backup)
    }

    fn seed(&mut self, config: &Config) {
        if config.seed_auto_backups == 0 {
            return;
        }
        let now = millis(config.clock.now());
        const DAY: i64 = 86_400_000;
        // Each day at 02:00 UTC+8 (18:00 UTC), finished before the start:
        // a seeded backup lasts at most 29 minutes, so today's counts only
        // from 18:30 UTC on (otherwise a start between 18:00 and 18:30 would
        // seed a BUILDING automated backup).
        let today = now.div_euclid(DAY) * DAY + 18 * 3_600_000;
        let latest = if today + 30 * 60_000 <= now {
            today
        } else {
            today - DAY
        };
        // Bounded like created backups: at most MAX_ENTRIES in all.
        let per_instance = config
            .seed_auto_backups
            .min(MAX_ENTRIES / config.instances.len().max(1));
        if per_instance < config.seed_auto_backups {
            tracing::warn!(per_instance, "fewer automated backups seeded than asked");
        }
        let mut seeds = Vec::new();
        for instance in &config.instances {
            let shared: Arc<str> = instance.as_str().into();
            for i in 0..per_instance {
                let begin = latest - DAY * i as i64;
                let hash = fnv(&format!("{instance}/{i}"));
                let id = format!(
                    "{:016x}{:016x}{}",
                    hash,
                    fnv(&format!("{hash}")),
                    crate::rules::BACKUP_SUFFIX
                );
                let minutes = 5 + (hash % 25) as i64;
                seeds.push(StoredBackup {
                    id: id.into(),
                    project_id: None,
                    instance_id: Arc::clone(&shared),
                    name: format!(
                        "{}-{}",
                        Config::instance_name(instance),
                        &service_time(begin)[..10].replace('-', "")
                    )
                    .into(),
                    description: None,
                    begin_ms: begin,
                    end_ms: begin + minutes * 60_000,
                    failed: false,
                    kind: BackupKind::Auto,
                    size_mb: size_mb(hash),
                    times: Times::default(),
                });
            }
        }
        seeds.sort_by(|a, b| b.begin_ms.cmp(&a.begin_ms).then(a.id.cmp(&b.id)));
        self.seed_index = seeds
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.clone(), i))
            .collect();
        self.seeds = seeds;
    }

    /// `project` as the store already holds it (shared), or a new copy: the
    /// entries of one project share one allocation.
    pub fn shared_project(&self, project: &str) -> Arc<str> {
        self.per_project
            .get_key_value(project)
            .map_or_else(|| Arc::from(project), |(key, _)| Arc::clone(key))
    }

    /// `instance` as the store already holds it (shared), or a new copy.
    pub fn shared_instance(&self, instance: &str) -> Arc<str> {
        self.busy_until
            .get_key_value(instance)
            .map_or_else(|| Arc::from(instance), |(key, _)| Arc::clone(key))
    }

    /// A replayed entry's strings shared the way a create call shares them:
    /// each line of the journal is read into strings of its own, and
    /// without this a restarted emulator would hold every ID twice.
    fn share(&self, entry: &mut Entry) {
        let job = &mut entry.job;
        job.project_id = self.shared_project(&job.project_id);
        job.instance_id = self.shared_instance(&job.instance_id);
        let Some(backup) = &mut entry.backup else {
            return;
        };
        let same = |shared: &Arc<str>, own: &mut Arc<str>| {
            if *shared == *own {
                *own = Arc::clone(shared);
            }
        };
        if let Some(project) = &mut backup.project_id {
            same(&job.project_id, project);
        }
        same(&job.instance_id, &mut backup.instance_id);
        same(&job.backup_id, &mut backup.id);
        same(&job.backup_name, &mut backup.name);
    }

    /// Whether a backup of `instance` is in progress at `now_ms`.
    pub fn busy(&self, instance: &str, now_ms: i64) -> bool {
        self.busy_until
            .get(instance)
            .is_some_and(|until| now_ms < *until)
    }

    /// Starts a backup unless one of the same instance is in progress. The
    /// change is in memory at once and queued for the journal in the same
    /// order; it is durable when the returned [`Change`]'s ack arrives.
    pub fn create(&mut self, entry: Entry, now_ms: i64) -> Result<Change, ApiError> {
        let instance = entry.job.instance_id.clone();
        let previous = self.busy_until.get(&instance).copied();
        if previous.is_some_and(|until| now_ms < until) {
            return Err(ApiError::BackupInProgress);
        }
        let ack = self.journal.as_ref().map(|j| {
            j.append(
                &Record::Create(Box::new(entry.clone())),
                self.entries.len() + 1,
            )
        });
        let (seq, evicted) = self.insert(entry);
        Ok(Change {
            undo: Undo::Create {
                seq,
                busy_until: previous,
                evicted,
            },
            ack,
        })
    }

    /// Deletes a manual backup of `project` that is not BUILDING.
    pub fn delete(
        &mut self,
        project: &str,
        backup_id: &str,
        now_ms: i64,
    ) -> Result<(StoredBackup, Change), ApiError> {
        if self.seed_index.contains_key(backup_id) {
            return Err(ApiError::BackupStatusForbids(
                "automated backups cannot be deleted".into(),
            ));
        }
        let seq = *self
            .by_backup
            .get(backup_id)
            .ok_or(ApiError::BackupNotFound)?;
        let entry = &self.entries[&seq];
        if &*entry.job.project_id != project {
            return Err(ApiError::BackupNotFound);
        }
        let backup = entry.backup.as_ref().ok_or(ApiError::BackupNotFound)?;
        // The user manual names automated backups and backups being
        // created as the ones that cannot be deleted: a FAILED manual
        // backup can be (`openapi/SOURCES.md`, "Deleting").
        let state = backup.state(now_ms);
        if state == BackupState::Building {
            return Err(ApiError::BackupStatusForbids(format!(
                "the backup is {}",
                state.as_str()
            )));
        }
        let ack = self.journal.as_ref().map(|j| {
            j.append(
                &Record::Delete {
                    backup_id: backup_id.to_owned(),
                },
                self.entries.len(),
            )
        });
        let backup = self.take_backup(seq).expect("checked above");
        Ok((
            backup.clone(),
            Change {
                undo: Undo::Delete {
                    seq,
                    backup: Box::new(backup),
                },
                ack,
            },
        ))
    }

    /// Takes back a change the journal could not write.
    pub fn undo(&mut self, undo: Undo) {
        match undo {
            Undo::Create {
                seq,
                busy_until,
                evicted,
            } => {
                if let Some(entry) = self.entries.remove(&seq) {
                    self.unindex(&entry);
                    match busy_until {
                        Some(until) => self.busy_until.insert(entry.job.instance_id, until),
                        None => self.busy_until.remove(&entry.job.instance_id),
                    };
                }
                if let Some((old, entry)) = evicted {
                    self.reindex(old, entry);
                }
            }
            Undo::Delete { seq, backup } => {
                if let Some(entry) = self.entries.get_mut(&seq) {
                    let project = entry.job.project_id.clone();
                    self.by_backup.insert(backup.id.clone(), seq);
                    entry.backup = Some(*backup);
                    *self.per_project.entry(project).or_default() += 1;
                }
            }
        }
    }

    /// The job `id` of `project`, visible or not.
    pub fn job(&self, project: &str, id: &str) -> Option<&StoredJob> {
        let seq = self.by_job.get(id)?;
        let job = &self.entries[seq].job;
        (&*job.project_id == project).then_some(job)
    }

    /// One page of the backups of `project` that match, newest first (by
    /// begin time), and how many match in all.
    pub fn list(&self, project: &str, query: &ListQuery) -> (Vec<StoredBackup>, usize) {
        self.list_with(project, query, StoredBackup::clone)
    }

    /// [`Store::list`], with each backup of the page turned into what the
    /// caller sends by `item` under the store's lock (no copy of the stored
    /// backups: the list answers 100 of them at a time).
    pub fn list_with<T>(
        &self,
        project: &str,
        query: &ListQuery,
        item: impl FnMut(&StoredBackup) -> T,
    ) -> (Vec<T>, usize) {
        if let Some(id) = &query.backup_id {
            let found = self
                .by_backup
                .get(id.as_str())
                .and_then(|seq| self.entries[seq].backup.as_ref())
                .or_else(|| self.seed_index.get(id.as_str()).map(|i| &self.seeds[*i]))
                .filter(|b| b.visible_to(project) && query.matches(b));
            let total = usize::from(found.is_some());
            let page = found
                .into_iter()
                .skip(query.offset)
                .take(query.limit)
                .map(item)
                .collect();
            return (page, total);
        }
        let newest_first = self.newest_first(project);
        if query.only_paging() {
            let total = self.per_project.get(project).copied().unwrap_or(0) + self.seeds.len();
            let page = newest_first
                .skip(query.offset)
                .take(query.limit)
                .map(item)
                .collect();
            return (page, total);
        }
        let mut item = item;
        let mut total = 0;
        let mut page = Vec::new();
        for backup in newest_first.filter(|b| query.matches(b)) {
            if total >= query.offset && page.len() < query.limit {
                page.push(item(backup));
            }
            total += 1;
        }
        (page, total)
    }

    /// Backups of `project`, newest first: the created ones (in creation
    /// order, reversed) merged with the seeded ones by begin time.
    fn newest_first<'a>(&'a self, project: &'a str) -> impl Iterator<Item = &'a StoredBackup> + 'a {
        let mut created = self
            .entries
            .values()
            .rev()
            .filter(move |e| &*e.job.project_id == project)
            .filter_map(|e| e.backup.as_ref())
            .peekable();
        let mut seeds = self.seeds.iter().peekable();
        std::iter::from_fn(move || match (created.peek(), seeds.peek()) {
            (Some(c), Some(s)) if s.begin_ms > c.begin_ms => seeds.next(),
            (Some(_), _) => created.next(),
            (None, _) => seeds.next(),
        })
    }

    /// Every created backup and job, oldest first (for the admin view).
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values().map(|entry| &**entry)
    }

    /// The seeded automated backups, newest first.
    pub fn seeds(&self) -> &[StoredBackup] {
        &self.seeds
    }

    /// How many create calls are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no create call is kept (seeded backups do not count).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Rewrites the journal at `path` with one record per entry of `store`.
fn compact_into(path: &Path, store: &Store) -> Result<usize, Error> {
    let records = store.entries.values().map(|e| Record::Create(e.clone()));
    journal::rewrite(path, records).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    tracing::info!(path = %path.display(), records = store.entries.len(), "journal compacted");
    Ok(store.entries.len())
}

/// Replays and rewrites the journal at `path` (the writer's compaction).
pub fn compact(path: &Path) -> Result<usize, Error> {
    let (store, _) = Store::replay(path)?;
    compact_into(path, &store)
}

/// FNV-1a: a hash that is the same in every run and on every machine.
pub fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A made-up size in MB (64 MB to about 4 GB, two decimals).
pub fn size_mb(hash: u64) -> f64 {
    (6_400 + hash % 409_600) as f64 / 100.0
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    pub(crate) fn entry(n: u32, instance: &str, created_ms: i64, schedule: JobSchedule) -> Entry {
        let job = StoredJob {
            id: format!("job-{n}").into(),
            project_id: "p".into(),
            instance_id: instance.into(),
            backup_id: format!("backup-{n}").into(),
            backup_name: "backup-1".into(),
            created_ms,
            schedule,
            fail_reason: None,
        };
        let backup = StoredBackup {
            id: format!("backup-{n}").into(),
            project_id: Some("p".into()),
            instance_id: instance.into(),
            name: "backup-1".into(),
            description: None,
            begin_ms: created_ms,
            end_ms: job.backup_end_ms(),
            failed: false,
            kind: BackupKind::Manual,
            size_mb: 100.0,
            times: Times::default(),
        };
        Entry {
            job,
            backup: Some(backup),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::entry;
    use super::*;
    use std::path::PathBuf;
    use std::time::Duration;

    fn schedule(secs: u64) -> JobSchedule {
        JobSchedule {
            visible_after: Duration::from_secs(1),
            pending: Duration::from_secs(2),
            running: Duration::from_secs(secs),
            ..JobSchedule::INSTANT
        }
    }

    #[test]
    fn one_building_backup_per_instance() {
        let mut store = Store::default();
        store.create(entry(1, "a", 0, schedule(8)), 0).unwrap();
        assert_eq!(
            store.create(entry(2, "a", 1, schedule(8)), 1).unwrap_err(),
            ApiError::BackupInProgress
        );
        store.create(entry(3, "b", 1, schedule(8)), 1).unwrap();
        // Once the first finished (2 s pending + 8 s running), a new one may start.
        store
            .create(entry(4, "a", 10_000, schedule(8)), 10_000)
            .unwrap();
        assert_eq!(store.len(), 3);
    }

    #[test]
    fn a_job_goes_through_its_phases() {
        let e = entry(1, "a", 0, schedule(10));
        let job = &e.job;
        assert_eq!(job.phase(999), JobPhase::Invisible);
        assert_eq!(job.phase(1_000), JobPhase::Pending);
        assert_eq!(job.phase(2_000), JobPhase::Running(0));
        assert_eq!(job.phase(8_000), JobPhase::Running(60));
        assert_eq!(job.phase(11_999), JobPhase::Running(99));
        assert_eq!(job.phase(12_000), JobPhase::Completed);
        let backup = e.backup.as_ref().unwrap();
        assert_eq!(backup.state(11_999), BackupState::Building);
        assert_eq!(backup.state(12_000), BackupState::Completed);
        let failed = StoredJob {
            fail_reason: Some("disk full".into()),
            ..job.clone()
        };
        assert_eq!(failed.phase(12_000), JobPhase::Failed);
        let instant = StoredJob {
            schedule: JobSchedule::INSTANT,
            ..job.clone()
        };
        assert_eq!(instant.phase(0), JobPhase::Completed);
    }

    #[test]
    fn undo_restores_what_was_there() {
        let mut store = Store::default();
        let first = store
            .create(entry(1, "a", 0, JobSchedule::INSTANT), 0)
            .unwrap();
        drop(first);
        let second = store.create(entry(2, "a", 5, schedule(8)), 5).unwrap();
        store.undo(second.undo);
        assert_eq!(store.len(), 1);
        // The instance is free again: the undone backup does not block it.
        store
            .create(entry(3, "a", 6, JobSchedule::INSTANT), 6)
            .unwrap();
        let (deleted, change) = store.delete("p", "backup-1", 7).unwrap();
        assert_eq!(&*deleted.id, "backup-1");
        store.undo(change.undo);
        let (page, total) = store.list(
            "p",
            &ListQuery {
                limit: 100,
                ..ListQuery::default()
            },
        );
        assert_eq!(total, 2);
        assert_eq!(&*page[1].id, "backup-1");
    }

    fn in_project(n: u32, project: &str) -> Entry {
        let mut e = entry(n, &format!("instance-{n}"), 0, JobSchedule::INSTANT);
        e.job.project_id = project.into();
        e.backup.as_mut().unwrap().project_id = Some(project.into());
        e
    }

    /// The entries of one project and one instance share their strings
    /// (the store's memory per entry depends on it); a new name is a copy.
    #[test]
    fn projects_and_instances_are_shared_once_stored() {
        let mut store = Store::default();
        let fresh = store.shared_project("p");
        store
            .create(entry(1, "a", 0, JobSchedule::INSTANT), 0)
            .unwrap();
        assert!(!Arc::ptr_eq(&fresh, &store.shared_project("p")));
        let stored = store.entries().next().unwrap();
        assert!(Arc::ptr_eq(
            &stored.job.project_id,
            &store.shared_project("p")
        ));
        assert!(Arc::ptr_eq(
            &stored.job.instance_id,
            &store.shared_instance("a")
        ));
        assert_eq!(&*store.shared_project("q"), "q");
        assert_eq!(&*store.shared_instance("b"), "b");
    }

    /// A journal's entries, each read into strings of its own, share them
    /// once replayed as a create call's do.
    #[test]
    fn replayed_entries_share_their_strings() {
        let mut store = Store::default();
        for n in 0..2 {
            let line = serde_json::to_string(&Record::Create(Box::new(entry(
                n,
                "a",
                0,
                JobSchedule::INSTANT,
            ))))
            .unwrap();
            store.apply(serde_json::from_str(&line).unwrap());
        }
        let entries: Vec<&Entry> = store.entries().collect();
        let (first, second) = (entries[0], entries[1]);
        let backup = second.backup.as_ref().unwrap();
        assert!(Arc::ptr_eq(&first.job.project_id, &second.job.project_id));
        assert!(Arc::ptr_eq(&first.job.instance_id, &second.job.instance_id));
        assert!(Arc::ptr_eq(
            &second.job.project_id,
            backup.project_id.as_ref().unwrap()
        ));
        assert!(Arc::ptr_eq(&second.job.instance_id, &backup.instance_id));
        assert!(Arc::ptr_eq(&second.job.backup_id, &backup.id));
        assert!(Arc::ptr_eq(&second.job.backup_name, &backup.name));
        assert_eq!(&*backup.id, "backup-1");
    }

    /// The times a list shows are made from the backup's instants the first
    /// time they are asked for, and the same afterwards.
    #[test]
    fn times_are_made_when_first_listed() {
        let mut backup = entry(1, "a", 0, JobSchedule::INSTANT).backup.unwrap();
        backup.begin_ms = 1_594_055_825_000;
        backup.end_ms = backup.begin_ms + 120_000;
        assert!(backup.times.0.get().is_none());
        let (begin, end) = backup.times();
        assert_eq!(begin.as_str(), "2020-07-07T01:17:05+0800");
        assert_eq!(end.as_str(), "2020-07-07T01:19:05+0800");
        assert_eq!(backup.times(), (begin, end));
    }

    #[test]
    fn projects_with_no_backup_left_are_forgotten() {
        let mut store = Store::default();
        for n in 0..50 {
            store.create(in_project(n, &format!("p{n}")), 0).unwrap();
        }
        assert_eq!(store.per_project.len(), 50);
        for n in 0..50 {
            store
                .delete(&format!("p{n}"), &format!("backup-{n}"), 1)
                .unwrap();
        }
        assert!(store.per_project.is_empty(), "{:?}", store.per_project);
        // A create taken back forgets its project too.
        let change = store.create(in_project(99, "undone"), 2).unwrap();
        store.undo(change.undo);
        assert!(store.per_project.is_empty(), "{:?}", store.per_project);
        // A delete taken back counts the backup again.
        store.create(in_project(100, "back"), 3).unwrap();
        let (_, change) = store.delete("back", "backup-100", 4).unwrap();
        assert!(store.per_project.is_empty());
        store.undo(change.undo);
        assert_eq!(store.per_project.get("back"), Some(&1));
    }

    fn journal_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("emulator-state-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn records_that_cannot_be_true_are_refused_with_their_line() {
        let good = serde_json::to_string(&Record::Create(Box::new(entry(
            1,
            "a",
            0,
            JobSchedule::INSTANT,
        ))))
        .unwrap();
        let mut cases: Vec<(&str, Entry, &str)> = Vec::new();
        let mut e = entry(2, "b", 0, JobSchedule::INSTANT);
        let b = e.backup.as_mut().unwrap();
        (b.begin_ms, b.end_ms) = (i64::MIN, 0);
        cases.push(("audit", e, "begin_ms"));
        let mut e = entry(2, "b", 0, JobSchedule::INSTANT);
        let b = e.backup.as_mut().unwrap();
        (b.begin_ms, b.end_ms) = (5_000, 1_000);
        cases.push(("backwards", e, "end_ms"));
        let mut e = entry(2, "b", 0, JobSchedule::INSTANT);
        e.job.created_ms = i64::MAX;
        cases.push(("created", e, "created_ms"));
        let mut e = entry(2, "b", 0, JobSchedule::INSTANT);
        e.backup.as_mut().unwrap().id = "another".into();
        cases.push(("mismatch", e, "backup_id"));
        let mut e = entry(2, "b", 0, JobSchedule::INSTANT);
        e.backup.as_mut().unwrap().size_mb = -1.0;
        cases.push(("negative-size", e, "size_mb"));
        for (name, bad, why) in cases {
            let dir = journal_dir(name);
            let path = dir.join("state.jsonl");
            let bad = serde_json::to_string(&Record::Create(Box::new(bad))).unwrap();
            let text = format!("{good}\n{bad}\n");
            std::fs::write(&path, &text).unwrap();
            let config = Config {
                state_file: Some(path.clone()),
                ..Config::default()
            };
            match Store::open(&config) {
                Err(e) => {
                    let shown = e.to_string();
                    assert!(shown.contains(&path.display().to_string()), "{shown}");
                    assert!(shown.contains("line 2"), "{name}: {shown}");
                    assert!(shown.contains(why), "{name}: {shown}");
                }
                Ok(_) => panic!("{name}: accepted"),
            }
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }

    #[test]
    fn what_an_absurd_schedule_makes_the_emulator_write_is_accepted() {
        let schedule = JobSchedule {
            visible_after: Duration::ZERO,
            pending: Duration::ZERO,
            running: Duration::MAX,
            ..JobSchedule::INSTANT
        };
        let e = entry(1, "a", 1_594_055_825_000, schedule);
        assert_eq!(e.backup.as_ref().unwrap().end_ms, i64::MAX);
        assert_eq!(Record::Create(Box::new(e)).check(), Ok(()));
    }

    #[test]
    fn seeded_backups_are_finished_whatever_the_time_of_day() {
        // Every five minutes of a day, around the seeds' 18:00 UTC.
        let midnight = chrono::DateTime::from_timestamp(1_594_080_000, 0).unwrap();
        for step in 0..288 {
            let start = midnight + chrono::TimeDelta::minutes(5 * step);
            let config = Config {
                seed_auto_backups: 2,
                clock: std::sync::Arc::new(gaussdb_backup::ManualClock::new(start)),
                ..Config::default()
            };
            let store = Store::open(&config).unwrap();
            let now = millis(start);
            assert_eq!(store.seeds().len(), 2);
            for seed in store.seeds() {
                assert_eq!(seed.state(now), BackupState::Completed, "start {start}");
            }
        }
    }

    #[test]
    fn extreme_times_in_memory_do_not_overflow() {
        for (begin, end) in [(i64::MIN, 0), (i64::MIN, i64::MAX), (i64::MAX, i64::MIN)] {
            let mut e = entry(1, "a", 0, JobSchedule::INSTANT);
            let b = e.backup.as_mut().unwrap();
            (b.begin_ms, b.end_ms) = (begin, end);
            let backup = e.backup.unwrap();
            let _ = backup.take_up_minutes();
            for now in [i64::MIN, 0, i64::MAX] {
                let _ = crate::backups::list_item(&backup, now);
            }
        }
    }

    #[test]
    fn service_times_round_trip() {
        let ms = 1_594_055_825_000; // 2020-07-06T17:17:05Z
        assert_eq!(service_time(ms), "2020-07-07T01:17:05+0800");
        assert_eq!(parse_service_time("2020-07-07T01:17:05+0800"), Some(ms));
        assert_eq!(parse_service_time("2020-07-07T01:17:05+08:00"), Some(ms));
        assert_eq!(parse_service_time("2020-07-06T17:17:05Z"), Some(ms));
        assert_eq!(parse_service_time("2020-07-07 01:17:05"), None);
        assert_eq!(parse_service_time("yesterday"), None);
    }

    /// The forms the emulator accepts are the client's: what the client
    /// reads in an answer (fractional seconds and a lower-case `z`, which
    /// RFC 3339 allows, included), the emulator reads in a query; a time
    /// without an offset, or a date alone, is refused by both.
    #[test]
    fn service_times_are_read_as_the_client_reads_them() {
        let ms = 1_594_055_825_000; // 2020-07-06T17:17:05Z
        for (text, expected) in [
            ("2020-07-07T01:17:05+0800", Some(ms)),
            ("2020-07-06T17:17:05.250Z", Some(ms + 250)),
            ("2020-07-06T17:17:05z", Some(ms)),
            ("2020-07-06T12:17:05-0500", Some(ms)),
            ("2020-07-06T17:17:05", None),
            ("2020-07-06", None),
            ("", None),
        ] {
            assert_eq!(parse_service_time(text), expected, "{text:?}");
            let client = Timestamp::from(text)
                .datetime()
                .map(|t| t.timestamp_millis());
            assert_eq!(client, expected, "the client reads {text:?} otherwise");
        }
    }

    /// The wire forms are the ones the client reads back as the same value
    /// (not as an unknown one).
    #[test]
    fn wire_forms_are_what_the_client_reads() {
        use gaussdb_backup::{BackupStatus, BackupType, JobStatus};
        assert_eq!(
            BackupType::from(BackupKind::Manual.as_str()),
            BackupType::Manual
        );
        assert_eq!(
            BackupType::from(BackupKind::Auto.as_str()),
            BackupType::Auto
        );
        for (state, status) in [
            (BackupState::Building, BackupStatus::Building),
            (BackupState::Completed, BackupStatus::Completed),
            (BackupState::Failed, BackupStatus::Failed),
        ] {
            assert_eq!(BackupStatus::from(state.as_str()), status);
        }
        for (phase, status) in [
            (JobPhase::Invisible, JobStatus::Pending),
            (JobPhase::Pending, JobStatus::Pending),
            (JobPhase::Running(40), JobStatus::Running),
            (JobPhase::Completed, JobStatus::Completed),
            (JobPhase::Failed, JobStatus::Failed),
        ] {
            assert_eq!(JobStatus::from(phase.as_str()), status);
        }
    }

    #[test]
    fn a_building_backup_cannot_be_deleted_and_the_refusal_says_why() {
        let mut store = Store::default();
        store.create(entry(1, "a", 0, schedule(8)), 0).unwrap();
        assert_eq!(
            store.delete("p", "backup-1", 9_999).unwrap_err(),
            ApiError::BackupStatusForbids("the backup is BUILDING".into())
        );
        store.delete("p", "backup-1", 10_000).unwrap();
    }

    #[test]
    fn take_up_time_is_rounded_to_the_nearest_minute() {
        let backup = entry(1, "a", 0, JobSchedule::INSTANT).backup.unwrap();
        for (end_ms, minutes) in [
            (0, 0),
            (29_999, 0),
            (30_000, 1),
            (89_999, 1),
            (90_000, 2),
            (600_000, 10),
            (3_600_000, 60),
        ] {
            let b = StoredBackup {
                end_ms,
                ..backup.clone()
            };
            assert_eq!(b.take_up_minutes(), minutes, "{end_ms} ms");
        }
    }

    /// The job's `ended` time is when it turns Completed: its pending and
    /// running times and its `job_lag` after the create call.
    #[test]
    fn a_job_ends_once_pending_running_and_its_lag_are_over() {
        let created = 1_594_055_825_000;
        let mut e = entry(1, "a", created, schedule(8));
        e.job.schedule.job_lag = Duration::from_secs(3);
        let job = &e.job;
        assert_eq!(job.end_ms(), created + 13_000);
        assert!(matches!(job.phase(job.end_ms() - 1), JobPhase::Running(_)));
        assert_eq!(job.phase(job.end_ms()), JobPhase::Completed);
    }

    #[test]
    fn an_instance_is_busy_until_its_backup_is_finished() {
        let mut store = Store::default();
        assert!(!store.busy("a", 0), "no backup yet");
        store.create(entry(1, "a", 0, schedule(8)), 0).unwrap();
        assert!(store.busy("a", 0));
        assert!(store.busy("a", 9_999));
        assert!(!store.busy("a", 10_000), "finished at 2 s + 8 s");
        assert!(!store.busy("b", 0), "another instance is free");
    }

    #[test]
    fn a_job_is_found_only_in_its_project() {
        let mut store = Store::default();
        assert!(store.is_empty());
        store.create(in_project(1, "p"), 0).unwrap();
        assert!(!store.is_empty());
        assert_eq!(store.job("p", "job-1").map(|j| &*j.id), Some("job-1"));
        assert_eq!(store.job("q", "job-1"), None);
        assert_eq!(store.job("p", "job-2"), None);
    }

    const A: &str = "aaaaaaaa1111in07";
    const B: &str = "bbbbbbbb2222in07";

    /// 2020-07-07T12:00:00Z.
    fn noon() -> DateTime<Utc> {
        DateTime::from_timestamp(1_594_123_200, 0).unwrap()
    }

    fn at(text: &str) -> i64 {
        parse_service_time(text).unwrap()
    }

    /// Two instances with two seeded backups each (begun 2020-07-06 and
    /// 2020-07-05 at 18:00 UTC), and three manual backups of project `p` in
    /// between (`c1` on `a` before the newest seeds, `c2` on `a` and `c3` on
    /// `b` after them), one of project `q`.
    fn listed_store() -> Store {
        let config = Config {
            seed_auto_backups: 2,
            instances: [A.to_owned(), B.to_owned()].into(),
            clock: std::sync::Arc::new(gaussdb_backup::ManualClock::new(noon())),
            ..Config::default()
        };
        let mut store = Store::open(&config).unwrap();
        for (n, instance, begin, project) in [
            (1, A, "2020-07-06T00:00:00Z", "p"),
            (2, A, "2020-07-07T10:00:00Z", "p"),
            (3, B, "2020-07-07T11:00:00Z", "p"),
            (4, B, "2020-07-07T11:30:00Z", "q"),
        ] {
            let mut e = entry(n, instance, at(begin), JobSchedule::INSTANT);
            e.job.project_id = project.into();
            let b = e.backup.as_mut().unwrap();
            b.project_id = Some(project.into());
            b.name = format!("c{n}").into();
            store.create(e, at(begin)).unwrap();
        }
        store
    }

    fn names(store: &Store, project: &str, query: ListQuery) -> (Vec<String>, usize) {
        let (page, total) = store.list(project, &query);
        let names = page
            .iter()
            .map(|b| match b.kind {
                BackupKind::Manual => b.name.to_string(),
                BackupKind::Auto => format!("{}/{}", &b.instance_id[..1], b.begin_ms),
            })
            .collect();
        (names, total)
    }

    fn all() -> ListQuery {
        ListQuery {
            limit: 100,
            ..ListQuery::default()
        }
    }

    /// The labels of the seeded backups begun at `begin`, in the order the
    /// store keeps them (ties between instances are in ID order).
    fn seeded_at(store: &Store, begin: &str) -> Vec<String> {
        store
            .seeds()
            .iter()
            .filter(|s| s.begin_ms == at(begin))
            .map(|s| format!("{}/{}", &s.instance_id[..1], s.begin_ms))
            .collect()
    }

    fn labels(items: &[&[String]]) -> Vec<String> {
        items.concat()
    }

    #[test]
    fn a_listing_is_newest_first_with_seeded_and_created_backups_merged() {
        let store = listed_store();
        let s6 = seeded_at(&store, "2020-07-06T18:00:00Z");
        let s5 = seeded_at(&store, "2020-07-05T18:00:00Z");
        assert_eq!((s6.len(), s5.len()), (2, 2));
        let [c1, c2, c3] = ["c1", "c2", "c3"].map(|c| vec![c.to_owned()]);
        let expected = labels(&[&c3, &c2, &s6, &c1, &s5]);
        assert_eq!(names(&store, "p", all()), (expected.clone(), 7));
        // Paging without a filter: the same order, the same total.
        let page = |offset, limit| ListQuery {
            offset,
            limit,
            ..ListQuery::default()
        };
        assert_eq!(names(&store, "p", page(2, 3)), (expected[2..5].to_vec(), 7));
        assert_eq!(
            names(&store, "p", page(6, 100)),
            (expected[6..].to_vec(), 7)
        );
        assert_eq!(names(&store, "p", page(7, 100)), (vec![], 7));
        // Another project sees the seeds and its own backup only.
        let (q, total) = names(&store, "q", all());
        assert_eq!((q[0].as_str(), total), ("c4", 5));
    }

    #[test]
    fn each_list_filter_keeps_exactly_its_matches() {
        let store = listed_store();
        let s6 = seeded_at(&store, "2020-07-06T18:00:00Z");
        let s5 = seeded_at(&store, "2020-07-05T18:00:00Z");
        let [c1, c2, c3] = ["c1", "c2", "c3"].map(|c| vec![c.to_owned()]);
        let only = |labels: &[String], instance: &str| -> Vec<String> {
            labels
                .iter()
                .filter(|l| l.starts_with(instance))
                .cloned()
                .collect()
        };
        let names = |query: ListQuery| names(&store, "p", query).0;
        let q = all;
        assert_eq!(
            names(ListQuery {
                instance_id: Some(A.into()),
                ..q()
            }),
            labels(&[&c2, &only(&s6, "a/"), &c1, &only(&s5, "a/")])
        );
        assert_eq!(
            names(ListQuery {
                instance_name: Some("taurus-bbbbbbbb".into()),
                ..q()
            }),
            labels(&[&c3, &only(&s6, "b/"), &only(&s5, "b/")])
        );
        assert_eq!(
            names(ListQuery {
                kind: Some(BackupKind::Manual),
                ..q()
            }),
            labels(&[&c3, &c2, &c1])
        );
        assert_eq!(
            names(ListQuery {
                kind: Some(BackupKind::Auto),
                ..q()
            }),
            labels(&[&s6, &s5])
        );
        assert_eq!(
            names(ListQuery {
                name: Some("c2".into()),
                ..q()
            }),
            c2
        );
        // Both bounds are inclusive, in whole seconds (the precision of the
        // service's time form).
        let c1_begin = at("2020-07-06T00:00:00Z");
        for begin in [c1_begin, c1_begin + 999] {
            let query = ListQuery {
                begin_ms: Some(begin),
                ..q()
            };
            assert_eq!(names(query), labels(&[&c3, &c2, &s6, &c1]));
        }
        let query = ListQuery {
            begin_ms: Some(c1_begin + 1_000),
            ..q()
        };
        assert_eq!(names(query), labels(&[&c3, &c2, &s6]));
        for end in [c1_begin, c1_begin + 999] {
            let query = ListQuery {
                end_ms: Some(end),
                ..q()
            };
            assert_eq!(names(query), labels(&[&c1, &s5]));
        }
        let query = ListQuery {
            end_ms: Some(c1_begin - 1),
            ..q()
        };
        assert_eq!(names(query), s5);
        // Filters combine.
        assert_eq!(
            names(ListQuery {
                instance_id: Some(A.into()),
                kind: Some(BackupKind::Manual),
                begin_ms: Some(c1_begin + 1_000),
                ..q()
            }),
            c2
        );
    }

    #[test]
    fn a_listing_by_id_finds_what_the_project_may_see() {
        let store = listed_store();
        let by_id = |project: &str, id: &str, instance: Option<&str>| {
            let query = ListQuery {
                backup_id: Some(id.into()),
                instance_id: instance.map(str::to_owned),
                ..all()
            };
            names(&store, project, query)
        };
        assert_eq!(by_id("p", "backup-1", None), (vec!["c1".into()], 1));
        assert_eq!(by_id("p", "backup-1", Some(A)), (vec!["c1".into()], 1));
        assert_eq!(
            by_id("p", "backup-1", Some(B)),
            (vec![], 0),
            "other filters apply"
        );
        assert_eq!(by_id("p", "backup-4", None), (vec![], 0), "q's backup");
        assert_eq!(by_id("q", "backup-4", None).1, 1);
        assert_eq!(by_id("p", "no-such-backup", None), (vec![], 0));
        // Seeded backups: every project sees them.
        let seed = store.seeds()[0].id.clone();
        assert_eq!(by_id("p", &seed, None).1, 1);
        assert_eq!(by_id("q", &seed, None).1, 1);
        // Paging applies to the one match.
        let skipped = ListQuery {
            backup_id: Some("backup-1".into()),
            offset: 1,
            ..all()
        };
        assert_eq!(names(&store, "p", skipped), (vec![], 1));
    }

    #[test]
    fn a_filtered_listing_pages_its_matches() {
        let store = listed_store();
        let manual = |offset, limit| {
            names(
                &store,
                "p",
                ListQuery {
                    kind: Some(BackupKind::Manual),
                    offset,
                    limit,
                    ..ListQuery::default()
                },
            )
        };
        assert_eq!(manual(0, 1), (vec!["c3".into()], 3));
        assert_eq!(manual(1, 1), (vec!["c2".into()], 3));
        assert_eq!(manual(1, 2), (vec!["c2".into(), "c1".into()], 3));
        assert_eq!(manual(2, 100), (vec!["c1".into()], 3));
        assert_eq!(manual(3, 100), (vec![], 3));
    }

    /// Seeded backups: one a day per instance at 02:00 UTC+8 (18:00 UTC),
    /// the newest finished before the start, each lasting 5 to 29 minutes,
    /// 64 MB to about 4 GB, with IDs of the service's form that are the same
    /// at every start.
    #[test]
    fn seeded_backups_are_daily_finished_and_the_same_at_every_start() {
        let open = |start: DateTime<Utc>| {
            Store::open(&Config {
                seed_auto_backups: 3,
                instances: [A.to_owned(), B.to_owned()].into(),
                clock: std::sync::Arc::new(gaussdb_backup::ManualClock::new(start)),
                ..Config::default()
            })
            .unwrap()
        };
        let store = open(noon());
        let seeds = store.seeds();
        assert_eq!(seeds.len(), 6);
        let begins: Vec<_> = seeds.iter().map(|s| service_time(s.begin_ms)).collect();
        assert_eq!(
            begins,
            [
                "2020-07-07T02:00:00+0800",
                "2020-07-07T02:00:00+0800",
                "2020-07-06T02:00:00+0800",
                "2020-07-06T02:00:00+0800",
                "2020-07-05T02:00:00+0800",
                "2020-07-05T02:00:00+0800",
            ]
        );
        let names: Vec<_> = seeds.iter().map(|s| &*s.name).collect();
        assert!(names.contains(&"taurus-aaaaaaaa-20200707"), "{names:?}");
        assert!(names.contains(&"taurus-bbbbbbbb-20200705"), "{names:?}");
        for seed in seeds {
            let minutes = (seed.end_ms - seed.begin_ms) / 60_000;
            assert!((5..=29).contains(&minutes), "{minutes} minutes");
            assert_eq!((seed.end_ms - seed.begin_ms) % 60_000, 0);
            assert!((64.0..4_200.0).contains(&seed.size_mb), "{}", seed.size_mb);
            assert_eq!(seed.kind, BackupKind::Auto);
            let (hex, suffix) = seed.id.split_at(32);
            assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{}", seed.id);
            assert_eq!(suffix, crate::rules::BACKUP_SUFFIX);
        }
        let mut ids: Vec<_> = seeds.iter().map(|s| &s.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 6, "distinct IDs");
        // The same at the next start.
        assert_eq!(open(noon()).seeds(), seeds);
        // Today's counts from 18:30 UTC on (finished by then), not before.
        let today = at("2020-07-07T18:30:00Z");
        let newest = |ms: i64| {
            let start = DateTime::from_timestamp_millis(ms).unwrap();
            service_time(open(start).seeds()[0].begin_ms)
        };
        assert_eq!(newest(today), "2020-07-08T02:00:00+0800");
        assert_eq!(newest(today - 1), "2020-07-07T02:00:00+0800");
    }

    /// However many are asked for, at most `MAX_ENTRIES` are seeded in all.
    #[test]
    fn seeding_is_bounded_like_created_backups() {
        let config = Config {
            seed_auto_backups: MAX_ENTRIES / 2 + 1,
            instances: [A.to_owned(), B.to_owned()].into(),
            clock: std::sync::Arc::new(gaussdb_backup::ManualClock::new(noon())),
            ..Config::default()
        };
        assert_eq!(Store::open(&config).unwrap().seeds().len(), MAX_ENTRIES);
    }

    /// FNV-1a's published 64-bit test vectors: seeded IDs and sizes are the
    /// same in every run and on every machine.
    #[test]
    fn fnv_is_fnv_1a() {
        assert_eq!(fnv(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn made_up_sizes_are_64_mb_to_about_4_gb_with_two_decimals() {
        assert_eq!(size_mb(0), 64.0);
        assert_eq!(size_mb(123), 65.23);
        assert_eq!(size_mb(409_599), 4_159.99);
        assert_eq!(size_mb(409_600), 64.0);
        assert_eq!(
            size_mb(u64::MAX),
            64.0 + (u64::MAX % 409_600) as f64 / 100.0
        );
    }

    #[test]
    fn a_journal_with_deleted_backups_is_compacted_to_its_live_entries() {
        let dir = journal_dir("compact");
        let path = dir.join("state.jsonl");
        let lines: Vec<String> = [
            Record::Create(Box::new(entry(1, "a", 0, JobSchedule::INSTANT))),
            Record::Create(Box::new(entry(2, "b", 0, JobSchedule::INSTANT))),
            Record::Delete {
                backup_id: "backup-1".into(),
            },
        ]
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
        std::fs::write(&path, lines.concat()).unwrap();
        assert_eq!(compact(&path).unwrap(), 2);
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 2);
        // At start too: a delete is not a live record.
        std::fs::write(&path, lines.concat()).unwrap();
        let config = Config {
            state_file: Some(path.clone()),
            ..Config::default()
        };
        let store = Store::open(&config).unwrap();
        assert_eq!(store.len(), 2);
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 2);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// After `close_journal` (a shutdown) the state file is free for the
    /// next emulator, and a change is refused rather than passed as durable.
    #[test]
    fn a_closed_journal_frees_the_file_and_refuses_changes() {
        let dir = journal_dir("close");
        let path = dir.join("state.jsonl");
        let config = Config {
            state_file: Some(path.clone()),
            ..Config::default()
        };
        let mut store = Store::open(&config).unwrap();
        let change = store
            .create(entry(1, "a", 0, JobSchedule::INSTANT), 0)
            .unwrap();
        assert_eq!(change.ack.unwrap().blocking_recv().unwrap(), Ok(()));
        store.close_journal();
        let next = Store::open(&config).expect("the lock is released");
        assert_eq!(next.len(), 1);
        let change = store
            .create(entry(2, "b", 0, JobSchedule::INSTANT), 0)
            .unwrap();
        assert!(change.ack.unwrap().blocking_recv().unwrap().is_err());
        drop((store, next));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Past `MAX_ENTRIES` the oldest create call goes; a create taken back
    /// puts it back, job, backup and count.
    #[test]
    fn the_oldest_entry_goes_past_the_limit_and_comes_back_on_undo() {
        let mut store = Store::default();
        for n in 0..MAX_ENTRIES as u32 {
            store
                .create(entry(n, "a", 0, JobSchedule::INSTANT), 0)
                .unwrap();
        }
        assert_eq!(store.len(), MAX_ENTRIES);
        assert!(store.job("p", "job-0").is_some());
        let change = store
            .create(entry(MAX_ENTRIES as u32, "a", 0, JobSchedule::INSTANT), 0)
            .unwrap();
        assert_eq!(store.len(), MAX_ENTRIES);
        assert!(store.job("p", "job-0").is_none(), "the oldest went");
        let one = |store: &Store, id: &str| {
            let query = ListQuery {
                backup_id: Some(id.into()),
                ..all()
            };
            store.list("p", &query).1
        };
        assert_eq!(one(&store, "backup-0"), 0);
        store.undo(change.undo);
        assert_eq!(store.len(), MAX_ENTRIES);
        assert!(store.job("p", "job-0").is_some(), "back");
        assert_eq!(one(&store, "backup-0"), 1);
        let page = ListQuery {
            limit: 1,
            ..ListQuery::default()
        };
        assert_eq!(store.list("p", &page).1, MAX_ENTRIES);
    }
}
