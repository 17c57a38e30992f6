//! The client registry: who may ask for tokens, for which audiences and scopes, with which grants.
//!
//! File format (`--clients FILE`, and `issuer/dev-clients.json` embedded as the default):
//!
//! ```json
//! {"clients": [{"client_id": "orders", "client_secret": "…", "audiences": ["inventory", "billing"],
//!               "scopes": ["inventory:read"], "grants": ["client_credentials"], "third_party": false}]}
//! ```

use serde::Deserialize;

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
    /// Grant types this client may use (`client_credentials`; exchange grants later).
    #[serde(default = "default_grants")]
    pub grants: Vec<String>,
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

    /// Every scope some client may be granted (sorted, unique).
    pub fn all_scopes(&self) -> Vec<String> {
        let mut scopes: Vec<String> = self.clients.iter().flat_map(|c| c.scopes.iter().cloned()).collect();
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
    }

    #[test]
    fn duplicates_and_unknown_fields_are_refused() {
        let dup = r#"{"clients":[{"client_id":"a"},{"client_id":"a"}]}"#;
        assert!(ClientRegistry::from_json(dup).is_err());
        assert!(ClientRegistry::from_json(r#"{"clients":[{"client_id":"a","secret":"x"}]}"#).is_err());
    }
}
