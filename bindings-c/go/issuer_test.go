package meshauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/meshauth/meshauth-go/meshauthtest"
)

// devIssuer is the development issuer started by meshauthtest (MESHAUTH_ISSUER_BIN, else the
// bundled one), with the raw HTTP helpers these tests use.
type devIssuer struct {
	*meshauthtest.DevIssuer
	base   string // http://127.0.0.1:PORT
	issuer string // the `issuer` of its discovery document
}

func startIssuer(t *testing.T) *devIssuer {
	t.Helper()
	dev := meshauthtest.New(t)
	return &devIssuer{DevIssuer: dev, base: dev.URL, issuer: dev.Issuer}
}

func (d *devIssuer) getJSON(t *testing.T, path string, out any) {
	t.Helper()
	resp, err := http.Get(d.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func (d *devIssuer) post(t *testing.T, path string, body any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(d.base+path, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST %s: %s %v %v", path, resp.Status, out, err)
	}
	return out
}

func (d *devIssuer) mint(t *testing.T, req map[string]any) string {
	t.Helper()
	tok, _ := d.post(t, "/dev/mint", req)["token"].(string)
	if tok == "" {
		t.Fatal("no token minted")
	}
	return tok
}

func TestRemoteKeysFromTheDevelopmentIssuer(t *testing.T) {
	d := startIssuer(t)
	user := map[string]any{"sub": "alice", "aud": "orders", "scope": "orders:read orders:write"}

	for _, source := range []map[string]any{
		{"discovery": true},
		{"jwks_url": d.base + "/jwks"},
	} {
		cfg := map[string]any{"issuer": d.issuer, "audience": "orders", "jwks_refresh_cooldown_s": 0}
		for k, v := range source {
			cfg[k] = v
		}
		v, err := NewValidator(cfg)
		if err != nil {
			t.Fatalf("%v: %v", source, err)
		}
		if err := v.Refresh(); err != nil {
			t.Fatalf("%v: Refresh: %v", source, err)
		}
		for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
			p, err := v.Validate(d.mint(t, map[string]any{"claims": user, "alg": alg}))
			if err != nil || p.Subject != "alice" || p.Issuer != d.issuer || !p.HasScope("orders:write") || p.IsClient {
				t.Errorf("%v %s: %+v %v", source, alg, p, err)
			}
		}
		_, err = v.Validate(d.mint(t, map[string]any{"claims": user, "tamper": "signature"}))
		if !errors.Is(err, &Error{Code: InvalidSignature}) {
			t.Errorf("%v: tampered token: %v", source, err)
		}
		_, err = v.Validate(d.mint(t, map[string]any{"claims": map[string]any{"sub": "alice", "aud": "billing"}}))
		if !errors.Is(err, &Error{Code: InvalidAudience}) {
			t.Errorf("%v: other audience: %v", source, err)
		}
		// A rotated key is found by refetching the key set on its unknown kid.
		d.post(t, "/dev/rotate", map[string]any{})
		p, err := v.Validate(d.mint(t, map[string]any{"claims": user, "alg": "ES256"}))
		if err != nil || p.Subject != "alice" {
			t.Errorf("%v: after rotation: %v", source, err)
		}
		v.Close()
	}
}

func TestClientCredentialsTokenFromTheDevelopmentIssuer(t *testing.T) {
	d := startIssuer(t)
	form := url.Values{"grant_type": {"client_credentials"}, "audience": {"inventory"}, "scope": {"inventory:read"}}
	req, _ := http.NewRequest("POST", d.base+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("orders", "orders-dev-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("POST /token: %s %v", resp.Status, err)
	}
	v, err := NewValidator(map[string]any{"issuer": d.issuer, "audience": "inventory", "discovery": true,
		"allowed_clients": []string{"orders"}, "required_scopes": []string{"inventory:read"}})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	r, _ := http.NewRequest("GET", "/stock", nil)
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	p, err := v.Authenticate(r)
	if err != nil || !p.IsClient || p.ClientID != "orders" || !p.HasScope("inventory:read") {
		t.Fatalf("client token: %+v %v", p, err)
	}
	// Another service that only admits `reporting` refuses the orders service's token.
	v2, err := NewValidator(map[string]any{"issuer": d.issuer, "audience": "inventory", "discovery": true,
		"allowed_clients": []string{"reporting"}})
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	_, err = v2.Authenticate(r)
	var e *Error
	if !errors.As(err, &e) || e.Code != CallerNotAllowed || e.Status != 403 {
		t.Errorf("caller not allowed: %v", err)
	}
}

func TestUnreachableKeySource(t *testing.T) {
	d := startIssuer(t)
	token := d.mint(t, map[string]any{"claims": map[string]any{"sub": "alice", "aud": "orders"}})
	base, issuer := d.base, d.issuer
	d.Stop()
	v, err := NewValidator(map[string]any{"issuer": issuer, "audience": "orders", "jwks_url": base + "/jwks",
		"http_timeout_ms": 2000})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	_, err = v.Validate(token)
	var e *Error
	if !errors.As(err, &e) || e.Code != KeySourceUnavailable || e.Status != 503 || e.WWWAuthenticate != "" {
		t.Errorf("issuer down: %#v", err)
	}
	if err := v.Refresh(); !errors.Is(err, &Error{Code: KeySourceUnavailable}) {
		t.Errorf("Refresh with the issuer down: %v", err)
	}
}
