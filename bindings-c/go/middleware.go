package meshauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

type contextKey struct{}

// PrincipalFrom returns the Principal that Middleware stored in the request context.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(contextKey{}).(*Principal)
	return p, ok
}

// WithPrincipal returns a copy of ctx carrying p (what Middleware does; useful in tests).
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, contextKey{}, p)
}

// Middleware authenticates every request with v. On success the next handler runs with the
// Principal in the request context (PrincipalFrom). On failure it answers with the error's HTTP
// status, its exact WWW-Authenticate value (when the code has one) and the JSON body
// {"error": "<code>", "error_description": "<the catalogue's fixed description>"}, as every
// meshauth binding's middleware does. The error's Message is the operator's detail (it may name an
// internal URL, without query or userinfo, or quote the authorization server): log it, it never
// reaches the caller. Failures without an HTTP status (configuration, a closed validator, a bug)
// answer 500.
func Middleware(v *Validator) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := v.Authenticate(r)
			if err != nil {
				WriteError(w, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
		})
	}
}

// WriteError answers an authentication failure as Middleware does. A handler that refuses a
// request itself passes NewError(code) (e.g. NewError(CallerNotAllowed): 403) and gets the same
// catalogue answer. An error that is not a meshauth *Error (errors.New("db down")) answers 500
// with {"error": "server_error", "error_description": "internal error"}: its text never reaches
// the caller.
func WriteError(w http.ResponseWriter, err error) {
	status, body := http.StatusInternalServerError, map[string]string{"error": "server_error", "error_description": "internal error"}
	var e *Error
	if errors.As(err, &e) {
		description := e.Code.Description()
		if description == "" {
			description = "internal error"
		}
		body = map[string]string{"error": string(e.Code), "error_description": description}
		if e.Status != 0 {
			status = e.Status
		}
		if e.WWWAuthenticate != "" {
			w.Header().Set("WWW-Authenticate", e.WWWAuthenticate)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// RequireScopes is per-route middleware placed after Middleware: next runs only when the
// request's Principal carries every scope; otherwise it answers the core's 403
// insufficient_scope (its WWW-Authenticate lists the scopes). Without a Principal in the context
// (Middleware not applied) it answers 500.
func RequireScopes(scopes ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := PrincipalFrom(r.Context())
			if !ok {
				WriteError(w, errors.New("meshauth.RequireScopes needs meshauth.Middleware before it"))
				return
			}
			if err := p.RequireScopes(scopes...); err != nil {
				WriteError(w, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// RequireClients is per-route middleware placed after Middleware: next runs only when the
// request's Principal names one of clients as its caller (client_id, else azp, else sub: the
// core's decision, the same as a validator's `allowed_clients`); otherwise it answers the core's
// 403 caller_not_allowed. Without a Principal in the context (Middleware not applied) it answers
// 500.
func RequireClients(clients ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := PrincipalFrom(r.Context())
			if !ok {
				WriteError(w, errors.New("meshauth.RequireClients needs meshauth.Middleware before it"))
				return
			}
			if err := p.RequireClients(clients...); err != nil {
				WriteError(w, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
