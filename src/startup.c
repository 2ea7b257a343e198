/*
 * startup.c — set-up steps shared by the sub-commands: reference data and
 * derived facts after migrations, web assets before serving (startup.h).
 */
#include "startup.h"
#include "places/catalogue.h"
#include "places/place_store.h"
#include "geo/geo.h"
#include "places/importer.h"
#include "workshops/workshop_import.h"
#include "http/page_cache.h"
#include "search/search.h"
#include "places/territory.h"
#include "workshops/workshop_refresh.h"
#include "core/i18n.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int after_migrate_tx(db_conn *w, void *dir)
{
    if (geo_gazetteer_load(db_handle(w), dir) != 0) return -1;
    if (catalogue_sync_vocab_labels(w) < 0) return -1;
    /* Time zones and commune links of every place, by the one write path's
     * rules: repairs what an older version stored (only when the rules or
     * the catalogue changed since the last check). */
    if (place_store_derive_if_needed(w) < 0) return -1;
    return workshop_extend_recurrences(w, now_utc()) < 0 ? -1 : 0;
}

int app_after_migrate(app *a, db *d)
{
    char *dir = xasprintf("%s/data/gazetteer", a->cfg.root);
    int rc = db_transaction(d, after_migrate_tx, dir);
    free(dir);
    /* After an import, deriving every place's facts read the whole catalogue
     * through the writer, whose cache is large (for imports): not kept for a
     * daemon's life (measured at 30 000 places: 17 MiB resident at start,
     * 20 after the bench's first pages). */
    db_writer_release_memory(d);
    return rc < 0 ? -1 : 0;
}

/* A short version of the static files, so their URLs change when they do:
 * a hash of every file's name, size and modification time. */
static char *static_version(const char *dir)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 8);
    static const char *const files[] = {"repere.css", "repere.js", "print.css",
                                        "vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css"};
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char *path = xasprintf("%s/%s", dir, files[i]);
        struct stat sb;
        if (stat(path, &sb) == 0) {
            char line[128];
            int n = snprintf(line, sizeof line, "%s %lld %lld", files[i], (long long)sb.st_size,
                             (long long)sb.st_mtime);
            crypto_generichash_update(&st, (const unsigned char *)line, (size_t)n);
        }
        free(path);
    }
    unsigned char h[8];
    crypto_generichash_final(&st, h, sizeof h);
    char *hex = xmalloc(17);
    sodium_bin2hex(hex, 17, h, sizeof h);
    return hex;
}

/* Where the compiled translations are: REPERE_LOCALEDIR, else locale/ next
 * to the binary (the Makefile builds build/locale beside build/repere). */
static char *locale_dir(void)
{
    const char *env = getenv("REPERE_LOCALEDIR");
    if (env && *env) return xstrdup(env);
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return xstrdup("build/locale");
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    return xasprintf("%s/locale", exe);
}

enum {
    PAGE_CACHE_MIN_MIB = 12,
    PAGE_CACHE_PLACES_PER_MIB = 10000,
    PAGE_CACHE_MAX_MIB = 256,
};

/* Used by: page_cache_budget. Every place, closed ones too: counted from an
 * index, not by reading the table (500 MB at 300 000 places). */
static const char Q_PLACES[] = "SELECT count(*) FROM place";

/*
 * The page cache's budget (app_page_cache_budget, startup.h):
 * REPERE_PAGE_CACHE_MB when set, otherwise 1 MiB for every 10 000 places,
 * 12 MiB at least. The pages people ask (results around each commune, place
 * pages, API pages) grow with the catalogue: at 30 000 places 12 MiB holds
 * each bench route's 2 000 pages; at 300 000 the API's 2 000 pages alone
 * take 20 MiB gzipped, the commune searches' 10 MiB (docs/quality.md,
 * issue 13's sixth pass: 30 MiB there).
 */
size_t app_page_cache_budget(int configured_mb, long places)
{
    if (configured_mb >= 0) return (size_t)configured_mb * 1024 * 1024;
    long mb = places / PAGE_CACHE_PLACES_PER_MIB;
    if (mb < PAGE_CACHE_MIN_MIB) mb = PAGE_CACHE_MIN_MIB;
    if (mb > PAGE_CACHE_MAX_MIB) mb = PAGE_CACHE_MAX_MIB;
    return (size_t)mb * 1024 * 1024;
}

static size_t page_cache_budget(app *a)
{
    long places = 0;
    if (a->cfg.page_cache_mb < 0) {
        sqlite3_stmt *s = db_stmt(db_reader(a->db), Q_PLACES);
        places = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
        sqlite3_reset(s);
    }
    size_t budget = app_page_cache_budget(a->cfg.page_cache_mb, places);
    if (a->cfg.page_cache_mb < 0)
        fprintf(stderr, "repere: page cache of %zu MiB for %ld places\n", budget >> 20, places);
    return budget;
}

int app_load_web(app *a)
{
    char *locales = locale_dir();
    i18n_init(locales); /* a missing language is named on stderr and stays French */
    free(locales);
    char *dir = xasprintf("%s/templates", a->cfg.root);
    a->templates = tpl_load(dir);
    free(dir);
    if (!a->templates) return -1;
    a->static_dir = xasprintf("%s/static", a->cfg.root);
    char *synonyms = xasprintf("%s/data/synonyms.tsv", a->cfg.root);
    a->search = search_index_new(synonyms);
    a->territory = territory_cache_new();
    free(synonyms);
    a->pages = page_cache_new(page_cache_budget(a));
    a->static_version = static_version(a->static_dir);
    /* Map tiles are the one outside origin, and only for images. */
    const char *tiles = a->cfg.tile_url;
    const char *scheme_end = strstr(tiles, "://");
    const char *host_end = scheme_end ? strchr(scheme_end + 3, '/') : NULL;
    char *tile_origin = host_end ? xstrndup(tiles, (size_t)(host_end - tiles)) : xstrdup("");
    a->csp = xasprintf("default-src 'self'; img-src 'self' data: %s; object-src 'none'; "
                       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
                       tile_origin);
    free(tile_origin);
    return 0;
}

void app_free(app *a)
{
    i18n_shutdown();
    tpl_free(a->templates);
    search_index_free(a->search);
    page_cache_free(a->pages);
    territory_cache_free(a->territory);
    free(a->static_dir);
    free(a->static_version);
    free(a->csp);
    db_close(a->db);
}
