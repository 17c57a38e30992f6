//! The `meshauth-issuer` binary: the one stdout line, a real port, serving until killed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

#[test]
fn prints_one_line_with_the_real_port_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_meshauth-issuer"))
        .args(["--port", "0", "--token-ttl-s", "60"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line.trim_end().strip_prefix("meshauth-issuer listening on ").unwrap_or_else(|| panic!("line {line:?}"));
    let port: u16 = url.strip_prefix("http://127.0.0.1:").expect("loopback").parse().expect("a port");
    assert_ne!(port, 0);

    // stdin is closed (null) and it still serves.
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("ok"));

    child.kill().unwrap();
    child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "exactly one line on stdout");
}

#[test]
fn refuses_bad_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_meshauth-issuer")).args(["--port", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let out =
        Command::new(env!("CARGO_BIN_EXE_meshauth-issuer")).args(["--clients", "/nonexistent.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// A `--clients FILE` registry can use every field: a `private_key_jwt` client with exchange
/// grants, `exchange_audiences` and `exchange_scopes`.
#[test]
fn a_registry_file_with_keys_and_exchange_grants() {
    use meshauth_issuer::{sign_json, Algorithm, SigningKey};
    use serde_json::json;

    let key = SigningKey::generate(Algorithm::ES256, "").unwrap();
    let registry = json!({"clients": [{
        "client_id": "edge", "jwks": {"keys": [key.public_jwk()]}, "audiences": ["inventory"],
        "grants": ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
        "exchange_audiences": ["partner-api"], "exchange_scopes": ["partner:orders:read"]
    }]});
    let path = std::env::temp_dir().join(format!("meshauth-issuer-clients-{}.json", std::process::id()));
    std::fs::write(&path, registry.to_string()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_meshauth-issuer"))
        .args(["--port", "0", "--clients"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim_end().strip_prefix("meshauth-issuer listening on ").unwrap().to_owned();
    let agent = ureq::Agent::new_with_config(ureq::config::Config::builder().http_status_as_error(false).build());

    let mut minted = agent
        .post(format!("{url}/dev/mint"))
        .content_type("application/json")
        .send(json!({"claims": {"sub": "alice", "aud": "edge"}}).to_string())
        .unwrap();
    let minted: serde_json::Value = serde_json::from_str(&minted.body_mut().read_to_string().unwrap()).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let assertion = sign_json(
        &key,
        &json!({}),
        &json!({"iss": "edge", "sub": "edge", "aud": format!("{url}/token"), "exp": now + 60, "jti": "cli-1"}),
    )
    .unwrap();
    let mut answer = agent
        .post(format!("{url}/token"))
        .send_form([
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", minted["token"].as_str().unwrap()),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", &assertion),
        ])
        .unwrap();
    let status = answer.status().as_u16();
    let body = answer.body_mut().read_to_string().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(status, 200, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["scope"], "partner:orders:read");

    // A registry with a private key in it is refused at start (exit code 2).
    let private = json!({"clients": [{"client_id": "x", "jwks": {"keys": [{"kty": "OKP", "crv": "Ed25519",
        "x": "nFeXPQPrg-DncdNTHy9syMPGvLqwkA08a6M7N2as1gw", "d": "nFeXPQPrg-DncdNTHy9syMPGvLqwkA08a6M7N2as1gw"}]}}]});
    std::fs::write(&path, private.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_meshauth-issuer")).arg("--clients").arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("private member"));
}
