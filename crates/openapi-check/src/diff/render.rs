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
    match format {
        DiffFormat::Text => text(report),
        DiffFormat::Markdown => markdown(report),
        DiffFormat::Json => json(report),
        DiffFormat::Github => github(report),
    }
}

/// A change's places: `old` and `new`, each with its place in `quote`s.
fn places(change: &Change, quote: &str) -> Vec<String> {
    [
        change
            .old
            .as_ref()
            .map(|p| format!("old {quote}{}{quote}", at(p))),
        change
            .new
            .as_ref()
            .map(|p| format!("new {quote}{}{quote}", at(p))),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// For a terminal: each change, its places under it, then the summary.
fn text(report: &DiffReport) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let _ = writeln!(out, "{:<20} {:<40} {}", c.level.as_str(), c.rule, title(c));
        let _ = writeln!(out, "{:<20} {}", "", places(c, "").join("  "));
    }
    let _ = writeln!(out, "{}", summary(report));
    out
}

/// For a pull-request comment: the verdict first, then a section per level.
fn markdown(report: &DiffReport) -> String {
    let mut out = String::new();
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
        let changes: Vec<&Change> = report.changes.iter().filter(|c| c.level == level).collect();
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {heading} ({})\n", changes.len());
        for c in changes {
            let _ = writeln!(
                out,
                "- `{}` `{}` {} ({})",
                c.id,
                c.rule.as_str(),
                title(c).replace('|', "\\|"),
                places(c, "`").join(", ")
            );
        }
        out.push('\n');
    }
    out
}

/// For tools: the summary's counts and every change.
fn json(report: &DiffReport) -> String {
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
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// GitHub Actions workflow commands: one annotation per change, at its new
/// place (its old one when it has none).
fn github(report: &DiffReport) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let command = match c.level {
            Level::Breaking => "error",
            Level::PotentiallyBreaking => "warning",
            Level::NonBreaking => "notice",
        };
        let mut props = String::new();
        if let Some(p) = c.new.as_ref().or(c.old.as_ref()) {
            let _ = write!(props, "file={}", escape_property(&p.file));
            if let Some(span) = p.span {
                let _ = write!(props, ",line={},col={}", span.start.line, span.start.column);
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
    out
}
