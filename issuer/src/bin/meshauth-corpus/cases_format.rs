//! The compact serialization itself: size cap, segments, base64url, UTF-8, JSON, unsupported
//! JOSE features. Each malformed token is otherwise valid and correctly signed over the exact
//! bytes it carries, so only the one defect can explain the refusal.

use meshauth_issuer::{b64, Algorithm};
use serde_json::json;

use crate::context::{claims, claims_with, header, Ctx, NOW};

const URL_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn add(ctx: &mut Ctx) {
    size(ctx);
    structure(ctx);
    encoding(ctx);
    json_text(ctx);
    unsupported(ctx);
}

fn size(ctx: &mut Ctx) {
    let key = ctx.rsa(Algorithm::RS256);
    let big = claims_with(json!({"pad": "x".repeat(16_000)}));
    let token = ctx.token(&key, &big);
    assert!(token.len() > 16_384);
    ctx.fail(
        "token_over_default_size_cap",
        "a token longer than the default 16384-byte cap",
        ctx.config(),
        token,
        "token_too_large",
    );

    let token = ctx.token(&key, &claims());
    let len = token.len();
    ctx.ok(
        "token_exactly_at_size_cap",
        "max_token_bytes equal to the token length: accepted (the cap is inclusive)",
        ctx.config_with(json!({"max_token_bytes": len})),
        token.clone(),
    );
    ctx.fail(
        "token_one_byte_over_size_cap",
        "max_token_bytes one less than the token length",
        ctx.config_with(json!({"max_token_bytes": len - 1})),
        token,
        "token_too_large",
    );
    let garbage = "!".repeat(20_000);
    ctx.fail(
        "size_cap_before_decoding",
        "20000 bytes of garbage: the size cap answers before any parsing",
        ctx.config(),
        garbage,
        "token_too_large",
    );
}

fn structure(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let token = ctx.token(&ctx.rsa(Algorithm::RS256), &claims());
    let parts: Vec<&str> = token.split('.').collect();
    ctx.fail(
        "two_segments",
        "header.payload without a signature segment",
        cfg.clone(),
        format!("{}.{}", parts[0], parts[1]),
        "malformed_token",
    );
    ctx.fail(
        "four_segments",
        "an extra fourth segment",
        cfg.clone(),
        format!("{token}.{}", parts[2]),
        "malformed_token",
    );
    ctx.fail("one_segment", "a single base64url segment", cfg.clone(), parts[1].to_owned(), "malformed_token");
    ctx.fail("empty_token", "the empty string", cfg.clone(), String::new(), "malformed_token");
    let t = format!(".{}.{}", parts[1], parts[2]);
    ctx.fail("empty_header_segment", "the header segment is empty", cfg.clone(), t, "malformed_token");
    let t = ctx.signer.sign_input(&ctx.rsa(Algorithm::RS256), &format!("{}.", parts[0]));
    ctx.fail(
        "empty_payload_segment",
        "the payload segment is empty (signed as such)",
        cfg.clone(),
        t,
        "malformed_token",
    );
}

/// A claims set whose encoded payload length is ≡ `rem` (mod 4) and, when `need_url_chars`,
/// whose encoding holds `-` or `_`.
fn payload_with(rem: usize, need_url_chars: bool) -> String {
    for n in 0..200 {
        let text = claims_with(json!({"note": "?".repeat(n) + "~~>"})).to_string();
        let enc = b64::encode(&text);
        if enc.len() % 4 == rem && (!need_url_chars || enc.contains(['-', '_'])) {
            return text;
        }
    }
    unreachable!("some padding length fits")
}

fn encoding(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let key = ctx.rsa(Algorithm::RS256);
    let h = b64::encode(header("RS256", Some("rs256")).to_string());

    // Padding: a payload whose encoding needs two '=' characters, signed with them.
    let payload = b64::encode(payload_with(2, false));
    let token = ctx.signer.sign_input(&key, &format!("{h}.{payload}=="));
    ctx.fail("base64_padding", "the payload segment carries `==` padding", cfg.clone(), token, "malformed_token");

    // Standard alphabet: '-' and '_' replaced by '+' and '/'.
    let payload = b64::encode(payload_with(0, true)).replace('-', "+").replace('_', "/");
    let token = ctx.signer.sign_input(&key, &format!("{h}.{payload}"));
    ctx.fail(
        "base64_standard_alphabet",
        "the payload segment uses `+`/`/` instead of `-`/`_`",
        cfg.clone(),
        token,
        "malformed_token",
    );

    // Non-canonical trailing bits: the last character carries bits that decoding drops.
    let mut payload = b64::encode(payload_with(2, false)).into_bytes();
    let last = payload.last_mut().expect("non-empty");
    let value = URL_ALPHABET.iter().position(|c| c == last).expect("alphabet");
    *last = URL_ALPHABET[value | 1];
    let payload = String::from_utf8(payload).expect("ASCII");
    let token = ctx.signer.sign_input(&key, &format!("{h}.{payload}"));
    ctx.fail(
        "base64_non_canonical_trailing_bits",
        "the payload segment's last character has non-zero unused bits",
        cfg.clone(),
        token,
        "malformed_token",
    );

    let payload = b64::encode(claims().to_string());
    let token = ctx.signer.sign_input(&key, &format!("{h}.{payload}%"));
    ctx.fail("base64_invalid_character", "a `%` in the payload segment", cfg.clone(), token, "malformed_token");

    let token = ctx.token(&key, &claims());
    let (input, sig) = token.rsplit_once('.').expect("compact");
    ctx.fail(
        "signature_segment_padded",
        "the signature segment carries `=` padding",
        cfg.clone(),
        format!("{input}.{sig}=="),
        "malformed_token",
    );
    let bad_sig = sig.replacen(|c: char| c == '-' || c == '_' || c.is_ascii_alphanumeric(), "+", 1);
    ctx.fail(
        "signature_segment_standard_alphabet",
        "a `+` in the signature segment",
        cfg.clone(),
        format!("{input}.{bad_sig}"),
        "malformed_token",
    );

    // Invalid UTF-8 inside a string claim.
    let mut bytes = claims_with(json!({"name": "AB"})).to_string().into_bytes();
    let at = bytes.windows(2).position(|w| w == b"AB").expect("marker");
    bytes[at] = 0xff;
    bytes[at + 1] = 0xfe;
    let token = ctx.sign_bytes(&key, header("RS256", Some("rs256")).to_string().as_bytes(), &bytes);
    ctx.fail(
        "payload_invalid_utf8",
        "the payload holds the bytes FF FE inside a string",
        cfg.clone(),
        token,
        "malformed_token",
    );
    let hb = b"{\"alg\":\"RS256\",\"kid\":\"rs256\",\"x\":\"\xc3\"}";
    let token = ctx.sign_bytes(&key, hb, claims().to_string().as_bytes());
    ctx.fail("header_invalid_utf8", "the header holds a truncated UTF-8 sequence", cfg, token, "malformed_token");
}

fn json_text(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let key = ctx.rsa(Algorithm::RS256);
    let hdr = header("RS256", Some("rs256")).to_string();
    let body = claims().to_string();
    let body_inner = &body[1..body.len() - 1];

    let t = ctx.sign_raw(&key, r#"{"alg":"RS256","kid":"rs256","alg":"RS256"}"#, &body);
    ctx.fail("duplicate_header_member", "the header holds `alg` twice (same value)", cfg.clone(), t, "malformed_token");
    let t = ctx.sign_raw(&key, r#"{"alg":"none","kid":"rs256","alg":"RS256"}"#, &body);
    ctx.fail(
        "duplicate_header_alg_none_first",
        "`alg` twice, `none` then `RS256`: a parser keeping the last would verify",
        cfg.clone(),
        t,
        "malformed_token",
    );
    let t = ctx.sign_raw(&key, &hdr, &format!("{{{body_inner},\"sub\":\"mallory\"}}"));
    ctx.fail("duplicate_payload_member", "the payload holds `sub` twice", cfg.clone(), t, "malformed_token");
    let t = ctx.sign_raw(
        &key,
        &hdr,
        &format!("{{{body_inner},\"ext\":{{\"a\":{{\"role\":\"user\",\"role\":\"admin\"}}}}}}"),
    );
    ctx.fail(
        "duplicate_nested_payload_member",
        "a duplicate member two objects deep in a claim",
        cfg.clone(),
        t,
        "malformed_token",
    );
    let t = ctx.sign_raw(&key, &hdr, r#"["iss","sub"]"#);
    ctx.fail("payload_is_array", "the payload is a JSON array", cfg.clone(), t, "malformed_token");
    let t = ctx.sign_raw(&key, &hdr, "\"just a string\"");
    ctx.fail("payload_is_string", "the payload is a JSON string", cfg.clone(), t, "malformed_token");
    let t = ctx.sign_raw(&key, r#"["RS256"]"#, &body);
    ctx.fail("header_is_array", "the header is a JSON array", cfg.clone(), t, "malformed_token");
    let t = ctx.sign_raw(&key, &hdr, &format!("{body} x"));
    ctx.fail("payload_trailing_garbage", "text after the payload object", cfg.clone(), t, "malformed_token");
    let t = ctx.sign_raw(&key, &hdr, &format!("{body}{{}}"));
    ctx.fail("payload_two_objects", "two JSON objects in the payload", cfg.clone(), t, "malformed_token");
    let t = ctx.sign_raw(&key, &format!("{hdr}]"), &body);
    ctx.fail("header_trailing_garbage", "a stray `]` after the header object", cfg.clone(), t, "malformed_token");
    let t = ctx.sign_raw(&key, &hdr, &body[..body.len() - 1]);
    ctx.fail("payload_truncated_json", "the payload's closing brace is missing", cfg.clone(), t, "malformed_token");
    let t = ctx.sign_raw(&key, &hdr, &format!("{{{body_inner},\"nested\":{}{}}}", "[".repeat(100), "]".repeat(100)));
    ctx.fail(
        "payload_nesting_depth_100",
        "a claim holding 100 nested arrays: refused as malformed (depth limit)",
        cfg.clone(),
        t,
        "malformed_token",
    );

    // Whitespace and member order are free: a pretty-printed payload is valid.
    let pretty = serde_json::to_string_pretty(&claims()).expect("JSON");
    let t = ctx.sign_raw(&key, "{ \"kid\" : \"rs256\" ,\n \"alg\" : \"RS256\" }", &pretty);
    ctx.ok("json_whitespace_allowed", "header and payload with insignificant whitespace", cfg.clone(), t);
    let t = ctx.sign_raw(&key, &hdr, &format!("{{{body_inner},\"name\":\"J\\u00fcrgen \\ud83d\\ude00\"}}"));
    ctx.ok("json_unicode_escapes", "\\u escapes including a surrogate pair in a claim", cfg, t);
}

fn unsupported(ctx: &mut Ctx) {
    let cfg = ctx.config();
    let key = ctx.rsa(Algorithm::RS256);
    let token = ctx.token(&key, &claims());
    let parts: Vec<&str> = token.split('.').collect();

    let jwe_header = b64::encode(r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"rs256"}"#);
    let jwe = format!(
        "{jwe_header}.{}.{}.{}.{}",
        b64::encode([1u8; 256]),
        b64::encode([2u8; 12]),
        b64::encode(b"ciphertext"),
        b64::encode([3u8; 16])
    );
    ctx.fail("jwe_five_segments", "a JWE (five segments)", cfg.clone(), jwe, "unsupported_token");
    let json_serialization = json!({"payload": parts[1], "protected": parts[0], "signature": parts[2]}).to_string();
    ctx.fail(
        "jws_json_serialization",
        "the flattened JWS JSON serialization of a valid token",
        cfg.clone(),
        json_serialization,
        "unsupported_token",
    );

    let mut h = header("RS256", Some("rs256"));
    h["crit"] = json!(["exp"]);
    h["exp"] = json!(NOW + 3600);
    let t = ctx.sign(&key, &h, &claims());
    ctx.fail("crit_header", "a `crit` header parameter naming an extension", cfg.clone(), t, "unsupported_token");
    let mut h = header("RS256", Some("rs256"));
    h["crit"] = json!([]);
    let t = ctx.sign(&key, &h, &claims());
    ctx.fail("crit_header_empty", "`crit: []` (present, even empty)", cfg.clone(), t, "unsupported_token");
    let mut h = header("RS256", Some("rs256"));
    h["b64"] = json!(false);
    h["crit"] = json!(["b64"]);
    let t = ctx.sign(&key, &h, &claims());
    ctx.fail("b64_false", "RFC 7797 unencoded payload (`b64: false`)", cfg.clone(), t, "unsupported_token");
    let mut h = header("RS256", Some("rs256"));
    h["b64"] = json!(false);
    let t = ctx.sign(&key, &h, &claims());
    ctx.fail("b64_false_without_crit", "`b64: false` without `crit`", cfg, t, "unsupported_token");
}
