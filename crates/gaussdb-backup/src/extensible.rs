//! Enums that stay open: the service may add values (the status list already
//! differs across the service family), and an old client must still read the
//! response. The generated code uses these types in place of the spec's
//! `BackupStatus`, `BackupType`, `JobStatus` and `Language` schemas
//! (`with_replacement` in xtask).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Defines a string enum with an `Unknown(String)` variant that keeps any
/// value the spec does not list, and round-trips it unchanged.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+ }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the client does not know, as sent.
            Unknown(String),
        }

        impl $name {
            /// The values this version knows, in the spec's order: the
            /// spec's `enum` (`tests/examples.rs` keeps the two equal).
            pub const KNOWN: &'static [&'static str] = &[$( $wire, )+];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        // A string schema listing the known values, like the spec's, for
        // tools (the generated CLI) that describe types with schemars.
        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> String {
                stringify!($name).to_owned()
            }

            fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
                schemars::schema::SchemaObject {
                    instance_type: Some(schemars::schema::InstanceType::String.into()),
                    enum_values: Some(vec![$( serde_json::Value::from($wire), )+]),
                    ..Default::default()
                }
                .into()
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    };
}

open_enum! {
    /// Status of a backup. A create call answers [`BackupStatus::Building`].
    BackupStatus {
        /// `BUILDING`: the backup is in progress.
        Building => "BUILDING",
        /// `COMPLETED`: the backup finished.
        Completed => "COMPLETED",
        /// `FAILED`: the backup failed.
        Failed => "FAILED",
        /// `AVAILABLE`: the backup can be restored.
        Available => "AVAILABLE",
    }
}

open_enum! {
    /// Type of a backup. A create call answers [`BackupType::Manual`].
    BackupType {
        /// `manual`: a manual full backup.
        Manual => "manual",
        /// `auto`: an automated full backup.
        Auto => "auto",
    }
}

open_enum! {
    /// Status of an asynchronous job. Mixed case on the wire, unlike
    /// [`BackupStatus`].
    JobStatus {
        /// `Pending`: not started yet.
        Pending => "Pending",
        /// `Running`: in progress; the job's `process` says how far.
        Running => "Running",
        /// `Completed`: finished successfully.
        Completed => "Completed",
        /// `Failed`: finished with an error; the job's `fail_reason` says why.
        Failed => "Failed",
    }
}

impl JobStatus {
    /// Whether the job has finished, successfully or not.
    pub fn is_finished(&self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::Failed)
    }
}

open_enum! {
    /// Language of the service's messages (`X-Language`). The documented
    /// values are `en-us` (the default) and `zh-cn`; the official SDKs send
    /// any string, and so can this client.
    Language {
        /// `en-us`: English, the default.
        EnUs => "en-us",
        /// `zh-cn`: Simplified Chinese.
        ZhCn => "zh-cn",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_parse_to_their_variant() {
        assert_eq!(BackupStatus::from("BUILDING"), BackupStatus::Building);
        assert_eq!(BackupType::from("manual"), BackupType::Manual);
    }

    #[test]
    fn unknown_values_round_trip() {
        let status: BackupStatus = serde_json::from_str("\"RESTORING\"").unwrap();
        assert_eq!(status, BackupStatus::Unknown("RESTORING".into()));
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"RESTORING\"");
        // Matching is exact: the service's values are case-sensitive.
        assert_eq!(
            BackupType::from("Manual"),
            BackupType::Unknown("Manual".into())
        );
    }

    /// A job is finished once it completed or failed, whatever came before;
    /// a status this client does not know is not taken for an end.
    #[test]
    fn a_job_is_finished_once_it_completed_or_failed() {
        assert!(JobStatus::Completed.is_finished());
        assert!(JobStatus::Failed.is_finished());
        assert!(!JobStatus::Pending.is_finished());
        assert!(!JobStatus::Running.is_finished());
        assert!(!JobStatus::from("Suspended").is_finished());
    }
}
