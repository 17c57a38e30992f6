//! Messages that name the fix: configured versus actual issuer and audience, the expiry figures,
//! every valid field and the nearest one on a typo, and hints for the usual mistakes around the
//! token and configuration text. Codes are unchanged; tokens and secrets never appear.

mod common;

use common::{claims, jwks, Mode, Signer, TestServer, NOW};
use meshauth::{Config, ErrorCode, Principal, Validator};
use serde_json::{json, Value};

const ISS: &str = "https://id.example";

fn validator(cfg: Value) -> meshauth::Result<Validator> {
    Validator::new(Config::from_value(cfg)?)
}

fn setup(cfg: Value) -> (Signer, Validator) {
    let s = Signer::new("k1");
    let mut base = json!({"issuer": ISS, "audience": "orders", "jwks": jwks(&[&s])});
    for (k, v) in cfg.as_object().unwrap() {
        base[k] = v.clone();
    }
    (s, validator(base).unwrap())
}

fn refuse(v: &Validator, token: &str) -> meshauth::Error {
    let e = v.validate_at(token, NOW).unwrap_err();
    assert!(!e.message().contains(token), "the token leaked: {}", e.message());
    e
}

#[test]
fn issuer_mismatch_names_both_values_and_the_trailing_slash() {
    let (s, v) = setup(json!({"issuer": "https://id.example/"}));
    let e = refuse(&v, &s.sign(&claims(ISS, "orders")));
    assert_eq!(e.code(), ErrorCode::InvalidIssuer);
    assert!(e.message().contains("issuer \"https://id.example\" is not trusted"), "{}", e.message());
    assert!(e.message().contains("the configured issuer is \"https://id.example/\""), "{}", e.message());
    assert!(
        e.message().contains("differ only by a trailing slash: remove it from the configuration"),
        "{}",
        e.message()
    );

    let (s, v) = setup(json!({}));
    let e = refuse(&v, &s.sign(&claims("https://id.example/", "orders")));
    assert!(e.message().contains("add it to the configuration"), "{}", e.message());
    let e = refuse(&v, &s.sign(&claims("https://other.example", "orders")));
    assert!(e.message().contains("\"https://other.example\""), "{}", e.message());
    assert!(!e.message().contains("trailing slash"), "{}", e.message());

    // Several issuers: the token's iss selects one before any key is used.
    let s = Signer::new("k1");
    let v = validator(json!({"audience": "orders", "issuers": [
        {"issuer": "https://a.example/", "jwks": jwks(&[&s])},
        {"issuer": "https://b.example", "jwks": jwks(&[&s])}]}))
    .unwrap();
    let e = refuse(&v, &s.sign(&claims("https://a.example", "orders")));
    assert_eq!(e.code(), ErrorCode::InvalidIssuer);
    assert!(e.message().contains("the token's iss is \"https://a.example\""), "{}", e.message());
    assert!(e.message().contains("\"https://a.example/\", \"https://b.example\""), "{}", e.message());
    assert!(e.message().contains("trailing slash"), "{}", e.message());
}

#[test]
fn audience_mismatch_names_both_values() {
    let (s, v) = setup(json!({"audience": ["orders", "billing"]}));
    let e = refuse(&v, &s.sign(&claims(ISS, "payments")));
    assert_eq!(e.code(), ErrorCode::InvalidAudience);
    assert!(e.message().contains("the token's aud is \"payments\""), "{}", e.message());
    assert!(e.message().contains("the configured audience is \"orders\", \"billing\""), "{}", e.message());

    let (s, v) = setup(json!({"audience": "https://api.example/"}));
    let e = refuse(&v, &s.sign(&claims(ISS, "https://api.example")));
    assert!(e.message().contains("trailing slash: remove it"), "{}", e.message());

    let mut c = claims(ISS, "x");
    c.as_object_mut().unwrap().remove("aud");
    let (s, v) = setup(json!({}));
    assert!(refuse(&v, &s.sign(&c)).message().contains("the token has no aud"));
}

#[test]
fn expiry_names_exp_now_and_leeway() {
    let (s, v) = setup(json!({"leeway_s": 30}));
    let mut c = claims(ISS, "orders");
    c["exp"] = json!(NOW - 100);
    let e = refuse(&v, &s.sign(&c));
    assert_eq!(e.code(), ErrorCode::TokenExpired);
    let want = format!("exp {} is at or before now {NOW} minus the leeway of 30 s", NOW - 100);
    assert!(e.message().contains(&want), "{}", e.message());
}

#[test]
fn unknown_fields_list_every_valid_field_and_the_nearest() {
    let e = Config::from_json(r#"{"issuer": "x", "audiance": "orders"}"#).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidConfig);
    let m = e.message();
    assert!(m.contains("unknown field `audiance`: did you mean `audience`?"), "{m}");
    // Per-issuer and process-wide fields are both listed at the top level.
    for field in ["`jwks_url`", "`allowed_clients`", "`leeway_s`", "`issuers`", "`cookie_name`"] {
        assert!(m.contains(field), "{field} missing: {m}");
    }
    let e = Config::from_json(r#"{"issuer": "x", "leeway": 5}"#).unwrap_err();
    assert!(e.message().contains("did you mean `leeway_s`?"), "{}", e.message());
    let e = Config::from_json(r#"{"issuer": "x", "jwksURL": "u"}"#).unwrap_err();
    assert!(e.message().contains("unknown field `jwksURL`: did you mean `jwks_url`?"), "{}", e.message());
    // An issuers entry lists its own fields (no process-wide ones).
    let e = Config::from_json(r#"{"issuers": [{"issuer": "x", "jwks_urll": "u"}]}"#).unwrap_err();
    assert!(e.message().contains("did you mean `jwks_url`?"), "{}", e.message());
    assert!(!e.message().contains("`leeway_s`"), "{}", e.message());
    // Nothing near: every valid field, no guess.
    let e = Config::from_json(r#"{"issuer": "x", "zzzzzzzzzz": 1}"#).unwrap_err();
    assert!(e.message().contains("unknown field `zzzzzzzzzz`, expected one of `issuer`"), "{}", e.message());
    assert!(!e.message().contains("did you mean"), "{}", e.message());
    // The token client's configuration too.
    let e = meshauth::TokenClient::from_json(r#"{"issuer": "x", "client_ID": "c"}"#).err().unwrap();
    assert!(e.message().contains("did you mean `client_id`?"), "{}", e.message());
}

#[test]
fn a_file_path_as_configuration_is_named() {
    for text in ["config.json", "/etc/orders/meshauth.json", "./auth.yaml", "/etc/orders/auth"] {
        let e = Config::from_json(text).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidConfig);
        assert!(e.message().contains("looks like a file path"), "{text}: {}", e.message());
    }
    // Broken JSON is still reported as JSON.
    let e = Config::from_json(r#"{"issuer": "#).unwrap_err();
    assert!(!e.message().contains("file path"), "{}", e.message());
}

#[test]
fn bearer_prefix_and_whitespace_are_named() {
    let (s, v) = setup(json!({}));
    let token = s.sign(&claims(ISS, "orders"));
    let e = refuse(&v, &format!("Bearer {token}"));
    assert_eq!(e.code(), ErrorCode::MalformedToken);
    assert!(e.message().contains("starts with \"Bearer \": pass the token alone"), "{}", e.message());
    for t in [format!("{token}\n"), format!("{token} "), format!(" {token}")] {
        let e = refuse(&v, &t);
        assert_eq!(e.code(), ErrorCode::MalformedToken);
        assert!(e.message().contains("whitespace: trim it"), "{}", e.message());
    }
    assert!(v.validate_at(&token, NOW).is_ok());
}

#[test]
fn discovery_issuer_mismatch_names_both_values() {
    let s = Signer::new("k1");
    let server = TestServer::start(Mode::Status(404));
    server.route(
        "/.well-known/openid-configuration",
        json!({"issuer": format!("{}/", server.url), "jwks_uri": format!("{}/jwks", server.url)}),
    );
    server.route("/jwks", jwks(&[&s]));
    let v = validator(json!({"issuer": server.url, "audience": "orders", "discovery": true})).unwrap();
    let e = v.refresh().unwrap_err();
    assert_eq!(e.code(), ErrorCode::KeySourceUnavailable);
    let m = e.message();
    assert!(m.contains(&format!("the metadata says \"{}/\"", server.url)), "{m}");
    assert!(m.contains(&format!("the configuration says \"{}\"", server.url)), "{m}");
    assert!(m.contains("trailing slash: add it to the configuration"), "{m}");
}

#[test]
fn require_clients_is_the_allowed_clients_decision() {
    let s = Signer::new("k1");
    let v = validator(json!({"issuer": ISS, "audience": "orders", "jwks": jwks(&[&s])})).unwrap();
    let strict = validator(json!({"issuer": ISS, "audience": "orders", "jwks": jwks(&[&s]),
        "allowed_clients": ["checkout", "admin-ui"]}))
    .unwrap();
    let cases = [
        (json!({"client_id": "checkout"}), true),
        (json!({"azp": "admin-ui"}), true),
        (json!({"sub": "checkout"}), true),
        (json!({"client_id": "web", "sub": "checkout"}), false),
        (json!({"client_id": "web"}), false),
        (json!({}), false),
    ];
    let allowed = vec!["checkout".to_owned(), "admin-ui".to_owned()];
    for (extra, ok) in cases {
        let mut c = json!({"iss": ISS, "aud": "orders", "exp": NOW + 600});
        for (k, val) in extra.as_object().unwrap() {
            c[k] = val.clone();
        }
        let token = s.sign(&c);
        let p: Principal = v.validate_at(&token, NOW).unwrap();
        let per_route = p.require_clients(&allowed);
        let policy = strict.validate_at(&token, NOW).map(|_| ());
        assert_eq!(per_route.is_ok(), ok, "{extra}");
        match (per_route, policy) {
            (Ok(()), Ok(())) => {}
            (Err(a), Err(b)) => {
                assert_eq!(a.code(), ErrorCode::CallerNotAllowed);
                assert_eq!(a, b, "same decision and message for {extra}");
                assert_eq!(a.http_status(), Some(403));
                assert!(a.message().contains("allowed: \"checkout\", \"admin-ui\""), "{}", a.message());
            }
            other => panic!("{extra}: per-route and policy disagree: {other:?}"),
        }
    }
}
