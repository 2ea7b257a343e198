/*
 * importer.c — read place data (schema v1.0.2 CSV or JSON, or the older flat
 * v0.1 JSON), validate and map it onto the national vocabularies, and upsert
 * it into `place` in one write transaction. See importer.h and
 * docs/import.md.
 *
 * The pipeline has three steps, each blind to the others:
 *   1. reading: every format becomes a list of raw records, a list of
 *      (field name, text) pairs, exactly as published;
 *   2. mapping: one raw record becomes a place_rec (the columns of `place`),
 *      or is rejected; anything dropped on the way is reported;
 *   3. storing: upsert keyed on (source, source_id), structure lookup,
 *      duplicate detection.
 * Mapping accepts the union of the v0.1 and v1 field names, so a v1 file
 * with a few v0.1 fields (or the reverse) loses nothing.
 */
#include "places/importer.h"
#include "places/catalogue.h"
#include "core/markdown.h"
#include "core/i18n.h"
#include "core/phone.h"
#include "core/util.h"
#include "core/validate.h"
#include "hours/hours.h"
#include "places/duplicate.h"
#include "places/place_store.h"
#include "places/vocab.h"

#include <csv.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
    SUMMARY_MAX_CHARS = 280,   /* presentation_resume, per the schema */
    DETECT_SAMPLE = 50,        /* JSON records looked at to tell v1 from v0.1 */
    DUPLICATES_PER_RECORD = 5, /* more is noise (a shared building, a "Mairie" in every file) */
};

/* "Unknown" SIRET seen in real files: accepted, but never identifies a structure. */
static const char PIVOT_UNKNOWN[] = "00000000000000";

/* ------------------------------------------------------------------------ */
/* Raw records                                                               */

typedef struct raw_field {
    const char *key;   /* the list's copy (raw_key) */
    char *value;       /* trimmed, HTML character references decoded; never NULL */
    bool had_entities; /* the producer's text held "&amp;" and the like */
} raw_field;

typedef struct raw_record {
    raw_field *fields;
    size_t count, cap;
    char *problem; /* set when the record cannot be read at all (French) */
} raw_record;

typedef struct raw_list {
    raw_record *records;
    size_t count, cap;
    /* Every field name of the file once, shared by the records (a file of
     * 25 000 records copied its few dozen names a million times). */
    char **keys;
    size_t key_count, key_cap;
    size_t key_next; /* where the next name probably is: records list theirs in one order */
    json_t *key_ids; /* name → index in keys */
} raw_list;

/* The list's copy of field name `key`. */
static const char *raw_key(raw_list *l, const char *key)
{
    if (l->key_next < l->key_count && strcmp(l->keys[l->key_next], key) == 0)
        return l->keys[l->key_next++];
    if (!l->key_ids) l->key_ids = json_object();
    json_t *id = json_object_get(l->key_ids, key);
    if (id) {
        l->key_next = (size_t)json_integer_value(id) + 1;
        return l->keys[l->key_next - 1];
    }
    if (l->key_count == l->key_cap) {
        l->key_cap = l->key_cap ? l->key_cap * 2 : 64;
        l->keys = xrealloc(l->keys, l->key_cap * sizeof *l->keys);
    }
    l->keys[l->key_count] = xstrdup(key);
    json_object_set_new_nocheck(l->key_ids, key, json_integer((json_int_t)l->key_count));
    l->key_next = ++l->key_count;
    return l->keys[l->key_count - 1];
}

/*
 * Decode the HTML character references some producers leave in plain text
 * ("Centre Social &amp; Culturel"): &amp; &lt; &gt; &quot; &apos; &#39; and
 * numeric ones (&#233; &#xE9;). In place; returns true when any was found.
 * Anything else that starts with '&' is left as it is.
 */
static bool decode_entities(char *s)
{
    static const struct {
        const char *name;
        const char *text;
    } named[] = {{"&amp;", "&"},   {"&lt;", "<"},   {"&gt;", ">"},
                 {"&quot;", "\""}, {"&apos;", "'"}, {"&nbsp;", " "}};
    bool found = false;
    char *out = s;
    for (char *p = s; *p;) {
        if (*p == '&') {
            bool done = false;
            for (size_t i = 0; i < ARRAY_LEN(named) && !done; i++) {
                size_t n = strlen(named[i].name);
                if (strncmp(p, named[i].name, n) == 0) {
                    size_t t = strlen(named[i].text);
                    memmove(out, named[i].text, t);
                    out += t;
                    p += n;
                    done = found = true;
                }
            }
            if (!done && p[1] == '#') {
                char *end;
                bool hex = p[2] == 'x' || p[2] == 'X';
                unsigned long cp = strtoul(p + (hex ? 3 : 2), &end, hex ? 16 : 10);
                if (*end == ';' && end > p + (hex ? 3 : 2) && cp >= 0x20 && cp <= 0x10FFFF &&
                    !(cp >= 0xD800 && cp <= 0xDFFF)) {
                    /* UTF-8 is never longer than the reference it replaces. */
                    if (cp < 0x80)
                        *out++ = (char)cp;
                    else if (cp < 0x800)
                        *out++ = (char)(0xC0 | (cp >> 6)), *out++ = (char)(0x80 | (cp & 0x3F));
                    else if (cp < 0x10000)
                        *out++ = (char)(0xE0 | (cp >> 12)),
                        *out++ = (char)(0x80 | ((cp >> 6) & 0x3F)),
                        *out++ = (char)(0x80 | (cp & 0x3F));
                    else
                        *out++ = (char)(0xF0 | (cp >> 18)),
                        *out++ = (char)(0x80 | ((cp >> 12) & 0x3F)),
                        *out++ = (char)(0x80 | ((cp >> 6) & 0x3F)),
                        *out++ = (char)(0x80 | (cp & 0x3F));
                    p = end + 1;
                    done = found = true;
                }
            }
            if (done) continue;
        }
        *out++ = *p++;
    }
    *out = '\0';
    return found;
}

/* Add a field; `key` is the list's copy (raw_key). */
static void raw_add(raw_record *r, const char *key, const char *value, size_t value_len)
{
    if (r->count == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->fields = xrealloc(r->fields, r->cap * sizeof *r->fields);
    }
    char *copy = xstrndup(value, value_len);
    char *trimmed = str_trim(copy);
    r->fields[r->count].key = key;
    r->fields[r->count].had_entities = decode_entities(trimmed);
    r->fields[r->count].value = xstrdup(trimmed);
    r->count++;
    free(copy);
}

/* The same, taking `cell` (malloc'd) as the value instead of copying it:
 * trimmed and decoded in place (an import of 30 000 JSON records made six
 * million copies of its cells). */
static void raw_add_owned(raw_record *r, const char *key, char *cell)
{
    if (r->count == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->fields = xrealloc(r->fields, r->cap * sizeof *r->fields);
    }
    char *trimmed = str_trim(cell);
    if (trimmed != cell) memmove(cell, trimmed, strlen(trimmed) + 1);
    r->fields[r->count].key = key;
    r->fields[r->count].had_entities = decode_entities(cell);
    r->fields[r->count].value = cell;
    r->count++;
}

/* The value of `key`, or NULL when absent or empty. */
static const char *raw_get(const raw_record *r, const char *key)
{
    for (size_t i = 0; i < r->count; i++) /* (the first letter first: 3 % of an import) */
        if (r->fields[i].key[0] == key[0] && strcmp(r->fields[i].key, key) == 0)
            return *r->fields[i].value ? r->fields[i].value : NULL;
    return NULL;
}

static raw_record *raw_list_push(raw_list *l)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->records = xrealloc(l->records, l->cap * sizeof *l->records);
    }
    raw_record *r = &l->records[l->count++];
    memset(r, 0, sizeof *r);
    return r;
}

static void raw_list_free(raw_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        raw_record *r = &l->records[i];
        for (size_t j = 0; j < r->count; j++)
            free(r->fields[j].value);
        free(r->fields);
        free(r->problem);
    }
    free(l->records);
    for (size_t i = 0; i < l->key_count; i++)
        free(l->keys[i]);
    free(l->keys);
    json_decref(l->key_ids);
    memset(l, 0, sizeof *l);
}

/* Fields only the v0.1 export has, and fields only v1 has: they tell the JSON formats apart. */
static const char *const V01_ONLY[] = {"courriel",         "publics_accueillis", "conditions_acces",
                                       "labels_nationaux", "labels_autres",      "accessibilite",
                                       "cle_ban"};
static const char *const V1_ONLY[] = {"courriels",
                                      "publics_specifiquement_adresses",
                                      "prise_en_charge_specifique",
                                      "frais_a_charge",
                                      "dispositif_programmes_nationaux",
                                      "formations_labels",
                                      "autres_formations_labels",
                                      "modalites_acces",
                                      "fiche_acces_libre",
                                      "itinerance"};

static bool in_list(const char *const *list, size_t n, const char *key);

/* The field names this importer understands: the v1.0.2 columns and the v0.1 ones. */
static bool known_field(const char *key)
{
    return in_list(VOCAB_COLUMNS, VOCAB_COLUMN_COUNT, key) ||
           in_list(V01_ONLY, ARRAY_LEN(V01_ONLY), key);
}

static bool in_list(const char *const *list, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], key) == 0) return true;
    return false;
}

/* ------------------------------------------------------------------------ */
/* Reading JSON                                                              */

/* Text of a JSON value as a cell: arrays become '|' lists. Caller frees. */
static char *json_cell(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return xstrndup(json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL:
        return xasprintf("%.17g", json_real_value(v));
    case JSON_TRUE:
        return xstrdup("true");
    case JSON_FALSE:
        return xstrdup("false");
    case JSON_NULL:
        return xstrdup("");
    case JSON_ARRAY: {
        buf b = {0};
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            char *s = json_cell(item);
            if (*s) {
                if (b.len) buf_putc(&b, '|');
                buf_puts(&b, s);
            }
            free(s);
        }
        if (!b.data) return xstrdup("");
        return buf_steal(&b);
    }
    case JSON_OBJECT: {
        char *s = json_dumps(v, JSON_COMPACT);
        char *copy = xstrdup(s ? s : "");
        free(s);
        return copy;
    }
    }
    return xstrdup("");
}

/* What the first DETECT_SAMPLE records say of their format (json_kind). */
typedef struct json_kind_counts {
    size_t v01, v1, semicolons;
} json_kind_counts;

static void json_kind_count(json_t *rec, json_kind_counts *k)
{
    if (!json_is_object(rec)) return;
    const char *key;
    json_t *val;
    json_object_foreach(rec, key, val)
    {
        if (in_list(V01_ONLY, ARRAY_LEN(V01_ONLY), key)) k->v01++;
        if (in_list(V1_ONLY, ARRAY_LEN(V1_ONLY), key)) k->v1++;
        if (strcmp(key, "services") == 0 && json_is_string(val) &&
            strchr(json_string_value(val), ';'))
            k->semicolons++;
    }
}

static importer_format json_kind_of(const json_kind_counts *k)
{
    if (k->v1 > k->v01) return IMPORTER_FORMAT_V1_JSON;
    if (k->v01 > 0 || k->semicolons > 0) return IMPORTER_FORMAT_V01_JSON;
    return IMPORTER_FORMAT_V1_JSON;
}

static importer_format json_kind(json_t *root)
{
    if (!json_is_array(root)) return IMPORTER_FORMAT_UNKNOWN;
    json_kind_counts k = {0};
    size_t i;
    json_t *rec;
    json_array_foreach(root, i, rec)
    {
        if (i >= DETECT_SAMPLE) break;
        json_kind_count(rec, &k);
    }
    return json_kind_of(&k);
}

/* One element of the file's array as a raw record. */
static void json_record(json_t *rec, raw_list *out)
{
    raw_record *r = raw_list_push(out);
    if (!json_is_object(rec)) {
        r->problem = xstrdup(_("l'enregistrement n'est pas un objet JSON"));
        return;
    }
    const char *key;
    json_t *val;
    json_object_foreach(rec, key, val)
    {
        raw_add_owned(r, raw_key(out, key), json_cell(val));
    }
}

static void json_records(json_t *root, raw_list *out)
{
    size_t i;
    json_t *rec;
    json_array_foreach(root, i, rec)
    {
        json_record(rec, out);
    }
}

/* JSON's blanks (RFC 8259), as jansson skips them between tokens. */
static size_t json_skip_blanks(const char *data, size_t len, size_t at)
{
    while (at < len &&
           (data[at] == ' ' || data[at] == '\t' || data[at] == '\n' || data[at] == '\r'))
        at++;
    return at;
}

/*
 * The records of a JSON array read one element at a time: the tree of one
 * record is built, turned into cells and freed before the next one, instead
 * of the whole file's tree at once (several times the file's size in small
 * blocks, each page of it faulted in, then freed block by block: a fifth of
 * the import of a national file). Only the usual shape is read this way,
 * "[" objects separated by "," "]" and blanks; anything else, every syntax
 * error included, returns false, and the caller reads the whole file with
 * json_loadb as before: the same records, or the error with its line and
 * column in the file. On false, `out` may hold records the caller frees.
 */
static bool json_records_streamed(const char *data, size_t len, raw_list *out,
                                  importer_format *format)
{
    size_t at = json_skip_blanks(data, len, 0);
    if (at == len || data[at] != '[') return false;
    at = json_skip_blanks(data, len, at + 1);
    json_kind_counts kind = {0};
    bool first = true;
    while (at < len && data[at] != ']') {
        if (!first) {
            if (data[at] != ',') return false;
            at = json_skip_blanks(data, len, at + 1);
        }
        if (at == len || data[at] != '{') return false;
        json_error_t err;
        json_t *rec =
            json_loadb(data + at, len - at, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &err);
        if (!rec) return false;
        if (out->count < DETECT_SAMPLE) json_kind_count(rec, &kind);
        json_record(rec, out);
        json_decref(rec);
        /* On success jansson tells how many bytes the object took. */
        at = json_skip_blanks(data, len, at + (size_t)err.position);
        first = false;
    }
    if (at == len || json_skip_blanks(data, len, at + 1) != len) return false;
    *format = json_kind_of(&kind);
    return true;
}

/* ------------------------------------------------------------------------ */
/* Reading CSV (libcsv: RFC 4180 quoting)                                    */

typedef struct csv_reader {
    char **cells;
    size_t count, cap;
    char **header;
    size_t header_count;
    raw_list *out;
    size_t row; /* data rows seen */
} csv_reader;

static void csv_on_cell(void *data, size_t len, void *ctx)
{
    csv_reader *c = ctx;
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 32;
        c->cells = xrealloc(c->cells, c->cap * sizeof *c->cells);
    }
    c->cells[c->count++] = data ? xstrndup(data, len) : xstrdup("");
}

static void csv_on_row(int terminator, void *ctx)
{
    (void)terminator;
    csv_reader *c = ctx;
    bool blank = true;
    for (size_t i = 0; i < c->count; i++)
        if (*c->cells[i]) blank = false;
    if (blank) {
        /* empty line: nothing */
    } else if (!c->header) {
        c->header = c->cells;
        c->header_count = c->count;
        for (size_t i = 0; i < c->count; i++) {
            char *t = str_trim(c->header[i]);
            memmove(c->header[i], t, strlen(t) + 1);
        }
        c->cells = NULL;
        c->count = c->cap = 0;
        return;
    } else {
        raw_record *r = raw_list_push(c->out);
        if (c->count != c->header_count)
            r->problem = xasprintf(_("la ligne a %zu colonnes, l'en-tête en a %zu"), c->count,
                                   c->header_count);
        for (size_t i = 0; i < c->count && i < c->header_count; i++)
            raw_add(r, raw_key(c->out, c->header[i]), c->cells[i], strlen(c->cells[i]));
    }
    for (size_t i = 0; i < c->count; i++)
        free(c->cells[i]);
    c->count = 0;
}

/* The first line of data (up to its end), for detection. */
static size_t first_line_len(const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);
    return nl ? (size_t)(nl - data) : len;
}

/* The cell separator of a CSV file: ',' unless its header uses ';'. */
static char csv_delimiter(const char *data, size_t len)
{
    size_t n = first_line_len(data, len), commas = 0, semicolons = 0;
    for (size_t i = 0; i < n; i++) {
        if (data[i] == ',') commas++;
        if (data[i] == ';') semicolons++;
    }
    return semicolons > commas ? ';' : ',';
}

/* Does the first line look like the schema's CSV header? */
static bool csv_header_looks_right(const char *data, size_t len)
{
    size_t n = first_line_len(data, len);
    char delim[2] = {csv_delimiter(data, len), '\0'};
    char *line = xstrndup(data, n);
    bool has_id = false, has_nom = false;
    char *save = NULL;
    for (char *tok = strtok_r(line, delim, &save); tok; tok = strtok_r(NULL, delim, &save)) {
        char *t = str_trim(tok);
        size_t tl = strlen(t);
        if (tl >= 2 && t[0] == '"' && t[tl - 1] == '"') {
            t[tl - 1] = '\0';
            t++;
        }
        if (strcmp(t, "id") == 0) has_id = true;
        if (strcmp(t, "nom") == 0) has_nom = true;
    }
    free(line);
    return has_id && has_nom;
}

/* libcsv's parser state while inside a cell (csv_parser.pstate; libcsv.c
 * names it FIELD_BEGUN but does not export the name). */
enum { CSV_FIELD_BEGUN = 2 };

/* Returns 0, or -1 with a French message in *error. */
static int csv_records(const char *data, size_t len, raw_list *out, char **error)
{
    struct csv_parser p;
    if (csv_init(&p, 0) != 0) { /* lenient: stray quotes inside cells are kept */
        *error = xstrdup(_("mémoire insuffisante pour lire le CSV"));
        return -1;
    }
    csv_set_delim(&p, (unsigned char)csv_delimiter(data, len));
    csv_reader c = {.out = out};
    int rc = 0;
    if (csv_parse(&p, data, len, csv_on_cell, csv_on_row, &c) != len) {
        *error = xasprintf(_("CSV illisible : %s"), csv_strerror(csv_error(&p)));
        rc = -1;
    } else if (p.pstate == CSV_FIELD_BEGUN && p.quoted) {
        /* A quoted cell still open at the end of the file: a quote was
         * never closed and everything after it would be one cell.
         * (CSV_STRICT_FINI says so only in strict mode, which also refuses
         * the stray quotes that real files have in unquoted cells.) */
        *error = xstrdup(_("CSV illisible : un guillemet ouvert n'est jamais fermé"));
        rc = -1;
    } else if (csv_fini(&p, csv_on_cell, csv_on_row, &c) != 0) {
        *error = xasprintf(_("CSV illisible : %s"), csv_strerror(csv_error(&p)));
        rc = -1;
    }
    csv_free(&p);
    for (size_t i = 0; i < c.count; i++)
        free(c.cells[i]);
    free(c.cells);
    for (size_t i = 0; i < c.header_count; i++)
        free(c.header[i]);
    free(c.header);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Detection                                                                 */

/* Skip a UTF-8 byte-order mark and leading blanks. */
static const char *skip_bom(const char *data, size_t *len)
{
    if (*len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        *len -= 3;
    }
    return data;
}

static char first_significant(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isspace((unsigned char)data[i])) return data[i];
    return '\0';
}

importer_format importer_detect(const char *data, size_t len)
{
    data = skip_bom(data, &len);
    char c = first_significant(data, len);
    if (c == '[') {
        json_error_t err;
        json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
        importer_format f = root ? json_kind(root) : IMPORTER_FORMAT_UNKNOWN;
        json_decref(root);
        return f;
    }
    if (c == '{' || c == '\0') return IMPORTER_FORMAT_UNKNOWN;
    return csv_header_looks_right(data, len) ? IMPORTER_FORMAT_V1_CSV : IMPORTER_FORMAT_UNKNOWN;
}

const char *importer_format_name(importer_format f)
{
    switch (f) {
    case IMPORTER_FORMAT_V1_CSV:
        return "schema-1.0.2-csv";
    case IMPORTER_FORMAT_V1_JSON:
        return "schema-1.0.2-json";
    case IMPORTER_FORMAT_V01_JSON:
        return "v0.1-json";
    case IMPORTER_FORMAT_UNKNOWN:
        break;
    }
    return "inconnu";
}

/* ------------------------------------------------------------------------ */
/* Which columns a file carries                                              */

/*
 * A column absent from a file is not an empty value. Re-importing Repère's
 * own export (schema v1, which has no field for the price note, the Pass
 * numérique or "fait les démarches à votre place") must not wipe those
 * facts, and a CSV that leaves out optional columns must not clear them.
 * So an update writes an optional column only when
 *   - the file carries one of the fields that can express it: a CSV header
 *     column, or a JSON key present in at least one record (the v0.1 export
 *     leaves out empty keys, so there a key missing from one record of a
 *     file that has it elsewhere does mean "empty"); or
 *   - the record gave it a value anyway (v0.1 wording inside a v1 field,
 *     "A ma place : …" in modalites_accompagnement): a fact said is written,
 *     a fact unsaid is never cleared.
 * New places get every column, the missing ones empty.
 */
typedef enum import_column {
    IC_INSEE_CODE,
    IC_ADDRESS_EXTRA,
    IC_BAN_KEY,
    IC_POSITION,
    IC_TYPOLOGIES,
    IC_PHONE,
    IC_EMAILS,
    IC_WEBSITE,
    IC_HOURS,
    IC_SUMMARY,
    IC_DESCRIPTION,
    IC_ITINERANCE,
    IC_PARENT_STRUCTURE,
    IC_SERVICES,
    IC_SERVICES_ORIGINAL,
    IC_PUBLICS,
    IC_SUPPORT,
    IC_FEES,
    IC_FEES_NOTE,
    IC_PASS_ACCEPTED,
    IC_PASS_DISTRIBUTED,
    IC_PROGRAMMES,
    IC_LABELS,
    IC_OTHER_LABELS,
    IC_ACCESS_MODES,
    IC_SUPPORT_MODES,
    IC_FOR_YOU,
    IC_ACCESSIBILITY_URL,
    IC_BOOKING_URL,
    IC_ACCESSIBILITY_NOTES,
    IC_COUNT
} import_column;

#define IC_BIT(c) ((uint64_t)1 << (c))

static const struct column_source {
    const char *key;   /* names the column(s) in the report and the :keep_KEY parameter */
    const char *label; /* for people, in the admin report */
    /* The record fields that express the column, whatever the format, and
     * those that express it only in the v0.1 format (its `services` holds
     * the original wording, its `modalites_accompagnement` has "A ma
     * place"; the v1 fields of the same name have neither). */
    const char *fields[3];
    const char *v01_fields[1];
} COLUMNS[IC_COUNT] = {
    [IC_INSEE_CODE] = {"insee_code", N_("code INSEE"), {"code_insee"}, {NULL}},
    [IC_ADDRESS_EXTRA] = {"address_extra",
                          N_("complément d'adresse"),
                          {"complement_adresse"},
                          {NULL}},
    [IC_BAN_KEY] = {"ban_key", N_("clé de la Base adresse nationale"), {"cle_ban"}, {NULL}},
    [IC_POSITION] = {"position", N_("position sur la carte"), {"latitude", "longitude"}, {NULL}},
    [IC_TYPOLOGIES] = {"typologies", N_("type de lieu"), {"typologie"}, {NULL}},
    [IC_PHONE] = {"phone", N_("téléphone"), {"telephone"}, {NULL}},
    [IC_EMAILS] = {"emails", N_("adresses électroniques"), {"courriels", "courriel"}, {NULL}},
    [IC_WEBSITE] = {"website", N_("site web"), {"site_web"}, {NULL}},
    [IC_HOURS] = {"hours", N_("horaires"), {"horaires"}, {NULL}},
    [IC_SUMMARY] = {"summary", N_("présentation courte"), {"presentation_resume"}, {NULL}},
    [IC_DESCRIPTION] = {"description",
                        N_("présentation détaillée"),
                        {"presentation_detail"},
                        {NULL}},
    [IC_ITINERANCE] = {"itinerance", N_("itinérance"), {"itinerance"}, {NULL}},
    [IC_PARENT_STRUCTURE] = {"parent_structure",
                             N_("structure parente"),
                             {"structure_parente"},
                             {NULL}},
    [IC_SERVICES] = {"services", N_("services"), {"services"}, {NULL}},
    [IC_SERVICES_ORIGINAL] = {"services_original",
                              N_("libellés d'origine des services"),
                              {NULL},
                              {"services"}},
    [IC_PUBLICS] = {"publics",
                    N_("publics"),
                    {"publics_specifiquement_adresses", "publics_accueillis"},
                    {NULL}},
    [IC_SUPPORT] = {"support",
                    N_("prises en charge spécifiques"),
                    {"prise_en_charge_specifique", "publics_accueillis"},
                    {NULL}},
    [IC_FEES] = {"fees", N_("frais à charge"), {"frais_a_charge", "conditions_acces"}, {NULL}},
    [IC_FEES_NOTE] = {"fees_note", N_("note sur les tarifs"), {"conditions_acces"}, {NULL}},
    [IC_PASS_ACCEPTED] = {"pass_numerique_accepted",
                          N_("Pass numérique accepté"),
                          {"conditions_acces", "labels_nationaux"},
                          {NULL}},
    [IC_PASS_DISTRIBUTED] = {"pass_numerique_distributed",
                             N_("distribution de Pass numériques"),
                             {"conditions_acces"},
                             {NULL}},
    [IC_PROGRAMMES] = {"programmes",
                       N_("dispositifs nationaux"),
                       {"dispositif_programmes_nationaux", "labels_nationaux"},
                       {NULL}},
    [IC_LABELS] = {"labels",
                   N_("formations et labels"),
                   {"formations_labels", "labels_nationaux"},
                   {NULL}},
    [IC_OTHER_LABELS] = {"other_labels",
                         N_("autres formations et labels"),
                         {"autres_formations_labels", "labels_autres"},
                         {NULL}},
    [IC_ACCESS_MODES] = {"access_modes", N_("modalités d'accès"), {"modalites_acces"}, {NULL}},
    [IC_SUPPORT_MODES] = {"support_modes",
                          N_("modalités d'accompagnement"),
                          {"modalites_accompagnement"},
                          {NULL}},
    [IC_FOR_YOU] = {"does_procedures_for_you",
                    N_("fait les démarches à votre place"),
                    {NULL},
                    {"modalites_accompagnement"}},
    [IC_ACCESSIBILITY_URL] = {"accessibility_url",
                              N_("fiche Accès libre"),
                              {"fiche_acces_libre", "accessibilite"},
                              {NULL}},
    [IC_BOOKING_URL] = {"booking_url", N_("prise de rendez-vous en ligne"), {"prise_rdv"}, {NULL}},
    /* Free text gathered from v0.1 wordings that have no exact v1 value (and
     * written by people in the admin area): no format has a field for it. */
    [IC_ACCESSIBILITY_NOTES] = {"accessibility_notes", N_("notes d'accessibilité"), {NULL}, {NULL}},
};

/* The fields of the v0.1 format (the flat export of the national map), to
 * tell "its format has no field for it" from "this file leaves it out". */
static const char *const V01_FIELDS[] = {"id",
                                         "pivot",
                                         "nom",
                                         "commune",
                                         "code_postal",
                                         "code_insee",
                                         "adresse",
                                         "complement_adresse",
                                         "cle_ban",
                                         "latitude",
                                         "longitude",
                                         "typologie",
                                         "telephone",
                                         "courriel",
                                         "site_web",
                                         "horaires",
                                         "presentation_resume",
                                         "presentation_detail",
                                         "source",
                                         "structure_parente",
                                         "date_maj",
                                         "services",
                                         "publics_accueillis",
                                         "conditions_acces",
                                         "labels_nationaux",
                                         "labels_autres",
                                         "modalites_accompagnement",
                                         "accessibilite",
                                         "prise_rdv"};

/* Does the column have a field in `has` (a JSON object used as a set of
 * field names), or, with `has` NULL, in the field list of `format`? */
static bool column_expressed(import_column c, importer_format format, json_t *has)
{
    const struct column_source *cs = &COLUMNS[c];
    bool v01 = format == IMPORTER_FORMAT_V01_JSON;
    for (size_t pass = 0; pass < 2; pass++) {
        const char *const *fields = pass == 0 ? cs->fields : cs->v01_fields;
        size_t n = pass == 0 ? ARRAY_LEN(cs->fields) : ARRAY_LEN(cs->v01_fields);
        if (pass == 1 && !v01) break;
        for (size_t i = 0; i < n && fields[i]; i++) {
            bool present = has   ? json_object_get(has, fields[i]) != NULL
                           : v01 ? in_list(V01_FIELDS, ARRAY_LEN(V01_FIELDS), fields[i])
                                 : in_list(VOCAB_COLUMNS, VOCAB_COLUMN_COUNT, fields[i]);
            if (present) return true;
        }
    }
    return false;
}

char *importer_untouched_names(uint64_t mask, bool for_people)
{
    buf b = {0};
    for (int c = 0; c < IC_COUNT; c++) {
        if (!(mask & IC_BIT(c))) continue;
        if (b.len) buf_puts(&b, ", ");
        buf_puts(&b, for_people ? gettext(COLUMNS[c].label) : COLUMNS[c].key);
    }
    return b.len ? buf_steal(&b) : NULL;
}

/* ------------------------------------------------------------------------ */
/* The report                                                                */

void importer_report_init(importer_report *r)
{
    memset(r, 0, sizeof *r);
}

void importer_report_free(importer_report *r)
{
    for (size_t i = 0; i < r->entry_count; i++) {
        importer_entry *e = &r->entries[i];
        free(e->source_id);
        free(e->name);
        free(e->field);
        free(e->value);
        free(e->message);
    }
    free(r->entries);
    free(r->error);
    memset(r, 0, sizeof *r);
}

static const char *level_name(importer_level l)
{
    switch (l) {
    case IMPORTER_REJECTED:
        return "rejected";
    case IMPORTER_WARNING:
        return "warning";
    case IMPORTER_DUPLICATE:
        return "duplicate";
    }
    return "?";
}

void importer_report_print(const importer_report *r, const char *label, FILE *out)
{
    const char *prefix = label ? label : "import";
    if (r->error) fprintf(out, "%s: erreur : %s\n", prefix, r->error);
    fprintf(out,
            "%s: %simported %zu, updated %zu, unchanged %zu, rejected %zu, warnings %zu, "
            "duplicates %zu\n",
            prefix, r->dry_run ? "(dry run, nothing saved) " : "", r->imported, r->updated,
            r->unchanged, r->rejected, r->warnings, r->duplicates);
    if (r->kept_by_place || r->proposed)
        fprintf(out, "%s: conservé (modifié par le lieu) %zu, proposé %zu\n", prefix,
                r->kept_by_place, r->proposed);
    if (r->unreadable_hours)
        fprintf(out, "%s: %zu horaires illisibles conservés tels quels\n", prefix,
                r->unreadable_hours);
    char *kept = importer_untouched_names(r->untouched_by_format, false);
    if (kept)
        fprintf(out, "%s: kept as they were (this format has no field for them): %s\n", prefix,
                kept);
    free(kept);
    kept = importer_untouched_names(r->untouched_by_file, false);
    if (kept) fprintf(out, "%s: kept as they were (not in this file): %s\n", prefix, kept);
    free(kept);
    /* Ids, values and the messages quoting them come from the file: written
     * through text_terminal_safe, so that a record cannot send escape sequences
     * to the terminal of whoever runs the import. */
    for (size_t i = 0; i < r->entry_count; i++) {
        const importer_entry *e = &r->entries[i];
        fprintf(out, "%s: ", prefix);
        if (e->record)
            fprintf(out, "record %zu", e->record);
        else
            fprintf(out, "file");
        char *id = text_terminal_safe(e->source_id), *message = text_terminal_safe(e->message);
        if (e->source_id) fprintf(out, " (id %s)", id);
        fprintf(out, ": %s", level_name(e->level));
        if (e->field) fprintf(out, ": %s", e->field);
        fprintf(out, ": %s", message);
        if (e->value && e->level != IMPORTER_DUPLICATE) {
            char *value = text_terminal_safe(e->value);
            fprintf(out, " [%s]", value);
            free(value);
        }
        fputc('\n', out);
        free(id);
        free(message);
    }
}

static json_t *json_str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *importer_report_json(const importer_report *r)
{
    json_t *entries = json_array();
    for (size_t i = 0; i < r->entry_count; i++) {
        const importer_entry *e = &r->entries[i];
        json_array_append_new(
            entries,
            json_pack("{s:I, s:o, s:o, s:s, s:o, s:o, s:s}", "record", (json_int_t)e->record, "id",
                      json_str_or_null(e->source_id), "name", json_str_or_null(e->name), "level",
                      level_name(e->level), "field", json_str_or_null(e->field), "value",
                      json_str_or_null(e->value), "message", e->message));
    }
    json_t *counts =
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "records", (json_int_t)r->records,
                  "imported", (json_int_t)r->imported, "updated", (json_int_t)r->updated,
                  "unchanged", (json_int_t)r->unchanged, "rejected", (json_int_t)r->rejected,
                  "warnings", (json_int_t)r->warnings, "duplicates", (json_int_t)r->duplicates);
    json_object_set_new(counts, "kept_by_place", json_integer((json_int_t)r->kept_by_place));
    json_object_set_new(counts, "proposed", json_integer((json_int_t)r->proposed));
    json_object_set_new(counts, "unreadable_hours", json_integer((json_int_t)r->unreadable_hours));
    json_t *untouched = json_object();
    const uint64_t masks[] = {r->untouched_by_format, r->untouched_by_file};
    const char *const keys[] = {"format", "file"};
    for (size_t k = 0; k < ARRAY_LEN(masks); k++) {
        json_t *names = json_array();
        for (int c = 0; c < IC_COUNT; c++)
            if (masks[k] & IC_BIT(c)) json_array_append_new(names, json_string(COLUMNS[c].key));
        json_object_set_new(untouched, keys[k], names);
    }
    return json_pack("{s:s, s:b, s:o, s:o, s:o, s:o}", "format", importer_format_name(r->format),
                     "dry_run", r->dry_run, "counts", counts, "untouched", untouched, "entries",
                     entries, "error", json_str_or_null(r->error));
}

int importer_report_write_json(const importer_report *r, FILE *out)
{
    json_t *j = importer_report_json(r);
    int rc = json_dumpf(j, out, JSON_INDENT(2));
    json_decref(j);
    if (rc == 0 && fputc('\n', out) == EOF) rc = -1;
    return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* One run                                                                   */

typedef struct run {
    db_conn *c;
    importer_report *rep;
    importer_format format;
    const char *source_name;
    size_t record;      /* current record, 1-based */
    const char *cur_id; /* current record's id and name, for the report */
    const char *cur_name;
    bool cur_rejected;
    json_t *seen_ids;             /* "source\x1Fid" → record number, for ids repeated in a file */
    json_t *dup_pairs;            /* "id:id" of place pairs already reported */
    json_t *unknown_fields;       /* field names already reported as unknown */
    json_t *hours_seen;           /* hours text → [verdict, text] (map_hours) */
    uint64_t carried;             /* columns the file carries (see carried_columns) */
    importer_may_write may_write; /* NULL: the command line, which may write anything */
    void *may_write_ctx;
} run;

static void report_add(run *r, size_t record, importer_level level, const char *field,
                       const char *value, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void report_add(run *r, size_t record, importer_level level, const char *field,
                       const char *value, const char *fmt, ...)
{
    importer_report *rep = r->rep;
    if (rep->entry_count == rep->entry_cap) {
        rep->entry_cap = rep->entry_cap ? rep->entry_cap * 2 : 32;
        rep->entries = xrealloc(rep->entries, rep->entry_cap * sizeof *rep->entries);
    }
    va_list ap;
    va_start(ap, fmt);
    buf msg = {0};
    /* Messages are for people: in the language of the request that runs
     * the import (the admin area), French on the command line. */
    buf_vprintf(&msg, gettext(fmt), ap);
    va_end(ap);
    importer_entry *e = &rep->entries[rep->entry_count++];
    e->record = record;
    e->source_id = record && r->cur_id ? xstrdup(r->cur_id) : NULL;
    e->name = record && r->cur_name ? xstrdup(r->cur_name) : NULL;
    e->level = level;
    e->field = field ? xstrdup(field) : NULL;
    e->value = value ? xstrdup(value) : NULL;
    e->message = buf_steal(&msg);
    if (level == IMPORTER_WARNING) rep->warnings++;
    if (level == IMPORTER_DUPLICATE) rep->duplicates++;
    if (level == IMPORTER_REJECTED && record && !r->cur_rejected) {
        r->cur_rejected = true;
        rep->rejected++;
    }
}

#define WARN(r, field, value, ...)                                                                 \
    report_add(r, (r)->record, IMPORTER_WARNING, field, value, __VA_ARGS__)
#define REJECT(r, field, value, ...)                                                               \
    report_add(r, (r)->record, IMPORTER_REJECTED, field, value, __VA_ARGS__)
/* A line already written for people (a rule's reason, translated where it
 * was given): not a message of its own for translators. */
#define WARN_TEXT(r, field, value, text)                                                           \
    report_add(r, (r)->record, IMPORTER_WARNING, field, value, "%s", text)
#define REJECT_TEXT(r, field, value, text)                                                         \
    report_add(r, (r)->record, IMPORTER_REJECTED, field, value, "%s", text)

/* ------------------------------------------------------------------------ */
/* The place being built: one field per column of `place` that we fill.     */

typedef struct place_rec {
    char *source, *source_id, *pivot, *name, *commune;
    char *postal_code, *insee_code, *address, *address_extra, *ban_key;
    bool has_position;
    double latitude, longitude;
    char *phone, *hours, *summary, *description_md, *parent_structure;
    char *fees_note, *accessibility_url, *booking_url, *accessibility_notes, *date_maj;
    /* '|' lists of exact vocabulary strings (or free text for the last ones) */
    buf typologies, itinerance, services, publics, support, fees, programmes, labels;
    buf access_modes, support_modes, services_original, other_labels, emails, website;
    bool pass_accepted, pass_distributed, for_you;
    bool hours_unreadable; /* horaires kept as published: nobody can read them */
} place_rec;

static void place_free(place_rec *p)
{
    char **strings[] = {&p->source,
                        &p->source_id,
                        &p->pivot,
                        &p->name,
                        &p->commune,
                        &p->postal_code,
                        &p->insee_code,
                        &p->address,
                        &p->address_extra,
                        &p->ban_key,
                        &p->phone,
                        &p->hours,
                        &p->summary,
                        &p->description_md,
                        &p->parent_structure,
                        &p->fees_note,
                        &p->accessibility_url,
                        &p->booking_url,
                        &p->accessibility_notes,
                        &p->date_maj};
    for (size_t i = 0; i < ARRAY_LEN(strings); i++)
        free(*strings[i]);
    buf *lists[] = {&p->typologies,   &p->itinerance,    &p->services,          &p->publics,
                    &p->support,      &p->fees,          &p->programmes,        &p->labels,
                    &p->access_modes, &p->support_modes, &p->services_original, &p->other_labels,
                    &p->emails,       &p->website};
    for (size_t i = 0; i < ARRAY_LEN(lists); i++)
        buf_free(lists[i]);
}

/* Add `value` to a '|' list unless it is already there. */
static void list_add(buf *list, const char *value)
{
    size_t n = strlen(value);
    const char *p = list->data;
    while (p && *p) {
        size_t len = strcspn(p, "|");
        if (len == n && memcmp(p, value, n) == 0) return;
        p += len;
        if (*p) p++;
    }
    if (list->len) buf_putc(list, '|');
    buf_append(list, value, n);
}

static buf *list_of(place_rec *p, vocab_kind kind)
{
    switch (kind) {
    case VOCAB_SERVICES:
        return &p->services;
    case VOCAB_PUBLICS:
        return &p->publics;
    case VOCAB_SUPPORT:
        return &p->support;
    case VOCAB_FEES:
        return &p->fees;
    case VOCAB_ITINERANCE:
        return &p->itinerance;
    case VOCAB_ACCESS_MODES:
        return &p->access_modes;
    case VOCAB_SUPPORT_MODES:
        return &p->support_modes;
    case VOCAB_PROGRAMMES:
        return &p->programmes;
    case VOCAB_LABELS:
        return &p->labels;
    case VOCAB_TYPOLOGIE:
        return &p->typologies;
    case VOCAB_KIND_COUNT:
        break;
    }
    abort();
}

/* ------------------------------------------------------------------------ */
/* Which columns a file carries: the rule is told above import_column      */

/* The columns whose fields appear in at least one record of the file. */
static uint64_t carried_columns(const raw_list *l, importer_format format)
{
    json_t *has = json_object(); /* the names of the records' fields: the list has each once */
    for (size_t k = 0; k < l->key_count; k++)
        json_object_set_new(has, l->keys[k], json_true());
    uint64_t mask = 0;
    for (int c = 0; c < IC_COUNT; c++)
        if (column_expressed((import_column)c, format, has)) mask |= IC_BIT(c);
    json_decref(has);
    return mask;
}

/* The columns the fields of `format` can express at all. */
static uint64_t format_columns(importer_format format)
{
    uint64_t mask = 0;
    for (int c = 0; c < IC_COUNT; c++)
        if (column_expressed((import_column)c, format, NULL)) mask |= IC_BIT(c);
    return mask;
}

/* The text of optional column `c` of the mapped record, NULL when it has
 * none or the column is not text (position, the yes/no columns). */
static const char *column_text(const place_rec *p, import_column c)
{
    const char *text[IC_COUNT] = {
        [IC_INSEE_CODE] = p->insee_code,
        [IC_ADDRESS_EXTRA] = p->address_extra,
        [IC_BAN_KEY] = p->ban_key,
        [IC_PHONE] = p->phone,
        [IC_HOURS] = p->hours,
        [IC_SUMMARY] = p->summary,
        [IC_DESCRIPTION] = p->description_md,
        [IC_PARENT_STRUCTURE] = p->parent_structure,
        [IC_FEES_NOTE] = p->fees_note,
        [IC_ACCESSIBILITY_URL] = p->accessibility_url,
        [IC_BOOKING_URL] = p->booking_url,
        [IC_ACCESSIBILITY_NOTES] = p->accessibility_notes,
    };
    const buf *lists[IC_COUNT] = {
        [IC_TYPOLOGIES] = &p->typologies,
        [IC_EMAILS] = &p->emails,
        [IC_WEBSITE] = &p->website,
        [IC_ITINERANCE] = &p->itinerance,
        [IC_SERVICES] = &p->services,
        [IC_SERVICES_ORIGINAL] = &p->services_original,
        [IC_PUBLICS] = &p->publics,
        [IC_SUPPORT] = &p->support,
        [IC_FEES] = &p->fees,
        [IC_PROGRAMMES] = &p->programmes,
        [IC_LABELS] = &p->labels,
        [IC_OTHER_LABELS] = &p->other_labels,
        [IC_ACCESS_MODES] = &p->access_modes,
        [IC_SUPPORT_MODES] = &p->support_modes,
    };
    if (text[c]) return text[c];
    return lists[c] && lists[c]->len ? lists[c]->data : NULL;
}

/* The yes/no columns (and whether there is a position). */
static bool column_flag(const place_rec *p, import_column c)
{
    switch (c) {
    case IC_POSITION:
        return p->has_position;
    case IC_PASS_ACCEPTED:
        return p->pass_accepted;
    case IC_PASS_DISTRIBUTED:
        return p->pass_distributed;
    case IC_FOR_YOU:
        return p->for_you;
    default:
        return false;
    }
}

/* The columns to which the mapped record gives a value. */
static uint64_t given_columns(const place_rec *p)
{
    uint64_t mask = 0;
    for (int c = 0; c < IC_COUNT; c++)
        if (column_text(p, (import_column)c) || column_flag(p, (import_column)c)) mask |= IC_BIT(c);
    return mask;
}

/* The rules themselves (e-mail, URL, postal and INSEE codes, pivot, dates,
 * positions) live in core/validate.c, shared with the place editor. */

/* Cut a summary at a word boundary to at most SUMMARY_MAX_CHARS code points, with "…". */
static char *truncate_summary(const char *s)
{
    size_t chars = 0, cut = 0, last_space = 0;
    for (size_t i = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
        if (chars == SUMMARY_MAX_CHARS - 1) {
            cut = i;
            break;
        }
        if (s[i] == ' ') last_space = i;
        chars++;
    }
    if (last_space > cut / 2) cut = last_space;
    while (cut > 0 && (s[cut - 1] == ' ' || s[cut - 1] == ',' || s[cut - 1] == ';'))
        cut--;
    char *head = xstrndup(s, cut);
    char *out = xasprintf("%s…", head);
    free(head);
    return out;
}

/* ------------------------------------------------------------------------ */
/* Mapping a raw record                                                      */

typedef struct list_ctx {
    run *r;
    place_rec *p;
    const char *field; /* input field name, for the report */
} list_ctx;

/* Apply a v0.1 mapping (value and/or fact). */
static void apply_mapping(run *r, place_rec *p, const char *field, const char *item,
                          const vocab_mapping *m)
{
    if (m->value) list_add(list_of(p, m->kind), m->value);
    switch (m->fact) {
    case VOCAB_FACT_PASS_ACCEPTED:
        p->pass_accepted = true;
        break;
    case VOCAB_FACT_PASS_DISTRIBUTED:
        p->pass_distributed = true;
        break;
    case VOCAB_FACT_FOR_YOU:
        p->for_you = true;
        break;
    case VOCAB_FACT_MEMBERSHIP:
        free(p->fees_note);
        p->fees_note = xstrdup("Adhésion requise");
        break;
    case VOCAB_FACT_ALL_PUBLIC:
    case VOCAB_FACT_NONE:
        break;
    }
    if (m->approximate) {
        /* No v1 value says it exactly: keep the producer's words for people. */
        if (!p->accessibility_notes)
            p->accessibility_notes = xstrdup(item);
        else {
            char *joined = xasprintf("%s\n%s", p->accessibility_notes, item);
            free(p->accessibility_notes);
            p->accessibility_notes = joined;
        }
        WARN(r, field, item,
             "correspondance approchée : enregistré comme « %s », libellé d'origine gardé "
             "dans les notes d'accessibilité",
             m->value);
    }
}

static void on_services(const char *item, void *ctx)
{
    list_ctx *l = ctx;
    const char *v = vocab_canonical(VOCAB_SERVICES, item);
    vocab_mapping m;
    if (v) {
        list_add(&l->p->services, v);
    } else if (vocab_map_legacy(VOCAB_LEGACY_SERVICES, item, &m) && m.value) {
        list_add(&l->p->services, m.value);
        list_add(&l->p->services_original, item);
    } else if (l->r->format == IMPORTER_FORMAT_V01_JSON) {
        list_add(&l->p->services_original, item);
        WARN(l->r, l->field, item,
             "service hors du vocabulaire national : gardé seulement comme libellé d'origine");
    } else {
        WARN(l->r, l->field, item, "service hors du vocabulaire national : ignoré");
    }
}

/* publics_accueillis (v0.1), and v1 publics / prise en charge that are not exact. */
static void on_publics(const char *item, void *ctx)
{
    list_ctx *l = ctx;
    vocab_kind kind =
        strcmp(l->field, "prise_en_charge_specifique") == 0 ? VOCAB_SUPPORT : VOCAB_PUBLICS;
    const char *v = vocab_canonical(kind, item);
    vocab_mapping m;
    if (v)
        list_add(list_of(l->p, kind), v);
    else if (vocab_map_legacy(VOCAB_LEGACY_PUBLICS, item, &m))
        apply_mapping(l->r, l->p, l->field, item, &m);
    else
        WARN(l->r, l->field, item, "public hors du vocabulaire national : ignoré");
}

static void on_fees(const char *item, void *ctx)
{
    list_ctx *l = ctx;
    const char *v = vocab_canonical(VOCAB_FEES, item);
    vocab_mapping m;
    if (v)
        list_add(&l->p->fees, v);
    else if (vocab_map_legacy(VOCAB_LEGACY_CONDITIONS, item, &m))
        apply_mapping(l->r, l->p, l->field, item, &m);
    else
        WARN(l->r, l->field, item, "condition d'accès hors du vocabulaire national : ignorée");
}

static void on_support_modes(const char *item, void *ctx)
{
    list_ctx *l = ctx;
    const char *v = vocab_canonical(VOCAB_SUPPORT_MODES, item);
    vocab_mapping m;
    if (v)
        list_add(&l->p->support_modes, v);
    else if (vocab_map_legacy(VOCAB_LEGACY_SUPPORT_MODES, item, &m))
        apply_mapping(l->r, l->p, l->field, item, &m);
    else
        WARN(l->r, l->field, item,
             "modalité d'accompagnement hors du vocabulaire national : ignorée");
}

/* dispositif_programmes_nationaux, formations_labels, labels_nationaux. */
static void on_labels(const char *item, void *ctx)
{
    list_ctx *l = ctx;
    vocab_mapping m;
    if (vocab_map_legacy(VOCAB_LEGACY_LABELS_NATIONAUX, item, &m)) {
        apply_mapping(l->r, l->p, l->field, item, &m);
        return;
    }
    list_add(&l->p->other_labels, item);
    WARN(l->r, l->field, item,
         "dispositif ou label hors du vocabulaire national : rangé dans les autres labels");
}

/* autres_formations_labels, labels_autres: free text, promoted when it names a national one. */
static void on_other_labels(const char *item, void *ctx)
{
    list_ctx *l = ctx;
    vocab_mapping m;
    if (vocab_map_legacy(VOCAB_LEGACY_LABELS_AUTRES, item, &m) && m.value)
        list_add(list_of(l->p, m.kind), m.value);
    else
        list_add(&l->p->other_labels, item);
}

typedef struct plain_ctx {
    list_ctx base;
    vocab_kind kind;
    const char *what; /* "typologie", … for the message */
} plain_ctx;

/* A closed list with no v0.1 form: exact value or warning. */
static void on_plain(const char *item, void *ctx)
{
    plain_ctx *pc = ctx;
    const char *v = vocab_canonical(pc->kind, item);
    if (v)
        list_add(list_of(pc->base.p, pc->kind), v);
    else
        WARN(pc->base.r, pc->base.field, item, "%s hors du vocabulaire national : ignorée",
             pc->what);
}

static void map_plain(run *r, place_rec *p, const raw_record *raw, const char *field,
                      vocab_kind kind, const char *what)
{
    plain_ctx pc = {{r, p, field}, kind, what};
    vocab_split(raw_get(raw, field), on_plain, &pc);
}

static void map_list(run *r, place_rec *p, const raw_record *raw, const char *field,
                     void (*fn)(const char *, void *))
{
    list_ctx l = {r, p, field};
    vocab_split(raw_get(raw, field), fn, &l);
}

/* Split on the separators of e-mail and web lists: '|', ';', ',' and blanks. */
static void split_many(const char *cell, bool comma_only_before_url,
                       void (*fn)(const char *item, void *ctx), void *ctx)
{
    if (!cell) return;
    char *copy = xstrdup(cell);
    char *start = copy;
    for (char *p = copy;; p++) {
        bool end = *p == '\0';
        bool sep = *p == '|' || *p == ';' || *p == ' ' || *p == '\t' || *p == '\n';
        if (*p == ',') {
            const char *next = p + 1;
            while (*next == ' ')
                next++;
            sep = !comma_only_before_url || strncasecmp(next, "http", 4) == 0 ||
                  strncasecmp(next, "www.", 4) == 0;
        }
        if (end || sep) {
            *p = '\0';
            if (*start) fn(start, ctx);
            start = p + 1;
        }
        if (end) break;
    }
    free(copy);
}

static void on_email(const char *item, void *ctx)
{
    list_ctx *l = ctx;
    const char *why;
    if (validate_email(item, &why))
        list_add(&l->p->emails, item);
    else
        WARN(l->r, l->field, item, "adresse électronique invalide (%s) : ignorée", gettext(why));
}

static void on_website(const char *item, void *ctx)
{
    list_ctx *l = ctx;
    char *url = NULL;
    const char *why;
    if (validate_url(item, &url, &why))
        list_add(&l->p->website, url);
    else
        WARN(l->r, l->field, item, "adresse de site web invalide (%s) : ignorée", gettext(why));
    free(url);
}

/* A single URL field (fiche_acces_libre, prise_rdv). */
static char *map_url(run *r, const raw_record *raw, const char *field)
{
    const char *v = raw_get(raw, field);
    if (!v) return NULL;
    char *url = NULL;
    const char *why;
    if (!validate_url(v, &url, &why))
        WARN(r, field, v, "adresse web invalide (%s) : champ ignoré", gettext(why));
    return url;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/*
 * A source's entry form once saved its example with what was typed:
 * "(ex. 12 allée des Glycines)7 rue Terrasse" (Hinaura 2022). The example
 * is dropped and said in the report. An address that is only the example
 * is kept as published (the national schema requires an address and the
 * place its commune and position) and flagged for a person to check.
 */
static void drop_form_example(run *r, place_rec *p)
{
    const char *a = p->address;
    if (strncasecmp(a, "(ex.", 4) != 0 && strncasecmp(a, "(ex ", 4) != 0) return;
    const char *close = strchr(a, ')');
    if (!close) return;
    const char *rest = close + 1;
    while (*rest == ' ' || *rest == ',' || *rest == ';' || *rest == '-')
        rest++;
    if (!*rest) {
        WARN(r, "adresse", a,
             "l'adresse n'est que l'exemple du formulaire d'origine : gardée, à vérifier");
        return;
    }
    WARN(r, "adresse", a, "exemple du formulaire d'origine collé devant l'adresse : retiré");
    char *kept = xstrdup(rest);
    free(p->address);
    p->address = kept;
}

/* Required fields; each problem is one rejection entry. Returns false when rejected. */
static bool map_required(run *r, place_rec *p, const raw_record *raw)
{
    static const char *const required[] = {"id",          "pivot",   "nom",     "commune",
                                           "code_postal", "adresse", "date_maj"};
    bool ok = true;
    for (size_t i = 0; i < ARRAY_LEN(required); i++) {
        if (!raw_get(raw, required[i])) {
            REJECT(r, required[i], NULL, "champ obligatoire absent ou vide");
            ok = false;
        }
    }
    const char *v, *why;
    char pivot[VALIDATE_PIVOT_SIZE];
    if ((v = raw_get(raw, "pivot"))) {
        if (validate_pivot(v, pivot, &why)) {
            p->pivot = xstrdup(pivot);
        } else {
            REJECT(r, "pivot", v, "pivot invalide : %s", gettext(why));
            ok = false;
        }
    }
    if ((v = raw_get(raw, "code_postal")) && !validate_postal_code(v, &why)) {
        REJECT_TEXT(r, "code_postal", v, gettext(why));
        ok = false;
    }
    if ((v = raw_get(raw, "date_maj")) && !validate_date(v, &why)) {
        REJECT(r, "date_maj", v, "date de mise à jour invalide : %s", gettext(why));
        ok = false;
    }
    if (!ok) return false;
    /* Kept as published, but said: such text is neutralised in every CSV
     * export, and a manager would be asked to write it otherwise. */
    static const char *const texts[] = {"nom",
                                        "adresse",
                                        "commune",
                                        "complement_adresse",
                                        "presentation_resume",
                                        "structure_parente"};
    for (size_t i = 0; i < ARRAY_LEN(texts); i++)
        if ((v = raw_get(raw, texts[i])) && !validate_not_formula(v, &why))
            WARN_TEXT(r, texts[i], v, gettext(why));
    p->source_id = xstrdup(raw_get(raw, "id"));
    p->name = xstrdup(raw_get(raw, "nom"));
    p->commune = xstrdup(raw_get(raw, "commune"));
    p->postal_code = xstrdup(raw_get(raw, "code_postal"));
    p->address = xstrdup(raw_get(raw, "adresse"));
    drop_form_example(r, p);
    p->date_maj = xstrdup(raw_get(raw, "date_maj"));
    const char *source = raw_get(raw, "source");
    if (!source) source = r->source_name && *r->source_name ? r->source_name : "import";
    p->source = xstrdup(source);
    return true;
}

static void map_position(run *r, place_rec *p, const raw_record *raw)
{
    const char *lat = raw_get(raw, "latitude"), *lon = raw_get(raw, "longitude");
    if (!lat && !lon) return;
    if (!lat || !lon) {
        WARN(r, lat ? "longitude" : "latitude", NULL,
             "latitude ou longitude manquante : position ignorée");
        return;
    }
    double la, lo;
    const char *why;
    if (!validate_coordinate(lat, true, &la, &why)) {
        WARN(r, "latitude", lat, "latitude invalide (%s) : position ignorée", gettext(why));
        return;
    }
    if (!validate_coordinate(lon, false, &lo, &why)) {
        WARN(r, "longitude", lon, "longitude invalide (%s) : position ignorée", gettext(why));
        return;
    }
    if (!validate_position(p->postal_code, la, lo, &why)) {
        char both[80];
        snprintf(both, sizeof both, "%s, %s", lat, lon);
        WARN(r, "latitude", both, "%s (code postal %s) : position ignorée", gettext(why),
             p->postal_code);
        return;
    }
    p->has_position = true;
    p->latitude = la;
    p->longitude = lo;
}

static void map_phone(run *r, place_rec *p, const raw_record *raw)
{
    const char *v = raw_get(raw, "telephone");
    if (!v) return;
    char e164[PHONE_E164_MAX];
    if (phone_normalize(v, e164)) {
        p->phone = xstrdup(e164);
        return;
    }
    /* Several numbers in one cell: keep the first that reads as one. */
    char *copy = xstrdup(v);
    char *save = NULL;
    for (char *tok = strtok_r(copy, "/|;,", &save); tok; tok = strtok_r(NULL, "/|;,", &save)) {
        if (phone_normalize(str_trim(tok), e164)) {
            p->phone = xstrdup(e164);
            break;
        }
    }
    free(copy);
    if (p->phone)
        WARN(r, "telephone", v, "plusieurs numéros : seul le premier est gardé (%s)", p->phone);
    else
        WARN(r, "telephone", v, "numéro de téléphone invalide : champ ignoré");
}

/* What map_hours makes of an opening-hours text (memoised per file). */
enum { HOURS_KEPT, HOURS_UNREADABLE, HOURS_REWRITTEN };

/*
 * horaires: hand-typed forms ("lundi au vendredi 9h-12h") are kept in the
 * OpenStreetMap form the national map reads, with a warning; values nobody
 * can read are kept as published (pages show them with « horaires à
 * confirmer par téléphone ») and reported. Never silently.
 */
static void map_hours(run *r, place_rec *p, const char *v)
{
    if (!v) return;
    /* The same hours come back from place to place (a file of 25 000
     * places has a few hundred different ones): each text is parsed once
     * per file, its verdict and text kept in r->hours_seen. */
    json_t *seen = json_object_get(r->hours_seen, v);
    if (!seen) {
        hours_error err;
        hours_schedule *s = hours_parse(v, &err);
        int verdict = !s ? HOURS_UNREADABLE : hours_tolerated(s) ? HOURS_REWRITTEN : HOURS_KEPT;
        char *text = verdict == HOURS_UNREADABLE  ? xstrdup(err.message)
                     : verdict == HOURS_REWRITTEN ? hours_normalise(s)
                                                  : NULL;
        hours_free(s);
        seen = json_array();
        json_array_append_new(seen, json_integer(verdict));
        json_array_append_new(seen, text ? json_string_nocheck(text) : json_null());
        free(text);
        json_object_set_new_nocheck(r->hours_seen, v, seen);
    }
    int verdict = (int)json_integer_value(json_array_get(seen, 0));
    const char *text = json_string_value(json_array_get(seen, 1));
    if (verdict == HOURS_UNREADABLE) {
        p->hours = xstrdup(v);
        p->hours_unreadable = true;
        WARN(r, "horaires", v,
             "horaires illisibles (%s) : affichés tels quels avec « horaires à confirmer par "
             "téléphone »",
             text);
    } else if (verdict == HOURS_REWRITTEN) {
        p->hours = xstrdup(text);
        WARN(r, "horaires", v, "horaires réécrits en syntaxe OpenStreetMap : « %s »", p->hours);
    } else {
        p->hours = xstrdup(v);
    }
}

static void map_texts(run *r, place_rec *p, const raw_record *raw)
{
    const char *v;
    p->address_extra = dup_or_null(raw_get(raw, "complement_adresse"));
    p->ban_key = dup_or_null(raw_get(raw, "cle_ban"));
    map_hours(r, p, raw_get(raw, "horaires"));
    p->parent_structure = dup_or_null(raw_get(raw, "structure_parente"));
    if ((v = raw_get(raw, "code_insee"))) {
        char insee[VALIDATE_INSEE_SIZE];
        if (validate_insee_code(v, insee, NULL)) {
            p->insee_code = xstrdup(insee);
        } else {
            WARN(r, "code_insee", v, "code INSEE invalide : champ ignoré");
        }
    }
    const char *detail = raw_get(raw, "presentation_detail");
    if ((v = raw_get(raw, "presentation_resume"))) {
        if (utf8_length(v) <= SUMMARY_MAX_CHARS) {
            p->summary = xstrdup(v);
        } else {
            p->summary = truncate_summary(v);
            if (!detail) {
                detail = v; /* nothing lost: the whole text becomes the description */
                WARN(r, "presentation_resume", NULL,
                     "résumé de plus de %d caractères : coupé, texte complet repris comme "
                     "présentation détaillée",
                     SUMMARY_MAX_CHARS);
            } else {
                WARN(r, "presentation_resume", NULL, "résumé de plus de %d caractères : coupé",
                     SUMMARY_MAX_CHARS);
            }
        }
    }
    if (detail) {
        char *error = NULL;
        /* Rendered here only to tell what cannot be taken; place_store
         * renders what is stored. */
        char *html = md_render(detail, strlen(detail), &error);
        if (html) {
            p->description_md = xstrdup(detail);
            free(html);
        } else {
            WARN(r, "presentation_detail", NULL, "%s Champ ignoré.", error);
            free(error);
        }
    }
    p->accessibility_url = map_url(r, raw, "fiche_acces_libre");
    if (!p->accessibility_url) p->accessibility_url = map_url(r, raw, "accessibilite");
    p->booking_url = map_url(r, raw, "prise_rdv");
}

static void map_lists(run *r, place_rec *p, const raw_record *raw)
{
    list_ctx l = {r, p, "courriels"};
    split_many(raw_get(raw, "courriels"), false, on_email, &l);
    l.field = "courriel";
    split_many(raw_get(raw, "courriel"), false, on_email, &l);
    l.field = "site_web";
    split_many(raw_get(raw, "site_web"), true, on_website, &l);

    map_plain(r, p, raw, "typologie", VOCAB_TYPOLOGIE, "typologie");
    map_plain(r, p, raw, "itinerance", VOCAB_ITINERANCE, "itinérance");
    map_plain(r, p, raw, "modalites_acces", VOCAB_ACCESS_MODES, "modalité d'accès");
    map_list(r, p, raw, "services", on_services);
    map_list(r, p, raw, "publics_specifiquement_adresses", on_publics);
    map_list(r, p, raw, "prise_en_charge_specifique", on_publics);
    map_list(r, p, raw, "publics_accueillis", on_publics);
    map_list(r, p, raw, "frais_a_charge", on_fees);
    map_list(r, p, raw, "conditions_acces", on_fees);
    map_list(r, p, raw, "modalites_accompagnement", on_support_modes);
    map_list(r, p, raw, "dispositif_programmes_nationaux", on_labels);
    map_list(r, p, raw, "formations_labels", on_labels);
    map_list(r, p, raw, "labels_nationaux", on_labels);
    map_list(r, p, raw, "autres_formations_labels", on_other_labels);
    map_list(r, p, raw, "labels_autres", on_other_labels);
}

/* Text whose HTML character references were decoded: said, field by field. */
static void report_decoded_entities(run *r, const raw_record *raw)
{
    for (size_t i = 0; i < raw->count; i++)
        if (raw->fields[i].had_entities)
            WARN(r, raw->fields[i].key, raw->fields[i].value,
                 "entités HTML (&amp;…) remplacées par les caractères qu'elles désignent");
}

/* Fields nobody maps: reported once per file. */
static void report_unknown_fields(run *r, const raw_record *raw)
{
    for (size_t i = 0; i < raw->count; i++) {
        const char *key = raw->fields[i].key;
        if (known_field(key) || !*key || json_object_get(r->unknown_fields, key)) continue;
        json_object_set_new(r->unknown_fields, key, json_true());
        report_add(r, 0, IMPORTER_WARNING, key, NULL, N_("champ inconnu du schéma : ignoré"));
    }
}

/* ------------------------------------------------------------------------ */
/* Storing                                                                   */

/* used by: importer, structure of a place by its real SIRET/RNA */
static const char SQL_STRUCTURE_BY_PIVOT[] = "SELECT id FROM structure WHERE pivot = :pivot";
/* used by: importer, structure of a place by name when no pivot identifies it */
static const char SQL_STRUCTURE_BY_NAME[] =
    "SELECT id FROM structure WHERE name = :name AND pivot IS NULL LIMIT 1";
/* used by: importer, new structure */
static const char SQL_STRUCTURE_INSERT[] =
    "INSERT INTO structure (name, pivot) VALUES (:name, :pivot)";

/* used by: importer, find the place a record updates */
static const char SQL_PLACE_ID[] =
    "SELECT id FROM place WHERE source = :source AND source_id = :source_id";

/* used by: importer upsert, through place_store (which derives the rest):
 * written only when something changed, so that place_store_update tells
 * "updated" from "unchanged". No account: an import is not authorised per
 * place. */
static const char SQL_PLACE_UPDATE[] = PLACE_STORE_UPDATE("id = :id");

/* used by: importer duplicate report, same folded name in the same commune
 * (the keys place_store derived for the place just written) */
static const char SQL_DUP_BY_NAME[] =
    "SELECT o.id, o.source, o.source_id, o.name FROM place p JOIN place o"
    " ON o.commune_key = p.commune_key AND o.name_key = p.name_key AND o.id <> p.id"
    " WHERE p.id = :id";
/* used by: importer duplicate report, places in a small box around a point
 * (the exact distance is computed in C) */
static const char SQL_DUP_BY_POSITION[] =
    "SELECT id, source, source_id, name, latitude, longitude FROM place"
    " WHERE latitude BETWEEN :lat_min AND :lat_max"
    " AND longitude BETWEEN :lon_min AND :lon_max AND id <> :id";

/* Step a statement expected to return one integer row; 0 when there is none. */
static int64_t query_id(sqlite3_stmt *s)
{
    int64_t id = 0;
    if (sqlite3_step(s) == SQLITE_ROW) id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return id;
}

/*
 * The structure running the place: found by real pivot, else by name of the
 * parent structure, else created. Returns its id, 0 for none, -1 on a
 * database error.
 */
static int64_t structure_for(run *r, const place_rec *p)
{
    bool real_pivot = strcmp(p->pivot, PIVOT_UNKNOWN) != 0;
    if (!real_pivot && !p->parent_structure) return 0;
    sqlite3_stmt *s;
    int64_t id;
    if (real_pivot) {
        s = db_stmt(r->c, SQL_STRUCTURE_BY_PIVOT);
        db_bind_text(s, ":pivot", p->pivot);
    } else {
        s = db_stmt(r->c, SQL_STRUCTURE_BY_NAME);
        db_bind_text(s, ":name", p->parent_structure);
    }
    if ((id = query_id(s)) != 0) return id;
    s = db_stmt(r->c, SQL_STRUCTURE_INSERT);
    db_bind_text(s, ":name", p->parent_structure ? p->parent_structure : p->name);
    if (real_pivot)
        db_bind_text(s, ":pivot", p->pivot);
    else
        db_bind_null(s, ":pivot");
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    return sqlite3_last_insert_rowid(db_handle(r->c));
}

/* Report a pair of places once per run. */
static bool pair_is_new(run *r, int64_t a, int64_t b)
{
    char key[48];
    snprintf(key, sizeof key, "%lld:%lld", (long long)(a < b ? a : b), (long long)(a < b ? b : a));
    if (json_object_get(r->dup_pairs, key)) return false;
    json_object_set_new(r->dup_pairs, key, json_true());
    return true;
}

static double distance_m(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = M_PI / 180.0, earth = 6371008.8;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * earth * asin(sqrt(h));
}

/* Report and keep (places/duplicate.h) the possible duplicates of place
 * `id`. Returns 0, or -1 on a database error. */
static int report_duplicates(run *r, const place_rec *p, int64_t id)
{
    int reported = 0, rc = 0;
    sqlite3_stmt *s = db_stmt(r->c, SQL_DUP_BY_NAME);
    db_bind_int(s, ":id", id);
    while (reported < DUPLICATES_PER_RECORD && sqlite3_step(s) == SQLITE_ROW) {
        if (!pair_is_new(r, id, sqlite3_column_int64(s, 0))) continue;
        reported++;
        char *other = xasprintf("%s/%s", db_col_text(s, 1), db_col_text(s, 2));
        report_add(r, r->record, IMPORTER_DUPLICATE, NULL, other,
                   N_("doublon possible de « %s » (%s) : même nom dans la même commune"),
                   db_col_text(s, 3), other);
        free(other);
        /* Kept for the coordinators' queue (places/duplicate.h). */
        if (place_duplicate_flag(r->c, id, sqlite3_column_int64(s, 0),
                                 "même nom dans la même commune") != 0)
            rc = -1;
    }
    sqlite3_reset(s);
    if (!p->has_position) return rc;
    double dlat = PLACE_DUPLICATE_RADIUS_M / 111195.0;
    double dlon = dlat / fmax(cos(p->latitude * M_PI / 180.0), 0.01);
    s = db_stmt(r->c, SQL_DUP_BY_POSITION);
    db_bind_double(s, ":lat_min", p->latitude - dlat);
    db_bind_double(s, ":lat_max", p->latitude + dlat);
    db_bind_double(s, ":lon_min", p->longitude - dlon);
    db_bind_double(s, ":lon_max", p->longitude + dlon);
    db_bind_int(s, ":id", id);
    while (reported < DUPLICATES_PER_RECORD && sqlite3_step(s) == SQLITE_ROW) {
        double d = distance_m(p->latitude, p->longitude, sqlite3_column_double(s, 4),
                              sqlite3_column_double(s, 5));
        if (d > PLACE_DUPLICATE_RADIUS_M || !pair_is_new(r, id, sqlite3_column_int64(s, 0)))
            continue;
        reported++;
        char *other = xasprintf("%s/%s", db_col_text(s, 1), db_col_text(s, 2));
        report_add(r, r->record, IMPORTER_DUPLICATE, NULL, other,
                   N_("doublon possible de « %s » (%s) : à %.0f m"), db_col_text(s, 3), other, d);
        free(other);
        char reason[32];
        snprintf(reason, sizeof reason, "à %.0f m", d);
        if (place_duplicate_flag(r->c, id, sqlite3_column_int64(s, 0), reason) != 0) rc = -1;
    }
    sqlite3_reset(s);
    return rc;
}

/*
 * The columns this record writes, for place_store: the required ones, then
 * each optional column the file carries or the record gives a value (the
 * others keep theirs; see "Which columns a file carries"). A new place gets
 * the same, what is left out empty.
 */
static json_t *place_values(const run *r, const place_rec *p, int64_t structure_id)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "pivot", p->pivot, "name", p->name,
                          "commune", p->commune, "postal_code", p->postal_code, "address",
                          p->address, "date_maj", p->date_maj);
    uint64_t written = r->carried | given_columns(p);
    /* The structure follows structure_parente, unless a real pivot names it. */
    bool identified = strcmp(p->pivot, PIVOT_UNKNOWN) != 0;
    if (identified || (written & IC_BIT(IC_PARENT_STRUCTURE)))
        json_object_set_new(o, "structure_id",
                            structure_id ? json_integer((json_int_t)structure_id) : json_null());
    for (int c = 0; c < IC_COUNT; c++) {
        if (!(written & IC_BIT(c))) continue;
        if (c == IC_POSITION) {
            json_object_set_new(o, "latitude",
                                p->has_position ? json_real(p->latitude) : json_null());
            json_object_set_new(o, "longitude",
                                p->has_position ? json_real(p->longitude) : json_null());
        } else if (c == IC_PASS_ACCEPTED || c == IC_PASS_DISTRIBUTED || c == IC_FOR_YOU) {
            json_object_set_new(o, COLUMNS[c].key, json_integer(column_flag(p, (import_column)c)));
        } else {
            const char *text = column_text(p, (import_column)c);
            json_object_set_new(o, c == IC_DESCRIPTION ? "description_md" : COLUMNS[c].key,
                                text ? json_string(text) : json_null());
        }
    }
    return o;
}

/* Upsert one mapped place through place_store. Returns 0, or -1 on a database error. */
static int store_place(run *r, const place_rec *p)
{
    int64_t structure_id = structure_for(r, p);
    if (structure_id < 0) return -1;
    sqlite3_stmt *s = db_stmt(r->c, SQL_PLACE_ID);
    db_bind_text(s, ":source", p->source);
    db_bind_text(s, ":source_id", p->source_id);
    int64_t id = query_id(s);
    const char *why = NULL;
    if (r->may_write && id && !r->may_write(r->may_write_ctx, r->c, id, true, &why)) {
        REJECT_TEXT(r, NULL, NULL, why ? why : _("ce lieu n'est pas de votre territoire"));
        return 0;
    }
    /* A savepoint, so that a write the account may not keep (a place moved
     * or created outside its territory) is undone alone. */
    if (r->may_write && sqlite3_exec(db_handle(r->c), "SAVEPOINT import_record", NULL, NULL, NULL))
        return -1;
    size_t updated = r->rep->updated, unchanged = r->rep->unchanged, imported = r->rep->imported;
    provenance_counts counts = {0};
    place_write pw = {.id = id,
                      .values = place_values(r, p, structure_id),
                      .if_changed = true,
                      .counts = &counts};
    int rc;
    if (id) {
        rc = place_store_update(r->c, SQL_PLACE_UPDATE, &pw);
        if (rc == 1)
            r->rep->updated++;
        else if (rc == 0)
            r->rep->unchanged++;
    } else {
        json_object_set_new(pw.values, "source", json_string(p->source));
        json_object_set_new(pw.values, "source_id", json_string(p->source_id));
        id = place_store_insert(r->c, &pw);
        rc = id < 0 ? -1 : 1;
        if (rc == 1) r->rep->imported++;
    }
    json_decref(pw.values);
    if (rc < 0) return -1;
    if (r->may_write) {
        if (!r->may_write(r->may_write_ctx, r->c, id, false, &why)) {
            sqlite3_exec(db_handle(r->c), "ROLLBACK TO import_record", NULL, NULL, NULL);
            sqlite3_exec(db_handle(r->c), "RELEASE import_record", NULL, NULL, NULL);
            r->rep->updated = updated, r->rep->unchanged = unchanged, r->rep->imported = imported;
            REJECT_TEXT(r, NULL, NULL, why ? why : _("ce lieu serait hors de votre territoire"));
            return 0;
        }
        if (sqlite3_exec(db_handle(r->c), "RELEASE import_record", NULL, NULL, NULL)) return -1;
    }
    r->rep->kept_by_place += counts.kept;
    r->rep->proposed += counts.proposed;
    if (p->hours_unreadable) r->rep->unreadable_hours++;
    if (report_duplicates(r, p, id) != 0) return -1;
    /* Commune name, postal code and position that disagree: the record is
     * kept (linked as well as can be) and the report says what to check. */
    char doubt[512];
    int doubtful = pw.link_decided ? pw.link_doubt[0] != '\0'
                                   : catalogue_link_doubt(r->c, id, doubt, sizeof doubt);
    if (doubtful < 0) return -1;
    if (doubtful) WARN_TEXT(r, "commune", p->commune, pw.link_decided ? pw.link_doubt : doubt);
    return 0;
}

/* Map and store one record. Returns 0, or -1 on a database error. */
static int import_record(run *r, const raw_record *raw)
{
    r->cur_id = raw_get(raw, "id");
    r->cur_name = raw_get(raw, "nom");
    r->cur_rejected = false;
    report_unknown_fields(r, raw);
    report_decoded_entities(r, raw);
    if (raw->problem) {
        REJECT_TEXT(r, NULL, NULL, raw->problem);
        return 0;
    }
    place_rec p = {0};
    int rc = 0;
    if (!map_required(r, &p, raw)) goto done;
    char *seen_key = xasprintf("%s\x1F%s", p.source, p.source_id);
    json_t *seen = json_object_get(r->seen_ids, seen_key);
    if (seen) {
        REJECT(r, "id", p.source_id,
               "identifiant déjà présent dans ce fichier (enregistrement %lld)",
               (long long)json_integer_value(seen));
        free(seen_key);
        goto done;
    }
    json_object_set_new(r->seen_ids, seen_key, json_integer((json_int_t)r->record));
    free(seen_key);
    map_position(r, &p, raw);
    map_phone(r, &p, raw);
    map_texts(r, &p, raw);
    map_lists(r, &p, raw);
    rc = store_place(r, &p);
done:
    place_free(&p);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Entry point                                                               */

/* Read `data` into raw records. Returns 0, or -1 with rep->error set. */
static int read_records(const char *data, size_t len, raw_list *out, importer_report *rep)
{
    data = skip_bom(data, &len);
    char first = first_significant(data, len);
    if (first == '[' && json_records_streamed(data, len, out, &rep->format)) return 0;
    raw_list_free(out);
    if (first == '[' || first == '{') {
        json_error_t err;
        json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
        if (!root) {
            rep->error = xasprintf(_("JSON illisible (ligne %d, colonne %d) : %s"), err.line,
                                   err.column, err.text);
            return -1;
        }
        if (!json_is_array(root)) {
            rep->error = xstrdup(_("le JSON doit être une liste d'objets (un par lieu)"));
            json_decref(root);
            return -1;
        }
        rep->format = json_kind(root);
        json_records(root, out);
        json_decref(root);
        return 0;
    }
    if (!utf8_valid(data, len)) {
        rep->error = xstrdup(_("le fichier n'est pas en UTF-8 (enregistrez-le en « CSV UTF-8 »)"));
        return -1;
    }
    if (!csv_header_looks_right(data, len)) {
        rep->error = xstrdup(_("format non reconnu : ni JSON, ni CSV avec une ligne d'en-tête "
                               "contenant les colonnes « id » et « nom »"));
        return -1;
    }
    rep->format = IMPORTER_FORMAT_V1_CSV;
    char *error = NULL;
    if (csv_records(data, len, out, &error) != 0) {
        rep->error = error;
        return -1;
    }
    return 0;
}

enum { IMPORT_DRY_RUN = -3 }; /* a dry run: everything was checked, nothing is kept */

typedef struct import_args {
    run *r;
    const raw_list *records;
    bool dry_run;
    bool failed; /* out: a record could not be written (the error is in the report) */
} import_args;

/* Inside the transaction: every record; a dry run rolls back on purpose. */
static int import_tx(db_conn *w, void *ctx)
{
    import_args *a = ctx;
    run *r = a->r;
    r->c = w;
    /* The full-text index once for the whole file, not once per record. */
    if (catalogue_fts_defer(w) != 0) {
        r->rep->error =
            xasprintf(_("erreur de la base de données : %s"), sqlite3_errmsg(db_handle(w)));
        a->failed = true;
        return -1;
    }
    for (size_t i = 0; i < a->records->count; i++) {
        r->record = i + 1;
        if (import_record(r, &a->records->records[i]) != 0) {
            r->rep->error = xasprintf(_("erreur de la base de données à l'enregistrement %zu : %s"),
                                      r->record, sqlite3_errmsg(db_handle(w)));
            a->failed = true;
            return -1;
        }
    }
    if (catalogue_fts_flush(w) != 0) {
        r->rep->error = xasprintf(_("erreur de la base de données (index de recherche) : %s"),
                                  sqlite3_errmsg(db_handle(w)));
        a->failed = true;
        return -1;
    }
    return a->dry_run ? IMPORT_DRY_RUN : 0;
}

int importer_run(db *d, const char *data, size_t len, const char *source_name, bool dry_run,
                 importer_report *out)
{
    return importer_run_as(d, data, len, source_name, dry_run, NULL, NULL, out);
}

int importer_run_as(db *d, const char *data, size_t len, const char *source_name, bool dry_run,
                    importer_may_write may_write, void *ctx, importer_report *out)
{
    out->dry_run = dry_run;
    raw_list records = {0};
    if (read_records(data, len, &records, out) != 0) {
        raw_list_free(&records);
        return -1;
    }
    out->records = records.count;
    run r = {.rep = out,
             .format = out->format,
             .source_name = source_name,
             .may_write = may_write,
             .may_write_ctx = ctx};
    r.carried = carried_columns(&records, out->format);
    if (records.count) {
        uint64_t all = IC_BIT(IC_COUNT) - 1, expressible = format_columns(out->format);
        out->untouched_by_format = all & ~r.carried & ~expressible;
        out->untouched_by_file = all & ~r.carried & expressible;
    }
    r.seen_ids = json_object();
    r.dup_pairs = json_object();
    r.unknown_fields = json_object();
    r.hours_seen = json_object();
    import_args ia = {&r, &records, dry_run, 0};
    int rc = db_transaction(d, import_tx, &ia);
    if (rc == IMPORT_DRY_RUN) {
        rc = 0;
    } else if (rc < 0 && !r.c) {
        out->error = xstrdup(_("la base de données est occupée : réessayez dans un instant"));
    } else if (rc < 0 && !ia.failed) {
        out->error =
            xstrdup(_("l'enregistrement en base a échoué (COMMIT) : rien n'a été importé"));
    }
    json_decref(r.seen_ids);
    json_decref(r.dup_pairs);
    json_decref(r.unknown_fields);
    json_decref(r.hours_seen);
    raw_list_free(&records);
    return rc == 0 ? 0 : -1;
}
