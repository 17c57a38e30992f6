//! The client registry: who may ask for tokens, for which audiences and scopes, with which grants.
//!
//! File format (`--clients FILE`, and `issuer/dev-clients.json` embedded as the default):
//!
//! ```json
//! {"clients": [{"client_id": "orders", "client_secret": "…", "audiences": ["inventory", "billing"],
//!               "scopes": ["inventory:read"],
//!               "grants": ["client_credentials", "urn:ietf:params:oauth:grant-type:jwt-bearer",
//!                          "urn:ietf:params:oauth:grant-type:token-exchange"],
//!               "exchange_audiences": ["partner-api"], "exchange_scopes": ["partner:orders:read"],
//!               "third_party": false},
//!              {"client_id": "signed-client", "jwks": {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "…"}]},
//!               "audiences": ["inventory"]}]}
//! ```
//!
//! `audiences`/`scopes` bound the client's own tokens (`client_credentials`); `exchange_audiences`/
//! `exchange_scopes` bound the tokens it gets by exchanging a user token (jwt-bearer, token
//! exchange). A client authenticates with its `client_secret` (Basic or post), or with a
//! `private_key_jwt` assertion signed by a key of its `jwks` (public keys only), or both if it has
//! both.

use serde::Deserialize;

use crate::public_jwk::PublicJwkSet;
use crate::secret::constant_time_eq;

/// The demo registry shipped in `issuer/dev-clients.json`, used when no registry is given.
pub const DEV_CLIENTS_JSON: &str = include_str!("../dev-clients.json");

/// One registered client.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Client {
    pub client_id: String,
    /// Shared secret for `client_secret_basic` / `client_secret_post`.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// The audiences (resource servers) this client may request tokens for.
    #[serde(default)]
    pub audiences: Vec<String>,
    /// The scopes this client may be granted.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Public keys for `private_key_jwt` client authentication (`{"keys": [JWK, ...]}`), checked at
    /// load (see [`crate::public_jwk`]).
    #[serde(default)]
    pub jwks: Option<PublicJwkSet>,
    /// Grant types this client may use: `client_credentials` (the default),
    /// `urn:ietf:params:oauth:grant-type:jwt-bearer`, `urn:ietf:params:oauth:grant-type:token-exchange`.
    #[serde(default = "default_grants")]
    pub grants: Vec<String>,
    /// The audiences a user token may be exchanged for (jwt-bearer, token exchange); one per token.
    #[serde(default)]
    pub exchange_audiences: Vec<String>,
    /// The scopes an exchanged token may carry.
    #[serde(default)]
    pub exchange_scopes: Vec<String>,
    /// A third party: tokens exchanged for it name only its own audience (DESIGN §6).
    #[serde(default)]
    pub third_party: bool,
}

fn default_grants() -> Vec<String> {
    vec!["client_credentials".to_owned()]
}

impl Client {
    /// Whether `secret` is this client's secret (constant time in the secret's content).
    pub fn secret_matches(&self, secret: &str) -> bool {
        match &self.client_secret {
            Some(expected) => constant_time_eq(expected.as_bytes(), secret.as_bytes()),
            None => false,
        }
    }

    pub fn may_use_grant(&self, grant_type: &str) -> bool {
        self.grants.iter().any(|g| g == grant_type)
    }
}

/// All registered clients.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ClientRegistry {
    pub clients: Vec<Client>,
}

impl ClientRegistry {
    /// Parse the registry JSON; duplicate client ids are refused.
    pub fn from_json(text: &str) -> Result<ClientRegistry, String> {
        let registry: ClientRegistry = serde_json::from_str(text).map_err(|e| format!("client registry: {e}"))?;
        for (i, c) in registry.clients.iter().enumerate() {
            if registry.clients[..i].iter().any(|d| d.client_id == c.client_id) {
                return Err(format!("client registry: client_id {:?} is registered twice", c.client_id));
            }
        }
        Ok(registry)
    }

    /// Read a registry file.
    pub fn from_file(path: &std::path::Path) -> Result<ClientRegistry, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        ClientRegistry::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The embedded demo registry (`issuer/dev-clients.json`).
    pub fn dev() -> ClientRegistry {
        ClientRegistry::from_json(DEV_CLIENTS_JSON).expect("dev-clients.json is valid")
    }

    pub fn get(&self, client_id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    /// Every scope some client may be granted, directly or by exchange (sorted, unique).
    pub fn all_scopes(&self) -> Vec<String> {
        let mut scopes: Vec<String> =
            self.clients.iter().flat_map(|c| c.scopes.iter().chain(&c.exchange_scopes).cloned()).collect();
        scopes.sort();
        scopes.dedup();
        scopes
    }
}

impl Default for ClientRegistry {
    fn default() -> Self {
        ClientRegistry::dev()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_registry_parses() {
        let r = ClientRegistry::dev();
        assert!(r.get("orders").is_some());
        assert!(r.get("third-party-partner").is_some_and(|c| c.third_party));
        let orders = r.get("orders").unwrap();
        assert_eq!(orders.exchange_audiences, ["partner-api"]);
        assert!(orders.may_use_grant("urn:ietf:params:oauth:grant-type:token-exchange"));
        assert!(r.get("reporting").is_some_and(|c| c.exchange_audiences.is_empty() && c.jwks.is_none()));
    }

    /// The committed demo key `dev-keys/signed-client.pem` is the private half of the JWK that
    /// `dev-clients.json` registers for `signed-client`.
    #[test]
    fn signed_client_key_matches_its_registration() {
        use crate::signing_key::{Algorithm, SigningKey};
        let pem = include_str!("../dev-keys/signed-client.pem");
        let key = SigningKey::from_pkcs8_pem(Algorithm::EdDSA, "", pem).expect("Ed25519 PKCS#8 PEM");
        let registry = ClientRegistry::dev();
        let client = registry.get("signed-client").unwrap();
        assert!(client.client_secret.is_none(), "authenticates with private_key_jwt only");
        let jwks = client.jwks.as_ref().unwrap();
        let registered = jwks.candidates(Algorithm::EdDSA, Some(key.kid())).next().expect("kid = thumbprint");
        let sig = key.sign(b"m").unwrap();
        assert!(registered.verify(Algorithm::EdDSA, b"m", &sig));
    }

    #[test]
    fn registered_keys_are_checked() {
        let private = r#"{"clients":[{"client_id":"a","jwks":{"keys":[{"kty":"OKP","crv":"Ed25519","x":"nFeXPQPrg-DncdNTHy9syMPGvLqwkA08a6M7N2as1gw","d":"x"}]}}]}"#;
        let e = ClientRegistry::from_json(private).unwrap_err();
        assert!(e.contains("private member"), "{e}");
    }

    #[test]
    fn duplicates_and_unknown_fields_are_refused() {
        let dup = r#"{"clients":[{"client_id":"a"},{"client_id":"a"}]}"#;
        assert!(ClientRegistry::from_json(dup).is_err());
        assert!(ClientRegistry::from_json(r#"{"clients":[{"client_id":"a","secret":"x"}]}"#).is_err());
    }
}
