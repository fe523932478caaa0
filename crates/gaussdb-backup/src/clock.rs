//! Time, injected: what the client reads the time from (`X-Sdk-Date`) and
//! sleeps with (the waiter's delays).
//!
//! The default, [`SystemClock`], is the machine's clock and tokio's timer.
//! [`ManualClock`] is for tests, in the manner of the AWS SDK's
//! `ManualTimeSource` and `InstantSleep`: its time moves only when a sleep
//! asks it to, so a test that waits thirty minutes for a backup runs in
//! milliseconds and never depends on how busy the machine is. The emulator
//! takes the same [`Clock`], so a client and an emulator sharing one
//! `ManualClock` agree on what time it is.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};

/// A future returned by [`Clock::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A source of the current time and of delays.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// The machine's clock and tokio's timer (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that moves only when told to: [`ManualClock::advance`], or a
/// [`Clock::sleep`], which advances it by the duration and completes at once.
/// Clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
    slept: Arc<Mutex<Vec<Duration>>>,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            now: Arc::new(Mutex::new(start)),
            slept: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Moves the time forward by `duration`.
    pub fn advance(&self, duration: Duration) {
        let delta = chrono::TimeDelta::from_std(duration).unwrap_or(chrono::TimeDelta::MAX);
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now = now.checked_add_signed(delta).unwrap_or(*now);
    }

    /// Every duration slept so far, in order: what a test asserts backoff on.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.slept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Default for ManualClock {
    /// A clock starting at the machine's current time, so that signatures
    /// made with it are also accepted by a real gateway.
    fn default() -> Self {
        ManualClock::new(Utc::now())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        self.slept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(duration);
        self.advance(duration);
        // Still yield once, so a loop of sleeps lets other tasks run.
        Box::pin(tokio::task::yield_now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_moves_only_when_asked() {
        let start = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = ManualClock::new(start);
        let shared = clock.clone();
        assert_eq!(clock.now(), start);
        shared.sleep(Duration::from_secs(90)).await;
        assert_eq!(clock.now(), start + chrono::TimeDelta::seconds(90));
        clock.advance(Duration::from_secs(10));
        assert_eq!(shared.now(), start + chrono::TimeDelta::seconds(100));
        assert_eq!(clock.sleeps(), [Duration::from_secs(90)]);
    }
}
