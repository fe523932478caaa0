//! The values a schema allows or assumes: `enum`, `x-extensible-enum`,
//! `pattern` and `default`, judged by direction.

use serde_json::{Map, Value};

use super::DiffRule as R;
use super::Level;
use super::differ::Differ;
use super::schema::SchemaPair;

fn list<'v>(m: &'v Map<String, Value>, key: &str) -> Option<&'v Vec<Value>> {
    m.get(key).and_then(Value::as_array)
}

impl Differ<'_> {
    pub fn values(&mut self, pair: &SchemaPair) {
        self.enums(pair);
        self.extensible_enums(pair);
        self.pattern(pair);
        self.default(pair);
    }

    /// `enum`: removed values break requests, added ones may break readers
    /// of responses.
    fn enums(&mut self, pair: &SchemaPair) {
        let (site, what) = (pair.site, &pair.what);
        let removed = site.pick(
            R::RequestParameterEnumValueRemoved,
            R::RequestPropertyEnumValueRemoved,
            R::ResponsePropertyEnumValueRemoved,
        );
        let added = site.pick(
            R::RequestParameterEnumValueAdded,
            R::RequestPropertyEnumValueAdded,
            R::ResponsePropertyEnumValueAdded,
        );
        let response_added = |message| (added, Level::PotentiallyBreaking, message);
        let mut found = Vec::new();
        match (list(pair.o, "enum"), list(pair.n, "enum")) {
            (Some(old), Some(new)) => {
                for v in old.iter().filter(|v| !new.contains(v)) {
                    let message = if site.is_request() {
                        format!("the value {v} of {what} is no longer accepted")
                    } else {
                        format!("{what} is no longer {v}")
                    };
                    found.push((removed, Level::NonBreaking, message));
                }
                for v in new.iter().filter(|v| !old.contains(v)) {
                    found.push(if site.is_request() {
                        (
                            added,
                            Level::NonBreaking,
                            format!("{what} accepts the new value {v}"),
                        )
                    } else {
                        response_added(format!(
                            "{what} may now be {v}: clients with closed enums fail to read it"
                        ))
                    });
                }
            }
            (None, Some(_)) if site.is_request() => {
                let rule = site.pick(
                    R::RequestParameterBecameEnum,
                    R::RequestPropertyBecameEnum,
                    removed,
                );
                found.push((
                    rule,
                    Level::NonBreaking,
                    format!("{what} is now restricted to an enum"),
                ));
            }
            (None, Some(_)) => found.push((
                removed,
                Level::NonBreaking,
                format!("{what} is now restricted to an enum"),
            )),
            (Some(_), None) if site.is_request() => {
                found.push((
                    added,
                    Level::NonBreaking,
                    format!("{what} is no longer restricted to an enum"),
                ));
            }
            (Some(_), None) => found.push(response_added(format!(
                "{what} is no longer restricted to an enum: clients with closed enums may fail"
            ))),
            (None, None) => {}
        }
        for (rule, level, message) in found {
            let level = rule.level().unwrap_or(level);
            let (oa, na) = pair.places();
            self.report_at(rule, level, message, oa, na);
        }
    }

    /// `x-extensible-enum`: clients must accept values they do not know, so
    /// only a value removed from a request breaks.
    fn extensible_enums(&mut self, pair: &SchemaPair) {
        let (Some(old), Some(new)) = (
            list(pair.o, "x-extensible-enum"),
            list(pair.n, "x-extensible-enum"),
        ) else {
            return;
        };
        let (site, what) = (pair.site, &pair.what);
        let mut found = Vec::new();
        for v in old.iter().filter(|v| !new.contains(v)) {
            let rule = site.pick(
                R::RequestParameterXExtensibleEnumValueRemoved,
                R::RequestPropertyXExtensibleEnumValueRemoved,
                R::ResponsePropertyEnumValueRemoved,
            );
            found.push((
                rule,
                Level::NonBreaking,
                format!("the x-extensible-enum value {v} of {what} was removed"),
            ));
        }
        for v in new.iter().filter(|v| !old.contains(v)) {
            let rule = site.pick(
                R::RequestParameterEnumValueAdded,
                R::RequestPropertyEnumValueAdded,
                R::ResponsePropertyEnumValueAdded,
            );
            found.push((
                rule,
                Level::NonBreaking,
                format!("{what} has the new x-extensible-enum value {v}"),
            ));
        }
        for (rule, level, message) in found {
            // Only the response's "enum value added" has no fixed level: an
            // extensible enum's new value is non-breaking by design.
            let level = rule.level().unwrap_or(level);
            let (oa, na) = pair.places();
            self.report_at(rule, level, message, oa, na);
        }
    }

    /// `pattern`: one added where there was none refuses values clients
    /// send; a changed one may.
    fn pattern(&mut self, pair: &SchemaPair) {
        // An empty pattern matches every string: it is no pattern.
        fn pattern(m: &Map<String, Value>) -> Option<&Value> {
            m.get("pattern").filter(|p| p.as_str() != Some(""))
        }
        let (old, new) = (pattern(pair.o), pattern(pair.n));
        let effect = if pair.site.is_request() {
            ": values valid before may be refused"
        } else {
            ""
        };
        let (site, what) = (pair.site, &pair.what);
        let (rule, message) = match (old, new) {
            (None, Some(p)) => (
                site.pick(
                    R::RequestParameterPatternAdded,
                    R::RequestPropertyPatternAdded,
                    R::ResponsePropertyPatternAdded,
                ),
                format!("{what} must now match the pattern {p}"),
            ),
            (Some(o), Some(n)) if o != n => (
                site.pick(
                    R::RequestParameterPatternChanged,
                    R::RequestPropertyPatternChanged,
                    R::ResponsePropertyPatternChanged,
                ),
                format!("the pattern of {what} changed to {n} from {o}{effect}"),
            ),
            (Some(p), None) => (
                site.pick(
                    R::RequestParameterPatternRemoved,
                    R::RequestPropertyPatternRemoved,
                    R::ResponsePropertyPatternRemoved,
                ),
                format!("{what} no longer has to match the pattern {p}"),
            ),
            _ => return,
        };
        let (oa, na) = pair.places();
        self.report(rule, message, oa, na);
    }

    /// `default`: for a parameter, what clients that omit it now get.
    fn default(&mut self, pair: &SchemaPair) {
        let (old, new) = (pair.o.get("default"), pair.n.get("default"));
        let (site, what) = (pair.site, &pair.what);
        let (rule, message) = match (old, new) {
            (None, Some(d)) => (
                site.pick(
                    R::RequestParameterDefaultValueAdded,
                    R::RequestPropertyDefaultValueAdded,
                    R::ResponsePropertyDefaultValueAdded,
                ),
                format!("{what} got the default {d}"),
            ),
            (Some(o), Some(n)) if o != n => (
                site.pick(
                    R::RequestParameterDefaultValueChanged,
                    R::RequestPropertyDefaultValueChanged,
                    R::ResponsePropertyDefaultValueChanged,
                ),
                format!("the default of {what} changed to {n} from {o}"),
            ),
            (Some(d), None) => (
                site.pick(
                    R::RequestParameterDefaultValueRemoved,
                    R::RequestPropertyDefaultValueRemoved,
                    R::ResponsePropertyDefaultValueRemoved,
                ),
                format!("{what} lost its default {d}"),
            ),
            _ => return,
        };
        let (oa, na) = pair.places();
        self.report(rule, message, oa, na);
    }
}
