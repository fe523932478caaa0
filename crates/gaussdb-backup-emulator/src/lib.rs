//! A local emulator of the TaurusDB (GaussDB for MySQL) backup API and of
//! the API gateway in front of it, so that users of the `gaussdb-backup`
//! crate can test without a cloud account, as LocalStack or moto serve AWS
//! users.
//!
//! Operations: create a manual backup (`POST /v3/{project_id}/backups/create`),
//! query its job (`GET /v3/{project_id}/jobs?id=…`), list backups with every
//! filter (`GET /v3/{project_id}/backups`) and delete a manual backup
//! (`DELETE /v3/{project_id}/backups/{backup_id}`).
//!
//! - **The gateway** ([`gateway`]): `X-Request-Id` on every response;
//!   `404 APIGW.0101` for a path or method it does not publish; `401
//!   APIGW.0301` in the gateway's words for a missing, unknown or expired
//!   token or a refused AK/SK signature, with `request_id` in the body.
//! - **The service**: every field rule ([`rules`]) with its `DBS.*` code and
//!   the official English message ([`error`]) whatever `X-Language` says
//!   (any value is accepted: no official Chinese `error_msg` exists, so
//!   none is invented); `404 DBS.200002` for unknown instances; `409
//!   DBS.201205` while a backup of the instance is in progress.
//! - **Jobs and lifecycle** ([`state`]): a create starts a job that is
//!   invisible for a while (`DBS.200543`), then `Pending`, `Running` with its
//!   `process` rising, then `Completed` (or `Failed`, by a fault rule), and
//!   the backup goes from BUILDING to COMPLETED (or FAILED), all on the
//!   [`JobSchedule`]. Nothing runs in the background: states are computed
//!   from the injected [`gaussdb_backup::Clock`] when read, so a test with a
//!   `ManualClock` is deterministic.
//! - **Persistence** ([`journal`]): with a state file, every change is one
//!   appended JSON line, fsynced before it is acknowledged, compacted as it
//!   grows; a restart (even after `SIGKILL`) loses nothing acknowledged. A
//!   lock (`<state>.lock`) keeps a second emulator off the same file.
//! - **Faults** ([`faults`]): `/_emulator/faults` (status, delay, reset for
//!   the next calls) and `/_emulator/backup-failures` (the next backups fail).
//! - **Drift mode** ([`drift`]): `/_emulator/drift` makes success answers
//!   depart from the spec as the real service may (an extra property, a
//!   status outside the enum, a missing optional field, another time
//!   offset), for `cargo xtask smoke`'s drift report.
//! - **Documents**: the hand-written spec (`/openapi/gaussdb-backup.yaml`),
//!   the emulator's utoipa document (`/openapi.json`) and Swagger UI
//!   (`/docs`, fully offline) showing both, the spec first.
//!
//! Bodies are built from the types generated from the spec, so they cannot
//! drift from it.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use gaussdb_backup_emulator::{Config, Emulator};
//!
//! let emulator = Emulator::start(Config::default()).await?; // 127.0.0.1, ephemeral port
//! let client = gaussdb_backup::Client::builder()
//!     .endpoint_url(&emulator.url())
//!     .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
//!     .credentials(gaussdb_backup::Credentials::token("any-token"))
//!     .build()?;
//! let created = client
//!     .create_backup("07033b125fd94a8a96896f8bcfee6ddain07", "backup-1")
//!     .send()
//!     .await?;
//! assert_eq!(created.backup.name.as_deref(), Some("backup-1"));
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Why these crates
//! axum (with tokio) serves HTTP; utoipa describes the API and
//! utoipa-swagger-ui serves Swagger UI from files vendored into the crate
//! (the `vendored` feature: nothing is downloaded at build or run time);
//! tracing logs one line per request; serde_json writes bodies and the
//! journal; uuid makes IDs; fastrand draws the fault fractions. The state
//! file is a journal written with std alone (see [`journal`] for why not
//! redb or SQLite); its lock is fs4's (`flock`/`LockFileEx`), because std's
//! `File::try_lock` is newer than the workspace's rust-version. The clock is the client crate's, so a client and an
//! emulator can share one `ManualClock`.
#![deny(missing_docs)]

pub mod app;
pub mod backups;
pub mod config;
pub mod create;
mod create_body;
pub mod drift;
pub mod error;
pub mod faults;
pub mod gateway;
mod generated_routes;
mod generated_schemas;
pub mod jobs;
pub mod journal;
pub mod openapi;
pub mod rules;
pub mod signature;
pub mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use config::{Config, DOCUMENTED_INSTANCE, JobSchedule};
pub use faults::{BackupFailureSpec, FaultSpec};

/// The crate's one error: why the emulator could not start, or why its
/// state file could not be used ([`state::Store::open`], [`state::compact`],
/// the [`journal`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing the state file failed.
    #[error("state file {path}: {source}")]
    Io {
        /// The state file.
        path: PathBuf,
        /// What the read or write returned.
        #[source]
        source: std::io::Error,
    },
    /// A line of the state file other than the last is not a record of
    /// this emulator.
    #[error(
        "state file {path}, line {line}: not a journal record of this emulator ({source}); \
         the journal is JSON lines, one record per change"
    )]
    Invalid {
        /// The state file.
        path: PathBuf,
        /// The line that does not parse (1-based).
        line: usize,
        /// Why it does not parse as a [`state::Record`].
        #[source]
        source: serde_json::Error,
    },
    /// A line of the state file is a record that cannot be true (see
    /// [`state::Record::check`]).
    #[error(
        "state file {path}, line {line}: a journal record that the emulator cannot have written: \
         {reason}"
    )]
    BadRecord {
        /// The state file.
        path: PathBuf,
        /// The line of the record (1-based).
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// Another emulator (in this process or another) uses the state file.
    #[error(
        "state file {path} is in use by another emulator (it holds the lock on {lock}); \
         stop that one, or give this one another --state file"
    )]
    Locked {
        /// The state file.
        path: PathBuf,
        /// The lock file, `<state>.lock`.
        lock: PathBuf,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What binding returned.
        #[source]
        source: std::io::Error,
    },
}

/// A running emulator.
pub struct Emulator {
    addr: SocketAddr,
    state: Arc<app::AppState>,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Emulator {
    /// Starts on 127.0.0.1 with an ephemeral port.
    pub async fn start(config: Config) -> Result<Emulator, Error> {
        Self::bind(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts on `addr`.
    pub async fn bind(config: Config, addr: SocketAddr) -> Result<Emulator, Error> {
        // Replaying (and compacting) a journal is file I/O: off the runtime.
        let opening = config.clone();
        let store = tokio::task::spawn_blocking(move || state::Store::open(&opening))
            .await
            .map_err(|e| Error::Io {
                path: config.state_file.clone().unwrap_or_default(),
                source: std::io::Error::other(e.to_string()),
            })??;
        let state = Arc::new(app::AppState {
            config,
            store: Mutex::new(store),
            faults: faults::Faults::default(),
            drift: drift::Drift::default(),
        });
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;
        let (shutdown, signal) = tokio::sync::oneshot::channel::<()>();
        let router = app::router(Arc::clone(&state));
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = signal.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "the server stopped");
            }
        });
        tracing::info!(%addr, "emulator listening");
        Ok(Emulator {
            addr,
            state,
            shutdown,
            task,
        })
    }

    /// The base URL, such as `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Drift mode: the deviations from the spec its answers carry
    /// ([`drift`]; also `POST /_emulator/drift`).
    pub fn drift(&self) -> &drift::Drift {
        &self.state.drift
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections, lets calls in flight finish, and waits;
    /// then releases the state file, so that a new emulator can open it as
    /// soon as this returns.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
        // Explicitly: connection tasks may hold the router (and with it the
        // store) a moment longer than the server task, and the lock must
        // not outlive this call. Joining the writer thread blocks: off the
        // runtime.
        let state = self.state;
        let _ = tokio::task::spawn_blocking(move || state.store().close_journal()).await;
    }

    /// Runs until the server stops (for the binary).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}
