//! meshauth-issuer: a small, real OAuth 2.0 authorization server for development, demos and tests
//! (docs/README.md), and the signing library the conformance-corpus generator uses.
//!
//! ```no_run
//! use meshauth_issuer::{Issuer, IssuerOptions, MintRequest};
//!
//! let issuer = Issuer::start(IssuerOptions::default())?;
//! let token = issuer.mint(&MintRequest::new(serde_json::json!({"sub": "alice", "aud": "orders"})))?;
//! println!("{} issued {token}", issuer.issuer());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod access_token;
pub mod b64;
pub mod client_assertion;
pub mod client_auth;
pub mod clients;
pub mod command_line;
pub mod discovery;
pub mod grants;
pub mod issued_token;
pub mod jws;
pub mod keyring;
pub mod mint;
pub mod oauth_error;
pub mod pem;
pub mod public_jwk;
pub mod received_jwt;
pub mod replay_cache;
mod secret;
pub mod server;
pub mod signing_key;
mod state;
pub mod token_endpoint;

pub use clients::{Client, ClientRegistry};
pub use jws::{sign_compact, sign_compact_bytes, sign_input, sign_json, tamper_signature};
pub use mint::MintRequest;
pub use oauth_error::OAuthError;
pub use server::{Issuer, IssuerOptions, RunningIssuer, StartError};
pub use signing_key::{Algorithm, KeyError, SigningKey};
pub use state::IssuerState;
