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

/// How requests are authenticated.
///
/// Only IAM tokens exist today; AK/SK request signing will be another variant,
/// applied by the same hook (it needs the final request, body included, which
/// the hook has).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An IAM token, sent as `X-Auth-Token` (valid for 24 hours).
    Token(Secret),
}

const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");

impl Credentials {
    /// Authenticate with an IAM token: the `X-Subject-Token` header of IAM's
    /// "obtain a user token" response.
    pub fn token(token: impl Into<Secret>) -> Self {
        Credentials::Token(token.into())
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
        }
    }

    /// Adds the authentication headers to a request about to be sent.
    pub(crate) fn apply(&self, request: &mut reqwest::Request) -> Result<(), Error> {
        match self {
            Credentials::Token(token) => {
                let mut value = HeaderValue::from_str(token.expose()).map_err(|_| {
                    Error::invalid(
                        "credentials",
                        "the token contains characters not allowed in an HTTP header",
                    )
                })?;
                // Marks the header so that reqwest and hyper never print it.
                value.set_sensitive(true);
                request.headers_mut().insert(X_AUTH_TOKEN, value);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let credentials = Credentials::token("tok-very-secret");
        let shown = format!("{credentials:?} {credentials:#?}");
        assert!(!shown.contains("tok-very-secret"), "{shown}");
        assert!(shown.contains("REDACTED"));
    }

    #[test]
    fn an_empty_token_is_rejected() {
        let err = Credentials::token("").validate().unwrap_err();
        assert!(err.to_string().contains("credentials"), "{err}");
    }
}
