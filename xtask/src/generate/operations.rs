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

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..16 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(r) => match doc.pointer(r.trim_start_matches('#')) {
                Some(target) => current = target,
                None => break,
            },
            None => break,
        }
    }
    current
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
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        let item = resolve(doc, item);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let Some(operation_id) = op["operationId"].as_str() else {
                continue;
            };
            let mut inputs = Vec::new();
            let params = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                );
            for param in params {
                let param = resolve(doc, param);
                let schema = resolve(doc, param.get("schema").unwrap_or(&Value::Null));
                let Some(name) = param["name"].as_str() else {
                    continue;
                };
                inputs.push(Input {
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
                });
            }
            if let Some(media) = op
                .get("requestBody")
                .map(|b| resolve(doc, b))
                .and_then(|b| b.pointer("/content/application~1json"))
            {
                let body_example = media.get("example").cloned().or_else(|| {
                    media
                        .get("examples")
                        .and_then(Value::as_object)
                        .and_then(|e| e.values().next())
                        .map(|e| resolve(doc, e))
                        .and_then(|e| e.get("value").cloned())
                });
                let schema = resolve(doc, media.get("schema").unwrap_or(&Value::Null));
                let required: Vec<&str> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                    let target = resolve(doc, prop);
                    inputs.push(Input {
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
                    });
                }
            }
            all.push(Operation {
                operation_id: operation_id.to_owned(),
                summary: text(op.get("summary")),
                description: text(op.get("description")),
                inputs,
            });
        }
    }
    all
}
