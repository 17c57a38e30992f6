//! Reading C arguments: `(const uint8_t *ptr, size_t len)` byte strings, object pointers and
//! out-parameters, each checked for NULL before use.

use crate::error::Failure;

/// The bytes of `(ptr, len)`. `ptr` may be NULL only when `len` is 0. A `len` above `isize::MAX`
/// (a negative length cast to `size_t`, say) is `InvalidLength`: no object is that large, and
/// `slice::from_raw_parts` must never see such a length.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes that outlive the returned slice.
pub(crate) unsafe fn bytes<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::NullArgument(name))
        };
    }
    if len > isize::MAX as usize {
        return Err(Failure::InvalidLength(name));
    }
    // SAFETY: the caller guarantees `len` readable bytes at `ptr`, and `len <= isize::MAX`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The UTF-8 text of `(ptr, len)`.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn text<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded.
    let b = unsafe { bytes(ptr, len, name) }?;
    std::str::from_utf8(b).map_err(|_| Failure::InvalidUtf8(name))
}

/// Like [`text`], but a NULL `ptr` means "absent" (`None`) whatever `len` is.
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn optional_text<'a>(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded.
    unsafe { text(ptr, len, name) }.map(Some)
}

/// A shared reference to a library object.
///
/// # Safety
/// A non-NULL `ptr` must be a live object handed out by this library.
pub(crate) unsafe fn object<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T, Failure> {
    // SAFETY: forwarded.
    unsafe { ptr.as_ref() }.ok_or(Failure::NullArgument(name))
}

/// Check an out-parameter before any work, so a NULL one fails fast and nothing is lost.
pub(crate) fn out_param<T>(ptr: *mut *mut T, name: &'static str) -> Result<*mut *mut T, Failure> {
    if ptr.is_null() {
        Err(Failure::NullArgument(name))
    } else {
        Ok(ptr)
    }
}

/// Hand a new object to the caller through a checked out-parameter (the call's last step).
///
/// # Safety
/// `out` must have passed [`out_param`] and be writable.
pub(crate) unsafe fn give<T>(out: *mut *mut T, value: T) {
    // SAFETY: checked non-NULL by `out_param`; the caller guarantees it is writable.
    unsafe { *out = Box::into_raw(Box::new(value)) };
}

/// Like [`give`], but `None` writes NULL (the "needs a key fetch" answer of the `_cached` calls).
///
/// # Safety
/// As for [`give`].
pub(crate) unsafe fn give_optional<T>(out: *mut *mut T, value: Option<T>) {
    let ptr = value.map_or(std::ptr::null_mut(), |v| Box::into_raw(Box::new(v)));
    // SAFETY: checked non-NULL by `out_param`; the caller guarantees it is writable.
    unsafe { *out = ptr };
}

/// The failure for a JSON argument that is not what the call reads. JSON arguments are values the
/// program itself supplies (a scope list, a Principal it kept as JSON), never data of the HTTP
/// request, so the convention is the core's for `TokenRequest::from_json` and every
/// configuration: `MESHAUTH_INVALID_CONFIG` (no HTTP status: a service answers 500).
/// `MESHAUTH_INVALID_REQUEST` (HTTP 400) stays reserved for the request's own data. `detail` must
/// not echo the input (a Principal's JSON holds the caller's token).
pub(crate) fn bad_json(name: &'static str, expected: &str, detail: &str) -> Failure {
    Failure::Core(meshauth::Error::new(
        meshauth::ErrorCode::InvalidConfig,
        format!("argument `{name}` must be {expected}: {detail}"),
    ))
}

/// What went wrong in a `serde_json` error, without the offending value.
pub(crate) fn json_detail(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Syntax => "not valid JSON",
        Category::Eof => "truncated JSON",
        Category::Data => "a JSON value of another shape",
        Category::Io => "unreadable",
    };
    format!("{what} (line {}, column {})", e.line(), e.column())
}

/// A JSON array of strings, e.g. `["orders:read","orders:write"]`. Not UTF-8 is
/// `MESHAUTH_INVALID_UTF8`; anything else that is not such an array is `MESHAUTH_INVALID_CONFIG`
/// (see [`bad_json`]).
///
/// # Safety
/// As for [`bytes`].
pub(crate) unsafe fn json_strings(
    ptr: *const u8,
    len: usize,
    name: &'static str,
) -> Result<Vec<String>, Failure> {
    // SAFETY: forwarded.
    let s = unsafe { text(ptr, len, name) }?;
    serde_json::from_str::<Vec<String>>(s)
        .map_err(|e| bad_json(name, "a JSON array of strings", &json_detail(&e)))
}
