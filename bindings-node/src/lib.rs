//! Node binding of meshauth (napi-rs). A thin layer: every JWT decision is made by the `meshauth`
//! core; this crate only converts JavaScript values to core types and back, and maps errors.
//!
//! One file per core module:
//! - [`config`]: JavaScript options (snake_case or camelCase) → `meshauth::Config`
//! - [`validator`]: the `Validator` class (`validate`, `authenticate`, their sync forms, `refresh`)
//! - [`extract`]: JavaScript request shapes (`req.headers`, `req.rawHeaders`, pairs) → `meshauth::Request`
//! - [`principal`]: the `Principal` class returned on success
//! - [`token_client`]: the `TokenClient` class (outgoing calls) and the `AccessToken` it returns
//! - [`error`]: core errors → JavaScript `Error` objects with `.code`, `.status`, …; `errorCodes()`
//! - [`env_data`]: per-environment JavaScript helpers that keep the validation path short

#[cfg(feature = "bench")]
mod bench;
mod config;
mod env_data;
mod error;
mod extract;
mod principal;
mod token_client;
mod validator;

use napi::bindgen_prelude::*;
use napi::Env;
use napi_derive::napi;

pub use error::{create_error, error_codes, is_mesh_auth_error};
pub use principal::Principal;
pub use token_client::{AccessToken, TokenClient};
pub use validator::Validator;

/// Module set-up: `console.log(x)` / `util.inspect(x)` of a `Principal` or an `AccessToken` show
/// its `toJSON()` (fields, never the token) instead of an empty `Principal {}`; and the
/// per-environment helpers of [`env_data`] (including the wrappers of the sync methods).
#[napi(module_exports)]
pub fn install_inspect(exports: Object, env: Env) -> Result<()> {
    let install: Function<Unknown, Unknown> = env.run_script(
        "(function (C) {
           Object.defineProperty(C.prototype, Symbol.for('nodejs.util.inspect.custom'), {
             value: function (depth, options, inspect) { return C.name + ' ' + inspect(this.toJSON(), options) },
             writable: true, configurable: true,
           })
         })",
    )?;
    for class in ["Principal", "AccessToken"] {
        let class: Unknown = exports.get_named_property(class)?;
        install.call(class)?;
    }
    env_data::install(&env, exports.get_named_property("Principal")?, exports.get_named_property("Validator")?)
}
