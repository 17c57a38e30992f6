//! Key selection by `kid` when a key set mixes keys with and without a kid.

use meshauth::{Config, ErrorCode, Validator};
use meshauth_issuer::{sign_json, Algorithm, SigningKey};
use serde_json::json;

const NOW: i64 = 1_767_225_600;

fn claims() -> serde_json::Value {
    json!({"iss": "https://issuer.test", "aud": "orders", "sub": "alice", "exp": NOW + 600})
}

fn code(v: &Validator, token: &str) -> &'static str {
    v.validate_at(token, NOW).map(|_| "ok").unwrap_or_else(|e| e.code().as_str())
}

#[test]
fn kid_less_keys_answer_any_kid_of_their_family_only() {
    let rsa = SigningKey::generate(Algorithm::RS256, "").unwrap();
    let ec = SigningKey::generate(Algorithm::ES256, "ec-1").unwrap();
    let pem = rsa.public_key_pem().unwrap();
    let v = Validator::new(Config::from_value(json!({"issuer": "https://issuer.test", "audience": "orders", "pem": pem})).unwrap()).unwrap();
    // A PEM key has no kid: a token naming any kid is verified with it.
    let t = sign_json(&rsa, &json!({"alg": "RS256", "kid": "whatever"}), &claims()).unwrap();
    assert_eq!(code(&v, &t), "ok");
    // An ES256 token with an unknown kid: no key could verify it — key_not_found, not a
    // complaint about the algorithm of a key it never named.
    let t = sign_json(&ec, &json!({"alg": "ES256", "kid": "ec-1"}), &claims()).unwrap();
    assert_eq!(code(&v, &t), "key_not_found");

    // In a JWK Set, a kid that names a key of another family is algorithm_not_allowed.
    let mut rsa_jwk = rsa.with_kid("rsa-1").public_jwk();
    rsa_jwk.as_object_mut().unwrap().remove("alg");
    let v = Validator::new(
        Config::from_value(json!({"issuer": "https://issuer.test", "audience": "orders",
                                   "jwks": {"keys": [rsa_jwk, ec.public_jwk()]}}))
        .unwrap(),
    )
    .unwrap();
    let t = sign_json(&ec, &json!({"alg": "ES256", "kid": "rsa-1"}), &claims()).unwrap();
    assert_eq!(v.validate_at(&t, NOW).unwrap_err().code(), ErrorCode::AlgorithmNotAllowed);
    let t = sign_json(&ec, &json!({"alg": "ES256", "kid": "ec-1"}), &claims()).unwrap();
    assert_eq!(code(&v, &t), "ok");
}

#[test]
fn a_token_without_kid_is_tried_against_a_few_keys_only() {
    let key = SigningKey::generate(Algorithm::RS256, "").unwrap();
    let others: Vec<SigningKey> =
        (0..3).map(|i| SigningKey::generate(Algorithm::RS256, &format!("other-{i}")).unwrap()).collect();
    let set = |n_others: usize| {
        let mut keys: Vec<serde_json::Value> = others[..n_others].iter().map(|k| k.public_jwk()).collect();
        keys.push(key.with_kid("mine").public_jwk());
        Validator::new(
            Config::from_value(json!({"issuer": "https://issuer.test", "audience": "orders", "jwks": {"keys": keys}}))
                .unwrap(),
        )
        .unwrap()
    };
    let token = sign_json(&key, &json!({"alg": "RS256", "kid": null}), &claims()).unwrap();
    // Up to three compatible keys: each is tried, the right one verifies.
    assert_eq!(code(&set(2), &token), "ok");
    // Four: the token must name its key; none is tried, whichever would verify.
    let err = set(3).validate_at(&token, NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeyNotFound);
    assert!(err.message().contains("kid"), "{}", err.message());
    // Naming it works whatever the size of the set.
    let named = sign_json(&key, &json!({"alg": "RS256", "kid": "mine"}), &claims()).unwrap();
    assert_eq!(code(&set(3), &named), "ok");
    // Keys of other families do not count: three RSA keys and EC/OKP ones still try the three.
    let mut keys: Vec<serde_json::Value> = others[..2].iter().map(|k| k.public_jwk()).collect();
    keys.push(key.with_kid("mine").public_jwk());
    for alg in [Algorithm::ES256, Algorithm::EdDSA] {
        keys.push(SigningKey::generate(alg, &format!("{alg:?}")).unwrap().public_jwk());
    }
    let v = Validator::new(
        Config::from_value(json!({"issuer": "https://issuer.test", "audience": "orders", "jwks": {"keys": keys}}))
            .unwrap(),
    )
    .unwrap();
    let r = v.validate_at(&token, NOW);
    assert!(r.is_ok(), "{:?}", r.err());
}
