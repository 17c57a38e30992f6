/* A tiny, exact JSON reader for the C tests: numbers keep their source text (claims may hold
 * integers beyond 2^53), every value keeps its source span (so a sub-document can be handed to
 * the C API as-is), strings are decoded to UTF-8. Not a general-purpose library. */
#ifndef MESHAUTH_TEST_JSON_H
#define MESHAUTH_TEST_JSON_H

#include <stddef.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval {
    jtype type;
    const char *src;      /* the value's source text (not NUL-terminated) */
    size_t src_len;
    char *str;            /* J_STR: decoded, NUL-terminated; J_NUM: the number's text */
    size_t str_len;
    int boolean;          /* J_BOOL */
    size_t n;             /* J_ARR / J_OBJ: member count */
    struct jval *items;   /* members */
    char **keys;          /* J_OBJ: decoded member names */
} jval;

/* Parse `len` bytes; NULL on error (message in *err, static). The text must outlive the result. */
jval *json_parse(const char *text, size_t len, const char **err);
void json_free(jval *v);
/* Member `key` of an object, or NULL. */
const jval *json_get(const jval *obj, const char *key);
/* Structural equality: objects as unordered maps, integers compared exactly by their text. */
int json_equal(const jval *a, const jval *b);
/* The value's source text as a new NUL-terminated string (free with free()). */
char *json_src(const jval *v);

#endif
