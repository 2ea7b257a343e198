/*
 * place_editor.c — the place editor: one page per place in sections, each
 * section its own form; validation with a French message next to each field;
 * one transaction per save, authorised in the UPDATE itself
 * (ADMIN_CAN_EDIT, sqlite3_changes() == 1); the weekly hours grid, the
 * advanced expression, dated closures; Markdown preview; "Rien n'a changé";
 * history and restore; closing a place (coordinators).
 *
 *   GET  /admin/lieux/{id}                 the editor
 *   GET  /admin/lieux/{id}/historique      history with restore buttons
 *   POST /admin/lieux/{id}/{action}        identite, adresse, horaires, horaires-avance,
 *        services, acces, labels, presentation, verifie, fermeture,
 *        fermeture-supprimer, restaurer, fermer, rouvrir
 *   GET/POST /verifier?lieu=…&exp=…&sig=…  the signed link of reminder mails
 */
#include "accounts/access.h"
#include "hours/hours_grid.h"
#include "accounts/auth.h"
#include "places/history.h"
#include "hours/hours.h"
#include "core/fr.h"
#include "core/markdown.h"
#include "pages/pages.h"
#include "core/phone.h"
#include "core/validate.h"
#include "places/place_store.h"
#include "places/place_view.h"
#include "http/session.h"
#include "places/vocab.h"
#include "workshops/workshop_import.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    SUMMARY_MAX = 280,   /* characters: the national schema's presentation_resume */
    TEXT_MAX = 200,      /* characters: one-line fields */
    NOTE_MAX = 500,      /* characters: free-text notes */
    URL_MAX = 500,       /* bytes */
    HISTORY_SHOWN = 200, /* changes listed on the history page */
    CLOSURES_SHOWN = 20,
};

typedef enum field_kind {
    K_TEXT,   /* one line */
    K_AREA,   /* several lines */
    K_URL,    /* http(s) address */
    K_EMAILS, /* one or more e-mail addresses, stored '|'-joined */
    K_PHONE,  /* French number, stored E.164 */
    K_POSTAL, /* five digits */
    K_COORD,  /* decimal degrees */
    K_LIST,   /* checkboxes of a national vocabulary, stored '|'-joined */
    K_WORDS,  /* comma-separated free words, stored '|'-joined */
    K_BOOL,   /* one checkbox, 0/1 */
    K_TRI,    /* oui / non / non renseigné: 1, 0, NULL */
    K_MD,     /* Markdown, rendered on save */
} field_kind;

/* Every editable field: section, column (= form name), label, kind,
 * vocabulary, maximum length, required, hint. The SELECT and the UPDATE below
 * are generated from this list. */
#define FIELDS(X)                                                                                  \
    X(identite, name, N_("Nom du lieu"), K_TEXT, VOCAB_KIND_COUNT, TEXT_MAX, true, NULL)           \
    X(identite, typologies, N_("Type de lieu"), K_LIST, VOCAB_TYPOLOGIE, 0, false, NULL)           \
    X(identite, phone, N_("Téléphone"), K_PHONE, VOCAB_KIND_COUNT, 30, false,                      \
      N_("Par exemple 04 79 12 34 56."))                                                           \
    X(identite, emails, N_("Courriel public"), K_EMAILS, VOCAB_KIND_COUNT, URL_MAX, false,         \
      N_("Plusieurs adresses : séparez-les par des virgules."))                                    \
    X(identite, website, N_("Site web"), K_URL, VOCAB_KIND_COUNT, URL_MAX, false,                  \
      N_("Commence par https://"))                                                                 \
    X(identite, booking_url, N_("Prise de rendez-vous en ligne"), K_URL, VOCAB_KIND_COUNT,         \
      URL_MAX, false, N_("Adresse de la page de rendez-vous, si vous en avez une."))               \
    X(adresse, address, N_("Adresse"), K_TEXT, VOCAB_KIND_COUNT, TEXT_MAX, true, NULL)             \
    X(adresse, address_extra, N_("Complément d'adresse"), K_TEXT, VOCAB_KIND_COUNT, TEXT_MAX,      \
      false, N_("Bâtiment, étage, entrée…"))                                                       \
    X(adresse, postal_code, N_("Code postal"), K_POSTAL, VOCAB_KIND_COUNT, 5, true, NULL)          \
    X(adresse, commune, N_("Commune"), K_TEXT, VOCAB_KIND_COUNT, 100, true, NULL)                  \
    X(adresse, latitude, N_("Latitude"), K_COORD, VOCAB_KIND_COUNT, 20, false,                     \
      N_("En degrés décimaux, par exemple 45.5646. Laissez vide pour le centre de la commune."))   \
    X(adresse, longitude, N_("Longitude"), K_COORD, VOCAB_KIND_COUNT, 20, false,                   \
      N_("En degrés décimaux, par exemple 5.9178."))                                               \
    X(services, services, N_("Ce que l'on peut y faire"), K_LIST, VOCAB_SERVICES, 0, false, NULL)  \
    X(services, publics, N_("Publics spécifiquement accueillis"), K_LIST, VOCAB_PUBLICS, 0, false, \
      N_("Ne cochez rien si le lieu accueille tout public."))                                      \
    X(services, support, N_("Accueil adapté"), K_LIST, VOCAB_SUPPORT, 0, false, NULL)              \
    X(services, does_procedures_for_you,                                                           \
      N_("Une personne habilitée peut faire les démarches à la "                                \
         "place de la personne"),                                                                  \
      K_BOOL, VOCAB_KIND_COUNT, 0, false, NULL)                                                    \
    X(services, languages, N_("Langues parlées"), K_WORDS, VOCAB_KIND_COUNT, TEXT_MAX, false,      \
      N_("Séparées par des virgules : français, anglais, arabe…"))                                 \
    X(services, equipment, N_("Matériel à disposition"), K_AREA, VOCAB_KIND_COUNT, NOTE_MAX,       \
      false, NULL)                                                                                 \
    X(acces, fees, N_("Tarif"), K_LIST, VOCAB_FEES, 0, false, NULL)                                \
    X(acces, fees_note, N_("Précision sur le tarif"), K_TEXT, VOCAB_KIND_COUNT, TEXT_MAX, false,   \
      N_("Par exemple : adhésion de 10 € par an."))                                                \
    X(acces, access_modes, N_("Comment y aller"), K_LIST, VOCAB_ACCESS_MODES, 0, false, NULL)      \
    X(acces, support_modes, N_("Accompagnement"), K_LIST, VOCAB_SUPPORT_MODES, 0, false, NULL)     \
    X(acces, pass_numerique_accepted, N_("Accepte le Pass numérique"), K_BOOL, VOCAB_KIND_COUNT,   \
      0, false, NULL)                                                                              \
    X(acces, pass_numerique_distributed, N_("Distribue des Pass numériques"), K_BOOL,              \
      VOCAB_KIND_COUNT, 0, false, NULL)                                                            \
    X(acces, wheelchair_accessible, N_("Accès en fauteuil roulant"), K_TRI, VOCAB_KIND_COUNT, 0,   \
      false, NULL)                                                                                 \
    X(acces, accessibility_notes, N_("Accessibilité"), K_AREA, VOCAB_KIND_COUNT, NOTE_MAX, false,  \
      N_("Marches, ascenseur, boucle magnétique…"))                                                \
    X(acces, accessibility_url, N_("Fiche acceslibre"), K_URL, VOCAB_KIND_COUNT, URL_MAX, false,   \
      NULL)                                                                                        \
    X(labels, programmes, N_("Programmes nationaux"), K_LIST, VOCAB_PROGRAMMES, 0, false, NULL)    \
    X(labels, labels, N_("Labels et formations"), K_LIST, VOCAB_LABELS, 0, false, NULL)            \
    X(labels, other_labels, N_("Autres labels"), K_WORDS, VOCAB_KIND_COUNT, TEXT_MAX, false,       \
      N_("Séparés par des virgules."))                                                             \
    X(presentation, summary, N_("Résumé"), K_AREA, VOCAB_KIND_COUNT, SUMMARY_MAX, false,           \
      N_("280 caractères au plus : ce que l'on trouve dans la liste des résultats."))              \
    X(presentation, description_md, N_("Présentation détaillée"), K_MD, VOCAB_KIND_COUNT,          \
      MD_MAX_BYTES, false,                                                                         \
      N_("16 Kio au plus (environ 16 000 caractères). Mise en forme Markdown : **gras**, listes " \
         "avec des tirets, liens [texte](https://…)."))                                            \
    X(horaires, hours, N_("Horaires"), K_TEXT, VOCAB_KIND_COUNT, HOURS_MAX_EXPR, false, NULL)

typedef struct field_def {
    const char *section, *name, *label;
    field_kind kind;
    vocab_kind vocab;
    size_t max;
    bool required;
    const char *hint;
} field_def;

#define AS_DEF(sec, col, label, kind, vocab, max, req, hint)                                       \
    {#sec, #col, label, kind, vocab, max, req, hint},
static const field_def FIELD_DEFS[] = {FIELDS(AS_DEF)};
#undef AS_DEF
enum { NFIELDS = sizeof FIELD_DEFS / sizeof FIELD_DEFS[0] };

static const struct {
    const char *name, *title;
} SECTIONS[] = {
    {"identite", N_("Identité et contact")},
    {"adresse", N_("Adresse et position")},
    {"horaires", N_("Horaires")},
    {"services", N_("Services et publics")},
    {"acces", N_("Accès et tarifs")},
    {"labels", N_("Labels et programmes")},
    {"presentation", N_("Présentation")},
};

/* Used by: the editor (current values, in FIELDS order, then the extras). */
#define AS_SELECT(sec, col, ...) #col ", "
static const char Q_EDIT[] =
    "SELECT " FIELDS(AS_SELECT) "id, slug, closed_at, verified_at, date_maj,"
                                " departement, description_html FROM place WHERE id = :id";
#undef AS_SELECT
enum {
    E_ID = NFIELDS,
    E_SLUG,
    E_CLOSED_AT,
    E_VERIFIED_AT,
    E_DATE_MAJ,
    E_DEPARTEMENT,
    E_DESCRIPTION_HTML
};

/* Used by: every save and restore, through place_store (which writes the
 * columns given and derives the rest); the WHERE clause is the authorisation. */
static const char Q_SAVE[] =
    PLACE_STORE_UPDATE("id = :id AND " ADMIN_CAN_EDIT("place", ":account"));

static const field_def *field_named(const char *name)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (strcmp(FIELD_DEFS[i].name, name) == 0) return &FIELD_DEFS[i];
    return NULL;
}

static size_t field_index(const field_def *f)
{
    return (size_t)(f - FIELD_DEFS);
}

/* ---- reading the form ---- */

/* Every value of a repeated form field (checkboxes). */
static size_t form_all(req *r, const char *name, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nform && n < max; i++)
        if (strcmp(r->form[i].key, name) == 0) out[n++] = r->form[i].value;
    return n;
}

/* A rule's reason as a sentence: "il manque…" → "Il manque….". (An ASCII
 * first letter only: a reason in another script is shown as it is.) */
static const char *sentence(req *r, const char *why)
{
    return arena_printf(r->arena, "%c%s.", toupper((unsigned char)why[0]), why + 1);
}

static bool has_control_chars(const char *s, bool newlines)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 && !(newlines && (c == '\n' || c == '\r' || c == '\t'))) return true;
        if (c == 0x7f) return true;
    }
    return false;
}

/* Split on commas (and newlines), trim, join with '|'. */
static char *words_join(arena *ar, const char *text)
{
    buf b = {0};
    char *copy = xstrdup(text);
    char *save = NULL;
    for (char *w = strtok_r(copy, ",\n|;", &save); w; w = strtok_r(NULL, ",\n|;", &save)) {
        char *t = str_trim(w);
        if (!*t) continue;
        if (b.len) buf_putc(&b, '|');
        buf_puts(&b, t);
    }
    free(copy);
    char *out = arena_strdup(ar, b.data ? b.data : "");
    buf_free(&b);
    return out;
}

/*
 * Validate the fields of `section` from the form: fills `values` (column →
 * value to store, JSON null for empty) and `errors` (column → message).
 */
static void validate_section(req *r, const char *section, json_t *values, json_t *errors)
{
    for (size_t i = 0; i < NFIELDS; i++) {
        const field_def *f = &FIELD_DEFS[i];
        if (strcmp(f->section, section) != 0 || strcmp(f->name, "hours") == 0) continue;
        const char *raw = req_form(r, f->name);
        char *v = arena_strdup(r->arena, raw ? raw : "");
        char *t = str_trim(v);
        const char *err = NULL, *why_text = NULL;
        json_t *val = NULL;
        switch (f->kind) {
        case K_TEXT:
        case K_AREA:
        case K_MD:
            if (f->required && !*t)
                err = _("Ce champ est obligatoire.");
            else if (has_control_chars(t, f->kind != K_TEXT))
                err = _("Ce texte contient des caractères invalides.");
            else if (f->kind == K_TEXT && !validate_not_formula(t, &why_text))
                err = sentence(r, gettext(why_text));
            else if ((f->kind == K_MD ? strlen(t) : utf8_length(t)) > f->max)
                err = arena_printf(r->arena,
                                   f->kind == K_MD ? _("Trop long : %zu octets au plus.")
                                                   : _("Trop long : %zu caractères au plus."),
                                   f->max);
            else if (f->kind == K_MD && *t) {
                char *md_err = NULL;
                char *html = md_render(t, strlen(t), &md_err);
                if (!html) {
                    err =
                        arena_strdup(r->arena, md_err ? gettext(md_err) : _("Texte non accepté."));
                } else {
                    json_object_set_new(values, "description_html", json_string(html));
                }
                free(html);
                free(md_err);
            }
            if (!err) val = *t ? json_string(t) : json_null();
            break;
        case K_URL: {
            char *url = NULL;
            const char *why;
            if (!*t)
                val = json_null();
            else if (strlen(t) > f->max)
                err = arena_printf(r->arena, _("Trop long : %zu octets au plus."), f->max);
            else if (!validate_url(t, &url, &why))
                err = arena_printf(r->arena, _("Adresse web invalide : %s."), gettext(why));
            else
                val = json_string(url);
            free(url);
            break;
        }
        case K_EMAILS: {
            char *joined = words_join(r->arena, t);
            char *check = arena_strdup(r->arena, joined), *save = NULL;
            const char *why;
            for (char *e = strtok_r(check, "|", &save); e && !err; e = strtok_r(NULL, "|", &save))
                if (!validate_email(e, &why))
                    err =
                        arena_printf(r->arena, _("« %s » n'est pas une adresse électronique : %s."),
                                     e, gettext(why));
            if (!err && strlen(joined) > f->max) err = _("Trop d'adresses.");
            if (!err) val = *joined ? json_string(joined) : json_null();
            break;
        }
        case K_PHONE: {
            char e164[PHONE_E164_MAX];
            if (!*t)
                val = json_null();
            else if (strlen(t) > f->max || !phone_normalize(t, e164))
                err =
                    _("Numéro non reconnu : écrivez-le comme 04 79 12 34 56 ou +33 4 79 12 34 56.");
            else
                val = json_string(e164);
            break;
        }
        case K_POSTAL: {
            const char *why;
            if (!validate_postal_code(t, &why))
                err = sentence(r, gettext(why));
            else
                val = json_string(t);
            break;
        }
        case K_COORD: {
            double d;
            const char *why;
            bool lat = strcmp(f->name, "latitude") == 0;
            if (!*t)
                val = json_null();
            else if (!validate_coordinate(t, lat, &d, &why))
                err = arena_printf(r->arena,
                                   lat ? _("Latitude invalide : %s, par exemple %s.")
                                       : _("Longitude invalide : %s, par exemple %s."),
                                   gettext(why), lat ? "45.5646" : "5.9178");
            else
                val = json_real(d);
            break;
        }
        case K_LIST: {
            const char *chosen[HTTP_MAX_FORM_FIELDS];
            size_t n = form_all(r, f->name, chosen, HTTP_MAX_FORM_FIELDS);
            size_t count;
            const vocab_entry *e = vocab_entries(f->vocab, &count);
            buf b = {0};
            for (size_t k = 0; k < n && !err; k++) {
                bool known = false;
                for (size_t j = 0; j < count; j++)
                    known |= strcmp(e[j].value, chosen[k]) == 0;
                if (!known) err = _("Une des cases cochées n'existe pas dans la liste.");
            }
            for (size_t j = 0; j < count && !err; j++)
                for (size_t k = 0; k < n; k++)
                    if (strcmp(e[j].value, chosen[k]) == 0) {
                        if (b.len) buf_putc(&b, '|');
                        buf_puts(&b, e[j].value);
                        break;
                    }
            if (!err) val = b.len ? json_string(b.data) : json_null();
            buf_free(&b);
            break;
        }
        case K_WORDS: {
            char *joined = words_join(r->arena, t);
            if (has_control_chars(joined, false))
                err = _("Ce texte contient des caractères invalides.");
            else if (utf8_length(joined) > f->max)
                err = arena_printf(r->arena, _("Trop long : %zu caractères au plus."), f->max);
            else
                val = *joined ? json_string(joined) : json_null();
            break;
        }
        case K_BOOL:
            val = json_integer(raw && *raw ? 1 : 0);
            break;
        case K_TRI:
            if (strcmp(t, "oui") == 0)
                val = json_integer(1);
            else if (strcmp(t, "non") == 0)
                val = json_integer(0);
            else
                val = json_null();
            break;
        }
        if (err)
            json_object_set_new(errors, f->name, json_string(err));
        else if (val)
            json_object_set_new(values, f->name, val);
    }
    json_t *lat = json_object_get(values, "latitude"), *lon = json_object_get(values, "longitude");
    if (lat && lon && json_is_null(lat) != json_is_null(lon)) {
        const char *missing = json_is_null(lat) ? "latitude" : "longitude";
        json_object_set_new(
            errors, missing,
            json_string(_("Indiquez la latitude et la longitude, ou aucune des deux.")));
    } else if (json_is_real(lat) && json_is_real(lon)) {
        /* The same rule as the importer's: a position in the territory of the postal code. */
        const char *postal = json_string_value(json_object_get(values, "postal_code")), *why;
        if (postal && !validate_position(postal, json_real_value(lat), json_real_value(lon), &why))
            json_object_set_new(
                errors, "latitude",
                json_string(arena_printf(r->arena,
                                         _("Position invalide (%s) : vérifiez la "
                                           "latitude et la longitude, ou laissez-les "
                                           "vides."),
                                         gettext(why))));
    }
}

/* ---- saving ---- */

static void bind_value(sqlite3_stmt *s, const char *param, json_t *v)
{
    int idx = sqlite3_bind_parameter_index(s, param);
    if (!idx) return;
    if (!v || json_is_null(v))
        sqlite3_bind_null(s, idx);
    else if (json_is_integer(v))
        sqlite3_bind_int64(s, idx, json_integer_value(v));
    else if (json_is_real(v))
        sqlite3_bind_double(s, idx, json_real_value(v));
    else
        sqlite3_bind_text(s, idx, json_string_value(v), -1, SQLITE_TRANSIENT);
}

/* One write of the editor: a PLACE_STORE_UPDATE statement, the write, the audit line. */
typedef struct place_save {
    req *r;
    const char *sql;
    const place_write *pw;
    const char *event, *detail;
} place_save;

/* Inside the transaction: 1 written, 0 refused by the WHERE clause, -1 error. */
static int place_save_tx(db_conn *w, void *ctx)
{
    const place_save *a = ctx;
    int rc = place_store_update(w, a->sql, a->pw);
    if (rc != 1) return rc;
    auth_audit(w, a->event, a->r->user->account_id,
               arena_printf(a->r->arena, "place:%lld", (long long)a->pw->id), req_client_ip(a->r),
               a->detail);
    return 1;
}

/*
 * Write `values` (column → value; keys that are not fields are left out) in
 * one transaction as `source`, through place_store: a person saved the
 * record, so it counts as updated and verified today; an address without a
 * position gets its commune's centre. Returns 1 saved, 0 not allowed
 * (nothing changed), -1 database error.
 */
static int save_values(req *r, int64_t id, json_t *values, const char *source, const char *what)
{
    json_t *fields = json_object();
    const char *key;
    json_t *v;
    json_object_foreach(values, key, v)
    {
        if (field_named(key)) json_object_set(fields, key, v);
    }
    json_object_set_new(fields, "date_maj", json_null()); /* today */
    place_write pw = {.id = id,
                      .values = fields,
                      .account = r->user->account_id,
                      .source = source,
                      .verified = true,
                      .position_from_commune = true};
    place_save a = {r, Q_SAVE, &pw, "place_edited", what};
    int rc = db_transaction(r->app->db, place_save_tx, &a);
    json_decref(fields);
    return rc;
}

/* ---- the editor's model ---- */

static json_t *options_of(const field_def *f, const char *const *checked, size_t n)
{
    size_t count;
    const vocab_entry *e = vocab_entries(f->vocab, &count);
    json_t *a = json_array();
    for (size_t j = 0; j < count; j++) {
        bool on = false;
        for (size_t k = 0; k < n; k++)
            on |= strcmp(checked[k], e[j].value) == 0;
        char id[64];
        snprintf(id, sizeof id, "f-%s-%zu", f->name, j);
        json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:s}", "value", e[j].value, "label",
                                           gettext(e[j].label), "checked", on, "id", id));
    }
    return a;
}

typedef struct split_ctx {
    const char **items;
    size_t n, max;
    arena *ar;
} split_ctx;

static void collect_item(const char *item, void *ctx)
{
    split_ctx *c = ctx;
    if (c->n < c->max) c->items[c->n++] = arena_strdup(c->ar, item);
}

/* The JSON model of one field: from the typed form when `typed`, else from the row. */
static json_t *field_model(req *r, const field_def *f, sqlite3_stmt *row, bool typed,
                           json_t *errors)
{
    json_t *o = json_pack("{s:s, s:s, s:b}", "name", f->name, "label", gettext(f->label),
                          "required", f->required);
    if (f->hint) json_object_set_new(o, "hint", json_string(gettext(f->hint)));
    const char *err = json_string_value(json_object_get(errors, f->name));
    if (err) json_object_set_new(o, "error", json_string(err));
    const char *db_value = db_col_text(row, (int)field_index(f));
    const char *value = typed ? req_form(r, f->name) : db_value;
    buf described = {0};
    if (f->hint) buf_printf(&described, "h-%s", f->name);
    if (err) buf_printf(&described, "%se-%s", described.len ? " " : "", f->name);
    if (described.len) json_object_set_new(o, "describedby", json_string(described.data));
    buf_free(&described);
    switch (f->kind) {
    case K_LIST: {
        const char *checked[HTTP_MAX_FORM_FIELDS]; /* every value of the longest list */
        size_t n = 0;
        if (typed) {
            n = form_all(r, f->name, checked, HTTP_MAX_FORM_FIELDS);
        } else if (db_value) {
            split_ctx c = {checked, 0, HTTP_MAX_FORM_FIELDS, r->arena};
            vocab_split(db_value, collect_item, &c);
            n = c.n;
        }
        json_object_set_new(o, "is_list", json_true());
        json_object_set_new(o, "options", options_of(f, checked, n));
        break;
    }
    case K_BOOL:
        json_object_set_new(o, "is_bool", json_true());
        json_object_set_new(o, "checked",
                            json_boolean(typed ? value && *value : db_value && atoi(db_value)));
        break;
    case K_TRI: {
        const char *state = typed            ? (value ? value : "")
                            : !db_value      ? ""
                            : atoi(db_value) ? "oui"
                                             : "non";
        json_object_set_new(o, "is_tri", json_true());
        json_object_set_new(o, "yes", json_boolean(strcmp(state, "oui") == 0));
        json_object_set_new(o, "no", json_boolean(strcmp(state, "non") == 0));
        json_object_set_new(o, "unknown",
                            json_boolean(strcmp(state, "oui") != 0 && strcmp(state, "non") != 0));
        break;
    }
    case K_AREA:
    case K_MD:
        json_object_set_new(o, "is_area", json_true());
        json_object_set_new(o, "value", json_string(value ? value : ""));
        json_object_set_new(o, "maxlength", json_integer((json_int_t)f->max));
        json_object_set_new(o, "rows", json_integer(f->kind == K_MD ? 12 : 3));
        break;
    default: {
        const char *shown = value ? value : "";
        if (!typed && db_value && (f->kind == K_EMAILS || f->kind == K_WORDS)) {
            buf b = {0};
            for (const char *p = db_value; *p; p++) {
                if (*p == '|')
                    buf_puts(&b, ", ");
                else
                    buf_putc(&b, *p);
            }
            shown = arena_strdup(r->arena, b.data ? b.data : "");
            buf_free(&b);
        } else if (!typed && db_value && f->kind == K_COORD) {
            shown = arena_printf(r->arena, "%.6f", sqlite3_column_double(row, (int)field_index(f)));
        }
        json_object_set_new(o, "is_input", json_true());
        json_object_set_new(o, "value", json_string(shown));
        json_object_set_new(o, "type",
                            json_string(f->kind == K_URL      ? "url"
                                        : f->kind == K_PHONE  ? "tel"
                                        : f->kind == K_POSTAL ? "text"
                                                              : "text"));
        if (f->kind == K_POSTAL) json_object_set_new(o, "inputmode", json_string("numeric"));
        if (f->kind == K_COORD) json_object_set_new(o, "inputmode", json_string("decimal"));
        if (f->kind == K_EMAILS) json_object_set_new(o, "autocomplete", json_string("off"));
        json_object_set_new(o, "maxlength",
                            json_integer((json_int_t)(f->kind == K_EMAILS ? URL_MAX : f->max)));
        break;
    }
    }
    return o;
}

/* Normalise what a browser without <input type=time> lets people type ("9h30", "9:30"). */
static const char *normal_time(arena *ar, const char *s)
{
    if (!s) return "";
    char *t = str_trim(arena_strdup(ar, s));
    if (!*t) return "";
    int h = -1, m = 0;
    char sep = 0;
    if (sscanf(t, "%d%c%d", &h, &sep, &m) >= 1 && h >= 0 && h <= 24 && m >= 0 && m <= 59 &&
        (sep == 0 || sep == ':' || sep == 'h' || sep == 'H'))
        return arena_printf(ar, "%02d:%02d", h, m);
    return t;
}

static const char *const DAY_LABELS[7] = {N_("Lundi"),    N_("Mardi"),  N_("Mercredi"), N_("Jeudi"),
                                          N_("Vendredi"), N_("Samedi"), N_("Dimanche")};

/* Read the grid from the form; returns true when every range is valid. */
static bool grid_from_form(req *r, admin_hours_grid *g, json_t *errors)
{
    memset(g, 0, sizeof *g);
    bool ok = true;
    for (int d = 0; d < 7; d++) {
        const char *prev = "";
        for (int i = 0; i < ADMIN_HOURS_RANGES; i++) {
            const char *code = admin_hours_day_code(d);
            const char *from = normal_time(
                r->arena, req_form(r, arena_printf(r->arena, "h_%s_%d_from", code, i + 1)));
            const char *to = normal_time(
                r->arena, req_form(r, arena_printf(r->arena, "h_%s_%d_to", code, i + 1)));
            admin_hours_range *rg = &g->day[d][i];
            snprintf(rg->from, sizeof rg->from, "%s",
                     strlen(from) == 5 ? from
                     : from[0]         ? "xx:xx"
                                       : "");
            snprintf(rg->to, sizeof rg->to, "%s", strlen(to) == 5 ? to : to[0] ? "xx:xx" : "");
            const char *err = admin_hours_check_range(rg, prev);
            if (err) {
                json_object_set_new(errors, arena_printf(r->arena, "h_%s_%d", code, i + 1),
                                    json_string(err));
                ok = false;
            }
            if (rg->to[0]) prev = rg->to;
        }
    }
    g->ph_off = req_form(r, "ph_off") != NULL;
    return ok;
}

static json_t *grid_model(req *r, const admin_hours_grid *g, json_t *errors)
{
    json_t *days = json_array();
    for (int d = 0; d < 7; d++) {
        const char *code = admin_hours_day_code(d);
        json_t *ranges = json_array();
        for (int i = 0; i < ADMIN_HOURS_RANGES; i++) {
            const char *key = arena_printf(r->arena, "h_%s_%d", code, i + 1);
            json_t *o =
                json_pack("{s:i, s:s, s:s, s:s, s:s}", "n", i + 1, "key", key, "from",
                          g->day[d][i].from, "to", g->day[d][i].to, "day", gettext(DAY_LABELS[d]));
            const char *err = json_string_value(json_object_get(errors, key));
            if (err) json_object_set_new(o, "error", json_string(err));
            json_array_append_new(ranges, o);
        }
        json_array_append_new(days, json_pack("{s:s, s:s, s:o}", "label", gettext(DAY_LABELS[d]),
                                              "code", code, "ranges", ranges));
    }
    json_t *m = json_pack("{s:o, s:b}", "days", days, "ph_off", g->ph_off);
    return m;
}

/* Used by: the closures part of the editor (migration 0009, src/closure.c). */
static const char Q_CLOSURES[] =
    "SELECT id, starts_on, ends_on, hours, message FROM place_closure"
    " WHERE place_id = :id AND ends_on >= date('now', '-1 day') ORDER BY starts_on LIMIT 20";

static json_t *closures_model(req *r, int64_t id)
{
    sqlite3_stmt *s = db_stmt_try(db_reader(r->app->db), Q_CLOSURES);
    if (!s) return NULL; /* closures not migrated in this tree */
    db_bind_int(s, ":id", id);
    json_t *a = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        json_t *o = json_pack("{s:I, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(s, 0),
                              "starts_on", fr_datetime_json(db_col_text(s, 1)), "ends_on",
                              fr_datetime_json(db_col_text(s, 2)));
        if (db_col_text(s, 3)) json_object_set_new(o, "open_hours", json_string(db_col_text(s, 3)));
        if (db_col_text(s, 4)) json_object_set_new(o, "message", json_string(db_col_text(s, 4)));
        json_array_append_new(a, o);
    }
    sqlite3_reset(s);
    return a;
}

/* Used by: the editor (open reports of this place). */
static const char Q_PLACE_REPORTS[] =
    "SELECT id, created_at, kinds, message, contact FROM place_report"
    " WHERE place_id = :id AND handled_at IS NULL ORDER BY id DESC LIMIT 50";

/* One line of the error box: the field's label, linked to the input a person
 * must fix (its id exists on the page: see the templates' ids), and why. */
static void error_link(json_t *summary, const char *label, const char *input_id,
                       const char *message)
{
    json_array_append_new(
        summary, json_pack("{s:s, s:s, s:s}", "label", label, "id", input_id, "message", message));
}

/* The id of a field's first input (admin_field.html). */
static const char *field_input_id(req *r, const field_def *f)
{
    if (f->kind == K_LIST) return arena_printf(r->arena, "f-%s-0", f->name);
    if (f->kind == K_TRI) return arena_printf(r->arena, "f-%s-oui", f->name);
    return arena_printf(r->arena, "f-%s", f->name);
}

/* The closure form's fields and their labels (admin_place.html). */
static const char *const CLOSURE_FIELDS[][2] = {
    {"starts_on", N_("Fermeture temporaire : du")},
    {"ends_on", N_("Fermeture temporaire : au")},
    {"closure_hours", N_("Fermeture temporaire : horaires exceptionnels")},
    {"message", N_("Fermeture temporaire : message affiché")},
};

/*
 * Render the editor. `typed_section` (may be NULL) is re-shown from the form
 * with `errors`; `extra` (may be NULL) is merged into the model.
 */
static int editor(req *r, int64_t id, const char *typed_section, json_t *errors, json_t *extra)
{
    sqlite3_stmt *row = db_stmt(db_reader(r->app->db), Q_EDIT);
    db_bind_int(row, ":id", id);
    if (sqlite3_step(row) != SQLITE_ROW) {
        sqlite3_reset(row);
        json_decref(extra);
        return reply_error(r, 404, "Ce lieu n'existe pas.");
    }
    json_t *m = session_page_model(r, _("Modifier la fiche"));
    const char *name = db_col_text(row, 0);
    json_object_set_new(m, "title",
                        json_string(arena_printf(r->arena, _("Modifier « %s »"), name)));
    char *path = place_path(id, db_col_text(row, E_SLUG));
    json_t *place = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "path", path);
    free(path);
    if (db_col_text(row, E_CLOSED_AT))
        json_object_set_new(place, "closed_at", fr_datetime_json(db_col_text(row, E_CLOSED_AT)));
    if (db_col_text(row, E_VERIFIED_AT))
        json_object_set_new(place, "verified_at",
                            fr_datetime_json(db_col_text(row, E_VERIFIED_AT)));
    json_object_set_new(place, "date_maj", fr_datetime_json(db_col_text(row, E_DATE_MAJ)));
    json_object_set_new(m, "place", place);

    json_t *sections = json_array();
    json_t *summary = json_array(); /* the error box, in the order of the page */
    for (size_t k = 0; k < ARRAY_LEN(SECTIONS); k++) {
        const char *sec = SECTIONS[k].name;
        bool typed = typed_section && strcmp(typed_section, sec) == 0;
        json_t *fields = json_array();
        for (size_t i = 0; i < NFIELDS; i++)
            if (strcmp(FIELD_DEFS[i].section, sec) == 0 &&
                strcmp(FIELD_DEFS[i].name, "hours") != 0) {
                json_array_append_new(fields, field_model(r, &FIELD_DEFS[i], row, typed, errors));
                const char *err = json_string_value(json_object_get(errors, FIELD_DEFS[i].name));
                if (typed && err)
                    error_link(summary, gettext(FIELD_DEFS[i].label),
                               field_input_id(r, &FIELD_DEFS[i]), err);
            }
        json_t *o = json_pack("{s:s, s:s, s:o}", "name", sec, "title", gettext(SECTIONS[k].title),
                              "fields", fields);
        if (typed && errors && json_object_size(errors))
            json_object_set_new(o, "has_errors", json_true());
        json_object_set_new(o, sec, json_true());
        json_array_append_new(sections, o);
    }
    json_object_set_new(m, "sections", sections);

    /* Hours: the grid when the expression fits in it, and the raw expression. */
    const char *hours = db_col_text(row, field_index(field_named("hours")));
    admin_hours_grid g;
    bool fits = true;
    if (typed_section && strcmp(typed_section, "horaires") == 0) {
        json_t *scratch = json_object(); /* the errors are already in `errors` */
        grid_from_form(r, &g, scratch);
        json_decref(scratch);
        /* keep what was typed, even invalid */
        for (int d = 0; d < 7; d++)
            for (int i = 0; i < ADMIN_HOURS_RANGES; i++) {
                const char *code = admin_hours_day_code(d);
                const char *f = req_form(r, arena_printf(r->arena, "h_%s_%d_from", code, i + 1));
                const char *t = req_form(r, arena_printf(r->arena, "h_%s_%d_to", code, i + 1));
                snprintf(g.day[d][i].from, sizeof g.day[d][i].from, "%s", f ? f : "");
                snprintf(g.day[d][i].to, sizeof g.day[d][i].to, "%s", t ? t : "");
            }
    } else {
        fits = admin_hours_from_expr(hours, &g);
    }
    json_t *h = grid_model(r, &g, errors);
    json_object_set_new(h, "fits", json_boolean(fits));
    for (int d = 0; d < 7; d++)
        for (int i = 0; i < ADMIN_HOURS_RANGES; i++) {
            const char *key = arena_printf(r->arena, "h_%s_%d", admin_hours_day_code(d), i + 1);
            const char *err = json_string_value(json_object_get(errors, key));
            if (err)
                error_link(summary,
                           arena_printf(r->arena, _("Horaires : %s, plage %d"),
                                        gettext(DAY_LABELS[d]), i + 1),
                           arena_printf(r->arena, "f-%s_from", key), err);
        }
    hours_error unreadable;
    hours_schedule *stored = !fits && hours ? hours_parse(hours, &unreadable) : NULL;
    if (!fits && hours && !stored) /* kept as published (an import): say why, not "too detailed" */
        json_object_set_new(h, "unreadable", json_string(unreadable.message));
    hours_free(stored);
    bool raw_typed = typed_section && strcmp(typed_section, "horaires-avance") == 0;
    const char *raw = raw_typed ? req_form(r, "hours") : hours;
    json_object_set_new(h, "raw", json_string(raw ? raw : ""));
    const char *raw_err = json_string_value(json_object_get(errors, "hours"));
    if (raw_err) {
        json_object_set_new(h, "raw_error", json_string(raw_err));
        error_link(summary, _("Horaires au format opening_hours"), "f-hours", raw_err);
    }
    json_t *closures = closures_model(r, id);
    if (closures) {
        json_object_set_new(h, "closures", closures);
        json_object_set_new(h, "closures_enabled", json_true());
    }
    bool closure_typed = typed_section && strcmp(typed_section, "fermeture") == 0;
    json_t *cl = json_object();
    const char *keys[] = {"starts_on", "ends_on", "closure_hours", "message", "kind"};
    for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
        const char *v = closure_typed ? req_form(r, keys[k]) : NULL;
        json_object_set_new(cl, keys[k], json_string(v ? v : ""));
        const char *e = json_string_value(json_object_get(errors, keys[k]));
        if (e) json_object_set_new(cl, arena_printf(r->arena, "%s_error", keys[k]), json_string(e));
    }
    for (size_t k = 0; closure_typed && k < ARRAY_LEN(CLOSURE_FIELDS); k++) {
        const char *e = json_string_value(json_object_get(errors, CLOSURE_FIELDS[k][0]));
        if (e)
            error_link(summary, gettext(CLOSURE_FIELDS[k][1]),
                       arena_printf(r->arena, "f-%s", CLOSURE_FIELDS[k][0]), e);
    }
    const char *kind = closure_typed ? req_form(r, "kind") : NULL;
    json_object_set_new(cl, "kind_exceptional",
                        json_boolean(kind && strcmp(kind, "exceptionnel") == 0));
    json_object_set_new(h, "new_closure", cl);
    json_object_set_new(m, "hours", h);

    sqlite3_reset(row);
    sqlite3_stmt *rep = db_stmt(db_reader(r->app->db), Q_PLACE_REPORTS);
    db_bind_int(rep, ":id", id);
    json_object_set_new(m, "reports", admin_reports_model(r, rep));
    json_object_set_new(
        m, "can_close",
        json_boolean(admin_coordinates(db_reader(r->app->db), r->user->account_id, id)));
    if (errors && json_object_size(errors)) {
        json_object_set_new(m, "has_errors", json_true());
        r->status = 400;
    }
    json_object_set_new(m, "error_summary", summary);
    if (extra) json_object_update(m, extra);
    json_decref(extra);
    json_decref(errors);
    const char *ok = req_query(r, "ok");
    if (ok && !typed_section) {
        const char *msg =
            strcmp(ok, "verifie") == 0
                ? _("C'est noté : la fiche est vérifiée à la date d'aujourd'hui.")
            : strcmp(ok, "restaure") == 0 ? _("La valeur précédente a été rétablie.")
            : strcmp(ok, "ferme") == 0
                ? _("Le lieu est indiqué comme fermé et n'apparaît plus dans les recherches.")
            : strcmp(ok, "reecrit") == 0
                ? _("Horaires enregistrés, réécrits en syntaxe OpenStreetMap pour que la carte "
                    "nationale les lise : vérifiez-les dans le champ avancé.")
                : _("Modifications enregistrées : elles sont visibles sur la page publique.");
        json_object_set_new(m, "notice", json_string(msg));
    }
    return reply_page(r, "admin_place", m);
}

/* The place id of /admin/lieux/{id}…; 0 when not a number. */
static int64_t place_param(req *r)
{
    return place_parse_segment(r->params[0], NULL);
}

/* 404 when there is no such place, 403 when the account may not edit it. */
static int refuse(req *r, int64_t id)
{
    int64_t updated;
    json_t *p = id ? place_view(db_reader(r->app->db), id, &updated) : NULL;
    if (!p) return reply_error(r, 404, "Ce lieu n'existe pas.");
    json_decref(p);
    return reply_error(
        r, 403,
        "Vous ne pouvez pas modifier ce lieu : il ne fait pas partie de ceux que vous gérez.");
}

int page_admin_place(req *r)
{
    int64_t id = place_param(r);
    if (!id || !admin_can_edit(db_reader(r->app->db), r->user->account_id, id))
        return refuse(r, id);
    return editor(r, id, NULL, NULL, NULL);
}

/* A workshop's dates in the history ("workshop:ID:schedule") are stored as
 * their JSON text: shown in sentences, as on the proposals page. */
static void schedule_changes_in_words(json_t *changes)
{
    size_t i;
    json_t *change;
    json_array_foreach(changes, i, change)
    {
        const char *field = json_string_value(json_object_get(change, "field"));
        size_t n = field ? strlen(field) : 0;
        if (strncmp(field ? field : "", "workshop:", 9) != 0 || n < 9 ||
            strcmp(field + n - 9, ":schedule") != 0)
            continue;
        const char *keys[2] = {"old", "new"};
        for (int k = 0; k < 2; k++) {
            char *words =
                workshop_schedule_words(json_string_value(json_object_get(change, keys[k])));
            if (words) json_object_set_new(change, keys[k], json_string(words));
            free(words);
        }
    }
}

int page_admin_history(req *r)
{
    int64_t id = place_param(r);
    if (!id || !admin_can_edit(db_reader(r->app->db), r->user->account_id, id))
        return refuse(r, id);
    int64_t updated;
    json_t *p = place_view(db_reader(r->app->db), id, &updated);
    json_t *m = session_page_model(r, _("Historique des modifications"));
    json_object_set_new(m, "place", p);
    json_t *changes = history_for_place(db_reader(r->app->db), id, HISTORY_SHOWN);
    schedule_changes_in_words(changes);
    json_object_set_new(m, "changes", changes);
    return reply_page(r, "admin_history", m);
}

static char *editor_url(req *r, int64_t id, const char *ok, const char *anchor)
{
    return arena_printf(r->arena, "/admin/lieux/%lld?ok=%s#%s", (long long)id, ok, anchor);
}

static int after_save(req *r, int64_t id, int rc, const char *section)
{
    if (rc < 0) return -1;
    if (rc == 0) return refuse(r, id);
    return reply_redirect(r, 303, editor_url(r, id, "1", section));
}

static int save_section(req *r, int64_t id, const char *section)
{
    json_t *values = json_object(), *errors = json_object();
    validate_section(r, section, values, errors);
    if (json_object_size(errors)) {
        json_decref(values);
        return editor(r, id, section, errors, NULL);
    }
    if (strcmp(section, "presentation") == 0 && req_form(r, "apercu")) {
        json_t *html = json_object_get(values, "description_html");
        json_t *extra = json_pack("{s:s, s:b}", "preview_html", html ? json_string_value(html) : "",
                                  "previewing", true);
        const char *summary = req_form(r, "summary");
        if (summary) json_object_set_new(extra, "preview_summary", json_string(summary));
        json_decref(values);
        return editor(r, id, section, errors, extra);
    }
    json_decref(errors);
    if (json_object_get(values, "description_md") &&
        json_is_null(json_object_get(values, "description_md")))
        json_object_set_new(values, "description_html", json_null());
    int rc = save_values(r, id, values, "editor", section);
    json_decref(values);
    return after_save(r, id, rc, section);
}

static int save_grid(req *r, int64_t id)
{
    admin_hours_grid g;
    json_t *errors = json_object();
    if (!grid_from_form(r, &g, errors)) return editor(r, id, "horaires", errors, NULL);
    char *expr = admin_hours_to_expr(&g);
    hours_error err;
    hours_schedule *s = expr ? hours_parse(expr, &err) : NULL;
    if (expr && !s) {
        json_object_set_new(errors, "h_Mo_1", json_string(err.message));
        free(expr);
        return editor(r, id, "horaires", errors, NULL);
    }
    hours_free(s);
    json_decref(errors);
    json_t *values = json_pack("{s:o}", "hours", expr ? json_string(expr) : json_null());
    free(expr);
    int rc = save_values(r, id, values, "editor", "horaires");
    json_decref(values);
    return after_save(r, id, rc, "horaires");
}

static int save_raw_hours(req *r, int64_t id)
{
    const char *raw = req_form(r, "hours");
    char *t = str_trim(arena_strdup(r->arena, raw ? raw : ""));
    json_t *errors = json_object();
    char *canonical = NULL;
    bool rewritten = false; /* a hand-typed form: say so, never silently */
    if (*t) {
        hours_error err;
        hours_schedule *s = strlen(t) > HOURS_MAX_EXPR ? NULL : hours_parse(t, &err);
        if (!s) {
            json_object_set_new(errors, "hours",
                                json_string(strlen(t) > HOURS_MAX_EXPR
                                                ? _("Expression trop longue.")
                                                : err.message));
            return editor(r, id, "horaires-avance", errors, NULL);
        }
        canonical = hours_normalise(s);
        rewritten = hours_tolerated(s);
        hours_free(s);
    }
    json_decref(errors);
    json_t *values = json_pack("{s:o}", "hours", canonical ? json_string(canonical) : json_null());
    free(canonical);
    int rc = save_values(r, id, values, "editor", "horaires");
    json_decref(values);
    if (rc > 0 && rewritten)
        return reply_redirect(r, 303, editor_url(r, id, "reecrit", "horaires"));
    return after_save(r, id, rc, "horaires");
}

/* Used by: closures (authorised in the statement itself). */
static const char Q_CLOSURE_ADD[] =
    "INSERT INTO place_closure (place_id, starts_on, ends_on, hours, message)"
    " SELECT id, :starts, :ends, :hours, :message FROM place WHERE id = :id AND " ADMIN_CAN_EDIT(
        "place", ":account");
static const char Q_CLOSURE_DELETE[] =
    "DELETE FROM place_closure WHERE id = :closure AND place_id = :id AND EXISTS"
    " (SELECT 1 FROM place WHERE place.id = :id AND " ADMIN_CAN_EDIT("place", ":account") ")";

enum {
    CLOSURE_UNAVAILABLE = -3, /* the closures table is missing */
    CLOSURE_REFUSED = -4,     /* not a place the account may edit (or no such closure) */
};

typedef struct closure_args {
    req *r;
    int64_t id;
    const char *sql, *event;
    json_t *bind;
} closure_args;

static int closure_write_tx(db_conn *w, void *ctx)
{
    const closure_args *a = ctx;
    sqlite3_stmt *s = db_stmt_try(w, a->sql);
    if (!s) return CLOSURE_UNAVAILABLE;
    const char *key;
    json_t *v;
    json_object_foreach(a->bind, key, v) bind_value(s, key, v);
    db_bind_int(s, ":id", a->id);
    db_bind_int(s, ":account", a->r->user->account_id);
    /* The closure triggers write the place's history with this writer. */
    history_set_actor(w, a->r->user->account_id, "editor");
    int rc = db_exec_stmt(s);
    int changed = sqlite3_changes(db_handle(w));
    history_clear_actor(w);
    if (rc != SQLITE_DONE) return -1;
    if (changed != 1) return CLOSURE_REFUSED;
    auth_audit(w, a->event, a->r->user->account_id,
               arena_printf(a->r->arena, "place:%lld", (long long)a->id), req_client_ip(a->r),
               NULL);
    return 0;
}

static int closure_write(req *r, int64_t id, const char *sql, json_t *bind, const char *event)
{
    closure_args a = {r, id, sql, event, bind};
    int rc = db_transaction(r->app->db, closure_write_tx, &a);
    if (rc == CLOSURE_UNAVAILABLE)
        return reply_error(r, 404, "Les fermetures temporaires ne sont pas disponibles.");
    if (rc == CLOSURE_REFUSED) return refuse(r, id);
    if (rc < 0) return -1;
    return reply_redirect(r, 303, editor_url(r, id, "1", "fermetures"));
}

static int add_closure(req *r, int64_t id)
{
    if (!admin_can_edit(db_reader(r->app->db), r->user->account_id, id)) return refuse(r, id);
    json_t *errors = json_object();
    const char *starts = req_form(r, "starts_on"), *ends = req_form(r, "ends_on");
    const char *kind = req_form(r, "kind");
    const char *hours = req_form(r, "closure_hours");
    char *message =
        str_trim(arena_strdup(r->arena, req_form(r, "message") ? req_form(r, "message") : ""));
    const char *why;
    if (!validate_date(starts, &why))
        json_object_set_new(
            errors, "starts_on",
            json_string(arena_printf(r->arena, _("Date invalide : %s."), gettext(why))));
    if (!validate_date(ends, &why))
        json_object_set_new(
            errors, "ends_on",
            json_string(arena_printf(r->arena, _("Date invalide : %s."), gettext(why))));
    else if (validate_date(starts, NULL) && strcmp(ends, starts) < 0)
        json_object_set_new(errors, "ends_on", json_string(_("La fin doit suivre le début.")));
    bool exceptional = kind && strcmp(kind, "exceptionnel") == 0;
    char *canon = NULL;
    if (exceptional) {
        hours_error err;
        hours_schedule *s =
            hours && *hours && strlen(hours) < 200 ? hours_parse(hours, &err) : NULL;
        if (!s) {
            json_object_set_new(
                errors, "closure_hours",
                json_string(
                    hours && *hours
                        ? err.message
                        : _("Indiquez les horaires de ces jours, par exemple 10:00-12:00.")));
        } else {
            canon = hours_normalise(s);
            hours_free(s);
            if (canon && strpbrk(canon, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")) {
                json_object_set_new(
                    errors, "closure_hours",
                    json_string(
                        _("Seulement des plages horaires, par exemple 10:00-12:00,14:00-16:00.")));
            }
        }
    }
    if (utf8_length(message) > 200 || has_control_chars(message, false))
        json_object_set_new(errors, "message",
                            json_string(_("Message trop long : 200 caractères au plus.")));
    if (json_object_size(errors)) {
        free(canon);
        return editor(r, id, "fermeture", errors, NULL);
    }
    json_decref(errors);
    json_t *bind = json_pack("{s:s, s:s, s:o, s:o}", ":starts", starts, ":ends", ends, ":hours",
                             exceptional && canon ? json_string(canon) : json_null(), ":message",
                             *message ? json_string(message) : json_null());
    free(canon);
    int rc = closure_write(r, id, Q_CLOSURE_ADD, bind, "closure_added");
    json_decref(bind);
    return rc;
}

static int delete_closure(req *r, int64_t id)
{
    const char *c = req_form(r, "closure");
    int64_t closure = c ? strtoll(c, NULL, 10) : 0;
    json_t *bind = json_pack("{s:I}", ":closure", (json_int_t)closure);
    int rc = closure_write(r, id, Q_CLOSURE_DELETE, bind, "closure_deleted");
    json_decref(bind);
    return rc;
}

/* Used by: restore (one change of this place). */
static const char Q_HISTORY_ENTRY[] =
    "SELECT field, old_value FROM place_history WHERE id = :entry AND place_id = :id";

static int restore(req *r, int64_t id)
{
    const char *e = req_form(r, "entry");
    int64_t entry = e ? strtoll(e, NULL, 10) : 0;
    sqlite3_stmt *s = db_stmt(db_reader(r->app->db), Q_HISTORY_ENTRY);
    db_bind_int(s, ":entry", entry);
    db_bind_int(s, ":id", id);
    const field_def *f = NULL;
    json_t *values = json_object();
    if (sqlite3_step(s) == SQLITE_ROW) {
        f = field_named(db_col_text(s, 0));
        const char *old = db_col_text(s, 1);
        if (f && f->required && !old) f = NULL;
        if (f) json_object_set_new(values, f->name, old ? json_string(old) : json_null());
    }
    sqlite3_reset(s);
    if (!admin_can_edit(db_reader(r->app->db), r->user->account_id, id)) {
        json_decref(values);
        return refuse(r, id);
    }
    if (!f) {
        json_decref(values);
        return reply_error(r, 400, "Cette valeur ne peut pas être rétablie.");
    }
    int rc = save_values(r, id, values, "restore", f->name);
    json_decref(values);
    if (rc < 0) return -1;
    if (rc == 0) return refuse(r, id);
    return reply_redirect(r, 303, editor_url(r, id, "restaure", "contenu"));
}

/* Used by: closing and reopening a place (coordinators and administrators),
 * through place_store; the WHERE clause is the authorisation. */
static const char Q_CLOSE[] =
    PLACE_STORE_UPDATE("id = :id AND " ADMIN_COORDINATES("place", ":account"));

static int close_place(req *r, int64_t id, bool close)
{
    char today[16];
    time_t now = (time_t)now_utc();
    struct tm tm;
    strftime(today, sizeof today, "%Y-%m-%d", gmtime_r(&now, &tm));
    json_t *values = json_pack("{s:o}", "closed_at", close ? json_string(today) : json_null());
    place_write pw = {
        .id = id, .values = values, .account = r->user->account_id, .source = "editor"};
    place_save a = {r, Q_CLOSE, &pw, close ? "place_closed" : "place_reopened", NULL};
    int rc = db_transaction(r->app->db, place_save_tx, &a);
    json_decref(values);
    if (rc < 0) return -1;
    if (rc == 0) return refuse(r, id);
    return reply_redirect(r, 303, editor_url(r, id, close ? "ferme" : "1", "contenu"));
}

int page_admin_place_post(req *r)
{
    int64_t id = place_param(r);
    const char *action = r->params[1];
    if (!id) return reply_error(r, 404, "Ce lieu n'existe pas.");
    for (size_t k = 0; k < ARRAY_LEN(SECTIONS); k++)
        if (strcmp(action, SECTIONS[k].name) == 0 && strcmp(action, "horaires") != 0) {
            if (!admin_can_edit(db_reader(r->app->db), r->user->account_id, id))
                return refuse(r, id);
            return save_section(r, id, action);
        }
    if (strcmp(action, "horaires") == 0 || strcmp(action, "horaires-avance") == 0) {
        if (!admin_can_edit(db_reader(r->app->db), r->user->account_id, id)) return refuse(r, id);
        return strcmp(action, "horaires") == 0 ? save_grid(r, id) : save_raw_hours(r, id);
    }
    if (strcmp(action, "verifie") == 0) {
        int rc = admin_mark_verified(r->app, id, r->user->account_id, req_client_ip(r));
        if (rc < 0) return -1;
        if (rc == 0) return refuse(r, id);
        return reply_redirect(r, 303, editor_url(r, id, "verifie", "contenu"));
    }
    if (strcmp(action, "fermeture") == 0) return add_closure(r, id);
    if (strcmp(action, "fermeture-supprimer") == 0) return delete_closure(r, id);
    if (strcmp(action, "restaurer") == 0) return restore(r, id);
    if (strcmp(action, "fermer") == 0) return close_place(r, id, true);
    if (strcmp(action, "rouvrir") == 0) return close_place(r, id, false);
    return reply_error(r, 404, "Cette action n'existe pas.");
}

/* ---- the signed link of reminder mails ---- */

static int verify_page(req *r, int64_t id, const char *exp, const char *sig, bool done)
{
    int64_t updated;
    json_t *p = place_view(db_reader(r->app->db), id, &updated);
    if (!p) return reply_error(r, 404, "Ce lieu n'existe pas.");
    json_t *m = session_page_model(r, _("Rien n'a changé ?"));
    json_object_set_new(m, "place", p);
    json_object_set_new(m, "lieu", json_integer(id));
    json_object_set_new(m, "report_path", json_sprintf("/lieux/%lld/signaler", (long long)id));
    json_object_set_new(m, "exp", json_string(exp));
    json_object_set_new(m, "sig", json_string(sig));
    if (done) json_object_set_new(m, "done", json_true());
    return reply_page(r, "admin_verify", m);
}

int page_verify_link(req *r)
{
    r->log_without_query = true;
    const char *lieu = req_query(r, "lieu");
    int64_t id = lieu ? place_parse_segment(lieu, NULL) : 0;
    const char *exp = req_query(r, "exp"), *sig = req_query(r, "sig");
    if (!id || !admin_verify_link_ok(r->app, id, exp, sig, now_utc()))
        return reply_error(r, 410,
                           "Ce lien a expiré ou n'est pas valide. Connectez-vous à l'espace "
                           "gestionnaires pour confirmer la fiche.");
    /* GET never changes anything: the page holds a one-button form. */
    return verify_page(r, id, exp, sig, false);
}

int page_verify_link_post(req *r)
{
    const char *lieu = req_form(r, "lieu");
    int64_t id = lieu ? place_parse_segment(lieu, NULL) : 0;
    const char *exp = req_form(r, "exp"), *sig = req_form(r, "sig");
    if (!id || !admin_verify_link_ok(r->app, id, exp, sig, now_utc()))
        return reply_error(r, 410,
                           "Ce lien a expiré ou n'est pas valide. Connectez-vous à l'espace "
                           "gestionnaires pour confirmer la fiche.");
    int rc = admin_mark_verified(r->app, id, 0, req_client_ip(r));
    if (rc < 0) return -1;
    if (rc == 0) return reply_error(r, 404, "Ce lieu n'existe pas.");
    return verify_page(r, id, exp, sig, true);
}
