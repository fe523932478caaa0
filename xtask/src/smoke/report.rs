//! The report: Markdown for a pull request or an issue, JSON for tools,
//! and the short summary printed at the end. Findings come sorted from the
//! checker, so the same answers give the same bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::drift::{DriftReport, Finding};
use super::lifecycle::Lifecycle;
use super::sweep::Sweep;

/// How the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Everything ran and every answer matches the spec.
    Passed,
    /// Everything ran, and the answers depart from the spec.
    DriftFound,
    /// A step failed.
    Failed,
}

impl Outcome {
    /// The command's exit status: 0 passed, 1 failed, 3 drift found.
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Passed => 0,
            Outcome::Failed => 1,
            Outcome::DriftFound => 3,
        }
    }
}

/// Everything a run found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// How the run ended.
    pub outcome: Outcome,
    /// The lifecycle, when one ran.
    pub lifecycle: Option<Lifecycle>,
    /// The sweep, when one ran.
    pub sweep: Option<Sweep>,
    /// Why the run stopped, when it could not go on (a sweep's listing failed).
    pub error: Option<String>,
    /// The drift check of every answer.
    pub drift: DriftReport,
}

impl Report {
    /// The report of a run (or a replay: neither lifecycle nor sweep).
    pub fn new(
        lifecycle: Option<Lifecycle>,
        sweep: Option<Sweep>,
        error: Option<String>,
        drift: DriftReport,
    ) -> Report {
        let failed = error.is_some()
            || lifecycle
                .as_ref()
                .is_some_and(|l| l.failed_step().is_some())
            || sweep.as_ref().is_some_and(|s| !s.ok());
        let outcome = if failed {
            Outcome::Failed
        } else if drift.findings.is_empty() {
            Outcome::Passed
        } else {
            Outcome::DriftFound
        };
        Report {
            outcome,
            lifecycle,
            sweep,
            error,
            drift,
        }
    }

    /// The one-line verdict, also the first line of the Markdown.
    pub fn summary(&self) -> String {
        let answers = self.drift.exchanges;
        let findings = self.drift.findings.len();
        match self.outcome {
            Outcome::Passed => format!("passed: every answer ({answers}) matches the spec"),
            Outcome::DriftFound => {
                let breaks = self
                    .drift
                    .findings
                    .iter()
                    .filter(|f| f.kind.breaks_contract())
                    .count();
                format!(
                    "drift found: {findings} findings in {answers} answers ({breaks} contract breaks)"
                )
            }
            Outcome::Failed => {
                let at = self
                    .lifecycle
                    .as_ref()
                    .and_then(|l| l.failed_step())
                    .map(|s| format!(" at step `{}`: {}", s.step, s.detail))
                    .or_else(|| self.error.as_ref().map(|e| format!(": {e}")))
                    .unwrap_or_else(|| " (the sweep could not delete every backup)".into());
                format!("failed{at}")
            }
        }
    }

    /// Writes `report.md` and `report.json` into `dir`.
    pub fn write(&self, dir: &Path, spec_file: &str) -> Result<(PathBuf, PathBuf)> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let md = dir.join("report.md");
        let json = dir.join("report.json");
        std::fs::write(&md, self.markdown(spec_file))
            .with_context(|| format!("cannot write {}", md.display()))?;
        std::fs::write(&json, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("cannot write {}", json.display()))?;
        Ok((md, json))
    }

    /// The Markdown report.
    pub fn markdown(&self, spec_file: &str) -> String {
        let mut out = format!(
            "# Smoke run: the spec against the service\n\n**{}**\n",
            cell(&self.summary())
        );
        if let Some(lifecycle) = &self.lifecycle {
            lifecycle_section(&mut out, lifecycle);
        }
        if let Some(sweep) = &self.sweep {
            sweep_section(&mut out, sweep);
        }
        out.push_str(&drift_markdown(&self.drift, spec_file));
        out
    }
}

fn lifecycle_section(out: &mut String, lifecycle: &Lifecycle) {
    out.push_str("\n## Lifecycle\n\n| step | result | detail |\n|---|---|---|\n");
    for step in &lifecycle.steps {
        let result = if step.ok { "ok" } else { "**failed**" };
        let _ = writeln!(out, "| {} | {result} | {} |", step.step, cell(&step.detail));
    }
    if let Some(cleanup) = &lifecycle.cleanup {
        let _ = writeln!(out, "\nClean-up after the failure: {}", cell(cleanup));
    }
}

fn sweep_section(out: &mut String, sweep: &Sweep) {
    let verb = if sweep.dry_run {
        "would delete"
    } else {
        "deleted"
    };
    let _ = writeln!(
        out,
        "\n## Sweep\n\n{} {verb}; {} other backups of the instance kept.\n",
        sweep.matched.len(),
        sweep.kept
    );
    for s in &sweep.matched {
        let error = s
            .error
            .as_deref()
            .map(|e| format!(": **not deleted**, {}", cell(e)));
        let _ = writeln!(
            out,
            "- `{}` {} (began {}){}",
            cell(&s.id),
            cell(&s.name),
            cell(&s.begin_time),
            error.unwrap_or_default()
        );
    }
}

/// The drift part of the report: the findings table, what each kind asks
/// for, and the documented fields absent for a documented reason. The
/// same for a run and for its replay.
pub fn drift_markdown(drift: &DriftReport, spec_file: &str) -> String {
    let mut out = format!(
        "\n## Drift: {} findings in {} answers\n\n",
        drift.findings.len(),
        drift.exchanges
    );
    if drift.findings.is_empty() {
        out.push_str("Every answer matches the spec for its operation and status.\n");
    } else {
        out.push_str(
            "| kind | operation | status | in the answer | seen | spec to change | answers | what |\n\
             |---|---|---|---|---|---|---|---|\n",
        );
        for f in &drift.findings {
            finding_row(&mut out, f, spec_file);
        }
        out.push_str(READING);
    }
    if !drift.expected_absent.is_empty() {
        out.push_str("\n### Documented, not sent, as the spec allows\n\n");
        for a in &drift.expected_absent {
            let _ = writeln!(out, "- `#{}`: {}", a.spec_pointer, cell(&a.why));
        }
    }
    out
}

fn finding_row(out: &mut String, f: &Finding, spec_file: &str) {
    let place = match f.spec_line {
        Some(line) => format!("`#{}` ({spec_file}:{line})", cell(&f.spec_pointer)),
        None => format!("`#{}`", cell(&f.spec_pointer)),
    };
    let seen = f
        .value
        .as_deref()
        .map(|v| format!("`{}`", cell(v)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "| `{}` | {} | {} | `{}` | {seen} | {place} | {} | {} |",
        f.kind.id(),
        cell(&f.operation),
        f.status,
        cell(if f.pointer.is_empty() {
            "(the body)"
        } else {
            &f.pointer
        }),
        f.occurrences,
        cell(&f.message)
    );
}

const READING: &str = "
How to read it: `schema-violation` and `undocumented-operation` are contract
breaks (the client may fail on such an answer): fix the spec, or report the
service. The others mean the spec is incomplete and the client copes:
`undeclared-property` (declare it under the named `properties`),
`enum-value-outside-spec` (add the value to the enum), `documented-field-missing`
(a declared optional property never came: say when it is absent, or drop it),
`undocumented-status` and `undocumented-error-code` (document the answer or the
code in its description), `time-offset` (the service writes its times in
another form than the spec's description and example say).
";

/// Text safe inside a Markdown table cell and inline code.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('`', "'")
        .replace('\n', " ")
}
