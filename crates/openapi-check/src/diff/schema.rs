//! Two schemas compared, in the direction of their site (what clients send,
//! or what they read): types and nullability, bounds, values, objects,
//! composition. Each pair is compared once per operation and direction, so
//! recursive schemas end; keywords the differ does not compare (`xml`,
//! unknown ones) are refused when they differ.

use serde_json::{Map, Value};

use super::differ::{Differ, Result};
use super::documents::Loc;
use super::site::Site;

/// Deeper than this, schemas are refused rather than half compared (the
/// parsers allow 128 levels of nesting in one file; `$ref`s can add more).
const MAX_DEPTH: usize = 256;

/// Keywords some family compares.
const COMPARED: [&str; 33] = [
    "type",
    "format",
    "nullable",
    "enum",
    "x-extensible-enum",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "multipleOf",
    "pattern",
    "default",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "discriminator",
    "readOnly",
    "writeOnly",
    "deprecated",
    "x-stability-level",
    "x-sunset",
    "not",
];
/// Keywords that change no value's validity.
const ANNOTATIONS: [&str; 4] = ["title", "description", "example", "externalDocs"];

/// Two schemas being compared: both resolved, with where they are, where
/// they sit, and what they describe (`request body`, `` `id` in the 200
/// response body``...).
pub(super) struct SchemaPair<'d> {
    pub o: &'d Map<String, Value>,
    pub n: &'d Map<String, Value>,
    pub old_at: Loc,
    pub new_at: Loc,
    pub site: Site,
    pub what: String,
    pub depth: usize,
}

impl SchemaPair<'_> {
    pub fn places(&self) -> (Option<Loc>, Option<Loc>) {
        (Some(self.old_at.clone()), Some(self.new_at.clone()))
    }

    /// How a property of this schema is named in messages.
    pub fn field(&self, name: &str) -> String {
        if self.what.contains("body") || self.what.starts_with("the ") {
            format!("`{name}` in {}", self.what)
        } else {
            format!("{}.{name}", self.what)
        }
    }
}

impl Differ<'_> {
    /// Compares the schemas at two places.
    pub fn schema(
        &mut self,
        old: &Loc,
        new: &Loc,
        site: Site,
        what: &str,
        depth: usize,
    ) -> Result<()> {
        self.schema_in(old, new, site, what, depth, false)
    }

    /// [`Differ::schema`], for the branches of an `allOf` with `in_all_of`:
    /// their properties are compared in the parent's view.
    pub fn schema_in(
        &mut self,
        old: &Loc,
        new: &Loc,
        site: Site,
        what: &str,
        depth: usize,
        in_all_of: bool,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            let message = format!("schemas nest deeper than {MAX_DEPTH} levels here");
            return Err(self.new.error(new, message));
        }
        let ((ov, old_at), (nv, new_at)) = self.resolve_pair(old, new)?;
        if !self
            .seen
            .insert((old_at.clone(), new_at.clone(), site.direction()))
        {
            return Ok(());
        }
        let (Some(o), Some(n)) = (ov.as_object(), nv.as_object()) else {
            return self.unsupported_if_changed(
                Some(ov),
                Some(nv),
                &new_at,
                &format!("the schema of {what}"),
            );
        };
        let pair = SchemaPair {
            o,
            n,
            old_at,
            new_at,
            site,
            what: what.to_owned(),
            depth,
        };
        self.unsupported_keywords(&pair)?;
        let types = self.types(&pair);
        if types.incompatible || (!types.from_branches && self.wrapped_in_one_of(&pair)) {
            return Ok(());
        }
        self.bounds(&pair);
        self.values(&pair);
        self.other_constraints(&pair);
        if !in_all_of {
            self.objects(&pair)?;
        }
        self.composition(&pair, types.from_branches)?;
        self.items(&pair)
    }

    /// A keyword no family compares, changed: refused.
    fn unsupported_keywords(&self, pair: &SchemaPair) -> Result<()> {
        let keys = pair.o.keys().chain(pair.n.keys());
        for key in keys {
            if COMPARED.contains(&key.as_str())
                || ANNOTATIONS.contains(&key.as_str())
                || key.starts_with("x-")
            {
                continue;
            }
            let at = pair.new_at.push(key);
            let what = format!("`{key}` of {}", pair.what);
            self.unsupported_if_changed(pair.o.get(key), pair.n.get(key), &at, &what)?;
        }
        Ok(())
    }

    /// The items of two arrays.
    fn items(&mut self, pair: &SchemaPair) -> Result<()> {
        if let (Some(_), Some(_)) = (pair.o.get("items"), pair.n.get("items")) {
            let (oi, ni) = (pair.old_at.push("items"), pair.new_at.push("items"));
            let what = format!("the items of {}", pair.what);
            return self.schema(&oi, &ni, pair.site, &what, pair.depth + 1);
        }
        Ok(())
    }
}
