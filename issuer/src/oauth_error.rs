//! OAuth 2.0 error responses (RFC 6749 §5.2): `{"error", "error_description"}`.

use serde_json::json;

/// The challenge of `invalid_client` answers.
pub const BASIC_CHALLENGE: &str = "Basic realm=\"meshauth-issuer\"";

/// An error answered by the token endpoint (and, with the same shape, by the dev endpoints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// HTTP status: 400, or 401 for `invalid_client` when the client authenticated (or had to)
    /// with HTTP Basic (RFC 6749 §5.2).
    pub status: u16,
    /// The RFC 6749 / RFC 8707 error code (`invalid_request`, `invalid_client`, …).
    pub error: &'static str,
    pub description: String,
    /// The `WWW-Authenticate` challenge of a 401: `Basic realm="meshauth-issuer"` for
    /// `invalid_client`, a `Bearer` challenge when the client authenticated with a Bearer token.
    pub www_authenticate: Option<String>,
}

impl OAuthError {
    pub fn new(error: &'static str, description: impl Into<String>) -> OAuthError {
        let status = match error {
            "invalid_client" => 401,
            "server_error" => 500,
            _ => 400,
        };
        let www_authenticate = (error == "invalid_client").then(|| BASIC_CHALLENGE.to_owned());
        OAuthError { status, error, description: description.into(), www_authenticate }
    }

    /// The same error with another `WWW-Authenticate` challenge.
    pub fn with_challenge(self, challenge: impl Into<String>) -> OAuthError {
        OAuthError { www_authenticate: Some(challenge.into()), ..self }
    }

    pub fn invalid_request(description: impl Into<String>) -> OAuthError {
        OAuthError::new("invalid_request", description)
    }

    pub fn invalid_client(description: impl Into<String>) -> OAuthError {
        OAuthError::new("invalid_client", description)
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        json!({ "error": self.error, "error_description": self.description }).to_string()
    }
}

impl std::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.description)
    }
}

impl std::error::Error for OAuthError {}
