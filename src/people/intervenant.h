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
/* Publics worked with, languages spoken, approvals (plus free text). */
extern const people_term PEOPLE_PUBLICS[], PEOPLE_LANGUAGES[], PEOPLE_APPROVALS[];
/* The label of a code, NULL when the code is not in the list. */
const char *people_label(const people_term *list, const char *code);
/* Does the '|'-separated list `codes` hold `code`? */
bool people_has_code(const char *codes, const char *code);

/* What an entry says, as typed and checked by the page. Lists are
 * '|'-separated codes. */
typedef struct intervenant_fields {
    const char *name, *kind, *presentation, *domains, *formats, *fees;
    const char *publics, *languages, *approvals, *approvals_other;
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
/* Edit entry `id` if `account` owns it or coordinates its territory (the
 * check is in the UPDATE); the history says which fields changed. 1 done,
 * 0 not allowed. */
int intervenant_update(db_conn *w, int64_t id, int64_t account, const intervenant_fields *f);
/* May `account` coordinate entry `id` (its home commune's territory, or an
 * administrator)? */
bool intervenant_coordinates(db_conn *c, int64_t id, int64_t account);
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
/* What /intervenants and the API ask for: codes (NULL or "": any) and where. */
typedef struct intervenant_query {
    const char *domain, *format, *public_code, *language;
    bool has_point; /* a commune: its centre and INSEE code */
    double lat, lon;
    const char *insee;
    const char *departement; /* a département (when no point) */
} intervenant_query;
/* Public entries matching the query. With a point, only those whose area
 * holds it (intervenant_serves); with a département, those whose home
 * commune is in it, or remote. Returns an array of short view models. */
json_t *intervenant_search(db_conn *c, const intervenant_query *q);
/* The one rule of an area: does an entry (home commune `home` at
 * home_lat/home_lon, radius_km, remote) serve the point lat/lon of commune
 * `insee`? Its commune, its radius around it, or remote. */
bool intervenant_serves(const char *home, double home_lat, double home_lon, int64_t radius_km,
                        bool remote, const char *insee, double lat, double lon);
/* Public entries that may run a workshop of place `place_id`: attached to
 * it or serving its commune: [{id, name, path}]. */
json_t *intervenant_eligible_for_place(db_conn *c, int64_t place_id);
/* Link / unlink entry `id` and workshop `workshop_id` (the caller has
 * checked that `by` may edit the workshop's place, in the same
 * transaction). History line on the entry. 1 done, 0 nothing to do. */
int intervenant_link_workshop(db_conn *w, int64_t id, int64_t workshop_id, int64_t by);
int intervenant_unlink_workshop(db_conn *w, int64_t id, int64_t workshop_id, int64_t by);
/* Changes of attached places (docs/admin.md): the owner asks to be
 * attached (a pending request) or detaches at once; the place's people
 * attach (confirming a request) or detach. History lines. 1 done, 0 no. */
int intervenant_request_place(db_conn *w, int64_t id, int64_t place_id, int64_t by);
int intervenant_attach_place(db_conn *w, int64_t id, int64_t place_id, int64_t by);
int intervenant_detach_place(db_conn *w, int64_t id, int64_t place_id, int64_t by);
/* The places entry `id` asked to be attached to: [{id, name}]. */
json_t *intervenant_place_requests(db_conn *c, int64_t id);
/* Confirmed entries waiting for a coordinator `account` may validate, the
 * 100 oldest (validating them shows the next ones). */
json_t *intervenant_queue(db_conn *c, int64_t account);
/* Entries (confirmed or public) of the territory `account` coordinates,
 * by name, `limit` from `offset`; *total: how many in all. */
json_t *intervenant_of_territory(db_conn *c, int64_t account, int64_t offset, int64_t limit,
                                 int64_t *total);
/* Public entries attached to a place / running a workshop: [{name, path}]. */
json_t *intervenant_of_place(db_conn *c, int64_t place_id);
json_t *intervenant_of_workshop(db_conn *c, int64_t workshop_id);
/* The history of an entry, newest first: [{at, event, label, detail, who}]
 * (who: "la personne elle-même", translated, for its owner, else the account's
 * e-mail). */
json_t *intervenant_history(db_conn *c, int64_t id);
/* The anonymous line of deleted entry `id` if `account` coordinates its
 * former département (or administers): {at, by_owner, departement}; NULL
 * otherwise. */
json_t *intervenant_deleted_line(db_conn *c, int64_t id, int64_t account);

#endif
