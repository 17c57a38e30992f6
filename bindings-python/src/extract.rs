//! Mirrors `core/src/extract.rs`: Python request data becomes a core [`meshauth::Request`].
//!
//! Only conversion happens here; which header or cookie carries the token, and every rule about
//! duplicates, is decided by the core.
//!
//! `headers` (and `cookies`) may be:
//! - a mapping (`dict`, Starlette `Headers`, Werkzeug `Headers`, `http.client.HTTPMessage`, …):
//!   its `items()` are used, so multi-value mappings show their duplicates;
//! - an iterable of `(name, value)` pairs, e.g. the ASGI `scope["headers"]` list.
//!
//! Names and values are `str` or `bytes`; bytes are decoded as ISO-8859-1, as HTTP/1.1 and ASGI
//! define header bytes, so no byte is lost or rejected here.

use meshauth::Request;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

/// Build the core request from Python `headers` and `cookies` (None: parse the `Cookie` header).
pub fn request_from_py(headers: Option<&Bound<'_, PyAny>>, cookies: Option<&Bound<'_, PyAny>>) -> PyResult<Request> {
    let mut request = Request::new();
    if let Some(headers) = headers {
        request.headers = pairs(headers, "headers")?;
    }
    if let Some(cookies) = cookies {
        request.cookies = Some(pairs(cookies, "cookies")?);
    }
    Ok(request)
}

fn pairs(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<(String, String)>> {
    let py = obj.py();
    let shape = || PyTypeError::new_err(format!("{what}: expected a mapping or (name, value) pairs"));
    let mut out = Vec::new();
    if let Ok(dict) = obj.cast::<PyDict>() {
        out.reserve(dict.len());
        for (name, value) in dict.iter() {
            out.push((text(&name, what)?, text(&value, what)?));
        }
        return Ok(out);
    }
    // Lists and tuples of pairs (the ASGI form) are read directly; any other object with
    // `items()` is a mapping; anything else must iterate over pairs.
    let iterable = if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        obj.clone()
    } else if obj.hasattr(pyo3::intern!(py, "items"))? {
        obj.call_method0(pyo3::intern!(py, "items"))?
    } else if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(shape());
    } else {
        obj.clone()
    };
    for item in iterable.try_iter()? {
        let (name, value) = pair(&item?).ok_or_else(shape)?;
        out.push((text(&name, what)?, text(&value, what)?));
    }
    Ok(out)
}

/// A `(name, value)` tuple, or a two-item list (JSON's form of a pair).
fn pair<'py>(item: &Bound<'py, PyAny>) -> Option<(Bound<'py, PyAny>, Bound<'py, PyAny>)> {
    let items = if let Ok(t) = item.cast::<PyTuple>() {
        (t.len() == 2).then(|| (t.get_item(0), t.get_item(1)))?
    } else if let Ok(l) = item.cast::<PyList>() {
        (l.len() == 2).then(|| (l.get_item(0), l.get_item(1)))?
    } else {
        return None;
    };
    Some((items.0.ok()?, items.1.ok()?))
}

/// A header name or value: `str` as is, `bytes` as ISO-8859-1 (every byte is one character).
fn text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        let bytes = b.as_bytes();
        return Ok(match std::str::from_utf8(bytes) {
            Ok(ascii) if bytes.is_ascii() => ascii.to_owned(),
            _ => bytes.iter().map(|&c| char::from(c)).collect(),
        });
    }
    Err(PyTypeError::new_err(format!("{what}: names and values must be str or bytes")))
}
