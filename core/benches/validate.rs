//! `validate` with warm keys against the raw aws-lc-rs verification of the same signature
//! (docs/performance.md), per algorithm, plus the cost of a miss (unknown `kid` under cooldown), which
//! must not touch the network.
//!
//! Criterion measures each case; the closing report interleaves floor and validate in the same
//! rounds and prints the overhead (µs) and the ratio, which is what the contract is about.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};
use aws_lc_rs::hmac;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use criterion::Criterion;
use meshauth::{Config, Validator};
use meshauth_issuer::{sign_json, Algorithm, SigningKey};
use serde_json::{json, Value};

const NOW: i64 = 1_767_225_600;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

/// The raw verification: a pre-parsed key, one call.
enum Floor {
    Public(ParsedPublicKey),
    Hmac(hmac::Key),
}

impl Floor {
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        match self {
            Floor::Public(k) => k.verify_sig(msg, sig).is_ok(),
            Floor::Hmac(k) => hmac::verify(k, msg, sig).is_ok(),
        }
    }
}

fn b64(jwk: &Value, m: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(jwk[m].as_str().unwrap()).unwrap()
}

fn floor_for(alg: Algorithm, jwk: &Value) -> Floor {
    match alg {
        Algorithm::RS256 | Algorithm::PS256 => {
            let (n, e) = (b64(jwk, "n"), b64(jwk, "e"));
            let params = if alg == Algorithm::RS256 { &signature::RSA_PKCS1_2048_8192_SHA256 } else { &signature::RSA_PSS_2048_8192_SHA256 };
            Floor::Public(RsaPublicKeyComponents { n: &n[..], e: &e[..] }.to_parsed_public_key(params).unwrap())
        }
        Algorithm::ES256 => {
            let mut point = vec![4u8];
            point.extend(b64(jwk, "x"));
            point.extend(b64(jwk, "y"));
            Floor::Public(ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point).unwrap())
        }
        Algorithm::EdDSA => Floor::Public(ParsedPublicKey::new(&signature::ED25519, b64(jwk, "x")).unwrap()),
        Algorithm::HS256 => Floor::Hmac(hmac::Key::new(hmac::HMAC_SHA256, SECRET)),
        other => panic!("not benchmarked: {other:?}"),
    }
}

struct Case {
    name: &'static str,
    token: String,
    validator: Validator,
    floor: Floor,
    message: Vec<u8>,
    signature: Vec<u8>,
}

fn claims() -> Value {
    json!({
        "iss": "https://issuer.bench", "sub": "user-1234", "aud": ["orders", "billing"],
        "exp": NOW + 3600, "iat": NOW, "nbf": NOW, "jti": "a1b2c3d4e5f6",
        "client_id": "web-app", "scope": "orders:read orders:write", "roles": ["admin", "user"],
    })
}

fn case(alg: Algorithm) -> Case {
    let key = if alg == Algorithm::HS256 { SigningKey::hmac("k1", SECRET) } else { SigningKey::generate(alg, "k1").unwrap() };
    let token = sign_json(&key, &json!({"alg": alg.as_str(), "typ": "JWT", "kid": "k1"}), &claims()).unwrap();
    let mut cfg = json!({"issuer": "https://issuer.bench", "audience": "orders"});
    let jwk = key.public_jwk();
    if alg == Algorithm::HS256 {
        cfg["hmac_secret"] = json!(std::str::from_utf8(SECRET).unwrap());
        cfg["algorithms"] = json!(["HS256"]);
    } else {
        cfg["jwks"] = json!({"keys": [jwk.clone()]});
    }
    let validator = Validator::new(Config::from_value(cfg).unwrap()).unwrap();
    if let Err(e) = validator.validate_at(&token, NOW) {
        panic!("{}: {e}", alg.as_str());
    }
    let (message, sig) = token.rsplit_once('.').unwrap();
    let (message, signature) = (message.as_bytes().to_vec(), URL_SAFE_NO_PAD.decode(sig).unwrap());
    let floor = floor_for(alg, &jwk);
    assert!(floor.verify(&message, &signature));
    Case { name: alg.as_str(), token, validator, floor, message, signature }
}

/// A remote key source with warm keys, and the number of requests its server saw.
fn remote_miss_case() -> (Validator, String, Arc<AtomicUsize>) {
    let key = SigningKey::generate(Algorithm::EdDSA, "k1").unwrap();
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let port = server.server_addr().to_ip().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let doc = json!({"keys": [key.public_jwk()]}).to_string();
    {
        let (server, hits) = (server.clone(), hits.clone());
        std::thread::spawn(move || {
            while let Ok(req) = server.recv() {
                hits.fetch_add(1, Ordering::SeqCst);
                let _ = req.respond(tiny_http::Response::from_string(doc.clone()));
            }
        });
    }
    let cfg = json!({"issuer": "https://issuer.bench", "audience": "orders",
                     "jwks_url": format!("http://127.0.0.1:{port}/jwks")});
    let validator = Validator::new(Config::from_value(cfg).unwrap()).unwrap();
    validator.refresh().unwrap();
    let unknown = key.with_kid("not-published");
    let token = sign_json(&unknown, &json!({"alg": "EdDSA", "kid": "not-published"}), &claims()).unwrap();
    (validator, token, hits)
}

fn per_op_ns(iters: u32, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / iters as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn report(cases: &[Case], miss: &(Validator, String, Arc<AtomicUsize>)) {
    println!("\nmeshauth validate vs raw aws-lc-rs verification (same run, interleaved rounds, medians)");
    println!("{:<8} {:>12} {:>14} {:>14} {:>8}", "alg", "floor µs", "validate µs", "overhead µs", "ratio");
    for c in cases {
        let iters = if c.name == "HS256" { 20_000 } else { 300 };
        let (mut floor, mut full) = (Vec::new(), Vec::new());
        for _ in 0..25 {
            floor.push(per_op_ns(iters, || assert!(c.floor.verify(black_box(&c.message), black_box(&c.signature)))));
            full.push(per_op_ns(iters, || {
                black_box(c.validator.validate_at(black_box(&c.token), NOW).unwrap());
            }));
        }
        let (f, v) = (median(floor) / 1000.0, median(full) / 1000.0);
        println!("{:<8} {:>12.2} {:>14.2} {:>14.2} {:>7.2}x", c.name, f, v, v - f, v / f);
    }
    let (validator, token, hits) = miss;
    let before = hits.load(Ordering::SeqCst);
    let ns = median((0..25).map(|_| per_op_ns(2_000, || {
        black_box(validator.validate_at(black_box(token), NOW).unwrap_err());
    })).collect());
    let after = hits.load(Ordering::SeqCst);
    println!("miss (unknown kid, under cooldown): {:.2} µs per call; JWKS requests during the run: {}", ns / 1000.0, after - before);
}

fn main() {
    let cases: Vec<Case> = [Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA, Algorithm::HS256]
        .into_iter()
        .map(case)
        .collect();
    let miss = remote_miss_case();

    let mut c = Criterion::default().configure_from_args().warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    for case in &cases {
        let mut g = c.benchmark_group(case.name);
        g.bench_function("floor (aws-lc-rs verify)", |b| b.iter(|| case.floor.verify(black_box(&case.message), black_box(&case.signature))));
        g.bench_function("meshauth validate", |b| b.iter(|| case.validator.validate_at(black_box(&case.token), NOW).unwrap()));
        g.finish();
    }
    c.bench_function("miss: unknown kid under cooldown", |b| b.iter(|| miss.0.validate_at(black_box(&miss.1), NOW).unwrap_err()));
    c.final_summary();
    report(&cases, &miss);
}
