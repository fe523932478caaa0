//! Where the CLI's settings come from: command-line flags, then the
//! environment, then the config file. Secrets come only from the environment
//! or the file, and an error about the file's `[credentials]` never shows a
//! value from it.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::parser::ValueSource;
use gaussdb_backup::raw::types;
use gaussdb_backup::{Client, Credentials, Endpoint};
use serde::Deserialize;
use toml::de::{DeTable, DeValue};

/// The config file (TOML).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    endpoint: Option<String>,
    region: Option<String>,
    project_id: Option<String>,
    #[serde(default)]
    credentials: FileCredentials,
}

// Debug is derived only for the error path of parsing; secrets are never
// printed because this type is never formatted.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCredentials {
    ak: Option<String>,
    sk: Option<String>,
    security_token: Option<String>,
    token: Option<String>,
}

/// Everything needed to build the client.
pub struct Settings {
    pub endpoint: Endpoint,
    pub project_id: types::ProjectId,
    credentials: Credentials,
    timeout: Option<Duration>,
}

impl Settings {
    pub fn resolve(
        matches: &clap::ArgMatches,
        project_flag: Option<&types::ProjectId>,
    ) -> Result<Settings> {
        let file = match matches.get_one::<PathBuf>("config") {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the config file {}", path.display()))?;
                parse_file(&text)
                    .map_err(|e| anyhow!("the config file {} is invalid: {e}", path.display()))?
            }
            None => File::default(),
        };
        let endpoint = match endpoint_choice(matches, &file)? {
            Choice::Url(url) => Endpoint::url(&url)?,
            Choice::Region(region) => Endpoint::region(&region)?,
        };
        let project_id = match project_flag {
            Some(p) => p.clone(),
            None => {
                let raw = file
                    .project_id
                    .ok_or_else(|| anyhow!("set --project-id, HUAWEICLOUD_SDK_PROJECT_ID or project_id in the config file"))?;
                types::ProjectId::try_from(raw).map_err(|e| anyhow!("invalid project_id: {e}"))?
            }
        };
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let credentials = if env("HUAWEICLOUD_SDK_AK").is_some()
            || env("HUAWEICLOUD_SDK_SK").is_some()
        {
            Credentials::from_env()?
        } else if let Some(token) = env("HUAWEICLOUD_TOKEN") {
            Credentials::token(token)
        } else {
            match file.credentials {
                FileCredentials {
                    ak: Some(ak),
                    sk: Some(sk),
                    security_token,
                    ..
                } => match security_token {
                    Some(t) => Credentials::temporary(ak, sk, t),
                    None => Credentials::aksk(ak, sk),
                },
                FileCredentials {
                    token: Some(token), ..
                } => Credentials::token(token),
                _ => bail!(
                    "no credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or HUAWEICLOUD_TOKEN, \
                     or [credentials] in the config file"
                ),
            }
        };
        let timeout = matches
            .get_one::<u64>("timeout")
            .map(|s| Duration::from_secs(*s));
        Ok(Settings {
            endpoint,
            project_id,
            credentials,
            timeout,
        })
    }

    pub fn client(&self) -> Result<Client> {
        let mut builder = Client::builder()
            .endpoint(self.endpoint.clone())
            .project_id(self.project_id.to_string())
            .credentials(self.credentials.clone());
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        Ok(builder.build()?)
    }
}

/// Where the calls go: an endpoint URL or a region.
#[derive(Debug, PartialEq)]
enum Choice {
    Url(String),
    Region(String),
}

/// The endpoint by precedence: a command-line flag (`--endpoint` or
/// `--region`, not both), then the environment (`GAUSSDB_BACKUP_ENDPOINT`,
/// then `GAUSSDB_BACKUP_REGION`), then the config file (`endpoint`, then
/// `region`).
fn endpoint_choice(matches: &clap::ArgMatches, file: &File) -> Result<Choice> {
    let from = |name: &str, source: ValueSource| {
        (matches.value_source(name) == Some(source))
            .then(|| matches.get_one::<String>(name).cloned())
            .flatten()
    };
    let command_line = (
        from("endpoint", ValueSource::CommandLine),
        from("region", ValueSource::CommandLine),
    );
    Ok(match command_line {
        (Some(_), Some(_)) => bail!(
            "give --endpoint or --region, not both: --endpoint is the URL of a region's \
             endpoint (or another one), --region picks its public endpoint"
        ),
        (Some(url), None) => Choice::Url(url),
        (None, Some(region)) => Choice::Region(region),
        (None, None) => {
            if let Some(url) = from("endpoint", ValueSource::EnvVariable) {
                Choice::Url(url)
            } else if let Some(region) = from("region", ValueSource::EnvVariable) {
                Choice::Region(region)
            } else if let Some(url) = file.endpoint.clone() {
                Choice::Url(url)
            } else if let Some(region) = file.region.clone() {
                Choice::Region(region)
            } else {
                bail!(
                    "set --endpoint or --region (or GAUSSDB_BACKUP_ENDPOINT, GAUSSDB_BACKUP_REGION, \
                     or endpoint/region in the config file)"
                )
            }
        }
    })
}

/// Reads the config file. `[credentials]` is checked first, on the parsed
/// document, so that a mistyped secret (`sk = 98765...` without quotes) is
/// reported by its key, line and column, never with its value; then the
/// whole file is read into [`File`].
fn parse_file(text: &str) -> Result<File, String> {
    let document = DeTable::parse(text).map_err(|e| match e.span() {
        // The parser's message names what it expected, not the text it
        // found; the line itself (which toml's `Display` quotes) is left out.
        Some(span) => format!("{}: {}", at(text, span.start), e.message()),
        None => e.message().to_owned(),
    })?;
    for (key, value) in document.get_ref() {
        if key.get_ref().as_ref() != "credentials" {
            continue;
        }
        let DeValue::Table(table) = value.get_ref() else {
            return Err(format!(
                "{}: credentials must be a table ([credentials] with keys ak, sk, \
                 security_token or token)",
                at(text, value.span().start)
            ));
        };
        for (key, value) in table {
            if !matches!(value.get_ref(), DeValue::String(_)) {
                return Err(format!(
                    "{}: [credentials] {} must be a string in quotes (not {})",
                    at(text, value.span().start),
                    key.get_ref(),
                    kind(value.get_ref())
                ));
            }
        }
    }
    toml::from_str::<File>(text).map_err(|e| match e.span() {
        Some(span) => format!("{}: {}", at(text, span.start), e.message()),
        None => e.message().to_owned(),
    })
}

/// `line L, column C` (both from 1) of a byte offset.
fn at(text: &str, offset: usize) -> String {
    let end = (0..=offset.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}")
}

/// What a TOML value is, in words, without the value.
fn kind(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a number",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_from_one() {
        assert_eq!(at("a = 1\nsk = 2\n", 11), "line 2, column 6");
        assert_eq!(at("", 0), "line 1, column 1");
        assert_eq!(at("é = 1", 1), "line 1, column 1");
        assert_eq!(at("é = 1", 99), "line 1, column 6");
    }

    #[test]
    fn a_credentials_value_of_another_type_is_named_by_its_key_only() {
        let err = parse_file("[credentials]\nak = \"a\"\nsk = 98765432109876543210\n")
            .err()
            .unwrap();
        assert_eq!(
            err,
            "line 3, column 6: [credentials] sk must be a string in quotes (not a number)"
        );
        let file = parse_file("endpoint = \"http://127.0.0.1:1\"\n[credentials]\ntoken = \"t\"\n")
            .unwrap();
        assert_eq!(file.credentials.token.as_deref(), Some("t"));
    }
}
