//! Mirrors `meshauth::principal`: the authenticated caller, read through accessors or as JSON.

use std::ffi::c_char;

use crate::panic::guard;

/// The authenticated caller (DESIGN.md §1 step 6). Opaque; immutable; owned by the caller, who
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

fn with<T>(p: *const meshauth_principal, fallback: T, f: impl FnOnce(&meshauth::Principal) -> T) -> T {
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
    with(p, std::ptr::null_mut(), |p| crate::into_owned_c_string(p.to_json()))
}

/// The full claims: the JSON text of the token's payload, exactly as signed.
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`. Absent if `p` is NULL.
#[no_mangle]
pub extern "C" fn meshauth_principal_claims_json(p: *const meshauth_principal) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| meshauth_str::of(p.claims_json()))
}

/// `sub`; absent (`data == NULL`) when the token has none.
///
/// Ownership: borrowed from `p`, valid until `meshauth_principal_free(p)`.
#[no_mangle]
pub extern "C" fn meshauth_principal_subject(p: *const meshauth_principal) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| meshauth_str::of_option(p.subject.as_ref()))
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
    with(p, meshauth_str::ABSENT, |p| meshauth_str::of_option(p.jwt_id.as_ref()))
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
pub extern "C" fn meshauth_principal_authorization_header(p: *const meshauth_principal) -> *mut c_char {
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
pub unsafe extern "C" fn meshauth_principal_issued_at(p: *const meshauth_principal, out: *mut i64) -> bool {
    optional_i64(p, out, |p| p.issued_at)
}

/// `nbf` in whole seconds into `*out`; returns false (and leaves `*out` alone) when the token has
/// no `nbf` or an argument is NULL.
///
/// Ownership: borrows `p` for the call; returns a plain value (nothing to free).
#[no_mangle]
pub unsafe extern "C" fn meshauth_principal_not_before(p: *const meshauth_principal, out: *mut i64) -> bool {
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
pub extern "C" fn meshauth_principal_scope(p: *const meshauth_principal, index: usize) -> meshauth_str {
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
pub extern "C" fn meshauth_principal_audience(p: *const meshauth_principal, index: usize) -> meshauth_str {
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
pub extern "C" fn meshauth_principal_role(p: *const meshauth_principal, index: usize) -> meshauth_str {
    with(p, meshauth_str::ABSENT, |p| meshauth_str::of_option(p.roles.get(index)))
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
