//! Where the time of one validation goes (parse vs the rest), warm keys, HS256 so the
//! signature is nearly free. `cargo run --release -p meshauth --example stages`.
use std::hint::black_box;
use std::time::Instant;

use meshauth_issuer::{sign_json, SigningKey};
use serde_json::json;

fn per_op(n: u32, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_nanos() as f64 / n as f64
}

fn main() {
    let key = SigningKey::hmac("k1", b"0123456789abcdef0123456789abcdef");
    let claims = json!({"iss": "https://issuer.bench", "sub": "user-1234", "aud": ["orders", "billing"],
        "exp": 1767225600i64 + 3600, "iat": 1767225600i64, "nbf": 1767225600i64, "jti": "a1b2c3d4e5f6",
        "client_id": "web-app", "scope": "orders:read orders:write", "roles": ["admin", "user"]});
    let token = sign_json(&key, &json!({"alg":"HS256","typ":"JWT","kid":"k1"}), &claims).unwrap();
    let v = meshauth::Validator::from_json(
        r#"{"issuer":"https://issuer.bench","audience":"orders","hmac_secret":"0123456789abcdef0123456789abcdef","algorithms":["HS256"]}"#,
    )
    .unwrap();
    let n: u32 = std::env::var("N").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    for _ in 0..3 {
        let parse = per_op(n, || {
            let s = meshauth::jws::split(black_box(&token)).unwrap();
            black_box(s.parse().unwrap());
        });
        let full = per_op(n, || {
            black_box(v.validate_at(black_box(&token), 1767225600).unwrap());
        });
        println!("split+parse {parse:.0} ns, full validate {full:.0} ns");
    }
}
