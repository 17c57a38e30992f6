//! `meshauth inspect`: show what a token says, and what meshauth's defaults would refuse before
//! any key is looked at. Nothing is verified, and the output says so first.

use meshauth::algorithm::Family;
use meshauth::{Algorithm, ErrorCode};
use serde_json::{json, Map, Value};

use crate::decode::{self, Decoded};
use crate::style::Style;
use crate::time_text;

/// The validator's defaults that `inspect` measures against (see docs/configuration.md).
const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;
const DEFAULT_LEEWAY_S: i64 = 60;

/// One thing the validator would say about the token.
pub struct Objection {
    /// `true`: refused under the default configuration; `false`: only under some policy, or a note.
    pub refused: bool,
    /// The catalogue code it would be refused with, when refused.
    pub code: Option<ErrorCode>,
    pub text: String,
}

impl Objection {
    fn refuse(code: ErrorCode, text: impl Into<String>) -> Objection {
        Objection { refused: true, code: Some(code), text: text.into() }
    }
    fn note(text: impl Into<String>) -> Objection {
        Objection { refused: false, code: None, text: text.into() }
    }
    fn to_json(&self) -> Value {
        json!({"refused": self.refused, "code": self.code.map(|c| c.as_str()), "message": self.text})
    }
}

/// What the validator's rules say before keys: its own strict parser, then the default policy.
pub fn objections(token: &str, decoded: &Decoded, now: i64) -> Vec<Objection> {
    let mut out = Vec::new();
    if token.len() > DEFAULT_MAX_TOKEN_BYTES {
        out.push(Objection::refuse(
            ErrorCode::TokenTooLarge,
            format!("{} bytes, over the default cap of {DEFAULT_MAX_TOKEN_BYTES} (max_token_bytes)", token.len()),
        ));
    }
    // The core's own strict parser: canonical base64url, strict JSON, alg, crit, b64.
    if let Err(e) = meshauth::jws::split(token).and_then(|s| s.parse().map(|_| ())) {
        out.push(Objection::refuse(e.code(), e.message().to_owned()));
    }
    let (h, c) = (&decoded.header, &decoded.claims);
    match h.get("alg").and_then(Value::as_str).and_then(Algorithm::from_name) {
        Some(alg) if alg.family() == Family::Hmac => out.push(Objection::refuse(
            ErrorCode::AlgorithmNotAllowed,
            format!(
                "alg {alg} is HMAC: accepted only with an explicit hmac_secret and never with keys from a \
                 JWKS; the default allow-list is {}",
                default_algorithms()
            ),
        )),
        _ => {}
    }
    match c.get("exp") {
        None => out.push(Objection::refuse(ErrorCode::MissingClaim, "no exp: meshauth always requires an expiry")),
        Some(v) if !v.is_number() => {
            out.push(Objection::refuse(ErrorCode::InvalidClaim, format!("exp is {} — not a number", decode::show(v))))
        }
        Some(v) => {
            let exp = decode::seconds(Some(v)).unwrap_or(i64::MAX);
            if exp.saturating_add(DEFAULT_LEEWAY_S) <= now {
                out.push(Objection::refuse(
                    ErrorCode::TokenExpired,
                    format!("expired {} (leeway {DEFAULT_LEEWAY_S} s)", time_text::relative(exp, now)),
                ));
            }
        }
    }
    if let Some(nbf) = decode::seconds(c.get("nbf")) {
        if nbf > now.saturating_add(DEFAULT_LEEWAY_S) {
            out.push(Objection::refuse(
                ErrorCode::TokenNotYetValid,
                format!("nbf: not valid before {}", time_text::date_and_relative(nbf, now)),
            ));
        }
    }
    if let Some(iat) = decode::seconds(c.get("iat")) {
        if iat > now.saturating_add(DEFAULT_LEEWAY_S) {
            out.push(Objection::note(format!(
                "iat is in the future ({}): refused under max_token_age_s",
                time_text::relative(iat, now)
            )));
        }
    }
    if !c.contains_key("iss") {
        out.push(Objection::refuse(ErrorCode::InvalidIssuer, "no iss: the issuer cannot be trusted"));
    }
    if !c.contains_key("aud") {
        out.push(Objection::refuse(
            ErrorCode::InvalidAudience,
            "no aud: refused unless the service sets allow_any_audience",
        ));
    }
    match h.get("typ") {
        None => out.push(Objection::note("no typ: refused by a service with token_type \"at+jwt\" (RFC 9068)")),
        Some(Value::String(t)) => {
            let norm = meshauth_typ(t);
            if norm == "at+jwt" {
            } else if norm == "jwt" {
                out.push(Objection::note(format!(
                    "typ {}: accepted by default, refused by a service with token_type \"at+jwt\" (RFC 9068)",
                    decode::show(&Value::String(t.clone()))
                )));
            } else {
                out.push(Objection::refuse(
                    ErrorCode::InvalidTokenType,
                    format!(
                        "typ {} is another kind of JWT: only none, JWT or at+jwt are accepted by default",
                        decode::show(&Value::String(t.clone()))
                    ),
                ));
            }
        }
        Some(other) => out.push(Objection::refuse(
            ErrorCode::InvalidTokenType,
            format!("typ is {} — not a string", decode::show(other)),
        )),
    }
    for name in ["jku", "x5u", "jwk", "x5c"] {
        if h.contains_key(name) {
            out.push(Objection::note(format!(
                "header {name} is ignored: keys come only from the configured key source"
            )));
        }
    }
    if !h.contains_key("kid") {
        out.push(Objection::note("no kid: only keys without a kid, of the alg's family, can verify it"));
    }
    out
}

/// `typ` compared as the core does (case-insensitive, `application/` optional).
fn meshauth_typ(typ: &str) -> String {
    let lower = typ.to_ascii_lowercase();
    lower.strip_prefix("application/").map(str::to_owned).unwrap_or(lower)
}

fn default_algorithms() -> String {
    Algorithm::ASYMMETRIC.iter().map(|a| a.name()).collect::<Vec<_>>().join(", ")
}

const TIME_CLAIMS: [&str; 4] = ["exp", "nbf", "iat", "auth_time"];

fn times_json(claims: &Map<String, Value>, now: i64) -> Value {
    let mut out = Map::new();
    for name in TIME_CLAIMS {
        if let Some(t) = decode::seconds(claims.get(name)) {
            out.insert(
                name.to_owned(),
                json!({"utc": time_text::utc(t), "relative": time_text::relative(t, now), "seconds_from_now": t.saturating_sub(now)}),
            );
        }
    }
    Value::Object(out)
}

/// The `--json` document.
pub fn to_json(token: &str, decoded: &Decoded, now: i64) -> Value {
    json!({
        "verified": false,
        "header": decoded.header,
        "claims": decoded.claims,
        "times": times_json(&decoded.claims, now),
        "token_bytes": token.len(),
        "signature_bytes": decoded.signature_bytes,
        "objections": objections(token, decoded, now).iter().map(Objection::to_json).collect::<Vec<_>>(),
    })
}

/// The text for a person (fits 80 columns: long values are cut, the full JSON is in `--json`).
pub fn to_text(token: &str, decoded: &Decoded, now: i64, s: Style) -> String {
    let mut out = String::new();
    out.push_str(&s.warn("NOT VERIFIED"));
    out.push_str(": decoded only. The signature, issuer and audience were not checked;\n");
    out.push_str("use `meshauth verify` for that.\n\n");
    section(&mut out, s, "Header", &decoded.header, now);
    out.push('\n');
    section(&mut out, s, "Claims", &decoded.claims, now);
    out.push_str(&format!(
        "\n{}\n",
        s.dim(&format!("{} bytes, signature {} bytes", token.len(), decoded.signature_bytes))
    ));
    let objections = objections(token, decoded, now);
    out.push_str(&format!("\n{}\n", s.bold("What meshauth would say before looking at keys")));
    if objections.is_empty() {
        out.push_str(&format!("  {} nothing under the default configuration\n", s.good("ok")));
    }
    for o in &objections {
        let (mark, code) = match o.code {
            Some(code) if o.refused => (s.bad("refused"), format!("{code}: ")),
            _ => (s.warn("note   "), String::new()),
        };
        out.push_str(&wrap(&format!("{code}{}", o.text), &format!("  {mark} "), 10, 80));
    }
    out
}

fn section(out: &mut String, s: Style, title: &str, map: &Map<String, Value>, now: i64) {
    out.push_str(&format!("{}\n", s.bold(title)));
    let width = map.keys().map(|k| k.chars().count()).max().unwrap_or(0).min(16);
    for (name, value) in map {
        let mut text = match value {
            Value::String(v) => v.clone(),
            v => v.to_string(),
        };
        if TIME_CLAIMS.contains(&name.as_str()) {
            if let Some(t) = decode::seconds(Some(value)) {
                text = format!("{text}  {}", time_text::date_and_relative(t, now));
            }
        }
        let room = 80usize.saturating_sub(width + 4);
        if text.chars().count() > room {
            text = format!("{}…", text.chars().take(room.saturating_sub(1)).collect::<String>());
        }
        let pad = " ".repeat(width.saturating_sub(name.chars().count()));
        out.push_str(&format!("  {}{pad}  {text}\n", s.key(name)));
    }
}

/// Wrap `text` to `width` columns, the first line after `first` (whose visible width is `indent`),
/// the next lines indented by `indent`.
pub(crate) fn wrap(text: &str, first: &str, indent: usize, width: usize) -> String {
    let mut out = first.to_owned();
    let mut col = indent;
    for word in text.split(' ') {
        let len = word.chars().count();
        if col > indent && col + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        } else if col > indent {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
    }
    out.push('\n');
    out
}
