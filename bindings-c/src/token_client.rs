//! Mirrors `meshauth::token_client`: a service's own tokens (client credentials) and user tokens
//! exchanged for another audience (jwt-bearer, token exchange), as opaque objects.
//!
//! Every grant, cache, client-authentication method and error is the core's; these functions read
//! the `(pointer, length)` arguments, call [`meshauth::TokenClient`] and hand the answer back.

use std::ffi::{c_char, CString};

use meshauth::{AccessToken, TokenClient, TokenRequest};

use crate::error::{meshauth_error, meshauth_result, Failure};
use crate::input::{give, give_optional, object, out_param, text};
use crate::panic::{boundary, guard};

/// A client of one authorization server, as one OAuth client (docs/README.md, "Outgoing calls").
/// Opaque. Thread-safe (`Send + Sync`): create one per service and share it between threads; calls
/// may run concurrently (one fetch per cached token is in flight at a time, concurrent callers
/// share it). Release it with `meshauth_token_client_free` once no call is in flight.
pub struct meshauth_token_client {
    inner: TokenClient,
}

/// A token obtained from the authorization server. Opaque; immutable; owned by the caller, who
/// releases it with `meshauth_access_token_free`. It holds a credential: never log it.
pub struct meshauth_access_token {
    inner: AccessToken,
    /// The access token as a C string, lent by `meshauth_access_token_value`.
    value: CString,
}

impl meshauth_access_token {
    fn new(inner: AccessToken) -> meshauth_access_token {
        let value = crate::to_c_string(inner.access_token.clone());
        meshauth_access_token { inner, value }
    }
}

/// The token request `(request_json, len)`; NULL with length 0 (or empty text) means "the
/// client's defaults".
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes.
unsafe fn request(ptr: *const u8, len: usize) -> Result<TokenRequest, Failure> {
    // SAFETY: forwarded.
    let json = unsafe { text(ptr, len, "request_json") }?;
    Ok(TokenRequest::from_json(json)?)
}

/// Build a token client from its JSON configuration `(config_json, len)`:
/// `{"issuer", "token_endpoint", "discovery", "client_id", "client_secret", "client_auth",
/// "private_key_pem", "private_key_alg", "private_key_kid", "scope", "audience", "resource",
/// "http_timeout_ms", "allow_insecure_http", "ca_bundle_pem"}` (unknown fields and insecure URLs are
/// `MESHAUTH_INVALID_CONFIG`). Performs no network I/O: discovery runs on first use.
///
/// Ownership: borrows `config_json` for the call. On `MESHAUTH_OK`, `*out` receives a new token
/// client owned by the caller (release with `meshauth_token_client_free`). On failure `*out` is
/// untouched and, if `err` is non-NULL, `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_token_client_new(
    config_json: *const u8,
    len: usize,
    out: *mut *mut meshauth_token_client,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        let out = out_param(out, "out")?;
        // SAFETY: the caller passes `len` readable bytes.
        let config = unsafe { text(config_json, len, "config_json") }?;
        let inner = TokenClient::from_json(config)?;
        // SAFETY: `out` checked.
        unsafe { give(out, meshauth_token_client { inner }) };
        Ok(())
    })
}

/// This service's own token (RFC 6749 §4.4 client credentials) for the request
/// `(request_json, len)`: `{"scope": "a b" | ["a","b"], "audience": "...", "resource": ...}`, each
/// field optional (the client's configured defaults apply); `request_json` may be NULL with `len`
/// 0 for the defaults. Served from the core's cache while the token is fresh; otherwise blocking
/// (bounded by `http_timeout_ms`). A refusal by the authorization server is
/// `MESHAUTH_TOKEN_ENDPOINT_ERROR` with its OAuth `error` (`meshauth_error_oauth_error`).
///
/// Ownership: borrows `c` and `request_json` for the call. On `MESHAUTH_OK`, `*out` receives a new
/// access token owned by the caller (`meshauth_access_token_free`). On failure `*out` is untouched
/// and, if `err` is non-NULL, `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_token_client_client_credentials(
    c: *const meshauth_token_client,
    request_json: *const u8,
    len: usize,
    out: *mut *mut meshauth_access_token,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        // SAFETY: `c` is NULL or a live token client.
        let c = unsafe { object(c, "token_client") }?;
        let out = out_param(out, "out")?;
        // SAFETY: the caller passes `len` readable bytes.
        let req = unsafe { request(request_json, len) }?;
        let token = c.inner.client_credentials(&req)?;
        // SAFETY: `out` checked.
        unsafe { give(out, meshauth_access_token::new(token)) };
        Ok(())
    })
}

/// Like `meshauth_token_client_client_credentials`, but never touches the network, for callers on
/// an event loop. On `MESHAUTH_OK`, `*out` receives either a new access token (release with
/// `meshauth_access_token_free`) or NULL, which means "a fetch is needed": call
/// `meshauth_token_client_client_credentials` off the event loop. An invalid request is refused
/// exactly as the blocking call refuses it.
///
/// Ownership: borrows `c` and `request_json`. On failure `*out` is untouched and, if `err` is
/// non-NULL, `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_token_client_client_credentials_cached(
    c: *const meshauth_token_client,
    request_json: *const u8,
    len: usize,
    out: *mut *mut meshauth_access_token,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        // SAFETY: `c` is NULL or a live token client.
        let c = unsafe { object(c, "token_client") }?;
        let out = out_param(out, "out")?;
        // SAFETY: the caller passes `len` readable bytes.
        let req = unsafe { request(request_json, len) }?;
        let token = c.inner.client_credentials_cached(&req)?;
        // SAFETY: `out` checked.
        unsafe { give_optional(out, token.map(meshauth_access_token::new)) };
        Ok(())
    })
}

/// RFC 7523 §2.1 jwt-bearer grant: exchange the user JWT `(assertion, assertion_len)` (UTF-8) for
/// a token meant for another audience, typically a third party. Request fields: `scope`,
/// `audience`, `resource`, `use_client_token` (authenticate with this client's own
/// client-credentials token instead of its credentials); `request_json` may be NULL with length 0.
/// Exchanged tokens are cached by the core, never beyond the assertion's own `exp`. Blocking.
///
/// Ownership: borrows every argument for the call. On `MESHAUTH_OK`, `*out` receives a new access
/// token owned by the caller (`meshauth_access_token_free`). On failure `*out` is untouched and,
/// if `err` is non-NULL, `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_token_client_jwt_bearer(
    c: *const meshauth_token_client,
    assertion: *const u8,
    assertion_len: usize,
    request_json: *const u8,
    request_len: usize,
    out: *mut *mut meshauth_access_token,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        exchange(
            c,
            assertion,
            assertion_len,
            "assertion",
            request_json,
            request_len,
            out,
            err,
            TokenClient::jwt_bearer,
        )
    }
}

/// RFC 8693 token exchange of `(subject_token, subject_len)` (UTF-8) for a token for another
/// audience. Request fields: `scope`, `audience`, `resource`, `subject_token_type`,
/// `requested_token_type`, `actor_token`, `actor_token_type`, `use_client_token`; `request_json`
/// may be NULL with length 0. The core checks the answer's `issued_token_type`. Blocking.
///
/// Ownership: borrows every argument for the call. On `MESHAUTH_OK`, `*out` receives a new access
/// token owned by the caller (`meshauth_access_token_free`). On failure `*out` is untouched and,
/// if `err` is non-NULL, `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_token_client_token_exchange(
    c: *const meshauth_token_client,
    subject_token: *const u8,
    subject_len: usize,
    request_json: *const u8,
    request_len: usize,
    out: *mut *mut meshauth_access_token,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    // SAFETY: forwarded from this function's own contract.
    unsafe {
        exchange(
            c,
            subject_token,
            subject_len,
            "subject_token",
            request_json,
            request_len,
            out,
            err,
            TokenClient::token_exchange,
        )
    }
}

/// The shared body of the two exchange grants: read the token and the request, call `grant`.
///
/// # Safety
/// As the callers: `token` has `token_len` readable bytes, `request_json` `request_len`.
#[allow(clippy::too_many_arguments)]
unsafe fn exchange(
    c: *const meshauth_token_client,
    token: *const u8,
    token_len: usize,
    token_name: &'static str,
    request_json: *const u8,
    request_len: usize,
    out: *mut *mut meshauth_access_token,
    err: *mut *mut meshauth_error,
    grant: fn(&TokenClient, &str, &TokenRequest) -> meshauth::Result<AccessToken>,
) -> meshauth_result {
    boundary(err, || {
        // SAFETY: `c` is NULL or a live token client.
        let c = unsafe { object(c, "token_client") }?;
        let out = out_param(out, "out")?;
        // SAFETY: the caller passes `token_len` readable bytes.
        let token = unsafe { text(token, token_len, token_name) }?;
        // SAFETY: the caller passes `request_len` readable bytes.
        let req = unsafe { request(request_json, request_len) }?;
        let issued = grant(&c.inner, token, &req)?;
        // SAFETY: `out` checked.
        unsafe { give(out, meshauth_access_token::new(issued)) };
        Ok(())
    })
}

/// Release a token client. NULL is a no-op. No other call on `c` may be in flight; access tokens
/// it handed out stay valid (they are independent objects).
///
/// Ownership: takes ownership of `c`.
#[no_mangle]
pub unsafe extern "C" fn meshauth_token_client_free(c: *mut meshauth_token_client) {
    if c.is_null() {
        return;
    }
    guard((), || {
        // SAFETY: `c` came from `meshauth_token_client_new` and is freed once.
        drop(unsafe { Box::from_raw(c) });
    })
}

fn with<T>(
    t: *const meshauth_access_token,
    fallback: T,
    f: impl FnOnce(&meshauth_access_token) -> T,
) -> T {
    // SAFETY: `t` is NULL or a live access token from this library.
    match unsafe { t.as_ref() } {
        Some(t) => guard(fallback, || f(t)),
        None => fallback,
    }
}

/// The access token itself (the credential to send), NUL-terminated. NULL when `t` is NULL. (A
/// NUL byte inside the token, which no HTTP header could carry, would read as U+FFFD.)
///
/// Ownership: **borrowed** from `t`, valid until `meshauth_access_token_free(t)`; never free it.
/// Copy it to keep it longer.
#[no_mangle]
pub extern "C" fn meshauth_access_token_value(t: *const meshauth_access_token) -> *const c_char {
    with(t, std::ptr::null(), |t| t.value.as_ptr())
}

/// The `Authorization` header value for an outgoing call (`"Bearer <token>"`). NULL when `t` is
/// NULL.
///
/// Ownership: a new owned string; release it with `meshauth_string_free`.
#[no_mangle]
pub extern "C" fn meshauth_access_token_authorization_header(
    t: *const meshauth_access_token,
) -> *mut c_char {
    with(t, std::ptr::null_mut(), |t| {
        crate::into_owned_c_string(t.inner.authorization_header())
    })
}

/// When the token expires, in whole seconds since the epoch, into `*out`; returns false (and
/// leaves `*out` alone) when the server did not say (`expires_in` absent) or an argument is NULL.
///
/// Ownership: borrows `t` for the call; returns a plain value (nothing to free).
#[no_mangle]
pub unsafe extern "C" fn meshauth_access_token_expires_at(
    t: *const meshauth_access_token,
    out: *mut i64,
) -> bool {
    if out.is_null() {
        return false;
    }
    match with(t, None, |t| t.inner.expires_at) {
        Some(v) => {
            // SAFETY: checked non-NULL; the caller passes a writable `int64_t *`.
            unsafe { *out = v };
            true
        }
        None => false,
    }
}

/// The token as the JSON object every binding exchanges: `{"access_token","token_type",
/// "expires_at","scope","issued_token_type"}` (absent values are `null`). It contains the
/// credential: never log it. NULL when `t` is NULL.
///
/// Ownership: a new owned string; release it with `meshauth_string_free`.
#[no_mangle]
pub extern "C" fn meshauth_access_token_json(t: *const meshauth_access_token) -> *mut c_char {
    with(t, std::ptr::null_mut(), |t| {
        crate::into_owned_c_string(t.inner.to_json())
    })
}

/// Release an access token. NULL is a no-op.
///
/// Ownership: takes ownership of `t`; it and every string borrowed from it are invalid afterwards.
#[no_mangle]
pub unsafe extern "C" fn meshauth_access_token_free(t: *mut meshauth_access_token) {
    if t.is_null() {
        return;
    }
    guard((), || {
        // SAFETY: `t` came from `Box::into_raw` and is freed once.
        drop(unsafe { Box::from_raw(t) });
    })
}

// The header promises that a token client may be shared between threads and that access tokens
// may be read from any thread: keep that true at compile time.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<meshauth_token_client>();
    shareable::<meshauth_access_token>();
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn a_request_is_refused_before_any_network_io() {
        let cfg = r#"{"token_endpoint":"http://127.0.0.1:9/token","client_id":"orders","client_secret":"s"}"#;
        let mut c: *mut meshauth_token_client = std::ptr::null_mut();
        let r = unsafe {
            meshauth_token_client_new(cfg.as_ptr(), cfg.len(), &mut c, std::ptr::null_mut())
        };
        assert_eq!(r, meshauth_result::MESHAUTH_OK);
        let mut t: *mut meshauth_access_token = std::ptr::null_mut();
        // Nothing cached yet: OK with NULL.
        let r = unsafe {
            meshauth_token_client_client_credentials_cached(
                c,
                std::ptr::null(),
                0,
                &mut t,
                std::ptr::null_mut(),
            )
        };
        assert_eq!((r, t.is_null()), (meshauth_result::MESHAUTH_OK, true));
        let bad = r#"{"actor_token":"x"}"#;
        let mut err: *mut meshauth_error = std::ptr::null_mut();
        let r = unsafe {
            meshauth_token_client_client_credentials_cached(
                c,
                bad.as_ptr(),
                bad.len(),
                &mut t,
                &mut err,
            )
        };
        assert_eq!(r, meshauth_result::MESHAUTH_INVALID_CONFIG);
        let msg = unsafe { CStr::from_ptr(crate::error::meshauth_error_message(err)) };
        assert!(!msg.to_str().unwrap().is_empty());
        unsafe { crate::error::meshauth_error_free(err) };
        unsafe { meshauth_token_client_free(c) };
    }
}
