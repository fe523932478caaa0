//! Rendering a diff: for a terminal, for a pull-request comment (Markdown,
//! summary first), for tools (JSON), and as GitHub Actions annotations.

use std::fmt::Write as _;

use super::{Change, DiffReport, Level, Place};
use crate::output::github::{escape_data, escape_property};

/// An output format of `openapi-check diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffFormat {
    /// Plain text, one change per line with its places.
    Text,
    /// Markdown for a pull-request comment.
    Markdown,
    /// JSON.
    Json,
    /// GitHub Actions workflow commands.
    Github,
}

impl std::str::FromStr for DiffFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" | "human" => Ok(DiffFormat::Text),
            "markdown" => Ok(DiffFormat::Markdown),
            "json" => Ok(DiffFormat::Json),
            "github" => Ok(DiffFormat::Github),
            other => Err(format!(
                "unknown format {other:?} (text, markdown, json, github)"
            )),
        }
    }
}

const LEVELS: [(Level, &str); 3] = [
    (Level::Breaking, "Breaking"),
    (Level::PotentiallyBreaking, "Potentially breaking"),
    (Level::NonBreaking, "Non-breaking"),
];

fn at(place: &Place) -> String {
    match place.span {
        Some(span) => format!("{}:{}:{}", place.file, span.start.line, span.start.column),
        None => place.file.clone(),
    }
}

fn summary(report: &DiffReport) -> String {
    if report.changes.is_empty() {
        return "No changes to the API.".into();
    }
    format!(
        "{} breaking, {} potentially breaking, {} non-breaking change(s)",
        report.count(Level::Breaking),
        report.count(Level::PotentiallyBreaking),
        report.count(Level::NonBreaking)
    )
}

fn title(change: &Change) -> String {
    match &change.operation {
        Some(op) => format!("{op}: {}", change.message),
        None => change.message.clone(),
    }
}

/// Renders a report.
pub fn render(report: &DiffReport, format: DiffFormat) -> String {
    let mut out = String::new();
    match format {
        DiffFormat::Text => {
            for c in &report.changes {
                let _ = writeln!(out, "{:<20} {:<40} {}", c.level.as_str(), c.rule, title(c));
                let places: Vec<String> = [
                    c.old.as_ref().map(|p| format!("old {}", at(p))),
                    c.new.as_ref().map(|p| format!("new {}", at(p))),
                ]
                .into_iter()
                .flatten()
                .collect();
                let _ = writeln!(out, "{:<20} {}", "", places.join("  "));
            }
            let _ = writeln!(out, "{}", summary(report));
        }
        DiffFormat::Markdown => {
            let icon = if report.count(Level::Breaking) > 0 {
                "🔴"
            } else if report.count(Level::PotentiallyBreaking) > 0 {
                "🟡"
            } else {
                "🟢"
            };
            let _ = writeln!(
                out,
                "{icon} **API changes: {}** (`{}` → `{}`)\n",
                summary(report),
                report.old_file,
                report.new_file
            );
            for (level, heading) in LEVELS {
                let changes: Vec<&Change> =
                    report.changes.iter().filter(|c| c.level == level).collect();
                if changes.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "### {heading} ({})\n", changes.len());
                for c in changes {
                    let places: Vec<String> = [
                        c.old.as_ref().map(|p| format!("old `{}`", at(p))),
                        c.new.as_ref().map(|p| format!("new `{}`", at(p))),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    let _ = writeln!(
                        out,
                        "- `{}` `{}` {} ({})",
                        c.id,
                        c.rule.as_str(),
                        title(c).replace('|', "\\|"),
                        places.join(", ")
                    );
                }
                out.push('\n');
            }
        }
        DiffFormat::Json => {
            let doc = serde_json::json!({
                "version": 1,
                "old": report.old_file,
                "new": report.new_file,
                "summary": {
                    "breaking": report.count(Level::Breaking),
                    "potentially-breaking": report.count(Level::PotentiallyBreaking),
                    "non-breaking": report.count(Level::NonBreaking),
                },
                "changes": report.changes,
            });
            out = serde_json::to_string_pretty(&doc).unwrap_or_default();
            out.push('\n');
        }
        DiffFormat::Github => {
            for c in &report.changes {
                let command = match c.level {
                    Level::Breaking => "error",
                    Level::PotentiallyBreaking => "warning",
                    Level::NonBreaking => "notice",
                };
                let place = c.new.as_ref().or(c.old.as_ref());
                let mut props = String::new();
                if let Some(p) = place {
                    let _ = write!(props, "file={}", escape_property(&p.file));
                    if let Some(span) = p.span {
                        let _ =
                            write!(props, ",line={},col={}", span.start.line, span.start.column);
                    }
                    props.push(',');
                }
                let _ = writeln!(
                    out,
                    "::{command} {props}title={}::{}",
                    escape_property(c.rule.as_str()),
                    escape_data(&title(c))
                );
            }
        }
    }
    out
}
