//! The service's time form, `2020-07-07T01:17:05+0800`, read and written
//! without chrono's format machinery.
//!
//! Every answer that holds a backup holds one or two of these times, and
//! chrono's `%Y-%m-%dT%H:%M:%S%z` interpreter costs about 3,400 instructions
//! to read one and 3,700 to write one (callgrind, `bench/client_instructions.sh`
//! and `bench/emulator_instructions.py`): a sixth of what the client adds to
//! a create call. Both functions here handle only the exact 24-byte form
//! with in-range fields and return `None` for anything else, so that
//! [`crate::timestamp`] falls back to chrono: they can be faster, never
//! different (`tests::agrees_with_chrono_*`).

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Timelike};

/// Reads `YYYY-MM-DDTHH:MM:SS±hhmm`; `None` when the text is anything else
/// or a field is out of range (chrono then decides).
pub(crate) fn parse(text: &str) -> Option<DateTime<FixedOffset>> {
    let b: &[u8; 24] = text.as_bytes().try_into().ok()?;
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(at, c)| b[at] != c) {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let sign = match b[19] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = (number(20, 22)?, number(22, 24)?);
    // chrono refuses minutes past 59 (`+0199` is not 1 h 39 min); hours
    // past 23 are refused by `east_opt` below.
    if minutes > 59 {
        return None;
    }
    let offset = FixedOffset::east_opt(sign * i32::try_from(hours * 3600 + minutes * 60).ok()?)?;
    let year = i32::try_from(number(0, 4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5, 7)?, number(8, 10)?)?;
    // Seconds stop at 59: a leap second (`60`) is chrono's to read.
    let local = date.and_hms_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?)?;
    offset.from_local_datetime(&local).single()
}

/// Writes `time` as `YYYY-MM-DDTHH:MM:SS±hhmm`; `None` when chrono's `%Y`
/// or `%z` would write something else (a year outside 0–9999, an offset
/// with seconds, a leap second) and chrono must write it.
pub(crate) fn format(time: &DateTime<FixedOffset>) -> Option<String> {
    let offset = time.offset().local_minus_utc();
    // The wall-clock fields, computed once (each accessor of a
    // `DateTime<FixedOffset>` applies the offset again).
    let local = time.naive_local();
    let year = u32::try_from(local.year()).ok().filter(|&y| y <= 9999)?;
    if offset % 60 != 0 || local.nanosecond() >= 1_000_000_000 {
        return None;
    }
    let (sign, minutes) = if offset < 0 {
        (b'-', offset.unsigned_abs() / 60)
    } else {
        (b'+', offset.unsigned_abs() / 60)
    };
    let mut out = Vec::with_capacity(24);
    push_digits(&mut out, year, 4);
    let fields = [
        (b'-', local.month()),
        (b'-', local.day()),
        (b'T', local.hour()),
        (b':', local.minute()),
        (b':', local.second()),
    ];
    for (separator, value) in fields {
        out.push(separator);
        push_digits(&mut out, value, 2);
    }
    out.push(sign);
    push_digits(&mut out, minutes / 60, 2);
    push_digits(&mut out, minutes % 60, 2);
    String::from_utf8(out).ok()
}

/// Appends `n`'s last `width` (at most 4) decimal digits.
fn push_digits(out: &mut Vec<u8>, mut n: u32, width: usize) {
    let mut digits = [b'0'; 4];
    for digit in digits[..width].iter_mut().rev() {
        // n % 10 is one digit: the cast cannot truncate.
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend_from_slice(&digits[..width]);
}
