//! Regressions of the security review (issue 19): audience override, token-endpoint
//! impersonation through a replayed client token, token types, exchanged-token lifetime and cache
//! keys, back-off after a refusal, and secret hygiene.

use std::sync::{Arc, Mutex};
use std::thread;

use meshauth::{Config, ErrorCode, Principal, TokenClient, TokenClientConfig, TokenRequest, Validator};
use meshauth_issuer::{Issuer, IssuerOptions, MintRequest, RunningIssuer};
use serde_json::{json, Value};

fn validator(cfg: Value) -> meshauth::Result<Validator> {
    Validator::new(Config::from_value(cfg)?)
}

fn mint(issuer: &RunningIssuer, claims: Value) -> String {
    issuer.mint(&MintRequest::new(claims)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. allow_any_audience never widens an explicit audience.

#[test]
fn an_explicit_audience_is_never_widened_by_allow_any_audience() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let other = Issuer::start(IssuerOptions::default()).unwrap();
    let entry = |i: &RunningIssuer| json!({"issuer": i.issuer(), "jwks": i.jwks()});

    // One object setting both: refused, whichever object it is.
    let e = validator(
        json!({"issuer": issuer.issuer(), "jwks": issuer.jwks(), "audience": "orders", "allow_any_audience": true}),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), ErrorCode::InvalidConfig);
    assert!(e.message().contains("audience") && e.message().contains("allow_any_audience"), "{}", e.message());
    let mut both_in_entry = entry(&issuer);
    both_in_entry["audience"] = json!("orders");
    both_in_entry["allow_any_audience"] = json!(true);
    let e = validator(json!({"issuers": [both_in_entry]})).err().unwrap();
    assert_eq!(e.code(), ErrorCode::InvalidConfig);

    // Inherited flag, the entry's own audience: the audience is enforced for that entry only.
    let mut own = entry(&issuer);
    own["audience"] = json!("orders");
    let v = validator(json!({"allow_any_audience": true, "issuers": [own, entry(&other)]})).unwrap();
    let replayed = mint(&issuer, json!({"sub": "alice", "aud": "some-other-service"}));
    assert_eq!(v.validate(&replayed).unwrap_err().code(), ErrorCode::InvalidAudience);
    assert!(v.validate(&mint(&issuer, json!({"sub": "alice", "aud": "orders"}))).is_ok());
    let anything = mint(&other, json!({"sub": "bob", "aud": "some-other-service"}));
    assert!(v.validate(&anything).is_ok(), "the entry without its own audience keeps the flag");

    // An entry's allow_any_audience: false keeps the inherited audience.
    let mut strict = entry(&issuer);
    strict["allow_any_audience"] = json!(false);
    let v = validator(json!({"audience": "orders", "issuers": [strict]})).unwrap();
    assert_eq!(v.validate(&replayed).unwrap_err().code(), ErrorCode::InvalidAudience);
}

// ---------------------------------------------------------------------------------------------
// 2. A downstream service cannot impersonate its caller at the token endpoint.

fn post_form(url: &str, authorization: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut resp = agent.post(url).header("Authorization", authorization).send_form(form.iter().copied()).unwrap();
    let status = resp.status().as_u16();
    (status, serde_json::from_slice(&resp.body_mut().read_to_vec().unwrap()).unwrap())
}

/// The demo's layout: orders calls inventory with its own token; inventory (no exchange grant)
/// replays that token at the token endpoint to get a partner-api token for alice as orders.
#[test]
fn inventory_cannot_replay_the_token_orders_sent_it() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let orders = TokenClient::from_value(json!({"issuer": issuer.issuer(), "client_id": "orders",
                                                 "client_secret": "orders-dev-secret"}))
    .unwrap();
    let sent_to_inventory = orders.client_credentials(&TokenRequest::default()).unwrap().access_token;
    let inventory = validator(json!({"issuer": issuer.issuer(), "audience": "inventory", "discovery": true})).unwrap();
    assert_eq!(inventory.validate(&sent_to_inventory).unwrap().client_id.as_deref(), Some("orders"));

    let alice = mint(&issuer, json!({"sub": "alice", "aud": ["orders", "inventory"]}));
    let (status, body) = post_form(
        &issuer.token_url(),
        &format!("Bearer {sent_to_inventory}"),
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", &alice),
            ("audience", "partner-api"),
        ],
    );
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{body}");

    // orders itself, with use_client_token, still exchanges: its Bearer token names the server.
    let req = TokenRequest::from_json(r#"{"audience": "partner-api", "use_client_token": true}"#).unwrap();
    let partner = orders.jwt_bearer(&alice, &req).unwrap();
    let v = validator(json!({"issuer": issuer.issuer(), "audience": "partner-api", "discovery": true})).unwrap();
    let p = v.validate(&partner.access_token).unwrap();
    assert_eq!((p.subject.as_deref(), p.client_id.as_deref()), (Some("alice"), Some("orders")));
    // … and that Bearer token is useless at a downstream service.
    let (status, body) = post_form(
        &issuer.token_url(),
        "Basic b3JkZXJzOm9yZGVycy1kZXYtc2VjcmV0",
        &[("grant_type", "client_credentials"), ("audience", issuer.issuer())],
    );
    assert_eq!(status, 200, "{body}");
    let server_token = body["access_token"].as_str().unwrap();
    assert_eq!(inventory.validate(server_token).unwrap_err().code(), ErrorCode::InvalidAudience);
}

/// One request the scripted server saw: its `Authorization` header and its form.
type Seen = (Option<String>, Vec<(String, String)>);

/// A scripted authorization server recording every request.
struct ScriptedAs {
    url: String,
    answers: Arc<Mutex<Vec<Value>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    server: Arc<tiny_http::Server>,
}

impl ScriptedAs {
    /// Every POST gets `answer` (`{"status": N, "body": {...}}`, or a token body for 200); the
    /// access token is `tok-N`.
    fn start(answer: Value) -> ScriptedAs {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let url = format!("http://127.0.0.1:{}", server.server_addr().to_ip().unwrap().port());
        let answers = Arc::new(Mutex::new(vec![answer]));
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (s, a, log) = (server.clone(), answers.clone(), seen.clone());
        thread::spawn(move || {
            while let Ok(mut req) = s.recv() {
                let auth = req.headers().iter().find(|h| h.field.equiv("Authorization")).map(|h| h.value.to_string());
                let mut body = String::new();
                let _ = req.as_reader().read_to_string(&mut body);
                let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
                let n = {
                    let mut l = log.lock().unwrap();
                    l.push((auth, form));
                    l.len()
                };
                let answer = a.lock().unwrap().last().unwrap().clone();
                let status = answer["status"].as_u64().unwrap_or(200) as u16;
                let mut doc = answer.get("body").cloned().unwrap_or(json!({}));
                if status == 200 && doc.get("access_token").is_none() {
                    doc["access_token"] = json!(format!("tok-{n}"));
                }
                let _ = req.respond(tiny_http::Response::from_string(doc.to_string()).with_status_code(status));
            }
        });
        ScriptedAs { url, answers, seen, server }
    }

    fn client(&self, extra: Value) -> TokenClient {
        let mut cfg = json!({"issuer": "https://as.example", "token_endpoint": format!("{}/token", self.url),
                             "client_id": "orders", "client_secret": "orders-s3cret-value"});
        cfg.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        TokenClient::from_value(cfg).unwrap()
    }

    fn set(&self, answer: Value) {
        self.answers.lock().unwrap().push(answer);
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for ScriptedAs {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn param<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn bearer_token(expires_in: u64) -> Value {
    json!({"body": {"token_type": "Bearer", "expires_in": expires_in}})
}

#[test]
fn use_client_token_asks_for_a_token_whose_audience_is_the_server() {
    let asrv = ScriptedAs::start(bearer_token(300));
    // Defaults (scope, audience) of the client never leak into the client-authentication token.
    let c = asrv.client(json!({"scope": "inventory:read", "audience": "inventory"}));
    let own = c.client_credentials(&TokenRequest::default()).unwrap();
    let req = TokenRequest::from_json(r#"{"audience": "partner-api", "use_client_token": true}"#).unwrap();
    c.jwt_bearer("a.b.c", &req).unwrap();
    let seen = asrv.requests();
    assert_eq!(seen.len(), 3, "{seen:?}");
    let (_, cc) = &seen[1];
    assert_eq!(param(cc, "grant_type"), Some("client_credentials"));
    assert_eq!(param(cc, "audience"), Some("https://as.example"), "the issuer identifier");
    assert_eq!(param(cc, "scope"), None);
    let (auth, exchange) = &seen[2];
    assert_eq!(param(exchange, "grant_type"), Some("urn:ietf:params:oauth:grant-type:jwt-bearer"));
    assert_eq!(auth.as_deref(), Some("Bearer tok-2"));
    assert_ne!(auth.as_deref(), Some(format!("Bearer {}", own.access_token).as_str()), "never the default token");

    // Without an issuer identifier, the audience is the token endpoint.
    let asrv = ScriptedAs::start(bearer_token(300));
    let c = TokenClient::from_value(json!({"token_endpoint": format!("{}/token", asrv.url), "client_id": "orders",
                                            "client_secret": "x"}))
    .unwrap();
    c.jwt_bearer("a.b.c", &req).unwrap();
    let endpoint = format!("{}/token", asrv.url);
    assert_eq!(param(&asrv.requests()[0].1, "audience"), Some(endpoint.as_str()));
}

// ---------------------------------------------------------------------------------------------
// 7. token_type.

#[test]
fn only_bearer_tokens_are_accepted() {
    for (token_type, accepted) in [
        (json!("Bearer"), true),
        (json!("bearer"), true),
        (json!("BEARER"), true),
        (json!("DPoP"), false),
        (json!("N_A"), false),
        (json!("mac"), false),
        (Value::Null, false),
        (json!(1), false),
    ] {
        let mut body = json!({"expires_in": 300});
        if !token_type.is_null() {
            body["token_type"] = token_type.clone();
        }
        let asrv = ScriptedAs::start(json!({ "body": body }));
        let r = asrv.client(json!({})).client_credentials(&TokenRequest::default());
        match r {
            Ok(t) => {
                assert!(accepted, "{token_type} was accepted");
                assert_eq!(t.token_type, "Bearer");
                assert!(t.authorization_header().starts_with("Bearer "));
            }
            Err(e) => {
                assert!(!accepted, "{token_type}: {e}");
                assert_eq!(e.code(), ErrorCode::TokenEndpointError);
            }
        }
    }
    // N_A only when a token exchange asked for something other than an access token.
    let asrv = ScriptedAs::start(json!({"body": {"token_type": "N_A", "expires_in": 300,
                                                 "issued_token_type": "urn:ietf:params:oauth:token-type:jwt"}}));
    let req = TokenRequest::from_json(r#"{"requested_token_type": "urn:ietf:params:oauth:token-type:jwt"}"#).unwrap();
    assert_eq!(asrv.client(json!({})).token_exchange("a.b.c", &req).unwrap().token_type, "N_A");
    let asrv = ScriptedAs::start(json!({"body": {"token_type": "N_A", "expires_in": 300,
                                                 "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}}));
    let e = asrv.client(json!({})).token_exchange("a.b.c", &TokenRequest::default()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::TokenEndpointError);
}

// ---------------------------------------------------------------------------------------------
// 8. Exchanged tokens: lifetime bound and cache key.

fn unsigned(claims: Value) -> String {
    use base64::Engine;
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.c2ln", b64(json!({"alg": "RS256"})), b64(claims))
}

#[test]
fn an_exchanged_token_never_outlives_a_subject_whose_exp_is_unreadable() {
    let later = meshauth::now() + 3600;
    for (subject, cached) in [
        (unsigned(json!({"sub": "alice", "exp": later})), true),
        (unsigned(json!({"sub": "alice", "exp": 1e300})), true),
        (unsigned(json!({"sub": "alice", "exp": i64::MAX})), true),
        (unsigned(json!({"sub": "alice"})), false),
        (unsigned(json!({"sub": "alice", "exp": later.to_string()})), false),
        ("an-opaque-token".to_owned(), false),
        (unsigned(json!({"sub": "alice", "exp": meshauth::now() - 10})), false),
    ] {
        let asrv = ScriptedAs::start(json!({"body": {"token_type": "Bearer", "expires_in": 300,
                                                     "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}}));
        let c = asrv.client(json!({}));
        let req = TokenRequest::from_json(r#"{"audience": "partner-api"}"#).unwrap();
        let first = c.token_exchange(&subject, &req).unwrap();
        let second = c.token_exchange(&subject, &req).unwrap();
        assert_eq!(first.access_token == second.access_token, cached, "{subject}");
        assert_eq!(asrv.requests().len(), if cached { 1 } else { 2 }, "{subject}");
    }
}

#[test]
fn actor_token_type_is_checked_and_part_of_the_cache_key() {
    let asrv = ScriptedAs::start(json!({"body": {"token_type": "Bearer", "expires_in": 300,
                                                 "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}}));
    let c = asrv.client(json!({}));
    let subject = unsigned(json!({"sub": "alice", "exp": meshauth::now() + 3600}));
    let alone = TokenRequest::from_json(r#"{"actor_token_type": "urn:ietf:params:oauth:token-type:jwt"}"#).unwrap();
    assert_eq!(c.token_exchange(&subject, &alone).unwrap_err().code(), ErrorCode::InvalidConfig);
    assert_eq!(c.jwt_bearer(&subject, &alone).unwrap_err().code(), ErrorCode::InvalidConfig);
    assert!(asrv.requests().is_empty(), "refused before any request");

    let with = |t: &str| {
        TokenRequest::from_json(&json!({"actor_token": "actor.jwt.x", "actor_token_type": t}).to_string()).unwrap()
    };
    let a = c.token_exchange(&subject, &with("urn:ietf:params:oauth:token-type:jwt")).unwrap();
    let b = c.token_exchange(&subject, &with("urn:ietf:params:oauth:token-type:access_token")).unwrap();
    assert_ne!(a.access_token, b.access_token, "another actor_token_type is another request");
    let seen = asrv.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(param(&seen[0].1, "actor_token_type"), Some("urn:ietf:params:oauth:token-type:jwt"));
    let again = c.token_exchange(&subject, &with("urn:ietf:params:oauth:token-type:jwt")).unwrap();
    assert_eq!(again.access_token, a.access_token);
}

// ---------------------------------------------------------------------------------------------
// 9. Back-off when the server refuses and nothing is cached.

#[test]
fn a_refusal_is_not_retried_on_every_call() {
    let asrv = ScriptedAs::start(json!({"status": 401, "body": {"error": "invalid_client"}}));
    let c = asrv.client(json!({}));
    for _ in 0..200 {
        let e = c.client_credentials(&TokenRequest::default()).unwrap_err();
        assert_eq!((e.code(), e.oauth_error()), (ErrorCode::TokenEndpointError, Some("invalid_client")));
    }
    assert_eq!(asrv.requests().len(), 1, "the credentials were sent once during the back-off");
    // Another cache entry (another scope) is its own request.
    asrv.set(bearer_token(300));
    let req = TokenRequest::from_json(r#"{"scope": "other"}"#).unwrap();
    assert!(c.client_credentials(&req).is_ok());
    assert_eq!(asrv.requests().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// 15. Secret hygiene.

#[test]
fn secrets_never_print() {
    let secret = "hmac-secret-value-of-at-least-32-bytes!!";
    let cfg =
        Config::from_value(json!({"issuer": "https://i.example", "audience": "a", "hmac_secret": secret})).unwrap();
    let debug = format!("{cfg:?}");
    assert!(!debug.contains(secret) && debug.contains("<redacted>"), "{debug}");

    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let token = mint(&issuer, json!({"sub": "alice", "aud": "orders"}));
    let v = validator(json!({"issuer": issuer.issuer(), "audience": "orders", "jwks": issuer.jwks()})).unwrap();
    let p: Principal = v.validate(&token).unwrap();
    let debug = format!("{p:?}");
    assert!(!debug.contains(&token) && debug.contains("alice"), "{debug}");
    assert!(!debug.contains(token.rsplit('.').next().unwrap()), "no part of the signature");

    let tc: TokenClientConfig = serde_json::from_value(json!({"token_endpoint": "https://as.example/token",
        "client_id": "orders", "client_secret": "client-s3cret"}))
    .unwrap();
    assert!(!format!("{tc:?}").contains("client-s3cret"));

    // A secret put in an enum-valued field is not echoed by the error.
    let e = TokenClient::from_value(json!({"token_endpoint": "https://as.example/token", "client_id": "orders",
                                           "client_auth": "hunter2-secret"}))
    .err()
    .unwrap();
    assert_eq!(e.code(), ErrorCode::InvalidConfig);
    assert!(!e.message().contains("hunter2"), "{}", e.message());
    assert!(e.message().contains("client_secret_basic"), "names the valid values: {}", e.message());
}

// ---------------------------------------------------------------------------------------------
// 4. Error answers reveal neither internal URLs nor server text.

#[test]
fn a_key_source_failure_answers_the_fixed_description_and_logs_no_query_secret() {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let port = server.server_addr().to_ip().unwrap().port();
    let s = server.clone();
    thread::spawn(move || {
        while let Ok(req) = s.recv() {
            let _ = req.respond(tiny_http::Response::from_string("internal stack trace").with_status_code(500));
        }
    });
    let jwks_url = format!("http://svc:pa55word@127.0.0.1:{port}/jwks?api_key=qu3ry-s3cret");
    let v = validator(json!({"issuer": "https://issuer.example", "audience": "orders", "jwks_url": jwks_url})).unwrap();
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let token = mint(&issuer, json!({"iss": "https://issuer.example", "sub": "alice", "aud": "orders"}));
    let e = v.validate(&token).unwrap_err();
    assert_eq!((e.code(), e.http_status()), (ErrorCode::KeySourceUnavailable, Some(503)));
    // The operator's detail names the host and path, never the query or the userinfo.
    for secret in ["qu3ry-s3cret", "pa55word", "api_key", "svc:"] {
        assert!(!e.message().contains(secret), "{secret} in {:?}", e.message());
        assert!(!e.to_string().contains(secret));
    }
    assert!(e.message().contains(&format!("127.0.0.1:{port}/jwks")), "{}", e.message());
    // The caller's answer: the catalogue's text only.
    let body: Value = serde_json::from_str(&e.http_body()).unwrap();
    assert_eq!(
        body,
        json!({"error": "key_source_unavailable", "error_description": "the issuer's keys are unavailable"})
    );
    server.unblock();

    // A refusal from the authorization server: its text stays in the operator's message only.
    let asrv = ScriptedAs::start(json!({"status": 400, "body": {"error": "invalid_scope",
                                                               "error_description": "internal host db-7.corp refused"}}));
    let e = asrv.client(json!({})).client_credentials(&TokenRequest::default()).unwrap_err();
    assert!(e.message().contains("db-7.corp"));
    assert!(!e.http_body().contains("db-7.corp"), "{}", e.http_body());
}
