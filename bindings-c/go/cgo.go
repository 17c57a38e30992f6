package meshauth

// The C library this package links, wasmtime-go style: the module carries the prebuilt static
// library per platform under lib/<GOOS>_<GOARCH>/ and the header under include/, so building needs
// only a C compiler. The extra libraries are what the Rust standard library needs when
// libmeshauth.a is linked statically (`rustc --print native-static-libs`).

/*
#cgo CFLAGS: -I${SRCDIR}/include
#cgo linux,amd64 LDFLAGS: ${SRCDIR}/lib/linux_amd64/libmeshauth.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
*/
import "C"
