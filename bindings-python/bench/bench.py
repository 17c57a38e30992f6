"""meshauth vs the Python JWT libraries users would otherwise pick (docs/performance.md).

Same tokens (RS256, PS256, ES256, EdDSA; 10 claims), same run, one process:

- floor: one raw signature verification with `cryptography` on a pre-loaded public key (the
  signing input and signature bytes prepared outside the loop);
- meshauth: `Validator(jwks_url=<loopback JWKS>)` warmed with `refresh()`, then `validate(token)`
  (header, key lookup, signature, claims, Principal), and `authenticate(headers)`;
- PyJWT: `PyJWKClient(<loopback JWKS>)` + `decode`, and `decode` with a pre-loaded key;
- joserfc: `jwt.decode` with a KeySet + `JWTClaimsRegistry.validate`;
- pyjwt-rs (`jwt_rs`): `decode` with a pre-loaded key.

Reported: µs/op (best of several repeats), ratio to the floor, and each library's time divided by
meshauth's (how many times faster meshauth is). The machine is shared and noisy: only ratios
measured in the same run mean anything. No thresholds are enforced here.
"""

from __future__ import annotations

import argparse
import base64
import json
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

import jwt as pyjwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import meshauth

ALGS = ["RS256", "PS256", "ES256", "EdDSA", "HS256"]
HMAC_SECRET = "meshauth-bench-hs256-secret-of-at-least-32-bytes"
ISSUER = "https://issuer.bench"
AUDIENCE = "orders"


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Keys:
    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.ed = ed25519.Ed25519PrivateKey.generate()
        self.private: Dict[str, Any] = {"RS256": self.rsa, "PS256": self.rsa, "ES256": self.ec, "EdDSA": self.ed}
        self.public: Dict[str, Any] = {alg: k.public_key() for alg, k in self.private.items()}
        self.kid = {"RS256": "rsa", "PS256": "rsa", "ES256": "ec", "EdDSA": "ed", "HS256": "hs"}
        # HS256: the signature costs ~1 µs, so its row shows each library's own per-call overhead.
        self.private["HS256"] = self.public["HS256"] = HMAC_SECRET.encode()

    def jwks(self) -> Dict[str, Any]:
        out = []
        for alg in ("RS256", "ES256", "EdDSA"):
            jwk = json.loads(pyjwt.algorithms.get_default_algorithms()[alg].to_jwk(self.public[alg]))
            jwk.update(kid=self.kid[alg], use="sig")
            out.append(jwk)
        return {"keys": out}

    def pem(self, alg: str) -> bytes:
        return self.public[alg].public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def make_token(keys: Keys, alg: str) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "user-1234",
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "jti": "5f0c7c4e-0d1b-4d58-9a1c-3e2f7a5c9b10",
        "client_id": "web-app",
        "scope": "orders:read orders:write",
        "roles": ["admin", "ops"],
    }
    return pyjwt.encode(claims, keys.private[alg], algorithm=alg, headers={"kid": keys.kid[alg]})


def floor_verifier(keys: Keys, alg: str, token: str) -> Callable[[], None]:
    head, body, sig = token.split(".")
    data = f"{head}.{body}".encode()
    raw = b64d(sig)
    pub: Any = keys.public[alg]
    if alg == "RS256":
        pad, h = padding.PKCS1v15(), hashes.SHA256()
        return lambda: pub.verify(raw, data, pad, h)
    if alg == "PS256":
        pss, h = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH), hashes.SHA256()
        return lambda: pub.verify(raw, data, pss, h)
    if alg == "HS256":
        from cryptography.hazmat.primitives import hmac as crypto_hmac

        def verify_hmac() -> None:
            h = crypto_hmac.HMAC(pub, hashes.SHA256())
            h.update(data)
            h.verify(raw)

        return verify_hmac
    if alg == "ES256":
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        ecdsa = ec.ECDSA(hashes.SHA256())
        return lambda: pub.verify(der, data, ecdsa)
    return lambda: pub.verify(raw, data)


class JwksServer:
    def __init__(self, jwks: Dict[str, Any]) -> None:
        body = json.dumps(jwks).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def measure(fn: Callable[[], Any], seconds: float, repeats: int) -> float:
    """Best per-call time in µs over `repeats` runs of about `seconds` each."""
    fn()  # warm up (and fail loudly before timing)
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt > 0.05:
            break
        n *= 2
    n = max(1, int(n * seconds / dt))
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best * 1e6


def contenders(keys: Keys, server: JwksServer, alg: str, token: str) -> List[Tuple[str, Optional[Callable[[], Any]]]]:
    out: List[Tuple[str, Optional[Callable[[], Any]]]] = []
    out.append(("floor (cryptography verify)", floor_verifier(keys, alg, token)))

    if alg == "HS256":
        validator = meshauth.Validator(issuer=ISSUER, audience=AUDIENCE, hmac_secret=HMAC_SECRET, algorithms=["HS256"])
    else:
        validator = meshauth.Validator(issuer=ISSUER, audience=AUDIENCE, jwks_url=server.url)
    validator.refresh()
    headers = [("host", "api.internal"), ("accept", "*/*"), ("authorization", f"Bearer {token}")]
    out.append(("meshauth validate", lambda: validator.validate(token)))
    out.append(("meshauth authenticate", lambda: validator.authenticate(headers)))
    out.append(("meshauth validate + .claims", lambda: validator.validate(token).claims))

    client = pyjwt.PyJWKClient(server.url)

    def pyjwt_jwks() -> Any:
        key = client.get_signing_key_from_jwt(token)
        return pyjwt.decode(token, key.key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)

    out.append(("PyJWT PyJWKClient + decode", None if alg == "HS256" else pyjwt_jwks))
    pub = keys.public[alg]
    out.append(
        ("PyJWT decode (pre-loaded key)", lambda: pyjwt.decode(token, pub, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER))
    )

    try:
        from joserfc import jwt as jose_jwt
        from joserfc.jwk import KeySet

        if alg == "HS256":
            from joserfc.jwk import OctKey

            keyset: Any = OctKey.import_key(HMAC_SECRET)
        else:
            keyset = KeySet.import_key_set(keys.jwks())
        registry = jose_jwt.JWTClaimsRegistry(iss={"essential": True, "value": ISSUER}, aud={"essential": True, "value": AUDIENCE})
        jose_alg = alg
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                jose_jwt.decode(token, keyset, algorithms=[jose_alg])
            except Exception:
                jose_alg = "Ed25519" if alg == "EdDSA" else alg

            def joserfc_decode() -> Any:
                t = jose_jwt.decode(token, keyset, algorithms=[jose_alg])
                registry.validate(t.claims)
                return t.claims

            joserfc_decode()
        out.append(("joserfc decode + claims", joserfc_decode))
    except Exception as e:  # pragma: no cover - reported as n/a
        print(f"  joserfc {alg}: unavailable ({type(e).__name__}: {e})")
        out.append(("joserfc decode + claims", None))

    try:
        import jwt_rs

        pem = HMAC_SECRET.encode() if alg == "HS256" else keys.pem(alg)
        fn = lambda: jwt_rs.decode(token, pem, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER)  # noqa: E731
        fn()
        out.append(("pyjwt-rs decode (pre-loaded key)", fn))
    except Exception as e:  # pragma: no cover - reported as n/a
        print(f"  pyjwt-rs {alg}: unavailable ({type(e).__name__}: {e})")
        out.append(("pyjwt-rs decode (pre-loaded key)", None))
    return out


def thread_scaling(keys: Keys, server: JwksServer, calls: int = 4000) -> Tuple[float, float]:
    """Throughput of `validate` (RS256) with 1 thread and with 2 threads (calls/s each)."""
    from concurrent.futures import ThreadPoolExecutor

    token = make_token(keys, "RS256")
    validator = meshauth.Validator(issuer=ISSUER, audience=AUDIENCE, jwks_url=server.url)
    validator.refresh()

    def work(n: int) -> None:
        for _ in range(n):
            validator.validate(token)

    work(100)
    rates = []
    for threads in (1, 2):
        best = 0.0
        for _ in range(3):
            with ThreadPoolExecutor(threads) as pool:
                t0 = time.perf_counter()
                list(pool.map(work, [calls // threads] * threads))
                best = max(best, calls / (time.perf_counter() - t0))
        rates.append(best)
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.3, help="time per repeat and contender")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    keys = Keys()
    server = JwksServer(keys.jwks())
    results: Dict[str, Dict[str, Optional[float]]] = {}
    try:
        for alg in ALGS:
            token = make_token(keys, alg)
            results[alg] = {}
            for name, fn in contenders(keys, server, alg, token):
                results[alg][name] = None if fn is None else measure(fn, args.seconds, args.repeats)
        one, two = thread_scaling(keys, server)
    finally:
        server.close()

    print(f"\nmeshauth {meshauth.__version__} — µs/op (best of {args.repeats}), ×floor, and ×meshauth (= how many times slower than meshauth validate)\n")
    width = max(len(n) for r in results.values() for n in r)
    for alg, row in results.items():
        floor = row["floor (cryptography verify)"]
        mesh = row["meshauth validate"]
        assert floor is not None and mesh is not None
        print(f"{alg}")
        print(f"  {'contender':<{width}}  {'µs/op':>9}  {'×floor':>7}  {'×meshauth':>9}")
        for name, us in row.items():
            if us is None:
                print(f"  {name:<{width}}  {'n/a':>9}")
                continue
            print(f"  {name:<{width}}  {us:9.2f}  {us / floor:7.2f}  {us / mesh:9.2f}")
        print(f"  meshauth validate overhead over the floor: {mesh - floor:+.2f} µs\n")
    hs = results.get("HS256", {})
    if hs.get("meshauth validate") is not None:
        print(
            f"meshauth HS256 validate, everything included: {hs['meshauth validate']:.2f} µs — an upper bound on the "
            "per-call cost of the binding and the pipeline (the HMAC itself is ~0.8 µs with aws-lc-rs, docs/performance.md)"
        )
    print(f"threads (RS256 validate, GIL released): 1 thread {one:,.0f}/s, 2 threads {two:,.0f}/s, scaling x{two / one:.2f}")
    if args.json:
        # Machine-readable results for the chart (`make bench` writes docs/bench.svg from them).
        import importlib.metadata
        import platform

        def version(dist: str) -> Optional[str]:
            try:
                return importlib.metadata.version(dist)
            except importlib.metadata.PackageNotFoundError:
                return None

        doc = {
            "language": "Python",
            "runtime": f"{platform.python_implementation()} {platform.python_version()}",
            "versions": {
                "meshauth": meshauth.__version__,
                "PyJWT": version("PyJWT"),
                "joserfc": version("joserfc"),
                "pyjwt-rs": version("pyjwt-rs"),
                "cryptography": version("cryptography"),
            },
            "floor": "floor (cryptography verify)",
            "meshauth": "meshauth validate",
            "results": results,
        }
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=2)


if __name__ == "__main__":
    main()
