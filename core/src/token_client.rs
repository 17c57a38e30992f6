//! Outgoing calls: a service's own tokens and exchanged user tokens (docs/README.md, "Outgoing").
//!
//! - **Client credentials** (RFC 6749 §4.4) with `scope`, `audience` and RFC 8707 `resource`,
//!   cached per (audience, resources, scope) — the endpoint and client are fixed per client.
//! - **jwt-bearer** (RFC 7523 §2.1): exchange a user JWT for a token meant for a third party.
//! - **Token exchange** (RFC 8693), checking the `issued_token_type` of the answer.
//! - Client authentication `client_secret_basic`, `client_secret_post` or `private_key_jwt`; for
//!   the two grants above, optionally a Bearer client-credentials token instead
//!   (`use_client_token`): a token whose audience is the authorization server itself (its issuer,
//!   else its token endpoint), asked for with `audience=` and no scope — never the default token
//!   the client sends its downstream services, which any of them could replay to act as the
//!   client. This scheme is not an OAuth standard; prefer `private_key_jwt`.
//! - Only `token_type` `Bearer` (any case) is accepted; `N_A` too when a token exchange asked for a
//!   `requested_token_type` other than an access token (RFC 8693 §2.2.1). `DPoP`, `mac`, a missing
//!   `token_type`… are `token_endpoint_error`: such a token would be sent as a Bearer token.
//! - Exchanged tokens are cached by (SHA-256 of the subject token, grant, audience, scope, actor
//!   token and its type, …), never beyond the subject token's own `exp`; when that `exp` cannot be
//!   read (an opaque token, no `exp`, a non-numeric `exp`) the exchanged token is not cached.
//!   `actor_token_type` without `actor_token` is `invalid_config`.
//! - After a refusal with nothing usable cached, calls during the back-off (5 s) get the stored
//!   error without a new request.
//!
//! Failures are `token_endpoint_error` carrying the OAuth `error` when the server sent one;
//! configuration problems are `invalid_config`. Secrets and tokens never appear in errors.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use zeroize::Zeroizing;

use crate::client_assertion::AssertionSigner;
use crate::config::{defaults, describe_json_error, Discovery, OneOrMany};
use crate::discovery::{self, Endpoint, EndpointPolicy};
use crate::error::{quote, Error, ErrorCode, Result};
use crate::http::{check_url, HttpClient};
use crate::token_cache::{Fetched, TokenCache};
use crate::validator::now;

pub const GRANT_CLIENT_CREDENTIALS: &str = "client_credentials";
pub const GRANT_JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub const GRANT_TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub const TOKEN_TYPE_ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
pub const TOKEN_TYPE_JWT: &str = "urn:ietf:params:oauth:token-type:jwt";
const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A discovered token endpoint is discovered again after this long.
const TOKEN_ENDPOINT_MAX_AGE: Duration = Duration::from_secs(3600);
/// After a failed discovery of the token endpoint, no new attempt for this long (doubling with
/// each further failure, up to `DISCOVERY_MAX_BACKOFF`); callers get the stored reason.
const DISCOVERY_BACKOFF: Duration = Duration::from_secs(1);
const DISCOVERY_MAX_BACKOFF: Duration = Duration::from_secs(60);

/// `expires_in` absent: how long the token is used.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(60);
/// The longest a token is cached, whatever `expires_in` says.
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How the client authenticates to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    PrivateKeyJwt,
}

/// Configuration of a token client (same field names as the validator's where they overlap).
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenClientConfig {
    /// The authorization server's issuer identifier: used for discovery and as the `aud` of
    /// `private_key_jwt` assertions.
    pub issuer: Option<String>,
    /// The token endpoint; without it, `discovery` (default on when `issuer` is set) finds it.
    pub token_endpoint: Option<String>,
    pub discovery: Option<Discovery>,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Default: `client_secret_basic` with a secret, `private_key_jwt` with a private key.
    pub client_auth: Option<ClientAuthMethod>,
    /// PKCS#8 PEM private key for `private_key_jwt`.
    pub private_key_pem: Option<String>,
    pub private_key_alg: Option<String>,
    pub private_key_kid: Option<String>,
    /// Defaults for requests that leave them out.
    pub scope: Option<OneOrMany>,
    pub audience: Option<String>,
    pub resource: Option<OneOrMany>,
    #[serde(default = "defaults::http_timeout_ms")]
    pub http_timeout_ms: u64,
    #[serde(default)]
    pub allow_insecure_http: bool,
    /// PEM CA certificates trusted for `https` token and metadata endpoints instead of the
    /// built-in web PKI roots (an internal PKI).
    pub ca_bundle_pem: Option<String>,
}

impl fmt::Debug for TokenClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenClientConfig")
            .field("issuer", &self.issuer)
            .field("token_endpoint", &self.token_endpoint)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "<redacted>"))
            .field("private_key_pem", &self.private_key_pem.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl Drop for TokenClientConfig {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.client_secret);
        zeroize::Zeroize::zeroize(&mut self.private_key_pem);
    }
}

/// Parameters of one token request. Fields that do not apply to the grant are refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub scope: Option<OneOrMany>,
    pub audience: Option<String>,
    pub resource: Option<OneOrMany>,
    /// Token exchange: the type of the subject token (default `…:access_token`).
    pub subject_token_type: Option<String>,
    /// Token exchange: the type asked for (default `…:access_token`).
    pub requested_token_type: Option<String>,
    pub actor_token: Option<String>,
    pub actor_token_type: Option<String>,
    /// jwt-bearer / token exchange: authenticate with a client-credentials token of this client
    /// whose audience is the authorization server (`Authorization: Bearer …`), requested for the
    /// purpose, instead of its credentials. Not an OAuth standard: prefer `private_key_jwt`.
    #[serde(default)]
    pub use_client_token: bool,
}

impl TokenRequest {
    pub fn from_json(text: &str) -> Result<TokenRequest> {
        if text.trim().is_empty() {
            return Ok(TokenRequest::default());
        }
        serde_json::from_str(text)
            .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("token request: {}", describe_json_error(&e))))
    }
}

/// A token obtained from the authorization server.
#[derive(Clone, Serialize)]
pub struct AccessToken {
    pub access_token: String,
    pub token_type: String,
    /// Seconds since the epoch when it expires, as the server stated (`expires_in`).
    pub expires_at: Option<i64>,
    pub scope: Option<String>,
    /// Token exchange: the type of the issued token.
    pub issued_token_type: Option<String>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

impl AccessToken {
    /// The `Authorization` header value for an outgoing call.
    pub fn authorization_header(&self) -> String {
        format!("Bearer {}", self.access_token)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an AccessToken always serialises")
    }
}

fn config_err(msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidConfig, msg)
}

fn endpoint_err(msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::TokenEndpointError, msg)
}

/// Client credentials, zeroized when the client is dropped.
enum Auth {
    /// The base64 `id:secret` of the Basic header.
    Basic(Zeroizing<String>),
    Post(Zeroizing<String>),
    PrivateKeyJwt(AssertionSigner),
}

struct Inner {
    client_id: String,
    issuer: Option<String>,
    auth: Auth,
    defaults: TokenRequest,
    http: HttpClient,
    /// Explicit, or found by discovery on first use (single flight, back-off after a failure,
    /// discovered again hourly and after a request to it failed: see `discovery::Endpoint`).
    token_endpoint: Endpoint,
    own_tokens: TokenCache,
    exchanged: TokenCache,
}

/// A client of one authorization server, as one OAuth client. Cheap to clone, `Send + Sync`.
#[derive(Clone)]
pub struct TokenClient {
    inner: Arc<Inner>,
}

/// RFC 6749 §2.3.1: the id and secret are form-urlencoded before Basic encoding.
fn basic_credentials(id: &str, secret: &str) -> Zeroizing<String> {
    let enc = |s: &str| Zeroizing::new(form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>());
    let plain = Zeroizing::new(format!("{}:{}", *enc(id), *enc(secret)));
    Zeroizing::new(STANDARD.encode(plain.as_bytes()))
}

fn joined(v: &Option<OneOrMany>) -> Option<String> {
    v.as_ref().map(|s| s.to_vec().join(" "))
}

/// The `exp` of a JWT, read without verification (only to bound a cache entry).
fn unverified_exp(token: &str) -> Option<i64> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_f64().map(|e| e as i64)
}

/// Lifetime from `expires_in` (a number, or a numeric string as some servers send).
fn lifetime(expires_in: Option<&Value>) -> Duration {
    let secs = match expires_in {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match secs {
        None => DEFAULT_LIFETIME,
        Some(s) if !s.is_finite() || s <= 0.0 => Duration::ZERO,
        Some(s) => Duration::from_secs_f64(s.min(MAX_LIFETIME.as_secs_f64())),
    }
}

impl TokenClient {
    pub fn new(cfg: TokenClientConfig) -> Result<TokenClient> {
        if cfg.client_id.is_empty() {
            return Err(config_err("client_id must not be empty"));
        }
        if cfg.http_timeout_ms == 0 {
            return Err(config_err("http_timeout_ms must be positive"));
        }
        crate::config_bounds::check_http_timeout_ms(cfg.http_timeout_ms)?;
        let method = cfg.client_auth.unwrap_or(if cfg.private_key_pem.is_some() {
            ClientAuthMethod::PrivateKeyJwt
        } else {
            ClientAuthMethod::ClientSecretBasic
        });
        let secret = || {
            cfg.client_secret
                .clone()
                .ok_or_else(|| config_err("client_secret is required for client_secret_basic / client_secret_post"))
        };
        let auth = match method {
            ClientAuthMethod::ClientSecretBasic => Auth::Basic(basic_credentials(&cfg.client_id, &secret()?)),
            ClientAuthMethod::ClientSecretPost => Auth::Post(Zeroizing::new(secret()?)),
            ClientAuthMethod::PrivateKeyJwt => {
                let pem = cfg.private_key_pem.as_deref().ok_or_else(|| config_err("private_key_jwt needs private_key_pem"))?;
                Auth::PrivateKeyJwt(
                    AssertionSigner::from_pem(pem, cfg.private_key_alg.as_deref(), cfg.private_key_kid.clone())
                        .map_err(config_err)?,
                )
            }
        };
        let checked = |url: &str| check_url(url, cfg.allow_insecure_http).map_err(config_err);
        let discovery_urls = match (&cfg.token_endpoint, &cfg.discovery, &cfg.issuer) {
            (Some(endpoint), None | Some(Discovery::Enabled(false)), _) => {
                checked(endpoint)?;
                Vec::new()
            }
            (Some(_), Some(_), _) => return Err(config_err("token_endpoint and discovery are exclusive")),
            (None, Some(Discovery::Url(url)), Some(_)) => vec![url.clone()],
            (None, None | Some(Discovery::Enabled(true)), Some(issuer)) => discovery::metadata_urls(issuer),
            _ => return Err(config_err("a token client needs token_endpoint, or issuer (with discovery)")),
        };
        for url in &discovery_urls {
            checked(url)?;
        }
        let defaults = TokenRequest {
            scope: cfg.scope.clone(),
            audience: cfg.audience.clone(),
            resource: cfg.resource.clone(),
            ..TokenRequest::default()
        };
        Ok(TokenClient {
            inner: Arc::new(Inner {
                client_id: cfg.client_id.clone(),
                issuer: cfg.issuer.clone(),
                auth,
                defaults,
                http: HttpClient::with_ca_bundle(
                    Duration::from_millis(cfg.http_timeout_ms),
                    defaults::JWKS_MAX_BYTES,
                    cfg.allow_insecure_http,
                    cfg.ca_bundle_pem.as_deref(),
                )
                .map_err(config_err)?,
                token_endpoint: match &cfg.token_endpoint {
                    Some(url) => Endpoint::fixed(url.clone()),
                    None => Endpoint::discovered(
                        discovery_urls,
                        cfg.issuer.clone().unwrap_or_default(),
                        "token_endpoint",
                        EndpointPolicy {
                            max_age: TOKEN_ENDPOINT_MAX_AGE,
                            backoff: DISCOVERY_BACKOFF,
                            max_backoff: DISCOVERY_MAX_BACKOFF,
                            deadline: Duration::from_millis(cfg.http_timeout_ms),
                        },
                    ),
                },
                own_tokens: TokenCache::default(),
                exchanged: TokenCache::default(),
            }),
        })
    }

    pub fn from_json(text: &str) -> Result<TokenClient> {
        let cfg: TokenClientConfig =
            serde_json::from_str(text).map_err(|e| config_err(format!("token client configuration: {}", describe_json_error(&e))))?;
        TokenClient::new(cfg)
    }

    pub fn from_value(value: Value) -> Result<TokenClient> {
        let cfg: TokenClientConfig =
            serde_json::from_value(value).map_err(|e| config_err(format!("token client configuration: {}", describe_json_error(&e))))?;
        TokenClient::new(cfg)
    }

    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    fn with_defaults(&self, req: &TokenRequest) -> TokenRequest {
        let d = &self.inner.defaults;
        TokenRequest {
            scope: req.scope.clone().or_else(|| d.scope.clone()),
            audience: req.audience.clone().or_else(|| d.audience.clone()),
            resource: req.resource.clone().or_else(|| d.resource.clone()),
            ..req.clone()
        }
    }

    fn own_key(req: &TokenRequest) -> String {
        let mut scopes: Vec<String> = joined(&req.scope)
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        scopes.sort();
        let mut resources: Vec<String> = req.resource.as_ref().map(|s| s.to_vec()).unwrap_or_default();
        resources.sort();
        serde_json::json!([req.audience, resources, scopes]).to_string()
    }

    /// The request with defaults, refused if it carries parameters of the exchange grants.
    fn client_credentials_request(&self, req: &TokenRequest) -> Result<TokenRequest> {
        let req = self.with_defaults(req);
        if req.subject_token_type.is_some()
            || req.requested_token_type.is_some()
            || req.actor_token.is_some()
            || req.actor_token_type.is_some()
            || req.use_client_token
        {
            return Err(config_err("client_credentials takes only scope, audience and resource"));
        }
        Ok(req)
    }

    /// This service's own token (client credentials), from the cache when it is fresh.
    pub fn client_credentials(&self, req: &TokenRequest) -> Result<AccessToken> {
        let req = self.client_credentials_request(req)?;
        let key = Self::own_key(&req);
        self.inner.own_tokens.get(&key, None, || {
            let mut form = vec![("grant_type", GRANT_CLIENT_CREDENTIALS.to_owned())];
            push_common(&mut form, &req);
            self.request(form, None, None)
        })
    }

    /// The cached own token for `req` if it is before its refresh point — never touches the
    /// network (`Ok(None)`: call `client_credentials` off the event loop). An invalid request is
    /// refused exactly as `client_credentials` refuses it.
    pub fn client_credentials_cached(&self, req: &TokenRequest) -> Result<Option<AccessToken>> {
        let req = self.client_credentials_request(req)?;
        Ok(self.inner.own_tokens.fresh(&Self::own_key(&req)))
    }

    /// RFC 7523 §2.1: exchange `assertion` (a user JWT) for a token for `req.audience`.
    pub fn jwt_bearer(&self, assertion: &str, req: &TokenRequest) -> Result<AccessToken> {
        let req = self.with_defaults(req);
        if req.subject_token_type.is_some()
            || req.requested_token_type.is_some()
            || req.actor_token.is_some()
            || req.actor_token_type.is_some()
        {
            return Err(config_err("jwt-bearer takes scope, audience, resource and use_client_token"));
        }
        self.exchange(GRANT_JWT_BEARER, assertion, &req, None, |form| {
            form.push(("assertion", assertion.to_owned()));
        })
    }

    /// RFC 8693 token exchange of `subject_token` for a token for `req.audience`.
    pub fn token_exchange(&self, subject_token: &str, req: &TokenRequest) -> Result<AccessToken> {
        let req = self.with_defaults(req);
        if req.actor_token_type.is_some() && req.actor_token.is_none() {
            return Err(config_err("actor_token_type without actor_token: give the actor token too, or leave both out"));
        }
        let requested = req.requested_token_type.clone().unwrap_or_else(|| TOKEN_TYPE_ACCESS_TOKEN.to_owned());
        self.exchange(GRANT_TOKEN_EXCHANGE, subject_token, &req, Some(&requested), |form| {
            form.push(("subject_token", subject_token.to_owned()));
            form.push((
                "subject_token_type",
                req.subject_token_type.clone().unwrap_or_else(|| TOKEN_TYPE_ACCESS_TOKEN.to_owned()),
            ));
            if let Some(rt) = &req.requested_token_type {
                form.push(("requested_token_type", rt.clone()));
            }
            if let Some(actor) = &req.actor_token {
                form.push(("actor_token", actor.clone()));
                form.push(("actor_token_type", req.actor_token_type.clone().unwrap_or_else(|| TOKEN_TYPE_ACCESS_TOKEN.to_owned())));
            }
        })
    }

    fn exchange(
        &self,
        grant: &str,
        subject: &str,
        req: &TokenRequest,
        expect_issued_type: Option<&str>,
        params: impl FnOnce(&mut Vec<(&'static str, String)>),
    ) -> Result<AccessToken> {
        if subject.is_empty() {
            return Err(config_err("the token to exchange is empty"));
        }
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, subject.as_bytes());
        let key = serde_json::json!([
            grant,
            URL_SAFE_NO_PAD.encode(digest.as_ref()),
            Self::own_key(req),
            req.subject_token_type,
            req.requested_token_type,
            req.actor_token.as_ref().map(|a| URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, a.as_bytes()).as_ref())),
            req.actor_token_type,
            req.use_client_token,
        ])
        .to_string();
        // Never beyond the subject token's own expiry. A subject whose `exp` cannot be read (an
        // opaque token, no `exp`, a non-numeric `exp`) bounds nothing we can see: the exchanged
        // token is then used for this call only, never cached.
        let cap = match unverified_exp(subject) {
            Some(exp) => {
                // Bounded (a token is never cached beyond MAX_LIFETIME anyway): an `exp` of 1e300
                // must not overflow the Instant.
                let left = exp.saturating_sub(now()).clamp(0, MAX_LIFETIME.as_secs() as i64);
                Instant::now() + Duration::from_secs(left as u64)
            }
            None => Instant::now(),
        };
        self.inner.exchanged.get(&key, Some(cap), || {
            let mut form = vec![("grant_type", grant.to_owned())];
            params(&mut form);
            push_common(&mut form, req);
            let bearer = if req.use_client_token { Some(self.client_authentication_token()?) } else { None };
            self.request(form, bearer.as_deref(), expect_issued_type)
        })
    }

    /// `use_client_token`: a client-credentials token whose audience is the authorization server
    /// itself (its issuer identifier, else its token endpoint), asked for with no scope — never the
    /// default token this client sends to its downstream services, which any of them could replay
    /// at the token endpoint to act as this client. Non-standard: prefer `private_key_jwt`.
    fn client_authentication_token(&self) -> Result<String> {
        let audience = match &self.inner.issuer {
            Some(issuer) => issuer.clone(),
            None => self.token_endpoint()?,
        };
        let req = TokenRequest { audience: Some(audience.clone()), ..TokenRequest::default() };
        let token = self.inner.own_tokens.get(&Self::own_key(&req), None, || {
            let form = vec![("grant_type", GRANT_CLIENT_CREDENTIALS.to_owned()), ("audience", audience)];
            self.request(form, None, None)
        })?;
        Ok(token.access_token)
    }

    fn token_endpoint(&self) -> Result<String> {
        self.inner.token_endpoint.get(&self.inner.http, None).map_err(endpoint_err)
    }

    /// POST the form (with client authentication, or `bearer`) and read the token response.
    fn request(&self, mut form: Vec<(&'static str, String)>, bearer: Option<&str>, expect_issued_type: Option<&str>) -> Result<Fetched> {
        let endpoint = self.token_endpoint()?;
        let inner = &*self.inner;
        let mut authorization = bearer.map(|t| Zeroizing::new(format!("Bearer {t}")));
        if bearer.is_none() {
            match &inner.auth {
                Auth::Basic(credentials) => authorization = Some(Zeroizing::new(format!("Basic {}", **credentials))),
                Auth::Post(secret) => {
                    form.push(("client_id", inner.client_id.clone()));
                    form.push(("client_secret", String::clone(secret)));
                }
                Auth::PrivateKeyJwt(signer) => {
                    let aud = inner.issuer.clone().unwrap_or_else(|| endpoint.clone());
                    let assertion = signer.assertion(&inner.client_id, &aud, now()).map_err(endpoint_err)?;
                    form.push(("client_id", inner.client_id.clone()));
                    form.push(("client_assertion_type", CLIENT_ASSERTION_TYPE.to_owned()));
                    form.push(("client_assertion", assertion));
                }
            }
        }
        let sent = inner.http.post_form(&endpoint, &form, authorization.as_deref().map(String::as_str));
        // The form holds the secret, the assertion or the subject token: wipe them.
        for (_, value) in &mut form {
            zeroize::Zeroize::zeroize(value);
        }
        let (status, body) = sent.map_err(|e| {
            inner.token_endpoint.failed(&endpoint);
            endpoint_err(e)
        })?;
        if status == 404 || status >= 500 {
            // Maybe the endpoint moved: discover it again at the next request.
            inner.token_endpoint.failed(&endpoint);
        }
        read_token_response(status, &body, expect_issued_type)
    }

    /// A bearer token for a key source that needs one (`jwks_auth`).
    pub(crate) fn bearer_for_key_source(&self) -> std::result::Result<String, String> {
        self.client_credentials(&TokenRequest::default()).map(|t| t.access_token).map_err(|e| e.to_string())
    }
}

/// The token endpoint's answer (RFC 6749 §5.1, §5.2): the token, or `token_endpoint_error` carrying
/// the OAuth `error`. Pure, so that it can be fuzzed without a server.
pub(crate) fn read_token_response(status: u16, body: &[u8], expect_issued_type: Option<&str>) -> Result<Fetched> {
    {
        let doc: Option<Value> = serde_json::from_slice(body).ok();
        if status != 200 {
            let oauth_error = doc.as_ref().and_then(|d| d.get("error")).and_then(Value::as_str);
            let description = doc.as_ref().and_then(|d| d.get("error_description")).and_then(Value::as_str);
            return Err(match oauth_error {
                Some(code) => {
                    let mut msg = format!("the authorization server refused: {}", quote(code));
                    if let Some(d) = description {
                        msg.push_str(&format!(" ({})", quote(d)));
                    }
                    endpoint_err(msg).with_oauth_error(code)
                }
                None => endpoint_err(format!("the token endpoint answered HTTP {status}")),
            });
        }
        let doc = doc.ok_or_else(|| endpoint_err("the token endpoint answered something that is not JSON"))?;
        let access_token = match doc.get("access_token") {
            Some(Value::String(t)) if !t.is_empty() => t.clone(),
            _ => return Err(endpoint_err("the token response has no access_token")),
        };
        let issued_token_type = doc.get("issued_token_type").and_then(Value::as_str).map(str::to_owned);
        // Only bearer tokens are sent as `Authorization: Bearer`: a `DPoP` or `mac` token needs a
        // proof this client does not make. `N_A` (RFC 8693 §2.2.1: not an access token) only when
        // a token exchange asked for another `requested_token_type`.
        let not_an_access_token = expect_issued_type.is_some_and(|t| t != TOKEN_TYPE_ACCESS_TOKEN);
        let token_type = match doc.get("token_type") {
            Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => "Bearer".to_owned(),
            Some(Value::String(t)) if not_an_access_token && t.eq_ignore_ascii_case("n_a") => "N_A".to_owned(),
            Some(Value::String(t)) => {
                return Err(endpoint_err(format!(
                    "the token response's token_type is {}: only Bearer tokens are accepted",
                    quote(t)
                )))
            }
            None => return Err(endpoint_err("the token response has no token_type (RFC 6749 §5.1 requires it)")),
            Some(_) => return Err(endpoint_err("the token response's token_type is not a string")),
        };
        if let Some(expected) = expect_issued_type {
            if issued_token_type.as_deref() != Some(expected) {
                return Err(endpoint_err(format!(
                    "the exchange issued {} instead of {}",
                    quote(issued_token_type.as_deref().unwrap_or("no issued_token_type")),
                    quote(expected)
                )));
            }
        }
        let life = lifetime(doc.get("expires_in"));
        let expires_at = doc.get("expires_in").map(|_| now() + life.as_secs() as i64);
        Ok(Fetched {
            token: AccessToken {
                access_token,
                token_type,
                expires_at,
                scope: doc.get("scope").and_then(Value::as_str).map(str::to_owned),
                issued_token_type,
            },
            lifetime: life,
        })
    }
}

fn push_common(form: &mut Vec<(&'static str, String)>, req: &TokenRequest) {
    if let Some(scope) = joined(&req.scope) {
        form.push(("scope", scope));
    }
    if let Some(aud) = &req.audience {
        form.push(("audience", aud.clone()));
    }
    if let Some(resources) = &req.resource {
        for r in resources.to_vec() {
            form.push(("resource", r));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_is_bounded() {
        assert_eq!(lifetime(None), DEFAULT_LIFETIME);
        assert_eq!(lifetime(Some(&serde_json::json!(0))), Duration::ZERO);
        assert_eq!(lifetime(Some(&serde_json::json!(-5))), Duration::ZERO);
        assert_eq!(lifetime(Some(&serde_json::json!(1e300))), MAX_LIFETIME);
        assert_eq!(lifetime(Some(&serde_json::json!("120"))), Duration::from_secs(120));
        assert_eq!(lifetime(Some(&serde_json::json!("soon"))), DEFAULT_LIFETIME);
        assert_eq!(lifetime(Some(&serde_json::json!(300))), Duration::from_secs(300));
    }

    #[test]
    fn basic_credentials_are_form_encoded() {
        assert_eq!(*basic_credentials("a b", "p:w"), STANDARD.encode("a+b:p%3Aw"));
    }
}
