/*
 * territory.c — distances from every commune to the nearest open place, and
 * the figures of a territory (see territory.h for what and why).
 */
#include "places/territory.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "geo/geo.h"
#include "hours/hours.h"
#include "places/place_view.h"
#include "places/vocab.h"

const int TERRITORY_BAND_KM[TERRITORY_BANDS] = {5, 10, 20};

/* ---- the k-d tree ---- */

/* A place on the unit sphere. */
typedef struct kd_point {
    double v[3];
    size_t place; /* index in the places array */
} kd_point;

static void unit_vector(double lat, double lon, double v[3])
{
    const double rad = M_PI / 180.0;
    v[0] = cos(lat * rad) * cos(lon * rad);
    v[1] = cos(lat * rad) * sin(lon * rad);
    v[2] = sin(lat * rad);
}

static int cmp_axis(const kd_point *a, const kd_point *b, int axis)
{
    if (a->v[axis] != b->v[axis]) return a->v[axis] < b->v[axis] ? -1 : 1;
    return (a->place > b->place) - (a->place < b->place);
}
static void swap_points(kd_point *a, kd_point *b)
{
    kd_point t = *a;
    *a = *b;
    *b = t;
}

/* Put the k-th point of [lo, hi) by axis at k, smaller ones before it and
 * larger ones after (quickselect, middle pivot: O(hi - lo) on average). The
 * order is total (ties by place index), so each point has one place. */
static void kd_select(kd_point *p, size_t lo, size_t hi, size_t k, int axis)
{
    while (hi - lo > 1) {
        swap_points(&p[lo + (hi - lo) / 2], &p[hi - 1]);
        size_t store = lo;
        for (size_t i = lo; i + 1 < hi; i++)
            if (cmp_axis(&p[i], &p[hi - 1], axis) < 0) swap_points(&p[i], &p[store++]);
        swap_points(&p[store], &p[hi - 1]);
        if (k == store) return;
        if (k < store)
            hi = store;
        else
            lo = store + 1;
    }
}

/* An implicit tree: the median of [lo, hi) on axis depth % 3 sits at the
 * middle, the halves on either side are its subtrees. O(n log n). */
static void kd_build(kd_point *p, size_t lo, size_t hi, int depth)
{
    if (hi - lo < 2) return;
    size_t mid = lo + (hi - lo) / 2;
    kd_select(p, lo, hi, mid, depth % 3);
    kd_build(p, lo, mid, depth + 1);
    kd_build(p, mid + 1, hi, depth + 1);
}

static double dist2(const double a[3], const double b[3])
{
    double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
    return dx * dx + dy * dy + dz * dz;
}

/* The nearest point to q in [lo, hi); *best is an index into p (or
 * (size_t)-1), *best_d2 its squared chord. Ties go to the lower place index
 * so the answer does not depend on the tree's shape. */
static void kd_nearest(const kd_point *p, size_t lo, size_t hi, int depth, const double q[3],
                       size_t *best, double *best_d2)
{
    if (lo >= hi) return;
    size_t mid = lo + (hi - lo) / 2;
    double d2 = dist2(p[mid].v, q);
    if (*best == (size_t)-1 || d2 < *best_d2 || (d2 == *best_d2 && p[mid].place < p[*best].place)) {
        *best = mid;
        *best_d2 = d2;
    }
    int axis = depth % 3;
    double diff = q[axis] - p[mid].v[axis];
    if (diff < 0) {
        kd_nearest(p, lo, mid, depth + 1, q, best, best_d2);
        if (diff * diff <= *best_d2) kd_nearest(p, mid + 1, hi, depth + 1, q, best, best_d2);
    } else {
        kd_nearest(p, mid + 1, hi, depth + 1, q, best, best_d2);
        if (diff * diff <= *best_d2) kd_nearest(p, lo, mid, depth + 1, q, best, best_d2);
    }
}

/* ---- the computation ---- */

void territory_compute(territory_commune *communes, size_t commune_count,
                       const territory_place *places, size_t place_count)
{
    for (size_t i = 0; i < commune_count; i++) {
        communes[i].places = 0;
        for (int n = 0; n < TERRITORY_NEEDS; n++) {
            communes[i].nearest_km[n] = -1;
            communes[i].nearest_id[n] = 0;
        }
    }
    for (size_t i = 0; i < place_count; i++)
        if (places[i].commune >= 0 && (size_t)places[i].commune < commune_count)
            communes[places[i].commune].places++;

    kd_point *points = xmalloc((place_count ? place_count : 1) * sizeof *points);
    double(*commune_v)[3] = xmalloc((commune_count ? commune_count : 1) * sizeof *commune_v);
    for (size_t i = 0; i < commune_count; i++)
        unit_vector(communes[i].lat, communes[i].lon, commune_v[i]);
    for (int need = 0; need < TERRITORY_NEEDS; need++) {
        size_t n = 0;
        for (size_t i = 0; i < place_count; i++) {
            const territory_place *pl = &places[i];
            if (!pl->has_position) continue;
            if (need > 0 && !(pl->services & (1u << (need - 1)))) continue;
            unit_vector(pl->lat, pl->lon, points[n].v);
            points[n++].place = i;
        }
        if (!n) continue;
        kd_build(points, 0, n, 0);
        size_t previous = (size_t)-1;
        for (size_t i = 0; i < commune_count; i++) {
            /* Communes come by INSEE code, so mostly next to the previous
             * one: its nearest place is a tight first bound to prune with. */
            size_t best = previous;
            double best_d2 = best == (size_t)-1 ? 0 : dist2(points[best].v, commune_v[i]);
            kd_nearest(points, 0, n, 0, commune_v[i], &best, &best_d2);
            previous = best;
            const territory_place *pl = &places[points[best].place];
            communes[i].nearest_km[need] =
                geo_distance_km(communes[i].lat, communes[i].lon, pl->lat, pl->lon);
            communes[i].nearest_id[need] = pl->id;
        }
    }
    free(commune_v);
    free(points);
}

bool territory_is_white_zone(const territory_commune *c)
{
    return c->nearest_km[0] < 0 || c->nearest_km[0] > TERRITORY_WHITE_ZONE_KM;
}

bool territory_commune_in(const territory_commune *c, territory_area kind, const char *code)
{
    switch (kind) {
    case TERRITORY_NATIONAL:
        return true;
    case TERRITORY_REGION:
        return strcmp(c->region, code) == 0;
    case TERRITORY_DEPARTEMENT:
        return strcmp(c->departement, code) == 0;
    case TERRITORY_EPCI:
        return c->epci[0] && strcmp(c->epci, code) == 0;
    }
    return false;
}

static bool place_in(const territory *t, const territory_place *p, territory_area kind,
                     const char *code)
{
    if (kind == TERRITORY_NATIONAL) return true;
    if (p->commune >= 0) return territory_commune_in(&t->communes[p->commune], kind, code);
    return kind == TERRITORY_DEPARTEMENT && strcmp(p->departement, code) == 0;
}

void territory_summarise(const territory *t, territory_area kind, const char *code,
                         territory_summary *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < t->commune_count; i++) {
        const territory_commune *c = &t->communes[i];
        if (!territory_commune_in(c, kind, code)) continue;
        out->communes++;
        out->population += c->population;
        for (int n = 0; n < TERRITORY_NEEDS; n++)
            for (int b = 0; b < TERRITORY_BANDS; b++)
                if (c->nearest_km[n] < 0 || c->nearest_km[n] > TERRITORY_BAND_KM[b])
                    out->population_beyond[n][b] += c->population;
        if (territory_is_white_zone(c)) {
            out->white_zones++;
            out->white_zone_population += c->population;
        }
    }
    for (size_t i = 0; i < t->place_count; i++) {
        const territory_place *p = &t->places[i];
        if (!place_in(t, p, kind, code)) continue;
        out->places++;
        out->placed += p->has_position;
        out->saturday += p->saturday;
        out->after_17 += p->after_17;
        out->stale += p->stale;
    }
}

static int cmp_commune_insee(const void *key, const void *elem)
{
    return strcmp(key, ((const territory_commune *)elem)->insee);
}

const territory_commune *territory_commune_find(const territory *t, const char *insee)
{
    if (!insee) return NULL;
    return bsearch(insee, t->communes, t->commune_count, sizeof *t->communes, cmp_commune_insee);
}

/* ---- loading ---- */

/* Used by: the territory (every commune; arrondissements are read as their city). */
static const char Q_COMMUNES[] =
    "SELECT insee, name, departement, region, coalesce(epci, ''), population, latitude, longitude"
    " FROM commune WHERE parent IS NULL ORDER BY insee";
/* Used by: the territory (every open place, with the city of an arrondissement). */
static const char Q_PLACES[] =
    "SELECT p.id, p.latitude, p.longitude, p.services, p.hours, p.timezone, p.date_maj,"
    " p.verified_at, coalesce(c.parent, c.insee), coalesce(p.departement, '')"
    " FROM place p LEFT JOIN commune c ON c.insee = p.commune_insee"
    " WHERE p.closed_at IS NULL ORDER BY p.id";

static void copy_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void set_service_bit(const char *item, void *ctx)
{
    size_t count;
    const vocab_entry *services = vocab_entries(VOCAB_SERVICES, &count);
    for (size_t i = 0; i < count && i < TERRITORY_SERVICES; i++)
        if (strcmp(services[i].value, item) == 0) *(unsigned *)ctx |= 1u << i;
}

/* Saturday and after-17 h facts of the published hours (unparsable: neither). */
static void set_hours_facts(territory_place *p, const char *hours, const char *timezone,
                            int64_t now)
{
    if (!hours || !*hours) return;
    hours_context ctx;
    if (hours_context_init(&ctx, p->departement, timezone) != 0) return;
    if (p->has_position) hours_context_set_position(&ctx, p->lat, p->lon); /* sunrise, sunset */
    hours_error err;
    hours_schedule *s = hours_parse(hours, &err);
    if (!s) return;
    p->saturday = hours_open_on_weekday(s, &ctx, 5, now);
    p->after_17 = hours_open_after(s, &ctx, 17 * 60, now);
    hours_free(s);
}

territory *territory_load(db_conn *c, int64_t now)
{
    territory *t = xcalloc(1, sizeof *t);
    size_t cap = 0;
    sqlite3_stmt *s = db_stmt(c, Q_COMMUNES);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (t->commune_count == cap)
            t->communes = xrealloc(t->communes, (cap = cap ? cap * 2 : 4096) * sizeof *t->communes);
        territory_commune *k = &t->communes[t->commune_count++];
        memset(k, 0, sizeof *k);
        copy_text(k->insee, sizeof k->insee, db_col_text(s, 0));
        copy_text(k->name, sizeof k->name, db_col_text(s, 1));
        copy_text(k->departement, sizeof k->departement, db_col_text(s, 2));
        copy_text(k->region, sizeof k->region, db_col_text(s, 3));
        copy_text(k->epci, sizeof k->epci, db_col_text(s, 4));
        k->population = sqlite3_column_int64(s, 5);
        k->lat = sqlite3_column_double(s, 6);
        k->lon = sqlite3_column_double(s, 7);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) goto fail;

    cap = 0;
    s = db_stmt(c, Q_PLACES);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (t->place_count == cap)
            t->places = xrealloc(t->places, (cap = cap ? cap * 2 : 4096) * sizeof *t->places);
        territory_place *p = &t->places[t->place_count++];
        memset(p, 0, sizeof *p);
        p->id = sqlite3_column_int64(s, 0);
        p->has_position =
            sqlite3_column_type(s, 1) != SQLITE_NULL && sqlite3_column_type(s, 2) != SQLITE_NULL;
        p->lat = sqlite3_column_double(s, 1);
        p->lon = sqlite3_column_double(s, 2);
        t->placed_count += p->has_position;
        if (db_col_text(s, 3)) vocab_split(db_col_text(s, 3), set_service_bit, &p->services);
        const territory_commune *k = territory_commune_find(t, db_col_text(s, 8));
        p->commune = k ? (int)(k - t->communes) : -1;
        copy_text(p->departement, sizeof p->departement, k ? k->departement : db_col_text(s, 9));
        set_hours_facts(p, db_col_text(s, 4), db_col_text(s, 5), now);
        /* Freshness: the later of the source's date and the last confirmation. */
        const char *latest = place_latest_date(db_col_text(s, 6), db_col_text(s, 7));
        p->stale = place_age_days(latest, now) > PLACE_STALE_DAYS;
        copy_text(p->updated, sizeof p->updated, latest);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) goto fail;

    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    territory_compute(t->communes, t->commune_count, t->places, t->place_count);
    clock_gettime(CLOCK_MONOTONIC, &b);
    t->compute_ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    t->computed_at = now;
    return t;
fail:
    fprintf(stderr, "repere: territory: %s\n", sqlite3_errmsg(db_handle(c)));
    territory_free(t);
    return NULL;
}

void territory_free(territory *t)
{
    if (!t) return;
    free(t->communes);
    free(t->places);
    free(t);
}

/* ---- the cache ---- */

struct territory_cache {
    pthread_mutex_t lock;
    pthread_cond_t built;
    territory *current; /* holds one reference */
    bool building;
};

territory_cache *territory_cache_new(void)
{
    territory_cache *tc = xcalloc(1, sizeof *tc);
    pthread_mutex_init(&tc->lock, NULL);
    pthread_cond_init(&tc->built, NULL);
    return tc;
}

void territory_cache_free(territory_cache *tc)
{
    if (!tc) return;
    territory_free(tc->current);
    pthread_mutex_destroy(&tc->lock);
    pthread_cond_destroy(&tc->built);
    free(tc);
}

const territory *territory_cache_get(territory_cache *tc, db *d)
{
    const int64_t version = db_version(d);
    /* Hours facts (the coming week) and freshness also move with the day. */
    const int64_t now = now_utc();
    pthread_mutex_lock(&tc->lock);
    for (;;) {
        if (tc->current && tc->current->version == version &&
            tc->current->computed_at / 86400 == now / 86400) {
            tc->current->refs++;
            pthread_mutex_unlock(&tc->lock);
            return tc->current;
        }
        if (!tc->building) break;
        pthread_cond_wait(&tc->built, &tc->lock);
    }
    tc->building = true;
    pthread_mutex_unlock(&tc->lock);
    territory *t = territory_load(db_reader(d), now);
    pthread_mutex_lock(&tc->lock);
    tc->building = false;
    territory *old = NULL;
    if (t) {
        t->version = version;
        t->refs = 2; /* the cache's and the caller's */
        old = tc->current;
        tc->current = t;
        if (old && --old->refs > 0) old = NULL;
    }
    pthread_cond_broadcast(&tc->built);
    pthread_mutex_unlock(&tc->lock);
    territory_free(old);
    return t;
}

void territory_cache_put(territory_cache *tc, const territory *t)
{
    if (!t) return;
    territory *mine = (territory *)t;
    pthread_mutex_lock(&tc->lock);
    bool last = --mine->refs == 0;
    pthread_mutex_unlock(&tc->lock);
    if (last) territory_free(mine);
}
