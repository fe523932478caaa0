//! `cargo xtask review --base REV [--out DIR] [--repo-url URL]`: what a
//! reviewer reads instead of the spec's YAML diff. Written to
//! `DIR/review.md` (Markdown for the job summary and the PR comment) and
//! `DIR/review.json`; the command fails, after writing both, when the semver
//! gate fails.
//!
//! The Markdown gives, in order: the verdict and the semver decision; each
//! changed operation with its generated Rust items and a table of its
//! changes (rule, what, before and after, each linked to its line in the
//! base and the head file); the change of every other file in lines; the
//! Rust API verdict against the last release.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use openapi_check::diff::{Change, DiffRule, Level, Place, diff};
use openapi_check::{Source, parse};
use serde_json::Value;

use crate::diff::git_show;
use crate::public_api::{ApiDiff, PACKAGE};
use crate::release::{self, Bump, Gate};
use crate::spec::SPEC_PATH;
use crate::{api_changes, client_methods};

/// The marker the comment job finds its own comment by.
pub const MARKER: &str = "<!-- gaussdb-backup spec review -->";

pub fn run(root: &Path, base: &str, out: &Path, repo_url: Option<&str>) -> Result<()> {
    let base_sha = rev_parse(root, base)?;
    let head_sha = rev_parse(root, "HEAD")?;
    let old_text = git_show(root, &base_sha, SPEC_PATH)?;
    let new_text = std::fs::read_to_string(root.join(SPEC_PATH)).context("cannot read the spec")?;
    let report = diff(
        &Source::new(SPEC_PATH, old_text.clone()),
        &Source::new(SPEC_PATH, new_text.clone()),
    )?;
    let docs = Docs {
        old: parse(&old_text, openapi_check::Format::Yaml)
            .map(|p| p.value)
            .unwrap_or(Value::Null),
        new: parse(&new_text, openapi_check::Format::Yaml)
            .map(|p| p.value)
            .unwrap_or(Value::Null),
    };
    let gate = release::gate(root, true)?;
    let files = numstat(root, &base_sha)?;
    let links = Links {
        repo: repo_url.map(|u| u.trim_end_matches('/').to_owned()),
        base: base_sha.clone(),
        head: head_sha.clone(),
    };
    let methods = client_methods::by_operation(root)?;
    let markdown = render(&Review {
        changes: &report.changes,
        docs: &docs,
        gate: &gate,
        files: &files,
        links: &links,
        methods: &methods,
    });
    let out_dir = if out.is_absolute() {
        out.to_path_buf()
    } else {
        root.join(out)
    };
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    std::fs::write(out_dir.join("review.md"), &markdown)?;
    let json = serde_json::json!({
        "base": base_sha,
        "head": head_sha,
        "pass": gate.failure.is_none(),
        "failure": gate.failure,
        "breaking": report.count(Level::Breaking),
        "potentially_breaking": report.count(Level::PotentiallyBreaking),
        "non_breaking": report.count(Level::NonBreaking),
        "required_bump": gate.assessment.as_ref().map(|a| a.required()),
    });
    std::fs::write(
        out_dir.join("review.json"),
        serde_json::to_string_pretty(&json)? + "\n",
    )?;
    eprintln!("wrote {}", out_dir.join("review.md").display());
    if let Some(why) = gate.failure {
        bail!("{why}");
    }
    Ok(())
}

fn rev_parse(root: &Path, rev: &str) -> Result<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--verify", &format!("{rev}^{{commit}}")])
        .current_dir(root)
        .output()
        .context("cannot run git")?;
    if !out.status.success() {
        bail!(
            "{rev} is not a commit: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// Lines added and removed per file between the base and HEAD, except the
/// spec itself; `generated` when the head file says it is.
struct FileChange {
    path: String,
    added: Option<u64>,
    removed: Option<u64>,
    generated: bool,
}

fn numstat(root: &Path, base: &str) -> Result<Vec<FileChange>> {
    let out = Command::new("git")
        .args([
            "diff",
            "--numstat",
            base,
            "HEAD",
            "--",
            ".",
            ":(exclude)openapi",
        ])
        .current_dir(root)
        .output()
        .context("cannot run git diff")?;
    if !out.status.success() {
        bail!(
            "git diff --numstat: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, '\t');
            let (a, r, p) = (parts.next()?, parts.next()?, parts.next()?);
            let generated = std::fs::read_to_string(root.join(p))
                .is_ok_and(|t| t.lines().take(3).any(|l| l.contains("@generated")));
            Some(FileChange {
                path: p.to_owned(),
                added: a.parse().ok(),
                removed: r.parse().ok(),
                generated,
            })
        })
        .collect())
}

struct Docs {
    old: Value,
    new: Value,
}

struct Links {
    repo: Option<String>,
    base: String,
    head: String,
}

impl Links {
    /// `file:line`, a link to the line at the commit when the repository's
    /// address is known.
    fn place(&self, place: &Place, old: bool) -> String {
        let Some(span) = place.span else {
            return format!("`{}`", place.pointer);
        };
        let line = span.start.line;
        let text = format!("{}:{line}", place.file);
        match &self.repo {
            Some(repo) => format!(
                "[{text}]({repo}/blob/{}/{}#L{line})",
                if old { &self.base } else { &self.head },
                place.file
            ),
            None => format!("`{text}`"),
        }
    }
}

fn icon(level: Level) -> &'static str {
    match level {
        Level::Breaking => "🔴",
        Level::PotentiallyBreaking => "🟡",
        Level::NonBreaking => "🟢",
    }
}

fn bump_word(b: Bump) -> &'static str {
    match b {
        Bump::None => "none",
        Bump::Compatible => "compatible",
        Bump::Breaking => "breaking",
    }
}

/// What the review is written from.
struct Review<'a> {
    changes: &'a [Change],
    docs: &'a Docs,
    gate: &'a Gate,
    files: &'a [FileChange],
    links: &'a Links,
    /// The hand-written `Client` methods that call each operation.
    methods: &'a BTreeMap<String, Vec<String>>,
}

/// The review's Markdown: the heading, the semver decision, the changes
/// per operation, the generated code, the Rust API.
fn render(r: &Review<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{MARKER}");
    heading(&mut out, r.changes, r.gate);
    semver_section(&mut out, r.gate);
    changes_section(&mut out, r);
    generated_section(&mut out, r.files);
    rust_api_section(&mut out, r.gate);
    out
}

/// The heading, its colour that of the semver verdict: red when the spec or
/// the Rust API needs a breaking release, yellow for a potentially breaking
/// spec change, green for a compatible one.
fn heading(out: &mut String, changes: &[Change], gate: &Gate) {
    let count = |l: Level| changes.iter().filter(|c| c.level == l).count();
    let worst = changes.iter().map(|c| c.level).min();
    let api = gate
        .assessment
        .as_ref()
        .and_then(|a| a.api.as_ref())
        .map(ApiDiff::bump);
    let icon = match (worst, api) {
        (Some(Level::Breaking), _) | (_, Some(Bump::Breaking)) => "🔴",
        (Some(Level::PotentiallyBreaking), _) => "🟡",
        (Some(Level::NonBreaking), _) | (_, Some(Bump::Compatible)) => "🟢",
        _ => "⚪",
    };
    let rust = api.map_or(String::new(), |b| format!("; Rust API: {}", bump_word(b)));
    let _ = writeln!(
        out,
        "## {icon} Spec review: {} breaking, {} potentially breaking, {} non-breaking change(s){rust}\n",
        count(Level::Breaking),
        count(Level::PotentiallyBreaking),
        count(Level::NonBreaking)
    );
}

fn changes_section(out: &mut String, r: &Review<'_>) {
    let _ = writeln!(
        out,
        "### Changes in this pull request\n\n`{SPEC_PATH}` at the base `{}` → the head `{}`.\n",
        short(&r.links.base),
        short(&r.links.head)
    );
    if r.changes.is_empty() {
        out.push_str("No change to the API.\n\n");
    }
    let mut by_op: BTreeMap<Option<&str>, Vec<&Change>> = BTreeMap::new();
    for c in r.changes {
        by_op.entry(c.operation.as_deref()).or_default().push(c);
    }
    for (op, list) in by_op {
        operation_section(out, r, op, &list);
    }
}

/// One operation's changes: its title, the Rust items users call and the
/// generated ones, and a table of the changes.
fn operation_section(out: &mut String, r: &Review<'_>, op: Option<&str>, list: &[&Change]) {
    let (title, mut items) = match op {
        Some(op) => {
            let id = operation_id(r.docs, list[0]);
            let title = match &id {
                Some(id) => format!("`{op}` (`{id}`)"),
                None => format!("`{op}`"),
            };
            let items = id
                .map(|id| operation_items(&id, r.methods))
                .unwrap_or_default();
            (title, items)
        }
        None => ("Outside operations".to_owned(), Vec::new()),
    };
    let _ = writeln!(out, "#### {title}\n");
    for c in list {
        for item in schema_items(c) {
            if !items.contains(&item) {
                items.push(item);
            }
        }
    }
    if !items.is_empty() {
        let shown: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
        let _ = writeln!(out, "Generated Rust: {}\n", shown.join(", "));
    }
    out.push_str("| | rule | what changed | before | after |\n|---|---|---|---|---|\n");
    for c in list {
        let (before, after) = before_after(c, r.docs);
        let cell = |value: Option<String>, place: Option<&Place>, old: bool| {
            let value = value.map(|v| format!("`{}`", cell_escape(&v)));
            let place = place.map(|p| r.links.place(p, old));
            match (value, place) {
                (Some(v), Some(p)) => format!("{v}<br>{p}"),
                (Some(v), None) => v,
                (None, Some(p)) => p,
                (None, None) => "—".into(),
            }
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} |",
            icon(c.level),
            c.rule,
            cell_escape(&c.message),
            cell(before, c.old.as_ref(), true),
            cell(after, c.new.as_ref(), false),
        );
    }
    out.push('\n');
}

fn generated_section(out: &mut String, files: &[FileChange]) {
    out.push_str("### Generated code\n\n");
    let (generated, other): (Vec<&FileChange>, Vec<&FileChange>) =
        files.iter().partition(|f| f.generated);
    if generated.is_empty() {
        out.push_str("No generated file changed.\n\n");
    } else {
        out.push_str("| generated file | lines added | lines removed |\n|---|---:|---:|\n");
        for f in generated {
            let n = |v: Option<u64>| v.map_or("binary".to_owned(), |v| v.to_string());
            let _ = writeln!(out, "| `{}` | {} | {} |", f.path, n(f.added), n(f.removed));
        }
        out.push('\n');
    }
    if !other.is_empty() {
        let lines: u64 = other
            .iter()
            .map(|f| f.added.unwrap_or(0) + f.removed.unwrap_or(0))
            .sum();
        let _ = writeln!(
            out,
            "Other files outside `openapi/`: {} ({lines} lines changed).\n",
            other.len()
        );
    }
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(10)]
}

fn cell_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn semver_section(out: &mut String, gate: &Gate) {
    match (&gate.assessment, &gate.failure) {
        (Some(a), failure) => {
            let verdict = if failure.is_some() {
                "❌ fails"
            } else {
                "✅ passes"
            };
            let _ = writeln!(
                out,
                "**Semver: {verdict}.** Against the release {} (`openapi/released/`):\n",
                a.released
            );
            out.push_str("| | bump needed |\n|---|---|\n");
            let _ = writeln!(out, "| spec (wire) | {} |", bump_word(a.spec_bump()));
            let _ = writeln!(
                out,
                "| Rust API of `{PACKAGE}` | {} |",
                bump_word(a.api_bump())
            );
            let _ = writeln!(
                out,
                "| **needed** | **{}** (at least {}) |",
                bump_word(a.required()),
                a.required().apply(&a.released)
            );
            let _ = writeln!(out, "| `{PACKAGE}` version | {} |\n", a.current);
        }
        (None, _) => out.push_str("**Semver: ❌ fails.**\n\n"),
    }
    if let Some(why) = &gate.failure {
        let _ = writeln!(out, "> [!CAUTION]\n> {}\n", why.replace('\n', "\n> "));
    }
}

fn rust_api_section(out: &mut String, gate: &Gate) {
    let _ = writeln!(out, "### Rust API of `{PACKAGE}`\n");
    let Some(a) = &gate.assessment else {
        out.push_str("Not compared (see the semver decision above).\n");
        return;
    };
    let Some(api) = &a.api else {
        out.push_str("Not checked.\n");
        return;
    };
    let described = api_changes::describe(api);
    let breaking = described.iter().filter(|c| c.breaking).count();
    let _ = writeln!(
        out,
        "Against the release {}: **{}** — {breaking} item(s) changed in a way that breaks callers, \
         {} added or extended.\n",
        a.released,
        bump_word(api.bump()),
        described.len() - breaking
    );
    for (title, want) in [("Breaking", true), ("Compatible", false)] {
        let items: Vec<&api_changes::ItemChange> =
            described.iter().filter(|c| c.breaking == want).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:\n");
        for c in items.iter().take(100) {
            let _ = writeln!(out, "- {}", c.markdown());
        }
        if items.len() > 100 {
            let _ = writeln!(out, "- … and {} more", items.len() - 100);
        }
        out.push('\n');
    }
}

/// The operationId of the change's operation (`POST /path`), from the new
/// document or else the old one.
fn operation_id(docs: &Docs, c: &Change) -> Option<String> {
    let (method, path) = c.operation.as_deref()?.split_once(' ')?;
    let method = method.to_lowercase();
    [&docs.new, &docs.old].into_iter().find_map(|doc| {
        doc.get("paths")?
            .get(path)?
            .get(&method)?
            .get("operationId")?
            .as_str()
            .map(str::to_owned)
    })
}

/// The `Client` methods users call for an operation (the hand-written
/// layer), then what progenitor generates for it (`Client::raw()`'s method
/// and its builder).
fn operation_items(operation_id: &str, methods: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut items = methods.get(operation_id).cloned().unwrap_or_default();
    items.push(format!("raw::Client::{}", snake(operation_id)));
    items.push(format!("builder::{operation_id}"));
    items
}

fn snake(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::new();
    for (i, ch) in chars.iter().enumerate() {
        if ch.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(ch.to_lowercase());
    }
    out
}

/// Generated types a change touches: `types::Name` for a component
/// schema, `types::Name::field` for its property.
fn schema_items(c: &Change) -> Vec<String> {
    let mut out = Vec::new();
    for p in [c.old.as_ref(), c.new.as_ref()].into_iter().flatten() {
        let parts: Vec<String> = p
            .pointer
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        if let Some(i) = parts.iter().position(|s| s == "schemas")
            && parts.get(i - 1).is_some_and(|s| s == "components")
            && let Some(name) = parts.get(i + 1)
        {
            let item = match (parts.get(i + 2).map(String::as_str), parts.get(i + 3)) {
                (Some("properties"), Some(field)) => format!("types::{name}::{field}"),
                _ => format!("types::{name}"),
            };
            if !out.contains(&item) {
                out.push(item);
            }
        }
    }
    out
}

/// The compared values of a change, as its rule's entry in [`SHOWN`] says.
fn before_after(c: &Change, docs: &Docs) -> (Option<String>, Option<String>) {
    let at = |doc: &Value, p: Option<&Place>| p.and_then(|p| doc.pointer(&p.pointer)).cloned();
    let (old, new) = (at(&docs.old, c.old.as_ref()), at(&docs.new, c.new.as_ref()));
    let (old, new) = (old.as_ref(), new.as_ref());
    match shown(c.rule) {
        Shown::Keyword(k) => (
            old.and_then(|v| v.get(k)).map(compact),
            new.and_then(|v| v.get(k)).map(compact),
        ),
        Shown::TypeAndFormat => type_and_format(old, new),
        Shown::Words(before, after) => (Some(before.into()), Some(after.into())),
        Shown::Nodes => (old.map(summary), new.map(summary)),
        Shown::Added => (None, new.map(summary)),
        Shown::Removed => (old.map(summary), None),
    }
}

/// What the before and after cells of a change show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    /// The keyword the rule is about, on each side.
    Keyword(&'static str),
    /// The type with its format, on each side.
    TypeAndFormat,
    /// Fixed words (`optional` → `required`): the node itself says nothing.
    Words(&'static str, &'static str),
    /// The node on each side, in one line.
    Nodes,
    /// The added node only.
    Added,
    /// The removed node only.
    Removed,
}

/// What a rule's cells show; a rule missing from [`SHOWN`] shows both nodes
/// (`tests::every_rule_is_shown_once` fails first).
fn shown(rule: DiffRule) -> Shown {
    SHOWN
        .iter()
        .find(|(_, rules)| rules.contains(&rule))
        .map_or(Shown::Nodes, |(shown, _)| *shown)
}

/// Every rule of the diff with what its cells show: a table rather than a
/// match, so that each family reads as one entry. Every rule is in it exactly
/// once (`tests::every_rule_is_shown_once`).
const SHOWN: &[(Shown, &[DiffRule])] = {
    use DiffRule as R;
    &[
        (
            Shown::Keyword("maxLength"),
            &[
                R::RequestParameterMaxLengthDecreased,
                R::RequestParameterMaxLengthIncreased,
                R::RequestParameterMaxLengthSet,
                R::RequestPropertyMaxLengthDecreased,
                R::RequestPropertyMaxLengthIncreased,
                R::RequestPropertyMaxLengthSet,
                R::ResponsePropertyMaxLengthIncreased,
                R::ResponsePropertyMaxLengthDecreased,
            ],
        ),
        (
            Shown::Keyword("minLength"),
            &[
                R::RequestParameterMinLengthIncreased,
                R::RequestParameterMinLengthDecreased,
                R::RequestPropertyMinLengthIncreased,
                R::RequestPropertyMinLengthDecreased,
                R::ResponsePropertyMinLengthDecreased,
                R::ResponsePropertyMinLengthIncreased,
            ],
        ),
        (
            Shown::Keyword("maximum"),
            &[
                R::RequestParameterMaxDecreased,
                R::RequestParameterMaxIncreased,
                R::RequestParameterMaxSet,
                R::RequestPropertyMaxDecreased,
                R::RequestPropertyMaxIncreased,
                R::RequestPropertyMaxSet,
                R::ResponsePropertyMaxIncreased,
                R::ResponsePropertyMaxDecreased,
            ],
        ),
        (
            Shown::Keyword("minimum"),
            &[
                R::RequestParameterMinIncreased,
                R::RequestParameterMinDecreased,
                R::RequestParameterMinSet,
                R::RequestPropertyMinIncreased,
                R::RequestPropertyMinDecreased,
                R::RequestPropertyMinSet,
                R::ResponsePropertyMinDecreased,
                R::ResponsePropertyMinIncreased,
            ],
        ),
        (
            Shown::Keyword("maxItems"),
            &[
                R::RequestParameterMaxItemsDecreased,
                R::RequestParameterMaxItemsIncreased,
                R::RequestPropertyMaxItemsDecreased,
                R::RequestPropertyMaxItemsIncreased,
                R::ResponsePropertyMaxItemsIncreased,
                R::ResponsePropertyMaxItemsDecreased,
            ],
        ),
        (
            Shown::Keyword("minItems"),
            &[
                R::RequestParameterMinItemsIncreased,
                R::RequestParameterMinItemsDecreased,
                R::RequestParameterMinItemsSet,
                R::RequestPropertyMinItemsIncreased,
                R::RequestPropertyMinItemsDecreased,
                R::RequestPropertyMinItemsSet,
                R::ResponsePropertyMinItemsDecreased,
                R::ResponsePropertyMinItemsIncreased,
            ],
        ),
        (
            Shown::Keyword("pattern"),
            &[
                R::RequestParameterPatternAdded,
                R::RequestParameterPatternChanged,
                R::RequestParameterPatternRemoved,
                R::RequestPropertyPatternAdded,
                R::RequestPropertyPatternChanged,
                R::RequestPropertyPatternRemoved,
                R::ResponsePropertyPatternAdded,
                R::ResponsePropertyPatternChanged,
                R::ResponsePropertyPatternRemoved,
            ],
        ),
        (
            Shown::TypeAndFormat,
            &[
                R::RequestParameterTypeChanged,
                R::RequestParameterTypeGeneralized,
                R::RequestPropertyTypeChanged,
                R::RequestPropertyTypeGeneralized,
                R::ResponsePropertyTypeChanged,
                R::ResponsePropertyTypeGeneralized,
                R::ResponsePropertyTypeSpecialized,
                R::ResponseHeaderTypeChanged,
            ],
        ),
        (
            Shown::Keyword("enum"),
            &[
                R::RequestParameterEnumValueRemoved,
                R::RequestParameterEnumValueAdded,
                R::RequestParameterBecameEnum,
                R::RequestPropertyEnumValueRemoved,
                R::RequestPropertyEnumValueAdded,
                R::RequestPropertyBecameEnum,
                R::ResponsePropertyEnumValueAdded,
                R::ResponsePropertyEnumValueRemoved,
            ],
        ),
        (
            Shown::Keyword("x-extensible-enum"),
            &[
                R::RequestParameterXExtensibleEnumValueRemoved,
                R::RequestPropertyXExtensibleEnumValueRemoved,
            ],
        ),
        (
            Shown::Keyword("default"),
            &[
                R::RequestParameterDefaultValueChanged,
                R::RequestParameterDefaultValueAdded,
                R::RequestParameterDefaultValueRemoved,
                R::RequestPropertyDefaultValueChanged,
                R::RequestPropertyDefaultValueAdded,
                R::RequestPropertyDefaultValueRemoved,
                R::ResponsePropertyDefaultValueChanged,
                R::ResponsePropertyDefaultValueAdded,
                R::ResponsePropertyDefaultValueRemoved,
            ],
        ),
        (
            Shown::Keyword("nullable"),
            &[
                R::RequestParameterBecameNullable,
                R::RequestParameterBecameNotNullable,
                R::RequestPropertyBecameNullable,
                R::RequestPropertyBecameNotNullable,
                R::ResponsePropertyBecameNullable,
                R::ResponsePropertyBecameNotNullable,
                R::ResponseHeaderBecameNullable,
            ],
        ),
        (
            Shown::Keyword("discriminator"),
            &[
                R::RequestPropertyDiscriminatorAdded,
                R::RequestPropertyDiscriminatorRemoved,
                R::RequestPropertyDiscriminatorPropertyNameChanged,
                R::RequestPropertyDiscriminatorMappingChanged,
                R::ResponsePropertyDiscriminatorAdded,
                R::ResponsePropertyDiscriminatorRemoved,
                R::ResponsePropertyDiscriminatorPropertyNameChanged,
                R::ResponsePropertyDiscriminatorMappingChanged,
            ],
        ),
        (
            Shown::Keyword("deprecated"),
            &[
                R::EndpointDeprecated,
                R::EndpointReactivated,
                R::RequestParameterDeprecated,
                R::RequestParameterReactivated,
                R::RequestPropertyDeprecated,
                R::RequestPropertyReactivated,
                R::ResponsePropertyDeprecated,
                R::ResponsePropertyReactivated,
                R::ApiDeprecatedSunsetMissing,
                R::RequestParameterDeprecatedSunsetMissing,
                R::RequestPropertyDeprecatedSunsetMissing,
                R::ResponsePropertyDeprecatedSunsetMissing,
            ],
        ),
        (
            Shown::Keyword("x-sunset"),
            &[
                R::ApiSunsetDateTooSmall,
                R::SunsetDeleted,
                R::ApiSunsetDateChangedTooSmall,
                R::ApiSunsetChanged,
                R::RequestParameterSunsetDateTooSmall,
                R::RequestParameterSunsetDeleted,
                R::RequestParameterSunsetDateChangedTooSmall,
                R::RequestParameterSunsetChanged,
                R::RequestPropertySunsetDateTooSmall,
                R::ResponsePropertySunsetDateTooSmall,
            ],
        ),
        (
            Shown::Keyword("x-stability-level"),
            &[
                R::ApiStabilityDecreased,
                R::ApiStabilityIncreased,
                R::RequestPropertyStabilityDecreased,
                R::RequestPropertyStabilityIncreased,
                R::ResponsePropertyStabilityDecreased,
                R::ResponsePropertyStabilityIncreased,
            ],
        ),
        (
            Shown::Words("required", "optional"),
            &[
                R::ResponsePropertyBecameOptional,
                R::ResponseHeaderBecameOptional,
                R::RequestParameterBecameOptional,
                R::RequestPropertyBecameOptional,
                R::RequestBodyBecameOptional,
            ],
        ),
        (
            Shown::Words("optional", "required"),
            &[
                R::RequestPropertyBecameRequired,
                R::RequestParameterBecameRequired,
                R::RequestBodyBecameRequired,
                R::ResponsePropertyBecameRequired,
            ],
        ),
        (
            Shown::Nodes,
            &[
                R::ApiSecurityAdded,
                R::ApiSecurityRemoved,
                R::ApiSecurityScopeAdded,
                R::ApiSecurityScopeRemoved,
                R::ApiSecurityComponentChanged,
                R::RequestParameterListOfTypesWidened,
                R::RequestParameterListOfTypesNarrowed,
                R::RequestPropertyListOfTypesWidened,
                R::RequestPropertyListOfTypesNarrowed,
                R::ResponsePropertyListOfTypesWidened,
                R::ResponsePropertyListOfTypesNarrowed,
                R::RequestParameterConstraintChanged,
                R::RequestPropertyConstraintChanged,
                R::ResponsePropertyConstraintChanged,
                R::RequestBodyWrappedInOneOf,
                R::ResponseBodyWrappedInOneOf,
                R::ResponseMediaTypeNameGeneralized,
                R::ResponseMediaTypeNameSpecialized,
            ],
        ),
        (
            Shown::Added,
            &[
                R::EndpointAdded,
                R::NewOptionalRequestParameter,
                R::NewOptionalRequestProperty,
                R::NewRequiredRequestParameter,
                R::NewRequiredRequestProperty,
                R::ResponsePropertyAdded,
                R::ResponseSuccessStatusAdded,
                R::ResponseNonSuccessStatusAdded,
                R::ApiSecurityComponentAdded,
                R::RequestBodyAddedRequired,
                R::RequestBodyAddedOptional,
                R::RequestBodyMediaTypeAdded,
                R::RequestBodyMediaTypeSchemaAdded,
                R::ResponseMediaTypeAdded,
                R::ResponseBodyMediaTypeSchemaAdded,
                R::ResponseHeaderAdded,
                R::RequestPropertyOneOfAdded,
                R::RequestPropertyAnyOfAdded,
                R::RequestPropertyAllOfAdded,
                R::RequestPropertyAllOfAddedAnnotationOnly,
                R::ResponsePropertyOneOfAdded,
                R::ResponsePropertyAnyOfAdded,
                R::ResponsePropertyAllOfAdded,
                R::ResponsePropertyAllOfAddedAnnotationOnly,
            ],
        ),
        (
            Shown::Removed,
            &[
                R::ApiRemovedWithDeprecation,
                R::ApiRemovedWithoutDeprecation,
                R::ApiRemovedBeforeSunset,
                R::RequestParameterRemoved,
                R::RequestParameterRemovedBeforeSunset,
                R::RequestParameterRemovedWithDeprecation,
                R::RequestPropertyRemoved,
                R::ResponseOptionalPropertyRemoved,
                R::ResponseRequiredPropertyRemoved,
                R::ResponseSuccessStatusRemoved,
                R::ResponseNonSuccessStatusRemoved,
                R::ApiSecurityComponentRemoved,
                R::RequestBodyRemoved,
                R::RequestBodyMediaTypeRemoved,
                R::RequestBodyMediaTypeSchemaRemoved,
                R::ResponseMediaTypeRemoved,
                R::ResponseBodyMediaTypeSchemaRemoved,
                R::RequiredResponseHeaderRemoved,
                R::OptionalResponseHeaderRemoved,
                R::RequestPropertyOneOfRemoved,
                R::RequestPropertyAnyOfRemoved,
                R::RequestPropertyAllOfRemoved,
                R::RequestPropertyAllOfRemovedAnnotationOnly,
                R::ResponsePropertyOneOfRemoved,
                R::ResponsePropertyAnyOfRemoved,
                R::ResponsePropertyAllOfRemoved,
                R::ResponsePropertyAllOfRemovedAnnotationOnly,
            ],
        ),
    ]
};

/// A schema's type with its format (`string/date`), the keywords type
/// changes are about.
fn type_and_format(o: Option<&Value>, n: Option<&Value>) -> (Option<String>, Option<String>) {
    let show = |v: &Value| {
        let t = v.get("type").map(compact)?;
        Some(match v.get("format") {
            Some(f) => format!("{t}/{}", compact(f)),
            None => t,
        })
    };
    (o.and_then(show), n.and_then(show))
}

/// A node in one line: short values whole, objects by their telling keys.
fn summary(v: &Value) -> String {
    let Some(m) = v.as_object() else {
        return compact(v);
    };
    let keys = [
        "$ref",
        "type",
        "format",
        "enum",
        "in",
        "required",
        "description",
        "summary",
    ];
    let parts: Vec<String> = keys
        .iter()
        .filter_map(|k| m.get(*k).map(|x| format!("{k}: {}", compact(x))))
        .collect();
    if parts.is_empty() {
        compact(v)
    } else {
        truncate(&parts.join(", "))
    }
}

fn compact(v: &Value) -> String {
    truncate(&match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn truncate(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progenitor_method_names() {
        assert_eq!(
            snake("CreateGaussMySqlBackup"),
            "create_gauss_my_sql_backup"
        );
        assert_eq!(snake("ListBackups"), "list_backups");
        assert_eq!(snake("getV3Job"), "get_v3_job");
    }

    /// A new rule of the diff must be given its cells: the table replaces an
    /// exhaustive match, so this is what makes forgetting one fail.
    #[test]
    fn every_rule_is_shown_once() {
        for rule in DiffRule::ALL {
            let entries = SHOWN
                .iter()
                .filter(|(_, rules)| rules.contains(rule))
                .count();
            assert_eq!(entries, 1, "{rule}: in {entries} entries of SHOWN");
        }
    }
}
