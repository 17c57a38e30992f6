//! The cache of tokens a service obtained (client credentials, exchanged tokens).
//!
//! - A token is served from the cache until its refresh point: a fraction (75 %, ±5 % jitter so a
//!   fleet of replicas does not refresh in lock-step) of its lifetime.
//! - After the refresh point, the first caller fetches a new token while every other caller keeps
//!   getting the current one; if the fetch fails, the current token keeps being served until it
//!   is no longer usable, and the next attempt waits a short back-off.
//! - With no usable token, one caller fetches and concurrent callers wait for that same fetch and
//!   share its result, error included. After a failed fetch with nothing usable cached, calls during
//!   the back-off get the stored error without a request: a refusing server is not sent the
//!   credentials again on every call (which could trip an account lockout).
//! - A token is usable until shortly before it expires (10 % of its lifetime, at most 30 s), and
//!   never beyond an optional cap (an exchanged token never outlives its subject token).
//! - `expires_in` absent: 60 s; zero or negative: used once, not cached; huge: capped at 24 h.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorCode, Result};
use crate::token_client::AccessToken;

const REFRESH_FRACTION: f64 = 0.75;
const JITTER_FRACTION: f64 = 0.05;
const MAX_MARGIN: Duration = Duration::from_secs(30);
const RETRY_BACKOFF: Duration = Duration::from_secs(5);
/// Entries kept before expired ones are swept (and then the oldest evicted).
const MAX_ENTRIES: usize = 1024;

struct Entry {
    token: Option<AccessToken>,
    refresh_at: Instant,
    usable_until: Instant,
    in_flight: bool,
    retry_after: Option<Instant>,
    generation: u64,
    last_error: Option<Error>,
    inserted: Instant,
}

impl Entry {
    fn empty(now: Instant) -> Entry {
        Entry {
            token: None,
            refresh_at: now,
            usable_until: now,
            in_flight: false,
            retry_after: None,
            generation: 0,
            last_error: None,
            inserted: now,
        }
    }

    fn usable(&self, now: Instant) -> Option<&AccessToken> {
        self.token.as_ref().filter(|_| now < self.usable_until)
    }
}

#[derive(Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<String, Entry>>,
    finished: Condvar,
}

/// What a fetch returns: the token and its lifetime as the server stated it.
pub struct Fetched {
    pub token: AccessToken,
    pub lifetime: Duration,
}

fn jitter() -> f64 {
    let mut b = [0u8; 2];
    let _ = aws_lc_rs::rand::fill(&mut b);
    (u16::from_le_bytes(b) as f64 / u16::MAX as f64) * 2.0 - 1.0
}

impl TokenCache {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached token for `key` if it is before its refresh point (no network needed).
    pub fn fresh(&self, key: &str) -> Option<AccessToken> {
        let now = Instant::now();
        let map = self.lock();
        let e = map.get(key)?;
        e.usable(now).filter(|_| now < e.refresh_at).cloned()
    }

    /// The token for `key`, fetching it as described in the module docs. `cap` bounds how long the
    /// token may be used.
    pub fn get(&self, key: &str, cap: Option<Instant>, fetch: impl FnOnce() -> Result<Fetched>) -> Result<AccessToken> {
        let mut map = self.lock();
        loop {
            let now = Instant::now();
            let e = map.entry(key.to_owned()).or_insert_with(|| Entry::empty(now));
            if let Some(token) = e.usable(now) {
                let backing_off = e.retry_after.is_some_and(|t| now < t);
                if now < e.refresh_at || e.in_flight || backing_off {
                    return Ok(token.clone());
                }
                break;
            }
            if !e.in_flight {
                if e.retry_after.is_some_and(|t| now < t) {
                    if let Some(err) = &e.last_error {
                        return Err(err.clone());
                    }
                }
                break;
            }
            let generation = e.generation;
            map = self.finished.wait(map).unwrap_or_else(|p| p.into_inner());
            if let Some(e) = map.get(key) {
                if e.generation != generation && e.usable(Instant::now()).is_none() {
                    if let Some(err) = &e.last_error {
                        return Err(err.clone());
                    }
                }
            }
        }
        let e = map.get_mut(key).expect("inserted above");
        e.in_flight = true;
        let fallback = e.usable(Instant::now()).cloned();
        drop(map);

        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(fetch)).unwrap_or_else(|_| {
            Err(Error::new(ErrorCode::TokenEndpointError, "internal error while fetching a token"))
        });

        let mut map = self.lock();
        let now = Instant::now();
        let result = {
            let e = map.entry(key.to_owned()).or_insert_with(|| Entry::empty(now));
            e.in_flight = false;
            e.generation += 1;
            match outcome {
                Ok(Fetched { token, lifetime }) => {
                    let margin = (lifetime / 10).min(MAX_MARGIN);
                    let mut usable_until = now + lifetime.saturating_sub(margin);
                    if let Some(cap) = cap {
                        usable_until = usable_until.min(cap);
                    }
                    let refresh = lifetime.as_secs_f64() * (REFRESH_FRACTION + JITTER_FRACTION * jitter());
                    e.refresh_at = (now + Duration::from_secs_f64(refresh.max(0.0))).min(usable_until);
                    e.usable_until = usable_until;
                    e.token = Some(token.clone());
                    e.retry_after = None;
                    e.last_error = None;
                    e.inserted = now;
                    Ok(token)
                }
                Err(err) => {
                    e.last_error = Some(err.clone());
                    e.retry_after = Some(now + RETRY_BACKOFF);
                    match fallback {
                        Some(current) if e.usable(now).is_some() => Ok(current),
                        _ => Err(err),
                    }
                }
            }
        };
        if map.len() > MAX_ENTRIES {
            map.retain(|_, e| e.in_flight || e.usable(now).is_some());
            while map.len() > MAX_ENTRIES {
                let oldest = map.iter().filter(|(_, e)| !e.in_flight).min_by_key(|(_, e)| e.inserted).map(|(k, _)| k.clone());
                match oldest {
                    Some(k) => map.remove(&k),
                    None => break,
                };
            }
        }
        drop(map);
        self.finished.notify_all();
        result
    }
}
