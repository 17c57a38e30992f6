#include "check.h"

#include <stdlib.h>

int check_passed, check_failed;
const char *check_context = "";

int check_at(int cond, const char *file, int line, const char *what) {
    if (cond) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr, "FAIL %s:%d [%s] %s\n", file, line, check_context, what);
    }
    return cond;
}

int check_summary(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, check_passed, check_failed); /* one word before the colon */
    return check_failed == 0 ? 0 : 1;
}

char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}
