//! JSON for tools: `{"version": 1, "files": [...], "summary": {...}}`.

use serde::Serialize;

use crate::check::FileReport;
use crate::finding::Severity;
use crate::source::Pos;

// The output is serialized straight from these borrowing structs, in the
// field order below, rather than built as a `serde_json::Value` first: a
// file with tens of thousands of findings (loket.nl.json: 6.6 MB of output)
// made that tree several times the size of the text, and it was the run's
// peak of memory.

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    tool: Tool,
    files: Vec<File<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct File<'a> {
    file: &'a str,
    readable: bool,
    findings: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Item<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    pointer: &'a str,
    start: Option<Pos>,
    end: Option<Pos>,
}

#[derive(Serialize)]
struct Summary {
    error: usize,
    warning: usize,
    info: usize,
    hint: usize,
}

pub fn render(reports: &[FileReport]) -> String {
    let mut counts = [0usize; 4];
    let files: Vec<File<'_>> = reports
        .iter()
        .map(|r| File {
            file: &r.source.name,
            readable: !r.unreadable,
            findings: r
                .findings
                .iter()
                .map(|f| {
                    counts[f.severity as usize] += 1;
                    Item {
                        rule: f.rule,
                        severity: f.severity,
                        message: &f.message,
                        pointer: &f.pointer,
                        start: f.span.map(|s| s.start),
                        end: f.span.map(|s| s.end),
                    }
                })
                .collect(),
        })
        .collect();
    let doc = Doc {
        version: 1,
        tool: Tool {
            name: "openapi-check",
            version: env!("CARGO_PKG_VERSION"),
        },
        files,
        summary: Summary {
            error: counts[Severity::Error as usize],
            warning: counts[Severity::Warning as usize],
            info: counts[Severity::Info as usize],
            hint: counts[Severity::Hint as usize],
        },
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
