//! Compact JWS (RFC 7515 §7.1) from *raw* header and payload JSON text, so tests can sign
//! exactly the bytes they want: duplicate member names, wrong types, odd whitespace.

use serde_json::Value;

use crate::b64;
use crate::signing_key::{KeyError, SigningKey};

/// `BASE64URL(header) || '.' || BASE64URL(payload)`, the JWS signing input.
pub fn signing_input(header_json: &str, payload_json: &str) -> String {
    format!("{}.{}", b64::encode(header_json), b64::encode(payload_json))
}

/// Sign raw header and payload JSON text into a compact JWS. The text is used byte for byte: it
/// is not parsed, so it may be anything (even invalid JSON) a negative test needs.
pub fn sign_compact(key: &SigningKey, header_json: &str, payload_json: &str) -> Result<String, KeyError> {
    sign_compact_bytes(key, header_json.as_bytes(), payload_json.as_bytes())
}

/// [`sign_compact`] over arbitrary bytes (e.g. a payload that is not valid UTF-8).
pub fn sign_compact_bytes(key: &SigningKey, header: &[u8], payload: &[u8]) -> Result<String, KeyError> {
    sign_input(key, &format!("{}.{}", b64::encode(header), b64::encode(payload)))
}

/// Sign an already-encoded signing input (`header.payload`, used verbatim even when it is not
/// canonical base64url) and append the signature segment.
pub fn sign_input(key: &SigningKey, input: &str) -> Result<String, KeyError> {
    let sig = key.sign(input.as_bytes())?;
    Ok(format!("{input}.{}", b64::encode(sig)))
}

/// Sign JSON values: the header gets the key's `alg` and `kid` unless it already has them
/// (a `null` member removes the parameter).
pub fn sign_json(key: &SigningKey, header: &Value, claims: &Value) -> Result<String, KeyError> {
    let header = complete_header(key, header);
    sign_compact(key, &header.to_string(), &claims.to_string())
}

/// `header` with `alg`/`kid` of `key` filled in where absent, and `null` members dropped.
pub fn complete_header(key: &SigningKey, header: &Value) -> Value {
    let mut map = header.as_object().cloned().unwrap_or_default();
    map.entry("alg").or_insert_with(|| Value::String(key.alg().as_str().to_owned()));
    map.entry("kid").or_insert_with(|| Value::String(key.kid().to_owned()));
    map.retain(|_, v| !v.is_null());
    Value::Object(map)
}

/// Flip one bit in the signature segment of a compact JWS (keeps it canonical base64url).
pub fn tamper_signature(token: &str) -> String {
    let Some((input, sig)) = token.rsplit_once('.') else { return token.to_owned() };
    let Some(mut bytes) = b64::decode(sig) else { return token.to_owned() };
    if let Some(first) = bytes.first_mut() {
        *first ^= 0x01;
    }
    format!("{input}.{}", b64::encode(bytes))
}
