//! A local emulator of the TaurusDB (GaussDB for MySQL) manual-backup API,
//! `POST /v3/{project_id}/backups/create`, so that users of the
//! `gaussdb-backup` crate can test without a cloud account, as LocalStack or
//! moto serve AWS users.
//!
//! It behaves as the service documents: token check, every constraint of the
//! spec with the service's `DBS.*` error codes, English or Chinese messages
//! (`X-Language`), 404 for unknown instances, 409 while a backup of the
//! instance is building, `X-Request-Id` on every response. Its bodies are the
//! types generated from the spec. It also serves its OpenAPI document
//! (`/openapi.json`, from utoipa), the hand-written spec
//! (`/openapi/gaussdb-backup.yaml`) and Swagger UI (`/docs`, fully offline),
//! and lets tests inject faults (`/_emulator/faults`).
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
//! assert_eq!(created.backup.name, "backup-1");
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Why these crates
//! axum (with tokio) serves HTTP; utoipa describes the API and
//! utoipa-swagger-ui serves Swagger UI from files vendored into the crate
//! (the `vendored` feature: nothing is downloaded at build or run time);
//! tracing logs one line per request.

pub mod app;
pub mod config;
pub mod create;
pub mod error;
pub mod faults;
pub mod openapi;
pub mod signature;
pub mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use config::{Config, DOCUMENTED_INSTANCE};
pub use faults::FaultSpec;

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The state file could not be read.
    #[error(transparent)]
    State(#[from] state::StateError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// A running emulator.
pub struct Emulator {
    addr: SocketAddr,
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
        let store = state::Store::open(config.state_file.clone())?;
        let state = Arc::new(app::AppState {
            config,
            store: Mutex::new(store),
            faults: faults::Faults::default(),
        });
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind { addr, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;
        let (shutdown, signal) = tokio::sync::oneshot::channel::<()>();
        let router = app::router(state);
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
            shutdown,
            task,
        })
    }

    /// The base URL, such as `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections, lets calls in flight finish, and waits.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }

    /// Runs until the server stops (for the binary).
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}
