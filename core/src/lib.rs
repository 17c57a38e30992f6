//! meshauth — strict validation of JWT access tokens for services, one core for every language.
//!
//! ```no_run
//! use meshauth::{Validator, Request};
//!
//! let validator = Validator::from_json(r#"{
//!     "issuer": "https://issuer.example",
//!     "audience": "orders",
//!     "discovery": true
//! }"#)?;
//! let request = Request::new().header("Authorization", "Bearer eyJ…");
//! match validator.authenticate(&request) {
//!     Ok(principal) => println!("caller {:?} scopes {:?}", principal.subject, principal.scopes),
//!     Err(e) => println!("{} {:?} {:?}", e.code(), e.http_status(), e.www_authenticate()),
//! }
//! # Ok::<(), meshauth::Error>(())
//! ```

pub mod algorithm;
mod claims;
mod client_assertion;
pub mod config;
mod config_bounds;
mod discovery;
mod ed25519_key;
#[doc(hidden)]
pub mod fuzzing;
pub mod error;
pub mod extract;
mod http;
mod json;
mod jwks_cache;
pub mod jws;
pub mod keys;
mod policy;
pub mod reference;
pub mod principal;
mod token_cache;
pub mod token_client;
pub mod validator;

pub use config::Config;
pub use error::{Error, ErrorCode, Result};
pub use extract::Request;
pub use principal::Principal;
pub use algorithm::Algorithm;
pub use token_client::{AccessToken, TokenClient, TokenClientConfig, TokenRequest};
pub use validator::{now, Validator};

/// The README's Rust examples, compiled by `cargo test`.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
