//! Claim checks after the signature: registered-claim types, required claims, time windows with
//! leeway and the max-age policy, and the order in which the checks answer.

use meshauth_issuer::Algorithm;
use serde_json::{json, Value};

use crate::case::{Case, Expect};
use crate::context::{claims, claims_with, header, Ctx, NOW};

pub fn add(ctx: &mut Ctx) {
    types(ctx);
    required(ctx);
    times(ctx);
    max_age(ctx);
}

fn rs256(ctx: &Ctx, claims: &Value) -> String {
    ctx.token(&ctx.rsa(Algorithm::RS256), claims)
}

fn types(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let wrong: [(&str, &str, Value); 15] = [
        ("exp_string", "exp is a numeric string (wrong type, not missing)", json!({"exp": (NOW + 3600).to_string()})),
        ("exp_null", "exp is null (present with the wrong type)", json!({"exp": Value::Null})),
        ("exp_boolean", "exp is true", json!({"exp": true})),
        ("nbf_string", "nbf is a string", json!({"nbf": NOW.to_string()})),
        ("iat_string", "iat is a string", json!({"iat": "yesterday"})),
        ("sub_number", "sub is a number", json!({"sub": 1234})),
        ("jti_number", "jti is a number", json!({"jti": 7})),
        ("client_id_array", "client_id is an array", json!({"client_id": ["orders-svc"]})),
        ("azp_number", "azp is a number", json!({"azp": 3})),
        ("aud_number", "aud is a number", json!({"aud": 42})),
        ("aud_array_with_number", "aud is an array holding a number", json!({"aud": ["orders", 42]})),
        ("aud_object", "aud is an object", json!({"aud": {"orders": true}})),
        ("scope_array", "scope is an array (it must be a space-separated string)", json!({"scope": ["orders:read"]})),
        ("scp_string", "scp is a string (it must be an array of strings)", json!({"scp": "orders:read"})),
        ("scp_array_with_number", "scp holds a number", json!({"scp": ["orders:read", 1]})),
    ];
    for (name, description, patch) in wrong {
        // `exp: null` must stay in the payload: patch it in by hand (merge drops nulls).
        let mut c = claims_with(patch.clone());
        for (k, v) in patch.as_object().expect("object") {
            if v.is_null() {
                c[k] = Value::Null;
            }
        }
        let token = rs256(ctx, &c);
        ctx.fail(&format!("claim_{name}"), description, cfg.clone(), token, "invalid_claim");
    }
    // Order: a wrong type is reported before a missing claim, an issuer or audience problem.
    let c = claims_with(json!({"exp": null, "sub": 5}));
    let token = rs256(ctx, &c);
    ctx.fail(
        "claim_type_before_missing_exp",
        "exp missing and sub a number: the type error answers",
        cfg.clone(),
        token,
        "invalid_claim",
    );
    let c = claims_with(json!({"aud": "billing", "iat": "now", "exp": NOW - 7200}));
    let token = rs256(ctx, &c);
    ctx.fail(
        "claim_type_before_expiry_and_audience",
        "expired, wrong aud and iat a string: the type error answers",
        cfg,
        token,
        "invalid_claim",
    );
}

fn required(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let token = rs256(ctx, &claims_with(json!({"exp": null})));
    ctx.fail("exp_missing", "no exp (always required)", cfg.clone(), token, "missing_claim");
    let token = rs256(ctx, &claims_with(json!({"jti": null})));
    ctx.fail(
        "required_claim_missing",
        "required_claims [\"jti\", \"sub\"] and no jti",
        ctx.config_with(json!({"required_claims": ["jti", "sub"]})),
        token,
        "missing_claim",
    );
    let token = rs256(ctx, &claims_with(json!({"tenant": "acme"})));
    ctx.ok(
        "required_claims_present",
        "required_claims [\"jti\", \"tenant\"], both present",
        ctx.config_with(json!({"required_claims": ["jti", "tenant"]})),
        token,
    );
    let token = rs256(ctx, &claims_with(json!({"exp": null, "aud": "billing"})));
    ctx.fail(
        "missing_exp_before_audience",
        "no exp and a wrong aud: missing_claim answers first",
        cfg.clone(),
        token,
        "missing_claim",
    );
    let token = rs256(ctx, &claims_with(json!({"exp": null, "iss": "https://evil.example"})));
    ctx.fail(
        "missing_exp_before_issuer",
        "no exp and a wrong iss: missing_claim answers first",
        cfg,
        token,
        "missing_claim",
    );
}

fn times(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let expired = |exp: Value| claims_with(json!({"iat": NOW - 7200, "exp": exp}));
    let token = rs256(ctx, &expired(json!(NOW - 3600)));
    ctx.fail("exp_past", "exp an hour ago", cfg.clone(), token, "token_expired");
    let token = rs256(ctx, &expired(json!(NOW - 60)));
    ctx.fail(
        "exp_at_leeway_boundary",
        "exp exactly now - leeway (60 s): expired (exp <= now - leeway)",
        cfg.clone(),
        token,
        "token_expired",
    );
    let token = rs256(ctx, &expired(json!(NOW - 59)));
    ctx.ok("exp_within_leeway", "exp 59 s ago, inside the 60 s leeway: accepted", cfg.clone(), token);
    let token = rs256(ctx, &expired(json!(NOW)));
    ctx.fail(
        "exp_now_with_zero_leeway",
        "leeway_s 0 and exp == now: expired",
        ctx.config_with(json!({"leeway_s": 0})),
        token,
        "token_expired",
    );
    let token = rs256(ctx, &expired(json!(NOW + 1)));
    ctx.ok(
        "exp_next_second_zero_leeway",
        "leeway_s 0 and exp == now + 1: accepted",
        ctx.config_with(json!({"leeway_s": 0})),
        token,
    );
    let token = rs256(ctx, &expired(json!(NOW - 240)));
    ctx.ok(
        "exp_within_custom_leeway",
        "leeway_s 300 and exp 4 minutes ago: accepted",
        ctx.config_with(json!({"leeway_s": 300})),
        token,
    );
    let token = rs256(ctx, &claims_with(json!({"exp": (NOW + 3600) as f64 + 0.5})));
    ctx.ok("exp_fractional", "fractional exp: expires_at is its floor", cfg.clone(), token);
    let token = rs256(ctx, &claims_with(json!({"exp": (NOW - 60) as f64 + 0.25})));
    ctx.ok("exp_fractional_inside_leeway", "exp = now - 59.75: not yet past now - leeway", cfg.clone(), token);
    let t = ctx.sign_raw(
        &ctx.rsa(Algorithm::RS256),
        &header("RS256", Some("rs256")).to_string(),
        r#"{"aud":"orders","exp":1e300,"iss":"https://issuer.example","sub":"alice"}"#,
    );
    ctx.ok("exp_huge", "exp 1e300: far future, no overflow (expires_at not compared)", cfg.clone(), t);
    let token = rs256(ctx, &claims());
    ctx.push(
        Case::token(
            "clock_later_now",
            "the case's own clock: now = exp + 61 makes a fresh token expired",
            cfg.clone(),
            token,
            Expect::error("token_expired"),
        )
        .at(NOW + 3600 + 61),
    );
    let token = rs256(ctx, &claims_with(json!({"exp": -1})));
    ctx.fail("exp_negative", "exp -1 (1969): expired", cfg.clone(), token, "token_expired");

    let token = rs256(ctx, &claims_with(json!({"nbf": NOW + 61})));
    ctx.fail("nbf_future", "nbf 61 s ahead, beyond the leeway", cfg.clone(), token, "token_not_yet_valid");
    let token = rs256(ctx, &claims_with(json!({"nbf": NOW + 60})));
    ctx.ok("nbf_within_leeway", "nbf exactly now + leeway: accepted (nbf > now + leeway fails)", cfg.clone(), token);
    let token = rs256(ctx, &claims_with(json!({"nbf": NOW - 10})));
    ctx.ok("nbf_past", "nbf in the past: not_before reported", cfg.clone(), token);
    let token = rs256(ctx, &claims_with(json!({"iat": NOW + 3000})));
    ctx.ok(
        "iat_future_without_max_age",
        "iat in the future is not checked without max_token_age_s",
        cfg.clone(),
        token,
    );

    // Order: typ before exp; exp before nbf; exp before aud.
    let mut h = header("RS256", Some("rs256"));
    h["typ"] = json!("dpop+jwt");
    let token = ctx.sign(&ctx.rsa(Algorithm::RS256), &h, &expired(json!(NOW - 3600)));
    ctx.fail(
        "typ_checked_before_exp",
        "expired and typ dpop+jwt: invalid_token_type answers first",
        cfg.clone(),
        token,
        "invalid_token_type",
    );
    let token = rs256(ctx, &claims_with(json!({"iss": "https://evil.example", "exp": NOW - 3600})));
    ctx.fail(
        "issuer_checked_before_exp",
        "expired and a wrong iss: invalid_issuer answers first",
        cfg.clone(),
        token,
        "invalid_issuer",
    );
    let token = rs256(ctx, &claims_with(json!({"exp": NOW - 3600, "nbf": NOW + 3600})));
    ctx.fail(
        "exp_checked_before_nbf",
        "expired and not yet valid: token_expired answers first",
        cfg.clone(),
        token,
        "token_expired",
    );
    let token = rs256(ctx, &claims_with(json!({"exp": NOW - 3600, "aud": "billing"})));
    ctx.fail(
        "exp_checked_before_audience",
        "expired and a wrong aud: token_expired answers first",
        cfg,
        token,
        "token_expired",
    );
}

fn max_age(ctx: &mut Ctx) {
    let cfg = ctx.config_with(json!({"max_token_age_s": 600}));
    let token = rs256(ctx, &claims_with(json!({"iat": NOW - 300})));
    ctx.ok("max_age_fresh", "max_token_age_s 600, iat 5 minutes ago", cfg.clone(), token);
    let token = rs256(ctx, &claims_with(json!({"iat": NOW - 660})));
    ctx.ok("max_age_at_boundary", "now - iat == max age + leeway: accepted", cfg.clone(), token);
    let token = rs256(ctx, &claims_with(json!({"iat": NOW - 661})));
    ctx.fail("max_age_exceeded_by_one", "now - iat == max age + leeway + 1", cfg.clone(), token, "token_expired");
    let token = rs256(ctx, &claims_with(json!({"iat": NOW - 3600})));
    ctx.fail("max_age_too_old", "iat an hour ago with max_token_age_s 600", cfg.clone(), token, "token_expired");
    let token = rs256(ctx, &claims_with(json!({"iat": null})));
    ctx.fail("max_age_iat_missing", "max_token_age_s requires iat", cfg.clone(), token, "missing_claim");
    let token = rs256(ctx, &claims_with(json!({"iat": NOW + 120})));
    ctx.fail(
        "max_age_iat_future",
        "iat 2 minutes ahead under max_token_age_s",
        cfg.clone(),
        token,
        "token_not_yet_valid",
    );
    let token = rs256(ctx, &claims_with(json!({"iat": NOW + 60})));
    ctx.ok("max_age_iat_future_within_leeway", "iat exactly now + leeway under max_token_age_s: accepted", cfg, token);
}
