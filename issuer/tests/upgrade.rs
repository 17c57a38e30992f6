//! A POST that offers an h2c upgrade (Java's HTTP client, `curl --http2`) is answered over HTTP/1.1
//! instead of hanging while the server waits for the client to close.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use meshauth_issuer::{Issuer, IssuerOptions};

#[test]
fn token_request_with_an_h2c_upgrade_offer_is_answered() {
    let issuer = Issuer::start(IssuerOptions::default()).unwrap();
    let addr = issuer.url().trim_start_matches("http://").to_owned();
    let body = "grant_type=client_credentials";
    let mut s = TcpStream::connect(&addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "POST /token HTTP/1.1\r\nHost: {addr}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\
         HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\nAuthorization: Basic b3JkZXJzOm9yZGVycy1kZXYtc2VjcmV0\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = vec![0u8; 4096];
    let n = s.read(&mut answer).expect("an answer before the read timeout");
    let head = String::from_utf8_lossy(&answer[..n]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
}
