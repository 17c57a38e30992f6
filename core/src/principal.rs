//! The Principal (docs/README.md, "The Principal"): who called, as the service sees it after validation.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// The authenticated caller.
///
/// `claims` is the token's payload exactly as signed (duplicate-free JSON), so large integers and
/// every non-registered claim stay exact; bindings parse it with their own JSON reader. `Debug`
/// prints the raw `token` as `<redacted>` (a bearer credential must not reach a log).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    #[serde(serialize_with = "raw_json", deserialize_with = "raw_object")]
    pub claims: String,
    /// The raw compact token, for forwarding to first-party services.
    pub token: String,
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Principal")
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("audiences", &self.audiences)
            .field("expires_at", &self.expires_at)
            .field("issued_at", &self.issued_at)
            .field("not_before", &self.not_before)
            .field("jwt_id", &self.jwt_id)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .field("roles", &self.roles)
            .field("is_client", &self.is_client)
            .field("claims", &self.claims)
            .field("token", &"<redacted>")
            .finish()
    }
}

impl Principal {
    /// The claims as JSON text.
    pub fn claims_json(&self) -> &str {
        &self.claims
    }

    /// Rebuild a Principal from the JSON of [`Principal::to_json`] (for bindings that keep it as
    /// JSON and need a core call on it, such as [`Principal::require_scopes`]). The result is what
    /// the JSON says — no proof that a token was validated. Errors are `invalid_config` and never
    /// repeat a value (the JSON holds the token).
    pub fn from_json(text: &str) -> crate::Result<Principal> {
        if !text.trim_start().starts_with('{') {
            return Err(crate::Error::new(crate::ErrorCode::InvalidConfig, "Principal JSON: expected an object"));
        }
        serde_json::from_str(text).map_err(|e| {
            crate::Error::new(
                crate::ErrorCode::InvalidConfig,
                format!("Principal JSON: {}", crate::config::describe_json_error(&e)),
            )
        })
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

    /// `caller_not_allowed` (403) unless the calling client is one of `clients`: the same decision
    /// as the validator's `allowed_clients`, per route. The caller is `client_id` (else `azp`),
    /// else `sub` (a client-credentials token may name its client only in `sub`).
    pub fn require_clients(&self, clients: &[String]) -> crate::Result<()> {
        check_caller(self.client_id.as_deref().or(self.subject.as_deref()), clients)
    }

    /// Whether the Principal carries `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// The `allowed_clients` decision, shared by the validator's policy and
/// [`Principal::require_clients`]: `caller` (`client_id`, else `azp`, else `sub`) must equal one of
/// `allowed`. The message names the caller and the allowed clients (client ids are not secret;
/// each is escaped and bounded).
pub(crate) fn check_caller(caller: Option<&str>, allowed: &[String]) -> crate::Result<()> {
    if caller.is_some_and(|id| allowed.iter().any(|a| a == id)) {
        return Ok(());
    }
    const SHOWN: usize = 8;
    let mut list: Vec<String> = allowed.iter().take(SHOWN).map(|a| crate::error::quote(a)).collect();
    if allowed.len() > SHOWN {
        list.push(format!("and {} more", allowed.len() - SHOWN));
    }
    let who = match caller {
        Some(id) => format!("client {}", crate::error::quote(id)),
        None => "a token that names no client (no client_id, azp or sub)".to_owned(),
    };
    let allowed = if list.is_empty() { "no client is allowed".to_owned() } else { format!("allowed: {}", list.join(", ")) };
    Err(crate::Error::new(crate::ErrorCode::CallerNotAllowed, format!("the calling client is not allowed: {who}; {allowed}")))
}

fn raw_json<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    // The payload was parsed as strict JSON during validation, so this cannot fail in practice.
    let raw: &RawValue = serde_json::from_str(text).map_err(serde::ser::Error::custom)?;
    raw.serialize(s)
}

fn raw_object<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw: Box<RawValue> = Deserialize::deserialize(d)?;
    if !raw.get().starts_with('{') {
        return Err(serde::de::Error::custom("claims must be a JSON object"));
    }
    Ok(raw.get().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_json_is_the_inverse_of_to_json() {
        let p = Principal {
            subject: Some("alice".into()),
            issuer: "https://issuer.example".into(),
            audiences: vec!["orders".into()],
            expires_at: 4102444800,
            issued_at: Some(1767225600),
            not_before: None,
            jwt_id: None,
            client_id: Some("web".into()),
            scopes: vec!["orders:read".into()],
            roles: vec![],
            is_client: false,
            claims: r#"{"sub":"alice","id":123456789012345678901234567890}"#.into(),
            token: "a.b.c".into(),
        };
        let back = Principal::from_json(&p.to_json()).unwrap();
        assert_eq!(back.to_json(), p.to_json());
        assert_eq!(back.claims_json(), p.claims_json());
        for bad in [r#"{"issuer":"x"}"#, r#"[]"#, r#"{"claims":[1]}"#] {
            assert_eq!(Principal::from_json(bad).unwrap_err().code(), crate::ErrorCode::InvalidConfig);
        }
        let mut v: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
        v["token"] = serde_json::json!(12345);
        let e = Principal::from_json(&v.to_string()).unwrap_err();
        assert!(!e.message().contains("12345"), "{}", e.message());
        v["token"] = serde_json::json!("a.b.c");
        v["extra"] = serde_json::json!(1);
        assert!(Principal::from_json(&v.to_string()).unwrap_err().message().contains("unknown field"));
    }
}
