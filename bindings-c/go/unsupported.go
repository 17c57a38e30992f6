//go:build !(linux && amd64)

package meshauth

// The module carries a prebuilt libmeshauth.a for linux/amd64 only: on any other platform the
// build stops here, naming the problem, rather than with a list of undefined C symbols.
var _ = meshauth_has_no_prebuilt_library_for_this_platform__supported_platforms_are_linux_amd64
