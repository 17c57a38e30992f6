//! PEM armour (RFC 7468) for PKCS#8 private keys and SPKI public keys.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Wrap DER bytes in a PEM block with the given label (`PRIVATE KEY`, `PUBLIC KEY`), 64-column lines.
pub fn encode(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER bytes of the first PEM block labelled `label` in `text`.
pub fn decode(label: &str, text: &str) -> Result<Vec<u8>, String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin).ok_or_else(|| format!("no `{begin}` line"))? + begin.len();
    let stop = text[start..].find(&end).ok_or_else(|| format!("no `{end}` line"))? + start;
    let body: String = text[start..stop].chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(body).map_err(|e| format!("PEM body is not base64: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let der: Vec<u8> = (0..=255u8).collect();
        let text = super::encode("PUBLIC KEY", &der);
        assert!(text.lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
        assert_eq!(super::decode("PUBLIC KEY", &text).unwrap(), der);
        assert!(super::decode("PRIVATE KEY", &text).is_err());
    }
}
