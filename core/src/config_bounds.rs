//! Upper bounds of the numeric options where a huge value would switch a protection off:
//! `leeway_s: 1e12` would make expiry meaningless, a cache TTL of years would keep a revoked key
//! trusted, a cooldown of years would never pick up a rotated key, a timeout of hours would let one
//! slow key server hold every request, a token cap of gigabytes would let one request allocate
//! without limit. A value beyond its bound is `invalid_config` at construction, naming the bound.
//!
//! `max_token_age_s` has no upper bound: it only adds a check on top of `exp`, so a large value
//! never weakens the defaults.

use crate::config::Config;
use crate::error::{Error, ErrorCode, Result};

/// Clock skew tolerated on `exp`, `nbf` and `iat`: 5 minutes.
pub const MAX_LEEWAY_S: u64 = 300;
/// A fetched key set is used at most one day before it is fetched again.
pub const MAX_JWKS_CACHE_TTL_S: u64 = 86_400;
/// An unknown `kid` may trigger a refetch at least once an hour.
pub const MAX_JWKS_REFRESH_COOLDOWN_S: u64 = 3_600;
/// One key-source or token-endpoint request may take at most one minute.
pub const MAX_HTTP_TIMEOUT_MS: u64 = 60_000;
/// A compact token may be configured up to 1 MiB.
pub const MAX_MAX_TOKEN_BYTES: usize = 1024 * 1024;

fn check_one(name: &str, value: u64, max: u64, unit: &str) -> Result<()> {
    if value > max {
        return Err(Error::new(
            ErrorCode::InvalidConfig,
            format!("{name} is {value}{unit}, over its maximum of {max}{unit}"),
        ));
    }
    Ok(())
}

/// The validator's process-wide options against their bounds.
pub fn check(config: &Config) -> Result<()> {
    check_one("leeway_s", config.leeway_s, MAX_LEEWAY_S, " s")?;
    check_one("jwks_cache_ttl_s", config.jwks_cache_ttl_s, MAX_JWKS_CACHE_TTL_S, " s")?;
    check_one("jwks_refresh_cooldown_s", config.jwks_refresh_cooldown_s, MAX_JWKS_REFRESH_COOLDOWN_S, " s")?;
    check_one("http_timeout_ms", config.http_timeout_ms, MAX_HTTP_TIMEOUT_MS, " ms")?;
    check_one("max_token_bytes", config.max_token_bytes as u64, MAX_MAX_TOKEN_BYTES as u64, " bytes")
}

/// A token client's `http_timeout_ms` against its bound.
pub fn check_http_timeout_ms(value: u64) -> Result<()> {
    check_one("http_timeout_ms", value, MAX_HTTP_TIMEOUT_MS, " ms")
}

#[cfg(test)]
mod tests {
    use crate::{ErrorCode, Validator};

    fn config_with(extra: &str) -> String {
        format!(
            r#"{{"issuer": "https://issuer.example", "audience": "a", "hmac_secret": "{}", {extra}}}"#,
            "s".repeat(32)
        )
    }

    #[test]
    fn bounds_are_inclusive_and_named() {
        for (name, max) in [
            ("leeway_s", 300u64),
            ("jwks_cache_ttl_s", 86_400),
            ("jwks_refresh_cooldown_s", 3_600),
            ("http_timeout_ms", 60_000),
            ("max_token_bytes", 1_048_576),
        ] {
            assert!(Validator::from_json(&config_with(&format!(r#""{name}": {max}"#))).is_ok(), "{name} = {max}");
            let e = Validator::from_json(&config_with(&format!(r#""{name}": {}"#, max + 1))).err().expect(name);
            assert_eq!(e.code(), ErrorCode::InvalidConfig);
            assert!(e.message().contains(name) && e.message().contains(&max.to_string()), "{}", e.message());
        }
        let e = Validator::from_json(&config_with(r#""leeway_s": 1000000000000"#)).err().unwrap();
        assert_eq!(e.code(), ErrorCode::InvalidConfig);
    }

    #[test]
    fn token_client_timeout_is_bounded() {
        let cfg = |ms: u64| {
            format!(
                r#"{{"token_endpoint": "https://issuer.example/token", "client_id": "c", "client_secret": "s", "http_timeout_ms": {ms}}}"#
            )
        };
        assert!(crate::TokenClient::from_json(&cfg(60_000)).is_ok());
        assert_eq!(crate::TokenClient::from_json(&cfg(60_001)).err().unwrap().code(), ErrorCode::InvalidConfig);
    }
}
