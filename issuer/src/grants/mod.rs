//! Grant types of the token endpoint. Each grant is a module with one function taking the
//! authenticated client and the form and returning what goes into the token; the dispatch in
//! [`crate::token_endpoint`] maps `grant_type` to it.

pub mod client_credentials;
pub mod exchange;
pub mod jwt_bearer;
pub mod scopes;
pub mod token_exchange;

/// A supported `grant_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantType {
    /// RFC 6749 §4.4: a service's own token.
    ClientCredentials,
    /// RFC 7523 §2.1: a user token (the assertion) exchanged for a token meant for one audience.
    JwtBearer,
    /// RFC 8693: the same with the standard exchange grant.
    TokenExchange,
}

impl GrantType {
    /// Every supported grant type (the metadata's `grant_types_supported`).
    pub const ALL: [GrantType; 3] = [GrantType::ClientCredentials, GrantType::JwtBearer, GrantType::TokenExchange];

    /// The `grant_type` value, also the name used in the client registry's `grants`.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::ClientCredentials => "client_credentials",
            GrantType::JwtBearer => jwt_bearer::GRANT_TYPE,
            GrantType::TokenExchange => token_exchange::GRANT_TYPE,
        }
    }

    pub fn parse(value: &str) -> Option<GrantType> {
        GrantType::ALL.into_iter().find(|g| g.as_str() == value)
    }

    /// Whether the grant exchanges a user token (and so accepts a Bearer client token as client
    /// authentication).
    pub fn is_exchange(self) -> bool {
        matches!(self, GrantType::JwtBearer | GrantType::TokenExchange)
    }
}
