//! The error catalogue of docs/errors.md: stable codes, stable numbers, HTTP status and the
//! RFC 6750 `WWW-Authenticate` value each failure answers with.
//!
//! Codes are public API. Never rename or reuse one; add new ones at the end with the next number.

use std::fmt;

/// Every way meshauth can fail. The snake_case string (`as_str`) and the number (`number`) are
/// stable across releases and identical in every language binding.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    NoCredentials,
    InvalidRequest,
    TokenTooLarge,
    MalformedToken,
    UnsupportedToken,
    AlgorithmNotAllowed,
    KeyNotFound,
    InvalidSignature,
    InvalidClaim,
    MissingClaim,
    TokenExpired,
    TokenNotYetValid,
    InvalidIssuer,
    InvalidAudience,
    InvalidTokenType,
    InsufficientScope,
    CallerNotAllowed,
    KeySourceUnavailable,
    TokenEndpointError,
    InvalidConfig,
}

/// One row of the catalogue.
struct Row {
    code: ErrorCode,
    name: &'static str,
    number: u32,
    status: Option<u16>,
    /// The RFC 6750 `error` attribute, if the response carries one.
    bearer_error: Option<&'static str>,
    /// Whether a `WWW-Authenticate: Bearer` challenge is sent at all.
    challenge: bool,
    /// Fixed, token-independent text used as `error_description`.
    description: &'static str,
}

const CATALOGUE: [Row; 20] = [
    row(ErrorCode::NoCredentials, "no_credentials", 1, Some(401), None, true, "no access token in the request"),
    row(ErrorCode::InvalidRequest, "invalid_request", 2, Some(400), Some("invalid_request"), true, "malformed or ambiguous credentials in the request"),
    row(ErrorCode::TokenTooLarge, "token_too_large", 3, Some(401), Some("invalid_token"), true, "the access token is too large"),
    row(ErrorCode::MalformedToken, "malformed_token", 4, Some(401), Some("invalid_token"), true, "the access token is malformed"),
    row(ErrorCode::UnsupportedToken, "unsupported_token", 5, Some(401), Some("invalid_token"), true, "the access token uses an unsupported format"),
    row(ErrorCode::AlgorithmNotAllowed, "algorithm_not_allowed", 6, Some(401), Some("invalid_token"), true, "the token's signing algorithm is not allowed"),
    row(ErrorCode::KeyNotFound, "key_not_found", 7, Some(401), Some("invalid_token"), true, "no key to verify the token"),
    row(ErrorCode::InvalidSignature, "invalid_signature", 8, Some(401), Some("invalid_token"), true, "the token signature is invalid"),
    row(ErrorCode::InvalidClaim, "invalid_claim", 9, Some(401), Some("invalid_token"), true, "a token claim is invalid"),
    row(ErrorCode::MissingClaim, "missing_claim", 10, Some(401), Some("invalid_token"), true, "a required token claim is missing"),
    row(ErrorCode::TokenExpired, "token_expired", 11, Some(401), Some("invalid_token"), true, "the access token expired"),
    row(ErrorCode::TokenNotYetValid, "token_not_yet_valid", 12, Some(401), Some("invalid_token"), true, "the access token is not yet valid"),
    row(ErrorCode::InvalidIssuer, "invalid_issuer", 13, Some(401), Some("invalid_token"), true, "the token issuer is not trusted"),
    row(ErrorCode::InvalidAudience, "invalid_audience", 14, Some(401), Some("invalid_token"), true, "the token is not meant for this service"),
    row(ErrorCode::InvalidTokenType, "invalid_token_type", 15, Some(401), Some("invalid_token"), true, "the token type is not accepted"),
    row(ErrorCode::InsufficientScope, "insufficient_scope", 16, Some(403), Some("insufficient_scope"), true, "the token lacks a required scope"),
    row(ErrorCode::CallerNotAllowed, "caller_not_allowed", 17, Some(403), None, false, "the calling client is not allowed"),
    row(ErrorCode::KeySourceUnavailable, "key_source_unavailable", 18, Some(503), None, false, "the issuer's keys are unavailable"),
    row(ErrorCode::TokenEndpointError, "token_endpoint_error", 19, None, None, false, "the authorization server refused the request"),
    row(ErrorCode::InvalidConfig, "invalid_config", 20, None, None, false, "invalid configuration"),
];

#[allow(clippy::too_many_arguments)]
const fn row(
    code: ErrorCode,
    name: &'static str,
    number: u32,
    status: Option<u16>,
    bearer_error: Option<&'static str>,
    challenge: bool,
    description: &'static str,
) -> Row {
    Row { code, name, number, status, bearer_error, challenge, description }
}

impl ErrorCode {
    /// Every code, in catalogue order (which is also number order).
    pub fn all() -> impl Iterator<Item = ErrorCode> {
        CATALOGUE.iter().map(|r| r.code)
    }

    fn row(self) -> &'static Row {
        // The catalogue is in declaration order; the index is the discriminant.
        &CATALOGUE[self as usize]
    }

    /// The stable snake_case code, e.g. `"token_expired"`.
    pub fn as_str(self) -> &'static str {
        self.row().name
    }

    /// The stable number used by the C ABI (1-based; 0 means success there).
    pub fn number(self) -> u32 {
        self.row().number
    }

    /// Parse a code from its snake_case string.
    pub fn from_str_code(s: &str) -> Option<ErrorCode> {
        CATALOGUE.iter().find(|r| r.name == s).map(|r| r.code)
    }

    /// Parse a code from its stable number.
    pub fn from_number(n: u32) -> Option<ErrorCode> {
        CATALOGUE.iter().find(|r| r.number == n).map(|r| r.code)
    }

    /// HTTP status a resource server answers with, or `None` for client-side/configuration codes.
    pub fn http_status(self) -> Option<u16> {
        self.row().status
    }

    /// Fixed, token-independent description of the code.
    pub fn description(self) -> &'static str {
        self.row().description
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A meshauth failure: a stable code plus a human-readable message.
///
/// Messages never contain the token, secrets, or unescaped token-derived text. The message is the
/// operator's detail (for logs): it may name an internal URL — always without userinfo, query or
/// fragment, which can hold credentials — or quote the authorization server's text. Callers of a
/// service never see it: an HTTP answer carries the catalogue's fixed description
/// ([`Error::http_body`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
    /// For `token_endpoint_error`: the OAuth `error` value the authorization server answered with.
    oauth_error: Option<String>,
    /// For `insufficient_scope`: the scopes the resource requires (RFC 6750 `scope` attribute).
    required_scopes: Vec<String>,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if message.contains("://") {
            message = redact_urls(&message);
        }
        Error { code, message, oauth_error: None, required_scopes: Vec::new() }
    }

    pub fn with_oauth_error(mut self, oauth_error: impl Into<String>) -> Self {
        self.oauth_error = Some(oauth_error.into());
        self
    }

    pub fn with_required_scopes(mut self, scopes: &[String]) -> Self {
        self.required_scopes = scopes.to_vec();
        self
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn oauth_error(&self) -> Option<&str> {
        self.oauth_error.as_deref()
    }

    pub fn http_status(&self) -> Option<u16> {
        self.code.http_status()
    }

    /// The exact `WWW-Authenticate` header value to send with the response, if any.
    ///
    /// `no_credentials` answers `Bearer` with no error attribute (RFC 6750 §3.1); token errors
    /// answer `Bearer error="invalid_token", error_description="…"`; `insufficient_scope` adds the
    /// `scope` attribute listing the required scopes. Descriptions are fixed per code.
    pub fn www_authenticate(&self) -> Option<String> {
        let row = self.code.row();
        if !row.challenge {
            return None;
        }
        let Some(err) = row.bearer_error else {
            return Some("Bearer".to_owned());
        };
        let mut v = format!("Bearer error=\"{err}\", error_description=\"{}\"", row.description);
        if self.code == ErrorCode::InsufficientScope && !self.required_scopes.is_empty() {
            v.push_str(", scope=\"");
            v.push_str(&self.required_scopes.join(" "));
            v.push('"');
        }
        Some(v)
    }

    /// The JSON body of the HTTP answer to this error: `{"error": code, "error_description":
    /// description}` with the catalogue's fixed, token-independent description — never the
    /// message, which may name internal URLs or repeat the authorization server's text.
    pub fn http_body(&self) -> String {
        serde_json::json!({"error": self.code.as_str(), "error_description": self.code.description()}).to_string()
    }

    /// The error as the JSON object every binding exchanges:
    /// `{"code","number","message","status","www_authenticate","oauth_error"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code.as_str(),
            "number": self.code.number(),
            "message": self.message,
            "status": self.http_status(),
            "www_authenticate": self.www_authenticate(),
            "oauth_error": self.oauth_error,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// Render token-derived text safely inside a message: escaped and bounded.
pub(crate) fn quote(s: &str) -> String {
    const MAX: usize = 64;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        out.extend(c.escape_default());
    }
    format!("\"{out}\"")
}

/// A hint for two identifiers that differ only by a trailing slash or by surrounding whitespace
/// (an issuer configured as `https://id.example/` against tokens saying `https://id.example`):
/// the comparison stays exact, the message says what to change.
pub(crate) fn near_miss_hint(configured: &str, actual: &str) -> Option<&'static str> {
    if configured == actual {
        return None;
    }
    if configured.trim_end_matches('/') == actual.trim_end_matches('/') {
        return Some(if configured.ends_with('/') {
            " (they differ only by a trailing slash: remove it from the configuration)"
        } else {
            " (they differ only by a trailing slash: add it to the configuration)"
        });
    }
    if configured.trim() == actual.trim() {
        return Some(" (they differ only by surrounding whitespace: trim the configured value)");
    }
    None
}

/// Every `scheme://…` URL in `text` without its userinfo, query and fragment (`?…` and `#…` become
/// `?…`/`#…` markers so the reader knows something was removed).
pub(crate) fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        out.push_str(&rest[..i + 3]);
        let after = &rest[i + 3..];
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
            .unwrap_or(after.len());
        // Sentence punctuation right after a URL (`GET {url}: …`) is not part of it.
        let end = after[..end].trim_end_matches([':', ',', ';', ')', '.']).len();
        let url = &after[..end];
        let authority_end = url.find(['/', '?', '#']).unwrap_or(url.len());
        let authority = &url[..authority_end];
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host.len() != authority.len() {
            out.push_str("…@");
        }
        out.push_str(host);
        let path_and_more = &url[authority_end..];
        let cut = path_and_more.find(['?', '#']);
        match cut {
            Some(c) => {
                out.push_str(&path_and_more[..c]);
                out.push_str(if path_and_more[c..].starts_with('?') { "?…" } else { "#…" });
            }
            None => out.push_str(path_and_more),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_in_declaration_order_with_dense_numbers() {
        for (i, code) in ErrorCode::all().enumerate() {
            assert_eq!(code as usize, i);
            assert_eq!(code.number() as usize, i + 1);
            assert_eq!(ErrorCode::from_str_code(code.as_str()), Some(code));
            assert_eq!(ErrorCode::from_number(code.number()), Some(code));
        }
        assert_eq!(ErrorCode::all().count(), 20);
    }

    #[test]
    fn www_authenticate_values() {
        assert_eq!(Error::new(ErrorCode::NoCredentials, "x").www_authenticate().as_deref(), Some("Bearer"));
        assert_eq!(
            Error::new(ErrorCode::TokenExpired, "x").www_authenticate().as_deref(),
            Some("Bearer error=\"invalid_token\", error_description=\"the access token expired\"")
        );
        let e = Error::new(ErrorCode::InsufficientScope, "x").with_required_scopes(&["a".into(), "b".into()]);
        assert_eq!(e.http_status(), Some(403));
        assert!(e.www_authenticate().unwrap().ends_with("scope=\"a b\""));
        assert_eq!(Error::new(ErrorCode::KeySourceUnavailable, "x").www_authenticate(), None);
    }

    #[test]
    fn urls_in_messages_lose_userinfo_query_and_fragment() {
        let e = Error::new(
            ErrorCode::KeySourceUnavailable,
            "GET https://user:pw@idp.example:8443/jwks?api_key=s3cret#frag: HTTP 500; \"http://127.0.0.1/x?t=1\"",
        );
        assert_eq!(e.message(), "GET https://…@idp.example:8443/jwks?…: HTTP 500; \"http://127.0.0.1/x?…\"");
        assert_eq!(Error::new(ErrorCode::InvalidConfig, "plain text").message(), "plain text");
        assert_eq!(redact_urls("a https://h/p b"), "a https://h/p b");
    }

    #[test]
    fn the_http_body_is_the_catalogue_description() {
        let e = Error::new(ErrorCode::KeySourceUnavailable, "GET https://idp.internal/jwks: connection refused");
        let body: serde_json::Value = serde_json::from_str(&e.http_body()).unwrap();
        let expected = serde_json::json!({"error": "key_source_unavailable",
                                          "error_description": "the issuer's keys are unavailable"});
        assert_eq!(body, expected);
    }

    #[test]
    fn quote_escapes_and_bounds() {
        assert_eq!(quote("a\"b\n"), "\"a\\\"b\\n\"");
        assert!(quote(&"x".repeat(500)).len() < 80);
    }
}
