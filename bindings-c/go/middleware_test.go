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

func TestMiddleware(t *testing.T) {
	k := newTestKeys(t)
	v, err := NewValidator(k.config(map[string]any{"cookie_name": "at"}))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	handler := Middleware(v)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := PrincipalFrom(r.Context())
		if !ok {
			t.Error("no Principal in the context")
		}
		fmt.Fprintf(w, "hello %s %v", p.Subject, p.Scopes)
	}))
	alice := k.mint(t, map[string]any{"sub": "alice", "scope": "orders:read"})

	type answer struct {
		status      int
		www, code   string
		description bool
	}
	cases := []struct {
		name    string
		headers map[string]string
		want    answer
		body    string
	}{
		{"bearer", map[string]string{"Authorization": "Bearer " + alice}, answer{status: 200}, "hello alice [orders:read]"},
		{"cookie", map[string]string{"Cookie": "x=1; at=" + alice}, answer{status: 200}, "hello alice [orders:read]"},
		{"none", nil, answer{401, "Bearer", "no_credentials", true}, ""},
		{"empty bearer", map[string]string{"Authorization": "Bearer"},
			answer{400, `Bearer error="invalid_request", error_description="malformed or ambiguous credentials in the request"`, "invalid_request", true}, ""},
		{"header and cookie", map[string]string{"Authorization": "Bearer " + alice, "Cookie": "at=" + alice},
			answer{400, `Bearer error="invalid_request", error_description="malformed or ambiguous credentials in the request"`, "invalid_request", true}, ""},
		{"expired", map[string]string{"Authorization": "Bearer " + k.mint(t, map[string]any{"sub": "a", "exp": 1000, "iat": 900})},
			answer{401, `Bearer error="invalid_token", error_description="the access token expired"`, "token_expired", true}, ""},
		{"garbage", map[string]string{"Authorization": "Bearer abc"},
			answer{401, `Bearer error="invalid_token", error_description="the access token is malformed"`, "malformed_token", true}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/orders", nil)
			for n, val := range c.headers {
				r.Header.Set(n, val)
			}
			w := httptest.NewRecorder()
			handler.ServeHTTP(w, r)
			if w.Code != c.want.status {
				t.Fatalf("status %d, want %d (%s)", w.Code, c.want.status, w.Body)
			}
			if c.want.status == 200 {
				if w.Body.String() != c.body {
					t.Errorf("body %q", w.Body)
				}
				return
			}
			if got := w.Header().Get("WWW-Authenticate"); got != c.want.www {
				t.Errorf("WWW-Authenticate %q, want %q", got, c.want.www)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			var body map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			if body["error"] != c.want.code || (c.want.description && body["error_description"] == "") {
				t.Errorf("body %v", body)
			}
			// Nothing of the credential is echoed.
			if auth := c.headers["Authorization"]; len(auth) > len("Bearer ") && strings.Contains(w.Body.String(), auth[len("Bearer "):]) {
				t.Errorf("the body echoes the token: %s", w.Body)
			}
		})
	}

	// Failures without an HTTP status answer 500.
	v2, _ := NewValidator(k.config(nil))
	v2.Close()
	w := httptest.NewRecorder()
	Middleware(v2)(http.NotFoundHandler()).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	var body map[string]string
	if w.Code != 500 || w.Header().Get("WWW-Authenticate") != "" || json.Unmarshal(w.Body.Bytes(), &body) != nil ||
		body["error"] != "null_argument" {
		t.Errorf("closed validator: %d %v %s", w.Code, w.Header(), w.Body)
	}
}

func TestMiddlewareInsufficientScope(t *testing.T) {
	k := newTestKeys(t)
	v, err := NewValidator(k.config(map[string]any{"required_scopes": []string{"orders:write"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	r := httptest.NewRequest("POST", "/orders", nil)
	r.Header.Set("Authorization", "Bearer "+k.mint(t, map[string]any{"sub": "alice", "scope": "orders:read"}))
	w := httptest.NewRecorder()
	Middleware(v)(http.NotFoundHandler()).ServeHTTP(w, r)
	if w.Code != 403 {
		t.Fatalf("status %d", w.Code)
	}
	if www := w.Header().Get("WWW-Authenticate"); www == "" || !json.Valid(w.Body.Bytes()) {
		t.Errorf("WWW-Authenticate %q body %s", www, w.Body)
	}
}

func TestRequireScopesPerRoute(t *testing.T) {
	k := newTestKeys(t)
	v, err := NewValidator(k.config(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	route := Middleware(v)(RequireScopes("orders:write")(ok))
	for _, c := range []struct {
		scope string
		want  int
	}{{"orders:read orders:write", 204}, {"orders:read", 403}} {
		r := httptest.NewRequest("POST", "/orders", nil)
		r.Header.Set("Authorization", "Bearer "+k.mint(t, map[string]any{"sub": "alice", "scope": c.scope}))
		w := httptest.NewRecorder()
		route.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Fatalf("scope %q: status %d, want %d", c.scope, w.Code, c.want)
		}
		if c.want == 403 {
			var body map[string]string
			_ = json.Unmarshal(w.Body.Bytes(), &body)
			if body["error"] != "insufficient_scope" || !strings.HasSuffix(w.Header().Get("WWW-Authenticate"), `, scope="orders:write"`) {
				t.Errorf("403: %v %q", body, w.Header().Get("WWW-Authenticate"))
			}
		}
	}
	w := httptest.NewRecorder()
	RequireScopes("x")(ok).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 {
		t.Errorf("without Middleware: %d", w.Code)
	}
}

// A failing key source answers 503 with the catalogue's description only: the JWKS URL (and its
// query secret) and the server's text stay in the operator's error, the query stripped even there.
func TestMiddlewareHidesTheOperatorDetail(t *testing.T) {
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal stack trace at db-7.corp", 500)
	}))
	defer jwks.Close()
	k := newTestKeys(t)
	v, err := NewValidator(map[string]any{"issuer": testIssuer, "audience": "orders",
		"jwks_url": jwks.URL + "/jwks?api_key=qu3ry-s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Authorization", "Bearer "+k.mint(t, map[string]any{"sub": "alice"}))
	w := httptest.NewRecorder()
	Middleware(v)(http.NotFoundHandler()).ServeHTTP(w, req)
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != 503 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if body["error"] != "key_source_unavailable" || body["error_description"] != KeySourceUnavailable.Description() ||
		body["error_description"] == "" {
		t.Errorf("body %v", body)
	}
	for _, secret := range []string{"qu3ry-s3cret", "127.0.0.1", "db-7.corp"} {
		if strings.Contains(w.Body.String(), secret) {
			t.Errorf("the answer reveals %q: %s", secret, w.Body)
		}
	}
	_, err = v.Validate(k.mint(t, map[string]any{"sub": "alice"}))
	var e *Error
	if !errors.As(err, &e) || strings.Contains(e.Message, "qu3ry-s3cret") || !strings.Contains(e.Message, "/jwks") {
		t.Errorf("operator detail %v", err)
	}
}
