//! Pulling the token out of an HTTP request (docs/README.md step 1; `invalid_request` in docs/errors.md).
//!
//! Rules, strict by design:
//! - `Authorization` headers are matched case-insensitively; two of them are `invalid_request`.
//! - Optional whitespace (SP, HTAB) around the header value is not part of it (RFC 9110 §5.5) and
//!   is stripped first; whitespace inside the value stays refused.
//! - The scheme `Bearer` is matched case-insensitively, followed by one or more spaces and an
//!   RFC 6750 `b64token` (`[A-Za-z0-9-._~+/]+=*`); anything else after `Bearer` (nothing, a second
//!   token, a comma) is `invalid_request`. Another scheme (`Basic …`) is not a bearer credential
//!   and is ignored.
//! - With `cookie_name` configured, that cookie carries the token. Cookies are the explicit list
//!   when the caller gives one, else they are parsed from the `Cookie` header(s). The name twice,
//!   an empty value, or a value that is not one RFC 6750 `b64token` (`a,b`, `a b`), is
//!   `invalid_request`.
//! - A token in both the header and the cookie is `invalid_request`; neither is `no_credentials`.

use crate::error::{Error, ErrorCode, Result};

/// An incoming request, as the framework hands it over. Its JSON form (used by the C ABI and the
/// corpus) is `{"headers": [["name", "value"], …], "cookies": [["name", "value"], …] | null}`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Header (name, value) pairs in arrival order; duplicates kept.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Parsed cookies (name, value) when the framework already parsed them. `None` parses the
    /// `Cookie` headers instead.
    #[serde(default)]
    pub cookies: Option<Vec<(String, String)>>,
}

impl Request {
    pub fn new() -> Self {
        Request::default()
    }

    /// Parse the JSON form. Malformed JSON is `invalid_request`.
    pub fn from_json(text: &str) -> Result<Request> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| invalid_request(&format!("request JSON: {e}")))?;
        if !value.is_object() {
            return Err(invalid_request("request JSON: expected an object with headers and cookies"));
        }
        serde_json::from_value(value).map_err(|e| invalid_request(&format!("request JSON: {e}")))
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn cookie(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.cookies.get_or_insert_with(Vec::new).push((name.into(), value.into()));
        self
    }
}

fn invalid_request(msg: &str) -> Error {
    Error::new(ErrorCode::InvalidRequest, msg)
}

fn is_b64token(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
}

/// The bearer token of one `Authorization` header value; `Ok(None)` for another scheme.
fn bearer_from_header(value: &str) -> Result<Option<&str>> {
    // RFC 9110 §5.5: leading and trailing whitespace (SP, HTAB) is not part of a field value.
    let value = value.trim_matches([' ', '\t']);
    let (scheme, rest) = match value.find(' ') {
        Some(i) => (&value[..i], &value[i..]),
        None => (value, ""),
    };
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    let token = rest.trim_start_matches(' ');
    if token.is_empty() {
        return Err(invalid_request("Authorization: Bearer without a token"));
    }
    if !is_b64token(token) {
        return Err(invalid_request("Authorization: Bearer value is not a single b64token"));
    }
    Ok(Some(token))
}

/// Parse a `Cookie` header value (RFC 6265 §5.4: `name=value` pairs separated by `;`).
fn parse_cookie_header(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value.split(';').filter_map(|pair| {
        let pair = pair.trim();
        let (name, value) = pair.split_once('=')?;
        let value = value.trim();
        let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
        Some((name.trim(), value))
    })
}

/// The token carried by `req`, following the rules above.
pub fn extract_token<'r>(req: &'r Request, cookie_name: Option<&str>) -> Result<&'r str> {
    let mut header_token = None;
    let mut authorization_headers = 0;
    for (name, value) in &req.headers {
        if name.eq_ignore_ascii_case("authorization") {
            authorization_headers += 1;
            if authorization_headers > 1 {
                return Err(invalid_request("more than one Authorization header"));
            }
            header_token = bearer_from_header(value)?;
        }
    }

    let mut cookie_token = None;
    if let Some(wanted) = cookie_name {
        let mut found = 0;
        let mut consider = |name: &str, value: &'r str| -> Result<()> {
            if name == wanted {
                found += 1;
                if found > 1 {
                    return Err(invalid_request("the token cookie appears more than once"));
                }
                if value.is_empty() {
                    return Err(invalid_request("the token cookie is empty"));
                }
                // Like the header: one b64token, never a list ("a,b") or anything with spaces.
                if !is_b64token(value) {
                    return Err(invalid_request("the token cookie does not hold a single token"));
                }
                cookie_token = Some(value);
            }
            Ok(())
        };
        match &req.cookies {
            Some(cookies) => {
                for (name, value) in cookies {
                    consider(name, value)?;
                }
            }
            None => {
                for (name, value) in &req.headers {
                    if name.eq_ignore_ascii_case("cookie") {
                        for (n, v) in parse_cookie_header(value) {
                            consider(n, v)?;
                        }
                    }
                }
            }
        }
    }

    match (header_token, cookie_token) {
        (Some(_), Some(_)) => Err(invalid_request("a token in both the Authorization header and the cookie")),
        (Some(t), None) | (None, Some(t)) => Ok(t),
        (None, None) => Err(Error::new(ErrorCode::NoCredentials, "no bearer token in the request")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<&str>) -> &'static str {
        r.map(|_| "ok").unwrap_or_else(|e| e.code().as_str())
    }

    #[test]
    fn header_rules() {
        let req = Request::new().header("authorization", "bearer abc.def-_~+/=");
        assert_eq!(extract_token(&req, None).unwrap(), "abc.def-_~+/=");
        assert_eq!(code(extract_token(&Request::new().header("Authorization", "Bearer"), None)), "invalid_request");
        assert_eq!(code(extract_token(&Request::new().header("Authorization", "Bearer   "), None)), "invalid_request");
        assert_eq!(code(extract_token(&Request::new().header("Authorization", "Bearer a b"), None)), "invalid_request");
        assert_eq!(code(extract_token(&Request::new().header("Authorization", "Bearer a,b"), None)), "invalid_request");
        assert_eq!(
            extract_token(&Request::new().header("Authorization", " \tBearer a.b.c \t "), None).unwrap(),
            "a.b.c"
        );
        assert_eq!(
            code(extract_token(&Request::new().header("Authorization", " Bearer a\tb "), None)),
            "invalid_request"
        );
        assert_eq!(code(extract_token(&Request::new().header("Authorization", "Basic Zm9vOmJhcg=="), None)), "no_credentials");
        let two = Request::new().header("Authorization", "Bearer a").header("AUTHORIZATION", "Bearer a");
        assert_eq!(code(extract_token(&two, None)), "invalid_request");
        assert_eq!(code(extract_token(&Request::new(), None)), "no_credentials");
    }

    #[test]
    fn request_json_must_be_an_object() {
        assert_eq!(Request::from_json("[]").unwrap_err().code(), ErrorCode::InvalidRequest);
        assert_eq!(Request::from_json("{\"headers\": {}}").unwrap_err().code(), ErrorCode::InvalidRequest);
        let r = Request::from_json(r#"{"headers": [["Authorization", "Bearer x"]], "cookies": null}"#).unwrap();
        assert_eq!(extract_token(&r, None).unwrap(), "x");
    }

    #[test]
    fn cookie_rules() {
        let c = Some("at");
        let req = Request::new().header("Cookie", "x=1; at=tok; y=2");
        assert_eq!(extract_token(&req, c).unwrap(), "tok");
        assert_eq!(code(extract_token(&req, None)), "no_credentials");
        let twice = Request::new().header("Cookie", "at=a").header("Cookie", "at=b");
        assert_eq!(code(extract_token(&twice, c)), "invalid_request");
        let both = Request::new().header("Authorization", "Bearer a").cookie("at", "b");
        assert_eq!(code(extract_token(&both, c)), "invalid_request");
        assert_eq!(extract_token(&Request::new().cookie("at", "v"), c).unwrap(), "v");
        assert_eq!(code(extract_token(&Request::new().cookie("at", ""), c)), "invalid_request");
        assert_eq!(code(extract_token(&Request::new().header("Cookie", "at=a,b"), c)), "invalid_request");
        assert_eq!(code(extract_token(&Request::new().cookie("at", "a b"), c)), "invalid_request");
    }
}
