//! `meshauth._meshauth`: the Python binding of the meshauth core — a thin layer that converts
//! arguments and maps errors. Every JWT decision is the core's. One file per core module:
//! `config.rs`, `error.rs`, `extract.rs`, `principal.rs`, `token_client.rs`, `validator.rs`.

mod config;
mod error;
mod extract;
mod principal;
mod token_client;
mod validator;

use pyo3::prelude::*;

#[pymodule]
fn _meshauth(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<validator::PyValidator>()?;
    m.add_class::<principal::PyPrincipal>()?;
    m.add_class::<token_client::PyTokenClient>()?;
    m.add_class::<token_client::PyAccessToken>()?;
    m.add_function(wrap_pyfunction!(error::error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(error::error_for_code, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
