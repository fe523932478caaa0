//! Fault injection, after LocalStack's chaos API: make the next N calls (or
//! a fraction of calls) fail with a chosen status, wait, or lose their
//! connection, so that users can test retry and error handling.
//!
//! `POST /_emulator/faults` with a [`FaultSpec`] arms it;
//! `DELETE /_emulator/faults` disarms it. Faults apply to API calls that
//! passed the gateway (authenticated, published path and method). A delay
//! waits on the emulator's clock (a `ManualClock` just moves).
//!
//! `POST /_emulator/backup-failures` with a [`BackupFailureSpec`] makes the
//! next backups fail: each create call accepted takes one, and its job ends
//! `Failed` with the `fail_reason`, its backup `FAILED`.
//! `DELETE /_emulator/backup-failures` disarms it.
//!
//! `POST /_emulator/busy` with a [`BusySpec`] makes the instance busy: the
//! next create calls (`count` of them, or all for `for_ms` on the
//! emulator's clock) answer `409` with a documented busy code and its
//! official message, and start nothing. `DELETE /_emulator/busy` disarms it.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What to do to the next API calls.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Apply to this many calls, then disarm. With neither `count` nor
    /// `fraction`, applies to every call until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Apply to each call with this probability (0 to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fraction: Option<f64>,
    /// Answer with this HTTP status and an error body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Wait this long first (milliseconds); alone, the call then proceeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Drop the connection without a complete answer.
    #[serde(default)]
    pub reset: bool,
    /// The `error_code` of the injected error body (default by status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The `error_msg` of the injected error body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
}

impl FaultSpec {
    /// Rejects specs that cannot be applied.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(f) = self.fraction
            && !(0.0..=1.0).contains(&f)
        {
            return Err(format!("fraction must be between 0 and 1, not {f}"));
        }
        if let Some(s) = self.status
            && !(400..=599).contains(&s)
        {
            return Err(format!(
                "status must be an error status (400 to 599), not {s}"
            ));
        }
        if self.status.is_none() && self.delay_ms.is_none() && !self.reset {
            return Err("set at least one of status, delay_ms or reset".into());
        }
        if self.delay_ms.is_some_and(|d| d > 600_000) {
            return Err("delay_ms is at most 600000 (10 minutes)".into());
        }
        Ok(())
    }
}

/// Make the next backups fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupFailureSpec {
    /// How many backups fail (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// The job's `fail_reason`.
    #[serde(default = "default_reason")]
    pub fail_reason: String,
    /// Only the job fails: the backup still ends COMPLETED (the task center
    /// and the backup disagree, as two services may).
    #[serde(default)]
    pub job_only: bool,
}

/// A failure taken by one create call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TakenFailure {
    /// The job's `fail_reason`.
    pub fail_reason: String,
    /// Whether the backup still ends COMPLETED.
    pub job_only: bool,
}

fn one() -> u32 {
    1
}

fn default_reason() -> String {
    "Injected failure: the backup failed.".into()
}

impl BackupFailureSpec {
    /// Rejects specs that cannot be applied.
    pub fn validate(&self) -> Result<(), String> {
        if self.count == 0 {
            return Err("count must be at least 1".into());
        }
        if self.fail_reason.len() > 1024 {
            return Err("fail_reason is at most 1024 bytes".into());
        }
        Ok(())
    }
}

/// Make the instance busy for the next create calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusySpec {
    /// Answer this many create calls busy, then disarm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Answer every create call busy for this long (milliseconds on the
    /// emulator's clock), then disarm. With neither, one call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_ms: Option<u64>,
    /// The `409` code to answer: one of the documented busy codes
    /// ([`crate::error::BUSY_ANSWERS`]); default `DBS.200019`.
    #[serde(default = "default_busy_code")]
    pub error_code: String,
}

fn default_busy_code() -> String {
    "DBS.200019".into()
}

impl BusySpec {
    /// Rejects specs that cannot be applied.
    pub fn validate(&self) -> Result<(), String> {
        if self.count == Some(0) {
            return Err("count must be at least 1".into());
        }
        if self.count.is_some() && self.for_ms.is_some() {
            return Err("set count or for_ms, not both".into());
        }
        if crate::error::busy_message(&self.error_code).is_none() {
            let known: Vec<_> = crate::error::BUSY_ANSWERS.iter().map(|(c, _)| *c).collect();
            return Err(format!(
                "error_code {:?} is not a documented busy code; use one of {}",
                self.error_code,
                known.join(", ")
            ));
        }
        Ok(())
    }
}

/// An armed busy spec: the code, and how many calls or until when.
#[derive(Debug)]
struct ArmedBusy {
    code: &'static str,
    remaining: Option<u32>,
    until_ms: Option<i64>,
}

/// What the middleware must do to one call.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// Wait this long on the emulator's clock first (zero: no wait).
    pub delay: Duration,
    /// Answer with this HTTP status (400 to 599) and an error body; `None`:
    /// the call proceeds after the delay.
    pub status: Option<u16>,
    /// Drop the connection instead of answering (after the delay).
    pub reset: bool,
    /// The error body's `error_code`; `None`: `DBS.108000` for 500,
    /// `EMULATOR.<status>` otherwise.
    pub error_code: Option<String>,
    /// The error body's `error_msg`; `None`: a message for the status.
    pub error_msg: Option<String>,
}

/// The armed fault, if any.
#[derive(Default)]
pub struct Faults {
    armed: Mutex<Option<(FaultSpec, Option<u32>)>>,
    backup_failures: Mutex<Option<BackupFailureSpec>>,
    busy: Mutex<Option<ArmedBusy>>,
}

impl Faults {
    /// Makes the next create calls answer busy (see [`BusySpec`]), from
    /// `now_ms` on the emulator's clock, replacing any armed before. The
    /// spec must have passed [`BusySpec::validate`].
    pub fn arm_busy(&self, spec: &BusySpec, now_ms: i64) {
        let Some(code) = crate::error::BUSY_ANSWERS
            .iter()
            .map(|(c, _)| *c)
            .find(|c| *c == spec.error_code)
        else {
            return;
        };
        let until_ms = spec
            .for_ms
            .map(|ms| now_ms.saturating_add(i64::try_from(ms).unwrap_or(i64::MAX)));
        let remaining = match (spec.count, until_ms) {
            (None, None) => Some(1),
            (count, _) => count,
        };
        *self.busy.lock().unwrap_or_else(|e| e.into_inner()) = Some(ArmedBusy {
            code,
            remaining,
            until_ms,
        });
    }

    /// Disarms busy answers.
    pub fn clear_busy(&self) {
        *self.busy.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The busy code for a create call at `now_ms`, if one is armed;
    /// consumes one of `count`.
    pub fn take_busy(&self, now_ms: i64) -> Option<&'static str> {
        let mut armed = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        let busy = armed.as_mut()?;
        if busy.until_ms.is_some_and(|until| now_ms >= until) {
            *armed = None;
            return None;
        }
        let code = busy.code;
        if let Some(n) = busy.remaining.as_mut() {
            *n = n.saturating_sub(1);
            if *n == 0 {
                *armed = None;
            }
        }
        Some(code)
    }

    /// Makes the next `spec.count` backups created fail, replacing any
    /// armed before.
    pub fn arm_backup_failures(&self, spec: BackupFailureSpec) {
        *self
            .backup_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(spec);
    }

    /// Disarms backup failures: backups created from now on succeed.
    pub fn clear_backup_failures(&self) {
        *self
            .backup_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The failure for the backup being created, if one is armed.
    pub fn take_backup_failure(&self) -> Option<TakenFailure> {
        let mut armed = self
            .backup_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let spec = armed.as_mut()?;
        let reason = TakenFailure {
            fail_reason: spec.fail_reason.clone(),
            job_only: spec.job_only,
        };
        spec.count -= 1;
        if spec.count == 0 {
            *armed = None;
        }
        Some(reason)
    }

    /// Arms `spec` for the next API calls, replacing any fault armed before.
    pub fn arm(&self, spec: FaultSpec) {
        let remaining = spec.count;
        *self.armed.lock().unwrap_or_else(|e| e.into_inner()) = Some((spec, remaining));
    }

    /// Disarms the fault: API calls from now on are untouched.
    pub fn clear(&self) {
        *self.armed.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The fault for the next call, consuming one of `count`.
    pub fn next(&self) -> Option<Fault> {
        let mut armed = self.armed.lock().unwrap_or_else(|e| e.into_inner());
        let (spec, remaining) = armed.as_mut()?;
        if let Some(fraction) = spec.fraction
            && fastrand::f64() >= fraction
        {
            return None;
        }
        let fault = Fault {
            delay: Duration::from_millis(spec.delay_ms.unwrap_or(0)),
            status: spec.status,
            reset: spec.reset,
            error_code: spec.error_code.clone(),
            error_msg: spec.error_msg.clone(),
        };
        if let Some(n) = remaining {
            *n = n.saturating_sub(1);
            if *n == 0 {
                *armed = None;
            }
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_disarms_after_n_calls() {
        let faults = Faults::default();
        faults.arm(FaultSpec {
            count: Some(2),
            status: Some(503),
            ..FaultSpec::default()
        });
        assert!(faults.next().is_some());
        assert!(faults.next().is_some());
        assert!(faults.next().is_none());
    }

    #[test]
    fn fraction_zero_never_fires_and_one_always_does() {
        let faults = Faults::default();
        faults.arm(FaultSpec {
            fraction: Some(0.0),
            status: Some(500),
            ..FaultSpec::default()
        });
        assert!((0..100).all(|_| faults.next().is_none()));
        faults.arm(FaultSpec {
            fraction: Some(1.0),
            status: Some(500),
            ..FaultSpec::default()
        });
        assert!((0..100).all(|_| faults.next().is_some()));
    }

    #[test]
    fn backup_failures_are_used_up() {
        let faults = Faults::default();
        assert_eq!(faults.take_backup_failure(), None);
        faults.arm_backup_failures(BackupFailureSpec {
            count: 2,
            fail_reason: "disk full".into(),
            job_only: false,
        });
        let taken = || faults.take_backup_failure().map(|f| f.fail_reason);
        assert_eq!(taken().as_deref(), Some("disk full"));
        assert_eq!(taken().as_deref(), Some("disk full"));
        assert_eq!(faults.take_backup_failure(), None);
        let spec: BackupFailureSpec = serde_json::from_str("{}").unwrap();
        assert_eq!(spec.count, 1);
        assert!(spec.validate().is_ok());
        assert!(
            serde_json::from_str::<BackupFailureSpec>(r#"{"count":0}"#)
                .unwrap()
                .validate()
                .is_err()
        );
    }

    #[test]
    fn busy_answers_are_used_up_by_count_or_by_time() {
        let faults = Faults::default();
        assert_eq!(faults.take_busy(0), None);
        let spec = |json: &str| serde_json::from_str::<BusySpec>(json).unwrap();
        faults.arm_busy(&spec(r#"{"count": 2, "error_code": "DBS.200047"}"#), 0);
        assert_eq!(faults.take_busy(0), Some("DBS.200047"));
        assert_eq!(faults.take_busy(0), Some("DBS.200047"));
        assert_eq!(faults.take_busy(0), None);
        faults.arm_busy(&spec(r#"{"for_ms": 1000}"#), 5_000);
        assert_eq!(faults.take_busy(5_000), Some("DBS.200019"));
        assert_eq!(faults.take_busy(5_999), Some("DBS.200019"));
        assert_eq!(faults.take_busy(6_000), None);
        assert_eq!(faults.take_busy(5_500), None, "disarmed once expired");
        faults.arm_busy(&spec("{}"), 0);
        assert_eq!(faults.take_busy(0), Some("DBS.200019"));
        assert_eq!(faults.take_busy(0), None, "one call by default");
        assert!(spec(r#"{"error_code": "DBS.280277"}"#).validate().is_err());
        assert!(spec(r#"{"count": 0}"#).validate().is_err());
        assert!(spec(r#"{"count": 1, "for_ms": 5}"#).validate().is_err());
        assert!(spec(r#"{"error_code": "DBS.201202"}"#).validate().is_ok());
    }

    #[test]
    fn invalid_specs_are_refused() {
        assert!(FaultSpec::default().validate().is_err());
        assert!(
            FaultSpec {
                status: Some(200),
                ..FaultSpec::default()
            }
            .validate()
            .is_err()
        );
        assert!(
            FaultSpec {
                fraction: Some(2.0),
                reset: true,
                ..FaultSpec::default()
            }
            .validate()
            .is_err()
        );
        assert!(
            FaultSpec {
                reset: true,
                ..FaultSpec::default()
            }
            .validate()
            .is_ok()
        );
    }
}
