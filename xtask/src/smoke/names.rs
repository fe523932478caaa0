//! The names of the backups the smoke run creates: a fixed prefix that the
//! sweeper recognises, the UTC time, and a random part, so that two runs
//! never share a name and a stray backup says where it came from.

use chrono::{DateTime, Utc};

/// Every smoke backup's name starts with this, and only theirs should.
pub const PREFIX: &str = "gdbsmoke-";
/// Characters of the random part.
const RANDOM_LEN: usize = 6;

/// `gdbsmoke-20261205T071500Z-k3x9q2`: 31 characters, a letter first, then
/// letters, digits and hyphens (the spec's `BackupName` rule).
pub fn backup_name(now: DateTime<Utc>, rng: &mut fastrand::Rng) -> String {
    let random: String = (0..RANDOM_LEN)
        .map(|_| {
            let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
            char::from(alphabet[rng.usize(..alphabet.len())])
        })
        .collect();
    format!("{PREFIX}{}-{random}", now.format("%Y%m%dT%H%M%SZ"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name obeys the spec's own `BackupName` pattern and lengths, read
    /// from the spec (so a stricter spec fails here, not on the service).
    #[test]
    fn names_obey_the_specs_backup_name_rule() {
        let root = crate::project_root();
        let text = std::fs::read_to_string(root.join(crate::spec::SPEC_PATH)).unwrap();
        let spec = openapi_check::parse(&text, openapi_check::Format::Yaml)
            .unwrap()
            .value;
        let rule = &spec["components"]["schemas"]["BackupName"];
        let pattern = regex_lite::Regex::new(rule["pattern"].as_str().unwrap()).unwrap();
        let (min, max) = (
            rule["minLength"].as_u64().unwrap() as usize,
            rule["maxLength"].as_u64().unwrap() as usize,
        );
        let now = DateTime::parse_from_rfc3339("2026-12-05T07:15:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut rng = fastrand::Rng::with_seed(7);
        let a = backup_name(now, &mut rng);
        let b = backup_name(now, &mut rng);
        assert_ne!(a, b, "the random part differs");
        for name in [a, b] {
            assert!(name.starts_with("gdbsmoke-20261205T071500Z-"), "{name}");
            assert!(pattern.is_match(&name), "{name} breaks {pattern}");
            assert!((min..=max).contains(&name.chars().count()), "{name}");
        }
    }
}
