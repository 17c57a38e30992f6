//! meshauth against `jsonwebtoken` (see `meshauth_fuzz::differential`): tokens `jsonwebtoken`
//! produced verify in meshauth, and a property test compares verdicts on generated headers and
//! claims; every divergence must be explained by the reviewed allow-list, and every entry of the
//! allow-list is shown to be needed by one example.

use jsonwebtoken::{encode, EncodingKey, Header};
use meshauth::Validator;
use meshauth_fuzz::differential::{compare, Verdict, AUD, ISS, MESHAUTH_ONLY, STRICTER};
use proptest::prelude::*;
use serde_json::{json, Value};

#[test]
fn tokens_signed_by_jsonwebtoken_verify_in_meshauth() {
    // An independent implementation signs; meshauth verifies (each algorithm family).
    let now = meshauth::now();
    let claims = json!({"iss": ISS, "aud": AUD, "sub": "alice", "exp": now + 600, "iat": now});
    let rsa = include_str!("../../testdata/keys/rsa-a.pem");
    let ec = include_str!("../../testdata/keys/ec-p256.pem");
    let ed = include_str!("../../testdata/keys/ed25519.pem");
    let cases = [
        (
            jsonwebtoken::Algorithm::RS256,
            EncodingKey::from_rsa_pem(rsa.as_bytes()),
            meshauth_issuer::Algorithm::RS256,
            rsa,
        ),
        (
            jsonwebtoken::Algorithm::PS256,
            EncodingKey::from_rsa_pem(rsa.as_bytes()),
            meshauth_issuer::Algorithm::PS256,
            rsa,
        ),
        (
            jsonwebtoken::Algorithm::ES256,
            EncodingKey::from_ec_pem(ec.as_bytes()),
            meshauth_issuer::Algorithm::ES256,
            ec,
        ),
        (
            jsonwebtoken::Algorithm::EdDSA,
            EncodingKey::from_ed_pem(ed.as_bytes()),
            meshauth_issuer::Algorithm::EdDSA,
            ed,
        ),
    ];
    for (alg, key, ours, pem) in cases {
        let key = key.expect("the corpus key");
        let mut header = Header::new(alg);
        header.kid = Some("k".into());
        let token = encode(&header, &claims, &key).expect("jsonwebtoken signs");
        let mut jwk = meshauth_issuer::SigningKey::from_pkcs8_pem(ours, "k", pem).expect("key").public_jwk();
        jwk.as_object_mut().expect("jwk").remove("alg");
        let config = json!({"issuer": ISS, "audience": AUD, "jwks": {"keys": [jwk]}});
        let v = Validator::from_json(&config.to_string()).expect("config");
        let p = v.validate_at(&token, now).unwrap_or_else(|e| panic!("{alg:?}: {} {}", e.code(), e.message()));
        assert_eq!(p.subject.as_deref(), Some("alice"));
    }
}

#[test]
fn every_allow_list_entry_is_needed() {
    // One token per entry, showing the divergence it explains (an entry nothing needs is dead).
    let now = meshauth::now();
    let h = |extra: &str| format!(r#"{{"alg":"EdDSA","kid":"ed25519"{extra}}}"#).into_bytes();
    let p = |extra: &str| format!(r#"{{"iss":"{ISS}","aud":"{AUD}","exp":{}{extra}}}"#, now + 600).into_bytes();
    let examples: Vec<(Vec<u8>, Vec<u8>, Verdict)> = vec![
        (h(""), p(r#","x":1,"x":2"#), Verdict::Stricter(0)),
        (h(r#","typ":"dpop+jwt""#), p(""), Verdict::Stricter(1)),
        (h(""), p(r#","sub":5"#), Verdict::Stricter(2)),
        (h(""), p(r#","sub":"admin\u0000x""#), Verdict::Stricter(3)),
        (br#"{"alg":"EdDSA","kid":"other"}"#.to_vec(), p(""), Verdict::Stricter(4)),
        (h(r#","typ":"JWT","cty":5"#), p(""), Verdict::MeshauthOnly(1)),
        (h(""), p(r#","nbf":-1"#), Verdict::MeshauthOnly(0)),
    ];
    assert_eq!(examples.len() + 1, STRICTER.len() + MESHAUTH_ONLY.len());
    // `exp` exactly now − leeway: the clock must not tick between signing and both verdicts.
    let boundary = (0..5)
        .find_map(|_| {
            let start = meshauth::now();
            let payload = format!(r#"{{"iss":"{ISS}","aud":"{AUD}","exp":{}}}"#, start - 60);
            let got = compare(&h(""), payload.as_bytes());
            (meshauth::now() == start).then_some(got)
        })
        .expect("a quiet second");
    assert_eq!(boundary, Verdict::Stricter(5));
    let mut wrong = Vec::new();
    for (header, payload, want) in examples {
        let got = compare(&header, &payload);
        if got != want {
            wrong.push(format!(
                "{} / {}: {got:?}, expected {want:?}",
                String::from_utf8_lossy(&header),
                String::from_utf8_lossy(&payload)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(compare(&h(""), &p("")), Verdict::Agree);
    // Where the two agree although one might expect otherwise: both refuse an unknown `crit` and
    // a lone-surrogate escape, both accept a fractional `exp`.
    assert_eq!(compare(&h(r#","crit":["exp"],"exp":1"#), &p("")), Verdict::Agree);
    assert_eq!(compare(&h(""), &p(r#","x":"\ud800""#)), Verdict::Agree);
}

#[test]
fn the_allow_list_is_reviewed_text() {
    for d in STRICTER {
        assert!(d.what.len() > 10 && d.reason.len() > 30, "{}", d.what);
    }
    for (what, why, _) in MESHAUTH_ONLY {
        assert!(what.len() > 10 && why.len() > 30, "{what}");
    }
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(null)),
        Just(json!(5)),
        Just(json!("x")),
        Just(json!(["x"])),
        Just(json!({"a": 1})),
        Just(json!("admin\u{0}x")),
    ]
}

fn time(now: i64) -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(json!(now + 3600))),
        Just(Some(json!(now - 60))),
        Just(Some(json!(now - 59))),
        Just(Some(json!(now - 61))),
        Just(Some(json!(now + 61))),
        Just(Some(json!((now + 3600) as f64 + 0.5))),
        Just(Some(json!(-1))),
        Just(Some(json!("soon"))),
        Just(Some(json!(1e300))),
    ]
}

prop_compose! {
    fn header()(typ in proptest::option::of(prop::sample::select(vec!["JWT", "at+jwt", "application/at+jwt", "dpop+jwt", "jwt"])),
                kid in prop::sample::select(vec!["ed25519", "other"]),
                crit in any::<bool>(),
                dup in any::<bool>()) -> Vec<u8> {
        let mut h = serde_json::Map::new();
        h.insert("alg".into(), json!("EdDSA"));
        h.insert("kid".into(), json!(kid));
        if let Some(t) = typ { h.insert("typ".into(), json!(t)); }
        if crit { h.insert("crit".into(), json!(["exp"])); h.insert("exp".into(), json!(1)); }
        let mut text = Value::Object(h).to_string();
        if dup { text.insert_str(1, r#""kid":"x","#); }
        text.into_bytes()
    }
}

prop_compose! {
    fn payload(now: i64)(
        iss in prop_oneof![Just(Some(json!(ISS))), Just(None), Just(Some(json!("https://evil.example"))), Just(Some(json!([ISS]))), Just(Some(json!(format!("{ISS}\u{0}"))))],
        aud in prop_oneof![Just(Some(json!(AUD))), Just(Some(json!([AUD, "x"]))), Just(Some(json!("billing"))), Just(None), Just(Some(json!([5])))],
        exp in time(now), nbf in time(now), iat in time(now),
        sub in proptest::option::of(value()), extra in proptest::option::of(("[a-z]{1,8}", value())),
        client_id in proptest::option::of(value()),
    ) -> Vec<u8> {
        let mut c = serde_json::Map::new();
        for (name, v) in [("iss", iss), ("aud", aud), ("exp", exp), ("nbf", nbf), ("iat", iat), ("sub", sub), ("client_id", client_id)] {
            if let Some(v) = v { c.insert(name.into(), v); }
        }
        if let Some((k, v)) = extra { c.insert(k, v); }
        Value::Object(c).to_string().into_bytes()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn verdicts_agree_or_the_divergence_is_allow_listed(header in header(), payload in payload(meshauth::now())) {
        compare(&header, &payload);
    }
}
