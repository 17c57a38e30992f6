//! `meshauth-ffi`: the C ABI of meshauth (library name `meshauth`, header `include/meshauth.h`).
//!
//! A thin wrapper: every decision about tokens, requests, configuration and errors is the core's
//! (`meshauth` crate). This crate converts `(pointer, length)` inputs into Rust values, calls the
//! core, and hands results back as opaque objects. Conventions (rustls-ffi's, see
//! rustls-ffi's conventions):
//!
//! - Every symbol is `meshauth_`-prefixed; structs are opaque; objects come from a `_new` (or a
//!   function that hands one out) and go with their `_free`; `_free(NULL)` is a no-op.
//! - Fallible functions return a [`meshauth_result`]; out-parameters are written **only** on
//!   success (`MESHAUTH_OK`). On failure, if the caller passed a non-NULL `err`, `*err` receives an
//!   owned [`meshauth_error`] to release with `meshauth_error_free`.
//! - Every pointer argument is checked for NULL (`MESHAUTH_NULL_ARGUMENT`); every body runs inside
//!   a panic boundary (`MESHAUTH_PANIC`): no panic ever unwinds into C.
//! - Inputs are `(const uint8_t *ptr, size_t len)` UTF-8 byte strings (not NUL-terminated);
//!   `ptr` may be NULL only when `len` is 0. Invalid UTF-8 is `MESHAUTH_INVALID_UTF8`, except for
//!   a token to validate, which is bytes (the core answers `MESHAUTH_MALFORMED_TOKEN`).
//! - Owned strings (`char *`) are NUL-terminated and released only with `meshauth_string_free`,
//!   never with `free()`. Borrowed strings (`const char *`, [`meshauth_str`]) live as long as the
//!   object they were read from.
//! - Thread safety: a `meshauth_validator` is `Send + Sync`: share one per service between any
//!   number of threads (validation is concurrent; key refreshes are coordinated by the core); so
//!   is a `meshauth_token_client`. `meshauth_principal`, `meshauth_access_token` and
//!   `meshauth_error` are immutable: any thread may read one, but it must
//!   be freed exactly once, after every reader is done.

#![allow(non_camel_case_types)]
// Every `unsafe extern "C"` function's safety contract is the pointer/ownership contract stated in
// its doc comment and in the header's conventions above; a separate `# Safety` section per
// function would only repeat it in include/meshauth.h.
#![allow(clippy::missing_safety_doc)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod error;
pub mod extract;
pub mod input;
pub mod panic;
pub mod principal;
pub mod token_client;
pub mod validator;

use std::ffi::{c_char, CString};

// The header's `MESHAUTH_VERSION` string define comes from `cbindgen.toml` (cbindgen cannot
// export a string constant); the test below keeps it equal to the crate version.
/// Major version of the library this header belongs to.
pub const MESHAUTH_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const MESHAUTH_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const MESHAUTH_VERSION_PATCH: u32 = 0;

/// The library's version, e.g. `"0.1.0"`.
///
/// Ownership: a static NUL-terminated string; never free it.
#[no_mangle]
pub extern "C" fn meshauth_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Release a string this library handed out as an owned `char *` (e.g. `meshauth_principal_json`).
///
/// Ownership: takes ownership of `s`; `s` must not be used afterwards. `NULL` is a no-op. Never
/// pass a string from `malloc`, a borrowed `const char *`, or the same string twice.
#[no_mangle]
pub unsafe extern "C" fn meshauth_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    panic::guard((), || {
        // SAFETY: the caller hands back a string made by `into_owned_c_string`.
        drop(unsafe { CString::from_raw(s) });
    })
}

/// Turn Rust text into an owned C string (for `meshauth_string_free`). An interior NUL, which JSON
/// output never holds, is replaced by U+FFFD so the C string is never silently truncated.
pub(crate) fn into_owned_c_string(s: impl Into<String>) -> *mut c_char {
    to_c_string(s).into_raw()
}

pub(crate) fn to_c_string(s: impl Into<String>) -> CString {
    let s: String = s.into();
    match CString::new(s) {
        Ok(c) => c,
        Err(e) => {
            let text = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
            CString::new(text).expect("NUL bytes were replaced")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_constants_match_the_package() {
        let version = env!("CARGO_PKG_VERSION");
        let v =
            format!("{MESHAUTH_VERSION_MAJOR}.{MESHAUTH_VERSION_MINOR}.{MESHAUTH_VERSION_PATCH}");
        assert_eq!(v, version);
        let s = unsafe { std::ffi::CStr::from_ptr(meshauth_version()) };
        assert_eq!(s.to_str().unwrap(), version);
        let header = include_str!("../include/meshauth.h");
        assert!(
            header.contains(&format!("#define MESHAUTH_VERSION \"{version}\"")),
            "header version define"
        );
    }

    #[test]
    fn owned_strings_round_trip_and_never_truncate() {
        let p = into_owned_c_string("a\0b");
        let s = unsafe { std::ffi::CStr::from_ptr(p) }
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(s, "a\u{FFFD}b");
        unsafe { meshauth_string_free(p) };
        unsafe { meshauth_string_free(std::ptr::null_mut()) };
    }
}
