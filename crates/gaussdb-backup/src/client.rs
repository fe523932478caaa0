//! The client a user holds: built once, then one method per operation.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::error::ServiceError;
use crate::generated::{self, types};
use crate::hooks::{CallContext, CapturedResponse, Settings};
use crate::{Clock, Credentials, Endpoint, Error, Language, SystemClock};

/// Default time limit for a whole call (connect, send, receive).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time limit for establishing a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body; this API's bodies are well under 1 KiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

const REQUEST_ID: &str = "x-request-id";

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
    /// The endpoint of a Huawei Cloud region, such as `eu-west-101`.
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
            .map_err(|err| Error::invalid("project_id", err.to_string()))?;
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
                credentials,
                project_id: settings_project_id,
                max_response_bytes: self
                    .max_response_bytes
                    .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
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
    /// a violation is an [`Error::InvalidArgument`] and nothing is sent.
    pub fn create_backup(
        &self,
        instance_id: impl Into<String>,
        name: impl Into<String>,
    ) -> CreateBackup<'_> {
        CreateBackup {
            client: self,
            instance_id: instance_id.into(),
            name: name.into(),
            description: None,
            language: self.language,
        }
    }

    /// The generated progenitor client, configured like this one (endpoint,
    /// credentials, headers, timeouts). Its errors are progenitor's own.
    pub fn raw(&self) -> generated::Client {
        self.generated().0
    }

    /// A generated client for one call, sharing the connection pool.
    fn generated(&self) -> (generated::Client, CallContext) {
        let context = CallContext::new(Arc::clone(&self.settings));
        let client =
            generated::Client::new_with_client(&self.base_url, self.http.clone(), context.clone());
        (client, context)
    }
}

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
    /// The backup, in state [`crate::BackupStatus::Building`].
    pub backup: types::Backup,
    /// ID of the job creating the backup; poll it to see the backup finish.
    pub job_id: String,
    /// `X-Request-Id` of the response, when present.
    pub request_id: Option<String>,
}

impl CreateBackup<'_> {
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
            .map_err(|err| Error::invalid("instance_id", err.to_string()))?;
        let name = types::BackupName::try_from(self.name.as_str())
            .map_err(|err| Error::invalid("name", err.to_string()))?;
        let description = self
            .description
            .as_deref()
            .map(types::BackupDescription::try_from)
            .transpose()
            .map_err(|err| Error::invalid("description", err.to_string()))?;
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
            .project_id(self.client.project_id.clone())
            .body(body);
        if let Some(language) = self.language {
            call = call.x_language(language);
        }
        let result = call.send().await;
        let captured = context.take_response();
        match result {
            Ok(value) => {
                let request_id = request_id(value.headers());
                let types::CreateBackupResponse { backup, job_id } = value.into_inner();
                Ok(CreatedBackup {
                    backup,
                    job_id,
                    request_id,
                })
            }
            Err(err) => Err(convert_error(err, captured)),
        }
    }
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Turns progenitor's error into ours, using the captured response for the
/// status and raw body that progenitor's error may have dropped.
fn convert_error(
    err: progenitor_client::Error<types::ErrorResponse>,
    captured: Option<CapturedResponse>,
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
            limit: response.body.len().max(1),
        },
        (P::ErrorResponse(value), captured) => {
            let status = value.status();
            let request_id = request_id(value.headers());
            let types::ErrorResponse {
                error_code,
                error_msg,
            } = value.into_inner();
            Error::Service(Box::new(ServiceError {
                status,
                error_code,
                error_msg,
                request_id,
                body: captured.map(|c| c.body).unwrap_or_default(),
            }))
        }
        (P::InvalidResponsePayload(body, source), Some(response)) => {
            let request_id = request_id(&response.headers);
            if response.status.is_success() {
                Error::MalformedResponse {
                    status: response.status,
                    request_id,
                    body,
                    source,
                }
            } else {
                Error::UnexpectedResponse {
                    status: response.status,
                    request_id,
                    body,
                }
            }
        }
        (P::UnexpectedResponse(response), captured) => {
            let status = response.status();
            let request_id = request_id(response.headers());
            let body = captured.map(|c| c.body).unwrap_or_default();
            // An undocumented status can still carry the documented error body
            // (the API gateway's 401 and 429 do): keep its code and message.
            match serde_json::from_slice::<types::ErrorResponse>(&body) {
                Ok(types::ErrorResponse {
                    error_code,
                    error_msg,
                }) => Error::Service(Box::new(ServiceError {
                    status,
                    error_code,
                    error_msg,
                    request_id,
                    body,
                })),
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
