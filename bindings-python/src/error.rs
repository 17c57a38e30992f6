//! Mirrors `core/src/error.rs`: a core [`meshauth::Error`] becomes an instance of the Python class
//! `meshauth.errors.ERRORS[code]` (a `MeshAuthError` subclass). Every field — code, message, HTTP
//! status, `WWW-Authenticate` value, OAuth `error` — comes from the core; this file only converts.

use meshauth::{Error, ErrorCode};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

static ERRORS: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
static BASE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The Python exception for a core error: `ERRORS[code](message, code=…, status=…,
/// www_authenticate=…, oauth_error=…)`. A code the Python table does not know yet (a newer core)
/// still raises the `MeshAuthError` base with every field set.
pub fn to_py_err(py: Python<'_>, err: Error) -> PyErr {
    match build(py, &err) {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

fn build<'py>(py: Python<'py>, err: &Error) -> PyResult<Bound<'py, PyAny>> {
    let errors = ERRORS.import(py, "meshauth.errors", "ERRORS")?;
    let code = err.code().as_str();
    let class = match errors.get_item(code)? {
        Some(class) => class,
        None => BASE.import(py, "meshauth.errors", "MeshAuthError")?.clone(),
    };
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", code)?;
    kwargs.set_item("status", err.http_status())?;
    kwargs.set_item("www_authenticate", err.www_authenticate())?;
    kwargs.set_item("oauth_error", err.oauth_error())?;
    class.call((err.message(),), Some(&kwargs))
}

/// Every error code of the core catalogue, in catalogue order (`ErrorCode::all()`).
#[pyfunction]
pub fn error_codes(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    PyList::new(py, ErrorCode::all().map(|c| c.as_str()))
}

/// The exception the core's catalogue defines for `code`, built by the same path as a real
/// failure (status and `WWW-Authenticate` come from the core). Lets applications and tests build
/// any error (`required_scopes`: the `scope` attribute of an `insufficient_scope` challenge); an
/// unknown code is a `ValueError`.
#[pyfunction]
#[pyo3(signature = (code, message = None, *, required_scopes = None))]
pub fn error_for_code(
    py: Python<'_>,
    code: PyBackedStr,
    message: Option<String>,
    required_scopes: Option<Vec<String>>,
) -> PyResult<Py<PyAny>> {
    let Some(c) = ErrorCode::from_str_code(&code) else {
        return Err(pyo3::exceptions::PyValueError::new_err(format!("unknown meshauth error code {:?}", &*code)));
    };
    let mut err = Error::new(c, message.unwrap_or_else(|| c.description().to_owned()));
    if let Some(scopes) = required_scopes {
        // For `insufficient_scope`: the core renders them as the challenge's `scope` attribute.
        err = err.with_required_scopes(&scopes);
    }
    Ok(build(py, &err)?.unbind())
}
