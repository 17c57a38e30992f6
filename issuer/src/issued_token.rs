//! Verifying a token this issuer signed — a jwt-bearer assertion, a token-exchange subject or
//! actor token, a Bearer client token: signature with one of the published keys (current or
//! previous generation, selected by `kid`, else every key of the header's `alg`), `iss` equal to
//! this issuer, `exp` not passed by more than [`LEEWAY_S`], `nbf`/`iat` not in the future.

use crate::keyring::ISSUER_ALGORITHMS;
use crate::received_jwt::{ReceivedJwt, LEEWAY_S};
use crate::state::{now, IssuerState};

/// A verified token of this issuer.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub jwt: ReceivedJwt,
    pub exp: i64,
}

/// Verify `token`. The error is a sentence fragment (“it has expired”) for the caller to prefix
/// with what the token was; it never quotes the token.
pub fn verify(state: &IssuerState, token: &str) -> Result<IssuedToken, String> {
    let jwt = ReceivedJwt::parse(token, &ISSUER_ALGORITHMS)?;
    let keys: Vec<_> = state.keyring().verification_keys(jwt.alg, jwt.kid.as_deref()).into_iter().cloned().collect();
    if keys.is_empty() {
        return Err("it is not signed by a key of this issuer (unknown kid)".into());
    }
    if !keys.iter().any(|k| k.verify(jwt.signing_input(), jwt.signature())) {
        return Err("its signature does not verify with this issuer's keys".into());
    }
    match jwt.string("iss")? {
        Some(iss) if iss == state.issuer => {}
        Some(_) => return Err("it was not issued by this issuer (iss)".into()),
        None => return Err("it has no iss claim".into()),
    }
    let exp = jwt.check_times(now(), LEEWAY_S)?;
    Ok(IssuedToken { jwt, exp })
}
