//! Deprecation, sunset and stability of an operation or a parameter, judged
//! by the team's policy ([`DiffOptions`]): removing a deprecated element
//! before its `x-sunset` is breaking, after it is not; deprecating one needs
//! a sunset far enough away when the policy sets a deprecation period.

use chrono::NaiveDate;
use serde_json::Value;

use super::DiffRule;
use super::differ::{Differ, Result};
use super::documents::{Documents, Loc};
use super::policy::{Stability, parse_stability, parse_sunset};

/// What an operation or parameter says about its lifecycle.
#[derive(Clone, Copy, Debug)]
pub(super) struct Lifecycle {
    pub deprecated: bool,
    pub sunset: Option<NaiveDate>,
    pub stability: Stability,
}

impl Lifecycle {
    /// Reads `deprecated`, `x-sunset` and `x-stability-level`; an invalid
    /// value is an error at its place.
    pub fn read(docs: &Documents, value: &Value, at: &Loc) -> Result<Lifecycle> {
        let sunset = match value.get("x-sunset") {
            Some(v) => Some(parse_sunset(v).map_err(|e| docs.error(&at.push("x-sunset"), e))?),
            None => None,
        };
        let stability = match value.get("x-stability-level") {
            Some(v) => {
                parse_stability(v).map_err(|e| docs.error(&at.push("x-stability-level"), e))?
            }
            None => Stability::Stable,
        };
        Ok(Lifecycle {
            deprecated: value.get("deprecated") == Some(&Value::Bool(true)),
            sunset,
            stability,
        })
    }
}

/// The rules for removing one kind of element.
pub(super) struct RemovalRules {
    pub without_deprecation: DiffRule,
    pub with_deprecation: DiffRule,
    pub before_sunset: DiffRule,
}

/// The rules for deprecating one kind of element.
pub(super) struct DeprecationRules {
    pub deprecated: DiffRule,
    pub reactivated: DiffRule,
    pub sunset_missing: DiffRule,
    pub sunset_too_small: DiffRule,
    /// For a sunset date that goes or moves (operations and parameters).
    pub sunset: Option<SunsetRules>,
}

pub(super) struct SunsetRules {
    pub deleted: DiffRule,
    pub changed_too_small: DiffRule,
    pub changed: DiffRule,
}

impl Differ<'_> {
    /// The rule and the reason for removing an element with this lifecycle.
    pub fn removal(&self, old: Lifecycle, rules: &RemovalRules) -> (DiffRule, String) {
        match (old.deprecated, old.sunset) {
            (false, _) => (rules.without_deprecation, String::new()),
            (true, Some(sunset)) if sunset > self.options.today() => (
                rules.before_sunset,
                format!(" before its sunset date {sunset}"),
            ),
            (true, Some(sunset)) => (
                rules.with_deprecation,
                format!(" (it was deprecated, sunset {sunset})"),
            ),
            (true, None) => (rules.with_deprecation, " (it was deprecated)".to_owned()),
        }
    }

    /// Deprecation and sunset changes of an element in both documents.
    pub fn lifecycle(
        &mut self,
        (old, new): (Lifecycle, Lifecycle),
        (old_at, new_at): (&Loc, &Loc),
        what: &str,
        rules: &DeprecationRules,
    ) {
        let days = self.options.deprecation_days(new.stability);
        let earliest = self.options.today() + chrono::Days::new(u64::from(days));
        let places = || (Some(old_at.clone()), Some(new_at.clone()));
        let found: Option<(DiffRule, String)> = match (old.deprecated, new.deprecated) {
            (false, true) => Some(match new.sunset {
                None if days > 0 => (
                    rules.sunset_missing,
                    format!(
                        "{what} was deprecated without an x-sunset date; the policy asks for {days} days"
                    ),
                ),
                Some(s) if s < earliest => (
                    rules.sunset_too_small,
                    format!(
                        "{what} was deprecated with the sunset date {s}, sooner than the policy's {days} days"
                    ),
                ),
                Some(s) => (
                    rules.deprecated,
                    format!("{what} was deprecated (sunset {s})"),
                ),
                None => (rules.deprecated, format!("{what} was deprecated")),
            }),
            (true, false) => Some((rules.reactivated, format!("{what} is no longer deprecated"))),
            (true, true) => match (old.sunset, new.sunset, &rules.sunset) {
                (_, _, None) => None,
                (Some(o), None, Some(rules)) => {
                    Some((rules.deleted, format!("{what} lost its sunset date {o}")))
                }
                (Some(o), Some(n), Some(rules)) if n < o && n < earliest => Some((
                    rules.changed_too_small,
                    format!(
                        "the sunset date of {what} moved from {o} to {n}, sooner than the policy's {days} days from today"
                    ),
                )),
                (o, Some(n), Some(rules)) if o != Some(n) => Some((
                    rules.changed,
                    format!(
                        "the sunset date of {what} changed to {n}{}",
                        o.map(|o| format!(" from {o}")).unwrap_or_default()
                    ),
                )),
                _ => None,
            },
            (false, false) => None,
        };
        if let Some((rule, message)) = found {
            let (o, n) = places();
            self.report(rule, message, o, n);
        }
    }
}
