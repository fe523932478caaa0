//! What a check reports.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::source::Span;

/// How much a finding matters. Ordered from most to least severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document is wrong, or the generator cannot use it: exit code 1.
    Error,
    /// Probably a mistake; exit code 1 only with `--deny-warnings`.
    Warning,
    /// Worth knowing.
    Info,
    /// A suggestion.
    Hint,
}

impl Severity {
    /// The lowercase name used in configs and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "error" => Ok(Severity::Error),
            "warning" | "warn" => Ok(Severity::Warning),
            "info" => Ok(Severity::Info),
            "hint" => Ok(Severity::Hint),
            other => Err(format!(
                "unknown severity {other:?} (expected error, warning, info, hint or off)"
            )),
        }
    }
}

/// One problem found in one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, such as `path-params`.
    pub rule: &'static str,
    /// Severity after configuration.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file, as named on the command line.
    pub file: String,
    /// JSON pointer to the node concerned (`""` for the whole document).
    pub pointer: String,
    /// Where in the file; `None` only when nothing can be placed (an
    /// unreadable file).
    pub span: Option<Span>,
}
