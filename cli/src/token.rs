//! `meshauth token` (client credentials) and `meshauth exchange` (jwt-bearer, token exchange):
//! the core's token client. The token goes to stdout, diagnostics to stderr. Secrets come from a
//! file or the environment, never from an option value.

use serde_json::{json, Map, Value};

use crate::exit_code;
use crate::style::Style;
use crate::time_text;
use crate::Failure;

/// How the client is identified and authenticated, and the request's defaults.
#[derive(Debug, Default)]
pub struct ClientOptions {
    pub issuer: Option<String>,
    pub token_endpoint: Option<String>,
    pub client_id: String,
    pub client_secret_file: Option<std::path::PathBuf>,
    /// From `MESHAUTH_CLIENT_SECRET` (clap reads the environment; never a flag value).
    pub client_secret_env: Option<String>,
    pub private_key: Option<std::path::PathBuf>,
    pub private_key_alg: Option<String>,
    pub private_key_kid: Option<String>,
    pub client_auth: Option<String>,
    pub allow_insecure_http: bool,
}

/// What is asked for.
#[derive(Debug, Default)]
pub struct RequestOptions {
    pub audience: Option<String>,
    pub scope: Vec<String>,
    pub resource: Vec<String>,
    pub subject_token_type: Option<String>,
    pub requested_token_type: Option<String>,
    pub use_client_token: bool,
}

fn client(o: &ClientOptions) -> Result<meshauth::TokenClient, Failure> {
    let mut cfg = Map::new();
    cfg.insert("client_id".into(), json!(o.client_id));
    if let Some(i) = &o.issuer {
        cfg.insert("issuer".into(), json!(i));
    }
    if let Some(t) = &o.token_endpoint {
        cfg.insert("token_endpoint".into(), json!(t));
    }
    let secret = match &o.client_secret_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| {
                    Failure::new(
                        exit_code::CANNOT_RUN,
                        format!("cannot read the client secret {}: {e}", path.display()),
                    )
                })?
                .trim_end_matches(['\r', '\n'])
                .to_owned(),
        ),
        None => o.client_secret_env.clone().filter(|s| !s.is_empty()),
    };
    if let Some(s) = secret {
        cfg.insert("client_secret".into(), json!(s));
    }
    if let Some(path) = &o.private_key {
        let pem = std::fs::read_to_string(path).map_err(|e| {
            Failure::new(exit_code::CANNOT_RUN, format!("cannot read the private key {}: {e}", path.display()))
        })?;
        cfg.insert("private_key_pem".into(), json!(pem));
    }
    for (name, value) in [
        ("private_key_alg", &o.private_key_alg),
        ("private_key_kid", &o.private_key_kid),
        ("client_auth", &o.client_auth),
    ] {
        if let Some(v) = value {
            cfg.insert(name.into(), json!(v));
        }
    }
    if o.allow_insecure_http {
        cfg.insert("allow_insecure_http".into(), json!(true));
    }
    if !cfg.contains_key("client_secret") && !cfg.contains_key("private_key_pem") {
        return Err(Failure::new(
            exit_code::INVALID_CONFIG,
            "no client credentials: give --client-secret-file FILE, MESHAUTH_CLIENT_SECRET, or --private-key FILE",
        ));
    }
    meshauth::TokenClient::from_value(Value::Object(cfg)).map_err(Failure::from_error)
}

fn request(r: &RequestOptions) -> Result<meshauth::TokenRequest, Failure> {
    let mut req = Map::new();
    if let Some(a) = &r.audience {
        req.insert("audience".into(), json!(a));
    }
    if !r.scope.is_empty() {
        req.insert("scope".into(), json!(r.scope));
    }
    if !r.resource.is_empty() {
        req.insert("resource".into(), json!(r.resource));
    }
    if let Some(t) = &r.subject_token_type {
        req.insert("subject_token_type".into(), json!(t));
    }
    if let Some(t) = &r.requested_token_type {
        req.insert("requested_token_type".into(), json!(t));
    }
    if r.use_client_token {
        req.insert("use_client_token".into(), json!(true));
    }
    meshauth::TokenRequest::from_json(&Value::Object(req).to_string()).map_err(Failure::from_error)
}

/// Which exchange grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    ClientCredentials,
    JwtBearer,
    TokenExchange,
}

/// Obtain a token and print it: the access token alone on stdout (or the JSON with `--json`), its
/// expiry and scope on stderr.
pub fn run(
    grant: Grant,
    subject: Option<&str>,
    c: &ClientOptions,
    r: &RequestOptions,
    json_out: bool,
) -> Result<u8, Failure> {
    let client = client(c)?;
    let req = request(r)?;
    let answer = match (grant, subject) {
        (Grant::ClientCredentials, _) => client.client_credentials(&req),
        (Grant::JwtBearer, Some(s)) => client.jwt_bearer(s, &req),
        (Grant::TokenExchange, Some(s)) => client.token_exchange(s, &req),
        (_, None) => unreachable!("exchange always reads a subject token"),
    };
    let token = answer.map_err(Failure::from_error)?;
    if json_out {
        println!("{}", token.to_json());
    } else {
        println!("{}", token.access_token);
        let s = Style::detect(true);
        let mut note = format!("{} {} token", s.good("obtained"), token.token_type);
        if let Some(exp) = token.expires_at {
            note.push_str(&format!(", expires {}", time_text::date_and_relative(exp, meshauth::now())));
        }
        if let Some(scope) = &token.scope {
            note.push_str(&format!(", scope {scope:?}"));
        }
        eprintln!("{note}");
    }
    Ok(exit_code::OK)
}
