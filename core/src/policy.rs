//! The resolved policy of one trusted issuer: the configuration checked once at construction
//! (docs/configuration.md defaults, strict per RFC 8725) and laid out for the hot path.

use crate::algorithm::{Algorithm, AlgorithmSet};
use crate::claims::normalize_typ;
use crate::config::{defaults, IssuerConfig, OneOrMany};
use crate::error::{quote, Error, ErrorCode, Result};
use crate::json::{Lite, Members};

/// A dotted claim path such as `realm_access.roles`.
pub struct ClaimPath {
    pub name: String,
    parts: Vec<String>,
}

impl ClaimPath {
    pub fn new(name: &str) -> ClaimPath {
        ClaimPath { name: name.to_owned(), parts: name.split('.').map(str::to_owned).collect() }
    }

    pub fn lookup<'a, 'b>(&self, claims: &'a Members<'b>) -> Option<&'a Lite<'b>> {
        let (first, rest) = self.parts.split_first()?;
        let mut v = claims.get(first)?;
        for p in rest {
            match v {
                Lite::Object(members) => v = members.get(p)?,
                _ => return None,
            }
        }
        Some(v)
    }
}

pub struct Policy {
    pub issuer: String,
    pub audiences: Vec<String>,
    pub any_audience: bool,
    pub algorithms: AlgorithmSet,
    pub required_claims: Vec<String>,
    /// Normalised required `typ`; `None` accepts absent, `jwt` and `at+jwt`.
    pub token_type: Option<String>,
    pub max_token_age_s: Option<u64>,
    pub allowed_clients: Option<Vec<String>>,
    pub required_scopes: Vec<String>,
    pub roles_path: ClaimPath,
}

fn config_err(msg: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidConfig, msg)
}

/// `audience` and `allow_any_audience` of one issuer.
///
/// An explicit `audience` is never silently widened (cross-service replay through
/// configuration):
/// - one object (the top level, or an `issuers[]` entry) setting both `audience` and
///   `allow_any_audience: true` is `invalid_config`;
/// - an entry's own `audience` cancels an inherited `allow_any_audience`, and an entry's own
///   `allow_any_audience: true` replaces an inherited `audience`: the entry's own settings win over
///   the defaults it inherits, as for every other field.
fn resolve_audience(own: &IssuerConfig, top: &IssuerConfig, issuer: &str) -> Result<(Vec<String>, bool)> {
    for (c, which) in [(own, "an issuers entry"), (top, "the top level")] {
        if c.audience.is_some() && c.allow_any_audience == Some(true) {
            return Err(config_err(format!(
                "issuer {}: {which} sets both audience and allow_any_audience: true; an explicit audience is \
                 never overridden: remove one of them",
                quote(issuer)
            )));
        }
    }
    let (audience, any) = if own.audience.is_some() || own.allow_any_audience.is_some() {
        (own.audience.as_ref(), own.allow_any_audience.unwrap_or(false))
    } else {
        (top.audience.as_ref(), top.allow_any_audience.unwrap_or(false))
    };
    // `allow_any_audience: false` in an entry keeps the inherited audience.
    let audience = audience.or(if any { None } else { top.audience.as_ref() });
    Ok((audience.map(OneOrMany::to_vec).unwrap_or_default(), any))
}

impl Policy {
    /// Resolve `own` over the top-level `defaults` (fields `own` leaves out are inherited).
    /// `hmac_secret_len`: the length of the issuer's `hmac_secret`, when it has one.
    pub fn resolve(own: &IssuerConfig, top: &IssuerConfig, hmac_secret_len: Option<usize>) -> Result<Policy> {
        let has_hmac = hmac_secret_len.is_some();
        let issuer = own.issuer.clone().ok_or_else(|| config_err("issuer is required"))?;
        if issuer.is_empty() {
            return Err(config_err("issuer must not be empty"));
        }
        let pick = |a: &Option<Vec<String>>, b: &Option<Vec<String>>| a.clone().or_else(|| b.clone());
        let (audiences, any_audience) = resolve_audience(own, top, &issuer)?;
        if audiences.is_empty() && !any_audience {
            return Err(config_err(format!(
                "issuer {}: audience is required (or allow_any_audience: true)",
                quote(&issuer)
            )));
        }
        if audiences.iter().any(String::is_empty) {
            return Err(config_err("audience values must not be empty"));
        }

        let algorithms = match pick(&own.algorithms, &top.algorithms) {
            Some(names) => {
                let mut set = AlgorithmSet::default();
                for n in &names {
                    let alg = Algorithm::from_name(n)
                        .ok_or_else(|| config_err(format!("algorithms: {} is not a supported algorithm", quote(n))))?;
                    set.insert(alg);
                }
                if set.is_empty() {
                    return Err(config_err("algorithms must not be empty"));
                }
                set
            }
            // By default, the HS algorithms the secret is long enough for (RFC 7518 §3.2).
            None if has_hmac => [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512]
                .into_iter()
                .filter(|a| a.min_hmac_secret_bytes() <= hmac_secret_len)
                .collect(),
            None => Algorithm::ASYMMETRIC.into_iter().collect(),
        };
        let hmac_listed = algorithms.iter().any(|a| a.family() == crate::algorithm::Family::Hmac);
        if hmac_listed && !has_hmac {
            return Err(config_err("HS256/384/512 need an explicit hmac_secret (never keys from a JWKS)"));
        }
        if has_hmac && algorithms.iter().any(|a| a.family() != crate::algorithm::Family::Hmac) {
            return Err(config_err("with hmac_secret, algorithms may list only HS256, HS384, HS512"));
        }
        if let Some(len) = hmac_secret_len {
            if let Some(a) = algorithms.iter().find(|a| a.min_hmac_secret_bytes() > Some(len)) {
                return Err(config_err(format!(
                    "hmac_secret is {len} bytes; {a} needs at least {} (RFC 7518 §3.2: at least the hash output)",
                    a.min_hmac_secret_bytes().unwrap_or_default()
                )));
            }
        }

        let token_type = own.token_type.as_ref().or(top.token_type.as_ref()).map(|t| normalize_typ(t));
        Ok(Policy {
            issuer,
            audiences,
            any_audience,
            algorithms,
            required_claims: pick(&own.required_claims, &top.required_claims).unwrap_or_default(),
            token_type,
            max_token_age_s: own.max_token_age_s.or(top.max_token_age_s),
            allowed_clients: pick(&own.allowed_clients, &top.allowed_clients),
            required_scopes: pick(&own.required_scopes, &top.required_scopes).unwrap_or_default(),
            roles_path: ClaimPath::new(
                own.roles_claim.as_deref().or(top.roles_claim.as_deref()).unwrap_or(defaults::ROLES_CLAIM),
            ),
        })
    }

    /// RFC 8725 §3.11 explicit typing. With `token_type` set, `typ` must be present and equal
    /// (normalised); without it, `typ` may be absent, `JWT` or `at+jwt` — any other type (say
    /// `dpop+jwt` or `logout+jwt`) is a different kind of JWT and is refused.
    pub fn check_typ(&self, typ: Option<std::result::Result<&str, &()>>) -> Result<()> {
        let refuse = || Error::new(ErrorCode::InvalidTokenType, "the token type (typ) is not accepted");
        let typ = match typ {
            None => None,
            Some(Ok(t)) => Some(normalize_typ(t)),
            Some(Err(_)) => return Err(refuse()),
        };
        let ok = match (&self.token_type, &typ) {
            (Some(want), Some(got)) => want == got,
            (Some(_), None) => false,
            (None, None) => true,
            (None, Some(got)) => got == "jwt" || got == "at+jwt",
        };
        if ok {
            Ok(())
        } else {
            Err(refuse())
        }
    }
}
