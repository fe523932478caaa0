//! Security: the requirements of each operation (its own or the document's),
//! their scopes, and the security schemes they name.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::differ::{Differ, Result};
use super::documents::{Documents, Loc};
use super::{DiffRule, Level};
use crate::pointer;

/// One way to authenticate: scheme → scopes, keyed by its sorted scheme
/// names joined by `+`.
type Alternatives = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// The effective requirements of an operation, and where they are written.
fn security_of(docs: &Documents, op: &Loc) -> (Alternatives, Loc) {
    let own = docs.get(op).and_then(|o| o.get("security"));
    let global = docs.root_value().get("security");
    let (list, at) = match (own, global) {
        (Some(list), _) => (Some(list), op.push("security")),
        (None, Some(list)) => (Some(list), Loc::root("/security")),
        // Placed at the operation: nothing is written anywhere.
        (None, None) => (None, op.push("security")),
    };
    let mut out = Alternatives::new();
    for requirement in list.and_then(Value::as_array).into_iter().flatten() {
        let schemes: BTreeMap<String, BTreeSet<String>> = requirement
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, scopes)| {
                let scopes = scopes.as_array().into_iter().flatten();
                let scopes = scopes.filter_map(|s| s.as_str().map(str::to_owned));
                (name.clone(), scopes.collect())
            })
            .collect();
        let key: Vec<&str> = schemes.keys().map(String::as_str).collect();
        out.insert(key.join("+"), schemes);
    }
    (out, at)
}

/// The fields of a security scheme that decide how clients authenticate.
const SCHEME_FIELDS: [&str; 5] = ["type", "scheme", "in", "name", "openIdConnectUrl"];

impl Differ<'_> {
    /// An operation's requirements: removed, added, and their scopes.
    pub fn security(&mut self, old_op: &Loc, new_op: &Loc) -> Result<()> {
        let ((old_sec, old_at), (new_sec, new_at)) =
            (security_of(self.old, old_op), security_of(self.new, new_op));
        let places = || (Some(old_at.clone()), Some(new_at.clone()));
        for removed in old_sec.keys().filter(|k| !new_sec.contains_key(*k)) {
            let (level, message) = if new_sec.is_empty() {
                (
                    Level::NonBreaking,
                    format!(
                        "security requirement {removed:?} was removed: the operation no longer needs credentials"
                    ),
                )
            } else {
                (
                    Level::Breaking,
                    format!(
                        "security requirement {removed:?} is no longer accepted: clients authenticating with it fail"
                    ),
                )
            };
            let (o, n) = places();
            self.report_at(DiffRule::ApiSecurityRemoved, level, message, o, n);
        }
        for added in new_sec.keys().filter(|k| !old_sec.contains_key(*k)) {
            let (level, message) = if old_sec.is_empty() {
                (
                    Level::Breaking,
                    format!("security requirement {added:?} was added: clients without it fail"),
                )
            } else {
                (
                    Level::NonBreaking,
                    format!(
                        "security requirement {added:?} was added as another way to authenticate"
                    ),
                )
            };
            let (o, n) = places();
            self.report_at(DiffRule::ApiSecurityAdded, level, message, o, n);
        }
        for (key, old_schemes) in &old_sec {
            let Some(new_schemes) = new_sec.get(key) else {
                continue;
            };
            for (scheme, old_scopes) in old_schemes {
                let Some(new_scopes) = new_schemes.get(scheme) else {
                    continue;
                };
                for scope in new_scopes.difference(old_scopes) {
                    let message = format!(
                        "security scheme {scheme:?} now asks for the scope {scope:?}: tokens without it are refused"
                    );
                    let (o, n) = places();
                    self.report(DiffRule::ApiSecurityScopeAdded, message, o, n);
                }
                for scope in old_scopes.difference(new_scopes) {
                    let message = format!(
                        "security scheme {scheme:?} no longer asks for the scope {scope:?}"
                    );
                    let (o, n) = places();
                    self.report(DiffRule::ApiSecurityScopeRemoved, message, o, n);
                }
            }
        }
        Ok(())
    }

    /// The security schemes of the components: removed, added, changed.
    pub fn security_components(&mut self) -> Result<()> {
        let schemes = |docs: &Documents| -> BTreeMap<String, Loc> {
            let at = "/components/securitySchemes";
            docs.root_value()
                .pointer(at)
                .and_then(Value::as_object)
                .map(|m| {
                    m.keys()
                        .map(|k| (k.clone(), Loc::root(pointer::push(at, k))))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old, new) = (schemes(self.old), schemes(self.new));
        let parent = Loc::root("/components");
        for (name, old_at) in &old {
            let Some(new_at) = new.get(name) else {
                let message = format!("the security scheme {name:?} was removed");
                self.report(
                    DiffRule::ApiSecurityComponentRemoved,
                    message,
                    Some(old_at.clone()),
                    Some(parent.clone()),
                );
                continue;
            };
            let ((o, o_at), (n, n_at)) = self.resolve_pair(old_at, new_at)?;
            let changed = SCHEME_FIELDS
                .iter()
                .filter(|f| o.get(**f) != n.get(**f))
                .map(|f| format!("`{f}`"))
                .chain(flow_urls_changed(o, n))
                .collect::<Vec<_>>();
            if !changed.is_empty() {
                let message = format!(
                    "the security scheme {name:?} changed its {}: clients authenticating the old way fail",
                    changed.join(", ")
                );
                self.report(
                    DiffRule::ApiSecurityComponentChanged,
                    message,
                    Some(o_at),
                    Some(n_at),
                );
            }
        }
        for (name, new_at) in new.iter().filter(|(k, _)| !old.contains_key(*k)) {
            let message = format!("the security scheme {name:?} was added");
            self.report(
                DiffRule::ApiSecurityComponentAdded,
                message,
                Some(parent.clone()),
                Some(new_at.clone()),
            );
        }
        Ok(())
    }
}

/// The OAuth2 flows whose URLs changed (or that were added or removed).
fn flow_urls_changed(old: &Value, new: &Value) -> Vec<String> {
    const URLS: [&str; 3] = ["authorizationUrl", "tokenUrl", "refreshUrl"];
    let flows = |v: &Value| {
        v.get("flows")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (o, n) = (flows(old), flows(new));
    let names: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    names
        .into_iter()
        .filter(|flow| {
            let (of, nf) = (o.get(*flow), n.get(*flow));
            of.is_none() != nf.is_none()
                || URLS
                    .iter()
                    .any(|u| of.and_then(|f| f.get(*u)) != nf.and_then(|f| f.get(*u)))
        })
        .map(|flow| format!("`{flow}` flow"))
        .collect()
}
