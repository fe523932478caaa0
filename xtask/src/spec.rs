//! Loading the spec: the one place that reads `openapi/` for the generators.
//! openapi-check validates it first; generation never sees a spec with errors.

use std::path::Path;

use anyhow::{Context, Result, bail};
use openapi_check::{Options, OutputFormat, Severity, Source, check_source_keeping, render};

/// Path of the spec, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/gaussdb-backup.yaml";

/// The spec, read, validated and parsed once for every output.
pub struct Spec {
    /// Path relative to the workspace root, as shown in messages and headers.
    pub rel_path: &'static str,
    /// The typed document progenitor consumes.
    pub openapi: openapiv3::OpenAPI,
    /// The same document as plain JSON, for outputs that read it freely.
    pub value: serde_json::Value,
}

/// The outcome of validating the spec: the rendered findings and whether any
/// is an error.
pub struct Validation {
    pub rendered: String,
    pub errors: usize,
    pub warnings: usize,
    value: Option<serde_json::Value>,
}

/// Runs openapi-check on the spec.
pub fn validate(root: &Path) -> Result<Validation> {
    let path = root.join(SPEC_PATH);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the spec {}", path.display()))?;
    let mut source = Source::new(SPEC_PATH, text);
    source.path = Some(path);
    // The document openapi-check parsed is the one generation uses: one
    // parse, so the validated document and the generated one cannot differ.
    let (report, parsed) = check_source_keeping(source, &Options::default());
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let value = parsed.map(|p| p.value);
    let color = std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let rendered = render(&[report], OutputFormat::Human, color);
    Ok(Validation {
        rendered,
        errors,
        warnings,
        value,
    })
}

impl Spec {
    /// Validates and parses the spec; refuses a spec with errors, printing
    /// every finding with its place.
    pub fn load(root: &Path) -> Result<Self> {
        let validation = validate(root)?;
        if validation.errors > 0 || validation.warnings > 0 {
            eprint!("{}", validation.rendered);
        }
        if validation.errors > 0 {
            bail!(
                "{SPEC_PATH} has {} error(s); nothing was generated",
                validation.errors
            );
        }
        let value = validation.value.context("the spec did not parse")?;
        let openapi = serde_json::from_value(value.clone()).with_context(|| {
            format!("{SPEC_PATH}: not an OpenAPI 3.0 document progenitor can read")
        })?;
        Ok(Spec {
            rel_path: SPEC_PATH,
            openapi,
            value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root(spec: &str) -> std::path::PathBuf {
        let root =
            std::env::temp_dir().join(format!("xtask-spec-{}-{}", std::process::id(), spec.len()));
        std::fs::create_dir_all(root.join("openapi")).unwrap();
        std::fs::write(root.join(SPEC_PATH), spec).unwrap();
        root
    }

    #[test]
    fn a_broken_spec_is_refused_with_file_line_and_column() {
        let root = temp_root("openapi: 3.0.3\ninfo:\n  title: [unclosed\npaths: {}\n");
        let err = Spec::load(&root).err().expect("refused");
        assert!(err.to_string().contains("nothing was generated"), "{err}");
        let validation = validate(&root).unwrap();
        assert!(
            validation.rendered.contains("openapi/gaussdb-backup.yaml:"),
            "{}",
            validation.rendered
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_spec_with_rule_errors_is_refused() {
        let root = temp_root(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      operationId: a\n      responses:\n        '200': {description: ok}\n",
        );
        let validation = validate(&root).unwrap();
        assert!(validation.errors > 0);
        assert!(
            validation.rendered.contains("path-params"),
            "{}",
            validation.rendered
        );
        assert!(Spec::load(&root).is_err());
        std::fs::remove_dir_all(root).unwrap();
    }
}
