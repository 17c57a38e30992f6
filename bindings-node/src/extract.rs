//! JavaScript request shapes → `meshauth::Request`.
//!
//! The core decides which headers and cookies matter and how (see `meshauth::extract`); this module
//! only copies what the framework hands over, keeping duplicates visible so the core can refuse an
//! ambiguous request:
//! - `headers`: a plain object (`req.headers` of Node/Express/Fastify: each value a string or an
//!   array of strings, one pair per element), an array of `[name, value]` pairs, or Node's flat
//!   `req.rawHeaders` array (`[name, value, name, value, …]`). `null`/`undefined` means none.
//! - `cookies`: cookies the framework already parsed, as a plain object or `[name, value]` pairs;
//!   `null`/`undefined` lets the core parse the `Cookie` header(s) itself (which also catches a
//!   cookie sent twice, something a parsed object can no longer show).
//!
//! A value of another shape is a `TypeError` (a programming error, not a request error).

use meshauth::Request;
use napi::bindgen_prelude::*;
use napi::{Env, JsValue};

use crate::error::type_error;
use serde_json::Value;

/// The request as JavaScript passes it: `{ headers, cookies }`.
pub(crate) fn request_from_js(env: &Env, request: &Object) -> Result<Request> {
    let headers: Option<Value> = get_json(request, "headers")?;
    let cookies: Option<Value> = get_json(request, "cookies")?;
    let shaped = || -> std::result::Result<Request, String> {
        Ok(Request {
            headers: headers.map(|h| pairs(h, "headers", true)).transpose()?.unwrap_or_default(),
            cookies: cookies.map(|c| pairs(c, "cookies", false)).transpose()?,
        })
    };
    shaped().map_err(|msg| type_error(env, &msg))
}

/// Read one property as JSON; `undefined` and `null` are `None`.
fn get_json(obj: &Object, name: &str) -> Result<Option<Value>> {
    let v: Unknown = obj.get_named_property(name)?;
    match v.get_type()? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        _ => Ok(Some(unsafe { Value::from_napi_value(v.value().env, v.raw())? })),
    }
}

fn shape_error(what: &str, detail: &str) -> String {
    format!("meshauth: `{what}` {detail}")
}

/// Header or cookie (name, value) pairs from an object, a pairs array, or (headers only) a flat
/// `rawHeaders` array.
fn pairs(v: Value, what: &str, allow_flat: bool) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    match v {
        Value::Object(map) => {
            for (name, value) in map {
                match value {
                    Value::Null => {}
                    Value::Array(values) => {
                        for value in values {
                            out.push((name.clone(), scalar(value, what)?));
                        }
                    }
                    other => out.push((name, scalar(other, what)?)),
                }
            }
        }
        Value::Array(items) => {
            let flat = allow_flat && items.iter().all(Value::is_string);
            if flat {
                if items.len() % 2 != 0 {
                    return Err(shape_error(what, "as a flat array needs an even number of strings"));
                }
                let mut it = items.into_iter();
                while let (Some(name), Some(value)) = (it.next(), it.next()) {
                    out.push((scalar(name, what)?, scalar(value, what)?));
                }
            } else {
                for item in items {
                    let Value::Array(pair) = item else {
                        return Err(shape_error(what, "must be an object, or an array of [name, value] pairs"));
                    };
                    let [name, value]: [Value; 2] =
                        pair.try_into().map_err(|_| shape_error(what, "pairs must have exactly two elements"))?;
                    out.push((scalar(name, what)?, scalar(value, what)?));
                }
            }
        }
        _ => return Err(shape_error(what, "must be an object or an array")),
    }
    Ok(out)
}

/// A header or cookie value: a string, or a number written in decimal (as Node does).
fn scalar(v: Value, what: &str) -> std::result::Result<String, String> {
    match v {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(shape_error(what, "values must be strings")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes() {
        let obj = pairs(json!({"authorization": "Bearer a", "x-many": ["1", "2"], "gone": null}), "headers", true).unwrap();
        assert_eq!(obj.len(), 3);
        assert_eq!(obj[1], ("x-many".into(), "1".into()));
        let flat = pairs(json!(["Authorization", "Bearer a", "Authorization", "Bearer b"]), "headers", true).unwrap();
        assert_eq!(flat.len(), 2);
        let pairs_form = pairs(json!([["a", "1"], ["a", "2"]]), "cookies", false).unwrap();
        assert_eq!(pairs_form, vec![("a".into(), "1".into()), ("a".into(), "2".into())]);
        assert!(pairs(json!(["a", "1", "b"]), "headers", true).is_err());
        assert!(pairs(json!(["a", "1"]), "cookies", false).is_err());
        assert!(pairs(json!("x"), "headers", true).is_err());
    }
}
