//! The client a user holds: built once, then one method per operation.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};

use crate::create::CreateBackup;
use crate::delete::DeleteBackup;
use crate::error::ServiceError;
use crate::generated::{self, types};
use crate::hooks::{CallContext, CapturedResponse, Settings};
use crate::job::ShowJob;
use crate::list::ListBackups;
use crate::wait::WaitForBackup;
use crate::{Clock, Credentials, Endpoint, Error, Language, SystemClock};

/// Default time limit for a whole call (connect, send, receive).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body; this API's bodies are well under 1 KiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

pub(crate) const REQUEST_ID: &str = "x-request-id";

/// Client for the TaurusDB backup API of one project.
///
/// Cheap to clone; clones share the connection pool. Calls are never retried
/// automatically: creating a backup is not idempotent.
#[derive(Clone, Debug)]
pub struct Client {
    base_url: String,
    project_id: types::ProjectId,
    language: Option<Language>,
    http: reqwest::Client,
    settings: Arc<Settings>,
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    endpoint: Option<Result<Endpoint, Error>>,
    project_id: Option<String>,
    credentials: Option<Credentials>,
    language: Option<Language>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_response_bytes: Option<usize>,
    http: Option<reqwest::Client>,
    clock: Option<Arc<dyn Clock>>,
}

impl ClientBuilder {
    /// The endpoint of a Huawei Cloud region, such as `ap-southeast-1`, from [`crate::REGIONS`].
    pub fn region(mut self, region: &str) -> Self {
        self.endpoint = Some(Endpoint::region(region));
        self
    }

    /// A full endpoint URL: another cloud's host, a proxy or a local emulator.
    pub fn endpoint_url(mut self, url: &str) -> Self {
        self.endpoint = Some(Endpoint::url(url));
        self
    }

    /// An endpoint built with [`Endpoint`].
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(Ok(endpoint));
        self
    }

    /// The project ID of the tenant in the region (32 letters and digits).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// How requests are authenticated.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The language of the service's messages for every call (`X-Language`).
    /// Without it, no header is sent and the service answers in English.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Time limit of a whole call; default [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time limit to connect; default [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Largest response body accepted; default [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Use this `reqwest::Client` (proxies, custom TLS roots). Its own
    /// timeouts apply instead of [`ClientBuilder::timeout`].
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The clock for `X-Sdk-Date` and the waiter's delays; default
    /// [`SystemClock`]. Tests pass a [`crate::ManualClock`] so that waiting
    /// takes no real time.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Checks everything and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let endpoint = self
            .endpoint
            .ok_or_else(|| Error::invalid("endpoint", "set a region or an endpoint URL"))??;
        let project_id = self
            .project_id
            .ok_or_else(|| Error::invalid("project_id", "required"))?;
        let project_id = types::ProjectId::try_from(project_id)
            .map_err(|_| Error::invalid("project_id", crate::rules::PROJECT_ID))?;
        let credentials = self
            .credentials
            .ok_or_else(|| Error::invalid("credentials", "required"))?;
        credentials.validate()?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .user_agent(concat!("gaussdb-backup-rust/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(Error::Transport)?,
        };
        let settings_project_id = project_id.to_string();
        Ok(Client {
            base_url: endpoint.base(),
            project_id,
            language: self.language,
            http,
            settings: Arc::new(Settings {
                project_id: settings_project_id,
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                token_header: credentials.token_header().and_then(Result::ok),
                credentials,
            }),
        })
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Creates a manual full backup of an instance
    /// (`POST /v3/{project_id}/backups/create`, `CreateGaussMySqlBackup`).
    ///
    /// Arguments are checked against the spec's rules when the call is sent;
    /// a violation is an [`Error::InvalidArgument`] and nothing is sent. The
    /// call is never retried: follow it with [`crate::CreatedBackup::wait`].
    pub fn create_backup(
        &self,
        instance_id: impl Into<String>,
        name: impl Into<String>,
    ) -> CreateBackup<'_> {
        CreateBackup::new(self, instance_id.into(), name.into())
    }

    /// Shows a job (`GET /v3/{project_id}/jobs?id=`, `ShowGaussMySqlJobInfo`).
    pub fn job(&self, job_id: impl Into<String>) -> ShowJob<'_> {
        ShowJob::new(self, job_id.into())
    }

    /// Lists backups (`GET /v3/{project_id}/backups`,
    /// `ShowGaussMySqlBackupList`): one page with [`ListBackups::send`], or
    /// every page with [`ListBackups::stream`].
    pub fn backups(&self) -> ListBackups<'_> {
        ListBackups::new(self)
    }

    /// Deletes a manual backup (`DELETE /v3/{project_id}/backups/{backup_id}`,
    /// `DeleteGaussMySqlBackup`).
    pub fn delete_backup(&self, backup_id: impl Into<String>) -> DeleteBackup<'_> {
        DeleteBackup::new(self, backup_id.into())
    }

    /// Waits for the backup a create call started; see [`WaitForBackup`].
    /// [`crate::CreatedBackup::wait`] is the same with the IDs filled in.
    pub fn wait_for_backup(
        &self,
        job_id: impl Into<String>,
        backup_id: impl Into<String>,
    ) -> WaitForBackup<'_> {
        WaitForBackup::new(self, job_id.into(), backup_id.into())
    }

    /// The generated progenitor client, configured like this one (endpoint,
    /// credentials, headers, timeouts). Its errors are progenitor's own.
    pub fn raw(&self) -> generated::Client {
        generated::Client::new_with_client(
            &self.base_url,
            self.http.clone(),
            CallContext::shared(Arc::clone(&self.settings)),
        )
    }

    /// A generated client for one call, sharing the connection pool, and the
    /// context that captures its response.
    pub(crate) fn generated(&self) -> (generated::Client, CallContext) {
        let context = CallContext::for_one_call(Arc::clone(&self.settings));
        let client =
            generated::Client::new_with_client(&self.base_url, self.http.clone(), context.clone());
        (client, context)
    }

    pub(crate) fn project_id(&self) -> &types::ProjectId {
        &self.project_id
    }

    pub(crate) fn language(&self) -> Option<&Language> {
        self.language.as_ref()
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.settings.clock.as_ref()
    }

    /// The body and request ID of a generated call's answer, or our error.
    pub(crate) fn finish<T>(
        &self,
        result: Result<generated::ResponseValue<T>, progenitor_client::Error<types::ErrorResponse>>,
        context: &CallContext,
    ) -> Result<Answer<T>, Error>
    where
        T: serde::de::DeserializeOwned,
    {
        let captured = context.take_response();
        match (result, captured) {
            (Ok(value), _) => Ok(Answer {
                request_id: request_id(value.headers()),
                body: value.into_inner(),
            }),
            // The generated code accepts only the documented success status,
            // and no empty body; the official SDKs accept any 2xx, and so
            // does this client.
            (
                Err(
                    progenitor_client::Error::UnexpectedResponse(_)
                    | progenitor_client::Error::InvalidResponsePayload(..),
                ),
                Some(captured),
            ) if captured.status.is_success() => {
                decode_success(captured, self.settings.max_response_bytes)
            }
            (Err(err), captured) => Err(convert_error(
                err,
                captured,
                self.settings.max_response_bytes,
            )),
        }
    }
}

/// A 2xx answer the generated code did not take: a success status the spec
/// does not document (200 or 202 for create, 201 or 204 for the others),
/// decoded as the documented one, or a body it could not read. An empty body
/// reads as `{}`: a delete answered `204 No Content` did what it was asked.
fn decode_success<T: serde::de::DeserializeOwned>(
    captured: CapturedResponse,
    max_response_bytes: usize,
) -> Result<Answer<T>, Error> {
    let request_id = captured.request_id();
    if captured.truncated {
        return Err(Error::ResponseTooLarge {
            status: captured.status,
            limit: max_response_bytes,
        });
    }
    let body = captured.body;
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &body
    };
    match serde_json::from_slice(text) {
        Ok(body) => Ok(Answer { body, request_id }),
        Err(source) => Err(Error::MalformedResponse {
            status: captured.status,
            request_id,
            body,
            source,
        }),
    }
}

/// A decoded success and its request ID.
pub(crate) struct Answer<T> {
    pub(crate) body: T,
    pub(crate) request_id: Option<String>,
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    header_text(headers.get(REQUEST_ID))
}

/// A header's value as text, when it is text.
pub(crate) fn header_text(value: Option<&HeaderValue>) -> Option<String> {
    value.and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Turns progenitor's error into ours, using the captured response for the
/// status and raw body that progenitor's error may have dropped.
fn convert_error(
    err: progenitor_client::Error<types::ErrorResponse>,
    captured: Option<CapturedResponse>,
    max_response_bytes: usize,
) -> Error {
    use progenitor_client::Error as P;

    let transport = |e: reqwest::Error| {
        if e.is_timeout() {
            Error::Timeout(e)
        } else {
            Error::Transport(e)
        }
    };
    match (err, captured) {
        (P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e), _) => {
            transport(e)
        }
        (P::InvalidRequest(rule) | P::Custom(rule), _) => Error::invalid("request", rule),
        (_, Some(response)) if response.truncated => Error::ResponseTooLarge {
            status: response.status,
            limit: max_response_bytes,
        },
        (P::ErrorResponse(value), captured) => {
            let status = value.status();
            let header_id = request_id(value.headers());
            let body = captured.map(|c| c.body).unwrap_or_default();
            service_error(status, header_id, value.into_inner(), body)
        }
        // A documented error status whose body is not the error JSON (an
        // HTML page from a proxy). A 2xx never gets here: `finish` decodes
        // those itself (`decode_success`).
        (P::InvalidResponsePayload(body, _), Some(response)) => Error::UnexpectedResponse {
            status: response.status,
            request_id: response.request_id(),
            body,
        },
        (P::UnexpectedResponse(response), captured) => {
            let status = response.status();
            let request_id = request_id(response.headers());
            let body = captured.map(|c| c.body).unwrap_or_default();
            // An undocumented status can still carry the documented error body
            // (the API gateway's 401 and 429 do): keep its code and message.
            match serde_json::from_slice::<types::ErrorResponse>(&body) {
                Ok(error) => service_error(status, request_id, error, body),
                Err(_) => Error::UnexpectedResponse {
                    status,
                    request_id,
                    body,
                },
            }
        }
        (P::InvalidResponsePayload(body, source), None) => Error::MalformedResponse {
            // Unreachable in practice: `exec` always captures the response
            // before the payload is decoded.
            status: reqwest::StatusCode::OK,
            request_id: None,
            body,
            source,
        },
    }
}

/// A service or gateway error; the request ID is the header's, or the
/// gateway body's `request_id` when the header is missing.
fn service_error(
    status: reqwest::StatusCode,
    header_id: Option<String>,
    error: types::ErrorResponse,
    body: bytes::Bytes,
) -> Error {
    let types::ErrorResponse {
        error_code,
        error_msg,
        request_id,
    } = error;
    Error::Service(Box::new(ServiceError {
        status,
        error_code,
        error_msg,
        request_id: header_id.or(request_id),
        body,
    }))
}

#[cfg(test)]
mod tests {
    use progenitor_client::ClientInfo;

    use super::*;

    fn client() -> Client {
        Client::builder()
            .endpoint_url("http://127.0.0.1:1")
            .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
            .credentials(Credentials::token("t"))
            .build()
            .unwrap()
    }

    /// Where a client built from `builder` sends its requests.
    fn base_url(builder: ClientBuilder) -> Result<String, Error> {
        let client = builder
            .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
            .credentials(Credentials::token("t"))
            .build()?;
        Ok(client.raw().baseurl().to_owned())
    }

    #[test]
    fn a_region_or_an_endpoint_decides_where_requests_go() {
        assert_eq!(
            base_url(Client::builder().region("ap-southeast-1")).unwrap(),
            "https://gaussdbformysql.ap-southeast-1.myhuaweicloud.com"
        );
        let endpoint = Endpoint::url("https://proxy.example.com/gaussdb/").unwrap();
        assert_eq!(
            base_url(Client::builder().endpoint(endpoint)).unwrap(),
            "https://proxy.example.com/gaussdb"
        );
        // The last one set wins.
        assert_eq!(
            base_url(
                Client::builder()
                    .endpoint_url("http://127.0.0.1:9")
                    .region("cn-north-4")
            )
            .unwrap(),
            "https://gaussdb.cn-north-4.myhuaweicloud.com"
        );
        let unknown = base_url(Client::builder().region("cn-nort-4")).unwrap_err();
        assert!(unknown.to_string().contains("cn-nort-4"), "{unknown}");
        let none = base_url(Client::builder()).unwrap_err();
        assert!(none.to_string().contains("endpoint"), "{none}");
    }

    #[test]
    fn raw_clients_capture_nothing_and_one_call_contexts_capture_their_own() {
        // A raw client may run many calls at once: a capture slot there
        // would be shared between them.
        assert!(client().raw().inner().response.is_none());
        let client = client();
        let (_, first) = client.generated();
        let (_, second) = client.generated();
        let (a, b) = (first.response.unwrap(), second.response.unwrap());
        assert!(!Arc::ptr_eq(&a, &b), "each call has its own slot");
    }
}
