//! Public JWKs registered for `private_key_jwt` clients (the registry's `"jwks": {"keys": [...]}`):
//! parsed and checked once when the registry loads, then used to verify client assertions.
//!
//! Accepted keys: `RSA` (at least 2048 bits; `RS256`, or `PS256`), `EC` `P-256` (`ES256`) and
//! `OKP` `Ed25519` (`EdDSA`). A key's optional `alg` must be one of those and fit its type; without
//! `alg`, an RSA key verifies `RS256` and `PS256`. The registry is configuration, so mistakes are
//! refused loudly rather than skipped: private members (`d`, `p`, `q`, …, `k`), `kty: oct`,
//! `use` other than `sig`, unknown curves, wrong member lengths and duplicate `kid`s.

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents, VerificationAlgorithm};
use serde_json::{Map, Value};

use crate::b64;
use crate::signing_key::Algorithm;

/// The algorithms a client assertion may be signed with (the metadata's
/// `token_endpoint_auth_signing_alg_values_supported`).
pub const CLIENT_ASSERTION_ALGORITHMS: [Algorithm; 4] =
    [Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA];

/// Members that only private (or symmetric) JWKs have.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Material {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// Uncompressed SEC1 point `04 || x || y`.
    EcP256 {
        point: Vec<u8>,
    },
    Ed25519 {
        x: Vec<u8>,
    },
}

/// One public verification key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicJwk {
    pub kid: Option<String>,
    /// The JWK's own `alg`, when it has one.
    pub alg: Option<Algorithm>,
    material: Material,
}

fn member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    jwk.get(name).and_then(Value::as_str).ok_or_else(|| format!("member {name:?} is missing or not a string"))
}

fn bytes(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, String> {
    b64::decode(member(jwk, name)?).ok_or_else(|| format!("member {name:?} is not unpadded base64url"))
}

impl PublicJwk {
    /// Parse and check one public JWK.
    pub fn parse(value: &Value) -> Result<PublicJwk, String> {
        let jwk = value.as_object().ok_or("a key is not a JSON object")?;
        if let Some(private) = PRIVATE_MEMBERS.iter().find(|m| jwk.contains_key(**m)) {
            return Err(format!(
                "a key has the private member {private:?}: register the public key only (keep the private key with the client)"
            ));
        }
        match jwk.get("use") {
            None => {}
            Some(Value::String(u)) if u == "sig" => {}
            Some(_) => return Err("a key's \"use\" must be \"sig\"".into()),
        }
        let kid = match jwk.get("kid") {
            None => None,
            Some(Value::String(k)) => Some(k.clone()),
            Some(_) => return Err("\"kid\" must be a string".into()),
        };
        let material = match member(jwk, "kty")? {
            "RSA" => {
                let n = bytes(jwk, "n")?;
                let e = bytes(jwk, "e")?;
                let bits = n.iter().skip_while(|b| **b == 0).count() * 8;
                if bits < 2048 {
                    return Err(format!("RSA keys must have at least 2048 bits (this one: about {bits})"));
                }
                if e.is_empty() {
                    return Err("RSA exponent \"e\" is empty".into());
                }
                Material::Rsa { n, e }
            }
            "EC" => {
                if member(jwk, "crv")? != "P-256" {
                    return Err("EC keys must use the curve P-256 (ES256)".into());
                }
                let (x, y) = (bytes(jwk, "x")?, bytes(jwk, "y")?);
                if x.len() != 32 || y.len() != 32 {
                    return Err("P-256 coordinates must be 32 bytes each".into());
                }
                let mut point = vec![4u8];
                point.extend(x);
                point.extend(y);
                ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &point)
                    .map_err(|_| "the EC point is not on P-256".to_owned())?;
                Material::EcP256 { point }
            }
            "OKP" => {
                if member(jwk, "crv")? != "Ed25519" {
                    return Err("OKP keys must use the curve Ed25519 (EdDSA)".into());
                }
                let x = bytes(jwk, "x")?;
                if x.len() != 32 {
                    return Err("an Ed25519 public key \"x\" is 32 bytes".into());
                }
                ParsedPublicKey::new(&signature::ED25519, &x)
                    .map_err(|_| "the Ed25519 public key is invalid".to_owned())?;
                Material::Ed25519 { x }
            }
            "oct" => return Err("symmetric (oct) keys cannot authenticate with private_key_jwt".into()),
            other => return Err(format!("unsupported kty {other:?}: use RSA, EC (P-256) or OKP (Ed25519)")),
        };
        let alg = match jwk.get("alg") {
            None => None,
            Some(Value::String(name)) => {
                let alg = Algorithm::parse(name)
                    .filter(|a| CLIENT_ASSERTION_ALGORITHMS.contains(a))
                    .ok_or_else(|| format!("alg {name:?}: use RS256, PS256, ES256 or EdDSA"))?;
                Some(alg)
            }
            Some(_) => return Err("\"alg\" must be a string".into()),
        };
        let key = PublicJwk { kid, alg: None, material };
        if let Some(alg) = alg {
            if !key.fits(alg) {
                return Err(format!("alg {alg} does not fit the key type"));
            }
        }
        Ok(PublicJwk { alg, ..key })
    }

    /// Whether the key's type can verify `alg` (ignoring the JWK's own `alg`).
    fn fits(&self, alg: Algorithm) -> bool {
        matches!(
            (&self.material, alg),
            (Material::Rsa { .. }, Algorithm::RS256 | Algorithm::PS256)
                | (Material::EcP256 { .. }, Algorithm::ES256)
                | (Material::Ed25519 { .. }, Algorithm::EdDSA)
        )
    }

    /// Whether this key may verify a signature made with `alg`: the type fits and the JWK's own
    /// `alg`, when it has one, is that algorithm.
    pub fn accepts(&self, alg: Algorithm) -> bool {
        self.fits(alg) && self.alg.map_or(true, |a| a == alg)
    }

    /// Verify `signature` over `message` with `alg` (which must be [`PublicJwk::accepts`]ed).
    pub fn verify(&self, alg: Algorithm, message: &[u8], sig: &[u8]) -> bool {
        if !self.accepts(alg) {
            return false;
        }
        match &self.material {
            Material::Rsa { n, e } => {
                let params: &'static signature::RsaParameters = if alg == Algorithm::PS256 {
                    &signature::RSA_PSS_2048_8192_SHA256
                } else {
                    &signature::RSA_PKCS1_2048_8192_SHA256
                };
                RsaPublicKeyComponents { n, e }.verify(params, message, sig).is_ok()
            }
            Material::EcP256 { point } => verify_raw(&signature::ECDSA_P256_SHA256_FIXED, point, message, sig),
            Material::Ed25519 { x } => verify_raw(&signature::ED25519, x, message, sig),
        }
    }
}

fn verify_raw(alg: &'static dyn VerificationAlgorithm, public: &[u8], message: &[u8], sig: &[u8]) -> bool {
    signature::UnparsedPublicKey::new(alg, public).verify(message, sig).is_ok()
}

/// A client's registered JWK Set. Deserialises from `{"keys": [...]}` with every key checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "Value")]
pub struct PublicJwkSet {
    pub keys: Vec<PublicJwk>,
}

impl TryFrom<Value> for PublicJwkSet {
    type Error = String;

    fn try_from(value: Value) -> Result<PublicJwkSet, String> {
        let object = value.as_object().ok_or("jwks must be a JSON object {\"keys\": [...]}")?;
        if let Some(other) = object.keys().find(|k| *k != "keys") {
            return Err(format!("jwks: unknown member {other:?}"));
        }
        let keys = object.get("keys").and_then(Value::as_array).ok_or("jwks: \"keys\" must be an array")?;
        if keys.is_empty() {
            return Err("jwks: \"keys\" is empty".into());
        }
        let keys = keys.iter().enumerate().map(|(i, k)| PublicJwk::parse(k).map_err(|e| format!("jwks key {i}: {e}")));
        let keys = keys.collect::<Result<Vec<_>, _>>()?;
        for (i, k) in keys.iter().enumerate() {
            if k.kid.is_some() && keys[..i].iter().any(|o| o.kid == k.kid) {
                return Err(format!("jwks: kid {:?} appears twice", k.kid.as_deref().unwrap_or_default()));
            }
        }
        Ok(PublicJwkSet { keys })
    }
}

impl PublicJwkSet {
    /// The keys that may verify a token with header `alg` and `kid`: with a `kid`, only the key
    /// with that kid; without, every key that accepts `alg`.
    pub fn candidates<'a>(&'a self, alg: Algorithm, kid: Option<&'a str>) -> impl Iterator<Item = &'a PublicJwk> + 'a {
        self.keys.iter().filter(move |k| k.accepts(alg) && kid.map_or(true, |kid| k.kid.as_deref() == Some(kid)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing_key::SigningKey;
    use serde_json::json;

    #[test]
    fn verifies_signatures_of_each_key_type() {
        for alg in CLIENT_ASSERTION_ALGORITHMS {
            let key = SigningKey::generate(alg, "k").unwrap();
            let mut jwk = key.public_jwk();
            jwk.as_object_mut().unwrap().remove("alg");
            let public = PublicJwk::parse(&jwk).unwrap();
            let sig = key.sign(b"m").unwrap();
            assert!(public.verify(alg, b"m", &sig), "{alg}");
            assert!(!public.verify(alg, b"n", &sig), "{alg}");
        }
        // With its own alg, an RSA JWK verifies that algorithm only.
        let rsa = SigningKey::generate(Algorithm::RS256, "r").unwrap();
        let public = PublicJwk::parse(&rsa.public_jwk()).unwrap();
        let ps = rsa.with_alg(Algorithm::PS256).unwrap().sign(b"m").unwrap();
        assert!(!public.verify(Algorithm::PS256, b"m", &ps));
    }

    #[test]
    fn refuses_unsafe_or_unusable_keys() {
        let ed = SigningKey::generate(Algorithm::EdDSA, "e").unwrap().public_jwk();
        let with = |k: &str, v: Value| {
            let mut j = ed.clone();
            j[k] = v;
            PublicJwk::parse(&j)
        };
        assert!(with("d", json!("AAAA")).unwrap_err().contains("private member"));
        assert!(with("use", json!("enc")).is_err());
        assert!(with("alg", json!("ES256")).is_err());
        assert!(with("alg", json!("HS256")).is_err());
        assert!(with("crv", json!("X25519")).is_err());
        assert!(with("x", json!("AAAA")).is_err());
        assert!(PublicJwk::parse(&json!({"kty": "oct", "k": "c2VjcmV0"})).is_err());
        assert!(PublicJwkSet::try_from(json!({"keys": []})).is_err());
        assert!(PublicJwkSet::try_from(json!({"keys": [ed, ed]})).unwrap_err().contains("twice"));
    }
}
