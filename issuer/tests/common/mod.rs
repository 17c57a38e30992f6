//! Helpers shared by the issuer's HTTP tests: a loopback ureq agent, form posts, JWS decoding and
//! verification against a JWKS.
#![allow(dead_code)]

use aws_lc_rs::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use meshauth_issuer::{Issuer, IssuerOptions, RunningIssuer};
use serde_json::Value;

pub fn start() -> RunningIssuer {
    Issuer::start(IssuerOptions::default()).expect("the issuer starts")
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(ureq::config::Config::builder().http_status_as_error(false).build())
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut resp = result.expect("HTTP exchange");
    let headers =
        resp.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())).collect();
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().expect("body");
    Reply { status, headers, body }
}

pub fn get(url: &str) -> Reply {
    reply(agent().get(url).call())
}

pub fn post_json(url: &str, body: &Value) -> Reply {
    reply(agent().post(url).content_type("application/json").send(body.to_string()))
}

pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// POST /token with form fields and optional Basic credentials.
pub fn token(issuer: &RunningIssuer, basic_auth: Option<(&str, &str)>, form: &[(&str, &str)]) -> Reply {
    let mut req = agent().post(issuer.token_url());
    if let Some((id, secret)) = basic_auth {
        req = req.header("Authorization", basic(id, secret));
    }
    reply(req.send_form(form.iter().copied()))
}

pub fn segments(token: &str) -> (Value, Value, Vec<u8>, String) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "compact JWS");
    let decode = |s: &str| URL_SAFE_NO_PAD.decode(s).expect("base64url");
    (
        serde_json::from_slice(&decode(parts[0])).expect("header JSON"),
        serde_json::from_slice(&decode(parts[1])).expect("payload JSON"),
        decode(parts[2]),
        format!("{}.{}", parts[0], parts[1]),
    )
}

/// Verify a compact JWS with aws-lc-rs against the JWK of the JWKS named by its `kid`.
pub fn verify_with_jwks(token: &str, jwks: &Value) -> Result<Value, String> {
    let (header, payload, sig, input) = segments(token);
    let kid = header["kid"].as_str().ok_or("no kid")?;
    let jwk = jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == kid).ok_or("kid not in the JWKS")?;
    assert_eq!(jwk["alg"], header["alg"], "the JWK's alg matches the header's");
    assert_eq!(jwk["use"], "sig");
    let b = |name: &str| URL_SAFE_NO_PAD.decode(jwk[name].as_str().expect("member")).expect("base64url");
    let ok = match header["alg"].as_str().unwrap() {
        "RS256" => RsaPublicKeyComponents { n: b("n"), e: b("e") }
            .verify(&signature::RSA_PKCS1_2048_8192_SHA256, input.as_bytes(), &sig)
            .is_ok(),
        "ES256" => {
            let mut point = vec![4u8];
            point.extend(b("x"));
            point.extend(b("y"));
            assert_eq!(sig.len(), 64, "ES256 signatures are raw R||S");
            UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point).verify(input.as_bytes(), &sig).is_ok()
        }
        "EdDSA" => UnparsedPublicKey::new(&signature::ED25519, b("x")).verify(input.as_bytes(), &sig).is_ok(),
        other => return Err(format!("unexpected alg {other}")),
    };
    if ok {
        Ok(payload)
    } else {
        Err("signature does not verify".into())
    }
}

/// The grant types and token types of the exchange flows.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
pub const JWT_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The orders service's dev credentials.
pub const ORDERS: Option<(&str, &str)> = Some(("orders", "orders-dev-secret"));

/// POST /token with form fields and an optional raw `Authorization` header value.
pub fn token_with(issuer: &RunningIssuer, authorization: Option<&str>, form: &[(&str, &str)]) -> Reply {
    let mut req = agent().post(issuer.token_url());
    if let Some(value) = authorization {
        req = req.header("Authorization", value);
    }
    reply(req.send_form(form.iter().copied()))
}

/// `(status, error code)` of an error answer; the description must be a non-empty string.
pub fn error_of(r: &Reply) -> (u16, String) {
    let body = r.json();
    assert!(body["error_description"].as_str().is_some_and(|d| !d.is_empty()), "an error_description: {}", r.body);
    (r.status, body["error"].as_str().unwrap_or_else(|| panic!("no error: {}", r.body)).to_owned())
}

/// The `error_description` of an error answer.
pub fn description(r: &Reply) -> String {
    r.json()["error_description"].as_str().unwrap_or_default().to_owned()
}

/// A token minted over HTTP (`POST /dev/mint`).
pub fn mint_http(issuer: &RunningIssuer, request: &Value) -> String {
    let r = post_json(&format!("{}/dev/mint", issuer.url()), request);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["token"].as_str().unwrap().to_owned()
}

/// A client-credentials access token (HTTP Basic).
pub fn client_token(issuer: &RunningIssuer, id: &str, secret: &str) -> String {
    let r = token(issuer, Some((id, secret)), &[("grant_type", "client_credentials")]);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["access_token"].as_str().unwrap().to_owned()
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The committed private key of the dev registry's `signed-client`.
pub fn signed_client_key() -> meshauth_issuer::SigningKey {
    let pem = include_str!("../../dev-keys/signed-client.pem");
    meshauth_issuer::SigningKey::from_pkcs8_pem(meshauth_issuer::Algorithm::EdDSA, "", pem).unwrap()
}

/// A `private_key_jwt` client assertion: `iss` = `sub` = `client_id`, `aud`, `exp` = now + 60, a
/// random `jti`; `overrides` replace or (with `null`) remove claims.
pub fn client_assertion(key: &meshauth_issuer::SigningKey, client_id: &str, aud: &str, overrides: Value) -> String {
    let now = now();
    let mut claims = serde_json::json!({
        "iss": client_id, "sub": client_id, "aud": aud, "iat": now, "exp": now + 60,
        "jti": format!("jti-{}-{}", now, std::process::id()) + &random_suffix(),
    });
    for (k, v) in overrides.as_object().cloned().unwrap_or_default() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(&k);
        } else {
            claims[k] = v;
        }
    }
    meshauth_issuer::sign_json(key, &serde_json::json!({"typ": "JWT"}), &claims).unwrap()
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 12];
    aws_lc_rs::rand::fill(&mut bytes).unwrap();
    URL_SAFE_NO_PAD.encode(bytes)
}
