//! Mirrors `core/src/principal.rs`: the authenticated caller as a Python object.
//!
//! The core `Principal` is kept as is; each attribute is converted when read, so a request that
//! only looks at `subject` and `scopes` pays for nothing else. `claims` is parsed from the core's
//! exact payload text by Python's `json` (integers of any size stay exact), once, on first access.

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyString;

static JSON_LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The authenticated caller (docs/README.md, "The Principal"). Built only by `Validator`.
#[pyclass(frozen, module = "meshauth", name = "Principal")]
pub struct PyPrincipal {
    inner: meshauth::Principal,
    claims: PyOnceLock<Py<PyAny>>,
}

impl PyPrincipal {
    pub fn new(inner: meshauth::Principal) -> Self {
        PyPrincipal { inner, claims: PyOnceLock::new() }
    }
}

#[pymethods]
impl PyPrincipal {
    /// `sub`, if present.
    #[getter]
    fn subject(&self) -> Option<&str> {
        self.inner.subject.as_deref()
    }

    /// `iss`: the trusted issuer that validated the token.
    #[getter]
    fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// `aud` as a list.
    #[getter]
    fn audiences(&self) -> Vec<&str> {
        self.inner.audiences.iter().map(String::as_str).collect()
    }

    /// `exp`, whole seconds since the epoch.
    #[getter]
    fn expires_at(&self) -> i64 {
        self.inner.expires_at
    }

    /// `iat`, whole seconds since the epoch, if present.
    #[getter]
    fn issued_at(&self) -> Option<i64> {
        self.inner.issued_at
    }

    /// `nbf`, whole seconds since the epoch, if present.
    #[getter]
    fn not_before(&self) -> Option<i64> {
        self.inner.not_before
    }

    /// `jti`, if present.
    #[getter]
    fn jwt_id(&self) -> Option<&str> {
        self.inner.jwt_id.as_deref()
    }

    /// `client_id`, else `azp`.
    #[getter]
    fn client_id(&self) -> Option<&str> {
        self.inner.client_id.as_deref()
    }

    /// `scope` (space-separated) or `scp` (array), as a list.
    #[getter]
    fn scopes(&self) -> Vec<&str> {
        self.inner.scopes.iter().map(String::as_str).collect()
    }

    /// The values at the configured roles claim.
    #[getter]
    fn roles(&self) -> Vec<&str> {
        self.inner.roles.iter().map(String::as_str).collect()
    }

    /// Whether this is a service's own client-credentials token.
    #[getter]
    fn is_client(&self) -> bool {
        self.inner.is_client
    }

    /// The raw compact token (to forward to first-party services). Never shown by `repr`.
    #[getter]
    fn token(&self) -> &str {
        &self.inner.token
    }

    /// Every claim of the token as a dict (parsed once, then the same dict is returned).
    #[getter]
    fn claims<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let claims = self.claims.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            let loads = JSON_LOADS.import(py, "json", "loads")?;
            Ok(loads.call1((PyString::new(py, self.inner.claims_json()),))?.unbind())
        })?;
        Ok(claims.bind(py).clone())
    }

    /// The claims as the exact JSON text of the token's payload.
    fn claims_json(&self) -> &str {
        self.inner.claims_json()
    }

    /// `Bearer <token>`: forwards this caller's token to a trusted first-party service (never to a
    /// third party: exchange it with `TokenClient` instead).
    fn authorization_header(&self) -> String {
        self.inner.authorization_header()
    }

    /// Raise `InsufficientScope` (its challenge listing `scopes`) unless every scope is carried.
    fn require_scopes(&self, py: Python<'_>, scopes: Vec<String>) -> PyResult<()> {
        self.inner.require_scopes(&scopes).map_err(|e| crate::error::to_py_err(py, e))
    }

    /// Raise `CallerNotAllowed` (403) unless the calling client (`client_id`, else `azp`, else
    /// `sub`) is one of `clients`: the validator's `allowed_clients` decision, per route.
    fn require_clients(&self, py: Python<'_>, clients: Vec<String>) -> PyResult<()> {
        self.inner.require_clients(&clients).map_err(|e| crate::error::to_py_err(py, e))
    }

    /// Whether the Principal carries `scope`.
    fn has_scope(&self, scope: PyBackedStr) -> bool {
        self.inner.has_scope(&scope)
    }

    /// The Principal as the JSON object every binding exchanges (`claims` embedded as an object).
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Every field but the token (which must not end up in logs).
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let p = &self.inner;
        let r = |v: Bound<'_, PyAny>| -> PyResult<String> { Ok(v.repr()?.to_cow()?.into_owned()) };
        Ok(format!(
            "Principal(subject={}, issuer={}, audiences={}, client_id={}, scopes={}, roles={}, is_client={}, expires_at={})",
            r(p.subject.as_deref().into_pyobject(py)?)?,
            r(p.issuer.as_str().into_pyobject(py)?.into_any())?,
            r(self.audiences().into_pyobject(py)?)?,
            r(p.client_id.as_deref().into_pyobject(py)?)?,
            r(self.scopes().into_pyobject(py)?)?,
            r(self.roles().into_pyobject(py)?)?,
            if p.is_client { "True" } else { "False" },
            p.expires_at,
        ))
    }
}

