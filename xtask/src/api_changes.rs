//! The Rust API's changes in words, for the review, `cargo xtask diff` and
//! the changelog: "`types::Backup`: field `size: Option<i64>` added", not
//! two whole struct signatures.
//!
//! It reads the two listings' differing lines ([`ApiDiff`]), pairs what was
//! removed with what was added for the same item, and says what changed in
//! it. Whether a change breaks callers is the listing's verdict (a removed
//! line breaks; see `public_api.rs`), kept here per item. Left out as noise:
//! auto-trait impls (`Send`, `Sync`, `Unpin`, `UnwindSafe`,
//! `RefUnwindSafe`) that an item gains (a new type comes with them), and
//! the impls of an item that is itself new. An auto trait an existing type
//! loses is shown: that breaks callers.

use std::collections::{BTreeMap, BTreeSet};

use crate::public_api::ApiDiff;

const AUTO_TRAITS: &[&str] = &["Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"];

/// One changed item, described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemChange {
    /// Whether the change removes something callers may use.
    pub breaking: bool,
    /// The item, without the crate's name (`types::Backup`).
    pub item: String,
    /// The same item re-exported elsewhere with the same change.
    pub also: Vec<String>,
    /// What changed, in Markdown (for example: field `size: Option<i64>` added).
    pub what: String,
}

impl ItemChange {
    /// A Markdown list item.
    pub fn markdown(&self) -> String {
        let also = if self.also.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = self.also.iter().map(|a| format!("`{a}`")).collect();
            format!(" (also {})", list.join(", "))
        };
        format!("`{}`{also}: {}", self.item, self.what)
    }
}

/// A parsed listing line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    /// A struct or enum; `members` is `None` when it lists its fields or
    /// variants on lines of their own (`{ .. }`).
    Type {
        kind: &'static str,
        path: String,
        members: Option<Vec<String>>,
        text: String,
    },
    /// `pub field P.name: T` or `pub variant P::V`.
    Member { owner: String, member: String },
    /// `impl Trait for Type`.
    Impl { trait_: String, ty: String },
    /// Functions, methods and anything else: the item's path and its line.
    Item { path: String, text: String },
}

/// Describes every changed item, breaking ones first.
pub fn describe(diff: &ApiDiff) -> Vec<ItemChange> {
    let removed: Vec<Line> = diff.removed.iter().map(|l| parse(l)).collect();
    let added: Vec<Line> = diff.added.iter().map(|l| parse(l)).collect();
    let mut by_item: BTreeMap<String, Vec<(bool, String)>> = BTreeMap::new();
    let mut note = |item: &str, breaking: bool, what: String| {
        by_item
            .entry(short(item))
            .or_default()
            .push((breaking, what));
    };
    let new_items = new_items(&removed, &added);
    types(&removed, &added, &mut note);
    members(&removed, &added, &mut note);
    impls(&removed, &added, &new_items, &mut note);
    items(&removed, &added, &mut note);
    group(by_item)
}

/// Items only the new listing has (their impls are not listed one by one).
fn new_items(removed: &[Line], added: &[Line]) -> BTreeSet<String> {
    let path = |l: &Line| match l {
        Line::Type { path, .. } | Line::Item { path, .. } => Some(path.clone()),
        _ => None,
    };
    let old: BTreeSet<String> = removed.iter().filter_map(path).collect();
    added
        .iter()
        .filter_map(path)
        .filter(|p| !old.contains(p))
        .collect()
}

type Note<'a> = dyn FnMut(&str, bool, String) + 'a;

fn types(removed: &[Line], added: &[Line], note: &mut Note<'_>) {
    let find = |lines: &[Line], want: &str| {
        lines.iter().find_map(|l| match l {
            Line::Type {
                path,
                members,
                text,
                ..
            } if path == want => Some((members.clone(), text.clone())),
            _ => None,
        })
    };
    let closed = |text: &str| text.contains("{ .. }") || text.contains("#[non_exhaustive]");
    for line in removed {
        let Line::Type {
            path,
            kind,
            members,
            text,
        } = line
        else {
            continue;
        };
        let Some((new_members, new_text)) = find(added, path) else {
            note(path, true, format!("{kind} removed"));
            continue;
        };
        if !closed(text) && closed(&new_text) {
            let how = if *kind == "struct" {
                format!("build it with `{}::builder()`", short(path))
            } else {
                "a `match` needs a wildcard arm".to_owned()
            };
            note(path, true, format!("now `#[non_exhaustive]` ({how})"));
        }
        let old = members.clone().unwrap_or_else(|| members_of(removed, path));
        let new = new_members.unwrap_or_else(|| members_of(added, path));
        for what in member_changes(kind, &old, &new) {
            note(path, true, what);
        }
    }
    for line in added {
        if let Line::Type { path, kind, .. } = line
            && find(removed, path).is_none()
        {
            note(path, false, format!("{kind} added"));
        }
    }
}

/// The `pub field`/`pub variant` lines of `owner` in a listing's lines.
fn members_of(lines: &[Line], owner: &str) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| match l {
            Line::Member { owner: o, member } if o == owner => Some(member.clone()),
            _ => None,
        })
        .collect()
}

/// Fields (`name: T`) or variants added, removed or changed.
fn member_changes(kind: &str, old: &[String], new: &[String]) -> Vec<String> {
    let word = if kind == "enum" { "variant" } else { "field" };
    let name = |m: &str| m.split([':', '(', ' ', '{']).next().unwrap_or(m).to_owned();
    let mut out = Vec::new();
    for m in old {
        match new.iter().find(|n| name(n) == name(m)) {
            None => out.push(format!("{word} `{}` removed", short(m))),
            Some(n) if n != m => {
                out.push(format!("{word} `{}` changed to `{}`", short(m), short(n)))
            }
            Some(_) => {}
        }
    }
    for n in new {
        if !old.iter().any(|m| name(m) == name(n)) {
            out.push(format!("{word} `{}` added", short(n)));
        }
    }
    out
}

/// Field and variant lines of types that were already listed that way.
fn members(removed: &[Line], added: &[Line], note: &mut Note<'_>) {
    let header_changed = |owner: &str| {
        removed
            .iter()
            .chain(added)
            .any(|l| matches!(l, Line::Type { path, .. } if path == owner))
    };
    // A new or removed type is one change, not one per field.
    let owners: BTreeSet<&String> = removed
        .iter()
        .chain(added)
        .filter_map(|l| match l {
            Line::Member { owner, .. } if !header_changed(owner) => Some(owner),
            _ => None,
        })
        .collect();
    for owner in owners {
        let old = members_of(removed, owner);
        let new = members_of(added, owner);
        let kind = if old.iter().chain(&new).any(|m| !m.contains(':')) {
            "enum"
        } else {
            "struct"
        };
        for what in member_changes(kind, &old, &new) {
            let breaking = !what.ends_with(" added");
            note(owner, breaking, what);
        }
    }
}

fn impls(removed: &[Line], added: &[Line], new_items: &BTreeSet<String>, note: &mut Note<'_>) {
    let auto = |t: &str| AUTO_TRAITS.iter().any(|a| t.rsplit("::").next() == Some(a));
    for line in removed {
        if let Line::Impl { trait_, ty } = line
            && !added
                .iter()
                .any(|l| matches!(l, Line::Impl { trait_: t, ty: y } if t == trait_ && y == ty))
        {
            note(
                ty,
                true,
                format!("no longer implements `{}`", short(trait_)),
            );
        }
    }
    for line in added {
        if let Line::Impl { trait_, ty } = line
            && !auto(trait_)
            && !new_items.contains(ty.split('<').next().unwrap_or(ty))
            && !removed
                .iter()
                .any(|l| matches!(l, Line::Impl { trait_: t, ty: y } if t == trait_ && y == ty))
        {
            note(ty, false, format!("implements `{}`", short(trait_)));
        }
    }
}

fn items(removed: &[Line], added: &[Line], note: &mut Note<'_>) {
    let find = |lines: &[Line], want: &str| {
        lines.iter().find_map(|l| match l {
            Line::Item { path, text } if path == want => Some(text.clone()),
            _ => None,
        })
    };
    for line in removed {
        if let Line::Item { path, text } = line {
            match find(added, path) {
                Some(new) => note(
                    path,
                    true,
                    format!(
                        "changed from `{}` to `{}`",
                        unpathed(text, path),
                        unpathed(&new, path)
                    ),
                ),
                None => note(
                    path,
                    true,
                    format!("removed (was `{}`)", unpathed(text, path)),
                ),
            }
        }
    }
    for line in added {
        if let Line::Item { path, text } = line
            && find(removed, path).is_none()
        {
            note(path, false, format!("added: `{}`", unpathed(text, path)));
        }
    }
}

/// A signature with the item's path cut to its name (`pub fn size<T>(…)`),
/// so that one item re-exported at two paths reads the same at both.
fn unpathed(text: &str, path: &str) -> String {
    let name = path.rsplit("::").next().unwrap_or(path);
    short(&text.replacen(path, name, 1))
}

/// Items with the same last name and the same changes (one type seen
/// through two re-exports) are one entry, under the shortest path.
fn group(by_item: BTreeMap<String, Vec<(bool, String)>>) -> Vec<ItemChange> {
    type Changes = Vec<(bool, String)>;
    let mut groups: Vec<(Vec<String>, Changes)> = Vec::new();
    for (item, changes) in by_item {
        let last = |p: &str| p.rsplit("::").next().unwrap_or(p).to_owned();
        match groups
            .iter_mut()
            .find(|(items, c)| *c == changes && last(&items[0]) == last(&item))
        {
            Some((items, _)) => items.push(item),
            None => groups.push((vec![item], changes)),
        }
    }
    let mut out: Vec<ItemChange> = groups
        .into_iter()
        .map(|(mut items, changes)| {
            items.sort_by_key(|i| (i.len(), i.clone()));
            let item = items.remove(0);
            ItemChange {
                breaking: changes.iter().any(|(b, _)| *b),
                item,
                also: items,
                what: changes
                    .into_iter()
                    .map(|(_, w)| w)
                    .collect::<Vec<_>>()
                    .join("; "),
            }
        })
        .collect();
    out.sort_by(|a, b| (!a.breaking, &a.item).cmp(&(!b.breaking, &b.item)));
    out
}

/// Reads one listing line (see `public_api.rs` for the forms).
fn parse(line: &str) -> Line {
    for kind in ["struct", "enum"] {
        if let Some(rest) = line.strip_prefix(&format!("pub {kind} ")) {
            let path = head(rest);
            let members = rest
                .find(" { ")
                .filter(|_| !rest.contains("{ .. }"))
                .map(|i| split_top(rest[i + 3..].trim_end_matches(" }").trim_end_matches('}')));
            return Line::Type {
                kind: if kind == "struct" { "struct" } else { "enum" },
                path,
                members,
                text: line.to_owned(),
            };
        }
    }
    if let Some(rest) = line.strip_prefix("pub field ")
        && let Some((owner, member)) = rest.split_once('.')
    {
        return Line::Member {
            owner: owner.to_owned(),
            member: member.to_owned(),
        };
    }
    if let Some(rest) = line.strip_prefix("pub variant ")
        && let Some((owner, member)) = rest.rsplit_once("::")
    {
        return Line::Member {
            owner: owner.to_owned(),
            member: member.to_owned(),
        };
    }
    if let Some(rest) = line.strip_prefix("impl")
        && let Some((trait_, ty)) = impl_parts(rest)
    {
        return Line::Impl { trait_, ty };
    }
    Line::Item {
        path: item_path(line),
        text: line.to_owned(),
    }
}

/// `<T> Trait for Type where …` → (`Trait`, `Type`).
fn impl_parts(rest: &str) -> Option<(String, String)> {
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ' ' if depth == 0 => {
                start = i + 1;
                break;
            }
            _ => {}
        }
    }
    let body = &rest[start..];
    let (trait_, ty) = body.split_once(" for ")?;
    let ty = ty.split(" where ").next().unwrap_or(ty);
    Some((trait_.trim_start_matches('!').to_owned(), ty.to_owned()))
}

/// The path of a function, constant or other item line.
fn item_path(line: &str) -> String {
    let rest = match line.find("fn ") {
        Some(i)
            if line[..i]
                .split_whitespace()
                .all(|w| ["pub", "const", "async", "unsafe", "trait", "item"].contains(&w)) =>
        {
            &line[i + 3..]
        }
        _ => line
            .split_whitespace()
            .find(|w| w.contains("::"))
            .unwrap_or(line),
    };
    head(rest)
}

/// A path up to its generics, arguments or body.
fn head(rest: &str) -> String {
    let end = rest.find(['<', '(', ' ', ';']).unwrap_or(rest.len());
    rest[..end].trim_end_matches(':').to_owned()
}

/// Splits `a: T<X, Y>, b: U` at its top-level commas.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(cur.trim().to_owned());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

/// Paths as a reader writes them: without the crate's name, and the
/// standard library's common types by their short names.
pub fn short(s: &str) -> String {
    let mut out = s.to_owned();
    for (long, short) in [
        ("gaussdb_backup::", ""),
        ("core::option::Option", "Option"),
        ("core::result::Result", "Result"),
        ("alloc::string::String", "String"),
        ("alloc::vec::Vec", "Vec"),
        ("alloc::boxed::Box", "Box"),
        ("alloc::sync::Arc", "Arc"),
        ("core::convert::", ""),
        ("core::fmt::", "fmt::"),
        ("core::marker::", ""),
        ("core::clone::", ""),
        ("core::panic::unwind_safe::", ""),
    ] {
        out = out.replace(long, short);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(removed: &[&str], added: &[&str]) -> ApiDiff {
        ApiDiff {
            removed: removed.iter().map(|s| s.to_string()).collect(),
            added: added.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn lines(d: &ApiDiff) -> Vec<String> {
        describe(d).iter().map(ItemChange::markdown).collect()
    }

    const OLD: &str = "pub struct gaussdb_backup::types::Backup { id: alloc::string::String, name: core::option::Option<alloc::string::String> }";
    const OLD_RAW: &str = "pub struct gaussdb_backup::raw::types::Backup { id: alloc::string::String, name: core::option::Option<alloc::string::String> }";

    #[test]
    fn a_field_added_to_an_exhaustive_struct_is_named_once_for_both_paths() {
        let d = diff(
            &[OLD, OLD_RAW],
            &[
                "pub struct gaussdb_backup::types::Backup { id: alloc::string::String, name: core::option::Option<alloc::string::String>, size: core::option::Option<i64> }",
                "pub struct gaussdb_backup::raw::types::Backup { id: alloc::string::String, name: core::option::Option<alloc::string::String>, size: core::option::Option<i64> }",
                "pub fn gaussdb_backup::types::builder::Backup::size<T>(self, value: T) -> Self where T: core::convert::TryInto<core::option::Option<i64>>",
            ],
        );
        assert_eq!(
            lines(&d),
            [
                "`types::Backup` (also `raw::types::Backup`): field `size: Option<i64>` added",
                "`types::builder::Backup::size`: added: `pub fn size<T>(self, value: T) -> Self where T: TryInto<Option<i64>>`",
            ]
        );
        assert!(describe(&d)[0].breaking);
        assert!(!describe(&d)[1].breaking);
    }

    #[test]
    fn closing_a_struct_is_one_breaking_change_and_then_fields_are_compatible() {
        let d = diff(
            &[OLD],
            &[
                "pub struct gaussdb_backup::types::Backup { .. } (#[non_exhaustive])",
                "pub field gaussdb_backup::types::Backup.id: alloc::string::String",
                "pub field gaussdb_backup::types::Backup.name: core::option::Option<alloc::string::String>",
            ],
        );
        assert_eq!(
            lines(&d),
            ["`types::Backup`: now `#[non_exhaustive]` (build it with `types::Backup::builder()`)"]
        );
        let d = diff(
            &[],
            &["pub field gaussdb_backup::types::Backup.size: core::option::Option<i64>"],
        );
        let got = describe(&d);
        assert_eq!(
            got[0].markdown(),
            "`types::Backup`: field `size: Option<i64>` added"
        );
        assert!(!got[0].breaking);
    }

    #[test]
    fn auto_traits_of_new_items_are_noise_but_a_lost_one_is_shown() {
        let d = diff(
            &["impl core::marker::Send for gaussdb_backup::Client"],
            &[
                "pub struct gaussdb_backup::types::Policy { .. } (#[non_exhaustive])",
                "impl core::marker::Sync for gaussdb_backup::types::Policy",
                "impl core::clone::Clone for gaussdb_backup::types::Policy",
                "impl core::marker::Unpin for gaussdb_backup::types::Job",
                "impl core::clone::Clone for gaussdb_backup::types::Job",
            ],
        );
        assert_eq!(
            lines(&d),
            [
                "`Client`: no longer implements `Send`",
                "`types::Job`: implements `Clone`",
                "`types::Policy`: struct added",
            ]
        );
    }

    #[test]
    fn a_response_field_made_required_is_a_breaking_change_of_its_type() {
        let d = diff(
            &[
                "pub field gaussdb_backup::types::Backup.name: core::option::Option<alloc::string::String>",
            ],
            &["pub field gaussdb_backup::types::Backup.name: alloc::string::String"],
        );
        let got = describe(&d);
        assert_eq!(
            got[0].markdown(),
            "`types::Backup`: field `name: Option<String>` changed to `name: String`"
        );
        assert!(got[0].breaking);
    }

    #[test]
    fn a_changed_signature_says_from_what_to_what() {
        let d = diff(
            &[
                "pub fn gaussdb_backup::Client::job(&self, id: alloc::string::String) -> gaussdb_backup::ShowJob<'_>",
            ],
            &["pub fn gaussdb_backup::Client::job(&self, id: &str) -> gaussdb_backup::ShowJob<'_>"],
        );
        assert_eq!(
            lines(&d),
            [
                "`Client::job`: changed from `pub fn job(&self, id: String) -> ShowJob<'_>` to `pub fn job(&self, id: &str) -> ShowJob<'_>`"
            ]
        );
    }
}
