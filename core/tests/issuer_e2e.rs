//! The remote key source against the real development issuer: client-credentials tokens over
//! HTTP, JWKS and discovery, key rotation picked up through the unknown-`kid` refetch.

use meshauth::{Config, ErrorCode, Validator};
use meshauth_issuer::{Issuer, IssuerOptions, MintRequest};
use serde_json::{json, Value};

fn client_credentials(token_url: &str, basic: &str, form: &str) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut resp = agent
        .post(token_url)
        .header("Authorization", format!("Basic {basic}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(form)
        .unwrap();
    let status = resp.status().as_u16();
    (status, serde_json::from_slice(&resp.body_mut().read_to_vec().unwrap()).unwrap())
}

// base64("orders:orders-dev-secret")
const ORDERS: &str = "b3JkZXJzOm9yZGVycy1kZXYtc2VjcmV0";

fn validator(cfg: Value) -> Validator {
    Validator::new(Config::from_value(cfg).unwrap()).unwrap()
}

#[test]
fn client_credentials_token_validates_through_jwks_and_discovery() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let (status, body) = client_credentials(&issuer.token_url(), ORDERS, "grant_type=client_credentials");
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();

    for source in [json!({"jwks_url": issuer.jwks_url()}), json!({"discovery": true})] {
        let mut cfg = json!({"issuer": issuer.issuer(), "audience": "inventory", "token_type": "at+jwt"});
        cfg.as_object_mut().unwrap().extend(source.as_object().unwrap().clone());
        let p = validator(cfg).validate(token).unwrap();
        assert_eq!(p.client_id.as_deref(), Some("orders"));
        assert!(p.is_client);
        assert_eq!(p.audiences, vec!["inventory", "billing"]);
    }
    // A service the client did not register for refuses the token.
    let reporting = validator(json!({"issuer": issuer.issuer(), "audience": "reporting", "jwks_url": issuer.jwks_url()}));
    assert_eq!(reporting.validate(token).unwrap_err().code(), ErrorCode::InvalidAudience);
}

#[test]
fn every_issuer_key_type_validates() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let v = validator(json!({"issuer": issuer.issuer(), "audience": "orders", "jwks_url": issuer.jwks_url()}));
    for alg in ["RS256", "ES256", "EdDSA"] {
        let mut req = MintRequest::new(json!({"sub": "alice", "aud": "orders"}));
        req.alg = Some(alg.into());
        let p = v.validate(&issuer.mint(&req).unwrap()).unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(p.subject.as_deref(), Some("alice"));
        req.tamper = Some("signature".into());
        assert_eq!(v.validate(&issuer.mint(&req).unwrap()).unwrap_err().code(), ErrorCode::InvalidSignature);
    }
}

#[test]
fn rotation_is_picked_up_by_the_unknown_kid_refetch() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let v = validator(json!({"issuer": issuer.issuer(), "audience": "orders", "jwks_url": issuer.jwks_url(),
                             "jwks_refresh_cooldown_s": 0}));
    let mint = || issuer.mint(&MintRequest::new(json!({"sub": "alice", "aud": "orders"}))).unwrap();
    let before = mint();
    assert!(v.validate(&before).is_ok());
    issuer.rotate();
    let after = mint();
    assert_ne!(before.split('.').next(), after.split('.').next(), "a new kid signs after rotation");
    assert!(v.validate(&after).is_ok(), "the new key is fetched on its unknown kid");
    assert!(v.validate(&before).is_ok(), "the previous generation is still published");
}

#[test]
fn without_a_refetch_allowance_a_rotated_key_is_key_not_found() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let v = validator(json!({"issuer": issuer.issuer(), "audience": "orders", "jwks_url": issuer.jwks_url(),
                             "jwks_refresh_cooldown_s": 3600}));
    let mint = || issuer.mint(&MintRequest::new(json!({"sub": "alice", "aud": "orders"}))).unwrap();
    assert!(v.validate(&mint()).is_ok());
    issuer.rotate();
    assert_eq!(v.validate(&mint()).unwrap_err().code(), ErrorCode::KeyNotFound);
}
