//! Values against schemas: every `example`, `examples` entry, `default` and
//! `enum` value, with OpenAPI 3.0 semantics (see `validate`).

use serde_json::Value;

use super::{Ctx, RuleId};
use crate::field::field;
use crate::pointer::push;
use crate::validate::{Direction, Outcome};
use crate::walk::Carrier;

pub fn check(ctx: &mut Ctx<'_>) {
    let model = ctx.model;
    for carrier in model
        .media
        .iter()
        .chain(&model.parameters)
        .chain(&model.headers)
    {
        carrier_examples(ctx, carrier);
    }
    for (pointer, schema) in &model.schemas {
        for key in ["example", "default"] {
            if let Some(value) = field(schema, key) {
                // `example: null` is how YAML writes "no example" often enough.
                if key == "example" && value.is_null() {
                    continue;
                }
                let at = push(pointer, key);
                let outcome =
                    ctx.validator
                        .check_object_value(schema, value, Direction::Neither, false);
                emit(ctx, RuleId::Oas3ValidSchemaExample, &at, key, outcome);
            }
        }
        if let Some(options) = field(schema, "enum").and_then(Value::as_array) {
            for (i, option) in options.iter().enumerate() {
                let at = format!("{pointer}/enum/{i}");
                let outcome =
                    ctx.validator
                        .check_object_value(schema, option, Direction::Neither, true);
                emit(ctx, RuleId::TypedEnum, &at, "enum value", outcome);
            }
        }
    }
}

fn carrier_examples(ctx: &mut Ctx<'_>, carrier: &Carrier<'_>) {
    let Some(schema) = field(carrier.value, "schema") else {
        return;
    };
    if let Some(example) = field(carrier.value, "example") {
        let at = push(&carrier.pointer, "example");
        report(
            ctx,
            RuleId::Oas3ValidMediaExample,
            &at,
            schema,
            example,
            carrier.direction,
            "example",
        );
    }
    let Some(examples) = field(carrier.value, "examples").and_then(Value::as_object) else {
        return;
    };
    for (name, example) in examples {
        let at = push(&push(&carrier.pointer, "examples"), name);
        // Follow a reference to components/examples; the value is validated
        // against this carrier's schema, where the example is used.
        let Some(resolved) = ctx.deref(example) else {
            continue;
        };
        let Some(object) = resolved.as_object() else {
            continue;
        };
        let Some(value) = field(object, "value") else {
            continue;
        };
        // A referenced example is reported where it is written (once, however
        // many media types use it); an inline one at its `value`.
        let value_pointer = match example.get("$ref").and_then(Value::as_str) {
            Some(reference) if reference.starts_with("#/") && field(object, "$ref").is_none() => {
                format!("{}/value", &reference[1..])
            }
            _ => push(&at, "value"),
        };
        report_named(
            ctx,
            &value_pointer,
            schema,
            value,
            carrier.direction,
            name,
            example.get("$ref"),
        );
    }
}

fn report_named(
    ctx: &mut Ctx<'_>,
    at: &str,
    schema: &Value,
    value: &Value,
    direction: Direction,
    name: &str,
    via: Option<&Value>,
) {
    let label = match via.and_then(Value::as_str) {
        Some(r) => format!("example {}", r.trim_start_matches('#')),
        None => format!("example {name:?}"),
    };
    report(
        ctx,
        RuleId::Oas3ValidMediaExample,
        at,
        schema,
        value,
        direction,
        &label,
    );
}

fn report(
    ctx: &mut Ctx<'_>,
    rule: RuleId,
    at: &str,
    schema: &Value,
    value: &Value,
    direction: Direction,
    what: &str,
) {
    let outcome = ctx.validator.check_value(schema, value, direction);
    emit(ctx, rule, at, what, outcome);
}

fn emit(ctx: &mut Ctx<'_>, rule: RuleId, at: &str, what: &str, outcome: Outcome) {
    if let Some(because) = &outcome.incomplete_because {
        ctx.report(
            RuleId::ExampleNotFullyChecked,
            at,
            format!(
                "{what} not fully checked: {because}; violations beyond those reported may exist"
            ),
        );
    }
    for violation in outcome.violations {
        let where_ = if violation.instance_path.is_empty() {
            String::new()
        } else {
            format!(" at {}", violation.instance_path)
        };
        let pointer = format!("{at}{}", violation.instance_path);
        ctx.report(
            rule,
            pointer,
            format!("{what}{where_}: {}", violation.message),
        );
    }
}
