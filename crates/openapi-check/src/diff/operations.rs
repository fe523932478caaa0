//! Operations: matched by method and path template (a renamed path
//! parameter, `/pets/{id}` → `/pets/{petId}`, is the same operation),
//! removed ones judged by their deprecation and sunset, added ones noted,
//! kept ones compared step by step.

use std::collections::BTreeMap;

use serde_json::Value;

use super::DiffRule;
use super::differ::{Differ, Operation, Result};
use super::documents::{Documents, Loc};
use super::lifecycle::{DeprecationRules, Lifecycle, RemovalRules, SunsetRules};
use crate::pointer;

pub(super) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

const REMOVAL: RemovalRules = RemovalRules {
    without_deprecation: DiffRule::ApiRemovedWithoutDeprecation,
    with_deprecation: DiffRule::ApiRemovedWithDeprecation,
    before_sunset: DiffRule::ApiRemovedBeforeSunset,
};

const DEPRECATION: DeprecationRules = DeprecationRules {
    deprecated: DiffRule::EndpointDeprecated,
    reactivated: DiffRule::EndpointReactivated,
    sunset_missing: DiffRule::ApiDeprecatedSunsetMissing,
    sunset_too_small: DiffRule::ApiSunsetDateTooSmall,
    sunset: Some(SunsetRules {
        deleted: DiffRule::SunsetDeleted,
        changed_too_small: DiffRule::ApiSunsetDateChangedTooSmall,
        changed: DiffRule::ApiSunsetChanged,
    }),
};

/// An operation of one side.
pub(super) struct OperationRef {
    /// The path as written.
    pub path: String,
    pub method: &'static str,
    /// The path item, its `$ref` followed.
    pub item: Loc,
    /// The operation.
    pub at: Loc,
}

impl OperationRef {
    fn name(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }
}

/// The path with its parameters' names taken out: `/pets/{}`.
fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push_str("{}");
            }
            '}' => in_braces = false,
            c if !in_braces => out.push(c),
            _ => {}
        }
    }
    out
}

/// The names of a path's parameters, in order.
pub(super) fn path_parameter_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The operations of a side, by (path template, method).
fn operations_of(docs: &Documents) -> Result<BTreeMap<(String, &'static str), OperationRef>> {
    let mut out = BTreeMap::new();
    let paths = docs.root_value().get("paths").and_then(Value::as_object);
    for path in paths.into_iter().flatten().map(|(k, _)| k) {
        let (item, item_at) = docs.resolve_at(&Loc::root(pointer::push("/paths", path)))?;
        for method in METHODS {
            if item.get(method).is_some_and(Value::is_object) {
                let op = OperationRef {
                    path: path.clone(),
                    method,
                    item: item_at.clone(),
                    at: item_at.push(method),
                };
                out.entry((template(path), method)).or_insert(op);
            }
        }
    }
    Ok(out)
}

impl Differ<'_> {
    /// Operations removed, kept (compared), and added.
    pub fn operations(&mut self) -> Result<()> {
        let (old_ops, new_ops) = (operations_of(self.old)?, operations_of(self.new)?);
        for (key, old) in &old_ops {
            let old_life = self.lifecycle_of_operation(self.old, old)?;
            let below_policy =
                (old_life.stability < self.options.stability_level).then_some(old_life.stability);
            let name = new_ops.get(key).unwrap_or(old).name();
            self.operation = Some(Operation { name, below_policy });
            self.seen.clear();
            match new_ops.get(key) {
                None => {
                    let (rule, note) = self.removal(old_life, &REMOVAL);
                    let message = format!("the operation was removed{note}");
                    self.report(rule, message, Some(old.at.clone()), None);
                }
                Some(new) => self.operation(old, new, old_life)?,
            }
        }
        for (key, new) in &new_ops {
            if !old_ops.contains_key(key) {
                self.operation = Some(Operation {
                    name: new.name(),
                    below_policy: None,
                });
                let message = "the operation was added".to_owned();
                self.report(DiffRule::EndpointAdded, message, None, Some(new.at.clone()));
            }
        }
        self.operation = None;
        Ok(())
    }

    fn lifecycle_of_operation(&self, docs: &Documents, op: &OperationRef) -> Result<Lifecycle> {
        let value = docs.get(&op.at).unwrap_or(&Value::Null);
        Lifecycle::read(docs, value, &op.at)
    }

    /// One operation in both documents, compared step by step.
    fn operation(
        &mut self,
        old: &OperationRef,
        new: &OperationRef,
        old_life: Lifecycle,
    ) -> Result<()> {
        let new_life = self.lifecycle_of_operation(self.new, new)?;
        let at = (&old.at, &new.at);
        self.lifecycle((old_life, new_life), at, "the operation", &DEPRECATION);
        self.stability(old_life, new_life, at);
        self.security(&old.at, &new.at)?;
        self.parameters(old, new)?;
        self.request_body(&old.at, &new.at)?;
        self.responses(&old.at, &new.at)?;
        self.callbacks(&old.at, &new.at)
    }

    /// `x-stability-level` may not go down.
    fn stability(&mut self, old: Lifecycle, new: Lifecycle, (old_at, new_at): (&Loc, &Loc)) {
        if old.stability == new.stability {
            return;
        }
        let rule = if new.stability < old.stability {
            DiffRule::ApiStabilityDecreased
        } else {
            DiffRule::ApiStabilityIncreased
        };
        let message = format!(
            "the operation's x-stability-level went from {} to {}",
            old.stability.as_str(),
            new.stability.as_str()
        );
        self.report(rule, message, Some(old_at.clone()), Some(new_at.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_ignore_parameter_names() {
        assert_eq!(template("/pets/{id}/toys/{toyId}"), "/pets/{}/toys/{}");
        assert_eq!(template("/pets/{petId}/toys/{t}"), "/pets/{}/toys/{}");
        assert_eq!(
            path_parameter_names("/pets/{id}/toys/{toyId}"),
            ["id", "toyId"]
        );
    }
}
