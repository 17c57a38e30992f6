//! The validation pipeline (DESIGN.md §1 steps 1–6).

use std::sync::Arc;

use crate::config::Config;
use crate::error::Result;
use crate::extract::Request;
use crate::principal::Principal;

/// A configured validator. Cheap to clone, `Send + Sync`: share one per service.
#[derive(Clone)]
pub struct Validator {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
}

impl Validator {
    /// Build a validator. Refuses invalid or insecure configuration (`invalid_config`). Performs no
    /// network I/O: remote keys are fetched on first use (or by [`Validator::refresh`]).
    pub fn new(config: Config) -> Result<Validator> {
        Ok(Validator { inner: Arc::new(Inner { config }) })
    }

    /// Build a validator from the JSON configuration.
    pub fn from_json(text: &str) -> Result<Validator> {
        Validator::new(Config::from_json(text)?)
    }

    /// Validate a compact JWS against the current clock.
    pub fn validate(&self, token: &str) -> Result<Principal> {
        self.validate_at(token, now())
    }

    /// Validate with an explicit clock (`now`: seconds since the epoch).
    pub fn validate_at(&self, token: &str, now: i64) -> Result<Principal> {
        let _ = (token, now, &self.inner.config);
        todo!()
    }

    /// Like [`Validator::validate_at`] but never touches the network: `Ok(None)` means the answer
    /// needs a key fetch, so call `validate_at` off the event loop.
    pub fn validate_cached(&self, token: &str, now: i64) -> Result<Option<Principal>> {
        let _ = (token, now);
        todo!()
    }

    /// Extract the token from a request and validate it.
    pub fn authenticate(&self, request: &Request) -> Result<Principal> {
        self.authenticate_at(request, now())
    }

    pub fn authenticate_at(&self, request: &Request, now: i64) -> Result<Principal> {
        let _ = (request, now);
        todo!()
    }

    /// Like [`Validator::authenticate_at`] but never touches the network (`Ok(None)`: needs a fetch).
    pub fn authenticate_cached(&self, request: &Request, now: i64) -> Result<Option<Principal>> {
        let _ = (request, now);
        todo!()
    }

    /// Fetch every remote key set now (warm-up); a no-op for inline keys.
    pub fn refresh(&self) -> Result<()> {
        todo!()
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
