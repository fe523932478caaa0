//! `openapi-check diff OLD NEW`: every change between two versions of an
//! OpenAPI 3.0 document, classified as breaking, potentially breaking or
//! non-breaking for existing clients, with a stable rule id (oasdiff's ids,
//! where oasdiff has the check), a fingerprint, and its place in both files.
//!
//! It reuses the linter's parser and locator: documents are plain
//! `serde_json::Value`s, `$ref`s are followed across the files of the
//! document's folder (each pair of schemas compared once per operation), and
//! positions are computed only for the pointers that changes name. What the
//! differ cannot read or does not compare is an error, never a silent pass.
//!
//! One module per family of checks: `operations` and `lifecycle`,
//! `security`, `parameters`, `bodies`, `media` and `responses` (request
//! bodies, responses, headers, media types), `callbacks`, and the schema
//! comparison (`schema`, with `types`, `bounds`, `values`, `objects`,
//! `composition`).

mod bodies;
mod bounds;
mod callbacks;
mod composition;
mod differ;
mod documents;
mod fingerprint;
mod lifecycle;
mod media;
mod objects;
mod operations;
mod parameters;
mod policy;
mod render;
mod responses;
mod rules;
mod schema;
mod security;
mod site;
mod types;
mod values;

use std::collections::HashMap;

use serde::Serialize;

pub use policy::{DiffOptions, Stability};
pub use render::{DiffFormat, render};
pub use rules::DiffRule;

use crate::Error;
use crate::locate::Located;
use crate::source::{Source, Span};
use differ::Differ;
use documents::{Documents, Loc};

/// How a change affects existing clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Existing clients break.
    Breaking,
    /// Some clients may break (closed enums, a new credential, ...).
    PotentiallyBreaking,
    /// Existing clients keep working.
    NonBreaking,
}

impl Level {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::PotentiallyBreaking => "potentially-breaking",
            Level::NonBreaking => "non-breaking",
        }
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "breaking" => Ok(Level::Breaking),
            "potentially-breaking" => Ok(Level::PotentiallyBreaking),
            "non-breaking" => Ok(Level::NonBreaking),
            other => Err(format!(
                "unknown level {other:?} (breaking, potentially-breaking, non-breaking)"
            )),
        }
    }
}

/// Where a change is, in one of the two files (or in a file one of them
/// refers to).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The file.
    pub file: String,
    /// JSON pointer.
    pub pointer: String,
    /// Position, when it could be found.
    pub span: Option<Span>,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// A short fingerprint of the change (12 hexadecimal digits) that stays
    /// the same across commits while the change is the same: a hash of the
    /// rule, the operation and the message, not of positions.
    pub id: String,
    /// Stable rule id.
    pub rule: DiffRule,
    /// Effect on clients.
    pub level: Level,
    /// The operation, `POST /path`, when the change is inside one.
    pub operation: Option<String>,
    /// What changed, in one sentence.
    pub message: String,
    /// Where in the old document (absent for additions).
    pub old: Option<Place>,
    /// Where in the new document (absent for removals).
    pub new: Option<Place>,
}

/// All changes between two documents, most severe first.
#[derive(Clone, Debug, Serialize)]
pub struct DiffReport {
    /// The old document's name.
    pub old_file: String,
    /// The new document's name.
    pub new_file: String,
    /// The changes.
    pub changes: Vec<Change>,
}

impl DiffReport {
    /// How many changes of a level.
    pub fn count(&self, level: Level) -> usize {
        self.changes.iter().filter(|c| c.level == level).count()
    }
}

/// Compares two documents with the default policy ([`DiffOptions`]).
///
/// A document that does not parse is [`Error::Diff`]; one that cannot be
/// compared faithfully (not OpenAPI 3.0, a `$ref` that cannot be followed, a
/// change where the differ does not look) is [`Error::DiffInput`].
/// External `$ref`s are followed inside the folder of a [`Source`] read from
/// a file (its `path`).
pub fn diff(old: &Source, new: &Source) -> Result<DiffReport, Error> {
    diff_with(old, new, &DiffOptions::default())
}

/// [`diff`] under a team's deprecation and stability policy.
pub fn diff_with(old: &Source, new: &Source, options: &DiffOptions) -> Result<DiffReport, Error> {
    let old_docs = Documents::load(old)?;
    let new_docs = Documents::load(new)?;
    let mut differ = Differ::new(&old_docs, &new_docs, options);
    differ.run()?;
    let raw = differ.finish();
    let old_places = Placer::new(&old_docs, raw.iter().filter_map(|r| r.old.as_ref()));
    let new_places = Placer::new(&new_docs, raw.iter().filter_map(|r| r.new.as_ref()));
    let mut changes: Vec<Change> = raw
        .into_iter()
        .map(|r| Change {
            id: fingerprint::fingerprint(r.rule, r.operation.as_deref(), &r.message),
            rule: r.rule,
            level: r.level,
            operation: r.operation,
            message: r.message,
            old: r.old.map(|l| old_places.place(&old_docs, l)),
            new: r.new.map(|l| new_places.place(&new_docs, l)),
        })
        .collect();
    changes.sort_by(|a, b| {
        (a.level, &a.operation, a.rule.as_str(), &a.message).cmp(&(
            b.level,
            &b.operation,
            b.rule.as_str(),
            &b.message,
        ))
    });
    changes.dedup();
    Ok(DiffReport {
        old_file: old.name.clone(),
        new_file: new.name.clone(),
        changes,
    })
}

/// The positions of the places changes name, found in one pass per file.
struct Placer {
    spans: Vec<HashMap<String, Located>>,
}

impl Placer {
    fn new<'l>(docs: &Documents, wanted: impl Iterator<Item = &'l Loc>) -> Placer {
        let mut by_file: Vec<Vec<&str>> = vec![Vec::new(); docs.file_count()];
        for loc in wanted {
            by_file[loc.file].push(&loc.ptr);
        }
        let spans = by_file
            .iter()
            .enumerate()
            .map(|(file, ptrs)| {
                if ptrs.is_empty() {
                    return HashMap::new();
                }
                docs.locate(file, ptrs)
            })
            .collect();
        Placer { spans }
    }

    fn place(&self, docs: &Documents, loc: Loc) -> Place {
        let span = self.spans[loc.file]
            .get(&loc.ptr)
            .map(|l| l.key.unwrap_or(l.value));
        Place {
            file: docs.name(loc.file).to_owned(),
            pointer: loc.ptr,
            span,
        }
    }
}
