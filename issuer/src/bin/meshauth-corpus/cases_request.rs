//! `authenticate_at(request)`: pulling the token from the Authorization header or a cookie.

use meshauth_issuer::Algorithm;
use serde_json::json;

use crate::case::{payload_of, Case, Expect};
use crate::context::{claims, claims_with, Ctx, NOW};

pub fn add(ctx: &mut Ctx) {
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims());
    let ok = || Expect::ok(&payload_of(&token), None);
    let err = Expect::error;
    let plain = ctx.config();
    let cookie = ctx.config_with(json!({"cookie_name": "at"}));
    let bearer = format!("Bearer {token}");
    let cases = [
        Case::request(
            "request_bearer_header",
            "Authorization: Bearer <token>",
            plain.clone(),
            &[("Authorization", &bearer)],
            None,
            ok(),
        ),
        Case::request(
            "request_lowercase_bearer",
            "scheme and header name matched case-insensitively",
            plain.clone(),
            &[("authorization", &format!("bearer {token}"))],
            None,
            ok(),
        ),
        Case::request(
            "request_bearer_uppercase",
            "BEARER scheme",
            plain.clone(),
            &[("AUTHORIZATION", &format!("BEARER {token}"))],
            None,
            ok(),
        ),
        Case::request(
            "request_bearer_without_token",
            "`Bearer` with nothing after it",
            plain.clone(),
            &[("Authorization", "Bearer")],
            None,
            err("invalid_request"),
        ),
        Case::request(
            "request_bearer_only_spaces",
            "`Bearer` followed by spaces only",
            plain.clone(),
            &[("Authorization", "Bearer   ")],
            None,
            err("invalid_request"),
        ),
        Case::request(
            "request_bearer_two_tokens",
            "`Bearer a b`",
            plain.clone(),
            &[("Authorization", &format!("{bearer} {token}"))],
            None,
            err("invalid_request"),
        ),
        Case::request(
            "request_bearer_comma",
            "`Bearer a,b`",
            plain.clone(),
            &[("Authorization", &format!("{bearer},x"))],
            None,
            err("invalid_request"),
        ),
        Case::request(
            "request_two_authorization_headers",
            "two Authorization headers (even identical)",
            plain.clone(),
            &[("Authorization", &bearer), ("authorization", &bearer)],
            None,
            err("invalid_request"),
        ),
        Case::request(
            "request_no_credentials",
            "no Authorization header, no cookie",
            plain.clone(),
            &[("Accept", "application/json")],
            None,
            err("no_credentials"),
        ),
        Case::request(
            "request_basic_only",
            "a Basic credential is not a bearer token",
            plain.clone(),
            &[("Authorization", "Basic b3JkZXJzOnNlY3JldA==")],
            None,
            err("no_credentials"),
        ),
        Case::request(
            "request_cookie_not_configured",
            "a cookie named like a token cookie, but no cookie_name configured",
            plain.clone(),
            &[("Cookie", &format!("at={token}"))],
            None,
            err("no_credentials"),
        ),
        Case::request(
            "request_cookie_header",
            "token read from the configured cookie in the Cookie header",
            cookie.clone(),
            &[("Cookie", &format!("theme=dark; at={token}; lang=en"))],
            None,
            ok(),
        ),
        Case::request(
            "request_cookie_list",
            "token read from an explicit (already parsed) cookie list",
            cookie.clone(),
            &[],
            Some(&[("theme", "dark"), ("at", &token)]),
            ok(),
        ),
        Case::request(
            "request_cookie_twice",
            "the token cookie twice in the Cookie header",
            cookie.clone(),
            &[("Cookie", &format!("at={token}; at={token}"))],
            None,
            err("invalid_request"),
        ),
        Case::request(
            "request_cookie_twice_in_list",
            "the token cookie twice in an explicit cookie list",
            cookie.clone(),
            &[],
            Some(&[("at", &token), ("at", &token)]),
            err("invalid_request"),
        ),
        Case::request(
            "request_header_and_cookie",
            "a token in both the Authorization header and the cookie",
            cookie.clone(),
            &[("Authorization", &bearer), ("Cookie", &format!("at={token}"))],
            None,
            err("invalid_request"),
        ),
        Case::request(
            "request_cookie_absent",
            "cookie_name configured, neither header nor cookie",
            cookie.clone(),
            &[("Cookie", "theme=dark")],
            None,
            err("no_credentials"),
        ),
        Case::request(
            "request_basic_and_cookie",
            "a Basic header beside the token cookie: the cookie is the bearer credential",
            cookie.clone(),
            &[("Authorization", "Basic b3JkZXJzOnNlY3JldA=="), ("Cookie", &format!("at={token}"))],
            None,
            ok(),
        ),
    ];
    for case in cases {
        ctx.push(case);
    }
    let expired = ctx.token(&ctx.rsa(Algorithm::RS256), &claims_with(json!({"iat": NOW - 7200, "exp": NOW - 3600})));
    ctx.push(Case::request(
        "request_expired_token",
        "a request whose bearer token is expired: the token error comes through",
        plain,
        &[("Authorization", &format!("Bearer {expired}"))],
        None,
        Expect::error("token_expired"),
    ));
}
