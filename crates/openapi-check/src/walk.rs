//! Finds the parts of an OpenAPI 3.0 document the rules look at: operations,
//! parameters, media types, headers, and every Schema Object, each with its
//! JSON pointer. `$ref`s are not followed here: a referenced object is visited
//! once, where it is defined.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::field::field;
use crate::pointer::push;
use crate::validate::Direction;

/// HTTP methods of a Path Item Object.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Schema nesting below this is not walked (the parser refuses deeper input).
const MAX_SCHEMA_DEPTH: usize = 100;

/// An operation of a path item.
pub struct Operation<'a> {
    pub pointer: String,
    pub path: &'a str,
    pub method: &'static str,
    pub op: &'a Map<String, Value>,
    pub path_item: &'a Map<String, Value>,
    pub path_item_pointer: String,
    /// The operation is a callback's: its "path" is a runtime expression
    /// (`{$request.body#/url}`), not a path template.
    pub in_callback: bool,
}

/// A value that carries examples against a schema: a Media Type, Parameter or
/// Header Object.
pub struct Carrier<'a> {
    pub pointer: String,
    pub value: &'a Map<String, Value>,
    pub direction: Direction,
}

/// Everything the rules iterate over.
#[derive(Default)]
pub struct Model<'a> {
    pub operations: Vec<Operation<'a>>,
    /// Parameter Objects as written (not `$ref`s), with the direction.
    pub parameters: Vec<Carrier<'a>>,
    pub headers: Vec<Carrier<'a>>,
    pub media: Vec<Carrier<'a>>,
    /// Every Schema Object (not `$ref`s), depth-first.
    pub schemas: Vec<(String, &'a Map<String, Value>)>,
    /// Every reference: (pointer of the object holding it, the `$ref` value,
    /// the holding object).
    pub references: Vec<(String, &'a Value, &'a Map<String, Value>)>,
}

impl<'a> Model<'a> {
    pub fn build(doc: &'a Value) -> Model<'a> {
        let mut model = Model {
            references: references(doc),
            ..Model::default()
        };
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                if let Some(item) = item.as_object() {
                    model.path_item(push("/paths", path), path, item, 0);
                }
            }
        }
        if let Some(components) = doc.get("components").and_then(Value::as_object) {
            let each = |key: &'static str| {
                components
                    .get(key)
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .filter_map(move |(name, v)| {
                        v.as_object()
                            .map(|o| (push(&format!("/components/{key}"), name), o))
                    })
            };
            for (p, schema) in each("schemas") {
                model.schema(p, schema, 0);
            }
            for (p, param) in each("parameters") {
                model.parameter(p, param);
            }
            for (p, header) in each("headers") {
                model.header(p, header);
            }
            for (p, body) in each("requestBodies") {
                model.content(&p, body, Direction::Request);
            }
            for (p, response) in each("responses") {
                model.response(&p, response);
            }
            for (p, callback) in each("callbacks") {
                model.callback(&p, callback, 0);
            }
        }
        model
    }

    fn path_item(
        &mut self,
        pointer: String,
        path: &'a str,
        item: &'a Map<String, Value>,
        depth: usize,
    ) {
        if item.contains_key("$ref") {
            return;
        }
        self.parameter_list(&pointer, item);
        for method in METHODS {
            let Some(op) = field(item, method).and_then(Value::as_object) else {
                continue;
            };
            let op_pointer = push(&pointer, method);
            self.parameter_list(&op_pointer, op);
            if let Some(body) = field(op, "requestBody").and_then(Value::as_object)
                && !body.contains_key("$ref")
            {
                self.content(&push(&op_pointer, "requestBody"), body, Direction::Request);
            }
            if let Some(responses) = field(op, "responses").and_then(Value::as_object) {
                for (status, response) in responses {
                    if let Some(response) = response.as_object()
                        && !response.contains_key("$ref")
                    {
                        self.response(&push(&push(&op_pointer, "responses"), status), response);
                    }
                }
            }
            if let Some(callbacks) = field(op, "callbacks").and_then(Value::as_object) {
                for (name, callback) in callbacks {
                    if let Some(callback) = callback.as_object()
                        && depth < 4
                        && !callback.contains_key("$ref")
                    {
                        self.callback(
                            &push(&push(&op_pointer, "callbacks"), name),
                            callback,
                            depth + 1,
                        );
                    }
                }
            }
            self.operations.push(Operation {
                pointer: op_pointer,
                path,
                method,
                op,
                path_item: item,
                path_item_pointer: pointer.clone(),
                in_callback: depth > 0 || !pointer.starts_with("/paths/"),
            });
        }
    }

    fn callback(&mut self, pointer: &str, callback: &'a Map<String, Value>, depth: usize) {
        for (expression, item) in callback {
            if let Some(item) = item.as_object() {
                self.path_item(push(pointer, expression), expression, item, depth);
            }
        }
    }

    fn parameter_list(&mut self, pointer: &str, owner: &'a Map<String, Value>) {
        if let Some(list) = field(owner, "parameters").and_then(Value::as_array) {
            for (i, param) in list.iter().enumerate() {
                if let Some(param) = param.as_object()
                    && !param.contains_key("$ref")
                {
                    self.parameter(format!("{pointer}/parameters/{i}"), param);
                }
            }
        }
    }

    fn parameter(&mut self, pointer: String, param: &'a Map<String, Value>) {
        if param.contains_key("$ref") {
            return;
        }
        if let Some(schema) = field(param, "schema").and_then(Value::as_object) {
            self.schema(push(&pointer, "schema"), schema, 0);
        }
        self.content(&pointer, param, Direction::Request);
        self.parameters.push(Carrier {
            pointer,
            value: param,
            direction: Direction::Request,
        });
    }

    fn header(&mut self, pointer: String, header: &'a Map<String, Value>) {
        if header.contains_key("$ref") {
            return;
        }
        if let Some(schema) = field(header, "schema").and_then(Value::as_object) {
            self.schema(push(&pointer, "schema"), schema, 0);
        }
        self.content(&pointer, header, Direction::Response);
        self.headers.push(Carrier {
            pointer,
            value: header,
            direction: Direction::Response,
        });
    }

    fn response(&mut self, pointer: &str, response: &'a Map<String, Value>) {
        if response.contains_key("$ref") {
            return;
        }
        self.content(pointer, response, Direction::Response);
        if let Some(headers) = field(response, "headers").and_then(Value::as_object) {
            for (name, header) in headers {
                if let Some(header) = header.as_object() {
                    self.header(push(&push(pointer, "headers"), name), header);
                }
            }
        }
    }

    /// The `content` map of a request body, response, parameter or header.
    fn content(
        &mut self,
        owner_pointer: &str,
        owner: &'a Map<String, Value>,
        direction: Direction,
    ) {
        let Some(content) = field(owner, "content").and_then(Value::as_object) else {
            return;
        };
        for (media_type, media) in content {
            let Some(media) = media.as_object() else {
                continue;
            };
            let pointer = push(&push(owner_pointer, "content"), media_type);
            if let Some(schema) = field(media, "schema").and_then(Value::as_object) {
                self.schema(push(&pointer, "schema"), schema, 0);
            }
            self.media.push(Carrier {
                pointer,
                value: media,
                direction,
            });
        }
    }

    fn schema(&mut self, pointer: String, schema: &'a Map<String, Value>, depth: usize) {
        if schema.contains_key("$ref") || depth > MAX_SCHEMA_DEPTH {
            return;
        }
        if let Some(properties) = field(schema, "properties").and_then(Value::as_object) {
            for (name, sub) in properties {
                if let Some(sub) = sub.as_object() {
                    self.schema(push(&push(&pointer, "properties"), name), sub, depth + 1);
                }
            }
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(sub) = field(schema, key).and_then(Value::as_object) {
                self.schema(push(&pointer, key), sub, depth + 1);
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(list) = field(schema, key).and_then(Value::as_array) {
                for (i, sub) in list.iter().enumerate() {
                    if let Some(sub) = sub.as_object() {
                        self.schema(format!("{pointer}/{key}/{i}"), sub, depth + 1);
                    }
                }
            }
        }
        self.schemas.push((pointer, schema));
    }
}

/// Every `$ref` in the document that is a reference (not data inside an
/// example, a default, an enum or an extension), with the pointer of the
/// object holding it.
pub fn references(doc: &Value) -> Vec<(String, &Value, &Map<String, Value>)> {
    let mut out = Vec::new();
    let mut path = String::new();
    refs_in(doc, Context::Normal, &mut path, &mut out, 0);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    /// An object whose keys are OpenAPI fields.
    Normal,
    /// A map whose keys are names (`properties`, `paths`, `responses`, ...).
    Names,
    /// A map of Example Objects by name.
    ExampleNames,
    /// An Example Object: its `value` is data.
    Example,
}

/// Fields whose value is a map of names to objects.
const NAME_MAPS: &[&str] = &[
    "properties",
    "paths",
    "responses",
    "headers",
    "schemas",
    "parameters",
    "requestBodies",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "variables",
    "encoding",
    "mapping",
];

/// Fields whose value is data, never OpenAPI.
const DATA_FIELDS: &[&str] = &["example", "default", "enum"];

fn refs_in<'a>(
    value: &'a Value,
    context: Context,
    path: &mut String,
    out: &mut Vec<(String, &'a Value, &'a Map<String, Value>)>,
    depth: usize,
) {
    if depth > 256 {
        return;
    }
    match value {
        Value::Object(map) => {
            if matches!(context, Context::Normal | Context::Example)
                && let Some(reference) = field(map, "$ref")
            {
                out.push((path.clone(), reference, map));
            }
            for (key, child) in map {
                let child_context = match context {
                    Context::Names => Context::Normal,
                    Context::ExampleNames => Context::Example,
                    Context::Example if key == "value" => continue,
                    Context::Normal | Context::Example => {
                        if key.starts_with("x-") || DATA_FIELDS.contains(&key.as_str()) {
                            continue;
                        }
                        if key == "examples" && child.is_object() {
                            Context::ExampleNames
                        } else if NAME_MAPS.contains(&key.as_str()) && child.is_object() {
                            Context::Names
                        } else {
                            Context::Normal
                        }
                    }
                };
                if !child.is_object() && !child.is_array() {
                    continue;
                }
                let len = path.len();
                path.push('/');
                path.push_str(&crate::pointer::escape(key));
                refs_in(child, child_context, path, out, depth + 1);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                if !child.is_object() && !child.is_array() {
                    continue;
                }
                let len = path.len();
                path.push('/');
                // Written in place, without a String per index.
                let _ = write!(path, "{i}");
                refs_in(child, Context::Normal, path, out, depth + 1);
                path.truncate(len);
            }
        }
        _ => {}
    }
}
