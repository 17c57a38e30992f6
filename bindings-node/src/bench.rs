//! Benchmark-only exports (cargo feature `bench`, built by `make bench-node`; never in a package).
//!
//! They let `bench/bench.mjs` put every figure next to the real floor, measured in the same run:
//! - `benchFloor`: the raw aws-lc-rs verification of a token's signature with a pre-parsed key,
//!   timed in Rust: the floor every overhead is measured against;
//! - `benchCore`: the core's whole warm validation (`validate_cached`, Principal built and
//!   dropped), timed in Rust: what the binding adds is `validateSync` minus this;
//! - the per-call parts of the binding, each isolated: a bare napi call, the token's string
//!   conversion, the panic guard and the clock (timed in Rust), and a validation that returns
//!   without making a JavaScript object (`benchValidateNoJs`), so that `validateSync` minus it is
//!   the `Principal` (or the error object and the throw).
//!
//! None of these appear in the typings (`skip_typescript`).
// Unit-test builds compile the exports without their napi registration, so the helpers that only
// they use look unused there.
#![cfg_attr(test, allow(dead_code))]

use std::hint::black_box;
use std::time::Instant;

use aws_lc_rs::hmac;
use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use napi::bindgen_prelude::*;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use crate::error::{guard, string_arg};
use crate::validator::Validator;

// One of each lives for a benchmark run: the size difference between the variants does not matter.
#[allow(clippy::large_enum_variant)]
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

fn bad(what: impl std::fmt::Display) -> Error {
    Error::new(Status::InvalidArg, format!("bench: {what}"))
}

fn b64(jwk: &Value, member: &str) -> Result<Vec<u8>> {
    let s = jwk[member].as_str().ok_or_else(|| bad(format!("JWK member {member}")))?;
    URL_SAFE_NO_PAD.decode(s).map_err(bad)
}

fn floor_for(alg: &str, key: &str) -> Result<Floor> {
    if alg == "HS256" {
        return Ok(Floor::Hmac(hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes())));
    }
    let jwk: Value = serde_json::from_str(key).map_err(bad)?;
    let key = match alg {
        "RS256" | "PS256" => {
            let (n, e) = (b64(&jwk, "n")?, b64(&jwk, "e")?);
            let params = if alg == "RS256" {
                &signature::RSA_PKCS1_2048_8192_SHA256
            } else {
                &signature::RSA_PSS_2048_8192_SHA256
            };
            RsaPublicKeyComponents { n: &n[..], e: &e[..] }.to_parsed_public_key(params).map_err(bad)?
        }
        "ES256" => {
            let mut point = vec![4u8];
            point.extend(b64(&jwk, "x")?);
            point.extend(b64(&jwk, "y")?);
            ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point).map_err(bad)?
        }
        "EdDSA" => ParsedPublicKey::new(&signature::ED25519, b64(&jwk, "x")?).map_err(bad)?,
        other => return Err(bad(format!("no floor for {other}"))),
    };
    Ok(Floor::Public(key))
}

/// Nanoseconds per call of `f` over `iterations` calls.
fn ns_per(iterations: u32, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(iterations.max(1))
}

/// µs per raw verification of `token`'s signature (`alg`; `key`: the public JWK as JSON text, or
/// the HMAC secret), over `iterations` verifications. Throws when the signature does not verify.
#[napi(skip_typescript)]
pub fn bench_floor(alg: String, token: String, key: String, iterations: u32) -> Result<f64> {
    let floor = floor_for(&alg, &key)?;
    let dot = token.rfind('.').ok_or_else(|| bad("not a compact JWS"))?;
    let message = token.as_bytes()[..dot].to_vec();
    let sig = URL_SAFE_NO_PAD.decode(&token[dot + 1..]).map_err(bad)?;
    if !floor.verify(&message, &sig) {
        return Err(bad(format!("the {alg} floor does not verify the token")));
    }
    Ok(ns_per(iterations, || assert!(floor.verify(black_box(&message), black_box(&sig)))) / 1000.0)
}

/// µs per warm validation by the core alone (`validate_cached` at `now`; the Principal or error
/// is dropped), over `iterations`. Throws when the keys are not warm.
#[napi(skip_typescript)]
pub fn bench_core(validator: &Validator, token: String, now: i64, iterations: u32) -> Result<f64> {
    let v = validator.core();
    if v.validate_cached(&token, now).is_ok_and(|p| p.is_none()) {
        return Err(bad("keys are not warm"));
    }
    Ok(ns_per(iterations, || drop(black_box(v.validate_cached(black_box(&token), now)))) / 1000.0)
}

/// µs per `catch_unwind` around a trivial closure, and per clock read, over `iterations` each.
#[napi(skip_typescript)]
pub fn bench_guard_and_clock(iterations: u32) -> Result<Vec<f64>> {
    let g = ns_per(iterations, || drop(black_box(guard(|| black_box(1u32)))));
    let c = ns_per(iterations, || {
        black_box(meshauth::validator::now());
    });
    Ok(vec![g / 1000.0, c / 1000.0])
}

/// A call that takes the token argument and does nothing: the napi call itself.
#[napi(skip_typescript)]
pub fn bench_noop(_token: Unknown) {}

/// The token's conversion to a Rust `String` (type check, length, copy), nothing else.
#[napi(skip_typescript)]
pub fn bench_string(env: Env, token: Unknown) -> Result<u32> {
    Ok(string_arg(&env, token, "bench: the token must be a string")?.len() as u32)
}

/// `validateSync` without the JavaScript side of the answer: the same conversion, guard, clock
/// and core call, answering `true` (valid) or `false` (any error) without making a `Principal`
/// or an error object.
#[napi(skip_typescript)]
pub fn bench_validate_no_js(env: Env, validator: &Validator, token: Unknown) -> Result<bool> {
    let token = string_arg(&env, token, "bench: the token must be a string")?;
    let now = meshauth::validator::now();
    Ok(guard(|| validator.core().validate_cached(&token, now))?.is_ok_and(|p| p.is_some()))
}
