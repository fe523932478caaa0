//! Callbacks: requests the server sends to the client, so each direction is
//! swapped. The callback's request body is what clients read (compared as a
//! response), its responses' bodies are what clients send back (compared as
//! requests). A callback operation removed is breaking (clients waiting for
//! it are no longer called), one added is not; so is a request body the
//! server stops or starts sending. Its parameters, and the set of its
//! statuses, are not compared: a change there is refused.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::DiffRule;
use super::differ::{Differ, Result};
use super::documents::{Documents, Loc};
use super::operations::METHODS;
use super::site::Site;

/// (callback name, expression, method) → the callback operation's place.
type Callbacks = BTreeMap<(String, String, &'static str), Loc>;

fn callbacks_of(docs: &Documents, op: &Loc) -> Result<Callbacks> {
    let mut out = Callbacks::new();
    let at = op.push("callbacks");
    let names = docs.get(&at).and_then(Value::as_object);
    for name in names.into_iter().flatten().map(|(k, _)| k) {
        let (callback, callback_at) = docs.resolve_at(&at.push(name))?;
        let expressions = callback.as_object().into_iter().flatten().map(|(k, _)| k);
        for expression in expressions {
            let (item, item_at) = docs.resolve_at(&callback_at.push(expression))?;
            for method in METHODS.into_iter().filter(|m| item.get(m).is_some()) {
                let key = (name.clone(), expression.clone(), method);
                out.insert(key, item_at.push(method));
            }
        }
    }
    Ok(out)
}

fn describe((name, expression, method): &(String, String, &str)) -> String {
    format!(
        "the callback {name} ({} {expression})",
        method.to_uppercase()
    )
}

impl Differ<'_> {
    pub fn callbacks(&mut self, old_op: &Loc, new_op: &Loc) -> Result<()> {
        let (old, new) = (
            callbacks_of(self.old, old_op)?,
            callbacks_of(self.new, new_op)?,
        );
        for (key, old_at) in &old {
            let what = describe(key);
            match new.get(key) {
                Some(new_at) => self.callback(&what, old_at, new_at)?,
                None => {
                    let message =
                        format!("{what} was removed: clients waiting for it are no longer called");
                    self.report(
                        DiffRule::ApiRemovedWithoutDeprecation,
                        message,
                        Some(old_at.clone()),
                        Some(new_op.clone()),
                    );
                }
            }
        }
        for (key, new_at) in new.iter().filter(|(k, _)| !old.contains_key(*k)) {
            let message = format!("{} was added", describe(key));
            self.report(
                DiffRule::EndpointAdded,
                message,
                Some(old_op.clone()),
                Some(new_at.clone()),
            );
        }
        Ok(())
    }

    /// One callback operation in both documents, directions swapped.
    fn callback(&mut self, what: &str, old_at: &Loc, new_at: &Loc) -> Result<()> {
        let (old_op, new_op) = (self.old.get(old_at), self.new.get(new_at));
        let field = |op: Option<&Value>, key: &str| op.and_then(|o| o.get(key)).cloned();
        let place = new_at.push("parameters");
        self.unsupported_if_changed(
            field(old_op, "parameters").as_ref(),
            field(new_op, "parameters").as_ref(),
            &place,
            &format!("the parameters of {what}"),
        )?;
        let (old_body, new_body) = (old_at.push("requestBody"), new_at.push("requestBody"));
        match (
            self.old.get(&old_body).is_some(),
            self.new.get(&new_body).is_some(),
        ) {
            (true, true) => {
                let ((_, oa), (_, na)) = self.resolve_pair(&old_body, &new_body)?;
                self.content(
                    &oa,
                    &na,
                    Site::ResponseBody,
                    &format!("request body of {what}"),
                )?;
            }
            (false, false) => {}
            (true, false) => {
                let message =
                    format!("the request body of {what} was removed: clients reading it get none");
                self.report(
                    DiffRule::RequestBodyRemoved,
                    message,
                    Some(old_body),
                    Some(new_at.clone()),
                );
            }
            (false, true) => {
                let message = format!("{what} now sends a request body");
                self.report(
                    DiffRule::RequestBodyAddedOptional,
                    message,
                    Some(old_at.clone()),
                    Some(new_body),
                );
            }
        }
        let statuses = |docs: &Documents, at: &Loc| -> BTreeSet<String> {
            let responses = docs.get(&at.push("responses")).and_then(Value::as_object);
            responses
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect()
        };
        let (old_statuses, new_statuses) = (statuses(self.old, old_at), statuses(self.new, new_at));
        if old_statuses != new_statuses {
            let (o, n) = (field(old_op, "responses"), field(new_op, "responses"));
            return self.unsupported_if_changed(
                o.as_ref(),
                n.as_ref(),
                &new_at.push("responses"),
                &format!("the statuses of {what}"),
            );
        }
        for status in &old_statuses {
            let (o, n) = (
                old_at.push("responses").push(status),
                new_at.push("responses").push(status),
            );
            let ((_, oa), (_, na)) = self.resolve_pair(&o, &n)?;
            self.content(
                &oa,
                &na,
                Site::RequestBody,
                &format!("{status} response body of {what}"),
            )?;
        }
        Ok(())
    }
}
