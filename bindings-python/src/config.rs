//! Mirrors `core/src/config.rs`: the Python configuration becomes the core's JSON configuration.
//!
//! The schema (docs/configuration.md) is the core's: field names, defaults, unknown-field refusal and every
//! check live in `meshauth::Config`. Here a `dict` (or any mapping, or keyword arguments) is
//! serialised with Python's `json` and handed over; a `str` is taken as JSON text already. The
//! token client's configuration (`core/src/token_client.rs`) travels the same way.

use meshauth::{Config, Error, ErrorCode};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};

use crate::error::to_py_err;

static JSON_DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The configuration from `Validator(config)` / `Validator(**config)`.
pub fn config_from_py(
    py: Python<'_>,
    config: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Config> {
    let text = json_from_py(py, config, kwargs)?;
    Config::from_json(&text).map_err(|e| to_py_err(py, e))
}

/// The JSON text of a configuration given as one mapping, JSON text, or keyword arguments (shared
/// by every class built from a configuration: `Validator`, `TokenClient`).
pub fn json_from_py(
    py: Python<'_>,
    config: Option<&Bound<'_, PyAny>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let kwargs = kwargs.filter(|k| !k.is_empty());
    match (config, kwargs) {
        (Some(_), Some(_)) => Err(PyTypeError::new_err(
            "pass the configuration either as one mapping or as keyword arguments, not both",
        )),
        (None, None) => Err(PyTypeError::new_err("a configuration is required (docs/configuration.md schema)")),
        (None, Some(kwargs)) => dumps(py, kwargs.as_any()),
        (Some(config), None) => {
            if let Ok(s) = config.cast::<PyString>() {
                Ok(s.to_cow()?.into_owned())
            } else {
                let mapping = PyDict::new(py);
                mapping.update(config.cast::<pyo3::types::PyMapping>().map_err(|_| {
                    PyTypeError::new_err("the configuration must be a mapping (or JSON text)")
                })?)?;
                dumps(py, mapping.as_any())
            }
        }
    }
}

/// Keyword arguments as a JSON object (`{}` when there are none).
pub fn kwargs_json(py: Python<'_>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<String> {
    match kwargs {
        Some(k) if !k.is_empty() => dumps(py, k.as_any()),
        _ => Ok("{}".to_owned()),
    }
}

fn dumps(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    let dumps = JSON_DUMPS.import(py, "json", "dumps")?;
    match dumps.call1((value,)) {
        Ok(text) => text.extract(),
        // Not JSON-representable (bytes, a set, an object…): the configuration is invalid.
        Err(e) => Err(to_py_err(
            py,
            Error::new(ErrorCode::InvalidConfig, format!("configuration: not representable as JSON: {}", e.value(py))),
        )),
    }
}
