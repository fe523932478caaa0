//! A field of a JSON object, looked up by comparing keys when the object is
//! small. serde_json's `preserve_order` maps are `IndexMap`s hashed with
//! SipHash, whose hasher cannot be chosen: every `get`, found or not, hashes
//! the key. Most objects of a spec have a handful of members, and the rules
//! ask each schema for two dozen keywords it mostly lacks; comparing a few
//! short keys (lengths first) costs a fraction of hashing each one. On
//! GitHub's description this lookup runs some millions of times.

use serde_json::{Map, Value};

/// Objects up to this size are searched member by member.
const SCAN_UP_TO: usize = 8;

/// `map.get(key)`, by a scan when the map is small.
pub fn field<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= SCAN_UP_TO {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_get_finds_in_small_and_large_maps() {
        for size in [0, 1, SCAN_UP_TO, SCAN_UP_TO + 1, 40] {
            let map: Map<String, Value> = (0..size)
                .map(|i| (format!("k{i}"), Value::from(i)))
                .collect();
            for key in (0..size + 2)
                .map(|i| format!("k{i}"))
                .chain(["".into(), "k".into()])
            {
                assert_eq!(field(&map, &key), map.get(&key), "{size} {key}");
            }
        }
    }
}
