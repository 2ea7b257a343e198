/*
 * intervenant.h — the directory of intervenants: vocabularies, the write
 * path of an entry (with its history) and its public view models. The
 * private e-mail address is only returned by intervenant_email().
 */
#ifndef REPERE_INTERVENANT_H
#define REPERE_INTERVENANT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/db.h"

/* A controlled vocabulary: {code, French label}, ended by {NULL, NULL}. */
typedef struct people_term {
    const char *code;
    const char *label;
} people_term;
extern const people_term PEOPLE_KINDS[], PEOPLE_DOMAINS[], PEOPLE_FORMATS[], PEOPLE_FEES[];
/* The label of a code, NULL when the code is not in the list. */
const char *people_label(const people_term *list, const char *code);
/* Does the '|'-separated list `codes` hold `code`? */
bool people_has_code(const char *codes, const char *code);

/* What an entry says, as typed and checked by the page. Lists are
 * '|'-separated codes. */
typedef struct intervenant_fields {
    const char *name, *kind, *presentation, *domains, *formats, *fees;
    const char *commune_insee; /* NULL or "": none */
    int64_t radius_km;
    bool remote;
} intervenant_fields;

/* New pending entry (inside the caller's write transaction) with the hash of
 * its confirmation token, attached to `place_id` when > 0. Returns its id, 0
 * on a database error. */
int64_t intervenant_create(db_conn *w, const intervenant_fields *f, const char *email,
                           const char *confirm_hash, int64_t place_id, int64_t by);
/* The pending entry with this token hash: its id (0 when none), name and
 * e-mail copied (malloc'd) when not NULL. */
int64_t intervenant_by_token(db_conn *c, const char *hash, char **name, char **email);
/* Mark it confirmed and owned by `account`; the token is spent. 1 done, 0 no. */
int intervenant_confirm(db_conn *w, int64_t id, int64_t account);
/* The entry owned by `account` (0: none). */
int64_t intervenant_of_account(db_conn *c, int64_t account);
/* Edit entry `id` if `account` owns it (the check is in the UPDATE). 1 done, 0 not allowed. */
int intervenant_update_own(db_conn *w, int64_t id, int64_t account, const intervenant_fields *f);
/* Make a confirmed entry public if `account` coordinates its home commune's
 * territory (or is an administrator). 1 done, 0 not allowed. */
int intervenant_validate(db_conn *w, int64_t id, int64_t account);
/* Delete entry `id` if `account` owns it, coordinates it or administers.
 * Removes every personal field; the caller writes the anonymous audit line.
 * 1 done, 0 not allowed. */
int intervenant_delete(db_conn *w, int64_t id, int64_t account);
/* The private address of entry `id` (malloc'd), NULL when none or not public. */
char *intervenant_email(db_conn *c, int64_t id);

/* Public view model of an entry (public entries only unless `any`): id, path,
 * name, kind, domains, formats, fees, area, presentation_html, places,
 * workshops. NULL when absent. Never an e-mail. */
json_t *intervenant_view(db_conn *c, int64_t id, bool any);
/* The editable fields of an entry, for the owner's form. */
json_t *intervenant_form_values(db_conn *c, int64_t id);
/* Public entries matching the filters (NULL or "": any). With a point
 * (has_point), only those whose area holds it: its commune, its radius, or
 * remote. Returns an array of short view models. */
json_t *intervenant_search(db_conn *c, const char *domain, const char *format, bool has_point,
                           double lat, double lon, const char *insee);
/* Confirmed entries waiting for a coordinator `account` may validate. */
json_t *intervenant_queue(db_conn *c, int64_t account);
/* Public entries attached to a place / running a workshop: [{name, path}]. */
json_t *intervenant_of_place(db_conn *c, int64_t place_id);
json_t *intervenant_of_workshop(db_conn *c, int64_t workshop_id);
/* The history of an entry: [{at, event, detail}]. */
json_t *intervenant_history(db_conn *c, int64_t id);

#endif
