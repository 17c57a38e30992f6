//! Ed25519 public keys a key set must refuse: non-canonical encodings and points of small order.
//!
//! A point of small order (order 1, 2, 4 or 8) makes forgery trivial: with such a key `A`, the
//! signature `R` = the neutral point, `S = 0` satisfies the verification equation
//! `[S]B = R + [k]A` for every message whose hash `k` is a multiple of the order of `A` (every
//! message, for orders 1, 2 and 4) — and the all-zero key, what a zeroed placeholder in a key set
//! looks like, is one of them. Like
//! libsodium's `crypto_sign_verify_detached`, such keys are refused; here already when the key set
//! is parsed, so they are counted as unusable (a token naming one gets `key_not_found`).
//!
//! An encoding is 32 bytes: the little-endian `y` coordinate in the low 255 bits, the sign of `x`
//! in the top bit. It is canonical when `y < p = 2^255 - 19`. The small-order points have exactly
//! five `y` values: 1 (order 1), p − 1 (order 2), 0 (order 4) and the two `y` of the order-8
//! points listed below; a test checks that the forgery above verifies with each of them.

/// `y` of the order-8 points (little-endian), and `p - y`.
const ORDER_8_Y: [[u8; 32]; 2] = [
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf,
        0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20,
        0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
    ],
];

/// p = 2^255 - 19, little-endian.
const P: [u8; 32] = {
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

/// `y` (the encoding without its sign bit), little-endian.
fn y_of(encoded: &[u8; 32]) -> [u8; 32] {
    let mut y = *encoded;
    y[31] &= 0x7f;
    y
}

/// Whether little-endian `a < b`.
fn less_than(a: &[u8; 32], b: &[u8; 32]) -> bool {
    for i in (0..32).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

/// Why an Ed25519 public key is unusable, or `None` when it may verify signatures.
pub fn refusal(encoded: &[u8]) -> Option<&'static str> {
    let Ok(encoded) = <&[u8; 32]>::try_from(encoded) else {
        return Some("an Ed25519 public key is 32 bytes");
    };
    let y = y_of(encoded);
    if !less_than(&y, &P) {
        return Some("a non-canonical Ed25519 public key (y ≥ 2^255 − 19)");
    }
    let mut p_minus_1 = P;
    p_minus_1[0] -= 1;
    let mut one = [0u8; 32];
    one[0] = 1;
    let small = y == [0u8; 32] || y == one || y == p_minus_1 || ORDER_8_Y.contains(&y);
    small.then_some("an Ed25519 public key of small order")
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{UnparsedPublicKey, ED25519};

    fn with_sign(mut y: [u8; 32], sign: bool) -> [u8; 32] {
        if sign {
            y[31] |= 0x80;
        }
        y
    }

    /// Every small-order `y`.
    fn small_order_ys() -> [[u8; 32]; 5] {
        let mut one = [0u8; 32];
        one[0] = 1;
        let mut p_minus_1 = P;
        p_minus_1[0] -= 1;
        [[0u8; 32], one, p_minus_1, ORDER_8_Y[0], ORDER_8_Y[1]]
    }

    #[test]
    fn small_order_keys_are_refused_and_really_are_weak() {
        // The neutral point encoded (y = 1) and S = 0: a signature without any private key.
        let mut forged = [0u8; 64];
        forged[0] = 1;
        for y in small_order_ys() {
            for key in [with_sign(y, false), with_sign(y, true)] {
                assert_eq!(refusal(&key), Some("an Ed25519 public key of small order"), "{key:02x?}");
            }
            // The weakness is real: the verifier itself accepts the forgery for every message with
            // the order-1/2/4 keys and for 1 in 8 with the order-8 ones, so some message of 64 works.
            let key = with_sign(y, false);
            let verifies =
                (0u32..64).any(|i| UnparsedPublicKey::new(&ED25519, key).verify(&i.to_be_bytes(), &forged).is_ok());
            assert!(verifies, "the forgery should verify for some message with {key:02x?}");
        }
    }

    #[test]
    fn non_canonical_keys_are_refused() {
        // y = p and y = p + 1 (the non-canonical encodings of 0 and 1), and y = 2^255 - 1.
        let mut p_plus_1 = P;
        p_plus_1[0] += 1;
        for y in [P, p_plus_1, y_of(&[0xff; 32])] {
            for key in [with_sign(y, false), with_sign(y, true)] {
                assert_eq!(refusal(&key), Some("a non-canonical Ed25519 public key (y ≥ 2^255 − 19)"));
            }
        }
        assert!(refusal(&[0u8; 31]).is_some());
    }

    #[test]
    fn a_key_set_counts_weak_keys_as_unusable() {
        use crate::keys::KeySet;
        let b64 = |b: &[u8]| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
        };
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = aws_lc_rs::signature::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        use aws_lc_rs::signature::KeyPair;
        let okp = |kid: &str, x: &[u8]| serde_json::json!({"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": b64(x)});
        let doc = serde_json::json!({"keys": [
            okp("good", pair.public_key().as_ref()),
            okp("zero", &[0u8; 32]),
            okp("order8", &ORDER_8_Y[1]),
            okp("non-canonical", &P),
        ]});
        let set = KeySet::from_jwks(&doc).unwrap();
        assert_eq!((set.len(), set.skipped), (1, 3));
        assert!(set.has_kid("good") && !set.has_kid("zero") && !set.has_kid("non-canonical"));
    }

    #[test]
    fn ordinary_keys_are_usable() {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        for _ in 0..32 {
            let pkcs8 = aws_lc_rs::signature::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
            let pair = aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
            use aws_lc_rs::signature::KeyPair;
            assert_eq!(refusal(pair.public_key().as_ref()), None);
        }
    }
}
