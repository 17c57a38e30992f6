//! Authorization-server metadata discovery: OpenID Connect Discovery 1.0 §4, then RFC 8414 §3.
//! The document's `issuer` must equal the configured issuer exactly (mix-up defence), and every
//! endpoint it names must pass the transport policy. A document fetched over `https` may not
//! name a plain `http` endpoint (no downgrade), whatever `allow_insecure_http` says.
//!
//! [`Endpoint`] holds one discovered URL (`jwks_uri`, `token_endpoint`) for its users:
//! - one discovery in flight: the first caller discovers, concurrent callers wait for that same
//!   attempt (bounded by a deadline) — no lock is held during the network I/O;
//! - a failed discovery is not retried before a back-off (doubling up to a maximum): callers
//!   in the back-off get the stored reason at once;
//! - a discovered URL is discovered again on a schedule (`max_age`), and at the next use after
//!   a fetch from it failed ([`Endpoint::failed`]); while that runs, the previous URL keeps
//!   being served, and it stays in use if the new discovery fails.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::http::{check_url, HttpClient};

/// The metadata URLs for an issuer identifier, in the order they are tried.
pub fn metadata_urls(issuer: &str) -> Vec<String> {
    let trimmed = issuer.trim_end_matches('/');
    let oidc = format!("{trimmed}/.well-known/openid-configuration");
    let rfc8414 = match trimmed.find("://").and_then(|i| trimmed[i + 3..].find('/').map(|j| i + 3 + j)) {
        Some(path_start) => {
            format!("{}/.well-known/oauth-authorization-server{}", &trimmed[..path_start], &trimmed[path_start..])
        }
        None => format!("{trimmed}/.well-known/oauth-authorization-server"),
    };
    vec![oidc, rfc8414]
}

fn is_https(url: &str) -> bool {
    url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

/// Fetch the first metadata document that names `issuer`, and read the endpoint `field` from it
/// (`jwks_uri`, `token_endpoint`). Errors are readable reasons. `deadline` bounds the whole
/// attempt (every metadata URL included).
pub fn discover_endpoint(
    http: &HttpClient,
    urls: &[String],
    issuer: &str,
    field: &str,
    deadline: Option<Instant>,
) -> Result<String, String> {
    let mut reasons = Vec::new();
    for url in urls {
        let found = http
            .get_json_until(url, None, deadline)
            .and_then(|doc| endpoint_from_metadata(&doc, url, issuer, field, http.allows_insecure_http()));
        match found {
            Ok(endpoint) => return Ok(endpoint),
            Err(e) => reasons.push(e),
        }
    }
    Err(format!("discovery failed: {}", reasons.join("; ")))
}

/// How an [`Endpoint`] is discovered and kept.
pub struct EndpointPolicy {
    /// A discovered URL older than this is discovered again at its next use.
    pub max_age: Duration,
    /// The back-off after a failed discovery; doubles with each further failure…
    pub backoff: Duration,
    /// …up to this.
    pub max_backoff: Duration,
    /// How long one discovery may take (every metadata URL included); waiters wait that long.
    pub deadline: Duration,
}

#[derive(Default)]
struct State {
    /// The URL in use and when it was discovered.
    found: Option<(String, Instant)>,
    /// Set by [`Endpoint::failed`]: discover again at the next use.
    suspect: bool,
    in_flight: bool,
    /// Incremented when an attempt finishes; waiters watch it.
    generation: u64,
    last_error: Option<String>,
    failures: u32,
    retry_at: Option<Instant>,
}

/// A URL given in the configuration, or found by discovery (see the module docs).
pub struct Endpoint {
    fixed: Option<String>,
    urls: Vec<String>,
    issuer: String,
    field: &'static str,
    policy: EndpointPolicy,
    state: Mutex<State>,
    finished: Condvar,
}

enum Step {
    Use(String),
    Fail(String),
    Discover,
    Wait(u64),
}

impl Endpoint {
    /// A URL from the configuration: never discovered.
    pub fn fixed(url: String) -> Endpoint {
        Endpoint::new(
            Some(url),
            Vec::new(),
            String::new(),
            "",
            EndpointPolicy {
                max_age: Duration::MAX,
                backoff: Duration::ZERO,
                max_backoff: Duration::ZERO,
                deadline: Duration::ZERO,
            },
        )
    }

    /// The endpoint `field` of `issuer`'s metadata, read from the first of `urls` that answers.
    pub fn discovered(urls: Vec<String>, issuer: String, field: &'static str, policy: EndpointPolicy) -> Endpoint {
        Endpoint::new(None, urls, issuer, field, policy)
    }

    fn new(
        fixed: Option<String>,
        urls: Vec<String>,
        issuer: String,
        field: &'static str,
        policy: EndpointPolicy,
    ) -> Endpoint {
        Endpoint { fixed, urls, issuer, field, policy, state: Mutex::new(State::default()), finished: Condvar::new() }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The URL to use now, discovering it first when needed. Errors are readable reasons.
    /// `deadline` (else the policy's) bounds a discovery made or waited for by this call.
    pub fn get(&self, http: &HttpClient, deadline: Option<Instant>) -> Result<String, String> {
        if let Some(url) = &self.fixed {
            return Ok(url.clone());
        }
        let mut st = self.lock();
        loop {
            let now = Instant::now();
            let backing_off = st.retry_at.is_some_and(|t| now < t);
            let step = match &st.found {
                Some((url, at)) => {
                    let due = st.suspect || at.elapsed() >= self.policy.max_age;
                    if !due || st.in_flight || backing_off {
                        Step::Use(url.clone())
                    } else {
                        Step::Discover
                    }
                }
                None if st.in_flight => Step::Wait(st.generation),
                None if backing_off => Step::Fail(format!(
                    "{} (not retried for {} ms)",
                    st.last_error.as_deref().unwrap_or("discovery failed"),
                    st.retry_at.map(|t| t.saturating_duration_since(now).as_millis()).unwrap_or(0)
                )),
                None => Step::Discover,
            };
            match step {
                Step::Use(url) => return Ok(url),
                Step::Fail(reason) => return Err(reason),
                Step::Discover => break,
                Step::Wait(generation) => {
                    let until = deadline.unwrap_or(now + self.policy.deadline);
                    while st.in_flight && st.generation == generation {
                        let left = until.saturating_duration_since(Instant::now());
                        if left.is_zero() {
                            return Err(format!("discovery of the {} did not finish in time", self.field));
                        }
                        st = self.finished.wait_timeout(st, left).unwrap_or_else(|p| p.into_inner()).0;
                    }
                    if st.found.is_none() {
                        return Err(st.last_error.clone().unwrap_or_else(|| "discovery failed".into()));
                    }
                }
            }
        }
        st.in_flight = true;
        drop(st);

        let deadline = deadline.unwrap_or_else(|| Instant::now() + self.policy.deadline);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            discover_endpoint(http, &self.urls, &self.issuer, self.field, Some(deadline))
        }))
        .unwrap_or_else(|_| Err("internal error during discovery".into()));

        let mut st = self.lock();
        st.in_flight = false;
        st.generation += 1;
        let result = match outcome {
            Ok(url) => {
                st.found = Some((url.clone(), Instant::now()));
                st.suspect = false;
                st.failures = 0;
                st.retry_at = None;
                st.last_error = None;
                Ok(url)
            }
            Err(e) => {
                st.failures = st.failures.saturating_add(1);
                let factor = 1u32 << (st.failures - 1).min(16);
                let backoff = self.policy.backoff.saturating_mul(factor).min(self.policy.max_backoff);
                st.retry_at = Some(Instant::now() + backoff);
                st.last_error = Some(e.clone());
                // A previous URL stays in use until a discovery succeeds.
                match &st.found {
                    Some((url, _)) => Ok(url.clone()),
                    None => Err(e),
                }
            }
        };
        drop(st);
        self.finished.notify_all();
        result
    }

    /// A fetch from `url` (as returned by [`Endpoint::get`]) failed: discover again at the next
    /// use (within the back-off of a failed discovery, the URL keeps being used).
    pub fn failed(&self, url: &str) {
        if self.fixed.is_some() {
            return;
        }
        let mut st = self.lock();
        if st.found.as_ref().is_some_and(|(u, _)| u == url) {
            st.suspect = true;
        }
    }
}

/// The endpoint `field` of the metadata document `doc` fetched from `url`, once its `issuer` equals
/// `issuer` and the endpoint passes the transport policy (no `https` to `http` downgrade). Pure, so
/// that it can be fuzzed.
pub fn endpoint_from_metadata(
    doc: &Value,
    url: &str,
    issuer: &str,
    field: &str,
    allow_insecure_http: bool,
) -> Result<String, String> {
    let found = doc.get("issuer").and_then(Value::as_str);
    if found != Some(issuer) {
        let hint = found.and_then(|f| crate::error::near_miss_hint(issuer, f)).unwrap_or("");
        let found = found.map_or_else(|| "none".to_owned(), crate::error::quote);
        return Err(format!(
            "{url}: the metadata's issuer does not equal the configured issuer: the metadata says {found}, \
             the configuration says {}{hint}",
            crate::error::quote(issuer)
        ));
    }
    let endpoint = doc.get(field).and_then(Value::as_str).ok_or_else(|| format!("{url}: the metadata has no {field}"))?;
    if is_https(url) && !is_https(endpoint) {
        return Err(format!(
            "{url}: the metadata, fetched over https, names a {field} that is not https ({endpoint:?}): refused as a downgrade"
        ));
    }
    check_url(endpoint, allow_insecure_http)?;
    Ok(endpoint.to_owned())
}
