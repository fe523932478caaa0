//! The service's times (`begin_time`, `end_time`, a job's `created` and
//! `ended`): typed, without losing what the service sent.
//!
//! The service sends `2020-07-07T01:17:05+0800`: an offset without a colon,
//! which RFC 3339 (and so `format: date-time` and chrono's serde support)
//! rejects. This type accepts that form, `+08:00` and `Z`, keeps the offset,
//! and serializes back to exactly the text it was given.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A time as the service reported it.
///
/// [`Timestamp::datetime`] gives the instant with the service's own UTC
/// offset; [`Timestamp::as_str`] the text exactly as received. A value the
/// parser does not understand is still accepted (so a format change on the
/// server does not break responses), with `datetime()` returning `None`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    raw: String,
    parsed: Option<DateTime<FixedOffset>>,
}

impl Timestamp {
    /// The time with the offset the service sent, or `None` when the text is
    /// in a format this client does not know.
    pub fn datetime(&self) -> Option<DateTime<FixedOffset>> {
        self.parsed
    }

    /// The text exactly as the service sent it.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Builds the value the service would send for `time`, in its own format
    /// (`+hhmm` offset, no fractional seconds).
    pub fn from_datetime(time: DateTime<FixedOffset>) -> Self {
        let raw = crate::service_form::format(&time)
            .unwrap_or_else(|| time.format(SERVICE_FORM).to_string());
        Timestamp {
            raw,
            parsed: Some(time),
        }
    }
}

/// Parses the forms the service family uses: `+hhmm`, `+hh:mm` and `Z`.
fn parse(text: &str) -> Option<DateTime<FixedOffset>> {
    if let Some(time) = crate::service_form::parse(text) {
        return Some(time);
    }
    chrono_parse(text)
}

/// [`parse`] by chrono alone: what the fast path must agree with.
fn chrono_parse(text: &str) -> Option<DateTime<FixedOffset>> {
    // What `DateTime::parse_from_str(text, SERVICE_FORM)` does, with the
    // format read once instead of on every call (half of its cost).
    static ITEMS: LazyLock<Vec<Item<'static>>> =
        LazyLock::new(|| StrftimeItems::new(SERVICE_FORM).collect());
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, text, ITEMS.iter())
        .and_then(|()| parsed.to_datetime())
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .ok()
}

/// The service's own form: `+hhmm` offset, no fractional seconds.
const SERVICE_FORM: &str = "%Y-%m-%dT%H:%M:%S%z";

impl FromStr for Timestamp {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Timestamp {
            raw: text.to_owned(),
            parsed: parse(text),
        })
    }
}

impl From<&str> for Timestamp {
    fn from(text: &str) -> Self {
        Timestamp {
            raw: text.to_owned(),
            parsed: parse(text),
        }
    }
}

impl From<String> for Timestamp {
    fn from(raw: String) -> Self {
        let parsed = parse(&raw);
        Timestamp { raw, parsed }
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(time: DateTime<FixedOffset>) -> Self {
        Timestamp::from_datetime(time)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.parsed {
            Some(time) => write!(f, "Timestamp({:?} = {})", self.raw, time.to_rfc3339()),
            None => write!(f, "Timestamp({:?}, unparsed)", self.raw),
        }
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> String {
        "Timestamp".to_owned()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            ..Default::default()
        }
        .into()
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        let parsed = parse(&raw);
        Ok(Timestamp { raw, parsed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_offset_without_a_colon() {
        let t: Timestamp = "2020-07-07T01:17:05+0800".parse().unwrap();
        let dt = t.datetime().unwrap();
        assert_eq!(dt.offset().local_minus_utc(), 8 * 3600);
        assert_eq!(dt.to_rfc3339(), "2020-07-07T01:17:05+08:00");
        assert_eq!(t.as_str(), "2020-07-07T01:17:05+0800");
    }

    #[test]
    fn accepts_rfc3339_forms() {
        let colon: Timestamp = "2020-07-07T01:17:05+08:00".parse().unwrap();
        let zulu: Timestamp = "2020-07-06T17:17:05Z".parse().unwrap();
        assert_eq!(colon.datetime(), zulu.datetime());
        assert_eq!(zulu.datetime().unwrap().offset().local_minus_utc(), 0);
    }

    #[test]
    fn unknown_formats_are_kept_not_rejected() {
        let t: Timestamp = serde_json::from_str("\"07/07/2020 01:17\"").unwrap();
        assert_eq!(t.datetime(), None);
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"07/07/2020 01:17\"");
    }

    /// The fast path reads and writes exactly what chrono does: random
    /// texts of the service's shape (digits anywhere, out-of-range fields,
    /// a wrong separator now and then) and random instants and offsets.
    #[test]
    fn agrees_with_chrono_on_random_times() {
        let mut rng = fastrand::Rng::with_seed(24);
        for _ in 0..20_000 {
            let mut text: Vec<u8> = b"2020-07-07T01:17:05+0800".to_vec();
            for at in [
                0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22, 23,
            ] {
                text[at] = b'0' + rng.u8(0..10);
            }
            // Keep the fields mostly in range, so the fast path is taken.
            if rng.bool() {
                text[5] = b'0' + rng.u8(0..2);
                text[8] = b'0' + rng.u8(0..3);
                text[11] = b'0' + rng.u8(0..2);
                text[20] = b'0' + rng.u8(0..2);
            }
            if rng.u8(0..20) == 0 {
                let at = rng.usize(0..text.len());
                text[at] = *b"-+:T Z0".get(rng.usize(0..7)).unwrap();
            }
            text[19] = if rng.bool() { b'+' } else { b'-' };
            let text = String::from_utf8(text).unwrap();
            assert_eq!(parse(&text), chrono_parse(&text), "{text}");
        }
        for _ in 0..20_000 {
            let seconds = rng.i64(-62_000_000_000..253_000_000_000);
            let offset = if rng.bool() {
                rng.i32(-24 * 60 + 1..24 * 60) * 60
            } else {
                rng.i32(-86_399..86_400)
            };
            let offset = FixedOffset::east_opt(offset).unwrap();
            let time = DateTime::from_timestamp(seconds, 0)
                .unwrap()
                .with_timezone(&offset);
            let chrono = time.format(SERVICE_FORM).to_string();
            assert_eq!(Timestamp::from_datetime(time).as_str(), chrono, "{time:?}");
        }
    }

    /// The service's own form is read and written by the fast path (else
    /// the agreement above holds trivially, and the speed is gone).
    #[test]
    fn the_service_form_takes_the_fast_path() {
        let time = crate::service_form::parse("2020-07-07T01:17:05+0800").unwrap();
        assert_eq!(time.to_rfc3339(), "2020-07-07T01:17:05+08:00");
        let west = crate::service_form::parse("1999-12-31T23:59:59-0330").unwrap();
        assert_eq!(west.to_rfc3339(), "1999-12-31T23:59:59-03:30");
        assert_eq!(
            crate::service_form::format(&west).as_deref(),
            Some("1999-12-31T23:59:59-0330")
        );
        assert_eq!(
            crate::service_form::parse("2020-07-07T01:17:05+08:00"),
            None
        );
        assert_eq!(crate::service_form::parse("2020-02-30T01:17:05+0800"), None);
    }

    #[test]
    fn from_datetime_uses_the_service_format() {
        let dt = DateTime::parse_from_rfc3339("2020-07-07T01:17:05-03:30").unwrap();
        assert_eq!(Timestamp::from(dt).as_str(), "2020-07-07T01:17:05-0330");
    }

    /// A timestamp prints exactly as the service sent it (the CLI's output,
    /// a log line); `Debug` adds how it was read, or that it was not.
    #[test]
    fn it_prints_as_the_service_sent_it() {
        let t: Timestamp = "2020-07-07T01:17:05+0800".parse().unwrap();
        assert_eq!(t.to_string(), "2020-07-07T01:17:05+0800");
        assert_eq!(
            format!("{t:?}"),
            r#"Timestamp("2020-07-07T01:17:05+0800" = 2020-07-07T01:17:05+08:00)"#
        );
        let odd = Timestamp::from("07/07/2020 01:17");
        assert_eq!(odd.to_string(), "07/07/2020 01:17");
        assert_eq!(
            format!("{odd:?}"),
            r#"Timestamp("07/07/2020 01:17", unparsed)"#
        );
    }

    /// The schema `schemars` users get says what is written: a string.
    #[cfg(feature = "schemars")]
    #[test]
    fn its_json_schema_is_a_string_named_timestamp() {
        use schemars::JsonSchema;
        assert_eq!(Timestamp::schema_name(), "Timestamp");
        let schema = schemars::schema_for!(Timestamp);
        let json = serde_json::to_value(&schema).unwrap();
        assert_eq!(json["type"], "string", "{json}");
    }
}
