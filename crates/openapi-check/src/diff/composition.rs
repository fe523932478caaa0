//! Composition: the branches of `oneOf`, `anyOf` and `allOf` (matched by
//! their `$ref`, then by equal content, then inline ones in order; the
//! rest are added or removed), a schema wrapped in a new `oneOf`, and the
//! discriminator.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::DiffRule as R;
use super::differ::{Differ, Result};
use super::documents::{Documents, Loc};
use super::schema::SchemaPair;
use super::site::Site;

/// Keys of a branch that only annotates: it accepts every value.
const ANNOTATION_ONLY: [&str; 5] = [
    "title",
    "description",
    "example",
    "externalDocs",
    "deprecated",
];

/// Pairs old and new branches: (old index, new index) matched, then the
/// old ones left (removed) and the new ones left (added).
fn match_branches(old: &[Value], new: &[Value]) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let reference = |v: &Value| v.get("$ref").and_then(Value::as_str).map(str::to_owned);
    let mut old_left: Vec<usize> = (0..old.len()).collect();
    let mut new_left: Vec<usize> = (0..new.len()).collect();
    let mut pairs = Vec::new();
    type Same<'f> = &'f dyn Fn(&Value, &Value) -> bool;
    let passes: [Same; 3] = [
        &|o, n| reference(o).is_some() && reference(o) == reference(n),
        &|o, n| o == n,
        &|o, n| reference(o).is_none() && reference(n).is_none(),
    ];
    for same in passes {
        for oi in old_left.clone() {
            if let Some(pos) = new_left.iter().position(|&ni| same(&old[oi], &new[ni])) {
                pairs.push((oi, new_left.remove(pos)));
                old_left.retain(|&i| i != oi);
            }
        }
    }
    (pairs, old_left, new_left)
}

/// How a message names a branch: its `$ref` or its place in the list.
fn branch_name(key: &str, branches: &[Value], i: usize) -> String {
    match branches[i].get("$ref").and_then(Value::as_str) {
        Some(r) => r.to_owned(),
        None => format!("{key}[{i}]"),
    }
}

fn annotation_only(docs: &Documents, branch: &Value, at: Loc) -> bool {
    let branch = docs.resolve(branch, at).map_or(branch, |(v, _)| v);
    branch.as_object().is_some_and(|m| {
        m.keys()
            .all(|k| ANNOTATION_ONLY.contains(&k.as_str()) || k.starts_with("x-"))
    })
}

/// The rules for a branch added and one removed, by keyword and direction.
fn branch_rules(key: &str, site: Site) -> (R, R) {
    match key {
        "oneOf" => (
            site.pick2(R::RequestPropertyOneOfAdded, R::ResponsePropertyOneOfAdded),
            site.pick2(
                R::RequestPropertyOneOfRemoved,
                R::ResponsePropertyOneOfRemoved,
            ),
        ),
        "anyOf" => (
            site.pick2(R::RequestPropertyAnyOfAdded, R::ResponsePropertyAnyOfAdded),
            site.pick2(
                R::RequestPropertyAnyOfRemoved,
                R::ResponsePropertyAnyOfRemoved,
            ),
        ),
        _ => (
            site.pick2(R::RequestPropertyAllOfAdded, R::ResponsePropertyAllOfAdded),
            site.pick2(
                R::RequestPropertyAllOfRemoved,
                R::ResponsePropertyAllOfRemoved,
            ),
        ),
    }
}

impl Differ<'_> {
    /// The branches of each combinator; `types_done` when bare-type
    /// `oneOf`/`anyOf` branches were compared as a list of types.
    pub fn composition(&mut self, pair: &SchemaPair, types_done: bool) -> Result<()> {
        for key in ["oneOf", "anyOf", "allOf"] {
            if types_done && key != "allOf" {
                continue;
            }
            let branches = |m: &'_ Map<String, Value>| {
                m.get(key)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            };
            let (old, new) = (branches(pair.o), branches(pair.n));
            if old.is_empty() && new.is_empty() {
                continue;
            }
            let (pairs, removed, added) = match_branches(&old, &new);
            for (oi, ni) in pairs {
                let (o, n) = (
                    pair.old_at.push(key).push(&oi.to_string()),
                    pair.new_at.push(key).push(&ni.to_string()),
                );
                self.schema_in(
                    &o,
                    &n,
                    pair.site,
                    &pair.what,
                    pair.depth + 1,
                    key == "allOf",
                )?;
            }
            self.branches_changed(pair, key, (&old, &removed), (&new, &added));
        }
        self.discriminator(pair);
        Ok(())
    }

    fn branches_changed(
        &mut self,
        pair: &SchemaPair,
        key: &str,
        (old, removed): (&[Value], &[usize]),
        (new, added): (&[Value], &[usize]),
    ) {
        let (added_rule, removed_rule) = branch_rules(key, pair.site);
        let request = pair.site.is_request();
        for &i in removed {
            let name = branch_name(key, old, i);
            let at = pair.old_at.push(key).push(&i.to_string());
            let rule = match (key, annotation_only(self.old, &old[i], at.clone())) {
                ("allOf", true) => {
                    if request {
                        R::RequestPropertyAllOfRemovedAnnotationOnly
                    } else {
                        R::ResponsePropertyAllOfRemovedAnnotationOnly
                    }
                }
                _ => removed_rule,
            };
            let message = format!("the {key} branch {name} of {} was removed", pair.what);
            self.report(rule, message, Some(at), Some(pair.new_at.clone()));
        }
        for &i in added {
            let name = branch_name(key, new, i);
            let at = pair.new_at.push(key).push(&i.to_string());
            let rule = match (key, annotation_only(self.new, &new[i], at.clone())) {
                ("allOf", true) => {
                    if request {
                        R::RequestPropertyAllOfAddedAnnotationOnly
                    } else {
                        R::ResponsePropertyAllOfAddedAnnotationOnly
                    }
                }
                _ => added_rule,
            };
            let message = format!("the {key} branch {name} of {} was added", pair.what);
            self.report(rule, message, Some(pair.old_at.clone()), Some(at));
        }
    }

    /// A schema that became one branch of a new `oneOf`/`anyOf` (its own
    /// type and properties moved into the branches): reported as a whole,
    /// its branches not compared with it one by one.
    pub fn wrapped_in_one_of(&mut self, pair: &SchemaPair) -> bool {
        let combined = |m: &Map<String, Value>| m.contains_key("oneOf") || m.contains_key("anyOf");
        let shaped =
            |m: &Map<String, Value>| m.contains_key("type") || m.contains_key("properties");
        if combined(pair.o) || !combined(pair.n) || !shaped(pair.o) || shaped(pair.n) {
            return false;
        }
        let rule = pair
            .site
            .pick2(R::RequestBodyWrappedInOneOf, R::ResponseBodyWrappedInOneOf);
        let effect = if pair.site.is_request() {
            "a value must now match exactly one branch, and generated clients get another type"
        } else {
            "the server may send any branch, and generated clients get another type"
        };
        let message = format!("{} was wrapped in a oneOf: {effect}", pair.what);
        let (oa, na) = pair.places();
        self.report(rule, message, oa, na);
        true
    }

    /// The discriminator: added, removed, its property name and mapping.
    fn discriminator(&mut self, pair: &SchemaPair) {
        let request = pair.site.is_request();
        let pick = |req, resp| if request { req } else { resp };
        let (old, new) = (pair.o.get("discriminator"), pair.n.get("discriminator"));
        let mut found = Vec::new();
        match (old, new) {
            (None, Some(_)) => found.push((
                pick(
                    R::RequestPropertyDiscriminatorAdded,
                    R::ResponsePropertyDiscriminatorAdded,
                ),
                format!("{} got a discriminator", pair.what),
            )),
            (Some(_), None) => found.push((
                pick(
                    R::RequestPropertyDiscriminatorRemoved,
                    R::ResponsePropertyDiscriminatorRemoved,
                ),
                format!("{} lost its discriminator", pair.what),
            )),
            (Some(o), Some(n)) => {
                let (op, np) = (o.get("propertyName"), n.get("propertyName"));
                if op != np {
                    let show = |v: Option<&Value>| v.map_or("none".to_owned(), Value::to_string);
                    found.push((
                        pick(
                            R::RequestPropertyDiscriminatorPropertyNameChanged,
                            R::ResponsePropertyDiscriminatorPropertyNameChanged,
                        ),
                        format!(
                            "the discriminator of {} now reads {} instead of {}",
                            pair.what,
                            show(np),
                            show(op)
                        ),
                    ));
                }
                let mapping = |v: &Value| {
                    v.get("mapping")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default()
                };
                let (om, nm) = (mapping(o), mapping(n));
                let keys: BTreeSet<&String> = om
                    .keys()
                    .chain(nm.keys())
                    .filter(|k| om.get(*k) != nm.get(*k))
                    .collect();
                if !keys.is_empty() {
                    let names: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
                    found.push((
                        pick(
                            R::RequestPropertyDiscriminatorMappingChanged,
                            R::ResponsePropertyDiscriminatorMappingChanged,
                        ),
                        format!(
                            "the discriminator mapping of {} changed for {}",
                            pair.what,
                            names.join(", ")
                        ),
                    ));
                }
            }
            (None, None) => {}
        }
        for (rule, message) in found {
            let (oa, na) = pair.places();
            self.report(rule, message, oa, na);
        }
    }
}
