//! Parameters: matched by location and name (header names without case,
//! path parameters by their place in the path, so a rename is not a removal),
//! removed ones judged by their deprecation and sunset, kept ones compared:
//! `required`, lifecycle, and the schema.

use std::collections::BTreeMap;

use serde_json::Value;

use super::DiffRule;
use super::differ::{Differ, Result};
use super::documents::{Documents, Loc};
use super::lifecycle::{DeprecationRules, Lifecycle, RemovalRules, SunsetRules};
use super::operations::{OperationRef, path_parameter_names};
use super::site::Site;

const REMOVAL: RemovalRules = RemovalRules {
    without_deprecation: DiffRule::RequestParameterRemoved,
    with_deprecation: DiffRule::RequestParameterRemovedWithDeprecation,
    before_sunset: DiffRule::RequestParameterRemovedBeforeSunset,
};

const DEPRECATION: DeprecationRules = DeprecationRules {
    deprecated: DiffRule::RequestParameterDeprecated,
    reactivated: DiffRule::RequestParameterReactivated,
    sunset_missing: DiffRule::RequestParameterDeprecatedSunsetMissing,
    sunset_too_small: DiffRule::RequestParameterSunsetDateTooSmall,
    sunset: Some(SunsetRules {
        deleted: DiffRule::RequestParameterSunsetDeleted,
        changed_too_small: DiffRule::RequestParameterSunsetDateChangedTooSmall,
        changed: DiffRule::RequestParameterSunsetChanged,
    }),
};

/// How a parameter is sent: what the differ does not compare, so a change
/// there is refused rather than passed over.
const SERIALIZATION: [&str; 4] = ["style", "explode", "allowReserved", "allowEmptyValue"];

/// (location, name) with header names in lower case.
type Key = (String, String);

/// The parameters of an operation, path-item level overridden by operation
/// level, each at its place with its `$ref` followed.
fn parameters_of(docs: &Documents, op: &OperationRef) -> Result<BTreeMap<Key, Loc>> {
    let mut out = BTreeMap::new();
    for owner in [&op.item, &op.at] {
        let list = docs
            .get(&owner.push("parameters"))
            .and_then(Value::as_array);
        for i in 0..list.map_or(0, Vec::len) {
            let (p, at) = docs.resolve_at(&owner.push("parameters").push(&i.to_string()))?;
            if let (Some(name), Some(loc)) = (
                p.get("name").and_then(Value::as_str),
                p.get("in").and_then(Value::as_str),
            ) {
                let name = if loc == "header" {
                    name.to_ascii_lowercase()
                } else {
                    name.to_owned()
                };
                out.insert((loc.to_owned(), name), at);
            }
        }
    }
    Ok(out)
}

fn is_required(docs: &Documents, at: &Loc) -> bool {
    let p = docs.get(at);
    p.and_then(|p| p.get("in")) == Some(&Value::from("path"))
        || p.and_then(|p| p.get("required")) == Some(&Value::Bool(true))
}

/// The schema of a parameter: `schema`, or the one media type's in `content`.
fn schema_of(docs: &Documents, at: &Loc) -> Option<Loc> {
    let p = docs.get(at)?;
    if p.get("schema").is_some() {
        return Some(at.push("schema"));
    }
    let (media_type, media) = p.get("content")?.as_object()?.iter().next()?;
    media.get("schema")?;
    Some(at.push("content").push(media_type).push("schema"))
}

impl Differ<'_> {
    /// Parameters removed, kept (compared), and added.
    pub fn parameters(&mut self, old: &OperationRef, new: &OperationRef) -> Result<()> {
        let (old_params, new_params) =
            (parameters_of(self.old, old)?, parameters_of(self.new, new)?);
        let renamed: BTreeMap<&str, &str> = path_parameter_names(&old.path)
            .into_iter()
            .zip(path_parameter_names(&new.path))
            .collect();
        let new_key = |(loc, name): &Key| match (loc.as_str(), renamed.get(name.as_str())) {
            ("path", Some(n)) => (loc.clone(), (*n).to_owned()),
            _ => (loc.clone(), name.clone()),
        };
        let mut matched = Vec::new();
        for (key, old_at) in &old_params {
            let key = new_key(key);
            match new_params.get(&key) {
                Some(new_at) => {
                    matched.push(key.clone());
                    self.parameter(&key, old_at, new_at)?;
                }
                None => self.parameter_removed(&key, old_at, &new.at)?,
            }
        }
        for ((loc, name), new_at) in new_params.iter().filter(|(k, _)| !matched.contains(k)) {
            let (rule, kind) = if is_required(self.new, new_at) {
                (DiffRule::NewRequiredRequestParameter, "required")
            } else {
                (DiffRule::NewOptionalRequestParameter, "optional")
            };
            let message = format!("the {kind} {loc} parameter {name:?} was added");
            self.report(rule, message, Some(old.at.clone()), Some(new_at.clone()));
        }
        Ok(())
    }

    fn parameter_removed(&mut self, (loc, name): &Key, old_at: &Loc, new_op: &Loc) -> Result<()> {
        let value = self.old.get(old_at).unwrap_or(&Value::Null);
        let life = Lifecycle::read(self.old, value, old_at)?;
        let (rule, note) = self.removal(life, &REMOVAL);
        let why = match rule {
            DiffRule::RequestParameterRemoved => ": clients still sending it may be refused",
            _ => "",
        };
        let message = format!("the {loc} parameter {name:?} was removed{note}{why}");
        self.report(rule, message, Some(old_at.clone()), Some(new_op.clone()));
        Ok(())
    }

    /// A parameter in both: `required`, lifecycle, how it is sent, schema.
    fn parameter(&mut self, (loc, name): &Key, old_at: &Loc, new_at: &Loc) -> Result<()> {
        let what = format!("{loc} parameter {name:?}");
        let places = || (Some(old_at.clone()), Some(new_at.clone()));
        match (is_required(self.old, old_at), is_required(self.new, new_at)) {
            (false, true) => {
                let (o, n) = places();
                self.report(
                    DiffRule::RequestParameterBecameRequired,
                    format!("the {what} became required"),
                    o,
                    n,
                );
            }
            (true, false) => {
                let (o, n) = places();
                self.report(
                    DiffRule::RequestParameterBecameOptional,
                    format!("the {what} became optional"),
                    o,
                    n,
                );
            }
            _ => {}
        }
        let (old_v, new_v) = (
            self.old.get(old_at).unwrap_or(&Value::Null),
            self.new.get(new_at).unwrap_or(&Value::Null),
        );
        let lives = (
            Lifecycle::read(self.old, old_v, old_at)?,
            Lifecycle::read(self.new, new_v, new_at)?,
        );
        self.lifecycle(
            lives,
            (old_at, new_at),
            &format!("the {what}"),
            &DEPRECATION,
        );
        for field in SERIALIZATION {
            let place = new_at.push(field);
            self.unsupported_if_changed(
                old_v.get(field),
                new_v.get(field),
                &place,
                &format!("the `{field}` of the {what}"),
            )?;
        }
        match (schema_of(self.old, old_at), schema_of(self.new, new_at)) {
            (Some(os), Some(ns)) => self.schema(&os, &ns, Site::Parameter, &what, 0),
            (None, None) => Ok(()),
            _ => {
                let at = new_at.clone();
                Err(self
                    .new
                    .error(&at, format!("the {what} has a schema on one side only")))
            }
        }
    }
}
