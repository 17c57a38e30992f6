//! The `jti`s of accepted client assertions, remembered until they expire, so that each
//! `private_key_jwt` assertion authenticates at most one request (RFC 7523 §3, item 7).

use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct ReplayCache {
    /// (client id, jti) → the assertion's `exp`.
    seen: Mutex<HashMap<(String, String), i64>>,
}

impl ReplayCache {
    pub fn new() -> ReplayCache {
        ReplayCache::default()
    }

    /// Record `jti` of `client_id` until `exp`; `false` when it was already recorded and has not
    /// expired (a replay). Expired entries are dropped on the way: an expired assertion is refused
    /// for its `exp` anyway, so the cache never holds more than the assertions still alive.
    pub fn first_use(&self, client_id: &str, jti: &str, exp: i64, now: i64) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.retain(|_, until| *until >= now);
        match seen.entry((client_id.to_owned(), jti.to_owned())) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(exp);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_jti_is_accepted_once_per_client_until_it_expires() {
        let cache = super::ReplayCache::new();
        assert!(cache.first_use("a", "j1", 100, 50));
        assert!(!cache.first_use("a", "j1", 100, 60), "replay");
        assert!(cache.first_use("b", "j1", 100, 60), "another client's jti is another jti");
        assert!(cache.first_use("a", "j1", 200, 101), "forgotten once expired");
    }
}
