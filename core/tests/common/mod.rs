//! Test support: an Ed25519 signer and a loopback JWKS server that can fail in every way
//! docs/configuration.md lists.
#![allow(dead_code)]

pub mod tls;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

pub const NOW: i64 = 1_767_225_600;

pub struct Signer {
    pub kid: String,
    key: Ed25519KeyPair,
}

impl Signer {
    pub fn new(kid: &str) -> Signer {
        Signer { kid: kid.to_owned(), key: Ed25519KeyPair::generate().expect("keygen") }
    }

    pub fn jwk(&self) -> Value {
        json!({"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": self.kid,
               "x": URL_SAFE_NO_PAD.encode(self.key.public_key().as_ref())})
    }

    pub fn sign(&self, claims: &Value) -> String {
        self.sign_with_kid(&self.kid, claims)
    }

    pub fn sign_with_kid(&self, kid: &str, claims: &Value) -> String {
        let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": kid});
        let input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let sig = self.key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.as_ref()))
    }
}

pub fn jwks(signers: &[&Signer]) -> Value {
    json!({"keys": signers.iter().map(|s| s.jwk()).collect::<Vec<_>>()})
}

/// How the test server answers.
#[derive(Clone)]
pub enum Mode {
    Json(Value),
    Status(u16),
    Garbage,
    Huge,
    Redirect(String),
    /// Sleep, then answer with the JSON.
    Slow(Duration, Value),
    /// Sleep, then answer with this status (a failing, slow server).
    SlowStatus(Duration, u16),
}

pub struct TestServer {
    pub url: String,
    pub hits: Arc<AtomicUsize>,
    mode: Arc<Mutex<Mode>>,
    /// Extra documents by path (e.g. discovery metadata), answered regardless of `mode`.
    routes: Arc<Mutex<Vec<(String, Value)>>>,
    server: Arc<tiny_http::Server>,
}

impl TestServer {
    pub fn start(mode: Mode) -> TestServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
        let port = server.server_addr().to_ip().expect("ip").port();
        let hits = Arc::new(AtomicUsize::new(0));
        let mode = Arc::new(Mutex::new(mode));
        let routes: Arc<Mutex<Vec<(String, Value)>>> = Arc::new(Mutex::new(Vec::new()));
        for _ in 0..4 {
            let (server, hits, mode, routes) = (server.clone(), hits.clone(), mode.clone(), routes.clone());
            thread::spawn(move || {
                while let Ok(req) = server.recv() {
                    let path = req.url().to_owned();
                    if let Some((_, doc)) = routes.lock().unwrap().iter().find(|(p, _)| *p == path).cloned() {
                        let _ = req.respond(tiny_http::Response::from_string(doc.to_string()));
                        continue;
                    }
                    hits.fetch_add(1, Ordering::SeqCst);
                    let m = mode.lock().unwrap().clone();
                    let _ = match m {
                        Mode::Json(v) => req.respond(tiny_http::Response::from_string(v.to_string())),
                        Mode::Status(code) => {
                            req.respond(tiny_http::Response::from_string("{}").with_status_code(code))
                        }
                        Mode::Garbage => req.respond(tiny_http::Response::from_string("<html>not json")),
                        Mode::Huge => {
                            let body = format!("{{\"keys\":[],\"pad\":\"{}\"}}", "x".repeat(600 * 1024));
                            req.respond(tiny_http::Response::from_string(body))
                        }
                        Mode::Redirect(to) => req.respond(
                            tiny_http::Response::from_string("")
                                .with_status_code(302)
                                .with_header(tiny_http::Header::from_bytes("Location", to.as_bytes()).unwrap()),
                        ),
                        Mode::Slow(d, v) => {
                            thread::sleep(d);
                            req.respond(tiny_http::Response::from_string(v.to_string()))
                        }
                        Mode::SlowStatus(d, code) => {
                            thread::sleep(d);
                            req.respond(tiny_http::Response::from_string("{}").with_status_code(code))
                        }
                    };
                }
            });
        }
        TestServer { url: format!("http://127.0.0.1:{port}"), hits, mode, routes, server }
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    /// Answer `doc` at `path` from now on (replacing an earlier route of that path).
    pub fn route(&self, path: &str, doc: Value) {
        let mut routes = self.routes.lock().unwrap();
        routes.retain(|(p, _)| p != path);
        routes.push((path.to_owned(), doc));
    }

    /// Stop answering `path` with a route (it is answered by the mode again).
    pub fn unroute(&self, path: &str) {
        self.routes.lock().unwrap().retain(|(p, _)| p != path);
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

pub fn claims(iss: &str, aud: &str) -> Value {
    json!({"iss": iss, "aud": aud, "sub": "alice", "exp": NOW + 600, "iat": NOW})
}
