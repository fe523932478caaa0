//! Loading the spec: the one place that reads `openapi/` for the generators.

use std::path::Path;

use anyhow::{Context, Result, anyhow};

/// Path of the spec, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/gaussdb-backup.yaml";

/// The spec, read and parsed once for every output.
pub struct Spec {
    /// Path relative to the workspace root, as shown in messages and headers.
    pub rel_path: &'static str,
    /// The typed document progenitor consumes.
    pub openapi: openapiv3::OpenAPI,
}

impl Spec {
    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(SPEC_PATH);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read the spec {}", path.display()))?;
        let openapi = parse(&text).map_err(|err| anyhow!("{SPEC_PATH}:{err}"))?;
        Ok(Spec {
            rel_path: SPEC_PATH,
            openapi,
        })
    }
}

/// Parses the YAML text into the typed document. The error starts with
/// `line:column: ` where the YAML parser knows the place.
fn parse(text: &str) -> Result<openapiv3::OpenAPI, String> {
    serde_yaml::from_str::<openapiv3::OpenAPI>(text).map_err(|err| match err.location() {
        Some(loc) => format!("{}:{}: {err}", loc.line(), loc.column()),
        None => format!(" {err}"),
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_type_error_names_line_and_column() {
        let err = parse("openapi: 3.0.3\ninfo: 7\npaths: {}\n").unwrap_err();
        assert!(err.starts_with("2:7: "), "{err}");
    }

    #[test]
    fn a_syntax_error_names_line_and_column() {
        let err = parse("openapi: 3.0.3\ninfo: [\n").unwrap_err();
        assert!(err.starts_with("3:1: ") || err.starts_with("2:"), "{err}");
    }
}
