//! `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693): the standard way to do
//! what jwt-bearer does, with an actor.
//!
//! Parameters:
//! - `subject_token` (required) and `subject_token_type` (required:
//!   `urn:ietf:params:oauth:token-type:access_token` or `urn:ietf:params:oauth:token-type:jwt`);
//!   the subject token is checked as in [`crate::grants::exchange`].
//! - `actor_token` + `actor_token_type` (optional, together; same two types): a valid token of
//!   this issuer; its `sub` becomes `act.sub`. Without it, `act.sub` is the requesting client.
//!   When the subject token has an `act` itself, it is nested inside the new one (RFC 8693 §4.1).
//! - `audience` and `resource` (RFC 8707; may repeat, but all values must be the same one of
//!   the client's `exchange_audiences`, else `invalid_target`; absent: the only one).
//! - `scope` (optional): each in the client's `exchange_scopes`, else `invalid_scope`.
//! - `requested_token_type` (optional): only `urn:ietf:params:oauth:token-type:access_token`.
//!
//! Unsupported token types, and an invalid subject or actor token, are `invalid_request`: RFC 8693
//! §2.2.2 names that code ("if either the subject_token or actor_token are invalid for any
//! reason"), where jwt-bearer says `invalid_grant`.
//!
//! Token: as jwt-bearer, plus `act`; the answer adds `issued_token_type`.

use serde_json::json;

use crate::access_token::{Grant, ACCESS_TOKEN_TYPE};
use crate::clients::Client;
use crate::grants::{exchange, scopes};
use crate::issued_token;
use crate::oauth_error::OAuthError;
use crate::state::IssuerState;
use crate::token_endpoint::Form;

pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";

/// `urn:ietf:params:oauth:token-type:jwt`.
pub const JWT_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";

/// The token types accepted for subject and actor tokens: both are JWTs of this issuer.
const INPUT_TOKEN_TYPES: [&str; 2] = [ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE];

fn token_type(form: &Form, name: &str) -> Result<Option<&'static str>, OAuthError> {
    match form.get(name)? {
        None => Ok(None),
        Some(t) => INPUT_TOKEN_TYPES.iter().copied().find(|s| *s == t).map(Some).ok_or_else(|| {
            OAuthError::invalid_request(format!("{name} is not supported: use {ACCESS_TOKEN_TYPE} or {JWT_TOKEN_TYPE}"))
        }),
    }
}

pub fn grant(state: &IssuerState, client: &Client, form: &Form) -> Result<Grant, OAuthError> {
    let subject_token =
        form.get("subject_token")?.ok_or_else(|| OAuthError::invalid_request("subject_token is missing"))?;
    token_type(form, "subject_token_type")?
        .ok_or_else(|| OAuthError::invalid_request("subject_token_type is missing"))?;
    match form.get("requested_token_type")? {
        None | Some(ACCESS_TOKEN_TYPE) => {}
        Some(_) => {
            return Err(OAuthError::invalid_request(format!(
                "requested_token_type is not supported: this server issues {ACCESS_TOKEN_TYPE} only"
            )))
        }
    }
    let actor_token = form.get("actor_token")?;
    let actor_token_type = token_type(form, "actor_token_type")?;
    match (actor_token, actor_token_type) {
        (Some(_), None) => return Err(OAuthError::invalid_request("actor_token_type is missing")),
        (None, Some(_)) => return Err(OAuthError::invalid_request("actor_token_type without actor_token")),
        _ => {}
    }

    let user = exchange::verify_user_token(state, client, subject_token)
        .map_err(|e| OAuthError::invalid_request(format!("the subject_token is refused: {e}")))?;
    let actor_sub = match actor_token {
        None => client.client_id.clone(),
        Some(token) => {
            let refused = |e: String| OAuthError::invalid_request(format!("the actor_token is refused: {e}"));
            let actor = issued_token::verify(state, token).map_err(refused)?;
            actor.jwt.required_string("sub").map_err(refused)?.to_owned()
        }
    };
    let mut act = json!({ "sub": actor_sub });
    if let Some(prior) = user.act {
        act["act"] = prior;
    }

    let requested: Vec<&str> = form.get_all("audience").into_iter().chain(form.get_all("resource")).collect();
    let audience = exchange::target_audience(client, &requested)?;
    let scopes = scopes::select(client, form.get("scope")?, &client.exchange_scopes, "exchange_scopes")?;
    Ok(Grant {
        subject: user.subject,
        client_id: client.client_id.clone(),
        audiences: vec![audience],
        scopes,
        authorized_party: Some(client.client_id.clone()),
        actor: Some(act),
        not_after: Some(user.exp),
        issued_token_type: Some(ACCESS_TOKEN_TYPE),
    })
}
