//! Client authentication at the token endpoint (RFC 6749 §2.3.1): `client_secret_basic`
//! (HTTP Basic with the form-urlencoded id and secret) or `client_secret_post` (`client_id` and
//! `client_secret` form parameters). Using both at once is `invalid_request`; a failed
//! authentication is `invalid_client` (401 with `WWW-Authenticate: Basic`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::clients::{Client, ClientRegistry};
use crate::oauth_error::OAuthError;
use crate::token_endpoint::Form;

/// The credentials a request presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientCredentials {
    /// `Authorization: Basic`.
    Basic { client_id: String, client_secret: String },
    /// `client_id` + `client_secret` in the form body.
    Post { client_id: String, client_secret: String },
}

impl ClientCredentials {
    pub fn client_id(&self) -> &str {
        match self {
            ClientCredentials::Basic { client_id, .. } | ClientCredentials::Post { client_id, .. } => client_id,
        }
    }

    fn secret(&self) -> &str {
        match self {
            ClientCredentials::Basic { client_secret, .. } | ClientCredentials::Post { client_secret, .. } => {
                client_secret
            }
        }
    }
}

/// Decode one `application/x-www-form-urlencoded` component (`+` is a space).
fn form_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8().ok().map(|c| c.into_owned())
}

/// Parse `Authorization: Basic …`; `Ok(None)` for no header or another scheme.
fn basic_credentials(authorization: Option<&str>) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = authorization else { return Ok(None) };
    let Some((scheme, rest)) = value.split_once(' ') else { return Ok(None) };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let malformed = || OAuthError::invalid_client("malformed HTTP Basic credentials");
    let decoded = STANDARD.decode(rest.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    Ok(Some((form_decode(id).ok_or_else(malformed)?, form_decode(secret).ok_or_else(malformed)?)))
}

/// The credentials of a token request.
pub fn credentials(form: &Form, authorization: Option<&str>) -> Result<ClientCredentials, OAuthError> {
    let basic = basic_credentials(authorization)?;
    let post_id = form.get("client_id")?;
    let post_secret = form.get("client_secret")?;
    match (basic, post_id, post_secret) {
        (Some(_), _, Some(_)) => Err(OAuthError::invalid_request(
            "the client authenticated twice (HTTP Basic and client_secret in the body): use one method",
        )),
        (Some((id, _)), Some(post_id), None) if post_id != id => {
            Err(OAuthError::invalid_request("client_id in the body differs from the HTTP Basic client"))
        }
        (Some((client_id, client_secret)), _, None) => Ok(ClientCredentials::Basic { client_id, client_secret }),
        (None, Some(client_id), Some(client_secret)) => {
            Ok(ClientCredentials::Post { client_id: client_id.to_owned(), client_secret: client_secret.to_owned() })
        }
        (None, Some(_), None) => Err(OAuthError::invalid_client("client_secret is missing")),
        (None, None, Some(_)) => Err(OAuthError::invalid_request("client_secret without client_id")),
        (None, None, None) => Err(OAuthError::invalid_client("client authentication is required")),
    }
}

/// Authenticate: the registered client whose secret matches. Unknown clients and wrong secrets
/// answer the same `invalid_client`, after the same amount of work.
pub fn authenticate<'r>(registry: &'r ClientRegistry, creds: &ClientCredentials) -> Result<&'r Client, OAuthError> {
    let client = registry.get(creds.client_id());
    let ok = match client {
        Some(c) => c.secret_matches(creds.secret()),
        None => {
            // Same work as a real comparison.
            let _ = crate::secret::constant_time_eq(b"no such client", creds.secret().as_bytes());
            false
        }
    };
    match client {
        Some(c) if ok => Ok(c),
        _ => Err(OAuthError::invalid_client("client authentication failed")),
    }
}
