package meshauth

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestVersion(t *testing.T) {
	if Version() != HeaderVersion || Version() == "" {
		t.Fatalf("library %q, header %q", Version(), HeaderVersion)
	}
}

// Every code of the core's catalogue has its Go constant, with the stable number.
func TestEveryCodeIsMapped(t *testing.T) {
	consts := []Code{NoCredentials, InvalidRequest, TokenTooLarge, MalformedToken, UnsupportedToken,
		AlgorithmNotAllowed, KeyNotFound, InvalidSignature, InvalidClaim, MissingClaim, TokenExpired,
		TokenNotYetValid, InvalidIssuer, InvalidAudience, InvalidTokenType, InsufficientScope,
		CallerNotAllowed, KeySourceUnavailable, TokenEndpointError, InvalidConfig}
	codes := Codes()
	if len(codes) != len(consts) {
		t.Fatalf("the library has %d codes, the package %d", len(codes), len(consts))
	}
	for i, info := range codes {
		if info.Number != i+1 || info.Code != consts[i] || info.Description == "" {
			t.Errorf("code %d: %+v, constant %s", i+1, info, consts[i])
		}
	}
	if TokenExpired.Description() == "" || Code("nope").Description() != "" {
		t.Error("Description")
	}
}

func TestInvalidConfig(t *testing.T) {
	for _, cfg := range []any{
		`{"issuer":"https://i.example","audience":"a","jwks":{"keys":[]},"no_such_field":1}`,
		[]byte(`{`), map[string]any{"issuer": "https://i.example", "leeway_s": "sixty"}, "", 42,
		map[string]any{"bad": func() {}},
	} {
		v, err := NewValidator(cfg)
		var e *Error
		if v != nil || !errors.As(err, &e) || e.Code != InvalidConfig || e.Number != 20 || e.Status != 0 || e.WWWAuthenticate != "" {
			t.Errorf("%v: got %v, %#v", cfg, v, err)
		}
	}
	_, err := NewValidator("{\"issuer\":\"\xff\"}")
	if !errors.Is(err, &Error{Code: InvalidUTF8}) {
		t.Errorf("invalid UTF-8 config: %v", err)
	}
}

func TestValidateErrorsAndClose(t *testing.T) {
	k := newTestKeys(t)
	v, err := NewValidator(k.config(nil))
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Validate(k.mint(t, map[string]any{"sub": "alice", "scope": "a b"}))
	if err != nil || p.Subject != "alice" || !p.HasScope("b") || p.IsClient {
		t.Fatalf("valid token: %+v %v", p, err)
	}
	_, err = v.Validate(k.mint(t, map[string]any{"sub": "alice", "aud": "billing"}))
	var e *Error
	if !errors.As(err, &e) || e.Code != InvalidAudience || e.Status != 401 ||
		!strings.HasPrefix(e.WWWAuthenticate, `Bearer error="invalid_token"`) {
		t.Errorf("wrong audience: %#v", err)
	}
	// A token is bytes: not UTF-8 is a malformed token (401), like any other garbage.
	_, err = v.Validate("a.\xff.c")
	if !errors.As(err, &e) || e.Code != MalformedToken || e.Status != 401 {
		t.Errorf("invalid UTF-8 token: %v", err)
	}
	if err := v.Refresh(); err != nil {
		t.Errorf("Refresh with inline keys: %v", err)
	}
	// Close is idempotent; calls afterwards fail cleanly.
	if v.Close() != nil || v.Close() != nil {
		t.Fatal("Close")
	}
	_, err = v.Validate("a.b.c")
	if !errors.Is(err, &Error{Code: NullArgument}) {
		t.Errorf("after Close: %v", err)
	}
	if err := v.Refresh(); !errors.Is(err, &Error{Code: NullArgument}) {
		t.Errorf("Refresh after Close: %v", err)
	}
}

func TestConcurrentUseAndClose(t *testing.T) {
	k := newTestKeys(t)
	v, err := NewValidator(k.config(nil))
	if err != nil {
		t.Fatal(err)
	}
	token := k.mint(t, map[string]any{"sub": "alice"})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				p, err := v.Validate(token)
				if err != nil && !errors.Is(err, &Error{Code: NullArgument}) {
					t.Errorf("concurrent validate: %v", err)
					return
				}
				if err == nil && p.Subject != "alice" {
					t.Errorf("subject %q", p.Subject)
					return
				}
			}
		}()
	}
	v.Close() // may race with the goroutines: they see NullArgument, never a freed object
	wg.Wait()
}
