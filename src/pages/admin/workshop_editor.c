/*
 * workshop_editor.c — workshops (ateliers) in the admin area: list, create,
 * edit, duplicate, cancel one session, mark "complet".
 *
 *   GET  /admin/lieux/{id}/ateliers                   the place's workshops
 *   GET  /admin/lieux/{id}/ateliers/nouveau           an empty form
 *   POST /admin/lieux/{id}/ateliers/nouveau           create (or "Prévisualiser")
 *   GET  /admin/lieux/{id}/ateliers/{w}               the form and the sessions
 *   POST /admin/lieux/{id}/ateliers/{w}/{action}      modifier, dupliquer,
 *                                                     annuler-seance, complet
 *
 * One set of rules: the form is turned into the very JSON record a
 * workshops file holds (docs/workshops-format.md) and goes through the
 * importer's validation and upsert (workshop_import_record); its French
 * messages come back next to the fields. Every change — a duplicate, a
 * cancelled session, "complet" — is the stored record
 * (workshop_import_record_of) changed and passed through the same path. The
 * INSERT/UPDATE is authorised in SQL (ADMIN_CAN_EDIT, sqlite3_changes() == 1,
 * else 403 and nothing changes), in one transaction with its audit entry.
 */
#include "accounts/access.h"
#include "accounts/auth.h"
#include "places/importer.h"
#include "core/markdown.h"
#include "pages/pages.h"
#include "places/place_view.h"
#include "http/session.h"
#include "places/vocab.h"
#include "workshops/workshop.h"
#include "workshops/workshop_import.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SESSIONS_SHOWN = 60, LINES_MAX = 200 };

typedef enum wkind {
    W_TEXT,
    W_AREA,
    W_MD,
    W_LIST,
    W_BOOL,
    W_SELECT,
    W_DATE,
    W_TIME,
    W_NUMBER
} wkind;

typedef struct wfield {
    const char *name, *label;
    wkind kind;
    size_t max; /* maxlength attribute (the importer decides) */
    bool required;
    const char *hint;
} wfield;

static const wfield FIELDS[] = {
    {"titre", N_("Titre"), W_TEXT, 150, true, N_("150 caractères au plus.")},
    {"resume", N_("Résumé"), W_AREA, 280, false,
     N_("280 caractères au plus : ce que l'on voit dans l'agenda.")},
    {"description", N_("Description"), W_MD, MD_MAX_BYTES, false,
     N_("Mise en forme Markdown : **gras**, listes avec des tirets, liens [texte](https://…). 16 "
        "Kio "
        "au plus.")},
    {"themes", N_("Thèmes"), W_LIST, 0, false, NULL},
    {"mots_cles", N_("Mots-clés"), W_TEXT, 500, false, N_("Séparés par des virgules.")},
    {"niveau", N_("Niveau"), W_SELECT, 0, false, NULL},
    {"publics", N_("Publics"), W_LIST, 0, false,
     N_("Ne cochez rien si l'atelier s'adresse à tout le monde.")},
    {"a_apporter", N_("À apporter"), W_TEXT, 1000, false,
     N_("Par exemple : votre smartphone, vos identifiants CAF.")},
    {"tarif", N_("Tarif"), W_SELECT, 0, false, NULL},
    {"montant", N_("Montant (en euros)"), W_TEXT, 20, false,
     N_("Pour un atelier payant, par exemple 5 ou 2,50.")},
    {"pass_numerique", N_("Accepte le Pass numérique"), W_BOOL, 0, false, NULL},
    {"inscription", N_("Inscription"), W_SELECT, 0, false, NULL},
    {"contact_inscription", N_("Contact pour s'inscrire"), W_TEXT, 300, false,
     N_("Le numéro, l'adresse électronique ou le lien (https://…), selon le mode d'inscription.")},
    {"capacite", N_("Nombre de places"), W_NUMBER, 6, false, NULL},
    {"places_restantes", N_("Places restantes"), W_NUMBER, 6, false,
     N_("0 : l'atelier est complet.")},
    {"complet", N_("Complet"), W_BOOL, 0, false, NULL},
    {"animateur", N_("Animé par"), W_TEXT, 200, false, NULL},
    {"partenaire", N_("Partenaire"), W_TEXT, 200, false, NULL},
    {"accessibilite", N_("Accessibilité"), W_AREA, 1000, false,
     N_("Marches, ascenseur, boucle magnétique…")},
    {"hlm_nom", N_("Nom du lieu"), W_TEXT, 150, false, NULL},
    {"hlm_adresse", N_("Adresse"), W_TEXT, 200, false, NULL},
    {"hlm_code_postal", N_("Code postal"), W_TEXT, 5, false, NULL},
    {"hlm_commune", N_("Commune"), W_TEXT, 100, false, NULL},
    {"seances", N_("Dates"), W_AREA, 20000, false,
     N_("Une séance par ligne : la date, l'heure de début et l'heure de fin, par exemple "
        "2026-10-05 14:00-16:00.")},
    {"rec_freq", N_("Répétition"), W_SELECT, 0, false, NULL},
    {"rec_interval", N_("Toutes les (semaines ou mois)"), W_NUMBER, 2, false,
     N_("1 : chaque semaine ou chaque mois ; 2 : une sur deux…")},
    {"rec_days", N_("Jours"), W_LIST, 0, false,
     N_("Sans jour coché : le jour de la première séance.")},
    {"rec_ordinal", N_("Dans le mois"), W_SELECT, 0, false,
     N_("Pour une répétition chaque mois : quel jour du mois.")},
    {"rec_debut", N_("Première séance le"), W_DATE, 10, false, NULL},
    {"rec_heure", N_("De"), W_TIME, 5, false, NULL},
    {"rec_fin", N_("À"), W_TIME, 5, false, NULL},
    {"rec_jusqua", N_("Jusqu'au (compris)"), W_DATE, 10, false,
     N_("Laissez vide pour une répétition sans fin.")},
    {"rec_nombre", N_("Ou nombre de séances"), W_NUMBER, 4, false, NULL},
    {"rec_exceptions", N_("Sauf les"), W_AREA, 2000, false,
     N_("Jours sans séance (vacances, jours fériés) : une date par ligne, par exemple "
        "2026-11-11.")},
    {"rec_regle", N_("Règle avancée (RRULE)"), W_TEXT, 300, false,
     N_("Remplace les choix ci-dessus, par exemple FREQ=MONTHLY;BYDAY=-1FR. Laissez vide sinon.")},
};

static const char *const DAY_CODES[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
static const char *const DAY_NAMES[7] = {N_("lundi"),    N_("mardi"),  N_("mercredi"), N_("jeudi"),
                                         N_("vendredi"), N_("samedi"), N_("dimanche")};

static const struct {
    const char *field, *value, *label;
} OPTIONS[] = {
    {"niveau", "", N_("Non précisé")},
    {"niveau", "débutant", N_("Débutant")},
    {"niveau", "intermédiaire", N_("Intermédiaire")},
    {"niveau", "avancé", N_("Avancé")},
    {"niveau", "tous niveaux", N_("Tous niveaux")},
    {"tarif", "gratuit", N_("Gratuit")},
    {"tarif", "payant", N_("Payant")},
    {"inscription", "aucune", N_("Sans inscription")},
    {"inscription", "telephone", N_("Par téléphone")},
    {"inscription", "courriel", N_("Par courriel")},
    {"inscription", "lien", N_("En ligne (lien)")},
    {"inscription", "sur_place", N_("Sur place")},
    {"rec_freq", "", N_("Pas de répétition")},
    {"rec_freq", "WEEKLY", N_("Chaque semaine")},
    {"rec_freq", "MONTHLY", N_("Chaque mois")},
    {"rec_ordinal", "", N_("Le même quantième que la première séance (ou chaque jour coché)")},
    {"rec_ordinal", "1", N_("Le premier jour coché du mois")},
    {"rec_ordinal", "2", N_("Le deuxième")},
    {"rec_ordinal", "3", N_("Le troisième")},
    {"rec_ordinal", "4", N_("Le quatrième")},
    {"rec_ordinal", "-1", N_("Le dernier")},
};

/* ---- values: field → string (lists: array of strings) ---- */

static const char *val(json_t *values, const char *name)
{
    const char *v = json_string_value(json_object_get(values, name));
    return v ? v : "";
}

static void set_text(json_t *values, const char *name, json_t *src)
{
    if (json_is_string(src)) json_object_set_new(values, name, json_string(json_string_value(src)));
}

static char *join_array(json_t *a, const char *sep)
{
    buf b = {0};
    size_t i;
    json_t *x;
    json_array_foreach(a, i, x)
    {
        if (!json_is_string(x)) continue;
        if (b.len) buf_puts(&b, sep);
        buf_puts(&b, json_string_value(x));
    }
    return buf_steal(&b);
}

static bool digits_only(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

/* A rule the simple controls can show: FREQ, INTERVAL, BYDAY (one ordinal
 * for all), COUNT, UNTIL=YYYYMMDD, WKST=MO. Fills values; false otherwise. */
static bool rule_to_controls(const char *rule, json_t *values)
{
    char copy[400];
    if (strlen(rule) >= sizeof copy) return false;
    snprintf(copy, sizeof copy, "%s", str_starts_with(rule, "RRULE:") ? rule + 6 : rule);
    json_t *v = json_object();
    json_t *days = json_array();
    const char *ordinal = NULL;
    bool ok = true;
    char *save = NULL;
    for (char *part = strtok_r(copy, ";", &save); part && ok; part = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(part, '=');
        if (!eq) {
            ok = false;
            break;
        }
        *eq = '\0';
        const char *k = part, *x = eq + 1;
        if (!strcmp(k, "FREQ") && (!strcmp(x, "WEEKLY") || !strcmp(x, "MONTHLY"))) {
            json_object_set_new(v, "rec_freq", json_string(x));
        } else if (!strcmp(k, "INTERVAL") && digits_only(x)) {
            json_object_set_new(v, "rec_interval", json_string(x));
        } else if (!strcmp(k, "COUNT") && digits_only(x)) {
            json_object_set_new(v, "rec_nombre", json_string(x));
        } else if (!strcmp(k, "UNTIL") && strlen(x) == 8 && digits_only(x)) {
            char d[11];
            snprintf(d, sizeof d, "%.4s-%.2s-%.2s", x, x + 4, x + 6);
            json_object_set_new(v, "rec_jusqua", json_string(d));
        } else if (!strcmp(k, "WKST") && !strcmp(x, "MO")) {
            /* the default */
        } else if (!strcmp(k, "BYDAY")) {
            char list[200];
            snprintf(list, sizeof list, "%s", x);
            char *s2 = NULL;
            for (char *d = strtok_r(list, ",", &s2); d && ok; d = strtok_r(NULL, ",", &s2)) {
                size_t n = strlen(d);
                if (n < 2) {
                    ok = false;
                    break;
                }
                char ord[8];
                snprintf(ord, sizeof ord, "%.*s", (int)(n - 2 < 7 ? n - 2 : 7), d);
                if (ordinal && strcmp(ordinal, ord)) ok = false;
                bool known = false;
                for (int i = 0; i < 7; i++)
                    if (!strcmp(d + n - 2, DAY_CODES[i])) known = true;
                if (!known) ok = false;
                json_array_append_new(days, json_string(d + n - 2));
                json_object_set_new(v, "rec_ordinal", json_string(ord));
                ordinal = json_string_value(json_object_get(v, "rec_ordinal"));
            }
        } else {
            ok = false;
        }
    }
    if (ok && !json_object_get(v, "rec_freq")) ok = false;
    if (ok && json_object_get(v, "rec_nombre") && json_object_get(v, "rec_jusqua")) ok = false;
    const char *ord = json_string_value(json_object_get(v, "rec_ordinal"));
    if (ok && ord && *ord && strcmp(val(v, "rec_freq"), "MONTHLY")) ok = false;
    if (ok && ord && *ord && strcmp(ord, "1") && strcmp(ord, "2") && strcmp(ord, "3") &&
        strcmp(ord, "4") && strcmp(ord, "-1"))
        ok = false;
    if (ok) {
        json_object_update(values, v);
        json_object_set_new(values, "rec_days", days);
    } else {
        json_decref(days);
    }
    json_decref(v);
    return ok;
}

/* The stored record (workshop_import_record_of) as form values. */
static json_t *values_of_record(json_t *rec)
{
    json_t *v = json_object();
    static const char *const TEXTS[] = {
        "titre",      "resume",     "description",  "niveau",
        "a_apporter", "tarif",      "inscription",  "contact_inscription",
        "animateur",  "partenaire", "accessibilite"};
    for (size_t i = 0; i < ARRAY_LEN(TEXTS); i++)
        set_text(v, TEXTS[i], json_object_get(rec, TEXTS[i]));
    static const char *const LISTS[] = {"themes", "publics"};
    for (size_t i = 0; i < ARRAY_LEN(LISTS); i++) {
        json_t *list = json_object_get(rec, LISTS[i]);
        json_object_set_new(v, LISTS[i], json_is_array(list) ? json_incref(list) : json_array());
    }
    char *kw = join_array(json_object_get(rec, "mots_cles"), ", ");
    json_object_set_new(v, "mots_cles", json_string(kw ? kw : ""));
    free(kw);
    json_t *m = json_object_get(rec, "montant");
    if (json_is_number(m)) {
        char s[32];
        snprintf(s, sizeof s, "%.2f", json_number_value(m));
        if (str_ends_with(s, ".00")) s[strlen(s) - 3] = '\0';
        for (char *p = s; *p; p++)
            if (*p == '.') *p = ',';
        json_object_set_new(v, "montant", json_string(s));
    }
    json_object_set_new(
        v, "pass_numerique",
        json_string(json_is_true(json_object_get(rec, "pass_numerique")) ? "1" : ""));
    json_object_set_new(v, "complet",
                        json_string(json_is_true(json_object_get(rec, "complet")) ? "1" : ""));
    static const char *const INTS[] = {"capacite", "places_restantes"};
    for (size_t i = 0; i < ARRAY_LEN(INTS); i++) {
        json_t *x = json_object_get(rec, INTS[i]);
        if (json_is_integer(x))
            json_object_set_new(v, INTS[i], json_sprintf("%lld", (long long)json_integer_value(x)));
    }
    json_t *hlm = json_object_get(rec, "hors_les_murs");
    if (json_is_object(hlm)) {
        set_text(v, "hlm_nom", json_object_get(hlm, "nom"));
        set_text(v, "hlm_adresse", json_object_get(hlm, "adresse"));
        set_text(v, "hlm_code_postal", json_object_get(hlm, "code_postal"));
        set_text(v, "hlm_commune", json_object_get(hlm, "commune"));
    }
    buf lines = {0};
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(rec, "seances"), i, x)
    {
        const char *d = json_string_value(json_object_get(x, "debut"));
        const char *f = json_string_value(json_object_get(x, "fin"));
        if (!d) continue;
        if (lines.len) buf_putc(&lines, '\n');
        /* "2026-10-05T14:00" → "2026-10-05 14:00-16:00" */
        buf_printf(&lines, "%.10s %s", d, strlen(d) > 11 ? d + 11 : "");
        if (f) buf_printf(&lines, "-%s", f);
    }
    json_object_set_new(v, "seances", json_string(lines.data ? lines.data : ""));
    buf_free(&lines);
    json_t *rc = json_object_get(rec, "recurrence");
    json_object_set_new(v, "rec_days", json_array());
    if (json_is_object(rc)) {
        const char *d = json_string_value(json_object_get(rc, "debut"));
        if (d && strlen(d) >= 16) {
            json_object_set_new(v, "rec_debut", json_stringn(d, 10));
            json_object_set_new(v, "rec_heure", json_stringn(d + 11, 5));
            int start = atoi(d + 11) * 60 + atoi(d + 14);
            int end =
                (start + (int)json_integer_value(json_object_get(rc, "duree_minutes"))) % 1440;
            json_object_set_new(v, "rec_fin", json_sprintf("%02d:%02d", end / 60, end % 60));
        }
        const char *rule = json_string_value(json_object_get(rc, "regle"));
        if (rule && !rule_to_controls(rule, v))
            json_object_set_new(v, "rec_regle", json_string(rule));
        char *ex = join_array(json_object_get(rc, "exceptions"), "\n");
        json_object_set_new(v, "rec_exceptions", json_string(ex ? ex : ""));
        free(ex);
    }
    return v;
}

/* Every value of a repeated form field (checkboxes). */
static json_t *form_list(req *r, const char *name)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->nform; i++)
        if (strcmp(r->form[i].key, name) == 0)
            json_array_append_new(a, json_string(r->form[i].value));
    return a;
}

/* The typed form as values. */
static json_t *values_of_form(req *r)
{
    json_t *v = json_object();
    for (size_t i = 0; i < ARRAY_LEN(FIELDS); i++) {
        const wfield *f = &FIELDS[i];
        if (f->kind == W_LIST) {
            json_object_set_new(v, f->name, form_list(r, f->name));
        } else {
            const char *x = req_form(r, f->name);
            json_object_set_new(v, f->name, json_string(x ? x : ""));
        }
    }
    return v;
}

/* ---- values → the record of the file format ---- */

static char *trimmed(arena *ar, const char *s)
{
    return str_trim(arena_strdup(ar, s ? s : ""));
}

static void put_text(req *r, json_t *rec, const char *key, json_t *values, const char *name)
{
    char *t = trimmed(r->arena, val(values, name));
    if (*t) json_object_set_new(rec, key, json_string(t));
}

/* "5", "2,50" → a number; anything else is passed as typed (the importer refuses it). */
static json_t *number_or_text(req *r, const char *s, bool integer)
{
    char *t = trimmed(r->arena, s);
    if (integer) return digits_only(t) && strlen(t) < 10 ? json_integer(atol(t)) : json_string(t);
    for (char *p = t; *p; p++)
        if (*p == ',') *p = '.';
    char *end;
    double d = strtod(t, &end);
    return *t && !*end && end != t && d == d ? json_real(d) : json_string(s);
}

/* Split one line of the dates into debut / fin: "2026-10-05 14:00-16:00". */
static json_t *session_of_line(req *r, const char *line)
{
    char *t = trimmed(r->arena, line);
    json_t *o = json_object();
    /* The end is what follows the last "-" (or " à ") that leaves a time or a date-time. */
    for (const char *p = t + strlen(t); p > t; p--) {
        size_t sep = p[-1] == '-' ? 1 : (p - t >= 4 && !strncmp(p - 4, " à ", 4)) ? 4 : 0;
        if (!sep || p - sep == t) continue;
        char *end = trimmed(r->arena, p);
        int64_t d;
        int m;
        if (*end &&
            (workshop_parse_time(end) >= 0 || (workshop_parse_when(end, 0, &d, &m) && m >= 0))) {
            json_object_set_new(
                o, "debut",
                json_string(trimmed(r->arena, arena_strndup(r->arena, t, (size_t)(p - sep - t)))));
            json_object_set_new(o, "fin", json_string(end));
            return o;
        }
    }
    json_object_set_new(o, "debut", json_string(t));
    return o;
}

static bool iso_date(const char *s)
{
    int64_t d;
    int m;
    return strlen(s) == 10 && workshop_parse_when(s, 0, &d, &m);
}

/*
 * The record for `values`. `stored` (may be NULL) gives the id, the source,
 * the published cancellations and the position of an unchanged venue.
 * Problems only the form can have (the controls of the recurrence) go to
 * `errors`; `lines` receives the line number of each entry of "seances".
 */
static json_t *record_of_values(req *r, json_t *values, json_t *stored, json_t *errors, int *lines)
{
    json_t *rec = json_object();
    if (stored) {
        json_object_set(rec, "id", json_object_get(stored, "id"));
        json_object_set(rec, "source", json_object_get(stored, "source"));
    }
    static const char *const TEXTS[] = {
        "titre",      "resume",     "description",  "niveau",
        "a_apporter", "tarif",      "inscription",  "contact_inscription",
        "animateur",  "partenaire", "accessibilite"};
    for (size_t i = 0; i < ARRAY_LEN(TEXTS); i++)
        put_text(r, rec, TEXTS[i], values, TEXTS[i]);
    json_object_set(rec, "themes", json_object_get(values, "themes"));
    json_object_set(rec, "publics", json_object_get(values, "publics"));
    json_t *kw = json_array();
    char *words = arena_strdup(r->arena, val(values, "mots_cles")), *save = NULL;
    for (char *w = strtok_r(words, ",\n", &save); w; w = strtok_r(NULL, ",\n", &save))
        if (*str_trim(w)) json_array_append_new(kw, json_string(str_trim(w)));
    json_object_set_new(rec, "mots_cles", kw);
    if (*trimmed(r->arena, val(values, "montant")))
        json_object_set_new(rec, "montant", number_or_text(r, val(values, "montant"), false));
    json_object_set_new(rec, "pass_numerique", json_boolean(*val(values, "pass_numerique")));
    json_object_set_new(rec, "complet", json_boolean(*val(values, "complet")));
    if (*trimmed(r->arena, val(values, "capacite")))
        json_object_set_new(rec, "capacite", number_or_text(r, val(values, "capacite"), true));
    if (*trimmed(r->arena, val(values, "places_restantes")))
        json_object_set_new(rec, "places_restantes",
                            number_or_text(r, val(values, "places_restantes"), true));

    static const char *const HLM[][2] = {{"hlm_nom", "nom"},
                                         {"hlm_adresse", "adresse"},
                                         {"hlm_code_postal", "code_postal"},
                                         {"hlm_commune", "commune"}};
    json_t *hlm = json_object();
    for (size_t i = 0; i < ARRAY_LEN(HLM); i++)
        put_text(r, hlm, HLM[i][1], values, HLM[i][0]);
    if (json_object_size(hlm)) {
        /* The position of an unchanged address is kept. */
        json_t *old = stored ? json_object_get(stored, "hors_les_murs") : NULL;
        bool same = json_is_object(old);
        for (size_t i = 1; i < ARRAY_LEN(HLM) && same; i++) {
            const char *a = json_string_value(json_object_get(old, HLM[i][1]));
            const char *b = json_string_value(json_object_get(hlm, HLM[i][1]));
            same = a && b && !strcmp(a, b);
        }
        if (same && json_object_get(old, "latitude")) {
            json_object_set(hlm, "latitude", json_object_get(old, "latitude"));
            json_object_set(hlm, "longitude", json_object_get(old, "longitude"));
        }
        json_object_set_new(rec, "hors_les_murs", hlm);
    } else {
        json_decref(hlm);
    }

    /* One-off dates, one a line; a cancelled one stays cancelled. */
    json_t *seances = json_array();
    char *text = arena_strdup(r->arena, val(values, "seances"));
    int line = 0;
    save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        line++;
        if (!*str_trim(l)) continue;
        if (json_array_size(seances) >= LINES_MAX) break;
        json_t *s = session_of_line(r, l);
        size_t k;
        json_t *old;
        json_array_foreach(stored ? json_object_get(stored, "seances") : NULL, k, old)
        {
            const char *a = json_string_value(json_object_get(old, "debut"));
            const char *b = json_string_value(json_object_get(s, "debut"));
            int64_t da, dbb;
            int ma, mb;
            if (a && b && workshop_parse_when(a, 0, &da, &ma) &&
                workshop_parse_when(b, 0, &dbb, &mb) && da == dbb && ma == mb &&
                json_is_true(json_object_get(old, "annulee"))) {
                json_object_set_new(s, "annulee", json_true());
                json_object_set(s, "motif", json_object_get(old, "motif"));
            }
        }
        lines[json_array_size(seances)] = line;
        json_array_append_new(seances, s);
    }
    if (json_array_size(seances))
        json_object_set_new(rec, "seances", seances);
    else
        json_decref(seances);

    /* The recurrence: the advanced rule, or the controls. */
    const char *freq = val(values, "rec_freq");
    char *advanced = trimmed(r->arena, val(values, "rec_regle"));
    bool recurring = *advanced || *freq;
    bool form_error = false;
    if (recurring) {
        buf rule = {0};
        if (*advanced) {
            buf_puts(&rule, advanced);
        } else {
            if (strcmp(freq, "WEEKLY") && strcmp(freq, "MONTHLY")) {
                json_object_set_new(errors, "rec_freq",
                                    json_string(_("Choisissez chaque semaine ou chaque mois.")));
                form_error = true;
            }
            buf_printf(&rule, "FREQ=%s", freq);
            char *interval = trimmed(r->arena, val(values, "rec_interval"));
            if (*interval &&
                (!digits_only(interval) || atoi(interval) < 1 || atoi(interval) > 99)) {
                json_object_set_new(errors, "rec_interval", json_string(_("Un nombre de 1 à 99.")));
                form_error = true;
            } else if (*interval && atoi(interval) > 1) {
                buf_printf(&rule, ";INTERVAL=%d", atoi(interval));
            }
            const char *ord = val(values, "rec_ordinal");
            json_t *days = json_object_get(values, "rec_days");
            bool first = true;
            for (int d = 0; d < 7; d++) {
                bool on = false;
                size_t k;
                json_t *x;
                json_array_foreach(days, k, x) on =
                    on || !strcmp(json_string_value(x), DAY_CODES[d]);
                if (!on) continue;
                buf_printf(&rule, "%s%s%s", first ? ";BYDAY=" : ",",
                           !strcmp(freq, "MONTHLY") ? ord : "", DAY_CODES[d]);
                first = false;
            }
            if (*ord && first && !strcmp(freq, "MONTHLY")) {
                json_object_set_new(errors, "rec_days",
                                    json_string(_("Cochez le jour de la semaine (par exemple mardi "
                                                  "pour « le deuxième mardi »).")));
                form_error = true;
            }
            char *until = trimmed(r->arena, val(values, "rec_jusqua"));
            char *count = trimmed(r->arena, val(values, "rec_nombre"));
            if (*until && *count) {
                json_object_set_new(
                    errors, "rec_nombre",
                    json_string(
                        _("Donnez une date de fin ou un nombre de séances, pas les deux.")));
                form_error = true;
            } else if (*until && !iso_date(until)) {
                json_object_set_new(errors, "rec_jusqua",
                                    json_string(_("Date invalide : écrivez-la comme 2027-06-30.")));
                form_error = true;
            } else if (*until) {
                buf_printf(&rule, ";UNTIL=%.4s%.2s%.2s", until, until + 5, until + 8);
            } else if (*count && (!digits_only(count) || atoi(count) < 1 || atoi(count) > 1000)) {
                json_object_set_new(errors, "rec_nombre",
                                    json_string(_("Un nombre de séances de 1 à 1000.")));
                form_error = true;
            } else if (*count) {
                buf_printf(&rule, ";COUNT=%d", atoi(count));
            }
        }
        const char *day = trimmed(r->arena, val(values, "rec_debut"));
        const char *time = trimmed(r->arena, val(values, "rec_heure"));
        json_t *rc = json_pack("{s:s, s:s}", "debut",
                               arena_printf(r->arena, "%s%s%s", day, *time ? "T" : "", time),
                               "regle", rule.data ? rule.data : "");
        put_text(r, rc, "fin", values, "rec_fin");
        json_t *ex = json_array();
        char *extext = arena_strdup(r->arena, val(values, "rec_exceptions"));
        save = NULL;
        for (char *e = strtok_r(extext, "\n,;", &save); e; e = strtok_r(NULL, "\n,;", &save))
            if (*str_trim(e)) json_array_append_new(ex, json_string(str_trim(e)));
        json_object_set_new(rc, "exceptions", ex);
        buf_free(&rule);
        if (!form_error)
            json_object_set_new(rec, "recurrence", rc);
        else
            json_decref(rc);
    }
    if (form_error && !json_object_get(rec, "seances"))
        json_object_set_new(rec, "seances", json_array());
    json_t *cancelled = stored ? json_object_get(stored, "annulations") : NULL;
    if (cancelled) json_object_set(rec, "annulations", cancelled);
    return rec;
}

/* ---- the importer's report → messages next to the fields ---- */

static const char *form_field_of(const char *field, bool advanced, int *seance)
{
    *seance = 0;
    if (!field) return "";
    if (str_starts_with(field, "hors_les_murs.")) {
        const char *k = field + 14;
        if (!strcmp(k, "nom")) return "hlm_nom";
        if (!strcmp(k, "code_postal")) return "hlm_code_postal";
        if (!strcmp(k, "commune")) return "hlm_commune";
        return "hlm_adresse";
    }
    if (!strcmp(field, "hors_les_murs")) return "hlm_adresse";
    if (str_starts_with(field, "seances[")) {
        *seance = atoi(field + 8);
        return "seances";
    }
    if (!strcmp(field, "recurrence.debut")) return "rec_debut";
    if (!strcmp(field, "recurrence.fin") || !strcmp(field, "recurrence.duree_minutes") ||
        !strcmp(field, "duree_minutes"))
        return "rec_fin";
    if (!strcmp(field, "recurrence.regle") || !strcmp(field, "recurrence"))
        return advanced ? "rec_regle" : "rec_freq";
    if (!strcmp(field, "recurrence.exceptions")) return "rec_exceptions";
    for (size_t i = 0; i < ARRAY_LEN(FIELDS); i++)
        if (!strcmp(FIELDS[i].name, field)) return field;
    return "";
}

/* "champ obligatoire manquant" → "Champ obligatoire manquant." */
static char *sentence(arena *ar, const char *prefix, const char *message)
{
    char *s = arena_printf(ar, "%s%s", prefix, message);
    size_t n = strlen(s);
    if (!*prefix && s[0] >= 'a' && s[0] <= 'z') s[0] = (char)(s[0] - 'a' + 'A');
    if (n && s[n - 1] != '.' && s[n - 1] != ')')
        s = arena_printf(ar, "%s.", s);
    else if (n && s[n - 1] == ')')
        s = arena_printf(ar, "%s.", s);
    return s;
}

static void report_errors(req *r, const importer_report *rep, json_t *values, const int *lines,
                          json_t *errors, json_t *general)
{
    bool advanced = *trimmed(r->arena, val(values, "rec_regle"));
    for (size_t i = 0; i < rep->entry_count; i++) {
        const importer_entry *e = &rep->entries[i];
        if (e->level != IMPORTER_REJECTED) continue;
        int seance;
        const char *name = form_field_of(e->field, advanced, &seance);
        const char *msg = e->message;
        /* The importer's lines come translated (workshop_import.c): compared
         * with the same messages. */
        if (e->field && !strcmp(e->field, "seances") &&
            !strcmp(msg, _("aucune séance : donnez « seances » ou « recurrence »")))
            msg = _("indiquez au moins une date, ou une répétition");
        else if (str_starts_with(msg, _("durée manquante : donnez « fin » ou « duree_minutes »")))
            msg = _("indiquez l'heure de fin, par exemple 14:00-16:00");
        const char *prefix = seance > 0 && seance <= LINES_MAX
                                 ? arena_printf(r->arena, _("Ligne %d : "), lines[seance - 1])
                                 : "";
        char *text = sentence(r->arena, prefix, msg);
        if (*name) {
            const char *prev = json_string_value(json_object_get(errors, name));
            json_object_set_new(
                errors, name,
                json_string(prev ? arena_printf(r->arena, "%s %s", prev, text) : text));
        } else {
            json_array_append_new(general, json_string(text));
        }
    }
}

/* ---- the page ---- */

/* Used by: the workshop pages (the place's name and address). */
static const char Q_PLACE[] = "SELECT name, slug FROM place WHERE id = :id";
/* Used by: the workshop pages (does this workshop belong to this place?). */
static const char Q_OWNER[] = "SELECT place_id, title, slug FROM workshop WHERE id = :id";
/* Used by: the list of a place's workshops. */
static const char Q_LIST[] =
    "SELECT w.id, w.title, w.slug, w.is_full,"
    " (SELECT count(*) FROM workshop_session s WHERE s.workshop_id = w.id AND s.ends_at > :now"
    "  AND s.cancelled = 0)"
    " FROM workshop w WHERE w.place_id = :id ORDER BY w.title COLLATE NOCASE, w.id";
/* Used by: the editor (the sessions still to come, with their cancel forms). */
static const char Q_SESSIONS[] =
    "SELECT " WORKSHOP_SESSION_COLUMNS
    " FROM workshop_session s JOIN workshop w ON w.id = s.workshop_id"
    " JOIN place p ON p.id = s.place_id WHERE s.workshop_id = :id AND s.ends_at > :now"
    " ORDER BY s.starts_at LIMIT 60";
/* Used by: cancelling a session (its start, for its local day). */
static const char Q_SESSION[] =
    "SELECT s.starts_at, p.timezone FROM workshop_session s JOIN place p ON p.id = s.place_id"
    " WHERE s.id = :session AND s.workshop_id = :id";

static int64_t id_of(const char *segment)
{
    return segment ? place_parse_segment(segment, NULL) : 0;
}

/* 404 for no such place, 403 when the account may not edit it, 0 when it may. */
static int refuse(req *r, int64_t place)
{
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_PLACE);
    db_bind_int(s, ":id", place);
    bool exists = place && sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    if (!exists) return reply_error(r, 404, "Ce lieu n'existe pas.");
    return reply_error(
        r, 403,
        "Vous ne pouvez pas modifier ce lieu : il ne fait pas partie de ceux que vous gérez.");
}

static bool allowed(req *r, int64_t place)
{
    return place && admin_can_edit(db_reader(r->app->db), r->user->account_id, place);
}

/* Is workshop `w` one of place `place`'s? Fills its title. */
static bool owned(req *r, int64_t place, int64_t w, const char **title, const char **slug)
{
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_OWNER);
    db_bind_int(s, ":id", w);
    bool ok = w && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int64(s, 0) == place;
    if (ok && title) *title = arena_strdup(r->arena, db_col_text(s, 1));
    if (ok && slug) *slug = arena_strdup(r->arena, db_col_text(s, 2));
    sqlite3_reset(s);
    return ok;
}

static json_t *place_model(req *r, int64_t place)
{
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_PLACE);
    db_bind_int(s, ":id", place);
    json_t *o = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        char *path = place_path(place, db_col_text(s, 1));
        o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)place, "name", db_col_text(s, 0), "path",
                      path);
        free(path);
    }
    sqlite3_reset(s);
    return o;
}

static json_t *options_model(const wfield *f, json_t *values)
{
    json_t *a = json_array();
    json_t *chosen = json_object_get(values, f->name);
    if (f->kind == W_LIST) {
        size_t count = 0;
        const vocab_entry *e = NULL;
        const char *const *plain = NULL;
        if (!strcmp(f->name, "themes"))
            e = vocab_entries(VOCAB_SERVICES, &count);
        else if (!strcmp(f->name, "publics"))
            plain = WORKSHOP_AUDIENCES, count = ARRAY_LEN(WORKSHOP_AUDIENCES);
        else
            plain = DAY_CODES, count = 7;
        for (size_t j = 0; j < count; j++) {
            const char *value = e ? e[j].value : plain[j];
            /* Audiences are the schema's words; gettext shows them in the
             * page's language once marked where they are declared. */
            const char *label = gettext(e                    ? e[j].label
                                        : plain == DAY_CODES ? DAY_NAMES[j]
                                                             : plain[j]);
            bool on = false;
            size_t k;
            json_t *x;
            json_array_foreach(chosen, k, x) on =
                on || (json_is_string(x) && !strcmp(json_string_value(x), value));
            char id[64];
            snprintf(id, sizeof id, "f-%s-%zu", f->name, j);
            json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:s, s:s}", "value", value, "label",
                                               label, "checked", on, "id", id, "name", f->name));
        }
        return a;
    }
    const char *current = json_string_value(chosen);
    for (size_t j = 0; j < ARRAY_LEN(OPTIONS); j++) {
        if (strcmp(OPTIONS[j].field, f->name)) continue;
        bool on = current && !strcmp(current, OPTIONS[j].value);
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", OPTIONS[j].value, "label",
                                           gettext(OPTIONS[j].label), "selected", on));
    }
    return a;
}

static json_t *fields_model(json_t *values, json_t *errors)
{
    json_t *m = json_object();
    for (size_t i = 0; i < ARRAY_LEN(FIELDS); i++) {
        const wfield *f = &FIELDS[i];
        json_t *o = json_pack("{s:s, s:s, s:b}", "name", f->name, "label", gettext(f->label),
                              "required", f->required);
        if (f->hint) json_object_set_new(o, "hint", json_string(gettext(f->hint)));
        const char *err = json_string_value(json_object_get(errors, f->name));
        if (err) json_object_set_new(o, "error", json_string(err));
        buf described = {0};
        if (f->hint) buf_printf(&described, "h-%s", f->name);
        if (err) buf_printf(&described, "%se-%s", described.len ? " " : "", f->name);
        if (described.len) json_object_set_new(o, "describedby", json_string(described.data));
        buf_free(&described);
        const char *value = val(values, f->name);
        switch (f->kind) {
        case W_LIST:
            json_object_set_new(o, "is_list", json_true());
            json_object_set_new(o, "options", options_model(f, values));
            break;
        case W_SELECT:
            json_object_set_new(o, "is_select", json_true());
            json_object_set_new(o, "options", options_model(f, values));
            break;
        case W_BOOL:
            json_object_set_new(o, "is_bool", json_true());
            json_object_set_new(o, "checked", json_boolean(*value));
            break;
        case W_AREA:
        case W_MD:
            json_object_set_new(o, "is_area", json_true());
            json_object_set_new(o, "value", json_string(value));
            json_object_set_new(o, "rows",
                                json_integer(f->kind == W_MD               ? 10
                                             : !strcmp(f->name, "seances") ? 6
                                                                           : 3));
            break;
        default:
            json_object_set_new(o, "is_input", json_true());
            json_object_set_new(o, "value", json_string(value));
            json_object_set_new(o, "type",
                                json_string(f->kind == W_DATE   ? "date"
                                            : f->kind == W_TIME ? "time"
                                                                : "text"));
            if (f->kind == W_NUMBER) json_object_set_new(o, "inputmode", json_string("numeric"));
            if (f->max) json_object_set_new(o, "maxlength", json_integer((json_int_t)f->max));
            break;
        }
        json_object_set_new(m, f->name, o);
    }
    return m;
}

static json_t *sessions_model(req *r, int64_t w)
{
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_SESSIONS);
    db_bind_int(s, ":id", w);
    db_bind_int(s, ":now", now_utc());
    json_t *a = json_array();
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(a, workshop_session_item(s));
    sqlite3_reset(s);
    return a;
}

/*
 * The form page. `w` 0: a new workshop. `values` is owned; `errors`,
 * `general` may be NULL (owned when not).
 */
static int form_page(req *r, int64_t place, int64_t w, json_t *values, json_t *errors,
                     json_t *general, json_t *extra)
{
    json_t *p = place_model(r, place);
    if (!p) {
        json_decref(values), json_decref(errors), json_decref(general), json_decref(extra);
        return reply_error(r, 404, "Ce lieu n'existe pas.");
    }
    const char *title = NULL, *slug = NULL;
    if (w) owned(r, place, w, &title, &slug);
    json_t *m = session_page_model(
        r, w ? arena_printf(r->arena, _("Modifier l'atelier « %s »"), title ? title : "")
             : _("Nouvel atelier"));
    json_object_set_new(m, "place", p);
    json_object_set_new(m, "f", fields_model(values, errors));
    if (w) {
        char *path = workshop_path(w, slug);
        json_object_set_new(m, "workshop",
                            json_pack("{s:I, s:s, s:s}", "id", (json_int_t)w, "title",
                                      title ? title : "", "path", path));
        free(path);
        json_object_set_new(
            m, "action",
            json_string(arena_printf(r->arena, "/admin/lieux/%lld/ateliers/%lld/modifier",
                                     (long long)place, (long long)w)));
        json_t *sessions = sessions_model(r, w);
        json_object_set_new(m, "has_sessions", json_boolean(json_array_size(sessions) > 0));
        json_object_set_new(m, "sessions", sessions);
        json_object_set_new(m, "is_full", json_boolean(*val(values, "complet")));
    } else {
        json_object_set_new(m, "action",
                            json_string(arena_printf(r->arena, "/admin/lieux/%lld/ateliers/nouveau",
                                                     (long long)place)));
    }
    json_object_set_new(m, "show_recurrence",
                        json_boolean(*val(values, "rec_freq") || *val(values, "rec_regle")));
    json_object_set_new(m, "show_venue",
                        json_boolean(*val(values, "hlm_adresse") || *val(values, "hlm_commune") ||
                                     (errors && (json_object_get(errors, "hlm_adresse") ||
                                                 json_object_get(errors, "hlm_code_postal")))));
    if ((errors && json_object_size(errors)) || (general && json_array_size(general))) {
        json_object_set_new(m, "has_errors", json_true());
        if (!r->status) r->status = 400;
    }
    if (general && json_array_size(general)) json_object_set(m, "general_errors", general);
    const char *ok = req_query(r, "ok");
    if (ok && !errors) {
        const char *msg =
            !strcmp(ok, "copie") ? _("Copie créée : modifiez-la puis enregistrez.")
            : !strcmp(ok, "annulee")
                ? _("Séance annulée : elle reste affichée comme « annulée » avec son motif.")
            : !strcmp(ok, "complet") ? _("C'est noté : l'atelier est affiché comme complet.")
            : !strcmp(ok, "places") ? _("C'est noté : l'atelier n'est plus affiché comme complet.")
            : !strcmp(ok, "places-seance")
                ? _("C'est noté : les places restantes de cette séance sont affichées.")
                : _("Atelier enregistré : il est visible sur les pages publiques.");
        json_object_set_new(m, "notice", json_string(msg));
    }
    if (extra) json_object_update(m, extra);
    json_decref(extra);
    json_decref(values);
    json_decref(errors);
    json_decref(general);
    return reply_page(r, "admin_workshop", m);
}

int page_admin_workshops(req *r)
{
    int64_t place = id_of(r->params[0]);
    if (!allowed(r, place)) return refuse(r, place);
    json_t *p = place_model(r, place);
    if (!p) return reply_error(r, 404, "Ce lieu n'existe pas.");
    json_t *m = session_page_model(r, arena_printf(r->arena, _("Ateliers de « %s »"),
                                                   json_string_value(json_object_get(p, "name"))));
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_LIST);
    db_bind_int(s, ":id", place);
    db_bind_int(s, ":now", now_utc());
    json_t *list = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        char *path = workshop_path(id, db_col_text(s, 2));
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:b, s:i}", "id", (json_int_t)id,
                                              "title", db_col_text(s, 1), "path", path, "full",
                                              sqlite3_column_int(s, 3), "coming",
                                              sqlite3_column_int(s, 4)));
        free(path);
    }
    sqlite3_reset(s);
    json_object_set_new(m, "place", p);
    json_object_set_new(m, "has_workshops", json_boolean(json_array_size(list) > 0));
    json_object_set_new(m, "workshops", list);
    return reply_page(r, "admin_workshops", m);
}

int page_admin_workshop_new(req *r)
{
    int64_t place = id_of(r->params[0]);
    if (!allowed(r, place)) return refuse(r, place);
    json_t *v = json_pack("{s:s, s:s, s:[], s:[], s:[]}", "tarif", "gratuit", "inscription",
                          "aucune", "themes", "publics", "rec_days");
    return form_page(r, place, 0, v, NULL, NULL, NULL);
}

int page_admin_workshop(req *r)
{
    int64_t place = id_of(r->params[0]);
    if (!allowed(r, place)) return refuse(r, place);
    int64_t w = id_of(r->params[1]);
    if (!owned(r, place, w, NULL, NULL)) return reply_error(r, 404, "Cet atelier n'existe pas.");
    json_t *stored = workshop_import_record_of(db_reader(r->app->db), w, NULL);
    if (!stored) return reply_error(r, 404, "Cet atelier n'existe pas.");
    json_t *v = values_of_record(stored);
    json_decref(stored);
    return form_page(r, place, w, v, NULL, NULL, NULL);
}

/*
 * Validate and write `rec` (owned) in one transaction with its audit entry.
 * Returns the workshop id (> 0), 0 rejected (*rep holds why), -2 not
 * allowed, -1 database error.
 */
typedef struct write_args {
    req *r;
    int64_t place, workshop;
    json_t *rec;
    const char *event, *detail;
    bool rollback; /* check only (preview): never keep the write */
    importer_report *rep;
    int64_t id; /* out: the workshop written */
} write_args;

enum { WRITE_DRY = -3 }; /* rolled back on purpose: a preview */

static int write_record_tx(db_conn *c, void *ctx)
{
    write_args *a = ctx;
    a->id = workshop_import_record(c, a->rec, a->place, a->workshop, a->r->user->account_id,
                                   now_utc(), a->rep);
    if (a->id < 0) return (int)a->id;
    if (a->id == 0) return WRITE_DRY; /* rejected: nothing to keep */
    if (a->rollback) return WRITE_DRY;
    auth_audit(c, a->event, a->r->user->account_id,
               arena_printf(a->r->arena, "workshop:%lld", (long long)a->id), req_client_ip(a->r),
               a->detail);
    return 0;
}

static int64_t write_record(req *r, int64_t place, int64_t w, json_t *rec, const char *event,
                            const char *detail, bool rollback, importer_report *rep)
{
    write_args a = {r, place, w, rec, event, detail, rollback, rep, 0};
    int rc = db_transaction(r->app->db, write_record_tx, &a);
    json_decref(rec);
    if (rc == WRITE_DRY) return rollback && a.id > 0 ? 0 : a.id;
    return rc < 0 ? rc : a.id;
}

static char *new_source_id(void)
{
    unsigned char raw[8];
    char hex[17];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    return xasprintf("repere-%s", hex);
}

/* Create (w == 0) or modify workshop w from the form. */
static int save_form(req *r, int64_t place, int64_t w)
{
    json_t *stored = NULL;
    if (w) {
        stored = workshop_import_record_of(db_reader(r->app->db), w, NULL);
        if (!stored) return reply_error(r, 404, "Cet atelier n'existe pas.");
    }
    json_t *values = values_of_form(r);
    json_t *errors = json_object(), *general = json_array();
    int lines[LINES_MAX + 1] = {0};
    json_t *rec = record_of_values(r, values, stored, errors, lines);
    if (!w) {
        char *sid = new_source_id();
        json_object_set_new(rec, "id", json_string(sid));
        json_object_set_new(rec, "source", json_string("Repère"));
        free(sid);
    }
    json_decref(stored);
    bool preview = req_form(r, "apercu") != NULL;
    importer_report rep;
    importer_report_init(&rep);
    bool form_errors = json_object_size(errors) > 0;
    int64_t id = write_record(r, place, w, rec, w ? "workshop_edited" : "workshop_created", NULL,
                              preview || form_errors, &rep);
    if (id == -1) {
        importer_report_free(&rep);
        json_decref(values), json_decref(errors), json_decref(general);
        return -1;
    }
    if (id == -2) {
        importer_report_free(&rep);
        json_decref(values), json_decref(errors), json_decref(general);
        return refuse(r, place);
    }
    report_errors(r, &rep, values, lines, errors, general);
    importer_report_free(&rep);
    if (id > 0) {
        json_decref(values), json_decref(errors), json_decref(general);
        return reply_redirect(r, 303,
                              arena_printf(r->arena, "/admin/lieux/%lld/ateliers/%lld?ok=1",
                                           (long long)place, (long long)id));
    }
    json_t *extra = NULL;
    if (preview && !json_object_size(errors) && !json_array_size(general)) {
        const char *md = val(values, "description");
        char *err = NULL;
        char *html = *md ? md_render(md, strlen(md), &err) : NULL;
        extra = json_pack("{s:b, s:s}", "previewing", true, "preview_html", html ? html : "");
        free(html);
        free(err);
        json_decref(errors);
        json_decref(general);
        errors = general = NULL;
        r->status = 200;
    }
    return form_page(r, place, w, values, errors, general, extra);
}

/* Change the stored record with `change` and write it back. */
static int change_stored(req *r, int64_t place, int64_t w, void (*change)(req *, json_t *, void *),
                         void *ctx, const char *event, const char *detail, bool as_copy,
                         const char *ok)
{
    json_t *rec = workshop_import_record_of(db_reader(r->app->db), w, NULL);
    if (!rec) return reply_error(r, 404, "Cet atelier n'existe pas.");
    change(r, rec, ctx);
    importer_report rep;
    importer_report_init(&rep);
    int64_t id = write_record(r, place, as_copy ? 0 : w, rec, event, detail, false, &rep);
    if (id == 0) {
        /* A stored workshop the rules no longer accept (a file of before): say why. */
        json_t *errors = json_object(), *general = json_array();
        int lines[LINES_MAX + 1] = {0};
        json_t *stored = workshop_import_record_of(db_reader(r->app->db), w, NULL);
        json_t *values = values_of_record(stored);
        json_decref(stored);
        report_errors(r, &rep, values, lines, errors, general);
        importer_report_free(&rep);
        return form_page(r, place, w, values, errors, general, NULL);
    }
    importer_report_free(&rep);
    if (id == -1) return -1;
    if (id == -2) return refuse(r, place);
    return reply_redirect(r, 303,
                          arena_printf(r->arena, "/admin/lieux/%lld/ateliers/%lld?ok=%s",
                                       (long long)place, (long long)id, ok));
}

static void make_copy(req *r, json_t *rec, void *ctx)
{
    (void)ctx;
    char *sid = new_source_id();
    json_object_set_new(rec, "id", json_string(sid));
    json_object_set_new(rec, "source", json_string("Repère"));
    free(sid);
    const char *title = json_string_value(json_object_get(rec, "titre"));
    if (title && utf8_length(title) <= 140)
        json_object_set_new(rec, "titre", json_string(arena_printf(r->arena, "%s (copie)", title)));
    json_object_del(rec, "annulations");
    json_object_del(rec, "places_par_date"); /* a copy starts with the workshop's seats */
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(rec, "seances"), i, s)
    {
        json_object_del(s, "annulee");
        json_object_del(s, "motif");
    }
}

static void toggle_full(req *r, json_t *rec, void *ctx)
{
    (void)r;
    bool full = *(bool *)ctx;
    json_object_set_new(rec, "complet", json_boolean(full));
    json_t *left = json_object_get(rec, "places_restantes");
    if (!full && json_is_integer(left) && json_integer_value(left) == 0)
        json_object_del(rec, "places_restantes");
}

typedef struct cancel_ctx {
    const char *date, *reason;
} cancel_ctx;

static void add_cancellation(req *r, json_t *rec, void *ctx)
{
    (void)r;
    cancel_ctx *c = ctx;
    json_t *a = json_object_get(rec, "annulations");
    if (!json_is_array(a)) {
        a = json_array();
        json_object_set_new(rec, "annulations", a);
    }
    json_array_append_new(a, json_pack("{s:s, s:s}", "date", c->date, "motif", c->reason));
}

/*
 * The local day ("2026-10-05") of the session the form names (seance=), of
 * workshop w; day[0] is 0 when there is no such session. Returns its id.
 */
static int64_t form_session_day(req *r, int64_t w, char day[16])
{
    const char *sid = req_form(r, "seance");
    int64_t session = sid ? id_of(sid) : 0;
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_SESSION);
    db_bind_int(s, ":session", session);
    db_bind_int(s, ":id", w);
    day[0] = '\0';
    if (session && sqlite3_step(s) == SQLITE_ROW) {
        const char *zone_name = db_col_text(s, 1);
        const tz_zone *zone = tz_zone_get(zone_name ? zone_name : "Europe/Paris");
        if (!zone) zone = tz_zone_get("Europe/Paris");
        int64_t d = tz_floor_div(tz_utc_to_local(zone, sqlite3_column_int64(s, 0)), 86400);
        int y, mo, dd;
        tz_civil_from_days(d, &y, &mo, &dd);
        snprintf(day, 16, "%04d-%02d-%02d", y, mo, dd);
    }
    sqlite3_reset(s);
    return session;
}

static int cancel_session(req *r, int64_t place, int64_t w)
{
    char day[16];
    int64_t session = form_session_day(r, w, day);
    if (!day[0]) return reply_error(r, 404, "Cette séance n'existe pas.");
    char *reason = trimmed(r->arena, req_form(r, "motif"));
    const char *err = !*reason ? _("Indiquez le motif : il sera affiché avec la séance annulée.")
                      : utf8_length(reason) > 300  ? _("Motif trop long : 300 caractères au plus.")
                      : strpbrk(reason, "\r\n\t|") ? _("Le motif tient sur une ligne.")
                                                   : NULL;
    if (err) {
        json_t *stored = workshop_import_record_of(db_reader(r->app->db), w, NULL);
        json_t *values = values_of_record(stored);
        json_decref(stored);
        json_t *extra = json_pack("{s:I, s:s, s:s}", "cancel_session", (json_int_t)session,
                                  "cancel_error", err, "cancel_reason", reason);
        r->status = 400;
        return form_page(r, place, w, values, NULL, NULL, extra);
    }
    cancel_ctx c = {day, reason};
    return change_stored(r, place, w, add_cancellation, &c, "workshop_session_cancelled",
                         arena_printf(r->arena, "%s : %s", day, reason), false, "annulee");
}

typedef struct seats_ctx {
    const char *date;
    long left; /* -1: back to the workshop's figure */
} seats_ctx;

/* The seats of one day in "places_par_date" (docs/workshops-format.md). */
static void set_session_seats(req *r, json_t *rec, void *ctx)
{
    (void)r;
    seats_ctx *c = ctx;
    json_t *a = json_object_get(rec, "places_par_date");
    if (!json_is_array(a)) {
        a = json_array();
        json_object_set_new(rec, "places_par_date", a);
    }
    for (size_t i = json_array_size(a); i-- > 0;) {
        const char *d = json_string_value(json_object_get(json_array_get(a, i), "date"));
        if (d && !strcmp(d, c->date)) json_array_remove(a, i);
    }
    if (c->left >= 0)
        json_array_append_new(
            a, json_pack("{s:s, s:i}", "date", c->date, "places_restantes", (int)c->left));
}

/* POST …/places-seance: the seats left of one session (empty: the workshop's). */
static int session_seats(req *r, int64_t place, int64_t w)
{
    char day[16];
    int64_t session = form_session_day(r, w, day);
    if (!day[0]) return reply_error(r, 404, "Cette séance n'existe pas.");
    char *text = trimmed(r->arena, req_form(r, "places_restantes"));
    char *end = NULL;
    long left = *text ? strtol(text, &end, 10) : -1;
    if (*text && (*end || left < 0 || left > 10000)) {
        json_t *stored = workshop_import_record_of(db_reader(r->app->db), w, NULL);
        json_t *values = values_of_record(stored);
        json_decref(stored);
        json_t *extra =
            json_pack("{s:I, s:s, s:s}", "seats_session", (json_int_t)session, "seats_error",
                      _("Places restantes : un nombre entier de 0 à 10000, ou vide pour le nombre "
                        "de l'atelier."),
                      "seats_value", text);
        r->status = 400;
        return form_page(r, place, w, values, NULL, NULL, extra);
    }
    seats_ctx c = {day, left};
    return change_stored(r, place, w, set_session_seats, &c, "workshop_session_seats",
                         arena_printf(r->arena, "%s : %s", day, *text ? text : "atelier"), false,
                         "places-seance");
}

int page_admin_workshop_new_post(req *r)
{
    int64_t place = id_of(r->params[0]);
    if (!allowed(r, place)) return refuse(r, place);
    return save_form(r, place, 0);
}

int page_admin_workshop_post(req *r)
{
    int64_t place = id_of(r->params[0]);
    if (!allowed(r, place)) return refuse(r, place);
    int64_t w = id_of(r->params[1]);
    if (!owned(r, place, w, NULL, NULL)) return reply_error(r, 404, "Cet atelier n'existe pas.");
    const char *action = r->params[2];
    if (!strcmp(action, "modifier")) return save_form(r, place, w);
    if (!strcmp(action, "dupliquer"))
        return change_stored(r, place, w, make_copy, NULL, "workshop_duplicated",
                             arena_printf(r->arena, "copie de workshop:%lld", (long long)w), true,
                             "copie");
    if (!strcmp(action, "annuler-seance")) return cancel_session(r, place, w);
    if (!strcmp(action, "places-seance")) return session_seats(r, place, w);
    if (!strcmp(action, "complet")) {
        bool full = req_form(r, "complet") && !strcmp(req_form(r, "complet"), "1");
        return change_stored(r, place, w, toggle_full, &full,
                             full ? "workshop_full" : "workshop_not_full", NULL, false,
                             full ? "complet" : "places");
    }
    return reply_error(r, 404, "Cette action n'existe pas.");
}
