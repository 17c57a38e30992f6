//! What the two exchange grants (jwt-bearer, token exchange) share: checking the user token a
//! client presents, and choosing the one audience of the token it gets.
//!
//! The user token (jwt-bearer `assertion`, token-exchange `subject_token`) must be a token of this
//! issuer ([`crate::issued_token::verify`]: signature by a current or previous key, `iss`, `exp`
//! within 60 s leeway), must not be a client's own token (`sub` equal to its `client_id` claim),
//! and its `aud` must name the requesting client: a service may only exchange user tokens that
//! were meant for it.
//!
//! The issued token names exactly one audience, one of the client's `exchange_audiences`, so the
//! internal services (which are not exchange audiences) refuse it.

use serde_json::Value;

use crate::clients::Client;
use crate::issued_token;
use crate::oauth_error::OAuthError;
use crate::state::IssuerState;

/// A verified user token presented for exchange.
#[derive(Debug, Clone, PartialEq)]
pub struct UserToken {
    pub subject: String,
    pub exp: i64,
    /// Its `act` claim, when it was itself obtained by delegation.
    pub act: Option<Value>,
}

/// Verify a user token presented by `client`. The error is a sentence fragment.
pub fn verify_user_token(state: &IssuerState, client: &Client, token: &str) -> Result<UserToken, String> {
    let verified = issued_token::verify(state, token)?;
    let jwt = &verified.jwt;
    let subject = jwt.required_string("sub")?;
    if jwt.string("client_id")? == Some(subject) {
        return Err("it is a client's own token (sub = client_id), not a user's".into());
    }
    if !jwt.audiences()?.contains(&client.client_id.as_str()) {
        return Err(format!(
            "its aud does not name client {:?} (a service may only exchange user tokens meant for it)",
            client.client_id
        ));
    }
    let act = match jwt.claims.get("act") {
        None => None,
        Some(act @ Value::Object(_)) => Some(act.clone()),
        Some(_) => return Err("its act claim is not an object".into()),
    };
    Ok(UserToken { subject: subject.to_owned(), exp: verified.exp, act })
}

/// The one audience of the exchanged token. `requested` holds the `audience` and `resource`
/// values (RFC 8707 resources are treated as audiences). None requested: the client's only
/// exchange audience. Anything else than one of the client's `exchange_audiences` is
/// `invalid_target`, and so are two different values (one audience per exchanged token).
pub fn target_audience(client: &Client, requested: &[&str]) -> Result<String, OAuthError> {
    let mut distinct: Vec<&str> = Vec::new();
    for value in requested {
        if !distinct.contains(value) {
            distinct.push(value);
        }
    }
    let invalid_target = |d: String| OAuthError::new("invalid_target", d);
    match distinct.as_slice() {
        [] => match client.exchange_audiences.as_slice() {
            [only] => Ok(only.clone()),
            [] => Err(invalid_target(format!("client {:?} has no exchange_audiences", client.client_id))),
            _ => Err(invalid_target(format!(
                "client {:?} has several exchange_audiences: name one with the audience parameter",
                client.client_id
            ))),
        },
        [one] if client.exchange_audiences.iter().any(|a| a == one) => Ok((*one).to_owned()),
        [one] => Err(invalid_target(format!(
            "audience {one:?} is not in the exchange_audiences of client {:?}",
            client.client_id
        ))),
        _ => Err(invalid_target("an exchanged token has one audience: request one audience (or resource)".into())),
    }
}
