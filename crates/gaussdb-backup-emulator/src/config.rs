//! What the emulator accepts and knows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

/// The instance of the documented examples, known out of the box.
pub const DOCUMENTED_INSTANCE: &str = "07033b125fd94a8a96896f8bcfee6ddain07";

/// Emulator settings. `Default` is the out-of-the-box behaviour: any
/// non-empty token, signatures by the key pair `AccessKey`/`SecretKey` (the
/// official SDKs' test pair), the documented instance, backups complete
/// after 5 s, state in memory.
#[derive(Clone)]
pub struct Config {
    /// Accepted tokens; empty means any non-empty token.
    pub tokens: BTreeSet<String>,
    /// Access key → secret key of the pairs whose signatures are accepted.
    pub key_pairs: BTreeMap<String, String>,
    /// Instance IDs that exist (in every project).
    pub instances: BTreeSet<String>,
    /// Time from BUILDING to COMPLETED.
    pub complete_after: Duration,
    /// Where backups are kept across restarts; `None` keeps them in memory.
    pub state_file: Option<PathBuf>,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tokens: BTreeSet::new(),
            key_pairs: BTreeMap::from([("AccessKey".to_owned(), "SecretKey".to_owned())]),
            instances: BTreeSet::from([DOCUMENTED_INSTANCE.to_owned()]),
            complete_after: Duration::from_secs(5),
            state_file: None,
            max_body_bytes: 64 * 1024,
        }
    }
}

impl Config {
    /// Whether a token is accepted.
    pub fn accepts(&self, token: &str) -> bool {
        !token.is_empty() && (self.tokens.is_empty() || self.tokens.contains(token))
    }
}

// Tokens are secrets: only their number is shown.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("tokens", &format_args!("[{} redacted]", self.tokens.len()))
            .field("access_keys", &self.key_pairs.keys().collect::<Vec<_>>())
            .field("instances", &self.instances)
            .field("complete_after", &self.complete_after)
            .field("state_file", &self.state_file)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish()
    }
}
