//! Deprecation and stability, as policy a team sets (oasdiff's
//! `x-stability-level` and `x-sunset`): how long a deprecated operation or
//! parameter must stay before its sunset, which stability levels are held to
//! the contract, and the date sunsets are judged on.

use chrono::NaiveDate;

/// `x-stability-level`, from least to most stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stability {
    /// `draft`.
    Draft,
    /// `alpha`.
    Alpha,
    /// `beta`.
    Beta,
    /// `stable` (also what an element without `x-stability-level` is).
    Stable,
}

impl Stability {
    /// The extension's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Stability::Draft => "draft",
            Stability::Alpha => "alpha",
            Stability::Beta => "beta",
            Stability::Stable => "stable",
        }
    }
}

impl std::str::FromStr for Stability {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "draft" => Ok(Stability::Draft),
            "alpha" => Ok(Stability::Alpha),
            "beta" => Ok(Stability::Beta),
            "stable" => Ok(Stability::Stable),
            other => Err(format!(
                "unknown stability level {other:?} (draft, alpha, beta, stable)"
            )),
        }
    }
}

/// How the differ judges lifecycle changes. The default is oasdiff's: no
/// minimum deprecation period, and only `beta` and `stable` operations held
/// to the contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffOptions {
    /// Days a `beta` operation or parameter must stay between its
    /// deprecation and its `x-sunset` (0: no sunset needed).
    pub deprecation_days_beta: u32,
    /// The same for a `stable` one (or one without `x-stability-level`).
    pub deprecation_days_stable: u32,
    /// Operations less stable than this (by their old `x-stability-level`)
    /// are still compared, but their changes are reported as non-breaking.
    pub stability_level: Stability,
    /// The date `x-sunset`s are judged on; `None` is today's date (UTC).
    pub today: Option<NaiveDate>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            deprecation_days_beta: 0,
            deprecation_days_stable: 0,
            stability_level: Stability::Beta,
            today: None,
        }
    }
}

impl DiffOptions {
    /// The days of deprecation the policy asks of an element this stable.
    pub(super) fn deprecation_days(&self, stability: Stability) -> u32 {
        match stability {
            Stability::Draft | Stability::Alpha => 0,
            Stability::Beta => self.deprecation_days_beta,
            Stability::Stable => self.deprecation_days_stable,
        }
    }

    pub(super) fn today(&self) -> NaiveDate {
        self.today
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }
}

/// An `x-sunset` value: an RFC 3339 date (`2025-12-31`) or date-time.
pub(super) fn parse_sunset(value: &serde_json::Value) -> Result<NaiveDate, String> {
    let text = value
        .as_str()
        .ok_or_else(|| format!("x-sunset is {value}, not a date string"))?;
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(text).map(|d| d.date_naive()))
        .map_err(|_| format!("x-sunset {text:?} is not an RFC 3339 date (2025-12-31)"))
}

/// An `x-stability-level` value.
pub(super) fn parse_stability(value: &serde_json::Value) -> Result<Stability, String> {
    value
        .as_str()
        .ok_or_else(|| format!("x-stability-level is {value}, not a string"))?
        .parse()
        .map_err(|e| format!("x-stability-level: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sunsets_are_dates_or_date_times() {
        let day = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        assert_eq!(parse_sunset(&json!("2025-12-31")), Ok(day));
        assert_eq!(parse_sunset(&json!("2025-12-31T10:00:00Z")), Ok(day));
        assert!(parse_sunset(&json!("31/12/2025")).is_err());
        assert!(parse_sunset(&json!(20251231)).is_err());
    }

    #[test]
    fn stability_levels_are_ordered_and_checked() {
        assert!(Stability::Draft < Stability::Alpha && Stability::Beta < Stability::Stable);
        assert_eq!(parse_stability(&json!("beta")), Ok(Stability::Beta));
        assert!(parse_stability(&json!("gamma")).is_err());
    }
}
