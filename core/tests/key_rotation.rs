//! Key rotation under concurrency: validations that need a new `kid` share one refetch and are
//! decided on the new key set; inside the cooldown unknown kids are refused at once; the
//! no-network path (`validate_cached`, behind the async APIs) never waits and never refuses a
//! token because a fetch is in flight.

mod common;

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use common::{claims, jwks, Mode, Signer, TestServer, NOW};
use meshauth::{Config, ErrorCode, Validator};
use meshauth_issuer::{Issuer, IssuerOptions, MintRequest};
use serde_json::json;

const THREADS: usize = 16;

/// Validate `token` from `THREADS` threads released together; the outcome of each.
fn all_at_once(v: &Validator, token: &str) -> Vec<Result<(), ErrorCode>> {
    let barrier = Arc::new(Barrier::new(THREADS));
    let token = Arc::new(token.to_owned());
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (v, token, barrier) = (v.clone(), token.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                v.validate(&token).map(|_| ()).map_err(|e| e.code())
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().expect("no panic")).collect()
}

#[test]
fn after_a_rotation_concurrent_validations_share_one_refetch_at_the_dev_issuer() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let v = Validator::new(
        Config::from_value(json!({"issuer": issuer.issuer(), "audience": "orders", "discovery": true,
                                   "jwks_refresh_cooldown_s": 1}))
        .unwrap(),
    )
    .unwrap();
    v.refresh().unwrap();
    let mint = || issuer.mint(&MintRequest::new(json!({"sub": "alice", "aud": "orders"}))).unwrap();
    assert!(v.validate(&mint()).is_ok());
    for round in 0..3 {
        // Let the cooldown of the previous fetch pass, then rotate: the old keys stay published.
        thread::sleep(Duration::from_millis(1100));
        issuer.rotate();
        let token = mint();
        let before = issuer.jwks_requests();
        let outcomes = all_at_once(&v, &token);
        assert!(outcomes.iter().all(Result::is_ok), "round {round}: {outcomes:?}");
        assert_eq!(issuer.jwks_requests() - before, 1, "round {round}: one refetch for {THREADS} threads");
        // The next validations of that token are answered from the cache.
        assert!(v.validate(&token).is_ok());
        assert_eq!(issuer.jwks_requests() - before, 1);
    }
}

#[test]
fn inside_the_cooldown_unknown_kids_are_refused_at_once_even_concurrently() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let v = Validator::new(
        Config::from_value(json!({"issuer": issuer.issuer(), "audience": "orders", "jwks_url": issuer.jwks_url()}))
            .unwrap(),
    )
    .unwrap();
    v.refresh().unwrap();
    let fetched = issuer.jwks_requests();
    issuer.rotate();
    let token = issuer.mint(&MintRequest::new(json!({"sub": "alice", "aud": "orders"}))).unwrap();
    // Default cooldown 30 s, started by the warm-up fetch: no refetch allowed.
    let outcomes = all_at_once(&v, &token);
    assert!(outcomes.iter().all(|o| *o == Err(ErrorCode::KeyNotFound)), "{outcomes:?}");
    assert_eq!(issuer.jwks_requests(), fetched);
    assert_eq!(v.validate_cached(&token, meshauth::now()).unwrap_err().code(), ErrorCode::KeyNotFound);
}

#[test]
fn a_validation_needing_an_unknown_kid_waits_for_the_fetch_in_flight() {
    let old = Signer::new("old");
    let new = Signer::new("new");
    let server = TestServer::start(Mode::Json(jwks(&[&old])));
    let v = Validator::new(
        Config::from_value(json!({"issuer": "https://issuer.test", "audience": "orders",
                                   "jwks_url": format!("{}/jwks", server.url), "jwks_refresh_cooldown_s": 1,
                                   "http_timeout_ms": 3000}))
        .unwrap(),
    )
    .unwrap();
    assert!(v.validate_at(&old.sign(&claims("https://issuer.test", "orders")), NOW).is_ok());
    thread::sleep(Duration::from_millis(1100));
    // The issuer rotated; its JWKS answers slowly.
    server.set(Mode::Slow(Duration::from_millis(600), jwks(&[&old, &new])));
    let token = new.sign(&claims("https://issuer.test", "orders"));
    let leader = {
        let (v, token) = (v.clone(), token.clone());
        thread::spawn(move || v.validate_at(&token, NOW).map(|p| p.subject))
    };
    thread::sleep(Duration::from_millis(200));
    // The refetch is in flight. The no-network path does not refuse the token: it says a
    // network wait is needed (the async APIs then wait off their event loop)…
    assert!(v.validate_cached(&token, NOW).unwrap().is_none());
    // …and the blocking path waits for that fetch and is decided on the new set.
    assert_eq!(v.validate_at(&token, NOW).unwrap().subject.as_deref(), Some("alice"));
    assert_eq!(leader.join().unwrap().unwrap().as_deref(), Some("alice"));
    assert_eq!(server.hits(), 2, "the waiting validation made no fetch of its own");
    // An old-key token is still valid, from the cache.
    assert!(v.validate_cached(&old.sign(&claims("https://issuer.test", "orders")), NOW).unwrap().is_some());
}

#[test]
fn the_wait_for_a_fetch_in_flight_is_bounded_by_the_fetch_deadline() {
    let old = Signer::new("old");
    let new = Signer::new("new");
    let server = TestServer::start(Mode::Json(jwks(&[&old])));
    let v = Validator::new(
        Config::from_value(json!({"issuer": "https://issuer.test", "audience": "orders",
                                   "jwks_url": format!("{}/jwks", server.url), "jwks_refresh_cooldown_s": 1,
                                   "http_timeout_ms": 500}))
        .unwrap(),
    )
    .unwrap();
    assert!(v.validate_at(&old.sign(&claims("https://issuer.test", "orders")), NOW).is_ok());
    thread::sleep(Duration::from_millis(1100));
    // Slower than the deadline: the fetch is abandoned, the waiters are answered.
    server.set(Mode::Slow(Duration::from_millis(3000), jwks(&[&old, &new])));
    let token = new.sign(&claims("https://issuer.test", "orders"));
    let started = std::time::Instant::now();
    let outcomes = all_at_once(&v, &token);
    assert!(outcomes.iter().all(|o| *o == Err(ErrorCode::KeyNotFound)), "{outcomes:?}");
    // Generous margin (deadline 500 ms + grace): proof that nobody waited for the 3 s answer.
    assert!(started.elapsed() < Duration::from_millis(2500), "{:?}", started.elapsed());
    assert_eq!(server.hits(), 2, "one refetch");
    // Keys held before are still served.
    assert!(v.validate_at(&old.sign(&claims("https://issuer.test", "orders")), NOW).is_ok());
}
