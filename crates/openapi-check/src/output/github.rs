//! GitHub Actions workflow commands: each finding becomes an annotation on
//! the pull request's diff.

use crate::check::FileReport;
use crate::finding::Severity;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for f in &report.findings {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            let mut props = format!("file={}", escape_property(&f.file));
            if let Some(span) = f.span {
                props.push_str(&format!(
                    ",line={},col={}",
                    span.start.line, span.start.column
                ));
                if span.end.line >= span.start.line && span.end > span.start {
                    props.push_str(&format!(
                        ",endLine={},endColumn={}",
                        span.end.line, span.end.column
                    ));
                }
            }
            props.push_str(&format!(",title={}", escape_property(f.rule)));
            let pointer = if f.pointer.is_empty() {
                String::new()
            } else {
                format!(" ({})", f.pointer)
            };
            out.push_str(&format!(
                "::{command} {props}::{}\n",
                escape_data(&format!("{}{pointer}", f.message))
            ));
        }
    }
    out
}

/// Escaping of the message part, as the Actions runner defines it.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of property values (`,` and `:` are separators there).
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_separators() {
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
    }
}
