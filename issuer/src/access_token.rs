//! Access tokens issued by the token endpoint (RFC 9068 JWT profile): header
//! `{"alg":"RS256","typ":"at+jwt","kid"}`, claims `iss`, `sub`, `aud` (array), `client_id`,
//! `azp` (exchanged tokens), `scope` (omitted when none is granted), `act` (token exchange),
//! `iat`, `exp`, `jti`.

use serde_json::{json, Map, Value};

use crate::jws;
use crate::oauth_error::OAuthError;
use crate::secret::random_id;
use crate::signing_key::Algorithm;
use crate::state::{now, IssuerState};

/// The `issued_token_type` of a token-exchange answer (RFC 8693 §3).
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

/// What a grant decided to put in the token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grant {
    pub subject: String,
    pub client_id: String,
    pub audiences: Vec<String>,
    pub scopes: Vec<String>,
    /// `azp`: the client the token was issued to, on tokens whose `sub` is a user.
    pub authorized_party: Option<String>,
    /// `act` (RFC 8693 §4.1): who acts for the subject.
    pub actor: Option<Value>,
    /// The token expires no later than this (the exchanged token's `exp`).
    pub not_after: Option<i64>,
    /// `issued_token_type` of the answer (token exchange).
    pub issued_token_type: Option<&'static str>,
}

/// The token endpoint's successful answer (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: u64,
    /// The granted scope, space-separated; `None` when no scope was granted.
    pub scope: Option<String>,
    /// RFC 8693 `issued_token_type` (token exchange only).
    pub issued_token_type: Option<&'static str>,
}

impl TokenResponse {
    pub fn body(&self) -> String {
        let mut body = json!({
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        });
        if let Some(issued) = self.issued_token_type {
            body["issued_token_type"] = json!(issued);
        }
        if let Some(scope) = &self.scope {
            body["scope"] = json!(scope);
        }
        body.to_string()
    }
}

/// Sign the access token for `grant` with the current RS256 key. `exp` = now + the token TTL, or
/// the grant's `not_after` when that is sooner; `expires_in` is what is left (0 when `not_after`
/// already passed, within the exchanged token's leeway).
pub fn issue(state: &IssuerState, grant: &Grant) -> Result<TokenResponse, OAuthError> {
    let iat = now();
    let exp = match grant.not_after {
        Some(limit) => limit.min(iat + state.token_ttl_s as i64),
        None => iat + state.token_ttl_s as i64,
    };
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(state.issuer));
    claims.insert("sub".into(), json!(grant.subject));
    claims.insert("client_id".into(), json!(grant.client_id));
    if let Some(azp) = &grant.authorized_party {
        claims.insert("azp".into(), json!(azp));
    }
    claims.insert("aud".into(), json!(grant.audiences));
    let scope = (!grant.scopes.is_empty()).then(|| grant.scopes.join(" "));
    if let Some(scope) = &scope {
        claims.insert("scope".into(), json!(scope));
    }
    if let Some(act) = &grant.actor {
        claims.insert("act".into(), act.clone());
    }
    claims.insert("iat".into(), json!(iat));
    claims.insert("exp".into(), json!(exp));
    claims.insert("jti".into(), json!(random_id()));

    let key = state.keyring().signing_key(Algorithm::RS256).cloned().expect("the keyring always has an RS256 key");
    let header = json!({ "alg": "RS256", "typ": "at+jwt", "kid": key.kid() });
    let access_token = jws::sign_json(&key, &header, &Value::Object(claims))
        .map_err(|e| OAuthError::new("server_error", format!("signing failed: {e}")))?;
    Ok(TokenResponse {
        access_token,
        expires_in: (exp - iat).max(0) as u64,
        scope,
        issued_token_type: grant.issued_token_type,
    })
}
