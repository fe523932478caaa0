//! `DeleteGaussMySqlBackup`: delete a finished manual backup.

use crate::client::Client;
use crate::generated::types;
use crate::{Error, Language, rules};

/// A delete call being prepared; send it with [`DeleteBackup::send`].
#[derive(Debug)]
#[must_use = "nothing is sent until `.send().await`"]
pub struct DeleteBackup<'a> {
    client: &'a Client,
    backup_id: String,
    language: Option<Language>,
}

impl<'a> DeleteBackup<'a> {
    pub(crate) fn new(client: &'a Client, backup_id: String) -> Self {
        DeleteBackup {
            client,
            backup_id,
            language: client.language().cloned(),
        }
    }

    /// The language of the service's messages for this call (`X-Language`).
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Sends the request. An unknown backup is `DBS.280214`; an automated
    /// backup, or one not finished, is `DBS.201208`.
    ///
    /// Any 2xx answer is a success: the backup is being deleted. When its
    /// body cannot be read, the answer's fields are `None` rather than the
    /// success being reported as an error.
    pub async fn send(self) -> Result<types::DeleteBackupResponse, Error> {
        let backup_id = types::DeleteGaussMySqlBackupBackupId::try_from(self.backup_id.as_str())
            .map_err(|_| Error::invalid("backup_id", rules::NOT_EMPTY))?;
        let (generated, context) = self.client.generated();
        let mut call = generated
            .delete_gauss_my_sql_backup()
            .project_id(self.client.project_id().clone())
            .backup_id(backup_id);
        if let Some(language) = self.language {
            call = call.x_language(language);
        }
        let result = call.send().await;
        match self.client.finish(result, &context) {
            Ok(answer) => Ok(answer.body),
            // The service did what it was asked; only its report is
            // unreadable (the raw body is of no use to a caller).
            Err(Error::MalformedResponse { status, .. }) if status.is_success() => {
                Ok(types::DeleteBackupResponse::default())
            }
            Err(err) => Err(err),
        }
    }
}
