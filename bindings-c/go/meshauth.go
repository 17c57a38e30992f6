// Package meshauth validates JWT access tokens for Go services, over the meshauth C ABI
// (libmeshauth.a, linked statically through cgo).
//
// Every decision — key sources, algorithms, claims, request extraction, error codes and their HTTP
// answers — is made by the meshauth core; this package converts Go values and maps errors.
//
// Build: the package links the prebuilt static library ${SRCDIR}/lib/<GOOS>_<GOARCH>/libmeshauth.a
// and includes ${SRCDIR}/include/meshauth.h (see cgo.go). The released module carries both
// (linux/amd64), so `go get` then `go build` needs only a C compiler. In a checkout of the meshauth
// repository, `make c-build` links them there from the cargo build.
//
// Usage:
//
//	v, err := meshauth.NewValidator(map[string]any{
//		"issuer": "https://issuer.example", "audience": "orders", "discovery": true,
//	})
//	if err != nil { ... }
//	defer v.Close()
//	http.Handle("/", meshauth.Middleware(v)(handler))          // or v.Authenticate(r)
//	// in the handler: p, _ := meshauth.PrincipalFrom(r.Context())
//
// Outgoing calls go through a *TokenClient (the service's own OAuth client): ClientCredentials
// for the service's own token, JWTBearer / TokenExchange to hand a user's token to a third party;
// Principal.AuthorizationHeader forwards the caller's own token to a first-party service.
//
// A *Validator and a *TokenClient are safe for concurrent use by many goroutines.
package meshauth

/*
#include <stdlib.h>
#include "meshauth.h"
*/
import "C"

import "unsafe"

// Version is the meshauth library version (e.g. "0.1.0").
func Version() string {
	return C.GoString(C.meshauth_version())
}

// HeaderVersion is the version of the C header this package was compiled against.
const HeaderVersion = C.MESHAUTH_VERSION

// bytesArg returns the (pointer, length) pair of s for a C call that borrows it. The Go memory is
// pinned by cgo for the duration of the call; s holds no Go pointers.
func bytesArg(s string) (*C.uint8_t, C.size_t) {
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// takeString copies an owned C string into Go and releases it with meshauth_string_free.
func takeString(s *C.char) string {
	if s == nil {
		return ""
	}
	defer C.meshauth_string_free(s)
	return C.GoString(s)
}
