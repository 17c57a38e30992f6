//! `grant_type=client_credentials` (RFC 6749 §4.4): a service's own token.
//!
//! - `scope` (optional, space-separated): every requested scope must be registered for the
//!   client (`scopes`), else `invalid_scope`; absent, every registered scope is granted.
//! - `audience` (optional): must be one of the client's registered `audiences`, else
//!   `invalid_target` (RFC 8707 error code); absent, `aud` lists all of them.
//! - `audience` = this server (its issuer identifier or token endpoint), for a client that may use
//!   an exchange grant: a token that only authenticates the client at this token endpoint (the
//!   Bearer client token of [`crate::client_auth`]), with no scope (a `scope` is `invalid_scope`).

use crate::access_token::Grant;
use crate::clients::Client;
use crate::grants::{scopes, GrantType};
use crate::oauth_error::OAuthError;
use crate::state::IssuerState;
use crate::token_endpoint::Form;

pub fn grant(state: &IssuerState, client: &Client, form: &Form) -> Result<Grant, OAuthError> {
    if let Some(audience) = form.get("audience")? {
        if audience == state.issuer || audience == state.token_endpoint() {
            return server_audience(client, form, audience);
        }
    }
    let scopes = scopes::select(client, form.get("scope")?, &client.scopes, "scopes")?;
    let audiences = match form.get("audience")? {
        None => client.audiences.clone(),
        Some(audience) if client.audiences.iter().any(|a| a == audience) => {
            vec![audience.to_owned()]
        }
        Some(audience) => {
            return Err(OAuthError::new(
                "invalid_target",
                format!("audience {audience:?} is not registered for client {:?}", client.client_id),
            ))
        }
    };
    if audiences.is_empty() {
        return Err(OAuthError::new(
            "invalid_target",
            format!("client {:?} has no registered audience", client.client_id),
        ));
    }
    Ok(Grant {
        subject: client.client_id.clone(),
        client_id: client.client_id.clone(),
        audiences,
        scopes,
        ..Grant::default()
    })
}

/// A token for this server itself: it authenticates the client at the exchange grants, nothing else.
fn server_audience(client: &Client, form: &Form, audience: &str) -> Result<Grant, OAuthError> {
    if !client.may_use_grant(GrantType::JwtBearer.as_str()) && !client.may_use_grant(GrantType::TokenExchange.as_str()) {
        return Err(OAuthError::new(
            "invalid_target",
            format!("client {:?} uses no exchange grant: it needs no token for this server", client.client_id),
        ));
    }
    if form.get("scope")?.is_some() {
        return Err(OAuthError::new("invalid_scope", "a token for this authorization server carries no scope"));
    }
    Ok(Grant {
        subject: client.client_id.clone(),
        client_id: client.client_id.clone(),
        audiences: vec![audience.to_owned()],
        ..Grant::default()
    })
}
