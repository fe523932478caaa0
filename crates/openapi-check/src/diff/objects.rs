//! Objects: properties, `required`, `additionalProperties`, and array
//! `items` appearing or going.
//!
//! Properties are compared on each side's view of the object as the
//! direction sees it: its own properties and those of its `allOf` branches,
//! without the `readOnly` ones in a request and the `writeOnly` ones in a
//! response (OpenAPI 3.0: they are not part of that message). So a
//! `readOnly` property that becomes required is no request change, and one
//! that stops being `readOnly` while required is a new required property.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use super::DiffRule as R;
use super::differ::{Differ, Result};
use super::documents::{Documents, Loc};
use super::lifecycle::{DeprecationRules, Lifecycle};
use super::schema::SchemaPair;
use super::site::Direction;

const REQUEST_PROPERTY: DeprecationRules = DeprecationRules {
    deprecated: R::RequestPropertyDeprecated,
    reactivated: R::RequestPropertyReactivated,
    sunset_missing: R::RequestPropertyDeprecatedSunsetMissing,
    sunset_too_small: R::RequestPropertySunsetDateTooSmall,
    sunset: None,
};

const RESPONSE_PROPERTY: DeprecationRules = DeprecationRules {
    deprecated: R::ResponsePropertyDeprecated,
    reactivated: R::ResponsePropertyReactivated,
    sunset_missing: R::ResponsePropertyDeprecatedSunsetMissing,
    sunset_too_small: R::ResponsePropertySunsetDateTooSmall,
    sunset: None,
};

/// How many `allOf` branches are merged into one view.
const MAX_ALL_OF_BRANCHES: usize = 1024;

/// An object as one direction sees it.
#[derive(Default)]
struct View {
    /// Name → the property's place (before its `$ref` is followed).
    props: BTreeMap<String, Loc>,
    required: BTreeSet<String>,
    /// Properties left out as `readOnly` (requests) or `writeOnly`
    /// (responses).
    hidden: BTreeSet<String>,
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key) == Some(&Value::Bool(true))
}

/// An object as `direction` sees it; `visited` holds the `allOf` branches
/// merged so far, so a branch reached twice (or a cycle of them) is merged
/// once.
fn view(
    docs: &Documents,
    schema: &Map<String, Value>,
    at: &Loc,
    direction: Direction,
) -> Result<View> {
    let mut out = View::default();
    let mut visited = HashSet::from([at.clone()]);
    merge(docs, schema, at, direction, &mut visited, &mut out)?;
    for name in &out.hidden {
        out.props.remove(name);
    }
    Ok(out)
}

fn merge(
    docs: &Documents,
    schema: &Map<String, Value>,
    at: &Loc,
    direction: Direction,
    visited: &mut HashSet<Loc>,
    out: &mut View,
) -> Result<()> {
    let hidden_key = match direction {
        Direction::Request => "readOnly",
        Direction::Response => "writeOnly",
    };
    for name in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        let place = at.push("properties").push(name);
        let (value, _) = docs.resolve_at(&place)?;
        if flag(value, hidden_key) {
            out.hidden.insert(name.clone());
        } else {
            out.props.entry(name.clone()).or_insert(place);
        }
    }
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    out.required
        .extend(required.filter_map(|v| v.as_str().map(str::to_owned)));
    let branches = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    for i in 0..branches {
        let (branch, branch_at) = docs.resolve_at(&at.push("allOf").push(&i.to_string()))?;
        if let Some(branch) = branch.as_object()
            && visited.len() < MAX_ALL_OF_BRANCHES
            && visited.insert(branch_at.clone())
        {
            merge(docs, branch, &branch_at, direction, visited, out)?;
        }
    }
    Ok(())
}

impl Differ<'_> {
    /// Properties, then `additionalProperties`.
    pub fn objects(&mut self, pair: &SchemaPair) -> Result<()> {
        let direction = pair.site.direction();
        let old = view(self.old, pair.o, &pair.old_at, direction)?;
        let new = view(self.new, pair.n, &pair.new_at, direction)?;
        for (name, old_at) in &old.props {
            let field = pair.field(name);
            match new.props.get(name) {
                None => self.property_removed(pair, name, &field, old_at, &old, &new),
                Some(new_at) => {
                    self.property(pair, name, &field, (old_at, new_at), (&old, &new))?
                }
            }
        }
        for (name, new_at) in new
            .props
            .iter()
            .filter(|(n, _)| !old.props.contains_key(*n))
        {
            let field = pair.field(name);
            let note = if old.hidden.contains(name) {
                " (it was readOnly, not part of the request)"
            } else {
                ""
            };
            let (rule, message) = match (pair.site.is_request(), new.required.contains(name)) {
                (true, true) => (
                    R::NewRequiredRequestProperty,
                    format!("the required property {field} was added{note}"),
                ),
                (true, false) => (
                    R::NewOptionalRequestProperty,
                    format!("the optional property {field} was added{note}"),
                ),
                (false, _) => (
                    R::ResponsePropertyAdded,
                    format!("the property {field} was added"),
                ),
            };
            self.report(
                rule,
                message,
                Some(pair.old_at.clone()),
                Some(new_at.clone()),
            );
        }
        self.additional_properties(pair)
    }

    fn property_removed(
        &mut self,
        pair: &SchemaPair,
        name: &str,
        field: &str,
        old_at: &Loc,
        old: &View,
        new: &View,
    ) {
        let became = match (new.hidden.contains(name), pair.site.is_request()) {
            (true, true) => " (it became readOnly)",
            (true, false) => " (it became writeOnly)",
            (false, _) => "",
        };
        let (rule, message) = if pair.site.is_request() {
            (
                R::RequestPropertyRemoved,
                format!(
                    "the property {field} was removed{became}: clients still sending it may be refused"
                ),
            )
        } else if old.required.contains(name) {
            (
                R::ResponseRequiredPropertyRemoved,
                format!("the required property {field} was removed{became}"),
            )
        } else {
            (
                R::ResponseOptionalPropertyRemoved,
                format!("the optional property {field} was removed{became}"),
            )
        };
        self.report(
            rule,
            message,
            Some(old_at.clone()),
            Some(pair.new_at.clone()),
        );
    }

    /// A property in both views: `required`, lifecycle, its schema.
    fn property(
        &mut self,
        pair: &SchemaPair,
        name: &str,
        field: &str,
        (old_at, new_at): (&Loc, &Loc),
        (old, new): (&View, &View),
    ) -> Result<()> {
        let places = || (Some(old_at.clone()), Some(new_at.clone()));
        let (was, is) = (old.required.contains(name), new.required.contains(name));
        let required_change = match (pair.site.is_request(), was, is) {
            (true, false, true) => Some((
                R::RequestPropertyBecameRequired,
                format!("the property {field} became required"),
            )),
            (true, true, false) => Some((
                R::RequestPropertyBecameOptional,
                format!("the property {field} became optional"),
            )),
            (false, true, false) => Some((
                R::ResponsePropertyBecameOptional,
                format!("the property {field} became optional: clients relying on it may fail"),
            )),
            (false, false, true) => Some((
                R::ResponsePropertyBecameRequired,
                format!("the property {field} became required"),
            )),
            _ => None,
        };
        if let Some((rule, message)) = required_change {
            let (o, n) = places();
            self.report(rule, message, o, n);
        }
        self.property_lifecycle(pair, field, old_at, new_at)?;
        self.schema(old_at, new_at, pair.site, field, pair.depth + 1)
    }

    /// A property's deprecation (its `x-sunset` judged by the policy, like
    /// an operation's) and `x-stability-level`.
    fn property_lifecycle(
        &mut self,
        pair: &SchemaPair,
        field: &str,
        old_at: &Loc,
        new_at: &Loc,
    ) -> Result<()> {
        let ((ov, oa), (nv, na)) = self.resolve_pair(old_at, new_at)?;
        let (old, new) = (
            Lifecycle::read(self.old, ov, &oa)?,
            Lifecycle::read(self.new, nv, &na)?,
        );
        let request = pair.site.is_request();
        let rules = if request {
            &REQUEST_PROPERTY
        } else {
            &RESPONSE_PROPERTY
        };
        self.lifecycle(
            (old, new),
            (&oa, &na),
            &format!("the property {field}"),
            rules,
        );
        if old.stability != new.stability {
            let pick = |req, resp| if request { req } else { resp };
            let rule = match new.stability < old.stability {
                true => pick(
                    R::RequestPropertyStabilityDecreased,
                    R::ResponsePropertyStabilityDecreased,
                ),
                false => pick(
                    R::RequestPropertyStabilityIncreased,
                    R::ResponsePropertyStabilityIncreased,
                ),
            };
            let message = format!(
                "the x-stability-level of the property {field} went from {} to {}",
                old.stability.as_str(),
                new.stability.as_str()
            );
            self.report(rule, message, Some(oa), Some(na));
        }
        Ok(())
    }

    /// `additionalProperties` (absent or `true`: any; `false`: none; a
    /// schema) and `items` that appear or go.
    fn additional_properties(&mut self, pair: &SchemaPair) -> Result<()> {
        #[derive(PartialEq)]
        enum Extra {
            Any,
            Nothing,
            Schema,
        }
        let extra = |m: &Map<String, Value>| match m.get("additionalProperties") {
            None | Some(Value::Bool(true)) => Extra::Any,
            Some(Value::Bool(false)) => Extra::Nothing,
            Some(_) => Extra::Schema,
        };
        let what = format!("additional properties of {}", pair.what);
        let tighter = match (extra(pair.o), extra(pair.n)) {
            (Extra::Schema, Extra::Schema) => {
                let (o, n) = (
                    pair.old_at.push("additionalProperties"),
                    pair.new_at.push("additionalProperties"),
                );
                return self.schema(&o, &n, pair.site, &format!("the {what}"), pair.depth + 1);
            }
            (o, n) if o == n => None,
            (_, Extra::Nothing) | (Extra::Any, Extra::Schema) => Some(true),
            _ => Some(false),
        };
        if let Some(tighter) = tighter {
            // Extra properties a response may now carry are ignored by most
            // clients and refused by strict ones.
            let judged = (tighter || pair.site.is_request()).then_some(tighter);
            let text = format!(
                "{what} are now {}",
                if tighter {
                    "restricted"
                } else {
                    "less restricted"
                }
            );
            self.constraint_changed(pair, judged, text);
        }
        match (pair.o.contains_key("items"), pair.n.contains_key("items")) {
            (false, true) => self.constraint_changed(
                pair,
                Some(true),
                format!("items of {} got a schema", pair.what),
            ),
            (true, false) => self.constraint_changed(
                pair,
                Some(false),
                format!("items of {} lost their schema", pair.what),
            ),
            _ => {}
        }
        Ok(())
    }
}
