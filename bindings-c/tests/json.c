#include "json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t len, pos;
    const char *err;
    int depth;
} parser;

static void ws(parser *p) {
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\n' || p->s[p->pos] == '\r' || p->s[p->pos] == '\t'))
        p->pos++;
}

static int fail(parser *p, const char *msg) {
    if (!p->err) p->err = msg;
    return 0;
}

static int hex4(parser *p, unsigned *out) {
    if (p->pos + 4 > p->len) return fail(p, "short \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return fail(p, "bad \\u escape");
    }
    *out = v;
    return 1;
}

static void put_utf8(char *buf, size_t *n, unsigned cp) {
    if (cp < 0x80) buf[(*n)++] = (char)cp;
    else if (cp < 0x800) { buf[(*n)++] = (char)(0xC0 | (cp >> 6)); buf[(*n)++] = (char)(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
        buf[(*n)++] = (char)(0xE0 | (cp >> 12)); buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    } else {
        buf[(*n)++] = (char)(0xF0 | (cp >> 18)); buf[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        buf[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F)); buf[(*n)++] = (char)(0x80 | (cp & 0x3F));
    }
}

/* p->pos is at the opening quote. */
static int parse_string(parser *p, char **out, size_t *out_len) {
    p->pos++;
    size_t start = p->pos;
    size_t cap = 16;
    while (p->pos < p->len && p->s[p->pos] != '"') { if (p->s[p->pos] == '\\') p->pos++; p->pos++; cap++; }
    if (p->pos >= p->len) return fail(p, "unterminated string");
    p->pos = start;
    char *buf = malloc(cap * 2);
    size_t n = 0;
    while (p->s[p->pos] != '"') {
        unsigned char c = (unsigned char)p->s[p->pos++];
        if (c < 0x20) { free(buf); return fail(p, "control character in string"); }
        if (c != '\\') { buf[n++] = (char)c; continue; }
        char e = p->s[p->pos++];
        switch (e) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!hex4(p, &cp)) { free(buf); return 0; }
            if (cp >= 0xD800 && cp < 0xDC00 && p->pos + 6 <= p->len && p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
                unsigned lo;
                p->pos += 2;
                if (!hex4(p, &lo)) { free(buf); return 0; }
                if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                else { put_utf8(buf, &n, 0xFFFD); cp = lo; }
            }
            put_utf8(buf, &n, cp);
            break;
        }
        default: free(buf); return fail(p, "bad escape");
        }
    }
    p->pos++;
    buf[n] = 0;
    *out = buf;
    *out_len = n;
    return 1;
}

static int parse_value(parser *p, jval *v);

static int push(jval **items, size_t *n, size_t *cap) {
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        jval *grown = realloc(*items, *cap * sizeof(jval));
        if (!grown) return 0;
        *items = grown;
    }
    memset(&(*items)[*n], 0, sizeof(jval));
    return 1;
}

static int parse_value(parser *p, jval *v) {
    ws(p);
    if (p->pos >= p->len) return fail(p, "unexpected end");
    if (++p->depth > 200) return fail(p, "too deep");
    const char *start = p->s + p->pos;
    char c = p->s[p->pos];
    int ok = 1;
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        v->type = c == '{' ? J_OBJ : J_ARR;
        size_t cap = 0, kcap = 0;
        p->pos++;
        ws(p);
        if (p->pos < p->len && p->s[p->pos] == close) p->pos++;
        else for (;;) {
            ws(p);
            if (v->type == J_OBJ) {
                if (p->pos >= p->len || p->s[p->pos] != '"') { ok = fail(p, "expected a member name"); break; }
                char *key; size_t klen;
                if (!parse_string(p, &key, &klen)) { ok = 0; break; }
                if (v->n == kcap) { kcap = kcap ? kcap * 2 : 4; v->keys = realloc(v->keys, kcap * sizeof(char *)); }
                v->keys[v->n] = key;
                ws(p);
                if (p->pos >= p->len || p->s[p->pos] != ':') { free(key); ok = fail(p, "expected ':'"); break; }
                p->pos++;
            }
            if (!push(&v->items, &v->n, &cap)) { ok = fail(p, "out of memory"); break; }
            v->n++;
            if (!parse_value(p, &v->items[v->n - 1])) { ok = 0; break; }
            ws(p);
            if (p->pos < p->len && p->s[p->pos] == ',') { p->pos++; continue; }
            if (p->pos < p->len && p->s[p->pos] == close) { p->pos++; break; }
            ok = fail(p, "expected ',' or a closing bracket");
            break;
        }
    } else if (c == '"') {
        v->type = J_STR;
        ok = parse_string(p, &v->str, &v->str_len);
    } else if (c == 't' && p->len - p->pos >= 4 && !memcmp(start, "true", 4)) {
        v->type = J_BOOL; v->boolean = 1; p->pos += 4;
    } else if (c == 'f' && p->len - p->pos >= 5 && !memcmp(start, "false", 5)) {
        v->type = J_BOOL; v->boolean = 0; p->pos += 5;
    } else if (c == 'n' && p->len - p->pos >= 4 && !memcmp(start, "null", 4)) {
        v->type = J_NULL; p->pos += 4;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        v->type = J_NUM;
        size_t b = p->pos;
        while (p->pos < p->len && strchr("+-0123456789.eE", p->s[p->pos])) p->pos++;
        v->str_len = p->pos - b;
        v->str = malloc(v->str_len + 1);
        memcpy(v->str, p->s + b, v->str_len);
        v->str[v->str_len] = 0;
    } else {
        ok = fail(p, "unexpected character");
    }
    p->depth--;
    v->src = start;
    v->src_len = (size_t)(p->s + p->pos - start);
    return ok;
}

static void free_members(jval *v) {
    free(v->str);
    for (size_t i = 0; i < v->n; i++) {
        free_members(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

jval *json_parse(const char *text, size_t len, const char **err) {
    parser p = {text, len, 0, NULL, 0};
    jval *v = calloc(1, sizeof(jval));
    int ok = parse_value(&p, v);
    ws(&p);
    if (ok && p.pos != len) ok = fail(&p, "trailing characters");
    if (!ok) {
        if (err) *err = p.err;
        free_members(v);
        free(v);
        return NULL;
    }
    return v;
}

void json_free(jval *v) {
    if (!v) return;
    free_members(v);
    free(v);
}

const jval *json_get(const jval *obj, const char *key) {
    if (!obj || obj->type != J_OBJ) return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (!strcmp(obj->keys[i], key)) return &obj->items[i];
    return NULL;
}

static int is_integer(const char *s) { return !strpbrk(s, ".eE"); }

int json_equal(const jval *a, const jval *b) {
    if (!a || !b) return a == b;
    if (a->type != b->type) return 0;
    switch (a->type) {
    case J_NULL: return 1;
    case J_BOOL: return a->boolean == b->boolean;
    case J_NUM:
        if (is_integer(a->str) && is_integer(b->str)) return !strcmp(a->str, b->str);
        return strtod(a->str, NULL) == strtod(b->str, NULL);
    case J_STR: return a->str_len == b->str_len && !memcmp(a->str, b->str, a->str_len);
    case J_ARR:
        if (a->n != b->n) return 0;
        for (size_t i = 0; i < a->n; i++)
            if (!json_equal(&a->items[i], &b->items[i])) return 0;
        return 1;
    case J_OBJ:
        if (a->n != b->n) return 0;
        for (size_t i = 0; i < a->n; i++)
            if (!json_equal(&a->items[i], json_get(b, a->keys[i]))) return 0;
        return 1;
    }
    return 0;
}

char *json_src(const jval *v) {
    char *s = malloc(v->src_len + 1);
    memcpy(s, v->src, v->src_len);
    s[v->src_len] = 0;
    return s;
}
