//! Request bodies, and the media types of any `content`: every media type is
//! compared, each with the type that serves it on the other side (see
//! `media`), and the message says which pair when it is not plain
//! `application/json`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::DiffRule;
use super::differ::{Differ, Result};
use super::documents::Loc;
use super::media::{Match, media_types, negotiate};
use super::site::Site;

/// How a message names a body: `request body`, `the 200 response body`,
/// with its media type unless that is `application/json` on both sides.
fn body_name(base: &str, old_type: &str, new_type: &str) -> String {
    match (old_type, new_type) {
        ("application/json", "application/json") => base.to_owned(),
        (o, n) if o == n => format!("{base} ({o})"),
        (o, n) => format!("{base} ({o}, compared with {n})"),
    }
}

impl Differ<'_> {
    /// An operation's request body: removed, added, `required`, content.
    pub fn request_body(&mut self, old_op: &Loc, new_op: &Loc) -> Result<()> {
        let (old_at, new_at) = (old_op.push("requestBody"), new_op.push("requestBody"));
        let (old_body, new_body) = (
            self.old.get(&old_at).is_some(),
            self.new.get(&new_at).is_some(),
        );
        let ((ob, oa), (nb, na)) = self.resolve_pair(&old_at, &new_at)?;
        let required = |b: &Value| b.get("required") == Some(&Value::Bool(true));
        let (rule, message) = match (old_body, new_body) {
            (false, false) => return Ok(()),
            (true, false) => (
                DiffRule::RequestBodyRemoved,
                "the request body was removed: clients still sending one may be refused",
            ),
            (false, true) if required(nb) => (
                DiffRule::RequestBodyAddedRequired,
                "a required request body was added",
            ),
            (false, true) => (
                DiffRule::RequestBodyAddedOptional,
                "an optional request body was added",
            ),
            (true, true) => {
                match (required(ob), required(nb)) {
                    (false, true) => self.report(
                        DiffRule::RequestBodyBecameRequired,
                        "the request body became required".into(),
                        Some(oa.clone()),
                        Some(na.clone()),
                    ),
                    (true, false) => self.report(
                        DiffRule::RequestBodyBecameOptional,
                        "the request body became optional".into(),
                        Some(oa.clone()),
                        Some(na.clone()),
                    ),
                    _ => {}
                }
                return self.content(&oa, &na, Site::RequestBody, "request body");
            }
        };
        let (o, n) = (
            if old_body { oa } else { old_op.clone() },
            if new_body { na } else { new_op.clone() },
        );
        self.report(rule, message.into(), Some(o), Some(n));
        Ok(())
    }

    /// The media types of two `content`s (of a request body or response at
    /// `old_owner` and `new_owner`, `$ref`s followed): removed, added, and
    /// each pair's schema.
    pub fn content(
        &mut self,
        old_owner: &Loc,
        new_owner: &Loc,
        site: Site,
        base: &str,
    ) -> Result<()> {
        let (old_types, new_types) = (
            media_types(self.old, old_owner),
            media_types(self.new, new_owner),
        );
        let request = site.is_request();
        let mut served = BTreeSet::new();
        for (old_type, old_at) in &old_types {
            let found = negotiate(old_type, new_types.keys());
            let (new_type, how) = match found {
                Some((n, how)) if !(request && how == Match::Covers) => (n, how),
                _ => {
                    let (rule, effect) = if request {
                        (
                            DiffRule::RequestBodyMediaTypeRemoved,
                            "clients sending it are refused",
                        )
                    } else {
                        (
                            DiffRule::ResponseMediaTypeRemoved,
                            "clients asking for it get nothing they can read",
                        )
                    };
                    let message =
                        format!("the media type {old_type} of the {base} was removed: {effect}");
                    self.report(rule, message, Some(old_at.clone()), Some(new_owner.clone()));
                    continue;
                }
            };
            // A request's new range that covers an old type is still a new
            // media type; a response's is reported as generalized.
            if how == Match::Same || !request {
                served.insert(new_type.clone());
            }
            let new_at = &new_types[new_type];
            if !request && how != Match::Same {
                let (rule, message) = if how == Match::Covered {
                    (
                        DiffRule::ResponseMediaTypeNameGeneralized,
                        format!(
                            "the {base} media type {old_type} became {new_type}: clients may get a type they cannot read"
                        ),
                    )
                } else {
                    (
                        DiffRule::ResponseMediaTypeNameSpecialized,
                        format!("the {base} media type {old_type} became {new_type}"),
                    )
                };
                self.report(rule, message, Some(old_at.clone()), Some(new_at.clone()));
            }
            self.media_type(
                (old_at, new_at),
                new_type,
                site,
                &body_name(base, old_type, new_type),
            )?;
        }
        for (new_type, new_at) in new_types.iter().filter(|(t, _)| !served.contains(*t)) {
            let rule = site.pick2(
                DiffRule::RequestBodyMediaTypeAdded,
                DiffRule::ResponseMediaTypeAdded,
            );
            let message = format!("the {base} may now be {new_type}");
            self.report(rule, message, Some(old_owner.clone()), Some(new_at.clone()));
        }
        Ok(())
    }

    /// One pair of media types: the schema (or its absence) and, for the
    /// types it applies to, `encoding`.
    fn media_type(
        &mut self,
        (old_at, new_at): (&Loc, &Loc),
        new_type: &str,
        site: Site,
        what: &str,
    ) -> Result<()> {
        let (old_mt, new_mt) = (self.old.get(old_at), self.new.get(new_at));
        // OpenAPI 3.0: `encoding` applies to multipart and form bodies only;
        // anywhere else it changes nothing.
        let essence = new_type.to_ascii_lowercase();
        if essence.starts_with("multipart/")
            || essence.starts_with("application/x-www-form-urlencoded")
        {
            self.unsupported_if_changed(
                old_mt.and_then(|m| m.get("encoding")),
                new_mt.and_then(|m| m.get("encoding")),
                &new_at.push("encoding"),
                &format!("the encoding of the {what}"),
            )?;
        }
        let has = |m: Option<&Value>| m.and_then(|m| m.get("schema")).is_some();
        let (old_schema, new_schema) = (old_at.push("schema"), new_at.push("schema"));
        let (rule, message) = match (has(old_mt), has(new_mt)) {
            (true, true) => return self.schema(&old_schema, &new_schema, site, what, 0),
            (false, false) => return Ok(()),
            (false, true) => (
                site.pick2(
                    DiffRule::RequestBodyMediaTypeSchemaAdded,
                    DiffRule::ResponseBodyMediaTypeSchemaAdded,
                ),
                format!("the {what} got a schema where it had none"),
            ),
            (true, false) => (
                site.pick2(
                    DiffRule::RequestBodyMediaTypeSchemaRemoved,
                    DiffRule::ResponseBodyMediaTypeSchemaRemoved,
                ),
                format!("the {what} lost its schema: any value goes"),
            ),
        };
        self.report(rule, message, Some(old_at.clone()), Some(new_at.clone()));
        Ok(())
    }
}
