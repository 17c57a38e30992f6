//! JavaScript options → `meshauth::Config` (and the key renaming the token client's options and
//! requests share, see `token_client.rs`).
//!
//! The options object uses the one configuration schema of every meshauth binding. Node accepts each field's snake_case
//! name and its camelCase form (`jwks_url` / `jwksUrl`): this module renames camelCase keys
//! generically (an upper-case ASCII letter `X` becomes `_x`) and hands the JSON to
//! [`meshauth::Config::from_value`], which owns every rule, including refusing unknown fields.
//!
//! Renaming applies to keys of configuration objects only: the top-level object, each entry of
//! `issuers`, and the token-client configuration of `jwks_auth` (at either level). Values are
//! never touched — an inline `jwks` is a JWK Set whose member names are not configuration fields.
//! The same field given in both forms is `invalid_config`.

use meshauth::{Config, Error, ErrorCode};
use napi::bindgen_prelude::{FromNapiValue, Unknown};
use napi::{Env, JsValue};
use serde_json::{Map, Value};

use crate::error::type_error;

/// Fields whose value is a list of configuration objects (renamed like the top level).
const NESTED_CONFIG_LISTS: [&str; 1] = ["issuers"];
/// Fields whose value is one configuration object (renamed like the top level).
const NESTED_CONFIG_OBJECTS: [&str; 1] = ["jwks_auth"];

/// An options argument as JSON. A value JSON cannot hold (a `Buffer`, a function, a symbol…) is
/// a `TypeError` — the usual case is a PEM file read without an encoding.
pub(crate) fn json_arg(env: &Env, value: Unknown, what: &str) -> napi::Result<Value> {
    // napi's own reason is misleading here (a `Buffer` is reported as a function): say what fits.
    let json = unsafe { Value::from_napi_value(env.raw(), value.raw()) }.map_err(|_| {
        type_error(
            env,
            &format!(
                "meshauth: {what} must hold only strings, numbers, booleans, null, arrays and plain objects \
                 (read a PEM file as text: fs.readFileSync(path, 'utf8'))"
            ),
        )
    })?;
    Ok(whole_numbers_as_integers(json))
}

/// JavaScript has one number type; napi hands over whole numbers of 2^32 and above as floats
/// (`4294967296.0`), which the core's integer options would refuse. The faithful JSON form of a
/// JavaScript number that is an integer (`Number.isSafeInteger`) is a JSON integer — what Python's
/// and Go's encoders write for the same value — so one configuration means the same in every
/// language. Other numbers are left as they are.
fn whole_numbers_as_integers(value: Value) -> Value {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    match value {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() <= MAX_SAFE => Value::from(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers_as_integers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, whole_numbers_as_integers(v))).collect()),
        other => other,
    }
}

pub(crate) fn config_from_options(options: Value) -> meshauth::Result<Config> {
    Config::from_value(snake_case_keys(options)?)
}

/// The options object with its configuration keys in snake_case (see the module docs). A value
/// that is not an object comes back unchanged: the core answers with its own `invalid_config`.
pub(crate) fn snake_case_keys(value: Value) -> meshauth::Result<Value> {
    let Value::Object(map) = value else {
        return Ok(value);
    };
    let mut out = Map::with_capacity(map.len());
    for (key, mut v) in map {
        let name = snake_case(&key);
        if NESTED_CONFIG_LISTS.contains(&name.as_str()) {
            if let Value::Array(items) = v {
                v = Value::Array(items.into_iter().map(snake_case_keys).collect::<meshauth::Result<_>>()?);
            }
        } else if NESTED_CONFIG_OBJECTS.contains(&name.as_str()) {
            v = snake_case_keys(v)?;
        }
        if out.contains_key(&name) {
            return Err(Error::new(
                ErrorCode::InvalidConfig,
                format!("configuration: field `{name}` given twice (snake_case and camelCase)"),
            ));
        }
        out.insert(name, v);
    }
    Ok(Value::Object(out))
}

/// `jwksUrl` → `jwks_url`, `leewayS` → `leeway_s`; snake_case names come back unchanged. A key
/// whose snake_case form is no configuration option (`clientID` → `client_i_d`) also stays as the
/// user wrote it, so the core's "unknown field" message shows the user's own spelling (and its
/// "did you mean").
fn snake_case(key: &str) -> String {
    if !key.bytes().any(|b| b.is_ascii_uppercase()) {
        return key.to_owned();
    }
    let renamed = renamed_snake_case(key);
    if meshauth::reference::OPTIONS.iter().any(|o| o.name == renamed) {
        renamed
    } else {
        key.to_owned()
    }
}

fn renamed_snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_camel_case_keys_of_config_objects_only() {
        let v = serde_json::json!({
            "jwksUrl": "u", "leeway_s": 1, "maxTokenAgeS": 2, "allowInsecureHttp": true,
            "issuers": [{"jwksUrl": "x", "jwks": {"keys": [{"keyOps": 1}]}, "jwksAuth": {"clientId": "i"}}],
            "jwks": {"someMember": 1},
            "jwksAuth": {"clientId": "c", "privateKeyPem": "p"}
        });
        let n = snake_case_keys(v).unwrap();
        assert_eq!(n["jwks_url"], "u");
        assert_eq!(n["max_token_age_s"], 2);
        assert_eq!(n["allow_insecure_http"], true);
        assert_eq!(n["issuers"][0]["jwks_url"], "x");
        assert_eq!(n["issuers"][0]["jwks"]["keys"][0]["keyOps"], 1);
        assert_eq!(n["jwks"]["someMember"], 1);
        assert_eq!(n["jwks_auth"]["client_id"], "c");
        assert_eq!(n["jwks_auth"]["private_key_pem"], "p");
        assert_eq!(n["issuers"][0]["jwks_auth"]["client_id"], "i");
    }

    #[test]
    fn unknown_camel_case_keys_keep_the_users_spelling() {
        let n = snake_case_keys(serde_json::json!({"clientID": "c", "jwksURL": "u"})).unwrap();
        assert_eq!(n["clientID"], "c");
        assert_eq!(n["jwksURL"], "u");
        let e = config_from_options(serde_json::json!({"issuer": "i", "audience": "a", "jwksURL": "u"})).unwrap_err();
        assert!(e.message().contains("unknown field `jwksURL`: did you mean `jwks_url`?"), "{}", e.message());
    }

    #[test]
    fn whole_floats_become_integers() {
        let v = serde_json::json!({"a": 4294967296.0, "b": [1e15, 0.5, -2.0], "c": 1e300, "d": "7.0"});
        let n = whole_numbers_as_integers(v);
        assert_eq!(n.to_string(), r#"{"a":4294967296,"b":[1000000000000000,0.5,-2],"c":1e+300,"d":"7.0"}"#);
        let config = config_from_options(serde_json::json!({
            "issuer": "https://i.example", "audience": "a", "hmac_secret": "s".repeat(32),
            "max_token_age_s": 4294967296.0,
        }));
        assert!(config.is_err(), "the core alone refuses a float; the binding converts JS numbers first");
        let config = config_from_options(whole_numbers_as_integers(serde_json::json!({
            "issuer": "https://i.example", "audience": "a", "hmac_secret": "s".repeat(32),
            "max_token_age_s": 4294967296.0,
        })))
        .unwrap();
        assert_eq!(config.default_issuer.max_token_age_s, Some(4294967296));
    }

    #[test]
    fn both_forms_is_invalid_config() {
        let e = snake_case_keys(serde_json::json!({"jwks_url": "a", "jwksUrl": "b"})).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidConfig);
    }
}
