/* The C ABI's contract beyond the corpus: NULL arguments, out-parameters written only on success,
 * _free(NULL), invalid UTF-8, error objects, the code list, sharing a validator between threads. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"
#include "meshauth.h"

#define U8(s) ((const uint8_t *)(s))

static const char CONFIG[] =
    "{\"issuer\":\"https://issuer.example\",\"audience\":\"orders\",\"pem\":"
    "\"-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWN27W14UdHaHBS6vspJWS6HiIsQA\\n"
    "H42aKAsvzLj4ETsjhvw0B/PErnKWFfkDjYjE8ulmXJPzzlNqsWRiidHjHA==\\n-----END PUBLIC KEY-----\\n\"}";

static meshauth_principal *const SENTINEL_P = (meshauth_principal *)0x1;
static meshauth_validator *const SENTINEL_V = (meshauth_validator *)0x1;

/* Run a failing call (which writes `err`), then check its error object and free it. */
#define EXPECT(call, want, code)                  \
    do {                                          \
        err = NULL;                               \
        meshauth_result r_ = (call);              \
        expect_error(r_, err, want, code);        \
    } while (0)

/* Check a failed call's error object and free it. */
static void expect_error(meshauth_result r, meshauth_error *err, meshauth_result want, const char *code) {
    CHECK_MSG(r == want, "result %u (%s), want %u", (unsigned)r, meshauth_result_name(r), (unsigned)want);
    if (!CHECK(err != NULL)) return;
    CHECK(meshauth_error_result(err) == want);
    CHECK_MSG(!strcmp(meshauth_error_code(err), code), "code %s, want %s", meshauth_error_code(err), code);
    CHECK(meshauth_error_number(err) == (uint32_t)want);
    CHECK(meshauth_error_message(err) != NULL && meshauth_error_message(err)[0] != 0);
    char *json = meshauth_error_json(err);
    jval *j = json ? json_parse(json, strlen(json), NULL) : NULL;
    const jval *jc = json_get(j, "code");
    CHECK(jc && jc->type == J_STR && !strcmp(jc->str, code));
    const jval *js = json_get(j, "status");
    CHECK(js && (js->type == J_NULL ? meshauth_error_http_status(err) == 0
                                    : (unsigned)atoi(js->str) == meshauth_error_http_status(err)));
    json_free(j);
    meshauth_string_free(json);
    meshauth_error_free(err);
}

static void test_version_and_codes(void) {
    check_context = "version";
    CHECK(!strcmp(meshauth_version(), MESHAUTH_VERSION));
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", MESHAUTH_VERSION_MAJOR, MESHAUTH_VERSION_MINOR, MESHAUTH_VERSION_PATCH);
    CHECK(!strcmp(want, MESHAUTH_VERSION));

    check_context = "codes";
    const char *codes = meshauth_error_codes();
    jval *list = codes ? json_parse(codes, strlen(codes), NULL) : NULL;
    CHECK(list && list->type == J_ARR && list->n == meshauth_error_code_count() && list->n == 20);
    for (size_t i = 0; list && i < list->n; i++) {
        const jval *row = &list->items[i];
        const jval *code = json_get(row, "code"), *number = json_get(row, "number"), *status = json_get(row, "status");
        CHECK(number && (size_t)atoi(number->str) == i + 1);
        CHECK(code && meshauth_result_name((uint32_t)(i + 1)) && !strcmp(meshauth_result_name((uint32_t)(i + 1)), code->str));
        CHECK(status && (status->type == J_NULL || status->type == J_NUM));
        CHECK(json_get(row, "description") != NULL);
    }
    json_free(list);
    /* The enum carries the catalogue's numbers. */
    CHECK(!strcmp(meshauth_result_name(MESHAUTH_NO_CREDENTIALS), "no_credentials"));
    CHECK(!strcmp(meshauth_result_name(MESHAUTH_TOKEN_EXPIRED), "token_expired"));
    CHECK(!strcmp(meshauth_result_name(MESHAUTH_INSUFFICIENT_SCOPE), "insufficient_scope"));
    CHECK(!strcmp(meshauth_result_name(MESHAUTH_INVALID_CONFIG), "invalid_config"));
    CHECK(!strcmp(meshauth_result_name(MESHAUTH_OK), "ok"));
    CHECK(!strcmp(meshauth_result_name(MESHAUTH_NULL_ARGUMENT), "null_argument"));
    CHECK(!strcmp(meshauth_result_name(MESHAUTH_INVALID_UTF8), "invalid_utf8"));
    CHECK(!strcmp(meshauth_result_name(MESHAUTH_PANIC), "panic"));
    CHECK(meshauth_result_name(21) == NULL && meshauth_result_name(999) == NULL && meshauth_result_name(5000) == NULL);
}

static void test_free_null(void) {
    check_context = "free(NULL)";
    meshauth_validator_free(NULL);
    meshauth_principal_free(NULL);
    meshauth_error_free(NULL);
    meshauth_string_free(NULL);
    meshauth_token_client_free(NULL);
    meshauth_access_token_free(NULL);
    CHECK(1);
}

static void test_null_accessors(void) {
    check_context = "accessors(NULL)";
    CHECK(meshauth_error_result(NULL) == MESHAUTH_NULL_ARGUMENT);
    CHECK(meshauth_error_code(NULL) == NULL);
    CHECK(meshauth_error_number(NULL) == 0);
    CHECK(meshauth_error_message(NULL) == NULL);
    CHECK(meshauth_error_http_status(NULL) == 0);
    CHECK(meshauth_error_www_authenticate(NULL) == NULL);
    CHECK(meshauth_error_oauth_error(NULL) == NULL);
    CHECK(meshauth_error_json(NULL) == NULL);
    CHECK(meshauth_principal_json(NULL) == NULL);
    CHECK(meshauth_principal_claims_json(NULL).data == NULL);
    CHECK(meshauth_principal_subject(NULL).data == NULL);
    CHECK(meshauth_principal_issuer(NULL).data == NULL);
    CHECK(meshauth_principal_client_id(NULL).data == NULL);
    CHECK(meshauth_principal_jwt_id(NULL).data == NULL);
    CHECK(meshauth_principal_token(NULL).data == NULL);
    CHECK(meshauth_principal_authorization_header(NULL) == NULL);
    CHECK(meshauth_access_token_value(NULL) == NULL);
    CHECK(meshauth_access_token_json(NULL) == NULL);
    CHECK(meshauth_access_token_authorization_header(NULL) == NULL);
    CHECK(!meshauth_access_token_expires_at(NULL, &(int64_t){42}));
    CHECK(meshauth_principal_expires_at(NULL) == 0);
    int64_t t = 42;
    CHECK(!meshauth_principal_issued_at(NULL, &t) && t == 42);
    CHECK(!meshauth_principal_not_before(NULL, &t) && t == 42);
    CHECK(!meshauth_principal_is_client(NULL));
    CHECK(meshauth_principal_scope_count(NULL) == 0);
    CHECK(meshauth_principal_scope(NULL, 0).data == NULL);
    CHECK(!meshauth_principal_has_scope(NULL, U8("a"), 1));
    CHECK(meshauth_principal_audience_count(NULL) == 0);
    CHECK(meshauth_principal_audience(NULL, 0).data == NULL);
    CHECK(meshauth_principal_role_count(NULL) == 0);
    CHECK(meshauth_principal_role(NULL, 0).data == NULL);
}

static void test_validator_new(void) {
    check_context = "validator_new";
    meshauth_validator *v = SENTINEL_V;
    meshauth_error *err = NULL;

    EXPECT(meshauth_validator_new(U8(CONFIG), strlen(CONFIG), NULL, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    EXPECT(meshauth_validator_new(NULL, 5, &v, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    CHECK(v == SENTINEL_V);
    /* err may be NULL: the result code still tells what happened. */
    CHECK(meshauth_validator_new(NULL, 5, &v, NULL) == MESHAUTH_NULL_ARGUMENT && v == SENTINEL_V);

    err = NULL;
    EXPECT(meshauth_validator_new(U8("{\"issuer\":\"\xff\"}"), 14, &v, &err), MESHAUTH_INVALID_UTF8, "invalid_utf8");
    CHECK(v == SENTINEL_V);
    err = NULL;
    EXPECT(meshauth_validator_new(U8(CONFIG), SIZE_MAX, &v, &err), MESHAUTH_INVALID_LENGTH, "invalid_length");
    CHECK(v == SENTINEL_V);

    const char *bad[] = {
        "", "{", "[]", "null", "{\"issuer\":\"https://issuer.example\",\"audience\":\"orders\",\"pem\":\"x\",\"no_such_field\":1}",
        "{\"issuer\":\"https://issuer.example\",\"audience\":\"orders\",\"leeway_s\":\"sixty\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = NULL;
        meshauth_result r = meshauth_validator_new(U8(bad[i]), strlen(bad[i]), &v, &err);
        CHECK(v == SENTINEL_V);
        CHECK(err == NULL || meshauth_error_www_authenticate(err) == NULL);
        expect_error(r, err, MESHAUTH_INVALID_CONFIG, "invalid_config");
    }
    /* NULL with length 0 is the empty input, not a NULL argument. */
    err = NULL;
    EXPECT(meshauth_validator_new(NULL, 0, &v, &err), MESHAUTH_INVALID_CONFIG, "invalid_config");

    err = NULL;
    v = NULL;
    CHECK_MSG(meshauth_validator_new(U8(CONFIG), strlen(CONFIG), &v, &err) == MESHAUTH_OK && v && !err, "%s",
              err ? meshauth_error_message(err) : "");
    meshauth_error_free(err);
    meshauth_validator_free(v);
}

static meshauth_validator *make_validator(void) {
    meshauth_validator *v = NULL;
    if (meshauth_validator_new(U8(CONFIG), strlen(CONFIG), &v, NULL) != MESHAUTH_OK) return NULL;
    return v;
}

static void test_validate_arguments(meshauth_validator *v) {
    check_context = "validate";
    meshauth_principal *p = SENTINEL_P;
    meshauth_error *err = NULL;
    EXPECT(meshauth_validator_validate(NULL, U8("a.b.c"), 5, 0, &p, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    EXPECT(meshauth_validator_validate(v, U8("a.b.c"), 5, 0, NULL, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    EXPECT(meshauth_validator_validate(v, NULL, 5, 0, &p, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    /* A token is bytes: not UTF-8 is a malformed token (HTTP 401), not a boundary failure. */
    EXPECT(meshauth_validator_validate(v, U8("a.\xc3\x28.c"), 6, 0, &p, &err), MESHAUTH_MALFORMED_TOKEN, "malformed_token");
    CHECK(p == SENTINEL_P);

    /* A length above PTRDIFF_MAX (a negative length cast to size_t, say) is refused at the
     * boundary before the pointer is read: no abort, no out-of-bounds read under ASan. */
    const size_t huge[] = {SIZE_MAX, (size_t)PTRDIFF_MAX + 1};
    for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
        err = NULL;
        EXPECT(meshauth_validator_validate(v, U8("a.b.c"), huge[i], 0, &p, &err), MESHAUTH_INVALID_LENGTH, "invalid_length");
        CHECK(p == SENTINEL_P);
        err = NULL;
        EXPECT(meshauth_validator_validate_cached(v, U8("a.b.c"), huge[i], 0, &p, &err), MESHAUTH_INVALID_LENGTH,
               "invalid_length");
        CHECK(p == SENTINEL_P);
    }
    CHECK(!strcmp(meshauth_result_name(MESHAUTH_INVALID_LENGTH), "invalid_length"));

    /* Token failures come from the core with their catalogue code, status and challenge. */
    err = NULL;
    meshauth_result r = meshauth_validator_validate(v, U8("not-a-jwt"), 9, 1767225600, &p, &err);
    CHECK(p == SENTINEL_P);
    expect_error(r, err, MESHAUTH_MALFORMED_TOKEN, "malformed_token");
    err = NULL;
    r = meshauth_validator_validate(v, U8("a.b.c.d.e"), 9, 0, &p, &err);
    CHECK(err && meshauth_error_http_status(err) == 401 && meshauth_error_www_authenticate(err) &&
          !strncmp(meshauth_error_www_authenticate(err), "Bearer error=\"invalid_token\"", 28));
    expect_error(r, err, MESHAUTH_UNSUPPORTED_TOKEN, "unsupported_token");
    CHECK(p == SENTINEL_P);
}

static void test_authenticate_arguments(meshauth_validator *v) {
    check_context = "authenticate";
    meshauth_principal *p = SENTINEL_P;
    meshauth_error *err = NULL;
    const char *req = "{\"headers\":[],\"cookies\":null}";
    EXPECT(meshauth_validator_authenticate(NULL, U8(req), strlen(req), 0, &p, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    EXPECT(meshauth_validator_authenticate(v, U8(req), strlen(req), 0, NULL, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    EXPECT(meshauth_validator_authenticate(v, NULL, 3, 0, &p, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    EXPECT(meshauth_validator_authenticate(v, U8("{\"headers\":[[\"a\",\"\xff\"]]}"), 19, 0, &p, &err),
                 MESHAUTH_INVALID_UTF8, "invalid_utf8");
    /* The request JSON's format is the core's: anything else is invalid_request (HTTP 400). */
    const char *bad[] = {"", "{\"headers\":{}}", "{\"headers\":[],\"extra\":1}", "{\"headers\":[[\"a\"]]}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = NULL;
        meshauth_result r = meshauth_validator_authenticate(v, U8(bad[i]), strlen(bad[i]), 0, &p, &err);
        CHECK(err && meshauth_error_http_status(err) == 400);
        expect_error(r, err, MESHAUTH_INVALID_REQUEST, "invalid_request");
    }
    CHECK(p == SENTINEL_P);

    err = NULL;
    meshauth_result r = meshauth_validator_authenticate(v, U8(req), strlen(req), 0, &p, &err);
    CHECK(err && meshauth_error_http_status(err) == 401 && meshauth_error_www_authenticate(err) &&
          !strcmp(meshauth_error_www_authenticate(err), "Bearer"));
    expect_error(r, err, MESHAUTH_NO_CREDENTIALS, "no_credentials");

    check_context = "authenticate_header";
    err = NULL;
    EXPECT(meshauth_validator_authenticate_header(NULL, NULL, 0, NULL, 0, 0, &p, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    EXPECT(meshauth_validator_authenticate_header(v, NULL, 0, NULL, 0, 0, NULL, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    EXPECT(meshauth_validator_authenticate_header(v, U8("Bearer \xff"), 8, NULL, 0, 0, &p, &err),
                 MESHAUTH_INVALID_UTF8, "invalid_utf8");
    err = NULL;
    EXPECT(meshauth_validator_authenticate_header(v, NULL, 0, U8("a=\xff"), 3, 0, &p, &err),
                 MESHAUTH_INVALID_UTF8, "invalid_utf8");
    err = NULL;
    /* NULL = absent header; with neither, the core answers no_credentials. */
    EXPECT(meshauth_validator_authenticate_header(v, NULL, 99, NULL, 99, 0, &p, &err), MESHAUTH_NO_CREDENTIALS, "no_credentials");
    err = NULL;
    EXPECT(meshauth_validator_authenticate_header(v, U8("Bearer"), 6, NULL, 0, 0, &p, &err), MESHAUTH_INVALID_REQUEST, "invalid_request");
    err = NULL;
    EXPECT(meshauth_validator_authenticate_header(v, U8("Basic Zm9vOmJhcg=="), 18, NULL, 0, 0, &p, &err),
                 MESHAUTH_NO_CREDENTIALS, "no_credentials");
    err = NULL;
    EXPECT(meshauth_validator_authenticate_header(v, U8("Bearer not-a-jwt"), 16, NULL, 0, 0, &p, &err),
                 MESHAUTH_MALFORMED_TOKEN, "malformed_token");
    CHECK(p == SENTINEL_P);
}

static void test_refresh(meshauth_validator *v) {
    check_context = "refresh";
    meshauth_error *err = NULL;
    EXPECT(meshauth_validator_refresh(NULL, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    meshauth_result r = meshauth_validator_refresh(v, &err);
    CHECK_MSG(r == MESHAUTH_OK && err == NULL, "refresh with inline keys: %s", err ? meshauth_error_message(err) : "");
    meshauth_error_free(err);
}

/* A remote key source on a loopback port where nothing listens. */
static const char REMOTE_CONFIG[] =
    "{\"issuer\":\"https://issuer.example\",\"audience\":\"orders\",\"jwks_url\":\"http://127.0.0.1:9/jwks\","
    "\"http_timeout_ms\":2000}";
/* Well-formed RS256 JWS for that issuer (the signature is never checked: no key is reachable). */
static const char REMOTE_TOKEN[] =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0."
    "eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwiYXVkIjoib3JkZXJzIiwic3ViIjoiYWxpY2UiLCJleHAiOjQxMDI0NDQ4MDB9."
    "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4"
    "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4"
    "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4"
    "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eA";

static void test_cached(meshauth_validator *inline_v) {
    check_context = "cached";
    meshauth_principal *p = SENTINEL_P;
    meshauth_error *err = NULL;
    const char *req = "{\"headers\":[],\"cookies\":null}";
    EXPECT(meshauth_validator_validate_cached(NULL, U8("a"), 1, 0, &p, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_validator_validate_cached(inline_v, U8("a"), 1, 0, NULL, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_validator_validate_cached(inline_v, NULL, 1, 0, &p, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_validator_validate_cached(inline_v, U8("\xff"), 1, 0, &p, &err), MESHAUTH_MALFORMED_TOKEN, "malformed_token");
    EXPECT(meshauth_validator_authenticate_cached(NULL, U8(req), strlen(req), 0, &p, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_validator_authenticate_cached(inline_v, U8(req), strlen(req), 0, NULL, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_validator_authenticate_cached(inline_v, U8("{"), 1, 0, &p, &err), MESHAUTH_INVALID_REQUEST, "invalid_request");
    EXPECT(meshauth_validator_authenticate_cached(inline_v, U8(req), strlen(req), 0, &p, &err), MESHAUTH_NO_CREDENTIALS, "no_credentials");
    EXPECT(meshauth_validator_validate_cached(inline_v, U8("not-a-jwt"), 9, 0, &p, &err), MESHAUTH_MALFORMED_TOKEN, "malformed_token");
    CHECK(p == SENTINEL_P);

    meshauth_validator *v = NULL;
    if (!CHECK(meshauth_validator_new(U8(REMOTE_CONFIG), strlen(REMOTE_CONFIG), &v, NULL) == MESHAUTH_OK)) return;
    /* Cold remote keys: the non-blocking call answers "needs a fetch" (OK with a NULL Principal). */
    p = SENTINEL_P;
    err = NULL;
    meshauth_result r = meshauth_validator_validate_cached(v, U8(REMOTE_TOKEN), strlen(REMOTE_TOKEN), 0, &p, &err);
    CHECK_MSG(r == MESHAUTH_OK && p == NULL && err == NULL, "result %u %s", (unsigned)r, err ? meshauth_error_message(err) : "");
    meshauth_error_free(err);
    char header[1024];
    snprintf(header, sizeof header, "{\"headers\":[[\"Authorization\",\"Bearer %s\"]]}", REMOTE_TOKEN);
    p = SENTINEL_P;
    err = NULL;
    r = meshauth_validator_authenticate_cached(v, U8(header), strlen(header), 0, &p, &err);
    CHECK(r == MESHAUTH_OK && p == NULL && err == NULL);
    meshauth_error_free(err);
    /* The blocking call tries the fetch, which fails: key_source_unavailable (503, no challenge). */
    p = SENTINEL_P;
    err = NULL;
    r = meshauth_validator_validate(v, U8(REMOTE_TOKEN), strlen(REMOTE_TOKEN), 0, &p, &err);
    CHECK(err && meshauth_error_http_status(err) == 503 && meshauth_error_www_authenticate(err) == NULL);
    expect_error(r, err, MESHAUTH_KEY_SOURCE_UNAVAILABLE, "key_source_unavailable");
    CHECK(p == SENTINEL_P);
    EXPECT(meshauth_validator_refresh(v, &err), MESHAUTH_KEY_SOURCE_UNAVAILABLE, "key_source_unavailable");
    meshauth_validator_free(v);
}

/* A Principal as meshauth_principal_json writes it (a test makes it up: no token is validated). */
static const char PRINCIPAL[] =
    "{\"subject\":\"alice\",\"issuer\":\"https://issuer.example\",\"audiences\":[\"orders\"],"
    "\"expires_at\":4102444800,\"issued_at\":null,\"not_before\":null,\"jwt_id\":null,\"client_id\":\"web\","
    "\"scopes\":[\"orders:read\",\"orders:write\"],\"roles\":[],\"is_client\":false,"
    "\"claims\":{\"sub\":\"alice\",\"scope\":\"orders:read orders:write\"},\"token\":\"a.b.c\"}";

static void test_principal_from_json(void) {
    check_context = "principal_from_json";
    meshauth_principal *p = SENTINEL_P;
    meshauth_error *err = NULL;
    EXPECT(meshauth_principal_from_json(U8(PRINCIPAL), strlen(PRINCIPAL), NULL, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_principal_from_json(NULL, 3, &p, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_principal_from_json(U8("{\"subject\":\"\xff\"}"), 15, &p, &err), MESHAUTH_INVALID_UTF8, "invalid_utf8");
    /* Not the Principal object: invalid_config, and the message never echoes a value (the token). */
    const char *bad[] = {"", "[]", "{\"token\":\"secret.token.value\"}", "{\"claims\":[]}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = NULL;
        meshauth_result r = meshauth_principal_from_json(U8(bad[i]), strlen(bad[i]), &p, &err);
        CHECK(err && !strstr(meshauth_error_message(err), "secret"));
        expect_error(r, err, MESHAUTH_INVALID_CONFIG, "invalid_config");
    }
    CHECK(p == SENTINEL_P);

    p = NULL;
    err = NULL;
    if (!CHECK(meshauth_principal_from_json(U8(PRINCIPAL), strlen(PRINCIPAL), &p, &err) == MESHAUTH_OK && p && !err)) {
        meshauth_error_free(err);
        return;
    }
    char *json = meshauth_principal_json(p);
    CHECK(json && !strcmp(json, PRINCIPAL));
    meshauth_string_free(json);
    meshauth_str sub = meshauth_principal_subject(p);
    CHECK(sub.len == 5 && !memcmp(sub.data, "alice", 5));
    CHECK(meshauth_principal_has_scope(p, U8("orders:write"), 12));
    meshauth_principal_free(p);
}

static const char INSUFFICIENT[] = "Bearer error=\"insufficient_scope\", error_description=\"";

/* Require the scopes `json`; expect insufficient_scope whose challenge ends with `scope_attr`. */
static void expect_insufficient(const meshauth_principal *p, const char *json, const char *scope_attr) {
    meshauth_error *err = NULL;
    meshauth_result r = meshauth_principal_require_scopes(p, U8(json), strlen(json), &err);
    CHECK_MSG(r == MESHAUTH_INSUFFICIENT_SCOPE, "require %s: result %u", json, (unsigned)r);
    if (CHECK(err != NULL)) {
        const char *www = meshauth_error_www_authenticate(err);
        CHECK(meshauth_error_http_status(err) == 403);
        CHECK_MSG(www && !strncmp(www, INSUFFICIENT, strlen(INSUFFICIENT)) &&
                      strlen(www) > strlen(scope_attr) && !strcmp(www + strlen(www) - strlen(scope_attr), scope_attr),
                  "WWW-Authenticate %s, want it to end with %s", www ? www : "NULL", scope_attr);
        CHECK(strstr(meshauth_error_message(err), "missing scope(s)") != NULL);
    }
    expect_error(r, err, MESHAUTH_INSUFFICIENT_SCOPE, "insufficient_scope");
}

static void test_require_scopes(void) {
    check_context = "principal_require_scopes";
    meshauth_principal *p = NULL;
    if (!CHECK(meshauth_principal_from_json(U8(PRINCIPAL), strlen(PRINCIPAL), &p, NULL) == MESHAUTH_OK)) return;
    meshauth_error *err = NULL;
    const char *ok[] = {"[]", "[\"orders:read\"]", " [\"orders:write\", \"orders:read\"] "};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        err = NULL;
        meshauth_result r = meshauth_principal_require_scopes(p, U8(ok[i]), strlen(ok[i]), &err);
        CHECK_MSG(r == MESHAUTH_OK && err == NULL, "require %s: result %u", ok[i], (unsigned)r);
        meshauth_error_free(err);
    }
    /* err may be NULL. */
    CHECK(meshauth_principal_require_scopes(p, U8("[\"x\"]"), 5, NULL) == MESHAUTH_INSUFFICIENT_SCOPE);
    expect_insufficient(p, "[\"orders:admin\"]", ", scope=\"orders:admin\"");
    /* The challenge lists every required scope, the carried ones too. */
    expect_insufficient(p, "[\"orders:read\",\"orders:admin\",\"billing:read\"]",
                        ", scope=\"orders:read orders:admin billing:read\"");

    EXPECT(meshauth_principal_require_scopes(NULL, U8("[]"), 2, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_principal_require_scopes(p, NULL, 2, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_principal_require_scopes(p, U8("[\"\xff\"]"), 4, &err), MESHAUTH_INVALID_UTF8, "invalid_utf8");
    /* A scope list that is not a JSON array of strings is the program's mistake: invalid_config
     * (no HTTP status), never a 4xx for the caller. NULL with length 0 is the empty text. */
    EXPECT(meshauth_principal_require_scopes(p, NULL, 0, &err), MESHAUTH_INVALID_CONFIG, "invalid_config");
    const char *bad[] = {"{", "\"orders:read\"", "orders:read", "[1]", "[\"a\",null]", "{\"scopes\":[]}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = NULL;
        meshauth_result r = meshauth_principal_require_scopes(p, U8(bad[i]), strlen(bad[i]), &err);
        CHECK(err && meshauth_error_http_status(err) == 0 && meshauth_error_www_authenticate(err) == NULL);
        expect_error(r, err, MESHAUTH_INVALID_CONFIG, "invalid_config");
    }
    meshauth_principal_free(p);
}

static void test_require_clients(void) {
    check_context = "principal_require_clients";
    meshauth_principal *p = NULL;
    if (!CHECK(meshauth_principal_from_json(U8(PRINCIPAL), strlen(PRINCIPAL), &p, NULL) == MESHAUTH_OK)) return;
    meshauth_error *err = NULL;
    const char *allowed = "[\"checkout\",\"web\"]";
    CHECK(meshauth_principal_require_clients(p, U8(allowed), strlen(allowed), &err) == MESHAUTH_OK && err == NULL);
    const char *other = "[\"checkout\",\"admin-ui\"]";
    meshauth_result r = meshauth_principal_require_clients(p, U8(other), strlen(other), &err);
    if (CHECK(err != NULL)) {
        CHECK(meshauth_error_http_status(err) == 403);
        CHECK(meshauth_error_www_authenticate(err) == NULL);
        CHECK_MSG(strstr(meshauth_error_message(err), "client \"web\"") != NULL, "%s", meshauth_error_message(err));
    }
    expect_error(r, err, MESHAUTH_CALLER_NOT_ALLOWED, "caller_not_allowed");
    EXPECT(meshauth_principal_require_clients(NULL, U8("[]"), 2, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_principal_require_clients(p, U8("[1]"), 3, &err), MESHAUTH_INVALID_CONFIG, "invalid_config");
    meshauth_principal_free(p);
}

static void test_error_new(void) {
    check_context = "error_new";
    meshauth_error *e = NULL, *err = NULL;
    const char *code = "caller_not_allowed";
    if (CHECK(meshauth_error_new(U8(code), strlen(code), NULL, 0, &e, &err) == MESHAUTH_OK && e && !err)) {
        CHECK(meshauth_error_result(e) == MESHAUTH_CALLER_NOT_ALLOWED);
        CHECK(meshauth_error_http_status(e) == 403);
        CHECK(!strcmp(meshauth_error_code(e), "caller_not_allowed"));
        CHECK(!strcmp(meshauth_error_message(e), "the calling client is not allowed"));
        meshauth_error_free(e);
    }
    e = NULL;
    code = "token_expired";
    if (CHECK(meshauth_error_new(U8(code), strlen(code), U8("exp passed"), 10, &e, &err) == MESHAUTH_OK && e)) {
        CHECK(meshauth_error_http_status(e) == 401);
        CHECK(!strcmp(meshauth_error_message(e), "exp passed"));
        const char *www = meshauth_error_www_authenticate(e);
        CHECK(www && strstr(www, "error=\"invalid_token\"") != NULL);
        meshauth_error_free(e);
    }
    e = NULL;
    EXPECT(meshauth_error_new(U8("nope"), 4, NULL, 0, &e, &err), MESHAUTH_INVALID_CONFIG, "invalid_config");
    CHECK(e == NULL);
    EXPECT(meshauth_error_new(NULL, 4, NULL, 0, &e, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
    EXPECT(meshauth_error_new(U8(code), strlen(code), NULL, 0, NULL, &err), MESHAUTH_NULL_ARGUMENT, "null_argument");
}

typedef struct {
    meshauth_validator *v;
    int ok;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    w->ok = 1;
    for (int i = 0; i < 200; i++) {
        meshauth_principal *p = NULL;
        meshauth_error *err = NULL;
        meshauth_result r = meshauth_validator_authenticate_header(w->v, U8("Bearer a.b.c"), 12, NULL, 0, 0, &p, &err);
        if (r == MESHAUTH_OK || p != NULL || err == NULL || meshauth_error_result(err) != r) w->ok = 0;
        meshauth_error_free(err);
    }
    return NULL;
}

static void test_threads(meshauth_validator *v) {
    check_context = "threads";
    pthread_t th[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i].v = v;
        CHECK(pthread_create(&th[i], NULL, work, &w[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK(w[i].ok);
    }
}

int main(void) {
    test_version_and_codes();
    test_free_null();
    test_null_accessors();
    test_validator_new();
    test_principal_from_json();
    test_require_scopes();
    test_require_clients();
    test_error_new();
    meshauth_validator *v = make_validator();
    check_context = "make_validator";
    if (CHECK(v != NULL)) {
        test_validate_arguments(v);
        test_authenticate_arguments(v);
        test_refresh(v);
        test_cached(v);
        test_threads(v);
    }
    meshauth_validator_free(v);
    return check_summary("c-api");
}
