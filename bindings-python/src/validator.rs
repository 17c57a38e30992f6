//! Mirrors `core/src/validator.rs`: the configured validator.
//!
//! Every call that verifies a signature or may fetch keys runs with the GIL released
//! (`Python::detach`), so other Python threads keep running, and validations scale across cores.
//! The `*_cached` variants never touch the network; `meshauth.Validator` (python/meshauth/
//! validator.py) builds the `async` twins on them.

use meshauth::{Principal, Result};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{PyBytes, PyDict, PyString, PyType};

use crate::config::config_from_py;
use crate::error::to_py_err;
use crate::extract::request_from_py;
use crate::principal::PyPrincipal;

/// A configured validator; share one per service (thread-safe).
#[pyclass(frozen, subclass, module = "meshauth._meshauth", name = "Validator")]
pub struct PyValidator {
    inner: meshauth::Validator,
}

/// A token as given: `str`, or `bytes` straight from a raw header (the core applies the size cap
/// first, then refuses bytes that are not UTF-8 as `malformed_token`).
enum Token {
    Text(PyBackedStr),
    Bytes(PyBackedBytes),
}

impl Token {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Token> {
        if let Ok(s) = obj.cast::<PyString>() {
            return Ok(Token::Text(PyBackedStr::try_from(s.clone())?));
        }
        if let Ok(b) = obj.cast::<PyBytes>() {
            return Ok(Token::Bytes(PyBackedBytes::from(b.clone())));
        }
        Err(PyTypeError::new_err("token must be str or bytes"))
    }

    fn validate(&self, v: &meshauth::Validator, now: i64) -> Result<Principal> {
        match self {
            Token::Text(t) => v.validate_at(t, now),
            Token::Bytes(b) => v.validate_bytes_at(b, now),
        }
    }

    fn validate_cached(&self, v: &meshauth::Validator, now: i64) -> Result<Option<Principal>> {
        match self {
            Token::Text(t) => v.validate_cached(t, now),
            Token::Bytes(b) => v.validate_bytes_cached(b, now),
        }
    }
}

fn principal(py: Python<'_>, result: Result<Principal>) -> PyResult<PyPrincipal> {
    result.map(PyPrincipal::new).map_err(|e| to_py_err(py, e))
}

fn maybe_principal(py: Python<'_>, result: Result<Option<Principal>>) -> PyResult<Option<PyPrincipal>> {
    result.map(|p| p.map(PyPrincipal::new)).map_err(|e| to_py_err(py, e))
}

#[pymethods]
impl PyValidator {
    /// `Validator(config)` with a mapping (or JSON text), or `Validator(**config)`.
    #[new]
    #[pyo3(signature = (config = None, /, **kwargs))]
    fn new(py: Python<'_>, config: Option<&Bound<'_, PyAny>>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let config = config_from_py(py, config, kwargs)?;
        let inner = meshauth::Validator::new(config).map_err(|e| to_py_err(py, e))?;
        Ok(PyValidator { inner })
    }

    /// Build a validator from a configuration mapping.
    #[classmethod]
    fn from_config<'py>(cls: &Bound<'py, PyType>, config: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        cls.call1((config,))
    }

    /// Validate a compact JWS (`str`, or `bytes`). `now`: the clock in seconds since the epoch
    /// (default: the system's).
    #[pyo3(signature = (token, *, now = None))]
    fn validate(&self, py: Python<'_>, token: &Bound<'_, PyAny>, now: Option<i64>) -> PyResult<PyPrincipal> {
        let token = Token::from_py(token)?;
        let v = &self.inner;
        let result = py.detach(|| token.validate(v, now.unwrap_or_else(meshauth::now)));
        principal(py, result)
    }

    /// Like `validate`, but never touches the network: `None` means the answer needs a key fetch.
    #[pyo3(signature = (token, *, now = None))]
    fn validate_cached(
        &self,
        py: Python<'_>,
        token: &Bound<'_, PyAny>,
        now: Option<i64>,
    ) -> PyResult<Option<PyPrincipal>> {
        let token = Token::from_py(token)?;
        let v = &self.inner;
        let result = py.detach(|| token.validate_cached(v, now.unwrap_or_else(meshauth::now)));
        maybe_principal(py, result)
    }

    /// Extract the token from request headers (and cookies) and validate it.
    #[pyo3(signature = (headers, cookies = None, *, now = None))]
    fn authenticate(
        &self,
        py: Python<'_>,
        headers: Option<&Bound<'_, PyAny>>,
        cookies: Option<&Bound<'_, PyAny>>,
        now: Option<i64>,
    ) -> PyResult<PyPrincipal> {
        let request = request_from_py(headers, cookies)?;
        let v = &self.inner;
        let result = py.detach(|| match now {
            Some(now) => v.authenticate_at(&request, now),
            None => v.authenticate(&request),
        });
        principal(py, result)
    }

    /// Like `authenticate`, but never touches the network: `None` means the answer needs a key fetch.
    #[pyo3(signature = (headers, cookies = None, *, now = None))]
    fn authenticate_cached(
        &self,
        py: Python<'_>,
        headers: Option<&Bound<'_, PyAny>>,
        cookies: Option<&Bound<'_, PyAny>>,
        now: Option<i64>,
    ) -> PyResult<Option<PyPrincipal>> {
        let request = request_from_py(headers, cookies)?;
        let v = &self.inner;
        let result = py.detach(|| v.authenticate_cached(&request, now.unwrap_or_else(meshauth::now)));
        maybe_principal(py, result)
    }

    /// The trusted issuers (`iss` values), in configuration order.
    #[getter]
    fn issuers(&self) -> Vec<String> {
        self.inner.issuers().map(str::to_owned).collect()
    }

    /// Fetch every remote key set now (warm-up); a no-op for inline keys.
    fn refresh(&self, py: Python<'_>) -> PyResult<()> {
        let v = &self.inner;
        py.detach(|| v.refresh()).map_err(|e| to_py_err(py, e))
    }
}
