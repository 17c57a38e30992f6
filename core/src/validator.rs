//! The validation pipeline (docs/README.md, steps 1–9).
//!
//! 1. size cap, before any decoding (`token_too_large`);
//! 2. strict compact-JWS parsing (`jws.rs`): `malformed_token`, `unsupported_token`, and an `alg`
//!    that is no JWA algorithm we verify (`none` in any spelling) → `algorithm_not_allowed`;
//! 3. the trusted issuer: with one issuer it is that one (a wrong `iss` is reported after the
//!    signature check); with several, the token's `iss` picks one before any network I/O;
//! 4. `alg` in that issuer's allow-list (`algorithm_not_allowed`);
//! 5. key selection by `kid`:
//!    - a kid the set lacks first gets the set refetched (a remote set, at most once per
//!      cooldown, joining a fetch already in flight), and only then falls back to the keys
//!      that have no kid (a PEM key, a kid-less JWK) of the token's family (else
//!      `key_not_found`): a kid-less key never stops a rotated key from being found;
//!    - a key of another family, or whose JWK `alg` differs, is `algorithm_not_allowed`;
//!    - a token without a `kid` (or with an unknown one, on the kid-less keys) is tried against
//!      the keys compatible with its `alg`, but only when there are at most
//!      [`MAX_KEYS_WITHOUT_KID`] of them: with more, it is `key_not_found` without any
//!      verification, so a forged kid-less token never costs more than a few verifications
//!      (a key set of 100 RSA keys would otherwise be 100). Issuers with several keys per
//!      algorithm name the key with `kid`, as RFC 7517 §4.5 intends;
//! 6. the signature (`invalid_signature`), always before any claim is judged;
//! 7. claims and the Principal (`claims.rs`).

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::config::{defaults, Config, Discovery, IssuerConfig};
use crate::error::{quote, Error, ErrorCode, Result};
use crate::extract::{extract_token, Request};
use crate::http::{check_url, HttpClient};
use crate::json::Lite;
use crate::jwks_cache::{Locator, Lookup, RemoteKeys, Timing};
use crate::jws::{self, Jws};
use crate::keys::KeySet;
use crate::policy::Policy;
use crate::principal::Principal;
use crate::token_client::TokenClient;
use crate::claims;

/// A configured validator. Cheap to clone, `Send + Sync`: share one per service.
#[derive(Clone)]
pub struct Validator {
    inner: Arc<Inner>,
}

enum KeySource {
    Static(KeySet),
    Remote(RemoteKeys),
}

struct Trusted {
    policy: Policy,
    keys: KeySource,
}

struct Inner {
    issuers: Vec<Trusted>,
    leeway_s: u64,
    max_token_bytes: usize,
    cookie_name: Option<String>,
}

/// Why a run stopped: a definite error, or the need for network I/O the caller did not allow.
/// A `malformed_token` error with a hint for the usual mistakes around the token text: the
/// `Authorization` header value passed whole (`Bearer …`), or surrounding whitespace. The token
/// itself is never repeated.
fn token_shape_hint(e: Error, token: &str) -> Error {
    if e.code() != ErrorCode::MalformedToken {
        return e;
    }
    let hint = if token.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("bearer ")) {
        "the text starts with \"Bearer \": pass the token alone (validate takes the token; authenticate takes \
         the request's headers and strips the scheme)"
    } else if token.trim() != token {
        "the text has leading or trailing whitespace: trim it before validating"
    } else {
        return e;
    };
    Error::new(ErrorCode::MalformedToken, format!("{} ({hint})", e.message()))
}

enum Stop {
    Error(Error),
    NeedsNetwork,
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        Stop::Error(e)
    }
}

fn config_err(msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidConfig, msg)
}

/// The most keys a token that does not name one (no `kid`, or a `kid` the set lacks) is tried
/// against; with more compatible keys it is `key_not_found` (see the module docs, step 5).
pub const MAX_KEYS_WITHOUT_KID: usize = 3;

/// The outcome of trying the candidate keys.
enum Verdict {
    Verified,
    UnknownKid,
    AlgorithmMismatch,
    NoKey,
    /// The token names no key and this many keys could verify it: none is tried.
    TooManyKeys(usize),
    BadSignature,
}

fn verify(keys: &KeySet, jws: &Jws<'_>) -> Verdict {
    if !jws.kid.as_deref().is_some_and(|kid| keys.has_kid(kid)) {
        let n = keys.candidates(jws.kid.as_deref()).filter(|k| k.accepts(jws.alg)).count();
        if n > MAX_KEYS_WITHOUT_KID {
            return Verdict::TooManyKeys(n);
        }
    }
    let mut compatible = false;
    for key in keys.candidates(jws.kid.as_deref()) {
        if !key.accepts(jws.alg) {
            continue;
        }
        compatible = true;
        if key.verify(jws.alg, jws.signing_input.as_bytes(), &jws.signature) {
            return Verdict::Verified;
        }
    }
    let named = jws.kid.as_deref().is_some_and(|kid| keys.has_kid(kid));
    match (jws.kid.is_some(), named, compatible) {
        (_, _, true) => Verdict::BadSignature,
        // The kid names a key of another family or algorithm.
        (true, true, false) => Verdict::AlgorithmMismatch,
        // An unknown kid, and no kid-less key that could verify instead: maybe rotated.
        (true, false, false) => Verdict::UnknownKid,
        (false, _, false) => Verdict::NoKey,
    }
}

fn verdict_error(v: Verdict, jws: &Jws<'_>) -> Result<()> {
    match v {
        Verdict::Verified => Ok(()),
        Verdict::UnknownKid => Err(Error::new(
            ErrorCode::KeyNotFound,
            format!("no usable key with kid {}", quote(jws.kid.as_deref().unwrap_or(""))),
        )),
        Verdict::NoKey => Err(Error::new(ErrorCode::KeyNotFound, format!("no usable key for {}", jws.alg))),
        Verdict::TooManyKeys(n) => Err(Error::new(
            ErrorCode::KeyNotFound,
            format!(
                "the token names no key of the set and {n} keys could verify {} (at most {MAX_KEYS_WITHOUT_KID} are tried): the issuer must set kid",
                jws.alg
            ),
        )),
        Verdict::AlgorithmMismatch => Err(Error::new(
            ErrorCode::AlgorithmNotAllowed,
            format!("the key named by the token is not a {} key", jws.alg),
        )),
        Verdict::BadSignature => Err(Error::new(ErrorCode::InvalidSignature, "the signature does not verify")),
    }
}

fn build_key_source(c: &IssuerConfig, issuer: &str, config: &Config, http: &Arc<HttpClient>) -> Result<KeySource> {
    let discovery = match &c.discovery {
        None | Some(Discovery::Enabled(false)) => None,
        Some(d) => Some(d),
    };
    let count = [c.jwks_url.is_some(), discovery.is_some(), c.jwks.is_some(), c.pem.is_some(), c.hmac_secret.is_some()]
        .iter()
        .filter(|x| **x)
        .count();
    if count != 1 {
        return Err(config_err(format!(
            "issuer {}: exactly one key source is required (jwks_url, discovery, jwks, pem or hmac_secret), found {count}",
            quote(issuer)
        )));
    }
    let auth = match &c.jwks_auth {
        None => None,
        Some(_) if c.jwks_url.is_none() && discovery.is_none() => {
            return Err(config_err("jwks_auth needs a remote key source (jwks_url or discovery)"));
        }
        Some(client) => {
            let mut client = client.clone();
            if client.issuer.is_none() && client.token_endpoint.is_none() {
                client.issuer = Some(issuer.to_owned());
            }
            client.allow_insecure_http |= config.allow_insecure_http;
            if client.ca_bundle_pem.is_none() {
                client.ca_bundle_pem = config.ca_bundle_pem.clone();
            }
            Some(TokenClient::new(client)?)
        }
    };
    let remote = |locator| {
        Ok(KeySource::Remote(RemoteKeys::new(
            locator,
            http.clone(),
            auth.clone(),
            Timing {
                ttl: Duration::from_secs(config.jwks_cache_ttl_s),
                cooldown: Duration::from_secs(config.jwks_refresh_cooldown_s),
                fetch_deadline: Duration::from_millis(config.http_timeout_ms),
            },
        )))
    };
    let checked = |url: &str| check_url(url, config.allow_insecure_http).map_err(config_err);
    if let Some(url) = &c.jwks_url {
        checked(url)?;
        return remote(Locator::Jwks(url.clone()));
    }
    if let Some(d) = discovery {
        let locator = match d {
            Discovery::Url(url) => Locator::Discovery { urls: vec![url.clone()], issuer: issuer.to_owned() },
            _ => Locator::discovery_for(issuer),
        };
        if let Locator::Discovery { urls, .. } = &locator {
            for url in urls {
                checked(url)?;
            }
        }
        return remote(locator);
    }
    let inline = |set: std::result::Result<KeySet, String>, what: &str| {
        let set = set.map_err(|e| config_err(format!("{what}: {e}")))?;
        if set.is_empty() {
            return Err(config_err(format!("{what}: no usable signing key ({} skipped)", set.skipped)));
        }
        Ok(KeySource::Static(set))
    };
    if let Some(jwks) = &c.jwks {
        let doc = match jwks {
            Value::String(text) => serde_json::from_str(text).map_err(|e| config_err(format!("jwks: {e}")))?,
            other => other.clone(),
        };
        return inline(KeySet::from_jwks(&doc), "jwks");
    }
    if let Some(pem) = &c.pem {
        return inline(KeySet::from_pem(pem), "pem");
    }
    let secret = c.hmac_secret.as_deref().unwrap_or_default();
    inline(KeySet::from_hmac_secret(secret.as_bytes()), "hmac_secret")
}

impl Validator {
    /// Build a validator. Refuses invalid or insecure configuration (`invalid_config`). Performs no
    /// network I/O: remote keys are fetched on first use (or by [`Validator::refresh`]).
    pub fn new(config: Config) -> Result<Validator> {
        crate::config_bounds::check(&config)?;
        if config.max_token_bytes == 0 {
            return Err(config_err("max_token_bytes must be positive"));
        }
        if config.http_timeout_ms == 0 {
            return Err(config_err("http_timeout_ms must be positive"));
        }
        if config.cookie_name.as_deref() == Some("") {
            return Err(config_err("cookie_name must not be empty"));
        }
        let http = Arc::new(
            HttpClient::with_ca_bundle(
                Duration::from_millis(config.http_timeout_ms),
                defaults::JWKS_MAX_BYTES,
                config.allow_insecure_http,
                config.ca_bundle_pem.as_deref(),
            )
            .map_err(config_err)?,
        );
        let top = &config.default_issuer;
        let entries: Vec<&IssuerConfig> = match &config.issuers {
            Some(list) => {
                let top_source = top.issuer.is_some()
                    || top.jwks_auth.is_some()
                    || top.jwks_url.is_some()
                    || top.discovery.is_some()
                    || top.jwks.is_some()
                    || top.pem.is_some()
                    || top.hmac_secret.is_some();
                if top_source {
                    return Err(config_err("with issuers, issuer and key sources go inside each entry"));
                }
                if list.is_empty() {
                    return Err(config_err("issuers must not be empty"));
                }
                list.iter().collect()
            }
            None => vec![top],
        };
        let mut issuers: Vec<Trusted> = Vec::with_capacity(entries.len());
        for entry in entries {
            let policy = Policy::resolve(entry, top, entry.hmac_secret.as_ref().map(String::len))?;
            if issuers.iter().any(|t| t.policy.issuer == policy.issuer) {
                return Err(config_err(format!("issuer {} is listed twice", quote(&policy.issuer))));
            }
            let keys = build_key_source(entry, &policy.issuer, &config, &http)?;
            issuers.push(Trusted { policy, keys });
        }
        Ok(Validator {
            inner: Arc::new(Inner {
                issuers,
                leeway_s: config.leeway_s,
                max_token_bytes: config.max_token_bytes,
                cookie_name: config.cookie_name,
            }),
        })
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
        settle(self.run(token, now, true))
    }

    /// Like [`Validator::validate_at`] but never touches the network: `Ok(None)` means the answer
    /// needs a key fetch, so call `validate_at` off the event loop.
    pub fn validate_cached(&self, token: &str, now: i64) -> Result<Option<Principal>> {
        settle_cached(self.run(token, now, false))
    }

    /// [`Validator::validate_at`] for a token that arrived as bytes (C ABI, raw headers): the size
    /// cap applies first, then bytes that are not UTF-8 are `malformed_token`.
    pub fn validate_bytes_at(&self, token: &[u8], now: i64) -> Result<Principal> {
        self.validate_at(self.token_text(token)?, now)
    }

    /// [`Validator::validate_cached`] for a token that arrived as bytes.
    pub fn validate_bytes_cached(&self, token: &[u8], now: i64) -> Result<Option<Principal>> {
        self.validate_cached(self.token_text(token)?, now)
    }

    fn token_text<'t>(&self, token: &'t [u8]) -> Result<&'t str> {
        if token.len() > self.inner.max_token_bytes {
            return Err(too_large(token.len(), self.inner.max_token_bytes));
        }
        std::str::from_utf8(token).map_err(|_| Error::new(ErrorCode::MalformedToken, "the token is not UTF-8 text"))
    }

    /// Extract the token from a request and validate it.
    pub fn authenticate(&self, request: &Request) -> Result<Principal> {
        self.authenticate_at(request, now())
    }

    pub fn authenticate_at(&self, request: &Request, now: i64) -> Result<Principal> {
        let token = extract_token(request, self.inner.cookie_name.as_deref())?;
        self.validate_at(token, now)
    }

    /// Like [`Validator::authenticate_at`] but never touches the network (`Ok(None)`: needs a fetch).
    pub fn authenticate_cached(&self, request: &Request, now: i64) -> Result<Option<Principal>> {
        let token = extract_token(request, self.inner.cookie_name.as_deref())?;
        self.validate_cached(token, now)
    }

    /// Fetch every remote key set now (warm-up), the issuers' sets concurrently; a no-op for
    /// inline keys. Every set is refreshed even when some fail; the failures are then reported
    /// together, one `key_source_unavailable` naming each failing issuer. An issuer whose fetch
    /// failed but that still holds keys from an earlier fetch is not a failure.
    pub fn refresh(&self) -> Result<()> {
        let remotes: Vec<(&str, &RemoteKeys)> = self
            .inner
            .issuers
            .iter()
            .filter_map(|t| match &t.keys {
                KeySource::Remote(r) => Some((t.policy.issuer.as_str(), r)),
                KeySource::Static(_) => None,
            })
            .collect();
        let outcomes: Vec<(&str, Result<()>)> = match remotes.as_slice() {
            [] => Vec::new(),
            [(issuer, r)] => vec![(issuer, r.force_refresh())],
            _ => std::thread::scope(|s| {
                let handles: Vec<_> =
                    remotes.iter().map(|(issuer, r)| (*issuer, s.spawn(move || r.force_refresh()))).collect();
                handles
                    .into_iter()
                    .map(|(issuer, h)| {
                        let outcome = h.join().unwrap_or_else(|_| {
                            Err(Error::new(ErrorCode::KeySourceUnavailable, "internal error while fetching keys"))
                        });
                        (issuer, outcome)
                    })
                    .collect()
            }),
        };
        let failures: Vec<String> = outcomes
            .into_iter()
            .filter_map(|(issuer, r)| r.err().map(|e| format!("issuer {}: {}", quote(issuer), e.message())))
            .collect();
        match failures.len() {
            0 => Ok(()),
            n => Err(Error::new(
                ErrorCode::KeySourceUnavailable,
                format!("{n} of {} issuers have no keys: {}", self.inner.issuers.len(), failures.join("; ")),
            )),
        }
    }

    /// The trusted issuer identifiers, in configuration order.
    pub fn issuers(&self) -> impl Iterator<Item = &str> {
        self.inner.issuers.iter().map(|t| t.policy.issuer.as_str())
    }

    fn select(&self, jws: &Jws<'_>) -> Result<&Trusted> {
        let issuers = &self.inner.issuers;
        if let [only] = issuers.as_slice() {
            return Ok(only);
        }
        let iss = jws.claims.get("iss").and_then(Lite::as_str);
        issuers
            .iter()
            .find(|t| Some(t.policy.issuer.as_str()) == iss)
            .ok_or_else(|| {
                let configured: Vec<String> = issuers.iter().take(8).map(|t| quote(&t.policy.issuer)).collect();
                let more = if issuers.len() > 8 { format!(" and {} more", issuers.len() - 8) } else { String::new() };
                let token =
                    iss.map_or_else(|| "the token has no iss".to_owned(), |i| format!("the token's iss is {}", quote(i)));
                let hint = iss
                    .and_then(|i| issuers.iter().find_map(|t| crate::error::near_miss_hint(&t.policy.issuer, i)))
                    .unwrap_or("");
                Error::new(
                    ErrorCode::InvalidIssuer,
                    format!(
                        "the token's issuer is not trusted: {token}; the configured issuers are {}{more}{hint}",
                        configured.join(", ")
                    ),
                )
            })
    }

    fn run(&self, token: &str, now: i64, network: bool) -> std::result::Result<Principal, Stop> {
        let inner = &*self.inner;
        if token.len() > inner.max_token_bytes {
            return Err(too_large(token.len(), inner.max_token_bytes).into());
        }
        let segments = jws::split(token).map_err(|e| token_shape_hint(e, token))?;
        let jws = segments.parse().map_err(|e| token_shape_hint(e, token))?;
        let trusted = self.select(&jws)?;
        if !trusted.policy.algorithms.contains(jws.alg) {
            return Err(Error::new(ErrorCode::AlgorithmNotAllowed, format!("algorithm {} is not allowed", jws.alg)).into());
        }
        match &trusted.keys {
            KeySource::Static(keys) => verdict_error(verify(keys, &jws), &jws)?,
            KeySource::Remote(remote) => {
                let mut keys = match remote.keys(network)? {
                    Lookup::Keys(k) => k,
                    Lookup::NeedsNetwork => return Err(Stop::NeedsNetwork),
                };
                // An unknown kid: the refetch is decided before any fallback to kid-less keys.
                if jws.kid.as_deref().is_some_and(|kid| !keys.has_kid(kid)) {
                    match remote.refetch_for_unknown_kid(&keys, network)? {
                        Some(Lookup::Keys(fresh)) => keys = fresh,
                        Some(Lookup::NeedsNetwork) => return Err(Stop::NeedsNetwork),
                        None => {}
                    }
                }
                verdict_error(verify(&keys, &jws), &jws)?;
            }
        }
        Ok(claims::check(&trusted.policy, jws, token, now, inner.leeway_s)?)
    }
}

fn too_large(len: usize, max: usize) -> Error {
    Error::new(ErrorCode::TokenTooLarge, format!("the token is {len} bytes, over the {max} byte limit"))
}

fn settle(r: std::result::Result<Principal, Stop>) -> Result<Principal> {
    match r {
        Ok(p) => Ok(p),
        Err(Stop::Error(e)) => Err(e),
        // Only runs with network allowed reach here, and those never ask for it.
        Err(Stop::NeedsNetwork) => Err(Error::new(ErrorCode::KeySourceUnavailable, "keys are not available")),
    }
}

fn settle_cached(r: std::result::Result<Principal, Stop>) -> Result<Option<Principal>> {
    match r {
        Ok(p) => Ok(Some(p)),
        Err(Stop::NeedsNetwork) => Ok(None),
        Err(Stop::Error(e)) => Err(e),
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
