/*
 * unit.h — a minimal unit-test harness (header only).
 *
 *   TEST(name) { CHECK(x == 1); CHECK_STR(got, "expected"); }
 *   int main(void) { RUN(name); return unit_report(); }
 *
 * unit_report() prints "N passed, N failed" (one CHECK is one assertion
 * counted) and returns non-zero when anything failed. tests/run.sh sums
 * these lines over every suite.
 */
#ifndef REPERE_UNIT_H
#define REPERE_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;
static const char *unit_current;

#define TEST(name) static void test_##name(void)
#define RUN(name)                                                                                  \
    do {                                                                                           \
        unit_current = #name;                                                                      \
        test_##name();                                                                             \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond)                                                                                  \
            unit_passed++;                                                                         \
        else {                                                                                     \
            unit_failed++;                                                                         \
            fprintf(stderr, "FAIL %s (%s:%d): %s\n", unit_current, __FILE__, __LINE__, #cond);     \
        }                                                                                          \
    } while (0)

#define CHECK_STR(got, want)                                                                       \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        if (g_ && w_ && strcmp(g_, w_) == 0)                                                       \
            unit_passed++;                                                                         \
        else {                                                                                     \
            unit_failed++;                                                                         \
            fprintf(stderr, "FAIL %s (%s:%d): %s\n   got: %s\n  want: %s\n", unit_current,         \
                    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");             \
        }                                                                                          \
    } while (0)

static inline int unit_report(void)
{
    printf("%d passed, %d failed\n", unit_passed, unit_failed);
    return unit_failed ? 1 : 0;
}

#endif
