//! A compact JWS received by the token endpoint (an assertion, a subject or actor token, a client
//! assertion, a Bearer client token): split, decoded and typed, before any key is chosen.
//!
//! Strict like the core's validator, because what passes here gets exchanged for real tokens:
//! 16 KiB cap, exactly three unpadded base64url segments, header and claims JSON objects without
//! duplicate member names, `alg` from the caller's allow-list (never `none`), no `crit`.
//! Error texts never quote the token or its content.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::b64;
use crate::signing_key::Algorithm;

/// Largest token accepted, checked before decoding (as in the core, DESIGN §3).
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Seconds of clock skew tolerated on `exp`, `nbf` and `iat` (the core's default leeway).
pub const LEEWAY_S: i64 = 60;

/// A decoded, not yet verified, compact JWS.
#[derive(Debug, Clone)]
pub struct ReceivedJwt {
    pub alg: Algorithm,
    pub kid: Option<String>,
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`.
    signing_input: String,
    signature: Vec<u8>,
}

/// A JSON object whose member names are unique.
struct UniqueObject(Map<String, Value>);

impl<'de> Deserialize<'de> for UniqueObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = UniqueObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<UniqueObject, A::Error> {
                let mut map = Map::new();
                while let Some((name, value)) = access.next_entry::<String, Value>()? {
                    if map.contains_key(&name) {
                        return Err(de::Error::custom("a member name appears twice"));
                    }
                    map.insert(name, value);
                }
                Ok(UniqueObject(map))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

fn object(segment: &str, what: &str) -> Result<Map<String, Value>, String> {
    let bytes = b64::decode(segment).ok_or_else(|| format!("its {what} is not unpadded base64url"))?;
    serde_json::from_slice::<UniqueObject>(&bytes)
        .map(|o| o.0)
        .map_err(|e| format!("its {what} is not a JSON object with unique members ({})", e.classify_name()))
}

/// serde_json's error category, a fixed word that never quotes input.
trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "not an object or duplicate member",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

impl ReceivedJwt {
    /// Decode `token`; its `alg` must be in `allowed`.
    pub fn parse(token: &str, allowed: &[Algorithm]) -> Result<ReceivedJwt, String> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(format!("it is larger than {MAX_TOKEN_BYTES} bytes"));
        }
        let parts: Vec<&str> = token.split('.').collect();
        let [h, p, s] = parts[..] else {
            return Err(format!("it is not a compact JWS (3 dot-separated parts; it has {})", parts.len()));
        };
        let header = object(h, "header")?;
        let claims = object(p, "payload")?;
        let signature = b64::decode(s).ok_or("its signature is not unpadded base64url")?;
        let alg = match header.get("alg") {
            Some(Value::String(name)) => Algorithm::parse(name).filter(|a| allowed.contains(a)).ok_or_else(|| {
                let names: Vec<&str> = allowed.iter().map(|a| a.as_str()).collect();
                format!("its alg is not one of {}", names.join(", "))
            })?,
            _ => return Err("its header has no alg".into()),
        };
        if header.contains_key("crit") {
            return Err("its header has crit parameters, none of which this server understands".into());
        }
        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(k)) => Some(k.clone()),
            Some(_) => return Err("its kid is not a string".into()),
        };
        Ok(ReceivedJwt { alg, kid, header, claims, signing_input: format!("{h}.{p}"), signature })
    }

    pub fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// A string claim; `Ok(None)` when absent, an error for another JSON type.
    pub fn string(&self, name: &str) -> Result<Option<&str>, String> {
        match self.claims.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("its {name} claim is not a string")),
        }
    }

    /// A required string claim.
    pub fn required_string(&self, name: &str) -> Result<&str, String> {
        self.string(name)?.ok_or_else(|| format!("it has no {name} claim"))
    }

    /// A NumericDate claim (seconds; fractions are truncated); `Ok(None)` when absent.
    pub fn numeric_date(&self, name: &str) -> Result<Option<i64>, String> {
        match self.claims.get(name) {
            None => Ok(None),
            Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Ok(Some(i)),
                (None, Some(f)) if f.is_finite() && f.abs() < 1e15 => Ok(Some(f.trunc() as i64)),
                _ => Err(format!("its {name} claim is not a usable NumericDate")),
            },
            Some(_) => Err(format!("its {name} claim is not a number")),
        }
    }

    /// The `aud` claim as a list (a string is a one-element list); empty when absent.
    pub fn audiences(&self) -> Result<Vec<&str>, String> {
        match self.claims.get("aud") {
            None => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.as_str()]),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().ok_or_else(|| "its aud claim has a member that is not a string".to_owned()))
                .collect(),
            Some(_) => Err("its aud claim is neither a string nor an array of strings".into()),
        }
    }

    /// `exp` (required) has not passed more than `leeway` seconds ago; `nbf` and `iat`, when
    /// present, are not more than [`LEEWAY_S`] in the future.
    pub fn check_times(&self, now: i64, exp_leeway: i64) -> Result<i64, String> {
        let exp = self.numeric_date("exp")?.ok_or("it has no exp claim")?;
        if now > exp.saturating_add(exp_leeway) {
            return Err("it has expired".into());
        }
        if self.numeric_date("nbf")?.is_some_and(|nbf| nbf > now.saturating_add(LEEWAY_S)) {
            return Err("it is not valid yet (nbf)".into());
        }
        if self.numeric_date("iat")?.is_some_and(|iat| iat > now.saturating_add(LEEWAY_S)) {
            return Err("it was issued in the future (iat)".into());
        }
        Ok(exp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws;
    use crate::signing_key::SigningKey;

    const ALL: [Algorithm; 3] = [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA];

    fn token(header: &str, payload: &str) -> String {
        let key = SigningKey::generate(Algorithm::EdDSA, "k").unwrap();
        jws::sign_compact(&key, header, payload).unwrap()
    }

    #[test]
    fn decodes_and_refuses_malformed_tokens() {
        let t =
            ReceivedJwt::parse(&token(r#"{"alg":"EdDSA","kid":"k"}"#, r#"{"sub":"a","aud":["x","y"],"exp":5}"#), &ALL)
                .unwrap();
        assert_eq!((t.alg, t.kid.as_deref()), (Algorithm::EdDSA, Some("k")));
        assert_eq!(t.audiences().unwrap(), ["x", "y"]);
        assert_eq!(t.numeric_date("exp").unwrap(), Some(5));
        assert!(t.check_times(66, 60).is_err() && t.check_times(65, 60).is_ok());

        let refused = |h: &str, p: &str| ReceivedJwt::parse(&token(h, p), &ALL).unwrap_err();
        assert!(refused(r#"{"alg":"none"}"#, "{}").contains("alg"));
        assert!(refused(r#"{"alg":"HS256"}"#, "{}").contains("alg"));
        assert!(refused(r#"{"alg":"EdDSA","crit":["x"]}"#, "{}").contains("crit"));
        assert!(refused(r#"{"alg":"EdDSA"}"#, r#"{"sub":"a","sub":"b"}"#).contains("unique"));
        assert!(refused(r#"{"alg":"EdDSA"}"#, "[1]").contains("payload"));
        assert!(ReceivedJwt::parse("a.b", &ALL).is_err());
        assert!(ReceivedJwt::parse(&"a".repeat(MAX_TOKEN_BYTES + 1), &ALL).unwrap_err().contains("larger"));
        let secret = "top-secret-value";
        assert!(!refused(r#"{"alg":"EdDSA"}"#, &format!("{{\"{secret}\"")).contains(secret), "no echo");
    }
}
