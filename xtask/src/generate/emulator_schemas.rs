//! The emulator's utoipa schemas and parameters, from the spec
//! (`crates/gaussdb-backup-emulator/src/generated_schemas.rs`).
//!
//! The emulator's utoipa document used to mirror every component schema
//! and every operation's parameters by hand, so that a property added to
//! the spec needed a hand edit there too. Both are mechanical copies of the
//! spec: the emulator builds its bodies from the client's generated types
//! and reads its queries with its own, stricter rules, never through these
//! types. So they are generated here: one `#[derive(ToSchema)]` type per
//! component schema (a struct, a string enum, or a newtype for a primitive,
//! an array or a free-form object), one `#[derive(IntoParams)]` struct per
//! operation and parameter location, joined in one `…Params` type per
//! operation, and `SpecComponents`, the `Modify` that puts every schema in
//! the document's `components`. What stays hand-written is the emulator's
//! own statement of what it serves: the `#[utoipa::path]` of each handler
//! (method, path, operation ID, statuses and their bodies) and the list of
//! handlers in `openapi.rs`.
//!
//! Only what the spec uses is supported, each keyword carried to the
//! matching utoipa attribute: objects (properties, `required`), `nullable`,
//! `$ref` to a component, arrays (`items`, `minItems`, `maxItems`), string
//! enums, free-form objects, strings (`pattern`, `minLength`, `maxLength`,
//! the formats utoipa knows without features), integers and numbers (their
//! `format`, bounds, `multipleOf`), `default`, and property or parameter
//! names that are not Rust identifiers (`type`, `X-Language`: renamed).
//! Anything else fails generation naming the schema (as a JSON pointer)
//! and the keyword: a constraint is never dropped silently. Descriptions
//! become doc comments (utoipa's descriptions); examples are left out (the
//! spec, which Swagger UI shows first, has them; `utoipa_agrees` ignores
//! them).

use std::collections::BTreeSet;

use anyhow::{Result, anyhow, bail};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use super::{Output, rust_output};
use crate::spec::Spec;

const OUTPUT_PATH: &str = "crates/gaussdb-backup-emulator/src/generated_schemas.rs";

/// This file, named in every error so that a maintainer knows where an
/// unsupported keyword would be taught.
const THIS_FILE: &str = "xtask/src/generate/emulator_schemas.rs";

/// The `Modify` that registers every schema.
const REGISTRY: &str = "SpecComponents";

/// Names the generated code itself uses: a component so named would shadow
/// them.
const RESERVED: [&str; 7] = [
    "String", "Vec", "Option", "Object", "Value", "Box", REGISTRY,
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keywords that say nothing a document's reader checks against: carried
/// as words (`description`) or left to the spec (`example`).
const WORDS: [&str; 2] = ["description", "example"];

pub fn outputs(spec: &Spec) -> Result<Vec<Output>> {
    let tokens = tokens(&spec.value).map_err(|err| anyhow!("{}: {err}", spec.rel_path))?;
    Ok(vec![rust_output(
        spec,
        OUTPUT_PATH,
        "emulator schemas",
        Ok(tokens),
        |_| Ok(()),
    )?])
}

/// The whole generated module.
fn tokens(doc: &Value) -> Result<TokenStream> {
    let empty = Map::new();
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let names: BTreeSet<String> = schemas.keys().cloned().collect();
    let generator = Generator { names: &names };
    let mut items = Vec::new();
    let mut idents = Vec::new();
    for (name, schema) in schemas {
        items.push(generator.component(name, schema)?);
        idents.push(format_ident!("{name}"));
    }
    let mut taken: BTreeSet<String> = names.clone();
    for op in operations(doc)? {
        items.push(generator.params(&op, &mut taken)?);
    }
    let registry = format_ident!("{REGISTRY}");
    Ok(quote! {
        //! The spec's component schemas and operation parameters as utoipa
        //! types, for the emulator's OpenAPI document (`crate::openapi`).
        //! Nothing reads or builds them: the emulator's bodies are the
        //! client's generated types, its queries are read by its own rules.
        #![allow(dead_code)]

        use utoipa::{IntoParams, ToSchema};

        /// Every component schema of the spec, put in the document's
        /// `components` (those no operation names included).
        pub struct #registry;

        impl utoipa::Modify for #registry {
            fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
                let components = openapi.components.get_or_insert_with(Default::default);
                for (name, schema) in [
                    #( (<#idents as ToSchema>::name(), <#idents as utoipa::PartialSchema>::schema()), )*
                ] {
                    components.schemas.insert(name.into_owned(), schema);
                }
            }
        }

        #(#items)*
    })
}

/// An error at a place of the spec (a JSON pointer).
fn unsupported(at: &str, what: impl std::fmt::Display) -> anyhow::Error {
    anyhow!(
        "{at}: {what}; the emulator's utoipa schemas are generated by {THIS_FILE}, \
         which refuses what it cannot carry rather than drop a constraint"
    )
}

/// `#[doc]` attributes, one per line of the spec's text.
fn docs(text: Option<&str>) -> Vec<TokenStream> {
    text.map(str::trim_end)
        .filter(|t| !t.trim().is_empty())
        .into_iter()
        .flat_map(str::lines)
        .map(|line| {
            let line = if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            };
            quote!(#[doc = #line])
        })
        .collect()
}

/// A JSON number as an unsuffixed literal (an integer stays an integer).
fn number(at: &str, keyword: &str, value: &Value) -> Result<Literal> {
    match value {
        Value::Number(n) => Ok(if let Some(i) = n.as_i64() {
            Literal::i64_unsuffixed(i)
        } else if let Some(u) = n.as_u64() {
            Literal::u64_unsuffixed(u)
        } else {
            Literal::f64_unsuffixed(n.as_f64().unwrap_or_default())
        }),
        other => Err(unsupported(
            at,
            format!("`{keyword}` is {other}, not a number"),
        )),
    }
}

/// A JSON value as a literal for utoipa's `default`.
fn literal(at: &str, keyword: &str, value: &Value) -> Result<TokenStream> {
    Ok(match value {
        Value::String(s) => quote!(#s),
        Value::Bool(b) => quote!(#b),
        Value::Number(_) => {
            let n = number(at, keyword, value)?;
            quote!(#n)
        }
        other => {
            return Err(unsupported(
                at,
                format!("`{keyword}: {other}` (only a string, number or boolean)"),
            ));
        }
    })
}

/// A name as a Rust identifier: the name itself when it is one (a keyword
/// raw, `r#type`), else its snake case. `None` when neither works.
fn field_ident(name: &str) -> Option<syn::Ident> {
    if let Ok(ident) = syn::parse_str::<syn::Ident>(name) {
        return Some(ident);
    }
    if let Ok(ident) = syn::parse_str::<syn::Ident>(&format!("r#{name}")) {
        return Some(ident);
    }
    let snake = heck::ToSnakeCase::to_snake_case(name);
    syn::parse_str::<syn::Ident>(&snake).ok()
}

/// The name utoipa gives a field: its identifier without `r#`.
fn ident_text(ident: &syn::Ident) -> String {
    let text = ident.to_string();
    text.strip_prefix("r#").unwrap_or(&text).to_owned()
}

/// A schema as the type of a field (or of a newtype's one field): the Rust
/// type utoipa reads it from, and the attributes (`#[schema]` or `#[param]`
/// alike) that carry its constraints.
struct FieldType {
    ty: TokenStream,
    /// Set when the type is not what utoipa should read (`serde_json::Value`
    /// read as `Object`).
    value_type: Option<TokenStream>,
    attrs: Vec<TokenStream>,
    nullable: bool,
}

struct Generator<'a> {
    names: &'a BTreeSet<String>,
}

impl Generator<'_> {
    /// One component schema as a type.
    fn component(&self, name: &str, schema: &Value) -> Result<TokenStream> {
        let at = format!("#/components/schemas/{name}");
        let ident = syn::parse_str::<syn::Ident>(name)
            .ok()
            .filter(|i| *i == name)
            .ok_or_else(|| {
                unsupported(
                    &at,
                    "the name is not a Rust identifier (utoipa names a schema after its type)",
                )
            })?;
        if RESERVED.contains(&name) {
            bail!(unsupported(
                &at,
                "the name is one the generated code uses itself"
            ));
        }
        let object = schema
            .as_object()
            .ok_or_else(|| unsupported(&at, "not a Schema Object"))?;
        if object.contains_key("$ref") {
            bail!(unsupported(
                &at,
                "a component that is only a `$ref` (an alias)"
            ));
        }
        if object.get("nullable") == Some(&Value::Bool(true)) {
            bail!(unsupported(
                &at,
                "`nullable` on a component schema (nullable properties are supported)"
            ));
        }
        let doc = docs(schema.get("description").and_then(Value::as_str));
        let doc = if doc.is_empty() {
            let line = format!(" The spec's `{name}` schema.");
            vec![quote!(#[doc = #line])]
        } else {
            doc
        };
        if schema.get("enum").is_some() {
            return self.enumeration(&at, &ident, &doc, object);
        }
        let is_struct = schema.get("type") == Some(&Value::String("object".into()))
            && object.contains_key("properties");
        if is_struct {
            return self.structure(&at, &ident, &doc, object);
        }
        let inner = self.field_type(&at, schema)?;
        let FieldType {
            ty,
            value_type,
            mut attrs,
            ..
        } = inner;
        if let Some(value_type) = value_type {
            attrs.insert(0, quote!(value_type = #value_type));
        }
        let schema_attr = (!attrs.is_empty()).then(|| quote!(#[schema(#(#attrs),*)]));
        Ok(quote! {
            #(#doc)*
            #[derive(ToSchema)]
            #schema_attr
            pub struct #ident(#ty);
        })
    }

    /// A string enum: one unit variant per value, renamed to the value.
    fn enumeration(
        &self,
        at: &str,
        ident: &syn::Ident,
        doc: &[TokenStream],
        object: &Map<String, Value>,
    ) -> Result<TokenStream> {
        check_keys(at, object, &["type", "enum", "default"])?;
        if object.get("type") != Some(&Value::String("string".into())) {
            bail!(unsupported(
                at,
                "an `enum` whose `type` is not `string` (utoipa's unit enums are strings)"
            ));
        }
        let values = object["enum"]
            .as_array()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| unsupported(at, "`enum` is not a list of values"))?;
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        for value in values {
            let Some(text) = value.as_str() else {
                bail!(unsupported(
                    at,
                    format!("`enum` value {value} is not a string")
                ));
            };
            let mut variant = heck::ToUpperCamelCase::to_upper_camel_case(text);
            if variant.starts_with(|c: char| c.is_ascii_digit()) {
                variant.insert(0, 'V');
            }
            let Ok(variant_ident) = syn::parse_str::<syn::Ident>(&variant) else {
                bail!(unsupported(
                    at,
                    format!("`enum` value {text:?} gives no Rust variant name")
                ));
            };
            if !seen.insert(variant.clone()) {
                bail!(unsupported(
                    at,
                    format!("`enum` values give the variant name {variant} twice")
                ));
            }
            variants.push(quote!(#[schema(rename = #text)] #variant_ident));
        }
        let default = match object.get("default") {
            Some(v) => {
                let v = literal(at, "default", v)?;
                Some(quote!(#[schema(default = #v)]))
            }
            None => None,
        };
        Ok(quote! {
            #(#doc)*
            #[derive(ToSchema)]
            #default
            pub enum #ident {
                #(#variants,)*
            }
        })
    }

    /// An object with properties: a struct, one field per property.
    fn structure(
        &self,
        at: &str,
        ident: &syn::Ident,
        doc: &[TokenStream],
        object: &Map<String, Value>,
    ) -> Result<TokenStream> {
        check_keys(
            at,
            object,
            &["type", "properties", "required", "additionalProperties"],
        )?;
        free_form_only(at, object)?;
        let properties = object["properties"]
            .as_object()
            .ok_or_else(|| unsupported(at, "`properties` is not an object"))?;
        let required = required(at, object, properties)?;
        let mut fields = Vec::new();
        let mut seen = BTreeSet::new();
        for (name, schema) in properties {
            let at = format!("{at}/properties/{}", openapi_check::pointer::escape(name));
            let field = field_ident(name)
                .ok_or_else(|| unsupported(&at, "the name gives no Rust field name"))?;
            if !seen.insert(field.to_string()) {
                bail!(unsupported(
                    &at,
                    format!("a second property named `{field}` in Rust")
                ));
            }
            let rename = (ident_text(&field) != *name).then_some(name.as_str());
            let is_required = required.contains(name.as_str());
            let (ty, attrs) = self.field(&at, schema, is_required, rename)?;
            let doc = docs(schema.get("description").and_then(Value::as_str));
            let attr = (!attrs.is_empty()).then(|| quote!(#[schema(#(#attrs),*)]));
            fields.push(quote! {
                #(#doc)*
                #attr
                #field: #ty
            });
        }
        Ok(quote! {
            #(#doc)*
            #[derive(ToSchema)]
            pub struct #ident {
                #(#fields,)*
            }
        })
    }

    /// A property or parameter: its Rust type (`Option` unless required and
    /// not nullable) and its attributes, whether required and nullable
    /// stated whenever utoipa would otherwise guess them from the `Option`.
    fn field(
        &self,
        at: &str,
        schema: &Value,
        is_required: bool,
        rename: Option<&str>,
    ) -> Result<(TokenStream, Vec<TokenStream>)> {
        let FieldType {
            ty,
            value_type,
            mut attrs,
            nullable,
        } = self.field_type(at, schema)?;
        let optional = !is_required || nullable;
        let (ty, value_type) = if optional {
            (quote!(Option<#ty>), value_type.map(|v| quote!(Option<#v>)))
        } else {
            (ty, value_type)
        };
        if let Some(value_type) = value_type {
            attrs.insert(0, quote!(value_type = #value_type));
        }
        if let Some(rename) = rename {
            attrs.insert(0, quote!(rename = #rename));
        }
        if optional {
            attrs.push(quote!(nullable = #nullable));
        }
        if is_required && nullable {
            attrs.push(quote!(required = true));
        }
        Ok((ty, attrs))
    }

    /// A schema used in place (a property, an item, a parameter, a
    /// newtype's field).
    fn field_type(&self, at: &str, schema: &Value) -> Result<FieldType> {
        let object = schema
            .as_object()
            .ok_or_else(|| unsupported(at, "not a Schema Object"))?;
        if let Some(target) = object.get("$ref") {
            return self.reference(at, object, target);
        }
        if object.contains_key("enum") {
            bail!(unsupported(
                at,
                "an inline `enum` (name it under components/schemas: utoipa's enums are types)"
            ));
        }
        let nullable = match object.get("nullable") {
            None | Some(Value::Bool(false)) => false,
            Some(Value::Bool(true)) => true,
            Some(other) => bail!(unsupported(at, format!("`nullable: {other}`"))),
        };
        let kind = object
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| unsupported(at, "a schema without a `type` string"))?;
        let mut out = match kind {
            "string" => self.string(at, object)?,
            "integer" | "number" => self.numeric(at, kind, object)?,
            "boolean" => {
                check_keys(at, object, &["type", "nullable", "default"])?;
                FieldType::plain(quote!(bool))
            }
            "array" => self.array(at, object)?,
            "object" => {
                if object.contains_key("properties") {
                    bail!(unsupported(
                        at,
                        "an inline object with `properties` (name it under components/schemas)"
                    ));
                }
                check_keys(at, object, &["type", "nullable", "additionalProperties"])?;
                free_form_only(at, object)?;
                FieldType {
                    ty: quote!(serde_json::Value),
                    value_type: Some(quote!(Object)),
                    attrs: Vec::new(),
                    nullable: false,
                }
            }
            other => bail!(unsupported(at, format!("`type: {other}`"))),
        };
        if let Some(default) = object.get("default") {
            let default = literal(at, "default", default)?;
            out.attrs.push(quote!(default = #default));
        }
        out.nullable = nullable;
        Ok(out)
    }

    /// `$ref` to a component schema: its generated type.
    fn reference(
        &self,
        at: &str,
        object: &Map<String, Value>,
        target: &Value,
    ) -> Result<FieldType> {
        if let Some(sibling) = object.keys().find(|k| *k != "$ref") {
            bail!(unsupported(
                at,
                format!("`{sibling}` beside `$ref` (OpenAPI 3.0 ignores it)")
            ));
        }
        let name = target
            .as_str()
            .and_then(|t| t.strip_prefix("#/components/schemas/"))
            .filter(|n| self.names.contains(*n))
            .ok_or_else(|| {
                unsupported(
                    at,
                    format!("`$ref: {target}` names no schema under #/components/schemas"),
                )
            })?;
        let ident = format_ident!("{name}");
        Ok(FieldType::plain(quote!(#ident)))
    }

    fn string(&self, at: &str, object: &Map<String, Value>) -> Result<FieldType> {
        check_keys(
            at,
            object,
            &[
                "type",
                "nullable",
                "default",
                "format",
                "pattern",
                "minLength",
                "maxLength",
            ],
        )?;
        let mut attrs = Vec::new();
        if let Some(format) = object.get("format") {
            let known = match format.as_str() {
                Some("date") => "Date",
                Some("date-time") => "DateTime",
                Some("byte") => "Byte",
                Some("binary") => "Binary",
                Some("password") => "Password",
                Some("email") => "Email",
                Some("hostname") => "Hostname",
                Some("ipv4") => "Ipv4",
                Some("ipv6") => "Ipv6",
                _ => bail!(unsupported(
                    at,
                    format!("`format: {format}` on a string (not a format utoipa knows here)")
                )),
            };
            let known = format_ident!("{known}");
            attrs.push(quote!(format = #known));
        }
        if let Some(pattern) = object.get("pattern") {
            let pattern = pattern
                .as_str()
                .ok_or_else(|| unsupported(at, "`pattern` is not a string"))?;
            attrs.push(quote!(pattern = #pattern));
        }
        for (keyword, attr) in [("minLength", "min_length"), ("maxLength", "max_length")] {
            if let Some(v) = object.get(keyword) {
                let v = number(at, keyword, v)?;
                let attr = format_ident!("{attr}");
                attrs.push(quote!(#attr = #v));
            }
        }
        Ok(FieldType {
            ty: quote!(String),
            value_type: None,
            attrs,
            nullable: false,
        })
    }

    fn numeric(&self, at: &str, kind: &str, object: &Map<String, Value>) -> Result<FieldType> {
        check_keys(
            at,
            object,
            &[
                "type",
                "nullable",
                "default",
                "format",
                "minimum",
                "maximum",
                "exclusiveMinimum",
                "exclusiveMaximum",
                "multipleOf",
            ],
        )?;
        let format = object.get("format").map(|f| f.as_str().unwrap_or(""));
        // utoipa states the format of a Rust number type: the one whose
        // format is the spec's (`isize` has none).
        let ty = match (kind, format) {
            ("integer", Some("int32")) => quote!(i32),
            ("integer", Some("int64")) => quote!(i64),
            ("integer", None) => quote!(isize),
            ("number", Some("float")) => quote!(f32),
            ("number", Some("double")) => quote!(f64),
            ("number", None) => bail!(unsupported(
                at,
                "a `number` without `format` (utoipa states `float` or `double`; give one)"
            )),
            (_, Some(format)) => bail!(unsupported(at, format!("`format: {format}` on an {kind}"))),
            (_, None) => unreachable!("kind is integer or number"),
        };
        let mut attrs = Vec::new();
        for (bound, exclusive, attr, exclusive_attr) in [
            (
                "minimum",
                "exclusiveMinimum",
                "minimum",
                "exclusive_minimum",
            ),
            (
                "maximum",
                "exclusiveMaximum",
                "maximum",
                "exclusive_maximum",
            ),
        ] {
            // OpenAPI 3.0: `exclusiveMinimum: true` makes `minimum` exclusive.
            let is_exclusive = match object.get(exclusive) {
                None | Some(Value::Bool(false)) => false,
                Some(Value::Bool(true)) => true,
                Some(other) => bail!(unsupported(
                    at,
                    format!("`{exclusive}: {other}` (OpenAPI 3.0 takes a boolean)")
                )),
            };
            match object.get(bound) {
                Some(v) => {
                    let v = number(at, bound, v)?;
                    let attr =
                        format_ident!("{}", if is_exclusive { exclusive_attr } else { attr });
                    attrs.push(quote!(#attr = #v));
                }
                None if is_exclusive => bail!(unsupported(
                    at,
                    format!("`{exclusive}: true` without `{bound}`")
                )),
                None => {}
            }
        }
        if let Some(v) = object.get("multipleOf") {
            let v = number(at, "multipleOf", v)?;
            attrs.push(quote!(multiple_of = #v));
        }
        Ok(FieldType {
            ty,
            value_type: None,
            attrs,
            nullable: false,
        })
    }

    fn array(&self, at: &str, object: &Map<String, Value>) -> Result<FieldType> {
        check_keys(
            at,
            object,
            &["type", "nullable", "items", "minItems", "maxItems"],
        )?;
        let items_at = format!("{at}/items");
        let items = object
            .get("items")
            .ok_or_else(|| unsupported(at, "an array without `items`"))?;
        let item = self.field_type(&items_at, items)?;
        // A field's attributes state the array's constraints, not its
        // items': an item with its own must be a named schema.
        if !item.attrs.is_empty() || item.nullable || item.value_type.is_some() {
            bail!(unsupported(
                &items_at,
                "items with constraints, `nullable` or a free form (name them under \
                 components/schemas and `$ref` them)"
            ));
        }
        let inner = item.ty;
        let mut attrs = Vec::new();
        for (keyword, attr) in [("minItems", "min_items"), ("maxItems", "max_items")] {
            if let Some(v) = object.get(keyword) {
                let v = number(at, keyword, v)?;
                let attr = format_ident!("{attr}");
                attrs.push(quote!(#attr = #v));
            }
        }
        Ok(FieldType {
            ty: quote!(Vec<#inner>),
            value_type: None,
            attrs,
            nullable: false,
        })
    }

    /// One operation's parameters: a derived struct per location (utoipa
    /// takes `parameter_in` per struct), joined in `<Operation>Params`.
    fn params(&self, op: &SpecOperation, taken: &mut BTreeSet<String>) -> Result<TokenStream> {
        let base = heck::ToUpperCamelCase::to_upper_camel_case(op.operation_id.as_str());
        let joined = format_ident!("{base}Params");
        let mut items = Vec::new();
        let mut parts = Vec::new();
        for (location, variant) in [
            ("path", "Path"),
            ("header", "Header"),
            ("query", "Query"),
            ("cookie", "Cookie"),
        ] {
            let params: Vec<&(String, Value)> = op
                .params
                .iter()
                .filter(|(_, p)| p["in"] == location)
                .collect();
            if params.is_empty() {
                continue;
            }
            let ident = format_ident!("{base}{variant}");
            let variant = format_ident!("{variant}");
            let mut fields = Vec::new();
            let mut seen = BTreeSet::new();
            for (at, param) in params {
                fields.push(self.param(at, param, &mut seen)?);
            }
            let doc = format!(" The {location} parameters of `{}`.", op.operation_id);
            items.push(quote! {
                #[doc = #doc]
                #[derive(IntoParams)]
                #[into_params(parameter_in = #variant)]
                pub struct #ident {
                    #(#fields,)*
                }
            });
            parts.push(ident);
        }
        for ident in parts.iter().chain(std::iter::once(&joined)) {
            if !taken.insert(ident.to_string()) || RESERVED.contains(&ident.to_string().as_str()) {
                bail!(unsupported(
                    &op.at,
                    format!("the generated parameter type `{ident}` has the name of another type")
                ));
            }
        }
        let doc = format!(
            " Every parameter of `{}` (`{} {}`), for its `#[utoipa::path]`'s `params`.",
            op.operation_id,
            op.method.to_uppercase(),
            op.path
        );
        Ok(quote! {
            #(#items)*

            #[doc = #doc]
            pub struct #joined;

            impl IntoParams for #joined {
                fn into_params(
                    parameter_in_provider: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
                ) -> Vec<utoipa::openapi::path::Parameter> {
                    let mut all = Vec::new();
                    #( all.extend(<#parts as IntoParams>::into_params(&parameter_in_provider)); )*
                    all
                }
            }
        })
    }

    /// One parameter as a field of its location's struct.
    fn param(&self, at: &str, param: &Value, seen: &mut BTreeSet<String>) -> Result<TokenStream> {
        let object = param
            .as_object()
            .ok_or_else(|| unsupported(at, "not a Parameter Object"))?;
        check_keys(
            at,
            object,
            &["name", "in", "required", "schema", "examples"],
        )?;
        let name = object
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| unsupported(at, "a parameter without a `name` string"))?;
        let field = field_ident(name)
            .ok_or_else(|| unsupported(at, "the name gives no Rust field name"))?;
        if !seen.insert(field.to_string()) {
            bail!(unsupported(
                at,
                format!("a second parameter named `{field}` in Rust")
            ));
        }
        let is_required = match object.get("required") {
            None | Some(Value::Bool(false)) => false,
            Some(Value::Bool(true)) => true,
            Some(other) => bail!(unsupported(at, format!("`required: {other}`"))),
        };
        let schema = object.get("schema").ok_or_else(|| {
            unsupported(
                at,
                "a parameter without `schema` (`content` is not supported)",
            )
        })?;
        let rename = (ident_text(&field) != name).then_some(name);
        let (ty, attrs) = self.field(&format!("{at}/schema"), schema, is_required, rename)?;
        let doc = docs(object.get("description").and_then(Value::as_str));
        let attr = (!attrs.is_empty()).then(|| quote!(#[param(#(#attrs),*)]));
        Ok(quote! {
            #(#doc)*
            #attr
            #field: #ty
        })
    }
}

impl FieldType {
    fn plain(ty: TokenStream) -> Self {
        FieldType {
            ty,
            value_type: None,
            attrs: Vec::new(),
            nullable: false,
        }
    }
}

/// Fails on a keyword outside `allowed` (and the words every schema may
/// carry, and `x-` extensions, which state nothing utoipa could).
fn check_keys(at: &str, object: &Map<String, Value>, allowed: &[&str]) -> Result<()> {
    for key in object.keys() {
        if allowed.contains(&key.as_str()) || WORDS.contains(&key.as_str()) || key.starts_with("x-")
        {
            continue;
        }
        bail!(unsupported(at, format!("the keyword `{key}`")));
    }
    Ok(())
}

/// `additionalProperties` is allowed only where it constrains nothing
/// (`true`, the default).
fn free_form_only(at: &str, object: &Map<String, Value>) -> Result<()> {
    match object.get("additionalProperties") {
        None | Some(Value::Bool(true)) => Ok(()),
        Some(other) => Err(unsupported(at, format!("`additionalProperties: {other}`"))),
    }
}

/// The object's `required` names, each a property.
fn required<'a>(
    at: &str,
    object: &'a Map<String, Value>,
    properties: &Map<String, Value>,
) -> Result<BTreeSet<&'a str>> {
    let mut out = BTreeSet::new();
    for name in object
        .get("required")
        .map(|r| {
            r.as_array()
                .ok_or_else(|| unsupported(at, "`required` is not a list"))
        })
        .transpose()?
        .into_iter()
        .flatten()
    {
        let name = name
            .as_str()
            .ok_or_else(|| unsupported(at, format!("`required` names {name}, not a string")))?;
        if !properties.contains_key(name) {
            bail!(unsupported(
                at,
                format!("`required` names `{name}`, which is not a property")
            ));
        }
        out.insert(name);
    }
    Ok(out)
}

/// One operation and its parameters (`$ref`s followed), each with its
/// place in the spec.
struct SpecOperation {
    operation_id: String,
    method: String,
    path: String,
    /// `#/paths/…/<method>`.
    at: String,
    /// (JSON pointer, Parameter Object): the path item's, then the
    /// operation's, an operation's one replacing the path item's of the
    /// same name and location.
    params: Vec<(String, Value)>,
}

fn operations(doc: &Value) -> Result<Vec<SpecOperation>> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let item_at = format!("#/paths/{}", openapi_check::pointer::escape(path));
        if item.get("$ref").is_some() {
            bail!(unsupported(&item_at, "a path item that is a `$ref`"));
        }
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("{item_at}/{method}");
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| unsupported(&at, "an operation without `operationId`"))?;
            let mut params: Vec<(String, Value)> = Vec::new();
            for (owner_at, owner) in [(&item_at, item), (&at, op)] {
                for (i, param) in owner
                    .get("parameters")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let param_at = match param.get("$ref").and_then(Value::as_str) {
                        Some(target) => target.to_owned(),
                        None => format!("{owner_at}/parameters/{i}"),
                    };
                    let param = openapi_check::pointer::deref(doc, param)
                        .ok_or_else(|| unsupported(&param_at, "a `$ref` that names nothing"))?
                        .clone();
                    params.retain(|(_, p)| !(p["name"] == param["name"] && p["in"] == param["in"]));
                    params.push((param_at, param));
                }
            }
            all.push(SpecOperation {
                operation_id: operation_id.to_owned(),
                method: method.to_owned(),
                path: path.clone(),
                at,
                params,
            });
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A spec using every supported keyword, in a few schemas.
    fn small_spec() -> Value {
        json!({
            "openapi": "3.0.3",
            "paths": {
                "/v1/{project_id}/things": {
                    "get": {
                        "operationId": "ListThings",
                        "parameters": [
                            {"$ref": "#/components/parameters/ProjectId"},
                            {"name": "X-Language", "in": "header", "required": false,
                             "schema": {"type": "string"}},
                            {"name": "limit", "in": "query", "required": false,
                             "description": "Per page.",
                             "schema": {"type": "integer", "format": "int32",
                                        "minimum": 1, "maximum": 100, "default": 100}}
                        ],
                        "responses": {}
                    }
                }
            },
            "components": {
                "parameters": {
                    "ProjectId": {"name": "project_id", "in": "path", "required": true,
                                  "schema": {"$ref": "#/components/schemas/ProjectId"}}
                },
                "schemas": {
                    "ProjectId": {"type": "string", "description": "A project.",
                                  "pattern": "^[0-9a-z]{32}$", "minLength": 32, "maxLength": 32},
                    "Kind": {"type": "string", "enum": ["manual", "AUTO", "8.0"]},
                    "Thing": {
                        "type": "object",
                        "description": "A thing.\n\nTwo paragraphs.",
                        "required": ["id", "kinds"],
                        "properties": {
                            "id": {"type": "string", "description": "Its ID."},
                            "type": {"$ref": "#/components/schemas/Kind"},
                            "kinds": {"type": "array", "nullable": true, "maxItems": 3,
                                      "items": {"$ref": "#/components/schemas/Kind"}},
                            "size": {"type": "number", "format": "double",
                                     "minimum": 0, "exclusiveMinimum": true},
                            "count": {"type": "integer"},
                            "extra": {"type": "object", "nullable": true,
                                      "additionalProperties": true}
                        }
                    }
                }
            }
        })
    }

    fn printed(doc: &Value) -> Result<String> {
        let file = syn::parse2(tokens(doc)?)?;
        Ok(prettyplease::unparse(&file))
    }

    #[test]
    fn each_keyword_becomes_its_utoipa_attribute() {
        let out = printed(&small_spec()).unwrap();
        for expected in [
            // A constrained string: a newtype with the constraints.
            "/// A project.\n#[derive(ToSchema)]\n#[schema(pattern = \"^[0-9a-z]{32}$\", min_length = 32, max_length = 32)]\npub struct ProjectId(String);",
            // A string enum: variants renamed to the values.
            "#[schema(rename = \"manual\")]\n    Manual,",
            "#[schema(rename = \"AUTO\")]\n    Auto,",
            "#[schema(rename = \"8.0\")]\n    V80,",
            // An object: required plain, optional `Option` and not nullable.
            "/// A thing.\n///\n/// Two paragraphs.\n#[derive(ToSchema)]\npub struct Thing {",
            "/// Its ID.\n    id: String,",
            // A keyword as a raw identifier (utoipa drops the `r#`).
            "#[schema(nullable = false)]\n    r#type: Option<Kind>,",
            // Required and nullable: both stated.
            "#[schema(max_items = 3, nullable = true, required = true)]\n    kinds: Option<Vec<Kind>>,",
            // OpenAPI 3.0's boolean exclusive bound.
            "#[schema(exclusive_minimum = 0, nullable = false)]\n    size: Option<f64>,",
            // An integer without a format: a Rust integer utoipa gives none.
            "#[schema(nullable = false)]\n    count: Option<isize>,",
            "#[schema(value_type = Option<Object>, nullable = true)]\n    extra: Option<serde_json::Value>,",
            // Parameters, per location, joined per operation.
            "#[into_params(parameter_in = Path)]\npub struct ListThingsPath {\n    project_id: ProjectId,\n}",
            "#[param(rename = \"X-Language\", nullable = false)]\n    x_language: Option<String>,",
            "/// Per page.\n    #[param(minimum = 1, maximum = 100, default = 100, nullable = false)]\n    limit: Option<i32>,",
            "pub struct ListThingsParams;",
            "all.extend(<ListThingsQuery as IntoParams>::into_params(&parameter_in_provider));",
            // Every schema registered.
            "(<Thing as ToSchema>::name(), <Thing as utoipa::PartialSchema>::schema()),",
        ] {
            assert!(out.contains(expected), "missing:\n{expected}\nin:\n{out}");
        }
    }

    #[test]
    fn an_unsupported_keyword_fails_naming_the_schema_and_the_keyword() {
        let cases: [(&str, Value, &str); 8] = [
            (
                "/components/schemas/Thing/properties/id/readOnly",
                json!(true),
                "#/components/schemas/Thing/properties/id: the keyword `readOnly`",
            ),
            (
                "/components/schemas/Thing/properties/id/format",
                json!("uri"),
                "#/components/schemas/Thing/properties/id: `format: \"uri\"` on a string",
            ),
            (
                "/components/schemas/Thing/additionalProperties",
                json!(false),
                "#/components/schemas/Thing: `additionalProperties: false`",
            ),
            (
                "/components/schemas/Thing/properties/size/format",
                json!(null),
                "#/components/schemas/Thing/properties/size: a `number` without `format`",
            ),
            (
                "/components/schemas/Thing/properties/id/enum",
                json!(["a"]),
                "#/components/schemas/Thing/properties/id: an inline `enum`",
            ),
            (
                "/components/schemas/Thing/properties/type/description",
                json!("words"),
                "#/components/schemas/Thing/properties/type: `description` beside `$ref`",
            ),
            (
                "/components/schemas/Kind/allOf",
                json!([]),
                "#/components/schemas/Kind: the keyword `allOf`",
            ),
            (
                "/paths/~1v1~1{project_id}~1things/get/parameters/2/style",
                json!("form"),
                "#/paths/~1v1~1{project_id}~1things/get/parameters/2: the keyword `style`",
            ),
        ];
        for (pointer, value, message) in cases {
            let mut doc = small_spec();
            let (parent, key) = pointer.rsplit_once('/').unwrap();
            let parent = doc.pointer_mut(parent).unwrap().as_object_mut().unwrap();
            if value.is_null() {
                parent.remove(key);
            } else {
                parent.insert(key.to_owned(), value);
            }
            let err = printed(&doc).unwrap_err().to_string();
            assert!(err.contains(message), "{pointer}: {err}");
            assert!(err.contains(THIS_FILE), "{err}");
        }
    }

    #[test]
    fn a_component_name_that_is_no_rust_type_name_fails() {
        let mut doc = small_spec();
        let schemas = doc["components"]["schemas"].as_object_mut().unwrap();
        schemas.insert("Not-An-Ident".into(), json!({"type": "string"}));
        let err = printed(&doc).unwrap_err().to_string();
        assert!(
            err.contains("#/components/schemas/Not-An-Ident: the name is not a Rust identifier"),
            "{err}"
        );
    }
}
