//! Algorithms, key selection and signatures: one positive control per algorithm, then every way
//! the `alg`/`kid`/signature steps refuse a token.

use meshauth_issuer::{b64, jws, Algorithm, SigningKey};
use serde_json::{json, Value};

use crate::context::{claims, claims_with, header, Ctx, AUD, HMAC_SECRET, ISS, ISS_B, NOW};

pub fn add(ctx: &mut Ctx) {
    positive_controls(ctx);
    algorithm_refusals(ctx);
    key_selection(ctx);
    signatures(ctx);
    issuers(ctx);
}

fn positive_controls(ctx: &mut Ctx) {
    for alg in
        [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256, Algorithm::PS384, Algorithm::PS512]
    {
        let key = ctx.rsa(alg);
        let token = ctx.token(&key, &claims());
        let name = format!("{}_valid", alg.as_str().to_ascii_lowercase());
        ctx.ok(&name, &format!("{alg} token, key selected by kid from the inline JWKS"), ctx.config(), token);
    }
    let token = ctx.token(&ctx.es256(), &claims());
    ctx.ok("es256_valid", "ES256 (P-256) token with a raw 64-byte R||S signature", ctx.config(), token);
    let token = ctx.token(&ctx.es384(), &claims());
    ctx.ok("es384_valid", "ES384 (P-384) token with a raw 96-byte R||S signature", ctx.config(), token);
    let token = ctx.token(&ctx.ed(), &claims());
    ctx.ok("eddsa_valid", "EdDSA (Ed25519) token", ctx.config(), token);

    let hs_config = json!({"issuer": ISS, "audience": AUD, "hmac_secret": HMAC_SECRET, "algorithms": ["HS256"]});
    let token = ctx.sign(&ctx.keys.hmac, &header("HS256", None), &claims());
    ctx.ok("hs256_valid", "HS256 with an explicit hmac_secret and HS256 allow-listed", hs_config.clone(), token);

    let pem = ctx.keys.rsa.public_key_pem().expect("RSA");
    let pem_config = json!({"issuer": ISS, "audience": AUD, "pem": pem});
    let token = ctx.sign(&ctx.keys.rsa, &header("RS256", None), &claims());
    ctx.ok("pem_rs256_valid", "RS256 token verified with a configured SPKI PEM public key (no kid)", pem_config, token);
    let pem = ctx.keys.es256.public_key_pem().expect("EC");
    let pem_config = json!({"issuer": ISS, "audience": AUD, "pem": pem});
    let token = ctx.sign(&ctx.keys.es256, &header("ES256", None), &claims());
    ctx.ok("pem_es256_valid", "ES256 token verified with a configured SPKI PEM public key (no kid)", pem_config, token);

    let two_pems =
        format!("{}{}", ctx.keys.es256.public_key_pem().expect("EC"), ctx.keys.rsa.public_key_pem().expect("RSA"));
    let token = ctx.sign(&ctx.keys.rsa, &header("RS256", None), &claims());
    ctx.ok(
        "pem_two_keys",
        "pem holding two public keys (EC then RSA): the RSA one verifies an RS256 token",
        json!({"issuer": ISS, "audience": AUD, "pem": two_pems}),
        token,
    );
    let token = ctx.token(&ctx.ed(), &claims());
    let jwks_text = ctx.jwks_a().to_string();
    ctx.ok(
        "jwks_as_text",
        "the inline JWKS given as JSON text instead of an object",
        ctx.config_with(json!({"jwks": jwks_text})),
        token,
    );

    let token = ctx.sign(&ctx.rsa(Algorithm::RS256), &header("RS256", None), &claims());
    ctx.ok("no_kid_tries_compatible_keys", "no kid: every key compatible with RS256 is tried", ctx.config(), token);
    let key = ctx.keys.rsa.with_alg(Algorithm::PS256).expect("RSA").with_kid("rsa-any-alg");
    let token = ctx.token(&key, &claims());
    ctx.ok(
        "jwk_without_alg_accepts_family",
        "a JWK without alg verifies any allow-listed alg of its family (PS256 on an RSA JWK)",
        ctx.config(),
        token,
    );
    let token = ctx.token(&ctx.ed(), &claims());
    ctx.ok(
        "algorithms_restricted_allows_listed",
        "algorithms [\"EdDSA\"]: an EdDSA token is accepted",
        ctx.config_with(json!({"algorithms": ["EdDSA"]})),
        token,
    );
}

fn algorithm_refusals(ctx: &mut Ctx) {
    let cfg = ctx.config();
    for (name, alg) in [("alg_none_lower", "none"), ("alg_none_capitalised", "None"), ("alg_none_upper", "NONE")] {
        let h = json!({"alg": alg, "typ": "at+jwt"});
        let token = format!("{}.{}.", b64::encode(h.to_string()), b64::encode(claims().to_string()));
        ctx.fail(
            name,
            &format!("alg \"{alg}\" with an empty signature: refused before the signature"),
            cfg.clone(),
            token,
            "algorithm_not_allowed",
        );
    }
    let h = json!({"alg": "none"});
    let token = format!("{}.{}.{}", b64::encode(h.to_string()), b64::encode(claims().to_string()), b64::encode("sig"));
    ctx.fail(
        "alg_none_with_signature",
        "alg none with a non-empty signature segment",
        cfg.clone(),
        token,
        "algorithm_not_allowed",
    );

    let token = ctx.sign(&ctx.rsa(Algorithm::RS256), &json!({"kid": "rs256", "typ": "at+jwt"}), &claims());
    ctx.fail("alg_missing", "header without alg", cfg.clone(), token, "algorithm_not_allowed");
    let token = ctx.sign(&ctx.rsa(Algorithm::RS256), &json!({"alg": 256, "kid": "rs256"}), &claims());
    ctx.fail("alg_not_a_string", "header alg is a number", cfg.clone(), token, "algorithm_not_allowed");
    let token = ctx.sign(&ctx.rsa(Algorithm::RS256), &json!({"alg": "rs256", "kid": "rs256"}), &claims());
    ctx.fail(
        "alg_wrong_case",
        "alg \"rs256\" (algorithm names are case-sensitive)",
        cfg.clone(),
        token,
        "algorithm_not_allowed",
    );
    let token = ctx.sign(&ctx.rsa(Algorithm::RS256), &json!({"alg": "RS1", "kid": "rs256"}), &claims());
    ctx.fail("alg_unknown", "alg \"RS1\" is not in the allow-list", cfg.clone(), token, "algorithm_not_allowed");

    // Key confusion (RFC 8725 §2.1): HMAC keyed with the RSA public key the verifier trusts.
    let pem = ctx.keys.rsa.public_key_pem().expect("RSA");
    let confused = SigningKey::hmac("rs256", pem.as_bytes());
    let token = ctx.sign(&confused, &header("HS256", Some("rs256")), &claims());
    ctx.fail(
        "hs256_key_confusion_jwks",
        "HS256 MACed with the RSA public key's PEM, kid of the RSA JWK",
        cfg.clone(),
        token,
        "algorithm_not_allowed",
    );
    let confused = SigningKey::hmac("", pem.as_bytes());
    let token = ctx.sign(&confused, &header("HS256", None), &claims());
    let pem_config = json!({"issuer": ISS, "audience": AUD, "pem": pem});
    ctx.fail(
        "hs256_key_confusion_pem",
        "HS256 MACed with the configured PEM text",
        pem_config,
        token,
        "algorithm_not_allowed",
    );
    let token = ctx.sign(&ctx.keys.hmac, &header("HS256", None), &claims());
    ctx.fail(
        "hs256_against_jwks_config",
        "an HS256 token against a JWKS-only configuration (HS* not in the default allow-list)",
        cfg.clone(),
        token,
        "algorithm_not_allowed",
    );

    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims());
    ctx.fail(
        "alg_not_in_configured_list",
        "algorithms [\"ES256\"]: an RS256 token is refused",
        ctx.config_with(json!({"algorithms": ["ES256"]})),
        token,
        "algorithm_not_allowed",
    );
    let hs_config = json!({"issuer": ISS, "audience": AUD, "hmac_secret": HMAC_SECRET, "algorithms": ["HS256"]});
    let token = ctx.sign(&ctx.keys.rsa, &header("RS256", None), &claims());
    ctx.fail(
        "rs256_against_hmac_config",
        "an RS256 token when only HS256 is allowed",
        hs_config,
        token,
        "algorithm_not_allowed",
    );
}

fn key_selection(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let token = ctx.token(&ctx.keys.rsa.with_kid("no-such-kid"), &claims());
    ctx.fail("kid_unknown", "kid not in the key set", cfg.clone(), token, "key_not_found");
    let token = ctx.sign(&ctx.es256(), &header("ES256", Some("rs256")), &claims());
    ctx.fail("kid_key_of_other_family", "ES256 header naming an RSA key", cfg.clone(), token, "algorithm_not_allowed");
    let key = ctx.keys.rsa.with_alg(Algorithm::RS384).expect("RSA").with_kid("rs256");
    let token = ctx.token(&key, &claims());
    ctx.fail(
        "kid_jwk_alg_differs",
        "RS384 header naming a JWK whose alg is RS256 (same RSA key)",
        cfg.clone(),
        token,
        "algorithm_not_allowed",
    );
    let key = ctx.keys.rsa.with_alg(Algorithm::PS256).expect("RSA").with_kid("rs256");
    let token = ctx.token(&key, &claims());
    ctx.fail("kid_jwk_alg_rs_vs_ps", "PS256 header naming the RS256 JWK", cfg.clone(), token, "algorithm_not_allowed");

    let key = ctx.keys.rsa.with_kid("enc-key");
    let token = ctx.token(&key, &claims());
    ctx.fail(
        "kid_names_encryption_key",
        "kid of a use:\"enc\" JWK, which is skipped",
        cfg.clone(),
        token,
        "key_not_found",
    );
    let token = ctx.token(&ctx.keys.rsa.with_kid("rsa-1024"), &claims());
    ctx.fail("kid_names_rsa_1024_key", "kid of an RSA-1024 JWK, which is skipped", cfg.clone(), token, "key_not_found");
    let token = ctx.token(&ctx.keys.ed.with_kid("ed-with-private"), &claims());
    ctx.fail(
        "kid_names_jwk_with_private_member",
        "kid of a JWK carrying `d`, which is skipped",
        cfg.clone(),
        token,
        "key_not_found",
    );

    // Header parameters that must never be used to find keys.
    let mut h = header("RS256", Some("no-such-kid"));
    h["jwk"] = ctx.keys.attacker.with_kid("no-such-kid").public_jwk();
    h["jku"] = json!("https://attacker.example/jwks");
    let token = ctx.sign(&ctx.keys.attacker, &h, &claims());
    ctx.fail(
        "embedded_jwk_and_jku_ignored",
        "the attacker's key embedded in `jwk`/`jku` is never used",
        cfg,
        token,
        "key_not_found",
    );
}

fn signatures(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let token = jws::tamper_signature(&ctx.token(&ctx.rsa(Algorithm::RS256), &claims()));
    ctx.fail(
        "rs256_signature_tampered",
        "one bit of the RS256 signature flipped",
        cfg.clone(),
        token,
        "invalid_signature",
    );
    let token = jws::tamper_signature(&ctx.token(&ctx.ed(), &claims()));
    ctx.fail(
        "eddsa_signature_tampered",
        "one bit of the Ed25519 signature flipped",
        cfg.clone(),
        token,
        "invalid_signature",
    );
    let token = jws::tamper_signature(&ctx.token(&ctx.es256(), &claims()));
    ctx.fail(
        "es256_signature_tampered",
        "one bit of the ES256 signature flipped",
        cfg.clone(),
        token,
        "invalid_signature",
    );
    let token = ctx.token(&ctx.keys.attacker.with_kid("rs256"), &claims());
    ctx.fail(
        "signed_by_untrusted_key",
        "RS256 signed by another RSA key, with the trusted kid",
        cfg.clone(),
        token,
        "invalid_signature",
    );
    let expired = claims_with(json!({"iat": NOW - 7200, "exp": NOW - 3600}));
    let token = ctx.token(&ctx.keys.attacker.with_kid("rs256"), &expired);
    ctx.fail(
        "forged_and_expired",
        "a forged token that is also expired: the signature error wins",
        cfg.clone(),
        token,
        "invalid_signature",
    );
    let bad = claims_with(json!({"aud": "someone-else", "iss": 5}));
    let token = jws::tamper_signature(&ctx.token(&ctx.rsa(Algorithm::RS256), &bad));
    ctx.fail(
        "forged_with_bad_claims",
        "bad signature plus wrong aud and a non-string iss: signature first",
        cfg.clone(),
        token,
        "invalid_signature",
    );
    let token = jws::tamper_signature(&ctx.token(&ctx.rsa(Algorithm::RS256), &claims_with(json!({"iss": null}))));
    ctx.fail(
        "iss_missing_forged",
        "no iss and a bad signature: the single issuer's keys verify first",
        cfg.clone(),
        token,
        "invalid_signature",
    );

    let h = header("ES256", Some("es256"));
    let input = format!("{}.{}", b64::encode(h.to_string()), b64::encode(claims().to_string()));
    let token = ctx.signer.sign_input_der(&ctx.es256(), &input);
    ctx.fail(
        "es256_der_signature",
        "ES256 with an ASN.1 DER signature instead of raw R||S",
        cfg.clone(),
        token,
        "invalid_signature",
    );

    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims());
    let (input, _) = token.rsplit_once('.').expect("compact");
    ctx.fail(
        "empty_signature_segment",
        "RS256 with an empty signature segment",
        cfg.clone(),
        format!("{input}."),
        "malformed_token",
    );

    let hs_config = json!({"issuer": ISS, "audience": AUD, "hmac_secret": HMAC_SECRET, "algorithms": ["HS256"]});
    let token =
        ctx.sign(&SigningKey::hmac("", b"another-secret-of-sufficient-length!!"), &header("HS256", None), &claims());
    ctx.fail("hs256_wrong_secret", "HS256 MACed with another secret", hs_config, token, "invalid_signature");
}

fn issuers(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims_with(json!({"iss": null})));
    ctx.fail(
        "iss_missing",
        "no iss (valid signature with the single issuer's key)",
        cfg.clone(),
        token,
        "invalid_issuer",
    );
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims_with(json!({"iss": 42})));
    ctx.fail(
        "iss_not_a_string",
        "single issuer, iss a number: the signature verifies with that issuer's keys, then the claim-type check (1) answers",
        cfg.clone(),
        token,
        "invalid_claim",
    );
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims_with(json!({"iss": "https://evil.example"})));
    ctx.fail("iss_wrong", "iss of another issuer, signed with the trusted key", cfg.clone(), token, "invalid_issuer");
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims_with(json!({"iss": format!("{ISS}/")})));
    ctx.fail(
        "iss_trailing_slash",
        "iss differing only by a trailing slash (exact comparison)",
        cfg.clone(),
        token,
        "invalid_issuer",
    );
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims_with(json!({"iss": "HTTPS://ISSUER.EXAMPLE"})));
    ctx.fail("iss_case_differs", "iss differing only in case", cfg.clone(), token, "invalid_issuer");

    let multi = multi_issuer_config(ctx);
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims());
    ctx.ok("multi_issuer_a", "two trusted issuers: a token of issuer A, verified with A's keys", multi.clone(), token);
    let b_claims = claims_with(json!({"iss": ISS_B, "sub": "bob"}));
    let token = ctx.token(&ctx.rsa_b(), &b_claims);
    ctx.ok("multi_issuer_b", "two trusted issuers: a token of issuer B, verified with B's keys", multi.clone(), token);
    let mut own_policy = multi.clone();
    own_policy["issuers"][1]["audience"] = json!("partner-api");
    let token = ctx.token(&ctx.rsa_b(), &claims_with(json!({"iss": ISS_B, "aud": "partner-api"})));
    ctx.ok(
        "multi_issuer_own_audience",
        "issuer B overrides the audience: its tokens name partner-api",
        own_policy.clone(),
        token,
    );
    let token = ctx.token(&ctx.rsa_b(), &b_claims);
    ctx.fail(
        "multi_issuer_own_audience_refuses_default",
        "issuer B's own audience replaces the top-level one",
        own_policy.clone(),
        token,
        "invalid_audience",
    );
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims());
    ctx.ok(
        "multi_issuer_inherits_audience",
        "issuer A without its own audience inherits the top-level one",
        own_policy,
        token,
    );
    let token = ctx.token(&ctx.rsa_b(), &claims());
    ctx.fail(
        "multi_issuer_kid_of_other_issuer",
        "claims issuer A but names issuer B's kid: keys are never shared",
        multi.clone(),
        token,
        "key_not_found",
    );
    let token = ctx.sign(&ctx.keys.rsa_b, &header("RS256", None), &claims());
    ctx.fail(
        "multi_issuer_no_kid_other_issuers_key",
        "claims issuer A, no kid, signed by issuer B's key",
        multi.clone(),
        token,
        "invalid_signature",
    );
    let token = jws::tamper_signature(
        &ctx.token(&ctx.keys.attacker.with_kid("x"), &claims_with(json!({"iss": "https://evil.example"}))),
    );
    ctx.fail(
        "multi_issuer_unknown_iss",
        "several issuers and an unknown iss: refused before any key is used",
        multi.clone(),
        token,
        "invalid_issuer",
    );
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims_with(json!({"iss": null})));
    ctx.fail("multi_issuer_iss_missing", "several issuers and no iss", multi.clone(), token, "invalid_issuer");
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims_with(json!({"iss": 42})));
    ctx.fail(
        "multi_issuer_iss_not_a_string",
        "several issuers and a numeric iss: no issuer can be picked",
        multi,
        token,
        "invalid_issuer",
    );
}

/// Issuers A and B, each with its own inline JWKS; the audience is shared at the top level.
pub fn multi_issuer_config(ctx: &Ctx) -> Value {
    json!({
        "audience": AUD,
        "issuers": [
            {"issuer": ISS, "jwks": ctx.jwks_a()},
            {"issuer": ISS_B, "jwks": ctx.jwks_b()},
        ],
    })
}
