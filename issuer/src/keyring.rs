//! The issuer's signing keys: one RS256, one ES256 and one EdDSA key per generation. The newest
//! generation signs; the JWKS also publishes the previous one until it is retired, so tokens
//! signed before a rotation keep verifying.

use serde_json::{json, Value};

use crate::signing_key::{Algorithm, KeyError, SigningKey};

/// The algorithms the issuer publishes a key for, in JWKS order.
pub const ISSUER_ALGORITHMS: [Algorithm; 3] = [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA];

/// One key per [`ISSUER_ALGORITHMS`] entry.
#[derive(Debug, Clone)]
pub struct Generation {
    pub keys: Vec<SigningKey>,
}

impl Generation {
    /// Fresh keys; each `kid` is the key's RFC 7638 thumbprint (unique per key).
    pub fn generate() -> Result<Generation, KeyError> {
        let keys = ISSUER_ALGORITHMS.iter().map(|alg| SigningKey::generate(*alg, "")).collect::<Result<_, _>>()?;
        Ok(Generation { keys })
    }

    pub fn key(&self, alg: Algorithm) -> Option<&SigningKey> {
        self.keys.iter().find(|k| k.alg() == alg)
    }

    pub fn kids(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.kid().to_owned()).collect()
    }
}

/// The current generation and, until retired, the previous one.
#[derive(Debug, Clone)]
pub struct Keyring {
    current: Generation,
    previous: Option<Generation>,
}

impl Keyring {
    pub fn generate() -> Result<Keyring, KeyError> {
        Ok(Keyring { current: Generation::generate()?, previous: None })
    }

    /// The key that signs `alg` now.
    pub fn signing_key(&self, alg: Algorithm) -> Option<&SigningKey> {
        self.current.key(alg)
    }

    pub fn current(&self) -> &Generation {
        &self.current
    }

    /// Generate a new generation that signs from now on. The old current generation stays
    /// published unless `retire` (then only the new keys are published).
    pub fn rotate(&mut self, retire: bool) -> Result<(), KeyError> {
        let next = Generation::generate()?;
        let old = std::mem::replace(&mut self.current, next);
        self.previous = if retire { None } else { Some(old) };
        Ok(())
    }

    /// The published JWK Set: current keys first, then the previous generation's.
    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .current
            .keys
            .iter()
            .chain(self.previous.iter().flat_map(|g| g.keys.iter()))
            .map(SigningKey::public_jwk)
            .collect();
        json!({ "keys": keys })
    }

    /// The published keys that may verify a token with header `alg` and `kid` (current generation
    /// first): with a `kid`, only that key, and only if it is an `alg` key; without, every `alg` key.
    pub fn verification_keys(&self, alg: Algorithm, kid: Option<&str>) -> Vec<&SigningKey> {
        self.current
            .keys
            .iter()
            .chain(self.previous.iter().flat_map(|g| g.keys.iter()))
            .filter(|k| k.alg() == alg && kid.map_or(true, |kid| k.kid() == kid))
            .collect()
    }

    /// Every published kid.
    pub fn published_kids(&self) -> Vec<String> {
        let mut kids = self.current.kids();
        if let Some(p) = &self.previous {
            kids.extend(p.kids());
        }
        kids
    }
}
