//! The jwt-bearer grant (RFC 7523 §2.1) over HTTP: `orders` exchanges the user token it received
//! for a token meant only for `partner-api`.

mod common;

use common::*;
use meshauth_issuer::{sign_json, Algorithm, MintRequest, SigningKey};
use serde_json::{json, Value};

/// A user token for `orders`, minted over HTTP as a binding's test would.
fn user_token(issuer: &meshauth_issuer::RunningIssuer) -> String {
    mint_http(issuer, &json!({"claims": {"sub": "alice", "aud": "orders"}}))
}

#[test]
fn exchanges_a_user_token_with_basic_auth() {
    let issuer = start();
    let assertion = mint_http(&issuer, &json!({"claims": {"sub": "alice", "aud": "orders"}, "ttl_s": 120}));
    let assertion_exp = segments(&assertion).1["exp"].as_i64().unwrap();
    let r = token(
        &issuer,
        ORDERS,
        &[
            ("grant_type", JWT_BEARER),
            ("assertion", &assertion),
            ("scope", "partner:orders:read"),
            ("audience", "partner-api"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let body = r.json();
    let members: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(members.len(), 4, "access_token, token_type, expires_in, scope: {members:?}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "partner:orders:read");
    assert!(body.get("issued_token_type").is_none(), "token exchange only");
    let expires_in = body["expires_in"].as_i64().unwrap();
    assert!((110..=120).contains(&expires_in), "bounded by the assertion's exp: {expires_in}");

    let at = body["access_token"].as_str().unwrap();
    let (header, _, _, _) = segments(at);
    assert_eq!((header["typ"].as_str(), header["alg"].as_str()), (Some("at+jwt"), Some("RS256")));
    let claims = verify_with_jwks(at, &get(&issuer.jwks_url()).json()).unwrap();
    assert_eq!(claims["iss"], issuer.issuer());
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["aud"], json!(["partner-api"]), "only the third party");
    assert_eq!(claims["client_id"], "orders");
    assert_eq!(claims["azp"], "orders");
    assert_eq!(claims["scope"], "partner:orders:read");
    assert_eq!(claims["exp"].as_i64().unwrap(), assertion_exp, "exp = min(now + ttl, assertion exp)");
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
    assert!(claims.get("act").is_none());
    let expected: Vec<&str> = vec!["aud", "azp", "client_id", "exp", "iat", "iss", "jti", "scope", "sub"];
    let mut names: Vec<&str> = claims.as_object().unwrap().keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(names, expected);
}

#[test]
fn a_bearer_client_token_authenticates_and_defaults_apply() {
    let issuer = start();
    let client = client_token(&issuer, "orders", "orders-dev-secret");
    let bearer = format!("Bearer {client}");
    let user = user_token(&issuer);
    // No audience: the client's only exchange audience; no scope: all exchange scopes.
    let r = token_with(&issuer, Some(&bearer), &[("grant_type", JWT_BEARER), ("assertion", &user)]);
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["expires_in"], 300);
    let claims = segments(body["access_token"].as_str().unwrap()).1;
    assert_eq!(
        (claims["sub"].as_str(), claims["client_id"].as_str(), claims["azp"].as_str()),
        (Some("alice"), Some("orders"), Some("orders"))
    );
    assert_eq!(claims["aud"], json!(["partner-api"]));
    assert_eq!(claims["scope"], "partner:orders:read");
    // `resource` (RFC 8707) names the audience too; a matching client_id parameter is fine.
    let r = token_with(
        &issuer,
        Some(&bearer),
        &[("grant_type", JWT_BEARER), ("assertion", &user), ("resource", "partner-api"), ("client_id", "orders")],
    );
    assert_eq!(r.status, 200, "{}", r.body);

    // A Bearer token that is not a client token of this issuer does not authenticate.
    for (bad, why) in [
        (user.clone(), "a user token"),
        (meshauth_issuer::tamper_signature(&client), "a forged client token"),
        (
            issuer
                .mint(&MintRequest::new(json!({"sub": "orders", "client_id": "orders", "exp": now() - 120})))
                .unwrap(),
            "an expired client token",
        ),
        (issuer.mint(&MintRequest::new(json!({"sub": "ghost", "client_id": "ghost"}))).unwrap(), "an unknown client"),
    ] {
        let r =
            token_with(&issuer, Some(&format!("Bearer {bad}")), &[("grant_type", JWT_BEARER), ("assertion", &user)]);
        assert_eq!(error_of(&r), (401, "invalid_client".into()), "{why}: {}", r.body);
        let challenge = r.header("www-authenticate").unwrap_or_default();
        assert!(challenge.starts_with("Bearer ") && challenge.contains("error=\"invalid_token\""), "{challenge}");
        assert!(!r.body.contains(&bad), "the token is not echoed");
    }
    // Bearer client tokens authenticate the exchange grants only.
    let r = token_with(&issuer, Some(&bearer), &[("grant_type", "client_credentials")]);
    assert_eq!(error_of(&r), (401, "invalid_client".into()));
    // Another client named in the body, or two methods at once.
    let r = token_with(
        &issuer,
        Some(&bearer),
        &[("grant_type", JWT_BEARER), ("assertion", &user), ("client_id", "reporting")],
    );
    assert_eq!(error_of(&r), (400, "invalid_request".into()));
    let r = token_with(
        &issuer,
        Some(&bearer),
        &[
            ("grant_type", JWT_BEARER),
            ("assertion", &user),
            ("client_id", "orders"),
            ("client_secret", "orders-dev-secret"),
        ],
    );
    assert_eq!(error_of(&r), (400, "invalid_request".into()));
}

#[test]
fn client_authentication_failures() {
    let issuer = start();
    let user = user_token(&issuer);
    let form = [("grant_type", JWT_BEARER), ("assertion", user.as_str())];
    let r = token(&issuer, Some(("orders", "wrong-secret")), &form);
    assert_eq!(error_of(&r), (401, "invalid_client".into()), "wrong secret");
    assert!(r.header("www-authenticate").is_some_and(|c| c.starts_with("Basic")));
    let r = token(&issuer, Some(("nobody", "orders-dev-secret")), &form);
    assert_eq!(error_of(&r), (401, "invalid_client".into()), "unknown client");
    let r = token(&issuer, None, &form);
    assert_eq!(error_of(&r), (401, "invalid_client".into()), "no client authentication");
}

#[test]
fn grant_not_registered_for_the_client() {
    let issuer = start();
    let user = mint_http(&issuer, &json!({"claims": {"sub": "alice", "aud": "reporting"}}));
    let r = token(
        &issuer,
        Some(("reporting", "reporting-dev-secret")),
        &[("grant_type", JWT_BEARER), ("assertion", &user)],
    );
    assert_eq!(error_of(&r), (400, "unauthorized_client".into()));
    assert!(description(&r).contains(JWT_BEARER));
}

#[test]
fn audience_and_scope_must_be_registered_for_exchange() {
    let issuer = start();
    let user = user_token(&issuer);
    let with = |extra: &[(&str, &str)]| {
        let mut form = vec![("grant_type", JWT_BEARER), ("assertion", user.as_str())];
        form.extend_from_slice(extra);
        error_of(&token(&issuer, ORDERS, &form))
    };
    // `inventory` is one of orders' own audiences, not an exchange audience.
    assert_eq!(with(&[("audience", "inventory")]), (400, "invalid_target".into()));
    assert_eq!(with(&[("audience", "elsewhere")]), (400, "invalid_target".into()));
    assert_eq!(with(&[("audience", "partner-api"), ("resource", "inventory")]), (400, "invalid_target".into()));
    // `inventory:read` is one of orders' own scopes, not an exchange scope.
    assert_eq!(with(&[("scope", "inventory:read")]), (400, "invalid_scope".into()));
    assert_eq!(with(&[("scope", "partner:orders:read partner:orders:write")]), (400, "invalid_scope".into()));
    assert_eq!(with(&[("audience", "partner-api"), ("audience", "partner-api")]), (400, "invalid_request".into()));
    let r = token(&issuer, ORDERS, &[("grant_type", JWT_BEARER)]);
    assert_eq!(error_of(&r), (400, "invalid_request".into()), "no assertion");
}

/// Each refused assertion: `invalid_grant` (400) whose description says why, without the token.
#[test]
fn refused_assertions() {
    let issuer = start();
    let mint = |claims: Value| mint_http(&issuer, &json!({ "claims": claims }));
    let foreign = SigningKey::generate(Algorithm::RS256, "").unwrap();
    let own_kid = issuer.jwks()["keys"][0]["kid"].as_str().unwrap().to_owned();
    let foreign_claims = json!({"iss": issuer.issuer(), "sub": "alice", "aud": "orders", "exp": now() + 60});
    let client_token_of_orders = client_token(&issuer, "orders", "orders-dev-secret");
    let cases: Vec<(String, &str, &str)> = vec![
        (mint(json!({"sub": "alice", "aud": "orders", "exp": now() - 120})), "expired", "expired"),
        (
            sign_json(&foreign, &json!({"typ": "at+jwt"}), &foreign_claims).unwrap(),
            "signed by a foreign key (its own kid)",
            "not signed by a key of this issuer",
        ),
        (
            sign_json(&foreign, &json!({"kid": own_kid}), &foreign_claims).unwrap(),
            "signed by a foreign key under the issuer's kid",
            "signature does not verify",
        ),
        (
            mint(json!({"iss": "https://other.example", "sub": "alice", "aud": "orders"})),
            "another issuer",
            "not issued by this issuer",
        ),
        (
            mint(json!({"sub": "alice", "aud": ["inventory", "billing"]})),
            "aud names another service",
            "aud does not name client \"orders\"",
        ),
        (mint(json!({"sub": "alice"})), "no aud", "aud does not name"),
        (
            mint(json!({"sub": "orders", "client_id": "orders", "aud": "orders"})),
            "a client token",
            "client's own token",
        ),
        (client_token_of_orders, "orders' real client-credentials token", "client's own token"),
        (mint(json!({"aud": "orders"})), "no sub", "no sub claim"),
        (
            meshauth_issuer::tamper_signature(&mint(json!({"sub": "alice", "aud": "orders"}))),
            "forged",
            "signature does not verify",
        ),
        (mint(json!({"sub": "alice", "aud": "orders", "nbf": now() + 600})), "not yet valid", "not valid yet"),
        ("not-a-jwt".to_owned(), "not a JWT", "compact JWS"),
    ];
    for (assertion, what, why) in cases {
        let r = token(&issuer, ORDERS, &[("grant_type", JWT_BEARER), ("assertion", &assertion)]);
        assert_eq!(error_of(&r), (400, "invalid_grant".into()), "{what}: {}", r.body);
        let d = description(&r);
        assert!(d.starts_with("the assertion is refused: ") && d.contains(why), "{what}: {d}");
        assert!(!r.body.contains(&assertion), "{what}: the assertion is not echoed");
    }
    // Within the 60 s leeway an assertion is still accepted; its exp caps the new token.
    let late = mint(json!({"sub": "alice", "aud": "orders", "exp": now() - 10}));
    let r = token(&issuer, ORDERS, &[("grant_type", JWT_BEARER), ("assertion", &late)]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["expires_in"], 0);
}

#[test]
fn assertions_of_the_previous_key_generation_are_accepted_until_retired() {
    let issuer = start();
    for alg in ["RS256", "ES256", "EdDSA"] {
        let user = mint_http(&issuer, &json!({"claims": {"sub": "alice", "aud": "orders"}, "alg": alg}));
        let r = token(&issuer, ORDERS, &[("grant_type", JWT_BEARER), ("assertion", &user)]);
        assert_eq!(r.status, 200, "{alg}: {}", r.body);
    }
    let before = user_token(&issuer);
    issuer.rotate();
    let r = token(&issuer, ORDERS, &[("grant_type", JWT_BEARER), ("assertion", &before)]);
    assert_eq!(r.status, 200, "previous generation: {}", r.body);
    issuer.rotate_with(true);
    let r = token(&issuer, ORDERS, &[("grant_type", JWT_BEARER), ("assertion", &before)]);
    assert_eq!(error_of(&r), (400, "invalid_grant".into()), "retired keys");
}
