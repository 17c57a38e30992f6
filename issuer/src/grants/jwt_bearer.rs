//! `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523 §2.1): a service exchanges
//! the user token it received for a token meant for one third party.
//!
//! Parameters: `assertion` (required: the user token, checked as in [`crate::grants::exchange`];
//! any failure is `invalid_grant`), `scope` (optional: each in the client's `exchange_scopes`,
//! else `invalid_scope`; absent: all of them), `audience` or `resource` (optional: one of the
//! client's `exchange_audiences`, else `invalid_target`; absent: the only one).
//!
//! Token: `sub` = the assertion's `sub`, `aud` = [the audience], `client_id` = `azp` = the client,
//! `exp` = min(now + TTL, the assertion's `exp`).

use crate::access_token::Grant;
use crate::clients::Client;
use crate::grants::{exchange, scopes};
use crate::oauth_error::OAuthError;
use crate::state::IssuerState;
use crate::token_endpoint::Form;

pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

pub fn grant(state: &IssuerState, client: &Client, form: &Form) -> Result<Grant, OAuthError> {
    let assertion = form.get("assertion")?.ok_or_else(|| OAuthError::invalid_request("assertion is missing"))?;
    let user = exchange::verify_user_token(state, client, assertion)
        .map_err(|e| OAuthError::new("invalid_grant", format!("the assertion is refused: {e}")))?;
    let requested: Vec<&str> = form.get("audience")?.into_iter().chain(form.get("resource")?).collect();
    let audience = exchange::target_audience(client, &requested)?;
    let scopes = scopes::select(client, form.get("scope")?, &client.exchange_scopes, "exchange_scopes")?;
    Ok(Grant {
        subject: user.subject,
        client_id: client.client_id.clone(),
        audiences: vec![audience],
        scopes,
        authorized_party: Some(client.client_id.clone()),
        actor: None,
        not_after: Some(user.exp),
        issued_token_type: None,
    })
}
