//! Claim checks (docs/README.md, step 8) and building the Principal (step 6). Runs only after the
//! signature verified, in this order:
//!
//! 1. registered claims of the wrong JSON type → `invalid_claim` (a string `exp` is never "absent"),
//!    and `iss`, `sub`, `client_id` or `azp` holding a control character (U+0000–U+001F,
//!    U+007F–U+009F) → `invalid_claim`;
//! 2. `exp` and every `required_claims` entry present → else `missing_claim`;
//! 3. `iss` equal to the trusted issuer by code points → else `invalid_issuer`;
//! 4. header `typ` against the type policy → else `invalid_token_type`;
//! 5. `exp` → `token_expired`; 6. `nbf` → `token_not_yet_valid`;
//! 7. with `max_token_age_s`: `iat` required, not in the future, not too old;
//! 8. `aud` names this service → else `invalid_audience`;
//! 9. `allowed_clients` → `caller_not_allowed`; 10. `required_scopes` → `insufficient_scope`.
//!
//! NumericDates may be fractional; comparisons are done in f64 so huge values cannot overflow.

use crate::error::{near_miss_hint, quote, Error, ErrorCode, Result};
use crate::json::{Lite, Members};
use crate::jws::Jws;
use crate::policy::Policy;
use crate::principal::Principal;

fn invalid(name: &str, what: &str) -> Error {
    Error::new(ErrorCode::InvalidClaim, format!("claim {name} must be {what}"))
}

fn number(claims: &Members<'_>, name: &str) -> Result<Option<f64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Lite::Number(n)) => Ok(Some(*n)),
        Some(_) => Err(invalid(name, "a NumericDate (number)")),
    }
}

fn string<'a>(claims: &'a Members<'_>, name: &str) -> Result<Option<&'a str>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Lite::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(name, "a string")),
    }
}

/// An identifier claim (`iss`, `sub`, `client_id`, `azp`): a string without control characters
/// (Unicode category Cc: U+0000–U+001F and U+007F–U+009F). A NUL would cut the value short for a
/// caller that reads it as a C string (`admin\u0000-guest` read as `admin`), and other controls
/// (line breaks, escape sequences) forge log lines and confuse comparisons downstream.
fn identifier<'a>(claims: &'a Members<'_>, name: &str) -> Result<Option<&'a str>> {
    let value = string(claims, name)?;
    if value.is_some_and(|v| v.chars().any(char::is_control)) {
        return Err(invalid(name, "a string without control characters"));
    }
    Ok(value)
}

fn string_list<'a>(value: &'a Lite<'_>, name: &str, single_allowed: bool) -> Result<Vec<&'a str>> {
    match value {
        Lite::String(s) if single_allowed => Ok(vec![&**s]),
        Lite::Array(items) => items
            .iter()
            .map(|v| v.as_str().ok_or_else(|| invalid(name, "an array of strings")))
            .collect(),
        _ => Err(invalid(name, if single_allowed { "a string or an array of strings" } else { "an array of strings" })),
    }
}

/// Normalise a media type for `typ` comparison (RFC 7515 §4.1.9: case-insensitive, the
/// `application/` prefix may be omitted).
pub fn normalize_typ(typ: &str) -> String {
    let lower = typ.to_ascii_lowercase();
    match lower.strip_prefix("application/") {
        Some(rest) => rest.to_owned(),
        None => lower,
    }
}

fn floor_secs(v: f64) -> i64 {
    // `as` saturates: 1e300 becomes i64::MAX, never UB or a panic.
    v.floor() as i64
}

/// A NumericDate as the user would read it (`1700000000`, `1700000000.5`).
fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `invalid_audience`: the configured audience next to the token's `aud` (both bounded), with a
/// hint when one configured value and one `aud` member differ only by a trailing slash.
fn audience_message(configured: &[String], aud: &[&str]) -> String {
    const SHOWN: usize = 8;
    let list = |items: &mut dyn Iterator<Item = &str>, n: usize| {
        let mut v: Vec<String> = items.take(SHOWN).map(quote).collect();
        if n > SHOWN {
            v.push(format!("and {} more", n - SHOWN));
        }
        v.join(", ")
    };
    let token = if aud.is_empty() {
        "the token has no aud".to_owned()
    } else {
        format!("the token's aud is {}", list(&mut aud.iter().copied(), aud.len()))
    };
    let hint = configured.iter().find_map(|c| aud.iter().find_map(|a| near_miss_hint(c, a))).unwrap_or("");
    format!(
        "no aud member names this service: {token}; the configured audience is {}{hint}",
        list(&mut configured.iter().map(String::as_str), configured.len())
    )
}

/// Check the claims of a verified token and build the Principal.
pub fn check(policy: &Policy, jws: Jws<'_>, token: &str, now: i64, leeway_s: u64) -> Result<Principal> {
    let c = &jws.claims;
    // 1. Types of the registered claims.
    let exp = number(c, "exp")?;
    let nbf = number(c, "nbf")?;
    let iat = number(c, "iat")?;
    let iss = identifier(c, "iss")?;
    let sub = identifier(c, "sub")?;
    let jti = string(c, "jti")?;
    let client_id = identifier(c, "client_id")?;
    let azp = identifier(c, "azp")?;
    let aud = c.get("aud").map(|v| string_list(v, "aud", true)).transpose()?.unwrap_or_default();
    let mut scopes: Vec<String> = match string(c, "scope")? {
        Some(s) => s.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        None => Vec::new(),
    };
    if let Some(scp) = c.get("scp") {
        for s in string_list(scp, "scp", false)? {
            if !scopes.iter().any(|x| x == s) {
                scopes.push(s.to_owned());
            }
        }
    }
    let roles = match policy.roles_path.lookup(c) {
        None => Vec::new(),
        Some(v) => string_list(v, &policy.roles_path.name, true)?.into_iter().map(str::to_owned).collect(),
    };

    // 2. Presence.
    let Some(exp) = exp else {
        return Err(Error::new(ErrorCode::MissingClaim, "claim exp is required"));
    };
    for name in &policy.required_claims {
        if !c.contains(name) {
            return Err(Error::new(ErrorCode::MissingClaim, format!("claim {} is required", quote(name))));
        }
    }

    // 3. Issuer, exact.
    let issuer = match iss {
        Some(i) if i == policy.issuer => i,
        Some(i) => {
            return Err(Error::new(
                ErrorCode::InvalidIssuer,
                format!(
                    "issuer {} is not trusted: the configured issuer is {}{}",
                    quote(i),
                    quote(&policy.issuer),
                    near_miss_hint(&policy.issuer, i).unwrap_or("")
                ),
            ))
        }
        None => return Err(Error::new(ErrorCode::InvalidIssuer, "the token has no iss")),
    };

    // 4. Explicit typing.
    policy.check_typ(jws.typ.as_ref().map(|t| t.as_deref()))?;

    // 5–7. Time.
    let leeway = leeway_s as f64;
    let now_f = now as f64;
    if exp <= now_f - leeway {
        return Err(Error::new(
            ErrorCode::TokenExpired,
            format!("the token expired: exp {} is at or before now {now} minus the leeway of {leeway_s} s", number_text(exp)),
        ));
    }
    if let Some(nbf) = nbf {
        if nbf > now_f + leeway {
            return Err(Error::new(ErrorCode::TokenNotYetValid, "the token is not valid yet (nbf)"));
        }
    }
    if let Some(max_age) = policy.max_token_age_s {
        let Some(iat) = iat else {
            return Err(Error::new(ErrorCode::MissingClaim, "claim iat is required (max_token_age_s)"));
        };
        if iat > now_f + leeway {
            return Err(Error::new(ErrorCode::TokenNotYetValid, "the token was issued in the future (iat)"));
        }
        if now_f - iat > max_age as f64 + leeway {
            return Err(Error::new(ErrorCode::TokenExpired, "the token is older than max_token_age_s"));
        }
    }

    // 8. Audience.
    if !policy.any_audience && !aud.iter().any(|a| policy.audiences.iter().any(|mine| mine == a)) {
        return Err(Error::new(ErrorCode::InvalidAudience, audience_message(&policy.audiences, &aud)));
    }

    // 9–10. Service-to-service policy.
    let client = client_id.or(azp);
    if let Some(allowed) = &policy.allowed_clients {
        crate::principal::check_caller(client.or(sub), allowed)?;
    }
    let is_client = client.is_some_and(|id| sub.is_none_or(|s| s == id));
    let principal = Principal {
        subject: sub.map(str::to_owned),
        issuer: issuer.to_owned(),
        audiences: aud.into_iter().map(str::to_owned).collect(),
        expires_at: floor_secs(exp),
        issued_at: iat.map(floor_secs),
        not_before: nbf.map(floor_secs),
        jwt_id: jti.map(str::to_owned),
        client_id: client.map(str::to_owned),
        scopes,
        roles,
        is_client,
        claims: jws.payload_json.to_owned(),
        token: token.to_owned(),
    };
    principal.require_scopes(&policy.required_scopes)?;
    Ok(principal)
}
