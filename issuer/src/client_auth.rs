//! Client authentication at the token endpoint. One method per request:
//! - `client_secret_basic` (RFC 6749 §2.3.1): HTTP Basic with the form-urlencoded id and secret;
//! - `client_secret_post`: `client_id` and `client_secret` form parameters;
//! - `private_key_jwt` (RFC 7523 §2.2): `client_assertion_type` + `client_assertion`, see
//!   [`crate::client_assertion`];
//! - for the exchange grants only (jwt-bearer, token exchange): `Authorization: Bearer <token>`,
//!   an unexpired client-credentials access token this issuer issued to the client (its `sub`
//!   equals its `client_id` claim, which names a registered client).
//!
//! Two methods at once are `invalid_request`; a `client_id` parameter naming another client than
//! the credentials is `invalid_request`; a failed authentication is `invalid_client` (401, with a
//! `WWW-Authenticate` challenge: `Bearer … error="invalid_token"` after a Bearer token, else `Basic`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::client_assertion::{self, ASSERTION_TYPE};
use crate::clients::Client;
use crate::issued_token;
use crate::oauth_error::OAuthError;
use crate::state::IssuerState;
use crate::token_endpoint::Form;

/// The challenge answered when a Bearer client token is refused (RFC 6750 §3).
const BEARER_CHALLENGE: &str = "Bearer realm=\"meshauth-issuer\", error=\"invalid_token\"";

/// The credentials a request presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientCredentials {
    /// `Authorization: Basic`.
    Basic { client_id: String, client_secret: String },
    /// `client_id` + `client_secret` in the form body.
    Post { client_id: String, client_secret: String },
    /// `private_key_jwt`: the assertion, and the optional `client_id` parameter.
    Assertion { client_id: Option<String>, assertion: String },
    /// `Authorization: Bearer` with a client token, and the optional `client_id` parameter.
    Bearer { client_id: Option<String>, token: String },
}

impl ClientCredentials {
    /// The client id the request names before anything is verified (none for an assertion or a
    /// Bearer token without a `client_id` parameter).
    pub fn client_id(&self) -> Option<&str> {
        match self {
            ClientCredentials::Basic { client_id, .. } | ClientCredentials::Post { client_id, .. } => Some(client_id),
            ClientCredentials::Assertion { client_id, .. } | ClientCredentials::Bearer { client_id, .. } => {
                client_id.as_deref()
            }
        }
    }

    /// The RFC 8414 name of the method (`client_secret_basic`, …; `bearer_client_token` for the
    /// Bearer token, which has no registered name).
    pub fn method(&self) -> &'static str {
        match self {
            ClientCredentials::Basic { .. } => "client_secret_basic",
            ClientCredentials::Post { .. } => "client_secret_post",
            ClientCredentials::Assertion { .. } => "private_key_jwt",
            ClientCredentials::Bearer { .. } => "bearer_client_token",
        }
    }
}

/// Decode one `application/x-www-form-urlencoded` component (`+` is a space).
fn form_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8().ok().map(|c| c.into_owned())
}

/// What the `Authorization` header holds.
enum AuthorizationHeader {
    None,
    Basic(String, String),
    Bearer(String),
}

fn authorization_header(authorization: Option<&str>) -> Result<AuthorizationHeader, OAuthError> {
    let Some(value) = authorization else {
        return Ok(AuthorizationHeader::None);
    };
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("bearer") {
        let token = rest.trim();
        if token.is_empty() || token.contains(' ') {
            return Err(OAuthError::invalid_request("malformed Authorization: Bearer header"));
        }
        return Ok(AuthorizationHeader::Bearer(token.to_owned()));
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        // Another scheme authenticates nothing here; the request may still use the body.
        return Ok(AuthorizationHeader::None);
    }
    let malformed = || OAuthError::invalid_client("malformed HTTP Basic credentials");
    let decoded = STANDARD.decode(rest.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    Ok(AuthorizationHeader::Basic(form_decode(id).ok_or_else(malformed)?, form_decode(secret).ok_or_else(malformed)?))
}

/// The credentials of a token request.
pub fn credentials(form: &Form, authorization: Option<&str>) -> Result<ClientCredentials, OAuthError> {
    let header = authorization_header(authorization)?;
    let post_id = form.get("client_id")?;
    let post_secret = form.get("client_secret")?;
    let assertion_type = form.get("client_assertion_type")?;
    let assertion = form.get("client_assertion")?;

    let mut methods = Vec::new();
    match &header {
        AuthorizationHeader::Basic(..) => methods.push("HTTP Basic"),
        AuthorizationHeader::Bearer(_) => methods.push("a Bearer token"),
        AuthorizationHeader::None => {}
    }
    if post_secret.is_some() {
        methods.push("client_secret in the body");
    }
    if assertion.is_some() || assertion_type.is_some() {
        methods.push("a client assertion");
    }
    if methods.len() > 1 {
        return Err(OAuthError::invalid_request(format!(
            "the client authenticated with {}: use one method",
            methods.join(" and ")
        )));
    }

    match header {
        AuthorizationHeader::Basic(client_id, client_secret) => {
            if post_id.is_some_and(|id| id != client_id) {
                return Err(OAuthError::invalid_request("client_id in the body differs from the HTTP Basic client"));
            }
            return Ok(ClientCredentials::Basic { client_id, client_secret });
        }
        AuthorizationHeader::Bearer(token) => {
            return Ok(ClientCredentials::Bearer { client_id: post_id.map(str::to_owned), token });
        }
        AuthorizationHeader::None => {}
    }
    if assertion.is_some() || assertion_type.is_some() {
        return match (assertion_type, assertion) {
            (Some(ASSERTION_TYPE), Some(assertion)) => Ok(ClientCredentials::Assertion {
                client_id: post_id.map(str::to_owned),
                assertion: assertion.to_owned(),
            }),
            (Some(ASSERTION_TYPE), None) => Err(OAuthError::invalid_request("client_assertion is missing")),
            (None, _) => Err(OAuthError::invalid_request("client_assertion_type is missing")),
            (Some(_), _) => Err(OAuthError::invalid_request(format!(
                "client_assertion_type is not supported: use {ASSERTION_TYPE}"
            ))),
        };
    }
    match (post_id, post_secret) {
        (Some(client_id), Some(client_secret)) => {
            Ok(ClientCredentials::Post { client_id: client_id.to_owned(), client_secret: client_secret.to_owned() })
        }
        (Some(_), None) => Err(OAuthError::invalid_client("client_secret is missing")),
        (None, Some(_)) => Err(OAuthError::invalid_request("client_secret without client_id")),
        (None, None) => Err(OAuthError::invalid_client("client authentication is required")),
    }
}

/// Authenticate. `allow_bearer`: whether the grant accepts a Bearer client token (the exchange
/// grants do; `client_credentials` does not, or a token could renew itself forever).
pub fn authenticate<'s>(
    state: &'s IssuerState,
    creds: &ClientCredentials,
    allow_bearer: bool,
) -> Result<&'s Client, OAuthError> {
    match creds {
        ClientCredentials::Basic { client_id, client_secret }
        | ClientCredentials::Post { client_id, client_secret } => authenticate_secret(state, client_id, client_secret),
        ClientCredentials::Assertion { client_id, assertion } => {
            client_assertion::authenticate(state, assertion, client_id.as_deref())
        }
        ClientCredentials::Bearer { client_id, token } => {
            if !allow_bearer {
                return Err(OAuthError::invalid_client(
                    "a Bearer client token authenticates only the jwt-bearer and token-exchange grants",
                )
                .with_challenge(BEARER_CHALLENGE));
            }
            let client = authenticate_bearer(state, token).map_err(|e| e.with_challenge(BEARER_CHALLENGE))?;
            if client_id.as_deref().is_some_and(|id| id != client.client_id) {
                return Err(OAuthError::invalid_request(
                    "client_id in the body differs from the Bearer token's client",
                ));
            }
            Ok(client)
        }
    }
}

/// The registered client whose secret matches. Unknown clients and wrong secrets answer the same
/// `invalid_client`, after the same amount of work.
fn authenticate_secret<'s>(state: &'s IssuerState, client_id: &str, secret: &str) -> Result<&'s Client, OAuthError> {
    let client = state.clients.get(client_id);
    let ok = match client {
        Some(c) => c.secret_matches(secret),
        None => {
            // Same work as a real comparison.
            let _ = crate::secret::constant_time_eq(b"no such client", secret.as_bytes());
            false
        }
    };
    match client {
        Some(c) if ok => Ok(c),
        _ => Err(OAuthError::invalid_client("client authentication failed")),
    }
}

/// The client of a Bearer client token: signed by this issuer, unexpired, `client_id` claim
/// naming a registered client and `sub` equal to it (a client-credentials token, not a user's).
fn authenticate_bearer<'s>(state: &'s IssuerState, token: &str) -> Result<&'s Client, OAuthError> {
    let refused = |why: String| OAuthError::invalid_client(format!("the Bearer client token is refused: {why}"));
    let verified = issued_token::verify(state, token).map_err(refused)?;
    let client_id = verified.jwt.required_string("client_id").map_err(refused)?;
    if verified.jwt.string("sub").map_err(refused)? != Some(client_id) {
        return Err(refused("it is not a client-credentials token (its sub is not its client_id)".into()));
    }
    state.clients.get(client_id).ok_or_else(|| refused("its client_id names no registered client".into()))
}
