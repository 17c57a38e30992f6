//! Why a token was refused, in a few lines for the operator: the observed value next to the
//! configured one for the check that failed. The validator decided; this only reads the token
//! (unverified) and the configuration to show the two sides. Values are JSON-quoted and cut, never
//! raw: the token's text can be anything.

use meshauth::{Algorithm, ErrorCode};
use serde_json::{Map, Value};

use crate::decode::{self, Decoded};
use crate::time_text;

/// The configuration that applies to this token: the `issuers` entry whose `issuer` is the
/// token's `iss`, with the top level's fields filling what it leaves out.
fn effective(config: &Map<String, Value>, iss: Option<&str>) -> Map<String, Value> {
    let mut out = config.clone();
    if let (Some(Value::Array(entries)), Some(iss)) = (config.get("issuers"), iss) {
        if let Some(Value::Object(entry)) =
            entries.iter().find(|e| e.get("issuer").and_then(Value::as_str) == Some(iss))
        {
            for (k, v) in entry {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

fn or_none(value: Option<&Value>) -> String {
    value.map(decode::show).unwrap_or_else(|| "(none)".to_owned())
}

/// The explanation lines for a refusal with `code`. Empty when there is nothing to add to the
/// message. `decoded` is `None` when the token could not be decoded at all.
pub fn explain(
    code: ErrorCode,
    token: &str,
    decoded: Option<&Decoded>,
    config: &Map<String, Value>,
    now: i64,
) -> Vec<String> {
    let empty = Map::new();
    let (header, claims) = decoded.map(|d| (&d.header, &d.claims)).unwrap_or((&empty, &empty));
    let cfg = effective(config, claims.get("iss").and_then(Value::as_str));
    let leeway = cfg.get("leeway_s").and_then(Value::as_i64).unwrap_or(60);
    let mut lines = Vec::new();
    use ErrorCode::*;
    match code {
        InvalidAudience => {
            lines.push(format!("token aud:           {}", or_none(claims.get("aud"))));
            lines.push(format!("configured audience: {}", or_none(cfg.get("audience"))));
            lines.push("at least one aud member must equal a configured audience exactly".to_owned());
        }
        InvalidIssuer => {
            lines.push(format!("token iss:        {}", or_none(claims.get("iss"))));
            let trusted: Vec<Value> = match config.get("issuers") {
                Some(Value::Array(entries)) => entries.iter().filter_map(|e| e.get("issuer").cloned()).collect(),
                _ => config.get("issuer").cloned().into_iter().collect(),
            };
            lines.push(format!("trusted issuers:  {}", decode::show(&Value::Array(trusted))));
            lines.push("issuers are compared exactly (a trailing slash matters)".to_owned());
        }
        TokenExpired => {
            if let Some(exp) = decode::seconds(claims.get("exp")) {
                lines.push(format!("token exp:  {}", time_text::date_and_relative(exp, now)));
            }
            lines.push(format!("now:        {} (leeway {leeway} s)", time_text::utc(now)));
            if let (Some(max_age), Some(iat)) =
                (cfg.get("max_token_age_s").and_then(Value::as_i64), decode::seconds(claims.get("iat")))
            {
                lines.push(format!(
                    "token iat:  {} (max_token_age_s {max_age})",
                    time_text::date_and_relative(iat, now)
                ));
            }
        }
        TokenNotYetValid => {
            for name in ["nbf", "iat"] {
                if let Some(t) = decode::seconds(claims.get(name)) {
                    lines.push(format!("token {name}:  {}", time_text::date_and_relative(t, now)));
                }
            }
            lines.push(format!("now:        {} (leeway {leeway} s)", time_text::utc(now)));
            lines.push("a clock is wrong: this machine's or the issuer's".to_owned());
        }
        AlgorithmNotAllowed => {
            lines.push(format!("token alg:           {}", or_none(header.get("alg"))));
            let allowed = match cfg.get("algorithms") {
                Some(v) => decode::show(v),
                None => {
                    let names: Vec<&str> = Algorithm::ASYMMETRIC.iter().map(|a| a.name()).collect();
                    format!("{} (default)", names.join(", "))
                }
            };
            lines.push(format!("allowed algorithms:  {allowed}"));
            lines.push("the alg must also match the selected key's type and the JWK's own alg".to_owned());
        }
        KeyNotFound => {
            lines.push(format!("token kid: {}   alg: {}", or_none(header.get("kid")), or_none(header.get("alg"))));
            if let Some(kids) = inline_kids(&cfg) {
                lines.push(format!("key set kids: {}", decode::show(&Value::Array(kids))));
            }
            lines.push("keys of type oct, with private members, with use other than sig, or RSA".to_owned());
            lines.push("under 2048 bits are skipped; the issuer may have rotated its keys".to_owned());
        }
        InvalidSignature => {
            lines.push(format!("token kid: {}   alg: {}", or_none(header.get("kid")), or_none(header.get("alg"))));
            lines.push("the key with this kid does not verify the signature: the token was".to_owned());
            lines.push("altered, or signed by another key under the same kid".to_owned());
        }
        MissingClaim => {
            let mut required = vec![Value::String("exp".to_owned())];
            if let Some(Value::Array(more)) = cfg.get("required_claims") {
                required.extend(more.iter().cloned());
            }
            if cfg.get("max_token_age_s").is_some() {
                required.push(Value::String("iat".to_owned()));
            }
            let missing: Vec<Value> =
                required.into_iter().filter(|r| r.as_str().is_some_and(|n| !claims.contains_key(n))).collect();
            lines.push(format!("missing claims: {}", decode::show(&Value::Array(missing))));
            let present: Vec<Value> = claims.keys().map(|k| Value::String(k.clone())).collect();
            lines.push(format!("token claims:   {}", decode::show(&Value::Array(present))));
        }
        InvalidClaim => {
            for name in ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "client_id", "azp", "scope", "scp"] {
                if let Some(v) = claims.get(name) {
                    lines.push(format!("{name:>9}: {}", decode::show(v)));
                }
            }
            lines.push("exp, nbf, iat: numbers; iss, sub, jti, client_id, azp: strings; aud: a".to_owned());
            lines.push("string or array of strings; scope: a string; scp: an array of strings".to_owned());
        }
        InvalidTokenType => {
            lines.push(format!("token typ:          {}", or_none(header.get("typ"))));
            match cfg.get("token_type") {
                Some(v) => lines.push(format!("configured token_type: {}", decode::show(v))),
                None => lines.push("accepted by default:  no typ, \"JWT\" or \"at+jwt\"".to_owned()),
            }
        }
        InsufficientScope => {
            let scopes = claims.get("scope").or_else(|| claims.get("scp"));
            lines.push(format!("token scopes:    {}", or_none(scopes)));
            lines.push(format!("required scopes: {}", or_none(cfg.get("required_scopes"))));
        }
        CallerNotAllowed => {
            let caller = claims.get("client_id").or_else(|| claims.get("azp")).or_else(|| claims.get("sub"));
            lines.push(format!("calling client:  {} (client_id, else azp, else sub)", or_none(caller)));
            lines.push(format!("allowed_clients: {}", or_none(cfg.get("allowed_clients"))));
        }
        KeySourceUnavailable => {
            for name in ["jwks_url", "discovery"] {
                if let Some(v) = cfg.get(name) {
                    lines.push(format!("{name}: {}", decode::show(v)));
                }
            }
            lines.push("no usable keys were fetched and none are cached; is the issuer up?".to_owned());
        }
        TokenTooLarge => {
            let cap = cfg.get("max_token_bytes").and_then(Value::as_u64).unwrap_or(16 * 1024);
            lines.push(format!("token: {} bytes; max_token_bytes: {cap}", token.len()));
        }
        MalformedToken | UnsupportedToken => {
            lines.push(format!("{} dot-separated segments (a JWS has 3)", token.split('.').count()));
        }
        _ => {}
    }
    lines
}

fn inline_kids(cfg: &Map<String, Value>) -> Option<Vec<Value>> {
    let jwks = match cfg.get("jwks")? {
        Value::String(text) => serde_json::from_str::<Value>(text).ok()?,
        v => v.clone(),
    };
    let keys = jwks.get("keys")?.as_array()?;
    Some(keys.iter().map(|k| k.get("kid").cloned().unwrap_or(Value::Null)).collect())
}
