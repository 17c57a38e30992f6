//! Shared state of the generator: the committed keys, the signer that keeps randomised
//! signatures byte-stable, and the standard configuration and claims most cases start from.

use std::collections::HashMap;
use std::path::Path;

use meshauth_issuer::{b64, jws, Algorithm, SigningKey};
use serde_json::{json, Map, Value};

use crate::case::Case;

/// The fixed clock of every case (2026-01-01T00:00:00Z).
pub const NOW: i64 = 1_767_225_600;
pub const ISS: &str = "https://issuer.example";
pub const ISS_B: &str = "https://partner-issuer.example";
pub const AUD: &str = "orders";
pub const HMAC_SECRET: &str = "meshauth-corpus-hs256-secret-of-at-least-32-bytes";

/// One committed private key file of `testdata/keys/`.
struct KeyFile {
    file: &'static str,
    alg: Algorithm,
}

const KEY_FILES: [KeyFile; 6] = [
    KeyFile { file: "rsa-a.pem", alg: Algorithm::RS256 },
    KeyFile { file: "ec-p256.pem", alg: Algorithm::ES256 },
    KeyFile { file: "ec-p384.pem", alg: Algorithm::ES384 },
    KeyFile { file: "ed25519.pem", alg: Algorithm::EdDSA },
    KeyFile { file: "rsa-b.pem", alg: Algorithm::RS256 },
    KeyFile { file: "rsa-attacker.pem", alg: Algorithm::RS256 },
];

/// The keys of the corpus. `kid`s are set per use with [`SigningKey::with_kid`].
pub struct Keys {
    /// Issuer A's RSA key (published under one kid per RS*/PS* algorithm, and once without `alg`).
    pub rsa: SigningKey,
    pub es256: SigningKey,
    pub es384: SigningKey,
    pub ed: SigningKey,
    /// Issuer B's RSA key (multi-issuer cases).
    pub rsa_b: SigningKey,
    /// A key no configuration trusts (forgeries).
    pub attacker: SigningKey,
    pub hmac: SigningKey,
}

/// Load the committed keys, generating missing ones unless `create` is false.
/// Returns the keys and the PEM files that were (or would be) created.
pub fn load_keys(dir: &Path, create: bool) -> Result<(Keys, Vec<(String, String)>), String> {
    let mut loaded = Vec::new();
    let mut created = Vec::new();
    for kf in &KEY_FILES {
        let path = dir.join(kf.file);
        let key = if path.exists() {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            SigningKey::from_pkcs8_pem(kf.alg, "k", &text).map_err(|e| format!("{}: {e}", path.display()))?
        } else if create {
            let key = SigningKey::generate(kf.alg, "k").map_err(|e| e.to_string())?;
            created.push((kf.file.to_owned(), key.to_pkcs8_pem().expect("asymmetric key")));
            key
        } else {
            return Err(format!("{} is missing (run `make corpus` first)", path.display()));
        };
        loaded.push(key);
    }
    let mut it = loaded.into_iter();
    let mut next = || it.next().expect("one key per file");
    let keys = Keys {
        rsa: next(),
        es256: next(),
        es384: next(),
        ed: next(),
        rsa_b: next(),
        attacker: next(),
        hmac: SigningKey::hmac("", HMAC_SECRET.as_bytes()),
    };
    Ok((keys, created))
}

/// Signs tokens; for randomised algorithms (PS*, ES*) it reuses a signature of the previous
/// corpus when the signing input is the same and the signature verifies, so that regenerating the
/// corpus changes nothing.
pub struct Signer {
    previous: HashMap<String, Vec<Vec<u8>>>,
    /// Randomised signatures made in this run, so one signing input gets one signature.
    made: std::cell::RefCell<HashMap<String, String>>,
}

impl Signer {
    /// Index every `header.payload.signature` found in the strings of the previous corpus.
    pub fn new(previous_corpus: Option<&Value>) -> Signer {
        let mut previous: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
        fn walk(v: &Value, out: &mut HashMap<String, Vec<Vec<u8>>>) {
            match v {
                Value::String(s) => {
                    for piece in s.split([' ', ';', '=', ',']) {
                        if piece.matches('.').count() != 2 {
                            continue;
                        }
                        let (input, sig) = piece.rsplit_once('.').expect("two dots");
                        if let Some(sig) = b64::decode(sig) {
                            out.entry(input.to_owned()).or_default().push(sig);
                        }
                    }
                }
                Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                Value::Object(m) => m.values().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        if let Some(v) = previous_corpus {
            walk(v, &mut previous);
        }
        Signer { previous, made: Default::default() }
    }

    /// Candidate signatures for `input` from the previous corpus: each as stored, and with the
    /// bit flipped back that [`jws::tamper_signature`] flips.
    fn candidates(&self, input: &str) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for sig in self.previous.get(input).into_iter().flatten() {
            out.push(sig.clone());
            let mut flipped = sig.clone();
            if let Some(b) = flipped.first_mut() {
                *b ^= 0x01;
            }
            out.push(flipped);
        }
        out
    }

    /// `input.signature` for an already-encoded signing input.
    pub fn sign_input(&self, key: &SigningKey, input: &str) -> String {
        if !key.alg().is_randomized() {
            return jws::sign_input(key, input).expect("signing works");
        }
        let made_key = format!("{}|{input}", key.kid());
        if let Some(token) = self.made.borrow().get(&made_key) {
            return token.clone();
        }
        let token = match self.candidates(input).into_iter().find(|s| key.verify(input.as_bytes(), s)) {
            Some(sig) => format!("{input}.{}", b64::encode(sig)),
            None => jws::sign_input(key, input).expect("signing works"),
        };
        self.made.borrow_mut().insert(made_key, token.clone());
        token
    }

    /// ECDSA with an ASN.1 DER signature (wrong for JWS), stable like [`Signer::sign_input`].
    pub fn sign_input_der(&self, key: &SigningKey, input: &str) -> String {
        let sig = self
            .candidates(input)
            .into_iter()
            .find(|s| key.verify_der(input.as_bytes(), s))
            .unwrap_or_else(|| key.sign_der(input.as_bytes()).expect("ECDSA key"));
        format!("{input}.{}", b64::encode(sig))
    }
}

/// Everything the case modules need.
pub struct Ctx {
    pub keys: Keys,
    pub signer: Signer,
    pub cases: Vec<Case>,
}

impl Ctx {
    /// Sign raw header and payload text (used byte for byte).
    pub fn sign_raw(&self, key: &SigningKey, header: &str, payload: &str) -> String {
        self.sign_bytes(key, header.as_bytes(), payload.as_bytes())
    }

    pub fn sign_bytes(&self, key: &SigningKey, header: &[u8], payload: &[u8]) -> String {
        self.signer.sign_input(key, &format!("{}.{}", b64::encode(header), b64::encode(payload)))
    }

    /// Sign JSON values (compact, keys sorted).
    pub fn sign(&self, key: &SigningKey, header: &Value, claims: &Value) -> String {
        self.sign_raw(key, &header.to_string(), &claims.to_string())
    }

    /// The standard token of a case: `header(alg, kid)` and `claims`.
    pub fn token(&self, key: &SigningKey, claims: &Value) -> String {
        self.sign(key, &header(key.alg().as_str(), Some(key.kid())), claims)
    }

    // --- keys as published in the standard JWKS -------------------------------------------------

    /// Issuer A's RSA key for `alg` under its per-algorithm kid (`rs256`, `ps384`, …).
    pub fn rsa(&self, alg: Algorithm) -> SigningKey {
        self.keys.rsa.with_alg(alg).expect("RSA alg").with_kid(&alg.as_str().to_ascii_lowercase())
    }
    pub fn es256(&self) -> SigningKey {
        self.keys.es256.with_kid("es256")
    }
    pub fn es384(&self) -> SigningKey {
        self.keys.es384.with_kid("es384")
    }
    pub fn ed(&self) -> SigningKey {
        self.keys.ed.with_kid("ed25519")
    }
    pub fn rsa_b(&self) -> SigningKey {
        self.keys.rsa_b.with_kid("b-rs256")
    }

    /// Issuer A's JWK Set: a JWK per RSA algorithm (same modulus), one RSA JWK without `alg`, the
    /// EC and OKP keys, and the keys every verifier must skip (encryption key, RSA-1024, a JWK
    /// with private members, a symmetric `oct` key).
    pub fn jwks_a(&self) -> Value {
        let mut keys: Vec<Value> = [
            Algorithm::RS256,
            Algorithm::RS384,
            Algorithm::RS512,
            Algorithm::PS256,
            Algorithm::PS384,
            Algorithm::PS512,
        ]
        .into_iter()
        .map(|a| self.rsa(a).public_jwk())
        .collect();
        let mut any = self.keys.rsa.with_kid("rsa-any-alg").public_jwk();
        any.as_object_mut().expect("jwk").remove("alg");
        keys.push(any);
        keys.push(self.es256().public_jwk());
        keys.push(self.es384().public_jwk());
        keys.push(self.ed().public_jwk());
        keys.extend(self.unusable_jwks());
        json!({ "keys": keys })
    }

    /// JWKs a verifier must skip (DESIGN §3): `use: enc`, RSA under 2048 bits, private members,
    /// and `oct`.
    pub fn unusable_jwks(&self) -> Vec<Value> {
        let mut enc = self.keys.rsa.with_kid("enc-key").public_jwk();
        enc["use"] = json!("enc");
        enc["alg"] = json!("RSA-OAEP");
        // A 1024-bit modulus: the RSA key's first 128 modulus bytes (top bit set, made odd). Not a
        // real key, only its size matters: it must be skipped before any use.
        let n = b64::decode(self.keys.rsa.public_jwk()["n"].as_str().expect("n")).expect("b64");
        let mut small = n[..128].to_vec();
        small[0] |= 0x80;
        small[127] |= 0x01;
        let rsa1024 = json!({"kty": "RSA", "kid": "rsa-1024", "alg": "RS256", "use": "sig",
                             "n": b64::encode(&small), "e": "AQAB"});
        let mut private = self.keys.ed.with_kid("ed-with-private").public_jwk();
        private["d"] = json!(b64::encode([7u8; 32]));
        let oct = json!({"kty": "oct", "kid": "oct-key", "alg": "HS256", "k": b64::encode(HMAC_SECRET)});
        vec![enc, rsa1024, private, oct]
    }

    /// Issuer B's JWK Set.
    pub fn jwks_b(&self) -> Value {
        json!({ "keys": [self.rsa_b().public_jwk()] })
    }

    /// The standard single-issuer configuration with the inline JWKS of issuer A.
    pub fn config(&self) -> Value {
        json!({ "issuer": ISS, "audience": AUD, "jwks": self.jwks_a() })
    }

    /// The standard configuration with extra/overriding fields (`null` removes a field).
    pub fn config_with(&self, patch: Value) -> Value {
        merge(self.config(), patch)
    }

    pub fn push(&mut self, case: Case) {
        assert!(!self.cases.iter().any(|c| c.name == case.name), "duplicate case name {}", case.name);
        self.cases.push(case);
    }
}

/// `base` with the members of `patch` set (`null` removes one).
pub fn merge(base: Value, patch: Value) -> Value {
    let mut map = base.as_object().cloned().unwrap_or_default();
    for (k, v) in patch.as_object().cloned().unwrap_or_default() {
        if v.is_null() {
            map.remove(&k);
        } else {
            map.insert(k, v);
        }
    }
    Value::Object(map)
}

/// A JOSE header `{"alg", "kid"?, "typ": "at+jwt"}`.
pub fn header(alg: &str, kid: Option<&str>) -> Value {
    let mut h = Map::new();
    h.insert("alg".into(), json!(alg));
    if let Some(kid) = kid {
        h.insert("kid".into(), json!(kid));
    }
    h.insert("typ".into(), json!("at+jwt"));
    Value::Object(h)
}

/// A user's access token for `orders`, issued at NOW, valid one hour.
pub fn claims() -> Value {
    json!({
        "iss": ISS,
        "sub": "alice",
        "aud": AUD,
        "iat": NOW,
        "exp": NOW + 3600,
        "jti": "jti-0001",
    })
}

/// [`claims`] with members set or removed (`null`).
pub fn claims_with(patch: Value) -> Value {
    merge(claims(), patch)
}

impl Ctx {
    /// A `validate_at` case that must succeed; the Principal is derived from the token's payload.
    pub fn ok(&mut self, name: &str, description: &str, config: Value, token: String) {
        let roles_claim = config.get("roles_claim").and_then(Value::as_str).map(str::to_owned);
        let expect = crate::case::Expect::ok(&crate::case::payload_of(&token), roles_claim.as_deref());
        self.push(Case::token(name, description, config, token, expect));
    }

    /// A `validate_at` case that must fail with `code`.
    pub fn fail(&mut self, name: &str, description: &str, config: Value, token: String, code: &str) {
        self.push(Case::token(name, description, config, token, crate::case::Expect::error(code)));
    }
}
