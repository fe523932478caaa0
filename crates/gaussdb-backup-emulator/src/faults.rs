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
}

impl Faults {
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

    /// The failure reason for the backup being created, if one is armed.
    pub fn take_backup_failure(&self) -> Option<String> {
        let mut armed = self
            .backup_failures
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let spec = armed.as_mut()?;
        let reason = spec.fail_reason.clone();
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
        });
        assert_eq!(faults.take_backup_failure().as_deref(), Some("disk full"));
        assert_eq!(faults.take_backup_failure().as_deref(), Some("disk full"));
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
