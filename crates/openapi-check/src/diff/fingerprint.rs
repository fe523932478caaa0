//! A change's short, stable id, so that a reviewer's decision about a change
//! ("accepted: clients were told") can be tied to it across commits.
//!
//! Like oasdiff's, it hashes what identifies the change, never where it is
//! written: the rule id, the operation and the message (which names the
//! parameter, property, status or media type and the values before and
//! after). Line numbers, JSON pointers and array indices are left out, so
//! moving a parameter or reformatting the file keeps the id; a different
//! value before or after is a different change, with a different id.

use super::DiffRule;

/// 12 hexadecimal digits of the 64-bit FNV-1a hash of
/// `rule:operation:message` (FNV-1a is fixed by its definition, so the id
/// does not depend on the platform or the compiler).
pub(super) fn fingerprint(rule: DiffRule, operation: Option<&str>, message: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let text = format!("{}:{}:{message}", rule.as_str(), operation.unwrap_or(""));
    let hash = text
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    format!("{hash:016x}")[..12].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_fixed_by_what_changed() {
        let id = fingerprint(DiffRule::EndpointAdded, Some("GET /a"), "added");
        // The value itself is pinned: a change of hash function would
        // orphan every decision recorded against the old ids.
        assert_eq!(id, "b01193724806");
        assert_eq!(id.len(), 12);
        assert_ne!(
            id,
            fingerprint(DiffRule::EndpointAdded, Some("GET /b"), "added")
        );
        assert_ne!(
            id,
            fingerprint(DiffRule::EndpointAdded, Some("GET /a"), "gone")
        );
        assert_ne!(
            id,
            fingerprint(
                DiffRule::ApiRemovedWithoutDeprecation,
                Some("GET /a"),
                "added"
            )
        );
    }
}
