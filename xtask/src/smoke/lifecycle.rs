//! The lifecycle, through the published client: create a manual backup,
//! wait for it with progress, find it in the list by ID and by name, show
//! its job when the service shows one, delete it, and check that it is
//! gone. Whatever fails after the create, the backup this run created is
//! still deleted (after waiting for it to finish: a backup being built
//! cannot be deleted), and the outcome says so.

use std::sync::Arc;
use std::time::Duration;

use gaussdb_backup::{Client, Clock, CreatedBackup, Error};
use serde::{Deserialize, Serialize};

/// The description of every backup the smoke run creates.
pub const DESCRIPTION: &str = "cargo xtask smoke";
/// How often, and how far apart, the list is asked whether a deleted
/// backup is gone (deleting may take a moment on the service).
const GONE_POLLS: u32 = 10;
const GONE_DELAY: Duration = Duration::from_secs(3);

/// What the lifecycle works on.
pub struct Target<'a> {
    /// The client (pointed at the recording proxy).
    pub client: &'a Client,
    /// The instance to back up.
    pub instance: &'a str,
    /// The backup's name (see `names`).
    pub name: String,
    /// The longest wait for the backup.
    pub wait_timeout: Duration,
    /// The clock the waits between polls use.
    pub clock: Arc<dyn Clock>,
    /// Where progress lines go (stderr in the command).
    pub progress: &'a (dyn Fn(&str) + Sync),
}

/// One step and how it went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The step's name (`create`, `wait`, ...).
    pub step: String,
    /// Whether it succeeded.
    pub ok: bool,
    /// What happened, in words.
    pub detail: String,
}

/// How the lifecycle went.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// The steps run, in order; the last failed one is where it stopped.
    pub steps: Vec<Step>,
    /// The backup created, if any.
    pub backup_id: Option<String>,
    /// What the clean-up after a failure did, if one was needed.
    pub cleanup: Option<String>,
}

impl Lifecycle {
    /// The step that failed, if any.
    pub fn failed_step(&self) -> Option<&Step> {
        self.steps.iter().find(|s| !s.ok)
    }

    fn ok(&mut self, step: &str, detail: String) {
        self.steps.push(Step {
            step: step.into(),
            ok: true,
            detail,
        });
    }

    fn fail(&mut self, step: &str, detail: String) {
        self.steps.push(Step {
            step: step.into(),
            ok: false,
            detail,
        });
    }
}

/// Runs the lifecycle; never returns before the backup it created is
/// deleted or the outcome says why it could not be.
pub async fn run(target: &Target<'_>) -> Lifecycle {
    let mut log = Lifecycle::default();
    let created = match target
        .client
        .create_backup(target.instance, &target.name)
        .description(DESCRIPTION)
        .send()
        .await
    {
        Ok(created) => created,
        Err(e) => {
            log.fail("create", e.to_string());
            if let Error::BackupMayHaveStarted { .. } = e {
                log.cleanup = Some(format!(
                    "the backup {:?} may have started, but its ID is unknown: nothing was \
                     deleted; `cargo xtask smoke --sweep` deletes it once it is an hour old",
                    target.name
                ));
            }
            return log;
        }
    };
    let id = created.backup.id.clone();
    log.backup_id = Some(id.clone());
    log.ok(
        "create",
        format!("backup {id} ({}), job {}", target.name, created.job_id),
    );
    match after_create(target, &created, &mut log).await {
        Ok(()) | Err(Deleted::Yes) => {}
        Err(Deleted::No) => cleanup(target, &created, &mut log).await,
    }
    log
}

/// Whether the backup was deleted when a step failed.
enum Deleted {
    Yes,
    No,
}

async fn after_create(
    target: &Target<'_>,
    created: &CreatedBackup,
    log: &mut Lifecycle,
) -> Result<(), Deleted> {
    let id = &created.backup.id;
    let progress = target.progress;
    let waited = created
        .wait(target.client)
        .timeout(target.wait_timeout)
        .on_progress(move |p| {
            progress(&format!(
                "  backup {}, job {}{}",
                p.backup_status
                    .as_ref()
                    .map_or("not listed yet", |s| s.as_str()),
                p.job_status.as_ref().map_or("not shown", |s| s.as_str()),
                p.percent.map(|n| format!(" {n}%")).unwrap_or_default()
            ));
        })
        .send()
        .await;
    match waited {
        Ok(backup) => log.ok(
            "wait",
            format!(
                "backup {}",
                backup
                    .status
                    .as_ref()
                    .map_or("without a status", |s| s.as_str())
            ),
        ),
        Err(e) => return failed(log, "wait", &e),
    }
    let by_id = target
        .client
        .backups()
        .instance_id(target.instance)
        .backup_id(id.as_str());
    check_listed(log, "find by ID", by_id.send().await, id)?;
    let by_name = target
        .client
        .backups()
        .instance_id(target.instance)
        .name(target.name.as_str());
    check_listed(log, "find by name", by_name.send().await, id)?;
    match target.client.job(created.job_id.as_str()).send().await {
        Ok(job) => log.ok(
            "show job",
            format!("job {} {}", job.id, job.status.as_str()),
        ),
        Err(e) if e.error_code() == Some("DBS.200543") => log.ok(
            "show job",
            "the service does not show this job (DBS.200543), as the spec allows".into(),
        ),
        Err(e) => return failed(log, "show job", &e),
    }
    match target.client.delete_backup(id.as_str()).send().await {
        Ok(_) => log.ok("delete", format!("backup {id} deleted")),
        Err(e) => return failed(log, "delete", &e),
    }
    gone(target, id, log).await
}

fn failed(log: &mut Lifecycle, step: &str, e: &Error) -> Result<(), Deleted> {
    log.fail(step, e.to_string());
    Err(Deleted::No)
}

fn check_listed(
    log: &mut Lifecycle,
    step: &str,
    page: Result<gaussdb_backup::BackupPage, Error>,
    id: &str,
) -> Result<(), Deleted> {
    match page {
        Ok(page) if page.backups.iter().any(|b| b.id == id) => {
            log.ok(step, format!("listed ({} matching)", page.backups.len()));
            Ok(())
        }
        Ok(page) => {
            log.fail(
                step,
                format!("not listed ({} other backups matched)", page.backups.len()),
            );
            Err(Deleted::No)
        }
        Err(e) => failed(log, step, &e),
    }
}

/// Asks the list until the deleted backup is no longer in it.
async fn gone(target: &Target<'_>, id: &str, log: &mut Lifecycle) -> Result<(), Deleted> {
    for poll in 1..=GONE_POLLS {
        let page = target
            .client
            .backups()
            .instance_id(target.instance)
            .backup_id(id)
            .send()
            .await;
        match page {
            Ok(page) if !page.backups.iter().any(|b| b.id == id) => {
                log.ok("gone", format!("no longer listed (poll {poll})"));
                return Ok(());
            }
            Ok(_) => target.clock.sleep(GONE_DELAY).await,
            Err(e) => {
                log.fail("gone", e.to_string());
                return Err(Deleted::Yes);
            }
        }
    }
    log.fail(
        "gone",
        format!("still listed after {GONE_POLLS} polls, {GONE_DELAY:?} apart"),
    );
    Err(Deleted::Yes)
}

/// Deletes the backup after a failed step: first waits for it to finish
/// (whatever its outcome), since a backup being built cannot be deleted.
async fn cleanup(target: &Target<'_>, created: &CreatedBackup, log: &mut Lifecycle) {
    let id = &created.backup.id;
    let _ = created
        .wait(target.client)
        .timeout(target.wait_timeout)
        .send()
        .await;
    log.cleanup = Some(
        match target.client.delete_backup(id.as_str()).send().await {
            Ok(_) => format!("deleted backup {id}, which this run created"),
            Err(e) => format!(
                "could not delete backup {id}, which this run created ({e}): delete it by hand, \
             or run `cargo xtask smoke --sweep` once it is an hour old"
            ),
        },
    );
}
