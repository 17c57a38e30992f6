/* Minimal test harness for the C tests: named checks, counters, a closing summary line. */
#ifndef MESHAUTH_TEST_CHECK_H
#define MESHAUTH_TEST_CHECK_H

#include <stdio.h>

extern int check_passed, check_failed;
extern const char *check_context;

/* Record one check; on failure print where and why. Returns the condition. */
int check_at(int cond, const char *file, int line, const char *what);
#define CHECK(cond) check_at(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_MSG(cond, ...) (check_at(!!(cond), __FILE__, __LINE__, #cond) ? 1 : (fprintf(stderr, "    "), fprintf(stderr, __VA_ARGS__), fprintf(stderr, "\n"), 0))
/* Print "<suite>: N passed, N failed" and return the process exit status. */
int check_summary(const char *suite);
/* Read a whole file (NUL-terminated); NULL if unreadable. */
char *read_file(const char *path, size_t *len);

#endif
