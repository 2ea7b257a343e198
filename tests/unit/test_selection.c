/* Unit tests for selection.c: the URL/cookie encoding and list operations. */
#include "kit/selection.h"
#include "unit.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>

static selection_item P(int64_t id)
{
    return (selection_item){'p', id};
}
static selection_item W(int64_t id)
{
    return (selection_item){'w', id};
}

TEST(encode_decode)
{
    selection s = {0};
    char text[SELECTION_MAX_TEXT + 1];
    selection_encode(&s, text, sizeof text);
    CHECK_STR(text, "");
    CHECK(selection_add(&s, P(100)));
    CHECK(selection_add(&s, P(361)));
    CHECK(selection_add(&s, W(3)));
    selection_encode(&s, text, sizeof text);
    CHECK_STR(text, "1-p2s-pa1-w3");
    selection back;
    CHECK(selection_decode(text, &back) == SELECTION_OK);
    CHECK(back.count == 3);
    CHECK(back.items[0].kind == 'p' && back.items[0].id == 100);
    CHECK(back.items[1].kind == 'p' && back.items[1].id == 361);
    CHECK(back.items[2].kind == 'w' && back.items[2].id == 3);
    /* empty forms */
    CHECK(selection_decode(NULL, &back) == SELECTION_OK && back.count == 0);
    CHECK(selection_decode("", &back) == SELECTION_OK && back.count == 0);
    CHECK(selection_decode("1", &back) == SELECTION_OK && back.count == 0);
}

TEST(round_trip_many)
{
    /* Every id shape survives encode → decode → encode. */
    int64_t ids[] = {1, 9, 10, 35, 36, 1295, 1296, 30000, 123456789, 4738381338321616895LL};
    for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
        selection s = {0}, back;
        selection_add(&s, P(ids[i]));
        selection_add(&s, W(ids[i]));
        char a[SELECTION_MAX_TEXT + 1], b[SELECTION_MAX_TEXT + 1];
        selection_encode(&s, a, sizeof a);
        CHECK(selection_decode(a, &back) == SELECTION_OK);
        CHECK(back.count == 2 && back.items[0].id == ids[i] && back.items[1].id == ids[i]);
        selection_encode(&back, b, sizeof b);
        CHECK_STR(b, a);
    }
}

TEST(malformed)
{
    selection s;
    const char *bad[] = {"2-p1",
                         "x",
                         "1-",
                         "1--p1",
                         "1-p",
                         "1-q1",
                         "1-P1",
                         "1-p01",
                         "1-p0",
                         "1-p1-",
                         "1p1",
                         "1-p1 ",
                         "1-p$",
                         "1-pZ",
                         "1-p1%20",
                         "-p1",
                         "1-p1234567890abc" /* 13 digits */,
                         "11-p1"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        selection_status st = selection_decode(bad[i], &s);
        if (st != SELECTION_MALFORMED) fprintf(stderr, "accepted: %s\n", bad[i]);
        CHECK(st == SELECTION_MALFORMED);
        CHECK(s.count == 0);
    }
}

TEST(limits)
{
    selection s = {0};
    for (int i = 1; i <= SELECTION_MAX_ITEMS; i++)
        CHECK(selection_add(&s, P(i)));
    CHECK(!selection_add(&s, P(999))); /* full */
    CHECK(selection_add(&s, P(1)));    /* already there: fine */
    CHECK(s.count == SELECTION_MAX_ITEMS);
    char text[SELECTION_MAX_TEXT + 1];
    selection_encode(&s, text, sizeof text);
    selection back;
    CHECK(selection_decode(text, &back) == SELECTION_OK && back.count == SELECTION_MAX_ITEMS);
    /* 21 items */
    buf b = {0};
    buf_puts(&b, text);
    buf_puts(&b, "-w1");
    CHECK(selection_decode(b.data, &back) == SELECTION_TOO_MANY && back.count == 0);
    /* a huge parameter */
    buf_reset(&b);
    buf_puts(&b, "1");
    for (int i = 0; i < 2000; i++)
        buf_puts(&b, "-p1");
    CHECK(selection_decode(b.data, &back) == SELECTION_TOO_MANY);
    buf_free(&b);
    /* duplicates collapse, the first position wins */
    CHECK(selection_decode("1-p1-p2-p1", &back) == SELECTION_OK);
    CHECK(back.count == 2 && back.items[0].id == 1 && back.items[1].id == 2);
    /* the longest valid text fits SELECTION_MAX_TEXT */
    selection big = {0};
    for (int i = 0; i < SELECTION_MAX_ITEMS; i++)
        selection_add(&big, W(4738381338321616895LL - i));
    selection_encode(&big, text, sizeof text);
    CHECK(strlen(text) == SELECTION_MAX_TEXT);
    CHECK(selection_decode(text, &back) == SELECTION_OK && back.count == SELECTION_MAX_ITEMS);
    /* a too small output buffer gives "", never a truncated list */
    char tiny[6];
    selection_encode(&big, tiny, sizeof tiny);
    CHECK_STR(tiny, "");
}

TEST(operations)
{
    selection s = {0};
    selection_add(&s, P(1));
    selection_add(&s, P(2));
    selection_add(&s, P(3));
    selection_add(&s, W(7));
    char text[SELECTION_MAX_TEXT + 1];
    selection_remove(&s, P(2));
    selection_encode(&s, text, sizeof text);
    CHECK_STR(text, "1-p1-p3-w7");
    selection_remove(&s, P(42)); /* absent: nothing */
    CHECK(s.count == 3);
    selection_move(&s, W(7), 0);
    selection_encode(&s, text, sizeof text);
    CHECK_STR(text, "1-w7-p1-p3");
    selection_move(&s, W(7), 0); /* again: same result */
    selection_encode(&s, text, sizeof text);
    CHECK_STR(text, "1-w7-p1-p3");
    selection_move(&s, W(7), 99); /* clamped to the end */
    selection_encode(&s, text, sizeof text);
    CHECK_STR(text, "1-p1-p3-w7");
    selection_move(&s, P(3), 0);
    selection_encode(&s, text, sizeof text);
    CHECK_STR(text, "1-p3-p1-w7");
    CHECK(selection_count_kind(&s, 'p') == 2 && selection_count_kind(&s, 'w') == 1);
    selection_item it;
    CHECK(selection_item_parse("w7", &it) && it.kind == 'w' && it.id == 7);
    CHECK(!selection_item_parse("w07", &it));
    CHECK(!selection_item_parse("", &it));
    char one[16];
    selection_item_format(P(1296), one, sizeof one);
    CHECK_STR(one, "p100");
}

int main(void)
{
    RUN(encode_decode);
    RUN(round_trip_many);
    RUN(malformed);
    RUN(limits);
    RUN(operations);
    return unit_report();
}
