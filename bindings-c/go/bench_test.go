package meshauth

import (
	"crypto/ed25519"
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"
)

// The cost of the binding: a full validation through cgo (EdDSA, warm inline keys) against one
// raw Ed25519 verification in Go on the same machine and run. Report the ratio, not absolutes.

func benchSetup(b *testing.B) (*Validator, string, *testKeys) {
	t := &testing.T{}
	k := newTestKeys(t)
	v, err := NewValidator(k.config(nil))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { v.Close() })
	return v, k.mint(t, map[string]any{"sub": "alice", "scope": "orders:read orders:write", "client_id": "web"}), k
}

func BenchmarkValidate(b *testing.B) {
	v, token, _ := benchSetup(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := v.Validate(token); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuthenticateRequest(b *testing.B) {
	v, token, _ := benchSetup(b)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := v.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawEd25519Verify(b *testing.B) {
	_, token, k := benchSetup(b)
	i := strings.LastIndexByte(token, '.')
	sig, _ := base64.RawURLEncoding.DecodeString(token[i+1:])
	pub := k.priv.Public().(ed25519.PublicKey)
	input := []byte(token[:i])
	for n := 0; n < b.N; n++ {
		if !ed25519.Verify(pub, input, sig) {
			b.Fatal("verify")
		}
	}
}
