//! The targets. Each takes arbitrary bytes; a panic (including a failed invariant) is a finding.

use std::sync::OnceLock;

use meshauth::keys::KeySet;
use meshauth::{ErrorCode, Request, Validator};

/// The clock of the conformance corpus (2026-01-01T00:00:00Z): the seed tokens are valid then.
pub const NOW: i64 = 1_767_225_600;

/// The standard corpus configuration: issuer A's inline JWKS with RSA (RS*/PS*), ES256, ES384 and
/// EdDSA keys, and the keys every verifier must skip.
fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        let config = crate::seeds::corpus_case("rs256_valid")["config"].to_string();
        Validator::from_json(&config).expect("the corpus configuration is valid")
    })
}

/// `validate` with inline RS256/ES256/EdDSA keys: the token bytes are fuzzed.
pub fn validate(data: &[u8]) {
    let v = validator();
    match v.validate_bytes_at(data, NOW) {
        Ok(p) => {
            // Accepted: the Principal carries exactly the token, and a second run agrees.
            assert_eq!(p.token.as_bytes(), data);
            assert_eq!(v.validate_bytes_at(data, NOW).map(|q| q.to_json()).ok(), Some(p.to_json()));
            // Only signed tokens pass: never a token without three parts.
            assert_eq!(p.token.split('.').count(), 3);
        }
        Err(e) => {
            // The error never echoes the token.
            if data.len() >= 16 {
                if let Ok(text) = std::str::from_utf8(data) {
                    assert!(!e.message().contains(text), "the error echoes the token");
                }
            }
            assert_ne!(e.code(), ErrorCode::InvalidConfig);
        }
    }
}

/// The strict JSON reader of headers and payloads: whatever it accepts, serde_json reads as an
/// object with as many members (so no duplicate slipped through).
pub fn strict_json(data: &[u8]) {
    if let Ok(members) = meshauth::fuzzing::strict_json(data) {
        let value: serde_json::Value = serde_json::from_slice(data).expect("strict JSON is JSON");
        let object = value.as_object().expect("strict JSON is an object");
        assert_eq!(object.len(), members, "a duplicate member name was accepted");
    }
}

/// JWK Set parsing: a set is parsed or refused as a whole; every entry is usable or skipped.
pub fn jwks(data: &[u8]) {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(set) = KeySet::from_jwks(&doc) {
        let entries = doc["keys"].as_array().map_or(0, Vec::len);
        assert_eq!(set.len() + set.skipped, entries);
    }
    // The same document as an inline key source: invalid_config or a validator, never a panic.
    let config = serde_json::json!({"issuer": "https://issuer.example", "audience": "a", "jwks": doc});
    if let Err(e) = Validator::from_json(&config.to_string()) {
        assert_eq!(e.code(), ErrorCode::InvalidConfig);
    }
}

/// Request extraction: the JSON form of a request (headers and cookies), with and without a token
/// cookie configured. A token found is one non-empty b64token-like value taken from the request.
pub fn request(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(req) = Request::from_json(text) else {
        return;
    };
    for cookie in [None, Some("at")] {
        match meshauth::extract::extract_token(&req, cookie) {
            Ok(token) => {
                assert!(!token.is_empty());
                assert!(!token.contains([' ', '\t']), "a token with whitespace: two tokens accepted as one");
                let from_header = req.headers.iter().any(|(_, v)| v.contains(token));
                let from_cookie = req.cookies.iter().flatten().any(|(_, v)| v == token);
                assert!(from_header || from_cookie);
            }
            Err(e) => assert!(matches!(e.code(), ErrorCode::InvalidRequest | ErrorCode::NoCredentials)),
        }
    }
}

/// Discovery documents: an endpoint is answered only for the configured issuer, and passes the
/// transport policy.
pub fn discovery(data: &[u8]) {
    let url = "https://issuer.example/.well-known/openid-configuration";
    if let Ok(endpoint) = meshauth::fuzzing::discovery_document(data, url, "https://issuer.example", false) {
        let doc: serde_json::Value = serde_json::from_slice(data).expect("JSON");
        assert_eq!(doc["issuer"], "https://issuer.example");
        // The scheme is case-insensitive (RFC 3986 §3.1): `Https://…` is https. (AFL++ found
        // that this check, first written case-sensitively, was wrong: fuzz/regressions/discovery.)
        let scheme = endpoint.split("://").next().unwrap_or_default().to_ascii_lowercase();
        assert!(endpoint.contains("://") && (scheme == "https" || scheme == "http"), "{endpoint}");
    }
}

/// Token-endpoint responses: the first byte picks the HTTP status, the rest is the body.
pub fn token_response(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let status = [200, 400, 401, 500, 200, 302, 200, 503][usize::from(selector & 7)];
    let expect = (selector & 8 != 0).then_some("urn:ietf:params:oauth:token-type:access_token");
    match meshauth::fuzzing::token_response(status, body, expect) {
        Ok((token, lifetime)) => {
            assert_eq!(status, 200);
            assert!(!token.access_token.is_empty());
            assert!(lifetime <= std::time::Duration::from_secs(86_400 * 366), "{lifetime:?}");
        }
        Err(e) => assert_eq!(e.code(), ErrorCode::TokenEndpointError),
    }
}

/// PEM public keys: parsed or refused, never a panic; as a key source, invalid_config or a validator.
pub fn pem(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = KeySet::from_pem(text);
    let config = serde_json::json!({"issuer": "https://issuer.example", "audience": "a", "pem": text});
    if let Err(e) = Validator::from_json(&config.to_string()) {
        assert_eq!(e.code(), ErrorCode::InvalidConfig);
    }
}
