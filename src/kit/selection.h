/*
 * selection.h — "Ma sélection": the places and workshops a social worker
 * picks to hand over, as a short ordered list of ids.
 *
 * Nothing is stored on the server. The selection travels in the URL
 * (?s=… and the short link /s/…) and in one functional cookie holding the
 * same text. The encoding, version 1:
 *
 *     "1" ( "-" kind id )*        kind: 'p' place, 'w' workshop
 *                                 id:   base 36, lowercase, no leading zero
 *
 * "1-p2s-pa1-w3" is place 100, place 361, workshop 3, in that order. The
 * characters are all unreserved in URLs and allowed in cookie values, so the
 * text is used as is everywhere. The empty string is the empty selection.
 *
 * Everything here is pure (unit-tested in tests/unit/test_selection.c);
 * the request side is pages/selection_page.h.
 */
#ifndef REPERE_SELECTION_H
#define REPERE_SELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum {
    SELECTION_MAX_ITEMS = 20,     /* a sheet people can read; more is refused with a message */
    SELECTION_MAX_ID_DIGITS = 12, /* base-36 digits of one id (36^12 < 2^63) */
    /* The longest valid text: "1" + 20 × ("-" kind 12 digits). Longer → 400. */
    SELECTION_MAX_TEXT = 1 + SELECTION_MAX_ITEMS * (2 + SELECTION_MAX_ID_DIGITS),
};

#define SELECTION_COOKIE "repere_selection"

typedef struct selection_item {
    char kind;  /* 'p' or 'w' */
    int64_t id; /* > 0 */
} selection_item;

typedef struct selection {
    selection_item items[SELECTION_MAX_ITEMS];
    size_t count;
} selection;

typedef enum selection_status {
    SELECTION_OK = 0,
    SELECTION_MALFORMED, /* not the encoding above (or an unknown version) */
    SELECTION_TOO_MANY, /* more than SELECTION_MAX_ITEMS items, or longer than SELECTION_MAX_TEXT */
} selection_status;

/*
 * Parse `text` (NULL or "" → empty selection) into *out. Items repeated
 * later in the text are dropped (the first position wins). On error *out
 * is empty.
 */
selection_status selection_decode(const char *text, selection *out);

/* Encode into out (at least SELECTION_MAX_TEXT + 1 bytes): "" when empty. */
void selection_encode(const selection *s, char *out, size_t size);

/* Parse one item "p2s" (the same syntax as inside the encoding). */
bool selection_item_parse(const char *text, selection_item *out);
/* Write one item ("p2s") into out (at least 2 + SELECTION_MAX_ID_DIGITS + 1 bytes). */
void selection_item_format(selection_item item, char *out, size_t size);

/* Index of the item in s, or -1. */
int selection_find(const selection *s, selection_item item);
/* Append the item unless present. Returns false (nothing changed) when full. */
bool selection_add(selection *s, selection_item item);
/* Remove the item if present. */
void selection_remove(selection *s, selection_item item);
/*
 * Move the item to position `to` (0-based; clamped to the list). Giving the
 * target position rather than "up"/"down" makes a repeated form submission
 * harmless.
 */
void selection_move(selection *s, selection_item item, size_t to);

/* Number of places / of workshops in the selection. */
size_t selection_count_kind(const selection *s, char kind);

/*
 * The "Ma sélection (N)" link of every page's header, from the text of the
 * selection cookie (NULL or damaged: no link): {count, url}, or NULL when
 * the selection is empty. Caller owns it.
 */
json_t *selection_nav_model(const char *cookie_text);

#endif
