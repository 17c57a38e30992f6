//! The `Principal` class: the authenticated caller.
//!
//! Shape chosen by measurement (figures in `bench/RESULTS.md`):
//! the class wraps the core's `meshauth::Principal` and reads each field on access, so a
//! validation pays one small object wrap instead of building a JavaScript object with every field
//! and the whole claims tree, most of which a service never reads.
//!
//! Claims and big integers: `claims` is built from the exact payload JSON on each access (keep it
//! in a variable rather than reading it repeatedly). When the payload has no integer literal of 16
//! digits or more (the common case) it is V8's own `JSON.parse` of the payload — every integer
//! then fits a `Number` exactly, and members keep the token's order. Otherwise the object is built
//! here so that integers beyond ±(2^53 − 1) that fit in 64 bits become `BigInt` (ids such as
//! `"id": 9007199254740993` stay exact); integers beyond 64 bits and fractions become `Number`, and
//! members come out sorted by name. `claimsJson` is the payload text exactly as signed.
//!
//! `toJSON()` (used by `JSON.stringify`, loggers and `res.json`) returns a plain object with the
//! typed fields and the claims as `JSON.parse` reads them (JSON text cannot carry `BigInt`), and
//! without `token`, so that logging a Principal never writes a usable credential.

use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, Env};
use napi_derive::napi;
use serde_json::Value;

/// The authenticated caller. Returned by `Validator` methods; not constructible from JavaScript.
#[napi]
pub struct Principal {
    inner: meshauth::Principal,
}

/// A core Principal on its way to JavaScript, where it becomes a `Principal` instance.
///
/// Made without napi-rs's generic class path: one `napi_new_instance` of the class (see
/// `env_data.rs`), one `napi_wrap` whose finalizer drops the Rust value, and the class's type
/// tag, which is what the napi-rs getters and methods check before reading the wrapped value.
/// napi-rs's path also records every instance in a registry keyed by address (with an identity
/// hash, so entries pile into long probe sequences) that the finalizer then searches; the
/// profile in `bench/RESULTS.md` put that path at a fifth of a warm HS256 validation.
pub struct NewPrincipal(pub(crate) meshauth::Principal);

impl TypeName for NewPrincipal {
    fn type_name() -> &'static str {
        "Principal"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for NewPrincipal {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> Result<sys::napi_value> {
        // SAFETY: `env` is the live env of the current call (the caller's contract). `obj` is a
        // fresh object no one else holds, so it is not wrapped yet. `native` is a leaked Box that
        // the wrap adopts: on success the finalizer, run once when `obj` is collected, is its
        // only owner; on failure it is still ours and dropped here. The tag is `Principal`'s own,
        // so the napi-rs accessors that unwrap `obj` as a `Principal` find the right type.
        unsafe {
            let obj = crate::env_data::new_principal_object(env)?;
            let native = Box::into_raw(Box::new(Principal { inner: val.0 }));
            let status =
                sys::napi_wrap(env, obj, native.cast(), Some(drop_principal), ptr::null_mut(), ptr::null_mut());
            if status != sys::Status::napi_ok {
                drop(Box::from_raw(native));
                return Err(Error::new(Status::from(status), "meshauth: cannot wrap the Principal"));
            }
            tag_object(env, obj, &<Principal as TypeTag>::type_tag())?;
            Ok(obj)
        }
    }
}

/// The finalizer of a wrapped `Principal`.
///
/// SAFETY (of the callers): Node calls it once, with the `data` given to `napi_wrap`: a
/// `Box<Principal>` leaked by `NewPrincipal::to_napi_value`.
unsafe extern "C" fn drop_principal(_env: sys::napi_env, data: *mut std::ffi::c_void, _hint: *mut std::ffi::c_void) {
    drop(unsafe { Box::from_raw(data.cast::<Principal>()) });
}

impl Principal {
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
    #[napi(getter, ts_return_type = "Record<string, any>")]
    pub fn claims<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        let text = self.inner.claims_json();
        let raw = if has_long_digit_run(text) {
            unsafe { value_to_js(env.raw(), &self.claims_value()?, 0)? }
        } else {
            unsafe { json_parse(env.raw(), text)? }
        };
        unsafe { Unknown::from_napi_value(env.raw(), raw) }
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

    /// The `Authorization` header value that forwards this caller's token to a trusted
    /// first-party service: `Bearer <token>`. Never send it to a third party: exchange it with
    /// `TokenClient.jwtBearer` / `tokenExchange` instead.
    #[napi]
    pub fn authorization_header(&self) -> String {
        self.inner.authorization_header()
    }

    /// Whether `scopes` contains `scope`.
    #[napi]
    pub fn has_scope(&self, scope: String) -> bool {
        self.inner.has_scope(&scope)
    }

    /// Returns when the Principal carries every one of `scopes` (an empty array requires nothing);
    /// otherwise throws a `MeshAuthError` with code `insufficient_scope`, `status` 403 and a
    /// `wwwAuthenticate` challenge listing all of `scopes` (`…, scope="a b"`). For per-route
    /// requirements; the validator's `requiredScopes` applies the same rule to every request.
    /// Anything but an array of strings is a `TypeError`.
    #[napi(ts_args_type = "scopes: string[]", ts_return_type = "void")]
    pub fn require_scopes(&self, env: &Env, scopes: Unknown) -> Result<()> {
        const NOT_A_LIST: &str = "meshauth: requireScopes(scopes): scopes must be an array of strings";
        if !scopes.is_array()? {
            return Err(crate::error::type_error(env, NOT_A_LIST));
        }
        let scopes = unsafe { Vec::<String>::from_napi_value(env.raw(), scopes.raw()) }
            .map_err(|_| crate::error::type_error(env, NOT_A_LIST))?;
        crate::error::guard(|| self.inner.require_scopes(&scopes))?.map_err(|e| crate::error::to_napi_error(env, &e))
    }

    /// Returns when the calling client (`clientId`, else `azp`, else `subject`) is one of
    /// `clients`; otherwise throws a `MeshAuthError` with code `caller_not_allowed` and `status`
    /// 403. The validator's `allowedClients` decision, for per-route requirements. Anything but an
    /// array of strings is a `TypeError`.
    #[napi(ts_args_type = "clients: string[]", ts_return_type = "void")]
    pub fn require_clients(&self, env: &Env, clients: Unknown) -> Result<()> {
        const NOT_A_LIST: &str = "meshauth: requireClients(clients): clients must be an array of strings";
        if !clients.is_array()? {
            return Err(crate::error::type_error(env, NOT_A_LIST));
        }
        // SAFETY: `env` and `clients` are the live handles napi passed to this call.
        let clients = unsafe { Vec::<String>::from_napi_value(env.raw(), clients.raw()) }
            .map_err(|_| crate::error::type_error(env, NOT_A_LIST))?;
        crate::error::guard(|| self.inner.require_clients(&clients))?.map_err(|e| crate::error::to_napi_error(env, &e))
    }

    /// A plain object for `JSON.stringify`: the typed fields and the claims (integers as `Number`),
    /// never the token.
    #[napi(js_name = "toJSON", ts_return_type = "PrincipalJSON")]
    pub fn to_json<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        let p = &self.inner;
        let view = PrincipalJson {
            subject: p.subject.as_deref(),
            issuer: &p.issuer,
            audiences: &p.audiences,
            expires_at: p.expires_at,
            issued_at: p.issued_at,
            not_before: p.not_before,
            jwt_id: p.jwt_id.as_deref(),
            client_id: p.client_id.as_deref(),
            scopes: &p.scopes,
            roles: &p.roles,
            is_client: p.is_client,
        };
        // One JSON text and one `JSON.parse`: measured ~4x cheaper than setting each property
        // through napi, and exactly what `JSON.stringify` can represent anyway.
        let mut text = serde_json::to_string(&view)
            .map_err(|e| Error::new(Status::GenericFailure, format!("meshauth: principal JSON: {e}")))?;
        // Splice in the claims text as signed (an object: the core refuses any other payload).
        text.pop();
        text.push_str(",\"claims\":");
        text.push_str(p.claims_json());
        text.push('}');
        unsafe { Unknown::from_napi_value(env.raw(), json_parse(env.raw(), &text)?) }
    }
}

/// The JSON form behind `toJSON()` (camelCase, as the JavaScript getters; no token).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct PrincipalJson<'a> {
    subject: Option<&'a str>,
    issuer: &'a str,
    audiences: &'a [String],
    expires_at: i64,
    issued_at: Option<i64>,
    not_before: Option<i64>,
    jwt_id: Option<&'a str>,
    client_id: Option<&'a str>,
    scopes: &'a [String],
    roles: &'a [String],
    is_client: bool,
}

/// Whether `text` has 16 or more consecutive ASCII digits: the only way a JSON integer can exceed
/// 2^53 (every integer of at most 15 digits is below 10^15 < 2^53). Digits inside strings can only
/// cause a false positive, which takes the exact (slower) path.
fn has_long_digit_run(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= 16 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// `JSON.parse(text)` with the engine's own parser.
unsafe fn json_parse(env: sys::napi_env, text: &str) -> Result<sys::napi_value> {
    let mut global = std::ptr::null_mut();
    let mut json = std::ptr::null_mut();
    let mut parse = std::ptr::null_mut();
    let mut result = std::ptr::null_mut();
    unsafe {
        check_status!(sys::napi_get_global(env, &mut global))?;
        check_status!(sys::napi_get_named_property(env, global, c"JSON".as_ptr(), &mut json))?;
        check_status!(sys::napi_get_named_property(env, json, c"parse".as_ptr(), &mut parse))?;
        let arg = String::to_napi_value(env, text.to_owned())?;
        check_status!(sys::napi_call_function(env, json, parse, 1, &arg, &mut result))?;
    }
    Ok(result)
}

/// Nesting limit of the exact path (the core's JSON reader already bounds the payload).
const MAX_DEPTH: u32 = 128;
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A JSON value as a JavaScript value: integers beyond ±(2^53 − 1) as `BigInt`. Object members
/// are defined as own data properties (never through a setter: `"__proto__"` stays a plain key,
/// as with `JSON.parse`).
unsafe fn value_to_js(env: sys::napi_env, v: &Value, depth: u32) -> Result<sys::napi_value> {
    if depth > MAX_DEPTH {
        return Err(Error::new(Status::GenericFailure, "meshauth: claims nested too deeply"));
    }
    let mut out = std::ptr::null_mut();
    unsafe {
        match v {
            Value::Null => check_status!(sys::napi_get_null(env, &mut out))?,
            Value::Bool(b) => check_status!(sys::napi_get_boolean(env, *b, &mut out))?,
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    if u > MAX_SAFE_INTEGER {
                        check_status!(sys::napi_create_bigint_uint64(env, u, &mut out))?
                    } else {
                        check_status!(sys::napi_create_double(env, u as f64, &mut out))?
                    }
                } else if let Some(i) = n.as_i64() {
                    if i.unsigned_abs() > MAX_SAFE_INTEGER {
                        check_status!(sys::napi_create_bigint_int64(env, i, &mut out))?
                    } else {
                        check_status!(sys::napi_create_double(env, i as f64, &mut out))?
                    }
                } else {
                    check_status!(sys::napi_create_double(env, n.as_f64().unwrap_or(f64::NAN), &mut out))?
                }
            }
            Value::String(s) => out = String::to_napi_value(env, s.clone())?,
            Value::Array(items) => {
                check_status!(sys::napi_create_array_with_length(env, items.len(), &mut out))?;
                for (i, item) in items.iter().enumerate() {
                    let element = value_to_js(env, item, depth + 1)?;
                    check_status!(sys::napi_set_element(env, out, i as u32, element))?;
                }
            }
            Value::Object(members) => {
                check_status!(sys::napi_create_object(env, &mut out))?;
                let mut descriptors = Vec::with_capacity(members.len());
                for (k, item) in members {
                    descriptors.push(sys::napi_property_descriptor {
                        utf8name: std::ptr::null(),
                        name: String::to_napi_value(env, k.clone())?,
                        method: None,
                        getter: None,
                        setter: None,
                        value: value_to_js(env, item, depth + 1)?,
                        attributes: sys::PropertyAttributes::writable
                            | sys::PropertyAttributes::enumerable
                            | sys::PropertyAttributes::configurable,
                        data: std::ptr::null_mut(),
                    });
                }
                check_status!(sys::napi_define_properties(env, out, descriptors.len(), descriptors.as_ptr()))?;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::has_long_digit_run;

    #[test]
    fn long_digit_runs() {
        assert!(!has_long_digit_run(r#"{"exp":1767229200,"n":123456789012345}"#));
        assert!(has_long_digit_run(r#"{"id":9007199254740993}"#));
        assert!(has_long_digit_run(r#"{"id":1234567890123456}"#));
        assert!(!has_long_digit_run(r#"{"f":1.5e300}"#));
    }
}
