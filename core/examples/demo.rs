//! `make demo` (core part): start the development issuer, get a client-credentials token from it
//! over HTTP, validate it with meshauth through the issuer's discovery document and JWKS, print
//! the Principal; then show rejected tokens with their code, HTTP status and `WWW-Authenticate`.

use meshauth::{Request, Validator};
use meshauth_issuer::{Issuer, IssuerOptions, MintRequest};
use serde_json::{json, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let issuer = Issuer::start(IssuerOptions::default())?;
    println!("== development issuer listening on {}", issuer.url());

    // The `orders` service asks for its own token, meant for `inventory`.
    let form = "grant_type=client_credentials&audience=inventory&scope=inventory%3Aread";
    let mut resp = ureq::post(issuer.token_url())
        .header("Authorization", "Basic b3JkZXJzOm9yZGVycy1kZXYtc2VjcmV0") // orders:orders-dev-secret
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(form)?;
    let body: Value = serde_json::from_slice(&resp.body_mut().read_to_vec()?)?;
    let token = body["access_token"].as_str().ok_or("no access_token")?.to_owned();
    println!("== client `orders` got a client-credentials token (expires_in {})", body["expires_in"]);

    // The `inventory` service validates incoming calls, keys found by OIDC discovery.
    let inventory = Validator::from_json(
        &json!({"issuer": issuer.issuer(), "audience": "inventory", "discovery": true,
                "allowed_clients": ["orders"], "required_scopes": ["inventory:read"]})
        .to_string(),
    )?;
    let request = Request::new().header("Authorization", format!("Bearer {token}"));
    let principal = inventory.authenticate(&request)?;
    println!("== inventory accepted the call; Principal:");
    let mut shown: Value = serde_json::from_str(&principal.to_json())?;
    shown["token"] = json!(format!("{}…", &token[..24]));
    println!("{}", serde_json::to_string_pretty(&shown)?);

    println!("== rejected requests (code, status, WWW-Authenticate):");
    let billing = Validator::from_json(
        &json!({"issuer": issuer.issuer(), "audience": "billing", "jwks_url": issuer.jwks_url()}).to_string(),
    )?;
    let expired = issuer.mint(&MintRequest::new(json!({"sub": "alice", "aud": "inventory", "exp": 1_700_000_000})))?;
    let mut forged_req = MintRequest::new(json!({"sub": "mallory", "aud": "inventory"}));
    forged_req.tamper = Some("signature".into());
    let forged = issuer.mint(&forged_req)?;
    let cases: Vec<(&str, &Validator, Request)> = vec![
        ("the orders token at billing (not registered for it)", &billing, request.clone()),
        ("an expired user token", &inventory, Request::new().header("Authorization", format!("Bearer {expired}"))),
        ("a forged user token", &inventory, Request::new().header("Authorization", format!("Bearer {forged}"))),
        ("no token at all", &inventory, Request::new()),
        ("two Authorization headers", &inventory, request.clone().header("authorization", format!("Bearer {token}"))),
    ];
    for (what, validator, req) in cases {
        let err = validator.authenticate(&req).expect_err("must be refused");
        println!(
            "  {what}:\n    {} → HTTP {}, WWW-Authenticate: {}",
            err.code(),
            err.http_status().map_or("-".into(), |s| s.to_string()),
            err.www_authenticate().unwrap_or_else(|| "-".into())
        );
    }
    println!("== done; stopping the issuer");
    Ok(())
}
