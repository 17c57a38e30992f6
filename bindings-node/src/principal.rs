//! The `Principal` class: the authenticated caller (DESIGN.md §1 step 6).
//!
//! Shape chosen by measurement (DESIGN.md §7, figures in bindings-node/README.md, "Performance"):
//! the class wraps the core's `meshauth::Principal` and reads each field on access, so a
//! validation pays one small object wrap instead of building a JavaScript object with every field
//! and the whole claims tree, most of which a service never reads.
//!
//! Claims and big integers: `claims` is built from the exact payload JSON on each access (keep it
//! in a variable rather than reading it repeatedly); integers beyond ±(2^53 − 1) that fit in 64 bits
//! become `BigInt`, so ids such as `"id": 9007199254740993` stay exact; integers beyond 64 bits
//! and fractional numbers become `Number`. Object members come out sorted by name. `claimsJson` is
//! the payload text exactly as signed, for an exact reader of your own.
//!
//! `toJSON()` (used by `JSON.stringify`, loggers and `res.json`) returns a plain object with the
//! typed fields and the claims — with `Number`s only, as JSON text cannot carry `BigInt` — and
//! without `token`, so that logging a Principal never writes a usable credential.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{Map, Value};

/// The authenticated caller. Returned by `Validator` methods; not constructible from JavaScript.
#[napi]
pub struct Principal {
    inner: meshauth::Principal,
}

impl Principal {
    pub(crate) fn new(inner: meshauth::Principal) -> Self {
        Principal { inner }
    }

    fn claims_value(&self) -> Result<Value> {
        serde_json::from_str(self.inner.claims_json())
            .map_err(|e| Error::new(Status::GenericFailure, format!("meshauth: claims JSON: {e}")))
    }
}

#[napi]
impl Principal {
    /// `sub`, or `null`.
    #[napi(getter)]
    pub fn subject(&self) -> Option<&str> {
        self.inner.subject.as_deref()
    }

    /// `iss` (always present: it selected the trusted issuer).
    #[napi(getter)]
    pub fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// `aud` as a list (a string `aud` becomes one element).
    #[napi(getter)]
    pub fn audiences(&self) -> Vec<&str> {
        self.inner.audiences.iter().map(String::as_str).collect()
    }

    /// `exp`, whole seconds since the epoch.
    #[napi(getter)]
    pub fn expires_at(&self) -> i64 {
        self.inner.expires_at
    }

    /// `iat`, whole seconds, or `null`.
    #[napi(getter)]
    pub fn issued_at(&self) -> Option<i64> {
        self.inner.issued_at
    }

    /// `nbf`, whole seconds, or `null`.
    #[napi(getter)]
    pub fn not_before(&self) -> Option<i64> {
        self.inner.not_before
    }

    /// `jti`, or `null`.
    #[napi(getter)]
    pub fn jwt_id(&self) -> Option<&str> {
        self.inner.jwt_id.as_deref()
    }

    /// `client_id`, else `azp`, or `null`.
    #[napi(getter)]
    pub fn client_id(&self) -> Option<&str> {
        self.inner.client_id.as_deref()
    }

    /// `scope` (space-separated) or `scp` (array), as a list.
    #[napi(getter)]
    pub fn scopes(&self) -> Vec<&str> {
        self.inner.scopes.iter().map(String::as_str).collect()
    }

    /// Values at the configured roles claim (default `roles`).
    #[napi(getter)]
    pub fn roles(&self) -> Vec<&str> {
        self.inner.roles.iter().map(String::as_str).collect()
    }

    /// `true` for a service's own client-credentials token rather than a user's.
    #[napi(getter)]
    pub fn is_client(&self) -> bool {
        self.inner.is_client
    }

    /// The full claims. Integers beyond ±(2^53 − 1) that fit in 64 bits are `BigInt`.
    /// Built on each access.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn claims(&self) -> Result<Value> {
        self.claims_value()
    }

    /// The claims as the exact JSON text of the payload.
    #[napi(getter)]
    pub fn claims_json(&self) -> &str {
        self.inner.claims_json()
    }

    /// The raw compact token, for forwarding a user's token to first-party services.
    #[napi(getter)]
    pub fn token(&self) -> &str {
        &self.inner.token
    }

    /// Whether `scopes` contains `scope`.
    #[napi]
    pub fn has_scope(&self, scope: String) -> bool {
        self.inner.has_scope(&scope)
    }

    /// A plain object for `JSON.stringify`: the typed fields and the claims (integers as `Number`),
    /// never the token.
    #[napi(
        js_name = "toJSON",
        ts_return_type = "PrincipalJSON"
    )]
    pub fn to_json(&self) -> Result<Value> {
        let p = &self.inner;
        let mut claims = self.claims_value()?;
        numbers_only(&mut claims);
        let mut m = Map::new();
        m.insert("subject".into(), p.subject.clone().into());
        m.insert("issuer".into(), p.issuer.clone().into());
        m.insert("audiences".into(), p.audiences.clone().into());
        m.insert("expiresAt".into(), p.expires_at.into());
        m.insert("issuedAt".into(), p.issued_at.into());
        m.insert("notBefore".into(), p.not_before.into());
        m.insert("jwtId".into(), p.jwt_id.clone().into());
        m.insert("clientId".into(), p.client_id.clone().into());
        m.insert("scopes".into(), p.scopes.clone().into());
        m.insert("roles".into(), p.roles.clone().into());
        m.insert("isClient".into(), p.is_client.into());
        m.insert("claims".into(), claims);
        Ok(Value::Object(m))
    }
}

/// Replace integers that JavaScript cannot hold exactly by their nearest `Number`, so that the value
/// converts without `BigInt` (which `JSON.stringify` refuses).
fn numbers_only(v: &mut Value) {
    match v {
        Value::Number(n) if n.as_f64().is_some() && (n.is_i64() || n.is_u64()) => {
            let f = n.as_f64().unwrap_or_default();
            if f.abs() > 9_007_199_254_740_991.0 {
                if let Some(x) = serde_json::Number::from_f64(f) {
                    *n = x;
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(numbers_only),
        Value::Object(o) => o.values_mut().for_each(numbers_only),
        _ => {}
    }
}
