//! The development issuer over real HTTP on a loopback port.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use meshauth_issuer::{ClientRegistry, Issuer, IssuerOptions, MintRequest};
use serde_json::{json, Value};

#[test]
fn discovery_documents() {
    let issuer = start();
    for path in ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"] {
        let r = get(&format!("{}{path}", issuer.url()));
        assert_eq!(r.status, 200);
        let doc = r.json();
        assert_eq!(doc["issuer"], issuer.issuer());
        assert_eq!(doc["jwks_uri"], format!("{}/jwks", issuer.url()));
        assert_eq!(doc["token_endpoint"], format!("{}/token", issuer.url()));
        assert_eq!(
            doc["grant_types_supported"],
            json!([
                "client_credentials",
                "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "urn:ietf:params:oauth:grant-type:token-exchange"
            ])
        );
        assert_eq!(
            doc["token_endpoint_auth_methods_supported"],
            json!(["client_secret_basic", "client_secret_post", "private_key_jwt"])
        );
        assert_eq!(
            doc["token_endpoint_auth_signing_alg_values_supported"],
            json!(["RS256", "PS256", "ES256", "EdDSA"])
        );
        assert_eq!(doc["id_token_signing_alg_values_supported"], json!(["RS256", "ES256", "EdDSA"]));
    }
    assert!(issuer.url().starts_with("http://127.0.0.1:"));
    assert_eq!(issuer.issuer(), issuer.url(), "default issuer = base URL");
    assert_eq!(get(&format!("{}/health", issuer.url())).body, "ok");
    let missing = get(&format!("{}/nope", issuer.url()));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"], "not_found");
    assert_eq!(get(&issuer.token_url()).status, 405);
}

#[test]
fn configured_issuer_identifier() {
    let issuer =
        Issuer::start(IssuerOptions { issuer: Some("https://auth.example".into()), ..IssuerOptions::default() })
            .unwrap();
    assert_eq!(issuer.issuer(), "https://auth.example");
    let doc = get(&format!("{}/.well-known/openid-configuration", issuer.url())).json();
    assert_eq!(doc["issuer"], "https://auth.example");
    let token = issuer.mint(&MintRequest::new(json!({"sub": "alice"}))).unwrap();
    assert_eq!(segments(&token).1["iss"], "https://auth.example");
}

#[test]
fn jwks_has_three_keys() {
    let issuer = start();
    let jwks = get(&issuer.jwks_url()).json();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 3);
    let algs: Vec<&str> = keys.iter().map(|k| k["alg"].as_str().unwrap()).collect();
    assert_eq!(algs, ["RS256", "ES256", "EdDSA"]);
    let mut kids: Vec<&str> = keys.iter().map(|k| k["kid"].as_str().unwrap()).collect();
    kids.sort();
    kids.dedup();
    assert_eq!(kids.len(), 3, "unique kids");
    for k in keys {
        assert_eq!(k["use"], "sig");
        assert!(k.get("d").is_none(), "no private members");
        for member in ["n", "e", "x", "y"] {
            if let Some(v) = k.get(member) {
                let s = v.as_str().unwrap();
                assert!(!s.contains('=') && !s.contains('+') && !s.contains('/'), "base64url unpadded");
            }
        }
    }
    assert_eq!(keys[0]["kty"], "RSA");
    assert_eq!(keys[1]["kty"], "EC");
    assert_eq!(keys[1]["crv"], "P-256");
    assert_eq!(keys[2]["kty"], "OKP");
    assert_eq!(keys[2]["crv"], "Ed25519");
    assert_eq!(URL_SAFE_NO_PAD.decode(keys[0]["n"].as_str().unwrap()).unwrap().len(), 256, "RSA 2048");
}

#[test]
fn client_credentials_with_basic_auth() {
    let issuer = start();
    let r = token(
        &issuer,
        Some(("orders", "orders-dev-secret")),
        &[("grant_type", "client_credentials"), ("audience", "inventory"), ("scope", "inventory:read")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let body = r.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 300);
    assert_eq!(body["scope"], "inventory:read");
    let at = body["access_token"].as_str().unwrap();
    let (header, _, _, _) = segments(at);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["typ"], "at+jwt");
    let claims = verify_with_jwks(at, &get(&issuer.jwks_url()).json()).unwrap();
    assert_eq!(claims["iss"], issuer.issuer());
    assert_eq!(claims["sub"], "orders");
    assert_eq!(claims["client_id"], "orders");
    assert_eq!(claims["aud"], json!(["inventory"]));
    assert_eq!(claims["scope"], "inventory:read");
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 300);
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
}

#[test]
fn client_credentials_with_post_auth_and_defaults() {
    let issuer = start();
    let r = token(
        &issuer,
        None,
        &[("grant_type", "client_credentials"), ("client_id", "orders"), ("client_secret", "orders-dev-secret")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let claims = segments(r.json()["access_token"].as_str().unwrap()).1;
    assert_eq!(claims["aud"], json!(["inventory", "billing"]), "no audience: every registered audience");
    assert_eq!(claims["scope"], "inventory:read inventory:write billing:charge", "no scope: every registered scope");
}

#[test]
fn client_authentication_errors() {
    let issuer = start();
    let cc = ("grant_type", "client_credentials");
    let r = token(&issuer, Some(("orders", "wrong")), &[cc]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    assert!(r.header("www-authenticate").is_some_and(|v| v.starts_with("Basic")));
    assert_eq!(r.header("cache-control"), Some("no-store"));

    let r = token(&issuer, Some(("nobody", "orders-dev-secret")), &[cc]);
    assert_eq!((r.status, r.json()["error"].as_str()), (401, Some("invalid_client")), "unknown client");
    let r = token(&issuer, None, &[cc, ("client_id", "orders"), ("client_secret", "nope")]);
    assert_eq!((r.status, r.json()["error"].as_str()), (401, Some("invalid_client")), "wrong post secret");
    let r = token(&issuer, None, &[cc]);
    assert_eq!((r.status, r.json()["error"].as_str()), (401, Some("invalid_client")), "no credentials");
    let r = token(
        &issuer,
        Some(("orders", "orders-dev-secret")),
        &[cc, ("client_id", "orders"), ("client_secret", "orders-dev-secret")],
    );
    assert_eq!((r.status, r.json()["error"].as_str()), (400, Some("invalid_request")), "two methods at once");
}

#[test]
fn grant_errors() {
    let issuer = start();
    let orders = Some(("orders", "orders-dev-secret"));
    let cc = ("grant_type", "client_credentials");
    let code = |r: Reply| (r.status, r.json()["error"].as_str().unwrap().to_owned());
    assert_eq!(code(token(&issuer, orders, &[cc, ("audience", "partner-api")])), (400, "invalid_target".into()));
    assert_eq!(
        code(token(&issuer, orders, &[cc, ("scope", "inventory:read billing:read")])),
        (400, "invalid_scope".into())
    );
    assert_eq!(code(token(&issuer, orders, &[("grant_type", "password")])), (400, "unsupported_grant_type".into()));
    assert_eq!(code(token(&issuer, orders, &[])), (400, "invalid_request".into()));
    assert_eq!(code(token(&issuer, orders, &[cc, ("scope", "a"), ("scope", "b")])), (400, "invalid_request".into()));
    let r = reply(
        agent()
            .post(issuer.token_url())
            .header("Authorization", basic("orders", "orders-dev-secret"))
            .content_type("application/json")
            .send("{}"),
    );
    assert_eq!(code(r), (400, "invalid_request".into()), "JSON body");

    let partner = token(&issuer, Some(("third-party-partner", "partner-dev-secret")), &[cc]);
    assert_eq!(partner.status, 200);
    let claims = segments(partner.json()["access_token"].as_str().unwrap()).1;
    assert_eq!(claims["aud"], json!(["partner-api"]));
}

#[test]
fn clients_from_a_registry() {
    let registry = ClientRegistry::from_json(
        r#"{"clients":[{"client_id":"svc a","client_secret":"p@ss:word","audiences":["x"],"scopes":[],"grants":["client_credentials"],"third_party":false},
                      {"client_id":"no-cc","client_secret":"s","audiences":["x"],"grants":[]}]}"#,
    )
    .unwrap();
    let issuer =
        Issuer::start(IssuerOptions { clients: registry, token_ttl_s: 42, ..IssuerOptions::default() }).unwrap();
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    let r = token(&issuer, Some(("svc+a", "p%40ss%3Aword")), &[("grant_type", "client_credentials")]);
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    assert_eq!(body["expires_in"], 42);
    assert!(body.get("scope").is_none(), "no scope granted, none reported");
    let claims = segments(body["access_token"].as_str().unwrap()).1;
    assert!(claims.get("scope").is_none());
    assert_eq!(claims["sub"], "svc a");
    let r = token(&issuer, Some(("no-cc", "s")), &[("grant_type", "client_credentials")]);
    assert_eq!((r.status, r.json()["error"].as_str()), (400, Some("unauthorized_client")));
}

#[test]
fn minted_tokens_verify_against_the_jwks() {
    let issuer = start();
    let jwks = get(&issuer.jwks_url()).json();
    for alg in ["RS256", "ES256", "EdDSA"] {
        let r = post_json(
            &format!("{}/dev/mint", issuer.url()),
            &json!({"claims": {"sub": "alice", "aud": "orders", "roles": ["admin"]}, "alg": alg, "ttl_s": 60}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let t = r.json()["token"].as_str().unwrap().to_owned();
        let claims = verify_with_jwks(&t, &jwks).unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(claims["iss"], issuer.issuer());
        assert_eq!(claims["sub"], "alice");
        assert_eq!(claims["roles"], json!(["admin"]));
        assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 60);
        assert!(claims["jti"].is_string());
        assert_eq!(segments(&t).0["typ"], "at+jwt");
    }
    // Claims given explicitly win; header params are added, overridden or removed (null).
    let r = post_json(
        &format!("{}/dev/mint", issuer.url()),
        &json!({"claims": {"iss": "https://other.example", "exp": 5, "iat": 1}, "header": {"typ": null, "cty": "x", "kid": "forced"}}),
    );
    let t = r.json()["token"].as_str().unwrap().to_owned();
    let (header, claims, _, _) = segments(&t);
    assert_eq!(header, json!({"alg": "RS256", "cty": "x", "kid": "forced"}));
    assert_eq!(
        (claims["iss"].as_str(), claims["exp"].as_i64(), claims["iat"].as_i64()),
        (Some("https://other.example"), Some(5), Some(1))
    );

    let r = post_json(&format!("{}/dev/mint", issuer.url()), &json!({"claims": {"sub": "x"}, "tamper": "signature"}));
    let forged = r.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(verify_with_jwks(&forged, &jwks), Err("signature does not verify".into()));
    let r = post_json(&format!("{}/dev/mint", issuer.url()), &json!({"claims": {}, "alg": "HS256"}));
    assert_eq!((r.status, r.json()["error"].as_str()), (400, Some("invalid_request")));
    let r = post_json(&format!("{}/dev/mint", issuer.url()), &json!({"claim": {}}));
    assert_eq!(r.status, 400, "unknown fields are refused");

    // The Rust API mints the same way.
    let t = issuer.mint(&MintRequest { alg: Some("EdDSA".into()), ..MintRequest::new(json!({"sub": "bob"})) }).unwrap();
    assert_eq!(verify_with_jwks(&t, &jwks).unwrap()["sub"], "bob");
}

#[test]
fn rotation_changes_the_signing_key_and_retire_drops_old_keys() {
    let issuer = start();
    let url = issuer.url().to_owned();
    let old_token = issuer.mint(&MintRequest::new(json!({"sub": "alice"}))).unwrap();
    let old_kid = segments(&old_token).0["kid"].as_str().unwrap().to_owned();
    let old_kids: Vec<Value> =
        get(&issuer.jwks_url()).json()["keys"].as_array().unwrap().iter().map(|k| k["kid"].clone()).collect();

    let r = post_json(&format!("{url}/dev/rotate"), &json!({}));
    assert_eq!(r.status, 200, "{}", r.body);
    let answer = r.json();
    let published = answer["kids"].as_array().unwrap();
    assert_eq!(published.len(), 6, "new and previous generation");
    let jwks = get(&issuer.jwks_url()).json();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 6);
    assert!(verify_with_jwks(&old_token, &jwks).is_ok(), "tokens of the previous generation still verify");
    let new_token = issuer.mint(&MintRequest::new(json!({"sub": "alice"}))).unwrap();
    let new_kid = segments(&new_token).0["kid"].as_str().unwrap().to_owned();
    assert_ne!(new_kid, old_kid, "the new key signs");
    assert!(answer["signing_kids"].as_array().unwrap().contains(&json!(new_kid)));
    assert!(verify_with_jwks(&new_token, &jwks).is_ok());

    let r = post_json(&format!("{url}/dev/rotate"), &json!({"retire": true}));
    assert_eq!(r.json()["kids"].as_array().unwrap().len(), 3);
    let jwks = get(&issuer.jwks_url()).json();
    let kids: Vec<Value> = jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].clone()).collect();
    assert_eq!(kids.len(), 3);
    assert!(kids.iter().all(|k| !old_kids.contains(k) && k != &json!(new_kid)), "older generations are gone");
    assert_eq!(verify_with_jwks(&new_token, &jwks), Err("kid not in the JWKS".into()));

    // The Rust API rotates too.
    let kids = issuer.rotate();
    assert_eq!(kids.len(), 3);
    assert_eq!(issuer.jwks()["keys"].as_array().unwrap().len(), 6);
}

#[test]
fn stops_on_drop() {
    let issuer = start();
    let url = issuer.url().to_owned();
    assert_eq!(get(&format!("{url}/health")).status, 200);
    drop(issuer);
    assert!(agent().get(&format!("{url}/health")).call().is_err(), "nothing listens after drop");
}
