// A tiny orders service: every request is authenticated by meshauth's net/http middleware.
//
//	make c-build   # links the meshauth Go package to this checkout's libmeshauth.a
//	MESHAUTH_ISSUER=http://127.0.0.1:8400 go run .          # with `make issuer` running
//	curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8081/orders
//
// Environment: MESHAUTH_ISSUER (issuer URL; keys by discovery), MESHAUTH_AUDIENCE (default
// "orders"), MESHAUTH_REQUIRED_SCOPE (default none), ADDR (default 127.0.0.1:8081).
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"

	meshauth "github.com/meshauth/meshauth-go"
)

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func main() {
	cfg := map[string]any{
		"issuer":    env("MESHAUTH_ISSUER", "http://127.0.0.1:8400"),
		"audience":  env("MESHAUTH_AUDIENCE", "orders"),
		"discovery": true,
	}
	if scope := os.Getenv("MESHAUTH_REQUIRED_SCOPE"); scope != "" {
		cfg["required_scopes"] = []string{scope}
	}
	v, err := meshauth.NewValidator(cfg)
	if err != nil {
		log.Fatalf("meshauth configuration: %v", err)
	}
	defer v.Close()
	if err := v.Refresh(); err != nil {
		log.Printf("warning: keys not fetched yet (%v); they will be fetched on first use", err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/orders", func(w http.ResponseWriter, r *http.Request) {
		p, _ := meshauth.PrincipalFrom(r.Context())
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"caller":    p.Subject,
			"client_id": p.ClientID,
			"is_client": p.IsClient,
			"scopes":    p.Scopes,
			"orders":    []string{"o-1", "o-2"},
		})
	})
	addr := env("ADDR", "127.0.0.1:8081")
	log.Printf("orders service (meshauth %s) on http://%s", meshauth.Version(), addr)
	log.Fatal(http.ListenAndServe(addr, meshauth.Middleware(v)(mux)))
}
