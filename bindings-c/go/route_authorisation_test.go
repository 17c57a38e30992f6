package meshauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The catalogue answer a refused caller gets: 403, no challenge, no-store, the fixed description.
func checkCallerNotAllowed(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: body %q: %v", what, w.Body, err)
	}
	want := map[string]string{"error": "caller_not_allowed", "error_description": "the calling client is not allowed"}
	if w.Code != 403 || fmt.Sprint(body) != fmt.Sprint(want) {
		t.Errorf("%s: %d %v, want 403 %v", what, w.Code, body, want)
	}
	if w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("WWW-Authenticate") != "" ||
		!strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("%s: headers %v", what, w.Header())
	}
}

func TestRequireClientsPerRoute(t *testing.T) {
	k := newTestKeys(t)
	v, err := NewValidator(k.config(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	route := Middleware(v)(RequireClients("checkout", "admin-ui")(ok))
	for _, c := range []struct {
		claims map[string]any
		want   int
	}{
		{map[string]any{"sub": "alice", "client_id": "checkout"}, 204},
		{map[string]any{"sub": "alice", "azp": "admin-ui"}, 204},
		{map[string]any{"sub": "checkout"}, 204},
		{map[string]any{"sub": "checkout", "client_id": "web"}, 403},
		{map[string]any{"sub": "alice"}, 403},
	} {
		r := httptest.NewRequest("POST", "/orders", nil)
		r.Header.Set("Authorization", "Bearer "+k.mint(t, c.claims))
		w := httptest.NewRecorder()
		route.ServeHTTP(w, r)
		if c.want == 403 {
			checkCallerNotAllowed(t, fmt.Sprint(c.claims), w)
		} else if w.Code != c.want {
			t.Errorf("%v: status %d, want %d", c.claims, w.Code, c.want)
		}
	}
	w := httptest.NewRecorder()
	RequireClients("x")(ok).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 {
		t.Errorf("without Middleware: %d", w.Code)
	}
}

func TestPrincipalRequireClients(t *testing.T) {
	p := &Principal{Subject: "alice", ClientID: "web"}
	if err := p.RequireClients("web"); err != nil {
		t.Fatal(err)
	}
	err := p.RequireClients("checkout")
	var e *Error
	if !errors.As(err, &e) || e.Code != CallerNotAllowed || e.Status != 403 || !strings.Contains(e.Message, `client "web"`) {
		t.Fatalf("%#v", err)
	}
	if err := (*Principal)(nil).RequireClients("x"); !errors.Is(err, &Error{Code: NullArgument}) {
		t.Errorf("nil Principal: %v", err)
	}
}

func TestNewErrorAnswersLikeARefusedToken(t *testing.T) {
	e := NewError(CallerNotAllowed)
	if e.Code != CallerNotAllowed || e.Status != 403 || e.Number != 17 || e.Message != "the calling client is not allowed" {
		t.Fatalf("%#v", e)
	}
	w := httptest.NewRecorder()
	WriteError(w, fmt.Errorf("checking the order: %w", e))
	checkCallerNotAllowed(t, "NewError(CallerNotAllowed)", w)

	e = NewErrorMessage(InsufficientScope, "needs orders:admin")
	if e.Status != 403 || e.Message != "needs orders:admin" || !strings.HasPrefix(e.WWWAuthenticate, `Bearer error="insufficient_scope"`) {
		t.Fatalf("%#v", e)
	}
	w = httptest.NewRecorder()
	WriteError(w, e)
	if w.Code != 403 || strings.Contains(w.Body.String(), "orders:admin") {
		t.Errorf("the operator's message reached the caller: %d %s", w.Code, w.Body)
	}
	if e := NewError("no_such_code"); e.Code != InvalidConfig || e.Status != 0 {
		t.Errorf("unknown code: %#v", e)
	}

	// A non-meshauth error never echoes its text.
	w = httptest.NewRecorder()
	WriteError(w, errors.New("db down at 10.0.0.7"))
	if w.Code != 500 || strings.Contains(w.Body.String(), "db down") || strings.Contains(w.Body.String(), "10.0.0.7") {
		t.Errorf("non-meshauth error: %d %s", w.Code, w.Body)
	}
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", w.Header())
	}
}
