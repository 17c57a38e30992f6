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
