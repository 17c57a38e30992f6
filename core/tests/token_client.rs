//! The token client against a scripted loopback authorization server: caching, refresh ahead,
//! serving the current token while the server is down, single flight, every client
//! authentication, both exchange grants, error mapping, and the authenticated key source.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use aws_lc_rs::signature::{self, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::{claims, Signer};
use meshauth::{Config, ErrorCode, TokenClient, TokenRequest, Validator};
use serde_json::{json, Value};

#[derive(Clone)]
enum Answer {
    Token(Value),
    Error(u16, Value),
    Garbage,
    Slow(Duration, Value),
}

#[derive(Debug, Clone)]
struct Seen {
    path: String,
    authorization: Option<String>,
    form: Vec<(String, String)>,
}

impl Seen {
    fn param(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

struct FakeAs {
    url: String,
    answer: Arc<Mutex<Answer>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Tokens issued so far (names them `tok-N`).
    issued: Arc<AtomicUsize>,
    server: Arc<tiny_http::Server>,
}

impl FakeAs {
    /// Token requests (POST /token) get `answer`; GET /.well-known/openid-configuration the
    /// metadata; GET /jwks `jwks` only with `Authorization: Bearer tok-…`.
    fn start(answer: Answer, jwks: Value) -> FakeAs {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let url = format!("http://127.0.0.1:{}", server.server_addr().to_ip().unwrap().port());
        let answer = Arc::new(Mutex::new(answer));
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let issued = Arc::new(AtomicUsize::new(0));
        for _ in 0..4 {
            let (server, answer, seen, issued, url, jwks) =
                (server.clone(), answer.clone(), seen.clone(), issued.clone(), url.clone(), jwks.clone());
            thread::spawn(move || {
                while let Ok(mut req) = server.recv() {
                    let authorization = req
                        .headers()
                        .iter()
                        .find(|h| h.field.equiv("Authorization"))
                        .map(|h| h.value.as_str().to_owned());
                    let path = req.url().to_owned();
                    let mut body = String::new();
                    let _ = req.as_reader().read_to_string(&mut body);
                    let form = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
                    seen.lock().unwrap().push(Seen { path: path.clone(), authorization: authorization.clone(), form });
                    let respond = |status: u16, v: String| {
                        tiny_http::Response::from_string(v).with_status_code(status)
                    };
                    let resp = match path.as_str() {
                        "/.well-known/openid-configuration" => respond(
                            200,
                            json!({"issuer": url, "token_endpoint": format!("{url}/token"), "jwks_uri": format!("{url}/jwks")}).to_string(),
                        ),
                        "/jwks" if authorization.as_deref().is_some_and(|a| a.starts_with("Bearer tok-")) => respond(200, jwks.to_string()),
                        "/jwks" => respond(401, "{}".into()),
                        _ => match answer.lock().unwrap().clone() {
                            Answer::Token(extra) => {
                                let n = issued.fetch_add(1, Ordering::SeqCst);
                                let mut doc = json!({"access_token": format!("tok-{n}"), "token_type": "Bearer"});
                                doc.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
                                respond(200, doc.to_string())
                            }
                            Answer::Slow(d, extra) => {
                                thread::sleep(d);
                                let n = issued.fetch_add(1, Ordering::SeqCst);
                                let mut doc = json!({"access_token": format!("tok-{n}"), "token_type": "Bearer"});
                                doc.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
                                respond(200, doc.to_string())
                            }
                            Answer::Error(status, doc) => respond(status, doc.to_string()),
                            Answer::Garbage => respond(200, "<html>".into()),
                        },
                    };
                    let _ = req.respond(resp);
                }
            });
        }
        FakeAs { url, answer, seen, issued, server }
    }

    fn set(&self, a: Answer) {
        *self.answer.lock().unwrap() = a;
    }

    fn token_requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().iter().filter(|s| s.path == "/token").cloned().collect()
    }

    fn client(&self, extra: Value) -> TokenClient {
        let mut cfg = json!({"token_endpoint": format!("{}/token", self.url), "client_id": "orders", "client_secret": "s3cret:x"});
        cfg.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        TokenClient::from_value(cfg).unwrap()
    }
}

impl Drop for FakeAs {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

fn scoped(scope: &str) -> TokenRequest {
    TokenRequest::from_json(&json!({"scope": scope}).to_string()).unwrap()
}

#[test]
fn client_credentials_are_cached_per_scope_and_audience() {
    let asrv = FakeAs::start(Answer::Token(json!({"expires_in": 300})), json!({}));
    let c = asrv.client(json!({}));
    let a = c.client_credentials(&scoped("a b")).unwrap();
    assert_eq!(c.client_credentials(&scoped("b a")).unwrap().access_token, a.access_token, "scope order is irrelevant");
    let other = c.client_credentials(&scoped("c")).unwrap();
    assert_ne!(other.access_token, a.access_token);
    let aud = TokenRequest::from_json(r#"{"audience":"billing","resource":["https://billing.internal/"]}"#).unwrap();
    c.client_credentials(&aud).unwrap();
    let reqs = asrv.token_requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].param("grant_type"), Some("client_credentials"));
    assert_eq!(reqs[0].param("scope"), Some("a b"));
    assert_eq!(reqs[2].param("audience"), Some("billing"));
    assert_eq!(reqs[2].param("resource"), Some("https://billing.internal/"));
    // client_secret_basic, with the RFC 6749 §2.3.1 form-encoding of id and secret.
    assert_eq!(reqs[0].authorization.as_deref(), Some(format!("Basic {}", STANDARD.encode("orders:s3cret%3Ax")).as_str()));
    assert_eq!(reqs[0].param("client_secret"), None);
    assert!(c.client_credentials_cached(&scoped("a b")).unwrap().is_some());
    assert!(c.client_credentials_cached(&scoped("zzz")).unwrap().is_none());
    let exchange_only = TokenRequest::from_json(r#"{"scope": "a b", "actor_token": "x"}"#).unwrap();
    assert_eq!(c.client_credentials_cached(&exchange_only).unwrap_err().code(), ErrorCode::InvalidConfig);
    assert_eq!(a.authorization_header(), format!("Bearer {}", a.access_token));
}

#[test]
fn client_secret_post_sends_the_credentials_in_the_form() {
    let asrv = FakeAs::start(Answer::Token(json!({"expires_in": 300})), json!({}));
    let c = asrv.client(json!({"client_auth": "client_secret_post"}));
    c.client_credentials(&TokenRequest::default()).unwrap();
    let r = &asrv.token_requests()[0];
    assert_eq!(r.authorization, None);
    assert_eq!((r.param("client_id"), r.param("client_secret")), (Some("orders"), Some("s3cret:x")));
}

#[test]
fn expires_in_variants_never_cache_forever() {
    for (expires_in, cached) in [
        (json!({"expires_in": 0}), false),
        (json!({"expires_in": -10}), false),
        (json!({"expires_in": "300"}), true),
        (json!({}), true),
        (json!({"expires_in": 1e300}), true),
    ] {
        let asrv = FakeAs::start(Answer::Token(expires_in.clone()), json!({}));
        let c = asrv.client(json!({}));
        let first = c.client_credentials(&TokenRequest::default()).unwrap();
        let second = c.client_credentials(&TokenRequest::default()).unwrap();
        assert_eq!(first.access_token == second.access_token, cached, "{expires_in}");
    }
}

#[test]
fn oauth_errors_carry_the_error_and_never_the_secret() {
    let asrv = FakeAs::start(
        Answer::Error(401, json!({"error": "invalid_client", "error_description": "bad secret"})),
        json!({}),
    );
    let c = asrv.client(json!({}));
    let err = c.client_credentials(&TokenRequest::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenEndpointError);
    assert_eq!(err.oauth_error(), Some("invalid_client"));
    assert!(err.message().contains("bad secret"));
    assert!(!format!("{err:?}").contains("s3cret"));

    // A new client (a new cache) per answer: a refusal is remembered for the back-off.
    asrv.set(Answer::Error(503, json!({"nope": 1})));
    let err = asrv.client(json!({})).client_credentials(&TokenRequest::default()).unwrap_err();
    assert_eq!((err.code(), err.oauth_error()), (ErrorCode::TokenEndpointError, None));
    assert!(err.message().contains("503"));

    asrv.set(Answer::Garbage);
    let err = asrv.client(json!({})).client_credentials(&TokenRequest::default()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TokenEndpointError);

    asrv.set(Answer::Token(json!({"access_token": ""})));
    assert_eq!(c.client_credentials(&scoped("x")).unwrap_err().code(), ErrorCode::TokenEndpointError);
}

#[test]
fn authorization_server_down_is_token_endpoint_error() {
    let asrv = FakeAs::start(Answer::Garbage, json!({}));
    let url = asrv.url.clone();
    drop(asrv);
    thread::sleep(Duration::from_millis(50));
    let c = TokenClient::from_value(json!({"token_endpoint": format!("{url}/token"), "client_id": "a", "client_secret": "b",
                                          "http_timeout_ms": 500}))
        .unwrap();
    assert_eq!(c.client_credentials(&TokenRequest::default()).unwrap_err().code(), ErrorCode::TokenEndpointError);
}

#[test]
fn concurrent_callers_share_one_request() {
    let asrv = FakeAs::start(Answer::Slow(Duration::from_millis(300), json!({"expires_in": 300})), json!({}));
    let c = asrv.client(json!({}));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            thread::spawn(move || c.client_credentials(&TokenRequest::default()).unwrap().access_token)
        })
        .collect();
    let tokens: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(tokens.iter().all(|t| *t == tokens[0]));
    assert_eq!(asrv.token_requests().len(), 1);
}

#[test]
fn refreshes_ahead_and_serves_the_current_token_while_the_server_is_down() {
    // Lifetime 4 s: refresh point at 3 s ± 0.2 s, usable until 3.6 s.
    let asrv = FakeAs::start(Answer::Token(json!({"expires_in": 4})), json!({}));
    let c = asrv.client(json!({}));
    let first = c.client_credentials(&TokenRequest::default()).unwrap();
    thread::sleep(Duration::from_millis(3250));
    asrv.set(Answer::Error(500, json!({})));
    let during_outage = c.client_credentials(&TokenRequest::default()).unwrap();
    assert_eq!(during_outage.access_token, first.access_token, "the current token keeps being served");
    assert_eq!(asrv.token_requests().len(), 2, "one refresh was attempted");
    let again = c.client_credentials(&TokenRequest::default()).unwrap();
    assert_eq!(again.access_token, first.access_token);
    assert_eq!(asrv.token_requests().len(), 2, "retries back off");
    // Once it is no longer usable, the outage shows (the stored error: still backing off).
    thread::sleep(Duration::from_millis(600));
    assert_eq!(c.client_credentials(&TokenRequest::default()).unwrap_err().code(), ErrorCode::TokenEndpointError);
    assert_eq!(asrv.token_requests().len(), 2, "no request during the back-off");
    // And a recovered server gives a new token once the back-off (5 s) is over.
    asrv.set(Answer::Token(json!({"expires_in": 300})));
    thread::sleep(Duration::from_millis(4500));
    assert_ne!(c.client_credentials(&TokenRequest::default()).unwrap().access_token, first.access_token);
}

#[test]
fn jwt_bearer_grant_with_basic_or_a_client_token() {
    let asrv = FakeAs::start(Answer::Token(json!({"expires_in": 300, "scope": "partner:read"})), json!({}));
    let c = asrv.client(json!({}));
    let user = Signer::new("k").sign(&json!({"sub": "alice", "exp": meshauth::now() + 600}));
    let req = TokenRequest::from_json(r#"{"scope": "partner:read", "audience": "partner-api"}"#).unwrap();
    let t = c.jwt_bearer(&user, &req).unwrap();
    assert_eq!(t.scope.as_deref(), Some("partner:read"));
    assert_eq!(c.jwt_bearer(&user, &req).unwrap().access_token, t.access_token, "cached per subject token");
    let r = &asrv.token_requests()[0];
    assert_eq!(r.param("grant_type"), Some("urn:ietf:params:oauth:grant-type:jwt-bearer"));
    assert_eq!(r.param("assertion"), Some(user.as_str()));
    assert_eq!((r.param("scope"), r.param("audience")), (Some("partner:read"), Some("partner-api")));
    assert!(r.authorization.as_deref().unwrap().starts_with("Basic "));

    let with_token = TokenRequest::from_json(r#"{"audience": "partner-api", "use_client_token": true}"#).unwrap();
    c.jwt_bearer(&user, &with_token).unwrap();
    let reqs = asrv.token_requests();
    assert_eq!(reqs[1].param("grant_type"), Some("client_credentials"));
    assert_eq!(reqs[2].authorization.as_deref(), Some("Bearer tok-1"), "authenticated by its own client token");
    // Refused requests of this grant are token_endpoint_error too.
    asrv.set(Answer::Error(400, json!({"error": "invalid_grant"})));
    let err = c.jwt_bearer(&Signer::new("k").sign(&json!({"sub": "bob", "exp": meshauth::now() + 600})), &req).unwrap_err();
    assert_eq!(err.oauth_error(), Some("invalid_grant"));
}

#[test]
fn token_exchange_checks_the_issued_type_and_never_outlives_the_subject() {
    let issued = json!({"expires_in": 300, "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"});
    let asrv = FakeAs::start(Answer::Token(issued), json!({}));
    let c = asrv.client(json!({}));
    let req = TokenRequest::from_json(r#"{"audience": "partner-api", "scope": "partner:read"}"#).unwrap();
    // The subject token expires in 1 s: the exchanged token is not used beyond that.
    let subject = Signer::new("k").sign(&json!({"sub": "alice", "exp": meshauth::now() + 1}));
    let t = c.token_exchange(&subject, &req).unwrap();
    assert_eq!(t.issued_token_type.as_deref(), Some("urn:ietf:params:oauth:token-type:access_token"));
    let r = &asrv.token_requests()[0];
    assert_eq!(r.param("grant_type"), Some("urn:ietf:params:oauth:grant-type:token-exchange"));
    assert_eq!(r.param("subject_token"), Some(subject.as_str()));
    assert_eq!(r.param("subject_token_type"), Some("urn:ietf:params:oauth:token-type:access_token"));
    thread::sleep(Duration::from_millis(2100));
    assert_ne!(c.token_exchange(&subject, &req).unwrap().access_token, t.access_token);

    let actor = TokenRequest::from_json(r#"{"audience": "partner-api", "actor_token": "act.or.tok"}"#).unwrap();
    c.token_exchange(&subject, &actor).unwrap();
    let last = asrv.token_requests().pop().unwrap();
    assert_eq!(last.param("actor_token"), Some("act.or.tok"));
    assert_eq!(last.param("actor_token_type"), Some("urn:ietf:params:oauth:token-type:access_token"));

    asrv.set(Answer::Token(json!({"expires_in": 300, "issued_token_type": "urn:ietf:params:oauth:token-type:id_token"})));
    let other = Signer::new("k").sign(&json!({"sub": "carol", "exp": meshauth::now() + 600}));
    assert_eq!(c.token_exchange(&other, &req).unwrap_err().code(), ErrorCode::TokenEndpointError);
}

#[test]
fn private_key_jwt_signs_a_fresh_assertion_per_request() {
    let asrv = FakeAs::start(Answer::Token(json!({"expires_in": 0})), json!({}));
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&aws_lc_rs::rand::SystemRandom::new()).unwrap();
    let key = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let pem_text = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
    let c = asrv.client(json!({"client_secret": null, "private_key_pem": pem_text, "private_key_kid": "orders-key",
                               "issuer": "https://as.example"}));
    c.client_credentials(&TokenRequest::default()).unwrap();
    c.client_credentials(&TokenRequest::default()).unwrap();
    let reqs = asrv.token_requests();
    let mut jtis = Vec::new();
    for r in &reqs {
        assert_eq!(r.authorization, None);
        assert_eq!(r.param("client_assertion_type"), Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
        let assertion = r.param("client_assertion").unwrap();
        let (input, sig) = assertion.rsplit_once('.').unwrap();
        UnparsedPublicKey::new(&signature::ED25519, key.public_key().as_ref())
            .verify(input.as_bytes(), &URL_SAFE_NO_PAD.decode(sig).unwrap())
            .expect("the assertion verifies with the client's key");
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(input.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(header["kid"], "orders-key");
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(input.split('.').nth(1).unwrap()).unwrap()).unwrap();
        assert_eq!((claims["iss"].as_str(), claims["sub"].as_str()), (Some("orders"), Some("orders")));
        assert_eq!(claims["aud"], "https://as.example");
        assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 60);
        jtis.push(claims["jti"].as_str().unwrap().to_owned());
    }
    assert_eq!(reqs.len(), 2);
    assert_ne!(jtis[0], jtis[1]);
}

#[test]
fn configuration_errors_are_invalid_config() {
    for cfg in [
        json!({"client_id": "a", "client_secret": "b"}),
        json!({"token_endpoint": "http://as.example/token", "client_id": "a", "client_secret": "b"}),
        json!({"token_endpoint": "https://as.example/token", "client_id": "a"}),
        json!({"token_endpoint": "https://as.example/token", "client_id": "a", "client_auth": "private_key_jwt"}),
        json!({"token_endpoint": "https://as.example/token", "client_id": "a", "client_secret": "b", "unknown": 1}),
        json!({"token_endpoint": "https://as.example/token", "client_id": "", "client_secret": "b"}),
    ] {
        let err = TokenClient::from_value(cfg.clone()).err().expect("refused");
        assert_eq!(err.code(), ErrorCode::InvalidConfig, "{cfg}");
        assert!(!err.message().contains("\"b\""), "no secret in {}", err.message());
    }
}

#[test]
fn token_endpoint_by_discovery_and_authenticated_jwks() {
    let signer = Signer::new("k1");
    let asrv = FakeAs::start(Answer::Token(json!({"expires_in": 300})), common::jwks(&[&signer]));
    let c = TokenClient::from_value(json!({"issuer": asrv.url, "client_id": "orders", "client_secret": "x"})).unwrap();
    c.client_credentials(&TokenRequest::default()).unwrap();
    assert_eq!(asrv.token_requests().len(), 1);

    // A validator whose JWKS endpoint wants a bearer token gets one from its token client.
    let v = Validator::new(
        Config::from_value(json!({"issuer": asrv.url, "audience": "orders", "discovery": true,
                                   "jwks_auth": {"client_id": "orders", "client_secret": "x", "scope": "jwks:read"}}))
        .unwrap(),
    )
    .unwrap();
    let p = v.validate(&signer.sign(&json!({"iss": asrv.url, "aud": "orders", "exp": meshauth::now() + 60}))).unwrap();
    assert_eq!(p.issuer, asrv.url);
    let jwks_req = asrv.seen.lock().unwrap().iter().find(|s| s.path == "/jwks").cloned().unwrap();
    assert!(jwks_req.authorization.unwrap().starts_with("Bearer tok-"));
    assert_eq!(asrv.token_requests().last().unwrap().param("scope"), Some("jwks:read"));

    // Without jwks_auth the same endpoint refuses: key_source_unavailable.
    let plain = Validator::new(Config::from_value(json!({"issuer": asrv.url, "audience": "orders", "discovery": true})).unwrap()).unwrap();
    let err = plain.validate(&signer.sign(&claims(&asrv.url, "orders"))).unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeySourceUnavailable);
    assert!(err.message().contains("401"));
}
