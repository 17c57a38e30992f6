package meshauth

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"
)

const testIssuer = "https://issuer.test"

// testKeys is an Ed25519 key published as an inline JWKS, to mint tokens signed now (tests that
// go through net/http run on the real clock). Test fixture only: the binding never signs.
type testKeys struct {
	priv ed25519.PrivateKey
	jwks map[string]any
}

func newTestKeys(t *testing.T) *testKeys {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &testKeys{priv: priv, jwks: map[string]any{"keys": []any{map[string]any{
		"kty": "OKP", "crv": "Ed25519", "kid": "test-1", "use": "sig", "alg": "EdDSA",
		"x": base64.RawURLEncoding.EncodeToString(pub),
	}}}}
}

func (k *testKeys) config(extra map[string]any) map[string]any {
	c := map[string]any{"issuer": testIssuer, "audience": "orders", "jwks": k.jwks}
	for n, v := range extra {
		c[n] = v
	}
	return c
}

// mint signs claims (iss, aud, exp, iat defaulted) with the test key.
func (k *testKeys) mint(t *testing.T, claims map[string]any) string {
	t.Helper()
	now := time.Now().Unix()
	full := map[string]any{"iss": testIssuer, "aud": "orders", "iat": now, "exp": now + 300}
	for n, v := range claims {
		if v == nil {
			delete(full, n)
		} else {
			full[n] = v
		}
	}
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(map[string]any{"alg": "EdDSA", "typ": "JWT", "kid": "test-1"}) + "." + enc(full)
	return input + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(k.priv, []byte(input)))
}
