//! Core errors (`meshauth::Error`) as JavaScript `Error` objects.
//!
//! Each rejection or throw is a real `Error` (so `instanceof Error`, stack traces and `util.inspect`
//! behave) named `MeshAuthError`, carrying:
//! - `code`: the catalogue's stable snake_case code (`MeshAuthErrorCode` in `index.d.ts`);
//! - `number`: the stable number shared with the C ABI;
//! - `status`: the HTTP status a resource server answers with (`null` for client-side codes);
//! - `wwwAuthenticate`: the exact `WWW-Authenticate` header value, or `null`;
//! - `oauthError`: the authorization server's OAuth `error` for `token_endpoint_error`, else `null`.
//!
//! The text of `message` comes from the core and never echoes the token or secrets.

use meshauth::ErrorCode;
use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue};
use napi_derive::napi;

/// The name given to every meshauth error object.
pub const ERROR_NAME: &str = "MeshAuthError";

/// Convert a core error into a `napi::Error` that holds the JavaScript error object itself, so a
/// throw or a promise rejection hands that very object (with its extra properties) to JavaScript.
/// The validation path uses [`error_value`] instead: napi-rs turns a `napi::Error` built from a
/// JavaScript value into a reference plus a `String(err)` and a `cause` lookup, which a throw or a
/// rejection does not need.
pub(crate) fn to_napi_error(env: &Env, e: &meshauth::Error) -> napi::Error {
    match build_error_object(env, e) {
        Ok(obj) => napi::Error::from(obj.to_unknown()),
        // Building the object failed (the engine is shutting down, or out of memory): keep at least
        // the code, which napi puts into `err.code`.
        Err(_) => napi::Error::new(Status::GenericFailure, e.to_string()),
    }
}

/// The JavaScript error object for `e` (see the module docs), as a raw value.
pub(crate) fn error_value(env: &Env, e: &meshauth::Error) -> Result<sys::napi_value> {
    let raw = env.raw();
    let mut err = std::ptr::null_mut();
    // SAFETY: `raw` is the live env of the current call; every value passed is created in it.
    unsafe {
        let code = str_value(raw, e.code().as_str())?;
        let message = str_value(raw, e.message())?;
        // The stack is captured here, so it starts at the JavaScript caller of the meshauth
        // function. `code` is set by the decorator, first (as napi_create_error would set it, but
        // with a JavaScript store instead of a slow API one).
        check_status!(sys::napi_create_error(raw, std::ptr::null_mut(), message, &mut err))?;
        let number = u32::to_napi_value(raw, e.code().number())?;
        let status = Option::<u32>::to_napi_value(raw, e.http_status().map(u32::from))?;
        let www = match e.www_authenticate() {
            Some(w) => str_value(raw, &w)?,
            None => Null::to_napi_value(raw, Null)?,
        };
        let oauth = match e.oauth_error() {
            Some(o) => str_value(raw, o)?,
            None => Null::to_napi_value(raw, Null)?,
        };
        crate::env_data::decorate_error(raw, &[err, code, number, status, www, oauth])?;
    }
    Ok(err)
}

/// SAFETY (of the callers): `env` is the live env of the current call.
unsafe fn str_value(env: sys::napi_env, s: &str) -> Result<sys::napi_value> {
    let mut v = std::ptr::null_mut();
    check_status!(unsafe { sys::napi_create_string_utf8(env, s.as_ptr().cast(), s.len() as isize, &mut v) })?;
    Ok(v)
}

fn build_error_object<'env>(env: &'env Env, e: &meshauth::Error) -> Result<Object<'env>> {
    Ok(Object::from_raw(env.raw(), error_value(env, e)?))
}

/// Every error code of the catalogue, in catalogue order (the order of their stable numbers).
#[napi(ts_return_type = "MeshAuthErrorCode[]")]
pub fn error_codes() -> Vec<&'static str> {
    ErrorCode::all().map(ErrorCode::as_str).collect()
}

/// Whether `value` is an error raised by meshauth (a TypeScript type guard).
#[napi(ts_args_type = "value: unknown", ts_return_type = "value is MeshAuthError")]
pub fn is_mesh_auth_error(value: Unknown) -> Result<bool> {
    if !value.is_error()? {
        return Ok(false);
    }
    let obj: Object = unsafe { value.cast()? };
    let name: Unknown = obj.get_named_property("name")?;
    if name.get_type()? != ValueType::String || name.coerce_to_string()?.into_utf8()?.as_str()? != ERROR_NAME {
        return Ok(false);
    }
    let code: Unknown = obj.get_named_property("code")?;
    if code.get_type()? != ValueType::String {
        return Ok(false);
    }
    Ok(ErrorCode::from_str_code(code.coerce_to_string()?.into_utf8()?.as_str()?).is_some())
}

/// A `MeshAuthError` for `code`, built exactly like the ones meshauth raises (same `status` and
/// `wwwAuthenticate`). For a service's own authorisation decisions, e.g.
/// `throw createError('insufficient_scope')` after checking `principal.scopes`, so its answer has
/// the same shape as meshauth's. `message` defaults to the code's fixed description.
#[napi(ts_args_type = "code: MeshAuthErrorCode, message?: string", ts_return_type = "MeshAuthError")]
pub fn create_error<'env>(env: &'env Env, code: String, message: Option<String>) -> Result<Unknown<'env>> {
    let code = ErrorCode::from_str_code(&code)
        .ok_or_else(|| Error::new(Status::InvalidArg, format!("meshauth: unknown error code {code:?}")))?;
    let e = meshauth::Error::new(code, message.unwrap_or_else(|| code.description().to_owned()));
    Ok(build_error_object(env, &e)?.to_unknown())
}

/// A JavaScript `TypeError` (code `ERR_INVALID_ARG_TYPE`, like Node's own) for an argument of the
/// wrong shape: a programming error, not a request failure.
pub(crate) fn type_error(env: &Env, message: &str) -> napi::Error {
    let build = || -> Result<Unknown<'_>> {
        let code = env.create_string("ERR_INVALID_ARG_TYPE")?;
        let msg = env.create_string(message)?;
        let mut raw = std::ptr::null_mut();
        check_status!(unsafe { sys::napi_create_type_error(env.raw(), code.raw(), msg.raw(), &mut raw) })?;
        Ok(Object::from_raw(env.raw(), raw).to_unknown())
    };
    match build() {
        Ok(v) => napi::Error::from(v),
        Err(_) => napi::Error::new(Status::InvalidArg, message.to_owned()),
    }
}

/// A JavaScript `RangeError` (code `ERR_OUT_OF_RANGE`, like Node's own) for an argument beyond
/// the sizes meshauth reads.
pub(crate) fn range_error(env: &Env, message: &str) -> napi::Error {
    let build = || -> Result<Unknown<'_>> {
        let code = env.create_string("ERR_OUT_OF_RANGE")?;
        let msg = env.create_string(message)?;
        let mut raw = std::ptr::null_mut();
        check_status!(unsafe { sys::napi_create_range_error(env.raw(), code.raw(), msg.raw(), &mut raw) })?;
        Ok(Object::from_raw(env.raw(), raw).to_unknown())
    };
    match build() {
        Ok(v) => napi::Error::from(v),
        Err(_) => napi::Error::new(Status::InvalidArg, message.to_owned()),
    }
}

/// A string argument, else a `TypeError` with `message` (rejected, for the Promise forms).
pub(crate) fn string_arg(env: &Env, value: Unknown, message: &str) -> Result<String> {
    if value.get_type()? != ValueType::String {
        return Err(type_error(env, message));
    }
    unsafe { String::from_napi_value(env.raw(), value.raw()) }
}

/// No panic crosses into JavaScript (a panic on a pool thread would abort the process).
pub(crate) fn guard<T>(f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|_| Error::new(Status::GenericFailure, "meshauth: internal error (panic in the core)"))
}
