//! Mirrors `meshauth::validator`: building a validator from the JSON configuration, validating a
//! compact token, warming up remote keys.

use meshauth::Validator;

use crate::error::{meshauth_error, meshauth_result};
use crate::input::{bytes, give, give_optional, object, out_param, text};
use crate::panic::{boundary, guard};
use crate::principal::meshauth_principal;

/// A configured validator. Opaque. Thread-safe (`Send + Sync`): create one per service and share it
/// between threads; calls may run concurrently. Release it with `meshauth_validator_free` once no
/// call is in flight.
pub struct meshauth_validator {
    pub(crate) inner: Validator,
}

/// `now` as the C ABI passes it: 0 means "the current time".
pub(crate) fn clock(now: i64) -> i64 {
    if now == 0 {
        meshauth::validator::now()
    } else {
        now
    }
}

/// Build a validator from the JSON configuration `(config_json, len)` (docs/configuration.md; unknown
/// fields and insecure settings are `MESHAUTH_INVALID_CONFIG`). Performs no network I/O.
///
/// Ownership: borrows `config_json` for the call. On `MESHAUTH_OK`, `*out` receives a new
/// validator owned by the caller (release with `meshauth_validator_free`). On failure `*out` is
/// untouched and, if `err` is non-NULL, `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_validator_new(
    config_json: *const u8,
    len: usize,
    out: *mut *mut meshauth_validator,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        let out = out_param(out, "out")?;
        // SAFETY: the caller passes `len` readable bytes.
        let config = unsafe { text(config_json, len, "config_json") }?;
        let inner = Validator::from_json(config)?;
        // SAFETY: `out` checked.
        unsafe { give(out, meshauth_validator { inner }) };
        Ok(())
    })
}

/// Validate the compact JWS `(token, len)` at `now` (seconds since the epoch; 0 = current time).
/// The token is bytes: the size cap applies first, then bytes that are not UTF-8 are
/// `MESHAUTH_MALFORMED_TOKEN` (never `MESHAUTH_INVALID_UTF8`). May fetch remote keys (blocking, bounded by `http_timeout_ms`) when they are cold or the `kid`
/// is unknown.
///
/// Ownership: borrows `v` and `token` for the call. On `MESHAUTH_OK`, `*out` receives a new
/// Principal owned by the caller (`meshauth_principal_free`). On failure `*out` is untouched and,
/// if `err` is non-NULL, `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_validator_validate(
    v: *const meshauth_validator,
    token: *const u8,
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
        let token = unsafe { bytes(token, len, "token") }?;
        let inner = v.inner.validate_bytes_at(token, clock(now))?;
        // SAFETY: `out` checked.
        unsafe { give(out, meshauth_principal { inner }) };
        Ok(())
    })
}

/// Like `meshauth_validator_validate` (same byte handling), but never touches the network, for
/// callers on an event loop. On `MESHAUTH_OK`, `*out` receives either a new Principal (release with
/// `meshauth_principal_free`) or NULL, which means "the answer needs a key fetch": call
/// `meshauth_validator_validate` off the event loop (or `meshauth_validator_refresh`) and retry.
/// `now`: 0 = current time.
///
/// Ownership: borrows `v` and `token`. On failure `*out` is untouched and, if `err` is non-NULL,
/// `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_validator_validate_cached(
    v: *const meshauth_validator,
    token: *const u8,
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
        let token = unsafe { bytes(token, len, "token") }?;
        let answer = v.inner.validate_bytes_cached(token, clock(now))?;
        // SAFETY: `out` checked.
        unsafe { give_optional(out, answer.map(|inner| meshauth_principal { inner })) };
        Ok(())
    })
}

/// Fetch every remote key set now (warm-up at start-up); a no-op for inline keys. Blocking.
///
/// Ownership: borrows `v`. On failure, if `err` is non-NULL, `*err` receives an owned error.
#[no_mangle]
pub unsafe extern "C" fn meshauth_validator_refresh(
    v: *const meshauth_validator,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        // SAFETY: `v` is NULL or a live validator.
        let v = unsafe { object(v, "validator") }?;
        v.inner.refresh()?;
        Ok(())
    })
}

/// Release a validator. NULL is a no-op. No other call on `v` may be in flight.
///
/// Ownership: takes ownership of `v`.
#[no_mangle]
pub unsafe extern "C" fn meshauth_validator_free(v: *mut meshauth_validator) {
    if v.is_null() {
        return;
    }
    guard((), || {
        // SAFETY: `v` came from `meshauth_validator_new` and is freed once.
        drop(unsafe { Box::from_raw(v) });
    })
}

// The header promises that a validator may be shared between threads and that principals and
// errors may be read from any thread: keep that true at compile time.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<meshauth_validator>();
    shareable::<meshauth_principal>();
    shareable::<crate::error::meshauth_error>();
};
