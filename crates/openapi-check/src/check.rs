//! One document from text to placed findings: parse, run the rules, apply
//! the config, then locate what was found.

use std::collections::HashSet;
use std::path::Path;

use crate::config::Config;
use crate::finding::Finding;
use crate::locate::locate;
use crate::parse::{Parsed, parse};
use crate::rules::{self, Raw, RuleId};
use crate::source::{Pos, Source, Span};

/// Options for a check.
#[derive(Clone, Debug)]
pub struct Options {
    /// Rule severities.
    pub config: Config,
    /// Files larger than this are refused (a `syntax-error` finding).
    pub max_file_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            config: Config::default(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// The default input size limit: 64 MiB, five times GitHub's 13 MB
/// description, the largest public OpenAPI document in common use.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Documents at least this large are checked on two threads: below it, a
/// thread costs more than it saves (a thread start is tens of microseconds;
/// checking 256 KiB of JSON takes milliseconds).
const PARALLEL_FROM_BYTES: usize = 256 * 1024;

/// The findings for one document.
#[derive(Debug)]
pub struct FileReport {
    /// The document checked.
    pub source: Source,
    /// What was found, in source order.
    pub findings: Vec<Finding>,
    /// The file could not be read or parsed: the run exits with 2.
    pub unreadable: bool,
}

/// Reads and checks one file. Never fails: an unreadable file is a report
/// with one `syntax-error` finding.
pub fn check_path(path: &Path, options: &Options) -> FileReport {
    check_path_keeping(path, options).0
}

/// [`check_path`], handing back the parsed document as well (`None` when
/// the file could not be read or parsed), so that the caller decides when it
/// is freed: a program about to exit need not free it at all, and freeing
/// the tree of a large document costs a tenth of its check.
pub fn check_path_keeping(path: &Path, options: &Options) -> (FileReport, Option<Parsed>) {
    let name = path.display().to_string();
    let unreadable = |message: String| FileReport {
        source: Source::new(name.clone(), String::new()),
        findings: vec![Finding {
            rule: RuleId::SyntaxError.as_str(),
            severity: crate::finding::Severity::Error,
            message,
            file: name.clone(),
            pointer: String::new(),
            span: None,
        }],
        unreadable: true,
    };
    match std::fs::metadata(path) {
        Err(e) => return (unreadable(format!("cannot read {name}: {e}")), None),
        Ok(meta) if meta.is_dir() => return (unreadable(format!("{name} is a directory")), None),
        Ok(meta) if meta.len() > options.max_file_bytes => {
            let message = format!(
                "{name} is {} bytes, more than the limit of {} bytes (--max-file-size)",
                meta.len(),
                options.max_file_bytes
            );
            return (unreadable(message), None);
        }
        Ok(_) => {}
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return (unreadable(format!("cannot read {name}: {e}")), None),
    };
    let mut source = match String::from_utf8(bytes) {
        Ok(text) => Source::new(name.clone(), text),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let pos = crate::source::LineIndex::new(&prefix).pos(valid);
            let mut report = unreadable(format!("the file is not valid UTF-8 (byte {valid})"));
            report.findings[0].span = Some(Span {
                start: pos,
                end: pos,
            });
            report.source = Source::new(name.clone(), prefix);
            return (report, None);
        }
    };
    source.path = Some(path.to_path_buf());
    check_source_keeping(source, options)
}

/// Checks a document already in memory.
pub fn check_source(source: Source, options: &Options) -> FileReport {
    check_source_keeping(source, options).0
}

/// [`check_source`], handing back the parsed document as well (`None` when
/// it does not parse; see [`check_path_keeping`]): a caller that goes on to
/// use the document need not parse it a second time.
pub fn check_source_keeping(source: Source, options: &Options) -> (FileReport, Option<Parsed>) {
    let parsed = match parse(&source.text, source.format) {
        Ok(p) => p,
        Err(err) => {
            let span = err.pos.map(|p| Span { start: p, end: p });
            let finding = Finding {
                rule: RuleId::SyntaxError.as_str(),
                severity: crate::finding::Severity::Error,
                message: err.message,
                file: source.name.clone(),
                pointer: String::new(),
                span: Some(span.unwrap_or(Span {
                    start: Pos { line: 1, column: 1 },
                    end: Pos { line: 1, column: 1 },
                })),
            };
            let report = FileReport {
                source,
                findings: vec![finding],
                unreadable: true,
            };
            return (report, None);
        }
    };
    let mut raw: Vec<Raw> = parsed
        .duplicate_keys
        .iter()
        .map(|p| Raw {
            rule: RuleId::DuplicateKey,
            pointer: p.clone(),
            message: format!(
                "the key {:?} appears more than once in this mapping; only the last value is kept",
                crate::pointer::tokens(p).last().unwrap_or_default()
            ),
            at_key: true,
        })
        .collect();
    match rules::version_problem(&parsed.value) {
        Some((pointer, message)) => raw.push(Raw {
            rule: RuleId::UnsupportedVersion,
            pointer,
            message,
            at_key: false,
        }),
        None => {
            let base_dir = source.path.as_deref().and_then(Path::parent).map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            });
            let parallel = source.text.len() >= PARALLEL_FROM_BYTES;
            raw.extend(rules::run_all(&parsed.value, base_dir, parallel));
        }
    }
    let positions = parsed.positions.as_ref().map(|p| (p, &parsed.value));
    let findings = place(&source, positions, &options.config, raw);
    let report = FileReport {
        source,
        findings,
        unreadable: false,
    };
    (report, Some(parsed))
}

/// Applies the config, drops repeats, and gives each finding its span.
fn place(
    source: &Source,
    positions: Option<(&crate::yaml::Positions, &serde_json::Value)>,
    config: &Config,
    raw: Vec<Raw>,
) -> Vec<Finding> {
    let mut seen = HashSet::new();
    let kept: Vec<(Raw, crate::finding::Severity)> = raw
        .into_iter()
        .filter_map(|r| config.severity(r.rule.as_str()).map(|s| (r, s)))
        .filter(|(r, _)| seen.insert((r.rule, r.pointer.clone(), r.message.clone())))
        .collect();
    if kept.is_empty() {
        return Vec::new();
    }
    let wanted: Vec<&str> = kept.iter().map(|(r, _)| r.pointer.as_str()).collect();
    // YAML was placed by its one parse; JSON is scanned for the wanted
    // pointers only.
    let spans = locate(&source.text, positions, &wanted);
    let mut findings: Vec<Finding> = kept
        .into_iter()
        .map(|(r, severity)| {
            let located = spans.get(&r.pointer);
            // A finding about a whole mapping or sequence points at the key
            // that names it: one line, and the line a reader looks for.
            let span = located.map(|l| match l.key {
                Some(key) if r.at_key || l.container => key,
                _ => l.value,
            });
            Finding {
                rule: r.rule.as_str(),
                severity,
                message: r.message,
                file: source.name.clone(),
                pointer: r.pointer,
                span,
            }
        })
        .collect();
    findings.sort_by(|a, b| {
        (a.span.map(|s| s.start), a.rule, &a.pointer, &a.message).cmp(&(
            b.span.map(|s| s.start),
            b.rule,
            &b.pointer,
            &b.message,
        ))
    });
    findings
}
