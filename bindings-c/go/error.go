package meshauth

/*
#include "meshauth.h"
*/
import "C"

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
)

// Code is a stable snake_case error code from meshauth's catalogue (docs/errors.md).
type Code string

// The catalogue, in number order (Number 1..20). Codes are public API and never change.
const (
	NoCredentials        Code = "no_credentials"
	InvalidRequest       Code = "invalid_request"
	TokenTooLarge        Code = "token_too_large"
	MalformedToken       Code = "malformed_token"
	UnsupportedToken     Code = "unsupported_token"
	AlgorithmNotAllowed  Code = "algorithm_not_allowed"
	KeyNotFound          Code = "key_not_found"
	InvalidSignature     Code = "invalid_signature"
	InvalidClaim         Code = "invalid_claim"
	MissingClaim         Code = "missing_claim"
	TokenExpired         Code = "token_expired"
	TokenNotYetValid     Code = "token_not_yet_valid"
	InvalidIssuer        Code = "invalid_issuer"
	InvalidAudience      Code = "invalid_audience"
	InvalidTokenType     Code = "invalid_token_type"
	InsufficientScope    Code = "insufficient_scope"
	CallerNotAllowed     Code = "caller_not_allowed"
	KeySourceUnavailable Code = "key_source_unavailable"
	TokenEndpointError   Code = "token_endpoint_error"
	InvalidConfig        Code = "invalid_config"
)

// Failures of the binding boundary itself (never produced by the core): numbers 1000+.
const (
	// NullArgument: a required argument was missing (e.g. a closed Validator).
	NullArgument Code = "null_argument"
	// InvalidUTF8: a configuration, request or header string was not valid UTF-8 (a token to
	// validate that is not UTF-8 is MalformedToken).
	InvalidUTF8 Code = "invalid_utf8"
	// Panic: a bug inside the library, caught at the boundary.
	Panic Code = "panic"
)

// Error is every failure meshauth reports. Use errors.As to read it:
//
//	var e *meshauth.Error
//	if errors.As(err, &e) && e.Code == meshauth.TokenExpired { ... }
//
// errors.Is(err, &meshauth.Error{Code: meshauth.TokenExpired}) also works (codes compare).
type Error struct {
	Code    Code   `json:"code"`
	Number  int    `json:"number"`
	Message string `json:"message"`
	// Status is the HTTP status a resource server answers with (400, 401, 403, 503); 0 for none.
	Status int `json:"-"`
	// WWWAuthenticate is the exact WWW-Authenticate header value to send; "" for none.
	WWWAuthenticate string `json:"-"`
	// OAuthError is the authorization server's OAuth `error` for token_endpoint_error; else "".
	OAuthError string `json:"-"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("meshauth: %s: %s", e.Code, e.Message)
}

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// errorJSON is the core's error object, as meshauth_error_json hands it over.
type errorJSON struct {
	Code            Code    `json:"code"`
	Number          int     `json:"number"`
	Message         string  `json:"message"`
	Status          *int    `json:"status"`
	WWWAuthenticate *string `json:"www_authenticate"`
	OAuthError      *string `json:"oauth_error"`
}

// takeError converts an owned meshauth_error into an *Error and frees it. A NULL error (the C
// call could not allocate one) still yields an *Error from the result code.
func takeError(result C.meshauth_result, e *C.meshauth_error) *Error {
	if e == nil {
		return &Error{Code: Code(C.GoString(C.meshauth_result_name(C.uint32_t(result)))), Number: int(result),
			Message: "no error details"}
	}
	defer C.meshauth_error_free(e)
	var j errorJSON
	if err := json.Unmarshal([]byte(takeString(C.meshauth_error_json(e))), &j); err != nil {
		return &Error{Code: Code(C.GoString(C.meshauth_error_code(e))), Number: int(C.meshauth_error_number(e)),
			Message: C.GoString(C.meshauth_error_message(e)), Status: int(C.meshauth_error_http_status(e))}
	}
	out := &Error{Code: j.Code, Number: j.Number, Message: j.Message}
	if j.Status != nil {
		out.Status = *j.Status
	}
	if j.WWWAuthenticate != nil {
		out.WWWAuthenticate = *j.WWWAuthenticate
	}
	if j.OAuthError != nil {
		out.OAuthError = *j.OAuthError
	}
	return out
}

// NewError is the catalogue error of code, with the catalogue's description as its message: its
// Status and WWWAuthenticate are the core's, so a handler that refuses a request itself answers
// exactly like a refused token:
//
//	meshauth.WriteError(w, meshauth.NewError(meshauth.CallerNotAllowed)) // 403
//
// A code the catalogue does not have gives an *Error with Code InvalidConfig (no HTTP status:
// WriteError answers 500).
func NewError(code Code) *Error {
	return NewErrorMessage(code, "")
}

// NewErrorMessage is NewError with the operator's detail as the message ("" for the catalogue's
// description). The message never reaches the caller: WriteError sends the fixed description.
func NewErrorMessage(code Code, message string) *Error {
	c, clen := bytesArg(string(code))
	var m *C.uint8_t // NULL: the catalogue's description
	var mlen C.size_t
	if message != "" {
		m, mlen = bytesArg(message)
	}
	var out, e *C.meshauth_error
	r := C.meshauth_error_new(c, clen, m, mlen, &out, &e)
	runtime.KeepAlive(code)
	runtime.KeepAlive(message)
	if r != C.MESHAUTH_OK {
		return takeError(r, e)
	}
	return takeError(C.meshauth_error_result(out), out)
}

// CodeInfo describes one catalogue code.
type CodeInfo struct {
	Code        Code   `json:"code"`
	Number      int    `json:"number"`
	Status      int    `json:"status"` // 0: no HTTP status
	Description string `json:"description"`
}

var (
	codesOnce sync.Once
	codes     []CodeInfo
)

// Codes lists the core's whole error catalogue, in number order.
func Codes() []CodeInfo {
	codesOnce.Do(func() {
		if err := json.Unmarshal([]byte(C.GoString(C.meshauth_error_codes())), &codes); err != nil {
			panic("meshauth: the library's code list does not parse: " + err.Error())
		}
	})
	return append([]CodeInfo(nil), codes...)
}

// Description is the fixed, token-independent description of a catalogue code ("" if unknown).
func (c Code) Description() string {
	for _, info := range Codes() {
		if info.Code == c {
			return info.Description
		}
	}
	return ""
}
