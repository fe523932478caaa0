//! `ShowGaussMySqlJobInfo`: the state of an asynchronous job.

use crate::client::Client;
use crate::generated::types;
use crate::{Error, Language, rules};

/// A job query being prepared; send it with [`ShowJob::send`].
#[derive(Debug)]
#[must_use = "nothing is sent until `.send().await`"]
pub struct ShowJob<'a> {
    client: &'a Client,
    job_id: String,
    language: Option<Language>,
}

impl<'a> ShowJob<'a> {
    pub(crate) fn new(client: &'a Client, job_id: String) -> Self {
        ShowJob {
            client,
            job_id,
            language: client.language().cloned(),
        }
    }

    /// The language of the service's messages for this call (`X-Language`).
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Sends the query. A job that does not exist, or is not visible yet
    /// (just after the create call), is a service error `DBS.200543`.
    pub async fn send(self) -> Result<types::Job, Error> {
        let id = types::ShowGaussMySqlJobInfoId::try_from(self.job_id.as_str())
            .map_err(|_| Error::invalid("job_id", rules::NOT_EMPTY))?;
        let (generated, context) = self.client.generated();
        let mut call = generated
            .show_gauss_my_sql_job_info()
            .project_id(self.client.project_id().clone())
            .id(id);
        if let Some(language) = self.language {
            call = call.x_language(language);
        }
        let result = call.send().await;
        Ok(self.client.finish(result, &context)?.body.job)
    }
}

/// How far a job has got, from its `process` text (`"60%"`): `None` when the
/// service gave none (it sends `""` outside `Running`).
pub fn job_percent(job: &types::Job) -> Option<u8> {
    let text = job.process.as_deref()?.trim().strip_suffix('%')?;
    let value: f64 = text.trim().parse().ok()?;
    (0.0..=100.0).contains(&value).then(|| value.round() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(process: Option<&str>) -> types::Job {
        serde_json::from_value(serde_json::json!({
            "id": "j", "status": "Running", "process": process
        }))
        .unwrap()
    }

    #[test]
    fn percent_reads_the_services_process_text() {
        assert_eq!(job_percent(&job(Some("60%"))), Some(60));
        assert_eq!(job_percent(&job(Some(" 7.5% "))), Some(8));
        assert_eq!(job_percent(&job(Some(""))), None);
        assert_eq!(job_percent(&job(Some("abc%"))), None);
        assert_eq!(job_percent(&job(Some("250%"))), None);
        assert_eq!(job_percent(&job(None)), None);
    }
}
