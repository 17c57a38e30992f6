package meshauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func tokenClient(t *testing.T, cfg map[string]any) *TokenClient {
	t.Helper()
	c, err := NewTokenClient(cfg)
	if err != nil {
		t.Fatalf("NewTokenClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func secretClient(t *testing.T, d *devIssuer, id, secret string) *TokenClient {
	return tokenClient(t, map[string]any{"issuer": d.issuer, "client_id": id, "client_secret": secret})
}

func issuerValidator(t *testing.T, d *devIssuer, cfg map[string]any) *Validator {
	t.Helper()
	full := map[string]any{"issuer": d.issuer, "discovery": true}
	for k, v := range cfg {
		full[k] = v
	}
	v, err := NewValidator(full)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// refused checks a refusal by the authorization server: TokenEndpointError with oauth ("" = none).
func refused(t *testing.T, what string, tok *AccessToken, err error, oauth string) {
	t.Helper()
	var e *Error
	if tok != nil || !errors.As(err, &e) || e.Code != TokenEndpointError || e.Number != 19 || e.OAuthError != oauth ||
		e.Status != 0 || e.WWWAuthenticate != "" {
		t.Errorf("%s: got %v, %#v; want token_endpoint_error with OAuth error %q", what, tok, err, oauth)
		return
	}
	if strings.Contains(e.Message, "dev-secret") || strings.Contains(e.Message, "wrong-secret") {
		t.Errorf("%s: the message repeats a secret: %s", what, e.Message)
	}
}

func TestTokenClientGrants(t *testing.T) {
	d := startIssuer(t)
	ctx := context.Background()
	orders := secretClient(t, d, "orders", "orders-dev-secret")
	req := TokenRequest{Audience: "inventory", Scope: []string{"inventory:read"}}

	if tok, err := orders.ClientCredentialsCached(req); tok != nil || err != nil {
		t.Fatalf("nothing cached yet: %v %v", tok, err)
	}
	tok, err := orders.ClientCredentials(ctx, req)
	if err != nil {
		t.Fatalf("client credentials: %v", err)
	}
	now := time.Now().Unix()
	if tok.TokenType != "Bearer" || tok.ExpiresAt <= now || tok.ExpiresAt > now+3600 || tok.Scope != "inventory:read" ||
		tok.IssuedTokenType != "" || tok.AuthorizationHeader() != "Bearer "+tok.AccessToken {
		t.Errorf("token %+v header %q", tok, tok.AuthorizationHeader())
	}
	if strings.Contains(tok.String(), tok.AccessToken) {
		t.Error("String() shows the credential")
	}
	p, err := issuerValidator(t, d, map[string]any{"audience": "inventory"}).Validate(tok.AccessToken)
	if err != nil || !p.IsClient || p.ClientID != "orders" || !p.HasScope("inventory:read") ||
		len(p.Audiences) != 1 || p.Audiences[0] != "inventory" {
		t.Fatalf("inventory: %+v %v", p, err)
	}
	// The Principal forwards the same header the core builds for the token.
	if p.AuthorizationHeader() != tok.AuthorizationHeader() {
		t.Errorf("Principal.AuthorizationHeader %q", p.AuthorizationHeader())
	}
	// Cached now: both calls answer the same token without a new one being issued.
	cached, err := orders.ClientCredentialsCached(req)
	if err != nil || cached == nil || cached.AccessToken != tok.AccessToken {
		t.Errorf("cached: %v %v", cached, err)
	}
	again, err := orders.ClientCredentials(ctx, req)
	if err != nil || again.AccessToken != tok.AccessToken {
		t.Errorf("again: %v", err)
	}

	user := d.mint(t, map[string]any{"claims": map[string]any{"sub": "alice", "aud": []string{"orders", "inventory"}}})
	partner := issuerValidator(t, d, map[string]any{"audience": "partner-api"})
	inventory := issuerValidator(t, d, map[string]any{"audience": "inventory"})
	exchange := TokenRequest{Audience: "partner-api", Scope: []string{"partner:orders:read"}}
	for name, get := range map[string]func() (*AccessToken, error){
		"jwt-bearer":          func() (*AccessToken, error) { return orders.JWTBearer(ctx, user, exchange) },
		"jwt-bearer (Bearer)": func() (*AccessToken, error) { return orders.JWTBearer(ctx, user, TokenRequest{UseClientToken: true}) },
		"token exchange":      func() (*AccessToken, error) { return orders.TokenExchange(ctx, user, exchange) },
	} {
		tok, err := get()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		p, err := partner.Validate(tok.AccessToken)
		if err != nil || p.Subject != "alice" || p.IsClient || p.ClientID != "orders" || len(p.Audiences) != 1 ||
			!p.HasScope("partner:orders:read") {
			t.Errorf("%s: partner-api: %+v %v", name, p, err)
		}
		wantType := ""
		if name == "token exchange" {
			wantType = "urn:ietf:params:oauth:token-type:access_token"
		}
		if tok.IssuedTokenType != wantType {
			t.Errorf("%s: issued_token_type %q", name, tok.IssuedTokenType)
		}
		// Meant for the third party only: an internal service refuses it.
		if _, err := inventory.Validate(tok.AccessToken); !errors.Is(err, &Error{Code: InvalidAudience}) {
			t.Errorf("%s: inventory accepted the partner token: %v", name, err)
		}
	}
}

func TestTokenClientPrivateKeyJWT(t *testing.T) {
	d := startIssuer(t)
	path := os.Getenv("MESHAUTH_DEV_KEY")
	if path == "" {
		path = filepath.Join("..", "..", "issuer", "dev-keys", "signed-client.pem")
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := tokenClient(t, map[string]any{"issuer": d.issuer, "client_id": "signed-client", "private_key_pem": string(pem)})
	tok, err := c.ClientCredentials(context.Background(), TokenRequest{})
	if err != nil {
		t.Fatalf("private_key_jwt: %v", err)
	}
	p, err := issuerValidator(t, d, map[string]any{"audience": "inventory"}).Validate(tok.AccessToken)
	if err != nil || p.ClientID != "signed-client" || !p.IsClient {
		t.Errorf("signed-client token: %+v %v", p, err)
	}
}

func TestTokenClientRefusals(t *testing.T) {
	d := startIssuer(t)
	ctx := context.Background()
	tok, err := secretClient(t, d, "orders", "wrong-secret").ClientCredentials(ctx, TokenRequest{})
	refused(t, "wrong secret", tok, err, "invalid_client")
	tok, err = secretClient(t, d, "nobody", "nobody-secret").ClientCredentials(ctx, TokenRequest{})
	refused(t, "unknown client", tok, err, "invalid_client")

	orders := secretClient(t, d, "orders", "orders-dev-secret")
	tok, err = orders.ClientCredentials(ctx, TokenRequest{Audience: "partner-api"})
	refused(t, "audience not registered", tok, err, "invalid_target")
	tok, err = orders.ClientCredentials(ctx, TokenRequest{Scope: []string{"admin"}})
	refused(t, "scope not registered", tok, err, "invalid_scope")

	user := d.mint(t, map[string]any{"claims": map[string]any{"sub": "alice", "aud": "orders"}})
	expired := d.mint(t, map[string]any{"claims": map[string]any{"sub": "alice", "aud": "orders", "exp": 1700000000}})
	tok, err = orders.JWTBearer(ctx, expired, TokenRequest{Audience: "partner-api"})
	refused(t, "expired assertion", tok, err, "invalid_grant")
	tok, err = orders.JWTBearer(ctx, user, TokenRequest{Audience: "inventory"})
	refused(t, "exchange audience not registered", tok, err, "invalid_target")
	tok, err = orders.TokenExchange(ctx, expired, TokenRequest{Audience: "partner-api"})
	refused(t, "expired subject token", tok, err, "invalid_request")
	tok, err = secretClient(t, d, "reporting", "reporting-dev-secret").JWTBearer(ctx, user, TokenRequest{Audience: "partner-api"})
	refused(t, "grant not registered", tok, err, "unauthorized_client")

	// Requests the core refuses before any network I/O.
	for name, call := range map[string]func() (*AccessToken, error){
		"exchange field in client credentials": func() (*AccessToken, error) {
			return orders.ClientCredentials(ctx, TokenRequest{ActorToken: "x"})
		},
		"actor token in jwt-bearer": func() (*AccessToken, error) {
			return orders.JWTBearer(ctx, user, TokenRequest{ActorToken: "x"})
		},
		"empty subject": func() (*AccessToken, error) { return orders.TokenExchange(ctx, "", TokenRequest{}) },
	} {
		if tok, err := call(); tok != nil || !errors.Is(err, &Error{Code: InvalidConfig}) {
			t.Errorf("%s: %v %v", name, tok, err)
		}
	}
	if _, err := orders.ClientCredentialsCached(TokenRequest{UseClientToken: true}); !errors.Is(err, &Error{Code: InvalidConfig}) {
		t.Errorf("cached, invalid request: %v", err)
	}

	// The issuer down: token_endpoint_error without an OAuth error.
	direct := tokenClient(t, map[string]any{"token_endpoint": d.base + "/token", "client_id": "orders",
		"client_secret": "orders-dev-secret", "http_timeout_ms": 2000})
	discovered := tokenClient(t, map[string]any{"issuer": d.issuer, "client_id": "orders",
		"client_secret": "orders-dev-secret", "http_timeout_ms": 2000})
	d.Stop()
	tok, err = direct.ClientCredentials(ctx, TokenRequest{})
	refused(t, "issuer down", tok, err, "")
	tok, err = discovered.JWTBearer(ctx, user, TokenRequest{})
	refused(t, "issuer down (discovery)", tok, err, "")
}

func TestTokenClientLifecycle(t *testing.T) {
	for _, cfg := range []any{
		`{"token_endpoint": "http://127.0.0.1:9/token", "client_id": "a"}`,
		map[string]any{"issuer": "https://i.example", "client_id": "a", "client_secret": "s", "nope": 1},
		map[string]any{"token_endpoint": "http://issuer.example/token", "client_id": "a", "client_secret": "s"},
		"", 42, map[string]any{"bad": func() {}},
	} {
		c, err := NewTokenClient(cfg)
		var e *Error
		if c != nil || !errors.As(err, &e) || e.Code != InvalidConfig {
			t.Errorf("%v: %v %v", cfg, c, err)
		}
	}
	c, err := NewTokenClient(map[string]any{"token_endpoint": "http://127.0.0.1:9/token", "client_id": "a",
		"client_secret": "s", "http_timeout_ms": 500})
	if err != nil {
		t.Fatal(err)
	}
	// A done context ends the call before any network I/O.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if tok, err := c.ClientCredentials(ctx, TokenRequest{}); tok != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v %v", tok, err)
	}
	// A deadline shorter than the request: the caller gets ctx's error.
	ctx, cancel = context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	time.Sleep(time.Millisecond)
	if _, err := c.JWTBearer(ctx, "a.b.c", TokenRequest{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
	// Close is idempotent; calls afterwards fail cleanly.
	if c.Close() != nil || c.Close() != nil {
		t.Fatal("Close")
	}
	if _, err := c.ClientCredentials(context.Background(), TokenRequest{}); !errors.Is(err, &Error{Code: NullArgument}) {
		t.Errorf("after Close: %v", err)
	}
	if _, err := c.ClientCredentialsCached(TokenRequest{}); !errors.Is(err, &Error{Code: NullArgument}) {
		t.Errorf("cached after Close: %v", err)
	}
	if _, err := c.TokenExchange(context.Background(), "a", TokenRequest{}); !errors.Is(err, &Error{Code: NullArgument}) {
		t.Errorf("exchange after Close: %v", err)
	}
}

func TestTokenRequestJSON(t *testing.T) {
	got := requestText(TokenRequest{})
	if got != "{}" {
		t.Errorf("zero request: %s", got)
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(requestText(TokenRequest{Scope: []string{"a", "b"}, Audience: "x", Resource: []string{"r"},
		SubjectTokenType: "s", RequestedTokenType: "q", ActorToken: "t", ActorTokenType: "u", UseClientToken: true})), &m)
	for _, k := range []string{"scope", "audience", "resource", "subject_token_type", "requested_token_type",
		"actor_token", "actor_token_type", "use_client_token"} {
		if _, ok := m[k]; !ok {
			t.Errorf("%s missing from %v", k, m)
		}
	}
}

// Service-to-service policy through the middleware: a caller not in allowed_clients, or without
// a required scope, is refused with 403 and the catalogue's answer.
func TestMiddlewareServicePolicy(t *testing.T) {
	d := startIssuer(t)
	tok, err := secretClient(t, d, "reporting", "reporting-dev-secret").ClientCredentials(context.Background(), TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	for _, c := range []struct {
		name   string
		policy map[string]any
		status int
		code   string
		www    string
	}{
		{"allowed", map[string]any{"allowed_clients": []string{"reporting"}, "required_scopes": []string{"billing:read"}}, 204, "", ""},
		{"caller not allowed", map[string]any{"allowed_clients": []string{"orders"}}, 403, "caller_not_allowed", ""},
		{"insufficient scope", map[string]any{"required_scopes": []string{"billing:charge"}}, 403, "insufficient_scope",
			`scope="billing:charge"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := map[string]any{"audience": "billing"}
			for k, v := range c.policy {
				cfg[k] = v
			}
			r := httptest.NewRequest("GET", "/invoices", nil)
			r.Header.Set("Authorization", tok.AuthorizationHeader())
			w := httptest.NewRecorder()
			Middleware(issuerValidator(t, d, cfg))(ok).ServeHTTP(w, r)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d (%s)", w.Code, c.status, w.Body)
			}
			if c.code == "" {
				return
			}
			var body map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body["error"] != c.code {
				t.Errorf("body %s", w.Body)
			}
			if www := w.Header().Get("WWW-Authenticate"); !strings.HasSuffix(www, c.www) || (c.www != "" && www == "") {
				t.Errorf("WWW-Authenticate %q, want …%s", www, c.www)
			}
		})
	}
}

// One client shared by many goroutines gets one cached token; Close waits for calls in flight and
// later calls fail cleanly.
func TestTokenClientConcurrentUseAndClose(t *testing.T) {
	d := startIssuer(t)
	c, err := NewTokenClient(map[string]any{"issuer": d.issuer, "client_id": "orders", "client_secret": "orders-dev-secret"})
	if err != nil {
		t.Fatal(err)
	}
	req := TokenRequest{Audience: "billing"}
	first, err := c.ClientCredentials(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; j < 20; j++ {
				tok, err := c.ClientCredentials(context.Background(), req)
				if err == nil && tok.AccessToken != first.AccessToken {
					err = errors.New("a second token was issued")
				}
				if err != nil && !errors.Is(err, &Error{Code: NullArgument}) {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	time.Sleep(time.Millisecond)
	c.Close()
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
