//! The field rules the emulator enforces, in one place, each a named
//! function with the official rule it follows.
//!
//! They follow the newest official rules (Huawei's SDK documentation, which
//! is stricter in places and looser in others than the OpenTelekomCloud API
//! reference):
//!
//! - **name** ([`backup_name`]): 4 to 64 characters *and* at most 64 bytes
//!   of UTF-8 (a Chinese character takes 3); it starts with a letter or a
//!   Chinese character, then letters, digits, `-`, `_` or Chinese
//!   characters. "Chinese character" is taken as the CJK Unified Ideographs
//!   block, U+4E00 to U+9FFF; letters are ASCII letters.
//! - **description** ([`backup_description`]): at most 256 characters, none
//!   of `>!<"&'=`, and no carriage return (the TaurusDB user guide forbids
//!   it; the API reference does not mention it).
//! - **instance ID** ([`instance_id`]): 32 letters or digits followed by
//!   `in07`, 36 characters. The case of the letters is not documented (IDs
//!   the service issues are lowercase hex), so both cases are accepted.
//!
//! Where official sources disagree, the client is more permissive than the
//! emulator: the emulator plays the strictest plausible service.

/// What the service checks the instance ID suffix against.
pub const INSTANCE_SUFFIX: &str = "in07";
/// The suffix of the backup IDs the service issues.
pub const BACKUP_SUFFIX: &str = "br07";

/// Whether `c` is a "Chinese character" of the name rule.
pub fn is_chinese(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// The backup name rule (`DBS.280277` when broken).
pub fn backup_name(name: &str) -> Result<(), &'static str> {
    let chars = name.chars().count();
    if !(4..=64).contains(&chars) {
        return Err("must be 4 to 64 characters");
    }
    if name.len() > 64 {
        return Err("must be at most 64 bytes of UTF-8 (a Chinese character takes 3)");
    }
    let mut it = name.chars();
    let first = it.next().unwrap_or(' ');
    if !(first.is_ascii_alphabetic() || is_chinese(first)) {
        return Err("must start with a letter or a Chinese character");
    }
    if !it.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || is_chinese(c)) {
        return Err("may contain only letters, digits, -, _ and Chinese characters");
    }
    Ok(())
}

/// The characters a description must not contain.
pub const DESCRIPTION_FORBIDDEN: &[char] = &['>', '!', '<', '"', '&', '\'', '=', '\r'];

/// The backup description rule (`DBS.280127` when broken).
pub fn backup_description(description: &str) -> Result<(), &'static str> {
    if description.chars().count() > 256 {
        return Err("must be at most 256 characters");
    }
    if description.contains(DESCRIPTION_FORBIDDEN) {
        return Err("must not contain > ! < \" & ' = or a carriage return");
    }
    Ok(())
}

/// The instance ID rule (`DBS.280404` when broken).
pub fn instance_id(id: &str) -> Result<(), &'static str> {
    match id.strip_suffix(INSTANCE_SUFFIX) {
        Some(head) if head.len() == 32 && head.bytes().all(|b| b.is_ascii_alphanumeric()) => Ok(()),
        _ => Err("must be 32 letters or digits followed by in07"),
    }
}

/// The project ID rule (`DBS.200001` when broken): 32 letters and digits.
pub fn project_id(id: &str) -> Result<(), &'static str> {
    if id.len() == 32 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err("must be 32 letters and digits")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Rule = fn(&str) -> Result<(), &'static str>;

    #[test]
    fn every_rule_at_its_boundaries() {
        let cjk16 = "备".repeat(16); // 16 characters, 48 bytes
        let cjk22 = "备".repeat(22); // 22 characters, 66 bytes
        let cases: &[(&str, Rule, &str, bool)] = &[
            ("name", backup_name, "backup-1", true),
            ("name", backup_name, "abcd", true),
            ("name", backup_name, "abc", false),
            ("name", backup_name, &"a".repeat(64), true),
            ("name", backup_name, &"a".repeat(65), false),
            ("name", backup_name, "1abc", false),
            ("name", backup_name, "-abc", false),
            ("name", backup_name, "_abc", false),
            ("name", backup_name, "ab c", false),
            ("name", backup_name, "ab.c", false),
            ("name", backup_name, "备份一下", true),
            ("name", backup_name, "备份a-_1", true),
            ("name", backup_name, "a备份_", true),
            ("name", backup_name, &cjk16, true),
            ("name", backup_name, &cjk22, false), // 22 characters but 66 bytes
            ("name", backup_name, "éabc", false), // not an ASCII letter
            ("name", backup_name, "abcé", false),
            ("name", backup_name, "abc\u{3400}", false), // CJK extension A: outside the block
            ("name", backup_name, "abc\u{9FFF}", true),
            ("name", backup_name, "", false),
            ("description", backup_description, "", true),
            ("description", backup_description, "Manual backup", true),
            ("description", backup_description, &"x".repeat(256), true),
            ("description", backup_description, &"x".repeat(257), false),
            ("description", backup_description, &"备".repeat(256), true),
            ("description", backup_description, "line\nbreak", true),
            ("description", backup_description, "carriage\rreturn", false),
            ("description", backup_description, "a>b", false),
            ("description", backup_description, "a!b", false),
            ("description", backup_description, "a<b", false),
            ("description", backup_description, "a\"b", false),
            ("description", backup_description, "a&b", false),
            ("description", backup_description, "a'b", false),
            ("description", backup_description, "a=b", false),
            ("description", backup_description, "^$ (ok)", true),
            (
                "instance_id",
                instance_id,
                "07033b125fd94a8a96896f8bcfee6ddain07",
                true,
            ),
            (
                "instance_id",
                instance_id,
                "07033B125FD94A8A96896F8BCFEE6DDAin07",
                true,
            ),
            (
                "instance_id",
                instance_id,
                "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzin07",
                true,
            ),
            (
                "instance_id",
                instance_id,
                "07033b125fd94a8a96896f8bcfee6ddain01",
                false,
            ),
            (
                "instance_id",
                instance_id,
                "07033b125fd94a8a96896f8bcfee6ddaIN07",
                false,
            ),
            (
                "instance_id",
                instance_id,
                "07033b125fd94a8a96896f8bcfee6ddin07",
                false,
            ),
            (
                "instance_id",
                instance_id,
                "07033b125fd94a8a96896f8bcfee6ddaain07",
                false,
            ),
            (
                "instance_id",
                instance_id,
                "07033b12-fd94-a8a9-6896-f8bcfee6in07",
                false,
            ),
            ("instance_id", instance_id, "in07", false),
            (
                "instance_id",
                instance_id,
                "07033b125fd94a8a96896f8bcfee6dd备in07",
                false,
            ),
            (
                "project_id",
                project_id,
                "619d3e78f61b4be68bc5aa0b59edcf7b",
                true,
            ),
            (
                "project_id",
                project_id,
                "619d3e78f61b4be68bc5aa0b59edcf7",
                false,
            ),
            (
                "project_id",
                project_id,
                "619d3e78-61b4be68bc5aa0b59edcf7b",
                false,
            ),
        ];
        for (field, rule, value, ok) in cases {
            assert_eq!(rule(value).is_ok(), *ok, "{field} {value:?}");
        }
    }
}
