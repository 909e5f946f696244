//! A small cache of what was looked up a moment ago. Every request looks up its session and
//! every autosave its report's context; within a second the answer is the same, and on
//! PostgreSQL each lookup is a round trip that costs more than the save's own work. Nothing
//! that decides a write is taken from here: saves and submissions check the session and
//! the report again inside their transaction.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use jiff::SignedDuration;
use tertial_domain::Timestamp;

/// Entries younger than `ttl` (by the application's clock), at most `capacity` of them.
pub(crate) struct Recent<K, V> {
    entries: Mutex<HashMap<K, (V, Timestamp)>>,
    ttl: SignedDuration,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> Recent<K, V> {
    pub(crate) fn new(ttl: SignedDuration, capacity: usize) -> Self {
        Recent {
            entries: Mutex::new(HashMap::new()),
            ttl,
            capacity,
        }
    }

    fn fresh(&self, put_at: Timestamp, now: Timestamp) -> bool {
        let age = now.duration_since(put_at);
        !age.is_negative() && age < self.ttl
    }

    pub(crate) fn get(&self, key: &K, now: Timestamp) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let (value, at) = entries.get(key)?;
        self.fresh(*at, now).then(|| value.clone())
    }

    pub(crate) fn put(&self, key: K, value: V, now: Timestamp) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.capacity {
                entries.retain(|_, (_, at)| self.fresh(*at, now));
                if entries.len() >= self.capacity {
                    entries.clear();
                }
            }
            entries.insert(key, (value, now));
        }
    }

    /// Forgets every entry whose value `matches` (a deactivated account's sessions).
    pub(crate) fn forget_where(&self, matches: impl Fn(&V) -> bool) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (value, _)| !matches(value));
        }
    }

    pub(crate) fn forget(&self, key: &K) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_last_their_time_and_no_longer() {
        let recent = Recent::new(SignedDuration::from_millis(50), 2);
        let t0 = Timestamp::now();
        let later = |ms| t0 + SignedDuration::from_millis(ms);
        recent.put("a", 1, t0);
        assert_eq!(recent.get(&"a", t0), Some(1));
        recent.forget(&"a");
        assert_eq!(recent.get(&"a", t0), None);
        recent.put("b", 2, t0);
        assert_eq!(recent.get(&"b", later(49)), Some(2));
        assert_eq!(recent.get(&"b", later(50)), None, "too old");
        assert_eq!(recent.get(&"b", later(-1)), None, "the clock went back");
        recent.put("c", 3, later(60));
        recent.put("d", 4, later(60));
        recent.put("e", 5, later(60));
        assert_eq!(
            recent.get(&"e", later(60)),
            Some(5),
            "room is made for new entries"
        );
    }
}
