//! What a hostile-input review found, as cases every language runs: Ed25519 keys of small order or
//! in a non-canonical encoding, RSA JWKs carrying `oth`, control characters in identifier claims,
//! HMAC secrets shorter than the hash output, unbounded durations, optional whitespace around the
//! Authorization value, and whole numbers of 2^32 and above in integer options.

use aws_lc_rs::{hmac, signature};
use meshauth_issuer::{b64, Algorithm};
use serde_json::{json, Value};

use crate::case::{payload_of, Case, Expect};
use crate::context::{claims, claims_with, header, Ctx, AUD, ISS, NOW};

pub fn add(ctx: &mut Ctx) {
    ed25519_weak_keys(ctx);
    rsa_oth(ctx);
    control_characters(ctx);
    hmac_secret_lengths(ctx);
    bounded_durations(ctx);
    header_whitespace(ctx);
    large_whole_numbers(ctx);
}

/// y = p = 2^255 - 19: a non-canonical encoding of y = 0.
fn ed25519_non_canonical() -> [u8; 32] {
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
}

fn okp(kid: &str, x: &[u8]) -> Value {
    json!({"kty": "OKP", "crv": "Ed25519", "kid": kid, "alg": "EdDSA", "use": "sig", "x": b64::encode(x)})
}

/// An Ed25519 SPKI PEM for a raw 32-byte key.
fn ed25519_pem(x: &[u8; 32]) -> String {
    let mut der = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
    der.extend_from_slice(x);
    let body = std_base64(&der);
    format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
}

fn std_base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn ed25519_weak_keys(ctx: &mut Ctx) {
    // The forgery: R = the neutral point (y = 1), S = 0. With the all-zero key (order 4) it verifies
    // for every message whose hash is a multiple of 4: pick the first such jti, so the case shows a
    // token that a verifier without the small-order check accepts.
    let mut forged_sig = [0u8; 64];
    forged_sig[0] = 1;
    let zero = [0u8; 32];
    let hdr = header("EdDSA", Some("ed-zero")).to_string();
    let forged = (0..256)
        .map(|i| {
            let c = claims_with(json!({"sub": "admin", "jti": format!("forged-{i}")})).to_string();
            format!("{}.{}.{}", b64::encode(&hdr), b64::encode(&c), b64::encode(forged_sig))
        })
        .find(|t| {
            let (input, _) = t.rsplit_once('.').expect("compact");
            signature::UnparsedPublicKey::new(&signature::ED25519, zero).verify(input.as_bytes(), &forged_sig).is_ok()
        })
        .expect("one message in four verifies with the all-zero key");
    let mut jwks = ctx.jwks_a();
    jwks["keys"].as_array_mut().expect("keys").push(okp("ed-zero", &zero));
    ctx.fail(
        "ed25519_all_zero_key_forgery",
        "the JWKS holds an all-zero Ed25519 key (small order): it is skipped at parse, so a token forged \
         with R = neutral point, S = 0 (which the bare signature check accepts) is key_not_found",
        ctx.config_with(json!({"jwks": jwks})),
        forged,
        "key_not_found",
    );

    let token = ctx.token(&ctx.ed(), &claims());
    let mut order8 = [0u8; 32];
    order8.copy_from_slice(
        &(0..32)
            .map(|i| {
                u8::from_str_radix(
                    &"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"[2 * i..2 * i + 2],
                    16,
                )
                .expect("hex")
            })
            .collect::<Vec<u8>>(),
    );
    for (name, description, x) in [
        ("jwks_only_ed25519_zero_key", "an inline JWKS whose one key is the all-zero Ed25519 key (order 4)", zero),
        ("jwks_only_ed25519_order8_key", "an inline JWKS whose one key is an Ed25519 point of order 8", order8),
        (
            "jwks_only_ed25519_non_canonical_key",
            "an inline JWKS whose one key is a non-canonical Ed25519 encoding (y = 2^255 - 19)",
            ed25519_non_canonical(),
        ),
    ] {
        ctx.fail(
            name,
            description,
            ctx.config_with(json!({"jwks": {"keys": [okp("weak", &x)]}})),
            token.clone(),
            "invalid_config",
        );
    }
    ctx.fail(
        "pem_ed25519_zero_key",
        "a PEM whose one key is the all-zero Ed25519 key: no usable key",
        json!({"issuer": ISS, "audience": AUD, "pem": ed25519_pem(&zero)}),
        token,
        "invalid_config",
    );
}

fn rsa_oth(ctx: &mut Ctx) {
    let key = ctx.keys.rsa.with_kid("rsa-oth");
    let mut jwk = key.public_jwk();
    // The member alone makes the JWK private (RFC 7518 §6.3.2.7), whatever it holds.
    jwk["oth"] = json!([{"r": b64::encode([3u8; 64]), "d": b64::encode([5u8; 64]), "t": b64::encode([7u8; 64])}]);
    let mut jwks = ctx.jwks_a();
    jwks["keys"].as_array_mut().expect("keys").push(jwk.clone());
    let token = ctx.token(&key, &claims());
    ctx.fail(
        "jwks_rsa_with_oth_is_private",
        "a token names an RSA JWK carrying oth (extra primes: private key material): the key is skipped",
        ctx.config_with(json!({"jwks": jwks})),
        token.clone(),
        "key_not_found",
    );
    ctx.fail(
        "jwks_only_rsa_with_oth",
        "an inline JWKS whose one key carries oth: no usable key",
        ctx.config_with(json!({"jwks": {"keys": [jwk]}})),
        token,
        "invalid_config",
    );
}

fn control_characters(ctx: &mut Ctx) {
    let rs = ctx.rsa(Algorithm::RS256);
    let cfg = ctx.config();
    let cases = [
        (
            "claim_sub_with_nul",
            "sub \"admin\\u0000-guest\": a C caller would read admin",
            json!({"sub": "admin\u{0}-guest"}),
        ),
        ("claim_client_id_with_nul", "client_id holding a NUL", json!({"client_id": "billing\u{0}admin"})),
        ("claim_azp_with_newline", "azp holding a line feed (log forging)", json!({"azp": "web\nadmin"})),
        ("claim_iss_with_nul", "iss holding a NUL after the trusted issuer", json!({"iss": format!("{ISS}\u{0}")})),
        (
            "claim_sub_with_escape",
            "sub holding an ESC (U+001B, terminal escape sequences)",
            json!({"sub": "alice\u{1b}[2J"}),
        ),
        ("claim_sub_with_del", "sub holding DEL (U+007F)", json!({"sub": "alice\u{7f}"})),
        ("claim_sub_with_c1_control", "sub holding U+0085 (a C1 control, NEXT LINE)", json!({"sub": "alice\u{85}bob"})),
    ];
    for (name, description, patch) in cases {
        let token = ctx.token(&rs, &claims_with(patch));
        ctx.fail(name, description, cfg.clone(), token, "invalid_claim");
    }
    let token = ctx.token(&rs, &claims_with(json!({"sub": "ålice ünïcødé\u{2028}", "jti": "jti\u{0}free-form"})));
    ctx.ok(
        "claim_sub_non_ascii_accepted",
        "sub with non-ASCII letters and U+2028 (not a control character) is accepted; jti is not an identifier claim",
        cfg,
        token,
    );
}

/// An HS384/HS512 token signed with `secret` (the issuer's keys sign HS256 only).
fn hs_token(alg: &str, secret: &[u8]) -> String {
    let h = if alg == "HS384" { hmac::HMAC_SHA384 } else { hmac::HMAC_SHA512 };
    let input = format!("{}.{}", b64::encode(header(alg, None).to_string()), b64::encode(claims().to_string()));
    let tag = hmac::sign(&hmac::Key::new(h, secret), input.as_bytes());
    format!("{input}.{}", b64::encode(tag.as_ref()))
}

fn hmac_secret_lengths(ctx: &mut Ctx) {
    let s32 = "k".repeat(32);
    let s48 = "k".repeat(48);
    let s64 = "k".repeat(64);
    let cfg = |secret: &str, algs: Option<&[&str]>| {
        let mut c = json!({"issuer": ISS, "audience": AUD, "hmac_secret": secret});
        if let Some(a) = algs {
            c["algorithms"] = json!(a);
        }
        c
    };
    ctx.fail(
        "hs512_secret_shorter_than_hash",
        "algorithms [\"HS512\"] with a 32-byte secret (RFC 7518 §3.2: at least 64 bytes)",
        cfg(&s32, Some(&["HS512"])),
        hs_token("HS512", s32.as_bytes()),
        "invalid_config",
    );
    ctx.fail(
        "hs384_secret_shorter_than_hash",
        "algorithms [\"HS256\", \"HS384\"] with a 47-byte secret (HS384 needs 48)",
        cfg(&"k".repeat(47), Some(&["HS256", "HS384"])),
        hs_token("HS384", "k".repeat(47).as_bytes()),
        "invalid_config",
    );
    ctx.fail(
        "hs512_default_algorithms_short_secret",
        "no algorithms and a 32-byte secret: only HS256 is allowed, an HS512 token is refused",
        cfg(&s32, None),
        hs_token("HS512", s32.as_bytes()),
        "algorithm_not_allowed",
    );
    let token = hs_token("HS384", s48.as_bytes());
    ctx.ok("hs384_valid_48_byte_secret", "HS384 with a 48-byte secret", cfg(&s48, Some(&["HS384"])), token);
    let token = hs_token("HS512", s64.as_bytes());
    ctx.ok("hs512_valid_64_byte_secret", "HS512 with a 64-byte secret and default algorithms", cfg(&s64, None), token);
}

fn bounded_durations(ctx: &mut Ctx) {
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims());
    for (name, description, patch) in [
        ("config_leeway_over_maximum", "leeway_s 301 (maximum 300)", json!({"leeway_s": 301})),
        ("config_leeway_huge", "leeway_s 10^12 would switch expiry off", json!({"leeway_s": 1_000_000_000_000u64})),
        (
            "config_jwks_cache_ttl_over_maximum",
            "jwks_cache_ttl_s 86401 (maximum one day)",
            json!({"jwks_cache_ttl_s": 86_401}),
        ),
        (
            "config_jwks_refresh_cooldown_over_maximum",
            "jwks_refresh_cooldown_s 3601 (maximum one hour)",
            json!({"jwks_refresh_cooldown_s": 3_601}),
        ),
        (
            "config_http_timeout_over_maximum",
            "http_timeout_ms 60001 (maximum one minute)",
            json!({"http_timeout_ms": 60_001}),
        ),
        (
            "config_max_token_bytes_over_maximum",
            "max_token_bytes 1048577 (maximum 1 MiB)",
            json!({"max_token_bytes": 1_048_577}),
        ),
    ] {
        ctx.fail(name, description, ctx.config_with(patch), token.clone(), "invalid_config");
    }
    let late = ctx.token(&ctx.rsa(Algorithm::RS256), &claims_with(json!({"iat": NOW - 3600, "exp": NOW - 299})));
    ctx.ok(
        "leeway_at_maximum",
        "leeway_s 300 (the maximum) accepts a token that expired 299 s ago",
        ctx.config_with(json!({"leeway_s": 300})),
        late,
    );
}

fn header_whitespace(ctx: &mut Ctx) {
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims());
    let ok = || Expect::ok(&payload_of(&token), None);
    let plain = ctx.config();
    let cases = [
        Case::request(
            "request_bearer_surrounding_spaces",
            "\"  Bearer <token>  \": optional whitespace around a field value is not part of it (RFC 9110 §5.5)",
            plain.clone(),
            &[("Authorization", &format!("  Bearer {token}  "))],
            None,
            ok(),
        ),
        Case::request(
            "request_bearer_surrounding_tabs",
            "tabs around the value are optional whitespace too",
            plain.clone(),
            &[("Authorization", &format!("\tBearer {token}\t"))],
            None,
            ok(),
        ),
        Case::request(
            "request_bearer_inner_tab",
            "a tab inside the token stays refused",
            plain.clone(),
            &[("Authorization", &format!(" Bearer {}\t{} ", &token[..10], &token[10..]))],
            None,
            Expect::error("invalid_request"),
        ),
        Case::request(
            "request_bearer_trailing_garbage_after_space",
            "\"Bearer <token> x\": whitespace inside the value stays refused",
            plain,
            &[("Authorization", &format!("Bearer {token} x "))],
            None,
            Expect::error("invalid_request"),
        ),
    ];
    for case in cases {
        ctx.push(case);
    }
    // Found by the extraction property test: a cookie value holding a list is not one token.
    let cookie = ctx.config_with(json!({"cookie_name": "at"}));
    ctx.push(Case::request(
        "request_cookie_token_list",
        "Cookie: at=<token>,<token>: the token cookie must hold one b64token",
        cookie.clone(),
        &[("Cookie", &format!("at={token},{token}"))],
        None,
        Expect::error("invalid_request"),
    ));
    ctx.push(Case::request(
        "request_cookie_token_with_space",
        "a framework-parsed token cookie holding a space",
        cookie,
        &[],
        Some(&[("at", &format!("{token} x"))]),
        Expect::error("invalid_request"),
    ));
}

fn large_whole_numbers(ctx: &mut Ctx) {
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims());
    ctx.ok(
        "config_integer_2_pow_32",
        "max_token_age_s 4294967296 (2^32): a whole number beyond 32 bits is an integer in every language",
        ctx.config_with(json!({"max_token_age_s": 4_294_967_296u64})),
        token.clone(),
    );
    ctx.fail(
        "config_integer_2_pow_32_over_maximum",
        "jwks_cache_ttl_s 4294967296 (2^32): read as an integer, then refused by its maximum",
        ctx.config_with(json!({"jwks_cache_ttl_s": 4_294_967_296u64})),
        token,
        "invalid_config",
    );
}
