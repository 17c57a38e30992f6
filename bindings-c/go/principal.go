package meshauth

/*
#include "meshauth.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"slices"
)

// Principal is the authenticated caller (docs/README.md, "The Principal").
type Principal struct {
	// Subject is `sub`; "" when the token has none.
	Subject string
	// Issuer is `iss` (the trusted issuer that accepted the token).
	Issuer string
	// Audiences is `aud` as a list.
	Audiences []string
	// ExpiresAt is `exp` in whole seconds since the epoch.
	ExpiresAt int64
	// IssuedAt is `iat` in whole seconds; nil when absent.
	IssuedAt *int64
	// NotBefore is `nbf` in whole seconds; nil when absent.
	NotBefore *int64
	// JWTID is `jti`; "" when absent.
	JWTID string
	// ClientID is `client_id`, else `azp`; "" when the token names no client.
	ClientID string
	// Scopes come from `scope` (space-separated) or `scp` (array).
	Scopes []string
	// Roles are the values at the configured roles claim (default `roles`).
	Roles []string
	// IsClient is true for a service's own client-credentials token rather than a user's.
	IsClient bool
	// Claims is the token's payload exactly as signed (decode it with your own types).
	Claims json.RawMessage
	// Token is the raw compact token, for forwarding to first-party services.
	Token string

	raw []byte
}

// principalJSON is the core's Principal JSON object.
type principalJSON struct {
	Subject   *string         `json:"subject"`
	Issuer    string          `json:"issuer"`
	Audiences []string        `json:"audiences"`
	ExpiresAt int64           `json:"expires_at"`
	IssuedAt  *int64          `json:"issued_at"`
	NotBefore *int64          `json:"not_before"`
	JWTID     *string         `json:"jwt_id"`
	ClientID  *string         `json:"client_id"`
	Scopes    []string        `json:"scopes"`
	Roles     []string        `json:"roles"`
	IsClient  bool            `json:"is_client"`
	Claims    json.RawMessage `json:"claims"`
	Token     string          `json:"token"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// takePrincipal converts an owned meshauth_principal into a *Principal and frees it.
func takePrincipal(p *C.meshauth_principal) (*Principal, error) {
	defer C.meshauth_principal_free(p)
	raw := []byte(takeString(C.meshauth_principal_json(p)))
	var j principalJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, &Error{Code: Panic, Number: 1002, Message: "the library's Principal JSON does not parse: " + err.Error()}
	}
	return &Principal{
		Subject: deref(j.Subject), Issuer: j.Issuer, Audiences: j.Audiences, ExpiresAt: j.ExpiresAt,
		IssuedAt: j.IssuedAt, NotBefore: j.NotBefore, JWTID: deref(j.JWTID), ClientID: deref(j.ClientID),
		Scopes: j.Scopes, Roles: j.Roles, IsClient: j.IsClient, Claims: j.Claims, Token: j.Token, raw: raw,
	}, nil
}

// AuthorizationHeader is the Authorization header value that forwards this caller's own token to
// a trusted first-party service ("Bearer <token>", the core's Principal::authorization_header).
// Never send it to a third party: exchange the token with TokenClient.JWTBearer or TokenExchange.
func (p *Principal) AuthorizationHeader() string {
	return "Bearer " + p.Token
}

// HasScope reports whether the Principal carries scope (exact match).
func (p *Principal) HasScope(scope string) bool {
	return slices.Contains(p.Scopes, scope)
}

// RequireScopes returns nil when the Principal carries every one of scopes (none: nothing is
// required), else an *Error with Code InsufficientScope, Status 403 and a WWWAuthenticate
// challenge that lists all of scopes (`Bearer error="insufficient_scope", …, scope="a b"`), ready
// for WriteError. Use it for per-route requirements; a validator's `required_scopes` applies the
// same rule to every request.
//
// The decision is the core's, as in every binding (meshauth_principal_require_scopes), made on
// the Principal's current fields, so a Principal built by hand (tests, WithPrincipal) works too.
// A nil Principal is an *Error with Code NullArgument.
func (p *Principal) RequireScopes(scopes ...string) error {
	if scopes == nil {
		scopes = []string{}
	}
	list, err := json.Marshal(scopes)
	if err != nil { // cannot happen for a []string
		return &Error{Code: Panic, Number: 1002, Message: "scopes: " + err.Error()}
	}
	return p.coreCall(func(cp *C.meshauth_principal, e **C.meshauth_error) C.meshauth_result {
		r := C.meshauth_principal_require_scopes(cp, (*C.uint8_t)(&list[0]), C.size_t(len(list)), e)
		runtime.KeepAlive(list)
		return r
	})
}

// RequireClients returns nil when the calling client (ClientID, else Subject: the core's
// client_id, else azp, else sub) is one of clients, else an *Error with Code CallerNotAllowed and
// Status 403, ready for WriteError. The decision is the core's, the same as a validator's
// `allowed_clients` (meshauth_principal_require_clients), for per-route requirements. A nil
// Principal is an *Error with Code NullArgument.
func (p *Principal) RequireClients(clients ...string) error {
	if clients == nil {
		clients = []string{}
	}
	list, err := json.Marshal(clients)
	if err != nil { // cannot happen for a []string
		return &Error{Code: Panic, Number: 1002, Message: "clients: " + err.Error()}
	}
	return p.coreCall(func(cp *C.meshauth_principal, e **C.meshauth_error) C.meshauth_result {
		r := C.meshauth_principal_require_clients(cp, (*C.uint8_t)(&list[0]), C.size_t(len(list)), e)
		runtime.KeepAlive(list)
		return r
	})
}

// coreCall runs call on the core's copy of p (NULL for a nil p).
func (p *Principal) coreCall(call func(*C.meshauth_principal, **C.meshauth_error) C.meshauth_result) error {
	var cp *C.meshauth_principal
	if p != nil {
		text, err := p.coreJSON()
		if err != nil {
			return &Error{Code: InvalidConfig, Number: 20, Message: "principal: " + err.Error()}
		}
		var e *C.meshauth_error
		r := C.meshauth_principal_from_json((*C.uint8_t)(&text[0]), C.size_t(len(text)), &cp, &e)
		runtime.KeepAlive(text)
		if r != C.MESHAUTH_OK {
			return takeError(r, e)
		}
		defer C.meshauth_principal_free(cp)
	}
	var e *C.meshauth_error
	if r := call(cp, &e); r != C.MESHAUTH_OK {
		return takeError(r, e)
	}
	return nil
}

// coreJSON is the Principal's fields as the core's Principal JSON object ("" strings are absent
// values, nil lists empty, no claims an empty object).
func (p *Principal) coreJSON() ([]byte, error) {
	optional := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	list := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	claims := p.Claims
	if len(claims) == 0 {
		claims = json.RawMessage("{}")
	}
	return json.Marshal(principalJSON{
		Subject: optional(p.Subject), Issuer: p.Issuer, Audiences: list(p.Audiences), ExpiresAt: p.ExpiresAt,
		IssuedAt: p.IssuedAt, NotBefore: p.NotBefore, JWTID: optional(p.JWTID), ClientID: optional(p.ClientID),
		Scopes: list(p.Scopes), Roles: list(p.Roles), IsClient: p.IsClient, Claims: claims, Token: p.Token,
	})
}

// JSON returns the Principal as the JSON object every meshauth binding exchanges (absent values
// are null, `claims` is the payload exactly as signed).
func (p *Principal) JSON() []byte {
	return slices.Clone(p.raw)
}
