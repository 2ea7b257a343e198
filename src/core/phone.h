/*
 * phone.h — French telephone numbers to E.164, as the national schema wants
 * them on export ("+33479311919").
 */
#ifndef REPERE_PHONE_H
#define REPERE_PHONE_H

#include <stdbool.h>
#include <stddef.h>

/* Room for the longest E.164 number ('+', 15 digits) and the NUL. */
enum { PHONE_E164_MAX = 17 };

/*
 * Normalise one number written as people write it: "04 79 31 19 19",
 * "04.79.31.19.19", "0479311919", "+33 (0)4 79 31 19 19", "0033 4…",
 * overseas national numbers ("0262 …", "0690 …" → "+262262…", "+590690…").
 * International numbers already in E.164 (8 to 15 digits after '+') are kept.
 * Writes the E.164 form into out and returns true; returns false when the
 * text is not one telephone number (several numbers, short numbers like
 * 3949, extensions, letters).
 */
bool phone_normalize(const char *text, char out[PHONE_E164_MAX]);

#endif
