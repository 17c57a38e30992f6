//! The `Validator` class.
//!
//! `validate` and `authenticate` return Promises. With warm keys (the steady state) the answer is
//! computed synchronously on the calling thread by the core's `*_cached` methods and the Promise is
//! settled before it is returned — no thread hop. Only when the core says a key fetch is needed
//! (`Ok(None)`) does the full check run as a napi `AsyncTask` on the libuv pool, so network I/O
//! (JWKS, discovery) never runs on the event loop.
//!
//! `validateSync` / `authenticateSync` answer from warm keys; with cold keys they fall back to the
//! blocking check (network I/O on the calling thread, like `fs.readFileSync`): call
//! `await validator.refresh()` at start-up to warm the keys first.

use meshauth::Request;
use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue, Task};
use napi_derive::napi;

use crate::config::{config_from_options, json_arg};
use crate::error::{error_value, guard, string_arg, to_napi_error, type_error};
use crate::extract::request_from_js;
use crate::principal::NewPrincipal;

/// Per-call options.
// Declares the `CheckOptions` interface of the typings; the value is read by `now_option`.
#[allow(dead_code)]
#[napi(object)]
pub struct CheckOptions {
    /// The clock, in seconds since the epoch (default: the current time).
    pub now: Option<i64>,
}

const BAD_OPTIONS: &str = "meshauth: options must be an object whose `now` is a number of seconds since the epoch";

/// The `options` argument: `undefined`/`null`, or an object whose `now` is `undefined`/`null` or
/// a number (whole seconds; a fraction is truncated). Anything else is a `TypeError`.
///
/// Read with three napi calls rather than napi-rs's generic conversion of `CheckOptions` (kept
/// above for the typings), so that a wrong shape is a `TypeError` like the other arguments'.
fn now_option(env: &Env, options: &Unknown) -> Result<Option<i64>> {
    match options.get_type()? {
        ValueType::Undefined | ValueType::Null => return Ok(None),
        ValueType::Object => {}
        _ => return Err(type_error(env, BAD_OPTIONS)),
    }
    let raw = env.raw();
    let mut now = std::ptr::null_mut();
    let mut kind = 0;
    let mut secs = 0i64;
    // SAFETY: `raw` is the live env of this call and `options` an object of it.
    unsafe {
        check_status!(sys::napi_get_named_property(raw, options.raw(), c"now".as_ptr(), &mut now))?;
        check_status!(sys::napi_typeof(raw, now, &mut kind))?;
        match kind {
            sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(None),
            sys::ValueType::napi_number => {
                check_status!(sys::napi_get_value_int64(raw, now, &mut secs))?;
                Ok(Some(secs))
            }
            _ => Err(type_error(env, BAD_OPTIONS)),
        }
    }
}

/// A configured validator: build one per service and share it.
#[napi]
pub struct Validator {
    inner: meshauth::Validator,
}

/// What one check needs: a token, or a request to pull the token from.
enum Input {
    Token(String),
    Request(Request),
}

impl Input {
    fn cached(&self, v: &meshauth::Validator, now: i64) -> meshauth::Result<Option<meshauth::Principal>> {
        match self {
            Input::Token(t) => v.validate_cached(t, now),
            Input::Request(r) => v.authenticate_cached(r, now),
        }
    }

    fn blocking(&self, v: &meshauth::Validator, now: Option<i64>) -> meshauth::Result<meshauth::Principal> {
        let now = now.unwrap_or_else(meshauth::validator::now);
        match self {
            Input::Token(t) => v.validate_at(t, now),
            Input::Request(r) => v.authenticate_at(r, now),
        }
    }
}

/// The token argument: a string, else a `TypeError` (rejected, for the Promise forms).
fn token_string(env: &Env, token: Unknown) -> Result<String> {
    string_arg(env, token, "meshauth: the token must be a string")
}

/// A check that needs the network, run on the libuv pool.
pub struct CheckTask {
    validator: meshauth::Validator,
    input: Input,
    /// `None`: the clock is read when the check runs (after any key fetch).
    now: Option<i64>,
}

impl Task for CheckTask {
    type Output = meshauth::Result<meshauth::Principal>;
    type JsValue = NewPrincipal;

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| self.input.blocking(&self.validator, self.now))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<NewPrincipal> {
        output.map(NewPrincipal).map_err(|e| to_napi_error(&env, &e))
    }
}

/// Key warm-up, run on the libuv pool.
pub struct RefreshTask {
    validator: meshauth::Validator,
}

impl Task for RefreshTask {
    type Output = meshauth::Result<()>;
    type JsValue = ();

    fn compute(&mut self) -> Result<Self::Output> {
        guard(|| self.validator.refresh())
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<()> {
        output.map_err(|e| to_napi_error(&env, &e))
    }
}

#[napi]
impl Validator {
    /// Build a validator from the configuration (`ValidatorOptions`; snake_case or camelCase names).
    /// Throws a `MeshAuthError` with code `invalid_config` for invalid or insecure configuration.
    /// Performs no network I/O.
    #[napi(constructor, ts_args_type = "options: ValidatorOptions")]
    pub fn new(env: Env, options: Unknown) -> Result<Self> {
        config_from_options(json_arg(&env, options, "the validator options")?)
            .and_then(meshauth::Validator::new)
            .map(|inner| Validator { inner })
            .map_err(|e| to_napi_error(&env, &e))
    }

    /// Validate a compact JWS. Resolves to the `Principal`; rejects with a `MeshAuthError`.
    #[napi(ts_args_type = "token: string, options?: CheckOptions", ts_return_type = "Promise<Principal>")]
    pub fn validate<'env>(
        &self,
        env: &'env Env,
        token: Unknown,
        options: Unknown,
    ) -> Result<PromiseRaw<'env, NewPrincipal>> {
        match token_string(env, token).and_then(|t| Ok((t, now_option(env, &options)?))) {
            Ok((token, now)) => self.check(env, Input::Token(token), now),
            Err(e) => PromiseRaw::reject(env, e),
        }
    }

    /// Pull the token out of a request (`Authorization: Bearer`, or the configured cookie) and
    /// validate it. `headers`: `req.headers`, `req.rawHeaders`, `[name, value]` pairs or any
    /// iterable of pairs; `cookies` (optional): already-parsed cookies. Resolves to the `Principal`; rejects with a
    /// `MeshAuthError`.
    #[napi(ts_args_type = "request: RequestLike, options?: CheckOptions", ts_return_type = "Promise<Principal>")]
    pub fn authenticate<'env>(
        &self,
        env: &'env Env,
        request: Object,
        options: Unknown,
    ) -> Result<PromiseRaw<'env, NewPrincipal>> {
        let now = now_option(env, &options)?;
        self.check(env, Input::Request(request_from_js(env, &request)?), now)
    }

    /// `validate` without the Promise: answers from warm keys; with cold keys it blocks on the
    /// key fetch. Throws a `MeshAuthError`.
    // The native method returns the `MeshAuthError` instead of throwing it; the JavaScript
    // wrapper installed over it at module load throws it (see `env_data.rs`).
    #[napi(ts_args_type = "token: string, options?: CheckOptions", ts_return_type = "Principal")]
    pub fn validate_sync<'env>(&self, env: &'env Env, token: Unknown, options: Unknown) -> Result<Unknown<'env>> {
        let token = token_string(env, token)?;
        self.check_sync(env, Input::Token(token), now_option(env, &options)?)
    }

    /// `authenticate` without the Promise (see `validateSync`).
    #[napi(ts_args_type = "request: RequestLike, options?: CheckOptions", ts_return_type = "Principal")]
    pub fn authenticate_sync<'env>(&self, env: &'env Env, request: Object, options: Unknown) -> Result<Unknown<'env>> {
        let now = now_option(env, &options)?;
        self.check_sync(env, Input::Request(request_from_js(env, &request)?), now)
    }

    /// Fetch every remote key set now (warm-up, off the event loop); a no-op for inline keys.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn refresh(&self) -> AsyncTask<RefreshTask> {
        AsyncTask::new(RefreshTask { validator: self.inner.clone() })
    }
}

impl Validator {
    #[cfg(feature = "bench")]
    pub(crate) fn core(&self) -> &meshauth::Validator {
        &self.inner
    }

    fn check<'env>(&self, env: &'env Env, input: Input, now: Option<i64>) -> Result<PromiseRaw<'env, NewPrincipal>> {
        let clock = now.unwrap_or_else(meshauth::validator::now);
        match guard(|| input.cached(&self.inner, clock))? {
            Ok(Some(p)) => PromiseRaw::resolve(env, NewPrincipal(p)),
            // The error object itself, rejected directly (no `napi::Error` round trip).
            // SAFETY: `v` is a value of the live env of this call.
            Err(e) => PromiseRaw::reject(env, unsafe { Unknown::from_raw_unchecked(env.raw(), error_value(env, &e)?) }),
            Ok(None) => {
                let task = CheckTask { validator: self.inner.clone(), input, now };
                Ok(env.spawn(task)?.promise_object())
            }
        }
    }

    /// The `Principal`, or the `MeshAuthError` to throw, as a value: thrown by the JavaScript
    /// wrapper, because a throw from JavaScript costs ≈ 0.3 µs where `napi_throw` costs 1.5–2 µs
    /// (V8 computes the throw location from the native frame; see `bench/RESULTS.md`).
    fn check_sync<'env>(&self, env: &'env Env, input: Input, now: Option<i64>) -> Result<Unknown<'env>> {
        let clock = now.unwrap_or_else(meshauth::validator::now);
        let result = guard(|| match input.cached(&self.inner, clock) {
            Ok(Some(p)) => Ok(p),
            Ok(None) => input.blocking(&self.inner, now),
            Err(e) => Err(e),
        })?;
        let raw = match result {
            // SAFETY: `env` is the live env of this call.
            Ok(p) => unsafe { NewPrincipal::to_napi_value(env.raw(), NewPrincipal(p))? },
            Err(e) => error_value(env, &e)?,
        };
        // SAFETY: `raw` is a value of the live env of this call.
        Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), raw) })
    }
}
