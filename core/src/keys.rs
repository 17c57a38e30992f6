//! Verification keys: JWK Sets (RFC 7517), PEM public keys and HMAC secrets, parsed once when the
//! key set is loaded — never per call.
//!
//! Unusable JWKs are skipped, not fatal (identity providers publish encryption keys beside signing
//! keys): `kty: oct`, any private member, `use` other than `sig`, `key_ops` without `verify`, RSA
//! under 2048 bits, unknown key types or curves, and keys that do not parse. A token naming a
//! skipped key gets `key_not_found`. A JWK carrying `oth` is private (RFC 7518 §6.3.2.7), and
//! Ed25519 keys of small order or in a non-canonical encoding are unusable (`ed25519_key.rs`).

use std::collections::HashMap;

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaParameters, RsaPublicKeyComponents, VerificationAlgorithm};
use aws_lc_rs::{constant_time, hmac};
use serde_json::{Map, Value};

use crate::algorithm::{Algorithm, Family};
use crate::config::defaults::JWKS_MAX_KEYS;
use crate::jws::b64url_decode;

/// The minimum RSA modulus size accepted (RFC 8725 / NIST).
const MIN_RSA_BITS: usize = 2048;
/// The minimum HMAC secret size, per RFC 7518 §3.2 (at least the hash output: 256 bits for HS256).
const MIN_HMAC_BYTES: usize = 32;

enum Verifier {
    Public(ParsedPublicKey),
    Hmac(hmac::Key),
}

/// One usable verification key.
pub struct Key {
    pub kid: Option<String>,
    pub family: Family,
    /// The JWK's own `alg`, which must then equal the token's.
    pub alg: Option<Algorithm>,
    /// One pre-parsed verifier per algorithm the key may be used with.
    verifiers: Vec<(Algorithm, Verifier)>,
}

impl Key {
    /// Whether this key may verify a token signed with `alg`.
    pub fn accepts(&self, alg: Algorithm) -> bool {
        alg.family() == self.family && self.alg.is_none_or(|a| a == alg)
    }

    /// Verify `signature` over `message` with `alg` (the caller checked `accepts`).
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        let Some((_, v)) = self.verifiers.iter().find(|(a, _)| *a == alg) else {
            return false;
        };
        match v {
            Verifier::Public(key) => {
                // JWS ECDSA signatures are raw R||S of exactly twice the field size (RFC 7518 §3.4).
                let exact = match alg {
                    Algorithm::ES256 => Some(64),
                    Algorithm::ES384 => Some(96),
                    Algorithm::EdDSA => Some(64),
                    _ => None,
                };
                if exact.is_some_and(|n| n != signature.len()) {
                    return false;
                }
                key.verify_sig(message, signature).is_ok()
            }
            Verifier::Hmac(key) => {
                let tag = hmac::sign(key, message);
                constant_time::verify_slices_are_equal(tag.as_ref(), signature).is_ok()
            }
        }
    }
}

/// The usable keys of one issuer, indexed by `kid`.
#[derive(Default)]
pub struct KeySet {
    keys: Vec<Key>,
    by_kid: HashMap<String, Vec<usize>>,
    /// How many entries were skipped as unusable (reported in errors).
    pub skipped: usize,
}

impl KeySet {
    fn push(&mut self, key: Key) {
        if let Some(kid) = &key.kid {
            self.by_kid.entry(kid.clone()).or_default().push(self.keys.len());
        }
        self.keys.push(key);
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The keys a token with this `kid` may name: those with that kid, else the keys that have
    /// no kid at all (a PEM key or an HMAC secret names no kid, so any token kid may use it).
    /// Without a token kid, every key.
    pub fn candidates<'a>(&'a self, kid: Option<&str>) -> Box<dyn Iterator<Item = &'a Key> + 'a> {
        match kid.map(|k| self.by_kid.get(k)) {
            Some(Some(ix)) => Box::new(ix.iter().map(|&i| &self.keys[i])),
            Some(None) => Box::new(self.keys.iter().filter(|k| k.kid.is_none())),
            None => Box::new(self.keys.iter()),
        }
    }

    pub fn has_kid(&self, kid: &str) -> bool {
        self.by_kid.contains_key(kid)
    }

    /// Parse a JWK Set document. `Err` only when the document itself is not a JWK Set; unusable
    /// keys are counted in `skipped`. At most `JWKS_MAX_KEYS` entries are considered.
    pub fn from_jwks(doc: &Value) -> Result<KeySet, String> {
        let keys = doc
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| "not a JWK Set: no \"keys\" array".to_owned())?;
        if keys.len() > JWKS_MAX_KEYS {
            return Err(format!("the JWK Set has {} keys, more than {JWKS_MAX_KEYS}", keys.len()));
        }
        let mut set = KeySet::default();
        for jwk in keys {
            match jwk.as_object().and_then(parse_jwk) {
                Some(key) => set.push(key),
                None => set.skipped += 1,
            }
        }
        Ok(set)
    }

    /// Parse one or more PEM `PUBLIC KEY` blocks (SubjectPublicKeyInfo).
    pub fn from_pem(text: &str) -> Result<KeySet, String> {
        let blocks = pem::parse_many(text).map_err(|e| format!("PEM: {e}"))?;
        if blocks.is_empty() {
            return Err("PEM: no block found".into());
        }
        let mut set = KeySet::default();
        for block in blocks {
            if block.tag() != "PUBLIC KEY" {
                return Err(format!("PEM: unsupported block {:?} (expected PUBLIC KEY)", block.tag()));
            }
            match key_from_spki(block.contents()) {
                Some(key) => set.push(key),
                None => set.skipped += 1,
            }
        }
        Ok(set)
    }

    /// A shared HMAC secret (HS256/384/512 only).
    pub fn from_hmac_secret(secret: &[u8]) -> Result<KeySet, String> {
        if secret.len() < MIN_HMAC_BYTES {
            return Err(format!("hmac_secret must be at least {MIN_HMAC_BYTES} bytes"));
        }
        // Only the algorithms whose hash output the secret is at least as long as (RFC 7518 §3.2).
        let verifiers = [
            (Algorithm::HS256, hmac::HMAC_SHA256),
            (Algorithm::HS384, hmac::HMAC_SHA384),
            (Algorithm::HS512, hmac::HMAC_SHA512),
        ]
        .into_iter()
        .filter(|(a, _)| a.min_hmac_secret_bytes() <= Some(secret.len()))
        .map(|(a, h)| (a, Verifier::Hmac(hmac::Key::new(h, secret))))
        .collect();
        let mut set = KeySet::default();
        set.push(Key { kid: None, family: Family::Hmac, alg: None, verifiers });
        Ok(set)
    }
}

const RSA_ALGS: [(Algorithm, &RsaParameters); 6] = [
    (Algorithm::RS256, &signature::RSA_PKCS1_2048_8192_SHA256),
    (Algorithm::RS384, &signature::RSA_PKCS1_2048_8192_SHA384),
    (Algorithm::RS512, &signature::RSA_PKCS1_2048_8192_SHA512),
    (Algorithm::PS256, &signature::RSA_PSS_2048_8192_SHA256),
    (Algorithm::PS384, &signature::RSA_PSS_2048_8192_SHA384),
    (Algorithm::PS512, &signature::RSA_PSS_2048_8192_SHA512),
];

fn str_member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    jwk.get(name).and_then(Value::as_str)
}

fn b64_member(jwk: &Map<String, Value>, name: &str) -> Option<Vec<u8>> {
    b64url_decode(str_member(jwk, name)?)
}

fn bit_len(be: &[u8]) -> usize {
    let be = match be.iter().position(|&b| b != 0) {
        Some(i) => &be[i..],
        None => return 0,
    };
    be.len() * 8 - be[0].leading_zeros() as usize
}

/// One JWK, or `None` when it is unusable for verification.
fn parse_jwk(jwk: &Map<String, Value>) -> Option<Key> {
    // Private members: a published private key is a leak, never a verification key.
    // `oth` (RFC 7518 §6.3.2.7: the further primes of a multi-prime RSA key) is private too.
    const PRIVATE: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
    if PRIVATE.iter().any(|m| jwk.contains_key(*m)) {
        return None;
    }
    match jwk.get("use") {
        None => {}
        Some(Value::String(u)) if u == "sig" => {}
        Some(_) => return None,
    }
    if let Some(ops) = jwk.get("key_ops") {
        let ops = ops.as_array()?;
        if !ops.iter().any(|o| o.as_str() == Some("verify")) {
            return None;
        }
    }
    let kid = match jwk.get("kid") {
        None => None,
        Some(Value::String(k)) => Some(k.clone()),
        Some(_) => return None,
    };
    let alg = match jwk.get("alg") {
        None => None,
        // A JWK naming an algorithm we do not verify (e.g. RSA-OAEP) is not a signing key for us.
        Some(Value::String(a)) => Some(Algorithm::from_name(a)?),
        Some(_) => return None,
    };
    let (family, verifiers) = match str_member(jwk, "kty")? {
        "RSA" => {
            let n = b64_member(jwk, "n")?;
            let e = b64_member(jwk, "e")?;
            if bit_len(&n) < MIN_RSA_BITS {
                return None;
            }
            let components = RsaPublicKeyComponents { n: n.as_slice(), e: e.as_slice() };
            let mut verifiers = Vec::new();
            for (a, params) in RSA_ALGS {
                if alg.is_none_or(|x| x == a) {
                    verifiers.push((a, Verifier::Public(components.to_parsed_public_key(params).ok()?)));
                }
            }
            (Family::Rsa, verifiers)
        }
        "EC" => {
            let (family, a, algorithm, size): (_, _, &'static dyn VerificationAlgorithm, _) = match str_member(jwk, "crv")? {
                "P-256" => (Family::EcP256, Algorithm::ES256, &signature::ECDSA_P256_SHA256_FIXED, 32),
                "P-384" => (Family::EcP384, Algorithm::ES384, &signature::ECDSA_P384_SHA384_FIXED, 48),
                _ => return None,
            };
            let x = b64_member(jwk, "x")?;
            let y = b64_member(jwk, "y")?;
            if x.len() != size || y.len() != size {
                return None;
            }
            let mut point = Vec::with_capacity(1 + 2 * size);
            point.push(0x04);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            (family, vec![(a, Verifier::Public(ParsedPublicKey::new(algorithm, &point).ok()?))])
        }
        "OKP" => {
            if str_member(jwk, "crv")? != "Ed25519" {
                return None;
            }
            let x = b64_member(jwk, "x")?;
            if crate::ed25519_key::refusal(&x).is_some() {
                return None;
            }
            (Family::Ed25519, vec![(Algorithm::EdDSA, Verifier::Public(ParsedPublicKey::new(&signature::ED25519, &x).ok()?))])
        }
        // `oct` keys never come from a key set: HMAC needs an explicitly configured secret.
        _ => return None,
    };
    if alg.is_some_and(|a| a.family() != family) {
        return None;
    }
    Some(Key { kid, family, alg, verifiers })
}

/// A key from SubjectPublicKeyInfo DER (PEM), trying each family in turn.
fn key_from_spki(der: &[u8]) -> Option<Key> {
    if let Ok(rsa) = aws_lc_rs::rsa::PublicEncryptingKey::from_der(der) {
        if rsa.key_size_bits() < MIN_RSA_BITS {
            return None;
        }
        let verifiers = RSA_ALGS
            .iter()
            .map(|(a, params)| Some((*a, Verifier::Public(ParsedPublicKey::new(*params, der).ok()?))))
            .collect::<Option<Vec<_>>>()?;
        return Some(Key { kid: None, family: Family::Rsa, alg: None, verifiers });
    }
    let others: [(Family, Algorithm, &'static dyn VerificationAlgorithm); 3] = [
        (Family::EcP256, Algorithm::ES256, &signature::ECDSA_P256_SHA256_FIXED),
        (Family::EcP384, Algorithm::ES384, &signature::ECDSA_P384_SHA384_FIXED),
        (Family::Ed25519, Algorithm::EdDSA, &signature::ED25519),
    ];
    others.into_iter().find_map(|(family, a, algorithm)| {
        let key = ParsedPublicKey::new(algorithm, der).ok()?;
        // An Ed25519 SPKI ends with the 32-byte key: small-order and non-canonical keys are unusable.
        if family == Family::Ed25519 && crate::ed25519_key::refusal(&der[der.len().saturating_sub(32)..]).is_some() {
            return None;
        }
        Some(Key { kid: None, family, alg: None, verifiers: vec![(a, Verifier::Public(key))] })
    })
}
