package meshauth

/*
#include "meshauth.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"time"
)

// Validator validates access tokens with one configuration. It is safe for concurrent use; create
// one per service and share it. Close releases it (idempotent); a finalizer is only a backstop.
type Validator struct {
	// mu guards ptr: calls hold it shared, Close holds it exclusively, so the C object is never
	// freed while a call is using it.
	mu  sync.RWMutex
	ptr *C.meshauth_validator
}

// NewValidator builds a validator from the configuration (docs/configuration.md): JSON text as []byte,
// string or json.RawMessage, or any value encoding/json turns into the configuration object
// (e.g. map[string]any). Invalid configuration is an *Error with Code InvalidConfig.
func NewValidator(cfg any) (*Validator, error) {
	text, err := configText(cfg)
	if err != nil {
		return nil, err
	}
	ptr, n := bytesArg(text)
	var v *C.meshauth_validator
	var e *C.meshauth_error
	r := C.meshauth_validator_new(ptr, n, &v, &e)
	runtime.KeepAlive(text)
	if r != C.MESHAUTH_OK {
		return nil, takeError(r, e)
	}
	out := &Validator{ptr: v}
	runtime.SetFinalizer(out, (*Validator).Close)
	return out, nil
}

// Close releases the validator. It is idempotent and waits for calls in flight; calls after
// Close fail with Code NullArgument.
func (v *Validator) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ptr != nil {
		C.meshauth_validator_free(v.ptr)
		v.ptr = nil
		runtime.SetFinalizer(v, nil)
	}
	return nil
}

// Validate validates a compact JWS against the current clock.
func (v *Validator) Validate(token string) (*Principal, error) {
	return v.validate(token, 0)
}

// ValidateAt validates with an explicit clock (whole seconds are used).
func (v *Validator) ValidateAt(token string, now time.Time) (*Principal, error) {
	return v.validate(token, clock(now))
}

func clock(now time.Time) int64 {
	s := now.Unix()
	if s == 0 {
		// 0 means "current time" in the C ABI; the epoch itself is never a useful clock.
		s = -1
	}
	return s
}

func (v *Validator) validate(token string, now int64) (*Principal, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	ptr, n := bytesArg(token)
	var p *C.meshauth_principal
	var e *C.meshauth_error
	r := C.meshauth_validator_validate(v.ptr, ptr, n, C.int64_t(now), &p, &e)
	runtime.KeepAlive(token)
	runtime.KeepAlive(v)
	if r != C.MESHAUTH_OK {
		return nil, takeError(r, e)
	}
	return takePrincipal(p)
}

// Refresh fetches every remote key set now (warm-up at start-up); a no-op for inline keys.
func (v *Validator) Refresh() error {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var e *C.meshauth_error
	r := C.meshauth_validator_refresh(v.ptr, &e)
	runtime.KeepAlive(v)
	if r != C.MESHAUTH_OK {
		return takeError(r, e)
	}
	return nil
}
