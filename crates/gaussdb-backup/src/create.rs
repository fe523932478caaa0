//! `CreateGaussMySqlBackup`: start a manual backup.

use crate::client::Client;
use crate::generated::types;
use crate::wait::WaitForBackup;
use crate::{Error, Language, rules};

/// A create-backup call being prepared; send it with [`CreateBackup::send`].
#[derive(Debug)]
#[must_use = "nothing is sent until `.send().await`"]
pub struct CreateBackup<'a> {
    client: &'a Client,
    instance_id: String,
    name: String,
    description: Option<String>,
    language: Option<Language>,
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
        }
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

    /// Sends the request. Never retried automatically.
    pub async fn send(self) -> Result<CreatedBackup, Error> {
        let body = self.body()?;
        let (generated, context) = self.client.generated();
        let mut call = generated
            .create_gauss_my_sql_backup()
            .project_id(self.client.project_id().clone())
            .body(body);
        if let Some(language) = self.language {
            call = call.x_language(language);
        }
        let result = call.send().await;
        match self.client.finish(result, &context) {
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
