//! Discovered endpoints (`jwks_uri`, `token_endpoint`): one discovery in flight without a lock
//! held over the network, a back-off after a failure, discovery again after a failed fetch and
//! on a schedule; no downgrade from an https metadata document to plain http; a custom CA
//! bundle (`ca_bundle_pem`) for an internal PKI.

mod common;

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use common::tls::{TlsServer, CA_PEM};
use common::{claims, jwks, Mode, Signer, TestServer, NOW};
use meshauth::{Config, ErrorCode, TokenClient, TokenRequest, Validator};
use meshauth_issuer::{Issuer, IssuerOptions};
use serde_json::{json, Value};

const OIDC: &str = "/.well-known/openid-configuration";

fn validator(cfg: Value) -> meshauth::Result<Validator> {
    Validator::new(Config::from_value(cfg)?)
}

fn code<T>(r: meshauth::Result<T>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code().as_str(),
    }
}

#[test]
fn concurrent_token_endpoint_discovery_is_one_attempt_then_backs_off() {
    // The metadata answers 503 after 500 ms, at both well-known URLs.
    let server = TestServer::start(Mode::SlowStatus(Duration::from_millis(500), 503));
    let client = TokenClient::from_value(json!({"issuer": server.url, "client_id": "orders",
                                                "client_secret": "orders-dev-secret"}))
    .unwrap();
    let barrier = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                client.client_credentials(&TokenRequest::default()).map(|_| ()).map_err(|e| e.code())
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), Err(ErrorCode::TokenEndpointError));
    }
    // One discovery for the 8 callers: the OpenID Connect URL, then the RFC 8414 one.
    assert_eq!(server.hits(), 2);
    // Within the back-off, the stored reason comes back without any request.
    let err = client.client_credentials(&TokenRequest::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenEndpointError);
    assert!(err.message().contains("discovery failed"), "{}", err.message());
    assert_eq!(server.hits(), 2);

    // After the back-offs (discovery's 1 s, and the token request's 5 s after a failure with
    // nothing cached), discovery is tried again and finds the token endpoint.
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    server.route(OIDC, json!({"issuer": server.url, "token_endpoint": issuer.token_url()}));
    thread::sleep(Duration::from_millis(5100));
    let token = client.client_credentials(&TokenRequest::default()).unwrap();
    assert!(!token.access_token.is_empty());
}

#[test]
fn a_token_endpoint_that_fails_is_discovered_again() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let server = TestServer::start(Mode::Status(404));
    // First the metadata names an endpoint where nothing listens.
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}/token", listener.local_addr().unwrap().port())
    };
    server.route(OIDC, json!({"issuer": server.url, "token_endpoint": dead}));
    let client = TokenClient::from_value(json!({"issuer": server.url, "client_id": "orders",
                                                "client_secret": "orders-dev-secret", "http_timeout_ms": 1000}))
    .unwrap();
    assert_eq!(code(client.client_credentials(&TokenRequest::default())), "token_endpoint_error");
    // The endpoint moved: the next request (after the 5 s back-off that follows a failure with
    // nothing cached) discovers it again instead of using the dead one.
    server.route(OIDC, json!({"issuer": server.url, "token_endpoint": issuer.token_url()}));
    thread::sleep(Duration::from_millis(5100));
    let r = client.client_credentials(&TokenRequest::default());
    assert!(r.is_ok(), "{:?}", r.err());
}

#[test]
fn a_jwks_that_moved_is_discovered_again_after_a_failed_fetch() {
    let old = Signer::new("old");
    let new = Signer::new("new");
    let server = TestServer::start(Mode::Status(404));
    server.route(OIDC, json!({"issuer": server.url, "jwks_uri": format!("{}/jwks-v1", server.url)}));
    server.route("/jwks-v1", jwks(&[&old]));
    let v = validator(json!({"issuer": server.url, "audience": "orders", "discovery": true,
                             "jwks_refresh_cooldown_s": 0}))
    .unwrap();
    assert_eq!(code(v.validate_at(&old.sign(&claims(&server.url, "orders")), NOW)), "ok");
    // The JWKS moves; its old URL answers 404.
    server.unroute("/jwks-v1");
    server.route("/jwks-v2", jwks(&[&old, &new]));
    server.route(OIDC, json!({"issuer": server.url, "jwks_uri": format!("{}/jwks-v2", server.url)}));
    // The refetch for the new kid fails at the old URL, discovers the new one and fetches there.
    assert_eq!(code(v.validate_at(&new.sign(&claims(&server.url, "orders")), NOW)), "ok");
}

#[test]
fn a_discovered_jwks_uri_is_discovered_again_on_a_schedule() {
    let old = Signer::new("old");
    let new = Signer::new("new");
    let server = TestServer::start(Mode::Status(404));
    server.route(OIDC, json!({"issuer": server.url, "jwks_uri": format!("{}/jwks-v1", server.url)}));
    server.route("/jwks-v1", jwks(&[&old]));
    // The schedule is the key set's TTL: each refresh after it reads the metadata again.
    let v = validator(json!({"issuer": server.url, "audience": "orders", "discovery": true,
                             "jwks_cache_ttl_s": 1, "jwks_refresh_cooldown_s": 1}))
    .unwrap();
    assert_eq!(code(v.validate_at(&old.sign(&claims(&server.url, "orders")), NOW)), "ok");
    // The issuer publishes a new JWKS URL; the old one keeps answering the old set.
    server.route("/jwks-v2", jwks(&[&old, &new]));
    server.route(OIDC, json!({"issuer": server.url, "jwks_uri": format!("{}/jwks-v2", server.url)}));
    let token = new.sign(&claims(&server.url, "orders"));
    // Inside the cooldown and the TTL: the unknown kid is refused.
    assert_eq!(code(v.validate_at(&token, NOW)), "key_not_found");
    thread::sleep(Duration::from_millis(1100));
    assert_eq!(code(v.validate_at(&token, NOW)), "ok");
}

#[test]
fn ca_bundle_pem_trusts_an_internal_ca() {
    let s = Signer::new("k1");
    let tls = TlsServer::start();
    tls.route(OIDC, json!({"issuer": tls.url, "jwks_uri": format!("{}/jwks", tls.url)}));
    tls.route("/jwks", jwks(&[&s]));
    let token = s.sign(&claims(&tls.url, "orders"));
    let cfg = json!({"issuer": tls.url, "audience": "orders", "discovery": true, "http_timeout_ms": 2000});

    // Without the bundle, the internal CA is not trusted: no keys.
    let err = validator(cfg.clone()).unwrap().validate_at(&token, NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeySourceUnavailable);
    let refused = tls.hits();
    assert_eq!(refused, 0, "no request got through an untrusted TLS connection");

    let mut trusted = cfg.clone();
    trusted["ca_bundle_pem"] = json!(CA_PEM);
    let p = validator(trusted).unwrap().validate_at(&token, NOW).unwrap();
    assert_eq!(p.issuer, tls.url);
    assert_eq!(tls.hits(), 2, "metadata, then JWKS");

    // The token client takes the same option.
    tls.route(OIDC, json!({"issuer": tls.url, "token_endpoint": format!("{}/token", tls.url)}));
    let client = TokenClient::from_value(json!({"issuer": tls.url, "client_id": "orders", "client_secret": "x",
                                                "ca_bundle_pem": CA_PEM, "http_timeout_ms": 2000}))
    .unwrap();
    let before = tls.hits();
    let err = client.client_credentials(&TokenRequest::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenEndpointError);
    // Discovery and the token request both went through TLS (the token endpoint has no route: 404).
    assert_eq!(tls.hits() - before, 2);
}

#[test]
fn ca_bundle_pem_must_hold_ca_certificates() {
    let key = include_str!("common/tls/server.key");
    let bad: [(&str, Value); 4] = [
        ("not PEM", json!("hello")),
        ("a private key", json!(key)),
        ("a certificate and a private key", json!(format!("{CA_PEM}\n{key}"))),
        ("not a string", json!(42)),
    ];
    for (what, bundle) in bad {
        let cfg = json!({"issuer": "https://issuer.test", "audience": "a", "discovery": true, "ca_bundle_pem": bundle});
        let err = validator(cfg).err().unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(err.code(), ErrorCode::InvalidConfig, "{what}");
        assert!(!err.message().contains("PRIVATE KEY"), "{what}: {}", err.message());
        let cfg =
            json!({"issuer": "https://issuer.test", "client_id": "c", "client_secret": "s", "ca_bundle_pem": bundle});
        let err = TokenClient::from_value(cfg).err().unwrap_or_else(|| panic!("{what}: accepted by the token client"));
        assert_eq!(err.code(), ErrorCode::InvalidConfig, "{what}");
    }
}

#[test]
fn https_metadata_cannot_downgrade_endpoints_to_http() {
    let s = Signer::new("k1");
    let plain = TestServer::start(Mode::Json(jwks(&[&s])));
    let tls = TlsServer::start();
    // Loopback http is allowed on its own, and even allow_insecure_http does not permit the
    // downgrade from an https metadata document.
    tls.route(
        OIDC,
        json!({"issuer": tls.url, "jwks_uri": format!("{}/jwks", plain.url),
                           "token_endpoint": format!("{}/token", plain.url)}),
    );
    tls.route(
        "/.well-known/oauth-authorization-server",
        json!({"issuer": tls.url, "jwks_uri": format!("{}/jwks", plain.url)}),
    );
    for insecure in [false, true] {
        let v = validator(json!({"issuer": tls.url, "audience": "orders", "discovery": true, "ca_bundle_pem": CA_PEM,
                                 "allow_insecure_http": insecure}))
        .unwrap();
        let err = v.validate_at(&s.sign(&claims(&tls.url, "orders")), NOW).unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeySourceUnavailable, "allow_insecure_http {insecure}");
        assert!(err.message().contains("downgrade"), "{}", err.message());
        let client = TokenClient::from_value(json!({"issuer": tls.url, "client_id": "c", "client_secret": "s",
                                                    "ca_bundle_pem": CA_PEM, "allow_insecure_http": insecure}))
        .unwrap();
        let err = client.client_credentials(&TokenRequest::default()).unwrap_err();
        assert!(err.message().contains("downgrade"), "{}", err.message());
    }
    assert_eq!(plain.hits(), 0, "nothing was fetched over plain http");
}
