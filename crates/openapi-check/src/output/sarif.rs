//! SARIF 2.1.0 (OASIS), the format code-scanning services ingest.

use serde_json::{Value, json};

use crate::check::FileReport;
use crate::finding::Severity;
use crate::rules::RULES;

pub fn render(reports: &[FileReport]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": {"text": r.doc},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        for f in &report.findings {
            let mut location = json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(&f.file)},
                },
                "logicalLocations": [{"fullyQualifiedName": f.pointer, "kind": "member"}],
            });
            if let Some(span) = f.span {
                location["physicalLocation"]["region"] = json!({
                    "startLine": span.start.line,
                    "startColumn": span.start.column,
                    "endLine": span.end.line.max(span.start.line),
                    "endColumn": if span.end > span.start { span.end.column } else { span.start.column + 1 },
                });
            }
            results.push(json!({
                "ruleId": f.rule,
                "ruleIndex": RULES.iter().position(|r| r.id == f.rule),
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [location],
            }));
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "openapi-check",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/example/gaussdb-backup",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A relative URI reference for a path (forward slashes, spaces escaped).
fn uri(path: &str) -> String {
    path.replace('\\', "/").replace(' ', "%20")
}
