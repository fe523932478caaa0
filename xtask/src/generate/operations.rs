//! What the spec says about each operation's inputs, read from the spec's
//! JSON: the words and examples progenitor's CLI generator leaves out (it
//! drops the description of a property whose schema is a `$ref`, and has no
//! notion of examples).

use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the spec.
pub struct Operation {
    /// As in the spec: `CreateGaussMySqlBackup`.
    pub operation_id: String,
    /// Lower case, as a key of the path item: `post`.
    pub method: String,
    /// The path template: `/v3/{project_id}/backups/create`.
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Parameters, then body properties, in the spec's order.
    pub inputs: Vec<Input>,
}

/// A parameter or a property of the JSON request body.
pub struct Input {
    /// The name in the spec: `project_id`, `X-Language`, `instance_id`.
    pub name: String,
    pub in_body: bool,
    /// A header parameter.
    pub in_header: bool,
    pub required: bool,
    /// Its own description, else its schema's.
    pub description: Option<String>,
    /// An example value: the parameter's or the body example's, else the
    /// schema's.
    pub example: Option<Value>,
    /// Its schema, `$ref`s followed (`Null` when it has none).
    pub schema: Value,
}

impl Operation {
    /// The input whose flag progenitor names `flag`.
    pub fn input_for_flag(&self, flag: &str) -> Option<&Input> {
        self.inputs.iter().find(|input| input.flag() == flag)
    }
}

impl Input {
    /// The flag progenitor's CLI generator gives this input (kebab case of
    /// the name).
    pub fn flag(&self) -> String {
        heck::ToKebabCase::to_kebab_case(self.name.as_str())
    }
}

/// Follows `$ref`s to the item they name (openapi-check's one resolution);
/// a dangling one stays as is (openapi-check has refused it already).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    openapi_check::pointer::deref(doc, value).unwrap_or(value)
}

fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Every operation, in the spec's order of paths and methods.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let item = resolve(doc, item);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(operation_id) = op["operationId"].as_str() else {
                continue;
            };
            let mut inputs = parameter_inputs(doc, item, op);
            inputs.extend(body_inputs(doc, op));
            all.push(Operation {
                operation_id: operation_id.to_owned(),
                method: method.to_owned(),
                path: path.clone(),
                summary: text(op.get("summary")),
                description: text(op.get("description")),
                inputs,
            });
        }
    }
    all
}

/// The path item's parameters, then the operation's.
fn parameter_inputs(doc: &Value, item: &Value, op: &Value) -> Vec<Input> {
    let list = |v: &Value| v.get("parameters").and_then(Value::as_array).cloned();
    let params = list(item)
        .into_iter()
        .flatten()
        .chain(list(op).into_iter().flatten());
    params
        .filter_map(|param| {
            let param = resolve(doc, &param).clone();
            let schema = resolve(doc, param.get("schema").unwrap_or(&Value::Null));
            let name = param["name"].as_str()?;
            Some(Input {
                name: name.to_owned(),
                in_body: false,
                in_header: param["in"] == "header",
                required: param["required"] == Value::Bool(true) || param["in"] == "path",
                description: text(param.get("description"))
                    .or_else(|| text(schema.get("description"))),
                example: param
                    .get("example")
                    .or_else(|| schema.get("example"))
                    .cloned(),
                schema: schema.clone(),
            })
        })
        .collect()
}

/// The properties of the JSON request body, each with the body example's
/// value for it when there is one.
fn body_inputs(doc: &Value, op: &Value) -> Vec<Input> {
    let Some(media) = op
        .get("requestBody")
        .map(|b| resolve(doc, b))
        .and_then(|b| b.pointer("/content/application~1json"))
    else {
        return Vec::new();
    };
    let body_example = body_example(doc, media);
    let schema = resolve(doc, media.get("schema").unwrap_or(&Value::Null));
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let properties = schema["properties"].as_object().into_iter().flatten();
    properties
        .map(|(name, prop)| {
            let target = resolve(doc, prop);
            Input {
                name: name.clone(),
                in_body: true,
                in_header: false,
                required: required.contains(&name.as_str()),
                description: text(prop.get("description"))
                    .or_else(|| text(target.get("description"))),
                example: body_example
                    .as_ref()
                    .and_then(|e| e.get(name))
                    .or_else(|| prop.get("example"))
                    .or_else(|| target.get("example"))
                    .cloned(),
                schema: target.clone(),
            }
        })
        .collect()
}

/// The media type's `example`, else its first named example's value.
fn body_example(doc: &Value, media: &Value) -> Option<Value> {
    media.get("example").cloned().or_else(|| {
        media
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|e| e.values().next())
            .map(|e| resolve(doc, e))
            .and_then(|e| e.get("value").cloned())
    })
}
