// Shared by several test binaries; each uses a part of it.
#![allow(dead_code)]

//! The client against the emulator on loopback, both on one `ManualClock`:
//! the waiter's sleeps move it, the emulator's jobs advance by it, so
//! nothing sleeps for real or depends on how fast the machine is.

use std::sync::Arc;
use std::time::Duration;

use gaussdb_backup::{Client, Credentials, ManualClock};
use gaussdb_backup_emulator::{Config, Emulator, JobSchedule};

pub const PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
pub const INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

pub struct World {
    pub emulator: Emulator,
    pub client: Client,
    pub clock: ManualClock,
    /// For the emulator's admin endpoints (`/_emulator/...`).
    pub admin: reqwest::Client,
}

impl World {
    /// Posts `body` to the emulator's admin endpoint `path` and checks that
    /// it was accepted.
    pub async fn arm(&self, path: &str, body: serde_json::Value) {
        let answer = self
            .admin
            .post(format!("{}/_emulator/{path}", self.emulator.url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = answer.status();
        assert!(
            status.is_success(),
            "{path}: {}",
            answer.text().await.unwrap()
        );
    }

    /// Starts a backup of the documented instance; the create must succeed.
    pub async fn started(&self, name: &str) -> gaussdb_backup::CreatedBackup {
        self.client
            .create_backup(INSTANCE, name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create {name}: {e}"))
    }

    /// The backups the emulator holds, as its admin endpoint lists them.
    pub async fn created(&self) -> Vec<serde_json::Value> {
        let all: serde_json::Value = self
            .admin
            .get(format!("{}/_emulator/backups", self.emulator.url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        all["created"].as_array().cloned().unwrap_or_default()
    }
}

/// The default schedule of these tests: a job is invisible for a moment,
/// pending, then running with a rising percentage.
pub fn schedule() -> JobSchedule {
    JobSchedule {
        visible_after: Duration::from_secs(3),
        pending: Duration::from_secs(5),
        running: Duration::from_secs(60),
        ..JobSchedule::INSTANT
    }
}

pub async fn world(config: Config) -> World {
    let clock = ManualClock::default();
    let emulator = Emulator::start(Config {
        clock: Arc::new(clock.clone()),
        ..config
    })
    .await
    .unwrap();
    let client = Client::builder()
        .endpoint_url(&emulator.url())
        .project_id(PROJECT)
        .credentials(Credentials::aksk("AccessKey", "SecretKey"))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    World {
        emulator,
        client,
        clock,
        admin: reqwest::Client::new(),
    }
}

/// Jobs that run for an hour: longer than any wait in these tests.
pub fn long_running() -> Config {
    with_schedule(JobSchedule {
        running: Duration::from_secs(3600),
        ..schedule()
    })
}

pub fn config() -> Config {
    with_schedule(schedule())
}

pub fn with_schedule(jobs: JobSchedule) -> Config {
    Config {
        jobs,
        ..Config::default()
    }
}
