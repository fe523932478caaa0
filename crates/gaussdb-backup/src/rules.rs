//! The spec's field rules in words, for [`crate::Error::InvalidArgument`]
//! and the command line's messages.
//!
//! The checks themselves are the generated constrained types' (the spec's
//! patterns and lengths); a failed check is reported with these sentences
//! instead of the generated types' regular expressions, which users should
//! not have to read. `tests/field_rules.rs` holds every sentence to the
//! limits in the spec.

/// `name`: the `BackupName` schema.
pub const BACKUP_NAME: &str = "must be 4 to 64 characters, start with a letter or a Chinese character, \
     and contain only letters, digits, Chinese characters, hyphens (-) and underscores (_)";

/// `description`: the `BackupDescription` schema.
pub const BACKUP_DESCRIPTION: &str =
    "must be at most 256 characters and contain none of > ! < \" & ' =";

/// `instance_id`: the `InstanceId` schema.
pub const INSTANCE_ID: &str = "must be 36 letters, digits or hyphens (TaurusDB instance IDs are 32 letters \
     and digits followed by in07)";

/// `project_id`: the `ProjectId` schema.
pub const PROJECT_ID: &str = "must be 32 letters and digits";

/// `limit` of a backup list: the spec's `minimum` and `maximum`.
pub const LIMIT: &str = "must be 1 to 100";

/// `begin_time`/`end_time` of a backup list: the `QueryTime` schema.
pub const QUERY_TIME: &str =
    "must be a time in the service's form yyyy-mm-ddThh:mm:ss+hhmm (+hh:mm and Z are accepted too)";

/// An ID in a path or query: the spec's `minLength: 1`.
pub const NOT_EMPTY: &str = "must not be empty";
