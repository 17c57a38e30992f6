//! `private_key_jwt` client authentication (RFC 7523 §2.2 and §3, OpenID Connect Core §9):
//! `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer` and
//! `client_assertion=<JWT>` signed with a key the client registered in its `jwks`.
//!
//! The assertion must have: `alg` RS256, PS256, ES256 or EdDSA fitting a registered key (the one
//! named by `kid`, else any that fits); `iss` = `sub` = the client id (and = the `client_id`
//! parameter when one is sent); `aud` = this issuer's identifier or its token endpoint URL — a
//! string, or an array holding exactly that one value (extra audiences are refused: an
//! assertion meant for several servers could be replayed at each); `exp` in the future and at
//! most [`MAX_LIFETIME_S`] ahead; `nbf`/`iat` not in the future (60 s leeway); a `jti` not used
//! before (remembered until the assertion's `exp`). Anything else is `invalid_client` (401).

use crate::clients::Client;
use crate::oauth_error::OAuthError;
use crate::public_jwk::CLIENT_ASSERTION_ALGORITHMS;
use crate::received_jwt::ReceivedJwt;
use crate::state::{now, IssuerState};

/// The only `client_assertion_type`.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How far ahead an assertion's `exp` may be: a client assertion is single-use and short-lived.
pub const MAX_LIFETIME_S: i64 = 300;

fn refused(why: impl std::fmt::Display) -> OAuthError {
    OAuthError::invalid_client(format!("the client assertion is refused: {why}"))
}

/// Authenticate the client of `assertion`. `client_id` is the request's `client_id` parameter.
pub fn authenticate<'s>(
    state: &'s IssuerState,
    assertion: &str,
    client_id: Option<&str>,
) -> Result<&'s Client, OAuthError> {
    let jwt = ReceivedJwt::parse(assertion, &CLIENT_ASSERTION_ALGORITHMS).map_err(refused)?;
    let iss = jwt.required_string("iss").map_err(refused)?;
    // Unknown clients and clients without keys fail like a bad signature: no enumeration.
    let failed = || OAuthError::invalid_client("client authentication failed");
    let client = state.clients.get(iss).ok_or_else(failed)?;
    let jwks = client.jwks.as_ref().ok_or_else(failed)?;
    let mut keys = jwks.candidates(jwt.alg, jwt.kid.as_deref()).peekable();
    if keys.peek().is_none() {
        return Err(refused(format!(
            "no key registered for client {:?} verifies {} with that kid",
            client.client_id, jwt.alg
        )));
    }
    if !keys.any(|k| k.verify(jwt.alg, jwt.signing_input(), jwt.signature())) {
        return Err(failed());
    }
    // The signature is the client's: now the claims.
    if jwt.required_string("sub").map_err(refused)? != client.client_id {
        return Err(refused("sub must equal iss (the client id)"));
    }
    if client_id.is_some_and(|id| id != client.client_id) {
        return Err(refused("the client_id parameter names another client than the assertion"));
    }
    let token_endpoint = state.token_endpoint();
    let audiences = jwt.audiences().map_err(refused)?;
    let ours = |a: &str| a == state.issuer || a == token_endpoint;
    match audiences.as_slice() {
        [one] if ours(one) => {}
        [] => return Err(refused("it has no aud claim")),
        _ => {
            return Err(refused(format!(
                "aud must be this issuer ({:?}) or its token endpoint ({token_endpoint:?}), and only that",
                state.issuer
            )))
        }
    }
    let now = now();
    let exp = jwt.check_times(now, 0).map_err(refused)?;
    if exp <= now {
        return Err(refused("it has expired"));
    }
    if exp > now + MAX_LIFETIME_S {
        return Err(refused(format!("its exp is more than {MAX_LIFETIME_S} s ahead")));
    }
    let jti = jwt.required_string("jti").map_err(refused)?;
    if jti.is_empty() {
        return Err(refused("its jti is empty"));
    }
    if !state.used_assertions.first_use(&client.client_id, jti, exp, now) {
        return Err(refused("its jti was already used (replay)"));
    }
    Ok(client)
}
