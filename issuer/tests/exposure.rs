//! The development issuer is reachable only by whom it is meant for: loopback binds, loopback
//! `Host` names (DNS rebinding), `/dev/*` only when asked for, bounded lifetimes.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use common::*;
use meshauth_issuer::{Issuer, IssuerOptions};
use serde_json::json;

/// A raw HTTP/1.1 request with the given `Host` header; the status code.
fn status_with_host(url: &str, method: &str, path: &str, host: Option<&str>) -> u16 {
    let addr = url.strip_prefix("http://").unwrap();
    let mut conn = TcpStream::connect(addr).unwrap();
    let host_line = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    let body = if method == "POST" { "{}" } else { "" };
    write!(
        conn,
        "{method} {path} HTTP/1.1\r\n{host_line}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}

#[test]
fn dev_endpoints_are_off_unless_asked_for() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    for path in ["/dev/mint", "/dev/rotate"] {
        let r = post_json(&format!("{}{path}", issuer.url()), &json!({"claims": {"sub": "x"}}));
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert!(r.body.contains("--dev-endpoints"), "the answer names the flag: {}", r.body);
    }
    assert_eq!(get(&format!("{}/health", issuer.url())).status, 200, "the rest is served");
    let on = start();
    assert_eq!(post_json(&format!("{}/dev/mint", on.url()), &json!({"claims": {}})).status, 200);
}

#[test]
fn only_loopback_host_names_are_answered() {
    let issuer = start();
    let port = issuer.url().rsplit(':').next().unwrap().to_owned();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "LOCALHOST".into(),
        format!("[::1]:{port}"),
        "127.8.9.10".into(),
    ] {
        assert_eq!(status_with_host(issuer.url(), "GET", "/jwks", Some(&host)), 200, "{host}");
    }
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".into(),
        "127.0.0.1.attacker.example".into(),
        "localhost.attacker.example".into(),
        "[::1]x".into(),
        "10.0.0.1".into(),
    ] {
        for (method, path) in [("GET", "/jwks"), ("POST", "/dev/mint"), ("POST", "/token")] {
            assert_eq!(status_with_host(issuer.url(), method, path, Some(&host)), 421, "{host} {path}");
        }
    }
    // With --insecure-expose every Host is answered.
    let exposed = Issuer::start(IssuerOptions { insecure_expose: true, ..IssuerOptions::default() }).unwrap();
    assert_eq!(status_with_host(exposed.url(), "GET", "/jwks", Some("attacker.example")), 200);
}

#[test]
fn non_loopback_binds_and_unbounded_lifetimes_are_refused() {
    for host in ["0.0.0.0", "::", "192.0.2.1"] {
        let e = Issuer::start(IssuerOptions { host: host.into(), ..IssuerOptions::default() }).err().unwrap();
        assert!(e.0.contains("--insecure-expose"), "{host}: {e}");
    }
    for ttl in [0, u64::MAX, meshauth_issuer::server::MAX_TOKEN_TTL_S + 1] {
        let e = Issuer::start(IssuerOptions { token_ttl_s: ttl, ..IssuerOptions::default() }).err().unwrap();
        assert!(e.0.contains("--token-ttl-s"), "{ttl}: {e}");
    }
    // The CLI refuses too, and says why.
    let out = Command::new(env!("CARGO_BIN_EXE_meshauth-issuer"))
        .args(["--host", "0.0.0.0", "--port", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--insecure-expose"));
    let out = Command::new(env!("CARGO_BIN_EXE_meshauth-issuer")).args(["--dev-endpoints=yes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn mint_lifetimes_are_bounded_and_the_server_survives_extremes() {
    let issuer = start();
    let url = format!("{}/dev/mint", issuer.url());
    for ttl in [i64::MAX, i64::MIN, meshauth_issuer::mint::MAX_TTL_S + 1] {
        for _ in 0..4 {
            let r = post_json(&url, &json!({"claims": {"sub": "x"}, "ttl_s": ttl}));
            assert_eq!((r.status, r.json()["error"].as_str()), (400, Some("invalid_request")), "{ttl}");
        }
    }
    let r = post_json(&url, &json!({"claims": {"sub": "x"}, "ttl_s": -3600}));
    assert_eq!(r.status, 200, "an expired token on purpose: {}", r.body);
    assert_eq!(get(&format!("{}/health", issuer.url())).status, 200, "still serving");
}

#[test]
fn the_cli_serves_dev_endpoints_only_with_the_flag() {
    for (args, expected) in [(vec![], 404), (vec!["--dev-endpoints"], 200)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_meshauth-issuer"))
            .args(["--port", "0"])
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim_end().strip_prefix("meshauth-issuer listening on ").unwrap().to_owned();
        let r = post_json(&format!("{url}/dev/mint"), &json!({"claims": {"sub": "x"}}));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(r.status, expected, "{args:?}: {}", r.body);
    }
}
