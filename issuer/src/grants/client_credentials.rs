//! `grant_type=client_credentials` (RFC 6749 §4.4): a service's own token.
//!
//! - `scope` (optional, space-separated): every requested scope must be registered for the
//!   client (`scopes`), else `invalid_scope`; absent, every registered scope is granted.
//! - `audience` (optional): must be one of the client's registered `audiences`, else
//!   `invalid_target` (RFC 8707 error code); absent, `aud` lists all of them.

use crate::access_token::Grant;
use crate::clients::Client;
use crate::grants::scopes;
use crate::oauth_error::OAuthError;
use crate::token_endpoint::Form;

pub fn grant(client: &Client, form: &Form) -> Result<Grant, OAuthError> {
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
