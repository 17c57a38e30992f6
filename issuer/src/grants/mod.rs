//! Grant types of the token endpoint. Each grant is a module with one function taking the
//! authenticated client and the form and returning what goes into the token; the dispatch in
//! [`crate::token_endpoint`] maps `grant_type` to it. jwt-bearer (RFC 7523) and token exchange
//! (RFC 8693) slot in as further variants of [`GrantType`].

pub mod client_credentials;

/// A supported `grant_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantType {
    ClientCredentials,
}

impl GrantType {
    /// Every supported grant type (the metadata's `grant_types_supported`).
    pub const ALL: [GrantType; 1] = [GrantType::ClientCredentials];

    /// The `grant_type` value, also the name used in the client registry's `grants`.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantType::ClientCredentials => "client_credentials",
        }
    }

    pub fn parse(value: &str) -> Option<GrantType> {
        GrantType::ALL.into_iter().find(|g| g.as_str() == value)
    }
}
