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

// ---- Outgoing: the token client against the development issuer ----

use meshauth::{TokenClient, TokenRequest};

fn token_client(issuer: &meshauth_issuer::RunningIssuer, id: &str, secret: &str) -> TokenClient {
    TokenClient::from_value(json!({"issuer": issuer.issuer(), "client_id": id, "client_secret": secret})).unwrap()
}

fn request(v: Value) -> TokenRequest {
    TokenRequest::from_json(&v.to_string()).unwrap()
}

fn oauth_error(r: meshauth::Result<meshauth::AccessToken>) -> (ErrorCode, Option<String>) {
    let e = r.expect_err("refused");
    (e.code(), e.oauth_error().map(str::to_owned))
}

#[test]
fn client_credentials_through_discovery_and_its_failures() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let orders = token_client(&issuer, "orders", "orders-dev-secret");
    let t = orders.client_credentials(&request(json!({"audience": "inventory", "scope": "inventory:read"}))).unwrap();
    let inventory = validator(json!({"issuer": issuer.issuer(), "audience": "inventory", "jwks_url": issuer.jwks_url(),
                                     "allowed_clients": ["orders"], "required_scopes": ["inventory:read"]}));
    let p = inventory.validate(&t.access_token).unwrap();
    assert!(p.is_client);
    assert_eq!(p.audiences, vec!["inventory"]);

    // client_secret_post works too.
    let post = TokenClient::from_value(json!({"issuer": issuer.issuer(), "client_id": "orders",
                                              "client_secret": "orders-dev-secret", "client_auth": "client_secret_post"})).unwrap();
    assert!(post.client_credentials(&TokenRequest::default()).is_ok());

    let e = ErrorCode::TokenEndpointError;
    assert_eq!(oauth_error(token_client(&issuer, "orders", "wrong").client_credentials(&TokenRequest::default())), (e, Some("invalid_client".into())));
    assert_eq!(oauth_error(token_client(&issuer, "nobody", "x").client_credentials(&TokenRequest::default())), (e, Some("invalid_client".into())));
    assert_eq!(oauth_error(orders.client_credentials(&request(json!({"audience": "partner-api"})))), (e, Some("invalid_target".into())));
    assert_eq!(oauth_error(orders.client_credentials(&request(json!({"scope": "admin"})))), (e, Some("invalid_scope".into())));

    // A caller not in allowed_clients, or without the scope, is refused by the policy.
    let reporting = token_client(&issuer, "reporting", "reporting-dev-secret");
    let billing_only = validator(json!({"issuer": issuer.issuer(), "audience": "billing", "jwks_url": issuer.jwks_url(),
                                        "allowed_clients": ["orders"]}));
    let rt = reporting.client_credentials(&TokenRequest::default()).unwrap();
    let err = billing_only.validate(&rt.access_token).unwrap_err();
    assert_eq!((err.code(), err.http_status()), (ErrorCode::CallerNotAllowed, Some(403)));
    let needs_scope = validator(json!({"issuer": issuer.issuer(), "audience": "billing", "jwks_url": issuer.jwks_url(),
                                       "required_scopes": ["billing:charge"]}));
    let err = needs_scope.validate(&rt.access_token).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InsufficientScope);
    assert!(err.www_authenticate().unwrap().ends_with("scope=\"billing:charge\""));
}

#[test]
fn user_token_exchanged_for_a_third_party_is_refused_internally() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let orders = token_client(&issuer, "orders", "orders-dev-secret");
    let user = issuer.mint(&MintRequest::new(json!({"sub": "alice", "aud": ["orders", "inventory"]}))).unwrap();
    let inventory = validator(json!({"issuer": issuer.issuer(), "audience": "inventory", "jwks_url": issuer.jwks_url()}));
    let partner = validator(json!({"issuer": issuer.issuer(), "audience": "partner-api", "jwks_url": issuer.jwks_url()}));

    // First-party: the user's own token is forwarded as is.
    let alice = inventory.validate(&user).unwrap();
    assert!(!alice.is_client);
    assert_eq!(alice.authorization_header(), format!("Bearer {user}"));

    for (grant, req) in [
        ("jwt-bearer", json!({"audience": "partner-api", "scope": "partner:orders:read"})),
        ("jwt-bearer with a client token", json!({"audience": "partner-api", "use_client_token": true})),
        ("token exchange", json!({"audience": "partner-api", "scope": "partner:orders:read"})),
    ] {
        let req = request(req);
        let t = if grant == "token exchange" { orders.token_exchange(&user, &req) } else { orders.jwt_bearer(&user, &req) }
            .unwrap_or_else(|e| panic!("{grant}: {e}"));
        let p = partner.validate(&t.access_token).unwrap_or_else(|e| panic!("{grant}: {e}"));
        assert_eq!(p.subject.as_deref(), Some("alice"), "{grant}");
        assert_eq!(p.audiences, vec!["partner-api"], "{grant}");
        assert_eq!(inventory.validate(&t.access_token).unwrap_err().code(), ErrorCode::InvalidAudience, "{grant}");
    }

    let e = ErrorCode::TokenEndpointError;
    let expired = issuer.mint(&MintRequest::new(json!({"sub": "alice", "aud": "orders", "exp": 1_700_000_000}))).unwrap();
    assert_eq!(oauth_error(orders.jwt_bearer(&expired, &request(json!({"audience": "partner-api"})))), (e, Some("invalid_grant".into())));
    let not_for_orders = issuer.mint(&MintRequest::new(json!({"sub": "alice", "aud": "billing"}))).unwrap();
    assert_eq!(oauth_error(orders.jwt_bearer(&not_for_orders, &request(json!({"audience": "partner-api"})))), (e, Some("invalid_grant".into())));
    assert_eq!(oauth_error(orders.jwt_bearer(&user, &request(json!({"audience": "inventory"})))), (e, Some("invalid_target".into())));
    let reporting = token_client(&issuer, "reporting", "reporting-dev-secret");
    assert_eq!(oauth_error(reporting.jwt_bearer(&user, &request(json!({"audience": "partner-api"})))), (e, Some("unauthorized_client".into())));
    assert_eq!(oauth_error(orders.token_exchange(&expired, &request(json!({"audience": "partner-api"})))), (e, Some("invalid_request".into())));
}

#[test]
fn private_key_jwt_client() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let pem_text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../issuer/dev-keys/signed-client.pem")).unwrap();
    let c = TokenClient::from_value(json!({"issuer": issuer.issuer(), "client_id": "signed-client", "private_key_pem": pem_text})).unwrap();
    let t = c.client_credentials(&TokenRequest::default()).unwrap();
    let inventory = validator(json!({"issuer": issuer.issuer(), "audience": "inventory", "jwks_url": issuer.jwks_url()}));
    assert_eq!(inventory.validate(&t.access_token).unwrap().client_id.as_deref(), Some("signed-client"));
}

#[test]
fn issuer_down_is_token_endpoint_error() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let token_url = issuer.token_url();
    drop(issuer);
    let c = TokenClient::from_value(json!({"token_endpoint": token_url, "client_id": "orders", "client_secret": "x", "http_timeout_ms": 1000})).unwrap();
    assert_eq!(c.client_credentials(&TokenRequest::default()).unwrap_err().code(), ErrorCode::TokenEndpointError);
}
