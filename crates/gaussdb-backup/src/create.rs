//! `CreateGaussMySqlBackup`: start a manual backup.

use std::time::Duration;

use crate::busy::{BUSY_MAX_DELAY, BUSY_MIN_DELAY, Busy, BusyRetry};
use crate::client::Client;
use crate::generated::types;
use crate::wait::{Backoff, WaitForBackup};
use crate::{Error, Language, rules};

type BusyFn<'a> = Box<dyn FnMut(&BusyRetry) + Send + 'a>;

/// A create-backup call being prepared; send it with [`CreateBackup::send`].
#[must_use = "nothing is sent until `.send().await`"]
pub struct CreateBackup<'a> {
    client: &'a Client,
    instance_id: String,
    name: String,
    description: Option<String>,
    language: Option<Language>,
    busy_deadline: Option<Duration>,
    on_busy: Option<BusyFn<'a>>,
}

impl std::fmt::Debug for CreateBackup<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateBackup")
            .field("client", &self.client)
            .field("instance_id", &self.instance_id)
            .field("name", &self.name)
            .field("description", &self.description)
            .field("language", &self.language)
            .field("busy_deadline", &self.busy_deadline)
            .finish_non_exhaustive()
    }
}

/// The result of a successful create call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CreatedBackup {
    /// The backup, usually in state [`crate::BackupStatus::Building`]. Only
    /// its `id` is sure to be there.
    pub backup: types::Backup,
    /// ID of the job creating the backup; [`CreatedBackup::wait`] follows it.
    pub job_id: String,
    /// `X-Request-Id` of the response, when present.
    pub request_id: Option<String>,
}

impl CreatedBackup {
    /// Waits until the backup is finished; see [`WaitForBackup`] for the
    /// delays, the deadline and progress reports.
    pub fn wait<'a>(&self, client: &'a Client) -> WaitForBackup<'a> {
        client.wait_for_backup(&self.job_id, &self.backup.id)
    }
}

impl<'a> CreateBackup<'a> {
    pub(crate) fn new(client: &'a Client, instance_id: String, name: String) -> Self {
        CreateBackup {
            client,
            instance_id,
            name,
            description: None,
            language: client.language().cloned(),
            busy_deadline: None,
            on_busy: None,
        }
    }

    /// Tries again while the service answers that the instance is busy
    /// ([`Busy::Instance`]: a documented `409` code meaning another
    /// operation is running, so nothing was started), for at most
    /// `deadline`, with backoff on the client's clock ([`BUSY_MIN_DELAY`]
    /// growing to [`BUSY_MAX_DELAY`]). Off by default.
    ///
    /// Nothing else is ever retried: not a timeout or a transport failure
    /// (the backup may have started), not [`Busy::BackupInProgress`] (the
    /// running backup may be this caller's own, from an attempt whose answer
    /// was lost), not any other error. When the deadline passes, the last
    /// busy answer is returned.
    pub fn retry_while_busy(mut self, deadline: Duration) -> Self {
        self.busy_deadline = Some(deadline);
        self
    }

    /// Called before each wait of [`CreateBackup::retry_while_busy`], with
    /// the busy answer and the delay, so a program can say why it waits.
    pub fn on_busy(mut self, report: impl FnMut(&BusyRetry) + Send + 'a) -> Self {
        self.on_busy = Some(Box::new(report));
        self
    }

    /// The backup's description: at most 256 characters, none of `>!<"&'=`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The language of the service's messages for this call (`X-Language`).
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// The request body, checked against the spec's rules.
    fn body(&self) -> Result<types::CreateBackupRequest, Error> {
        let instance_id = types::InstanceId::try_from(self.instance_id.as_str())
            .map_err(|_| Error::invalid("instance_id", rules::INSTANCE_ID))?;
        let name = types::BackupName::try_from(self.name.as_str())
            .map_err(|_| Error::invalid("name", rules::BACKUP_NAME))?;
        let description = self
            .description
            .as_deref()
            .map(types::BackupDescription::try_from)
            .transpose()
            .map_err(|_| Error::invalid("description", rules::BACKUP_DESCRIPTION))?;
        Ok(types::CreateBackupRequest {
            instance_id,
            name,
            description,
        })
    }

    /// Sends the request. Never retried, except busy answers after
    /// [`CreateBackup::retry_while_busy`].
    pub async fn send(self) -> Result<CreatedBackup, Error> {
        let body = self.body()?;
        // Taken apart so that the future holds no reference to the
        // callback across an await, and stays `Send`.
        let CreateBackup {
            client,
            language,
            busy_deadline,
            mut on_busy,
            ..
        } = self;
        let Some(deadline) = busy_deadline else {
            return send_once(client, language.as_ref(), body).await;
        };
        let clock = client.clock();
        let start = clock.now();
        let mut backoff = Backoff::new(BUSY_MIN_DELAY, BUSY_MAX_DELAY);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let err = match send_once(client, language.as_ref(), body.clone()).await {
                Err(err) if err.busy() == Some(Busy::Instance) => err,
                other => return other,
            };
            let waited = (clock.now() - start).to_std().unwrap_or_default();
            let Some(remaining) = deadline.checked_sub(waited).filter(|r| !r.is_zero()) else {
                return Err(err);
            };
            let delay = backoff.next().min(remaining);
            if let Some(report) = on_busy.as_mut() {
                report(&BusyRetry {
                    error: &err,
                    attempt,
                    waited,
                    delay,
                });
            }
            clock.sleep(delay).await;
        }
    }
}

/// One create call.
async fn send_once(
    client: &Client,
    language: Option<&Language>,
    body: types::CreateBackupRequest,
) -> Result<CreatedBackup, Error> {
    let (generated, context) = client.generated();
    let mut call = generated
        .create_gauss_my_sql_backup()
        .project_id(client.project_id().clone())
        .body(body);
    if let Some(language) = language {
        call = call.x_language(language.clone());
    }
    let result = call.send().await;
    match client.finish(result, &context) {
        Ok(answer) => {
            let types::CreateBackupResponse { backup, job_id } = answer.body;
            Ok(CreatedBackup {
                backup,
                job_id,
                request_id: answer.request_id,
            })
        }
        Err(err) => Err(success_never_lost(err)),
    }
}

/// A 2xx answer to a create call that cannot be decoded (or is too large to
/// read) must not read like an ordinary failure: the backup may be running. Say so, with whatever
/// IDs the body holds.
fn success_never_lost(err: Error) -> Error {
    match err {
        Error::MalformedResponse {
            status,
            request_id,
            body,
            source,
        } if status.is_success() => {
            let value: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
            let find = |pointer: &str| {
                value
                    .as_ref()
                    .and_then(|v| v.pointer(pointer))
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            // Not even JSON (the documented example itself lacks a comma):
            // the job ID is still worth finding in the text.
            let job_id =
                find("/job_id").or_else(|| string_field(&String::from_utf8_lossy(&body), "job_id"));
            Error::BackupMayHaveStarted {
                status,
                request_id,
                job_id,
                backup_id: find("/backup/id"),
                body,
                source,
            }
        }
        // Too large to read is still accepted: the IDs are beyond reach,
        // the warning is not.
        Error::ResponseTooLarge { status, limit } if status.is_success() => {
            Error::BackupMayHaveStarted {
                status,
                request_id: None,
                job_id: None,
                backup_id: None,
                body: bytes::Bytes::new(),
                source: serde::de::Error::custom(format_args!(
                    "the answer is larger than the client's {limit}-byte limit \
                     (ClientBuilder::max_response_bytes)"
                )),
            }
        }
        other => other,
    }
}

/// The value of `"key": "value"` in text that may not be valid JSON: the
/// first occurrence, with simple escapes undone; `None` when absent.
fn string_field(text: &str, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    let mut rest = &text[text.find(&quoted)? + quoted.len()..];
    rest = rest.trim_start().strip_prefix(':')?.trim_start();
    rest = rest.strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => value.push(chars.next()?),
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::string_field;

    #[test]
    fn job_ids_are_found_in_broken_json() {
        let text = r#"{ "backup" : { "id" : "b" "x": 1 }, "job_id" : "e0fb-1" }"#;
        assert_eq!(string_field(text, "job_id").as_deref(), Some("e0fb-1"));
        assert_eq!(
            string_field(r#"{"job_id":"a\"b"}"#, "job_id").as_deref(),
            Some("a\"b")
        );
        assert_eq!(string_field(r#"{"job_id": 12}"#, "job_id"), None);
        assert_eq!(string_field(r#"{"job_id": "unterminated"#, "job_id"), None);
        assert_eq!(string_field("", "job_id"), None);
    }
}
