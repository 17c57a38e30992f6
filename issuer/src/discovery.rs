//! Authorization server metadata (RFC 8414; the same document answers OpenID Connect discovery).

use serde_json::{json, Value};

use crate::grants::GrantType;
use crate::keyring::ISSUER_ALGORITHMS;
use crate::public_jwk::CLIENT_ASSERTION_ALGORITHMS;
use crate::state::IssuerState;

pub fn metadata(state: &IssuerState) -> Value {
    let algs: Vec<&str> = ISSUER_ALGORITHMS.iter().map(|a| a.as_str()).collect();
    let grants: Vec<&str> = GrantType::ALL.iter().map(|g| g.as_str()).collect();
    let assertion_algs: Vec<&str> = CLIENT_ASSERTION_ALGORITHMS.iter().map(|a| a.as_str()).collect();
    json!({
        "issuer": state.issuer,
        "jwks_uri": format!("{}/jwks", state.base_url),
        "token_endpoint": format!("{}/token", state.base_url),
        "grant_types_supported": grants,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": assertion_algs,
        "id_token_signing_alg_values_supported": algs,
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "scopes_supported": state.clients.all_scopes(),
    })
}
