/*
 * search.c — see search.h for what and why.
 */
#include "search/search.h"
#include "search/rank.h"
#include "geo/geo.h"
#include "hours/hours.h"
#include "places/export.h"
#include "places/place_view.h"
#include "core/util.h"
#include "places/vocab.h"
#include "core/i18n.h"

#include <math.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>
#include <strings.h>

/* ---- filter groups and their values ---- */

typedef struct group_value {
    char *slug;        /* URL value */
    const char *label; /* words for people (static) */
    const char *value; /* exact schema string, when from a vocabulary (static) */
} group_value;

typedef struct group_def {
    const char *param;
    const char *title;
} group_def;

static const group_def GROUPS[SG_COUNT] = {
    [SG_SERVICE] = {"service", N_("Ce que vous voulez faire")},
    [SG_TYPE] = {"type", N_("Type de lieu")},
    [SG_PUBLIC] = {"public", N_("Public")},
    [SG_SUPPORT] = {"accueil", N_("Accueil adapté")},
    [SG_FEES] = {"tarif", N_("Tarif")},
    [SG_MODE] = {"accompagnement", N_("Accompagnement")},
    [SG_PROGRAMME] = {"label", N_("Labels et programmes")},
    [SG_ACCESS] = {"acces", N_("Accessibilité")},
    [SG_HOURS] = {"horaires", N_("Horaires")},
    [SG_APPOINTMENT] = {"rendez-vous", N_("Rendez-vous")},
};

enum { FEE_FREE, FEE_FREE_IF, FEE_PAID, FEE_PASS };
enum { ACCESS_WHEELCHAIR };
/* Rendez-vous, from the national schema's modalites_acces and prise_rdv:
 * without one ("Se présenter"), or by appointment (online booking, a call
 * or a mail first). A place may offer both. */
enum { APPOINTMENT_NONE, APPOINTMENT_NEEDED };
/* Values of the hours group; HOURS_DAY + weekday (0 = Monday): open on the
 * coming such day. */
enum { HOURS_NOW, HOURS_AFTER_17, HOURS_DAY };

static const struct {
    const char *slug, *label;
} CUSTOM_FEES[] = {{"gratuit", N_("Gratuit")},
                   {"gratuit-sous-condition", N_("Gratuit sous condition")},
                   {"payant", N_("Payant")},
                   {"pass-numerique", N_("Pass numérique accepté")}},
  CUSTOM_ACCESS[] = {{"fauteuil", N_("Accessible en fauteuil roulant")}},
  CUSTOM_APPOINTMENT[] = {{"sans-rendez-vous", N_("Sans rendez-vous")},
                          {"sur-rendez-vous", N_("Sur rendez-vous")}},
  CUSTOM_HOURS[] = {{"maintenant", N_("Ouvert maintenant")}, {"apres-17h", N_("Ouvert après 17 h")},
                    {"lundi", N_("Ouvert le lundi")},        {"mardi", N_("Ouvert le mardi")},
                    {"mercredi", N_("Ouvert le mercredi")},  {"jeudi", N_("Ouvert le jeudi")},
                    {"vendredi", N_("Ouvert le vendredi")},  {"samedi", N_("Ouvert le samedi")},
                    {"dimanche", N_("Ouvert le dimanche")}};

#define MODE_FOR_YOU_SLUG "a-votre-place"

const char *search_group_param(search_group g)
{
    return GROUPS[g].param;
}

const char *search_group_title(search_group g)
{
    return GROUPS[g].title;
}

/* ---- the index ---- */

typedef struct bits128 {
    uint64_t w[2];
} bits128;

static void bit_set(bits128 *b, size_t i)
{
    if (i < 128) b->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static bool bit_get(const bits128 *b, size_t i)
{
    return i < 128 && (b->w[i / 64] >> (i % 64)) & 1;
}

static bool bits_any(const bits128 *a, const bits128 *b)
{
    return (a->w[0] & b->w[0]) || (a->w[1] & b->w[1]);
}

static bool bits_empty(const bits128 *a)
{
    return !a->w[0] && !a->w[1];
}

/*
 * An entry's hours as searches use them, from the snapshot's build instant
 * `base` on: open or not at base, the instants (seconds after base) at
 * which that flips over the next two days (a snapshot is rebuilt every
 * day), the coming weekdays it opens, and whether it opens after 17 h.
 */
typedef struct hours_facts {
    int64_t base;
    bool open_at_base;
    bool after_17;
    uint8_t days; /* bit wd (0 = Monday): open on the coming such day */
    uint32_t count;
    uint32_t changes[];
} hours_facts;

enum {
    FACTS_HORIZON_S = 2 * 86400,
    FACTS_MAX_CHANGES = 96,
    FACTS_INLINE_CHANGES = 8 /* two days of a morning and an afternoon */
};

typedef struct entry {
    int64_t id;
    double lat, lon;
    bool has_pos;
    bits128 bits[SG_COUNT];
    uint64_t insee_code, epci_code, departement_code; /* packed for fast equality (pack_code) */
    char *sort_key;     /* commune, then name: only while building (sort_rank) */
    uint32_t sort_rank; /* position of sort_key among all entries */
    /* updated_at as seconds (export_timestamp_seconds), 0 when not in the
     * canonical form: the API orders a search's hits by it (search_hit.updated). */
    uint32_t updated;
    char *hours; /* the hours in force (closures applied), NULL when none */
    hours_context hours_ctx;
    /* What the hours mean for the days of this snapshot, computed the first
     * time a search needs them (hours_facts_of) and kept: a parsed schedule
     * weighs kilobytes, these facts a few dozen bytes. */
    _Atomic(struct hours_facts *) facts;
    /* Where they are kept when they have few changes (most places), next
     * to the rest of the entry: a search around a city reads the facts of
     * thousands of places, and a pointer to each on the heap was a cache
     * miss each (entry_open_now). */
    alignas(hours_facts) unsigned char facts_room[sizeof(hours_facts) +
                                                  FACTS_INLINE_CHANGES * sizeof(uint32_t)];
} entry;

/* A place without usable hours: never open, no day, nothing after 17 h. */
static const hours_facts NO_HOURS_FACTS = {0};
/* Facts being worked out by another thread (hours_facts_of). */
static const hours_facts FACTS_BUSY = {0};

/* Facts of e, with their changes, in the entry's room when they fit, on the
 * heap otherwise; NO_HOURS_FACTS as they are. Only while nobody else can
 * read e's facts (a snapshot being built, or FACTS_BUSY held). */
static hours_facts *facts_place(entry *e, const hours_facts *f, const uint32_t *changes)
{
    if (f == &NO_HOURS_FACTS) return (hours_facts *)&NO_HOURS_FACTS;
    hours_facts *to = f->count <= FACTS_INLINE_CHANGES
                          ? (hours_facts *)(void *)e->facts_room
                          : xmalloc(sizeof *f + f->count * sizeof f->changes[0]);
    *to = *f;
    memcpy(to->changes, changes, f->count * sizeof f->changes[0]);
    return to;
}

static bool facts_on_heap(const entry *e, const hours_facts *f)
{
    return f && f != &NO_HOURS_FACTS && f != &FACTS_BUSY &&
           (const void *)f != (const void *)e->facts_room;
}

/* An entry's place in one of the snapshot's lookup arrays. */
typedef struct entry_ref {
    uint64_t key;   /* grid cell, or a packed code (commune, EPCI, département) */
    uint32_t index; /* in snapshot.entries */
} entry_ref;

typedef struct snapshot {
    /* Sorted by grid cell, then id (the places without a position last), so
     * that a search around a point reads the entries near it from one stretch
     * of memory rather than from all over the catalogue. */
    entry *entries;
    size_t count;
    uint32_t *by_id; /* entry indexes in the order of their ids (find_entry) */
    /* Where to look, so that a search around a commune touches the places
     * near it rather than the whole country: the positioned entries by grid
     * cell, and the entries by commune, EPCI and département (each sorted
     * by key, then index). */
    entry_ref *by_cell, *by_insee, *by_epci, *by_dep;
    size_t cell_count, insee_count, epci_count, dep_ref_count;
    search_dep_count deps[SEARCH_MAX_DEPARTEMENTS]; /* places per département, by code */
    size_t dep_count;
    int64_t version;
    int64_t built_day;
    int64_t built_at; /* the instant the hours facts are computed from */
    int refs;
} snapshot;

typedef rank_synonym synonym; /* phrase folded; service -1: a word to drop */

/* The synonyms one language's pages read (issue 18): French's
 * (data/synonyms.tsv) everywhere, and for another language also the words
 * of data/synonyms.LL.tsv and its catalogue's names of the services, so that
 * a need typed in the visitor's language means what its French word does. */
typedef struct synonym_table {
    synonym *items;
    size_t count;
} synonym_table;

enum { SEARCH_MAX_LANGS = 16 };

/* A result-list item of a place (place_list_item), kept for the data
 * version it was built for and until the moment it stops being true: its
 * hours say "open now" and "closes at 17 h", so it is good until the place
 * next opens or closes, or midnight (place_list_item's valid_until). Until
 * then the items of a page are not rebuilt at each minute with the page. */
typedef struct item_slot {
    int64_t id, version, valid_until;
    const i18n_lang *lang; /* its words (services, status) are in this language */
    json_t *item;
} item_slot;

enum { ITEM_CACHE_SLOTS = 1024 /* direct-mapped by id: bounded memory, no eviction list */ };

/* The full-text matches of one MATCH expression, every one of them, kept
 * for the catalogue version they were read at and shared by the searches
 * that ask the same words: the same few need words ("ordinateur",
 * "démarches CAF") come back in search after search around different
 * communes, and scoring every match by bm25 costs tens of milliseconds at
 * 30 000 places, a third of a second at 300 000 ("internet" matches
 * 263 000 of them). A search looks its candidates up by id (dir below)
 * and never copies the set; the slots together keep at most a few matches
 * per place of the catalogue. */
typedef struct text_match {
    int64_t id;
    double relevance;
    bool in_name; /* some of the words are in the place's name */
} text_match;

typedef struct match_set {
    int refs;         /* the slot's and each search's; under fts_lock */
    text_match *rows; /* sorted by id */
    size_t count;
    size_t *named, named_cnt; /* rows whose name holds some of the words */
    /* Where each id is: the rows of ids [b << shift, (b + 1) << shift) are
     * rows[dir[b]] to rows[dir[b + 1]] (a few each), so that a search
     * around a city, which asks for thousands of places, finds each in one
     * or two memory reads rather than a binary search of 300 000. */
    uint32_t *dir;
    size_t buckets;
    unsigned shift;
} match_set;

typedef struct fts_slot {
    char *match;
    int64_t version;
    match_set *set;
    /* The expression a thread is reading for this slot now: the others
     * asking the same wait for it rather than read it too. */
    char *reading;
} fts_slot;

enum {
    FTS_CACHE_SLOTS = 64, /* direct-mapped by the expression's hash */
    /* Matches kept in all slots together, per place of the catalogue (and
     * at least FTS_CACHE_MIN_ROWS): a few common words' sets; the largest
     * other sets are dropped to make room. 24 bytes a match. */
    FTS_CACHE_ROWS_PER_PLACE = 4,
    FTS_CACHE_MIN_ROWS = 200000,
};

struct search_index {
    pthread_mutex_t items_lock; /* guards items */
    item_slot *items;           /* ITEM_CACHE_SLOTS */
    pthread_mutex_t fts_lock;   /* guards fts */
    pthread_cond_t fts_read;    /* signalled when a slot's reading ends */
    fts_slot fts[FTS_CACHE_SLOTS];
    pthread_mutex_t lock;
    pthread_cond_t built; /* signalled when a rebuild finishes */
    bool building;        /* a thread is rebuilding the snapshot */
    snapshot *current;
    group_value *values[SG_COUNT];
    size_t value_count[SG_COUNT];
    synonym_table synonyms[SEARCH_MAX_LANGS]; /* by index in I18N_LANGS; [0] French */
};

/* Drop one reference to a match set (NULL: nothing). */
static void match_set_release(search_index *si, match_set *set)
{
    if (!set) return;
    pthread_mutex_lock(&si->fts_lock);
    bool last = --set->refs == 0;
    pthread_mutex_unlock(&si->fts_lock);
    if (!last) return;
    free(set->rows);
    free(set->named);
    free(set->dir);
    free(set);
}

/* Build set->dir over the rows (sorted by id). */
static void match_set_index(match_set *set)
{
    int64_t max_id = set->count ? set->rows[set->count - 1].id : 0;
    if (max_id < 0) max_id = 0;
    size_t want = set->count / 4 + 1; /* about four rows a bucket */
    unsigned shift = 0;
    while (shift < 62 && (uint64_t)(max_id >> shift) + 1 > want)
        shift++;
    set->shift = shift;
    set->buckets = (size_t)(max_id >> shift) + 1;
    set->dir = xmalloc((set->buckets + 1) * sizeof *set->dir);
    size_t r = 0;
    for (size_t b = 0; b <= set->buckets; b++) {
        while (r < set->count && set->rows[r].id >= 0 && (size_t)(set->rows[r].id >> shift) < b)
            r++;
        set->dir[b] = (uint32_t)r;
    }
}

/* The match of place `id`, or NULL. */
static const text_match *match_find(const match_set *set, int64_t id)
{
    if (!set || id < 0 || (uint64_t)(id >> set->shift) >= set->buckets) return NULL;
    size_t b = (size_t)(id >> set->shift), lo = set->dir[b], hi = set->dir[b + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set->rows[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < set->dir[b + 1] && set->rows[lo].id == id ? &set->rows[lo] : NULL;
}

static void add_value(search_index *si, search_group g, const char *slug_source, const char *label,
                      const char *value)
{
    si->values[g] = xrealloc(si->values[g], (si->value_count[g] + 1) * sizeof(group_value));
    si->values[g][si->value_count[g]++] = (group_value){text_slug(slug_source), label, value};
}

static void add_vocab(search_index *si, search_group g, vocab_kind kind)
{
    size_t n;
    const vocab_entry *e = vocab_entries(kind, &n);
    for (size_t i = 0; i < n; i++)
        add_value(si, g, e[i].value, e[i].label, e[i].value);
}

static int service_index(const char *value)
{
    size_t n;
    const vocab_entry *e = vocab_entries(VOCAB_SERVICES, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].value, value) == 0) return (int)i;
    return -1;
}

static void add_synonym(synonym_table *table, char *phrase, int service)
{
    size_t words = *phrase ? 1 : 0;
    for (char *p = phrase; *p; p++)
        words += *p == ' ';
    table->items = xrealloc(table->items, (table->count + 1) * sizeof(synonym));
    table->items[table->count++] = (synonym){phrase, words, service};
}

/* Read a synonym file into table; false when there is none. */
static bool load_synonyms(synonym_table *table, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = '\0';
        char *target = str_trim(tab + 1);
        int service = strcmp(target, "-") == 0 ? -1 : service_index(target);
        if (service < 0 && strcmp(target, "-") != 0) {
            fprintf(stderr, "repere: synonyms (%s): unknown service '%s'\n", path, target);
            continue;
        }
        add_synonym(table, text_fold_words(line), service);
    }
    fclose(f);
    return true;
}

/* Another language's table: French's lines, the language's own file
 * (data/synonyms.LL.tsv beside the French one) and the services' names as
 * its catalogue gives them ("Jobs and training"). */
static void load_language_synonyms(synonym_table *table, const synonym_table *french,
                                   const char *french_path, const i18n_lang *l)
{
    for (size_t i = 0; i < french->count; i++)
        add_synonym(table, xstrdup(french->items[i].phrase), french->items[i].service);
    size_t len = strlen(french_path);
    char *path = len > 4 && !strcmp(french_path + len - 4, ".tsv")
                     ? xasprintf("%.*s.%s.tsv", (int)(len - 4), french_path, l->code)
                     : xasprintf("%s.%s", french_path, l->code);
    load_synonyms(table, path);
    free(path);
    size_t n;
    const vocab_entry *e = vocab_entries(VOCAB_SERVICES, &n);
    i18n_enter(l);
    for (size_t i = 0; i < n; i++) {
        const char *name = gettext(e[i].label);
        if (name != e[i].label) add_synonym(table, text_fold_words(name), (int)i);
    }
    i18n_leave();
}

search_index *search_index_new(const char *synonyms_path)
{
    search_index *si = xcalloc(1, sizeof *si);
    pthread_mutex_init(&si->lock, NULL);
    pthread_cond_init(&si->built, NULL);
    pthread_mutex_init(&si->items_lock, NULL);
    pthread_mutex_init(&si->fts_lock, NULL);
    pthread_cond_init(&si->fts_read, NULL);
    si->items = xcalloc(ITEM_CACHE_SLOTS, sizeof *si->items);
    add_vocab(si, SG_SERVICE, VOCAB_SERVICES);
    add_vocab(si, SG_TYPE, VOCAB_TYPOLOGIE);
    add_vocab(si, SG_PUBLIC, VOCAB_PUBLICS);
    add_vocab(si, SG_SUPPORT, VOCAB_SUPPORT);
    for (size_t i = 0; i < ARRAY_LEN(CUSTOM_FEES); i++)
        add_value(si, SG_FEES, CUSTOM_FEES[i].slug, CUSTOM_FEES[i].label, NULL);
    add_vocab(si, SG_MODE, VOCAB_SUPPORT_MODES);
    add_value(si, SG_MODE, MODE_FOR_YOU_SLUG, N_("Fait les démarches à votre place"), NULL);
    add_vocab(si, SG_PROGRAMME, VOCAB_PROGRAMMES);
    add_vocab(si, SG_PROGRAMME, VOCAB_LABELS);
    for (size_t i = 0; i < ARRAY_LEN(CUSTOM_ACCESS); i++)
        add_value(si, SG_ACCESS, CUSTOM_ACCESS[i].slug, CUSTOM_ACCESS[i].label, NULL);
    for (size_t i = 0; i < ARRAY_LEN(CUSTOM_HOURS); i++)
        add_value(si, SG_HOURS, CUSTOM_HOURS[i].slug, CUSTOM_HOURS[i].label, NULL);
    for (size_t i = 0; i < ARRAY_LEN(CUSTOM_APPOINTMENT); i++)
        add_value(si, SG_APPOINTMENT, CUSTOM_APPOINTMENT[i].slug, CUSTOM_APPOINTMENT[i].label,
                  NULL);
    if (!load_synonyms(&si->synonyms[0], synonyms_path))
        fprintf(stderr, "repere: no synonym table at %s: searching without it\n", synonyms_path);
    for (size_t l = 1; l < I18N_COUNT && l < SEARCH_MAX_LANGS; l++)
        if (i18n_served(&I18N_LANGS[l]))
            load_language_synonyms(&si->synonyms[l], &si->synonyms[0], synonyms_path,
                                   &I18N_LANGS[l]);
    return si;
}

static void snapshot_free(snapshot *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->count; i++) {
        free(s->entries[i].sort_key);
        free(s->entries[i].hours);
        hours_facts *f = atomic_load(&s->entries[i].facts);
        if (facts_on_heap(&s->entries[i], f)) free(f);
    }
    free(s->entries);
    free(s->by_id);
    free(s->by_cell);
    free(s->by_insee);
    free(s->by_epci);
    free(s->by_dep);
    free(s);
}

void search_index_free(search_index *si)
{
    if (!si) return;
    snapshot_free(si->current);
    for (int g = 0; g < SG_COUNT; g++) {
        for (size_t i = 0; i < si->value_count[g]; i++)
            free(si->values[g][i].slug);
        free(si->values[g]);
    }
    for (size_t l = 0; l < SEARCH_MAX_LANGS; l++) {
        for (size_t i = 0; i < si->synonyms[l].count; i++)
            free(si->synonyms[l].items[i].phrase);
        free(si->synonyms[l].items);
    }
    for (size_t i = 0; i < ITEM_CACHE_SLOTS; i++)
        json_decref(si->items[i].item);
    free(si->items);
    for (size_t i = 0; i < FTS_CACHE_SLOTS; i++) {
        free(si->fts[i].match);
        match_set_release(si, si->fts[i].set);
    }
    pthread_mutex_destroy(&si->fts_lock);
    pthread_cond_destroy(&si->fts_read);
    pthread_mutex_destroy(&si->items_lock);
    pthread_mutex_destroy(&si->lock);
    pthread_cond_destroy(&si->built);
    free(si);
}

/* Set the bits of group g for each '|' item of a vocabulary cell. */
typedef struct cell_ctx {
    const search_index *si;
    search_group g;
    bits128 *bits;
} cell_ctx;

static void set_item_bit(const char *item, void *ctx)
{
    cell_ctx *c = ctx;
    for (size_t i = 0; i < c->si->value_count[c->g]; i++) {
        const char *v = c->si->values[c->g][i].value;
        if (v && strcmp(v, item) == 0) {
            bit_set(c->bits, i);
            return;
        }
    }
}

static void set_cell_bits(const search_index *si, search_group g, const char *cell, bits128 *bits)
{
    if (!cell) return;
    cell_ctx c = {si, g, bits};
    vocab_split(cell, set_item_bit, &c);
}

static size_t value_index(const search_index *si, search_group g, const char *slug)
{
    for (size_t i = 0; i < si->value_count[g]; i++)
        if (strcmp(si->values[g][i].slug, slug) == 0) return i;
    return (size_t)-1;
}

/* Used by: the search index (one row per open place). */
static const char Q_INDEX[] =
    "SELECT p.id, p.latitude, p.longitude, p.services, p.typologies, p.publics, p.support,"
    " p.fees, p.pass_numerique_accepted, p.support_modes, p.does_procedures_for_you,"
    " p.programmes, p.labels, p.wheelchair_accessible, p.commune_insee, c.epci,"
    " p.departement, p.hours, p.timezone, p.commune_key || ' ' || p.name_key,"
    " p.access_modes, p.booking_url, p.updated_at"
    " FROM place p LEFT JOIN commune c ON c.insee = p.commune_insee"
    " WHERE p.closed_at IS NULL ORDER BY p.id";

/* Up to 8 bytes of a short code ("2A004", "200069193", "974") as one integer. */
static uint64_t pack_code(const char *code)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 8 && code && code[i]; i++)
        v |= (uint64_t)(unsigned char)code[i] << (8 * i);
    return v;
}

static void copy_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* Used by: the search index (places with current or coming closures; a day of
 * margin covers every time zone). */
static const char Q_CLOSED_PLACES[] =
    "SELECT DISTINCT place_id FROM place_closure WHERE ends_on >= date(:now, 'unixepoch', '-1 day')"
    " ORDER BY place_id";

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_dep_code(const void *a, const void *b)
{
    return strcmp(((const search_dep_count *)a)->code, ((const search_dep_count *)b)->code);
}

static int cmp_entry_key(const void *a, const void *b)
{
    const entry *x = *(const entry *const *)a, *y = *(const entry *const *)b;
    int c = strcmp(x->sort_key, y->sort_key);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* The grid: cells of GRID_DEGREES, rows from the south pole, columns from
 * the antimeridian. Coordinates outside the world go to the border cells,
 * so a box that reaches past them still finds them (the exact box test is
 * done on each entry). */
#define GRID_DEGREES 0.02
enum { GRID_ROWS = 9000, GRID_COLS = 18000 };

static uint32_t grid_coord(double degrees, double origin, uint32_t count)
{
    double f = floor((degrees + origin) / GRID_DEGREES);
    if (!(f >= 0)) return 0; /* also NaN */
    if (f >= (double)count) return count - 1;
    return (uint32_t)f;
}

static uint64_t grid_key(uint32_t row, uint32_t col)
{
    return (uint64_t)row * GRID_COLS + col;
}

/* The entry's grid cell; UINT64_MAX without a position. */
static uint64_t entry_cell(const entry *e)
{
    if (!e->has_pos) return UINT64_MAX;
    return grid_key(grid_coord(e->lat, 90, GRID_ROWS), grid_coord(e->lon, 180, GRID_COLS));
}

static int cmp_ref(const void *a, const void *b)
{
    const entry_ref *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* The first ref whose key is >= key. */
static size_t ref_lower_bound(const entry_ref *refs, size_t count, uint64_t key)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (refs[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Entry refs keyed by `field` (an offset of a packed code in entry), for
 * the entries where it is set; or by grid cell when field is (size_t)-1. */
static entry_ref *build_refs(const snapshot *s, size_t field, size_t *count)
{
    entry_ref *refs = xmalloc((s->count ? s->count : 1) * sizeof *refs);
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++) {
        const entry *e = &s->entries[i];
        uint64_t key;
        if (field == (size_t)-1) {
            if (!e->has_pos) continue;
            key = entry_cell(e);
        } else {
            memcpy(&key, (const char *)e + field, sizeof key);
            if (!key) continue;
        }
        refs[n++] = (entry_ref){key, (uint32_t)i};
    }
    qsort(refs, n, sizeof *refs, cmp_ref);
    *count = n;
    return refs;
}

/* Same hours, same context: facts computed for one can serve the other. */
static bool same_hours(const entry *a, const entry *b)
{
    if (!a->hours || !b->hours) return !a->hours && !b->hours;
    return strcmp(a->hours, b->hours) == 0 && hours_context_same(&a->hours_ctx, &b->hours_ctx);
}

/*
 * Take over the hours facts the previous snapshot computed, for the entries
 * whose hours and context did not change, when it was built the same day
 * (the facts hold absolute instants and the coming weekdays from their own
 * base: still true). An edit in the admin area then costs the next searches
 * one place's facts, not the whole catalogue's.
 */
static void carry_facts(snapshot *s, const snapshot *old)
{
    if (!old || old->built_day != s->built_day) return;
    size_t j = 0;
    for (size_t i = 0; i < s->count; i++) {
        entry *e = &s->entries[s->by_id[i]];
        while (j < old->count && old->entries[old->by_id[j]].id < e->id)
            j++;
        if (j == old->count) break;
        const entry *o = &old->entries[old->by_id[j]];
        if (o->id != e->id || !same_hours(e, o)) continue;
        const hours_facts *f = atomic_load(&((entry *)o)->facts);
        if (!f || f == &FACTS_BUSY) continue;
        atomic_store(&e->facts, facts_place(e, f, f->changes));
    }
}

/* One more place in département dep (places per département, for the
 * home page). */
static void count_departement(snapshot *s, const char *dep)
{
    if (!dep[0]) return;
    size_t k = 0;
    while (k < s->dep_count && strcmp(s->deps[k].code, dep) != 0)
        k++;
    if (k == s->dep_count) {
        if (k == SEARCH_MAX_DEPARTEMENTS) return;
        snprintf(s->deps[k].code, sizeof s->deps[k].code, "%s", dep);
        s->dep_count++;
    }
    s->deps[k].count++;
}

/* Put the entries (read in id order) in grid-cell order, in place (one
 * entry of extra memory: at 300 000 places an array is 80 MB), keeping
 * where each id went in by_id. */
static void sort_by_cell(snapshot *s)
{
    entry_ref *order = xmalloc((s->count ? s->count : 1) * sizeof *order);
    for (size_t i = 0; i < s->count; i++)
        order[i] = (entry_ref){entry_cell(&s->entries[i]), (uint32_t)i};
    qsort(order, s->count, sizeof *order, cmp_ref); /* by cell, then index: by id */
    s->by_id = xmalloc((s->count ? s->count : 1) * sizeof *s->by_id);
    for (size_t k = 0; k < s->count; k++)
        s->by_id[order[k].index] = (uint32_t)k;
    /* Position k takes the entry at order[k].index: follow each cycle. */
    entry tmp;
    for (size_t i = 0; i < s->count; i++) {
        if (order[i].index == i) continue;
        memcpy(&tmp, &s->entries[i], sizeof tmp);
        size_t j = i;
        for (;;) {
            size_t from = order[j].index;
            order[j].index = (uint32_t)j;
            if (from == i) {
                memcpy(&s->entries[j], &tmp, sizeof tmp);
                break;
            }
            memcpy(&s->entries[j], &s->entries[from], sizeof tmp);
            j = from;
        }
    }
    free(order);
}

static snapshot *build(const search_index *si, db *d, int64_t version, int64_t now,
                       const snapshot *old)
{
    int64_t *with_closures = NULL;
    size_t closure_count = 0, closure_cap = 0;
    {
        sqlite3_stmt *q = db_stmt(db_reader(d), Q_CLOSED_PLACES);
        db_bind_int(q, ":now", now);
        while (sqlite3_step(q) == SQLITE_ROW) {
            if (closure_count == closure_cap)
                with_closures =
                    xrealloc(with_closures,
                             (closure_cap = closure_cap ? closure_cap * 2 : 64) * sizeof(int64_t));
            with_closures[closure_count++] = sqlite3_column_int64(q, 0);
        }
        sqlite3_reset(q);
    }
    snapshot *s = xcalloc(1, sizeof *s);
    s->version = version;
    s->built_day = now / 86400;
    s->built_at = now;
    size_t cap = 0;
    db_conn *c = db_reader(d);
    sqlite3_stmt *st = db_stmt(c, Q_INDEX);
    const size_t fee_free = value_index(si, SG_FEES, "gratuit");
    const size_t for_you = value_index(si, SG_MODE, MODE_FOR_YOU_SLUG);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (s->count == cap)
            s->entries = xrealloc(s->entries, (cap = cap ? cap * 2 : 1024) * sizeof(entry));
        entry *e = &s->entries[s->count++];
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0);
        e->has_pos = sqlite3_column_type(st, 1) != SQLITE_NULL;
        e->lat = sqlite3_column_double(st, 1);
        e->lon = sqlite3_column_double(st, 2);
        set_cell_bits(si, SG_SERVICE, db_col_text(st, 3), &e->bits[SG_SERVICE]);
        set_cell_bits(si, SG_TYPE, db_col_text(st, 4), &e->bits[SG_TYPE]);
        set_cell_bits(si, SG_PUBLIC, db_col_text(st, 5), &e->bits[SG_PUBLIC]);
        set_cell_bits(si, SG_SUPPORT, db_col_text(st, 6), &e->bits[SG_SUPPORT]);
        const char *fees = db_col_text(st, 7);
        if (fees) {
            if (strstr(fees, "Gratuit sous condition")) bit_set(&e->bits[SG_FEES], FEE_FREE_IF);
            if (strstr(fees, "Payant")) bit_set(&e->bits[SG_FEES], FEE_PAID);
            /* "Gratuit" alone, not only as the start of "Gratuit sous condition" */
            char *copy = xasprintf("|%s|", fees);
            if (strstr(copy, "|Gratuit|")) bit_set(&e->bits[SG_FEES], fee_free);
            free(copy);
        }
        if (sqlite3_column_int(st, 8)) bit_set(&e->bits[SG_FEES], FEE_PASS);
        set_cell_bits(si, SG_MODE, db_col_text(st, 9), &e->bits[SG_MODE]);
        if (sqlite3_column_int(st, 10)) bit_set(&e->bits[SG_MODE], for_you);
        set_cell_bits(si, SG_PROGRAMME, db_col_text(st, 11), &e->bits[SG_PROGRAMME]);
        set_cell_bits(si, SG_PROGRAMME, db_col_text(st, 12), &e->bits[SG_PROGRAMME]);
        if (sqlite3_column_type(st, 13) != SQLITE_NULL && sqlite3_column_int(st, 13))
            bit_set(&e->bits[SG_ACCESS], ACCESS_WHEELCHAIR);
        char insee[8], epci[12], departement[4];
        copy_text(insee, sizeof insee, db_col_text(st, 14));
        copy_text(epci, sizeof epci, db_col_text(st, 15));
        copy_text(departement, sizeof departement, db_col_text(st, 16));
        e->insee_code = pack_code(insee);
        e->epci_code = pack_code(epci);
        e->departement_code = pack_code(departement);
        count_departement(s, departement);
        const char *published = db_col_text(st, 17);
        char *hours =
            closure_count && bsearch(&e->id, with_closures, closure_count, sizeof(int64_t), cmp_id)
                ? place_effective_hours(c, e->id, published, departement, db_col_text(st, 18), now,
                                        NULL)
                : (published ? xstrdup(published) : NULL);
        if (hours && hours_context_init(&e->hours_ctx, departement, db_col_text(st, 18)) == 0) {
            e->hours = hours; /* understood later, when a search needs it (hours_facts_of) */
            if (e->has_pos) hours_context_set_position(&e->hours_ctx, e->lat, e->lon);
        } else
            free(hours);
        const char *modes = db_col_text(st, 20), *booking = db_col_text(st, 21);
        if (modes && strstr(modes, "Se présenter"))
            bit_set(&e->bits[SG_APPOINTMENT], APPOINTMENT_NONE);
        if ((modes && (strstr(modes, "RDV") || strstr(modes, "Téléphoner") ||
                       strstr(modes, "Contacter par mail") || strstr(modes, "prescription"))) ||
            (booking && *booking))
            bit_set(&e->bits[SG_APPOINTMENT], APPOINTMENT_NEEDED);
        const char *key = db_col_text(st, 19);
        e->sort_key = xstrdup(key ? key : "");
        int64_t updated;
        if (export_timestamp_seconds(db_col_text(st, 22), &updated) && updated > 0 &&
            updated <= UINT32_MAX)
            e->updated = (uint32_t)updated;
    }
    sqlite3_reset(st);
    free(with_closures);
    qsort(s->deps, s->dep_count, sizeof s->deps[0], cmp_dep_code);
    /* Rank entries by commune + name once, so searches without a location
     * sort integers instead of comparing strings. */
    entry **order = xmalloc((s->count ? s->count : 1) * sizeof *order);
    for (size_t i = 0; i < s->count; i++)
        order[i] = &s->entries[i];
    qsort(order, s->count, sizeof *order, cmp_entry_key);
    for (size_t i = 0; i < s->count; i++) {
        order[i]->sort_rank = (uint32_t)i;
        free(order[i]->sort_key);
        order[i]->sort_key = NULL;
    }
    free(order);
    sort_by_cell(s);
    s->by_cell = build_refs(s, (size_t)-1, &s->cell_count);
    s->by_insee = build_refs(s, offsetof(entry, insee_code), &s->insee_count);
    s->by_epci = build_refs(s, offsetof(entry, epci_code), &s->epci_count);
    s->by_dep = build_refs(s, offsetof(entry, departement_code), &s->dep_ref_count);
    carry_facts(s, old);
    return s;
}

/*
 * Take a reference on an up-to-date snapshot. When the catalogue or the day
 * changed, one thread rebuilds it *outside* the lock while the others go on
 * with the previous snapshot (a search a second stale beats every search
 * waiting for the rebuild); only when there is no snapshot at all do they
 * wait for the first one.
 */
static snapshot *acquire(search_index *si, db *d, int64_t now)
{
    int64_t version = db_version(d);
    pthread_mutex_lock(&si->lock);
    for (;;) {
        snapshot *s = si->current;
        bool stale = !s || s->version != version || s->built_day != now / 86400;
        if (stale && !si->building) {
            si->building = true;
            snapshot *previous = s; /* its facts may be carried over (carry_facts) */
            if (previous) previous->refs++;
            pthread_mutex_unlock(&si->lock);
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            snapshot *fresh = build(si, d, version, now, previous);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            fprintf(stderr, "repere: search index built: %zu places in %.0f ms\n", fresh->count,
                    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                        (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
            pthread_mutex_lock(&si->lock);
            snapshot *old = si->current;
            fresh->refs = 1; /* the index's own reference */
            si->current = fresh;
            si->building = false;
            pthread_cond_broadcast(&si->built);
            if (old && --old->refs == 0) snapshot_free(old);
            if (previous && --previous->refs == 0) snapshot_free(previous);
            continue;
        }
        if (!s) {
            pthread_cond_wait(&si->built, &si->lock);
            continue;
        }
        s->refs++;
        pthread_mutex_unlock(&si->lock);
        return s;
    }
}

static void release(search_index *si, snapshot *s)
{
    pthread_mutex_lock(&si->lock);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&si->lock);
    if (last) snapshot_free(s);
}

size_t search_departement_counts(search_index *si, db *d, search_dep_count *out, size_t max,
                                 size_t *total)
{
    snapshot *s = acquire(si, d, now_utc());
    size_t n = s->dep_count < max ? s->dep_count : max;
    memcpy(out, s->deps, n * sizeof *out);
    *total = s->count;
    release(si, s);
    return n;
}

static hours_facts *compute_facts(entry *e, int64_t base)
{
    hours_error err;
    hours_schedule *h = e->hours ? hours_parse(e->hours, &err) : NULL;
    if (!h) return (hours_facts *)&NO_HOURS_FACTS;
    uint32_t changes[FACTS_MAX_CHANGES];
    size_t n = 0;
    bool open_at_base = false, after_17 = false;
    uint8_t days = 0;
    hours_week_facts(h, &e->hours_ctx, base, FACTS_HORIZON_S, changes, FACTS_MAX_CHANGES, &n,
                     &open_at_base, &days, 17 * 60, &after_17);
    hours_free(h);
    hours_facts f = {.base = base,
                     .open_at_base = open_at_base,
                     .after_17 = after_17,
                     .days = days,
                     .count = (uint32_t)n};
    return facts_place(e, &f, changes);
}

/* The entry's hours facts, computed once per snapshot by whichever thread
 * needs them first; one asking while another computes them waits (tens of
 * microseconds). Entries are otherwise read-only and shared: this one
 * field and its room are a cache, hence the cast. */
static const hours_facts *hours_facts_of(const snapshot *s, const entry *e)
{
    entry *w = (entry *)e;
    for (;;) {
        hours_facts *f = atomic_load_explicit(&w->facts, memory_order_acquire);
        if (f && f != &FACTS_BUSY) return f;
        if (!f) {
            hours_facts *expected = NULL;
            if (atomic_compare_exchange_strong(&w->facts, &expected, (hours_facts *)&FACTS_BUSY)) {
                hours_facts *mine = compute_facts(w, s->built_at);
                atomic_store_explicit(&w->facts, mine, memory_order_release);
                return mine;
            }
            continue;
        }
        sched_yield();
    }
}

void search_index_warm(search_index *si, db *d, const atomic_bool *stop)
{
    snapshot *s = acquire(si, d, now_utc());
    for (size_t i = 0; i < s->count && !(stop && atomic_load(stop)); i++)
        hours_facts_of(s, &s->entries[i]);
    release(si, s);
}

/* Is the entry open at `now`? *until (never NULL) is lowered to the instant
 * that answer may next change: the entry's next flip within the facts'
 * horizon, or a minute when the facts are outdated. */
static bool entry_open_now(const snapshot *s, const entry *e, int64_t now, int64_t *until)
{
    const hours_facts *f = hours_facts_of(s, e);
    if (f == &NO_HOURS_FACTS) return false;
    if (now >= f->base + FACTS_HORIZON_S) { /* a snapshot older than its horizon: ask the rule */
        hours_error err;
        hours_schedule *h = hours_parse(e->hours, &err);
        bool open = h && hours_is_open(h, &e->hours_ctx, now);
        hours_free(h);
        if (now + 60 < *until) *until = now + 60;
        return open;
    }
    bool open = f->open_at_base;
    uint32_t i = 0;
    for (; i < f->count && f->base + f->changes[i] <= now; i++)
        open = !open;
    int64_t next = i < f->count ? f->base + f->changes[i] : f->base + FACTS_HORIZON_S;
    if (next < *until) *until = next;
    return open;
}

/* The hours group's values an entry has at `now` (*until: see entry_open_now). */
static bits128 hours_bits(const snapshot *s, const entry *e, int64_t now, int64_t *until)
{
    bits128 b = {{0}};
    const hours_facts *f = hours_facts_of(s, e);
    if (f == &NO_HOURS_FACTS) return b;
    if (entry_open_now(s, e, now, until)) bit_set(&b, HOURS_NOW);
    if (f->after_17) bit_set(&b, HOURS_AFTER_17);
    for (int wd = 0; wd < 7; wd++)
        if (f->days & (1u << wd)) bit_set(&b, HOURS_DAY + (size_t)wd);
    return b;
}

/* ---- parameters ---- */

bool search_value_known(const search_index *si, search_group g, const char *slug)
{
    return value_index(si, g, slug) != (size_t)-1;
}

/* ---- text ---- */

/* One word, quoted (inner quotes doubled); "oe"/"ae" as the ligatures œ/æ
 * when `ligatures` (the FTS tokenizer keeps "œil" whole while the query's
 * folding wrote "oeil"); without its last `drop` bytes (a plural's s). */
static void fts_word(buf *b, const char *word, bool ligatures, size_t drop, bool prefix)
{
    buf_putc(b, '"');
    size_t n = strlen(word) - drop;
    for (size_t i = 0; i < n; i++) {
        const char *c = word + i;
        if (ligatures && (c[0] == 'o' || c[0] == 'a') && c[1] == 'e' && i + 1 < n) {
            buf_puts(b, c[0] == 'o' ? "œ" : "æ");
            i++;
            continue;
        }
        if (*c == '"') buf_putc(b, '"');
        buf_putc(b, *c);
    }
    buf_putc(b, '"');
    if (prefix) buf_putc(b, '*');
}

/* Does the word have other written forms to look for: a ligature
 * ("oeil" / "œil"), a singular ("services" / "service")? */
static bool has_ligature(const char *w)
{
    return strstr(w, "oe") || strstr(w, "ae");
}

static bool is_plural(const char *w)
{
    size_t n = strlen(w);
    return n >= 5 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != '"';
}

/* The words as an FTS5 expression: all of them, or `any` of them. */
static char *fts_expression(const char *const *words, size_t count, bool any)
{
    if (count > SEARCH_MAX_TERMS) count = SEARCH_MAX_TERMS;
    /* FTS5 wants an explicit AND next to a parenthesised group. */
    bool groups = false;
    for (size_t i = 0; i < count; i++)
        groups = groups || has_ligature(words[i]) || is_plural(words[i]);
    buf b = {0};
    for (size_t i = 0; i < count; i++) {
        if (!words[i][0]) continue;
        if (b.len) buf_puts(&b, any ? " OR " : groups ? " AND " : " ");
        bool prefix = i == count - 1 && strlen(words[i]) >= 2;
        bool ligature = has_ligature(words[i]), plural = is_plural(words[i]);
        if (ligature || plural) buf_putc(&b, '(');
        fts_word(&b, words[i], false, 0, prefix);
        if (ligature) {
            buf_puts(&b, " OR ");
            fts_word(&b, words[i], true, 0, prefix);
        }
        if (plural) {
            buf_puts(&b, " OR ");
            fts_word(&b, words[i], false, 1, prefix);
        }
        if (ligature || plural) buf_putc(&b, ')');
    }
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}

char *search_fts_query(const char *const *words, size_t count)
{
    return fts_expression(words, count, false);
}

typedef struct analysis {
    bits128 services; /* needs recognised through synonyms (none when literal) */
    char *words[SEARCH_MAX_TERMS];
    size_t word_count;
    bool last_is_need; /* the last word is a need's, typed whole: no prefix search */
    char *folded;      /* owns the words */
} analysis;

/* Split the folded query into words; recognise synonym phrases (longest
 * first); keep the other words for the full-text search. */
static void analyse(const search_index *si, const char *q, bool literal, analysis *a)
{
    memset(a, 0, sizeof *a);
    /* The synonyms of the page's language (French's alone on French pages). */
    size_t lang = (size_t)(i18n_current() - I18N_LANGS);
    const synonym_table *table = lang < SEARCH_MAX_LANGS && si->synonyms[lang].count
                                     ? &si->synonyms[lang]
                                     : &si->synonyms[0];
    /* Words in other scripts count on the pages of their languages; French
     * pages fold as they always did (such letters are separators there). */
    a->folded = lang == 0 ? text_fold(q ? q : "") : text_fold_words(q ? q : "");
    char *tokens[64];
    size_t n = 0;
    for (char *t = strtok(a->folded, " "); t && n < ARRAY_LEN(tokens); t = strtok(NULL, " "))
        tokens[n++] = t;
    for (size_t i = 0; i < n;) {
        bool typo = false;
        const synonym *best =
            rank_match_synonym(table->items, table->count, tokens + i, n - i, &typo);
        if (best) {
            /* A need is an interpretation (rank.h): its words, as typed, are
             * searched in the text too, unless only a typo made them a need
             * (no text has "ordinatuer"). */
            /* A phrase may stand for several needs, one line each
             * ("france travail": a job, and the procedures online). */
            for (size_t k = 0; k < table->count && !literal && best->service >= 0; k++)
                if (table->items[k].service >= 0 &&
                    strcmp(table->items[k].phrase, best->phrase) == 0)
                    bit_set(&a->services, (size_t)table->items[k].service);
            for (size_t w = 0; w < best->words && best->service >= 0 && (!typo || literal); w++)
                if (a->word_count < SEARCH_MAX_TERMS) {
                    a->words[a->word_count++] = tokens[i + w];
                    a->last_is_need = true;
                }
            i += best->words;
        } else {
            if (a->word_count < SEARCH_MAX_TERMS) {
                a->words[a->word_count++] = tokens[i];
                a->last_is_need = false;
            }
            i++;
        }
    }
}

/* Used by: fts_read — every place the expression matches with its score,
 * in id order (FTS5's own order: no sorting); never joined with geography. */
static const char Q_FTS[] = "SELECT rowid, bm25(place_fts, 10.0, 4.0, 4.0, 3.0, 2.0, 1.0)"
                            " FROM place_fts WHERE place_fts MATCH :q ORDER BY rowid";
/* Used by: fts_read — the places with some of the words in their name. */
static const char Q_FTS_NAMED[] =
    "SELECT rowid FROM place_fts WHERE place_fts MATCH :q ORDER BY rowid";

/* Read every match of `match` (all the words) and mark those whose name
 * holds any of them (`named`, the same words joined by OR); NULL on an FTS
 * error, which means "no result", never a 500. */
static match_set *fts_read(db *d, const char *match, const char *named)
{
    db_conn *c = db_reader(d);
    sqlite3_stmt *s = db_stmt_try(c, Q_FTS);
    if (!s) return NULL;
    match_set *set = xcalloc(1, sizeof *set);
    size_t cap = 0;
    double best = 0; /* bm25 is negative: lower is better */
    int rc;
    db_bind_text(s, ":q", match);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (set->count == cap)
            set->rows = xrealloc(set->rows, (cap = cap ? cap * 2 : 256) * sizeof *set->rows);
        double score = sqlite3_column_double(s, 1);
        if (score < best) best = score;
        /* the score for now; relative to the best once all are read */
        set->rows[set->count++] = (text_match){sqlite3_column_int64(s, 0), score, false};
    }
    sqlite3_reset(s);
    for (size_t i = 0; i < set->count; i++)
        set->rows[i].relevance = best < 0 ? set->rows[i].relevance / best : 1.0;
    sqlite3_stmt *n = rc == SQLITE_DONE && set->count ? db_stmt_try(c, Q_FTS_NAMED) : NULL;
    if (n) {
        /* Both lists in id order: one merge. */
        char *expr = xasprintf("name : (%s)", named);
        db_bind_text(n, ":q", expr);
        size_t i = 0, ncap = 0;
        while ((rc = sqlite3_step(n)) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(n, 0);
            while (i < set->count && set->rows[i].id < id)
                i++;
            if (i == set->count || set->rows[i].id != id) continue;
            set->rows[i].in_name = true;
            if (set->named_cnt == ncap)
                set->named =
                    xrealloc(set->named, (ncap = ncap ? ncap * 2 : 16) * sizeof *set->named);
            set->named[set->named_cnt++] = i;
        }
        sqlite3_reset(n);
        free(expr);
    }
    if (rc != SQLITE_DONE) {
        free(set->rows);
        free(set->named);
        free(set);
        return NULL;
    }
    match_set_index(set);
    set->refs = 1;
    return set;
}

/* The places the words match, for this catalogue version: shared (release
 * with match_set_release), NULL when nothing to search or an FTS error. */
static match_set *fts_candidates(search_index *si, db *d, const analysis *a, size_t places)
{
    char *match = fts_expression((const char *const *)a->words, a->word_count, false);
    char *named = fts_expression((const char *const *)a->words, a->word_count, true);
    if (!match || !named) {
        free(match);
        free(named);
        return NULL;
    }
    /* "caf" is the CAF, not every "café". */
    if (a->last_is_need) {
        size_t len = strlen(match), nlen = strlen(named);
        if (len && match[len - 1] == '*') match[len - 1] = '\0';
        if (nlen && named[nlen - 1] == '*') named[nlen - 1] = '\0';
    }
    const int64_t version = db_version(d);
    fts_slot *slot = &si->fts[(uint64_t)XXH3_64bits(match, strlen(match)) % FTS_CACHE_SLOTS];
    match_set *set = NULL;
    bool reader = false; /* this thread reads the expression for the slot */
    pthread_mutex_lock(&si->fts_lock);
    for (;;) {
        if (slot->match && slot->set && slot->version == version &&
            strcmp(slot->match, match) == 0) {
            set = slot->set;
            set->refs++;
            pthread_mutex_unlock(&si->fts_lock);
            free(match);
            free(named);
            return set;
        }
        if (!slot->reading) {
            slot->reading = xstrdup(match);
            reader = true;
            break;
        }
        if (strcmp(slot->reading, match) != 0) break; /* another expression: read it too */
        pthread_cond_wait(&si->fts_read, &si->fts_lock);
    }
    pthread_mutex_unlock(&si->fts_lock);
    set = fts_read(d, match, named);
    free(named);
    match_set *dropped[FTS_CACHE_SLOTS + 1];
    size_t ndropped = 0;
    pthread_mutex_lock(&si->fts_lock);
    if (set) {
        set->refs++; /* the slot's and this search's */
        dropped[ndropped++] = slot->set;
        free(slot->match);
        slot->match = match;
        slot->version = version;
        slot->set = set;
        /* Within the budget: the largest other sets go first. */
        size_t budget = places * FTS_CACHE_ROWS_PER_PLACE;
        if (budget < FTS_CACHE_MIN_ROWS) budget = FTS_CACHE_MIN_ROWS;
        for (;;) {
            size_t total = 0, largest = 0;
            fts_slot *victim = NULL;
            for (size_t i = 0; i < FTS_CACHE_SLOTS; i++) {
                fts_slot *o = &si->fts[i];
                if (!o->set) continue;
                total += o->set->count;
                if (o != slot && o->set->count >= largest) largest = o->set->count, victim = o;
            }
            if (total <= budget || !victim) break;
            dropped[ndropped++] = victim->set;
            victim->set = NULL;
            free(victim->match);
            victim->match = NULL;
        }
    } else {
        free(match);
    }
    if (reader) {
        char *done = slot->reading;
        slot->reading = NULL;
        pthread_cond_broadcast(&si->fts_read);
        free(done);
    }
    pthread_mutex_unlock(&si->fts_lock);
    for (size_t i = 0; i < ndropped; i++)
        match_set_release(si, dropped[i]);
    return set;
}

/* ---- running a search ---- */

typedef struct candidate {
    const entry *e;
    double distance;
    double relevance;
    bool always; /* in the chosen commune or its EPCI, or named by the words */
    rank_tier tier;
    unsigned fails;   /* bit g set when the entry fails group g's filter */
    bool hours_known; /* hours: its hours group's values, read once */
    bits128 hours;
} candidate;

static const double RADII[] = {5, 10, 20, 50};

static int cmp_hit(const void *a, const void *b, void *ctx)
{
    const search_hit *x = a, *y = b;
    (void)ctx;
    rank_key kx = {x->tier, x->in_commune, x->distance_km, x->relevance, x->id},
             ky = {y->tier, y->in_commune, y->distance_km, y->relevance, y->id};
    return rank_compare(&kx, &ky);
}

/* Put the `first` best hits in rank order at the front (all of them when
 * first is 0 or not fewer than count): a heap of the best `first` seen,
 * worst on top, then sorted; the others after them in no order. */
static void rank_first(search_hit *hits, size_t count, size_t first)
{
    if (!first || first * 4 >= count) {
        qsort_r(hits, count, sizeof *hits, cmp_hit, NULL);
        return;
    }
    /* hits[0..first) is a max-heap by cmp_hit (its root the worst kept). */
    for (size_t i = 0; i < count; i++) {
        size_t at;
        if (i < first) {
            at = i;
            while (at && cmp_hit(&hits[(at - 1) / 2], &hits[at], NULL) < 0) {
                search_hit t = hits[at];
                hits[at] = hits[(at - 1) / 2];
                hits[(at - 1) / 2] = t;
                at = (at - 1) / 2;
            }
            continue;
        }
        if (cmp_hit(&hits[i], &hits[0], NULL) >= 0) continue; /* not better than the worst kept */
        search_hit t = hits[0];
        hits[0] = hits[i];
        hits[i] = t;
        at = 0;
        for (;;) {
            size_t l = 2 * at + 1, r = l + 1, big = at;
            if (l < first && cmp_hit(&hits[l], &hits[big], NULL) > 0) big = l;
            if (r < first && cmp_hit(&hits[r], &hits[big], NULL) > 0) big = r;
            if (big == at) break;
            search_hit u = hits[at];
            hits[at] = hits[big];
            hits[big] = u;
            at = big;
        }
    }
    qsort_r(hits, first, sizeof *hits, cmp_hit, NULL);
}

typedef struct keyed_hit {
    search_hit hit;
    uint32_t rank; /* entry.sort_rank */
} keyed_hit;

static int cmp_keyed_hit(const void *a, const void *b)
{
    const keyed_hit *x = a, *y = b;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

static const entry *find_entry(const snapshot *s, int64_t id)
{
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->entries[s->by_id[mid]].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->count && s->entries[s->by_id[lo]].id == id ? &s->entries[s->by_id[lo]] : NULL;
}

/* What a search looks for, and the candidates found so far. */
typedef struct scan {
    const analysis *a;
    const match_set *matches; /* the words' full-text matches (NULL: none) */
    bool point;               /* around a commune or a position */
    bool names_near;          /* no radius chosen: places named by the words reach further */
    bool departement;         /* in a département */
    uint64_t where_dep, where_insee, where_epci;
    double where_lat, where_lon;
    geo_bbox box;
    const bits128 *masks; /* SG_COUNT selected filters */
    int64_t now;
    int64_t until; /* the hours facts read stay true until then (search_result.valid_until) */
    const snapshot *snap;
    candidate *cands; /* malloc'd */
    size_t count, cap;
} scan;

static bool in_box(const entry *e, const geo_bbox *box)
{
    return e->has_pos && e->lat >= box->min_lat && e->lat <= box->max_lat &&
           e->lon >= box->min_lon && e->lon <= box->max_lon;
}

/* Is bit set more than once in these group failures? */
static bool fails_twice(unsigned fails)
{
    return (fails & (fails - 1)) != 0;
}

/* Add e to the candidates when it matches the words, needs and place. The
 * cheap tests first: a place failing the filters of two groups is neither a
 * hit nor counted in any group (a group's counts ignore only its own
 * filter), so it is dropped before its words, distance and hours are read. */
static void consider(scan *sc, const entry *e)
{
    unsigned fails = 0;
    for (int g = 0; g < SG_COUNT; g++)
        if (g != SG_HOURS && !bits_empty(&sc->masks[g]) && !bits_any(&e->bits[g], &sc->masks[g]))
            fails |= 1u << g;
    if (fails_twice(fails)) return;
    if (sc->departement && e->departement_code != sc->where_dep) return;
    const analysis *a = sc->a;
    const text_match *m = a->word_count ? match_find(sc->matches, e->id) : NULL;
    bool has_need = !bits_empty(&a->services);
    if (!rank_keep(a->word_count > 0, m != NULL, has_need,
                   has_need && bits_any(&e->bits[SG_SERVICE], &a->services)))
        return;
    candidate c = {.e = e,
                   .distance = -1,
                   .relevance = m ? m->relevance : 0,
                   .tier = rank_tier_of(m && m->in_name, m != NULL),
                   .fails = fails};
    if (sc->point) {
        c.always = (sc->where_insee && e->insee_code == sc->where_insee) ||
                   (sc->where_epci && e->epci_code == sc->where_epci);
        bool named = sc->names_near && m && m->in_name;
        if (!in_box(e, &sc->box) && !c.always && !named) return;
        if (e->has_pos) c.distance = geo_distance_km(sc->where_lat, sc->where_lon, e->lat, e->lon);
        if (c.distance < 0) c.distance = 0;
        /* Named by the words: listed near the point whatever the radius (rank.h). */
        if (named && e->has_pos &&
            (c.distance <= RANK_NAME_RADIUS_KM || e->departement_code == sc->where_dep))
            c.always = true;
        else if (!in_box(e, &sc->box) && !c.always)
            return;
    }
    if (!bits_empty(&sc->masks[SG_HOURS])) {
        c.hours = hours_bits(sc->snap, e, sc->now, &sc->until);
        c.hours_known = true;
        if (!bits_any(&c.hours, &sc->masks[SG_HOURS])) c.fails |= 1u << SG_HOURS;
        if (fails_twice(c.fails)) return;
    }
    if (sc->count == sc->cap)
        sc->cands =
            xrealloc(sc->cands, (sc->cap = sc->cap ? sc->cap * 2 : 256) * sizeof *sc->cands);
    sc->cands[sc->count++] = c;
}

/*
 * The candidates around the point within the box of radius_km: the grid
 * cells under the box, then the commune's and EPCI's places outside it
 * (always listed). Each entry is taken once, and which ones are taken does
 * not depend on the grid: the same as a scan of every place against the box.
 */
static void collect(scan *sc, const snapshot *s, double radius_km)
{
    sc->count = 0;
    sc->box = geo_bbox_around(sc->where_lat, sc->where_lon, radius_km);
    uint32_t row_lo = grid_coord(sc->box.min_lat, 90, GRID_ROWS),
             row_hi = grid_coord(sc->box.max_lat, 90, GRID_ROWS),
             col_lo = grid_coord(sc->box.min_lon, 180, GRID_COLS),
             col_hi = grid_coord(sc->box.max_lon, 180, GRID_COLS);
    for (uint32_t row = row_lo; row <= row_hi; row++) {
        uint64_t last = grid_key(row, col_hi);
        for (size_t k = ref_lower_bound(s->by_cell, s->cell_count, grid_key(row, col_lo));
             k < s->cell_count && s->by_cell[k].key <= last; k++) {
            const entry *e = &s->entries[s->by_cell[k].index];
            if (in_box(e, &sc->box)) consider(sc, e);
        }
    }
    if (sc->where_insee)
        for (size_t k = ref_lower_bound(s->by_insee, s->insee_count, sc->where_insee);
             k < s->insee_count && s->by_insee[k].key == sc->where_insee; k++) {
            const entry *e = &s->entries[s->by_insee[k].index];
            if (!in_box(e, &sc->box)) consider(sc, e);
        }
    if (sc->where_epci)
        for (size_t k = ref_lower_bound(s->by_epci, s->epci_count, sc->where_epci);
             k < s->epci_count && s->by_epci[k].key == sc->where_epci; k++) {
            const entry *e = &s->entries[s->by_epci[k].index];
            if (!in_box(e, &sc->box) && !(sc->where_insee && e->insee_code == sc->where_insee))
                consider(sc, e);
        }
}

int search_run(search_index *si, db *d, const search_params *p, search_result *out)
{
    memset(out, 0, sizeof *out);
    int64_t now = now_utc();
    out->valid_until = (now / 60 + 1) * 60;
    where_input in = {p->where, p->chosen_insee, p->has_position, p->lat, p->lon};
    if (where_resolve(d, &in, &out->where) != 0) return -1;
    if (out->where.kind == WHERE_CHOICE || out->where.kind == WHERE_UNKNOWN) return 0;

    analysis a;
    analyse(si, p->q, p->literal, &a);

    /* Describe the interpretation to the person. */
    for (size_t i = 0; i < si->value_count[SG_SERVICE]; i++) {
        if (!bit_get(&a.services, i)) continue;
        size_t len = strlen(out->interpretation);
        /* French pages name the need as the schema does, as before; another
         * language by the service's name in its catalogue. */
        const group_value *v = &si->values[SG_SERVICE][i];
        snprintf(out->interpretation + len, sizeof out->interpretation - len, "%s%s",
                 len ? ", " : "", i18n_current() == I18N_FRENCH ? v->value : gettext(v->label));
    }

    /* Selected filter masks. */
    bits128 masks[SG_COUNT] = {{{0}}};
    for (int g = 0; g < SG_COUNT; g++)
        for (size_t i = 0; i < p->selected_count[g]; i++)
            bit_set(&masks[g], value_index(si, (search_group)g, p->selected[g][i]));

    snapshot *s = acquire(si, d, now);
    out->version = s->version;
    match_set *matches = a.word_count ? fts_candidates(si, d, &a, s->count) : NULL;
    const bool point = where_has_point(&out->where);
    scan sc = {.a = &a,
               .matches = matches,
               .point = point,
               .names_near = !(p->radius_km > 0),
               .where_dep = pack_code(out->where.departement),
               .where_insee = pack_code(out->where.insee),
               .where_epci = pack_code(out->where.epci),
               .where_lat = out->where.lat,
               .where_lon = out->where.lon,
               .departement = out->where.kind == WHERE_DEPARTEMENT,
               .masks = masks,
               .now = now,
               /* The snapshot (its facts, "open on Saturday") is rebuilt each day. */
               .until = (now / 86400 + 1) * 86400,
               .snap = s};
    /* Around a point: the smallest radius that gives enough places, each
     * tried on the places under its own box (collect), so a search in a
     * dense city looks at a few dozen places, not at every one within the
     * largest radius. */
    double radius = 0;
    if (point && p->radius_km > 0) {
        radius = p->radius_km;
        collect(&sc, s, radius);
    } else if (point) {
        for (size_t k = 0; k < ARRAY_LEN(RADII); k++) {
            radius = RADII[k];
            bool last = k + 1 == ARRAY_LEN(RADII);
            /* A margin on the smaller boxes: geo_bbox_around's longitudes are
             * a hair narrow for a circle, and places at the radius must be
             * seen as a scan of the largest box would see them. */
            collect(&sc, s, last ? radius : radius * 1.05 + 0.5);
            size_t found = 0;
            for (size_t i = 0; i < sc.count; i++)
                if (!sc.cands[i].fails && (sc.cands[i].always || sc.cands[i].distance <= radius))
                    found++;
            if (found >= SEARCH_MIN_RESULTS) break;
        }
        out->radius_grown = radius > RADII[0];
    } else if (sc.departement && sc.where_dep) {
        for (size_t k = ref_lower_bound(s->by_dep, s->dep_ref_count, sc.where_dep);
             k < s->dep_ref_count && s->by_dep[k].key == sc.where_dep; k++)
            consider(&sc, &s->entries[s->by_dep[k].index]);
    } else {
        for (size_t i = 0; i < s->count; i++)
            consider(&sc, &s->entries[i]);
    }
    /* A place named by the words is listed near the chosen point even when
     * the others needed a smaller radius (rank.h). */
    if (point && !(p->radius_km > 0))
        for (size_t i = 0; matches && i < matches->named_cnt; i++) {
            const entry *e = find_entry(s, matches->rows[matches->named[i]].id);
            if (!e || !e->has_pos || in_box(e, &sc.box)) continue; /* in the box: seen */
            if (geo_distance_km(sc.where_lat, sc.where_lon, e->lat, e->lon) > RANK_NAME_RADIUS_KM &&
                e->departement_code != sc.where_dep)
                continue;
            if ((sc.where_insee && e->insee_code == sc.where_insee) ||
                (sc.where_epci && e->epci_code == sc.where_epci))
                continue;     /* already taken by collect() */
            consider(&sc, e); /* marks it always-listed */
        }
    candidate *cands = sc.cands;
    size_t nc = sc.count;
    out->radius_km = radius;

    /* Facet counts (a group's own filter is ignored when counting its values)
     * and the hits. */
    for (int g = 0; g < SG_COUNT; g++) {
        out->facet_count[g] = si->value_count[g];
        out->facets[g] =
            xcalloc(si->value_count[g] ? si->value_count[g] : 1, sizeof(search_facet_value));
        for (size_t i = 0; i < si->value_count[g]; i++) {
            out->facets[g][i].slug = si->values[g][i].slug;
            out->facets[g][i].label = si->values[g][i].label;
            out->facets[g][i].selected = bit_get(&masks[g], i);
        }
    }
    out->hits = xmalloc((nc ? nc : 1) * sizeof(search_hit));
    for (size_t i = 0; i < nc; i++) {
        candidate *c = &cands[i];
        if (radius > 0 && !c->always && c->distance > radius) continue;
        if (c->fails == 0) {
            out->hits[out->total++] =
                (search_hit){c->e->id,
                             c->distance,
                             c->relevance,
                             (int)c->tier,
                             sc.where_insee && c->e->insee_code == sc.where_insee,
                             c->e->updated};
            if (radius > 0 && c->distance > radius) out->beyond_radius = true;
        }
        for (int g = 0; g < SG_COUNT && !p->hits_only; g++) {
            if (c->fails & ~(1u << g)) continue; /* fails another group */
            if (g == SG_HOURS && !c->hours_known) {
                c->hours = hours_bits(s, c->e, now, &sc.until);
                c->hours_known = true;
            }
            bits128 have = g == SG_HOURS ? c->hours : c->e->bits[g];
            /* Only the set bits: a place has a handful of values, a group up to ~100. */
            for (int word = 0; word < 2; word++)
                for (uint64_t bits = have.w[word]; bits; bits &= bits - 1) {
                    size_t v = (size_t)word * 64 + (size_t)__builtin_ctzll(bits);
                    if (v < si->value_count[g]) out->facets[g][v].count++;
                }
        }
    }
    /* Order: by distance (shortened by relevance) around a point; otherwise by
     * relevance, then by commune and name. */
    if (p->hits_only) {
        /* in the order found */
    } else if (where_has_point(&out->where) || a.word_count) {
        rank_first(out->hits, out->total, p->ranked);
    } else {
        keyed_hit *k = xmalloc((out->total ? out->total : 1) * sizeof *k);
        for (size_t i = 0; i < out->total; i++) {
            const entry *e = find_entry(s, out->hits[i].id);
            k[i] = (keyed_hit){out->hits[i], e ? e->sort_rank : UINT32_MAX};
        }
        qsort(k, out->total, sizeof *k, cmp_keyed_hit);
        for (size_t i = 0; i < out->total; i++)
            out->hits[i] = k[i].hit;
        free(k);
    }
    out->valid_until = sc.until;
    free(cands);
    release(si, s);
    match_set_release(si, matches);
    free(a.folded);
    return 0;
}

void search_result_free(search_result *res)
{
    free(res->hits);
    where_result_free(&res->where);
    for (int g = 0; g < SG_COUNT; g++)
        free(res->facets[g]);
    memset(res, 0, sizeof *res);
}

/* Used by: search_list_item (one result, as a list item). */
static const char Q_ITEM[] = "SELECT " PLACE_LIST_COLUMNS " FROM place p WHERE p.id = :id";

json_t *search_list_item(search_index *si, db *d, int64_t version, int64_t id, int64_t *valid_until)
{
    const int64_t now = now_utc();
    const i18n_lang *lang = i18n_current();
    item_slot *slot = &si->items[(uint64_t)id % ITEM_CACHE_SLOTS];
    json_t *item = NULL;
    pthread_mutex_lock(&si->items_lock);
    if (slot->item && slot->id == id && slot->version == version && slot->lang == lang &&
        now < slot->valid_until) {
        item = json_incref(slot->item);
        if (valid_until && slot->valid_until < *valid_until) *valid_until = slot->valid_until;
    }
    pthread_mutex_unlock(&si->items_lock);
    if (!item) {
        db_conn *c = db_reader(d);
        sqlite3_stmt *s = db_stmt(c, Q_ITEM);
        db_bind_int(s, ":id", id);
        int64_t until = now + 60;
        if (sqlite3_step(s) == SQLITE_ROW) item = place_list_item(c, s, now, &until);
        sqlite3_reset(s);
        if (!item) return NULL;
        if (valid_until && until < *valid_until) *valid_until = until;
        pthread_mutex_lock(&si->items_lock);
        json_t *old = slot->item;
        *slot = (item_slot){id, version, until, lang, json_incref(item)};
        pthread_mutex_unlock(&si->items_lock);
        json_decref(old);
    }
    /* Shared by every thread: a reference, never a copy (copying and
     * freeing the model cost as much as the rest of the page). */
    return item;
}
