//! Where the CLI's settings come from: flags, the environment, then the
//! config file. Secrets come only from the environment or the file.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use gaussdb_backup::raw::types;
use gaussdb_backup::{Client, Credentials, Endpoint};
use serde::Deserialize;

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
                toml::from_str::<File>(&text).map_err(|e| {
                    anyhow!(
                        "the config file {} is invalid: {}",
                        path.display(),
                        e.message()
                    )
                })?
            }
            None => File::default(),
        };
        let flag = |name: &str| matches.get_one::<String>(name).cloned();
        let endpoint = match (
            flag("endpoint").or(file.endpoint),
            flag("region").or(file.region),
        ) {
            (Some(url), _) => Endpoint::url(&url)?,
            (None, Some(region)) => Endpoint::region(&region)?,
            (None, None) => {
                bail!("set --endpoint or --region (or endpoint/region in the config file)")
            }
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
