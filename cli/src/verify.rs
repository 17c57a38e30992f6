//! `meshauth verify`: the real validator, with the configuration schema every binding uses. The
//! options are shorthand for configuration fields; `--config FILE` gives any other field.

use serde_json::{json, Map, Value};

use crate::decode;
use crate::exit_code;
use crate::explain;
use crate::style::Style;
use crate::time_text;
use crate::Failure;

/// The options of `verify` that become configuration fields.
#[derive(Debug, Default)]
pub struct Options {
    pub config: Option<std::path::PathBuf>,
    pub issuer: Option<String>,
    pub audience: Vec<String>,
    pub discovery: bool,
    pub jwks_url: Option<String>,
    pub jwks: Option<std::path::PathBuf>,
    pub pem: Option<std::path::PathBuf>,
    pub algorithms: Vec<String>,
    pub token_type: Option<String>,
    pub required_scopes: Vec<String>,
    pub allowed_clients: Vec<String>,
    pub leeway_s: Option<u64>,
    pub allow_insecure_http: bool,
}

fn read_file(path: &std::path::Path, what: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::new(exit_code::CANNOT_RUN, format!("cannot read {what} {}: {e}", path.display())))
}

/// The configuration object: `--config FILE`, then each option over it.
pub fn config(o: &Options) -> Result<Map<String, Value>, Failure> {
    let mut cfg = match &o.config {
        Some(path) => match serde_json::from_str::<Value>(&read_file(path, "the configuration")?) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return Err(Failure::new(exit_code::INVALID_CONFIG, "the configuration file is not a JSON object"))
            }
            Err(e) => {
                return Err(Failure::new(exit_code::INVALID_CONFIG, format!("the configuration file is not JSON: {e}")))
            }
        },
        None => Map::new(),
    };
    let mut set = |k: &str, v: Value| {
        cfg.insert(k.to_owned(), v);
    };
    if let Some(i) = &o.issuer {
        set("issuer", json!(i));
    }
    match o.audience.as_slice() {
        [] => {}
        [one] => set("audience", json!(one)),
        many => set("audience", json!(many)),
    }
    if o.discovery {
        set("discovery", json!(true));
    }
    if let Some(u) = &o.jwks_url {
        set("jwks_url", json!(u));
    }
    if let Some(p) = &o.jwks {
        set("jwks", json!(read_file(p, "the JWK Set")?));
    }
    if let Some(p) = &o.pem {
        set("pem", json!(read_file(p, "the PEM key")?));
    }
    if !o.algorithms.is_empty() {
        set("algorithms", json!(o.algorithms));
    }
    if let Some(t) = &o.token_type {
        set("token_type", json!(t));
    }
    if !o.required_scopes.is_empty() {
        set("required_scopes", json!(o.required_scopes));
    }
    if !o.allowed_clients.is_empty() {
        set("allowed_clients", json!(o.allowed_clients));
    }
    if let Some(l) = o.leeway_s {
        set("leeway_s", json!(l));
    }
    if o.allow_insecure_http {
        set("allow_insecure_http", json!(true));
    }
    Ok(cfg)
}

/// Run it: the Principal on stdout (exit 0), or the refusal (exit by category).
pub fn run(token: &str, o: &Options, json_out: bool) -> Result<u8, Failure> {
    let cfg = config(o)?;
    let now = meshauth::now();
    let result =
        meshauth::Validator::from_json(&Value::Object(cfg.clone()).to_string()).and_then(|v| v.validate_at(token, now));
    let (out, err) = (Style::detect(false), Style::detect(true));
    match result {
        Ok(principal) => {
            let p: Value = serde_json::from_str(&principal.to_json()).expect("the Principal is JSON");
            if json_out {
                println!("{}", json!({"valid": true, "principal": p}));
            } else {
                eprintln!(
                    "{} signature, issuer, audience, times and policy checked; expires {}",
                    err.good("verified:"),
                    time_text::date_and_relative(principal.expires_at, now)
                );
                // The raw token is left out for a person (it is what they passed in, and one long
                // line); `--json` prints the whole Principal.
                let mut shown = p;
                if let Some(map) = shown.as_object_mut() {
                    map.remove("token");
                }
                println!("{}", serde_json::to_string_pretty(&shown).expect("JSON"));
                eprintln!("{}", err.dim("(the token field is left out here; --json prints the whole Principal)"));
            }
            Ok(exit_code::OK)
        }
        Err(e) => {
            let decoded = decode::decode(token).ok();
            let explanation = if e.code() == meshauth::ErrorCode::InvalidConfig {
                Vec::new()
            } else {
                explain::explain(e.code(), token, decoded.as_ref(), &cfg, now)
            };
            if json_out {
                let mut error = e.to_json();
                error["explanation"] = json!(explanation);
                println!("{}", json!({"valid": false, "error": error}));
            } else {
                let mut text = format!("{} {}\n", out.bad("refused:"), out.bold(e.code().as_str()));
                // "  message  " is 11 columns; the message wraps at 80 under itself.
                let first = format!("  {}  ", out.key("message"));
                text.push_str(&crate::inspect::wrap(e.message(), &first, 11, 80));
                if let Some(status) = e.http_status() {
                    text.push_str(&format!("  {}  {status}\n", out.key("HTTP   ")));
                }
                if let Some(w) = e.www_authenticate() {
                    text.push_str(&format!("  {}\n", out.key("WWW-Authenticate:")));
                    // One attribute per line when the value is wider than the terminal's 80 columns.
                    if w.len() + 4 <= 80 {
                        text.push_str(&format!("    {w}\n"));
                    } else {
                        text.push_str(&format!("    {}\n", w.replace(", ", ",\n      ")));
                    }
                }
                if !explanation.is_empty() {
                    text.push_str(&format!("{}\n", out.bold("why")));
                    for line in &explanation {
                        text.push_str(&format!("  {line}\n"));
                    }
                }
                print!("{text}");
            }
            Ok(exit_code::for_code(e.code()))
        }
    }
}
