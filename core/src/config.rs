//! The one configuration schema of docs/configuration.md, shared by every language.
//!
//! Field names are public API. Unknown fields are refused (`invalid_config`). Top-level key-source
//! and policy fields describe the single trusted issuer; `issuers` lists several, each with its own
//! key source and, optionally, its own policy (fields left out inherit the top-level value).

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, ErrorCode, Result};

/// A string or a list of strings (`audience`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// `discovery`: `true` discovers from the issuer URL (OpenID Connect, then RFC 8414); a string is
/// the explicit URL of the metadata document.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Discovery {
    Enabled(bool),
    Url(String),
}

/// Key source and policy of one trusted issuer.
///
/// `Debug` prints `hmac_secret` as `<redacted>`; the secret is zeroized when the value is dropped.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerConfig {
    /// The exact `iss` value (compared by code points).
    pub issuer: Option<String>,
    // Key source: exactly one of these.
    pub jwks_url: Option<String>,
    pub discovery: Option<Discovery>,
    /// Inline JWK Set: a JSON object, or its text.
    pub jwks: Option<Value>,
    /// One or more PEM public keys (SPKI `PUBLIC KEY`, or `RSA PUBLIC KEY`).
    pub pem: Option<String>,
    /// A JWKS endpoint that requires a bearer token: this service's client-credentials token is
    /// obtained with this token client (`issuer` defaults to the trusted issuer).
    pub jwks_auth: Option<crate::token_client::TokenClientConfig>,
    /// Shared secret for HS256/384/512. HMAC is only ever accepted with this explicit secret.
    pub hmac_secret: Option<String>,
    // Per-issuer policy overrides.
    pub audience: Option<OneOrMany>,
    /// Accept any `aud`. Never together with `audience` in the same object (`invalid_config`); an
    /// `issuers` entry's own `audience` cancels an inherited `allow_any_audience`.
    pub allow_any_audience: Option<bool>,
    pub algorithms: Option<Vec<String>>,
    pub required_claims: Option<Vec<String>>,
    pub token_type: Option<String>,
    pub max_token_age_s: Option<u64>,
    pub allowed_clients: Option<Vec<String>>,
    pub required_scopes: Option<Vec<String>>,
    pub roles_claim: Option<String>,
}

impl std::fmt::Debug for IssuerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuerConfig")
            .field("issuer", &self.issuer)
            .field("jwks_url", &self.jwks_url)
            .field("discovery", &self.discovery)
            .field("jwks", &self.jwks)
            .field("pem", &self.pem)
            .field("jwks_auth", &self.jwks_auth)
            .field("hmac_secret", &self.hmac_secret.as_ref().map(|_| "<redacted>"))
            .field("audience", &self.audience)
            .field("allow_any_audience", &self.allow_any_audience)
            .field("algorithms", &self.algorithms)
            .field("required_claims", &self.required_claims)
            .field("token_type", &self.token_type)
            .field("max_token_age_s", &self.max_token_age_s)
            .field("allowed_clients", &self.allowed_clients)
            .field("required_scopes", &self.required_scopes)
            .field("roles_claim", &self.roles_claim)
            .finish()
    }
}

impl Drop for IssuerConfig {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.hmac_secret);
    }
}

/// The validator configuration.
///
/// Deserialised in two steps (serde cannot combine `flatten` with `deny_unknown_fields`): the
/// process-wide fields below, then every remaining field as the top-level [`IssuerConfig`], which
/// refuses anything it does not know.
#[derive(Debug, Clone)]
pub struct Config {
    /// Key source and policy given at the top level (the single issuer, or defaults for `issuers`).
    pub default_issuer: IssuerConfig,
    /// Several trusted issuers. Mutually exclusive with a top-level key source.
    pub issuers: Option<Vec<IssuerConfig>>,
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (default 60).
    pub leeway_s: u64,
    /// Size cap on the compact token, checked before any decoding (default 16 KiB).
    pub max_token_bytes: usize,
    /// Cookie to read the token from, in addition to the `Authorization` header.
    pub cookie_name: Option<String>,
    pub jwks_cache_ttl_s: u64,
    pub jwks_refresh_cooldown_s: u64,
    pub http_timeout_ms: u64,
    pub allow_insecure_http: bool,
    /// PEM CA certificates (an internal PKI) trusted for `https` key sources, discovery and
    /// `jwks_auth` token endpoints instead of the built-in web PKI roots.
    pub ca_bundle_pem: Option<String>,
}

/// The process-wide fields of [`Config`], as they appear in JSON.
#[derive(Deserialize)]
struct Globals {
    issuers: Option<Vec<IssuerConfig>>,
    #[serde(default = "defaults::leeway_s")]
    leeway_s: u64,
    #[serde(default = "defaults::max_token_bytes")]
    max_token_bytes: usize,
    cookie_name: Option<String>,
    #[serde(default = "defaults::jwks_cache_ttl_s")]
    jwks_cache_ttl_s: u64,
    #[serde(default = "defaults::jwks_refresh_cooldown_s")]
    jwks_refresh_cooldown_s: u64,
    #[serde(default = "defaults::http_timeout_ms")]
    http_timeout_ms: u64,
    #[serde(default)]
    allow_insecure_http: bool,
    ca_bundle_pem: Option<String>,
}

pub(crate) const GLOBAL_FIELDS: [&str; 9] = [
    "issuers",
    "leeway_s",
    "max_token_bytes",
    "cookie_name",
    "jwks_cache_ttl_s",
    "jwks_refresh_cooldown_s",
    "http_timeout_ms",
    "allow_insecure_http",
    "ca_bundle_pem",
];

pub(crate) mod defaults {
    pub fn leeway_s() -> u64 {
        60
    }
    pub fn max_token_bytes() -> usize {
        16 * 1024
    }
    pub fn jwks_cache_ttl_s() -> u64 {
        300
    }
    pub fn jwks_refresh_cooldown_s() -> u64 {
        30
    }
    pub fn http_timeout_ms() -> u64 {
        5000
    }
    pub const ROLES_CLAIM: &str = "roles";
    pub const JWKS_MAX_BYTES: u64 = 512 * 1024;
    pub const JWKS_MAX_KEYS: usize = 100;
}

impl Config {
    /// Parse a configuration from JSON text. Unknown fields and wrong types are `invalid_config`.
    pub fn from_json(text: &str) -> Result<Config> {
        let value: Value = serde_json::from_str(text).map_err(|e| match file_path_hint(text) {
            Some(hint) => Error::new(ErrorCode::InvalidConfig, format!("configuration: {hint}")),
            None => config_error(e),
        })?;
        Config::from_value(value)
    }

    /// Parse a configuration from a JSON value (an object).
    pub fn from_value(value: Value) -> Result<Config> {
        let Value::Object(mut map) = value else {
            return Err(Error::new(ErrorCode::InvalidConfig, "configuration: expected a JSON object"));
        };
        let mut globals = serde_json::Map::new();
        for name in GLOBAL_FIELDS {
            if let Some(v) = map.remove(name) {
                globals.insert(name.to_owned(), v);
            }
        }
        let g: Globals = serde_json::from_value(Value::Object(globals)).map_err(config_error)?;
        // The top level accepts the process-wide fields too: a typo there is compared with every
        // field, not only the per-issuer ones serde lists.
        let default_issuer: IssuerConfig = serde_json::from_value(Value::Object(map)).map_err(|e| {
            match unknown_field_message(&e.to_string(), &GLOBAL_FIELDS) {
                Some(m) => Error::new(ErrorCode::InvalidConfig, format!("configuration: {m}")),
                None => config_error(e),
            }
        })?;
        Ok(Config {
            default_issuer,
            issuers: g.issuers,
            leeway_s: g.leeway_s,
            max_token_bytes: g.max_token_bytes,
            cookie_name: g.cookie_name,
            jwks_cache_ttl_s: g.jwks_cache_ttl_s,
            jwks_refresh_cooldown_s: g.jwks_refresh_cooldown_s,
            http_timeout_ms: g.http_timeout_ms,
            allow_insecure_http: g.allow_insecure_http,
            ca_bundle_pem: g.ca_bundle_pem,
        })
    }
}

fn config_error(e: serde_json::Error) -> Error {
    Error::new(ErrorCode::InvalidConfig, format!("configuration: {}", describe_json_error(&e)))
}

/// A serde error as a message that never repeats the offending value (a secret put in the wrong
/// field must not reach a log) nor a line/column of a document the user did not write as text.
pub(crate) fn describe_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" at line ") {
        Some(i) if e.line() > 0 => text[..i].to_owned(),
        _ => text,
    };
    if let Some(m) = unknown_field_message(&text, &[]) {
        return m;
    }
    // `unknown variant `x`, expected one of …`: the value may be a secret put in the wrong field.
    if let Some(rest) = text.strip_prefix("unknown variant ") {
        let expected = rest.split_once(", expected").map(|(_, e)| e).unwrap_or("");
        return format!("unknown variant, expected{expected}");
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let (found, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
            let kind = found.split([' ', '`', '"']).next().unwrap_or("value");
            return format!("{prefix}{kind}, expected{expected}");
        }
    }
    text
}

/// serde's `unknown field `x`, expected one of `a`, `b`` (plus `extra` valid names) as a message
/// that lists every valid field and suggests the nearest one. `None` for any other error.
fn unknown_field_message(text: &str, extra: &[&str]) -> Option<String> {
    let rest = text.strip_prefix("unknown field `")?;
    let (name, rest) = rest.split_once('`')?;
    let rest = rest.split(" at line ").next().unwrap_or(rest);
    let mut valid: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    for e in extra {
        if !valid.contains(e) {
            valid.push(e);
        }
    }
    let shown = crate::error::quote(name);
    let shown = &shown[1..shown.len() - 1];
    if valid.is_empty() {
        return Some(format!("unknown field `{shown}`: this object takes no fields"));
    }
    let list = valid.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
    Some(match nearest_name(name, &valid) {
        Some(near) => format!("unknown field `{shown}`: did you mean `{near}`? valid fields: {list}"),
        None => format!("unknown field `{shown}`, expected one of {list}"),
    })
}

/// The valid name nearest to `name`: equal once case, `_` and `-` are ignored (`clientID`,
/// `client-id`), else within a small edit distance (`audiance`, `jwks_uri`).
pub fn nearest_name<'a>(name: &str, valid: &[&'a str]) -> Option<&'a str> {
    let fold = |s: &str| s.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect::<String>();
    let folded = fold(name);
    if let Some(v) = valid.iter().find(|v| fold(v) == folded) {
        return Some(v);
    }
    let limit = (folded.chars().count() / 3).clamp(1, 3);
    valid
        .iter()
        .map(|v| (edit_distance(&folded, &fold(v)), *v))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, v)| v)
}

/// Levenshtein distance by characters (names are short: the quadratic cost is nothing).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A hint when configuration text that is not JSON looks like a file path (`config.json`,
/// `/etc/svc/auth.json`): the caller meant to pass the file's contents. The text is not repeated.
fn file_path_hint(text: &str) -> Option<&'static str> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let path_like = !t.is_empty()
        && !t.contains('\n')
        && t.len() <= 4096
        && ([".json", ".yaml", ".yml", ".toml"].iter().any(|ext| lower.ends_with(ext))
            || t.starts_with('/')
            || t.starts_with("./")
            || t.starts_with("../")
            || t.starts_with("~/"));
    path_like.then_some(
        "the text is not JSON but looks like a file path: pass the configuration's JSON text (read the file \
         first), not its path",
    )
}

impl std::str::FromStr for Config {
    type Err = Error;
    fn from_str(s: &str) -> Result<Config> {
        Config::from_json(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_repeat_values() {
        let e = Config::from_json(r#"{"issuer": "x", "audience": "a", "leeway_s": "s3cret-value"}"#).unwrap_err();
        assert!(!e.message().contains("s3cret"), "{}", e.message());
        assert!(e.message().contains("invalid type: string, expected"), "{}", e.message());
        let e = Config::from_json(r#"{"issuer": "x", "hmac_secret": 12345}"#).unwrap_err();
        assert!(!e.message().contains("12345"), "{}", e.message());
        let e = Config::from_json(r#"{"issuer": "x", "nope": 1}"#).unwrap_err();
        assert!(e.message().contains("unknown field `nope`"), "{}", e.message());
        assert!(!e.message().contains("line"), "{}", e.message());
    }
}
