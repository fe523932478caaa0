//! The client crate's public Rust API as a sorted listing, one item a line,
//! read from rustdoc's JSON (`RUSTC_BOOTSTRAP=1 … --output-format json`,
//! typed by the `rustdoc-types` crate of the same format version).
//!
//! The listing is written so that comparing two of them as sets of lines
//! gives the semver verdict for Rust callers:
//!
//! - a struct whose fields are all public, or an enum without
//!   `#[non_exhaustive]`, is ONE line naming every field or variant: adding a
//!   field breaks struct literals and adding a variant breaks exhaustive
//!   `match`es, so such a change removes a line;
//! - a struct with private fields or `#[non_exhaustive]` is a header line
//!   plus one line per public field (adding one is compatible);
//! - functions, methods, trait impls, constants and type aliases are one line
//!   each, with their full signature.
//!
//! So: any line of the old listing missing from the new one is a breaking
//! change; new lines alone are a compatible one.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use rustdoc_types::{
    Attribute, Crate, GenericArg, GenericArgs, GenericBound, GenericParamDefKind, Generics, Id,
    Item, ItemEnum, StructKind, Term, Type, VariantKind, Visibility, WherePredicate,
};

use crate::release::Bump;

/// The client crate's package and library names.
pub const PACKAGE: &str = "gaussdb-backup";
const LIB: &str = "gaussdb_backup";

/// Builds rustdoc JSON for the client crate of the workspace at `root` and
/// returns its listing.
pub fn current(root: &Path) -> Result<String> {
    let json = build_json(root)?;
    let text = std::fs::read_to_string(&json)
        .with_context(|| format!("cannot read {}", json.display()))?;
    listing(&text)
}

/// `cargo xtask public-api [--json FILE]`.
pub fn print(root: &Path, json: Option<&Path>) -> Result<()> {
    let listing = match json {
        Some(file) => listing(
            &std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?,
        )?,
        None => current(root)?,
    };
    print!("{listing}");
    Ok(())
}

fn build_json(root: &Path) -> Result<PathBuf> {
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|d| if d.is_absolute() { d } else { root.join(d) })
        .unwrap_or_else(|| root.join("target"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building rustdoc JSON of {PACKAGE} (for its public API)…");
    let status = Command::new(cargo)
        .args(["rustdoc", "--quiet", "--lib", "-p", PACKAGE, "--target-dir"])
        .arg(&target_dir)
        .args([
            "--",
            "-Z",
            "unstable-options",
            "--output-format",
            "json",
            "--cap-lints",
            "allow",
        ])
        // Stable rustdoc emits JSON when told it may use unstable options.
        .env("RUSTC_BOOTSTRAP", "1")
        .current_dir(root)
        .status()
        .context("cannot run cargo rustdoc")?;
    if !status.success() {
        bail!("cargo rustdoc -p {PACKAGE} failed ({status})");
    }
    Ok(target_dir.join("doc").join(format!("{LIB}.json")))
}

/// The listing of a rustdoc JSON document.
pub fn listing(json: &str) -> Result<String> {
    let format_version: u32 = serde_json::from_str::<serde_json::Value>(json)
        .context("rustdoc JSON does not parse")?
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .context("rustdoc JSON has no format_version")?;
    if format_version != rustdoc_types::FORMAT_VERSION {
        bail!(
            "rustdoc JSON format {format_version}, but xtask reads format {} \
             (rustdoc-types {}): update the rustdoc-types dependency of xtask to match the toolchain",
            rustdoc_types::FORMAT_VERSION,
            rustdoc_types::FORMAT_VERSION
        );
    }
    let krate: Crate =
        serde_json::from_str(json).context("rustdoc JSON does not match rustdoc-types")?;
    let mut lister = Lister {
        krate: &krate,
        lines: BTreeSet::new(),
        visiting: HashSet::new(),
    };
    let root = lister.item(&krate.root)?;
    let name = root.name.clone().unwrap_or_else(|| LIB.to_owned());
    lister.module(&krate.root, &name, 0);
    let mut out = String::new();
    for line in lister.lines {
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

struct Lister<'a> {
    krate: &'a Crate,
    lines: BTreeSet<String>,
    /// Modules being walked (re-export cycles).
    visiting: HashSet<Id>,
}

impl<'a> Lister<'a> {
    fn item(&self, id: &Id) -> Result<&'a Item> {
        self.krate
            .index
            .get(id)
            .with_context(|| format!("rustdoc JSON: no item {id:?}"))
    }

    fn module(&mut self, id: &Id, path: &str, depth: usize) {
        if depth > 16 || !self.visiting.insert(*id) {
            return;
        }
        let items = match self.krate.index.get(id).map(|i| &i.inner) {
            Some(ItemEnum::Module(m)) => m.items.clone(),
            _ => Vec::new(),
        };
        for child in &items {
            let Some(item) = self.krate.index.get(child) else {
                continue;
            };
            if !matches!(item.visibility, Visibility::Public) {
                continue;
            }
            match &item.inner {
                ItemEnum::Use(u) => match u.id.and_then(|t| self.krate.index.get(&t)) {
                    Some(target) if u.is_glob => {
                        if let ItemEnum::Module(_) = target.inner {
                            self.module(&target.id, path, depth + 1);
                        }
                    }
                    Some(target) => self.named(target, &format!("{path}::{}", u.name), depth),
                    None => {
                        self.lines
                            .insert(format!("pub use {path}::{} = {}", u.name, u.source));
                    }
                },
                _ => {
                    if let Some(name) = &item.name {
                        self.named(item, &format!("{path}::{name}"), depth);
                    }
                }
            }
        }
        self.visiting.remove(id);
    }

    /// An item reachable at `path`.
    fn named(&mut self, item: &'a Item, path: &str, depth: usize) {
        let non_exhaustive = item.attrs.contains(&Attribute::NonExhaustive);
        let line = match &item.inner {
            ItemEnum::Module(_) => {
                self.lines.insert(format!("pub mod {path}"));
                self.module(&item.id, path, depth + 1);
                return;
            }
            ItemEnum::Struct(s) => self.struct_line(s, path, non_exhaustive),
            ItemEnum::Enum(e) => self.enum_line(e, path, non_exhaustive),
            ItemEnum::Union(u) => {
                self.impls(&u.impls, path);
                let fields: Vec<String> = self
                    .fields(&u.fields)
                    .into_iter()
                    .map(|(n, t)| format!("{n}: {t}"))
                    .collect();
                format!(
                    "pub union {path}{} {{ {} }}",
                    self.params(&u.generics),
                    fields.join(", ")
                )
            }
            ItemEnum::Function(f) => self.function(path, f),
            ItemEnum::Trait(t) => self.trait_line(t, path),
            ItemEnum::TypeAlias(t) => format!(
                "pub type {path}{} = {}",
                self.params(&t.generics),
                self.ty(&t.type_)
            ),
            ItemEnum::Constant { type_, const_ } => {
                format!("pub const {path}: {} = {}", self.ty(type_), const_.expr)
            }
            ItemEnum::Static(s) => format!(
                "pub static {}{path}: {}",
                if s.is_mutable { "mut " } else { "" },
                self.ty(&s.type_)
            ),
            ItemEnum::Macro(_) | ItemEnum::ProcMacro(_) => format!("pub macro {path}!"),
            ItemEnum::TraitAlias(_) => format!("pub trait alias {path}"),
            ItemEnum::ExternType => format!("pub extern type {path}"),
            ItemEnum::ExternCrate { name, .. } => format!("pub extern crate {path} = {name}"),
            ItemEnum::Use(_)
            | ItemEnum::StructField(_)
            | ItemEnum::Variant(_)
            | ItemEnum::Impl(_)
            | ItemEnum::Primitive(_)
            | ItemEnum::AssocConst { .. }
            | ItemEnum::AssocType { .. } => return,
        };
        self.lines.insert(line);
    }

    /// A struct: one line naming every field when callers can build it with
    /// a literal, else a header plus a line per public field.
    fn struct_line(
        &mut self,
        s: &rustdoc_types::Struct,
        path: &str,
        non_exhaustive: bool,
    ) -> String {
        let generics = self.params(&s.generics);
        self.impls(&s.impls, path);
        match &s.kind {
            StructKind::Unit => format!("pub struct {path}{generics};"),
            StructKind::Tuple(fields) => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|f| self.field_type(f.as_ref()).unwrap_or_else(|| "_".into()))
                    .collect();
                let ne = if non_exhaustive {
                    " #[non_exhaustive]"
                } else {
                    ""
                };
                format!("pub struct {path}{generics}({}){ne}", fields.join(", "))
            }
            StructKind::Plain {
                fields,
                has_stripped_fields,
            } => {
                let fields = self.fields(fields);
                if non_exhaustive || *has_stripped_fields {
                    for (name, ty) in &fields {
                        self.lines.insert(format!("pub field {path}.{name}: {ty}"));
                    }
                    let why = if non_exhaustive {
                        "#[non_exhaustive]"
                    } else {
                        "private fields"
                    };
                    format!("pub struct {path}{generics} {{ .. }} ({why})")
                } else {
                    let list: Vec<String> =
                        fields.iter().map(|(n, t)| format!("{n}: {t}")).collect();
                    format!("pub struct {path}{generics} {{ {} }}", list.join(", "))
                }
            }
        }
    }

    /// An enum: one line naming every variant unless `#[non_exhaustive]`,
    /// else a header plus a line per variant.
    fn enum_line(&mut self, e: &rustdoc_types::Enum, path: &str, non_exhaustive: bool) -> String {
        let generics = self.params(&e.generics);
        self.impls(&e.impls, path);
        let variants: Vec<String> = e
            .variants
            .iter()
            .filter_map(|v| self.krate.index.get(v))
            .map(|v| self.variant(v))
            .collect();
        if non_exhaustive || e.has_stripped_variants {
            for v in &variants {
                self.lines.insert(format!("pub variant {path}::{v}"));
            }
            format!("pub enum {path}{generics} {{ .. }} (#[non_exhaustive])")
        } else {
            format!("pub enum {path}{generics} {{ {} }}", variants.join(", "))
        }
    }

    /// A trait, with a line per associated item.
    fn trait_line(&mut self, t: &rustdoc_types::Trait, path: &str) -> String {
        for child in &t.items {
            if let Some(i) = self.krate.index.get(child) {
                let name = i.name.clone().unwrap_or_default();
                let l = self.assoc(&format!("{path}::{name}"), i);
                self.lines.insert(format!("trait item {l}"));
            }
        }
        let bounds = self.bounds(&t.bounds);
        let unsafety = if t.is_unsafe { "unsafe " } else { "" };
        let sealed = if bounds.is_empty() {
            String::new()
        } else {
            format!(": {bounds}")
        };
        format!(
            "pub {unsafety}trait {path}{}{sealed}",
            self.params(&t.generics)
        )
    }

    fn fields(&self, ids: &[Id]) -> Vec<(String, String)> {
        ids.iter()
            .filter_map(|id| self.krate.index.get(id))
            .filter(|f| matches!(f.visibility, Visibility::Public | Visibility::Default))
            .filter_map(|f| match &f.inner {
                ItemEnum::StructField(t) => Some((f.name.clone().unwrap_or_default(), self.ty(t))),
                _ => None,
            })
            .collect()
    }

    fn field_type(&self, id: Option<&Id>) -> Option<String> {
        let f = self.krate.index.get(id?)?;
        if !matches!(f.visibility, Visibility::Public | Visibility::Default) {
            return None;
        }
        match &f.inner {
            ItemEnum::StructField(t) => Some(self.ty(t)),
            _ => None,
        }
    }

    fn variant(&self, v: &Item) -> String {
        let name = v.name.clone().unwrap_or_default();
        match &v.inner {
            ItemEnum::Variant(var) => match &var.kind {
                VariantKind::Plain => name,
                VariantKind::Tuple(fields) => {
                    let f: Vec<String> = fields
                        .iter()
                        .map(|f| self.field_type(f.as_ref()).unwrap_or_else(|| "_".into()))
                        .collect();
                    format!("{name}({})", f.join(", "))
                }
                VariantKind::Struct {
                    fields,
                    has_stripped_fields,
                } => {
                    let mut f: Vec<String> = self
                        .fields(fields)
                        .into_iter()
                        .map(|(n, t)| format!("{n}: {t}"))
                        .collect();
                    if *has_stripped_fields {
                        f.push("..".into());
                    }
                    format!("{name} {{ {} }}", f.join(", "))
                }
            },
            _ => name,
        }
    }

    /// The methods of inherent impls and the trait impls of a type.
    fn impls(&mut self, ids: &[Id], path: &str) {
        for id in ids {
            let Some(ItemEnum::Impl(imp)) = self.krate.index.get(id).map(|i| &i.inner) else {
                continue;
            };
            // Blanket impls (`impl<T> Any for T`) come from other crates and
            // change with them, not with ours.
            if imp.blanket_impl.is_some() {
                continue;
            }
            // Auto traits: the stable ones only (the toolchain's unstable
            // ones, `Freeze`, `UnsafeUnpin`, come and go with its version).
            if imp.is_synthetic
                && !imp.trait_.as_ref().is_some_and(|t| {
                    ["Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"]
                        .iter()
                        .any(|n| t.path.rsplit("::").next() == Some(n))
                })
            {
                continue;
            }
            let generics = self.params(&imp.generics);
            let wheres = self.wheres(&imp.generics);
            match &imp.trait_ {
                Some(tr) => {
                    let neg = if imp.is_negative { "!" } else { "" };
                    self.lines.insert(format!(
                        "impl{generics} {neg}{} for {}{wheres}",
                        self.path(tr),
                        self.ty(&imp.for_)
                    ));
                }
                None => {
                    for child in &imp.items {
                        let Some(i) = self.krate.index.get(child) else {
                            continue;
                        };
                        if !matches!(i.visibility, Visibility::Public) {
                            continue;
                        }
                        let name = i.name.clone().unwrap_or_default();
                        let line = self.assoc(&format!("{path}::{name}"), i);
                        self.lines.insert(format!("{line}{wheres}"));
                    }
                }
            }
        }
    }

    /// An associated item (of a trait or an inherent impl).
    fn assoc(&self, path: &str, i: &Item) -> String {
        match &i.inner {
            ItemEnum::Function(f) => self.function(path, f),
            ItemEnum::AssocConst { type_, .. } => format!("pub const {path}: {}", self.ty(type_)),
            ItemEnum::AssocType { bounds, type_, .. } => {
                let mut s = format!("pub type {path}");
                if !bounds.is_empty() {
                    s.push_str(&format!(": {}", self.bounds(bounds)));
                }
                if let Some(t) = type_ {
                    s.push_str(&format!(" = {}", self.ty(t)));
                }
                s
            }
            _ => format!("pub item {path}"),
        }
    }

    fn function(&self, path: &str, f: &rustdoc_types::Function) -> String {
        let h = &f.header;
        let mut quals = String::new();
        for (on, q) in [
            (h.is_const, "const "),
            (h.is_async, "async "),
            (h.is_unsafe, "unsafe "),
        ] {
            if on {
                quals.push_str(q);
            }
        }
        let inputs: Vec<String> = f
            .sig
            .inputs
            .iter()
            .map(|(name, t)| match (name.as_str(), t) {
                ("self", Type::Generic(g)) if g == "Self" => "self".into(),
                (
                    "self",
                    Type::BorrowedRef {
                        is_mutable, type_, ..
                    },
                ) if matches!(&**type_, Type::Generic(g) if g == "Self") => {
                    if *is_mutable {
                        "&mut self".into()
                    } else {
                        "&self".into()
                    }
                }
                _ => format!("{name}: {}", self.ty(t)),
            })
            .collect();
        let output = f
            .sig
            .output
            .as_ref()
            .map(|t| format!(" -> {}", self.ty(t)))
            .unwrap_or_default();
        format!(
            "pub {quals}fn {path}{}({}){output}{}",
            self.params(&f.generics),
            inputs.join(", "),
            self.wheres(&f.generics)
        )
    }

    fn params(&self, g: &Generics) -> String {
        let params: Vec<String> = g
            .params
            .iter()
            .filter_map(|p| match &p.kind {
                GenericParamDefKind::Lifetime { outlives } if outlives.is_empty() => {
                    Some(p.name.clone())
                }
                GenericParamDefKind::Lifetime { outlives } => {
                    Some(format!("{}: {}", p.name, outlives.join(" + ")))
                }
                // `impl Trait` arguments: shown where they are used.
                GenericParamDefKind::Type {
                    is_synthetic: true, ..
                } => None,
                GenericParamDefKind::Type {
                    bounds, default, ..
                } => {
                    let mut s = p.name.clone();
                    if !bounds.is_empty() {
                        s.push_str(&format!(": {}", self.bounds(bounds)));
                    }
                    if let Some(d) = default {
                        s.push_str(&format!(" = {}", self.ty(d)));
                    }
                    Some(s)
                }
                GenericParamDefKind::Const { type_, .. } => {
                    Some(format!("const {}: {}", p.name, self.ty(type_)))
                }
            })
            .collect();
        if params.is_empty() {
            String::new()
        } else {
            format!("<{}>", params.join(", "))
        }
    }

    fn wheres(&self, g: &Generics) -> String {
        let preds: Vec<String> = g
            .where_predicates
            .iter()
            .map(|w| match w {
                WherePredicate::BoundPredicate { type_, bounds, .. } => {
                    format!("{}: {}", self.ty(type_), self.bounds(bounds))
                }
                WherePredicate::LifetimePredicate { lifetime, outlives } => {
                    format!("{lifetime}: {}", outlives.join(" + "))
                }
                WherePredicate::EqPredicate { lhs, rhs } => {
                    format!("{} = {}", self.ty(lhs), self.term(rhs))
                }
            })
            .collect();
        if preds.is_empty() {
            String::new()
        } else {
            format!(" where {}", preds.join(", "))
        }
    }

    fn bounds(&self, bounds: &[GenericBound]) -> String {
        bounds
            .iter()
            .map(|b| match b {
                GenericBound::TraitBound {
                    trait_, modifier, ..
                } => {
                    let m = match modifier {
                        rustdoc_types::TraitBoundModifier::None => "",
                        rustdoc_types::TraitBoundModifier::Maybe => "?",
                        rustdoc_types::TraitBoundModifier::MaybeConst => "~const ",
                    };
                    format!("{m}{}", self.path(trait_))
                }
                GenericBound::Outlives(l) => l.clone(),
                GenericBound::Use(_) => "use<..>".into(),
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }

    fn term(&self, t: &Term) -> String {
        match t {
            Term::Type(t) => self.ty(t),
            Term::Constant(c) => c.expr.clone(),
        }
    }

    /// A path, by its canonical name where rustdoc knows it.
    fn path(&self, p: &rustdoc_types::Path) -> String {
        let name = self
            .krate
            .paths
            .get(&p.id)
            .map(|s| s.path.join("::"))
            .unwrap_or_else(|| p.path.clone());
        format!(
            "{name}{}",
            p.args.as_deref().map(|a| self.args(a)).unwrap_or_default()
        )
    }

    fn args(&self, a: &GenericArgs) -> String {
        match a {
            GenericArgs::AngleBracketed { args, constraints } => {
                let mut parts: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        GenericArg::Lifetime(l) => l.clone(),
                        GenericArg::Type(t) => self.ty(t),
                        GenericArg::Const(c) => c.expr.clone(),
                        GenericArg::Infer => "_".into(),
                    })
                    .collect();
                parts.extend(constraints.iter().map(|c| {
                    let rhs = match &c.binding {
                        rustdoc_types::AssocItemConstraintKind::Equality(t) => {
                            format!(" = {}", self.term(t))
                        }
                        rustdoc_types::AssocItemConstraintKind::Constraint(b) => {
                            format!(": {}", self.bounds(b))
                        }
                    };
                    format!("{}{rhs}", c.name)
                }));
                if parts.is_empty() {
                    String::new()
                } else {
                    format!("<{}>", parts.join(", "))
                }
            }
            GenericArgs::Parenthesized { inputs, output } => {
                let i: Vec<String> = inputs.iter().map(|t| self.ty(t)).collect();
                let o = output
                    .as_ref()
                    .map(|t| format!(" -> {}", self.ty(t)))
                    .unwrap_or_default();
                format!("({}){o}", i.join(", "))
            }
            GenericArgs::ReturnTypeNotation => "(..)".into(),
        }
    }

    fn ty(&self, t: &Type) -> String {
        match t {
            Type::ResolvedPath(p) => self.path(p),
            Type::DynTrait(d) => {
                let traits: Vec<String> = d.traits.iter().map(|p| self.path(&p.trait_)).collect();
                let mut s = format!("dyn {}", traits.join(" + "));
                if let Some(l) = &d.lifetime {
                    s.push_str(&format!(" + {l}"));
                }
                s
            }
            Type::Generic(g) | Type::Primitive(g) => g.clone(),
            Type::FunctionPointer(f) => {
                let i: Vec<String> = f.sig.inputs.iter().map(|(_, t)| self.ty(t)).collect();
                let o = f
                    .sig
                    .output
                    .as_ref()
                    .map(|t| format!(" -> {}", self.ty(t)))
                    .unwrap_or_default();
                format!("fn({}){o}", i.join(", "))
            }
            Type::Tuple(ts) => {
                let parts: Vec<String> = ts.iter().map(|t| self.ty(t)).collect();
                if parts.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(", "))
                }
            }
            Type::Slice(t) => format!("[{}]", self.ty(t)),
            Type::Array { type_, len } => format!("[{}; {len}]", self.ty(type_)),
            Type::Pat { type_, .. } => self.ty(type_),
            Type::ImplTrait(b) => format!("impl {}", self.bounds(b)),
            Type::Infer => "_".into(),
            Type::RawPointer { is_mutable, type_ } => {
                format!(
                    "*{} {}",
                    if *is_mutable { "mut" } else { "const" },
                    self.ty(type_)
                )
            }
            Type::BorrowedRef {
                lifetime,
                is_mutable,
                type_,
            } => {
                let l = lifetime
                    .as_ref()
                    .map(|l| format!("{l} "))
                    .unwrap_or_default();
                format!(
                    "&{l}{}{}",
                    if *is_mutable { "mut " } else { "" },
                    self.ty(type_)
                )
            }
            Type::QualifiedPath {
                name,
                args,
                self_type,
                trait_,
            } => {
                let a = args.as_deref().map(|a| self.args(a)).unwrap_or_default();
                match trait_ {
                    Some(tr) => format!("<{} as {}>::{name}{a}", self.ty(self_type), self.path(tr)),
                    None => format!("{}::{name}{a}", self.ty(self_type)),
                }
            }
        }
    }
}

/// What changed between two listings, and the bump it needs.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ApiDiff {
    /// Lines of the old listing the new one lacks (removed or changed items).
    pub removed: Vec<String>,
    /// Lines only the new listing has.
    pub added: Vec<String>,
}

impl ApiDiff {
    pub fn new(old: &str, new: &str) -> Self {
        let old: BTreeSet<&str> = old.lines().filter(|l| !l.is_empty()).collect();
        let new: BTreeSet<&str> = new.lines().filter(|l| !l.is_empty()).collect();
        ApiDiff {
            removed: old.difference(&new).map(|s| s.to_string()).collect(),
            added: new.difference(&old).map(|s| s.to_string()).collect(),
        }
    }

    /// Any removed or changed line breaks some caller; added lines alone are
    /// compatible.
    pub fn bump(&self) -> Bump {
        if !self.removed.is_empty() {
            Bump::Breaking
        } else if !self.added.is_empty() {
            Bump::Compatible
        } else {
            Bump::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rustdoc JSON of a small crate, built by the toolchain's rustdoc (no
    /// dependencies, so it takes a fraction of a second).
    fn listing_of(source: &str) -> String {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("xtask-public-api-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("lib.rs");
        std::fs::write(&file, source).unwrap();
        let status = Command::new("rustdoc")
            .args([
                "--edition",
                "2024",
                "--crate-type",
                "lib",
                "--crate-name",
                "demo",
            ])
            .args(["-Z", "unstable-options", "--output-format", "json", "-o"])
            .arg(&dir)
            .arg(&file)
            .env("RUSTC_BOOTSTRAP", "1")
            .status()
            .unwrap();
        assert!(status.success());
        let json = std::fs::read_to_string(dir.join("demo.json")).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        listing(&json).unwrap()
    }

    const BASE: &str = "
        pub mod types {
            #[derive(Clone, Debug)]
            pub struct Backup { pub id: String, pub name: String }
            #[non_exhaustive]
            pub struct Job { pub id: String }
            pub enum Status { Building, Completed }
            pub struct Builder { id: String }
            impl Builder { pub fn id(mut self, v: impl Into<String>) -> Self { self.id = v.into(); self } }
        }
        pub use types::Backup;
    ";

    fn bump(old: &str, new: &str) -> Bump {
        ApiDiff::new(&listing_of(old), &listing_of(new)).bump()
    }

    #[test]
    fn the_listing_names_items_fields_and_signatures() {
        let l = listing_of(BASE);
        for line in [
            "pub struct demo::types::Backup { id: alloc::string::String, name: alloc::string::String }",
            "pub struct demo::Backup { id: alloc::string::String, name: alloc::string::String }",
            "pub struct demo::types::Job { .. } (#[non_exhaustive])",
            "pub field demo::types::Job.id: alloc::string::String",
            "pub enum demo::types::Status { Building, Completed }",
            "pub fn demo::types::Builder::id(self, v: impl core::convert::Into<alloc::string::String>) -> Self",
            "impl core::clone::Clone for demo::types::Backup",
        ] {
            assert!(l.lines().any(|x| x == line), "missing {line:?} in\n{l}");
        }
    }

    #[test]
    fn rust_breaking_changes_need_a_breaking_bump() {
        assert_eq!(bump(BASE, BASE), Bump::None);
        // A field added to a struct users build with a literal.
        let field = BASE.replace(
            "pub name: String }",
            "pub name: String, pub tag: Option<String> }",
        );
        assert_eq!(bump(BASE, &field), Bump::Breaking);
        // A variant added to an exhaustive enum.
        let variant = BASE.replace("Building, Completed", "Building, Completed, Failed");
        assert_eq!(bump(BASE, &variant), Bump::Breaking);
        // A renamed type.
        let renamed = BASE.replace("pub struct Job", "pub struct BackupJob");
        assert_eq!(bump(BASE, &renamed), Bump::Breaking);
        // A changed field type.
        let retyped = BASE.replace(
            "pub id: String, pub name",
            "pub id: Option<String>, pub name",
        );
        assert_eq!(bump(BASE, &retyped), Bump::Breaking);
    }

    #[test]
    fn additions_callers_cannot_notice_need_a_compatible_bump() {
        let field = BASE.replace(
            "pub struct Job { pub id: String }",
            "pub struct Job { pub id: String, pub done: bool }",
        );
        assert_eq!(bump(BASE, &field), Bump::Compatible);
        let method = BASE.replace(
            "-> Self { self.id = v.into(); self } }",
            "-> Self { self.id = v.into(); self } pub fn reset(self) -> Self { self } }",
        );
        assert_eq!(bump(BASE, &method), Bump::Compatible);
        let item = format!("{BASE}\npub fn hello() {{}}");
        assert_eq!(bump(BASE, &item), Bump::Compatible);
    }

    #[test]
    fn bad_json_is_an_error_not_a_panic() {
        assert!(listing("not json").is_err());
        assert!(listing("{}").is_err());
        let wrong = r#"{"format_version": 1}"#;
        let err = listing(wrong).unwrap_err().to_string();
        assert!(err.contains("rustdoc-types"), "{err}");
    }
}
