package meshauth

/*
#include "meshauth.h"
*/
import "C"

import (
	"encoding/json"
	"net/http"
	"runtime"
	"sort"
	"time"
)

// Authenticate extracts the token from the request (Authorization: Bearer, or the configured
// cookie) and validates it against the current clock. The extraction rules are the core's:
// a missing token is NoCredentials, an ambiguous or malformed one InvalidRequest.
func (v *Validator) Authenticate(r *http.Request) (*Principal, error) {
	return v.authenticate(r.Header, 0)
}

// AuthenticateAt is Authenticate with an explicit clock.
func (v *Validator) AuthenticateAt(r *http.Request, now time.Time) (*Principal, error) {
	return v.authenticate(r.Header, clock(now))
}

// Request is a request as a framework other than net/http hands it over.
type Request struct {
	// Headers are (name, value) pairs in arrival order, duplicates kept.
	Headers [][2]string `json:"headers"`
	// Cookies are (name, value) pairs when the framework already parsed them; nil makes the core
	// parse the Cookie headers.
	Cookies [][2]string `json:"cookies"`
}

// AuthenticateRequest authenticates a Request at now (the zero time.Time means the current time).
func (v *Validator) AuthenticateRequest(req Request, now time.Time) (*Principal, error) {
	var t int64
	if !now.IsZero() {
		t = clock(now)
	}
	return v.authenticateJSON(req, t)
}

func (v *Validator) authenticate(h http.Header, now int64) (*Principal, error) {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names) // deterministic order across names; order within a name is kept
	req := Request{Headers: make([][2]string, 0, len(h))}
	for _, name := range names {
		for _, value := range h[name] {
			req.Headers = append(req.Headers, [2]string{name, value})
		}
	}
	return v.authenticateJSON(req, now)
}

func (v *Validator) authenticateJSON(req Request, now int64) (*Principal, error) {
	if req.Headers == nil {
		req.Headers = [][2]string{}
	}
	// encoding/json writes invalid UTF-8 as U+FFFD, so header bytes always reach the core, which
	// decides what such a value means. A nil Cookies is written as null.
	text, err := json.Marshal(req)
	if err != nil {
		return nil, &Error{Code: InvalidRequest, Number: 2, Message: "request: " + err.Error(), Status: 400}
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	var p *C.meshauth_principal
	var e *C.meshauth_error
	r := C.meshauth_validator_authenticate(v.ptr, (*C.uint8_t)(&text[0]), C.size_t(len(text)), C.int64_t(now), &p, &e)
	runtime.KeepAlive(text)
	runtime.KeepAlive(v)
	if r != C.MESHAUTH_OK {
		return nil, takeError(r, e)
	}
	return takePrincipal(p)
}
