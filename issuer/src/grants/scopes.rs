//! The `scope` parameter against the scopes a client may be granted.

use crate::clients::Client;
use crate::oauth_error::OAuthError;

/// `requested` (space-separated; `None`: every allowed scope) checked against `allowed`: each
/// requested scope must be allowed, else `invalid_scope`. Duplicates are dropped, order kept.
/// `what` names the registry field in the error (`scopes`, `exchange_scopes`).
pub fn select(
    client: &Client,
    requested: Option<&str>,
    allowed: &[String],
    what: &str,
) -> Result<Vec<String>, OAuthError> {
    let Some(requested) = requested else {
        return Ok(allowed.to_vec());
    };
    let mut scopes: Vec<String> = Vec::new();
    for scope in requested.split(' ').filter(|s| !s.is_empty()) {
        if !allowed.iter().any(|s| s == scope) {
            return Err(OAuthError::new(
                "invalid_scope",
                format!("scope {scope:?} is not in the {what} registered for client {:?}", client.client_id),
            ));
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    Ok(scopes)
}
