//! The spec's simplest `pattern`s, checked without a regex engine.
//!
//! Every create call checks its instance ID, name and description against
//! the spec's patterns before sending. On regex-lite's PikeVM that was about
//! 40,000 instructions per call, three quarters of everything the client adds
//! to a bare `reqwest` call (`bench/client_instructions.sh`): a PikeVM's cost
//! grows with the pattern's states times the input, and `[0-9A-Za-z-]{36}`
//! has 36 of them.
//!
//! Most of the spec's patterns are *anchored sequences of character
//! classes*: `^`, then items such as `[0-9A-Za-z-]{36}` or
//! `[^>!<"&'=]*`, then `$`, where an item that can repeat a varying number of
//! times shares no character with what may follow it. For such a pattern a
//! greedy left-to-right scan is exact, so `cargo xtask generate`
//! (`xtask/src/generate/anchored.rs`) compiles it into an [`Anchored`] table
//! and the generated code calls [`Anchored::find`] where it called
//! regex-lite's. Any other pattern stays on regex-lite. The unit tests here
//! prove every compiled pattern of the generated client agrees with
//! regex-lite on a corpus built from its classes' edges.

/// An anchored sequence of character-class items, matched greedily.
#[derive(Debug)]
pub(crate) struct Anchored {
    /// The spec's pattern, for tests and debugging.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) pattern: &'static str,
    items: &'static [Item],
}

/// One class repeated `min..=max` times (`u32::MAX`: no upper bound).
#[derive(Debug)]
pub(crate) struct Item {
    /// Inclusive ranges, sorted and disjoint.
    ranges: &'static [(char, char)],
    /// The ASCII part of `ranges`, one bit per character, built at compile
    /// time: IDs and names are ASCII, and a bit test is cheaper than a scan.
    ascii: u128,
    min: u32,
    max: u32,
}

impl Item {
    pub(crate) const fn new(ranges: &'static [(char, char)], min: u32, max: u32) -> Self {
        let mut ascii = 0u128;
        let mut i = 0;
        while i < ranges.len() {
            let (lo, hi) = ranges[i];
            let mut c = lo as u32;
            while c <= hi as u32 && c < 128 {
                ascii |= 1 << c;
                c += 1;
            }
            i += 1;
        }
        Item {
            ranges,
            ascii,
            min,
            max,
        }
    }

    fn contains(&self, c: char) -> bool {
        let code = c as u32;
        if code < 128 {
            self.ascii >> code & 1 == 1
        } else {
            self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi)
        }
    }
}

impl Anchored {
    pub(crate) const fn new(pattern: &'static str, items: &'static [Item]) -> Self {
        Anchored { pattern, items }
    }

    /// Whether the whole of `haystack` matches. Named and shaped like
    /// regex-lite's `Regex::find` (`Some` on a match), so the generated call
    /// site is the same for both engines.
    pub(crate) fn find(&self, haystack: &str) -> Option<()> {
        if haystack.is_ascii() {
            return self.find_ascii(haystack.as_bytes());
        }
        let mut chars = haystack.chars().peekable();
        for item in self.items {
            let mut taken = 0;
            while taken < item.max && chars.next_if(|&c| item.contains(c)).is_some() {
                taken += 1;
            }
            if taken < item.min {
                return None;
            }
        }
        chars.peek().is_none().then_some(())
    }

    /// [`Anchored::find`] on ASCII text (IDs and names are): a bit test per
    /// byte, without decoding characters.
    fn find_ascii(&self, bytes: &[u8]) -> Option<()> {
        let mut at = 0;
        for item in self.items {
            let start = at;
            while at < bytes.len()
                && ((at - start) as u64) < u64::from(item.max)
                && item.ascii >> bytes[at] & 1 == 1
            {
                at += 1;
            }
            if ((at - start) as u64) < u64::from(item.min) {
                return None;
            }
        }
        (at == bytes.len()).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Anchored, Item};

    /// Edges of every range and a few characters around them, the
    /// characters most likely to expose a wrong bound.
    fn alphabet(anchored: &Anchored) -> Vec<char> {
        let mut out = vec!['a', 'Z', '0', '-', '_', ' ', '\n', 'é', '中', '\u{10FFFF}'];
        for item in anchored.items {
            for &(lo, hi) in item.ranges {
                for c in [lo, hi] {
                    out.push(c);
                    out.extend(char::from_u32(c as u32 + 1));
                    out.extend((c as u32).checked_sub(1).and_then(char::from_u32));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A deterministic corpus: for lengths around each item's bounds,
    /// strings of in-class characters with zero or one character changed to
    /// each letter of the alphabet, at the start, middle and end.
    fn corpus(anchored: &Anchored) -> Vec<String> {
        let alphabet = alphabet(anchored);
        let mut out = vec![String::new()];
        let base: Vec<char> = anchored
            .items
            .iter()
            .flat_map(|item| {
                let n = item.min.clamp(1, 40) as usize;
                std::iter::repeat_n(item.ranges[0].0, n)
            })
            .collect();
        for extra in 0..3usize {
            let mut chars = base.clone();
            for _ in 0..extra {
                chars.push(*base.last().unwrap_or(&'a'));
            }
            for cut in [0, 1] {
                let chars = &chars[..chars.len().saturating_sub(cut)];
                out.push(chars.iter().collect());
                for &c in &alphabet {
                    for at in [0, chars.len() / 2, chars.len().saturating_sub(1)] {
                        let mut changed = chars.to_vec();
                        if let Some(slot) = changed.get_mut(at) {
                            *slot = c;
                        }
                        out.push(changed.iter().collect());
                        let mut inserted = chars.to_vec();
                        inserted.insert(at.min(inserted.len()), c);
                        out.push(inserted.iter().collect());
                    }
                }
            }
        }
        out
    }

    /// Every pattern `cargo xtask generate` compiled into the client agrees
    /// with regex-lite, the engine it replaces, on every string of its corpus.
    #[test]
    fn every_compiled_pattern_agrees_with_regex_lite() {
        let compiled = crate::generated::ANCHORED_PATTERNS;
        assert!(
            compiled.len() >= 4,
            "the instance ID, project ID, name and description patterns are compiled"
        );
        for anchored in compiled {
            let regex = regex_lite::Regex::new(anchored.pattern).unwrap();
            let mut matched = 0;
            for s in corpus(anchored) {
                let expected = regex.is_match(&s);
                assert_eq!(
                    anchored.find(&s).is_some(),
                    expected,
                    "{:?} on {s:?}",
                    anchored.pattern
                );
                matched += usize::from(expected);
            }
            assert!(
                matched > 0,
                "{:?}: the corpus never matches",
                anchored.pattern
            );
        }
    }

    #[test]
    fn a_fixed_count_takes_exactly_that_many() {
        static TWO: Anchored = Anchored::new("^[a-c]{2}$", &[Item::new(&[('a', 'c')], 2, 2)]);
        assert_eq!(TWO.find("ab"), Some(()));
        for refused in ["", "a", "abc", "ad", "aB"] {
            assert_eq!(TWO.find(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn a_varying_item_is_followed_by_the_next() {
        // `^[a-z]+[0-9]{1,2}$`
        static P: Anchored = Anchored::new(
            "^[a-z]+[0-9]{1,2}$",
            &[
                Item::new(&[('a', 'z')], 1, u32::MAX),
                Item::new(&[('0', '9')], 1, 2),
            ],
        );
        for ok in ["a1", "abc12"] {
            assert_eq!(P.find(ok), Some(()), "{ok:?}");
        }
        for refused in ["1", "a", "a123", "a1b", "A1"] {
            assert_eq!(P.find(refused), None, "{refused:?}");
        }
    }
}
