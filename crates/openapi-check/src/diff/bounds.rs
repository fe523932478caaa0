//! Bounds (`maximum`, `minimum`, `maxLength`, `minLength`, `maxItems`,
//! `minItems`) and the other constraints (`multipleOf`, `uniqueItems`,
//! `minProperties`, `maxProperties`), judged by direction: a tighter bound
//! refuses values clients send; a looser one lets the server send values
//! clients do not expect.

use serde_json::{Map, Value};

use super::DiffRule as R;
use super::Level;
use super::differ::Differ;
use super::schema::SchemaPair;
use super::site::Site;

/// How a bound moved.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Moved {
    Tighter,
    Looser,
    /// Set where there was none (and no implied floor).
    Set,
}

struct Bound {
    keyword: &'static str,
    /// The boolean (OpenAPI 3.0) exclusivity flag of `maximum`/`minimum`.
    exclusive: Option<&'static str>,
    upper: bool,
    /// What an absent lower bound means (0 for `minLength`).
    floor: Option<f64>,
}

const BOUNDS: [Bound; 6] = [
    Bound {
        keyword: "maximum",
        exclusive: Some("exclusiveMaximum"),
        upper: true,
        floor: None,
    },
    Bound {
        keyword: "minimum",
        exclusive: Some("exclusiveMinimum"),
        upper: false,
        floor: None,
    },
    Bound {
        keyword: "maxLength",
        exclusive: None,
        upper: true,
        floor: None,
    },
    Bound {
        keyword: "minLength",
        exclusive: None,
        upper: false,
        floor: Some(0.0),
    },
    Bound {
        keyword: "maxItems",
        exclusive: None,
        upper: true,
        floor: None,
    },
    Bound {
        keyword: "minItems",
        exclusive: None,
        upper: false,
        floor: None,
    },
];

/// A bound's rules: for a parameter and for a request body (tighter,
/// looser, set where there was none), and for a response (tighter, looser;
/// a new bound there is a tighter one).
type BoundRules = (&'static str, [R; 3], [R; 3], [R; 2]);

const RULES: [BoundRules; 6] = [
    (
        "maximum",
        [
            R::RequestParameterMaxDecreased,
            R::RequestParameterMaxIncreased,
            R::RequestParameterMaxSet,
        ],
        [
            R::RequestPropertyMaxDecreased,
            R::RequestPropertyMaxIncreased,
            R::RequestPropertyMaxSet,
        ],
        [
            R::ResponsePropertyMaxDecreased,
            R::ResponsePropertyMaxIncreased,
        ],
    ),
    (
        "minimum",
        [
            R::RequestParameterMinIncreased,
            R::RequestParameterMinDecreased,
            R::RequestParameterMinSet,
        ],
        [
            R::RequestPropertyMinIncreased,
            R::RequestPropertyMinDecreased,
            R::RequestPropertyMinSet,
        ],
        [
            R::ResponsePropertyMinIncreased,
            R::ResponsePropertyMinDecreased,
        ],
    ),
    (
        "maxLength",
        [
            R::RequestParameterMaxLengthDecreased,
            R::RequestParameterMaxLengthIncreased,
            R::RequestParameterMaxLengthSet,
        ],
        [
            R::RequestPropertyMaxLengthDecreased,
            R::RequestPropertyMaxLengthIncreased,
            R::RequestPropertyMaxLengthSet,
        ],
        [
            R::ResponsePropertyMaxLengthDecreased,
            R::ResponsePropertyMaxLengthIncreased,
        ],
    ),
    (
        "minLength",
        [
            R::RequestParameterMinLengthIncreased,
            R::RequestParameterMinLengthDecreased,
            R::RequestParameterMinLengthIncreased,
        ],
        [
            R::RequestPropertyMinLengthIncreased,
            R::RequestPropertyMinLengthDecreased,
            R::RequestPropertyMinLengthIncreased,
        ],
        [
            R::ResponsePropertyMinLengthIncreased,
            R::ResponsePropertyMinLengthDecreased,
        ],
    ),
    (
        "maxItems",
        [
            R::RequestParameterMaxItemsDecreased,
            R::RequestParameterMaxItemsIncreased,
            R::RequestParameterMaxItemsDecreased,
        ],
        [
            R::RequestPropertyMaxItemsDecreased,
            R::RequestPropertyMaxItemsIncreased,
            R::RequestPropertyMaxItemsDecreased,
        ],
        [
            R::ResponsePropertyMaxItemsDecreased,
            R::ResponsePropertyMaxItemsIncreased,
        ],
    ),
    (
        "minItems",
        [
            R::RequestParameterMinItemsIncreased,
            R::RequestParameterMinItemsDecreased,
            R::RequestParameterMinItemsSet,
        ],
        [
            R::RequestPropertyMinItemsIncreased,
            R::RequestPropertyMinItemsDecreased,
            R::RequestPropertyMinItemsSet,
        ],
        [
            R::ResponsePropertyMinItemsIncreased,
            R::ResponsePropertyMinItemsDecreased,
        ],
    ),
];

/// The rules of a bound at a site: (tighter, looser, set).
fn rules(keyword: &str, site: Site) -> (R, R, R) {
    let (_, parameter, body, response) = RULES
        .iter()
        .find(|(k, ..)| *k == keyword)
        .unwrap_or(&RULES[0]);
    match site {
        Site::Parameter => (parameter[0], parameter[1], parameter[2]),
        Site::RequestBody => (body[0], body[1], body[2]),
        Site::ResponseBody | Site::ResponseHeader => (response[0], response[1], response[0]),
    }
}

fn number(m: &Map<String, Value>, key: &str) -> Option<f64> {
    m.get(key).and_then(Value::as_f64)
}

/// A bound with its exclusivity.
fn bound_of(m: &Map<String, Value>, b: &Bound) -> Option<(f64, bool)> {
    let exclusive = b
        .exclusive
        .is_some_and(|e| m.get(e) == Some(&Value::Bool(true)));
    number(m, b.keyword).or(b.floor).map(|v| (v, exclusive))
}

fn moved(b: &Bound, old: Option<(f64, bool)>, new: Option<(f64, bool)>) -> Option<Moved> {
    let (o, n) = match (old, new) {
        (None, None) => return None,
        (None, Some(_)) => return Some(Moved::Set),
        (Some(_), None) => return Some(Moved::Looser),
        (Some(o), Some(n)) if o == n => return None,
        (Some(o), Some(n)) => (o, n),
    };
    let tighter = if b.upper { n.0 < o.0 } else { n.0 > o.0 } || (n.0 == o.0 && n.1 && !o.1);
    Some(if tighter {
        Moved::Tighter
    } else {
        Moved::Looser
    })
}

fn show(v: Option<(f64, bool)>) -> String {
    match v {
        None => "none".to_owned(),
        Some((v, true)) => format!("{v} (exclusive)"),
        Some((v, false)) => v.to_string(),
    }
}

impl Differ<'_> {
    pub fn bounds(&mut self, pair: &SchemaPair) {
        for b in &BOUNDS {
            let (old, new) = (bound_of(pair.o, b), bound_of(pair.n, b));
            let Some(how) = moved(b, old, new) else {
                continue;
            };
            let (tighter, looser, set) = rules(b.keyword, pair.site);
            let (rule, verb) = match how {
                Moved::Tighter => (tighter, if b.upper { "went down" } else { "went up" }),
                Moved::Looser if new.is_none() => (looser, "was removed"),
                Moved::Looser => (looser, if b.upper { "went up" } else { "went down" }),
                Moved::Set => (set, "was set"),
            };
            let message = format!(
                "the {} of {} {verb} to {} from {}",
                b.keyword,
                pair.what,
                show(new),
                show(old)
            );
            let (oa, na) = pair.places();
            self.report(rule, message, oa, na);
        }
    }

    /// `multipleOf`, `uniqueItems`, `minProperties`, `maxProperties`, `not`:
    /// one rule per site, at the level the change decides.
    pub fn other_constraints(&mut self, pair: &SchemaPair) {
        let (o, n) = (pair.o, pair.n);
        let mut found: Vec<(Option<bool>, String)> = Vec::new();
        // What `not` excludes is not compared schema by schema: a new one
        // refuses values, a removed one accepts more, a changed one may do
        // either.
        match (o.get("not"), n.get("not")) {
            (None, Some(_)) => {
                found.push((Some(true), format!("`not` of {} was added", pair.what)))
            }
            (Some(_), None) => {
                found.push((Some(false), format!("`not` of {} was removed", pair.what)))
            }
            (Some(a), Some(b)) if a != b => {
                found.push((None, format!("`not` of {} changed", pair.what)))
            }
            _ => {}
        }
        let unique = |m: &Map<String, Value>| m.get("uniqueItems") == Some(&Value::Bool(true));
        if unique(o) != unique(n) {
            found.push((
                Some(unique(n)),
                format!("uniqueItems of {} became {}", pair.what, unique(n)),
            ));
        }
        for (keyword, upper) in [("maxProperties", true), ("minProperties", false)] {
            let b = Bound {
                keyword,
                exclusive: None,
                upper,
                floor: None,
            };
            let (old, new) = (bound_of(o, &b), bound_of(n, &b));
            if let Some(how) = moved(&b, old, new) {
                let text = format!(
                    "{keyword} of {} went from {} to {}",
                    pair.what,
                    show(old),
                    show(new)
                );
                found.push((Some(how != Moved::Looser), text));
            }
        }
        let (om, nm) = (number(o, "multipleOf"), number(n, "multipleOf"));
        if om != nm {
            // A multiple of the old step is tighter, a divisor looser.
            let multiple = |a: f64, b: f64| (a / b).fract() == 0.0;
            let tighter = match (om, nm) {
                (None, Some(_)) => Some(true),
                (Some(_), None) => Some(false),
                (Some(a), Some(b)) if multiple(b, a) => Some(true),
                (Some(a), Some(b)) if multiple(a, b) => Some(false),
                _ => None,
            };
            let text = format!(
                "multipleOf of {} went from {} to {}",
                pair.what,
                show(om.map(|v| (v, false))),
                show(nm.map(|v| (v, false)))
            );
            found.push((tighter, text));
        }
        for (tighter, text) in found {
            self.constraint_changed(pair, tighter, text);
        }
    }

    /// Reports a constraint change: `tighter` is `None` when it is neither.
    pub fn constraint_changed(&mut self, pair: &SchemaPair, tighter: Option<bool>, text: String) {
        let site = pair.site;
        let rule = site.pick(
            R::RequestParameterConstraintChanged,
            R::RequestPropertyConstraintChanged,
            R::ResponsePropertyConstraintChanged,
        );
        let level = match (tighter, site.is_request()) {
            (None, _) => Level::PotentiallyBreaking,
            (Some(t), request) if t == request => Level::Breaking,
            _ => Level::NonBreaking,
        };
        let (oa, na) = pair.places();
        self.report_at(rule, level, format!("the {text}"), oa, na);
    }
}
