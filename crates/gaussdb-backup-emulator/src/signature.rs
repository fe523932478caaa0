//! Verifying `SDK-HMAC-SHA256` signatures as Huawei's API gateway does, with
//! the client crate's own signing code, against the key pairs configured.

use axum::http::{HeaderMap, Method, Uri};
use chrono::{DateTime, Utc};
use gaussdb_backup::signing::{
    Authorization, MAX_CLOCK_SKEW, SigningInput, decode_path, decode_query, parse_date,
    signatures_equal,
};

use crate::config::Config;

/// What [`check_headers`] accepted: the rest of the verification needs the
/// body.
#[derive(Debug)]
pub struct Headers<'a> {
    auth: Authorization,
    secret: &'a str,
    date: String,
}

/// `Ok` when the request is signed by a configured key pair within the clock
/// window; otherwise the rest of the gateway's `APIGW.0301` message, after
/// "Incorrect IAM authentication information: ". The documented forms are
/// "verify aksk signature fail" (the gateway appends details after a comma)
/// and "Get secretKey failed,ak:******,err:ak not exist" (the access key
/// masked, as in the documentation).
pub fn verify(
    config: &Config,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    authorization: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), String> {
    let checked = check_headers(config, headers, authorization, now)?;
    check_signature(&checked, method, uri, headers, body)
}

fn fail(detail: &str) -> String {
    format!("verify aksk signature fail, {detail}")
}

/// Everything that does not need the body, as the gateway checks it before
/// it reads one: the Authorization header's form, the access key, and
/// X-Sdk-Date (present, signed, within the window). Errors as [`verify`].
pub fn check_headers<'a>(
    config: &'a Config,
    headers: &HeaderMap,
    authorization: &str,
    now: DateTime<Utc>,
) -> Result<Headers<'a>, String> {
    let auth = Authorization::parse(authorization)
        .ok_or_else(|| fail("the Authorization header is not a valid SDK-HMAC-SHA256 header"))?;
    let secret = config
        .key_pairs
        .get(&auth.access)
        .ok_or_else(|| "Get secretKey failed,ak:******,err:ak not exist".to_owned())?;
    if !auth.signed_headers.iter().any(|h| h == "x-sdk-date") {
        return Err(fail("X-Sdk-Date must be signed"));
    }
    let date_text = header(headers, "x-sdk-date").ok_or_else(|| fail("X-Sdk-Date is missing"))?;
    let date = parse_date(date_text).ok_or_else(|| {
        fail(&format!(
            "X-Sdk-Date {date_text:?} is not in the form yyyymmddThhmmssZ"
        ))
    })?;
    let skew = (now - date).abs();
    if skew > MAX_CLOCK_SKEW {
        return Err(format!(
            "verify aksk signature fail, X-Sdk-Date {date_text} is {} minutes from the gateway's clock ({}); at most 15 are allowed",
            skew.num_minutes(),
            gaussdb_backup::signing::format_date(now)
        ));
    }
    Ok(Headers {
        auth,
        secret,
        date: date_text.to_owned(),
    })
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The signature itself, over the method, path, query, signed headers and
/// body. Errors as [`verify`].
pub fn check_signature(
    checked: &Headers<'_>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), String> {
    let auth = &checked.auth;
    let mut signed = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        let v = header(headers, name)
            .ok_or_else(|| fail(&format!("the signed header {name} is missing")))?;
        signed.push((name.clone(), v.to_owned()));
    }
    // The client's own decoding: both sides read a query the same way.
    let path = decode_path(uri.path());
    let query = uri.query().map(decode_query).unwrap_or_default();
    let input = SigningInput {
        method: method.as_str(),
        path: &path,
        query,
        headers: signed,
        body,
    };
    let expected = input.signature(checked.secret, &checked.date);
    if signatures_equal(&expected, &auth.signature) {
        Ok(())
    } else {
        Err("verify aksk signature fail".into())
    }
}
