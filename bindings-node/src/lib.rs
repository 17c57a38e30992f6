//! Node binding of meshauth (napi-rs). A thin layer: every JWT decision is made by the `meshauth`
//! core; this crate only converts JavaScript values to core types and back, and maps errors.
//!
//! One file per core module:
//! - [`config`]: JavaScript options (snake_case or camelCase) → `meshauth::Config`
//! - [`validator`]: the `Validator` class (`validate`, `authenticate`, their sync forms, `refresh`)
//! - [`extract`]: JavaScript request shapes (`req.headers`, `req.rawHeaders`, pairs) → `meshauth::Request`
//! - [`principal`]: the `Principal` class returned on success
//! - [`error`]: core errors → JavaScript `Error` objects with `.code`, `.status`, …; `errorCodes()`

mod config;
mod error;
mod extract;
mod principal;
mod validator;

pub use error::{create_error, error_codes, is_mesh_auth_error};
pub use principal::Principal;
pub use validator::Validator;
