//! Secrets out of everything the smoke run writes: records, reports and the
//! summary. Three nets, because a record holds what a service chose to send:
//! the run's own secrets (the secret key, token or security token) wherever
//! they appear, the values of members whose names say they are secret, and
//! any string shaped like a token or a signature.

use serde_json::Value;

/// What a secret is replaced with.
pub const REDACTED: &str = "[REDACTED]";

/// Names (lower case, compared by containment) of members whose values are
/// secret whatever they look like.
const SECRET_NAMES: &[&str] = &[
    "token",
    "secret",
    "password",
    "authorization",
    "credential",
    "signature",
    "x-sdk-date",
];

/// Redacts secrets from text and JSON values.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

// The secrets themselves never reach Debug output.
impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// A redactor that also removes these exact values (empty ones ignored).
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        // Longest first, so a secret containing another goes whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Redactor { secrets }
    }

    /// `text` with every known secret replaced, or [`REDACTED`] entirely
    /// when it looks like a token.
    pub fn text(&self, text: &str) -> String {
        if looks_like_token(text) {
            return REDACTED.to_owned();
        }
        self.known(text)
    }

    /// `text` with every known secret replaced (for paths, which are long
    /// runs of token characters without being tokens).
    pub fn known(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// Redacts a header's value by its name and content.
    pub fn header(&self, name: &str, value: &str) -> String {
        if is_secret_name(name) {
            REDACTED.to_owned()
        } else {
            self.text(value)
        }
    }

    /// Redacts a JSON value in place.
    pub fn value(&self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.text(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.value(v)),
            Value::Object(members) => {
                for (name, member) in members.iter_mut() {
                    if is_secret_name(name) && !member.is_null() {
                        *member = Value::from(REDACTED);
                    } else {
                        self.value(member);
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_NAMES.iter().any(|s| lower.contains(s))
}

/// A token or signature: an `Authorization` value, an IAM token (`MII…`,
/// thousands of characters), or a long unbroken run of token characters.
/// IDs (UUIDs, 32-character request IDs, 36-character backup IDs) are
/// shorter than the threshold and stay readable.
pub fn looks_like_token(text: &str) -> bool {
    let t = text.trim();
    if t.starts_with("SDK-HMAC-SHA256") || t.starts_with("Bearer ") {
        return true;
    }
    t.len() >= 64
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=_-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_names_and_token_shapes_are_redacted_and_ids_kept() {
        let r = Redactor::new(["s3cr3t-key".to_owned(), String::new()]);
        assert_eq!(
            r.text("the key s3cr3t-key leaked"),
            "the key [REDACTED] leaked"
        );
        assert_eq!(r.text(&"MIIa".repeat(40)), REDACTED);
        assert_eq!(
            r.text("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=ab"),
            REDACTED
        );
        let id = "2f4ddb93b9014b0893d81d2e472f30febr07";
        assert_eq!(r.text(id), id);
        let mut v = json!({"id": id, "X-Auth-Token": "short", "nested": [{"secret_key": 1}],
                           "note": "has s3cr3t-key inside", "security_token": null});
        r.value(&mut v);
        assert_eq!(
            v,
            json!({"id": id, "X-Auth-Token": REDACTED, "nested": [{"secret_key": REDACTED}],
                   "note": "has [REDACTED] inside", "security_token": null})
        );
        assert_eq!(r.header("X-Security-Token", "abc"), REDACTED);
        assert_eq!(
            r.header("content-type", "application/json"),
            "application/json"
        );
        assert!(!format!("{r:?}").contains("s3cr3t"));
    }
}
