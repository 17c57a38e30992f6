/* Runs every case of testdata/corpus.json through the C API (testdata/README.md). */
#define _POSIX_C_SOURCE 200809L
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"
#include "meshauth.h"

static int str_eq(meshauth_str s, const jval *expected) {
    if (!expected || expected->type == J_NULL) return s.data == NULL;
    return expected->type == J_STR && s.data && s.len == expected->str_len && !memcmp(s.data, expected->str, s.len);
}

static int cstr_eq(const char *s, const jval *expected) {
    if (!expected || expected->type == J_NULL) return s == NULL;
    return expected->type == J_STR && s && !strcmp(s, expected->str);
}

/* The Principal's accessors agree with its JSON form. */
static void check_accessors(const meshauth_principal *p, const jval *pj) {
    CHECK(str_eq(meshauth_principal_subject(p), json_get(pj, "subject")));
    CHECK(str_eq(meshauth_principal_issuer(p), json_get(pj, "issuer")));
    CHECK(str_eq(meshauth_principal_client_id(p), json_get(pj, "client_id")));
    CHECK(str_eq(meshauth_principal_jwt_id(p), json_get(pj, "jwt_id")));
    CHECK(str_eq(meshauth_principal_token(p), json_get(pj, "token")));
    const jval *exp = json_get(pj, "expires_at");
    CHECK(exp && exp->type == J_NUM && meshauth_principal_expires_at(p) == strtoll(exp->str, NULL, 10));
    const jval *is_client = json_get(pj, "is_client");
    CHECK(is_client && is_client->type == J_BOOL && meshauth_principal_is_client(p) == (bool)is_client->boolean);
    int64_t t = -1;
    const jval *iat = json_get(pj, "issued_at");
    if (iat && iat->type == J_NUM) CHECK(meshauth_principal_issued_at(p, &t) && t == strtoll(iat->str, NULL, 10));
    else CHECK(!meshauth_principal_issued_at(p, &t) && t == -1);
    const jval *nbf = json_get(pj, "not_before");
    if (nbf && nbf->type == J_NUM) CHECK(meshauth_principal_not_before(p, &t) && t == strtoll(nbf->str, NULL, 10));
    else CHECK(!meshauth_principal_not_before(p, &t));

    const jval *scopes = json_get(pj, "scopes");
    CHECK(scopes && meshauth_principal_scope_count(p) == scopes->n);
    for (size_t i = 0; scopes && i < scopes->n; i++) {
        CHECK(str_eq(meshauth_principal_scope(p, i), &scopes->items[i]));
        CHECK(meshauth_principal_has_scope(p, (const uint8_t *)scopes->items[i].str, scopes->items[i].str_len));
    }
    CHECK(meshauth_principal_scope(p, 1u << 20).data == NULL);
    CHECK(!meshauth_principal_has_scope(p, (const uint8_t *)"\x01no such scope", 14));
    const jval *auds = json_get(pj, "audiences");
    CHECK(auds && meshauth_principal_audience_count(p) == auds->n);
    for (size_t i = 0; auds && i < auds->n; i++) CHECK(str_eq(meshauth_principal_audience(p, i), &auds->items[i]));
    const jval *roles = json_get(pj, "roles");
    CHECK(roles && meshauth_principal_role_count(p) == roles->n);
    for (size_t i = 0; roles && i < roles->n; i++) CHECK(str_eq(meshauth_principal_role(p, i), &roles->items[i]));
}

/* meshauth_principal_require_scopes on a validated Principal: its own scopes pass; one it lacks is
 * insufficient_scope (403) whose challenge lists every required scope. */
static void check_require_scopes(const meshauth_principal *p, const jval *scopes) {
    if (!CHECK(scopes && scopes->type == J_ARR)) return;
    meshauth_error *err = NULL;
    meshauth_result r = meshauth_principal_require_scopes(p, (const uint8_t *)scopes->src, scopes->src_len, &err);
    CHECK_MSG(r == MESHAUTH_OK && err == NULL, "own scopes %.*s: %s", (int)scopes->src_len, scopes->src,
              err ? meshauth_error_message(err) : "");
    meshauth_error_free(err);

    char required[4096], want[4096];
    if (scopes->n > 0 && scopes->items[0].src_len < 1024 && scopes->items[0].str_len < 1024) {
        snprintf(required, sizeof required, "[%.*s,\"corpus:absent\"]", (int)scopes->items[0].src_len, scopes->items[0].src);
        snprintf(want, sizeof want, ", scope=\"%s corpus:absent\"", scopes->items[0].str);
    } else {
        snprintf(required, sizeof required, "[\"corpus:absent\"]");
        snprintf(want, sizeof want, ", scope=\"corpus:absent\"");
    }
    err = NULL;
    r = meshauth_principal_require_scopes(p, (const uint8_t *)required, strlen(required), &err);
    CHECK_MSG(r == MESHAUTH_INSUFFICIENT_SCOPE && err, "require %s: result %u", required, (unsigned)r);
    if (err) {
        const char *www = meshauth_error_www_authenticate(err);
        CHECK(meshauth_error_result(err) == MESHAUTH_INSUFFICIENT_SCOPE);
        CHECK(!strcmp(meshauth_error_code(err), "insufficient_scope"));
        CHECK(meshauth_error_http_status(err) == 403);
        CHECK_MSG(www && !strncmp(www, "Bearer error=\"insufficient_scope\"", strlen("Bearer error=\"insufficient_scope\"")) && strlen(www) >= strlen(want) &&
                      !strcmp(www + strlen(www) - strlen(want), want),
                  "WWW-Authenticate %s, want it to end with %s", www ? www : "NULL", want);
    }
    meshauth_error_free(err);
}

/* meshauth_principal_from_json rebuilds the same Principal from its JSON. */
static void check_from_json(const char *json) {
    meshauth_principal *q = NULL;
    meshauth_error *err = NULL;
    meshauth_result r = meshauth_principal_from_json((const uint8_t *)json, strlen(json), &q, &err);
    if (!CHECK_MSG(r == MESHAUTH_OK && q && !err, "from_json: %s", err ? meshauth_error_message(err) : "")) {
        meshauth_error_free(err);
        return;
    }
    char *again = meshauth_principal_json(q);
    CHECK_MSG(again && !strcmp(again, json), "from_json round trip");
    meshauth_string_free(again);
    meshauth_principal_free(q);
}

static void check_success(meshauth_result r, meshauth_principal *p, meshauth_error *err, const jval *expect) {
    if (!CHECK_MSG(r == MESHAUTH_OK && p != NULL && err == NULL, "result %u (%s): %s", (unsigned)r,
                   meshauth_result_name(r), err ? meshauth_error_message(err) : "")) {
        meshauth_error_free(err);
        return;
    }
    char *json = meshauth_principal_json(p);
    const char *perr = NULL;
    jval *pj = json ? json_parse(json, strlen(json), &perr) : NULL;
    if (CHECK_MSG(pj != NULL, "principal JSON does not parse: %s", perr ? perr : "NULL")) {
        const jval *want = json_get(expect, "principal");
        for (size_t i = 0; want && i < want->n; i++)
            CHECK_MSG(json_equal(&want->items[i], json_get(pj, want->keys[i])), "principal field %s", want->keys[i]);
        const jval *claims = json_get(expect, "claims");
        if (claims) {
            CHECK_MSG(json_equal(claims, json_get(pj, "claims")), "claims in principal JSON");
            meshauth_str raw = meshauth_principal_claims_json(p);
            jval *cj = raw.data ? json_parse(raw.data, raw.len, NULL) : NULL;
            CHECK_MSG(json_equal(claims, cj), "meshauth_principal_claims_json");
            json_free(cj);
        }
        check_accessors(p, pj);
        check_require_scopes(p, json_get(pj, "scopes"));
        check_from_json(json);
    }
    json_free(pj);
    meshauth_string_free(json);
    meshauth_principal_free(p);
}

static void check_failure(meshauth_result r, meshauth_principal *p, meshauth_error *err, const jval *expect) {
    const jval *code = json_get(expect, "code");
    if (!CHECK_MSG(r != MESHAUTH_OK && p == NULL && err != NULL, "expected %s, got result %u", code ? code->str : "?", (unsigned)r)) {
        meshauth_principal_free(p);
        return;
    }
    CHECK_MSG(cstr_eq(meshauth_error_code(err), code), "code %s, want %s (%s)", meshauth_error_code(err),
              code ? code->str : "?", meshauth_error_message(err));
    CHECK(meshauth_error_result(err) == r);
    CHECK(meshauth_error_number(err) == (uint32_t)r);
    CHECK(!strcmp(meshauth_result_name(r), meshauth_error_code(err)));
    const jval *status = json_get(expect, "status");
    if (status) {
        unsigned want = status->type == J_NUM ? (unsigned)atoi(status->str) : 0;
        CHECK_MSG(meshauth_error_http_status(err) == want, "status %u, want %u", meshauth_error_http_status(err), want);
    }
    const jval *www = json_get(expect, "www_authenticate");
    if (www) CHECK_MSG(cstr_eq(meshauth_error_www_authenticate(err), www), "www_authenticate %s",
                       meshauth_error_www_authenticate(err) ? meshauth_error_www_authenticate(err) : "(null)");
    CHECK(meshauth_error_message(err) != NULL);
    char *ej = meshauth_error_json(err);
    jval *e = ej ? json_parse(ej, strlen(ej), NULL) : NULL;
    CHECK(e && json_equal(json_get(e, "code"), code));
    json_free(e);
    meshauth_string_free(ej);
    meshauth_error_free(err);
}

static void check_outcome(meshauth_result r, meshauth_principal *p, meshauth_error *err, const jval *expect) {
    const jval *ok = json_get(expect, "ok");
    if (ok && ok->type == J_BOOL && ok->boolean) check_success(r, p, err, expect);
    else check_failure(r, p, err, expect);
}

/* A request made of at most one Authorization and one Cookie header (no parsed cookies) can also
 * go through meshauth_validator_authenticate_header, with the same outcome. */
static int header_pair(const jval *request, const jval **auth, const jval **cookie) {
    const jval *headers = json_get(request, "headers");
    const jval *cookies = json_get(request, "cookies");
    *auth = *cookie = NULL;
    if (cookies && cookies->type != J_NULL) return 0;
    for (size_t i = 0; headers && i < headers->n; i++) {
        const jval *h = &headers->items[i];
        if (h->type != J_ARR || h->n != 2) return 0;
        const jval **slot = !strcasecmp(h->items[0].str, "authorization") ? auth
                          : !strcasecmp(h->items[0].str, "cookie") ? cookie : NULL;
        if (!slot || *slot) return 0;
        *slot = &h->items[1];
    }
    return 1;
}

int main(void) {
    const char *path = getenv("MESHAUTH_CORPUS");
    if (!path) path = "testdata/corpus.json";
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        fprintf(stderr, "cannot read the corpus at %s\n", path);
        return 1;
    }
    const char *perr = NULL;
    jval *corpus = json_parse(text, len, &perr);
    if (!corpus) {
        fprintf(stderr, "corpus does not parse: %s\n", perr);
        return 1;
    }
    const jval *format = json_get(corpus, "format");
    CHECK(format && format->type == J_NUM && !strcmp(format->str, "1"));
    const jval *cases = json_get(corpus, "cases");
    size_t ran = 0, via_header = 0;
    for (size_t i = 0; cases && i < cases->n; i++) {
        const jval *c = &cases->items[i];
        const jval *name = json_get(c, "name");
        check_context = name ? name->str : "?";
        const jval *expect = json_get(c, "expect");
        const jval *config = json_get(c, "config");
        const jval *now = json_get(c, "now");
        long long t = now && now->type == J_NUM ? strtoll(now->str, NULL, 10) : 0;
        int failed_before = check_failed;

        meshauth_validator *v = NULL;
        meshauth_error *err = NULL;
        meshauth_result r = meshauth_validator_new((const uint8_t *)config->src, config->src_len, &v, &err);
        const jval *code = json_get(expect, "code");
        if (code && !strcmp(code->str, "invalid_config")) {
            check_failure(r, NULL, err, expect);
            CHECK(v == NULL);
            meshauth_validator_free(v);
            ran++;
            continue;
        }
        if (!CHECK_MSG(r == MESHAUTH_OK && v, "validator_new: %s", err ? meshauth_error_message(err) : "")) {
            meshauth_error_free(err);
            continue;
        }
        const jval *token = json_get(c, "token");
        const jval *request = json_get(c, "request");
        meshauth_principal *p = NULL;
        err = NULL;
        if (token) {
            r = meshauth_validator_validate(v, (const uint8_t *)token->str, token->str_len, t, &p, &err);
            check_outcome(r, p, err, expect);
            /* Corpus keys are inline: the non-blocking variant always has the answer. */
            p = NULL;
            err = NULL;
            r = meshauth_validator_validate_cached(v, (const uint8_t *)token->str, token->str_len, t, &p, &err);
            CHECK(r != MESHAUTH_OK || p != NULL);
            check_outcome(r, p, err, expect);
        } else if (CHECK_MSG(request != NULL, "case has neither token nor request")) {
            r = meshauth_validator_authenticate(v, (const uint8_t *)request->src, request->src_len, t, &p, &err);
            check_outcome(r, p, err, expect);
            p = NULL;
            err = NULL;
            r = meshauth_validator_authenticate_cached(v, (const uint8_t *)request->src, request->src_len, t, &p, &err);
            CHECK(r != MESHAUTH_OK || p != NULL);
            check_outcome(r, p, err, expect);
            const jval *auth, *cookie;
            if (header_pair(request, &auth, &cookie)) {
                p = NULL;
                err = NULL;
                r = meshauth_validator_authenticate_header(
                    v, auth ? (const uint8_t *)auth->str : NULL, auth ? auth->str_len : 0,
                    cookie ? (const uint8_t *)cookie->str : NULL, cookie ? cookie->str_len : 0, t, &p, &err);
                check_outcome(r, p, err, expect);
                via_header++;
            }
        }
        meshauth_validator_free(v);
        ran++;
        if (check_failed != failed_before) fprintf(stderr, "  case %s failed\n", check_context);
    }
    check_context = "";
    CHECK_MSG(ran > 0 && cases && ran == cases->n, "ran %zu of %zu cases", ran, cases ? cases->n : 0);
    printf("corpus: %zu cases (%zu also through authenticate_header)\n", ran, via_header);
    json_free(corpus);
    free(text);
    return check_summary("c-corpus");
}
