//! Property tests (proptest): what holds for every input, not only for the corpus's.
//!
//! - any change to a valid token's bytes (a byte replaced, inserted or removed) is refused;
//! - non-canonical base64url (unused trailing bits set, padding, the standard alphabet) is refused;
//! - a Principal round-trips through its JSON;
//! - header/cookie extraction never accepts two tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use meshauth::extract::extract_token;
use meshauth::{ErrorCode, Principal, Request, Validator};
use meshauth_issuer::{sign_json, Algorithm, SigningKey};
use proptest::prelude::*;
use serde_json::{json, Value};

const NOW: i64 = 1_767_225_600;
const ISS: &str = "https://issuer.example";

fn ed_key() -> SigningKey {
    let pem = include_str!("../../testdata/keys/ed25519.pem");
    SigningKey::from_pkcs8_pem(Algorithm::EdDSA, "ed", pem).expect("the corpus Ed25519 key")
}

fn setup() -> (Validator, String) {
    let key = ed_key();
    let config = json!({"issuer": ISS, "audience": "orders", "jwks": {"keys": [key.public_jwk()]}});
    let validator = Validator::from_json(&config.to_string()).expect("valid configuration");
    let claims = json!({"iss": ISS, "sub": "alice", "aud": "orders", "exp": NOW + 3600, "scope": "a b"});
    let token = sign_json(&key, &json!({"alg": "EdDSA", "kid": "ed", "typ": "at+jwt"}), &claims).expect("signs");
    validator.validate_at(&token, NOW).expect("the unmodified token is valid");
    (validator, token)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_changed_byte_is_refused(index in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let (validator, token) = setup();
        let mut bytes = token.clone().into_bytes();
        let i = index.index(bytes.len());
        prop_assume!(bytes[i] != byte);
        bytes[i] = byte;
        prop_assert!(validator.validate_bytes_at(&bytes, NOW).is_err());
    }

    #[test]
    fn any_inserted_or_removed_byte_is_refused(index in any::<prop::sample::Index>(), byte in any::<u8>(), insert in any::<bool>()) {
        let (validator, token) = setup();
        let mut bytes = token.into_bytes();
        let i = index.index(bytes.len());
        if insert {
            bytes.insert(i, byte);
        } else {
            bytes.remove(i);
        }
        prop_assert!(validator.validate_bytes_at(&bytes, NOW).is_err());
    }

    #[test]
    fn non_canonical_base64url_is_refused(data in prop::collection::vec(any::<u8>(), 1..64), bits in 1u8..16) {
        let canonical = URL_SAFE_NO_PAD.encode(&data);
        prop_assert_eq!(meshauth::jws::b64url_decode(&canonical), Some(data.clone()));
        // The unused low bits of the last character (2 bits when len % 3 == 2, 4 when 1).
        let unused = match data.len() % 3 { 1 => 4u32, 2 => 2, _ => 0 };
        if unused > 0 {
            let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let last = canonical.as_bytes()[canonical.len() - 1];
            let value = alphabet.iter().position(|&c| c == last).expect("alphabet") as u8;
            let changed = value | (bits & ((1 << unused) - 1) as u8);
            prop_assume!(changed != value);
            let mut text = canonical.clone().into_bytes();
            *text.last_mut().expect("non-empty") = alphabet[usize::from(changed)];
            prop_assert_eq!(meshauth::jws::b64url_decode(std::str::from_utf8(&text).expect("ASCII")), None);
        }
        // Padding and the standard alphabet are never base64url (RFC 7515 §2).
        let padded = base64::engine::general_purpose::URL_SAFE.encode(&data);
        if padded != canonical {
            prop_assert_eq!(meshauth::jws::b64url_decode(&padded), None);
        }
        let standard = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&data);
        if standard != canonical {
            prop_assert_eq!(meshauth::jws::b64url_decode(&standard), None);
        }
    }

    #[test]
    fn a_principal_round_trips_through_its_json(
        subject in proptest::option::of(".*"),
        issuer in ".*",
        audiences in prop::collection::vec(".*", 0..4),
        expires_at in any::<i64>(),
        issued_at in proptest::option::of(any::<i64>()),
        client_id in proptest::option::of("[a-z0-9_-]{0,12}"),
        scopes in prop::collection::vec("[a-z:]{1,8}", 0..5),
        is_client in any::<bool>(),
        extra in prop::collection::btree_map("[a-z]{1,6}", any::<i64>(), 0..5),
        token in "[A-Za-z0-9_.-]{0,40}",
    ) {
        let mut claims = serde_json::Map::new();
        claims.insert("iss".into(), Value::String(issuer.clone()));
        for (k, v) in extra {
            claims.insert(k, json!(v));
        }
        let p = Principal {
            subject, issuer, audiences, expires_at, issued_at, not_before: None, jwt_id: None, client_id, scopes,
            roles: vec!["admin".into()], is_client, claims: Value::Object(claims).to_string(), token,
        };
        let text = p.to_json();
        let back = Principal::from_json(&text).expect("its own JSON");
        prop_assert_eq!(back.to_json(), text);
        prop_assert_eq!(back.claims_json(), p.claims_json());
        prop_assert_eq!(back.subject, p.subject);
        prop_assert_eq!(back.expires_at, p.expires_at);
    }

    #[test]
    fn extraction_never_accepts_two_tokens(
        headers in prop::collection::vec((header_name(), header_value()), 0..4),
        cookies in proptest::option::of(prop::collection::vec((prop::sample::select(vec!["at", "x", "AT"]), "[a-z.]{0,6}"), 0..3)),
        cookie_name in proptest::option::of(Just("at")),
    ) {
        let req = Request { headers: headers.iter().map(|(n, v)| (n.to_string(), v.clone())).collect(), cookies: cookies.map(|c| c.into_iter().map(|(n, v)| (n.to_owned(), v)).collect()) };
        if let Ok(token) = extract_token(&req, cookie_name) {
            prop_assert!(!token.is_empty());
            prop_assert!(!token.contains([' ', '\t', ',', ';']), "{:?} from {:?}", token, req);
            // Exactly one place carried a credential: one Authorization header, or one token cookie.
            let authorization = req.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("authorization")).count();
            let bearer = req.headers.iter().filter(|(n, v)| {
                n.eq_ignore_ascii_case("authorization")
                    && v.trim_matches([' ', '\t']).split(' ').next().is_some_and(|s| s.eq_ignore_ascii_case("bearer"))
            }).count();
            let cookie_hits = match (&cookie_name, &req.cookies) {
                (None, _) => 0,
                (Some(c), Some(list)) => list.iter().filter(|(n, _)| n == c).count(),
                (Some(c), None) => req.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
                    .flat_map(|(_, v)| v.split(';')).filter(|p| p.trim().split_once('=').is_some_and(|(n, _)| n.trim() == *c)).count(),
            };
            prop_assert!(authorization <= 1);
            prop_assert_eq!(bearer + cookie_hits, 1, "{:?}", req);
        }
    }
}

fn header_name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["Authorization", "authorization", "Cookie", "X-Other"])
}

fn header_value() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "Bearer", "bearer", "Basic", " ", "  ", "\t", "a.b.c", "tok", "x=1", "at=", "at=v.w", ";", ",", "=", "\"",
    ]);
    prop::collection::vec(piece, 0..6).prop_map(|p| p.concat())
}

#[test]
fn a_changed_token_is_refused_with_a_token_error() {
    // A fixed example of the first property, with the code a user sees.
    let (validator, token) = setup();
    let mut bytes = token.into_bytes();
    let last = bytes.len() - 1;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    let e = validator.validate_bytes_at(&bytes, NOW).unwrap_err();
    assert!(matches!(e.code(), ErrorCode::InvalidSignature | ErrorCode::MalformedToken), "{:?}", e.code());
}
