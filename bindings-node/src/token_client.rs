//! Mirrors `core/src/token_client.rs`: outgoing calls — this service's own tokens (client
//! credentials) and exchanged user tokens (jwt-bearer, RFC 8693 token exchange).
//!
//! The options and each request's parameters go to the core as JSON, with camelCase keys renamed
//! to snake_case (`config.rs`); the core owns the grants, client authentication, caching, and
//! every error (`invalid_config` for options, `token_endpoint_error` for the server's answers).
//!
//! Every method returns a Promise. Network I/O (discovery, the token endpoint) runs as a napi
//! `AsyncTask` on the libuv pool, never on the event loop. `clientCredentials` first asks the core
//! for a fresh cached token (`client_credentials_cached`, no network); when there is one the
//! Promise is settled before it is returned — no thread hop.

use meshauth::token_client::TokenRequest;
use napi::bindgen_prelude::*;
use napi::{Env, Task};
use napi_derive::napi;
use serde_json::Value;

use crate::config::{json_arg, snake_case_keys};
use crate::error::{guard, string_arg, to_napi_error};

/// A token obtained from the authorization server. Returned by `TokenClient` methods; not
/// constructible from JavaScript. `toJSON()` and `util.inspect` never show the token itself.
#[napi]
pub struct AccessToken {
    inner: meshauth::AccessToken,
}

#[napi]
impl AccessToken {
    /// The token to send (see `authorizationHeader()`).
    #[napi(getter)]
    pub fn access_token(&self) -> &str {
        &self.inner.access_token
    }

    /// `token_type` of the answer (`Bearer`).
    #[napi(getter)]
    pub fn token_type(&self) -> &str {
        &self.inner.token_type
    }

    /// When it expires, whole seconds since the epoch, from the server's `expires_in`; `null` when
    /// the server did not say.
    #[napi(getter)]
    pub fn expires_at(&self) -> Option<i64> {
        self.inner.expires_at
    }

    /// The granted scope (space-separated), or `null` when the server did not say.
    #[napi(getter)]
    pub fn scope(&self) -> Option<&str> {
        self.inner.scope.as_deref()
    }

    /// Token exchange: the type of the issued token; otherwise `null`.
    #[napi(getter)]
    pub fn issued_token_type(&self) -> Option<&str> {
        self.inner.issued_token_type.as_deref()
    }

    /// The `Authorization` header value for the outgoing call: `Bearer <token>`.
    #[napi]
    pub fn authorization_header(&self) -> String {
        self.inner.authorization_header()
    }

    /// A plain object for `JSON.stringify` and loggers: every field, with `accessToken` redacted.
    #[napi(js_name = "toJSON", ts_return_type = "AccessTokenJSON")]
    pub fn to_json<'env>(&self, env: &'env Env) -> Result<Object<'env>> {
        let t = &self.inner;
        let mut o = Object::new(env)?;
        o.set_named_property("tokenType", t.token_type.as_str())?;
        o.set_named_property("expiresAt", t.expires_at)?;
        o.set_named_property("scope", t.scope.as_deref())?;
        o.set_named_property("issuedTokenType", t.issued_token_type.as_deref())?;
        o.set_named_property("accessToken", REDACTED)?;
        Ok(o)
    }
}

/// What `toJSON()` shows instead of the token.
const REDACTED: &str = "<redacted>";

/// A client of one authorization server, as one OAuth client: build one per service and share it
/// (its token cache is per client).
#[napi]
pub struct TokenClient {
    inner: meshauth::TokenClient,
}

/// Which grant a task runs, with the token it exchanges.
enum Grant {
    ClientCredentials,
    JwtBearer(String),
    TokenExchange(String),
}

/// A token request that may need the network, run on the libuv pool.
pub struct TokenTask {
    client: meshauth::TokenClient,
    grant: Grant,
    request: TokenRequest,
}

impl Task for TokenTask {
    type Output = meshauth::Result<meshauth::AccessToken>;
    type JsValue = AccessToken;

    fn compute(&mut self) -> Result<Self::Output> {
        let (client, request) = (&self.client, &self.request);
        guard(|| match &self.grant {
            Grant::ClientCredentials => client.client_credentials(request),
            Grant::JwtBearer(assertion) => client.jwt_bearer(assertion, request),
            Grant::TokenExchange(subject) => client.token_exchange(subject, request),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<AccessToken> {
        output.map(|inner| AccessToken { inner }).map_err(|e| to_napi_error(&env, &e))
    }
}

/// The request parameters (absent, `null` or an object; camelCase or snake_case keys): a
/// `TypeError` for a value JSON cannot hold, the core's `invalid_config` for a refused request.
fn token_request(env: &Env, request: Option<Unknown>) -> Result<TokenRequest> {
    let Some(request) = request else {
        return Ok(TokenRequest::default());
    };
    match json_arg(env, request, "the token request")? {
        Value::Null => Ok(TokenRequest::default()),
        v => {
            snake_case_keys(v).and_then(|v| TokenRequest::from_json(&v.to_string())).map_err(|e| to_napi_error(env, &e))
        }
    }
}

#[napi]
impl TokenClient {
    /// Build a token client (snake_case or camelCase option names). Throws a `MeshAuthError` with
    /// code `invalid_config` for invalid or insecure options. Performs no network I/O: discovery
    /// of the token endpoint happens on first use.
    #[napi(constructor, ts_args_type = "options: TokenClientOptions")]
    pub fn new(env: Env, options: Unknown) -> Result<Self> {
        snake_case_keys(json_arg(&env, options, "the token client options")?)
            .and_then(meshauth::TokenClient::from_value)
            .map(|inner| TokenClient { inner })
            .map_err(|e| to_napi_error(&env, &e))
    }

    /// The OAuth client id this client authenticates as.
    #[napi(getter)]
    pub fn client_id(&self) -> &str {
        self.inner.client_id()
    }

    /// This service's own token (client credentials grant). Answers from the cache while the
    /// token is fresh (no thread hop); otherwise fetches it off the event loop, one fetch in
    /// flight per request shape. `request`: `scope`, `audience`, `resource` (defaults from the
    /// options).
    #[napi(ts_args_type = "request?: TokenRequestOptions | null", ts_return_type = "Promise<AccessToken>")]
    pub fn client_credentials<'env>(
        &self,
        env: &'env Env,
        request: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, AccessToken>> {
        let request = match token_request(env, request) {
            Ok(r) => r,
            Err(e) => return PromiseRaw::reject(env, e),
        };
        match guard(|| self.inner.client_credentials_cached(&request))? {
            Ok(Some(inner)) => return PromiseRaw::resolve(env, AccessToken { inner }),
            Ok(None) => {}
            Err(e) => return PromiseRaw::reject(env, to_napi_error(env, &e)),
        }
        self.spawn_request(env, Grant::ClientCredentials, request)
    }

    /// RFC 7523 §2.1: exchange `assertion` (a user's JWT) for a token meant for another audience,
    /// typically a third party. `request`: `scope`, `audience`, `resource`, `useClientToken`.
    #[napi(
        ts_args_type = "assertion: string, request?: TokenRequestOptions | null",
        ts_return_type = "Promise<AccessToken>"
    )]
    pub fn jwt_bearer<'env>(
        &self,
        env: &'env Env,
        assertion: Unknown,
        request: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, AccessToken>> {
        match string_arg(env, assertion, "meshauth: the assertion must be a string") {
            Ok(assertion) => self.spawn(env, Grant::JwtBearer(assertion), request),
            Err(e) => PromiseRaw::reject(env, e),
        }
    }

    /// RFC 8693 token exchange of `subjectToken` for a token meant for another audience.
    /// `request`: `scope`, `audience`, `resource`, `subjectTokenType`, `requestedTokenType`,
    /// `actorToken`, `actorTokenType`, `useClientToken`.
    #[napi(
        ts_args_type = "subjectToken: string, request?: TokenRequestOptions | null",
        ts_return_type = "Promise<AccessToken>"
    )]
    pub fn token_exchange<'env>(
        &self,
        env: &'env Env,
        subject_token: Unknown,
        request: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, AccessToken>> {
        match string_arg(env, subject_token, "meshauth: the subject token must be a string") {
            Ok(subject) => self.spawn(env, Grant::TokenExchange(subject), request),
            Err(e) => PromiseRaw::reject(env, e),
        }
    }
}

impl TokenClient {
    /// Run `grant` on the libuv pool; a request the core refuses rejects at once.
    fn spawn<'env>(
        &self,
        env: &'env Env,
        grant: Grant,
        request: Option<Unknown>,
    ) -> Result<PromiseRaw<'env, AccessToken>> {
        match token_request(env, request) {
            Ok(request) => self.spawn_request(env, grant, request),
            Err(e) => PromiseRaw::reject(env, e),
        }
    }

    fn spawn_request<'env>(
        &self,
        env: &'env Env,
        grant: Grant,
        request: TokenRequest,
    ) -> Result<PromiseRaw<'env, AccessToken>> {
        let task = TokenTask { client: self.inner.clone(), grant, request };
        Ok(env.spawn(task)?.promise_object())
    }
}
