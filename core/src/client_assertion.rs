//! `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect Core §9): a short-lived
//! JWT signed with the client's private key — `iss` = `sub` = client id, `aud` = the
//! authorization server's issuer identifier (or its token endpoint when no issuer is configured),
//! `exp` one minute ahead, a fresh random `jti`.

use aws_lc_rs::rand::{self, SystemRandom};
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;

use crate::algorithm::Algorithm;

/// Lifetime of one client assertion.
const ASSERTION_TTL_S: i64 = 60;

enum PrivateKey {
    Rsa(RsaKeyPair),
    EcP256(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// A client's signing key, parsed once.
pub struct AssertionSigner {
    key: PrivateKey,
    alg: Algorithm,
    kid: Option<String>,
}

impl AssertionSigner {
    /// Parse a PKCS#8 `PRIVATE KEY` PEM (RSA, P-256 or Ed25519). `alg` defaults to RS256, ES256 or
    /// EdDSA by key type; RSA keys may also use PS256.
    pub fn from_pem(pem_text: &str, alg: Option<&str>, kid: Option<String>) -> Result<AssertionSigner, String> {
        let block = pem::parse(pem_text).map_err(|e| format!("private_key_pem: {e}"))?;
        if block.tag() != "PRIVATE KEY" {
            return Err(format!("private_key_pem: expected a PKCS#8 PRIVATE KEY block, found {:?}", block.tag()));
        }
        let der = block.contents();
        let (key, default_alg) = if let Ok(k) = RsaKeyPair::from_pkcs8(der) {
            (PrivateKey::Rsa(k), Algorithm::RS256)
        } else if let Ok(k) = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, der) {
            (PrivateKey::EcP256(k), Algorithm::ES256)
        } else if let Ok(k) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
            (PrivateKey::Ed25519(k), Algorithm::EdDSA)
        } else {
            return Err("private_key_pem: not an RSA, P-256 or Ed25519 private key".into());
        };
        let alg = match alg {
            None => default_alg,
            Some(name) => Algorithm::from_name(name).ok_or_else(|| format!("private_key_alg {name:?} is not supported"))?,
        };
        let compatible = matches!(
            (&key, alg),
            (PrivateKey::Rsa(_), Algorithm::RS256 | Algorithm::PS256)
                | (PrivateKey::EcP256(_), Algorithm::ES256)
                | (PrivateKey::Ed25519(_), Algorithm::EdDSA)
        );
        if !compatible {
            return Err(format!("private_key_alg {alg} does not fit the key type"));
        }
        Ok(AssertionSigner { key, alg, kid })
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, String> {
        let failed = |_| "signing the client assertion failed".to_owned();
        match &self.key {
            PrivateKey::Rsa(k) => {
                let padding: &dyn signature::RsaEncoding =
                    if self.alg == Algorithm::PS256 { &signature::RSA_PSS_SHA256 } else { &signature::RSA_PKCS1_SHA256 };
                let mut sig = vec![0; k.public_modulus_len()];
                k.sign(padding, &SystemRandom::new(), message, &mut sig).map_err(failed)?;
                Ok(sig)
            }
            PrivateKey::EcP256(k) => Ok(k.sign(&SystemRandom::new(), message).map_err(failed)?.as_ref().to_vec()),
            PrivateKey::Ed25519(k) => Ok(k.sign(message).as_ref().to_vec()),
        }
    }

    /// A fresh assertion for `client_id`, audience `aud`, at `now` (seconds since the epoch).
    pub fn assertion(&self, client_id: &str, aud: &str, now: i64) -> Result<String, String> {
        let mut jti = [0u8; 16];
        rand::fill(&mut jti).map_err(|_| "no randomness for the assertion jti".to_owned())?;
        let mut header = json!({"alg": self.alg.name(), "typ": "JWT"});
        if let Some(kid) = &self.kid {
            header["kid"] = json!(kid);
        }
        let claims = json!({
            "iss": client_id, "sub": client_id, "aud": aud,
            "iat": now, "exp": now + ASSERTION_TTL_S, "jti": URL_SAFE_NO_PAD.encode(jti),
        });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let sig = self.sign(input.as_bytes())?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }
}
