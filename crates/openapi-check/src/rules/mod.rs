//! The rules: each has a stable id, a default severity and a one-line doc,
//! listed in [`RULES`]. The checks live in one module per area.

mod examples;
mod generation;
mod hygiene;
pub(crate) mod operations;
pub(crate) mod refs;
mod schemas;
mod structure;

use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

use crate::finding::Severity;
use crate::validate::Validator;
use crate::walk::Model;

/// A rule's identity and default.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Stable id, used in configs, outputs and suppressions.
    pub id: &'static str,
    /// Severity unless a config says otherwise.
    pub severity: Severity,
    /// What the rule checks, in one line.
    pub doc: &'static str,
}

macro_rules! rules {
    ($($variant:ident $id:literal $sev:ident $doc:literal,)+) => {
        /// Every rule, in documentation order.
        pub const RULES: &[Rule] = &[$(Rule { id: $id, severity: Severity::$sev, doc: $doc },)+];

        /// A rule's identity in the code: a check can only report a rule that
        /// exists, and the compiler says so when one does not.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId {
            $(#[doc = $doc] $variant,)+
        }

        /// Every typed id, in the order of [`RULES`].
        #[cfg(test)]
        pub const ALL_IDS: &[RuleId] = &[$(RuleId::$variant,)+];

        impl RuleId {
            /// The stable id used in configs and outputs.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)+
                }
            }
        }
    };
}

rules! {
    SyntaxError "syntax-error" Error "The file is valid UTF-8 JSON or YAML, within the size limit.",
    DuplicateKey "duplicate-key" Error "No mapping has the same key twice (most parsers silently keep one value).",
    UnsupportedVersion "unsupported-version" Error "The document declares OpenAPI 3.0.x, the version this pipeline reads.",
    Oas3Schema "oas3-schema" Error "The document conforms to the official OpenAPI 3.0 JSON Schema.",
    NoUnresolvedRefs "no-unresolved-refs" Error "Every $ref resolves: the file exists and the JSON pointer names a node.",
    NoRemoteRefs "no-remote-refs" Error "No $ref to an http(s) URL: remote references are refused and never fetched.",
    RefOutsideRoot "ref-outside-root" Error "A relative file $ref stays inside the spec's own folder.",
    RefCycle "ref-cycle" Error "A chain of $refs reaches a value instead of looping.",
    NoRefSiblings "no-$ref-siblings" Warning "Nothing sits beside a $ref: OpenAPI 3.0 ignores it.",
    PathParams "path-params" Error "Path template variables and path parameters match both ways, and path parameters are required.",
    PathDeclarationsMustExist "path-declarations-must-exist" Error "Path templates have no empty `{}`.",
    OperationOperationId "operation-operationId" Error "Every operation has an operationId (generators name methods after it).",
    OperationOperationIdUnique "operation-operationId-unique" Error "operationIds are unique.",
    OperationParameters "operation-parameters" Error "An operation does not declare the same parameter (name and location) twice.",
    IgnoredHeaderParameter "ignored-header-parameter" Warning "No header parameter named Accept, Content-Type or Authorization: OpenAPI ignores them.",
    OperationSuccessResponse "operation-success-response" Warning "Every operation has a 2xx or 3xx response.",
    Oas3OperationSecurityDefined "oas3-operation-security-defined" Warning "Security requirements name schemes defined in components.securitySchemes.",
    Oas3ValidMediaExample "oas3-valid-media-example" Error "Examples of media types, parameters and headers are valid against their schemas.",
    Oas3ValidSchemaExample "oas3-valid-schema-example" Error "A schema's example and default are valid against it.",
    ExampleNotFullyChecked "example-not-fully-checked" Info "An example, default or enum value was checked to the end, within the work budget.",
    TypedEnum "typed-enum" Error "Every enum value is valid against its own schema.",
    DuplicatedEntryInEnum "duplicated-entry-in-enum" Warning "An enum lists each value once.",
    SchemaPattern "schema-pattern" Error "pattern is a valid ECMA-262 regular expression (as the generated client runs it).",
    SchemaBounds "schema-bounds" Error "Lower bounds do not exceed upper bounds (length, value, items, properties).",
    NoRequiredSchemaPropertiesUndefined "no-required-schema-properties-undefined" Warning "Names in required are defined in properties.",
    SchemaFormatUnknown "schema-format-unknown" Warning "format is one OpenAPI or JSON Schema defines.",
    ArrayItems "array-items" Error "A schema of type array has items.",
    ProgenitorErrorSchemas "progenitor-error-schemas" Error "All error responses of an operation share one schema (progenitor 0.15 panics otherwise).",
    ProgenitorSuccessTypes "progenitor-success-types" Error "An operation's success responses share one body type (progenitor 0.15 panics otherwise).",
    ProgenitorUnsupported "progenitor-unsupported" Error "No construct progenitor 0.15 aborts on: several request media types, `encoding`, a JSON body without a schema.",
    Oas3UnusedComponent "oas3-unused-component" Warning "Every component is referenced.",
    InfoDescription "info-description" Warning "info has a description.",
    OperationDescription "operation-description" Warning "Every operation has a description or summary.",
    Oas3ParameterDescription "oas3-parameter-description" Warning "Every parameter has a description.",
    TagDescription "tag-description" Warning "Every tag has a description.",
    Oas3ApiServers "oas3-api-servers" Warning "servers is present and non-empty.",
    Oas3ServerTrailingSlash "oas3-server-trailing-slash" Warning "Server URLs do not end with a slash.",
    Oas3ServerVariables "oas3-server-variables" Error "Server URL variables are defined, used, and their defaults are in their enums.",
}

/// The typed id of a rule's text id.
#[cfg(test)]
pub fn rule_id(id: &str) -> Option<RuleId> {
    ALL_IDS.iter().copied().find(|r| r.as_str() == id)
}

/// Looks a rule up by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// A finding before configuration and placement.
pub struct Raw {
    pub rule: RuleId,
    pub pointer: String,
    pub message: String,
    /// Place the finding at the member's key rather than its value.
    pub at_key: bool,
}

/// What every check gets: the document, its model, and a sink.
pub struct Ctx<'a> {
    pub doc: &'a Value,
    pub model: &'a Model<'a>,
    pub validator: Validator<'a>,
    /// The spec's folder, for relative file references; `None` for input
    /// that did not come from a file.
    pub base_dir: Option<&'a Path>,
    pub out: Vec<Raw>,
}

impl Raw {
    /// A finding at the value `pointer` names.
    pub fn push(
        out: &mut Vec<Raw>,
        rule: RuleId,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        out.push(Raw {
            rule,
            pointer: pointer.into(),
            message: message.into(),
            at_key: false,
        });
    }

    /// A finding about a mapping key: placed at the key, not its value.
    pub fn push_key(
        out: &mut Vec<Raw>,
        rule: RuleId,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        out.push(Raw {
            rule,
            pointer: pointer.into(),
            message: message.into(),
            at_key: true,
        });
    }
}

impl<'a> Ctx<'a> {
    /// A rule's context: the document, its model, and a validator of its own
    /// (the validator's pattern cache is per thread).
    pub fn new(doc: &'a Value, model: &'a Model<'a>, base_dir: Option<&'a Path>) -> Self {
        Ctx {
            doc,
            model,
            validator: Validator::new(doc),
            base_dir,
            out: Vec::new(),
        }
    }

    /// A finding at the value `pointer` names.
    pub fn report(&mut self, rule: RuleId, pointer: impl Into<String>, message: impl Into<String>) {
        Raw::push(&mut self.out, rule, pointer, message);
    }

    /// A finding about a mapping key: placed at the key, not its value.
    pub fn report_key(
        &mut self,
        rule: RuleId,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        Raw::push_key(&mut self.out, rule, pointer, message);
    }

    /// Follows local `$ref`s from `value` to the object they name (at most 32
    /// hops; cycles and dangling references give `None`).
    pub fn deref<'v>(&self, value: &'v Value) -> Option<&'v Value>
    where
        'a: 'v,
    {
        crate::pointer::deref(self.doc, value)
    }
}

/// Runs every check on a document that declared OpenAPI 3.0, and returns
/// what they found (in no particular order: `check` sorts the findings).
///
/// With `parallel`, the work is split over two threads, because on a large
/// document it is most of the time: the structural check (which needs only
/// the document) runs beside the model's construction, then the examples
/// (the largest single rule) beside the other rules. The findings are the
/// same either way (`tests::parallel_and_serial_runs_find_the_same`); a thread
/// that cannot be started means the work runs on this one.
pub fn run_all(doc: &Value, base_dir: Option<&Path>, parallel: bool) -> Vec<Raw> {
    let model = OnceLock::new();
    std::thread::scope(|scope| {
        // The helper thread waits for the model on this channel: a sender
        // dropped without sending (this thread panicked) ends its wait.
        let (ready, model_ready) = std::sync::mpsc::channel::<()>();
        let spawned = if parallel {
            let model = &model;
            crate::thread::named("openapi-check-rules")
                .spawn_scoped(scope, move || {
                    structure_then_examples(doc, base_dir, model, Some(model_ready))
                })
                .ok()
        } else {
            None
        };
        let built = model.get_or_init(|| Model::build(doc));
        // Sent only once the model is set, so the helper never finds it unset.
        let _ = ready.send(());
        let mut ctx = Ctx::new(doc, built, base_dir);
        refs::check(&mut ctx);
        operations::check(&mut ctx);
        schemas::check(&mut ctx);
        generation::check(&mut ctx);
        hygiene::check(&mut ctx);
        let mut out = ctx.out;
        let mut rest = match spawned {
            // A panic on the helper thread is this thread's panic, as it
            // would have been without the thread.
            Some(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => structure_then_examples(doc, base_dir, &model, None),
        };
        out.append(&mut rest);
        out
    })
}

/// The structural check, then (once `model_ready` says the model is built,
/// at once without it) the example checks.
fn structure_then_examples<'a>(
    doc: &'a Value,
    base_dir: Option<&'a Path>,
    model: &'a OnceLock<Model<'a>>,
    model_ready: Option<std::sync::mpsc::Receiver<()>>,
) -> Vec<Raw> {
    let mut out = Vec::new();
    structure::check(doc, &mut out);
    if model_ready.is_some_and(|ready| ready.recv().is_err()) {
        return out;
    }
    if let Some(model) = model.get() {
        let mut ctx = Ctx::new(doc, model, base_dir);
        examples::check(&mut ctx);
        out.append(&mut ctx.out);
    }
    out
}

pub use structure::version_problem;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every finding of a run, in a comparable order.
    fn run(doc: &Value, parallel: bool) -> Vec<(RuleId, String, String, bool)> {
        let mut found: Vec<_> = run_all(doc, None, parallel)
            .into_iter()
            .map(|r| (r.rule, r.pointer, r.message, r.at_key))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn parallel_and_serial_runs_find_the_same() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let mut compared = 0;
        let mut with_examples = 0;
        for dir in ["valid", "invalid"] {
            for entry in std::fs::read_dir(corpus.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                // Some corpus files are deliberately not UTF-8.
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let format = crate::source::Format::detect(&path.display().to_string(), &text);
                let Ok(parsed) = crate::parse::parse(&text, format) else {
                    continue;
                };
                if version_problem(&parsed.value).is_some() {
                    continue;
                }
                let serial = run(&parsed.value, false);
                assert_eq!(run(&parsed.value, true), serial, "{}", path.display());
                compared += 1;
                // Findings from both threads' halves: the structural check
                // and the examples run on the helper thread.
                if serial.iter().any(|f| {
                    matches!(
                        f.0,
                        RuleId::Oas3ValidMediaExample
                            | RuleId::Oas3ValidSchemaExample
                            | RuleId::Oas3Schema
                    )
                }) {
                    with_examples += 1;
                }
            }
        }
        assert!(compared >= 10, "only {compared} documents compared");
        assert!(
            with_examples >= 3,
            "only {with_examples} with helper-thread findings"
        );
    }

    #[test]
    fn a_large_document_nested_to_the_parsers_limit_is_checked_on_helper_threads() {
        // Schemas nested as deep as the parser allows, in a document large
        // enough for the helper threads: their stacks must hold what the
        // main thread's did (see `thread.rs`).
        let mut schema = String::from("{\"type\": \"string\", \"example\": \"x\"}");
        for _ in 0..60 {
            schema = format!(
                "{{\"type\": \"object\", \"properties\": {{\"a\": {schema}}}, \"example\": {{\"a\": {{}}}}}}"
            );
        }
        let pad = "x".repeat(crate::cut::SPLIT_FROM_BYTES);
        let text = format!(
            "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\", \"description\": \"{pad}\"}}, \"paths\": {{}}, \"components\": {{\"schemas\": {{\"Deep\": {schema}}}}}}}"
        );
        let report = crate::check_source(
            crate::Source::new("deep.json", text),
            &crate::Options::default(),
        );
        assert!(!report.unreadable, "{:?}", report.findings.first());
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule == "oas3-valid-schema-example")
        );
    }

    #[test]
    fn every_rule_id_names_its_table_row() {
        // The enum and the table come from one macro list; this checks the
        // list itself: every variant's id finds its own row.
        for rule in RULES {
            let found = rule_id(rule.id).map(RuleId::as_str);
            assert_eq!(found, Some(rule.id));
        }
    }

    #[test]
    fn rule_ids_are_unique_and_plain() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for id in ids {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '$'),
                "{id}"
            );
        }
    }
}
