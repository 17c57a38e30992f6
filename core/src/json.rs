//! Strict JSON for token headers and payloads: objects only, no duplicate member names at any
//! depth, bounded nesting, valid UTF-8 (RFC 8725 §3.4 / RFC 7515 §4: duplicate names must be
//! rejected or the last one used — we reject, so every reader sees the same claims).
//!
//! The result is a light tree that borrows strings from the decoded bytes (no map building, no
//! copy of unescaped strings): this is the hot path of every validation.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Deepest nesting of arrays/objects accepted inside a header or payload.
pub const MAX_DEPTH: usize = 32;

/// Objects with more members than this check duplicates with a hash set instead of a scan.
const SCAN_LIMIT: usize = 16;

/// A parsed JSON value. Numbers are kept as f64 (claims that need exact integers are read from
/// the payload text, which the Principal keeps verbatim).
#[derive(Debug, Clone, PartialEq)]
pub enum Lite<'a> {
    Null,
    Bool(bool),
    Number(f64),
    String(Cow<'a, str>),
    Array(Vec<Lite<'a>>),
    Object(Members<'a>),
}

/// The members of an object, in document order, names unique.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Members<'a>(pub Vec<(Cow<'a, str>, Lite<'a>)>);

impl<'a> Members<'a> {
    pub fn get(&self, name: &str) -> Option<&Lite<'a>> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

impl<'a> Lite<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Lite::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Why a text is not acceptable strict JSON.
#[derive(Debug)]
pub struct StrictJsonError(pub String);

/// Parse `bytes` as one strict JSON object.
pub fn parse_object(bytes: &[u8]) -> Result<Members<'_>, StrictJsonError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Strict { depth: 0 }.deserialize(&mut de).map_err(|e| StrictJsonError(e.to_string()))?;
    de.end().map_err(|e| StrictJsonError(e.to_string()))?;
    match value {
        Lite::Object(members) => Ok(members),
        _ => Err(StrictJsonError("not a JSON object".into())),
    }
}

#[derive(Clone, Copy)]
struct Strict {
    depth: usize,
}

impl Strict {
    fn nested<E: serde::de::Error>(self) -> Result<Strict, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom("JSON nested too deeply"));
        }
        Ok(Strict { depth: self.depth + 1 })
    }
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Lite<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Lite<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

/// A member name, borrowed when it has no escapes.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Lite<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Lite<'de>, E> {
        Ok(Lite::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Lite<'de>, E> {
        Ok(Lite::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Lite<'de>, E> {
        Ok(Lite::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Lite<'de>, E> {
        Ok(Lite::Number(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Lite<'de>, E> {
        Ok(Lite::String(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Lite<'de>, E> {
        Ok(Lite::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Lite<'de>, E> {
        Ok(Lite::String(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Lite<'de>, E> {
        Ok(Lite::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lite<'de>, A::Error> {
        let inner = self.nested()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            out.push(v);
        }
        Ok(Lite::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lite<'de>, A::Error> {
        use serde::de::Error;
        let inner = self.nested()?;
        let mut out: Vec<(Cow<'de, str>, Lite<'de>)> = Vec::new();
        let mut seen: Option<HashSet<Cow<'de, str>>> = None;
        while let Some(key) = map.next_key_seed(Name)? {
            let duplicate = match &mut seen {
                Some(set) => !set.insert(key.clone()),
                None => {
                    let dup = out.iter().any(|(k, _)| *k == key);
                    if out.len() >= SCAN_LIMIT {
                        seen = Some(out.iter().map(|(k, _)| k.clone()).chain([key.clone()]).collect());
                    }
                    dup
                }
            };
            if duplicate {
                return Err(A::Error::custom("duplicate member name"));
            }
            let v = map.next_value_seed(inner)?;
            out.push((key, v));
        }
        Ok(Lite::Object(Members(out)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strictness() {
        assert!(parse_object(br#"{"a":1,"b":{"c":[1,2,{"d":null}]}}"#).is_ok());
        assert!(parse_object(br#"{"a":1,"a":2}"#).is_err());
        assert!(parse_object(br#"{"a":1,"\u0061":2}"#).is_err(), "escaped duplicates are duplicates");
        assert!(parse_object(br#"{"a":{"b":1,"b":1}}"#).is_err());
        assert!(parse_object(br#"[1]"#).is_err());
        assert!(parse_object(br#"{"a":1} x"#).is_err());
        assert!(parse_object(b"{\"a\":\"\xff\"}").is_err());
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(100), "]".repeat(100));
        assert!(parse_object(deep.as_bytes()).is_err());
        let ok = format!("{{\"a\":{}1{}}}", "[".repeat(20), "]".repeat(20));
        assert!(parse_object(ok.as_bytes()).is_ok());
    }

    #[test]
    fn large_objects_use_the_hash_set() {
        let members: Vec<String> = (0..100).map(|i| format!("\"k{i}\":{i}")).collect();
        let text = format!("{{{}}}", members.join(","));
        assert_eq!(parse_object(text.as_bytes()).unwrap().0.len(), 100);
        let dup = format!("{{{},\"k3\":0}}", members.join(","));
        assert!(parse_object(dup.as_bytes()).is_err());
        let early_dup = format!("{{\"k99\":0,{}}}", members.join(","));
        assert!(parse_object(early_dup.as_bytes()).is_err());
    }

    #[test]
    fn strings_borrow_when_unescaped() {
        let m = parse_object(br#"{"a":"plain","b":"esc\"aped"}"#).unwrap();
        assert!(matches!(m.get("a"), Some(Lite::String(Cow::Borrowed("plain")))));
        assert_eq!(m.get("b").and_then(Lite::as_str), Some("esc\"aped"));
    }
}
