//! Token exchange (RFC 8693) over HTTP.

mod common;

use common::*;
use meshauth_issuer::{ClientRegistry, Issuer, IssuerOptions, MintRequest, RunningIssuer};
use serde_json::{json, Value};

fn user_token(issuer: &RunningIssuer) -> String {
    mint_http(issuer, &json!({"claims": {"sub": "alice", "aud": "orders"}}))
}

fn exchange(issuer: &RunningIssuer, subject: &str, extra: &[(&str, &str)]) -> Reply {
    let mut form =
        vec![("grant_type", TOKEN_EXCHANGE), ("subject_token", subject), ("subject_token_type", ACCESS_TOKEN_TYPE)];
    form.extend_from_slice(extra);
    token(issuer, ORDERS, &form)
}

#[test]
fn exchanges_without_an_actor_token() {
    let issuer = start();
    let r = exchange(&issuer, &user_token(&issuer), &[("audience", "partner-api"), ("scope", "partner:orders:read")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let body = r.json();
    assert_eq!(body["issued_token_type"], ACCESS_TOKEN_TYPE);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "partner:orders:read");
    assert_eq!(body["expires_in"], 300);
    let at = body["access_token"].as_str().unwrap();
    assert_eq!(segments(at).0["typ"], "at+jwt");
    let claims = verify_with_jwks(at, &get(&issuer.jwks_url()).json()).unwrap();
    assert_eq!(claims["iss"], issuer.issuer());
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["aud"], json!(["partner-api"]));
    assert_eq!((claims["client_id"].as_str(), claims["azp"].as_str()), (Some("orders"), Some("orders")));
    assert_eq!(claims["act"], json!({"sub": "orders"}), "the requesting client acts");
    assert_eq!(claims["scope"], "partner:orders:read");
}

#[test]
fn exchanges_with_an_actor_token_and_nests_a_prior_actor() {
    let issuer = start();
    let user = user_token(&issuer);
    // The actor token: orders' own client token, or any valid token of this issuer.
    let own = client_token(&issuer, "orders", "orders-dev-secret");
    let batch = mint_http(&issuer, &json!({"claims": {"sub": "nightly-batch", "aud": "orders"}, "alg": "EdDSA"}));
    for (actor, actor_type, expected) in
        [(&own, ACCESS_TOKEN_TYPE, "orders"), (&batch, JWT_TOKEN_TYPE, "nightly-batch")]
    {
        let r = exchange(
            &issuer,
            &user,
            &[
                ("actor_token", actor.as_str()),
                ("actor_token_type", actor_type),
                ("requested_token_type", ACCESS_TOKEN_TYPE),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["issued_token_type"], ACCESS_TOKEN_TYPE);
        let claims = segments(r.json()["access_token"].as_str().unwrap()).1;
        assert_eq!(claims["act"], json!({ "sub": expected }));
        assert_eq!(claims["sub"], "alice");
    }
    // A subject token that already carries `act` keeps it, nested (RFC 8693 §4.1).
    let delegated =
        mint_http(&issuer, &json!({"claims": {"sub": "alice", "aud": "orders", "act": {"sub": "frontend"}}}));
    let r = exchange(&issuer, &delegated, &[("subject_token_type", JWT_TOKEN_TYPE)]);
    assert_eq!(error_of(&r), (400, "invalid_request".into()), "subject_token_type given twice");
    let r = token(
        &issuer,
        ORDERS,
        &[("grant_type", TOKEN_EXCHANGE), ("subject_token", &delegated), ("subject_token_type", JWT_TOKEN_TYPE)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let claims = segments(r.json()["access_token"].as_str().unwrap()).1;
    assert_eq!(claims["act"], json!({"sub": "orders", "act": {"sub": "frontend"}}));
}

#[test]
fn audience_resource_and_scope() {
    let issuer = start();
    let user = user_token(&issuer);
    // `resource` is treated as an audience; audience and resource may repeat one value.
    for extra in [
        vec![("resource", "partner-api")],
        vec![("audience", "partner-api"), ("audience", "partner-api")],
        vec![("audience", "partner-api"), ("resource", "partner-api")],
    ] {
        let r = exchange(&issuer, &user, &extra);
        assert_eq!(r.status, 200, "{extra:?}: {}", r.body);
        assert_eq!(segments(r.json()["access_token"].as_str().unwrap()).1["aud"], json!(["partner-api"]));
    }
    let code = |extra: &[(&str, &str)]| error_of(&exchange(&issuer, &user, extra));
    assert_eq!(code(&[("audience", "inventory")]), (400, "invalid_target".into()));
    assert_eq!(code(&[("resource", "https://partner.example/api")]), (400, "invalid_target".into()));
    assert_eq!(code(&[("audience", "partner-api"), ("audience", "billing")]), (400, "invalid_target".into()));
    assert_eq!(code(&[("scope", "billing:charge")]), (400, "invalid_scope".into()));
}

#[test]
fn request_errors() {
    let issuer = start();
    let user = user_token(&issuer);
    let code = |form: &[(&str, &str)]| {
        let mut all = vec![("grant_type", TOKEN_EXCHANGE)];
        all.extend_from_slice(form);
        error_of(&token(&issuer, ORDERS, &all))
    };
    let bad = (400, "invalid_request".to_owned());
    assert_eq!(code(&[("subject_token_type", ACCESS_TOKEN_TYPE)]), bad, "no subject_token");
    assert_eq!(code(&[("subject_token", &user)]), bad, "no subject_token_type");
    let id_token = "urn:ietf:params:oauth:token-type:id_token";
    assert_eq!(code(&[("subject_token", &user), ("subject_token_type", id_token)]), bad);
    let base = [("subject_token", user.as_str()), ("subject_token_type", ACCESS_TOKEN_TYPE)];
    let with = |extra: &[(&str, &str)]| {
        let mut form = base.to_vec();
        form.extend_from_slice(extra);
        code(&form)
    };
    assert_eq!(with(&[("requested_token_type", id_token)]), bad);
    assert_eq!(with(&[("requested_token_type", "urn:ietf:params:oauth:token-type:refresh_token")]), bad);
    assert_eq!(with(&[("actor_token", &user)]), bad, "actor_token without actor_token_type");
    assert_eq!(with(&[("actor_token_type", ACCESS_TOKEN_TYPE)]), bad, "actor_token_type without actor_token");
    let forged = meshauth_issuer::tamper_signature(&user);
    assert_eq!(with(&[("actor_token", &forged), ("actor_token_type", ACCESS_TOKEN_TYPE)]), bad, "forged actor");

    let r = token(&issuer, Some(("reporting", "reporting-dev-secret")), &[("grant_type", TOKEN_EXCHANGE)]);
    assert_eq!(error_of(&r), (400, "unauthorized_client".into()));
}

/// RFC 8693 §2.2.2: an unacceptable subject token is `invalid_request` (jwt-bearer says
/// `invalid_grant` for the same checks).
#[test]
fn refused_subject_tokens() {
    let issuer = start();
    let mint = |claims: Value| issuer.mint(&MintRequest::new(claims)).unwrap();
    for (subject, why) in [
        (mint(json!({"sub": "alice", "aud": "orders", "exp": now() - 120})), "expired"),
        (mint(json!({"iss": "https://other.example", "sub": "alice", "aud": "orders"})), "not issued by this issuer"),
        (mint(json!({"sub": "alice", "aud": "inventory"})), "aud does not name client \"orders\""),
        (mint(json!({"sub": "orders", "client_id": "orders", "aud": "orders"})), "client's own token"),
        (meshauth_issuer::tamper_signature(&mint(json!({"sub": "alice", "aud": "orders"}))), "signature"),
    ] {
        let r = exchange(&issuer, &subject, &[]);
        assert_eq!(error_of(&r), (400, "invalid_request".into()), "{why}: {}", r.body);
        let d = description(&r);
        assert!(d.starts_with("the subject_token is refused: ") && d.contains(why), "{d}");
    }
}

#[test]
fn a_bearer_client_token_and_private_key_jwt_authenticate_the_exchange() {
    // A registry where a private_key_jwt client may exchange, with two exchange audiences.
    let key = signed_client_key();
    let jwk = key.public_jwk();
    let registry = ClientRegistry::from_json(
        &json!({"clients": [{
            "client_id": "gateway", "jwks": {"keys": [jwk]}, "audiences": ["inventory"],
            "grants": ["client_credentials", TOKEN_EXCHANGE],
            "exchange_audiences": ["partner-a", "partner-b"], "exchange_scopes": ["a:read", "b:read"]
        }]})
        .to_string(),
    )
    .unwrap();
    let issuer = Issuer::start(IssuerOptions { clients: registry, ..IssuerOptions::default() }).unwrap();
    let user = mint_http(&issuer, &json!({"claims": {"sub": "bob", "aud": "gateway"}}));
    let form = |assertion: &str, audience: Option<&'static str>| {
        let mut f = vec![
            ("grant_type", TOKEN_EXCHANGE.to_owned()),
            ("subject_token", user.clone()),
            ("subject_token_type", ACCESS_TOKEN_TYPE.to_owned()),
            ("client_assertion_type", CLIENT_ASSERTION_TYPE.to_owned()),
            ("client_assertion", assertion.to_owned()),
        ];
        if let Some(a) = audience {
            f.push(("audience", a.to_owned()));
        }
        f
    };
    let send = |f: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        token(&issuer, None, &pairs)
    };
    // Two exchange audiences: one must be named.
    let r = send(form(&client_assertion(&key, "gateway", issuer.issuer(), json!({})), None));
    assert_eq!(error_of(&r), (400, "invalid_target".into()));
    let r = send(form(&client_assertion(&key, "gateway", issuer.issuer(), json!({})), Some("partner-b")));
    assert_eq!(r.status, 200, "{}", r.body);
    let claims = segments(r.json()["access_token"].as_str().unwrap()).1;
    assert_eq!(claims["aud"], json!(["partner-b"]));
    assert_eq!(claims["scope"], "a:read b:read");
    assert_eq!(claims["act"], json!({"sub": "gateway"}));

    // The client's own token (obtained with private_key_jwt) authenticates as Bearer.
    let cc = [
        ("grant_type", "client_credentials"),
        ("client_assertion_type", CLIENT_ASSERTION_TYPE),
        ("client_assertion", &client_assertion(&key, "gateway", &issuer.token_url(), json!({}))),
    ]
    .map(|(k, v)| (k, v.to_owned()));
    let pairs: Vec<(&str, &str)> = cc.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = token(&issuer, None, &pairs);
    assert_eq!(r.status, 200, "{}", r.body);
    let own = r.json()["access_token"].as_str().unwrap().to_owned();
    let r = token_with(
        &issuer,
        Some(&format!("Bearer {own}")),
        &[
            ("grant_type", TOKEN_EXCHANGE),
            ("subject_token", &user),
            ("subject_token_type", ACCESS_TOKEN_TYPE),
            ("audience", "partner-a"),
            ("scope", "a:read"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let claims = segments(r.json()["access_token"].as_str().unwrap()).1;
    assert_eq!((claims["aud"].clone(), claims["scope"].clone()), (json!(["partner-a"]), json!("a:read")));
}
