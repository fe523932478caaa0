//! Types, formats and `nullable`, judged by direction: a request may accept
//! more (`integer` → `number` is a widening, not a break) and a response may
//! send less. A schema's types are its `type`, or the types of a
//! `oneOf`/`anyOf` whose branches are bare types (oasdiff's "list of
//! types"), or the `object`/`array` its `properties`/`items` imply.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::DiffRule as R;
use super::differ::Differ;
use super::documents::{Documents, Loc};
use super::schema::SchemaPair;
use super::site::Site;

/// What the type comparison found, for the rest of the pair's comparison.
#[derive(Clone, Copy, Default)]
pub(super) struct TypesOutcome {
    /// The types changed incompatibly: the rest is not compared.
    pub incompatible: bool,
    /// A side's types come from bare-type `oneOf`/`anyOf` branches: those
    /// branches are not compared again as composition.
    pub from_branches: bool,
}

/// Keys a bare-type branch may have.
const BARE: [&str; 6] = [
    "type",
    "format",
    "nullable",
    "description",
    "title",
    "example",
];

struct TypeSet {
    types: BTreeSet<String>,
    from_branches: bool,
}

fn type_set(docs: &Documents, schema: &Map<String, Value>, at: &Loc) -> Option<TypeSet> {
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        return Some(TypeSet {
            types: BTreeSet::from([t.to_owned()]),
            from_branches: false,
        });
    }
    for key in ["oneOf", "anyOf"] {
        let Some(branches) = schema.get(key).and_then(Value::as_array) else {
            continue;
        };
        let types: Option<BTreeSet<String>> = branches
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let b = docs
                    .resolve(b, at.push(key).push(&i.to_string()))
                    .ok()?
                    .0
                    .as_object()?;
                b.keys().all(|k| BARE.contains(&k.as_str())).then_some(())?;
                b.get("type")?.as_str().map(str::to_owned)
            })
            .collect();
        if let Some(types) = types.filter(|t| !t.is_empty()) {
            return Some(TypeSet {
                types,
                from_branches: true,
            });
        }
    }
    let implied = if schema.contains_key("properties") {
        "object"
    } else if schema.contains_key("items") {
        "array"
    } else {
        return None;
    };
    Some(TypeSet {
        types: BTreeSet::from([implied.to_owned()]),
        from_branches: false,
    })
}

/// Every type of `a` is in `b` (an `integer` is a `number`).
fn covered(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    a.iter()
        .all(|t| b.contains(t) || (t == "integer" && b.contains("number")))
}

/// Format changes that widen the values: `int32` → `int64`, `float` →
/// `double`, or any format dropped.
fn format_widened(old: Option<&str>, new: Option<&str>) -> bool {
    matches!(
        (old, new),
        (Some("int32"), Some("int64")) | (Some("float"), Some("double")) | (Some(_), None)
    )
}

/// The rule for a change of types: `wider` when every old type is still
/// there, `narrower` when every new one was; a single type widened is
/// generalized (`integer` → `number`), narrowed specialized.
fn type_rule(
    site: Site,
    changed: R,
    single: bool,
    (wider, narrower): (bool, bool),
) -> (R, &'static str) {
    let header = site == Site::ResponseHeader;
    if wider == narrower {
        return (changed, "changed");
    }
    match (single, wider, site.is_request()) {
        (true, true, true) => (
            site.pick(
                R::RequestParameterTypeGeneralized,
                R::RequestPropertyTypeGeneralized,
                changed,
            ),
            "widened",
        ),
        (true, true, false) if !header => (R::ResponsePropertyTypeGeneralized, "widened"),
        (true, false, false) if !header => (R::ResponsePropertyTypeSpecialized, "narrowed"),
        (true, wider, _) => (changed, if wider { "widened" } else { "narrowed" }),
        (false, true, _) => (
            site.pick(
                R::RequestParameterListOfTypesWidened,
                R::RequestPropertyListOfTypesWidened,
                R::ResponsePropertyListOfTypesWidened,
            ),
            "widened",
        ),
        (false, false, _) => (
            site.pick(
                R::RequestParameterListOfTypesNarrowed,
                R::RequestPropertyListOfTypesNarrowed,
                R::ResponsePropertyListOfTypesNarrowed,
            ),
            "narrowed",
        ),
    }
}

fn describe(types: &BTreeSet<String>) -> String {
    types.iter().cloned().collect::<Vec<_>>().join(" or ")
}

impl Differ<'_> {
    pub fn types(&mut self, pair: &SchemaPair) -> TypesOutcome {
        self.nullable(pair);
        let (Some(old), Some(new)) = (
            type_set(self.old, pair.o, &pair.old_at),
            type_set(self.new, pair.n, &pair.new_at),
        ) else {
            return TypesOutcome::default();
        };
        let from_branches = old.from_branches || new.from_branches;
        let site = pair.site;
        let changed = match site {
            Site::ResponseHeader => R::ResponseHeaderTypeChanged,
            _ => site.pick(
                R::RequestParameterTypeChanged,
                R::RequestPropertyTypeChanged,
                R::ResponsePropertyTypeChanged,
            ),
        };
        let (o, n) = (&old.types, &new.types);
        if o == n {
            let incompatible = self.format(pair, changed).unwrap_or(false);
            return TypesOutcome {
                incompatible,
                from_branches,
            };
        }
        let single = o.len() == 1 && n.len() == 1 && !from_branches;
        let (rule, verb) = type_rule(site, changed, single, (covered(o, n), covered(n, o)));
        let message = format!(
            "the type of {} {verb} from {} to {}",
            pair.what,
            describe(o),
            describe(n)
        );
        let (oa, na) = pair.places();
        self.report(rule, message, oa, na);
        TypesOutcome {
            incompatible: rule == changed && verb == "changed",
            from_branches,
        }
    }

    /// The format of one type; `Some(true)` when it changed incompatibly.
    fn format(&mut self, pair: &SchemaPair, changed: R) -> Option<bool> {
        let (old, new) = (
            pair.o.get("format").and_then(Value::as_str),
            pair.n.get("format").and_then(Value::as_str),
        );
        if old == new {
            return None;
        }
        let site = pair.site;
        let (rule, verb) = match (
            format_widened(old, new),
            format_widened(new, old),
            site.is_request(),
        ) {
            (true, _, true) => (
                site.pick(
                    R::RequestParameterTypeGeneralized,
                    R::RequestPropertyTypeGeneralized,
                    changed,
                ),
                "widened",
            ),
            (true, _, false) if site != Site::ResponseHeader => {
                (R::ResponsePropertyTypeGeneralized, "widened")
            }
            (_, true, false) if site != Site::ResponseHeader => {
                (R::ResponsePropertyTypeSpecialized, "narrowed")
            }
            _ => (changed, "changed"),
        };
        let show = |f: Option<&str>| f.map_or("no format".to_owned(), |f| format!("format {f}"));
        let message = format!(
            "the format of {} {verb} from {} to {}",
            pair.what,
            show(old),
            show(new)
        );
        let (oa, na) = pair.places();
        self.report(rule, message, oa, na);
        Some(rule == changed)
    }

    /// `nullable` added or removed.
    fn nullable(&mut self, pair: &SchemaPair) {
        let nullable = |m: &Map<String, Value>| m.get("nullable") == Some(&Value::Bool(true));
        let (old, new) = (nullable(pair.o), nullable(pair.n));
        if old == new {
            return;
        }
        let site = pair.site;
        let (rule, message) = if new {
            let rule = match site {
                Site::ResponseHeader => R::ResponseHeaderBecameNullable,
                _ => site.pick(
                    R::RequestParameterBecameNullable,
                    R::RequestPropertyBecameNullable,
                    R::ResponsePropertyBecameNullable,
                ),
            };
            let effect = if site.is_request() {
                ""
            } else {
                ": clients may get null"
            };
            (rule, format!("{} became nullable{effect}", pair.what))
        } else {
            let rule = site.pick(
                R::RequestParameterBecameNotNullable,
                R::RequestPropertyBecameNotNullable,
                R::ResponsePropertyBecameNotNullable,
            );
            let effect = if site.is_request() {
                ": clients sending null are refused"
            } else {
                ""
            };
            (rule, format!("{} is no longer nullable{effect}", pair.what))
        };
        let (oa, na) = pair.places();
        self.report(rule, message, oa, na);
    }
}
