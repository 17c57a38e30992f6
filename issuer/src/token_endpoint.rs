//! `POST /token`: parse the form, authenticate the client ([`crate::client_auth`]), check the
//! grant is in the client's `grants` (else `unauthorized_client`), dispatch on `grant_type`
//! ([`crate::grants`]).

use std::collections::BTreeMap;

use crate::access_token::{self, TokenResponse};
use crate::client_auth;
use crate::grants::{self, GrantType};
use crate::oauth_error::OAuthError;
use crate::state::IssuerState;

/// A parsed `application/x-www-form-urlencoded` body. Parameters must not repeat (RFC 6749 §3.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    params: BTreeMap<String, Vec<String>>,
}

impl Form {
    pub fn parse(body: &[u8]) -> Form {
        let mut params: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            params.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        Form { params }
    }

    /// The single value of `name`; an empty value counts as absent (RFC 6749 §3.1); a repeated
    /// parameter is `invalid_request`.
    pub fn get(&self, name: &str) -> Result<Option<&str>, OAuthError> {
        match self.params.get(name).map(Vec::as_slice) {
            None => Ok(None),
            Some([one]) => Ok((!one.is_empty()).then_some(one.as_str())),
            Some(_) => Err(OAuthError::invalid_request(format!("parameter {name:?} is repeated"))),
        }
    }

    /// Every non-empty value of `name`, for the parameters that may repeat (RFC 8693 `audience`
    /// and `resource`).
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.params
            .get(name)
            .map(|v| v.iter().map(String::as_str).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    }
}

/// Handle a token request: `content_type` and `authorization` are the request's headers.
pub fn handle(
    state: &IssuerState,
    content_type: Option<&str>,
    authorization: Option<&str>,
    body: &[u8],
) -> Result<TokenResponse, OAuthError> {
    let media_type = content_type.map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    if media_type.as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(OAuthError::invalid_request("the body must be application/x-www-form-urlencoded"));
    }
    let form = Form::parse(body);
    let grant_type = form.get("grant_type")?.ok_or_else(|| OAuthError::invalid_request("grant_type is missing"))?;
    let grant_type = GrantType::parse(grant_type).ok_or_else(|| {
        OAuthError::new("unsupported_grant_type", format!("grant_type {grant_type:?} is not supported"))
    })?;
    let creds = client_auth::credentials(&form, authorization)?;
    let client = client_auth::authenticate(state, &creds, grant_type.is_exchange())?;
    if !client.may_use_grant(grant_type.as_str()) {
        return Err(OAuthError::new(
            "unauthorized_client",
            format!("client {:?} may not use {}", client.client_id, grant_type.as_str()),
        ));
    }
    let grant = match grant_type {
        GrantType::ClientCredentials => grants::client_credentials::grant(client, &form)?,
        GrantType::JwtBearer => grants::jwt_bearer::grant(state, client, &form)?,
        GrantType::TokenExchange => grants::token_exchange::grant(state, client, &form)?,
    };
    access_token::issue(state, &grant)
}
