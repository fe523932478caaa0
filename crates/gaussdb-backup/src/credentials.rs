//! Credentials, given once when the client is built and applied to every
//! request by the request hook. They never appear in `Debug` output, errors or
//! logs: the secret is wrapped in [`Secret`], whose `Debug` is redacted and
//! which has no `Display`.

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue};

use crate::Error;

/// A secret string (a token or a secret key). Its `Debug` prints
/// `Secret([REDACTED])`; read it only with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Call this only where it is sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// How requests are authenticated. Applied by the request hook to the final
/// request, so a signature covers the exact bytes sent.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An IAM token, sent as `X-Auth-Token` (valid for 24 hours).
    Token(Secret),
    /// An access key pair: every request is signed (`SDK-HMAC-SHA256`).
    AkSk {
        /// The access key ID (not secret).
        access_key: String,
        /// The secret access key.
        secret_key: Secret,
        /// For temporary credentials: the security token, sent as
        /// `X-Security-Token`.
        security_token: Option<Secret>,
    },
}

pub(crate) const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");
const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");
const X_PROJECT_ID: HeaderName = HeaderName::from_static("x-project-id");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");

/// The environment variables the official SDKs read.
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
/// See [`ENV_AK`].
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
/// See [`ENV_AK`].
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";

impl Credentials {
    /// Authenticate with an IAM token: the `X-Subject-Token` header of IAM's
    /// "obtain a user token" response.
    pub fn token(token: impl Into<Secret>) -> Self {
        Credentials::Token(token.into())
    }

    /// Authenticate by signing every request with an access key pair.
    pub fn aksk(access_key: impl Into<String>, secret_key: impl Into<Secret>) -> Self {
        Credentials::AkSk {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            security_token: None,
        }
    }

    /// Temporary credentials: a key pair and its security token.
    pub fn temporary(
        access_key: impl Into<String>,
        secret_key: impl Into<Secret>,
        security_token: impl Into<Secret>,
    ) -> Self {
        Credentials::AkSk {
            access_key: access_key.into(),
            secret_key: secret_key.into(),
            security_token: Some(security_token.into()),
        }
    }

    /// The key pair from `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` (and
    /// `HUAWEICLOUD_SDK_SECURITY_TOKEN` when set), as the official SDKs read
    /// them. The error names the variable that is missing.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let var = |name: &'static str| {
            get(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| Error::invalid("credentials", format!("{name} is not set")))
        };
        let access_key = var(ENV_AK)?;
        let secret_key = Secret::new(var(ENV_SK)?);
        let security_token = get(ENV_SECURITY_TOKEN)
            .filter(|v| !v.is_empty())
            .map(Secret::new);
        Ok(Credentials::AkSk {
            access_key,
            secret_key,
            security_token,
        })
    }

    /// Whether these credentials sign requests.
    pub fn is_signing(&self) -> bool {
        matches!(self, Credentials::AkSk { .. })
    }

    /// Rejects credentials that cannot be sent, before any request.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        match self {
            Credentials::Token(token) => {
                if token.expose().is_empty() {
                    return Err(Error::invalid("credentials", "the token is empty"));
                }
                if HeaderValue::from_str(token.expose()).is_err() {
                    return Err(Error::invalid(
                        "credentials",
                        "the token contains characters not allowed in an HTTP header",
                    ));
                }
                Ok(())
            }
            Credentials::AkSk {
                access_key,
                secret_key,
                security_token,
            } => {
                if access_key.is_empty() || secret_key.expose().is_empty() {
                    return Err(Error::invalid(
                        "credentials",
                        "the access key and the secret key are required",
                    ));
                }
                let header_safe = |v: &str| HeaderValue::from_str(v).is_ok();
                if !header_safe(access_key)
                    || !security_token
                        .as_ref()
                        .is_none_or(|t| header_safe(t.expose()))
                {
                    return Err(Error::invalid(
                        "credentials",
                        "the access key or security token contains characters not allowed in an HTTP header",
                    ));
                }
                Ok(())
            }
        }
    }

    /// The `X-Auth-Token` value of token credentials, marked so that
    /// reqwest and hyper never print it; `None` for signing credentials.
    pub(crate) fn token_header(&self) -> Option<Result<HeaderValue, Error>> {
        let Credentials::Token(token) = self else {
            return None;
        };
        Some(match HeaderValue::from_str(token.expose()) {
            Ok(mut value) => {
                value.set_sensitive(true);
                Ok(value)
            }
            Err(_) => Err(Error::invalid(
                "credentials",
                "the token contains characters not allowed in an HTTP header",
            )),
        })
    }

    /// Adds the authentication headers to a request about to be sent. The
    /// clock is read only to sign.
    pub(crate) fn apply(
        &self,
        request: &mut reqwest::Request,
        project_id: &str,
        clock: &dyn crate::Clock,
    ) -> Result<(), Error> {
        if let Some(value) = self.token_header() {
            request.headers_mut().insert(X_AUTH_TOKEN, value?);
            return Ok(());
        }
        match self {
            Credentials::AkSk {
                access_key,
                secret_key,
                security_token,
            } => sign(
                request,
                access_key,
                secret_key,
                security_token.as_ref(),
                project_id,
                clock.now(),
            ),
            Credentials::Token(_) => Ok(()),
        }
    }
}

/// Signs `request` in place: adds `X-Sdk-Date`, `X-Project-Id`,
/// `X-Security-Token` (temporary credentials), then `Authorization` over the
/// host, those headers, `X-Language` if present, the path, the query and the
/// exact body bytes.
fn sign(
    request: &mut reqwest::Request,
    access_key: &str,
    secret_key: &Secret,
    security_token: Option<&Secret>,
    project_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Error> {
    use crate::signing::{SigningInput, format_date};

    let bad_header = || Error::invalid("credentials", "a value not allowed in an HTTP header");
    let date = format_date(now);
    let headers = request.headers_mut();
    headers.insert(
        X_SDK_DATE,
        HeaderValue::from_str(&date).map_err(|_| bad_header())?,
    );
    headers.insert(
        X_PROJECT_ID,
        HeaderValue::from_str(project_id).map_err(|_| bad_header())?,
    );
    if let Some(token) = security_token {
        let mut value = HeaderValue::from_str(token.expose()).map_err(|_| bad_header())?;
        value.set_sensitive(true);
        headers.insert(X_SECURITY_TOKEN, value);
    }

    let url = request.url();
    // The hook has already rewritten the query with `encode_query`, so these
    // pairs re-encode to exactly the bytes on the wire.
    let query = url
        .query()
        .map(crate::signing::decode_query)
        .unwrap_or_default();
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_owned(),
    };
    let path = crate::signing::decode_path(url.path());
    let mut signed = vec![("host".to_owned(), host)];
    for name in [
        "x-sdk-date",
        "x-project-id",
        "x-security-token",
        "x-language",
    ] {
        if let Some(value) = request.headers().get(name).and_then(|v| v.to_str().ok()) {
            signed.push((name.to_owned(), value.to_owned()));
        }
    }
    let body = request
        .body()
        .and_then(reqwest::Body::as_bytes)
        .unwrap_or(b"");
    let input = SigningInput {
        method: request.method().as_str(),
        path: &path,
        query,
        headers: signed,
        body,
    };
    let authorization = input.authorization(access_key, secret_key.expose(), &date);
    let mut value = HeaderValue::from_str(&authorization).map_err(|_| bad_header())?;
    value.set_sensitive(true);
    request
        .headers_mut()
        .insert(reqwest::header::AUTHORIZATION, value);
    Ok(())
}

/// Rewrites the URL's query in the SDKs' escaping
/// ([`crate::signing::encode_query`]: no `+`, no raw reserved characters),
/// so that the bytes sent are the bytes signed whatever the server's decoding
/// rules. Every request goes through this, signed or not.
pub(crate) fn canonicalize_query(url: &mut reqwest::Url) {
    // Most calls have no query: leave the URL as it is.
    let Some(query) = url.query() else {
        return;
    };
    let pairs = crate::signing::decode_query(query);
    if pairs.is_empty() {
        url.set_query(None);
    } else {
        url.set_query(Some(&crate::signing::encode_query(&pairs)));
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn only_access_keys_sign() {
        assert!(!Credentials::token("t").is_signing());
        let signing = Credentials::aksk("AK", "SK");
        assert!(signing.is_signing());
    }

    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let credentials = Credentials::token("tok-very-secret");
        let shown = format!("{credentials:?} {credentials:#?}");
        assert!(!shown.contains("tok-very-secret"), "{shown}");
        assert!(shown.contains("REDACTED"));
    }

    #[test]
    fn aksk_debug_hides_the_secret_key_and_token() {
        let credentials = Credentials::temporary("AK-visible", "SK-very-secret", "ST-very-secret");
        let shown = format!("{credentials:?}");
        assert!(shown.contains("AK-visible"), "{shown}");
        assert!(
            !shown.contains("SK-very-secret") && !shown.contains("ST-very-secret"),
            "{shown}"
        );
    }

    #[test]
    fn from_env_reads_the_official_variables() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let c = Credentials::from_lookup(env(&[(ENV_AK, "ak"), (ENV_SK, "sk")])).unwrap();
        assert!(
            matches!(c, Credentials::AkSk { ref access_key, security_token: None, .. } if access_key == "ak")
        );
        let err = Credentials::from_lookup(env(&[(ENV_AK, "ak")])).unwrap_err();
        assert!(err.to_string().contains(ENV_SK), "{err}");
        let c = Credentials::from_lookup(env(&[
            (ENV_AK, "a"),
            (ENV_SK, "s"),
            (ENV_SECURITY_TOKEN, "t"),
        ]))
        .unwrap();
        assert!(matches!(
            c,
            Credentials::AkSk {
                security_token: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn an_empty_token_is_rejected() {
        let err = Credentials::token("").validate().unwrap_err();
        assert!(err.to_string().contains("credentials"), "{err}");
    }

    /// Credentials that could never be sent are refused when the client is
    /// built, with the reason, not on the first request: an empty half of a
    /// key pair, or a key or security token that cannot be an HTTP header.
    #[test]
    fn key_pairs_that_cannot_be_sent_are_refused_up_front() {
        let refused = |c: Credentials| c.validate().unwrap_err().to_string();
        assert!(Credentials::aksk("AK", "SK").validate().is_ok());
        assert!(Credentials::temporary("AK", "SK", "ST").validate().is_ok());
        for c in [Credentials::aksk("", "SK"), Credentials::aksk("AK", "")] {
            assert!(refused(c).contains("access key and the secret key"));
        }
        for c in [
            Credentials::aksk("AK\n", "SK"),
            Credentials::temporary("AK", "SK", "ST\r\n"),
        ] {
            assert!(refused(c).contains("not allowed in an HTTP header"));
        }
        assert!(refused(Credentials::token("t\n")).contains("not allowed in an HTTP header"));
    }
}
