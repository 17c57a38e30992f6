//! The shared conformance corpus (testdata/corpus.json, testdata/README.md) run through the Rust API.
//!
//! Every case is run and every failure collected, so one run lists all disagreements.

use std::collections::BTreeMap;
use std::path::PathBuf;

use meshauth::{Config, Request, Validator};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

#[derive(Deserialize)]
struct Corpus {
    format: u32,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    config: Value,
    now: i64,
    token: Option<String>,
    request: Option<Box<RawValue>>,
    expect: Expect,
}

#[derive(Deserialize)]
struct Expect {
    ok: bool,
    // success
    principal: Option<serde_json::Map<String, Value>>,
    claims: Option<Box<RawValue>>,
    // failure
    code: Option<String>,
    status: Option<u16>,
    www_authenticate: Option<String>,
}

fn corpus_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus.json")
}

/// Exact JSON equality: objects compared as maps (member order free), arrays element-wise,
/// strings after unescaping, and every other scalar (numbers, true/false/null) by its text, so
/// integers beyond 2^53 or 2^64 are compared exactly.
fn json_eq_exact(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(b'{'), Some(b'{')) => {
            let (Ok(x), Ok(y)) = (
                serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(a),
                serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(b),
            ) else {
                return false;
            };
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq_exact(v.get(), w.get())))
        }
        (Some(b'['), Some(b'[')) => {
            let (Ok(x), Ok(y)) =
                (serde_json::from_str::<Vec<Box<RawValue>>>(a), serde_json::from_str::<Vec<Box<RawValue>>>(b))
            else {
                return false;
            };
            x.len() == y.len() && x.iter().zip(&y).all(|(v, w)| json_eq_exact(v.get(), w.get()))
        }
        (Some(b'"'), Some(b'"')) => {
            serde_json::from_str::<String>(a).ok().is_some_and(|x| serde_json::from_str::<String>(b).ok() == Some(x))
        }
        _ => a == b,
    }
}

/// Run one case; `Err` describes the disagreement.
fn run(case: &Case) -> Result<(), String> {
    let built = Config::from_value(case.config.clone()).and_then(Validator::new);
    let expect = &case.expect;
    // An invalid configuration must be refused when the validator is built, never later.
    match (&built, expect.code.as_deref()) {
        (Ok(_), Some("invalid_config")) => {
            return Err("expected the configuration to be refused at construction".into())
        }
        (Err(e), code) if code != Some("invalid_config") => {
            return Err(format!("the configuration was refused: {} ({})", e.code(), e.message()))
        }
        _ => {}
    }
    let outcome = match built {
        Err(e) => Err(e),
        Ok(validator) => match (&case.token, &case.request) {
            (Some(token), None) => validator.validate_at(token, case.now),
            (None, Some(request)) => {
                let request = Request::from_json(request.get()).map_err(|e| format!("request JSON: {e}"))?;
                validator.authenticate_at(&request, case.now)
            }
            _ => return Err("a case needs exactly one of token / request".into()),
        },
    };
    match (outcome, expect.ok) {
        (Ok(principal), true) => {
            let got: Value = serde_json::from_str(&principal.to_json()).map_err(|e| format!("to_json: {e}"))?;
            let mut diffs = Vec::new();
            for (field, want) in expect.principal.iter().flatten() {
                let have = got.get(field).unwrap_or(&Value::Null);
                if have != want {
                    diffs.push(format!("{field}: expected {want}, got {have}"));
                }
            }
            if let Some(token) = &case.token {
                if &principal.token != token {
                    diffs.push("token: the Principal does not carry the validated token".to_owned());
                }
            }
            if let Some(claims) = &expect.claims {
                if !json_eq_exact(claims.get(), principal.claims_json()) {
                    diffs.push(format!("claims: expected {}, got {}", claims.get(), principal.claims_json()));
                }
            }
            if diffs.is_empty() {
                Ok(())
            } else {
                Err(diffs.join("; "))
            }
        }
        (Ok(_), false) => Err(format!("expected {}, got a Principal", expect.code.as_deref().unwrap_or("?"))),
        (Err(e), true) => Err(format!("expected success, got {} ({})", e.code(), e.message())),
        (Err(e), false) => {
            let mut diffs = Vec::new();
            if Some(e.code().as_str()) != expect.code.as_deref() {
                diffs.push(format!("code: expected {:?}, got {} ({})", expect.code, e.code(), e.message()));
            }
            if e.http_status() != expect.status {
                diffs.push(format!("status: expected {:?}, got {:?}", expect.status, e.http_status()));
            }
            if e.www_authenticate() != expect.www_authenticate {
                diffs.push(format!(
                    "www_authenticate: expected {:?}, got {:?}",
                    expect.www_authenticate,
                    e.www_authenticate()
                ));
            }
            if diffs.is_empty() {
                Ok(())
            } else {
                Err(diffs.join("; "))
            }
        }
    }
}

#[test]
fn corpus() {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let corpus: Corpus = serde_json::from_str(&text).expect("corpus.json parses");
    assert_eq!(corpus.format, 1, "unknown corpus format");
    assert!(corpus.cases.len() >= 70, "the corpus is unexpectedly small");

    let mut failures = Vec::new();
    for case in &corpus.cases {
        // A panic in the core is a failure of that case, not the end of the run.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(case))) {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failures.push(format!("{}: {why}", case.name)),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                failures.push(format!("{}: panicked: {msg}", case.name));
            }
        }
    }
    println!("corpus: {} cases", corpus.cases.len());
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n  {}",
        failures.len(),
        corpus.cases.len(),
        failures.join("\n  ")
    );
}

#[test]
fn exact_json_comparison() {
    assert!(json_eq_exact(
        r#"{"a":12345678901234567890123,"b":[1,"x"]}"#,
        r#"{ "b": [1, "x"], "a": 12345678901234567890123 }"#
    ));
    assert!(!json_eq_exact(r#"{"a":12345678901234567890123}"#, r#"{"a":12345678901234567890124}"#));
    assert!(!json_eq_exact(r#"{"a":1}"#, r#"{"a":1,"b":2}"#));
    assert!(json_eq_exact(r#""\u00fc""#, "\"ü\""));
}
