package meshauth

/*
#include "meshauth.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"runtime"
	"sync"
)

// TokenClient obtains tokens for outgoing calls from one authorization server, as one OAuth client
// (docs/README.md, "Outgoing calls"): this service's own token (client credentials, cached and
// refreshed before expiry by the core), and user tokens exchanged for a third party (jwt-bearer,
// token exchange). It is safe for concurrent use; create one per service and share it. Close
// releases it (idempotent); a finalizer is only a backstop.
//
// Refusals by the authorization server are an *Error with Code TokenEndpointError and the
// server's OAuth error in OAuthError ("invalid_client", "invalid_target", "invalid_grant", …).
type TokenClient struct {
	// mu guards ptr: calls hold it shared, Close holds it exclusively.
	mu  sync.RWMutex
	ptr *C.meshauth_token_client
}

// TokenRequest holds the parameters of one token request; zero fields are left out (the client's
// configured defaults apply). Fields that do not apply to the grant are refused by the core
// (InvalidConfig).
type TokenRequest struct {
	Scope    []string `json:"scope,omitempty"`
	Audience string   `json:"audience,omitempty"`
	// Resource lists RFC 8707 resource indicators.
	Resource []string `json:"resource,omitempty"`
	// Token exchange only: the subject token's type and the type asked for (default: access token).
	SubjectTokenType   string `json:"subject_token_type,omitempty"`
	RequestedTokenType string `json:"requested_token_type,omitempty"`
	ActorToken         string `json:"actor_token,omitempty"`
	ActorTokenType     string `json:"actor_token_type,omitempty"`
	// UseClientToken (jwt-bearer, token exchange): authenticate with a client-credentials token of
	// this client whose audience is the authorization server (Authorization: Bearer), requested for
	// the purpose, never the token sent to other services. Not an OAuth standard: prefer
	// private_key_jwt.
	UseClientToken bool `json:"use_client_token,omitempty"`
}

// AccessToken is a token obtained from the authorization server. It is a credential: never log it.
type AccessToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	// ExpiresAt is when it expires, in seconds since the epoch; 0 when the server did not say.
	ExpiresAt int64  `json:"expires_at"`
	Scope     string `json:"scope"`
	// IssuedTokenType is the token exchange's issued_token_type; "" for the other grants.
	IssuedTokenType string `json:"issued_token_type"`

	header string
}

// AuthorizationHeader is the Authorization header value for an outgoing call ("Bearer <token>").
func (t *AccessToken) AuthorizationHeader() string {
	return t.header
}

// String never shows the credential.
func (t *AccessToken) String() string {
	return "AccessToken{TokenType: " + t.TokenType + ", Scope: " + t.Scope + ", access_token: <redacted>}"
}

// configText turns a configuration (JSON text as string, []byte, json.RawMessage, or any value
// encoding/json can write) into JSON text.
func configText(cfg any) (string, error) {
	switch c := cfg.(type) {
	case []byte:
		return string(c), nil
	case json.RawMessage:
		return string(c), nil
	case string:
		return c, nil
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", &Error{Code: InvalidConfig, Number: 20, Message: "configuration: " + err.Error()}
	}
	return string(b), nil
}

// NewTokenClient builds a token client from its configuration: `issuer` (discovery finds the
// token endpoint) or `token_endpoint`, `client_id`, `client_secret` (client_secret_basic, or
// `"client_auth": "client_secret_post"`) or `private_key_pem` (private_key_jwt), and optional
// defaults `scope`, `audience`, `resource`, plus `http_timeout_ms`, `allow_insecure_http`,
// `ca_bundle_pem` (PEM CA certificates of an internal PKI, trusted instead of the built-in roots). The
// configuration is JSON text ([]byte, string, json.RawMessage) or any value encoding/json turns
// into that object (e.g. map[string]any). No network I/O happens here.
func NewTokenClient(cfg any) (*TokenClient, error) {
	text, err := configText(cfg)
	if err != nil {
		return nil, err
	}
	ptr, n := bytesArg(text)
	var c *C.meshauth_token_client
	var e *C.meshauth_error
	r := C.meshauth_token_client_new(ptr, n, &c, &e)
	runtime.KeepAlive(text)
	if r != C.MESHAUTH_OK {
		return nil, takeError(r, e)
	}
	out := &TokenClient{ptr: c}
	runtime.SetFinalizer(out, (*TokenClient).Close)
	return out, nil
}

// Close releases the client. It is idempotent and waits for calls in flight; calls after Close
// fail with Code NullArgument.
func (c *TokenClient) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr != nil {
		C.meshauth_token_client_free(c.ptr)
		c.ptr = nil
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

func requestText(req TokenRequest) string {
	b, err := json.Marshal(req)
	if err != nil {
		panic("meshauth: a TokenRequest always marshals: " + err.Error())
	}
	return string(b)
}

// ClientCredentials returns this service's own token (RFC 6749 §4.4) for req, from the core's
// cache while it is fresh, else from the token endpoint.
//
// ctx bounds the wait: when it is done first, the call returns ctx.Err() while the request
// finishes in the background (bounded by http_timeout_ms; a token it obtains is cached).
func (c *TokenClient) ClientCredentials(ctx context.Context, req TokenRequest) (*AccessToken, error) {
	text := requestText(req)
	return c.call(ctx, func(ptr *C.meshauth_token_client, out **C.meshauth_access_token, e **C.meshauth_error) C.meshauth_result {
		p, n := bytesArg(text)
		r := C.meshauth_token_client_client_credentials(ptr, p, n, out, e)
		runtime.KeepAlive(text)
		return r
	})
}

// ClientCredentialsCached is ClientCredentials without any network I/O: (nil, nil) means the
// token must be fetched (call ClientCredentials).
func (c *TokenClient) ClientCredentialsCached(req TokenRequest) (*AccessToken, error) {
	text := requestText(req)
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, n := bytesArg(text)
	var t *C.meshauth_access_token
	var e *C.meshauth_error
	r := C.meshauth_token_client_client_credentials_cached(c.ptr, p, n, &t, &e)
	runtime.KeepAlive(text)
	runtime.KeepAlive(c)
	if r != C.MESHAUTH_OK {
		return nil, takeError(r, e)
	}
	if t == nil {
		return nil, nil
	}
	return takeAccessToken(t)
}

// JWTBearer exchanges the user JWT assertion (RFC 7523 §2.1) for a token meant for req.Audience —
// typically a third party, which must never receive the user's internal token itself. ctx as for
// ClientCredentials.
func (c *TokenClient) JWTBearer(ctx context.Context, assertion string, req TokenRequest) (*AccessToken, error) {
	text := requestText(req)
	return c.call(ctx, func(ptr *C.meshauth_token_client, out **C.meshauth_access_token, e **C.meshauth_error) C.meshauth_result {
		a, an := bytesArg(assertion)
		p, n := bytesArg(text)
		r := C.meshauth_token_client_jwt_bearer(ptr, a, an, p, n, out, e)
		runtime.KeepAlive(assertion)
		runtime.KeepAlive(text)
		return r
	})
}

// TokenExchange exchanges subject (RFC 8693) for a token meant for req.Audience. ctx as for
// ClientCredentials.
func (c *TokenClient) TokenExchange(ctx context.Context, subject string, req TokenRequest) (*AccessToken, error) {
	text := requestText(req)
	return c.call(ctx, func(ptr *C.meshauth_token_client, out **C.meshauth_access_token, e **C.meshauth_error) C.meshauth_result {
		s, sn := bytesArg(subject)
		p, n := bytesArg(text)
		r := C.meshauth_token_client_token_exchange(ptr, s, sn, p, n, out, e)
		runtime.KeepAlive(subject)
		runtime.KeepAlive(text)
		return r
	})
}

type tokenResult struct {
	token *AccessToken
	err   error
}

// call runs one blocking C call on its own goroutine so that ctx can end the wait.
func (c *TokenClient) call(ctx context.Context, run func(*C.meshauth_token_client, **C.meshauth_access_token, **C.meshauth_error) C.meshauth_result) (*AccessToken, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	done := make(chan tokenResult, 1)
	go func() {
		c.mu.RLock()
		defer c.mu.RUnlock()
		var t *C.meshauth_access_token
		var e *C.meshauth_error
		r := run(c.ptr, &t, &e)
		runtime.KeepAlive(c)
		if r != C.MESHAUTH_OK {
			done <- tokenResult{err: takeError(r, e)}
			return
		}
		tok, err := takeAccessToken(t)
		done <- tokenResult{tok, err}
	}()
	select {
	case res := <-done:
		return res.token, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// accessTokenJSON is the core's AccessToken JSON object.
type accessTokenJSON struct {
	AccessToken     string  `json:"access_token"`
	TokenType       string  `json:"token_type"`
	ExpiresAt       *int64  `json:"expires_at"`
	Scope           *string `json:"scope"`
	IssuedTokenType *string `json:"issued_token_type"`
}

// takeAccessToken converts an owned meshauth_access_token into an *AccessToken and frees it.
func takeAccessToken(t *C.meshauth_access_token) (*AccessToken, error) {
	defer C.meshauth_access_token_free(t)
	var j accessTokenJSON
	if err := json.Unmarshal([]byte(takeString(C.meshauth_access_token_json(t))), &j); err != nil {
		return nil, &Error{Code: Panic, Number: 1002, Message: "the library's AccessToken JSON does not parse: " + err.Error()}
	}
	out := &AccessToken{AccessToken: j.AccessToken, TokenType: j.TokenType, Scope: deref(j.Scope),
		IssuedTokenType: deref(j.IssuedTokenType), header: takeString(C.meshauth_access_token_authorization_header(t))}
	if j.ExpiresAt != nil {
		out.ExpiresAt = *j.ExpiresAt
	}
	return out, nil
}
