/* The token client's C ABI against the development issuer (meshauth-issuer, started here as a
 * subprocess on a free loopback port): every grant, client authentication, the cache, NULL
 * arguments, and the failure paths (refusals with their OAuth error, the issuer down).
 *
 * Environment: MESHAUTH_ISSUER_BIN (the issuer binary) and MESHAUTH_DEV_KEY
 * (issuer/dev-keys/signed-client.pem), both set by `make c-tests`. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "json.h"
#include "meshauth.h"

#define U8(s) ((const uint8_t *)(s))

static meshauth_access_token *const SENTINEL_T = (meshauth_access_token *)0x1;
static meshauth_token_client *const SENTINEL_C = (meshauth_token_client *)0x1;

/* ---- the development issuer as a subprocess ---- */

static pid_t issuer_pid = -1;
static FILE *issuer_out;
static char base[256]; /* http://127.0.0.1:PORT, also the issuer identifier */
static int port;

static int start_issuer(void) {
    const char *bin = getenv("MESHAUTH_ISSUER_BIN");
    if (!bin || !*bin) {
        fprintf(stderr, "set MESHAUTH_ISSUER_BIN to the meshauth-issuer binary (make c-tests does)\n");
        return 0;
    }
    int fds[2];
    if (pipe(fds) != 0) return 0;
    issuer_pid = fork();
    if (issuer_pid < 0) return 0;
    if (issuer_pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(bin, bin, "--port", "0", "--dev-endpoints", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    issuer_out = fdopen(fds[0], "r");
    char line[256];
    const char *prefix = "meshauth-issuer listening on ";
    if (!fgets(line, sizeof line, issuer_out) || strncmp(line, prefix, strlen(prefix)) != 0) return 0;
    snprintf(base, sizeof base, "%s", line + strlen(prefix));
    base[strcspn(base, "\r\n")] = 0;
    port = atoi(strrchr(base, ':') + 1);
    return port > 0;
}

static void stop_issuer(void) {
    if (issuer_pid > 0) {
        kill(issuer_pid, SIGTERM);
        waitpid(issuer_pid, NULL, 0);
        issuer_pid = -1;
    }
    if (issuer_out) fclose(issuer_out);
    issuer_out = NULL;
}

/* POST a JSON body to the issuer; returns the response body (malloc'd) or NULL. */
static char *post_json(const char *path, const char *body) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
        if (s >= 0) close(s);
        return NULL;
    }
    char req[4096];
    int n = snprintf(req, sizeof req,
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     path, strlen(body), body);
    if (write(s, req, (size_t)n) != n) {
        close(s);
        return NULL;
    }
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = read(s, buf + len, cap - len - 1)) > 0) {
        len += (size_t)r;
        if (cap - len - 1 == 0) buf = realloc(buf, cap *= 2);
    }
    close(s);
    buf[len] = 0;
    char *start = strstr(buf, "\r\n\r\n");
    char *out = start ? strdup(start + 4) : NULL;
    free(buf);
    return out;
}

/* A user token minted by the issuer for `claims_json`; malloc'd, or NULL. */
static char *mint(const char *claims_json) {
    char body[512];
    snprintf(body, sizeof body, "{\"claims\": %s}", claims_json);
    char *answer = post_json("/dev/mint", body);
    jval *j = answer ? json_parse(answer, strlen(answer), NULL) : NULL;
    const jval *tok = json_get(j, "token");
    char *out = tok && tok->type == J_STR ? strdup(tok->str) : NULL;
    json_free(j);
    free(answer);
    return out;
}

/* ---- helpers ---- */

static meshauth_token_client *client(const char *config) {
    meshauth_token_client *c = NULL;
    meshauth_error *err = NULL;
    if (meshauth_token_client_new(U8(config), strlen(config), &c, &err) != MESHAUTH_OK) {
        fprintf(stderr, "token client %s: %s\n", config, meshauth_error_message(err));
        meshauth_error_free(err);
        return NULL;
    }
    return c;
}

static meshauth_token_client *secret_client(const char *id, const char *secret, const char *extra) {
    char cfg[512];
    snprintf(cfg, sizeof cfg, "{\"issuer\": \"%s\", \"client_id\": \"%s\", \"client_secret\": \"%s\"%s}", base, id,
             secret, extra ? extra : "");
    return client(cfg);
}

static meshauth_validator *validator(const char *audience) {
    char cfg[512];
    snprintf(cfg, sizeof cfg, "{\"issuer\": \"%s\", \"audience\": \"%s\", \"discovery\": true}", base, audience);
    meshauth_validator *v = NULL;
    if (meshauth_validator_new(U8(cfg), strlen(cfg), &v, NULL) != MESHAUTH_OK) return NULL;
    return v;
}

/* Validate `token` for `audience`; NULL if refused (the code in *code when non-NULL). */
static meshauth_principal *validate(const char *audience, const char *token, const char **code) {
    meshauth_validator *v = validator(audience);
    meshauth_principal *p = NULL;
    meshauth_error *err = NULL;
    if (v && meshauth_validator_validate(v, U8(token), strlen(token), 0, &p, &err) != MESHAUTH_OK) {
        if (code) *code = meshauth_error_code(err); /* static string */
        meshauth_error_free(err);
    }
    meshauth_validator_free(v);
    return p;
}

static int str_is(meshauth_str s, const char *want) {
    return s.data && s.len == strlen(want) && !memcmp(s.data, want, s.len);
}

/* Check a refusal by the authorization server: token_endpoint_error with `oauth` (NULL: none). */
static void expect_refusal(meshauth_result r, meshauth_error *err, meshauth_access_token *t, const char *oauth) {
    CHECK_MSG(r == MESHAUTH_TOKEN_ENDPOINT_ERROR, "result %s", meshauth_result_name(r));
    CHECK(t == SENTINEL_T);
    if (!CHECK(err != NULL)) return;
    CHECK(!strcmp(meshauth_error_code(err), "token_endpoint_error"));
    CHECK(meshauth_error_number(err) == 19);
    CHECK(meshauth_error_http_status(err) == 0 && meshauth_error_www_authenticate(err) == NULL);
    const char *got = meshauth_error_oauth_error(err);
    if (oauth)
        CHECK_MSG(got && !strcmp(got, oauth), "oauth_error %s, want %s", got ? got : "(null)", oauth);
    else
        CHECK_MSG(got == NULL, "oauth_error %s, want none", got);
    char *json = meshauth_error_json(err);
    jval *j = json ? json_parse(json, strlen(json), NULL) : NULL;
    const jval *o = json_get(j, "oauth_error");
    CHECK(o && (oauth ? o->type == J_STR && !strcmp(o->str, oauth) : o->type == J_NULL));
    /* The message never repeats a secret. */
    CHECK(!strstr(meshauth_error_message(err), "dev-secret") && !strstr(meshauth_error_message(err), "wrong-secret"));
    json_free(j);
    meshauth_string_free(json);
    meshauth_error_free(err);
}

static void expect_code(meshauth_result r, meshauth_error *err, meshauth_result want, const char *code) {
    CHECK_MSG(r == want, "result %s, want %s", meshauth_result_name(r), meshauth_result_name(want));
    if (CHECK(err != NULL)) CHECK(!strcmp(meshauth_error_code(err), code) && meshauth_error_result(err) == want);
    meshauth_error_free(err);
}

/* Check a granted token: value, JSON, header, expiry. */
static void check_token(const meshauth_access_token *t, const char *issued_token_type) {
    const char *value = meshauth_access_token_value(t);
    if (!CHECK(value && strlen(value) > 20)) return;
    CHECK(meshauth_access_token_value(t) == value); /* borrowed: the same string every time */
    char *header = meshauth_access_token_authorization_header(t);
    CHECK(header && !strncmp(header, "Bearer ", 7) && !strcmp(header + 7, value));
    meshauth_string_free(header);
    int64_t exp = 0, now = (int64_t)time(NULL);
    CHECK(meshauth_access_token_expires_at(t, &exp) && exp > now && exp <= now + 3600);
    CHECK(!meshauth_access_token_expires_at(t, NULL));
    char *json = meshauth_access_token_json(t);
    jval *j = json ? json_parse(json, strlen(json), NULL) : NULL;
    const jval *at = json_get(j, "access_token"), *tt = json_get(j, "token_type"), *ea = json_get(j, "expires_at");
    const jval *itt = json_get(j, "issued_token_type");
    CHECK(at && at->type == J_STR && !strcmp(at->str, value));
    CHECK(tt && tt->type == J_STR && !strcmp(tt->str, "Bearer"));
    CHECK(ea && ea->type == J_NUM && atoll(ea->str) == exp);
    CHECK(json_get(j, "scope") != NULL);
    CHECK(itt && (issued_token_type ? itt->type == J_STR && !strcmp(itt->str, issued_token_type) : itt->type == J_NULL));
    json_free(j);
    meshauth_string_free(json);
}

/* ---- tests ---- */

static void test_new(void) {
    check_context = "token_client_new";
    meshauth_token_client *c = SENTINEL_C;
    meshauth_error *err = NULL;
    const char *ok = "{\"token_endpoint\": \"http://127.0.0.1:9/token\", \"client_id\": \"a\", \"client_secret\": \"s\"}";
    meshauth_result r = meshauth_token_client_new(U8(ok), strlen(ok), NULL, &err);
    expect_code(r, err, MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    r = meshauth_token_client_new(NULL, 4, &c, &err);
    expect_code(r, err, MESHAUTH_NULL_ARGUMENT, "null_argument");
    err = NULL;
    r = meshauth_token_client_new(U8("{\"client_id\":\"\xff\"}"), 17, &c, &err);
    expect_code(r, err, MESHAUTH_INVALID_UTF8, "invalid_utf8");
    const char *bad[] = {
        "",
        "{",
        "{\"token_endpoint\": \"http://127.0.0.1:9/token\", \"client_id\": \"a\"}",              /* no secret */
        "{\"token_endpoint\": \"http://127.0.0.1:9/token\", \"client_id\": \"\", \"client_secret\": \"s\"}",
        "{\"token_endpoint\": \"http://issuer.example/token\", \"client_id\": \"a\", \"client_secret\": \"s\"}",
        "{\"client_id\": \"a\", \"client_secret\": \"s\"}",                                        /* no endpoint */
        "{\"issuer\": \"https://i.example\", \"client_id\": \"a\", \"client_secret\": \"s\", \"nope\": 1}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = NULL;
        r = meshauth_token_client_new(U8(bad[i]), strlen(bad[i]), &c, &err);
        CHECK_MSG(c == SENTINEL_C, "%s", bad[i]);
        /* Secrets never appear in configuration errors. */
        CHECK(!err || !strstr(meshauth_error_message(err), "\"s\""));
        expect_code(r, err, MESHAUTH_INVALID_CONFIG, "invalid_config");
    }
    CHECK(meshauth_token_client_new(NULL, 0, &c, NULL) == MESHAUTH_INVALID_CONFIG && c == SENTINEL_C);
    c = NULL;
    CHECK(meshauth_token_client_new(U8(ok), strlen(ok), &c, NULL) == MESHAUTH_OK && c != NULL);
    meshauth_token_client_free(c);
}

static void test_null_arguments(void) {
    check_context = "null arguments";
    meshauth_token_client *c = client("{\"token_endpoint\": \"http://127.0.0.1:9/token\", \"client_id\": \"a\","
                                      " \"client_secret\": \"s\", \"http_timeout_ms\": 500}");
    if (!CHECK(c != NULL)) return;
    meshauth_access_token *t = SENTINEL_T;
    meshauth_error *err = NULL;
#define NULLCHECK(call)                                                  \
    do {                                                                 \
        err = NULL;                                                      \
        meshauth_result r_ = (call);                                     \
        expect_code(r_, err, MESHAUTH_NULL_ARGUMENT, "null_argument");   \
        CHECK(t == SENTINEL_T);                                          \
    } while (0)
    NULLCHECK(meshauth_token_client_client_credentials(NULL, NULL, 0, &t, &err));
    NULLCHECK(meshauth_token_client_client_credentials(c, NULL, 0, NULL, &err));
    NULLCHECK(meshauth_token_client_client_credentials(c, NULL, 3, &t, &err));
    NULLCHECK(meshauth_token_client_client_credentials_cached(NULL, NULL, 0, &t, &err));
    NULLCHECK(meshauth_token_client_client_credentials_cached(c, NULL, 0, NULL, &err));
    NULLCHECK(meshauth_token_client_client_credentials_cached(c, NULL, 3, &t, &err));
    NULLCHECK(meshauth_token_client_jwt_bearer(NULL, U8("a"), 1, NULL, 0, &t, &err));
    NULLCHECK(meshauth_token_client_jwt_bearer(c, NULL, 1, NULL, 0, &t, &err));
    NULLCHECK(meshauth_token_client_jwt_bearer(c, U8("a"), 1, NULL, 2, &t, &err));
    NULLCHECK(meshauth_token_client_jwt_bearer(c, U8("a"), 1, NULL, 0, NULL, &err));
    NULLCHECK(meshauth_token_client_token_exchange(NULL, U8("a"), 1, NULL, 0, &t, &err));
    NULLCHECK(meshauth_token_client_token_exchange(c, NULL, 1, NULL, 0, &t, &err));
    NULLCHECK(meshauth_token_client_token_exchange(c, U8("a"), 1, NULL, 2, &t, &err));
    NULLCHECK(meshauth_token_client_token_exchange(c, U8("a"), 1, NULL, 0, NULL, &err));
    /* err may be NULL: the result still says what happened. */
    CHECK(meshauth_token_client_client_credentials(NULL, NULL, 0, &t, NULL) == MESHAUTH_NULL_ARGUMENT);

    check_context = "invalid arguments";
    err = NULL;
    meshauth_result r = meshauth_token_client_jwt_bearer(c, U8("a.\xff.c"), 5, NULL, 0, &t, &err);
    expect_code(r, err, MESHAUTH_INVALID_UTF8, "invalid_utf8");
    err = NULL;
    r = meshauth_token_client_token_exchange(c, U8("a"), 1, U8("{\"scope\": \"\xff\"}"), 14, &t, &err);
    expect_code(r, err, MESHAUTH_INVALID_UTF8, "invalid_utf8");
    /* The request JSON's format is the core's: unknown fields, wrong types, fields of another grant. */
    const char *bad[] = {"{", "[]", "{\"scopes\": \"a\"}", "{\"audience\": 1}", "{\"actor_token\": \"x\"}",
                         "{\"use_client_token\": true}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = NULL;
        r = meshauth_token_client_client_credentials(c, U8(bad[i]), strlen(bad[i]), &t, &err);
        CHECK_MSG(t == SENTINEL_T, "%s", bad[i]);
        expect_code(r, err, MESHAUTH_INVALID_CONFIG, "invalid_config");
        err = NULL;
        r = meshauth_token_client_client_credentials_cached(c, U8(bad[i]), strlen(bad[i]), &t, &err);
        expect_code(r, err, MESHAUTH_INVALID_CONFIG, "invalid_config");
    }
    err = NULL;
    r = meshauth_token_client_jwt_bearer(c, U8("a"), 1, U8("{\"actor_token\": \"x\"}"), 20, &t, &err);
    expect_code(r, err, MESHAUTH_INVALID_CONFIG, "invalid_config");
    err = NULL;
    r = meshauth_token_client_token_exchange(c, U8(""), 0, NULL, 0, &t, &err); /* nothing to exchange */
    expect_code(r, err, MESHAUTH_INVALID_CONFIG, "invalid_config");
    CHECK(t == SENTINEL_T);
    meshauth_token_client_free(c);
}

static void test_client_credentials(void) {
    check_context = "client_credentials";
    meshauth_token_client *orders = secret_client("orders", "orders-dev-secret", NULL);
    if (!CHECK(orders != NULL)) return;
    const char *req = "{\"audience\": \"inventory\", \"scope\": \"inventory:read\"}";
    meshauth_access_token *t = SENTINEL_T;
    meshauth_error *err = NULL;

    /* Nothing cached yet: OK with NULL ("a fetch is needed"), no network touched. */
    meshauth_result r = meshauth_token_client_client_credentials_cached(orders, U8(req), strlen(req), &t, &err);
    CHECK(r == MESHAUTH_OK && t == NULL && err == NULL);

    t = NULL;
    r = meshauth_token_client_client_credentials(orders, U8(req), strlen(req), &t, &err);
    if (!CHECK_MSG(r == MESHAUTH_OK && t && !err, "%s", err ? meshauth_error_message(err) : "")) {
        meshauth_error_free(err);
        meshauth_token_client_free(orders);
        return;
    }
    check_token(t, NULL);

    /* The inventory service accepts it: orders' own token, audience inventory only. */
    meshauth_principal *p = validate("inventory", meshauth_access_token_value(t), NULL);
    if (CHECK(p != NULL)) {
        CHECK(meshauth_principal_is_client(p));
        CHECK(str_is(meshauth_principal_client_id(p), "orders"));
        CHECK(meshauth_principal_audience_count(p) == 1 && str_is(meshauth_principal_audience(p, 0), "inventory"));
        CHECK(meshauth_principal_has_scope(p, U8("inventory:read"), 14));
        /* The Principal's forwarding header carries the same token. */
        char *h = meshauth_principal_authorization_header(p);
        char *h2 = meshauth_access_token_authorization_header(t);
        CHECK(h && h2 && !strcmp(h, h2));
        meshauth_string_free(h);
        meshauth_string_free(h2);
        meshauth_principal_free(p);
    }

    /* Now cached: the non-blocking call and the blocking one answer the same token. */
    meshauth_access_token *cached = NULL, *again = NULL;
    CHECK(meshauth_token_client_client_credentials_cached(orders, U8(req), strlen(req), &cached, NULL) == MESHAUTH_OK);
    CHECK(cached && !strcmp(meshauth_access_token_value(cached), meshauth_access_token_value(t)));
    CHECK(meshauth_token_client_client_credentials(orders, U8(req), strlen(req), &again, NULL) == MESHAUTH_OK);
    CHECK(again && !strcmp(meshauth_access_token_value(again), meshauth_access_token_value(t)));
    meshauth_access_token_free(cached);
    meshauth_access_token_free(again);
    /* A token outlives its client. */
    meshauth_token_client_free(orders);
    CHECK(strlen(meshauth_access_token_value(t)) > 20);
    meshauth_access_token_free(t);

    check_context = "client_credentials defaults";
    /* NULL request = the client's defaults (here: every audience it registered for). */
    meshauth_token_client *post = secret_client("orders", "orders-dev-secret", ", \"client_auth\": \"client_secret_post\"");
    t = NULL;
    r = meshauth_token_client_client_credentials(post, NULL, 0, &t, NULL);
    CHECK(r == MESHAUTH_OK && t);
    p = t ? validate("billing", meshauth_access_token_value(t), NULL) : NULL;
    CHECK(p && meshauth_principal_audience_count(p) == 2);
    meshauth_principal_free(p);
    meshauth_access_token_free(t);
    /* Empty text is the defaults too. */
    t = NULL;
    CHECK(meshauth_token_client_client_credentials(post, U8(""), 0, &t, NULL) == MESHAUTH_OK && t);
    meshauth_access_token_free(t);
    meshauth_token_client_free(post);
}

static void test_private_key_jwt(void) {
    check_context = "private_key_jwt";
    const char *path = getenv("MESHAUTH_DEV_KEY");
    size_t len = 0;
    char *pem = path ? read_file(path, &len) : NULL;
    if (!CHECK_MSG(pem != NULL, "MESHAUTH_DEV_KEY=%s", path ? path : "(unset)")) return;
    /* The PEM as a JSON string: escape the newlines. */
    char escaped[4096], *o = escaped;
    for (size_t i = 0; i < len && o < escaped + sizeof escaped - 3; i++) {
        if (pem[i] == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        } else {
            *o++ = pem[i];
        }
    }
    *o = 0;
    free(pem);
    char cfg[8192];
    snprintf(cfg, sizeof cfg, "{\"issuer\": \"%s\", \"client_id\": \"signed-client\", \"private_key_pem\": \"%s\"}", base,
             escaped);
    meshauth_token_client *c = client(cfg);
    if (!CHECK(c != NULL)) return;
    meshauth_access_token *t = NULL;
    meshauth_error *err = NULL;
    meshauth_result r = meshauth_token_client_client_credentials(c, NULL, 0, &t, &err);
    CHECK_MSG(r == MESHAUTH_OK && t, "%s", err ? meshauth_error_message(err) : "");
    meshauth_error_free(err);
    meshauth_principal *p = t ? validate("inventory", meshauth_access_token_value(t), NULL) : NULL;
    CHECK(p && str_is(meshauth_principal_client_id(p), "signed-client") && meshauth_principal_is_client(p));
    meshauth_principal_free(p);
    meshauth_access_token_free(t);
    meshauth_token_client_free(c);
}

static void test_refusals(void) {
    check_context = "refusals";
    meshauth_access_token *t = SENTINEL_T;
    meshauth_error *err = NULL;

    meshauth_token_client *wrong = secret_client("orders", "wrong-secret", NULL);
    err = NULL;
    meshauth_result r = meshauth_token_client_client_credentials(wrong, NULL, 0, &t, &err);
    expect_refusal(r, err, t, "invalid_client");
    meshauth_token_client_free(wrong);

    meshauth_token_client *nobody = secret_client("nobody", "nobody-secret", NULL);
    err = NULL;
    r = meshauth_token_client_client_credentials(nobody, NULL, 0, &t, &err);
    expect_refusal(r, err, t, "invalid_client");
    meshauth_token_client_free(nobody);

    meshauth_token_client *orders = secret_client("orders", "orders-dev-secret", NULL);
    const char *partner = "{\"audience\": \"partner-api\"}";
    err = NULL;
    r = meshauth_token_client_client_credentials(orders, U8(partner), strlen(partner), &t, &err);
    expect_refusal(r, err, t, "invalid_target");
    const char *admin = "{\"scope\": [\"admin\"]}";
    err = NULL;
    r = meshauth_token_client_client_credentials(orders, U8(admin), strlen(admin), &t, &err);
    expect_refusal(r, err, t, "invalid_scope");
    /* reporting is registered for billing only. */
    meshauth_token_client *reporting = secret_client("reporting", "reporting-dev-secret", NULL);
    const char *inventory = "{\"audience\": \"inventory\"}";
    err = NULL;
    r = meshauth_token_client_client_credentials(reporting, U8(inventory), strlen(inventory), &t, &err);
    expect_refusal(r, err, t, "invalid_target");
    meshauth_token_client_free(reporting);
    meshauth_token_client_free(orders);
}

static void test_exchanges(void) {
    check_context = "jwt_bearer";
    meshauth_token_client *orders = secret_client("orders", "orders-dev-secret", NULL);
    char *user = mint("{\"sub\": \"alice\", \"aud\": [\"orders\", \"inventory\"]}");
    char *expired = mint("{\"sub\": \"alice\", \"aud\": \"orders\", \"exp\": 1700000000}");
    if (!CHECK(orders && user && expired)) goto out;
    const char *req = "{\"audience\": \"partner-api\", \"scope\": \"partner:orders:read\"}";
    meshauth_access_token *t = NULL;
    meshauth_error *err = NULL;
    meshauth_result r = meshauth_token_client_jwt_bearer(orders, U8(user), strlen(user), U8(req), strlen(req), &t, &err);
    if (CHECK_MSG(r == MESHAUTH_OK && t, "%s", err ? meshauth_error_message(err) : "")) {
        check_token(t, NULL);
        meshauth_principal *p = validate("partner-api", meshauth_access_token_value(t), NULL);
        CHECK(p && str_is(meshauth_principal_subject(p), "alice") && !meshauth_principal_is_client(p));
        CHECK(p && meshauth_principal_audience_count(p) == 1 && str_is(meshauth_principal_audience(p, 0), "partner-api"));
        CHECK(p && str_is(meshauth_principal_client_id(p), "orders"));
        meshauth_principal_free(p);
        /* The exchanged token is for the third party only: an internal service refuses it. */
        const char *code = NULL;
        p = validate("inventory", meshauth_access_token_value(t), &code);
        CHECK(p == NULL && code && !strcmp(code, "invalid_audience"));
        meshauth_principal_free(p);
        meshauth_access_token_free(t);
    }
    meshauth_error_free(err);
    /* With the client's own token as client authentication, and the default request (the
     * client's only exchange audience). */
    const char *bearer = "{\"use_client_token\": true}";
    t = NULL;
    err = NULL;
    r = meshauth_token_client_jwt_bearer(orders, U8(user), strlen(user), U8(bearer), strlen(bearer), &t, &err);
    CHECK_MSG(r == MESHAUTH_OK && t, "%s", err ? meshauth_error_message(err) : "");
    meshauth_error_free(err);
    meshauth_access_token_free(t);
    t = NULL;
    CHECK(meshauth_token_client_jwt_bearer(orders, U8(user), strlen(user), NULL, 0, &t, NULL) == MESHAUTH_OK && t);
    meshauth_access_token_free(t);

    t = SENTINEL_T;
    err = NULL;
    r = meshauth_token_client_jwt_bearer(orders, U8(expired), strlen(expired), U8(req), strlen(req), &t, &err);
    expect_refusal(r, err, t, "invalid_grant");
    const char *inventory = "{\"audience\": \"inventory\"}";
    err = NULL;
    r = meshauth_token_client_jwt_bearer(orders, U8(user), strlen(user), U8(inventory), strlen(inventory), &t, &err);
    expect_refusal(r, err, t, "invalid_target");
    meshauth_token_client *reporting = secret_client("reporting", "reporting-dev-secret", NULL);
    err = NULL;
    r = meshauth_token_client_jwt_bearer(reporting, U8(user), strlen(user), U8(req), strlen(req), &t, &err);
    expect_refusal(r, err, t, "unauthorized_client");
    meshauth_token_client_free(reporting);

    check_context = "token_exchange";
    t = NULL;
    err = NULL;
    r = meshauth_token_client_token_exchange(orders, U8(user), strlen(user), U8(req), strlen(req), &t, &err);
    if (CHECK_MSG(r == MESHAUTH_OK && t, "%s", err ? meshauth_error_message(err) : "")) {
        check_token(t, "urn:ietf:params:oauth:token-type:access_token");
        meshauth_principal *p = validate("partner-api", meshauth_access_token_value(t), NULL);
        CHECK(p && str_is(meshauth_principal_subject(p), "alice"));
        meshauth_principal_free(p);
        meshauth_access_token_free(t);
    }
    meshauth_error_free(err);
    t = SENTINEL_T;
    err = NULL;
    r = meshauth_token_client_token_exchange(orders, U8(expired), strlen(expired), U8(req), strlen(req), &t, &err);
    expect_refusal(r, err, t, "invalid_request");
    err = NULL;
    r = meshauth_token_client_token_exchange(orders, U8(user), strlen(user), U8(inventory), strlen(inventory), &t, &err);
    expect_refusal(r, err, t, "invalid_target");
out:
    free(user);
    free(expired);
    meshauth_token_client_free(orders);
}

typedef struct {
    const meshauth_token_client *c;
    char value[4096];
    int ok;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    w->ok = 1;
    for (int i = 0; i < 20; i++) {
        meshauth_access_token *t = NULL;
        meshauth_error *err = NULL;
        const char *req = "{\"audience\": \"billing\"}";
        if (meshauth_token_client_client_credentials(w->c, U8(req), strlen(req), &t, &err) != MESHAUTH_OK || !t) {
            w->ok = 0;
        } else if (i == 0) {
            snprintf(w->value, sizeof w->value, "%s", meshauth_access_token_value(t));
        } else if (strcmp(w->value, meshauth_access_token_value(t)) != 0) {
            w->ok = 0;
        }
        meshauth_error_free(err);
        meshauth_access_token_free(t);
    }
    return NULL;
}

static void test_threads(void) {
    check_context = "threads";
    meshauth_token_client *c = secret_client("orders", "orders-dev-secret", NULL);
    pthread_t th[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i].c = c;
        CHECK(pthread_create(&th[i], NULL, work, &w[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK(w[i].ok);
        /* One client, one cached token: every thread got the same one. */
        CHECK(!strcmp(w[i].value, w[0].value));
    }
    meshauth_token_client_free(c);
}

static void test_issuer_down(void) {
    check_context = "issuer down";
    char cfg[512];
    snprintf(cfg, sizeof cfg,
             "{\"token_endpoint\": \"%s/token\", \"client_id\": \"orders\", \"client_secret\": \"orders-dev-secret\","
             " \"http_timeout_ms\": 2000}",
             base);
    meshauth_token_client *direct = client(cfg);
    meshauth_token_client *discovered = secret_client("orders", "orders-dev-secret", ", \"http_timeout_ms\": 2000");
    stop_issuer();
    meshauth_access_token *t = SENTINEL_T;
    meshauth_error *err = NULL;
    meshauth_result r = meshauth_token_client_client_credentials(direct, NULL, 0, &t, &err);
    expect_refusal(r, err, t, NULL);
    err = NULL;
    r = meshauth_token_client_client_credentials(discovered, NULL, 0, &t, &err);
    expect_refusal(r, err, t, NULL);
    err = NULL;
    r = meshauth_token_client_jwt_bearer(direct, U8("a.b.c"), 5, NULL, 0, &t, &err);
    expect_refusal(r, err, t, NULL);
    meshauth_token_client_free(direct);
    meshauth_token_client_free(discovered);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    test_new();
    test_null_arguments();
    check_context = "issuer";
    if (CHECK(start_issuer())) {
        test_client_credentials();
        test_private_key_jwt();
        test_refusals();
        test_exchanges();
        test_threads();
        test_issuer_down();
    }
    stop_issuer();
    return check_summary("c-token-client");
}
