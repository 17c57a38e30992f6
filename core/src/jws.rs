//! Strict compact-JWS parsing (RFC 7515 §7.1), before any key is looked at.
//!
//! Exactly three segments of unpadded base64url with canonical trailing bits; header and payload
//! are strict JSON objects (see `json.rs`). JWE (five segments), the JSON serialization, unknown
//! `crit` parameters and `b64: false` (RFC 7797) are refused as `unsupported_token`. The header
//! parameters `jku`, `x5u`, `jwk` and `x5c` are never used to find keys.

use std::borrow::Cow;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::algorithm::Algorithm;
use crate::error::{quote, Error, ErrorCode, Result};
use crate::json::{self, Lite, Members};

/// A compact JWS split into its segments, header and payload decoded. [`Jws`] borrows from it.
pub struct Segments<'t> {
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`: what the signature covers.
    signing_input: &'t str,
    signature_b64: &'t str,
    header: Vec<u8>,
    payload: Vec<u8>,
}

/// A parsed, not yet verified, compact JWS.
pub struct Jws<'a> {
    pub alg: Algorithm,
    pub kid: Option<Cow<'a, str>>,
    /// The header `typ`, `Some(Err(()))` when present but not a string.
    pub typ: Option<std::result::Result<Cow<'a, str>, ()>>,
    pub signing_input: &'a str,
    pub signature: Vec<u8>,
    /// The payload's JSON text, exactly as signed.
    pub payload_json: &'a str,
    pub claims: Members<'a>,
}

fn malformed(msg: &str) -> Error {
    Error::new(ErrorCode::MalformedToken, msg)
}

fn unsupported(msg: &str) -> Error {
    Error::new(ErrorCode::UnsupportedToken, msg)
}

/// Decode one base64url segment, canonical form only.
pub fn b64url_decode(segment: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(segment).ok()
}

/// Split `token` and decode its header and payload. The caller has already applied the size cap.
pub fn split(token: &str) -> Result<Segments<'_>> {
    if token.trim_start().starts_with('{') {
        return Err(unsupported("JWS JSON serialization is not supported"));
    }
    // Dot positions, found with a vectorised search; more than five is already not a JWS or JWE.
    let mut dots = [0usize; 5];
    let mut count = 0;
    for (i, _) in token.match_indices('.') {
        if count == dots.len() {
            count += 1;
            break;
        }
        dots[count] = i;
        count += 1;
    }
    if count == 4 {
        return Err(unsupported("encrypted tokens (JWE) are not supported"));
    }
    if count != 2 {
        return Err(malformed("a compact JWS has exactly three segments"));
    }
    let (signing_input, signature_b64) = (&token[..dots[1]], &token[dots[1] + 1..]);
    let (header_b64, payload_b64) = (&token[..dots[0]], &token[dots[0] + 1..dots[1]]);
    if header_b64.is_empty() || payload_b64.is_empty() {
        return Err(malformed("empty header or payload segment"));
    }
    let header = b64url_decode(header_b64).ok_or_else(|| malformed("header is not canonical base64url"))?;
    let payload = b64url_decode(payload_b64).ok_or_else(|| malformed("payload is not canonical base64url"))?;
    Ok(Segments { signing_input, signature_b64, header, payload })
}

impl<'t> Segments<'t> {
    /// Parse header and payload as strict JSON and apply the header rules.
    pub fn parse(&self) -> Result<Jws<'_>> {
        let header = json::parse_object(&self.header).map_err(|e| malformed(&format!("header: {}", e.0)))?;
        let claims = json::parse_object(&self.payload).map_err(|e| malformed(&format!("payload: {}", e.0)))?;
        // parse_object accepted it, so this cannot fail; no unsafe needed for the proof.
        let payload_json = std::str::from_utf8(&self.payload).map_err(|_| malformed("payload is not UTF-8"))?;

        if header.contains("crit") {
            return Err(unsupported("no critical header parameter is understood"));
        }
        if header.get("b64") == Some(&Lite::Bool(false)) {
            return Err(unsupported("unencoded payloads (b64: false) are not supported"));
        }
        let alg = match header.get("alg") {
            None => return Err(Error::new(ErrorCode::AlgorithmNotAllowed, "the header has no alg")),
            Some(Lite::String(name)) => Algorithm::from_name(name).ok_or_else(|| {
                Error::new(ErrorCode::AlgorithmNotAllowed, format!("algorithm {} is not allowed", quote(name)))
            })?,
            Some(_) => return Err(Error::new(ErrorCode::AlgorithmNotAllowed, "the header alg is not a string")),
        };
        let mut kid = None;
        let mut typ = None;
        for (name, value) in header.0 {
            match (&*name, value) {
                ("kid", Lite::String(k)) => kid = Some(k),
                ("kid", _) => return Err(malformed("the header kid is not a string")),
                ("typ", Lite::String(t)) => typ = Some(Ok(t)),
                ("typ", _) => typ = Some(Err(())),
                _ => {}
            }
        }
        if self.signature_b64.is_empty() {
            return Err(malformed("empty signature segment"));
        }
        let signature =
            b64url_decode(self.signature_b64).ok_or_else(|| malformed("signature is not canonical base64url"))?;
        Ok(Jws { alg, kid, typ, signing_input: self.signing_input, signature, payload_json, claims })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    fn code(t: &str) -> &'static str {
        match split(t).and_then(|s| s.parse().map(|_| ())) {
            Ok(_) => "ok",
            Err(e) => e.code().as_str(),
        }
    }

    #[test]
    fn structure() {
        let h = enc(r#"{"alg":"RS256"}"#);
        let p = enc(r#"{"exp":1}"#);
        assert_eq!(code(&format!("{h}.{p}.c2ln")), "ok");
        assert_eq!(code(&format!("{h}.{p}.")), "malformed_token");
        assert_eq!(code(&format!("{h}.{p}")), "malformed_token");
        assert_eq!(code(&format!("{h}.{p}.a.b.c")), "unsupported_token");
        assert_eq!(code(r#"{"payload":"x"}"#), "unsupported_token");
        assert_eq!(code(&format!("{h}=.{p}.c2ln")), "malformed_token");
        assert_eq!(code(&format!("{h}.{p}.c2k")), "ok");
        // "c2l" differs from "c2k" only in the unused trailing bits: non-canonical.
        assert_eq!(code(&format!("{h}.{p}.c2l")), "malformed_token");
        assert_eq!(code(&format!("{h}.{p}.c2k=")), "malformed_token");
        assert_eq!(code(&format!("{h}.{p}.c+k")), "malformed_token");
        let none = enc(r#"{"alg":"none"}"#);
        assert_eq!(code(&format!("{none}.{p}.")), "algorithm_not_allowed");
        let crit = enc(r#"{"alg":"RS256","crit":["exp"]}"#);
        assert_eq!(code(&format!("{crit}.{p}.c2ln")), "unsupported_token");
        let b64 = enc(r#"{"alg":"RS256","b64":false}"#);
        assert_eq!(code(&format!("{b64}.{p}.c2ln")), "unsupported_token");
    }
}
