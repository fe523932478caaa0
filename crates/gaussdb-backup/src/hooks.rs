//! The request hook: progenitor's `ClientHooks`, implemented for the generated
//! client (the generator is run with `HooksMode::Expected`, so this impl must
//! exist). It runs on every request the generated code sends:
//!
//! - `pre` makes the wire request exactly what the service expects: it
//!   applies the credentials, sets `Content-Type: application/json;charset=UTF-8`
//!   (what Huawei's SDKs send) and removes the `api-version` header progenitor
//!   adds to every request, which the service does not know.
//! - `exec` reads the whole response body, bounded, and keeps a copy in the
//!   call's [`CallContext`]: progenitor's errors drop the status or the raw
//!   body in some cases, and the hand-written layer needs both.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use reqwest::{ResponseBuilderExt, StatusCode};

use crate::Credentials;

/// What every call of one [`crate::Client`] shares.
#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) credentials: Credentials,
    /// Sent as `X-Project-Id` with signed requests.
    pub(crate) project_id: String,
    pub(crate) max_response_bytes: usize,
    /// The time for `X-Sdk-Date` and the waiter's delays.
    pub(crate) clock: Arc<dyn crate::Clock>,
    /// Token credentials' `X-Auth-Token` value, checked and copied once
    /// per client rather than per call (an IAM token is several
    /// kilobytes). `None` for signing credentials, and for a token the
    /// header cannot carry: each call then reports that error.
    pub(crate) token_header: Option<HeaderValue>,
}

/// The generated client's inner value: shared settings plus, for the
/// hand-written layer's calls, a slot for the response of this one call. The
/// hand-written layer makes a generated client per call (cheap: it shares the
/// connection pool), so the slot is never shared between calls. The client
/// [`crate::Client::raw`] hands out may make many concurrent calls: it has no
/// slot, since its errors are progenitor's own and nothing reads one.
#[derive(Clone, Debug)]
pub struct CallContext {
    pub(crate) settings: Arc<Settings>,
    pub(crate) response: Option<Arc<Mutex<Option<CapturedResponse>>>>,
}

/// A response as received, before the generated code decodes it. Of the
/// headers only the request ID is kept: it is all the hand-written layer
/// reads, and copying the whole map cost every call. It stays a header
/// value (a shared slice of what was read) until an error needs its text.
pub(crate) struct CapturedResponse {
    pub(crate) status: StatusCode,
    pub(crate) request_id: Option<HeaderValue>,
    pub(crate) body: Bytes,
    /// The body was longer than `max_response_bytes` and was cut there.
    pub(crate) truncated: bool,
}

// The body is left out: it can be large.
impl std::fmt::Debug for CapturedResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CapturedResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("body_len", &self.body.len())
            .field("truncated", &self.truncated)
            .finish_non_exhaustive()
    }
}

impl CapturedResponse {
    /// The request ID header's text, when the answer had one.
    pub(crate) fn request_id(&self) -> Option<String> {
        crate::client::header_text(self.request_id.as_ref())
    }
}

impl CallContext {
    /// The context of one call of the hand-written layer: its response is
    /// captured.
    pub(crate) fn for_one_call(settings: Arc<Settings>) -> Self {
        CallContext {
            settings,
            response: Some(Arc::new(Mutex::new(None))),
        }
    }

    /// The context of a client that may make many calls: nothing captured.
    pub(crate) fn shared(settings: Arc<Settings>) -> Self {
        CallContext {
            settings,
            response: None,
        }
    }

    /// Takes the captured response, if the call got one.
    pub(crate) fn take_response(&self) -> Option<CapturedResponse> {
        self.response
            .as_ref()?
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

const JSON_UTF8: HeaderValue = HeaderValue::from_static("application/json;charset=UTF-8");
/// Named once: removing by a `&str` parses the name on every call.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

impl ClientHooks<CallContext> for crate::generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        crate::credentials::canonicalize_query(request.url_mut());
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        if headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, JSON_UTF8);
        }
        let settings = &self.inner().settings;
        if let Some(token) = &settings.token_header {
            headers.insert(crate::credentials::X_AUTH_TOKEN, token.clone());
            return Ok(());
        }
        settings
            .credentials
            .apply(request, &settings.project_id, settings.clock.as_ref())
            .map_err(|err| progenitor_client::Error::Custom(err.to_string()))
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let mut response = self.client().execute(request).await?;
        let limit = self.inner().settings.max_response_bytes;
        let status = response.status();
        let version = response.version();
        let url = response.url().clone();
        // Moved, not copied: reading the body does not need them.
        let headers = std::mem::take(response.headers_mut());

        let (body, truncated) = read_body(response, limit).await?;

        if let Some(slot) = &self.inner().response {
            *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(CapturedResponse {
                status,
                request_id: headers.get(crate::client::REQUEST_ID).cloned(),
                body: body.clone(),
                truncated,
            });
        }

        // Hand the generated code an identical response over the bytes read,
        // with its URL: without one, reqwest parses a placeholder URL for
        // every response (a tenth of what the client added to a call).
        let mut rebuilt = match http::Response::builder().url(url).body(()) {
            Ok(empty) => http::Response::from_parts(empty.into_parts().0, body),
            // Cannot happen (only the URL was set, and a `Url` is valid);
            // reqwest then supplies its placeholder.
            Err(_) => http::Response::new(body),
        };
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        Ok(reqwest::Response::from(rebuilt))
    }
}

/// The whole body, or its first `limit` bytes and `true` when it is
/// longer. A body that comes in one chunk (a small answer always does) is
/// kept as received, not copied; later chunks are joined into one buffer.
async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
) -> reqwest::Result<(Bytes, bool)> {
    let mut whole = Bytes::new();
    let mut joined: Option<BytesMut> = None;
    while let Some(chunk) = response.chunk().await? {
        let read = joined.as_ref().map_or(whole.len(), BytesMut::len);
        if read + chunk.len() > limit {
            return Ok((joined.map_or(whole, BytesMut::freeze), true));
        }
        match &mut joined {
            Some(buffer) => buffer.extend_from_slice(&chunk),
            None if whole.is_empty() => whole = chunk,
            None => {
                let mut buffer = BytesMut::with_capacity(whole.len() + chunk.len());
                buffer.extend_from_slice(&whole);
                buffer.extend_from_slice(&chunk);
                joined = Some(buffer);
            }
        }
    }
    Ok((joined.map_or(whole, BytesMut::freeze), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A captured response shows in `Debug` (the client's, a call's) by
    /// its status, request ID and size: what a user debugging a call needs,
    /// and never its body (it can be large, and hold what a caller sent).
    #[test]
    fn a_captured_response_debugs_as_its_status_request_id_and_size_only() {
        let response = CapturedResponse {
            status: StatusCode::CREATED,
            request_id: Some(HeaderValue::from_static("req-1")),
            body: Bytes::from_static(b"{\"job_id\":\"body-content\"}"),
            truncated: false,
        };
        let shown = format!("{response:?}");
        assert!(shown.contains("201"), "{shown}");
        assert!(shown.contains("req-1"), "{shown}");
        assert!(shown.contains("body_len: 25"), "{shown}");
        assert!(shown.contains("truncated: false"), "{shown}");
        assert!(!shown.contains("body-content"), "{shown}");
    }

    fn response_in_chunks(chunks: &[&'static str]) -> reqwest::Response {
        let frames = chunks
            .iter()
            .map(|chunk| {
                Ok::<_, std::convert::Infallible>(http_body::Frame::data(Bytes::from(*chunk)))
            })
            .collect::<Vec<_>>();
        let body = http_body_util::StreamBody::new(futures_util::stream::iter(frames));
        reqwest::Response::from(http::Response::new(reqwest::Body::wrap(body)))
    }

    async fn read(chunks: &[&'static str], limit: usize) -> (String, bool) {
        let (body, truncated) = read_body(response_in_chunks(chunks), limit).await.unwrap();
        (String::from_utf8(body.to_vec()).unwrap(), truncated)
    }

    /// Chunks are joined up to the limit, inclusive; the first that would
    /// pass it ends the read, and what came before it is kept.
    #[tokio::test]
    async fn a_body_in_chunks_is_joined_up_to_the_limit() {
        let chunks = ["ab", "cd", "ef"];
        assert_eq!(read(&chunks, 6).await, ("abcdef".into(), false));
        assert_eq!(read(&chunks, 100).await, ("abcdef".into(), false));
        assert_eq!(read(&chunks, 5).await, ("abcd".into(), true));
        assert_eq!(read(&chunks, 3).await, ("ab".into(), true));
        assert_eq!(read(&chunks, 1).await, (String::new(), true));
        assert_eq!(read(&[], 0).await, (String::new(), false));
        assert_eq!(read(&["", "ab", "", "c"], 3).await, ("abc".into(), false));
    }

    /// A body in one chunk is handed on as received: the same memory, not a
    /// copy.
    #[tokio::test]
    async fn a_body_in_one_chunk_is_not_copied() {
        let chunk: &'static str = "{\"job_id\":\"j-1\"}";
        let (body, truncated) = read_body(response_in_chunks(&[chunk]), chunk.len())
            .await
            .unwrap();
        assert!(!truncated);
        assert_eq!(body.as_ptr(), chunk.as_ptr());
    }
}
