//! Signing keys for every JWA algorithm meshauth accepts: generation, PKCS#8 PEM storage, the
//! public JWK, and raw signatures (ECDSA in the JWS `R || S` form).

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    self, EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair, KeyPair as _, RsaKeyPair, RsaSignatureEncoding,
};
use serde_json::{json, Value};

use crate::b64;
use crate::pem;

/// A JWS signing algorithm (RFC 7518 names, plus `EdDSA` of RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    EdDSA,
    HS256,
}

impl Algorithm {
    pub const ALL: [Algorithm; 10] = [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::EdDSA,
        Algorithm::HS256,
    ];

    /// The JOSE `alg` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::EdDSA => "EdDSA",
            Algorithm::HS256 => "HS256",
        }
    }

    /// Parse a JOSE `alg` value (exact spelling).
    pub fn parse(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Whether signatures with this algorithm are randomised (PSS salt, ECDSA nonce).
    pub fn is_randomized(self) -> bool {
        matches!(self, Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 | Algorithm::ES256 | Algorithm::ES384)
    }

    fn rsa_encoding(self) -> Option<&'static RsaSignatureEncoding> {
        Some(match self {
            Algorithm::RS256 => &signature::RSA_PKCS1_SHA256,
            Algorithm::RS384 => &signature::RSA_PKCS1_SHA384,
            Algorithm::RS512 => &signature::RSA_PKCS1_SHA512,
            Algorithm::PS256 => &signature::RSA_PSS_SHA256,
            Algorithm::PS384 => &signature::RSA_PSS_SHA384,
            Algorithm::PS512 => &signature::RSA_PSS_SHA512,
            _ => return None,
        })
    }

    fn ecdsa_signing(self) -> Option<&'static EcdsaSigningAlgorithm> {
        match self {
            Algorithm::ES256 => Some(&signature::ECDSA_P256_SHA256_FIXED_SIGNING),
            Algorithm::ES384 => Some(&signature::ECDSA_P384_SHA384_FIXED_SIGNING),
            _ => None,
        }
    }

    fn ecdsa_signing_der(self) -> Option<&'static EcdsaSigningAlgorithm> {
        match self {
            Algorithm::ES256 => Some(&signature::ECDSA_P256_SHA256_ASN1_SIGNING),
            Algorithm::ES384 => Some(&signature::ECDSA_P384_SHA384_ASN1_SIGNING),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Any failure of key generation, parsing or signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

fn err(what: impl fmt::Display) -> KeyError {
    KeyError(what.to_string())
}

/// A private signing key with its `kid` and the algorithm it signs with.
///
/// RSA keys sign with any of RS*/PS* (the algorithm is fixed per `SigningKey`; use
/// [`SigningKey::with_alg`] to get the same key for another RSA algorithm). Cheap to clone.
#[derive(Clone)]
pub enum SigningKey {
    /// RS256/384/512 or PS256/384/512.
    Rsa { kid: String, alg: Algorithm, pair: Arc<RsaKeyPair>, pkcs8: Arc<Vec<u8>> },
    /// ES256 (P-256) or ES384 (P-384).
    Ecdsa { kid: String, alg: Algorithm, pair: Arc<EcdsaKeyPair>, der_pair: Arc<EcdsaKeyPair>, pkcs8: Arc<Vec<u8>> },
    /// EdDSA with Ed25519.
    Ed25519 { kid: String, pair: Arc<Ed25519KeyPair>, pkcs8: Arc<Vec<u8>> },
    /// HS256 with a shared secret.
    Hmac { kid: String, secret: Arc<Vec<u8>> },
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print key material.
        f.debug_struct("SigningKey").field("kid", &self.kid()).field("alg", &self.alg()).finish()
    }
}

impl SigningKey {
    /// Generate a fresh key for `alg` (RSA 2048 bits, P-256, P-384, Ed25519, or a 32-byte HMAC
    /// secret). An empty `kid` is replaced by the RFC 7638 thumbprint of the public key.
    pub fn generate(alg: Algorithm, kid: &str) -> Result<SigningKey, KeyError> {
        let key = match alg {
            Algorithm::HS256 => {
                let mut secret = vec![0u8; 32];
                aws_lc_rs::rand::fill(&mut secret).map_err(|_| err("random source failed"))?;
                SigningKey::Hmac { kid: kid.to_owned(), secret: Arc::new(secret) }
            }
            Algorithm::EdDSA => {
                let pair = Ed25519KeyPair::generate().map_err(|_| err("Ed25519 key generation failed"))?;
                let pkcs8: Pkcs8V1Der = pair.as_der().map_err(|_| err("Ed25519 PKCS#8 encoding failed"))?;
                SigningKey::from_pkcs8_der(alg, kid, pkcs8.as_ref())?
            }
            Algorithm::ES256 | Algorithm::ES384 => {
                let signing = alg.ecdsa_signing().expect("ECDSA algorithm");
                let pair = EcdsaKeyPair::generate(signing).map_err(|_| err("ECDSA key generation failed"))?;
                let pkcs8 = pair.to_pkcs8v1().map_err(|_| err("ECDSA PKCS#8 encoding failed"))?;
                SigningKey::from_pkcs8_der(alg, kid, pkcs8.as_ref())?
            }
            _ => {
                let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| err("RSA key generation failed"))?;
                let pkcs8: Pkcs8V1Der = pair.as_der().map_err(|_| err("RSA PKCS#8 encoding failed"))?;
                SigningKey::from_pkcs8_der(alg, kid, pkcs8.as_ref())?
            }
        };
        Ok(key.with_default_kid())
    }

    /// An HS256 key from a shared secret.
    pub fn hmac(kid: &str, secret: &[u8]) -> SigningKey {
        SigningKey::Hmac { kid: kid.to_owned(), secret: Arc::new(secret.to_vec()) }
    }

    /// Load a PKCS#8 DER private key for `alg`.
    pub fn from_pkcs8_der(alg: Algorithm, kid: &str, der: &[u8]) -> Result<SigningKey, KeyError> {
        let kid = kid.to_owned();
        let pkcs8 = Arc::new(der.to_vec());
        let key = match alg {
            Algorithm::HS256 => return Err(err("HS256 keys are secrets, not PKCS#8 documents")),
            Algorithm::EdDSA => {
                let pair = Ed25519KeyPair::from_pkcs8(der).map_err(|e| err(format!("Ed25519 PKCS#8: {e}")))?;
                SigningKey::Ed25519 { kid, pair: Arc::new(pair), pkcs8 }
            }
            Algorithm::ES256 | Algorithm::ES384 => {
                let pair = EcdsaKeyPair::from_pkcs8(alg.ecdsa_signing().expect("ECDSA"), der)
                    .map_err(|e| err(format!("{alg} PKCS#8: {e}")))?;
                let der_pair = EcdsaKeyPair::from_pkcs8(alg.ecdsa_signing_der().expect("ECDSA"), der)
                    .map_err(|e| err(format!("{alg} PKCS#8: {e}")))?;
                SigningKey::Ecdsa { kid, alg, pair: Arc::new(pair), der_pair: Arc::new(der_pair), pkcs8 }
            }
            _ => {
                let pair = RsaKeyPair::from_pkcs8(der).map_err(|e| err(format!("RSA PKCS#8: {e}")))?;
                SigningKey::Rsa { kid, alg, pair: Arc::new(pair), pkcs8 }
            }
        };
        Ok(key.with_default_kid())
    }

    /// Load a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) private key for `alg`.
    pub fn from_pkcs8_pem(alg: Algorithm, kid: &str, text: &str) -> Result<SigningKey, KeyError> {
        let der = pem::decode("PRIVATE KEY", text).map_err(err)?;
        SigningKey::from_pkcs8_der(alg, kid, &der)
    }

    /// The private key as PKCS#8 PEM (`None` for HMAC secrets).
    pub fn to_pkcs8_pem(&self) -> Option<String> {
        match self {
            SigningKey::Rsa { pkcs8, .. } | SigningKey::Ecdsa { pkcs8, .. } | SigningKey::Ed25519 { pkcs8, .. } => {
                Some(pem::encode("PRIVATE KEY", pkcs8))
            }
            SigningKey::Hmac { .. } => None,
        }
    }

    /// The public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), `None` for HMAC.
    pub fn public_key_pem(&self) -> Option<String> {
        let der = match self {
            SigningKey::Rsa { pair, .. } => pair.public_key().as_der().ok()?.as_ref().to_vec(),
            SigningKey::Ecdsa { pair, .. } => pair.public_key().as_der().ok()?.as_ref().to_vec(),
            SigningKey::Ed25519 { pair, .. } => pair.public_key().as_der().ok()?.as_ref().to_vec(),
            SigningKey::Hmac { .. } => return None,
        };
        Some(pem::encode("PUBLIC KEY", &der))
    }

    pub fn kid(&self) -> &str {
        match self {
            SigningKey::Rsa { kid, .. }
            | SigningKey::Ecdsa { kid, .. }
            | SigningKey::Ed25519 { kid, .. }
            | SigningKey::Hmac { kid, .. } => kid,
        }
    }

    pub fn alg(&self) -> Algorithm {
        match self {
            SigningKey::Rsa { alg, .. } | SigningKey::Ecdsa { alg, .. } => *alg,
            SigningKey::Ed25519 { .. } => Algorithm::EdDSA,
            SigningKey::Hmac { .. } => Algorithm::HS256,
        }
    }

    /// The same key under another `kid`.
    pub fn with_kid(&self, new_kid: &str) -> SigningKey {
        let mut key = self.clone();
        match &mut key {
            SigningKey::Rsa { kid, .. }
            | SigningKey::Ecdsa { kid, .. }
            | SigningKey::Ed25519 { kid, .. }
            | SigningKey::Hmac { kid, .. } => *kid = new_kid.to_owned(),
        }
        key
    }

    /// The same RSA key signing with another RS*/PS* algorithm.
    pub fn with_alg(&self, new_alg: Algorithm) -> Result<SigningKey, KeyError> {
        match self {
            SigningKey::Rsa { kid, pair, pkcs8, .. } if new_alg.rsa_encoding().is_some() => {
                Ok(SigningKey::Rsa { kid: kid.clone(), alg: new_alg, pair: pair.clone(), pkcs8: pkcs8.clone() })
            }
            _ if self.alg() == new_alg => Ok(self.clone()),
            _ => Err(err(format!("a {} key cannot sign {new_alg}", self.alg()))),
        }
    }

    fn with_default_kid(self) -> SigningKey {
        if !self.kid().is_empty() {
            return self;
        }
        let thumbprint = self.thumbprint();
        self.with_kid(&thumbprint)
    }

    /// The JWK members that identify the public key (RFC 7638 required members), without
    /// `kid`/`alg`/`use`. For HMAC: `kty: oct` and the secret as `k`.
    fn key_members(&self) -> Value {
        match self {
            SigningKey::Rsa { pair, .. } => {
                let public = pair.public_key();
                json!({
                    "e": b64::encode(public.exponent().big_endian_without_leading_zero()),
                    "kty": "RSA",
                    "n": b64::encode(public.modulus().big_endian_without_leading_zero()),
                })
            }
            SigningKey::Ecdsa { alg, pair, .. } => {
                // Uncompressed SEC1 point: 0x04 || X || Y.
                let point = pair.public_key().as_ref();
                let half = (point.len() - 1) / 2;
                let crv = if *alg == Algorithm::ES256 { "P-256" } else { "P-384" };
                json!({
                    "crv": crv,
                    "kty": "EC",
                    "x": b64::encode(&point[1..1 + half]),
                    "y": b64::encode(&point[1 + half..]),
                })
            }
            SigningKey::Ed25519 { pair, .. } => json!({
                "crv": "Ed25519",
                "kty": "OKP",
                "x": b64::encode(pair.public_key().as_ref()),
            }),
            SigningKey::Hmac { secret, .. } => json!({ "k": b64::encode(secret.as_slice()), "kty": "oct" }),
        }
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> String {
        // serde_json's default map is sorted, and the members hold no characters needing escapes:
        // its compact form is exactly the RFC 7638 canonical form.
        let canonical = self.key_members().to_string();
        b64::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, canonical.as_bytes()))
    }

    /// The public JWK: `kty`, `kid`, `alg`, `use: "sig"` and the key members. For HMAC this holds
    /// the secret (`kty: oct`, `k`) — only meant for test configurations.
    pub fn public_jwk(&self) -> Value {
        let mut jwk = self.key_members();
        let map = jwk.as_object_mut().expect("object");
        map.insert("kid".into(), Value::String(self.kid().to_owned()));
        map.insert("alg".into(), Value::String(self.alg().as_str().to_owned()));
        map.insert("use".into(), Value::String("sig".into()));
        jwk
    }

    /// Sign `message` with the key's algorithm. ECDSA signatures are raw `R || S` (JWS form).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let rng = SystemRandom::new();
        match self {
            SigningKey::Rsa { alg, pair, .. } => {
                let mut sig = vec![0u8; pair.public_modulus_len()];
                pair.sign(alg.rsa_encoding().expect("RSA algorithm"), &rng, message, &mut sig)
                    .map_err(|_| err("RSA signing failed"))?;
                Ok(sig)
            }
            SigningKey::Ecdsa { pair, .. } => {
                Ok(pair.sign(&rng, message).map_err(|_| err("ECDSA signing failed"))?.as_ref().to_vec())
            }
            SigningKey::Ed25519 { pair, .. } => Ok(pair.sign(message).as_ref().to_vec()),
            SigningKey::Hmac { secret, .. } => {
                let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
                Ok(aws_lc_rs::hmac::sign(&key, message).as_ref().to_vec())
            }
        }
    }

    /// ECDSA only: an ASN.1 DER signature (the wrong form for JWS — for negative tests).
    pub fn sign_der(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        match self {
            SigningKey::Ecdsa { der_pair, .. } => Ok(der_pair
                .sign(&SystemRandom::new(), message)
                .map_err(|_| err("ECDSA signing failed"))?
                .as_ref()
                .to_vec()),
            _ => Err(err("DER signatures exist only for ECDSA keys")),
        }
    }

    /// ECDSA only: verify an ASN.1 DER signature made by [`SigningKey::sign_der`].
    pub fn verify_der(&self, message: &[u8], sig: &[u8]) -> bool {
        use aws_lc_rs::signature::UnparsedPublicKey;
        match self {
            SigningKey::Ecdsa { alg, pair, .. } => {
                let params = if *alg == Algorithm::ES256 {
                    &signature::ECDSA_P256_SHA256_ASN1
                } else {
                    &signature::ECDSA_P384_SHA384_ASN1
                };
                UnparsedPublicKey::new(params, pair.public_key().as_ref()).verify(message, sig).is_ok()
            }
            _ => false,
        }
    }

    /// Verify a signature made by this key (used to reuse randomised signatures safely).
    pub fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        use aws_lc_rs::signature::{UnparsedPublicKey, VerificationAlgorithm};
        let (alg, public): (&'static dyn VerificationAlgorithm, &[u8]) = match self {
            SigningKey::Rsa { alg, pair, .. } => {
                let params: &'static dyn VerificationAlgorithm = match alg {
                    Algorithm::RS256 => &signature::RSA_PKCS1_2048_8192_SHA256,
                    Algorithm::RS384 => &signature::RSA_PKCS1_2048_8192_SHA384,
                    Algorithm::RS512 => &signature::RSA_PKCS1_2048_8192_SHA512,
                    Algorithm::PS256 => &signature::RSA_PSS_2048_8192_SHA256,
                    Algorithm::PS384 => &signature::RSA_PSS_2048_8192_SHA384,
                    _ => &signature::RSA_PSS_2048_8192_SHA512,
                };
                (params, pair.public_key().as_ref())
            }
            SigningKey::Ecdsa { alg, pair, .. } => {
                let params: &'static dyn VerificationAlgorithm = if *alg == Algorithm::ES256 {
                    &signature::ECDSA_P256_SHA256_FIXED
                } else {
                    &signature::ECDSA_P384_SHA384_FIXED
                };
                (params, pair.public_key().as_ref())
            }
            SigningKey::Ed25519 { pair, .. } => (&signature::ED25519, pair.public_key().as_ref()),
            SigningKey::Hmac { secret, .. } => {
                let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
                return aws_lc_rs::hmac::verify(&key, message, sig).is_ok();
            }
        };
        UnparsedPublicKey::new(alg, public).verify(message, sig).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws;

    #[test]
    fn every_algorithm_signs_and_verifies() {
        let rsa = SigningKey::generate(Algorithm::RS256, "r").unwrap();
        for alg in Algorithm::ALL {
            let key = match alg {
                Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512 => rsa.with_alg(alg).unwrap(),
                _ => SigningKey::generate(alg, "k").unwrap(),
            };
            assert_eq!(key.alg(), alg);
            let sig = key.sign(b"message").unwrap();
            assert!(key.verify(b"message", &sig), "{alg}");
            assert!(!key.verify(b"messagE", &sig), "{alg}");
            let expected_len = match alg {
                Algorithm::ES256 | Algorithm::EdDSA => Some(64),
                Algorithm::ES384 => Some(96),
                Algorithm::HS256 => Some(32),
                _ => Some(256),
            };
            assert_eq!(Some(sig.len()), expected_len, "{alg}: raw signature length");
            assert_eq!(key.public_jwk()["alg"], alg.as_str());
            assert_eq!(key.public_jwk()["use"], "sig");
        }
    }

    #[test]
    fn pem_round_trip_keeps_the_key() {
        for alg in [Algorithm::RS256, Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA] {
            let key = SigningKey::generate(alg, "a").unwrap();
            let pem = key.to_pkcs8_pem().unwrap();
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
            let again = SigningKey::from_pkcs8_pem(alg, "a", &pem).unwrap();
            assert_eq!(again.public_jwk(), key.public_jwk(), "{alg}");
            assert!(key.public_key_pem().unwrap().starts_with("-----BEGIN PUBLIC KEY-----\n"));
            // Deterministic algorithms sign identically after the round trip.
            if !alg.is_randomized() {
                assert_eq!(again.sign(b"m").unwrap(), key.sign(b"m").unwrap());
            }
        }
    }

    #[test]
    fn jwk_members_and_default_kid() {
        let ec = SigningKey::generate(Algorithm::ES256, "").unwrap();
        let jwk = ec.public_jwk();
        assert_eq!(jwk["kty"], "EC");
        assert_eq!(jwk["crv"], "P-256");
        assert_eq!(crate::b64::decode(jwk["x"].as_str().unwrap()).unwrap().len(), 32);
        assert_eq!(crate::b64::decode(jwk["y"].as_str().unwrap()).unwrap().len(), 32);
        assert_eq!(ec.kid(), ec.thumbprint(), "an empty kid becomes the RFC 7638 thumbprint");
        assert_eq!(ec.kid().len(), 43);
        let ed = SigningKey::generate(Algorithm::EdDSA, "ed").unwrap().public_jwk();
        assert_eq!(
            (ed["kty"].as_str(), ed["crv"].as_str(), ed["kid"].as_str()),
            (Some("OKP"), Some("Ed25519"), Some("ed"))
        );
        let rsa = SigningKey::generate(Algorithm::PS256, "r").unwrap().public_jwk();
        assert_eq!((rsa["kty"].as_str(), rsa["e"].as_str()), (Some("RSA"), Some("AQAB")));
        assert!(rsa.get("d").is_none());
    }

    #[test]
    fn raw_jws_signs_exact_bytes() {
        let key = SigningKey::generate(Algorithm::EdDSA, "ed").unwrap();
        let header = r#"{"alg":"EdDSA","alg":"EdDSA"}"#;
        let token = jws::sign_compact(&key, header, "[1,2]").unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(crate::b64::decode(parts[0]).unwrap(), header.as_bytes());
        assert_eq!(crate::b64::decode(parts[1]).unwrap(), b"[1,2]");
        let sig = crate::b64::decode(parts[2]).unwrap();
        assert!(key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig));
        let tampered = jws::tamper_signature(&token);
        assert_ne!(tampered, token);
        assert_eq!(tampered.len(), token.len());
    }

    #[test]
    fn ecdsa_der_signatures_are_the_other_form() {
        let key = SigningKey::generate(Algorithm::ES256, "e").unwrap();
        let der = key.sign_der(b"m").unwrap();
        assert_eq!(der[0], 0x30, "ASN.1 SEQUENCE");
        assert!(key.verify_der(b"m", &der));
        assert!(!key.verify(b"m", &der));
        assert!(SigningKey::generate(Algorithm::EdDSA, "x").unwrap().sign_der(b"m").is_err());
    }
}
