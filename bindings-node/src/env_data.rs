//! Per-environment JavaScript helpers, created once when the module loads (main thread and each
//! worker) and kept as the addon's napi instance data.
//!
//! They exist for speed on the validation path (figures in `bench/RESULTS.md`):
//! - `principal_class`: the `Principal` class, so that a `Principal` is made with one
//!   `napi_new_instance` plus one `napi_wrap` (see `principal.rs`), instead of napi-rs's generic
//!   class path, which also records every instance in a registry that its finalizer searches;
//! - `decorate_error`: sets `code`, `name`, `number`, `status`, `wwwAuthenticate` and
//!   `oauthError` on a new error in one call, where setting each through napi costs a string
//!   lookup and a slow property store apiece (see `error.rs`);
//! - JavaScript wrappers over `Validator.prototype.validateSync` and `authenticateSync`: the
//!   native methods return the `MeshAuthError` and the wrapper throws it, because a throw from a
//!   native frame (`napi_throw`) costs 1.5–2 µs more than the same throw from JavaScript. The
//!   stack of such an error starts at the wrapper (`Validator.validateSync`, in
//!   `meshauth/validator.js`), then the caller.

use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, Env};

use crate::error::ERROR_NAME;

struct EnvData {
    principal_class: sys::napi_ref,
    decorate_error: sys::napi_ref,
}

/// The wrappers of `validateSync` and `authenticateSync` (see the module docs). Each keeps the
/// property's attributes and its name; `r instanceof Error` is never true of a `Principal`.
const SYNC_WRAPPERS: &str = "(function (proto) {
  const validate = proto.validateSync
  const authenticate = proto.authenticateSync
  const methods = {
    validateSync(token, options) {
      const r = validate.call(this, token, options)
      if (r instanceof Error) throw r
      return r
    },
    authenticateSync(request, options) {
      const r = authenticate.call(this, request, options)
      if (r instanceof Error) throw r
      return r
    },
  }
  for (const name of ['validateSync', 'authenticateSync']) {
    Object.defineProperty(proto, name, { ...Object.getOwnPropertyDescriptor(proto, name), value: methods[name] })
  }
})
//# sourceURL=meshauth/validator.js
";

/// Create the helpers for this environment. `principal_class`: the exported `Principal` class;
/// `validator_class`: the exported `Validator` class, whose sync methods get their wrappers.
pub(crate) fn install(env: &Env, principal_class: Unknown, validator_class: Unknown) -> Result<()> {
    let wrap_sync: Function<Unknown, Unknown> = env.run_script(SYNC_WRAPPERS)?;
    let mut prototype = ptr::null_mut();
    // SAFETY: `validator_class` is the exported class (a function) of this live env.
    check_status!(unsafe {
        sys::napi_get_named_property(env.raw(), validator_class.raw(), c"prototype".as_ptr(), &mut prototype)
    })?;
    // SAFETY: `prototype` is a value of this live env.
    wrap_sync.call(unsafe { Unknown::from_raw_unchecked(env.raw(), prototype) })?;
    let decorate: Unknown = env.run_script(format!(
        "(function (e, code, number, status, wwwAuthenticate, oauthError) {{
           e.code = code
           e.name = '{ERROR_NAME}'
           e.number = number
           e.status = status
           e.wwwAuthenticate = wwwAuthenticate
           e.oauthError = oauthError
           return e
         }})"
    ))?;
    let raw = env.raw();
    let mut data = EnvData { principal_class: ptr::null_mut(), decorate_error: ptr::null_mut() };
    // SAFETY: `raw` is the live env of this module-init call; both values are functions of it. The references are strong (count 1) so the functions live as long as the env;
    // Node deletes remaining references when the env is torn down.
    unsafe {
        check_status!(sys::napi_create_reference(raw, principal_class.raw(), 1, &mut data.principal_class))?;
        check_status!(sys::napi_create_reference(raw, decorate.raw(), 1, &mut data.decorate_error))?;
        let boxed = Box::into_raw(Box::new(data));
        let status = sys::napi_set_instance_data(raw, boxed.cast(), Some(drop_env_data), ptr::null_mut());
        if status != sys::Status::napi_ok {
            drop(Box::from_raw(boxed));
            return Err(Error::new(Status::GenericFailure, "meshauth: cannot set the module's instance data"));
        }
    }
    Ok(())
}

/// SAFETY (of the callers): `data` is the `Box<EnvData>` set by `install`; Node calls this once,
/// when the env is torn down.
unsafe extern "C" fn drop_env_data(_env: sys::napi_env, data: *mut std::ffi::c_void, _hint: *mut std::ffi::c_void) {
    drop(unsafe { Box::from_raw(data.cast::<EnvData>()) });
}

/// # Safety
/// `env` is the live env of the current call.
unsafe fn env_data<'a>(env: sys::napi_env) -> Result<&'a EnvData> {
    let mut data = ptr::null_mut();
    // SAFETY: only `install` sets this addon's instance data, always to a `Box<EnvData>` that
    // lives until the env is torn down, which cannot happen during a call into the addon.
    unsafe {
        check_status!(sys::napi_get_instance_data(env, &mut data))?;
        data.cast::<EnvData>()
            .as_ref()
            .ok_or_else(|| Error::new(Status::GenericFailure, "meshauth: module not initialised in this environment"))
    }
}

/// # Safety
/// `env` is the live env of the current call and `r` a reference created in it.
unsafe fn deref(env: sys::napi_env, r: sys::napi_ref) -> Result<sys::napi_value> {
    let mut v = ptr::null_mut();
    check_status!(unsafe { sys::napi_get_reference_value(env, r, &mut v) })?;
    Ok(v)
}

/// A new `Principal` instance, not wrapped yet.
///
/// The class has no JavaScript constructor (`new Principal()` throws); napi-rs lets its own
/// factory through by setting `___CALL_FROM_FACTORY` around the call, and so does this function,
/// resetting it before looking at the result.
///
/// # Safety
/// `env` is the live env of the current call.
pub(crate) unsafe fn new_principal_object(env: sys::napi_env) -> Result<sys::napi_value> {
    unsafe {
        let class = deref(env, env_data(env)?.principal_class)?;
        let mut obj = ptr::null_mut();
        napi::__private::___CALL_FROM_FACTORY.with(|f| f.set(true));
        let status = sys::napi_new_instance(env, class, 0, ptr::null(), &mut obj);
        napi::__private::___CALL_FROM_FACTORY.with(|f| f.set(false));
        check_status!(status)?;
        Ok(obj)
    }
}

/// Call the error decorator: `args` = `[error, code, number, status, wwwAuthenticate, oauthError]`.
///
/// # Safety
/// `env` is the live env of the current call; every element of `args` is a value of it.
pub(crate) unsafe fn decorate_error(env: sys::napi_env, args: &[sys::napi_value; 6]) -> Result<()> {
    unsafe {
        let f = deref(env, env_data(env)?.decorate_error)?;
        let mut undefined = ptr::null_mut();
        check_status!(sys::napi_get_undefined(env, &mut undefined))?;
        let mut out = ptr::null_mut();
        check_status!(sys::napi_call_function(env, undefined, f, args.len(), args.as_ptr(), &mut out))?;
    }
    Ok(())
}
