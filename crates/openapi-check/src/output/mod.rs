//! Rendering findings: for people (codeframes), for tools (JSON), for code
//! scanning (SARIF 2.1.0) and for GitHub Actions annotations.

pub(crate) mod github;
mod human;
mod json;
mod sarif;

use crate::check::FileReport;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Codeframes with the source line and a marker, like rustc.
    Human,
    /// One JSON document with every finding.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// `::error file=…,line=…,col=…,title=<rule>::…` workflow commands.
    Github,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "human" => Ok(OutputFormat::Human),
            "json" => Ok(OutputFormat::Json),
            "sarif" => Ok(OutputFormat::Sarif),
            "github" => Ok(OutputFormat::Github),
            other => Err(format!(
                "unknown format {other:?} (human, json, sarif, github)"
            )),
        }
    }
}

/// Renders reports in a format. `color` applies to the human format only.
pub fn render(reports: &[FileReport], format: OutputFormat, color: bool) -> String {
    match format {
        OutputFormat::Human => human::render(reports, color),
        OutputFormat::Json => json::render(reports),
        OutputFormat::Sarif => sarif::render(reports),
        OutputFormat::Github => github::render(reports),
    }
}
