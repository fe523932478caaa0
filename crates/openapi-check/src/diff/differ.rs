//! The differ's state while it walks the two documents: what it found so
//! far, the operation it is in, and the schema pairs it has compared.

use std::collections::HashSet;

use serde_json::Value;

use super::documents::{Documents, Loc};
use super::policy::{DiffOptions, Stability};
use super::site::Direction;
use super::{DiffRule, Level};
use crate::Error;

pub(super) type Result<T> = std::result::Result<T, Error>;

/// A value with its place, `$ref`s followed.
pub(super) type Resolved<'d> = (&'d Value, Loc);

/// A change before it is placed in the files.
pub(super) struct Raw {
    pub rule: DiffRule,
    pub level: Level,
    pub operation: Option<String>,
    pub message: String,
    pub old: Option<Loc>,
    pub new: Option<Loc>,
}

/// The operation being compared.
pub(super) struct Operation {
    /// `POST /path`.
    pub name: String,
    /// Its old `x-stability-level`, when the policy does not hold that
    /// level to the contract: its changes are then non-breaking.
    pub below_policy: Option<Stability>,
}

pub(super) struct Differ<'d> {
    pub old: &'d Documents,
    pub new: &'d Documents,
    pub options: &'d DiffOptions,
    out: Vec<Raw>,
    /// (rule, operation, message) of what was reported: a schema reached
    /// twice in one operation (through two `oneOf` branches sharing an
    /// `allOf` base, say) reports its change once, so each change has its
    /// own fingerprint.
    reported: HashSet<(DiffRule, Option<String>, String)>,
    pub operation: Option<Operation>,
    /// Schema pairs already compared in this operation, by direction.
    pub seen: HashSet<(Loc, Loc, Direction)>,
}

impl<'d> Differ<'d> {
    pub fn new(old: &'d Documents, new: &'d Documents, options: &'d DiffOptions) -> Self {
        Differ {
            old,
            new,
            options,
            out: Vec::new(),
            reported: HashSet::new(),
            operation: None,
            seen: HashSet::new(),
        }
    }

    /// Compares the two sides: security schemes, then every operation.
    pub fn run(&mut self) -> Result<()> {
        self.security_components()?;
        self.operations()
    }

    pub fn finish(self) -> Vec<Raw> {
        self.out
    }

    /// Reports a change at its rule's level.
    pub fn report(&mut self, rule: DiffRule, message: String, old: Option<Loc>, new: Option<Loc>) {
        debug_assert!(rule.level().is_some(), "{rule} needs report_at");
        let level = rule.level().unwrap_or(Level::PotentiallyBreaking);
        self.report_at(rule, level, message, old, new);
    }

    /// Reports a change at a level the change decides.
    pub fn report_at(
        &mut self,
        rule: DiffRule,
        level: Level,
        mut message: String,
        old: Option<Loc>,
        new: Option<Loc>,
    ) {
        let mut level = level;
        if let Some(Operation {
            below_policy: Some(stability),
            ..
        }) = &self.operation
            && level != Level::NonBreaking
        {
            level = Level::NonBreaking;
            message.push_str(&format!(
                " (non-breaking by policy: the operation's x-stability-level is {}, below {})",
                stability.as_str(),
                self.options.stability_level.as_str()
            ));
        }
        let operation = self.operation.as_ref().map(|o| o.name.clone());
        if !self
            .reported
            .insert((rule, operation.clone(), message.clone()))
        {
            return;
        }
        self.out.push(Raw {
            rule,
            level,
            operation,
            message,
            old,
            new,
        });
    }

    /// The value at a place on each side, `$ref`s followed.
    pub fn resolve_pair(&self, old: &Loc, new: &Loc) -> Result<(Resolved<'d>, Resolved<'d>)> {
        Ok((self.old.resolve_at(old)?, self.new.resolve_at(new)?))
    }

    /// Refuses a change the differ would otherwise pass over: the two
    /// values differ at a part it does not compare.
    pub fn unsupported_if_changed(
        &self,
        old: Option<&Value>,
        new: Option<&Value>,
        at: &Loc,
        what: &str,
    ) -> Result<()> {
        if old == new {
            return Ok(());
        }
        let message = format!(
            "{what} changed, and the differ does not compare {what}: review this change by hand"
        );
        Err(self.new.error(at, message))
    }
}
