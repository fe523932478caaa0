//! Drift mode: answers shaped the way the real service may answer and the
//! spec does not describe, so that `cargo xtask smoke` can prove that its
//! drift report finds each kind of deviation, at the right place.
//!
//! `POST /_emulator/drift` with a [`DriftSpec`] turns deviations on (the set
//! replaces any set before); `DELETE /_emulator/drift` turns them all off;
//! `--drift a,b` turns them on at start. Each deviation rewrites a
//! serialized success body on its way out and never touches the emulator's
//! state, so the backups and jobs behind the answers stay exactly as they
//! are without drift mode (and the client, which accepts every deviation
//! here, keeps working).

use std::collections::BTreeSet;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The property [`Deviation::ExtraProperty`] adds to each listed backup.
pub const EXTRA_PROPERTY: &str = "emulator_drift";
/// The backup status [`Deviation::UnknownStatus`] puts in a create answer.
pub const UNKNOWN_STATUS: &str = "CREATING";
/// The optional property [`Deviation::MissingField`] leaves out of each
/// listed backup.
pub const MISSING_FIELD: &str = "instance_name";

/// One way of departing from the spec.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Deviation {
    /// Each backup of a list answer carries a property the spec does not
    /// declare ([`EXTRA_PROPERTY`]).
    ExtraProperty,
    /// A create answer's backup has a status outside the spec's enum
    /// ([`UNKNOWN_STATUS`]).
    UnknownStatus,
    /// Each backup of a list answer lacks an optional property the spec
    /// documents ([`MISSING_FIELD`]).
    MissingField,
    /// Each backup of a list answer gives its `begin_time` with a `+hh:mm`
    /// offset instead of the service's documented `+hhmm`.
    TimeOffset,
}

impl Deviation {
    /// Every deviation, in order.
    pub const ALL: [Deviation; 4] = [
        Deviation::ExtraProperty,
        Deviation::UnknownStatus,
        Deviation::MissingField,
        Deviation::TimeOffset,
    ];

    /// The name used on the command line and in the admin API.
    pub fn name(self) -> &'static str {
        match self {
            Deviation::ExtraProperty => "extra-property",
            Deviation::UnknownStatus => "unknown-status",
            Deviation::MissingField => "missing-field",
            Deviation::TimeOffset => "time-offset",
        }
    }
}

impl std::str::FromStr for Deviation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Deviation::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Deviation::ALL.iter().map(|d| d.name()).collect();
                format!(
                    "{s:?} is not a drift deviation; use one of {}",
                    names.join(", ")
                )
            })
    }
}

/// The body of `POST /_emulator/drift`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DriftSpec {
    /// The deviations to turn on (the others are turned off).
    pub deviations: BTreeSet<Deviation>,
}

/// The answers drift mode rewrites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A successful `CreateGaussMySqlBackup`.
    Create,
    /// A successful `ShowGaussMySqlBackupList`.
    List,
}

/// The deviations turned on.
#[derive(Debug, Default)]
pub struct Drift {
    on: Mutex<BTreeSet<Deviation>>,
}

impl Drift {
    /// Turns exactly these deviations on.
    pub fn set(&self, deviations: BTreeSet<Deviation>) {
        *self.on.lock().unwrap_or_else(|e| e.into_inner()) = deviations;
    }

    /// Turns every deviation off.
    pub fn clear(&self) {
        self.set(BTreeSet::new());
    }

    /// The deviations turned on.
    pub fn active(&self) -> BTreeSet<Deviation> {
        self.on.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Rewrites a serialized success body of `answer` with the deviations
    /// turned on; `false` when nothing changed.
    pub fn apply(&self, answer: Answer, body: &mut Value) -> bool {
        let on = self.active();
        let mut changed = false;
        for deviation in on {
            changed |= rewrite(deviation, answer, body);
        }
        changed
    }
}

fn rewrite(deviation: Deviation, answer: Answer, body: &mut Value) -> bool {
    match (deviation, answer) {
        (Deviation::UnknownStatus, Answer::Create) => match body.pointer_mut("/backup/status") {
            Some(status) => {
                *status = Value::from(UNKNOWN_STATUS);
                true
            }
            None => false,
        },
        (Deviation::ExtraProperty, Answer::List) => each_backup(body, |item| {
            item.insert(EXTRA_PROPERTY.into(), Value::from("added by drift mode"));
            true
        }),
        (Deviation::MissingField, Answer::List) => {
            each_backup(body, |item| item.remove(MISSING_FIELD).is_some())
        }
        (Deviation::TimeOffset, Answer::List) => {
            each_backup(body, |item| match item.get_mut("begin_time") {
                Some(Value::String(time)) => match colon_offset(time) {
                    Some(rewritten) => {
                        *time = rewritten;
                        true
                    }
                    None => false,
                },
                _ => false,
            })
        }
        _ => false,
    }
}

fn each_backup(
    body: &mut Value,
    mut change: impl FnMut(&mut serde_json::Map<String, Value>) -> bool,
) -> bool {
    let Some(items) = body.get_mut("backups").and_then(Value::as_array_mut) else {
        return false;
    };
    let mut changed = false;
    for item in items.iter_mut().filter_map(Value::as_object_mut) {
        changed |= change(item);
    }
    changed
}

/// `2020-07-07T01:17:05+0800` → `2020-07-07T01:17:05+08:00`; `None` when the
/// time does not end in a `+hhmm` or `-hhmm` offset.
fn colon_offset(time: &str) -> Option<String> {
    let split = time.len().checked_sub(5)?;
    let (head, offset) = (time.get(..split)?, time.get(split..)?);
    let bytes = offset.as_bytes();
    let sign_ok = bytes[0] == b'+' || bytes[0] == b'-';
    if !sign_ok || !bytes[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(format!("{head}{}:{}", &offset[..3], &offset[3..]))
}

/// Which answer drift mode rewrites for an operation the gateway routed.
/// Any other operation (one the spec gains included) is left as it is.
pub fn answer_of(operation: crate::gateway::Operation) -> Option<Answer> {
    use crate::gateway::Operation;
    match operation {
        Operation::CreateGaussMySqlBackup => Some(Answer::Create),
        Operation::ShowGaussMySqlBackupList => Some(Answer::List),
        _ => None,
    }
}

/// Applies the deviations turned on to an API success answer (called by
/// the gateway behind the fault injection, so injected errors stay as
/// armed). With drift off, the answer is handed on untouched.
pub async fn rewrite_answer(
    app: &crate::app::AppState,
    answer: Option<Answer>,
    response: axum::response::Response,
) -> axum::response::Response {
    let Some(answer) = answer.filter(|_| response.status().is_success()) else {
        return response;
    };
    if app.drift.active().is_empty() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The emulator's own bodies are small; the cap only guards the buffer.
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    let rewritten = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|mut value| app.drift.apply(answer, &mut value).then_some(value))
        .and_then(|value| serde_json::to_vec(&value).ok());
    match rewritten {
        Some(body) => {
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            axum::response::Response::from_parts(parts, axum::body::Body::from(body))
        }
        None => axum::response::Response::from_parts(parts, axum::body::Body::from(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn list() -> Value {
        json!({"backups": [{"id": "b1", "begin_time": "2020-07-07T01:17:05+0800",
                            "instance_name": "taurus-1"}], "total_count": 1})
    }

    #[test]
    fn each_deviation_rewrites_only_its_answer() {
        let drift = Drift::default();
        let mut body = list();
        assert!(!drift.apply(Answer::List, &mut body), "off by default");
        assert_eq!(body, list());
        drift.set(Deviation::ALL.into_iter().collect());
        assert!(drift.apply(Answer::List, &mut body));
        assert_eq!(
            body,
            json!({"backups": [{"id": "b1", "begin_time": "2020-07-07T01:17:05+08:00",
                                EXTRA_PROPERTY: "added by drift mode"}], "total_count": 1})
        );
        let mut created = json!({"backup": {"id": "b1", "status": "BUILDING"}, "job_id": "j"});
        assert!(drift.apply(Answer::Create, &mut created));
        assert_eq!(created["backup"]["status"], UNKNOWN_STATUS);
        drift.clear();
        let mut again = list();
        assert!(!drift.apply(Answer::List, &mut again));
    }

    #[test]
    fn names_parse_and_unknown_names_are_refused_with_the_list() {
        for d in Deviation::ALL {
            assert_eq!(d.name().parse::<Deviation>(), Ok(d));
        }
        let err = "extra".parse::<Deviation>().unwrap_err();
        assert!(err.contains("extra-property, unknown-status"), "{err}");
        let spec: DriftSpec =
            serde_json::from_str(r#"{"deviations": ["time-offset", "missing-field"]}"#).unwrap();
        assert_eq!(spec.deviations.len(), 2);
        assert!(serde_json::from_str::<DriftSpec>(r#"{"deviations": ["nope"]}"#).is_err());
    }

    #[test]
    fn only_compact_offsets_are_rewritten() {
        assert_eq!(
            colon_offset("2020-07-07T01:17:05-0330").as_deref(),
            Some("2020-07-07T01:17:05-03:30")
        );
        assert_eq!(colon_offset("2020-07-07T01:17:05+08:00"), None);
        assert_eq!(colon_offset("2020-07-07T01:17:05Z"), None);
        assert_eq!(colon_offset("0800"), None);
        assert_eq!(colon_offset("é+0800"), Some("é+08:00".into()));
    }
}
