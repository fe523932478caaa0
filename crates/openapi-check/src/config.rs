//! The config file: per-rule severities, or `off`, and the diff's
//! deprecation and stability policy.
//!
//! ```yaml
//! rules:
//!   oas3-api-servers: off
//!   operation-description: error
//! diff:
//!   deprecation-days:
//!     beta: 30
//!     stable: 180
//!   stability-level: beta
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::Error;
use crate::diff::{DiffOptions, Stability};
use crate::finding::Severity;
use crate::rules;

/// Rule settings; the default applies every rule at its default severity.
#[derive(Clone, Debug, Default)]
pub struct Config {
    overrides: BTreeMap<String, Option<Severity>>,
    diff: DiffOptions,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    diff: DiffFile,
}

/// The `diff:` section; absent keys keep oasdiff's defaults.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct DiffFile {
    #[serde(default)]
    deprecation_days: DeprecationDays,
    stability_level: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeprecationDays {
    beta: Option<u32>,
    stable: Option<u32>,
}

impl Config {
    /// Parses a config file's text (YAML or JSON).
    pub fn parse(name: &str, text: &str) -> Result<Config, Error> {
        let file: File = serde_yaml_ng::from_str(text).map_err(|e| Error::Config {
            file: name.to_owned(),
            message: e.to_string(),
        })?;
        let invalid = |message| Error::Config {
            file: name.to_owned(),
            message,
        };
        let mut config = Config::default();
        for (id, level) in file.rules {
            config.set(&id, &level).map_err(invalid)?;
        }
        let defaults = DiffOptions::default();
        let days = file.diff.deprecation_days;
        config.diff.deprecation_days_beta = days.beta.unwrap_or(defaults.deprecation_days_beta);
        config.diff.deprecation_days_stable =
            days.stable.unwrap_or(defaults.deprecation_days_stable);
        if let Some(level) = file.diff.stability_level {
            config.diff.stability_level = level
                .parse::<Stability>()
                .map_err(|e| invalid(format!("diff.stability-level: {e}")))?;
        }
        Ok(config)
    }

    /// The diff's deprecation and stability policy (`diff:` in the file).
    pub fn diff_options(&self) -> &DiffOptions {
        &self.diff
    }

    /// Sets one rule: a severity name or `off`.
    pub fn set(&mut self, id: &str, level: &str) -> Result<(), String> {
        if rules::rule(id).is_none() {
            return Err(format!(
                "unknown rule {id:?} (see `openapi-check --list-rules`)"
            ));
        }
        let severity = match level {
            "off" => None,
            other => Some(other.parse::<Severity>()?),
        };
        self.overrides.insert(id.to_owned(), severity);
        Ok(())
    }

    /// The severity of a rule, or `None` when it is off.
    pub fn severity(&self, id: &str) -> Option<Severity> {
        match self.overrides.get(id) {
            Some(setting) => *setting,
            None => rules::rule(id).map(|r| r.severity),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_off() {
        let c = Config::parse(
            "c.yaml",
            "rules:\n  oas3-api-servers: off\n  operation-description: error\n",
        )
        .unwrap();
        assert_eq!(c.severity("oas3-api-servers"), None);
        assert_eq!(c.severity("operation-description"), Some(Severity::Error));
        assert_eq!(c.severity("path-params"), Some(Severity::Error));
    }

    #[test]
    fn the_diff_policy_defaults_to_oasdiffs_and_is_read() {
        let c = Config::parse("c", "rules: {}").unwrap();
        assert_eq!(c.diff_options(), &DiffOptions::default());
        assert_eq!(c.diff_options().stability_level, Stability::Beta);
        let c = Config::parse(
            "c",
            "diff:\n  deprecation-days: {beta: 30, stable: 180}\n  stability-level: alpha\n",
        )
        .unwrap();
        let d = c.diff_options();
        assert_eq!(
            (d.deprecation_days_beta, d.deprecation_days_stable),
            (30, 180)
        );
        assert_eq!(d.stability_level, Stability::Alpha);
        let err = Config::parse("c", "diff: {stability-level: gamma}").unwrap_err();
        assert!(err.to_string().contains("diff.stability-level"), "{err}");
        assert!(Config::parse("c", "diff: {deprecation-days: {alpha: 3}}").is_err());
        assert!(Config::parse("c", "diff: {sunset: 3}").is_err());
    }

    #[test]
    fn unknown_rules_and_levels_are_errors() {
        assert!(Config::parse("c", "rules: {nope: off}").is_err());
        assert!(Config::parse("c", "rules: {path-params: loud}").is_err());
        assert!(Config::parse("c", "rulez: {}").is_err());
    }
}
