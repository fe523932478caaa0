//! The API gateway in front of the service, as Huawei's behaves: it gives
//! every call an `X-Request-Id`, answers paths and methods it does not
//! publish with `404 APIGW.0101` (never 405), and authenticates before the
//! service sees anything: a missing, unknown or expired `X-Auth-Token`, or an
//! AK/SK signature that does not verify, is `401 APIGW.0301` in the
//! gateway's words. Gateway bodies carry `error_code`, `error_msg` and
//! `request_id` (the `X-Request-Id` header's value).
//!
//! The order is the gateway's: is the API published, then authentication,
//! then the service. Authentication never depends on the body's size: a
//! token is checked before the body is read, and a signature's checks that
//! need no body (the Authorization header's form, the access key,
//! X-Sdk-Date) come before it is read (once, here, with the size limit) and
//! the signature over it is verified.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::AppState;
use crate::config::TokenCheck;
use crate::error::ApiError;

/// The ID of the call, in the request's extensions for handlers.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The operations the gateway publishes: the spec's, generated
/// (`generated_routes.rs`, written by `cargo xtask generate`).
pub use crate::generated_routes::Operation;

/// What a path is.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// One of the API's operations.
    Api(Operation),
    /// The emulator's own pages: documents, Swagger UI, admin endpoints.
    Emulator,
    /// Nothing the gateway publishes.
    Unknown,
}

/// Classifies a request as the gateway's route table would.
pub fn route(method: &Method, path: &str) -> Route {
    if path.starts_with("/_emulator/")
        || path == "/docs"
        || path.starts_with("/docs/")
        || path == "/openapi.json"
        || path == "/openapi/gaussdb-backup.yaml"
    {
        return Route::Emulator;
    }
    if path.split('/').skip(1).any(str::is_empty) {
        return Route::Unknown;
    }
    match crate::generated_routes::match_operation(method.as_str(), path) {
        Some(op) => Route::Api(op),
        None => Route::Unknown,
    }
}

/// The gateway middleware, around the whole router.
pub async fn gateway(
    State(app): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // The path is copied for the log line only when it is written (most
    // runs log at `warn`: the copy would be an allocation per call).
    let path = tracing::enabled!(tracing::Level::INFO).then(|| request.uri().path().to_owned());
    let route = route(&method, request.uri().path());
    let mut id_buffer = uuid::Uuid::encode_buffer();
    let id: &str = uuid::Uuid::new_v4().simple().encode_lower(&mut id_buffer);
    let mut response = match route {
        Route::Emulator => {
            // Only the emulator's own pages can reach the router's
            // fallback, whose gateway body needs the ID; API calls are
            // answered by their handlers or here.
            request.extensions_mut().insert(RequestId(id.to_owned()));
            next.run(request).await
        }
        Route::Unknown => ApiError::NoSuchApi.respond(id),
        Route::Api(operation) => match authenticate(&app, request).await {
            Ok(request) => crate::app::serve_api(&app, operation, request, next).await,
            Err(e) => e.respond(id),
        },
    };
    if let Ok(value) = HeaderValue::from_str(id) {
        response.headers_mut().insert("x-request-id", value);
    }
    // Method, path, status and timing only: headers and bodies carry tokens.
    tracing::info!(
        %method,
        path = path.as_deref().unwrap_or_default(),
        status = response.status().as_u16(),
        request_id = %id,
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

/// Checks the token or the signature, reading the body (bounded) only once
/// everything that needs no body is accepted; gives the request back, its
/// body buffered, when the credentials are accepted.
async fn authenticate(app: &AppState, request: Request) -> Result<Request, ApiError> {
    let (parts, body) = request.into_parts();
    let limit = app.config.max_body_bytes;
    // What the real gateway answers for a body over its limit is not
    // documented: this `400 DBS.200001` is the emulator's choice, kept as it
    // was (no code is invented). It is only ever sent to a caller whose
    // token was accepted, or whose signature headers were.
    let read = |body: Body| async move {
        axum::body::to_bytes(body, limit).await.map_err(|_| {
            ApiError::InvalidParameter(format!("the body is larger than {limit} bytes"))
        })
    };
    let signed = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.starts_with(gaussdb_backup::signing::ALGORITHM));
    let bytes = match signed {
        Some(authorization) => {
            let checked = crate::signature::check_headers(
                &app.config,
                &parts.headers,
                authorization,
                app.config.clock.now(),
            )
            .map_err(ApiError::SignatureRefused)?;
            // The signature covers the body: it cannot be verified unread.
            let bytes = read(body).await?;
            crate::signature::check_signature(
                &checked,
                &parts.method,
                &parts.uri,
                &parts.headers,
                &bytes,
            )
            .map_err(ApiError::SignatureRefused)?;
            bytes
        }
        None => {
            let token = match parts.headers.get("x-auth-token") {
                None => return Err(ApiError::TokenMissing),
                Some(v) if v.is_empty() => return Err(ApiError::TokenMissing),
                Some(v) => v.to_str().map_err(|_| ApiError::TokenRejected)?,
            };
            match app.config.check_token(token) {
                TokenCheck::Valid => {}
                TokenCheck::Unknown => return Err(ApiError::TokenRejected),
                TokenCheck::Expired(at) => return Err(ApiError::TokenExpired(at)),
            }
            read(body).await?
        }
    };
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_route_table() {
        let p = "/v3/619d3e78f61b4be68bc5aa0b59edcf7b";
        let cases = [
            (
                Method::POST,
                format!("{p}/backups/create"),
                Route::Api(Operation::CreateGaussMySqlBackup),
            ),
            (
                Method::GET,
                format!("{p}/backups"),
                Route::Api(Operation::ShowGaussMySqlBackupList),
            ),
            (
                Method::DELETE,
                format!("{p}/backups/x"),
                Route::Api(Operation::DeleteGaussMySqlBackup),
            ),
            (
                Method::DELETE,
                format!("{p}/backups/create"),
                Route::Api(Operation::DeleteGaussMySqlBackup),
            ),
            (
                Method::GET,
                format!("{p}/jobs"),
                Route::Api(Operation::ShowGaussMySqlJobInfo),
            ),
            (Method::GET, format!("{p}/backups/create"), Route::Unknown),
            (Method::PUT, format!("{p}/backups/x"), Route::Unknown),
            (Method::POST, format!("{p}/backups"), Route::Unknown),
            (Method::GET, format!("{p}/backups/"), Route::Unknown),
            (Method::GET, "/v3//backups".to_owned(), Route::Unknown),
            (Method::GET, "/".to_owned(), Route::Unknown),
            (Method::GET, "/docs/".to_owned(), Route::Emulator),
            (
                Method::POST,
                "/_emulator/faults".to_owned(),
                Route::Emulator,
            ),
        ];
        for (method, path, expected) in cases {
            assert_eq!(route(&method, &path), expected, "{method} {path}");
        }
    }
}
