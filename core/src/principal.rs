//! The Principal (DESIGN.md §1 step 6): who called, as the service sees it after validation.

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

/// The authenticated caller.
///
/// `claims` is the token's payload exactly as signed (duplicate-free JSON), so large integers and
/// every non-registered claim stay exact; bindings parse it with their own JSON reader.
#[derive(Debug, Clone, Serialize)]
pub struct Principal {
    /// `sub`, if present.
    pub subject: Option<String>,
    /// `iss` (always present: it selected the trusted issuer).
    pub issuer: String,
    /// `aud` as a list (a string `aud` becomes one element).
    pub audiences: Vec<String>,
    /// `exp` in whole seconds since the epoch (fractional values are floored; the exact value is in
    /// `claims`).
    pub expires_at: i64,
    /// `iat`, whole seconds, if present.
    pub issued_at: Option<i64>,
    /// `nbf`, whole seconds, if present.
    pub not_before: Option<i64>,
    /// `jti`, if present.
    pub jwt_id: Option<String>,
    /// `client_id`, else `azp`.
    pub client_id: Option<String>,
    /// `scope` (space-separated string) or `scp` (array).
    pub scopes: Vec<String>,
    /// Values at the configured roles claim path (default `roles`).
    pub roles: Vec<String>,
    /// `true` for a service's own client-credentials token: it names a client and either has no
    /// `sub` or its `sub` is that client.
    pub is_client: bool,
    /// The full claims: the JSON text of the payload (embedded as an object in `to_json`).
    #[serde(serialize_with = "raw_json")]
    pub claims: String,
    /// The raw compact token, for forwarding to first-party services.
    pub token: String,
}

impl Principal {
    /// The claims as JSON text.
    pub fn claims_json(&self) -> &str {
        &self.claims
    }

    /// The Principal as the JSON object every binding exchanges (field names as in the struct).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a Principal always serialises")
    }

    /// The `Authorization` header value that forwards this caller's token to a trusted
    /// first-party service (never to a third party: exchange it with `TokenClient` instead).
    pub fn authorization_header(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// `insufficient_scope` (403, its challenge listing `scopes`) unless the Principal carries
    /// every one of `scopes`. The validator applies `required_scopes` with it; services call it for
    /// per-route requirements.
    pub fn require_scopes(&self, scopes: &[String]) -> crate::Result<()> {
        let missing: Vec<&str> = scopes.iter().filter(|s| !self.has_scope(s)).map(String::as_str).collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(crate::Error::new(
            crate::ErrorCode::InsufficientScope,
            format!("missing scope(s): {}", crate::error::quote(&missing.join(" "))),
        )
        .with_required_scopes(scopes))
    }

    /// Whether the Principal carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

fn raw_json<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    // The payload was parsed as strict JSON during validation, so this cannot fail in practice.
    let raw: &RawValue = serde_json::from_str(text).map_err(serde::ser::Error::custom)?;
    raw.serialize(s)
}
