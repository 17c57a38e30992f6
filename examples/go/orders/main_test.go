package main

// The orders demo run as a subprocess (this test binary re-executed as the service) against the
// development issuer, with a stub inventory service that authenticates its callers with meshauth.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	meshauth "github.com/meshauth/meshauth-go"
)

func TestMain(m *testing.M) {
	if os.Getenv("ORDERS_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// start runs argv with env and returns the URL from its first stdout line, which must match re.
func start(t *testing.T, re *regexp.Regexp, env []string, argv ...string) string {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		s.Scan()
		line <- s.Text()
		for s.Scan() {
		}
	}()
	select {
	case l := <-line:
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("%s said %q, want %s", argv[0], l, re)
		}
		return m[1]
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start", argv[0])
	}
	return ""
}

func call(t *testing.T, method, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s %s: %s: %v", method, url, resp.Status, err)
	}
	return resp.StatusCode, body
}

func TestOrdersDemo(t *testing.T) {
	bin := os.Getenv("MESHAUTH_ISSUER_BIN")
	if bin == "" {
		bin, _ = filepath.Abs("../../../target/debug/meshauth-issuer")
	}
	issuer := start(t, regexp.MustCompile(`^meshauth-issuer listening on (http://127\.0\.0\.1:\d+)$`), nil, bin, "--port", "0", "--dev-endpoints")
	mint := func(claims map[string]any) string {
		b, _ := json.Marshal(map[string]any{"claims": claims})
		resp, err := http.Post(issuer+"/dev/mint", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Token string }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return out.Token
	}

	// The stub inventory: authenticates its callers (audience inventory) and says who called.
	inventoryValidator, err := meshauth.NewValidator(map[string]any{"issuer": issuer, "audience": "inventory", "discovery": true})
	if err != nil {
		t.Fatal(err)
	}
	defer inventoryValidator.Close()
	var inventoryDown atomic.Bool
	inventory := httptest.NewServer(meshauth.Middleware(inventoryValidator)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inventoryDown.Load() {
			w.WriteHeader(503)
			_, _ = w.Write([]byte(`{"error":"maintenance"}`))
			return
		}
		p, _ := meshauth.PrincipalFrom(r.Context())
		_ = json.NewEncoder(w).Encode(map[string]any{"service": "inventory", "path": r.URL.Path,
			"caller": map[string]any{"subject": p.Subject, "client_id": p.ClientID, "is_client": p.IsClient}})
	})))
	defer inventory.Close()

	orders := start(t, regexp.MustCompile(`^orders listening on (http://127\.0\.0\.1:[1-9]\d*)$`),
		[]string{"ORDERS_RUN_MAIN=1", "MESHAUTH_ISSUER=" + issuer, "PORT=0", "INVENTORY_URL=" + inventory.URL}, os.Args[0])

	// 1. restock: orders' own client-credentials token, accepted by inventory.
	status, body := call(t, "POST", orders+"/restock", "")
	inv, _ := body["inventory"].(map[string]any)
	caller, _ := inv["caller"].(map[string]any)
	if status != 200 || body["service"] != "orders" || inv["path"] != "/items" || caller["client_id"] != "orders" ||
		caller["is_client"] != true {
		t.Errorf("restock: %d %v", status, body)
	}

	// 2. a user's request: the caller's own token is forwarded to inventory.
	alice := mint(map[string]any{"sub": "alice", "aud": []string{"orders", "inventory"}, "scope": "orders:read"})
	status, body = call(t, "GET", orders+"/orders", alice)
	inv, _ = body["inventory"].(map[string]any)
	seen, _ := inv["caller"].(map[string]any)
	me, _ := body["caller"].(map[string]any)
	if status != 200 || body["service"] != "orders" || me["subject"] != "alice" || me["is_client"] != false || me["client_id"] != nil ||
		seen["subject"] != "alice" || seen["is_client"] != false {
		t.Errorf("orders: %d %v", status, body)
	}
	if status, body = call(t, "GET", orders+"/orders", ""); status != 401 || body["error"] != "no_credentials" {
		t.Errorf("orders without a token: %d %v", status, body)
	}
	billingOnly := mint(map[string]any{"sub": "alice", "aud": "billing"})
	if status, body = call(t, "GET", orders+"/orders", billingOnly); status != 401 || body["error"] != "invalid_audience" {
		t.Errorf("orders with a token for billing: %d %v", status, body)
	}

	// 3. the caller's token exchanged for partner-api only.
	status, body = call(t, "POST", orders+"/share-with-partner", alice)
	partnerToken, _ := body["partner_token"].(string)
	if status != 200 || partnerToken == "" || body["scope"] != "partner:orders:read" ||
		strings.Join(toStrings(body["audiences"]), ",") != "partner-api" {
		t.Fatalf("share-with-partner: %d %v", status, body)
	}
	partner, _ := meshauth.NewValidator(map[string]any{"issuer": issuer, "audience": "partner-api", "discovery": true})
	defer partner.Close()
	if p, err := partner.Validate(partnerToken); err != nil || p.Subject != "alice" || len(p.Audiences) != 1 {
		t.Errorf("partner-api: %+v %v", p, err)
	}
	if _, err := inventoryValidator.Validate(partnerToken); err == nil {
		t.Error("inventory accepted the partner token")
	}
	if status, body = call(t, "POST", orders+"/share-with-partner", ""); status != 401 {
		t.Errorf("share-with-partner without a token: %d %v", status, body)
	}

	// Inventory failing: 502 with its status and error.
	inventoryDown.Store(true)
	status, body = call(t, "POST", orders+"/restock", "")
	if status != 502 || body["inventory_status"] != float64(503) || !strings.Contains(body["inventory_error"].(string), "maintenance") {
		t.Errorf("restock with inventory down: %d %v", status, body)
	}
}

func toStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, s := range list {
		str, _ := s.(string)
		out = append(out, str)
	}
	return out
}
