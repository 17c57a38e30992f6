//! Differential testing against `jsonwebtoken`, the JWT crate most Rust services would otherwise
//! use: the same token (signed here with the corpus's Ed25519 key, so that header and claims are
//! what varies), the same key, the equivalent policy — issuer, audience, `exp` required, `nbf`
//! checked, 60 s leeway, EdDSA only — and the two verdicts compared.
//!
//! meshauth is the stricter of the two:
//! - a token meshauth accepts, `jsonwebtoken` accepts, except for the cases in
//!   [`MESHAUTH_ONLY`] (NumericDates outside u64, header members meshauth does not use);
//! - a token `jsonwebtoken` accepts and meshauth refuses is explained by one entry of the reviewed
//!   allow-list [`STRICTER`], each with its reason. Anything else is a finding (a panic).

use std::sync::OnceLock;

use meshauth::{ErrorCode, Validator};
use meshauth_issuer::{Algorithm, SigningKey};
use serde_json::Value;

pub const ISS: &str = "https://issuer.example";
pub const AUD: &str = "orders";

/// One reviewed reason why meshauth refuses a token `jsonwebtoken` accepts.
pub struct Divergence {
    /// The meshauth error code it answers with.
    pub code: ErrorCode,
    /// What the token has.
    pub what: &'static str,
    /// Why refusing it is right.
    pub reason: &'static str,
    /// Whether this entry explains the token (header and payload JSON text, parsed leniently).
    pub applies: fn(&Token) -> bool,
}

/// A token under comparison: its parts as `jsonwebtoken` (lenient serde_json) reads them.
pub struct Token {
    pub compact: String,
    pub header: Option<Value>,
    pub claims: Option<Value>,
    pub header_text: Vec<u8>,
    pub payload_text: Vec<u8>,
    pub now: i64,
}

fn claim<'a>(t: &'a Token, name: &str) -> Option<&'a Value> {
    t.claims.as_ref()?.get(name)
}

fn has_control(v: Option<&Value>) -> bool {
    v.and_then(Value::as_str).is_some_and(|s| s.chars().any(char::is_control))
}

/// Whether `text` has a duplicate member name or nesting deeper than meshauth's 32 (what the
/// strict reader refuses and serde_json, keeping the last value, does not).
fn not_strict_json(text: &[u8]) -> bool {
    meshauth::fuzzing::strict_json(text).is_err() && serde_json::from_slice::<Value>(text).is_ok()
}

/// Whether an allow-list entry explains a token.
pub type Applies = fn(&Token) -> bool;

/// The reviewed allow-list: tokens `jsonwebtoken` accepts and meshauth refuses.
pub const STRICTER: &[Divergence] = &[
    Divergence {
        code: ErrorCode::MalformedToken,
        what: "a duplicate member name, or nesting deeper than 32, in the header or the payload",
        reason: "RFC 7515 §5.2 / RFC 8725 §3.4: with duplicates, readers disagree on the claims (serde_json keeps \
                 the last value); meshauth refuses, so every reader sees the same claims",
        applies: |t| not_strict_json(&t.header_text) || not_strict_json(&t.payload_text),
    },
    Divergence {
        code: ErrorCode::InvalidTokenType,
        what: "a `typ` other than absent, `JWT` or `at+jwt`",
        reason: "RFC 8725 §3.11 explicit typing: another type (e.g. `dpop+jwt`) is a different kind of JWT; \
                 jsonwebtoken ignores `typ`",
        applies: |t| {
            t.header.as_ref().and_then(|h| h.get("typ")).is_some_and(|typ| {
                !typ.as_str().is_some_and(|s| {
                    let s = s.to_ascii_lowercase();
                    let s = s.strip_prefix("application/").unwrap_or(&s).to_owned();
                    s == "jwt" || s == "at+jwt"
                })
            })
        },
    },
    Divergence {
        code: ErrorCode::InvalidClaim,
        what: "a registered claim of the wrong JSON type that jsonwebtoken does not read (`sub`, `jti`, `iat`, \
               `client_id`, `azp`, `scope`, `scp`, `roles`, `aud` members), or `iss` as an array",
        reason: "RFC 7519 §4.1 defines each type; a service reading `sub` as a string must not get a number. \
                 jsonwebtoken checks only exp, nbf, iss and aud, and accepts an `iss` array",
        applies: |t| {
            let str_or_absent = |n: &str| claim(t, n).is_none_or(Value::is_string);
            let num_or_absent = |n: &str| claim(t, n).is_none_or(Value::is_number);
            let strings = |v: Option<&Value>, single: bool| match v {
                None => true,
                Some(Value::String(_)) => single,
                Some(Value::Array(a)) => a.iter().all(Value::is_string),
                _ => false,
            };
            !(str_or_absent("sub")
                && str_or_absent("jti")
                && str_or_absent("iss")
                && str_or_absent("client_id")
                && str_or_absent("azp")
                && str_or_absent("scope")
                && num_or_absent("iat")
                && num_or_absent("exp")
                && num_or_absent("nbf")
                && strings(claim(t, "scp"), false)
                && strings(claim(t, "roles"), true)
                && strings(claim(t, "aud"), true))
        },
    },
    Divergence {
        code: ErrorCode::InvalidClaim,
        what: "a control character in `iss`, `sub`, `client_id` or `azp`",
        reason: "a NUL cuts the value short for a C caller (`admin\\u0000…` read as `admin`); line breaks and \
                 escapes forge logs. jsonwebtoken compares `iss` only",
        applies: |t| ["iss", "sub", "client_id", "azp"].iter().any(|n| has_control(claim(t, n))),
    },
    Divergence {
        code: ErrorCode::KeyNotFound,
        what: "a `kid` naming no key of the key set",
        reason: "meshauth selects the key by `kid` (RFC 7515 §4.1.4) and never verifies with a key the token does \
                 not name; jsonwebtoken is handed one decoding key and ignores `kid`",
        applies: |t| t.header.as_ref().and_then(|h| h.get("kid")) != Some(&Value::from("ed25519")),
    },
    Divergence {
        code: ErrorCode::TokenExpired,
        what: "`exp` exactly now − leeway",
        reason: "RFC 7519 §4.1.4: the token MUST NOT be accepted on or after `exp`; jsonwebtoken still accepts \
                 it during that second",
        applies: |t| claim(t, "exp").and_then(Value::as_f64) == Some((t.now - 60) as f64),
    },
];

/// Tokens meshauth accepts and `jsonwebtoken` refuses, each with its reason. (Both refuse a
/// `crit` they do not understand and a lone-surrogate escape; both accept a fractional `exp`.)
pub const MESHAUTH_ONLY: &[(&str, &str, Applies)] = &[
    (
        "`exp` or `nbf` a JSON number outside the unsigned 64-bit integers (negative, or 1e300)",
        "RFC 7519 §2: a NumericDate is any JSON number; a negative `nbf` is simply in the past and a huge `exp` \
         in the future (bound token age with max_token_age_s). jsonwebtoken reads exp and nbf as u64 only",
        |t| {
            ["exp", "nbf"].iter().any(|n| {
                claim(t, n).and_then(Value::as_f64).is_some_and(|v| !(0.0..18_446_744_073_709_551_616.0).contains(&v))
            })
        },
    ),
    (
        "a header member of a type `jsonwebtoken`'s Header cannot hold (e.g. `cty: 5`)",
        "RFC 7515 §4.1 leaves unused header parameters to the application; meshauth reads only the members it \
         uses (`alg`, `kid`, `typ`, `crit`, `b64`), jsonwebtoken deserialises all of them into a typed Header",
        |t| {
            t.header.as_ref().is_some_and(|h| {
                h.as_object().is_some_and(|m| {
                    m.iter().any(|(k, v)| match k.as_str() {
                        "typ" | "cty" | "kid" | "jku" | "x5u" | "x5t" | "x5t#S256" => !v.is_string() && !v.is_null(),
                        "x5c" | "crit" => !v.is_array(),
                        "jwk" => !v.is_object(),
                        _ => false,
                    })
                })
            })
        },
    ),
];

struct Fixture {
    key: SigningKey,
    meshauth: Validator,
    decoding: jsonwebtoken::DecodingKey,
    validation: jsonwebtoken::Validation,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let key =
            SigningKey::from_pkcs8_pem(Algorithm::EdDSA, "ed25519", include_str!("../../testdata/keys/ed25519.pem"))
                .expect("the corpus Ed25519 key");
        let jwk = key.public_jwk();
        let config =
            serde_json::json!({"issuer": ISS, "audience": AUD, "algorithms": ["EdDSA"], "jwks": {"keys": [jwk]}});
        let meshauth = Validator::from_json(&config.to_string()).expect("valid configuration");
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.public_jwk()).expect("a JWK jsonwebtoken reads");
        let decoding = jsonwebtoken::DecodingKey::from_jwk(&jwk).expect("an Ed25519 JWK");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
        validation.set_issuer(&[ISS]);
        validation.set_audience(&[AUD]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = 60;
        validation.validate_nbf = true;
        Fixture { key, meshauth, decoding, validation }
    })
}

/// How two verdicts relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Both accept or both refuse.
    Agree,
    /// `jsonwebtoken` accepts, meshauth refuses, explained by `STRICTER[i]`.
    Stricter(usize),
    /// meshauth accepts, `jsonwebtoken` refuses, explained by `MESHAUTH_ONLY[i]`.
    MeshauthOnly(usize),
}

/// The verdicts on one token, signed from `header` and `payload` (raw bytes, used as they are).
/// Panics on a divergence no allow-list entry explains.
pub fn compare(header: &[u8], payload: &[u8]) -> Verdict {
    let f = fixture();
    let compact = meshauth_issuer::sign_compact_bytes(&f.key, header, payload).expect("Ed25519 signs anything");
    // jsonwebtoken reads the system clock itself: both verdicts must fall in the same second.
    let (now, ours, theirs) = loop {
        let now = meshauth::now();
        let ours = f.meshauth.validate_at(&compact, now);
        let theirs = jsonwebtoken::decode::<Value>(&compact, &f.decoding, &f.validation);
        if meshauth::now() == now {
            break (now, ours, theirs);
        }
    };
    let token = Token {
        compact: compact.clone(),
        header: serde_json::from_slice(header).ok(),
        claims: serde_json::from_slice(payload).ok(),
        header_text: header.to_vec(),
        payload_text: payload.to_vec(),
        now,
    };
    match (&ours, &theirs) {
        (Ok(_), Err(e)) => {
            let explained = MESHAUTH_ONLY.iter().position(|(_, _, applies)| applies(&token));
            let i = explained
                .unwrap_or_else(|| panic!("meshauth accepts a token jsonwebtoken refuses ({e:?}): {}", token.compact));
            Verdict::MeshauthOnly(i)
        }
        (Err(e), Ok(_)) => {
            let explained = STRICTER.iter().position(|d| d.code == e.code() && (d.applies)(&token));
            let i = explained.unwrap_or_else(|| {
                panic!(
                    "jsonwebtoken accepts a token meshauth refuses with {} ({}), and no allow-list entry explains it: {}",
                    e.code(),
                    e.message(),
                    token.compact
                )
            });
            Verdict::Stricter(i)
        }
        _ => Verdict::Agree,
    }
}

/// The fuzz target: the input is `header NUL payload`; without a NUL, the whole input is the
/// payload under the header `{"alg":"EdDSA","kid":"ed25519"}`.
pub fn target(data: &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => compare(&data[..i], &data[i + 1..]),
        None => compare(br#"{"alg":"EdDSA","kid":"ed25519"}"#, data),
    };
}
