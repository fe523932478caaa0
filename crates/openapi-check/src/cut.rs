//! Where to cut a large document in two so that both halves parse on
//! their own (see `yaml::split` and `parse::split`): the tail of the one
//! mapping's entries that best halves the text, found from the lines'
//! indentation. The caller proves the cut right or parses the whole.

/// Documents smaller than this are parsed on one thread: a thread start and
/// the merge cost more than they save below it.
pub const SPLIT_FROM_BYTES: usize = 256 * 1024;

/// The deepest indentation considered for a cut: a large mapping's entries
/// (`components/schemas/*`) are at 4 spaces in YAML, 6 in JSON.
const MAX_INDENT: usize = 8;

/// A cut: the lines from byte `first` to byte `end` (both line starts, or
/// `end` the text's length), the tail entries of one mapping (a YAML block
/// mapping, a pretty-printed JSON object) whose keys are at `indent` spaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    pub first: usize,
    pub end: usize,
    pub indent: usize,
}

/// One line's shape: indentation and whether it can start a mapping entry.
pub enum Line {
    /// Blank or a comment: neither starts nor ends a run of entries.
    Nothing,
    /// Content at this indentation; `key` when it can start an entry.
    Content { indent: usize, key: bool },
    /// Something a cut must never cross (a document marker, a directive, a
    /// tab in the indentation): no cut at all.
    Refuse,
}

/// The cut that best halves the work: among the runs of entries at one
/// indentation that end a mapping, the tail that leaves the two parts
/// closest to equal. `None` for small documents, when `classify` refuses a
/// line, and when the best cut is under a quarter of the text.
pub fn choose_cut(text: &str, classify: fn(&[u8], bool) -> Line) -> Option<Cut> {
    if text.len() < SPLIT_FROM_BYTES {
        return None;
    }
    let bytes = text.as_bytes();
    let half = text.len() / 2;
    // Per indentation: the entry lines of the current run (the first one is
    // never a cut's start: the mapping keeps at least one entry).
    let mut runs: Vec<Vec<usize>> = vec![Vec::new(); MAX_INDENT + 1];
    let mut best: Option<(usize, Cut)> = None;
    let mut consider = |entries: &mut Vec<usize>, end: usize, indent: usize| {
        // The entry whose tail is closest to half the text.
        let wanted = end.saturating_sub(half);
        let i = entries.partition_point(|&start| start < wanted).max(1);
        for j in [i - 1, i] {
            if j == 0 {
                continue;
            }
            if let Some(&first) = entries.get(j) {
                let cost = (end - first).max(text.len() - (end - first));
                if best.is_none_or(|(c, _)| cost < c) {
                    best = Some((cost, Cut { first, end, indent }));
                }
            }
        }
        entries.clear();
    };
    // Indentations with a run open, as bits: a line closes the deeper ones
    // without looking at every indentation.
    let mut open: u32 = 0;
    let mut start = 0;
    let mut seen_content = false;
    let ends = memchr::memchr_iter(b'\n', bytes).map(|i| i + 1);
    for end in ends.chain((bytes.last() != Some(&b'\n')).then_some(bytes.len())) {
        let line = &bytes[start..end];
        // Most lines of a large document are nested deeper than any cut:
        // they neither open nor close a run, and are passed over unread.
        if line.len() > MAX_INDENT && line[..=MAX_INDENT] == [b' '; MAX_INDENT + 1] {
            start = end;
            continue;
        }
        match classify(line, !seen_content) {
            Line::Nothing => {}
            Line::Refuse => return None,
            Line::Content { indent, key } => {
                seen_content = true;
                // This line ends every deeper run.
                let mut deeper = open & !((2u32 << indent.min(MAX_INDENT)) - 1);
                while deeper != 0 {
                    let d = deeper.trailing_zeros() as usize;
                    consider(&mut runs[d], start, d);
                    deeper &= deeper - 1;
                }
                open &= (2u32 << indent.min(MAX_INDENT)) - 1;
                if key && indent <= MAX_INDENT {
                    runs[indent].push(start);
                    open |= 1 << indent;
                }
            }
        }
        start = end;
    }
    for (indent, entries) in runs.iter_mut().enumerate() {
        if !entries.is_empty() {
            consider(entries, bytes.len(), indent);
        }
    }
    let (cost, cut) = best?;
    (cost <= text.len() / 4 * 3).then_some(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain classifier: indentation, and a key when the line has a colon
    /// and is not a sequence item.
    fn plain(line: &[u8], _at_start: bool) -> Line {
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        match line.get(indent) {
            None | Some(b'\n') => Line::Nothing,
            Some(&first) => Line::Content {
                indent,
                key: first != b'-' && line.contains(&b':'),
            },
        }
    }

    #[test]
    fn a_cut_under_a_quarter_of_the_text_is_refused() {
        // One long sequence; the only run of entries that could be cut is
        // the last two lines.
        let mut text = String::from("a:\n");
        while text.len() < SPLIT_FROM_BYTES * 2 {
            text.push_str("- item\n");
        }
        text.push_str("b: 1\nc: 2\n");
        assert_eq!(choose_cut(&text, plain), None);
    }

    #[test]
    fn a_last_line_without_a_break_still_ends_a_run() {
        let mut text = String::from("top:\n");
        let mut i = 0;
        while text.len() < SPLIT_FROM_BYTES * 2 {
            text.push_str(&format!("  k{i}: 1\n"));
            i += 1;
        }
        let last = text.len();
        text.push_str("z: 1");
        let cut = choose_cut(&text, plain).unwrap();
        assert_eq!((cut.end, cut.indent), (last, 2));
        assert!(text[cut.first..].starts_with("  k"));
        // About half the text.
        let tail = cut.end - cut.first;
        assert!(
            tail.abs_diff(text.len() / 2) < 20,
            "{tail} of {}",
            text.len()
        );
    }
}
