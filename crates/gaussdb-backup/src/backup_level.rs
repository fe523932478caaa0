//! `backup_level`: documented as a string (`"0"`, `"1"`, `"2"`), but the
//! official Go and Python SDKs would also read a JSON number, so a service
//! that sends one must not fail a successful list (`openapi/SOURCES.md`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A backup's level, as the text of its digits whether it came as a string
/// (`"1"`) or as a number (`1`). Written back as a string, the documented
/// form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BackupLevel(String);

impl BackupLevel {
    /// The level as text, such as `"0"`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for BackupLevel {
    fn from(text: &str) -> Self {
        BackupLevel(text.to_owned())
    }
}

impl FromStr for BackupLevel {
    type Err = std::convert::Infallible;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(text))
    }
}

impl fmt::Display for BackupLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for BackupLevel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for BackupLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Number(serde_json::Number),
        }
        Ok(match Wire::deserialize(deserializer)? {
            Wire::Text(text) => BackupLevel(text),
            Wire::Number(number) => BackupLevel(number.to_string()),
        })
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for BackupLevel {
    fn schema_name() -> String {
        "BackupLevel".to_owned()
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_numbers_both_read_and_write_back_as_strings() {
        for (wire, text) in [(r#""1""#, "1"), ("2", "2"), ("0", "0")] {
            let level: BackupLevel = serde_json::from_str(wire).unwrap();
            assert_eq!(level.as_str(), text);
            assert_eq!(
                serde_json::to_string(&level).unwrap(),
                format!("\"{text}\"")
            );
        }
        assert!(serde_json::from_str::<BackupLevel>("true").is_err());
    }

    #[test]
    fn it_prints_as_the_level_the_service_sent() {
        let level: BackupLevel = serde_json::from_str("1").unwrap();
        assert_eq!(level.to_string(), "1");
        assert_eq!(format!("level {}", BackupLevel::from("2")), "level 2");
    }

    /// The schema `schemars` users get says what is written: a string, under
    /// the spec's name.
    #[cfg(feature = "schemars")]
    #[test]
    fn its_json_schema_is_a_string_named_as_in_the_spec() {
        use schemars::JsonSchema;
        assert_eq!(BackupLevel::schema_name(), "BackupLevel");
        let schema = schemars::schema_for!(BackupLevel);
        let json = serde_json::to_value(&schema).unwrap();
        assert_eq!(json["type"], "string", "{json}");
    }
}
