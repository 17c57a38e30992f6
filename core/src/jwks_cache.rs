//! A remote key set: a JWKS URL, or one found by discovery (OpenID Connect, then RFC 8414),
//! cached with a TTL.
//!
//! - Fresh keys are a read-lock away: no network, no allocation beyond an `Arc` clone.
//! - Stale or missing keys are fetched by one caller while concurrent callers wait for that same
//!   fetch (single flight); a failed fetch keeps the last good key set.
//! - An unknown `kid` triggers at most one refetch per cooldown (default 30 s); a flood of
//!   unknown kids inside the cooldown never touches the network.
//! - While the source is failing, fetch attempts are likewise spaced by the cooldown.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use crate::discovery;
use crate::error::{Error, ErrorCode, Result};
use crate::http::HttpClient;
use crate::token_client::TokenClient;
use crate::keys::KeySet;

/// Where the JWK Set is.
pub enum Locator {
    Jwks(String),
    /// Metadata document URLs tried in order; the document's `issuer` must equal `issuer`.
    Discovery { urls: Vec<String>, issuer: String },
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
    /// The answer needs a fetch; the caller asked for no network I/O.
    NeedsNetwork,
}

#[derive(Default)]
struct State {
    /// When the last fetch was started (success or not): spaces attempts by the cooldown.
    last_attempt: Option<Instant>,
    in_flight: bool,
    /// Incremented when a fetch finishes; waiters watch it.
    generation: u64,
    last_error: Option<String>,
    /// The JWKS URL found by discovery.
    jwks_uri: Option<String>,
}

pub struct RemoteKeys {
    locator: Locator,
    http: Arc<HttpClient>,
    /// Gets the bearer token of an authenticated JWKS endpoint.
    auth: Option<TokenClient>,
    ttl: Duration,
    cooldown: Duration,
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
    pub fn new(
        locator: Locator,
        http: Arc<HttpClient>,
        auth: Option<TokenClient>,
        ttl: Duration,
        cooldown: Duration,
    ) -> RemoteKeys {
        RemoteKeys {
            locator,
            http,
            auth,
            ttl,
            cooldown,
            current: RwLock::new(None),
            state: Mutex::new(State::default()),
            finished: Condvar::new(),
        }
    }

    fn current(&self) -> Option<(Arc<KeySet>, Instant)> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn within_cooldown(&self, st: &State) -> bool {
        st.last_attempt.is_some_and(|t| t.elapsed() < self.cooldown)
    }

    /// The key set for a validation: cached while fresh, else fetched (stale keys are served when
    /// the fetch fails or when the last attempt is within the cooldown).
    pub fn keys(&self, network: bool) -> Result<Lookup> {
        let cached = self.current();
        if let Some((keys, at)) = &cached {
            if at.elapsed() < self.ttl {
                return Ok(Lookup::Keys(keys.clone()));
            }
            if self.within_cooldown(&lock(&self.state)) {
                return Ok(Lookup::Keys(keys.clone()));
            }
        }
        if !network {
            return Ok(Lookup::NeedsNetwork);
        }
        self.refresh();
        match self.current() {
            Some((keys, _)) => Ok(Lookup::Keys(keys)),
            None => Err(self.last_error()),
        }
    }

    /// After a token named a `kid` the cached set lacks: refetch, at most once per cooldown.
    /// `Ok(None)` means no refetch was allowed (the caller answers `key_not_found`).
    pub fn refetch_for_unknown_kid(&self, network: bool) -> Result<Option<Lookup>> {
        if self.within_cooldown(&lock(&self.state)) {
            return Ok(None);
        }
        if !network {
            return Ok(Some(Lookup::NeedsNetwork));
        }
        self.refresh();
        Ok(self.current().map(|(k, _)| Lookup::Keys(k)))
    }

    /// Fetch now, regardless of TTL and cooldown (warm-up). Fails when no usable keys are held.
    pub fn force_refresh(&self) -> Result<()> {
        self.refresh();
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

    /// One fetch in flight: the first caller fetches, the others wait for its result.
    fn refresh(&self) {
        let mut st = lock(&self.state);
        if st.in_flight {
            let generation = st.generation;
            while st.in_flight && st.generation == generation {
                st = self.finished.wait(st).unwrap_or_else(|p| p.into_inner());
            }
            return;
        }
        st.in_flight = true;
        st.last_attempt = Some(Instant::now());
        let jwks_uri = st.jwks_uri.clone();
        drop(st);

        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.fetch(jwks_uri)))
            .unwrap_or_else(|_| Err(("internal error while fetching keys".to_owned(), None)));

        let mut st = lock(&self.state);
        match outcome {
            Ok((set, uri)) => {
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some((Arc::new(set), Instant::now()));
                st.last_error = None;
                st.jwks_uri = uri;
            }
            Err((e, uri)) => {
                st.last_error = Some(e);
                if uri.is_some() {
                    st.jwks_uri = uri;
                }
            }
        }
        st.in_flight = false;
        st.generation += 1;
        drop(st);
        self.finished.notify_all();
    }

    /// Fetch (and discover if needed) the key set. Returns the JWKS URL used, so discovery is done
    /// once and repeated only after a failure.
    #[allow(clippy::type_complexity)]
    fn fetch(&self, known_uri: Option<String>) -> Result<(KeySet, Option<String>), (String, Option<String>)> {
        let uri = match (&self.locator, known_uri) {
            (Locator::Jwks(url), _) => url.clone(),
            (Locator::Discovery { .. }, Some(uri)) => uri,
            (Locator::Discovery { urls, issuer }, None) => {
                discovery::discover_endpoint(&self.http, urls, issuer, "jwks_uri").map_err(|e| (e, None))?
            }
        };
        let discovered = matches!(self.locator, Locator::Discovery { .. }).then(|| uri.clone());
        let bearer = match &self.auth {
            Some(client) => Some(client.bearer_for_key_source().map_err(|e| (format!("token for {uri}: {e}"), discovered.clone()))?),
            None => None,
        };
        let doc = self.http.get_json(&uri, bearer.as_deref()).map_err(|e| (e, discovered.clone()))?;
        let set = KeySet::from_jwks(&doc).map_err(|e| (format!("{uri}: {e}"), discovered.clone()))?;
        if set.is_empty() {
            return Err((format!("{uri}: the JWK Set has no usable signing key"), discovered));
        }
        Ok((set, discovered))
    }

}
