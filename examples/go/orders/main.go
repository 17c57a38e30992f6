// orders: a Go service that is protected by meshauth and calls other services with it.
//
//	make c-build   # links the meshauth Go package to this checkout's libmeshauth.a
//	make issuer                                     # the development issuer on :8400
//	MESHAUTH_ISSUER=http://127.0.0.1:8400 INVENTORY_URL=http://127.0.0.1:8401 PORT=8403 go run ./orders
//
// Routes:
//   - POST /restock: orders calls inventory with its own client-credentials token.
//   - GET /orders (user token for orders): forwards the caller's own token to inventory.
//   - POST /share-with-partner (user token for orders): exchanges the caller's token (jwt-bearer)
//     for one meant only for partner-api; a third party never gets the internal token.
//
// Environment: MESHAUTH_ISSUER (required), INVENTORY_URL, PORT (0: any free port),
// ORDERS_CLIENT_ID / ORDERS_CLIENT_SECRET (default: the development issuer's orders client).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	meshauth "github.com/meshauth/meshauth-go"
)

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

var inventoryURL = env("INVENTORY_URL", "http://127.0.0.1:8401")
var httpClient = &http.Client{Timeout: 10 * time.Second}

// callInventory calls GET {INVENTORY_URL}/items with the given Authorization header and answers
// with `answer` plus inventory's JSON answer, or 502 with inventory's status and error.
func callInventory(w http.ResponseWriter, r *http.Request, authorization string, answer map[string]any) {
	req, _ := http.NewRequestWithContext(r.Context(), "GET", inventoryURL+"/items", nil)
	req.Header.Set("Authorization", authorization)
	resp, err := httpClient.Do(req)
	if err != nil {
		// The detail (internal URLs, the server's text) goes to the log, not to the caller.
		log.Printf("orders: inventory_unreachable: %v", err)
		reply(w, 502, map[string]any{"error": "inventory_unreachable", "error_description": "inventory could not be reached"})
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != 200 || !json.Valid(body) {
		reply(w, 502, map[string]any{"error": "inventory_error", "inventory_status": resp.StatusCode,
			"inventory_error": string(body)})
		return
	}
	answer["service"] = "orders"
	answer["inventory"] = json.RawMessage(body)
	reply(w, 200, answer)
}

func main() {
	issuer := os.Getenv("MESHAUTH_ISSUER")
	if issuer == "" {
		log.Fatal("set MESHAUTH_ISSUER to the issuer URL, e.g. http://127.0.0.1:8400")
	}
	// Incoming: tokens from `issuer` whose aud names orders; keys found by discovery.
	validator, err := meshauth.NewValidator(map[string]any{"issuer": issuer, "audience": "orders", "discovery": true})
	if err != nil {
		log.Fatalf("meshauth validator: %v", err)
	}
	defer validator.Close()
	// Outgoing: orders' own OAuth client at the same issuer (token endpoint found by discovery).
	tokens, err := meshauth.NewTokenClient(map[string]any{"issuer": issuer,
		"client_id": env("ORDERS_CLIENT_ID", "orders"), "client_secret": env("ORDERS_CLIENT_SECRET", "orders-dev-secret")})
	if err != nil {
		log.Fatalf("meshauth token client: %v", err)
	}
	defer tokens.Close()
	if err := validator.Refresh(); err != nil {
		log.Printf("orders: keys not fetched yet (%v); they will be fetched on first use", err)
	}

	protected := meshauth.Middleware(validator) // 401/403 with the catalogue's answer
	mux := http.NewServeMux()

	mux.HandleFunc("POST /restock", func(w http.ResponseWriter, r *http.Request) {
		// Service to service: orders' own token (cached and refreshed by meshauth).
		tok, err := tokens.ClientCredentials(r.Context(),
			meshauth.TokenRequest{Audience: "inventory", Scope: []string{"inventory:read"}})
		if err != nil {
			// The detail (internal URLs, the server's text) goes to the log, not to the caller.
			log.Printf("orders: token_request_failed: %v", err)
			reply(w, 502, map[string]any{"error": "token_request_failed", "error_description": "the authorization server refused the request"})
			return
		}
		callInventory(w, r, tok.AuthorizationHeader(), map[string]any{})
	})

	mux.Handle("GET /orders", protected(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := meshauth.PrincipalFrom(r.Context())
		var clientID any // null when the token names no client
		if p.ClientID != "" {
			clientID = p.ClientID
		}
		caller := map[string]any{"subject": p.Subject, "client_id": clientID, "is_client": p.IsClient, "scopes": p.Scopes}
		// First party: inventory trusts the same issuer, so the caller's own token is forwarded.
		callInventory(w, r, p.AuthorizationHeader(), map[string]any{"caller": caller})
	})))

	mux.Handle("POST /share-with-partner", protected(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := meshauth.PrincipalFrom(r.Context())
		// Third party: never forward the internal token; exchange it for one naming only partner-api.
		tok, err := tokens.JWTBearer(r.Context(), p.Token,
			meshauth.TokenRequest{Audience: "partner-api", Scope: []string{"partner:orders:read"}})
		if err != nil {
			// The detail (internal URLs, the server's text) goes to the log, not to the caller.
			log.Printf("orders: token_exchange_failed: %v", err)
			reply(w, 502, map[string]any{"error": "token_exchange_failed", "error_description": "the authorization server refused the request"})
			return
		}
		// Demo only: a real service would now call the partner with tok.AuthorizationHeader().
		reply(w, 200, map[string]any{"partner_token": tok.AccessToken, "audiences": []string{"partner-api"}, "scope": tok.Scope})
	})))

	ln, err := net.Listen("tcp", "127.0.0.1:"+env("PORT", "8403"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("orders listening on http://%s\n", ln.Addr()) // os.Stdout is unbuffered
	log.Fatal(http.Serve(ln, mux))
}
