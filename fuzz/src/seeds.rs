//! Seed corpora, built from `testdata/` (the conformance corpus and its keys): every token,
//! request, key set and PEM the corpus holds, and the headers and payloads of its tokens. Discovery
//! documents and token responses, which the corpus does not hold, are built around its values.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

const CORPUS: &str = include_str!("../../testdata/corpus.json");
const KEY_FILES: [&str; 6] = [
    include_str!("../../testdata/keys/rsa-a.pem"),
    include_str!("../../testdata/keys/ec-p256.pem"),
    include_str!("../../testdata/keys/ec-p384.pem"),
    include_str!("../../testdata/keys/ed25519.pem"),
    include_str!("../../testdata/keys/rsa-b.pem"),
    include_str!("../../testdata/keys/rsa-attacker.pem"),
];

fn cases() -> Vec<Value> {
    let corpus: Value = serde_json::from_str(CORPUS).expect("testdata/corpus.json is JSON");
    corpus["cases"].as_array().expect("cases").clone()
}

/// The corpus case called `name`.
pub fn corpus_case(name: &str) -> Value {
    cases().into_iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no corpus case {name}"))
}

/// Every token of the corpus: the `token` of a case, and the bearer tokens of its requests.
fn tokens() -> Vec<String> {
    let mut out = Vec::new();
    for case in cases() {
        if let Some(t) = case["token"].as_str() {
            out.push(t.to_owned());
        }
        for header in case["request"]["headers"].as_array().into_iter().flatten() {
            if let Some(v) = header[1].as_str() {
                if let Some((_, t)) = v.trim().split_once(' ') {
                    out.push(t.trim().to_owned());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn configs() -> Vec<Value> {
    let mut out = Vec::new();
    for case in cases() {
        out.push(case["config"].clone());
        for issuer in case["config"]["issuers"].as_array().into_iter().flatten() {
            out.push(issuer.clone());
        }
    }
    out
}

fn strings(values: impl IntoIterator<Item = String>) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = values.into_iter().map(String::into_bytes).collect();
    out.sort();
    out.dedup();
    out
}

/// The seed inputs of target `name`.
pub fn seeds(name: &str) -> Vec<Vec<u8>> {
    match name {
        "validate" => strings(tokens()),
        "strict_json" => {
            let mut out = Vec::new();
            for t in tokens() {
                for segment in t.split('.').take(2) {
                    if let Ok(bytes) = URL_SAFE_NO_PAD.decode(segment) {
                        out.push(bytes);
                    }
                }
            }
            out.sort();
            out.dedup();
            out
        }
        "jwks" => strings(configs().iter().filter_map(|c| match &c["jwks"] {
            Value::String(s) => Some(s.clone()),
            Value::Object(_) => Some(c["jwks"].to_string()),
            _ => None,
        })),
        "request" => strings(cases().iter().filter(|c| c["request"].is_object()).map(|c| c["request"].to_string())),
        "discovery" => {
            let iss = "https://issuer.example";
            let docs = [
                json!({"issuer": iss, "jwks_uri": format!("{iss}/jwks"), "token_endpoint": format!("{iss}/token")}),
                json!({"issuer": format!("{iss}/"), "jwks_uri": format!("{iss}/jwks")}),
                json!({"issuer": iss, "jwks_uri": "http://idp.example/jwks"}),
                json!({"issuer": iss, "jwks_uri": "http://127.0.0.1:8400/jwks"}),
                json!({"issuer": iss}),
                json!({"issuer": iss, "jwks_uri": 12}),
                json!({"issuer": "https://evil.example", "jwks_uri": format!("{iss}/jwks")}),
                json!([iss]),
            ];
            strings(docs.iter().map(Value::to_string))
        }
        "token_response" => {
            let token = tokens().into_iter().next().unwrap_or_default();
            let bodies = [
                (0u8, json!({"access_token": token, "token_type": "Bearer", "expires_in": 300, "scope": "a b"})),
                (
                    8,
                    json!({"access_token": token, "token_type": "N_A", "expires_in": "120",
                           "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}),
                ),
                (0, json!({"access_token": "", "token_type": "Bearer"})),
                (0, json!({"access_token": token, "token_type": 1, "expires_in": 1e300})),
                (1, json!({"error": "invalid_client", "error_description": "no such client"})),
                (3, json!({"error": 5})),
                (5, json!({})),
            ];
            let mut out: Vec<Vec<u8>> = bodies
                .iter()
                .map(|(status, body)| {
                    let mut v = vec![*status];
                    v.extend_from_slice(body.to_string().as_bytes());
                    v
                })
                .collect();
            out.push(b"\x00not json".to_vec());
            out
        }
        "pem" => {
            let mut pems: Vec<String> = configs().iter().filter_map(|c| c["pem"].as_str().map(str::to_owned)).collect();
            pems.extend(KEY_FILES.iter().map(|k| k.to_string()));
            strings(pems)
        }
        "differential" => {
            // Every corpus header and payload, its times moved so that the tokens are valid by the
            // real clock (jsonwebtoken reads the system time): `header NUL payload`.
            let mut out = Vec::new();
            for t in tokens() {
                let mut parts = t.split('.').map(|s| URL_SAFE_NO_PAD.decode(s).ok());
                let (Some(Some(header)), Some(Some(payload))) = (parts.next(), parts.next()) else { continue };
                let payload = match serde_json::from_slice::<Value>(&payload) {
                    Ok(Value::Object(mut claims)) => {
                        if claims.get("exp").is_some_and(Value::is_number) {
                            claims.insert("exp".into(), json!(4_102_444_800u64));
                        }
                        Value::Object(claims).to_string().into_bytes()
                    }
                    _ => payload,
                };
                let mut seed = header;
                seed.push(0);
                seed.extend_from_slice(&payload);
                out.push(seed);
            }
            out.sort();
            out.dedup();
            out
        }
        other => panic!("unknown fuzz target {other}"),
    }
}
