/*
 * jsonld.h — schema.org descriptions (JSON-LD) of public pages, for search
 * engines and assistants: a place as a LocalBusiness with its address,
 * position, telephone and the opening hours of the coming week.
 *
 * The result goes into the page inside
 *     <script type="application/ld+json">{{raw jsonld}}</script>
 * Browsers do not run ld+json (so the CSP without 'unsafe-inline' is fine),
 * but the text must not be able to close the element: every '<', '>' and
 * '&' is written as a \u escape, so a name holding "</script>" stays inside.
 */
#ifndef REPERE_JSONLD_H
#define REPERE_JSONLD_H

#include <jansson.h>
#include <stdint.h>

#include "core/db.h"

/*
 * The schema.org object of place `id` (NULL when it does not exist). `origin`
 * ("https://repere.example.fr", may be "" for relative URLs) prefixes the
 * page's URL; `now` (UTC seconds) chooses the week of openingHoursSpecification
 * (the 7 local days from today, each with validFrom/validThrough, public
 * holidays and exceptions included; omitted when the hours cannot be read).
 * New reference.
 */
json_t *jsonld_place(db_conn *c, int64_t id, const char *origin, int64_t now);

/* Serialise for a <script type="application/ld+json"> element ('<', '>', '&',
 * U+2028 and U+2029 escaped). Returns a malloc'd string. */
char *jsonld_script_text(const json_t *value);

/* Both at once: NULL when the place does not exist. */
char *jsonld_place_script(db_conn *c, int64_t id, const char *origin, int64_t now);

#endif
