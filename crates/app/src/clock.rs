//! The time as the application sees it: the system's, or, in tests, moved ahead at will, so
//! that a session's lifetime or a sign-in wait passes without waiting for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::SignedDuration;
use tertial_domain::Timestamp;

/// The system's clock, plus however far it was moved ahead. Clones share one clock.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    ahead_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        let now = Timestamp::now();
        let ahead = SignedDuration::from_millis(self.ahead_ms.load(Ordering::Relaxed));
        now.checked_add(ahead).unwrap_or(now)
    }

    /// Moves the clock ahead by `by` (for tests).
    pub fn advance(&self, by: SignedDuration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.ahead_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_moved_ahead_stays_ahead_for_every_clone() {
        let clock = Clock::default();
        let shared = clock.clone();
        let before = clock.now();
        shared.advance(SignedDuration::from_hours(12));
        let ahead = clock.now().duration_since(before);
        assert!(ahead >= SignedDuration::from_hours(12), "{ahead:?}");
        assert!(ahead < SignedDuration::from_hours(12) + SignedDuration::from_secs(60));
    }
}
