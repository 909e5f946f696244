//! A small cache of what was looked up a moment ago. Every request looks up its session and
//! every autosave its report's context; within a second the answer is the same, and on
//! PostgreSQL each lookup is a round trip that costs more than the save's own work. Nothing
//! that decides a write is taken from here: saves and submissions check the session and
//! the report again inside their transaction.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries younger than `ttl`, at most `capacity` of them.
pub(crate) struct Recent<K, V> {
    entries: Mutex<HashMap<K, (V, Instant)>>,
    ttl: Duration,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> Recent<K, V> {
    pub(crate) fn new(ttl: Duration, capacity: usize) -> Self {
        Recent {
            entries: Mutex::new(HashMap::new()),
            ttl,
            capacity,
        }
    }

    pub(crate) fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        let (value, at) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| value.clone())
    }

    pub(crate) fn put(&self, key: K, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.capacity {
                let ttl = self.ttl;
                entries.retain(|_, (_, at)| at.elapsed() < ttl);
                if entries.len() >= self.capacity {
                    entries.clear();
                }
            }
            entries.insert(key, (value, Instant::now()));
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
        let recent = Recent::new(Duration::from_millis(50), 2);
        recent.put("a", 1);
        assert_eq!(recent.get(&"a"), Some(1));
        recent.forget(&"a");
        assert_eq!(recent.get(&"a"), None);
        recent.put("b", 2);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(recent.get(&"b"), None, "too old");
        recent.put("c", 3);
        recent.put("d", 4);
        recent.put("e", 5);
        assert_eq!(recent.get(&"e"), Some(5), "room is made for new entries");
    }
}
