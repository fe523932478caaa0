//! Responses: statuses removed and added, and for each kept status its
//! headers and content. `links` are documentation of how operations relate
//! (nothing a client sends or reads changes with them), so they are not
//! compared.

use std::collections::BTreeMap;

use serde_json::Value;

use super::DiffRule;
use super::differ::{Differ, Result};
use super::documents::{Documents, Loc};
use super::site::Site;

fn is_success(status: &str) -> bool {
    status.starts_with('2') || status.starts_with('3')
}

/// The entries of a map at `owner/key`: name → place; header names are
/// matched without case.
fn entries(docs: &Documents, owner: &Loc, key: &str, fold_case: bool) -> BTreeMap<String, Loc> {
    let at = owner.push(key);
    docs.get(&at)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, _)| {
            let k = if fold_case {
                name.to_ascii_lowercase()
            } else {
                name.clone()
            };
            (k, at.push(name))
        })
        .collect()
}

impl Differ<'_> {
    pub fn responses(&mut self, old_op: &Loc, new_op: &Loc) -> Result<()> {
        let old_resp = entries(self.old, old_op, "responses", false);
        let new_resp = entries(self.new, new_op, "responses", false);
        for (status, old_at) in &old_resp {
            let Some(new_at) = new_resp.get(status) else {
                let (rule, kind) = if is_success(status) {
                    (DiffRule::ResponseSuccessStatusRemoved, "success")
                } else {
                    (DiffRule::ResponseNonSuccessStatusRemoved, "error")
                };
                let message = format!("the {kind} status {status} was removed");
                self.report(
                    rule,
                    message,
                    Some(old_at.clone()),
                    Some(new_op.push("responses")),
                );
                continue;
            };
            let ((ov, oa), (nv, na)) = self.resolve_pair(old_at, new_at)?;
            let links = na.push("links");
            self.unsupported_if_changed(
                ov.get("links"),
                nv.get("links"),
                &links,
                &format!("the links of the {status} response"),
            )?;
            self.headers(&oa, &na, status)?;
            self.content(
                &oa,
                &na,
                Site::ResponseBody,
                &format!("the {status} response body"),
            )?;
        }
        for (status, new_at) in new_resp.iter().filter(|(s, _)| !old_resp.contains_key(*s)) {
            let (rule, kind) = if is_success(status) {
                (DiffRule::ResponseSuccessStatusAdded, "success")
            } else {
                (DiffRule::ResponseNonSuccessStatusAdded, "error")
            };
            let message = format!("the {kind} status {status} was added");
            self.report(
                rule,
                message,
                Some(old_op.push("responses")),
                Some(new_at.clone()),
            );
        }
        Ok(())
    }

    /// The headers of a response: removed, added, `required`, schema.
    fn headers(&mut self, old_resp: &Loc, new_resp: &Loc, status: &str) -> Result<()> {
        let old_headers = entries(self.old, old_resp, "headers", true);
        let new_headers = entries(self.new, new_resp, "headers", true);
        let required = |v: &Value| v.get("required") == Some(&Value::Bool(true));
        for (name, old_at) in &old_headers {
            let what = format!("the {status} response header {name:?}");
            let Some(new_at) = new_headers.get(name) else {
                let (ov, oa) = self.old.resolve_at(old_at)?;
                let (rule, kind) = if required(ov) {
                    (DiffRule::RequiredResponseHeaderRemoved, "required")
                } else {
                    (DiffRule::OptionalResponseHeaderRemoved, "optional")
                };
                let message = format!("the {kind} {status} response header {name:?} was removed");
                self.report(rule, message, Some(oa), Some(new_resp.clone()));
                continue;
            };
            let ((ov, oa), (nv, na)) = self.resolve_pair(old_at, new_at)?;
            if required(ov) && !required(nv) {
                let message = format!("{what} became optional: clients relying on it may fail");
                self.report(
                    DiffRule::ResponseHeaderBecameOptional,
                    message,
                    Some(oa.clone()),
                    Some(na.clone()),
                );
            }
            if ov.get("schema").is_some() && nv.get("schema").is_some() {
                let (os, ns) = (oa.push("schema"), na.push("schema"));
                self.schema(&os, &ns, Site::ResponseHeader, &what, 0)?;
            } else {
                let at = na.push("content");
                self.unsupported_if_changed(
                    ov.get("content"),
                    nv.get("content"),
                    &at,
                    &format!("the content of {what}"),
                )?;
            }
        }
        for (name, new_at) in new_headers
            .iter()
            .filter(|(n, _)| !old_headers.contains_key(*n))
        {
            let message = format!("the {status} response header {name:?} was added");
            self.report(
                DiffRule::ResponseHeaderAdded,
                message,
                Some(old_resp.clone()),
                Some(new_at.clone()),
            );
        }
        Ok(())
    }
}
