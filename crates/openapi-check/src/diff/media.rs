//! Media types matched the way content negotiation matches them: the same
//! type (parameters and case aside), else the `type/*` range that covers it,
//! else `*/*`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::documents::{Documents, Loc};

/// The media types of the `content` of an object (request body, response,
/// parameter, header): name → place.
pub(super) fn media_types(docs: &Documents, owner: &Loc) -> BTreeMap<String, Loc> {
    let content = owner.push("content");
    docs.get(&content)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, _)| (name.clone(), content.push(name)))
        .collect()
}

/// `type/subtype` in lower case, without parameters.
fn essence(media_type: &str) -> String {
    let bare = media_type.split(';').next().unwrap_or_default();
    bare.trim().to_ascii_lowercase()
}

/// How a media type of one side was matched on the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Match {
    /// The same type.
    Same,
    /// A range on the other side covers it (`application/json` →
    /// `application/*`).
    Covered,
    /// It is a range that covers a type on the other side
    /// (`application/*` → `application/json`).
    Covers,
}

/// The candidate that serves `wanted`, and how: the same type first, then
/// `type/*`, then `*/*`, then (for a wanted range) the first type it covers.
pub(super) fn negotiate<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = &'a String> + Clone,
) -> Option<(&'a String, Match)> {
    let want = essence(wanted);
    let main_type = want.split('/').next().unwrap_or_default();
    let range = format!("{main_type}/*");
    let find = |pred: &dyn Fn(&str) -> bool| candidates.clone().find(|c| pred(&essence(c)));
    if let Some(c) = candidates
        .clone()
        .find(|c| *c == wanted)
        .or_else(|| find(&|c| c == want))
    {
        return Some((c, Match::Same));
    }
    if let Some(c) = find(&|c| c == range).or_else(|| find(&|c| c == "*/*")) {
        return Some((c, Match::Covered));
    }
    let covers =
        |c: &str| want == "*/*" || (want.ends_with("/*") && c.split('/').next() == Some(main_type));
    find(&covers).map(|c| (c, Match::Covers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_same_type_then_its_range_then_any() {
        let new = names(&["*/*", "application/*", "application/json; charset=utf-8"]);
        let pick = |w| negotiate(w, new.iter()).map(|(c, m)| (c.as_str(), m));
        assert_eq!(
            pick("Application/JSON"),
            Some(("application/json; charset=utf-8", Match::Same))
        );
        assert_eq!(
            pick("application/xml"),
            Some(("application/*", Match::Covered))
        );
        assert_eq!(pick("text/plain"), Some(("*/*", Match::Covered)));
        let new = names(&["application/json"]);
        let pick = |w| negotiate(w, new.iter()).map(|(c, m)| (c.as_str(), m));
        assert_eq!(
            pick("application/*"),
            Some(("application/json", Match::Covers))
        );
        assert_eq!(pick("*/*"), Some(("application/json", Match::Covers)));
        assert_eq!(pick("text/*"), None);
        assert_eq!(pick("text/plain"), None);
    }
}
