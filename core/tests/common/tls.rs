//! A loopback HTTPS server for the transport tests: a certificate for 127.0.0.1 / localhost
//! issued by a test CA (`tls/ca.pem`, valid until 2126), answering fixed JSON documents by path
//! and counting the requests it answered.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;

pub const CA_PEM: &str = include_str!("tls/ca.pem");
const SERVER_PEM: &str = include_str!("tls/server.pem");
const SERVER_KEY: &str = include_str!("tls/server.key");

pub struct TlsServer {
    /// `https://127.0.0.1:PORT`
    pub url: String,
    pub hits: Arc<AtomicUsize>,
    routes: Arc<Mutex<Vec<(String, Value)>>>,
}

impl TlsServer {
    pub fn start() -> TlsServer {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(SERVER_PEM.as_bytes()).collect::<Result<_, _>>().expect("cert");
        let key = PrivateKeyDer::from_pem_slice(SERVER_KEY.as_bytes()).expect("key");
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server config");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let hits = Arc::new(AtomicUsize::new(0));
        let routes: Arc<Mutex<Vec<(String, Value)>>> = Arc::new(Mutex::new(Vec::new()));
        let (h, r) = (hits.clone(), routes.clone());
        // The accept loop ends with the test process.
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (config, hits, routes) = (config.clone(), h.clone(), r.clone());
                thread::spawn(move || {
                    let Ok(conn) = rustls::ServerConnection::new(config) else { return };
                    let mut tls = rustls::StreamOwned::new(conn, stream);
                    let mut reader = BufReader::new(&mut tls);
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).is_err() {
                        return; // e.g. the client refused the certificate
                    }
                    loop {
                        let mut line = String::new();
                        match reader.read_line(&mut line) {
                            Ok(0) | Err(_) => return,
                            Ok(_) if line == "\r\n" => break,
                            Ok(_) => {}
                        }
                    }
                    hits.fetch_add(1, Ordering::SeqCst);
                    let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
                    let doc = routes.lock().unwrap().iter().find(|(p, _)| *p == path).map(|(_, d)| d.clone());
                    let (status, body) = match doc {
                        Some(d) => ("200 OK", d.to_string()),
                        None => ("404 Not Found", "{}".to_owned()),
                    };
                    let answer = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = tls.write_all(answer.as_bytes());
                    let _ = tls.flush();
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                });
            }
        });
        TlsServer { url: format!("https://127.0.0.1:{port}"), hits, routes }
    }

    pub fn route(&self, path: &str, doc: Value) {
        let mut routes = self.routes.lock().unwrap();
        routes.retain(|(p, _)| p != path);
        routes.push((path.to_owned(), doc));
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}
