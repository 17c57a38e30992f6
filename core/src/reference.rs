//! The public contract as data: every configuration option and every error code, with what it
//! means. `docs/configuration.md` and `docs/errors.md` are rendered from here (`make docs`), and a
//! test fails when the rendered text and the committed files differ, or when this table and the
//! fields the configuration parser accepts disagree.

use crate::config::defaults;
use crate::error::ErrorCode;

/// Where an option is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionScope {
    /// Process-wide validator settings (top level of the validator configuration only).
    Validator,
    /// Key source and policy of one trusted issuer: at the top level, or in each `issuers[]` entry
    /// (an entry inherits the top-level value of every policy field it leaves out).
    Issuer,
    /// The token client (`TokenClient`, and `jwks_auth` inside an issuer).
    TokenClient,
    /// One token request (`client_credentials`, `jwt_bearer`, `token_exchange`).
    TokenRequest,
}

impl OptionScope {
    pub fn all() -> [OptionScope; 4] {
        [OptionScope::Validator, OptionScope::Issuer, OptionScope::TokenClient, OptionScope::TokenRequest]
    }

    fn heading(self) -> &'static str {
        match self {
            OptionScope::Validator => "Validator: process-wide settings",
            OptionScope::Issuer => "Validator: key source and policy of a trusted issuer",
            OptionScope::TokenClient => "Token client",
            OptionScope::TokenRequest => "Token request",
        }
    }

    fn intro(self) -> &'static str {
        match self {
            OptionScope::Validator => "Accepted at the top level of the validator configuration only.",
            OptionScope::Issuer => {
                "Accepted at the top level (the single trusted issuer, or defaults for `issuers`) and in each \
                 `issuers[]` entry. An entry inherits every policy field it leaves out from the top level; key \
                 sources are never inherited or shared. Exactly one key source per issuer: `jwks_url`, \
                 `discovery`, `jwks`, `pem` or `hmac_secret`."
            }
            OptionScope::TokenClient => {
                "The configuration of a `TokenClient`, and of `jwks_auth` inside a validator's issuer."
            }
            OptionScope::TokenRequest => {
                "The parameters of one request. A parameter that does not apply to the grant is `invalid_config`."
            }
        }
    }
}

/// One configuration option.
#[derive(Debug, Clone, Copy)]
pub struct OptionDoc {
    pub name: &'static str,
    pub scope: OptionScope,
    /// The JSON type(s) accepted.
    pub ty: &'static str,
    /// The default, as a user would write it, or `None` when absent means "not set".
    pub default: Option<&'static str>,
    pub meaning: &'static str,
}

const fn opt(
    scope: OptionScope,
    name: &'static str,
    ty: &'static str,
    default: Option<&'static str>,
    meaning: &'static str,
) -> OptionDoc {
    OptionDoc { name, scope, ty, default, meaning }
}

use OptionScope::{Issuer as I, TokenClient as C, TokenRequest as R, Validator as V};

/// Every option, in the order the reference lists them.
pub const OPTIONS: &[OptionDoc] = &[
    opt(V, "issuers", "array of objects", None, "Several trusted issuers, each an object of the issuer options below. The token's `iss` picks the entry before any network I/O. Exclusive with a top-level key source."),
    opt(V, "leeway_s", "integer 0–300", Some("60"), "Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds. At most 300 (5 minutes): a larger value would switch expiry off, and is `invalid_config`."),
    opt(V, "max_token_bytes", "integer 1–1048576", Some("16384"), "Size cap on the compact token, checked before any decoding (`token_too_large`). At most 1 MiB."),
    opt(V, "cookie_name", "string", None, "Also read the token from this cookie. A token in both the header and the cookie, or the cookie twice, is `invalid_request`."),
    opt(V, "jwks_cache_ttl_s", "integer 0–86400", Some("300"), "How long a fetched key set is used before it is fetched again. At most one day, so that a removed key stops being trusted."),
    opt(V, "jwks_refresh_cooldown_s", "integer 0–3600", Some("30"), "Minimum time between two refetches caused by an unknown `kid`, whatever the concurrency: validations that need a new key while that refetch is in flight wait for it (at most `http_timeout_ms`); inside the cooldown an unknown `kid` is `key_not_found` at once. Also the spacing of retries while the key source fails. At most one hour, so that a rotated key is picked up."),
    opt(V, "http_timeout_ms", "integer 1–60000", Some("5000"), "Total deadline of one JWKS or discovery request (connect, headers and body). At most one minute."),
    opt(V, "allow_insecure_http", "boolean", Some("false"), "Allow plain `http` key-source URLs on non-loopback hosts. Loopback hosts (127.0.0.0/8, ::1, localhost) are always allowed."),
    opt(V, "ca_bundle_pem", "string (PEM)", None, "CA certificates (PEM text) that replace the built-in web PKI roots for every `https` request of the validator (JWKS, discovery, `jwks_auth`): for internal PKI. Not PEM, no certificate, or a private key inside is `invalid_config`. Prefer it to `allow_insecure_http`."),
    opt(I, "issuer", "string", None, "The exact `iss` value, compared by code points. Also the base URL for `discovery: true`."),
    opt(I, "jwks_url", "string (URL)", None, "Key source: a JWKS endpoint. `https` only (see `allow_insecure_http`); redirects are never followed; body capped at 512 KiB and 100 keys."),
    opt(I, "discovery", "boolean or string (URL)", None, "Key source: `true` discovers `jwks_uri` from the issuer (OpenID Connect, then RFC 8414); a string is the metadata document's URL. The document's `issuer` must equal the configured one exactly."),
    opt(I, "jwks", "object or string", None, "Key source: an inline JWK Set, as a JSON object or its text. A set with no usable key is `invalid_config`."),
    opt(I, "pem", "string", None, "Key source: one or more PEM public keys (`PUBLIC KEY` or `RSA PUBLIC KEY`). A PEM key answers any `kid`, for its own algorithm family only."),
    opt(I, "jwks_auth", "object (token client)", None, "The JWKS endpoint requires a bearer token: this service's client-credentials token is obtained with this token client configuration (`issuer` defaults to the trusted issuer)."),
    opt(I, "hmac_secret", "string (≥ 32 bytes)", None, "Key source: a shared secret for HS256/384/512. HMAC is only ever accepted with this explicit secret, never with keys from a JWKS. The secret must be at least as long as the hash output (RFC 7518 §3.2): 32 bytes for HS256, 48 for HS384, 64 for HS512; without `algorithms`, only the HS algorithms the secret is long enough for are allowed, and listing one it is too short for is `invalid_config`."),
    opt(I, "audience", "string or array of strings", None, "This service's audience(s); a token is accepted when any of its `aud` members equals one of them. Required unless `allow_any_audience` is `true`."),
    opt(I, "allow_any_audience", "boolean", Some("false"), "Accept any `aud`: an explicit opt-out of the audience check, for services that check `aud` themselves. Setting it and `audience` in the same object is `invalid_config`; an `issuers[]` entry that sets its own `audience` does not inherit a top-level `true`."),
    opt(I, "algorithms", "array of strings", Some("RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 EdDSA"), "The algorithm allow-list. `none` is never accepted; HS* only with `hmac_secret`; an empty list is `invalid_config`."),
    opt(I, "required_claims", "array of strings", Some("[] (exp is always required)"), "Claims that must be present (`missing_claim`)."),
    opt(I, "token_type", "string", None, "Require this `typ` header (RFC 8725 §3.11), e.g. `at+jwt` for RFC 9068 access tokens. Without it, `typ` may be absent, `JWT` or `at+jwt`."),
    opt(I, "max_token_age_s", "integer ≥ 0", None, "Refuse tokens issued more than this long ago; requires `iat`."),
    opt(I, "allowed_clients", "array of strings", None, "Only these calling clients (`client_id`, else `azp`, else `sub`) are accepted (`caller_not_allowed`)."),
    opt(I, "required_scopes", "array of strings", None, "Every one of these scopes is required on every request (`insufficient_scope`)."),
    opt(I, "roles_claim", "string", Some(defaults::ROLES_CLAIM), "The claim (a dotted path for nested objects) the Principal's roles are read from."),
    opt(C, "issuer", "string", None, "The authorization server's issuer identifier: used for discovery and as the `aud` of `private_key_jwt` assertions."),
    opt(C, "token_endpoint", "string (URL)", None, "The token endpoint. Without it, discovery from `issuer` finds it."),
    opt(C, "discovery", "boolean or string (URL)", Some("true when issuer is set"), "How the token endpoint is discovered, as for the validator."),
    opt(C, "client_id", "string", None, "This client's id (required)."),
    opt(C, "client_secret", "string", None, "The client secret, for `client_secret_basic` and `client_secret_post`. Never printed, never in errors."),
    opt(C, "client_auth", "string", Some("client_secret_basic with a secret, private_key_jwt with a key"), "`client_secret_basic`, `client_secret_post` or `private_key_jwt` (RFC 7523 §2.2)."),
    opt(C, "private_key_pem", "string", None, "PKCS#8 PEM private key for `private_key_jwt`."),
    opt(C, "private_key_alg", "string", None, "The assertion's algorithm (defaults from the key type)."),
    opt(C, "private_key_kid", "string", None, "The `kid` header of the assertion."),
    opt(C, "scope", "string or array of strings", None, "Default scopes of requests that leave them out."),
    opt(C, "audience", "string", None, "Default `audience` parameter of requests that leave it out."),
    opt(C, "resource", "string or array of strings", None, "Default RFC 8707 `resource` parameters of requests that leave them out."),
    opt(C, "http_timeout_ms", "integer 1–60000", Some("5000"), "Total deadline of one token-endpoint or discovery request. At most one minute."),
    opt(C, "allow_insecure_http", "boolean", Some("false"), "Allow plain `http` endpoints on non-loopback hosts."),
    opt(C, "ca_bundle_pem", "string (PEM)", None, "CA certificates (PEM text) that replace the built-in roots for the token endpoint and discovery."),
    opt(R, "scope", "string or array of strings", None, "The scopes asked for."),
    opt(R, "audience", "string", None, "The `audience` parameter."),
    opt(R, "resource", "string or array of strings", None, "RFC 8707 `resource` parameters."),
    opt(R, "subject_token_type", "string", Some("urn:ietf:params:oauth:token-type:access_token"), "Token exchange: the type of the subject token."),
    opt(R, "requested_token_type", "string", Some("urn:ietf:params:oauth:token-type:access_token"), "Token exchange: the type asked for."),
    opt(R, "actor_token", "string", None, "Token exchange: the actor token (delegation)."),
    opt(R, "actor_token_type", "string", None, "Token exchange: the actor token's type."),
    opt(R, "use_client_token", "boolean", Some("false"), "jwt-bearer / token exchange: authenticate with this client's own client-credentials token (`Authorization: Bearer`) instead of its credentials."),
];

/// What each code means: when a validation or a call fails with it.
pub fn code_meaning(code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        NoCredentials => "No token in the request.",
        InvalidRequest => "Malformed or ambiguous transport: `Bearer` with no token, two `Authorization` headers, a token in both the header and the cookie, the cookie twice.",
        TokenTooLarge => "The token is over `max_token_bytes`; nothing was decoded.",
        MalformedToken => "Not three base64url segments, non-canonical base64url, bad JSON or UTF-8, duplicate member names, a payload that is not an object.",
        UnsupportedToken => "JWE, JWS JSON serialization, an unknown `crit` name, `b64: false`.",
        AlgorithmNotAllowed => "`alg` missing, `none`, not in the allow-list, or not the selected key's algorithm.",
        KeyNotFound => "No usable key for the token's `kid`/`alg`, after the permitted refetch.",
        InvalidSignature => "The signature does not verify. Always reported before any claim error.",
        InvalidClaim => "A registered claim has the wrong JSON type or range, or `iss`, `sub`, `client_id` or `azp` holds a control character (U+0000–U+001F, U+007F–U+009F).",
        MissingClaim => "A required claim is absent.",
        TokenExpired => "`exp` has passed, beyond the leeway.",
        TokenNotYetValid => "`nbf` (or `iat` under `max_token_age_s`) is in the future, beyond the leeway.",
        InvalidIssuer => "`iss` is not a trusted issuer.",
        InvalidAudience => "No `aud` member names this service.",
        InvalidTokenType => "The `typ` header does not match the policy.",
        InsufficientScope => "A required scope is missing.",
        CallerNotAllowed => "The calling client is not in `allowed_clients`.",
        KeySourceUnavailable => "The JWKS or discovery endpoint is unreachable or answered garbage, and no usable cached keys exist.",
        TokenEndpointError => "Client side: the authorization server refused the request or answered garbage; carries the OAuth `error`.",
        InvalidConfig => "Invalid or insecure configuration, refused at construction; or token-request parameters that do not apply.",
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// `docs/errors.md`.
pub fn errors_markdown() -> String {
    let mut out = String::from(
        "# Error catalogue\n\n\
         <!-- Generated from core/src/reference.rs and core/src/error.rs by `make docs`; do not edit. -->\n\n\
         Every failure carries one of these codes. The snake_case code and the number are public API in \
         every language: a code is never renamed or reused, and new codes are added at the end. Callers of a \
         service receive the fixed description; the detailed message is for the operator.\n\n\
         | # | code | HTTP | `WWW-Authenticate` | description | when |\n|---:|---|---:|---|---|---|\n",
    );
    for code in ErrorCode::all() {
        let e = crate::Error::new(code, "");
        let status = code.http_status().map_or("—".to_owned(), |s| s.to_string());
        let challenge = e.www_authenticate().map_or("—".to_owned(), |v| format!("`{v}`"));
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} |\n",
            code.number(),
            code.as_str(),
            status,
            cell(&challenge),
            cell(code.description()),
            cell(code_meaning(code)),
        ));
    }
    out.push_str(
        "\n`insufficient_scope` adds `scope=\"…\"` listing the required scopes to its challenge. \
         In the C ABI, 0 is success and the numbers above are the result codes.\n",
    );
    out
}

/// `docs/configuration.md`.
pub fn configuration_markdown() -> String {
    let mut out = String::from(
        "# Configuration reference\n\n\
         <!-- Generated from core/src/reference.rs by `make docs`; do not edit. -->\n\n\
         One schema in every language: the same snake_case names in Rust, Python, C, Go and Java JSON; Node \
         also accepts their camelCase forms. An unknown option, a wrong type or an insecure combination is \
         `invalid_config` at construction, and the message never repeats the value.\n",
    );
    for scope in OptionScope::all() {
        out.push_str(&format!("\n## {}\n\n{}\n\n| option | type | default | meaning |\n|---|---|---|---|\n", scope.heading(), scope.intro()));
        for o in OPTIONS.iter().filter(|o| o.scope == scope) {
            let default = o.default.map_or("—".to_owned(), |d| format!("`{d}`"));
            out.push_str(&format!("| `{}` | {} | {} | {} |\n", o.name, cell(o.ty), cell(&default), cell(o.meaning)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_in_the_table_are_the_parser_defaults() {
        let find = |name: &str| OPTIONS.iter().find(|o| o.scope == V && o.name == name).and_then(|o| o.default).unwrap();
        assert_eq!(find("leeway_s"), defaults::leeway_s().to_string());
        assert_eq!(find("max_token_bytes"), defaults::max_token_bytes().to_string());
        assert_eq!(find("jwks_cache_ttl_s"), defaults::jwks_cache_ttl_s().to_string());
        assert_eq!(find("jwks_refresh_cooldown_s"), defaults::jwks_refresh_cooldown_s().to_string());
        assert_eq!(find("http_timeout_ms"), defaults::http_timeout_ms().to_string());
    }

    #[test]
    fn default_algorithms_are_the_asymmetric_set() {
        let listed = OPTIONS.iter().find(|o| o.name == "algorithms").and_then(|o| o.default).unwrap();
        let names: Vec<&str> = crate::Algorithm::ASYMMETRIC.iter().map(|a| a.name()).collect();
        assert_eq!(listed, names.join(" "));
    }

    /// The field names serde accepts, read from its "unknown field" message (which lists them all).
    fn accepted(message: &str) -> Vec<String> {
        let list = message.split("expected one of ").nth(1).unwrap_or_else(|| panic!("no field list in {message}"));
        list.split(", ").map(|f| f.trim_matches('`').to_owned()).collect()
    }

    fn documented(scope: OptionScope) -> Vec<String> {
        OPTIONS.iter().filter(|o| o.scope == scope).map(|o| o.name.to_owned()).collect()
    }

    #[test]
    fn the_table_lists_exactly_the_fields_the_parser_accepts() {
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        let globals: Vec<String> = crate::config::GLOBAL_FIELDS.iter().map(|s| s.to_string()).collect();
        assert_eq!(sorted(globals), sorted(documented(V)));
        // An `issuers` entry: the top level also lists the process-wide fields in its message.
        let e = crate::Config::from_json(r#"{"issuers": [{"zz_not_an_option": 1}]}"#).unwrap_err();
        assert_eq!(sorted(accepted(e.message())), sorted(documented(I)));
        let e = crate::Config::from_json(r#"{"zz_not_an_option": 1}"#).unwrap_err();
        let mut all = documented(I);
        all.extend(documented(V));
        assert_eq!(sorted(accepted(e.message())), sorted(all));
        let e = serde_json::from_str::<crate::TokenClientConfig>(r#"{"zz_not_an_option": 1}"#).unwrap_err();
        assert_eq!(sorted(accepted(&crate::config::describe_json_error(&e))), sorted(documented(C)));
        let e = crate::TokenRequest::from_json(r#"{"zz_not_an_option": 1}"#).unwrap_err();
        assert_eq!(sorted(accepted(e.message())), sorted(documented(R)));
    }

    /// `docs/` holds the rendered reference; `MESHAUTH_BLESS=1` (what `make docs` sets) rewrites it.
    #[test]
    fn docs_are_up_to_date() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        for (file, text) in [("errors.md", errors_markdown()), ("configuration.md", configuration_markdown())] {
            let path = dir.join(file);
            if std::env::var_os("MESHAUTH_BLESS").is_some() {
                std::fs::write(&path, &text).unwrap();
            }
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(committed == text, "docs/{file} is stale: run `make docs` and commit it");
        }
    }

    #[test]
    fn every_code_has_a_meaning() {
        for code in ErrorCode::all() {
            assert!(!code_meaning(code).is_empty());
        }
    }
}
