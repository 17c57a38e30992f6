//! Unverified decoding for display: the header and claims as JSON values, whatever the validator
//! thinks of them. Nothing here decides whether a token is acceptable — [`meshauth`] does.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{Map, Value};

/// A compact JWS taken apart, without any check of its signature.
pub struct Decoded {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    pub signature_bytes: usize,
}

/// Decode the first two segments. `Err` says, without echoing the token, why it cannot be shown.
pub fn decode(token: &str) -> Result<Decoded, String> {
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        3 => {}
        5 => return Err("this is an encrypted token (JWE, five segments): its claims cannot be read".to_owned()),
        n => return Err(format!("a JWT has three dot-separated segments, this has {n}")),
    }
    let header = object(parts[0], "header")?;
    let claims = object(parts[1], "payload")?;
    let signature_bytes = URL_SAFE_NO_PAD.decode(parts[2].trim_end_matches('=')).map(|s| s.len()).unwrap_or(0);
    Ok(Decoded { header, claims, signature_bytes })
}

fn object(segment: &str, name: &str) -> Result<Map<String, Value>, String> {
    // Lenient on padding for display; the validator itself refuses padded segments.
    let bytes = URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .map_err(|_| format!("the {name} segment is not base64url"))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(format!("the {name} is JSON but not an object")),
        Err(_) => Err(format!("the {name} is not JSON")),
    }
}

/// A number claim as whole seconds (`exp`, `nbf`, `iat`).
pub fn seconds(value: Option<&Value>) -> Option<i64> {
    let v = value?.as_f64()?;
    Some(v.floor() as i64)
}

/// A short, safe rendering of a token-derived value for a message: JSON text, cut at 80 chars.
pub fn show(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(79).collect::<String>())
    } else {
        text
    }
}
