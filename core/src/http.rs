//! Outgoing HTTP for key sources, discovery and token endpoints: `ureq` with a total deadline, a
//! body cap, no redirects, and `https` only — except loopback hosts (127.0.0.0/8, ::1, localhost),
//! or anything when `allow_insecure_http` is set explicitly.
//!
//! Server certificates are checked against the built-in web PKI roots, or — with the
//! `ca_bundle_pem` option, for an internal PKI — against the CA certificates it holds instead
//! (those CAs only: the built-in roots are then not trusted).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// Why a URL is refused by the transport policy.
pub fn check_url(url: &str, allow_insecure_http: bool) -> Result<(), String> {
    let uri: http::Uri = url.parse().map_err(|_| format!("{url:?} is not a valid URL"))?;
    let host = uri.host().ok_or_else(|| format!("{url:?} has no host"))?;
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if allow_insecure_http || is_loopback(host) => Ok(()),
        Some("http") => Err(format!(
            "{url:?} is plain http to a non-loopback host; use https (or allow_insecure_http: true)"
        )),
        _ => Err(format!("{url:?} must be an https URL")),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A small HTTP client with meshauth's transport policy.
pub struct HttpClient {
    agent: ureq::Agent,
    max_body: u64,
    allow_insecure_http: bool,
    timeout: Duration,
}

/// The trust anchors of a `ca_bundle_pem`: every `CERTIFICATE` block, each a valid CA
/// certificate. Anything else in the text (a private key, no certificate at all) is refused.
pub fn parse_ca_bundle(pem: &str) -> Result<ureq::tls::RootCerts, String> {
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(pem.as_bytes()) {
        match item.map_err(|_| "ca_bundle_pem: not valid PEM".to_owned())? {
            ureq::tls::PemItem::Certificate(cert) => certs.push(cert),
            _ => return Err("ca_bundle_pem must hold CA certificates only (it holds a private key)".into()),
        }
    }
    if certs.is_empty() {
        return Err("ca_bundle_pem holds no PEM CERTIFICATE block".into());
    }
    let mut store = rustls::RootCertStore::empty();
    for (i, cert) in certs.iter().enumerate() {
        store
            .add(rustls::pki_types::CertificateDer::from(cert.der().to_vec()))
            .map_err(|e| format!("ca_bundle_pem: certificate {} is not usable as a trust anchor: {e}", i + 1))?;
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

impl HttpClient {
    /// A client with the given total timeout per request and body cap, trusting the CAs of
    /// `ca_bundle_pem` (see [`parse_ca_bundle`]) when given, else the built-in web PKI roots.
    pub fn with_ca_bundle(
        timeout: Duration,
        max_body: u64,
        allow_insecure_http: bool,
        ca_bundle_pem: Option<&str>,
    ) -> Result<HttpClient, String> {
        let roots = ca_bundle_pem.map(parse_ca_bundle).transpose()?;
        Ok(HttpClient::with_roots(timeout, max_body, allow_insecure_http, roots))
    }

    fn with_roots(timeout: Duration, max_body: u64, allow_insecure_http: bool, roots: Option<ureq::tls::RootCerts>) -> HttpClient {
        let mut tls = ureq::tls::TlsConfig::builder()
            .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
        if let Some(roots) = roots {
            tls = tls.root_certs(roots);
        }
        let tls = tls.build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .http_status_as_error(false)
            .tls_config(tls)
            .user_agent(concat!("meshauth/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        HttpClient { agent, max_body, allow_insecure_http, timeout }
    }

    pub fn allows_insecure_http(&self) -> bool {
        self.allow_insecure_http
    }

    /// GET `url` and parse its JSON body. Any failure is a readable reason (never a body dump).
    /// It also ends by `deadline` when that is sooner than the client's own timeout.
    pub fn get_json_until(&self, url: &str, bearer: Option<&str>, deadline: Option<Instant>) -> Result<Value, String> {
        check_url(url, self.allow_insecure_http)?;
        let mut req = self.agent.get(url).header("Accept", "application/json");
        if let Some(deadline) = deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("GET {url}: no time left before the deadline"));
            }
            if left < self.timeout {
                req = req.config().timeout_global(Some(left)).build();
            }
        }
        if let Some(token) = bearer {
            req = req.header("Authorization", format!("Bearer {token}"));
        }
        let (status, body) = self.answer("GET", url, req.call())?;
        if status != 200 {
            return Err(format!("GET {url}: HTTP {status}"));
        }
        serde_json::from_slice(&body).map_err(|e| format!("GET {url}: the body is not JSON: {e}"))
    }

    /// POST an `application/x-www-form-urlencoded` body; answers the status and the (capped) body
    /// whatever the status, so OAuth error responses can be read.
    pub fn post_form(&self, url: &str, form: &[(&str, String)], authorization: Option<&str>) -> Result<(u16, Vec<u8>), String> {
        check_url(url, self.allow_insecure_http)?;
        let mut req = self.agent.post(url).header("Accept", "application/json");
        if let Some(value) = authorization {
            req = req.header("Authorization", value);
        }
        self.answer("POST", url, req.send_form(form.iter().map(|(k, v)| (*k, v.as_str()))))
    }

    /// Status and body of a response: redirects refused, the body read up to the cap.
    fn answer(
        &self,
        verb: &str,
        url: &str,
        response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<(u16, Vec<u8>), String> {
        let mut resp = response.map_err(|e| format!("{verb} {url}: {e}"))?;
        let status = resp.status().as_u16();
        if (300..400).contains(&status) {
            return Err(format!("{verb} {url}: answered a redirect ({status}), which is not followed"));
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(self.max_body)
            .read_to_vec()
            .map_err(|e| format!("{verb} {url}: reading the body: {e}"))?;
        Ok((status, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_policy() {
        assert!(check_url("https://idp.example/jwks", false).is_ok());
        assert!(check_url("http://127.0.0.1:8080/jwks", false).is_ok());
        assert!(check_url("http://127.9.9.9/jwks", false).is_ok());
        assert!(check_url("http://[::1]:80/jwks", false).is_ok());
        assert!(check_url("http://localhost/jwks", false).is_ok());
        assert!(check_url("http://idp.example/jwks", false).is_err());
        assert!(check_url("http://10.0.0.1/jwks", false).is_err());
        assert!(check_url("http://idp.example/jwks", true).is_ok());
        assert!(check_url("ftp://idp.example/jwks", true).is_err());
        assert!(check_url("not a url", false).is_err());
    }
}
