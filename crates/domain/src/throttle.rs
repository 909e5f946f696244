//! Slowing down password guessing. Failed sign-ins are counted per account and per client;
//! after a few, each further attempt must wait, longer each time, up to a cap. There is no
//! permanent lockout: that would let anyone lock a colleague out by typing wrong passwords.

use jiff::SignedDuration;

/// Failures on one account before it must wait.
pub const ACCOUNT_FREE_FAILURES: i64 = 5;
/// Failures from one client (one address, possibly many people behind it) before it must
/// wait.
pub const CLIENT_FREE_FAILURES: i64 = 20;
/// The longest wait.
pub const MAX_WAIT: SignedDuration = SignedDuration::from_mins(15);
/// Failures older than this are forgotten.
pub const FORGET_AFTER: SignedDuration = SignedDuration::from_hours(1);

/// How long to wait after the last of `failures` failures, when `free` are allowed without
/// waiting: 1 s after the first failure beyond them, doubling up to [`MAX_WAIT`].
pub fn wait_after(failures: i64, free: i64) -> SignedDuration {
    if failures < free {
        return SignedDuration::ZERO;
    }
    let doublings = u32::try_from((failures - free).min(20)).unwrap_or(20);
    SignedDuration::from_secs(1_i64 << doublings).min(MAX_WAIT)
}

/// Whether a failure is worth its own audit entry: the first, the one that starts the
/// waiting, and then every tenth. The rest are counted, not written one by one.
pub fn audit_failure(failures: i64, free: i64) -> bool {
    failures == 1 || failures == free || failures % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stop_growing() {
        assert_eq!(wait_after(4, 5), SignedDuration::ZERO);
        assert_eq!(wait_after(5, 5), SignedDuration::from_secs(1));
        assert_eq!(wait_after(6, 5), SignedDuration::from_secs(2));
        assert_eq!(wait_after(9, 5), SignedDuration::from_secs(16));
        assert_eq!(wait_after(500, 5), MAX_WAIT);
    }

    #[test]
    fn only_some_failures_are_written_down() {
        let written: Vec<i64> = (1..=30).filter(|n| audit_failure(*n, 5)).collect();
        assert_eq!(written, [1, 5, 10, 20, 30]);
    }
}
