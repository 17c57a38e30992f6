//! A remote key set: a JWKS URL, or one found by discovery (OpenID Connect, then RFC 8414),
//! cached with a TTL.
//!
//! - Fresh keys are a read-lock away: no network, no allocation beyond an `Arc` clone.
//! - Missing keys are fetched by one caller while concurrent callers wait for that same fetch
//!   (single flight); stale keys are refreshed by one caller while the others keep using them.
//!   A failed fetch keeps the last good key set.
//! - An unknown `kid` triggers at most one refetch per cooldown (default 30 s), whatever the
//!   concurrency: a validation that needs an unknown `kid` while a fetch of the set is in flight
//!   waits for that fetch (at most the fetch deadline, `http_timeout_ms`) and is decided on the
//!   new set; one that started on a set since replaced is decided on the newer set. Inside the
//!   cooldown, with no fetch in flight, an unknown `kid` is refused at once and a flood of them
//!   never touches the network.
//! - The no-network lookups (`network: false`, behind `validate_cached`) never wait: they answer
//!   `NeedsNetwork` where a blocking call would fetch or wait, so async callers wait off their
//!   event loop.
//! - While the source is failing, fetch attempts are likewise spaced by the cooldown.
//! - A discovered `jwks_uri` is discovered again when the cached key set is refreshed after its
//!   TTL, and after a fetch from it failed (see `discovery::Endpoint`).

use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use crate::discovery::{self, Endpoint, EndpointPolicy};
use crate::error::{Error, ErrorCode, Result};
use crate::http::HttpClient;
use crate::keys::KeySet;
use crate::token_client::TokenClient;

/// Extra time a waiter gives the fetch it waits for beyond its deadline, for the fetching
/// thread to store the answer after its last byte arrived.
const WAIT_GRACE: Duration = Duration::from_millis(250);

/// Where the JWK Set is.
pub enum Locator {
    Jwks(String),
    /// Metadata document URLs tried in order; the document's `issuer` must equal `issuer`.
    Discovery {
        urls: Vec<String>,
        issuer: String,
    },
}

impl Locator {
    /// Discovery from an issuer identifier (see `discovery::metadata_urls`).
    pub fn discovery_for(issuer: &str) -> Locator {
        Locator::Discovery { urls: discovery::metadata_urls(issuer), issuer: issuer.to_owned() }
    }
}

/// The answer of a key lookup that may not use the network.
pub enum Lookup {
    Keys(Arc<KeySet>),
    /// The answer needs a fetch, or waiting for one; the caller asked for no network I/O.
    NeedsNetwork,
}

#[derive(Default)]
struct State {
    /// When the last fetch was started (success or not): spaces attempts by the cooldown.
    last_attempt: Option<Instant>,
    /// When the fetch in flight must be over (`None`: no fetch in flight).
    in_flight_until: Option<Instant>,
    /// Incremented when a fetch finishes; waiters watch it.
    generation: u64,
    last_error: Option<String>,
}

/// Timing of a remote key set.
pub struct Timing {
    pub ttl: Duration,
    pub cooldown: Duration,
    /// The deadline of one fetch (discovery and the JWKS request together).
    pub fetch_deadline: Duration,
}

pub struct RemoteKeys {
    jwks: Endpoint,
    http: Arc<HttpClient>,
    /// Gets the bearer token of an authenticated JWKS endpoint.
    auth: Option<TokenClient>,
    timing: Timing,
    /// The key set in use and when it was fetched. Written only with `state` locked.
    current: RwLock<Option<(Arc<KeySet>, Instant)>>,
    state: Mutex<State>,
    finished: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn unavailable(msg: String) -> Error {
    Error::new(ErrorCode::KeySourceUnavailable, msg)
}

impl RemoteKeys {
    pub fn new(locator: Locator, http: Arc<HttpClient>, auth: Option<TokenClient>, timing: Timing) -> RemoteKeys {
        let jwks = match locator {
            Locator::Jwks(url) => Endpoint::fixed(url),
            Locator::Discovery { urls, issuer } => Endpoint::discovered(
                urls,
                issuer,
                "jwks_uri",
                EndpointPolicy {
                    max_age: timing.ttl,
                    // Key-set fetches are already spaced by the cooldown.
                    backoff: timing.cooldown,
                    max_backoff: timing.cooldown,
                    deadline: timing.fetch_deadline,
                },
            ),
        };
        RemoteKeys {
            jwks,
            http,
            auth,
            timing,
            current: RwLock::new(None),
            state: Mutex::new(State::default()),
            finished: Condvar::new(),
        }
    }

    fn current(&self) -> Option<(Arc<KeySet>, Instant)> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn within_cooldown(&self, st: &State) -> bool {
        st.last_attempt.is_some_and(|t| t.elapsed() < self.timing.cooldown)
    }

    /// The key set for a validation: cached while fresh, else fetched. Stale keys are served
    /// while another caller refreshes them, when the fetch fails, and when the last attempt is
    /// within the cooldown.
    pub fn keys(&self, network: bool) -> Result<Lookup> {
        if let Some((keys, at)) = self.current() {
            if at.elapsed() < self.timing.ttl {
                return Ok(Lookup::Keys(keys));
            }
        }
        let st = lock(&self.state);
        // Read again with `state` locked: a fetch may have stored a set meanwhile.
        if let Some((keys, at)) = self.current() {
            if at.elapsed() < self.timing.ttl || st.in_flight_until.is_some() || self.within_cooldown(&st) {
                return Ok(Lookup::Keys(keys));
            }
        }
        if !network {
            return Ok(Lookup::NeedsNetwork);
        }
        self.fetch_or_wait(st);
        match self.current() {
            Some((keys, _)) => Ok(Lookup::Keys(keys)),
            None => Err(self.last_error()),
        }
    }

    /// After a token named a `kid` that `seen` (the set it was checked against) lacks: the set
    /// to decide on. A newer set than `seen` if there is one; else the outcome of the fetch in
    /// flight; else of a refetch, when the cooldown allows one. `Ok(None)`: no newer set and no
    /// refetch allowed (the caller decides on `seen`).
    pub fn refetch_for_unknown_kid(&self, seen: &Arc<KeySet>, network: bool) -> Result<Option<Lookup>> {
        let st = lock(&self.state);
        // Read with `state` locked: a fetch stores its set under that lock.
        let newer = || self.current().filter(|(k, _)| !Arc::ptr_eq(k, seen)).map(|(k, _)| Lookup::Keys(k));
        if let Some(fresh) = newer() {
            return Ok(Some(fresh));
        }
        if st.in_flight_until.is_none() && self.within_cooldown(&st) {
            return Ok(None);
        }
        if !network {
            return Ok(Some(Lookup::NeedsNetwork));
        }
        // Deciding and claiming (or joining) the fetch under one lock: never two refetches.
        self.fetch_or_wait(st);
        let _st = lock(&self.state);
        Ok(newer())
    }

    /// Fetch now, regardless of TTL and cooldown (warm-up), or wait for the fetch in flight.
    /// Fails when no usable keys are held.
    pub fn force_refresh(&self) -> Result<()> {
        self.fetch_or_wait(lock(&self.state));
        let st = lock(&self.state);
        match (&st.last_error, self.current()) {
            (None, _) => Ok(()),
            (Some(_), Some(_)) => Ok(()),
            (Some(e), None) => Err(unavailable(e.clone())),
        }
    }

    fn last_error(&self) -> Error {
        let st = lock(&self.state);
        unavailable(st.last_error.clone().unwrap_or_else(|| "the key source has no keys".into()))
    }

    /// One fetch in flight: with a fetch in flight, wait for it (until its deadline); else fetch.
    /// `st` is the caller's lock, taken when it decided a fetch is needed.
    fn fetch_or_wait(&self, mut st: MutexGuard<'_, State>) {
        if let Some(until) = st.in_flight_until {
            let generation = st.generation;
            let until = until + WAIT_GRACE;
            while st.in_flight_until.is_some() && st.generation == generation {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return;
                }
                st = self.finished.wait_timeout(st, left).unwrap_or_else(|p| p.into_inner()).0;
            }
            return;
        }
        let started = Instant::now();
        let deadline = started + self.timing.fetch_deadline;
        st.in_flight_until = Some(deadline);
        st.last_attempt = Some(started);
        drop(st);

        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.fetch(deadline)))
            .unwrap_or_else(|_| Err("internal error while fetching keys".to_owned()));

        let mut st = lock(&self.state);
        match outcome {
            Ok(set) => {
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some((Arc::new(set), Instant::now()));
                st.last_error = None;
            }
            Err(e) => st.last_error = Some(e),
        }
        st.in_flight_until = None;
        st.generation += 1;
        drop(st);
        self.finished.notify_all();
    }

    /// Fetch (discovering the JWKS URL when needed) the key set. When the fetch from a
    /// discovered URL fails, the metadata is read again at once and, if it names another URL
    /// now (the JWKS moved), the set is fetched there.
    fn fetch(&self, deadline: Instant) -> std::result::Result<KeySet, String> {
        let uri = self.jwks.get(&self.http, Some(deadline))?;
        let bearer = match &self.auth {
            Some(client) => Some(client.bearer_for_key_source().map_err(|e| format!("token for {uri}: {e}"))?),
            None => None,
        };
        let first = self.fetch_from(&uri, bearer.as_deref(), deadline);
        let Err(reason) = first else { return first };
        self.jwks.failed(&uri);
        match self.jwks.get(&self.http, Some(deadline)) {
            Ok(moved) if moved != uri => {
                let again = self.fetch_from(&moved, bearer.as_deref(), deadline);
                if again.is_err() {
                    self.jwks.failed(&moved);
                }
                again
            }
            _ => Err(reason),
        }
    }

    fn fetch_from(&self, uri: &str, bearer: Option<&str>, deadline: Instant) -> std::result::Result<KeySet, String> {
        let doc = self.http.get_json_until(uri, bearer, Some(deadline))?;
        let set = KeySet::from_jwks(&doc).map_err(|e| format!("{uri}: {e}"))?;
        if set.is_empty() {
            return Err(format!("{uri}: the JWK Set has no usable signing key"));
        }
        Ok(set)
    }
}
