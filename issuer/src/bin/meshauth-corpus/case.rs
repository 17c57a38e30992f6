//! One corpus case and its expected outcome, written from the specification (never by calling
//! the core): the Principal is derived from the claims by the rules of DESIGN §1 step 6, the
//! error fields from the catalogue of DESIGN §4.

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::context::NOW;

/// A case as it appears in `corpus.json` (fields serialise in this order).
#[derive(Serialize)]
pub struct Case {
    pub name: String,
    pub description: String,
    pub config: Value,
    pub now: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Value>,
    pub expect: Expect,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum Expect {
    Ok { ok: bool, principal: PrincipalFields, claims: Box<RawValue> },
    Err { ok: bool, code: &'static str, status: Option<u16>, www_authenticate: Option<String> },
}

/// The Principal fields a runner compares (every listed field must be equal).
#[derive(Serialize)]
pub struct PrincipalFields {
    pub subject: Option<String>,
    pub issuer: String,
    pub audiences: Vec<String>,
    /// Omitted only where the exact integer is not meaningful (an `exp` beyond 64 bits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    pub issued_at: Option<i64>,
    pub not_before: Option<i64>,
    pub jwt_id: Option<String>,
    pub client_id: Option<String>,
    pub scopes: Vec<String>,
    pub roles: Vec<String>,
    pub is_client: bool,
}

/// The error catalogue rows the corpus needs: (code, status, RFC 6750 error, description).
const ERRORS: &[(&str, Option<u16>, Option<&str>, &str)] = &[
    ("no_credentials", Some(401), None, ""),
    ("invalid_request", Some(400), Some("invalid_request"), "malformed or ambiguous credentials in the request"),
    ("token_too_large", Some(401), Some("invalid_token"), "the access token is too large"),
    ("malformed_token", Some(401), Some("invalid_token"), "the access token is malformed"),
    ("unsupported_token", Some(401), Some("invalid_token"), "the access token uses an unsupported format"),
    ("algorithm_not_allowed", Some(401), Some("invalid_token"), "the token's signing algorithm is not allowed"),
    ("key_not_found", Some(401), Some("invalid_token"), "no key to verify the token"),
    ("invalid_signature", Some(401), Some("invalid_token"), "the token signature is invalid"),
    ("invalid_claim", Some(401), Some("invalid_token"), "a token claim is invalid"),
    ("missing_claim", Some(401), Some("invalid_token"), "a required token claim is missing"),
    ("token_expired", Some(401), Some("invalid_token"), "the access token expired"),
    ("token_not_yet_valid", Some(401), Some("invalid_token"), "the access token is not yet valid"),
    ("invalid_issuer", Some(401), Some("invalid_token"), "the token issuer is not trusted"),
    ("invalid_audience", Some(401), Some("invalid_token"), "the token is not meant for this service"),
    ("invalid_token_type", Some(401), Some("invalid_token"), "the token type is not accepted"),
    ("insufficient_scope", Some(403), Some("insufficient_scope"), "the token lacks a required scope"),
    ("caller_not_allowed", Some(403), None, ""),
    ("invalid_config", None, None, ""),
];

impl Expect {
    /// The expected failure `code` (not `insufficient_scope`: see [`Expect::insufficient_scope`]).
    pub fn error(code: &str) -> Expect {
        let (code, status, bearer_error, description) =
            *ERRORS.iter().find(|r| r.0 == code).unwrap_or_else(|| panic!("unknown code {code}"));
        let www_authenticate = match (code, bearer_error) {
            ("no_credentials", _) => Some("Bearer".to_owned()),
            (_, Some(err)) => Some(format!("Bearer error=\"{err}\", error_description=\"{description}\"")),
            (_, None) => None,
        };
        Expect::Err { ok: false, code, status, www_authenticate }
    }

    /// `insufficient_scope` naming the scopes the configuration requires.
    pub fn insufficient_scope(required: &[&str]) -> Expect {
        let mut e = Expect::error("insufficient_scope");
        if let Expect::Err { www_authenticate: Some(w), .. } = &mut e {
            w.push_str(&format!(", scope=\"{}\"", required.join(" ")));
        }
        e
    }

    /// Success with the Principal the specification derives from the payload text.
    pub fn ok(payload: &str, roles_claim: Option<&str>) -> Expect {
        let claims: Value = serde_json::from_str(payload).expect("a positive case has a JSON payload");
        let principal = principal_from_claims(&claims, roles_claim.unwrap_or("roles"));
        Expect::Ok { ok: true, principal, claims: RawValue::from_string(payload.to_owned()).expect("JSON") }
    }
}

fn string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

fn floor(v: Option<&Value>) -> Option<i64> {
    v.and_then(Value::as_f64).map(|f| f.floor() as i64)
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// DESIGN §1 step 6, as specified for the corpus.
fn principal_from_claims(claims: &Value, roles_claim: &str) -> PrincipalFields {
    let subject = string(claims.get("sub"));
    let client_id = string(claims.get("client_id")).or_else(|| string(claims.get("azp")));
    let scopes = match (claims.get("scope"), claims.get("scp")) {
        (Some(Value::String(s)), _) => s.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        (_, Some(v @ Value::Array(_))) => strings(v),
        _ => Vec::new(),
    };
    let mut roles_value = Some(claims);
    for part in roles_claim.split('.') {
        roles_value = roles_value.and_then(|v| v.get(part));
    }
    let exp = claims.get("exp").and_then(Value::as_f64).expect("a positive case has a numeric exp");
    PrincipalFields {
        is_client: client_id.is_some() && (subject.is_none() || subject == client_id),
        subject,
        issuer: string(claims.get("iss")).expect("a positive case has iss"),
        audiences: claims.get("aud").map(strings).unwrap_or_default(),
        expires_at: (exp.abs() < 9.0e18).then(|| exp.floor() as i64),
        issued_at: floor(claims.get("iat")),
        not_before: floor(claims.get("nbf")),
        jwt_id: string(claims.get("jti")),
        client_id,
        scopes,
        roles: roles_value.map(strings).unwrap_or_default(),
    }
}

impl Case {
    /// A `validate_at(token, NOW)` case.
    pub fn token(name: &str, description: &str, config: Value, token: String, expect: Expect) -> Case {
        Case {
            name: name.to_owned(),
            description: description.to_owned(),
            config,
            now: NOW,
            token: Some(token),
            request: None,
            expect,
        }
    }

    /// An `authenticate_at(request, NOW)` case; `headers` as (name, value) pairs.
    pub fn request(
        name: &str,
        description: &str,
        config: Value,
        headers: &[(&str, &str)],
        cookies: Option<&[(&str, &str)]>,
        expect: Expect,
    ) -> Case {
        let headers: Vec<Value> = headers.iter().map(|(n, v)| json!([n, v])).collect();
        let cookies = cookies.map(|c| c.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>());
        Case {
            name: name.to_owned(),
            description: description.to_owned(),
            config,
            now: NOW,
            token: None,
            request: Some(json!({ "headers": headers, "cookies": cookies })),
            expect,
        }
    }

    pub fn at(mut self, now: i64) -> Case {
        self.now = now;
        self
    }
}

/// The payload JSON text of a compact token.
pub fn payload_of(token: &str) -> String {
    let seg = token.split('.').nth(1).expect("a compact token");
    String::from_utf8(meshauth_issuer::b64::decode(seg).expect("base64url")).expect("UTF-8")
}
