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
use crate::source::{Format, Pos};

/// Rule settings; the default applies every rule at its default severity.
#[derive(Clone, Debug, Default)]
pub struct Config {
    overrides: BTreeMap<String, Option<Severity>>,
    diff: DiffOptions,
}

#[derive(Default, Deserialize)]
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

/// The file's text → [`File`]: parsed by [`crate::parse::parse`] (YAML, of
/// which JSON is a subset), then deserialized with serde. A key or value of
/// the wrong shape is placed through the parse's positions, found by the
/// path serde reports.
fn read_file(text: &str) -> Result<File, (Option<Pos>, String)> {
    let blank = |line: &str| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#')
    };
    if text.lines().all(blank) {
        // An empty file, or one of comments only, sets nothing.
        return Ok(File::default());
    }
    let parsed = crate::parse::parse(text, Format::Yaml).map_err(|e| (e.pos, e.message))?;
    if let Some(repeated) = parsed.duplicate_keys.first() {
        let at = locate(&parsed, repeated);
        return Err((at, format!("the key at {repeated} appears more than once")));
    }
    if parsed.value.is_null() {
        return Ok(File::default());
    }
    serde_path_to_error::deserialize(&parsed.value).map_err(|e| {
        let pointer = path_pointer(e.path());
        let at = locate(&parsed, &pointer);
        let message = if pointer.is_empty() {
            e.inner().to_string()
        } else {
            format!("{}: {}", e.path(), e.inner())
        };
        (at, message)
    })
}

/// serde's path (`diff.deprecation-days.alpha`) as a JSON pointer.
fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out = crate::pointer::push(&out, &index.to_string()),
            Segment::Map { key } => out = crate::pointer::push(&out, key),
            Segment::Enum { variant } => out = crate::pointer::push(&out, variant),
            Segment::Unknown => break,
        }
    }
    out
}

/// Where a pointer's node starts (its key, for a mapping member), or its
/// deepest existing ancestor.
fn locate(parsed: &crate::parse::Parsed, pointer: &str) -> Option<Pos> {
    let positions = parsed.positions.as_ref()?;
    crate::yaml::Locator::new(positions, &parsed.value)
        .locate(pointer)
        .map(|l| l.key.unwrap_or(l.value).start)
}

impl Config {
    /// Parses a config file's text (YAML or JSON) with the crate's own YAML
    /// parser, the one documents go through; an error names the file and,
    /// when the parser or the place of a wrong key or value is known, its
    /// line and column.
    pub fn parse(name: &str, text: &str) -> Result<Config, Error> {
        let invalid = |pos: Option<Pos>, message: String| Error::Config {
            file: name.to_owned(),
            pos,
            message,
        };
        let file = read_file(text).map_err(|(pos, message)| invalid(pos, message))?;
        let mut config = Config::default();
        for (id, level) in file.rules {
            config.set(&id, &level).map_err(|m| invalid(None, m))?;
        }
        let defaults = DiffOptions::default();
        let days = file.diff.deprecation_days;
        config.diff.deprecation_days_beta = days.beta.unwrap_or(defaults.deprecation_days_beta);
        config.diff.deprecation_days_stable =
            days.stable.unwrap_or(defaults.deprecation_days_stable);
        if let Some(level) = file.diff.stability_level {
            config.diff.stability_level = level
                .parse::<Stability>()
                .map_err(|e| invalid(None, format!("diff.stability-level: {e}")))?;
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

    /// A bad config names the file, the line and the column, whether the
    /// YAML does not parse or a key or value is wrong; an empty one sets
    /// nothing.
    #[test]
    fn a_bad_config_says_where() {
        let message = |text: &str| Config::parse("c.yaml", text).unwrap_err().to_string();
        let syntax = message("rules:\n  a: [1\n");
        assert!(syntax.starts_with("invalid config c.yaml:"), "{syntax}");
        assert!(syntax.contains("invalid YAML"), "{syntax}");
        let days = message("diff:\n  deprecation-days:\n    beta: soon\n");
        assert!(days.starts_with("invalid config c.yaml:3:"), "{days}");
        assert!(days.contains("diff.deprecation-days.beta"), "{days}");
        let unknown = message("rules: {}\ndiff:\n  sunset: 3\n");
        assert!(unknown.starts_with("invalid config c.yaml:"), "{unknown}");
        assert!(unknown.contains("sunset"), "{unknown}");
        let twice = message("rules: {}\nrules: {}\n");
        assert!(twice.starts_with("invalid config c.yaml:2:1:"), "{twice}");
        assert_eq!(
            Config::parse("c", "# nothing\n").unwrap().diff_options(),
            &DiffOptions::default()
        );
    }
}
