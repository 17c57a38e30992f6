//! The panic boundary: every `extern "C"` body runs inside `catch_unwind`, so no panic ever
//! unwinds into C (which would be undefined behaviour). A caught panic becomes `MESHAUTH_PANIC`
//! with an error object (fallible functions) or the function's documented neutral value
//! (accessors: 0, false, NULL).

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::meshauth_error;
use crate::error::{meshauth_result, report, Failure};

/// Run a fallible body: `Ok` is `MESHAUTH_OK`; a failure or a panic is reported through `err`.
///
/// The body must write its out-parameters only once it can no longer fail.
pub(crate) fn boundary(
    err: *mut *mut meshauth_error,
    body: impl FnOnce() -> Result<(), Failure>,
) -> meshauth_result {
    let outcome = catch_unwind(AssertUnwindSafe(body))
        .unwrap_or_else(|payload| Err(Failure::Panic(panic_text(&*payload))));
    match outcome {
        Ok(()) => meshauth_result::MESHAUTH_OK,
        // Building the error object cannot panic in practice, but stay inside a boundary anyway.
        Err(f) => catch_unwind(AssertUnwindSafe(|| report(f, err)))
            .unwrap_or(meshauth_result::MESHAUTH_PANIC),
    }
}

/// Run an infallible body (an accessor); a panic yields `fallback`.
pub(crate) fn guard<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// The text of a panic payload (`panic!("...")` carries a `&str` or a `String`), bounded.
fn panic_text(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_owned());
    text.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{meshauth_error_code, meshauth_error_free, meshauth_error_message};
    use std::ffi::CStr;

    #[test]
    fn a_panic_becomes_an_error_object_and_leaves_out_params_alone() {
        let mut err: *mut meshauth_error = std::ptr::null_mut();
        let mut out = 7;
        let r = boundary(&mut err, || {
            if out == 7 {
                panic!("boom {}", 42);
            }
            out = 8;
            Ok(())
        });
        assert_eq!(r, meshauth_result::MESHAUTH_PANIC);
        assert_eq!(out, 7);
        assert_eq!(
            unsafe { CStr::from_ptr(meshauth_error_code(err)) }
                .to_str()
                .unwrap(),
            "panic"
        );
        let msg = unsafe { CStr::from_ptr(meshauth_error_message(err)) }
            .to_str()
            .unwrap()
            .to_owned();
        assert!(msg.contains("boom 42"), "{msg}");
        unsafe { meshauth_error_free(err) };
    }

    #[test]
    fn a_panic_with_a_null_err_still_returns_a_code() {
        let r = boundary(std::ptr::null_mut(), || panic!("static text"));
        assert_eq!(r, meshauth_result::MESHAUTH_PANIC);
        assert_eq!(guard(5, || panic!("x")), 5);
    }
}
