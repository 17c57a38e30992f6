//! `private_key_jwt` client authentication (RFC 7523 §2.2) over HTTP.

mod common;

use common::*;
use meshauth_issuer::{sign_json, Algorithm, ClientRegistry, Issuer, IssuerOptions, RunningIssuer, SigningKey};
use serde_json::{json, Value};

/// POST /token, client_credentials, authenticated by `assertion`, plus `extra` fields.
fn with_assertion(issuer: &RunningIssuer, assertion: &str, extra: &[(&str, &str)]) -> Reply {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_assertion_type", CLIENT_ASSERTION_TYPE),
        ("client_assertion", assertion),
    ];
    form.extend_from_slice(extra);
    token(issuer, None, &form)
}

#[test]
fn the_dev_signed_client_authenticates_with_its_committed_key() {
    let issuer = start();
    let key = signed_client_key();
    // aud may be the issuer identifier or the token endpoint URL.
    for aud in [issuer.issuer().to_owned(), issuer.token_url()] {
        let r = with_assertion(&issuer, &client_assertion(&key, "signed-client", &aud, json!({})), &[]);
        assert_eq!(r.status, 200, "aud {aud}: {}", r.body);
        let claims = verify_with_jwks(r.json()["access_token"].as_str().unwrap(), &issuer.jwks()).unwrap();
        assert_eq!(
            (claims["sub"].as_str(), claims["client_id"].as_str()),
            (Some("signed-client"), Some("signed-client"))
        );
        assert_eq!(claims["aud"], json!(["inventory"]));
        assert_eq!(claims["scope"], "inventory:read");
    }
    // Without kid, with a matching client_id parameter, and as a one-element aud array.
    let assertion = sign_json(
        &key,
        &json!({"kid": null}),
        &json!({"iss": "signed-client", "sub": "signed-client", "aud": [issuer.issuer()], "exp": now() + 30, "jti": "no-kid-1"}),
    )
    .unwrap();
    let r = with_assertion(&issuer, &assertion, &[("client_id", "signed-client")]);
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn a_replayed_assertion_is_refused() {
    let issuer = start();
    let assertion = client_assertion(&signed_client_key(), "signed-client", issuer.issuer(), json!({"jti": "once"}));
    assert_eq!(with_assertion(&issuer, &assertion, &[]).status, 200);
    let r = with_assertion(&issuer, &assertion, &[]);
    assert_eq!(error_of(&r), (401, "invalid_client".into()));
    assert!(description(&r).contains("replay"), "{}", r.body);
    // The same jti in a new assertion is a replay too.
    let again = client_assertion(&signed_client_key(), "signed-client", issuer.issuer(), json!({"jti": "once"}));
    assert_eq!(error_of(&with_assertion(&issuer, &again, &[])), (401, "invalid_client".into()));
}

#[test]
fn refused_assertions() {
    let issuer = start();
    let key = signed_client_key();
    let iss = issuer.issuer().to_owned();
    let assertion = |overrides: Value| client_assertion(&key, "signed-client", &iss, overrides);
    let foreign = SigningKey::generate(Algorithm::EdDSA, "").unwrap();
    let foreign_same_kid = foreign.with_kid(key.kid());
    let cases: Vec<(String, &str)> = vec![
        (client_assertion(&foreign, "signed-client", &iss, json!({})), "no key registered"),
        (client_assertion(&foreign_same_kid, "signed-client", &iss, json!({})), "client authentication failed"),
        (meshauth_issuer::tamper_signature(&assertion(json!({}))), "client authentication failed"),
        (assertion(json!({"aud": "https://elsewhere.example"})), "aud must be"),
        (assertion(json!({"aud": [iss, "https://elsewhere.example"]})), "and only that"),
        (assertion(json!({"aud": null})), "no aud"),
        (assertion(json!({"exp": now() - 5})), "expired"),
        (assertion(json!({"exp": now() + 600})), "more than 300 s ahead"),
        (assertion(json!({"exp": null})), "no exp"),
        (assertion(json!({"nbf": now() + 600})), "not valid yet"),
        (assertion(json!({"jti": null})), "no jti"),
        (assertion(json!({"sub": "orders"})), "sub must equal iss"),
        (assertion(json!({"iss": "orders", "sub": "orders"})), "client authentication failed"),
        (assertion(json!({"iss": "nobody", "sub": "nobody"})), "client authentication failed"),
        (
            sign_json(&SigningKey::hmac("h", b"signed-client"), &json!({}), &json!({"iss": "signed-client"})).unwrap(),
            "alg",
        ),
    ];
    for (assertion, why) in cases {
        let r = with_assertion(&issuer, &assertion, &[]);
        assert_eq!(error_of(&r), (401, "invalid_client".into()), "{why}: {}", r.body);
        assert!(description(&r).contains(why), "{why}: {}", r.body);
        assert!(!r.body.contains(&assertion), "not echoed");
    }
    let r = with_assertion(&issuer, &assertion(json!({})), &[("client_id", "orders")]);
    assert_eq!(error_of(&r), (401, "invalid_client".into()), "client_id parameter names another client");

    // Transport errors: one method at a time, a known assertion type.
    let good = assertion(json!({}));
    let r = token(
        &issuer,
        Some(("signed-client", "x")),
        &[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", CLIENT_ASSERTION_TYPE),
            ("client_assertion", &good),
        ],
    );
    assert_eq!(error_of(&r), (400, "invalid_request".into()), "Basic and an assertion");
    let r = token(
        &issuer,
        None,
        &[
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:example:saml"),
            ("client_assertion", &good),
        ],
    );
    assert_eq!(error_of(&r), (400, "invalid_request".into()), "unknown assertion type");
    let r = token(&issuer, None, &[("grant_type", "client_credentials"), ("client_assertion", &good)]);
    assert_eq!(error_of(&r), (400, "invalid_request".into()), "no assertion type");
    // A client registered with keys only has no secret to present.
    let r = token(&issuer, Some(("signed-client", "")), &[("grant_type", "client_credentials")]);
    assert_eq!(error_of(&r), (401, "invalid_client".into()));
}

/// RS256/PS256 and ES256 client keys from a registry; a client with a secret and keys may use either.
#[test]
fn rsa_and_ec_client_keys() {
    let rsa = SigningKey::generate(Algorithm::RS256, "rsa-1").unwrap();
    let ec = SigningKey::generate(Algorithm::ES256, "").unwrap();
    let mut rsa_jwk = rsa.public_jwk();
    rsa_jwk.as_object_mut().unwrap().remove("alg");
    let registry = ClientRegistry::from_json(
        &json!({"clients": [{
            "client_id": "both", "client_secret": "s", "jwks": {"keys": [rsa_jwk, ec.public_jwk()]},
            "audiences": ["inventory"]
        }]})
        .to_string(),
    )
    .unwrap();
    let issuer = Issuer::start(IssuerOptions { clients: registry, ..IssuerOptions::default() }).unwrap();
    for key in [rsa.clone(), rsa.with_alg(Algorithm::PS256).unwrap(), ec] {
        let r = with_assertion(&issuer, &client_assertion(&key, "both", issuer.issuer(), json!({})), &[]);
        assert_eq!(r.status, 200, "{}: {}", key.alg(), r.body);
    }
    // An RSA key cannot verify ES256, whatever the kid says.
    let other_ec = SigningKey::generate(Algorithm::ES256, "rsa-1").unwrap();
    let r = with_assertion(&issuer, &client_assertion(&other_ec, "both", issuer.issuer(), json!({})), &[]);
    assert_eq!(error_of(&r), (401, "invalid_client".into()));
    let r = token(&issuer, Some(("both", "s")), &[("grant_type", "client_credentials")]);
    assert_eq!(r.status, 200, "the secret still works");
}
