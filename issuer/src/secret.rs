//! Secret comparison and random identifiers.

use aws_lc_rs::digest::{digest, SHA256};

/// Compare two secrets in time independent of their content and of where they differ: both are
/// hashed first (so lengths do not leak through an early exit either), then compared with
/// aws-lc's constant-time comparison.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let (ha, hb) = (digest(&SHA256, a), digest(&SHA256, b));
    aws_lc_rs::constant_time::verify_slices_are_equal(ha.as_ref(), hb.as_ref()).is_ok()
}

/// A random identifier (128 bits, base64url) for `jti` values.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random source works");
    crate::b64::encode(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn compares() {
        assert!(super::constant_time_eq(b"secret", b"secret"));
        assert!(!super::constant_time_eq(b"secret", b"secreT"));
        assert!(!super::constant_time_eq(b"secret", b"secret2"));
        assert_ne!(super::random_id(), super::random_id());
    }
}
