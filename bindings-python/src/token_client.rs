//! Mirrors `core/src/token_client.rs`: outgoing calls — this service's own tokens (client
//! credentials) and exchanged user tokens (jwt-bearer, RFC 8693 token exchange).
//!
//! Configuration and per-request parameters travel as JSON to the core, which owns grants,
//! client authentication, caching and every error. Calls that may reach the network run with the
//! GIL released; `meshauth.TokenClient` (python/meshauth/token_client.py) adds `async` twins.

use meshauth::token_client::{AccessToken, TokenClient, TokenRequest};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyDict;

use crate::config::{json_from_py, kwargs_json};
use crate::error::to_py_err;

/// A token obtained from the authorization server. `repr` never shows the token.
#[pyclass(frozen, module = "meshauth", name = "AccessToken")]
pub struct PyAccessToken {
    inner: AccessToken,
}

#[pymethods]
impl PyAccessToken {
    /// The token to send (`Authorization: Bearer …`).
    #[getter]
    fn access_token(&self) -> &str {
        &self.inner.access_token
    }

    #[getter]
    fn token_type(&self) -> &str {
        &self.inner.token_type
    }

    /// Seconds since the epoch when it expires, if the server said (`expires_in`).
    #[getter]
    fn expires_at(&self) -> Option<i64> {
        self.inner.expires_at
    }

    /// The granted scope, if the server said.
    #[getter]
    fn scope(&self) -> Option<&str> {
        self.inner.scope.as_deref()
    }

    /// Token exchange: the type of the issued token.
    #[getter]
    fn issued_token_type(&self) -> Option<&str> {
        self.inner.issued_token_type.as_deref()
    }

    /// The `Authorization` header value for an outgoing call.
    fn authorization_header(&self) -> String {
        self.inner.authorization_header()
    }

    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let r = |v: Option<&str>| -> PyResult<String> { Ok(v.into_pyobject(py)?.repr()?.to_cow()?.into_owned()) };
        Ok(format!(
            "AccessToken(token_type={}, expires_at={}, scope={}, access_token=<redacted>)",
            r(Some(&self.inner.token_type))?,
            self.inner.expires_at.map_or_else(|| "None".to_owned(), |e| e.to_string()),
            r(self.inner.scope.as_deref())?,
        ))
    }
}

/// A client of one authorization server, as one OAuth client (thread-safe; share one).
#[pyclass(frozen, subclass, module = "meshauth._meshauth", name = "TokenClient")]
pub struct PyTokenClient {
    inner: TokenClient,
}

fn request(py: Python<'_>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<TokenRequest> {
    TokenRequest::from_json(&kwargs_json(py, kwargs)?).map_err(|e| to_py_err(py, e))
}

fn answer(py: Python<'_>, result: meshauth::Result<AccessToken>) -> PyResult<PyAccessToken> {
    result.map(|inner| PyAccessToken { inner }).map_err(|e| to_py_err(py, e))
}

#[pymethods]
impl PyTokenClient {
    /// `TokenClient(config)` with a mapping (or JSON text), or `TokenClient(**config)`.
    #[new]
    #[pyo3(signature = (config = None, /, **kwargs))]
    fn new(py: Python<'_>, config: Option<&Bound<'_, PyAny>>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let text = json_from_py(py, config, kwargs)?;
        let inner = TokenClient::from_json(&text).map_err(|e| to_py_err(py, e))?;
        Ok(PyTokenClient { inner })
    }

    #[getter]
    fn client_id(&self) -> &str {
        self.inner.client_id()
    }

    /// This service's own token (client credentials grant), from the cache while it is fresh.
    /// Keyword arguments: `scope`, `audience`, `resource`.
    #[pyo3(signature = (**request))]
    fn client_credentials(&self, py: Python<'_>, request: Option<&Bound<'_, PyDict>>) -> PyResult<PyAccessToken> {
        let req = self::request(py, request)?;
        let client = &self.inner;
        let result = py.detach(|| client.client_credentials(&req));
        answer(py, result)
    }

    /// The cached own token if it is fresh — never touches the network (`None`: fetch first).
    #[pyo3(signature = (**request))]
    fn client_credentials_cached(&self, py: Python<'_>, request: Option<&Bound<'_, PyDict>>) -> PyResult<Option<PyAccessToken>> {
        let req = self::request(py, request)?;
        let cached = self.inner.client_credentials_cached(&req).map_err(|e| to_py_err(py, e))?;
        Ok(cached.map(|inner| PyAccessToken { inner }))
    }

    /// RFC 7523 §2.1: exchange `assertion` (a user JWT) for a token for another audience.
    /// Keyword arguments: `scope`, `audience`, `resource`, `use_client_token`.
    #[pyo3(signature = (assertion, /, **request))]
    fn jwt_bearer(
        &self,
        py: Python<'_>,
        assertion: PyBackedStr,
        request: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyAccessToken> {
        let req = self::request(py, request)?;
        let client = &self.inner;
        let result = py.detach(|| client.jwt_bearer(&assertion, &req));
        answer(py, result)
    }

    /// RFC 8693 token exchange of `subject_token`. Keyword arguments: `scope`, `audience`,
    /// `resource`, `subject_token_type`, `requested_token_type`, `actor_token`,
    /// `actor_token_type`, `use_client_token`.
    #[pyo3(signature = (subject_token, /, **request))]
    fn token_exchange(
        &self,
        py: Python<'_>,
        subject_token: PyBackedStr,
        request: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyAccessToken> {
        let req = self::request(py, request)?;
        let client = &self.inner;
        let result = py.detach(|| client.token_exchange(&subject_token, &req));
        answer(py, result)
    }
}
