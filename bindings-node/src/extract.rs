//! JavaScript request shapes → `meshauth::Request`.
//!
//! The core decides which headers and cookies matter and how (see `meshauth::extract`); this module
//! only copies what the framework hands over, keeping duplicates visible so the core can refuse an
//! ambiguous request:
//! - `headers`: a plain object (`req.headers` of Node/Express/Fastify: each value a string or an
//!   array of strings, one pair per element), an array of `[name, value]` pairs, Node's flat
//!   `req.rawHeaders` array (`[name, value, name, value, …]`), or any other iterable of pairs (a
//!   fetch `Headers`, a `Map`). `null`/`undefined` means none.
//! - `cookies`: cookies the framework already parsed, as a plain object or `[name, value]` pairs;
//!   `null`/`undefined` lets the core parse the `Cookie` header(s) itself (which also catches a
//!   cookie sent twice, something a parsed object can no longer show).
//!
//! A value of another shape is a `TypeError` (a programming error, not a request error). Sizes
//! read from JavaScript are bounded before anything is allocated for them: at most
//! [`MAX_ENTRIES`] entries in one `headers` or `cookies` value (or in one header's array of
//! values), and at most [`MAX_STRING_BYTES`] bytes in one name or value; beyond is a `RangeError`
//! (code `ERR_OUT_OF_RANGE`). A sparse array claims any length up to 2^32 − 1 at no cost to its
//! maker, so its length alone must never size an allocation or a loop. Both bounds are far above
//! what an HTTP server hands over (Node accepts 2000 headers and 16 KiB of them by default).

use std::ptr;

use meshauth::Request;
use napi::bindgen_prelude::*;
use napi::{sys, Env, JsValue};

use crate::error::{range_error, type_error};

/// The most entries read from one `headers` or `cookies` value, or from one header's array of
/// values (a flat `rawHeaders` array counts each name and each value).
pub(crate) const MAX_ENTRIES: u32 = 65_536;
/// The most bytes (UTF-8) read from one header or cookie name or value.
pub(crate) const MAX_STRING_BYTES: usize = 1 << 20;

/// The request as JavaScript passes it: `{ headers, cookies }`.
///
/// Read with direct napi calls rather than a generic JSON conversion: measured about 4x cheaper
/// for a typical `req.headers` object (see `bench/RESULTS.md`).
pub(crate) fn request_from_js(env: &Env, request: &Object) -> Result<Request> {
    let raw_env = env.raw();
    let headers = unsafe { property(raw_env, request.raw(), c"headers")? };
    let cookies = unsafe { property(raw_env, request.raw(), c"cookies")? };
    let mut out = Request::default();
    unsafe {
        if let Some(h) = headers {
            out.headers = pairs(raw_env, h, "headers", true).map_err(|r| r.into_error(env))?;
        }
        if let Some(c) = cookies {
            out.cookies = Some(pairs(raw_env, c, "cookies", false).map_err(|r| r.into_error(env))?);
        }
    }
    Ok(out)
}

/// Why a value cannot be read: a wrong shape or a failed napi call (a `TypeError`), or a size
/// beyond the bounds of the module docs (a `RangeError`).
enum Refusal {
    Shape(String),
    Size(String),
}

impl Refusal {
    fn into_error(self, env: &Env) -> Error {
        match self {
            Refusal::Shape(m) => type_error(env, &m),
            Refusal::Size(m) => range_error(env, &m),
        }
    }
}

impl From<String> for Refusal {
    fn from(m: String) -> Self {
        Refusal::Shape(m)
    }
}

type Shaped<T> = std::result::Result<T, Refusal>;

fn shape_error(what: &str, detail: &str) -> Refusal {
    Refusal::Shape(format!("meshauth: `{what}` {detail}"))
}

fn napi_failed(status: sys::napi_status) -> Refusal {
    Refusal::Shape(format!("meshauth: napi call failed ({status})"))
}

macro_rules! call {
    ($e:expr) => {{
        let status = $e;
        if status != sys::Status::napi_ok {
            return Err(napi_failed(status));
        }
    }};
}

/// `obj[name]`, with `undefined` and `null` as `None`.
unsafe fn property(env: sys::napi_env, obj: sys::napi_value, name: &std::ffi::CStr) -> Result<Option<sys::napi_value>> {
    let mut v = ptr::null_mut();
    check_status!(unsafe { sys::napi_get_named_property(env, obj, name.as_ptr(), &mut v) })?;
    match unsafe { type_of(env, v) } {
        Ok(sys::ValueType::napi_undefined) | Ok(sys::ValueType::napi_null) => Ok(None),
        Ok(_) => Ok(Some(v)),
        Err(Refusal::Shape(m) | Refusal::Size(m)) => Err(Error::new(Status::GenericFailure, m)),
    }
}

unsafe fn type_of(env: sys::napi_env, v: sys::napi_value) -> Shaped<sys::napi_valuetype> {
    let mut t = 0;
    call!(unsafe { sys::napi_typeof(env, v, &mut t) });
    Ok(t)
}

unsafe fn is_array(env: sys::napi_env, v: sys::napi_value) -> Shaped<bool> {
    let mut b = false;
    call!(unsafe { sys::napi_is_array(env, v, &mut b) });
    Ok(b)
}

/// The elements of the array `v`, refused (before any allocation) when it claims more than `max`.
unsafe fn array_items(env: sys::napi_env, v: sys::napi_value, max: u32, what: &str) -> Shaped<Vec<sys::napi_value>> {
    let mut len = 0;
    call!(unsafe { sys::napi_get_array_length(env, v, &mut len) });
    if len > max {
        return Err(Refusal::Size(format!("meshauth: `{what}` has {len} entries; at most {max} are read")));
    }
    let mut items = Vec::with_capacity(len as usize);
    for i in 0..len {
        let mut item = ptr::null_mut();
        call!(unsafe { sys::napi_get_element(env, v, i, &mut item) });
        items.push(item);
    }
    Ok(items)
}

unsafe fn string(env: sys::napi_env, v: sys::napi_value, what: &str) -> Shaped<String> {
    let mut len = 0;
    call!(unsafe { sys::napi_get_value_string_utf8(env, v, ptr::null_mut(), 0, &mut len) });
    if len > MAX_STRING_BYTES {
        return Err(Refusal::Size(format!(
            "meshauth: a name or value in `{what}` has {len} bytes; at most {MAX_STRING_BYTES} are read"
        )));
    }
    let mut buf = vec![0u8; len + 1];
    let mut written = 0;
    call!(unsafe { sys::napi_get_value_string_utf8(env, v, buf.as_mut_ptr().cast(), len + 1, &mut written) });
    buf.truncate(written);
    // napi writes valid UTF-8 (lone surrogates become U+FFFD).
    String::from_utf8(buf).map_err(|_| Refusal::Shape("meshauth: string is not UTF-8".to_owned()))
}

/// A header or cookie value: a string, or a number written in decimal (as Node does).
unsafe fn scalar(env: sys::napi_env, v: sys::napi_value, what: &str) -> Shaped<String> {
    match unsafe { type_of(env, v)? } {
        sys::ValueType::napi_string => unsafe { string(env, v, what) },
        sys::ValueType::napi_number => {
            let mut s = ptr::null_mut();
            call!(unsafe { sys::napi_coerce_to_string(env, v, &mut s) });
            unsafe { string(env, s, what) }
        }
        _ => Err(shape_error(what, "values must be strings")),
    }
}

/// `Array.from(v)` when `v` is iterable (has `Symbol.iterator`), else `None`.
unsafe fn iterable_entries(env: sys::napi_env, v: sys::napi_value) -> Shaped<Option<sys::napi_value>> {
    let mut global = ptr::null_mut();
    let mut symbol = ptr::null_mut();
    let mut iterator = ptr::null_mut();
    let mut has = false;
    unsafe {
        call!(sys::napi_get_global(env, &mut global));
        call!(sys::napi_get_named_property(env, global, c"Symbol".as_ptr(), &mut symbol));
        call!(sys::napi_get_named_property(env, symbol, c"iterator".as_ptr(), &mut iterator));
        call!(sys::napi_has_property(env, v, iterator, &mut has));
        if !has {
            return Ok(None);
        }
        let mut array = ptr::null_mut();
        let mut from = ptr::null_mut();
        let mut entries = ptr::null_mut();
        call!(sys::napi_get_named_property(env, global, c"Array".as_ptr(), &mut array));
        call!(sys::napi_get_named_property(env, array, c"from".as_ptr(), &mut from));
        call!(sys::napi_call_function(env, array, from, 1, &v, &mut entries));
        Ok(Some(entries))
    }
}

/// Header or cookie (name, value) pairs from an object, a pairs array, or (headers only) a flat
/// `rawHeaders` array.
unsafe fn pairs(env: sys::napi_env, v: sys::napi_value, what: &str, allow_flat: bool) -> Shaped<Vec<(String, String)>> {
    if unsafe { type_of(env, v)? } != sys::ValueType::napi_object {
        return Err(shape_error(what, "must be an object or an array"));
    }
    let mut out = Vec::new();
    if unsafe { is_array(env, v)? } {
        let items = unsafe { array_items(env, v, MAX_ENTRIES, what)? };
        let mut flat = allow_flat;
        for &item in &items {
            if unsafe { type_of(env, item)? } != sys::ValueType::napi_string {
                flat = false;
                break;
            }
        }
        if flat {
            if items.len() % 2 != 0 {
                return Err(shape_error(what, "as a flat array needs an even number of strings"));
            }
            for pair in items.chunks(2) {
                out.push((unsafe { string(env, pair[0], what)? }, unsafe { string(env, pair[1], what)? }));
            }
        } else {
            for item in items {
                if unsafe { type_of(env, item)? } != sys::ValueType::napi_object || !unsafe { is_array(env, item)? } {
                    return Err(shape_error(what, "must be an object, or an array of [name, value] pairs"));
                }
                let mut len = 0;
                call!(unsafe { sys::napi_get_array_length(env, item, &mut len) });
                if len != 2 {
                    return Err(shape_error(what, "pairs must have exactly two elements"));
                }
                let pair = unsafe { array_items(env, item, 2, what)? };
                out.push((unsafe { scalar(env, pair[0], what)? }, unsafe { scalar(env, pair[1], what)? }));
            }
        }
        return Ok(out);
    }
    // An iterable that is not an array (a fetch `Headers`, a `Map`): its entries as pairs.
    if let Some(entries) = unsafe { iterable_entries(env, v)? } {
        return unsafe { pairs(env, entries, what, false) };
    }
    // A plain object: own enumerable string keys, in insertion order.
    let mut names = ptr::null_mut();
    call!(unsafe {
        sys::napi_get_all_property_names(
            env,
            v,
            sys::KeyCollectionMode::own_only,
            sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
            sys::KeyConversion::numbers_to_strings,
            &mut names,
        )
    });
    for key in unsafe { array_items(env, names, MAX_ENTRIES, what)? } {
        let name = unsafe { string(env, key, what)? };
        let mut value = ptr::null_mut();
        call!(unsafe { sys::napi_get_property(env, v, key, &mut value) });
        match unsafe { type_of(env, value)? } {
            sys::ValueType::napi_undefined | sys::ValueType::napi_null => {}
            sys::ValueType::napi_object if unsafe { is_array(env, value)? } => {
                for item in unsafe { array_items(env, value, MAX_ENTRIES, what)? } {
                    out.push((name.clone(), unsafe { scalar(env, item, what)? }));
                }
            }
            _ => {
                let value = unsafe { scalar(env, value, what)? };
                out.push((name, value));
            }
        }
    }
    Ok(out)
}
