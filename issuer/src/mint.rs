//! Test minting (`POST /dev/mint`, [`crate::RunningIssuer::mint`]): any claims, signed by the
//! issuer's current key, so every language's tests get the same minting power over plain HTTP.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::jws;
use crate::oauth_error::OAuthError;
use crate::secret::random_id;
use crate::signing_key::Algorithm;
use crate::state::{now, IssuerState};

/// What to mint. JSON form (the `/dev/mint` body):
/// `{"claims": {...}, "alg": "RS256"|"ES256"|"EdDSA", "header": {...}, "ttl_s": 300, "tamper": null|"signature"}`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MintRequest {
    /// Claims of the token. Unless given here: `iss` = the issuer, `iat` = now,
    /// `exp` = now + `ttl_s`, `jti` = random.
    #[serde(default)]
    pub claims: Map<String, Value>,
    /// `RS256` (default), `ES256` or `EdDSA`: which current key signs.
    #[serde(default)]
    pub alg: Option<String>,
    /// Extra or overriding header parameters; a `null` value removes one. Defaults:
    /// `{"alg", "kid", "typ": "at+jwt"}`.
    #[serde(default)]
    pub header: Map<String, Value>,
    /// Lifetime used for the default `exp` (default 300).
    #[serde(default)]
    pub ttl_s: Option<i64>,
    /// `"signature"`: flip one bit of the signature (a forged token).
    #[serde(default)]
    pub tamper: Option<String>,
}

impl MintRequest {
    /// A request for `claims` with every default.
    pub fn new(claims: Value) -> MintRequest {
        MintRequest { claims: claims.as_object().cloned().unwrap_or_default(), ..MintRequest::default() }
    }
}

/// Mint a token.
pub fn mint(state: &IssuerState, req: &MintRequest) -> Result<String, OAuthError> {
    let alg_name = req.alg.as_deref().unwrap_or("RS256");
    let alg = Algorithm::parse(alg_name)
        .filter(|a| crate::keyring::ISSUER_ALGORITHMS.contains(a))
        .ok_or_else(|| OAuthError::invalid_request(format!("alg {alg_name:?}: use RS256, ES256 or EdDSA")))?;
    let tamper = match req.tamper.as_deref() {
        None => false,
        Some("signature") => true,
        Some(other) => {
            return Err(OAuthError::invalid_request(format!("tamper {other:?}: only \"signature\" is known")))
        }
    };
    let key = state.keyring().signing_key(alg).cloned().expect("a key per issuer algorithm");

    let iat = now();
    let mut claims = req.claims.clone();
    claims.entry("iss").or_insert_with(|| json!(state.issuer));
    claims.entry("iat").or_insert_with(|| json!(iat));
    claims.entry("exp").or_insert_with(|| json!(iat + req.ttl_s.unwrap_or(300)));
    claims.entry("jti").or_insert_with(|| json!(random_id()));

    let mut header = Map::new();
    header.insert("alg".into(), json!(alg.as_str()));
    header.insert("kid".into(), json!(key.kid()));
    header.insert("typ".into(), json!("at+jwt"));
    for (k, v) in &req.header {
        if v.is_null() {
            header.remove(k);
        } else {
            header.insert(k.clone(), v.clone());
        }
    }
    let token = jws::sign_compact(&key, &Value::Object(header).to_string(), &Value::Object(claims).to_string())
        .map_err(|e| OAuthError::new("server_error", format!("signing failed: {e}")))?;
    Ok(if tamper { jws::tamper_signature(&token) } else { token })
}
