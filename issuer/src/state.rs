//! State shared by every request handler of one running issuer.

use std::sync::RwLock;

use crate::clients::ClientRegistry;
use crate::keyring::Keyring;
use crate::replay_cache::ReplayCache;

pub struct IssuerState {
    /// The `iss` of every token and the `issuer` of the metadata.
    pub issuer: String,
    /// Where the server listens (`http://127.0.0.1:PORT`): base of the endpoint URLs.
    pub base_url: String,
    pub clients: ClientRegistry,
    pub keyring: RwLock<Keyring>,
    /// Lifetime of access tokens from the token endpoint, in seconds.
    pub token_ttl_s: u64,
    /// `jti`s of the `private_key_jwt` assertions already used.
    pub used_assertions: ReplayCache,
}

impl IssuerState {
    /// `{base_url}/token`: with the issuer identifier, a valid `aud` of client assertions.
    pub fn token_endpoint(&self) -> String {
        format!("{}/token", self.base_url)
    }

    pub fn keyring(&self) -> std::sync::RwLockReadGuard<'_, Keyring> {
        self.keyring.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn keyring_mut(&self) -> std::sync::RwLockWriteGuard<'_, Keyring> {
        self.keyring.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
