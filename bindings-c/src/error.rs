//! Mirrors `meshauth::error`: the result codes of the C ABI and the owned error object.
//!
//! Numbering (stable, never reused):
//! - `0` — `MESHAUTH_OK`.
//! - `1..=999` — the core's catalogue, each code with its stable `ErrorCode::number()` (1..=20 in
//!   catalogue order today; new catalogue codes get the next numbers).
//! - `1000..` — failures of the C boundary itself, which the core never produces:
//!   `MESHAUTH_NULL_ARGUMENT` (1000), `MESHAUTH_INVALID_UTF8` (1001), `MESHAUTH_PANIC` (1002),
//!   `MESHAUTH_UNKNOWN_ERROR` (1003: a catalogue code newer than this header).

use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;

use meshauth::{Error, ErrorCode};

use crate::panic::guard;

/// Result of every fallible `meshauth_*` function. A `uint32_t` in C.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum meshauth_result {
    /// Success: out-parameters were written.
    MESHAUTH_OK = 0,
    /// `no_credentials`: no token in the request (HTTP 401, `WWW-Authenticate: Bearer`).
    MESHAUTH_NO_CREDENTIALS = 1,
    /// `invalid_request`: malformed or ambiguous credentials in the request (HTTP 400).
    MESHAUTH_INVALID_REQUEST = 2,
    /// `token_too_large` (HTTP 401).
    MESHAUTH_TOKEN_TOO_LARGE = 3,
    /// `malformed_token` (HTTP 401).
    MESHAUTH_MALFORMED_TOKEN = 4,
    /// `unsupported_token`: JWE, JWS JSON serialization, unknown `crit`, `b64: false` (HTTP 401).
    MESHAUTH_UNSUPPORTED_TOKEN = 5,
    /// `algorithm_not_allowed` (HTTP 401).
    MESHAUTH_ALGORITHM_NOT_ALLOWED = 6,
    /// `key_not_found` (HTTP 401).
    MESHAUTH_KEY_NOT_FOUND = 7,
    /// `invalid_signature` (HTTP 401).
    MESHAUTH_INVALID_SIGNATURE = 8,
    /// `invalid_claim` (HTTP 401).
    MESHAUTH_INVALID_CLAIM = 9,
    /// `missing_claim` (HTTP 401).
    MESHAUTH_MISSING_CLAIM = 10,
    /// `token_expired` (HTTP 401).
    MESHAUTH_TOKEN_EXPIRED = 11,
    /// `token_not_yet_valid` (HTTP 401).
    MESHAUTH_TOKEN_NOT_YET_VALID = 12,
    /// `invalid_issuer` (HTTP 401).
    MESHAUTH_INVALID_ISSUER = 13,
    /// `invalid_audience` (HTTP 401).
    MESHAUTH_INVALID_AUDIENCE = 14,
    /// `invalid_token_type` (HTTP 401).
    MESHAUTH_INVALID_TOKEN_TYPE = 15,
    /// `insufficient_scope` (HTTP 403).
    MESHAUTH_INSUFFICIENT_SCOPE = 16,
    /// `caller_not_allowed` (HTTP 403).
    MESHAUTH_CALLER_NOT_ALLOWED = 17,
    /// `key_source_unavailable` (HTTP 503).
    MESHAUTH_KEY_SOURCE_UNAVAILABLE = 18,
    /// `token_endpoint_error`: the authorization server refused (client side; no HTTP status).
    MESHAUTH_TOKEN_ENDPOINT_ERROR = 19,
    /// `invalid_config`: refused at construction (no HTTP status).
    MESHAUTH_INVALID_CONFIG = 20,
    /// A required pointer argument was NULL (code string `"null_argument"`).
    MESHAUTH_NULL_ARGUMENT = 1000,
    /// An input that must be UTF-8 text was not (code string `"invalid_utf8"`).
    MESHAUTH_INVALID_UTF8 = 1001,
    /// A bug: the library panicked; the panic was caught at the boundary (code `"panic"`).
    MESHAUTH_PANIC = 1002,
    /// A catalogue code newer than this header; `meshauth_error_code`/`_number` name it.
    MESHAUTH_UNKNOWN_ERROR = 1003,
    /// A `size_t` length above `PTRDIFF_MAX`: no object is that large, so the length is wrong
    /// (code string `"invalid_length"`); refused before the pointer is read.
    MESHAUTH_INVALID_LENGTH = 1004,
}

impl meshauth_result {
    /// The result for a catalogue code: its stable number.
    pub fn from_code(code: ErrorCode) -> meshauth_result {
        use meshauth_result::*;
        match code.number() {
            1 => MESHAUTH_NO_CREDENTIALS,
            2 => MESHAUTH_INVALID_REQUEST,
            3 => MESHAUTH_TOKEN_TOO_LARGE,
            4 => MESHAUTH_MALFORMED_TOKEN,
            5 => MESHAUTH_UNSUPPORTED_TOKEN,
            6 => MESHAUTH_ALGORITHM_NOT_ALLOWED,
            7 => MESHAUTH_KEY_NOT_FOUND,
            8 => MESHAUTH_INVALID_SIGNATURE,
            9 => MESHAUTH_INVALID_CLAIM,
            10 => MESHAUTH_MISSING_CLAIM,
            11 => MESHAUTH_TOKEN_EXPIRED,
            12 => MESHAUTH_TOKEN_NOT_YET_VALID,
            13 => MESHAUTH_INVALID_ISSUER,
            14 => MESHAUTH_INVALID_AUDIENCE,
            15 => MESHAUTH_INVALID_TOKEN_TYPE,
            16 => MESHAUTH_INSUFFICIENT_SCOPE,
            17 => MESHAUTH_CALLER_NOT_ALLOWED,
            18 => MESHAUTH_KEY_SOURCE_UNAVAILABLE,
            19 => MESHAUTH_TOKEN_ENDPOINT_ERROR,
            20 => MESHAUTH_INVALID_CONFIG,
            _ => MESHAUTH_UNKNOWN_ERROR,
        }
    }
}

/// A failure of one call, before it becomes a [`meshauth_error`].
#[derive(Debug)]
pub(crate) enum Failure {
    Core(Error),
    /// The name of the NULL argument.
    NullArgument(&'static str),
    /// The name of the argument that was not UTF-8.
    InvalidUtf8(&'static str),
    /// The name of the argument whose length exceeds `isize::MAX`.
    InvalidLength(&'static str),
    /// The panic payload's text.
    Panic(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

/// The details of a failed call. Opaque; immutable; owned by the caller, who releases it with
/// `meshauth_error_free`. Every string read from it lives until that call.
pub struct meshauth_error {
    result: meshauth_result,
    code: &'static CStr,
    number: u32,
    message: CString,
    status: u16,
    www_authenticate: Option<CString>,
    oauth_error: Option<CString>,
    json: String,
}

impl meshauth_error {
    pub(crate) fn from_failure(f: Failure) -> meshauth_error {
        match f {
            Failure::Core(e) => {
                let code = e.code();
                meshauth_error {
                    result: meshauth_result::from_code(code),
                    code: code_c_str(code),
                    number: code.number(),
                    message: crate::to_c_string(e.message()),
                    status: e.http_status().unwrap_or(0),
                    www_authenticate: e.www_authenticate().map(crate::to_c_string),
                    oauth_error: e.oauth_error().map(crate::to_c_string),
                    json: e.to_json().to_string(),
                }
            }
            Failure::NullArgument(arg) => Self::boundary(
                meshauth_result::MESHAUTH_NULL_ARGUMENT,
                format!("argument `{arg}` is NULL"),
            ),
            Failure::InvalidUtf8(arg) => Self::boundary(
                meshauth_result::MESHAUTH_INVALID_UTF8,
                format!("argument `{arg}` is not valid UTF-8"),
            ),
            Failure::InvalidLength(arg) => Self::boundary(
                meshauth_result::MESHAUTH_INVALID_LENGTH,
                format!("the length of argument `{arg}` is above PTRDIFF_MAX"),
            ),
            Failure::Panic(what) => Self::boundary(
                meshauth_result::MESHAUTH_PANIC,
                format!("internal error (panic): {what}"),
            ),
        }
    }

    fn boundary(result: meshauth_result, message: String) -> meshauth_error {
        let code = result_c_str(result).expect("a boundary result has a name");
        let json = boundary_json(code, result as u32, &message);
        meshauth_error {
            result,
            code,
            number: result as u32,
            message: crate::to_c_string(message),
            status: 0,
            www_authenticate: None,
            oauth_error: None,
            json,
        }
    }
}

/// The JSON object of a boundary failure, in the core's error-object shape.
fn boundary_json(code: &CStr, number: u32, message: &str) -> String {
    serde_json::json!({
        "code": code.to_str().expect("codes are ASCII"),
        "number": number,
        "message": message,
        "status": null,
        "www_authenticate": null,
        "oauth_error": null,
    })
    .to_string()
}

/// NUL-terminated copies of the catalogue's code strings, built once, indexed by number - 1.
fn catalogue_c_strs() -> &'static [CString] {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    NAMES.get_or_init(|| {
        ErrorCode::all()
            .map(|c| CString::new(c.as_str()).expect("codes are ASCII"))
            .collect()
    })
}

fn code_c_str(code: ErrorCode) -> &'static CStr {
    catalogue_c_strs()
        .get(code.number() as usize - 1)
        .map(CString::as_c_str)
        .unwrap_or(c"unknown_error")
}

/// The static name of a result value, `None` for a value this library never returns.
fn result_c_str(result: meshauth_result) -> Option<&'static CStr> {
    use meshauth_result::*;
    Some(match result {
        MESHAUTH_OK => c"ok",
        MESHAUTH_NULL_ARGUMENT => c"null_argument",
        MESHAUTH_INVALID_UTF8 => c"invalid_utf8",
        MESHAUTH_PANIC => c"panic",
        MESHAUTH_UNKNOWN_ERROR => c"unknown_error",
        MESHAUTH_INVALID_LENGTH => c"invalid_length",
        other => code_c_str(ErrorCode::from_number(other as u32)?),
    })
}

/// Hand a failure to the caller through `err` (when non-NULL) and return its result code.
pub(crate) fn report(f: Failure, err: *mut *mut meshauth_error) -> meshauth_result {
    let e = meshauth_error::from_failure(f);
    let result = e.result;
    if !err.is_null() {
        // SAFETY: the caller passed a writable `meshauth_error **` (checked non-NULL).
        unsafe { *err = Box::into_raw(Box::new(e)) };
    }
    result
}

fn with<T: Copy>(
    err: *const meshauth_error,
    fallback: T,
    f: impl FnOnce(&meshauth_error) -> T,
) -> T {
    // SAFETY: `err` is NULL or a live error from this library.
    match unsafe { err.as_ref() } {
        Some(e) => guard(fallback, || f(e)),
        None => fallback,
    }
}

/// Build the error of catalogue code `(code, code_len)` (e.g. `caller_not_allowed`) with the
/// message `(message, message_len)` (NULL: the catalogue's description), for a service that refuses
/// a request itself and answers it like a refused token: its status, `WWW-Authenticate` value and
/// JSON are the core's.
///
/// Errors of the call itself: `MESHAUTH_NULL_ARGUMENT` (`code` or `out` NULL),
/// `MESHAUTH_INVALID_UTF8`, and `MESHAUTH_INVALID_CONFIG` for a code the catalogue does not have.
///
/// Ownership: borrows the inputs for the call. On success `*out` receives an owned error
/// (`meshauth_error_free`); on failure, if `err` is non-NULL, `*err` receives one.
#[no_mangle]
pub unsafe extern "C" fn meshauth_error_new(
    code: *const u8,
    code_len: usize,
    message: *const u8,
    message_len: usize,
    out: *mut *mut meshauth_error,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    crate::panic::boundary(err, || {
        let out = crate::input::out_param(out, "out")?;
        // SAFETY: the caller passes `code_len` readable bytes.
        let code = unsafe { crate::input::text(code, code_len, "code") }?;
        // SAFETY: the caller passes `message_len` readable bytes, or NULL.
        let message = unsafe { crate::input::optional_text(message, message_len, "message") }?;
        let c = ErrorCode::from_str_code(code).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidConfig,
                format!(
                    "{:?} is not a meshauth error code",
                    code.chars().take(64).collect::<String>()
                ),
            )
        })?;
        let e = meshauth_error::from_failure(Failure::Core(Error::new(
            c,
            message.unwrap_or(c.description()),
        )));
        // SAFETY: `out` was checked non-NULL and the body can no longer fail.
        unsafe { crate::input::give(out, e) };
        Ok(())
    })
}

/// The result code of the failed call that produced `err` (`MESHAUTH_NULL_ARGUMENT` for NULL).
///
/// Ownership: borrows `err`.
#[no_mangle]
pub extern "C" fn meshauth_error_result(err: *const meshauth_error) -> meshauth_result {
    if err.is_null() {
        return meshauth_result::MESHAUTH_NULL_ARGUMENT;
    }
    with(err, meshauth_result::MESHAUTH_NULL_ARGUMENT, |e| e.result)
}

/// The stable snake_case code, e.g. `"token_expired"`; for failures of the C boundary itself
/// `"null_argument"`, `"invalid_utf8"` or `"panic"`. NULL when `err` is NULL.
///
/// Ownership: a static NUL-terminated string; never free it (it outlives `err`).
#[no_mangle]
pub extern "C" fn meshauth_error_code(err: *const meshauth_error) -> *const c_char {
    with(err, std::ptr::null(), |e| e.code.as_ptr())
}

/// The stable number of the code: the catalogue number (1..), or the `meshauth_result` value of a
/// boundary failure (1000..). 0 when `err` is NULL.
///
/// Ownership: borrows `err`.
#[no_mangle]
pub extern "C" fn meshauth_error_number(err: *const meshauth_error) -> u32 {
    with(err, 0, |e| e.number)
}

/// A human-readable message (never contains the token or secrets). NULL when `err` is NULL.
///
/// Ownership: borrowed NUL-terminated string, valid until `meshauth_error_free(err)`.
#[no_mangle]
pub extern "C" fn meshauth_error_message(err: *const meshauth_error) -> *const c_char {
    with(err, std::ptr::null(), |e| e.message.as_ptr())
}

/// The HTTP status a resource server answers with (400, 401, 403, 503), or 0 for none
/// (configuration, client-side and boundary failures, or a NULL `err`).
///
/// Ownership: borrows `err`.
#[no_mangle]
pub extern "C" fn meshauth_error_http_status(err: *const meshauth_error) -> u16 {
    with(err, 0, |e| e.status)
}

/// The exact `WWW-Authenticate` header value to send with the response, or NULL for none.
///
/// Ownership: borrowed NUL-terminated string, valid until `meshauth_error_free(err)`.
#[no_mangle]
pub extern "C" fn meshauth_error_www_authenticate(err: *const meshauth_error) -> *const c_char {
    with(err, std::ptr::null(), |e| {
        e.www_authenticate
            .as_ref()
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// For `token_endpoint_error`: the OAuth `error` the authorization server answered; else NULL.
///
/// Ownership: borrowed NUL-terminated string, valid until `meshauth_error_free(err)`.
#[no_mangle]
pub extern "C" fn meshauth_error_oauth_error(err: *const meshauth_error) -> *const c_char {
    with(err, std::ptr::null(), |e| {
        e.oauth_error
            .as_ref()
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// The error as the JSON object every binding exchanges:
/// `{"code","number","message","status","www_authenticate","oauth_error"}` (absent values are
/// `null`). NULL when `err` is NULL.
///
/// Ownership: a new owned string; release it with `meshauth_string_free`.
#[no_mangle]
pub extern "C" fn meshauth_error_json(err: *const meshauth_error) -> *mut c_char {
    with(err, std::ptr::null_mut(), |e| {
        crate::into_owned_c_string(e.json.clone())
    })
}

/// Release an error object. NULL is a no-op.
///
/// Ownership: takes ownership of `err`; it and every string borrowed from it are invalid afterwards.
#[no_mangle]
pub unsafe extern "C" fn meshauth_error_free(err: *mut meshauth_error) {
    if err.is_null() {
        return;
    }
    guard((), || {
        // SAFETY: `err` came from `Box::into_raw` in `report` and is freed once.
        drop(unsafe { Box::from_raw(err) });
    })
}

/// The static name of a result value: `"ok"`, a catalogue code (`"token_expired"`), or
/// `"null_argument"`, `"invalid_utf8"`, `"panic"`, `"unknown_error"`, `"invalid_length"`; NULL for
/// any other value.
///
/// Ownership: a static NUL-terminated string; never free it.
#[no_mangle]
pub extern "C" fn meshauth_result_name(result: u32) -> *const c_char {
    guard(std::ptr::null(), || {
        use meshauth_result::*;
        let r = match result {
            0 => Some(MESHAUTH_OK),
            1000 => Some(MESHAUTH_NULL_ARGUMENT),
            1001 => Some(MESHAUTH_INVALID_UTF8),
            1002 => Some(MESHAUTH_PANIC),
            1003 => Some(MESHAUTH_UNKNOWN_ERROR),
            1004 => Some(MESHAUTH_INVALID_LENGTH),
            n => ErrorCode::from_number(n).map(meshauth_result::from_code),
        };
        r.and_then(result_c_str)
            .map_or(std::ptr::null(), CStr::as_ptr)
    })
}

/// The number of codes in the core's error catalogue (numbers `1..=count`).
///
/// Ownership: none (returns a plain value).
#[no_mangle]
pub extern "C" fn meshauth_error_code_count() -> usize {
    guard(0, || ErrorCode::all().count())
}

/// Every catalogue code as a JSON array, in number order:
/// `[{"code":"no_credentials","number":1,"status":401,"description":"..."}, ...]` (`status` is
/// `null` where no HTTP status applies). Bindings use it to check that they map every code.
///
/// Ownership: a static NUL-terminated string; never free it.
#[no_mangle]
pub extern "C" fn meshauth_error_codes() -> *const c_char {
    static JSON: OnceLock<CString> = OnceLock::new();
    guard(std::ptr::null(), || {
        JSON.get_or_init(|| {
            let rows: Vec<String> = ErrorCode::all()
                .map(|c| {
                    serde_json::json!({
                        "code": c.as_str(),
                        "number": c.number(),
                        "status": c.http_status(),
                        "description": c.description(),
                    })
                    .to_string()
                })
                .collect();
            crate::to_c_string(format!("[{}]", rows.join(",")))
        })
        .as_ptr()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_code_has_its_result_with_the_same_number() {
        for code in ErrorCode::all() {
            let r = meshauth_result::from_code(code);
            assert_ne!(
                r,
                meshauth_result::MESHAUTH_UNKNOWN_ERROR,
                "{code} has no meshauth_result"
            );
            assert_eq!(r as u32, code.number());
            let name = unsafe { CStr::from_ptr(meshauth_result_name(r as u32)) };
            assert_eq!(name.to_str().unwrap(), code.as_str());
        }
        assert_eq!(meshauth_error_code_count(), ErrorCode::all().count());
        assert!(meshauth_result_name(999).is_null());
    }

    #[test]
    fn core_errors_keep_status_and_challenge() {
        let mut err: *mut meshauth_error = std::ptr::null_mut();
        let r = report(
            Failure::Core(Error::new(ErrorCode::TokenExpired, "expired")),
            &mut err,
        );
        assert_eq!(r, meshauth_result::MESHAUTH_TOKEN_EXPIRED);
        assert_eq!(meshauth_error_http_status(err), 401);
        let www = unsafe { CStr::from_ptr(meshauth_error_www_authenticate(err)) };
        assert!(www
            .to_str()
            .unwrap()
            .starts_with("Bearer error=\"invalid_token\""));
        assert!(meshauth_error_oauth_error(err).is_null());
        unsafe { meshauth_error_free(err) };
    }

    #[test]
    fn boundary_errors_are_valid_json() {
        let e = meshauth_error::from_failure(Failure::Panic("a \"quoted\"\n thing".into()));
        let v: serde_json::Value = serde_json::from_str(&e.json).unwrap();
        assert_eq!(v["code"], "panic");
        assert_eq!(v["number"], 1002);
        assert!(v["status"].is_null());
        let codes: serde_json::Value = serde_json::from_str(
            unsafe { CStr::from_ptr(meshauth_error_codes()) }
                .to_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(codes.as_array().unwrap().len(), 20);
    }
}
