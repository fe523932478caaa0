//! The config file: per-rule severities, or `off`.
//!
//! ```yaml
//! rules:
//!   oas3-api-servers: off
//!   operation-description: error
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::Error;
use crate::finding::Severity;
use crate::rules;

/// Rule settings; the default applies every rule at its default severity.
#[derive(Clone, Debug, Default)]
pub struct Config {
    overrides: BTreeMap<String, Option<Severity>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: BTreeMap<String, String>,
}

impl Config {
    /// Parses a config file's text (YAML or JSON).
    pub fn parse(name: &str, text: &str) -> Result<Config, Error> {
        let file: File = serde_yaml_ng::from_str(text).map_err(|e| Error::Config {
            file: name.to_owned(),
            message: e.to_string(),
        })?;
        let mut config = Config::default();
        for (id, level) in file.rules {
            config.set(&id, &level).map_err(|message| Error::Config {
                file: name.to_owned(),
                message,
            })?;
        }
        Ok(config)
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
    fn unknown_rules_and_levels_are_errors() {
        assert!(Config::parse("c", "rules: {nope: off}").is_err());
        assert!(Config::parse("c", "rules: {path-params: loud}").is_err());
        assert!(Config::parse("c", "rulez: {}").is_err());
    }
}
