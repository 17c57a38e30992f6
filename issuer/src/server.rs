//! The HTTP server (tiny_http) and the Rust API to run it in-process.
//!
//! Routes:
//! - `GET /.well-known/openid-configuration`, `GET /.well-known/oauth-authorization-server`
//! - `GET /jwks`
//! - `POST /token` (`client_credentials`, jwt-bearer, token exchange; see [`crate::token_endpoint`])
//! - `POST /dev/mint` (see [`crate::mint`]), `POST /dev/rotate` (`{"retire": bool}` optional)
//! - `GET /health` → `ok`
//!
//! Anything else is a JSON 404 (405 for a known path with another method).

use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;

use serde_json::{json, Value};
use tiny_http::{Header, Method, Response, Server};

use crate::clients::ClientRegistry;
use crate::discovery;
use crate::keyring::Keyring;
use crate::mint::{self, MintRequest};
use crate::oauth_error::OAuthError;
use crate::replay_cache::ReplayCache;
use crate::state::IssuerState;
use crate::token_endpoint;

/// Request bodies above this size are refused (413).
const MAX_BODY_BYTES: u64 = 1024 * 1024;
/// Threads answering requests.
const WORKERS: usize = 4;

/// How to run an issuer.
#[derive(Debug, Clone)]
pub struct IssuerOptions {
    /// Interface to bind (default `127.0.0.1`; loopback unless you say otherwise).
    pub host: String,
    /// Port (default 0: a free port chosen by the OS).
    pub port: u16,
    /// The `iss` of its tokens; default: its own base URL `http://HOST:PORT`.
    pub issuer: Option<String>,
    /// Registered clients; default: the embedded `issuer/dev-clients.json`.
    pub clients: ClientRegistry,
    /// Lifetime of token-endpoint access tokens (default 300 s).
    pub token_ttl_s: u64,
}

impl Default for IssuerOptions {
    fn default() -> Self {
        IssuerOptions {
            host: "127.0.0.1".to_owned(),
            port: 0,
            issuer: None,
            clients: ClientRegistry::dev(),
            token_ttl_s: 300,
        }
    }
}

/// Failure to start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// Entry point of the Rust API.
pub struct Issuer;

impl Issuer {
    /// Bind, generate the first key generation, and serve on background threads until the
    /// returned [`RunningIssuer`] is dropped (or [`RunningIssuer::stop`]ped).
    pub fn start(options: IssuerOptions) -> Result<RunningIssuer, StartError> {
        let ip: IpAddr = match options.host.as_str() {
            "localhost" => IpAddr::from([127, 0, 0, 1]),
            host => host.parse().map_err(|_| StartError(format!("--host {host:?} is not an IP address")))?,
        };
        let server = Server::http(SocketAddr::new(ip, options.port))
            .map_err(|e| StartError(format!("cannot listen on {}:{}: {e}", options.host, options.port)))?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| StartError("the server is not listening on an IP socket".into()))?;
        let base_url = match addr.ip() {
            IpAddr::V6(v6) => format!("http://[{v6}]:{}", addr.port()),
            IpAddr::V4(v4) => format!("http://{v4}:{}", addr.port()),
        };
        let keyring = Keyring::generate().map_err(|e| StartError(format!("key generation: {e}")))?;
        let state = Arc::new(IssuerState {
            issuer: options.issuer.clone().unwrap_or_else(|| base_url.clone()),
            base_url: base_url.clone(),
            clients: options.clients,
            keyring: RwLock::new(keyring),
            token_ttl_s: options.token_ttl_s,
            used_assertions: ReplayCache::new(),
        });
        let server = Arc::new(server);
        let stopping = Arc::new(AtomicBool::new(false));
        let workers = (0..WORKERS)
            .map(|i| {
                let (server, state, stopping) = (server.clone(), state.clone(), stopping.clone());
                std::thread::Builder::new()
                    .name(format!("meshauth-issuer-{i}"))
                    .spawn(move || serve(&server, &state, &stopping))
                    .map_err(|e| StartError(format!("cannot spawn a worker thread: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RunningIssuer { state, server, stopping, workers })
    }
}

/// A running issuer. Dropping it stops the server.
pub struct RunningIssuer {
    state: Arc<IssuerState>,
    server: Arc<Server>,
    stopping: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl RunningIssuer {
    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.state.base_url
    }

    /// The `iss` of its tokens.
    pub fn issuer(&self) -> &str {
        &self.state.issuer
    }

    /// `{url}/jwks`.
    pub fn jwks_url(&self) -> String {
        format!("{}/jwks", self.state.base_url)
    }

    /// `{url}/token`.
    pub fn token_url(&self) -> String {
        self.state.token_endpoint()
    }

    /// The current JWK Set.
    pub fn jwks(&self) -> Value {
        self.state.keyring().jwks()
    }

    /// Mint a token like `POST /dev/mint`. Errors are `invalid_request` (unknown `alg`/`tamper`).
    pub fn mint(&self, request: &MintRequest) -> Result<String, OAuthError> {
        mint::mint(&self.state, request)
    }

    /// Rotate like `POST /dev/rotate` with `retire: false`; returns the new signing kids.
    pub fn rotate(&self) -> Vec<String> {
        self.rotate_with(false)
    }

    /// Rotate; with `retire` the previous keys leave the JWKS. Returns the new signing kids.
    pub fn rotate_with(&self, retire: bool) -> Vec<String> {
        let mut keyring = self.state.keyring_mut();
        keyring.rotate(retire).expect("key generation works");
        keyring.current().kids()
    }

    /// Stop serving and join the worker threads (also done on drop).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        for _ in &self.workers {
            self.server.unblock();
        }
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }

    /// Block the calling thread while the server runs (for the CLI).
    pub fn wait(mut self) {
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

impl Drop for RunningIssuer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn serve(server: &Server, state: &IssuerState, stopping: &AtomicBool) {
    while !stopping.load(Ordering::SeqCst) {
        match server.recv() {
            Ok(request) => handle(state, request),
            Err(_) if stopping.load(Ordering::SeqCst) => break,
            Err(_) => continue,
        }
    }
}

/// An answer: status, content type, extra headers, body.
struct Answer {
    status: u16,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Answer {
    fn json(status: u16, body: &Value) -> Answer {
        Answer { status, content_type: "application/json", headers: Vec::new(), body: body.to_string() }
    }

    fn oauth_error(e: &OAuthError) -> Answer {
        let mut a = Answer { status: e.status, content_type: "application/json", headers: Vec::new(), body: e.body() };
        if let Some(challenge) = &e.www_authenticate {
            a.headers.push(("WWW-Authenticate", challenge.clone()));
        }
        a
    }

    fn error(status: u16, error: &'static str, description: impl Into<String>) -> Answer {
        Answer::json(status, &json!({ "error": error, "error_description": description.into() }))
    }

    fn no_store(mut self) -> Answer {
        self.headers.push(("Cache-Control", "no-store".to_owned()));
        self.headers.push(("Pragma", "no-cache".to_owned()));
        self
    }
}

fn header_value<'r>(request: &'r tiny_http::Request, name: &'static str) -> Option<&'r str> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

fn read_body(request: &mut tiny_http::Request) -> Result<Vec<u8>, Answer> {
    let mut body = Vec::new();
    // With `Connection: upgrade` (an h2c upgrade offer, sent by Java's HTTP client and
    // `curl --http2`) tiny_http hands over the raw socket as the body: read only what
    // Content-Length announces, or the read waits for the client to close.
    let limit = match request.body_length() {
        Some(len) if len as u64 <= MAX_BODY_BYTES => len as u64,
        _ => MAX_BODY_BYTES + 1,
    };
    request
        .as_reader()
        .take(limit)
        .read_to_end(&mut body)
        .map_err(|e| Answer::error(400, "invalid_request", format!("cannot read the body: {e}")))?;
    if body.len() as u64 > MAX_BODY_BYTES {
        return Err(Answer::error(413, "invalid_request", "the body is too large"));
    }
    Ok(body)
}

fn handle(state: &IssuerState, mut request: tiny_http::Request) {
    let path = request.url().split('?').next().unwrap_or("").to_owned();
    let method = request.method().clone();
    let answer = route(state, &mut request, &method, &path);
    let mut response = Response::from_string(answer.body).with_status_code(answer.status);
    let content_type = Header::from_bytes("Content-Type", answer.content_type).expect("valid header");
    response.add_header(content_type);
    for (name, value) in answer.headers {
        if let Ok(h) = Header::from_bytes(name, value.as_bytes()) {
            response.add_header(h);
        }
    }
    // The client may have gone away; nothing to do about it.
    let _ = request.respond(response);
}

fn route(state: &IssuerState, request: &mut tiny_http::Request, method: &Method, path: &str) -> Answer {
    let allowed = match path {
        "/.well-known/openid-configuration" | "/.well-known/oauth-authorization-server" | "/jwks" | "/health" => "GET",
        "/token" | "/dev/mint" | "/dev/rotate" => "POST",
        _ => return Answer::error(404, "not_found", format!("no endpoint at {path:?}")),
    };
    let method_ok = match allowed {
        "GET" => matches!(method, Method::Get | Method::Head),
        _ => *method == Method::Post,
    };
    if !method_ok {
        let mut a = Answer::error(405, "invalid_request", format!("{path} answers {allowed} only"));
        a.headers.push(("Allow", allowed.to_owned()));
        return a;
    }
    match path {
        "/health" => Answer { status: 200, content_type: "text/plain", headers: Vec::new(), body: "ok".into() },
        "/jwks" => {
            let mut a = Answer::json(200, &state.keyring().jwks());
            a.content_type = "application/jwk-set+json";
            // Keys rotate on demand here (`/dev/rotate`): never let an HTTP cache hold them.
            a.headers.push(("Cache-Control", "no-cache".to_owned()));
            a
        }
        "/token" => {
            let body = match read_body(request) {
                Ok(b) => b,
                Err(a) => return a.no_store(),
            };
            let result = token_endpoint::handle(
                state,
                header_value(request, "Content-Type"),
                header_value(request, "Authorization"),
                &body,
            );
            match result {
                Ok(tokens) => {
                    Answer { status: 200, content_type: "application/json", headers: Vec::new(), body: tokens.body() }
                        .no_store()
                }
                Err(e) => Answer::oauth_error(&e).no_store(),
            }
        }
        "/dev/mint" => {
            let body = match read_body(request) {
                Ok(b) => b,
                Err(a) => return a,
            };
            let parsed: Result<MintRequest, _> = serde_json::from_slice(&body);
            match parsed {
                Err(e) => Answer::error(400, "invalid_request", format!("mint request: {e}")),
                Ok(req) => match mint::mint(state, &req) {
                    Ok(token) => Answer::json(200, &json!({ "token": token })).no_store(),
                    Err(e) => Answer::oauth_error(&e),
                },
            }
        }
        "/dev/rotate" => {
            let body = match read_body(request) {
                Ok(b) => b,
                Err(a) => return a,
            };
            let retire = if body.iter().all(u8::is_ascii_whitespace) {
                false
            } else {
                match serde_json::from_slice::<Value>(&body) {
                    Ok(v) => match v.get("retire") {
                        None | Some(Value::Null) => false,
                        Some(Value::Bool(b)) => *b,
                        Some(_) => return Answer::error(400, "invalid_request", "retire must be a boolean"),
                    },
                    Err(e) => return Answer::error(400, "invalid_request", format!("rotate request: {e}")),
                }
            };
            let mut keyring = state.keyring_mut();
            if let Err(e) = keyring.rotate(retire) {
                return Answer::error(500, "server_error", format!("key generation: {e}"));
            }
            Answer::json(200, &json!({ "kids": keyring.published_kids(), "signing_kids": keyring.current().kids() }))
        }
        _ => Answer::json(200, &discovery::metadata(state)),
    }
}
