package meshauth

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

const insufficientPrefix = `Bearer error="insufficient_scope", error_description="`

// wantInsufficient checks err is the core's insufficient_scope answer for scopes.
func wantInsufficient(t *testing.T, err error, scopes string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %#v", err)
	}
	if e.Code != InsufficientScope || e.Number != 16 || e.Status != 403 ||
		!strings.HasPrefix(e.WWWAuthenticate, insufficientPrefix) ||
		!strings.HasSuffix(e.WWWAuthenticate, `, scope="`+scopes+`"`) ||
		!strings.HasPrefix(e.Message, "missing scope(s): ") {
		t.Errorf("want insufficient_scope listing %q, got %#v", scopes, e)
	}
	if !errors.Is(err, &Error{Code: InsufficientScope}) {
		t.Error("errors.Is(insufficient_scope) false")
	}
}

func TestRequireScopesOnAValidatedPrincipal(t *testing.T) {
	k := newTestKeys(t)
	v, err := NewValidator(k.config(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	p, err := v.Validate(k.mint(t, map[string]any{"sub": "alice", "scope": "orders:read orders:write"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range [][]string{nil, {}, {"orders:read"}, {"orders:write", "orders:read"}} {
		if err := p.RequireScopes(ok...); err != nil {
			t.Errorf("RequireScopes(%q): %v", ok, err)
		}
	}
	wantInsufficient(t, p.RequireScopes("orders:admin"), "orders:admin")
	// The challenge lists every required scope, the carried ones too.
	wantInsufficient(t, p.RequireScopes("orders:read", "orders:admin", "billing:read"), "orders:read orders:admin billing:read")

	// WriteError answers it as the middleware answers a validator's required_scopes.
	w := httptest.NewRecorder()
	WriteError(w, p.RequireScopes("orders:admin"))
	var body map[string]string
	if w.Code != 403 || !strings.HasSuffix(w.Header().Get("WWW-Authenticate"), `, scope="orders:admin"`) ||
		json.Unmarshal(w.Body.Bytes(), &body) != nil || body["error"] != "insufficient_scope" {
		t.Errorf("WriteError: %d %v %s", w.Code, w.Header(), w.Body)
	}
}

func TestRequireScopesOnAPrincipalBuiltByHand(t *testing.T) {
	p := &Principal{Subject: "bob", Scopes: []string{"a", "b"}}
	if err := p.RequireScopes("b", "a"); err != nil {
		t.Errorf("carried scopes: %v", err)
	}
	wantInsufficient(t, p.RequireScopes("c"), "c")
	// The fields are what counts: changing Scopes changes the answer.
	p.Scopes = append(p.Scopes, "c")
	if err := p.RequireScopes("c"); err != nil {
		t.Errorf("after adding c: %v", err)
	}
	wantInsufficient(t, (&Principal{}).RequireScopes("a"), "a")

	var none *Principal
	var e *Error
	if err := none.RequireScopes("a"); !errors.As(err, &e) || e.Code != NullArgument || e.Status != 0 {
		t.Errorf("nil Principal: %#v", err)
	}
	if err := (&Principal{Claims: json.RawMessage("{")}).RequireScopes("a"); !errors.As(err, &e) || e.Code != InvalidConfig {
		t.Errorf("broken claims: %#v", err)
	}
}
