//! Typed [httpmock](https://docs.rs/httpmock) helpers for the TaurusDB
//! manual-backup API, generated from the spec by progenitor's httpmock
//! generator (`generated_httpmock.rs`): a mock of `CreateGaussMySqlBackup`
//! matches the method and path, and answers only with the statuses and body
//! types the spec documents.
//!
//! Copy this into your own tests:
//!
//! ```
//! use gaussdb_backup::{BackupStatus, BackupType, BeginTime, Client, Credentials};
//! use gaussdb_backup::types::{Backup, CreateBackupResponse};
//! use gaussdb_backup_httpmock::MockServerExt;
//! use httpmock::MockServer;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let server = MockServer::start_async().await;
//! let mock = server.create_gauss_my_sql_backup(|when, then| {
//!     when.project_id(&"619d3e78f61b4be68bc5aa0b59edcf7b".parse().unwrap());
//!     then.created(&CreateBackupResponse {
//!         backup: Backup {
//!             id: "2f4ddb93-b901-4b08-93d8-1d2e472f30fe".into(),
//!             name: "backup-1".into(),
//!             description: None,
//!             begin_time: "2020-07-07T01:17:05+0800".parse::<BeginTime>().unwrap(),
//!             status: BackupStatus::Building,
//!             type_: BackupType::Manual,
//!             instance_id: "07033b125fd94a8a96896f8bcfee6ddain07".into(),
//!         },
//!         job_id: "e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7".into(),
//!     });
//! });
//!
//! let client = Client::builder()
//!     .endpoint_url(&server.base_url())
//!     .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
//!     .credentials(Credentials::token("test-token"))
//!     .build()
//!     .unwrap();
//! let created = client
//!     .create_backup("07033b125fd94a8a96896f8bcfee6ddain07", "backup-1")
//!     .send()
//!     .await
//!     .unwrap();
//! assert_eq!(created.job_id, "e0fbbfc8-1ac4-4721-b9e9-7dd685c5bdd7");
//! mock.assert_async().await;
//! # }
//! ```

#[allow(clippy::all, missing_docs)]
mod generated_httpmock;

pub use generated_httpmock::*;
