//! Configurations the validator must refuse at construction (`invalid_config`).

use meshauth_issuer::Algorithm;
use serde_json::json;

use crate::context::{claims, Ctx, AUD, ISS};

pub fn add(ctx: &mut Ctx) {
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims());
    let jwks = ctx.jwks_a();
    let configs = [
        (
            "config_unknown_field",
            "an unknown field (`audiences`) is refused, never ignored",
            ctx.config_with(json!({"audiences": ["orders"]})),
        ),
        (
            "config_unknown_field_in_issuers",
            "an unknown field inside an `issuers` entry",
            json!({"audience": AUD, "issuers": [{"issuer": ISS, "jwks": jwks, "kid": "x"}]}),
        ),
        ("config_algorithms_empty", "an empty algorithms list", ctx.config_with(json!({"algorithms": []}))),
        ("config_algorithms_none", "algorithms [\"none\"]", ctx.config_with(json!({"algorithms": ["none"]}))),
        (
            "config_algorithms_with_none",
            "algorithms holding none beside RS256",
            ctx.config_with(json!({"algorithms": ["RS256", "none"]})),
        ),
        ("config_no_audience", "no audience and no allow_any_audience", ctx.config_with(json!({"audience": null}))),
        (
            "config_jwks_without_usable_key",
            "an inline JWKS holding only oct, private, use:enc and RSA-1024 keys",
            ctx.config_with(json!({"jwks": {"keys": ctx.unusable_jwks()}})),
        ),
        (
            "config_jwks_url_plain_http",
            "jwks_url over http:// on a non-loopback host",
            json!({"issuer": ISS, "audience": AUD, "jwks_url": "http://idp.example/jwks"}),
        ),
        ("config_wrong_type", "leeway_s as a string", ctx.config_with(json!({"leeway_s": "60"}))),
    ];
    for (name, description, config) in configs {
        ctx.fail(name, description, config, token.clone(), "invalid_config");
    }
}
