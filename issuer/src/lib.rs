//! meshauth-issuer: a small, real OAuth 2.0 authorization server for development, demos and tests
//! (DESIGN.md §6), and the signing library the conformance-corpus generator uses.

pub mod b64;
pub mod jws;
pub mod pem;
pub mod signing_key;

pub use jws::{sign_compact, sign_compact_bytes, sign_input, sign_json, tamper_signature};
pub use signing_key::{Algorithm, KeyError, SigningKey};
