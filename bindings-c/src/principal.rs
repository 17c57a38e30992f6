//! Mirrors `meshauth::principal`: the authenticated caller, read through accessors or as JSON.

use std::ffi::c_char;

use crate::error::{meshauth_error, meshauth_result};
use crate::input::{bad_json, give, json_strings, object, out_param, text};
use crate::panic::{boundary, guard};

/// The authenticated caller (docs/README.md, "The Principal"). Opaque; immutable; owned by the caller, who
/// releases it with `meshauth_principal_free`.
pub struct meshauth_principal {
    pub(crate) inner: meshauth::Principal,
}

/// A borrowed UTF-8 string: `len` bytes at `data`, **not** NUL-terminated (a claim may hold a NUL
/// character). `data == NULL` means "absent". Valid as long as the object it was read from.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct meshauth_str {
    pub data: *const c_char,
    pub len: usize,
}

impl meshauth_str {
    const ABSENT: meshauth_str = meshauth_str {
        data: std::ptr::null(),
        len: 0,
    };

    fn of(s: &str) -> meshauth_str {
        meshauth_str {
            data: s.as_ptr().cast(),
            len: s.len(),
        }
    }

    fn of_option(s: Option<&String>) -> meshauth_str {
        s.map_or(Self::ABSENT, |s| Self::of(s))
    }
}

impl Default for meshauth_str {
    fn default() -> Self {
        Self::ABSENT
    }
}

fn with<T>(
    p: *const meshauth_principal,
    fallback: T,
    f: impl FnOnce(&meshauth::Principal) -> T,
) -> T {
    // SAFETY: `p` is NULL or a live principal from this library.
    match unsafe { p.as_ref() } {
        Some(p) => guard(fallback, || f(&p.inner)),
        None => fallback,
    }
}

/// The Principal as the JSON object every binding exchanges: `{"subject","issuer","audiences",
/// "expires_at","issued_at","not_before","jwt_id","client_id","scopes","roles","is_client",
/// "claims","token"}` (`claims` is the payload exactly as signed). NULL when `p` is NULL.
///
/// Ownership: a new owned string; release it with `meshauth_string_free`.
#[no_mangle]
pub extern "C" fn meshauth_principal_json(p: *const meshauth_principal) -> *mut c_char {
    with(p, std::ptr::null_mut(), |p| {
        crate::into_owned_c_string(p.to_json())
    })
}

/// The full claims: the JSON text of the token's payload, exactly as signed.
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`. Absent if `p` is NULL.
#[no_mangle]
pub extern "C" fn meshauth_principal_claims_json(p: *const meshauth_principal) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| {
        meshauth_str::of(p.claims_json())
    })
}

/// `sub`; absent (`data == NULL`) when the token has none.
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`.
#[no_mangle]
pub extern "C" fn meshauth_principal_subject(p: *const meshauth_principal) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| {
        meshauth_str::of_option(p.subject.as_ref())
    })
}

/// `iss` (always present on a Principal; absent only when `p` is NULL).
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`.
#[no_mangle]
pub extern "C" fn meshauth_principal_issuer(p: *const meshauth_principal) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| meshauth_str::of(&p.issuer))
}

/// `client_id`, else `azp`; absent when the token names no client.
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`.
#[no_mangle]
pub extern "C" fn meshauth_principal_client_id(p: *const meshauth_principal) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| {
        meshauth_str::of_option(p.client_id.as_ref())
    })
}

/// `jti`; absent when the token has none.
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`.
#[no_mangle]
pub extern "C" fn meshauth_principal_jwt_id(p: *const meshauth_principal) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| {
        meshauth_str::of_option(p.jwt_id.as_ref())
    })
}

/// The raw compact token, for forwarding to first-party services.
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`.
#[no_mangle]
pub extern "C" fn meshauth_principal_token(p: *const meshauth_principal) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| meshauth_str::of(&p.token))
}

/// The `Authorization` header value that forwards this caller's token to a trusted first-party
/// service (`"Bearer <token>"`). Never send it to a third party: exchange the token with
/// `meshauth_token_client_jwt_bearer` or `meshauth_token_client_token_exchange` instead. NULL when
/// `p` is NULL.
///
/// Ownership: a new owned string; release it with `meshauth_string_free`.
#[no_mangle]
pub extern "C" fn meshauth_principal_authorization_header(
    p: *const meshauth_principal,
) -> *mut c_char {
    with(p, std::ptr::null_mut(), |p| {
        crate::into_owned_c_string(p.authorization_header())
    })
}

/// `exp`, whole seconds since the epoch. 0 when `p` is NULL.
///
/// Ownership: borrows `p` for the call; returns a plain value (nothing to free).
#[no_mangle]
pub extern "C" fn meshauth_principal_expires_at(p: *const meshauth_principal) -> i64 {
    with(p, 0, |p| p.expires_at)
}

/// `iat` in whole seconds into `*out`; returns false (and leaves `*out` alone) when the token has
/// no `iat` or an argument is NULL.
///
/// Ownership: borrows `p` for the call; returns a plain value (nothing to free).
#[no_mangle]
pub unsafe extern "C" fn meshauth_principal_issued_at(
    p: *const meshauth_principal,
    out: *mut i64,
) -> bool {
    optional_i64(p, out, |p| p.issued_at)
}

/// `nbf` in whole seconds into `*out`; returns false (and leaves `*out` alone) when the token has
/// no `nbf` or an argument is NULL.
///
/// Ownership: borrows `p` for the call; returns a plain value (nothing to free).
#[no_mangle]
pub unsafe extern "C" fn meshauth_principal_not_before(
    p: *const meshauth_principal,
    out: *mut i64,
) -> bool {
    optional_i64(p, out, |p| p.not_before)
}

fn optional_i64(
    p: *const meshauth_principal,
    out: *mut i64,
    f: impl FnOnce(&meshauth::Principal) -> Option<i64>,
) -> bool {
    if out.is_null() {
        return false;
    }
    match with(p, None, f) {
        Some(v) => {
            // SAFETY: checked non-NULL; the caller passes a writable `int64_t *`.
            unsafe { *out = v };
            true
        }
        None => false,
    }
}

/// Whether this is a service's own client-credentials token rather than a user's. False when `p`
/// is NULL.
///
/// Ownership: borrows `p` for the call; returns a plain value (nothing to free).
#[no_mangle]
pub extern "C" fn meshauth_principal_is_client(p: *const meshauth_principal) -> bool {
    with(p, false, |p| p.is_client)
}

/// The number of scopes (`scope` string or `scp` array).
///
/// Ownership: borrows `p` for the call; returns a plain value (nothing to free).
#[no_mangle]
pub extern "C" fn meshauth_principal_scope_count(p: *const meshauth_principal) -> usize {
    with(p, 0, |p| p.scopes.len())
}

/// Scope number `index` (0-based); absent when out of range.
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`.
#[no_mangle]
pub extern "C" fn meshauth_principal_scope(
    p: *const meshauth_principal,
    index: usize,
) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| {
        meshauth_str::of_option(p.scopes.get(index))
    })
}

/// Whether the Principal carries the scope `(scope, len)` (exact match). False on NULL arguments
/// or invalid UTF-8.
///
/// Ownership: borrows `p` for the call; returns a plain value (nothing to free).
#[no_mangle]
pub unsafe extern "C" fn meshauth_principal_has_scope(
    p: *const meshauth_principal,
    scope: *const u8,
    len: usize,
) -> bool {
    if scope.is_null() {
        return false;
    }
    with(p, false, |p| {
        // SAFETY: the caller passes `len` readable bytes at `scope`.
        match unsafe { crate::input::text(scope, len, "scope") } {
            Ok(s) => p.has_scope(s),
            Err(_) => false,
        }
    })
}

/// `MESHAUTH_OK` when the Principal carries every scope of `(scopes_json, len)`, a JSON array of
/// strings such as `["orders:read","orders:write"]` (an empty array requires nothing); otherwise
/// `MESHAUTH_INSUFFICIENT_SCOPE`: HTTP 403, and `meshauth_error_www_authenticate` is
/// `Bearer error="insufficient_scope", error_description="…", scope="<the scopes, space-separated>"`.
/// The decision is the core's (`Principal::require_scopes`), the same in every binding.
///
/// Errors of the call itself: `MESHAUTH_NULL_ARGUMENT` (`p` NULL, or `scopes_json` NULL with a
/// non-zero `len`), `MESHAUTH_INVALID_UTF8`, and `MESHAUTH_INVALID_CONFIG` when `scopes_json` is
/// not a JSON array of strings (the scope list is the program's own input, like a configuration:
/// no HTTP status, a service answers 500).
///
/// Ownership: borrows `p` and `scopes_json` for the call. On failure, if `err` is non-NULL, `*err`
/// receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_principal_require_scopes(
    p: *const meshauth_principal,
    scopes_json: *const u8,
    len: usize,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        // SAFETY: `p` is NULL or a live principal.
        let p = unsafe { object(p, "principal") }?;
        // SAFETY: the caller passes `len` readable bytes.
        let scopes = unsafe { json_strings(scopes_json, len, "scopes_json") }?;
        p.inner.require_scopes(&scopes)?;
        Ok(())
    })
}

/// `MESHAUTH_OK` when the calling client (`client_id`, else `azp`, else `sub`) is one of
/// `(clients_json, len)`, a JSON array of strings such as `["checkout","admin-ui"]`; otherwise
/// `MESHAUTH_CALLER_NOT_ALLOWED` (HTTP 403). The decision is the core's
/// (`Principal::require_clients`), the same as the validator's `allowed_clients`, per route.
///
/// Errors of the call itself: as for `meshauth_principal_require_scopes` (`MESHAUTH_NULL_ARGUMENT`,
/// `MESHAUTH_INVALID_UTF8`, `MESHAUTH_INVALID_CONFIG` when `clients_json` is not a JSON array of
/// strings).
///
/// Ownership: borrows `p` and `clients_json` for the call. On failure, if `err` is non-NULL,
/// `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_principal_require_clients(
    p: *const meshauth_principal,
    clients_json: *const u8,
    len: usize,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        // SAFETY: `p` is NULL or a live principal.
        let p = unsafe { object(p, "principal") }?;
        // SAFETY: the caller passes `len` readable bytes.
        let clients = unsafe { json_strings(clients_json, len, "clients_json") }?;
        p.inner.require_clients(&clients)?;
        Ok(())
    })
}

/// Rebuild a Principal from the JSON object `meshauth_principal_json` returns (every field
/// present, no other). For bindings that keep a Principal as JSON (Go, Java) and need a core call
/// on it, such as `meshauth_principal_require_scopes`. The result is exactly what the JSON says:
/// it is no proof that a token was validated, so build it only from a Principal this library
/// returned (or one a test makes up).
///
/// Errors: `MESHAUTH_NULL_ARGUMENT`, `MESHAUTH_INVALID_UTF8`, and `MESHAUTH_INVALID_CONFIG` when
/// the text is not that object (the message names the field, never its value).
///
/// Ownership: borrows `principal_json` for the call. On `MESHAUTH_OK`, `*out` receives a new
/// Principal owned by the caller (`meshauth_principal_free`). On failure `*out` is untouched and,
/// if `err` is non-NULL, `*err` receives an owned error (`meshauth_error_free`).
#[no_mangle]
pub unsafe extern "C" fn meshauth_principal_from_json(
    principal_json: *const u8,
    len: usize,
    out: *mut *mut meshauth_principal,
    err: *mut *mut meshauth_error,
) -> meshauth_result {
    boundary(err, || {
        let out = out_param(out, "out")?;
        // SAFETY: the caller passes `len` readable bytes.
        let json = unsafe { text(principal_json, len, "principal_json") }?;
        let inner = principal_from_json(json)
            .map_err(|detail| bad_json("principal_json", "the Principal JSON object", &detail))?;
        // SAFETY: `out` checked.
        unsafe { give(out, meshauth_principal { inner }) };
        Ok(())
    })
}

fn principal_from_json(text: &str) -> Result<meshauth::Principal, String> {
    meshauth::Principal::from_json(text).map_err(|e| e.message().to_owned())
}

/// The number of audiences (`aud` as a list).
///
/// Ownership: borrows `p` for the call; returns a plain value (nothing to free).
#[no_mangle]
pub extern "C" fn meshauth_principal_audience_count(p: *const meshauth_principal) -> usize {
    with(p, 0, |p| p.audiences.len())
}

/// Audience number `index` (0-based); absent when out of range.
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`.
#[no_mangle]
pub extern "C" fn meshauth_principal_audience(
    p: *const meshauth_principal,
    index: usize,
) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| {
        meshauth_str::of_option(p.audiences.get(index))
    })
}

/// The number of roles (values at the configured `roles_claim`).
///
/// Ownership: borrows `p` for the call; returns a plain value (nothing to free).
#[no_mangle]
pub extern "C" fn meshauth_principal_role_count(p: *const meshauth_principal) -> usize {
    with(p, 0, |p| p.roles.len())
}

/// Role number `index` (0-based); absent when out of range.
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`.
#[no_mangle]
pub extern "C" fn meshauth_principal_role(
    p: *const meshauth_principal,
    index: usize,
) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| {
        meshauth_str::of_option(p.roles.get(index))
    })
}

/// Release a Principal. NULL is a no-op.
///
/// Ownership: takes ownership of `p`; it and every string borrowed from it are invalid afterwards.
#[no_mangle]
pub unsafe extern "C" fn meshauth_principal_free(p: *mut meshauth_principal) {
    if p.is_null() {
        return;
    }
    guard((), || {
        // SAFETY: `p` came from `Box::into_raw` and is freed once.
        drop(unsafe { Box::from_raw(p) });
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{
        meshauth_error_code, meshauth_error_free, meshauth_error_http_status,
        meshauth_error_www_authenticate,
    };
    use std::ffi::CStr;

    fn sample() -> meshauth::Principal {
        meshauth::Principal {
            subject: Some("alice".into()),
            issuer: "https://issuer.example".into(),
            audiences: vec!["orders".into()],
            expires_at: 4102444800,
            issued_at: Some(1767225600),
            not_before: None,
            jwt_id: None,
            client_id: Some("web".into()),
            scopes: vec!["orders:read".into(), "orders:write".into()],
            roles: vec![],
            is_client: false,
            claims: r#"{"sub":"alice","id":123456789012345678901234567890}"#.into(),
            token: "a.b.c".into(),
        }
    }

    #[test]
    fn from_json_is_the_inverse_of_to_json() {
        let json = sample().to_json();
        let back = principal_from_json(&json).unwrap();
        assert_eq!(back.to_json(), json);
        assert_eq!(back.claims_json(), sample().claims_json());
    }

    #[test]
    fn from_json_refuses_other_shapes_without_echoing_values() {
        let json = sample().to_json();
        let cases = [
            (
                json.replace("\"token\":\"a.b.c\"", "\"token\":5"),
                "invalid type: integer, expected a string",
            ),
            (
                json.replace(",\"token\":\"a.b.c\"", ""),
                "missing field `token`",
            ),
            (
                json.replace("\"token\":\"a.b.c\"", "\"token\":\"a.b.c\",\"x\":1"),
                "unknown field `x`",
            ),
            (
                json.replace("\"claims\":{", "\"claims\":[{")
                    .replace("},\"token\"", "}],\"token\""),
                "claims must be a JSON object",
            ),
            ("[]".to_owned(), "Principal JSON"),
        ];
        for (text, want) in cases {
            let got = principal_from_json(&text).unwrap_err();
            assert!(got.contains(want), "{got:?} should contain {want:?}");
            assert!(!got.contains("a.b.c"));
        }
    }

    fn require(p: &meshauth_principal, scopes: &str) -> (meshauth_result, *mut meshauth_error) {
        let mut err = std::ptr::null_mut();
        let r = unsafe {
            meshauth_principal_require_scopes(p, scopes.as_ptr(), scopes.len(), &mut err)
        };
        (r, err)
    }

    #[test]
    fn require_scopes_answers_with_the_core_error() {
        let p = meshauth_principal { inner: sample() };
        for ok in [
            "[]",
            "[\"orders:read\"]",
            "[\"orders:write\",\"orders:read\"]",
        ] {
            let (r, err) = require(&p, ok);
            assert_eq!(r, meshauth_result::MESHAUTH_OK, "{ok}");
            assert!(err.is_null());
        }
        let (r, err) = require(&p, "[\"orders:read\",\"orders:admin\"]");
        assert_eq!(r, meshauth_result::MESHAUTH_INSUFFICIENT_SCOPE);
        assert_eq!(meshauth_error_http_status(err), 403);
        let www = unsafe { CStr::from_ptr(meshauth_error_www_authenticate(err)) }
            .to_str()
            .unwrap();
        assert!(
            www.starts_with("Bearer error=\"insufficient_scope\""),
            "{www}"
        );
        assert!(
            www.ends_with(", scope=\"orders:read orders:admin\""),
            "{www}"
        );
        unsafe { meshauth_error_free(err) };

        for bad in ["", "{", "\"orders:read\"", "[1]", "[\"a\",null]"] {
            let (r, err) = require(&p, bad);
            assert_eq!(r, meshauth_result::MESHAUTH_INVALID_CONFIG, "{bad:?}");
            assert_eq!(
                unsafe { CStr::from_ptr(meshauth_error_code(err)) }
                    .to_str()
                    .unwrap(),
                "invalid_config"
            );
            assert_eq!(meshauth_error_http_status(err), 0);
            unsafe { meshauth_error_free(err) };
        }
    }
}
