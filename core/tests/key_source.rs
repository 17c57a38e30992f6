//! The remote key source against a loopback server that fails in each way docs/configuration.md lists.

mod common;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::{claims, jwks, Mode, Signer, TestServer, NOW};
use meshauth::{Config, ErrorCode, Validator};
use serde_json::json;

const ISS: &str = "https://issuer.test";

fn validator(server: &TestServer, extra: serde_json::Value) -> Validator {
    let mut cfg = json!({
        "issuer": ISS, "audience": "orders", "jwks_url": format!("{}/jwks", server.url),
        "http_timeout_ms": 1000,
    });
    for (k, v) in extra.as_object().unwrap() {
        cfg[k] = v.clone();
    }
    Validator::new(Config::from_value(cfg).unwrap()).unwrap()
}

fn code(r: meshauth::Result<meshauth::Principal>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code().as_str(),
    }
}

#[test]
fn fetches_once_and_caches() {
    let s = Signer::new("k1");
    let server = TestServer::start(Mode::Json(jwks(&[&s])));
    let v = validator(&server, json!({}));
    let token = s.sign(&claims(ISS, "orders"));
    for _ in 0..20 {
        let p = v.validate_at(&token, NOW).unwrap();
        assert_eq!(p.subject.as_deref(), Some("alice"));
    }
    assert_eq!(server.hits(), 1);
}

#[test]
fn validate_cached_never_touches_the_network() {
    let s = Signer::new("k1");
    let server = TestServer::start(Mode::Json(jwks(&[&s])));
    let v = validator(&server, json!({}));
    let token = s.sign(&claims(ISS, "orders"));
    assert!(v.validate_cached(&token, NOW).unwrap().is_none());
    assert_eq!(server.hits(), 0);
    v.refresh().unwrap();
    assert_eq!(server.hits(), 1);
    assert!(v.validate_cached(&token, NOW).unwrap().is_some());
    // A definite failure is reported without the network too.
    let err = v.validate_cached("a.b", NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::MalformedToken);
}

#[test]
fn server_down_is_key_source_unavailable() {
    let server = TestServer::start(Mode::Status(200));
    let url = server.url.clone();
    drop(server);
    thread::sleep(Duration::from_millis(50));
    let v = Validator::new(
        Config::from_value(json!({"issuer": ISS, "audience": "orders", "jwks_url": format!("{url}/jwks"), "http_timeout_ms": 1000}))
            .unwrap(),
    )
    .unwrap();
    let s = Signer::new("k1");
    let err = v.validate_at(&s.sign(&claims(ISS, "orders")), NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeySourceUnavailable);
    assert_eq!(err.http_status(), Some(503));
}

#[test]
fn each_failure_mode_is_key_source_unavailable() {
    let s = Signer::new("k1");
    let token = s.sign(&claims(ISS, "orders"));
    let good = jwks(&[&s]);
    let modes = vec![
        ("500", Mode::Status(500)),
        ("garbage", Mode::Garbage),
        ("huge body", Mode::Huge),
        ("slow", Mode::Slow(Duration::from_millis(1500), good.clone())),
        ("no usable key", Mode::Json(json!({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}))),
        ("not a jwks", Mode::Json(json!({"hello": 1}))),
    ];
    for (name, mode) in modes {
        let server = TestServer::start(mode);
        let v = validator(&server, json!({"http_timeout_ms": 500}));
        let started = std::time::Instant::now();
        let err = v.validate_at(&token, NOW).unwrap_err();
        assert_eq!(err.code(), ErrorCode::KeySourceUnavailable, "{name}: {err}");
        assert!(!err.message().contains(&token), "{name}: the message echoes the token");
        // The deadline bounds the slow case (generous margin: this is not a timing assertion on
        // performance, only proof that the fetch was abandoned rather than awaited).
        assert!(started.elapsed() < Duration::from_millis(1400), "{name}: no deadline");
    }
}

#[test]
fn redirects_are_not_followed() {
    let s = Signer::new("k1");
    let target = TestServer::start(Mode::Json(jwks(&[&s])));
    let server = TestServer::start(Mode::Redirect(format!("{}/jwks", target.url)));
    let v = validator(&server, json!({}));
    let err = v.validate_at(&s.sign(&claims(ISS, "orders")), NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeySourceUnavailable);
    assert!(err.message().contains("redirect"), "{}", err.message());
    assert_eq!(target.hits(), 0);
}

#[test]
fn unknown_kid_flood_refetches_at_most_once_per_cooldown() {
    let s = Signer::new("k1");
    let server = TestServer::start(Mode::Json(jwks(&[&s])));
    let v = validator(&server, json!({}));
    assert_eq!(code(v.validate_at(&s.sign(&claims(ISS, "orders")), NOW)), "ok");
    assert_eq!(server.hits(), 1);
    // Within the cooldown of that first fetch: no refetch at all.
    for i in 0..200 {
        let forged = s.sign_with_kid(&format!("unknown-{i}"), &claims(ISS, "orders"));
        assert_eq!(code(v.validate_at(&forged, NOW)), "key_not_found");
    }
    assert_eq!(server.hits(), 1);
}

#[test]
fn unknown_kid_refetch_finds_a_rotated_key_once_cooldown_passed() {
    let old = Signer::new("old");
    let new = Signer::new("new");
    let server = TestServer::start(Mode::Json(jwks(&[&old])));
    let v = validator(&server, json!({"jwks_refresh_cooldown_s": 0}));
    assert_eq!(code(v.validate_at(&old.sign(&claims(ISS, "orders")), NOW)), "ok");
    server.set(Mode::Json(jwks(&[&old, &new])));
    assert_eq!(code(v.validate_at(&new.sign(&claims(ISS, "orders")), NOW)), "ok");
    assert_eq!(server.hits(), 2);
    // The old key is still served from the refreshed cache.
    assert_eq!(code(v.validate_at(&old.sign(&claims(ISS, "orders")), NOW)), "ok");
    assert_eq!(server.hits(), 2);
}

#[test]
fn failed_refresh_keeps_the_last_good_key_set() {
    let s = Signer::new("k1");
    let server = TestServer::start(Mode::Json(jwks(&[&s])));
    // TTL 0: every call finds the keys stale; cooldown 0: every call may try to refresh.
    let v = validator(&server, json!({"jwks_cache_ttl_s": 0, "jwks_refresh_cooldown_s": 0}));
    let token = s.sign(&claims(ISS, "orders"));
    assert_eq!(code(v.validate_at(&token, NOW)), "ok");
    for mode in [Mode::Status(500), Mode::Garbage, Mode::Json(json!({"keys": []}))] {
        server.set(mode);
        let before = server.hits();
        assert_eq!(code(v.validate_at(&token, NOW)), "ok");
        assert_eq!(server.hits(), before + 1, "the stale set was refreshed (and failed)");
    }
}

#[test]
fn concurrent_callers_share_one_fetch() {
    let s = Signer::new("k1");
    let server = TestServer::start(Mode::Slow(Duration::from_millis(300), jwks(&[&s])));
    let v = validator(&server, json!({}));
    let token = Arc::new(s.sign(&claims(ISS, "orders")));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (v, token) = (v.clone(), token.clone());
            thread::spawn(move || v.validate_at(&token, NOW).map(|p| p.subject))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap().as_deref(), Some("alice"));
    }
    assert_eq!(server.hits(), 1);
}

#[test]
fn discovery_finds_the_jwks_and_checks_the_issuer() {
    let s = Signer::new("k1");
    let server = TestServer::start(Mode::Json(jwks(&[&s])));
    let issuer = server.url.clone();
    server.route(
        "/.well-known/openid-configuration",
        json!({"issuer": issuer, "jwks_uri": format!("{issuer}/jwks")}),
    );
    let v = Validator::new(Config::from_value(json!({"issuer": issuer, "audience": "orders", "discovery": true})).unwrap()).unwrap();
    let p = v.validate_at(&s.sign(&claims(&issuer, "orders")), NOW).unwrap();
    assert_eq!(p.issuer, issuer);

    // A metadata document for another issuer is refused (mix-up defence).
    let other = TestServer::start(Mode::Json(jwks(&[&s])));
    other.route("/.well-known/openid-configuration", json!({"issuer": "https://evil.test", "jwks_uri": format!("{}/jwks", other.url)}));
    other.route("/.well-known/oauth-authorization-server", json!({"issuer": "https://evil.test", "jwks_uri": format!("{}/jwks", other.url)}));
    let v = Validator::new(Config::from_value(json!({"issuer": other.url, "audience": "orders", "discovery": true})).unwrap()).unwrap();
    let err = v.validate_at(&s.sign(&claims(&other.url, "orders")), NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeySourceUnavailable);
    assert!(err.message().contains("issuer"), "{}", err.message());
    assert_eq!(other.hits(), 0, "the JWKS of a mismatched issuer is never fetched");
}

#[test]
fn rfc8414_discovery_is_the_fallback() {
    let s = Signer::new("k1");
    let server = TestServer::start(Mode::Json(jwks(&[&s])));
    let issuer = format!("{}/tenant", server.url);
    server.route(
        "/.well-known/oauth-authorization-server/tenant",
        json!({"issuer": issuer, "jwks_uri": format!("{}/jwks", server.url)}),
    );
    let v = Validator::new(Config::from_value(json!({"issuer": issuer, "audience": "orders", "discovery": true})).unwrap()).unwrap();
    assert!(v.validate_at(&s.sign(&claims(&issuer, "orders")), NOW).is_ok());
}

#[test]
fn insecure_urls_are_refused_at_construction() {
    for cfg in [
        json!({"issuer": ISS, "audience": "a", "jwks_url": "http://idp.example/jwks"}),
        json!({"issuer": "http://idp.example", "audience": "a", "discovery": true}),
        json!({"issuer": ISS, "audience": "a", "jwks_url": "file:///etc/passwd"}),
    ] {
        let err = Validator::new(Config::from_value(cfg.clone()).unwrap()).err().expect("refused");
        assert_eq!(err.code(), ErrorCode::InvalidConfig, "{cfg}");
    }
    let ok = json!({"issuer": ISS, "audience": "a", "jwks_url": "http://idp.example/jwks", "allow_insecure_http": true});
    assert!(Validator::new(Config::from_value(ok).unwrap()).is_ok());
}

#[test]
fn issuers_never_share_keys() {
    let a = Signer::new("ka");
    let b = Signer::new("kb");
    let sa = TestServer::start(Mode::Json(jwks(&[&a])));
    let sb = TestServer::start(Mode::Json(jwks(&[&b])));
    let cfg = json!({"audience": "orders", "issuers": [
        {"issuer": "https://a.test", "jwks_url": format!("{}/jwks", sa.url)},
        {"issuer": "https://b.test", "jwks_url": format!("{}/jwks", sb.url)},
    ]});
    let v = Validator::new(Config::from_value(cfg).unwrap()).unwrap();
    assert_eq!(code(v.validate_at(&a.sign(&claims("https://a.test", "orders")), NOW)), "ok");
    assert_eq!(code(v.validate_at(&b.sign(&claims("https://b.test", "orders")), NOW)), "ok");
    // B's key, claiming to be A: A's keys don't have it.
    assert_eq!(code(v.validate_at(&b.sign(&claims("https://a.test", "orders")), NOW)), "key_not_found");
    // An unknown issuer is refused before any network I/O.
    let (ha, hb) = (sa.hits(), sb.hits());
    assert_eq!(code(v.validate_at(&a.sign(&claims("https://c.test", "orders")), NOW)), "invalid_issuer");
    assert_eq!((sa.hits(), sb.hits()), (ha, hb));
}

#[test]
fn bytes_that_are_not_utf8_are_malformed_after_the_size_cap() {
    let s = Signer::new("k1");
    let v = Validator::new(
        Config::from_value(json!({"issuer": ISS, "audience": "orders", "jwks": jwks(&[&s]), "max_token_bytes": 100})).unwrap(),
    )
    .unwrap();
    assert_eq!(v.validate_bytes_at(b"ab\xffcd", NOW).unwrap_err().code(), ErrorCode::MalformedToken);
    assert_eq!(v.validate_bytes_at(&[0xff; 200], NOW).unwrap_err().code(), ErrorCode::TokenTooLarge);
    assert_eq!(v.validate_bytes_cached(b"\xff", NOW).unwrap_err().code(), ErrorCode::MalformedToken);
}

#[test]
fn a_kid_less_key_does_not_stop_the_unknown_kid_refetch() {
    let kidless = Signer::new("");
    let old = Signer::new("old");
    let new = Signer::new("new");
    let mut anonymous = kidless.jwk();
    anonymous.as_object_mut().unwrap().remove("kid");
    let set = |signers: &[&Signer]| {
        let mut doc = jwks(signers);
        doc["keys"].as_array_mut().unwrap().push(anonymous.clone());
        doc
    };
    let server = TestServer::start(Mode::Json(set(&[&old])));
    let v = validator(&server, json!({"jwks_refresh_cooldown_s": 0}));
    assert_eq!(code(v.validate_at(&old.sign(&claims(ISS, "orders")), NOW)), "ok");
    server.set(Mode::Json(set(&[&old, &new])));
    // The rotated kid is refetched before the kid-less key is tried in its place.
    assert_eq!(code(v.validate_at(&new.sign(&claims(ISS, "orders")), NOW)), "ok");
    assert_eq!(server.hits(), 2);
    // A kid the fresh set does not have either still falls back to the kid-less key.
    let t = kidless.sign_with_kid("unlisted", &claims(ISS, "orders"));
    assert_eq!(code(v.validate_at(&t, NOW)), "ok");
}

#[test]
fn refresh_warms_every_issuer_and_reports_the_failures_together() {
    let a = Signer::new("ka");
    let b = Signer::new("kb");
    let good = TestServer::start(Mode::Json(jwks(&[&b])));
    let down_a = TestServer::start(Mode::Status(500));
    let down_c = TestServer::start(Mode::Garbage);
    let cfg = json!({"audience": "orders", "http_timeout_ms": 1000, "issuers": [
        {"issuer": "https://a.test", "jwks_url": format!("{}/jwks", down_a.url)},
        {"issuer": "https://b.test", "jwks_url": format!("{}/jwks", good.url)},
        {"issuer": "https://c.test", "jwks_url": format!("{}/jwks", down_c.url)},
    ]});
    let v = Validator::new(Config::from_value(cfg).unwrap()).unwrap();
    let err = v.refresh().unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeySourceUnavailable);
    assert!(err.message().contains("https://a.test") && err.message().contains("https://c.test"), "{}", err.message());
    assert!(!err.message().contains("https://b.test"), "{}", err.message());
    assert_eq!((down_a.hits(), good.hits(), down_c.hits()), (1, 1, 1));
    // The issuer after the first failing one was warmed: answered without the network.
    assert!(v.validate_cached(&b.sign(&claims("https://b.test", "orders")), NOW).unwrap().is_some());
    assert!(v.validate_cached(&a.sign(&claims("https://a.test", "orders")), NOW).unwrap().is_none());
}
