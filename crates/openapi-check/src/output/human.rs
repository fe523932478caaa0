//! Codeframes in rustc's style, drawn by annotate-snippets (the renderer
//! rustc itself uses).

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use crate::check::FileReport;
use crate::finding::{Finding, Severity};
use crate::source::{LineIndex, Pos};

/// Lines of context shown at most for one finding.
const MAX_LINES: u32 = 4;

pub fn render(reports: &[FileReport], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    let (mut errors, mut warnings, mut others) = (0, 0, 0);
    for report in reports {
        let index = LineIndex::new(&report.source.text);
        for finding in &report.findings {
            match finding.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                _ => others += 1,
            }
            out.push_str(&frame(&renderer, &index, finding));
            out.push_str("\n\n");
        }
    }
    let files = reports.len();
    if errors + warnings + others == 0 {
        out.push_str(&format!("{files} file(s) checked: no problems\n"));
    } else {
        out.push_str(&format!(
            "{files} file(s) checked: {errors} error(s), {warnings} warning(s), {others} other\n"
        ));
    }
    out
}

fn frame(renderer: &Renderer, index: &LineIndex<'_>, finding: &Finding) -> String {
    let level = match finding.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::HELP,
    };
    let pointer_note = if finding.pointer.is_empty() {
        "at the document root".to_owned()
    } else {
        format!("at {}", finding.pointer)
    };
    let title = level
        .primary_title(finding.message.as_str())
        .id(finding.rule);
    let Some(span) = finding.span else {
        return renderer.render(&[
            title.element(Level::NOTE.message(format!("{}: {pointer_note}", finding.file)))
        ]);
    };
    let first = span.start.line.max(1);
    let last = span.end.line.max(first).min(first + MAX_LINES - 1);
    let mut excerpt = String::new();
    for line in first..=last {
        excerpt.push_str(index.line_text(line));
        excerpt.push('\n');
    }
    let start = offset_in(&excerpt, first, span.start);
    let end_pos = if span.end.line > last || span.end <= span.start {
        // Mark to the end of the first line for spans that run further.
        Pos {
            line: first,
            column: u32::MAX,
        }
    } else {
        span.end
    };
    let mut end = offset_in(&excerpt, first, end_pos).max(start);
    if end == start {
        end = (start + 1).min(excerpt.trim_end_matches('\n').len().max(start));
    }
    let snippet = Snippet::source(excerpt.clone())
        .line_start(first as usize)
        .path(finding.file.as_str())
        .annotation(AnnotationKind::Primary.span(start..end).label(pointer_note));
    renderer.render(&[title.element(snippet)])
}

/// Byte offset of `pos` within an excerpt that starts at line `first`.
fn offset_in(excerpt: &str, first: u32, pos: Pos) -> usize {
    let mut offset = 0;
    for (i, line) in excerpt.split_inclusive('\n').enumerate() {
        if first + i as u32 == pos.line {
            let text = line.trim_end_matches('\n');
            let col = (pos.column as usize).saturating_sub(1);
            return offset + text.char_indices().nth(col).map_or(text.len(), |(b, _)| b);
        }
        offset += line.len();
    }
    offset.min(excerpt.len())
}
