//! Entry points for the fuzz targets in `fuzz/` (not a public API: hidden, and free to change).
//! They reach the crate-private parsers — the strict JSON reader, discovery documents and token
//! endpoint responses — exactly as the validator and the token client call them.

use crate::error::Result;
use crate::token_client::AccessToken;

/// Whether `bytes` is one strict JSON object (the reader of token headers and payloads), and if so
/// how many members it has.
pub fn strict_json(bytes: &[u8]) -> std::result::Result<usize, String> {
    crate::json::parse_object(bytes).map(|m| m.0.len()).map_err(|e| e.0)
}

/// The `jwks_uri` of a discovery document body fetched from `url` for `issuer`, as the key source
/// reads it (the body is parsed as `HttpClient::get_json` does).
pub fn discovery_document(
    body: &[u8],
    url: &str,
    issuer: &str,
    allow_insecure_http: bool,
) -> std::result::Result<String, String> {
    let doc: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    crate::discovery::endpoint_from_metadata(&doc, url, issuer, "jwks_uri", allow_insecure_http)
}

/// A token endpoint's answer with HTTP `status` and `body`, as the token client reads it.
pub fn token_response(
    status: u16,
    body: &[u8],
    expect_issued_type: Option<&str>,
) -> Result<(AccessToken, std::time::Duration)> {
    crate::token_client::read_token_response(status, body, expect_issued_type).map(|f| (f.token, f.lifetime))
}
