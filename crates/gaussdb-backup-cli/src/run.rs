//! The commands of the hand-written operations (`HAND_WRITTEN` in
//! `xtask/src/generate/calls.rs`), through the client library's
//! hand-written layer (`Client::create_backup`, `job`, `backups`,
//! `delete_backup`); `generated_run.rs` dispatches every command, to these
//! or to its generated functions. One path through the library, so an
//! answer means the same thing, with the same message and exit code,
//! whichever command or flag asked for it. The arguments are the generated
//! commands' (`generated_cli.rs`), read here by their argument IDs.

use std::time::Duration;

use clap::ArgMatches;
use gaussdb_backup::raw::types;
use gaussdb_backup::{BackupType, Client, Language, ListBackups};

use crate::{exit, lifecycle, output};

fn language(matches: &ArgMatches) -> Option<Language> {
    matches.get_one::<Language>("x-language").cloned()
}

/// The create call's body: from the flags, or the `--json-body` file.
fn create_body(matches: &ArgMatches) -> Result<types::CreateBackupRequest, String> {
    if let Some(path) = matches.get_one::<std::path::PathBuf>("json-body") {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return serde_json::from_str(&text)
            .map_err(|e| format!("the body in {} is invalid: {e}", path.display()));
    }
    let required = |name: &str| format!("--{name} is required");
    let instance_id = matches
        .get_one::<types::InstanceId>("instance-id")
        .cloned()
        .ok_or_else(|| required("instance-id"))?;
    let name = matches
        .get_one::<types::BackupName>("name")
        .cloned()
        .ok_or_else(|| required("name"))?;
    let description = matches
        .get_one::<types::BackupDescription>("description")
        .cloned();
    // The generated builder: the type is `#[non_exhaustive]`.
    types::CreateBackupRequest::try_from(
        types::CreateBackupRequest::builder()
            .instance_id(instance_id)
            .name(name)
            .description(description),
    )
    .map_err(|e| e.to_string())
}

pub(crate) async fn create(client: &Client, matches: &ArgMatches) -> u8 {
    let body = match create_body(matches) {
        Ok(body) => body,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let instance_id = body.instance_id.to_string();
    let mut call = client.create_backup(instance_id.as_str(), body.name.to_string());
    if let Some(description) = &body.description {
        call = call.description(description.to_string());
    }
    if let Some(language) = language(matches) {
        call = call.language(language);
    }
    if let Some(deadline) = matches.get_one::<Duration>("retry-while-busy") {
        call = call
            .retry_while_busy(*deadline)
            .on_busy(|retry| lifecycle::busy(retry, *deadline));
    }
    let created = match call.send().await {
        Ok(created) => created,
        Err(err) => return output::report(&err, Some(&instance_id)),
    };
    if matches.get_flag("wait") {
        let timeout = matches
            .get_one::<Duration>("wait-timeout")
            .copied()
            .unwrap_or(Duration::from_secs(3600));
        return lifecycle::wait(client, &created, timeout).await;
    }
    output::print_built(types::CreateBackupResponse::try_from(
        types::CreateBackupResponse::builder()
            .backup(created.backup)
            .job_id(created.job_id),
    ))
}

pub(crate) async fn show_job(client: &Client, matches: &ArgMatches) -> u8 {
    let Some(id) = matches.get_one::<types::ShowGaussMySqlJobInfoId>("id") else {
        eprintln!("error: --job-id is required");
        return exit::USAGE;
    };
    let mut call = client.job(id.to_string());
    if let Some(language) = language(matches) {
        call = call.language(language);
    }
    match call.send().await {
        Ok(job) => output::print_built(types::ShowJobResponse::try_from(
            types::ShowJobResponse::builder().job(job),
        )),
        Err(err) => output::report(&err, None),
    }
}

pub(crate) async fn delete(client: &Client, matches: &ArgMatches) -> u8 {
    let Some(id) = matches.get_one::<types::DeleteGaussMySqlBackupBackupId>("backup-id") else {
        eprintln!("error: --backup-id is required");
        return exit::USAGE;
    };
    let mut call = client.delete_backup(id.to_string());
    if let Some(language) = language(matches) {
        call = call.language(language);
    }
    match call.send().await {
        Ok(deleted) => output::print(&deleted),
        Err(err) => output::report(&err, None),
    }
}

/// The list query from the flags, and its offset.
fn list_query<'a>(client: &'a Client, matches: &ArgMatches) -> Result<(ListBackups<'a>, u32), u8> {
    let text = |name: &str| matches.get_one::<String>(name).cloned();
    let mut query = client.backups();
    if let Some(v) = text("instance-id") {
        query = query.instance_id(v);
    }
    if let Some(v) = text("backup-id") {
        query = query.backup_id(v);
    }
    if let Some(v) = matches.get_one::<BackupType>("backup-type") {
        query = query.backup_type(v.clone());
    }
    if let Some(v) = text("begin-time") {
        query = query.begin_time(v);
    }
    if let Some(v) = text("end-time") {
        query = query.end_time(v);
    }
    if let Some(v) = text("name") {
        query = query.name(v);
    }
    if let Some(v) = text("instance-name") {
        query = query.instance_name(v);
    }
    if let Some(v) = language(matches) {
        query = query.language(v);
    }
    if let Some(v) = matches.get_one::<std::num::NonZeroU32>("limit") {
        query = query.limit(v.get());
    }
    let mut offset = 0;
    if let Some(v) = matches.get_one::<i32>("offset") {
        match u32::try_from(*v) {
            Ok(o) => offset = o,
            Err(_) => {
                eprintln!("error: invalid offset: must not be negative");
                return Err(exit::USAGE);
            }
        }
    }
    Ok((query.offset(offset), offset))
}

pub(crate) async fn list(client: &Client, matches: &ArgMatches) -> u8 {
    let (query, offset) = match list_query(client, matches) {
        Ok(q) => q,
        Err(code) => return code,
    };
    if matches.get_flag("all") {
        let max_items = matches
            .get_one::<usize>("max-items")
            .copied()
            .unwrap_or(crate::DEFAULT_MAX_ITEMS);
        return lifecycle::list_all(query, offset, max_items).await;
    }
    match query.send().await {
        Ok(page) => output::print(&output::Page {
            backups: &page.backups,
            total_count: page.total_count,
        }),
        Err(err) => output::report(&err, None),
    }
}
