//! Mirrors `meshauth::extract`: authenticating an HTTP request. The binding only carries the
//! request's header and cookie values to the core; every extraction rule (Bearer syntax, duplicate
//! headers, cookie precedence, `no_credentials` vs `invalid_request`) is the core's.

use meshauth::Request;

use crate::error::{meshauth_error, meshauth_result};
use crate::input::{give, give_optional, object, optional_text, out_param, text};
use crate::panic::boundary;
use crate::principal::meshauth_principal;
use crate::validator::{clock, meshauth_validator};

/// Extract the token from a request and validate it at `now` (0 = current time).
///
/// `(request_json, len)` is the core's request JSON:
/// `{"headers": [["name", "value"], ...], "cookies": [["name", "value"], ...] | null}` — all
/// headers in arrival order (duplicates kept); `cookies` when the server already parsed them, else
/// `null` (the `Cookie` headers are parsed). Malformed request JSON is `MESHAUTH_INVALID_REQUEST`.
///
/// Ownership: borrows `v` and `request_json`. On `MESHAUTH_OK`, `*out` receives a new Principal
/// owned by the caller (`meshauth_principal_free`). On failure `*out` is untouched and, if `err`
/// is non-NULL, `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_validator_authenticate(
    v: *const meshauth_validator,
    request_json: *const u8,
    len: usize,
    now: i64,
    out: *mut *mut meshauth_principal,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        // SAFETY: `v` is NULL or a live validator.
        let v = unsafe { object(v, "validator") }?;
        let out = out_param(out, "out")?;
        // SAFETY: the caller passes `len` readable bytes.
        let json = unsafe { text(request_json, len, "request_json") }?;
        let request = Request::from_json(json)?;
        let inner = v.inner.authenticate_at(&request, clock(now))?;
        // SAFETY: `out` checked.
        unsafe { give(out, meshauth_principal { inner }) };
        Ok(())
    })
}

/// Like `meshauth_validator_authenticate`, but never touches the network, for callers on an event
/// loop. On `MESHAUTH_OK`, `*out` receives either a new Principal or NULL, which means "the
/// answer needs a key fetch": call `meshauth_validator_authenticate` off the event loop and retry.
///
/// Ownership: as `meshauth_validator_authenticate`.
#[no_mangle]
pub unsafe extern "C" fn meshauth_validator_authenticate_cached(
    v: *const meshauth_validator,
    request_json: *const u8,
    len: usize,
    now: i64,
    out: *mut *mut meshauth_principal,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        // SAFETY: `v` is NULL or a live validator.
        let v = unsafe { object(v, "validator") }?;
        let out = out_param(out, "out")?;
        // SAFETY: the caller passes `len` readable bytes.
        let json = unsafe { text(request_json, len, "request_json") }?;
        let request = Request::from_json(json)?;
        let answer = v.inner.authenticate_cached(&request, clock(now))?;
        // SAFETY: `out` checked.
        unsafe { give_optional(out, answer.map(|inner| meshauth_principal { inner })) };
        Ok(())
    })
}

/// Convenience for servers holding one header value each: authenticate a request whose
/// `Authorization` header is `(authorization, authorization_len)` and whose `Cookie` header is
/// `(cookie_header, cookie_header_len)`. A NULL pointer means "that header is absent" (an empty
/// value with a non-NULL pointer is a present, empty header). `now`: 0 = current time.
///
/// Ownership: as `meshauth_validator_authenticate`.
#[no_mangle]
pub unsafe extern "C" fn meshauth_validator_authenticate_header(
    v: *const meshauth_validator,
    authorization: *const u8,
    authorization_len: usize,
    cookie_header: *const u8,
    cookie_header_len: usize,
    now: i64,
    out: *mut *mut meshauth_principal,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        // SAFETY: `v` is NULL or a live validator.
        let v = unsafe { object(v, "validator") }?;
        let out = out_param(out, "out")?;
        // SAFETY: the caller passes readable bytes for each non-NULL pointer.
        let authorization =
            unsafe { optional_text(authorization, authorization_len, "authorization") }?;
        // SAFETY: as above.
        let cookie = unsafe { optional_text(cookie_header, cookie_header_len, "cookie_header") }?;
        let mut request = Request::new();
        if let Some(a) = authorization {
            request = request.header("Authorization", a);
        }
        if let Some(c) = cookie {
            request = request.header("Cookie", c);
        }
        let inner = v.inner.authenticate_at(&request, clock(now))?;
        // SAFETY: `out` checked.
        unsafe { give(out, meshauth_principal { inner }) };
        Ok(())
    })
}
