/* meshauth from C: authenticate requests the way a service's HTTP handler would.
 *
 * Build (after `make c-build`):
 *   export PKG_CONFIG_PATH=$PWD/target/debug/pkgconfig
 *   cc examples/c/main.c $(pkg-config --cflags --libs meshauth) -Wl,-rpath,$(pkg-config --variable=libdir meshauth)
 *
 * The configuration uses an inline JWKS and a fixed clock so the example runs offline; a real
 * service configures `"discovery": true` or a `jwks_url` and passes now = 0 (the current time). */
#include <stdio.h>
#include <string.h>

#include "meshauth.h"

static const char CONFIG[] =
    "{\"issuer\": \"https://issuer.example\", \"audience\": \"orders\", \"token_type\": \"at+jwt\","
    " \"jwks\": {\"keys\": [{\"kty\": \"EC\", \"crv\": \"P-256\", \"kid\": \"example-1\", \"use\": \"sig\","
    " \"alg\": \"ES256\", \"x\": \"uqAtXnuNudmbx-wRvg8oWw64gEtnH6lQoWbelVQZFAg\","
    " \"y\": \"jsmKc5Mbsqs5aBFQnZv_UgYZdQgvZWyFOam-s5Bh0V4\"}]}}";

/* A user token for alice (scopes orders:read orders:write), valid from NOW for one hour. */
static const char TOKEN[] =
    "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImV4YW1wbGUtMSJ9."
    "eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwiYXVkIjoib3JkZXJzIiwic3ViIjoiYWxpY2UiLCJjbGllbnRfaWQiOiJ3ZWIt"
    "YXBwIiwic2NvcGUiOiJvcmRlcnM6cmVhZCBvcmRlcnM6d3JpdGUiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyOTIwMH0."
    "dAwmRXgLzAn-k7GIytUPva9mGOsBsZwd7pcbyrNl4ItwXL-svLxnQ6-0pL4IG1f2KpmdJjhvfi1WQGWy0GAMnw";
static const int64_t NOW = 1767225600;

/* What an HTTP handler does with one request's Authorization header (NULL: absent).
 * Returns the HTTP status it answered with. */
static int handle(const meshauth_validator *v, const char *authorization) {
    meshauth_principal *p = NULL;
    meshauth_error *err = NULL;
    meshauth_result r = meshauth_validator_authenticate_header(
        v, (const uint8_t *)authorization, authorization ? strlen(authorization) : 0, NULL, 0, NOW, &p, &err);
    if (r != MESHAUTH_OK) {
        int status = meshauth_error_http_status(err);
        const char *www = meshauth_error_www_authenticate(err);
        printf("HTTP %d  (%s: %s)\n", status ? status : 500, meshauth_error_code(err), meshauth_error_message(err));
        if (www) printf("  WWW-Authenticate: %s\n", www);
        meshauth_error_free(err);
        return status ? status : 500;
    }
    meshauth_str sub = meshauth_principal_subject(p);
    printf("HTTP 200  hello %.*s (%zu scopes, orders:write %s)\n", (int)sub.len, sub.data,
           meshauth_principal_scope_count(p),
           meshauth_principal_has_scope(p, (const uint8_t *)"orders:write", 12) ? "granted" : "missing");
    char *json = meshauth_principal_json(p); /* owned: free with meshauth_string_free */
    printf("  principal: %.120s...\n", json);
    meshauth_string_free(json);
    meshauth_principal_free(p);
    return 200;
}

int main(void) {
    printf("meshauth %s\n", meshauth_version());
    meshauth_validator *v = NULL;
    meshauth_error *err = NULL;
    if (meshauth_validator_new((const uint8_t *)CONFIG, strlen(CONFIG), &v, &err) != MESHAUTH_OK) {
        fprintf(stderr, "configuration refused: %s\n", meshauth_error_message(err));
        meshauth_error_free(err);
        return 1;
    }
    char bearer[1024];
    snprintf(bearer, sizeof bearer, "Bearer %s", TOKEN);
    int ok = handle(v, bearer) == 200;
    ok &= handle(v, NULL) == 401;                    /* no credentials */
    ok &= handle(v, "Bearer not.a.token") == 401;    /* malformed */
    ok &= handle(v, "Bearer") == 400;                /* invalid_request */
    meshauth_validator_free(v);
    return ok ? 0 : 1;
}
