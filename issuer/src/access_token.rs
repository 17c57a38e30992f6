//! Access tokens issued by the token endpoint (RFC 9068 JWT profile): header
//! `{"alg":"RS256","typ":"at+jwt","kid"}`, claims `iss`, `sub`, `client_id`, `aud` (array),
//! `scope` (omitted when none is granted), `iat`, `exp`, `jti`.

use serde_json::{json, Map, Value};

use crate::jws;
use crate::oauth_error::OAuthError;
use crate::secret::random_id;
use crate::signing_key::Algorithm;
use crate::state::{now, IssuerState};

/// What a grant decided to put in the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub subject: String,
    pub client_id: String,
    pub audiences: Vec<String>,
    pub scopes: Vec<String>,
}

/// The token endpoint's successful answer (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: u64,
    /// The granted scope, space-separated; `None` when no scope was granted.
    pub scope: Option<String>,
}

impl TokenResponse {
    pub fn body(&self) -> String {
        let mut body = json!({
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        });
        if let Some(scope) = &self.scope {
            body["scope"] = json!(scope);
        }
        body.to_string()
    }
}

/// Sign the access token for `grant` with the current RS256 key.
pub fn issue(state: &IssuerState, grant: &Grant) -> Result<TokenResponse, OAuthError> {
    let iat = now();
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(state.issuer));
    claims.insert("sub".into(), json!(grant.subject));
    claims.insert("client_id".into(), json!(grant.client_id));
    claims.insert("aud".into(), json!(grant.audiences));
    let scope = (!grant.scopes.is_empty()).then(|| grant.scopes.join(" "));
    if let Some(scope) = &scope {
        claims.insert("scope".into(), json!(scope));
    }
    claims.insert("iat".into(), json!(iat));
    claims.insert("exp".into(), json!(iat + state.token_ttl_s as i64));
    claims.insert("jti".into(), json!(random_id()));

    let key = state.keyring().signing_key(Algorithm::RS256).cloned().expect("the keyring always has an RS256 key");
    let header = json!({ "alg": "RS256", "typ": "at+jwt", "kid": key.kid() });
    let access_token = jws::sign_json(&key, &header, &Value::Object(claims))
        .map_err(|e| OAuthError::new("server_error", format!("signing failed: {e}")))?;
    Ok(TokenResponse { access_token, expires_in: state.token_ttl_s, scope })
}
