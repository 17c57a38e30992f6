package meshauth

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

type corpusCase struct {
	Name    string          `json:"name"`
	Config  json.RawMessage `json:"config"`
	Now     int64           `json:"now"`
	Token   *string         `json:"token"`
	Request *struct {
		Headers [][2]string  `json:"headers"`
		Cookies *[][2]string `json:"cookies"`
	} `json:"request"`
	Expect struct {
		OK              bool            `json:"ok"`
		Principal       json.RawMessage `json:"principal"`
		Claims          json.RawMessage `json:"claims"`
		Code            Code            `json:"code"`
		Status          *int            `json:"status"`
		WWWAuthenticate *string         `json:"www_authenticate"`
	} `json:"expect"`
}

func corpusPath() string {
	if p := os.Getenv("MESHAUTH_CORPUS"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "testdata", "corpus.json")
}

func loadCorpus(t *testing.T) []corpusCase {
	t.Helper()
	b, err := os.ReadFile(corpusPath())
	if err != nil {
		t.Fatalf("the corpus: %v", err)
	}
	var c struct {
		Format int          `json:"format"`
		Cases  []corpusCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("the corpus does not parse: %v", err)
	}
	if c.Format != 1 || len(c.Cases) == 0 {
		t.Fatalf("corpus format %d with %d cases", c.Format, len(c.Cases))
	}
	return c.Cases
}

func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			v, err := NewValidator(c.Config)
			if c.Expect.Code == InvalidConfig {
				checkFailure(t, nil, err, c)
				return
			}
			if err != nil {
				t.Fatalf("NewValidator: %v", err)
			}
			defer v.Close()
			now := time.Unix(c.Now, 0)
			switch {
			case c.Token != nil:
				p, err := v.ValidateAt(*c.Token, now)
				checkOutcome(t, p, err, c)
			case c.Request != nil:
				req := Request{Headers: c.Request.Headers}
				if c.Request.Cookies != nil {
					req.Cookies = *c.Request.Cookies
					if req.Cookies == nil {
						req.Cookies = [][2]string{}
					}
				}
				p, err := v.AuthenticateRequest(req, now)
				checkOutcome(t, p, err, c)
				if c.Request.Cookies == nil {
					// The same request through net/http gives the same answer.
					r := httptest.NewRequest("GET", "/", nil)
					for _, h := range c.Request.Headers {
						r.Header.Add(h[0], h[1])
					}
					p, err := v.AuthenticateAt(r, now)
					checkOutcome(t, p, err, c)
				}
			default:
				t.Fatal("case has neither token nor request")
			}
		})
	}
}

func checkOutcome(t *testing.T, p *Principal, err error, c corpusCase) {
	t.Helper()
	if !c.Expect.OK {
		checkFailure(t, p, err, c)
		return
	}
	if err != nil {
		t.Fatalf("want a Principal, got %v", err)
	}
	got, err := decodeExact(p.JSON())
	if err != nil {
		t.Fatalf("principal JSON: %v", err)
	}
	gotMap := got.(map[string]any)
	want, err := decodeExact(c.Expect.Principal)
	if err != nil {
		t.Fatalf("expected principal: %v", err)
	}
	for k, w := range want.(map[string]any) {
		if !jsonEqual(w, gotMap[k]) {
			t.Errorf("principal %s = %v, want %v", k, gotMap[k], w)
		}
	}
	if len(c.Expect.Claims) > 0 {
		wantClaims, _ := decodeExact(c.Expect.Claims)
		gotClaims, err := decodeExact(p.Claims)
		if err != nil || !jsonEqual(wantClaims, gotClaims) {
			t.Errorf("claims = %s, want %s", p.Claims, c.Expect.Claims)
		}
	}
	// The typed fields agree with the JSON form.
	str := func(k string) string { s, _ := gotMap[k].(string); return s }
	if p.Subject != str("subject") || p.Issuer != str("issuer") || p.ClientID != str("client_id") ||
		p.JWTID != str("jwt_id") || p.Token != str("token") || p.IsClient != gotMap["is_client"] {
		t.Errorf("typed fields disagree with the JSON: %+v", p)
	}
	if exp, _ := gotMap["expires_at"].(json.Number).Int64(); exp != p.ExpiresAt {
		t.Errorf("ExpiresAt %d, JSON %v", p.ExpiresAt, gotMap["expires_at"])
	}
	for _, s := range p.Scopes {
		if !p.HasScope(s) {
			t.Errorf("HasScope(%q) false", s)
		}
	}
	if p.HasScope("\x00 no such scope") {
		t.Error("HasScope of an absent scope")
	}
	// RequireScopes (the core's decision, through the Principal's fields): its own scopes pass;
	// one more is insufficient_scope listing them all.
	if err := p.RequireScopes(p.Scopes...); err != nil {
		t.Errorf("RequireScopes(own scopes %q): %v", p.Scopes, err)
	}
	required := append(slices.Clone(p.Scopes), "corpus:absent")
	wantInsufficient(t, p.RequireScopes(required...), strings.Join(required, " "))
}

func checkFailure(t *testing.T, p *Principal, err error, c corpusCase) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got a Principal for %q", c.Expect.Code, p.Subject)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not a *meshauth.Error", err)
	}
	if e.Code != c.Expect.Code {
		t.Errorf("code %s (%s), want %s", e.Code, e.Message, c.Expect.Code)
	}
	if !errors.Is(err, &Error{Code: c.Expect.Code}) {
		t.Errorf("errors.Is by code fails")
	}
	if c.Expect.Status != nil && e.Status != *c.Expect.Status {
		t.Errorf("status %d, want %d", e.Status, *c.Expect.Status)
	}
	if c.Expect.Status == nil && e.Status != 0 {
		t.Errorf("status %d, want none", e.Status)
	}
	want := ""
	if c.Expect.WWWAuthenticate != nil {
		want = *c.Expect.WWWAuthenticate
	}
	if e.WWWAuthenticate != want {
		t.Errorf("WWW-Authenticate %q, want %q", e.WWWAuthenticate, want)
	}
	if e.Number < 1 || e.Number > len(Codes()) || Codes()[e.Number-1].Code != e.Code {
		t.Errorf("number %d does not match code %s", e.Number, e.Code)
	}
	if strings.Contains(e.Error(), string(e.Code)) == false {
		t.Errorf("Error() %q lacks the code", e.Error())
	}
}
