/*
 * where.c — see where.h for what and why.
 */
#include "search/where.h"
#include "geo/geo.h"
#include "core/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Used by: where_resolve (a resolved commune's EPCI, for "always include the
 * commune's EPCI" in the search). */
static const char Q_COMMUNE_EPCI[] = "SELECT epci FROM commune WHERE insee = :insee";

static void set_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void from_commune(db_conn *c, const geo_commune *gc, where_result *w)
{
    w->kind = WHERE_COMMUNE;
    w->lat = gc->latitude;
    w->lon = gc->longitude;
    set_text(w->name, sizeof w->name, gc->name);
    snprintf(w->label, sizeof w->label, "%s (%s)", gc->name, gc->departement);
    set_text(w->insee, sizeof w->insee, gc->insee);
    set_text(w->departement, sizeof w->departement, gc->departement);
    /* An arrondissement belongs to its city's EPCI. */
    sqlite3_stmt *s = db_stmt(c, Q_COMMUNE_EPCI);
    db_bind_text(s, ":insee", gc->parent[0] ? gc->parent : gc->insee);
    if (sqlite3_step(s) == SQLITE_ROW) set_text(w->epci, sizeof w->epci, db_col_text(s, 0));
    sqlite3_reset(s);
}

static void from_departement(const geo_departement *dep, where_result *w)
{
    w->kind = WHERE_DEPARTEMENT;
    w->lat = dep->latitude;
    w->lon = dep->longitude;
    set_text(w->name, sizeof w->name, dep->name);
    snprintf(w->label, sizeof w->label, "%s (%s)", dep->name, dep->code);
    set_text(w->departement, sizeof w->departement, dep->code);
}

static void from_choices(const geo_commune *list, int n, where_result *w)
{
    w->kind = WHERE_CHOICE;
    w->choices = xcalloc((size_t)n, sizeof(where_choice));
    for (int i = 0; i < n && i < WHERE_MAX_CHOICES; i++) {
        where_choice *ch = &w->choices[w->choice_count++];
        set_text(ch->insee, sizeof ch->insee, list[i].insee);
        set_text(ch->name, sizeof ch->name, list[i].name);
        set_text(ch->departement, sizeof ch->departement, list[i].departement);
        set_text(ch->departement_name, sizeof ch->departement_name, list[i].departement_name);
        set_text(ch->postal_codes, sizeof ch->postal_codes, list[i].postal_codes);
    }
}

/* WHERE_UNKNOWN, with the message that fits what was typed. */
static void not_found(geo_query_kind kind, const char *text, where_result *w)
{
    w->kind = WHERE_UNKNOWN;
    switch (kind) {
    case GEO_QUERY_BAD_CODE:
        snprintf(w->message, sizeof w->message,
                 "Nous ne trouvons pas « %s » : ce n'est ni un code postal ni un numéro de "
                 "département.",
                 text);
        break;
    case GEO_QUERY_POSTAL_CODE:
        snprintf(w->message, sizeof w->message,
                 "Nous ne trouvons pas « %s » : aucune commune n'a ce code postal.", text);
        break;
    default:
        snprintf(w->message, sizeof w->message, "Nous ne trouvons pas « %s ».", text);
        break;
    }
}

/*
 * "Grenoble (38)", as the suggestions and the labels write it: copies the
 * name into name (size bytes) and the département code into dep; dep is ""
 * when the text has no such ending (the whole text is then the name).
 */
static void split_departement_suffix(const char *text, char *name, size_t size, char dep[4])
{
    snprintf(name, size, "%s", text);
    dep[0] = '\0';
    size_t len = strlen(name);
    while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        name[--len] = '\0';
    char *open = strrchr(name, '(');
    if (!open || !len || name[len - 1] != ')') return;
    size_t code_len = (size_t)(name + len - 1 - (open + 1));
    if (code_len < 2 || code_len > 3) return;
    memcpy(dep, open + 1, code_len);
    dep[code_len] = '\0';
    *open = '\0';
}

/* Free text: communes by name, else a département by name (rule 3, text). */
static int resolve_text(db_conn *c, const char *text, geo_query_kind kind, where_result *w)
{
    geo_commune *list = NULL;
    int n = 0;
    if (kind == GEO_QUERY_TEXT) {
        char name[WHERE_MAX_TEXT + 1], dep[4];
        split_departement_suffix(text, name, sizeof name, dep);
        n = geo_communes_find(c, name, WHERE_MAX_CHOICES, &list);
        if (n < 0) return -1;
        if (dep[0]) {
            int kept = 0;
            for (int i = 0; i < n; i++)
                if (strcasecmp(list[i].departement, dep) == 0) list[kept++] = list[i];
            n = kept;
        }
        int exact = 0;
        for (int i = 0; i < n; i++)
            exact += list[i].exact;
        if (exact == 1 || (exact == 0 && n == 1)) {
            for (int i = 0; i < n; i++)
                if (list[i].exact || n == 1) {
                    from_commune(c, &list[i], w);
                    break;
                }
            free(list);
            return 0;
        }
        if (exact > 1) n = exact; /* exact matches come first */
    }
    if (kind == GEO_QUERY_DEPARTEMENT || n == 0 || !list[0].exact) {
        geo_departement dep;
        int rc = geo_departement_find(c, text, &dep);
        if (rc < 0) {
            free(list);
            return -1;
        }
        if (rc == 1) {
            from_departement(&dep, w);
            free(list);
            return 0;
        }
    }
    if (n > 0)
        from_choices(list, n, w);
    else
        not_found(kind, text, w);
    free(list);
    return 0;
}

int where_resolve(db *d, const where_input *in, where_result *w)
{
    memset(w, 0, sizeof *w);
    db_conn *c = db_reader(d);
    if (in->has_position) {
        w->kind = WHERE_POSITION;
        w->lat = in->lat;
        w->lon = in->lon;
        snprintf(w->label, sizeof w->label, "votre position");
        return 0;
    }
    geo_commune gc;
    if (in->commune && *in->commune) {
        int rc = geo_commune_by_insee(c, in->commune, &gc);
        if (rc < 0) return -1;
        if (rc == 1) {
            from_commune(c, &gc, w);
            return 0;
        }
    }
    const char *text = in->text;
    if (!text) return 0;
    geo_query_kind kind = geo_classify(text);
    if (kind == GEO_QUERY_EMPTY) return 0;
    if (strlen(text) > WHERE_MAX_TEXT) {
        w->kind = WHERE_UNKNOWN;
        snprintf(w->message, sizeof w->message,
                 "Le champ « Où ? » est trop long (%d caractères au plus).", WHERE_MAX_TEXT);
        return 0;
    }
    char code[16];
    switch (kind) {
    case GEO_QUERY_POSTAL_CODE: {
        if (!geo_code_normalise(text, code, sizeof code)) break;
        geo_commune *list = NULL;
        int n = geo_communes_by_postal_code(c, code, WHERE_MAX_CHOICES, &list);
        if (n < 0) return -1;
        if (n == 1)
            from_commune(c, &list[0], w);
        else if (n > 1)
            from_choices(list, n, w);
        free(list);
        if (n > 0) return 0;
        /* An all-digit INSEE code looks like a postal code. */
        int rc = geo_commune_by_insee(c, code, &gc);
        if (rc < 0) return -1;
        if (rc == 1) {
            from_commune(c, &gc, w);
            return 0;
        }
        break;
    }
    case GEO_QUERY_INSEE: {
        if (!geo_code_normalise(text, code, sizeof code)) break;
        int rc = geo_commune_by_insee(c, code, &gc);
        if (rc < 0) return -1;
        if (rc == 1) {
            from_commune(c, &gc, w);
            return 0;
        }
        break;
    }
    case GEO_QUERY_DEPARTEMENT:
    case GEO_QUERY_TEXT:
        return resolve_text(c, text, kind, w);
    case GEO_QUERY_BAD_CODE:
    case GEO_QUERY_EMPTY:
        break;
    }
    not_found(kind, text, w);
    return 0;
}

void where_result_free(where_result *w)
{
    free(w->choices);
    w->choices = NULL;
    w->choice_count = 0;
}

bool where_has_point(const where_result *w)
{
    return w->kind == WHERE_COMMUNE || w->kind == WHERE_POSITION;
}

static bool parse_degrees(const char *s, double limit, double *out)
{
    if (!s || !*s) return false;
    char *end;
    double v = strtod(s, &end);
    if (*end || !isfinite(v) || v < -limit || v > limit) return false;
    *out = v;
    return true;
}

bool where_parse_position(const char *lat, const char *lon, double *out_lat, double *out_lon)
{
    return parse_degrees(lat, 90, out_lat) && parse_degrees(lon, 180, out_lon);
}
