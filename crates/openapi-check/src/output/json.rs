//! JSON for tools: `{"version": 1, "files": [...], "summary": {...}}`.

use serde_json::json;

use crate::check::FileReport;
use crate::finding::Severity;

pub fn render(reports: &[FileReport]) -> String {
    let mut counts = [0usize; 4];
    let files: Vec<_> = reports
        .iter()
        .map(|r| {
            let findings: Vec<_> = r
                .findings
                .iter()
                .map(|f| {
                    counts[f.severity as usize] += 1;
                    json!({
                        "rule": f.rule,
                        "severity": f.severity,
                        "message": f.message,
                        "pointer": f.pointer,
                        "start": f.span.map(|s| s.start),
                        "end": f.span.map(|s| s.end),
                    })
                })
                .collect();
            json!({"file": r.source.name, "readable": !r.unreadable, "findings": findings})
        })
        .collect();
    let doc = json!({
        "version": 1,
        "tool": {"name": "openapi-check", "version": env!("CARGO_PKG_VERSION")},
        "files": files,
        "summary": {
            "error": counts[Severity::Error as usize],
            "warning": counts[Severity::Warning as usize],
            "info": counts[Severity::Info as usize],
            "hint": counts[Severity::Hint as usize],
        }
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
