//! Authorization-server metadata discovery: OpenID Connect Discovery 1.0 §4, then RFC 8414 §3.
//! The document's `issuer` must equal the configured issuer exactly (mix-up defence), and every
//! endpoint it names must pass the transport policy.

use serde_json::Value;

use crate::http::{check_url, HttpClient};

/// The metadata URLs for an issuer identifier, in the order they are tried.
pub fn metadata_urls(issuer: &str) -> Vec<String> {
    let trimmed = issuer.trim_end_matches('/');
    let oidc = format!("{trimmed}/.well-known/openid-configuration");
    let rfc8414 = match trimmed.find("://").and_then(|i| trimmed[i + 3..].find('/').map(|j| i + 3 + j)) {
        Some(path_start) => {
            format!("{}/.well-known/oauth-authorization-server{}", &trimmed[..path_start], &trimmed[path_start..])
        }
        None => format!("{trimmed}/.well-known/oauth-authorization-server"),
    };
    vec![oidc, rfc8414]
}

/// Fetch the first metadata document that names `issuer`, and read the endpoint `field` from it
/// (`jwks_uri`, `token_endpoint`). Errors are readable reasons.
pub fn discover_endpoint(http: &HttpClient, urls: &[String], issuer: &str, field: &str) -> Result<String, String> {
    let mut reasons = Vec::new();
    for url in urls {
        let found =
            http.get_json(url, None).and_then(|doc| endpoint_from_metadata(&doc, url, issuer, field, http.allows_insecure_http()));
        match found {
            Ok(endpoint) => return Ok(endpoint),
            Err(e) => reasons.push(e),
        }
    }
    Err(format!("discovery failed: {}", reasons.join("; ")))
}

/// The endpoint `field` of the metadata document `doc` fetched from `url`, once its `issuer` equals
/// `issuer` and the endpoint passes the transport policy. Pure, so that it can be fuzzed.
pub fn endpoint_from_metadata(
    doc: &Value,
    url: &str,
    issuer: &str,
    field: &str,
    allow_insecure_http: bool,
) -> Result<String, String> {
    if doc.get("issuer").and_then(Value::as_str) != Some(issuer) {
        return Err(format!("{url}: the metadata's issuer does not equal the configured issuer"));
    }
    let endpoint = doc.get(field).and_then(Value::as_str).ok_or_else(|| format!("{url}: the metadata has no {field}"))?;
    check_url(endpoint, allow_insecure_http)?;
    Ok(endpoint.to_owned())
}
