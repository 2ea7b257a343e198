/*
 * where.c — see where.h for what and why.
 */
#include "search/where.h"
#include "core/i18n.h"
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
                 _("Nous ne trouvons pas « %s » : ce n'est ni un code postal ni un numéro de "
                   "département."),
                 text);
        break;
    case GEO_QUERY_POSTAL_CODE:
        snprintf(w->message, sizeof w->message,
                 _("Nous ne trouvons pas « %s » : aucune commune n'a ce code postal."), text);
        break;
    default:
        snprintf(w->message, sizeof w->message, _("Nous ne trouvons pas « %s »."), text);
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

/* Does the commune serve this postal code? */
static bool has_postal_code(const geo_commune *gc, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = gc->postal_codes; (p = strstr(p, code)) != NULL; p += n)
        if ((p == gc->postal_codes || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return true;
    return false;
}

/* What a text says besides a name: "Rumilly 74150", "74003 Annecy Cedex
 * 03", "Rumilly 74", "Grenoble (38)". */
typedef struct where_text {
    char name[WHERE_MAX_TEXT + 1]; /* the words of the name only */
    char postal_code[6];           /* "" when none */
    char departement[4];           /* "" when none (or from the postal code) */
} where_text;

static bool is_digits(const char *s, size_t n)
{
    if (!n) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* Split the words of text: a 5-digit word is a postal code, a 1- to
 * 3-character département code (digits, 2A/2B) is a département, "cedex"
 * and the number after it are dropped; the rest, in order, is the name. */
static void split_text(const char *text, where_text *t)
{
    memset(t, 0, sizeof *t);
    char dep[4];
    char rest[WHERE_MAX_TEXT + 1];
    split_departement_suffix(text, rest, sizeof rest, dep);
    snprintf(t->departement, sizeof t->departement, "%s", dep);
    size_t len = 0;
    bool after_cedex = false;
    for (char *save = NULL, *w = strtok_r(rest, " \t,", &save); w;
         w = strtok_r(NULL, " \t,", &save)) {
        size_t n = strlen(w);
        if (strcasecmp(w, "cedex") == 0) {
            after_cedex = true;
            continue;
        }
        if (after_cedex && is_digits(w, n) && n <= 3) {
            after_cedex = false;
            continue;
        }
        after_cedex = false;
        if (n == 5 && is_digits(w, n) && len + n > 0 && !t->postal_code[0]) {
            snprintf(t->postal_code, sizeof t->postal_code, "%s", w);
            continue;
        }
        if (!t->departement[0] && geo_classify(w) == GEO_QUERY_DEPARTEMENT) {
            char code[8];
            if (geo_code_normalise(w, code, sizeof code) && strlen(code) <= 3) {
                snprintf(t->departement, sizeof t->departement, "%.3s", code);
                continue;
            }
        }
        if (len + n + 2 > sizeof t->name) break;
        if (len) t->name[len++] = ' ';
        memcpy(t->name + len, w, n + 1);
        len += n;
    }
    /* A postal code and nothing else was not a name with a code. */
    if (!t->name[0]) t->postal_code[0] = t->departement[0] = '\0';
}

/* Keep the communes that fit the postal code or département given with the
 * name. A postal code no commune of that name has (a Cedex code) narrows to
 * its département instead. Returns the new count. */
static int narrow(geo_commune *list, int n, const where_text *t)
{
    if (t->postal_code[0]) {
        int kept = 0;
        for (int i = 0; i < n; i++)
            if (has_postal_code(&list[i], t->postal_code)) list[kept++] = list[i];
        if (kept) return kept;
    }
    char dep[4];
    snprintf(dep, sizeof dep, "%s", t->departement);
    if (!dep[0] && t->postal_code[0]) geo_departement_of_postal(t->postal_code, dep);
    if (!dep[0]) return n;
    int kept = 0;
    for (int i = 0; i < n; i++)
        if (strcasecmp(list[i].departement, dep) == 0) list[kept++] = list[i];
    return kept;
}

/* Several communes share the name: the choices (by population), or the one
 * far bigger than the others with the others offered too. */
static void from_homonyms(db_conn *c, const geo_commune *list, int n, where_result *w)
{
    if (n >= 2 && list[0].population >= (long)WHERE_DOMINANT * (list[1].population + 1)) {
        from_choices(list + 1, n - 1, w);
        from_commune(c, &list[0], w);
        return;
    }
    from_choices(list, n, w);
}

/* "de " or "d’" before a name: "d’Annecy", "d’Évian", "de Seynod". */
static const char *de(const char *name)
{
    const unsigned char *n = (const unsigned char *)name;
    bool vowel = strchr("AEIOUYaeiouy", n[0]) != NULL ||
                 (n[0] == 0xC3 && n[1] && strchr("\x89\x88\x8a\x8e\x94", n[1]) != NULL);
    return vowel ? "d’" : "de ";
}

/* A former commune: today's commune, saying so. */
static void from_former(db_conn *c, const geo_former *f, where_result *w)
{
    from_commune(c, &f->current, w);
    /* Two whole sentences for the French elision (de / d’): a language
     * translates both alike. */
    const char *sentence = strcmp(de(f->current.name), "d’") == 0
                               ? _("%1$.100s fait partie aujourd’hui d’%2$.100s (%3$s).")
                               : _("%1$.100s fait partie aujourd’hui de %2$.100s (%3$s).");
    snprintf(w->note, sizeof w->note, sentence, f->name, f->current.name, f->current.departement);
}

/*
 * Exact names that are small villages while a close spelling or a longer
 * name is a town WHERE_DOMINANT times bigger ("Chambry", two villages, for
 * Chambéry; "Livron", a village of the Pyrénées, for Livron-sur-Drôme): the
 * town is offered first, with the villages. `longer` are the communes whose
 * name starts with the input. Returns 1 when *w was filled with those
 * choices, 0 when the exact names stand, -1 on an error.
 */
static int offer_bigger_spelling(db_conn *c, const char *name, const geo_commune *exact, int n,
                                 const geo_commune *longer, int n_longer, where_result *w)
{
    long biggest = 0;
    for (int i = 0; i < n; i++)
        if (exact[i].population > biggest) biggest = exact[i].population;
    if (biggest >= 5000) return 0; /* a town of that name: what was meant */
    const long enough = (long)WHERE_DOMINANT * (biggest + 1);
    geo_commune *close = NULL;
    int nc = geo_communes_close(c, name, WHERE_MAX_SUGGESTIONS, &close);
    if (nc < 0) return -1;
    geo_commune *all = xcalloc((size_t)(nc + n_longer + n), sizeof *all);
    int k = 0;
    for (int i = 0; i < nc; i++)
        if (close[i].population >= enough) all[k++] = close[i];
    for (int i = 0; i < n_longer && k < WHERE_MAX_SUGGESTIONS; i++)
        if (longer[i].population >= enough) all[k++] = longer[i];
    int bigger = k;
    if (bigger) {
        memcpy(all + k, exact, (size_t)n * sizeof *all);
        from_choices(all, bigger + n, w);
    }
    free(all);
    free(close);
    return bigger > 0;
}

/*
 * Communes whose exact name is a shorter form of `name`: without its
 * leading article, or its words before "sur", "en", "lès", "les", "de"
 * ("Vorey sur Arzon" → Vorey). Same return and ownership as
 * geo_communes_find; only exact names.
 */
static int other_names(db_conn *c, const char *name, geo_commune **out)
{
    *out = NULL;
    char *key = geo_name_key(name);
    char *forms[2] = {geo_key_without_article(key), NULL};
    static const char *const cuts[] = {" sur ", " en ", " les ", " lez ", " de ", " pres "};
    for (size_t i = 0; i < ARRAY_LEN(cuts) && !forms[1]; i++) {
        const char *at = strstr(key, cuts[i]);
        if (at && at > key) forms[1] = xstrndup(key, (size_t)(at - key));
    }
    int n = 0;
    for (int f = 0; f < 2 && n == 0; f++) {
        if (!forms[f]) continue;
        free(*out);
        n = geo_communes_find(c, forms[f], WHERE_MAX_CHOICES, out);
        if (n < 0) break;
        int exact = 0;
        while (exact < n && (*out)[exact].exact)
            exact++;
        n = exact;
    }
    free(forms[0]);
    free(forms[1]);
    free(key);
    return n;
}

/* Free text: communes by name, else a département by name (rule 3, text). */
static int resolve_text(db_conn *c, const char *text, geo_query_kind kind, where_result *w)
{
    geo_commune *list = NULL;
    int n = 0;
    where_text t;
    split_text(text, &t);
    bool narrowed = t.postal_code[0] || t.departement[0];
    if (kind == GEO_QUERY_TEXT) {
        n = geo_communes_find(c, t.name, WHERE_MAX_CHOICES, &list);
        if (n < 0) return -1;
        if (narrowed) n = narrow(list, n, &t);
        int exact = 0;
        for (int i = 0; i < n; i++)
            exact += list[i].exact;
        /* A département named exactly wins over communes that are not its
         * own: "La Réunion" is 974, not the village of Lot-et-Garonne. */
        if (!narrowed) {
            geo_departement dep;
            int rc = geo_departement_find(c, t.name, &dep);
            if (rc < 0) {
                free(list);
                return -1;
            }
            bool own = false;
            for (int i = 0; i < n && list[i].exact; i++)
                own = own || strcmp(list[i].departement, dep.code) == 0;
            if (rc == 1 && !own) {
                from_departement(&dep, w);
                free(list);
                return 0;
            }
        }
        if (exact >= 1 && !narrowed) {
            int rc = offer_bigger_spelling(c, t.name, list, exact, list + exact, n - exact, w);
            if (rc != 0) {
                free(list);
                return rc < 0 ? -1 : 0;
            }
        }
        if (exact == 1 || (exact == 0 && n == 1)) {
            from_commune(c, &list[0], w);
            free(list);
            return 0;
        }
        if (exact > 1) {
            from_homonyms(c, list, exact, w);
            free(list);
            return 0;
        }
        /* A former commune, merged into today's. */
        geo_former *former = NULL;
        int nf = geo_former_find(c, t.name, WHERE_MAX_CHOICES, &former);
        if (nf < 0) {
            free(list);
            return -1;
        }
        int kept = 0;
        for (int i = 0; i < nf; i++) {
            geo_commune one = former[i].current;
            if (!narrowed || narrow(&one, 1, &t) == 1) former[kept++] = former[i];
        }
        /* The same current commune may come from two forms of the name. */
        if (kept >= 1) {
            bool same = true;
            for (int i = 1; i < kept; i++)
                same = same && strcmp(former[i].current.insee, former[0].current.insee) == 0;
            if (same) {
                from_former(c, &former[0], w);
                free(former);
                free(list);
                return 0;
            }
            geo_commune *current = xcalloc((size_t)kept, sizeof *current);
            for (int i = 0; i < kept; i++)
                current[i] = former[i].current;
            from_choices(current, kept, w);
            free(current);
            free(former);
            free(list);
            return 0;
        }
        free(former);
        if (n == 0) {
            /* Nothing by that name: a shorter official name ("Le Mont-Dore"
             * for Mont-Dore, "Ardes sur Couze" for Ardes), else close
             * spellings. Offered, never picked — unless the postal code
             * typed with it leaves exactly one, which is then said. */
            free(list);
            n = other_names(c, t.name, &list);
            if (n > 0 && narrowed) n = narrow(list, n, &t);
            if (n < 0) return -1;
            if (n == 0 || !narrowed) {
                /* Close spellings too, after the shorter names. */
                geo_commune *close = NULL;
                int nc = geo_communes_close(c, t.name, WHERE_MAX_CHOICES, &close);
                if (nc < 0) {
                    free(list);
                    return -1;
                }
                if (nc > 0 && narrowed) nc = narrow(close, nc, &t);
                list = xrealloc(list, (size_t)(n + nc + 1) * sizeof *list);
                for (int i = 0; i < nc; i++) {
                    bool seen = false;
                    for (int k = 0; k < n && !seen; k++)
                        seen = strcmp(list[k].insee, close[i].insee) == 0;
                    if (!seen) list[n++] = close[i];
                }
                free(close);
            }
            if (n > WHERE_MAX_SUGGESTIONS) n = WHERE_MAX_SUGGESTIONS;
            if (n == 1 && t.postal_code[0] && has_postal_code(&list[0], t.postal_code)) {
                from_commune(c, &list[0], w);
                snprintf(w->note, sizeof w->note, _("« %.80s » : nous avons compris %.100s (%s)."),
                         t.name, list[0].name, list[0].departement);
                free(list);
                return 0;
            }
            if (n > 0) {
                from_choices(list, n, w);
                w->suggested = true;
                free(list);
                return 0;
            }
        }
    }
    if (kind == GEO_QUERY_DEPARTEMENT) {
        geo_departement dep;
        int rc = geo_departement_find(c, text, &dep);
        if (rc < 0) return -1;
        if (rc == 1) {
            from_departement(&dep, w);
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

/* Postal codes of the collectivités d'outre-mer the gazetteer leaves out
 * (docs/gazetteer.md): without this, 97133 would be read as the INSEE code
 * of Vieux-Fort (Guadeloupe). */
static const struct {
    const char *postal_code, *name;
} OUTSIDE[] = {
    {"97133", "Saint-Barthélemy"},
    {"97150", "Saint-Martin"},
    {"97500", "Saint-Pierre-et-Miquelon"},
};

int where_resolve(db *d, const where_input *in, where_result *w)
{
    memset(w, 0, sizeof *w);
    db_conn *c = db_reader(d);
    if (in->has_position) {
        w->kind = WHERE_POSITION;
        w->lat = in->lat;
        w->lon = in->lon;
        snprintf(w->label, sizeof w->label, "%s", _("votre position"));
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
                 _("Le champ « Où ? » est trop long (%d caractères au plus)."), WHERE_MAX_TEXT);
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
        for (size_t i = 0; i < ARRAY_LEN(OUTSIDE); i++)
            if (strcmp(code, OUTSIDE[i].postal_code) == 0) {
                w->kind = WHERE_UNKNOWN;
                snprintf(w->message, sizeof w->message,
                         _("%s est le code postal de %s, qui n’est pas encore couvert par ce "
                           "répertoire."),
                         code, OUTSIDE[i].name);
                return 0;
            }
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
