/*
 * opendata.c — "données ouvertes": the page /donnees (downloads by format
 * and département, the API, the embeddable list and its snippet) and the
 * downloads themselves:
 *
 *   GET /donnees/lieux.csv | .json | .geojson   [?territoire=…] [search parameters of /lieux]
 *
 * Files in the national schema v1.0.2 (src/export.c), named
 * AAAAMMJJ_repere_lieux-de-mediation-numerique_<territoire>.<ext> in
 * Content-Disposition. A link copied from /lieux (page= included) downloads
 * exactly the places of that search.
 *
 * A download of the whole country costs seconds of CPU at national size:
 * each selection is built once per data version into a file on disk (and
 * its gzip beside it), then every request is served from that file by
 * sendfile with its ETag — never built in memory. Builds have their own
 * small budget (DOWNLOAD_BUILDS): a request that would need one more gets
 * 503 with Retry-After at once instead of taking a worker thread that
 * searches need.
 */
#include "pages/pages.h"
#include "pages/api_request.h"
#include "places/export.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>

enum {
    DOWNLOAD_BUILDS = 1, /* downloads built at once: of the 4 workers, 3 stay for pages */
    DOWNLOAD_FILES = 32, /* files kept (selections × formats); the least used goes first */
    DOWNLOAD_RETRY_S = 5,
};

/* One built download: <dir>/<key>-<version>.<ext> and the same + ".gz". */
typedef struct download_file {
    uint64_t key; /* XXH3 of the format and the selection */
    int64_t version;
    bool ready;
    size_t count;
    time_t used;
} download_file;

static struct {
    pthread_mutex_t lock;
    char *dir; /* made on first use, removed by page_downloads_cleanup */
    int building;
    download_file files[DOWNLOAD_FILES];
} DOWNLOADS = {.lock = PTHREAD_MUTEX_INITIALIZER};

static char *download_path(uint64_t key, int64_t version, export_format format, bool gz)
{
    return xasprintf("%s/%016llx-%lld.%s%s", DOWNLOADS.dir, (unsigned long long)key,
                     (long long)version, export_format_extension(format), gz ? ".gz" : "");
}

/* Remove a kept entry's files (the key does not say the format: try each). */
static void download_unlink(const download_file *f)
{
    for (int fmt = EXPORT_FORMAT_CSV; fmt <= EXPORT_FORMAT_GEOJSON; fmt++)
        for (int gz = 0; gz < 2; gz++) {
            char *p = download_path(f->key, f->version, (export_format)fmt, gz);
            unlink(p);
            free(p);
        }
}

/* Where download directories are made: $TMPDIR, else /tmp. */
static const char *downloads_parent(void)
{
    const char *tmpdir = getenv("TMPDIR");
    return tmpdir && *tmpdir ? tmpdir : "/tmp";
}

/* Download directories are named DOWNLOADS_PREFIX<pid>-XXXXXX (mkdtemp),
 * so that a later process can tell whose they were. */
static const char DOWNLOADS_PREFIX[] = "repere-downloads-";

/* Is `name` one of our download directories whose process no longer
 * exists? Anything else (another naming, a live or unknowable process,
 * ourselves) is not ours to remove. */
static bool downloads_orphan(const char *name)
{
    size_t n = sizeof DOWNLOADS_PREFIX - 1;
    if (strncmp(name, DOWNLOADS_PREFIX, n) != 0) return false;
    const char *digits = name + n;
    char *end = NULL;
    errno = 0;
    long pid = strtol(digits, &end, 10);
    if (errno || end == digits || *digits == '-' || *digits == '+' || *end != '-' || pid <= 1 ||
        strlen(end + 1) != 6 || pid == (long)getpid())
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

size_t page_downloads_sweep(time_t started)
{
    DIR *parent = opendir(downloads_parent());
    if (!parent) return 0;
    size_t removed = 0;
    struct dirent *e;
    while ((e = readdir(parent)) != NULL) {
        if (!downloads_orphan(e->d_name)) continue;
        /* O_NOFOLLOW: a symbolic link of that name is never followed. */
        int fd = openat(dirfd(parent), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat st;
        if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || st.st_mtime >= started) {
            close(fd);
            continue;
        }
        DIR *dir = fdopendir(fd);
        if (!dir) {
            close(fd);
            continue;
        }
        /* Only the files (or links) a daemon of ours wrote there; a
         * subdirectory is not ours and keeps the directory in place. */
        struct dirent *f;
        while ((f = readdir(dir)) != NULL) {
            struct stat fs;
            if (fstatat(fd, f->d_name, &fs, AT_SYMLINK_NOFOLLOW) == 0 &&
                (S_ISREG(fs.st_mode) || S_ISLNK(fs.st_mode)) && fs.st_uid == geteuid())
                unlinkat(fd, f->d_name, 0);
        }
        closedir(dir);
        if (unlinkat(dirfd(parent), e->d_name, AT_REMOVEDIR) == 0) removed++;
    }
    closedir(parent);
    return removed;
}

void page_downloads_cleanup(void)
{
    pthread_mutex_lock(&DOWNLOADS.lock);
    if (DOWNLOADS.dir) {
        char *dir = DOWNLOADS.dir;
        /* Only files this process wrote live there. */
        for (size_t i = 0; i < DOWNLOAD_FILES; i++)
            if (DOWNLOADS.files[i].ready) download_unlink(&DOWNLOADS.files[i]);
        rmdir(dir);
        free(dir);
        DOWNLOADS.dir = NULL;
    }
    memset(DOWNLOADS.files, 0, sizeof DOWNLOADS.files);
    pthread_mutex_unlock(&DOWNLOADS.lock);
}

/* The selection and format as one number: two requests that would export
 * the same records in the same format share a file. */
static uint64_t download_key(const export_filter *f, export_format format)
{
    buf b = {0};
    buf_printf(&b, "%d|%s|%d|%s|%d|%s|%s|%d|%s|%lld|%ld", (int)format, f->ids ? f->ids : "-",
               (int)f->search, f->departement ? f->departement : "-", (int)f->territory.kind,
               f->territory.code, f->modified_after ? f->modified_after : "-",
               (int)f->include_closed, f->after_updated_at ? f->after_updated_at : "-",
               (long long)f->after_id, f->limit);
    uint64_t h = (uint64_t)XXH3_64bits(b.data, b.len);
    buf_free(&b);
    return h;
}

/* gzip `from` into `to` (level 6: built once, sent many times). */
static int gzip_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    gzFile out = in ? gzopen(to, "wb6") : NULL;
    int rc = in && out ? 0 : -1;
    char chunk[64 * 1024];
    size_t n;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        if (gzwrite(out, chunk, (unsigned)n) != (int)n) rc = -1;
    if (in && ferror(in)) rc = -1;
    if (in) fclose(in);
    if (out && gzclose(out) != Z_OK) rc = -1;
    return rc;
}

/* Write the export and its gzip under temporary names, then rename them in
 * place. Runs without the lock (it takes seconds at national size). */
static int download_build(req *r, const export_filter *f, export_format format, uint64_t key,
                          int64_t version, size_t *count)
{
    char *path = download_path(key, version, format, false);
    char *gz = download_path(key, version, format, true);
    char *tmp = xasprintf("%s.part", path), *tmp_gz = xasprintf("%s.part", gz);
    FILE *out = fopen(tmp, "wb");
    int rc =
        out ? export_write(db_reader(r->app->db), f, format, export_sink_file, out, count) : -1;
    if (out && fclose(out) != 0) rc = -1;
    if (rc == 0) rc = gzip_file(tmp, tmp_gz);
    if (rc == 0 && (rename(tmp_gz, gz) != 0 || rename(tmp, path) != 0)) rc = -1;
    if (rc != 0) {
        fprintf(stderr, "repere: cannot build the download %s: %s\n", path, strerror(errno));
        unlink(tmp);
        unlink(tmp_gz);
    }
    free(tmp);
    free(tmp_gz);
    free(path);
    free(gz);
    return rc;
}

/* Record a built file, evicting the least used one (and its files). */
static void download_keep(uint64_t key, int64_t version, size_t count)
{
    download_file *slot = NULL;
    for (size_t i = 0; i < DOWNLOAD_FILES && !slot; i++)
        if (!DOWNLOADS.files[i].ready) slot = &DOWNLOADS.files[i];
    for (size_t i = 0; i < DOWNLOAD_FILES && !slot; i++)
        if (DOWNLOADS.files[i].version != version) slot = &DOWNLOADS.files[i];
    if (!slot) {
        slot = &DOWNLOADS.files[0];
        for (size_t i = 1; i < DOWNLOAD_FILES; i++)
            if (DOWNLOADS.files[i].used < slot->used) slot = &DOWNLOADS.files[i];
    }
    if (slot->ready) download_unlink(slot);
    *slot = (download_file){
        .key = key, .version = version, .ready = true, .count = count, .used = time(NULL)};
}

typedef enum download_state { DOWNLOAD_READY, DOWNLOAD_BUSY, DOWNLOAD_FAILED } download_state;

/* Make sure the file of (key, version) exists: found, built now, or refused
 * because the build budget is spent. *count: its number of records. */
static download_state download_ensure(req *r, const export_filter *f, export_format format,
                                      uint64_t key, int64_t version, size_t *count)
{
    pthread_mutex_lock(&DOWNLOADS.lock);
    if (!DOWNLOADS.dir) {
        char *dir =
            xasprintf("%s/%s%ld-XXXXXX", downloads_parent(), DOWNLOADS_PREFIX, (long)getpid());
        if (mkdtemp(dir)) {
            DOWNLOADS.dir = dir;
        } else {
            fprintf(stderr, "repere: cannot make %s: %s\n", dir, strerror(errno));
            free(dir);
            pthread_mutex_unlock(&DOWNLOADS.lock);
            return DOWNLOAD_FAILED;
        }
    }
    for (size_t i = 0; i < DOWNLOAD_FILES; i++) {
        download_file *d = &DOWNLOADS.files[i];
        if (d->ready && d->key == key && d->version == version) {
            d->used = time(NULL);
            *count = d->count;
            pthread_mutex_unlock(&DOWNLOADS.lock);
            return DOWNLOAD_READY;
        }
    }
    if (DOWNLOADS.building >= DOWNLOAD_BUILDS) {
        pthread_mutex_unlock(&DOWNLOADS.lock);
        return DOWNLOAD_BUSY;
    }
    DOWNLOADS.building++;
    pthread_mutex_unlock(&DOWNLOADS.lock);
    int rc = download_build(r, f, format, key, version, count);
    pthread_mutex_lock(&DOWNLOADS.lock);
    DOWNLOADS.building--;
    if (rc == 0) download_keep(key, version, *count);
    pthread_mutex_unlock(&DOWNLOADS.lock);
    return rc == 0 ? DOWNLOAD_READY : DOWNLOAD_FAILED;
}

static bool accepts_gzip(req *r)
{
    const char *ae = req_header(r, "Accept-Encoding");
    return ae && strstr(ae, "gzip") != NULL;
}

/* Used by: /donnees (départements that have open places, with their count). */
static const char Q_DEPARTEMENTS[] =
    "SELECT d.code, d.name, COUNT(*) FROM place p JOIN departement d ON d.code = p.departement"
    " WHERE p.closed_at IS NULL GROUP BY d.code ORDER BY d.code";
/* Used by: /donnees (régions that have open places, with their count). */
static const char Q_REGIONS[] =
    "SELECT g.code, g.name, COUNT(*) FROM place p JOIN departement d ON d.code = p.departement"
    " JOIN region g ON g.code = d.region WHERE p.closed_at IS NULL GROUP BY g.code ORDER BY g.name";
/* Used by: /donnees (size of the whole catalogue and its last change). */
static const char Q_TOTAL[] = "SELECT COUNT(*), MAX(updated_at) FROM place WHERE closed_at IS NULL";

static json_t *territory_links(sqlite3_stmt *s, const char *kind)
{
    json_t *list = json_array();
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *code = db_col_text(s, 0);
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:I, s:s}", "code", code, "name", db_col_text(s, 1),
                            "count", (json_int_t)sqlite3_column_int64(s, 2), "territoire", kind));
    }
    sqlite3_reset(s);
    return list;
}

int page_opendata(req *r)
{
    db_conn *c = db_reader(r->app->db);
    json_t *d = page_model(_("Données ouvertes"));
    json_object_set_new(
        d, "description",
        json_string(_("Tous les lieux de Repère à télécharger au format du schéma "
                      "national (CSV, JSON, GeoJSON), l'API et la liste à intégrer.")));
    sqlite3_stmt *s = db_stmt(c, Q_TOTAL);
    if (sqlite3_step(s) == SQLITE_ROW) {
        json_object_set_new(d, "total", json_integer(sqlite3_column_int64(s, 0)));
        const char *last = db_col_text(s, 1);
        if (last) json_object_set_new(d, "last_change", json_stringn(last, 10));
    }
    sqlite3_reset(s);
    json_object_set_new(d, "departements",
                        territory_links(db_stmt(c, Q_DEPARTEMENTS), "departement"));
    json_object_set_new(d, "regions", territory_links(db_stmt(c, Q_REGIONS), "region"));
    char *example = export_file_name(&(export_filter){0}, EXPORT_FORMAT_CSV, now_utc());
    json_object_set_new(d, "file_example", json_string(example));
    free(example);
    json_object_set_new(d, "origin", json_string(api_absolute_url(r, "")));
    r->cache_control = "public, max-age=300";
    json_object_set_new(d, "schema_url", json_string(SCHEMA_URL));
    return reply_page(r, "opendata", d);
}

int page_opendata_download(req *r)
{
    export_format format;
    const char *ext = strrchr(r->path, '.');
    if (!ext || !export_format_parse(ext + 1, &format))
        return reply_error(r, 404, "Ce fichier n'existe pas.");
    if (!api_rate_allow(r)) return 0;
    export_filter f;
    const char *error, *detail;
    if (!api_selection(r, API_PARAMS_PAGE, &f, &error, &detail)) {
        const char *message =
            detail && *detail ? arena_printf(r->arena, "%s (%s)", error, detail) : error;
        return reply_error(r, 400, message);
    }
    uint64_t key = download_key(&f, format);
    int64_t version = db_version(r->app->db);
    size_t count = 0;
    download_state state = download_ensure(r, &f, format, key, version, &count);
    if (state == DOWNLOAD_BUSY) {
        reply_header(r, "Retry-After", arena_printf(r->arena, "%d", DOWNLOAD_RETRY_S));
        return reply_error(r, 503,
                           "Ce fichier est en cours de préparation : réessayez dans quelques "
                           "secondes.");
    }
    if (state == DOWNLOAD_FAILED) return -1;

    bool gz = accepts_gzip(r);
    char *etag = arena_printf(r->arena, "\"%016llx-%lld%s\"", (unsigned long long)key,
                              (long long)version, gz ? "-gz" : "");
    reply_header(r, "ETag", etag);
    reply_header(r, "Vary", "Accept-Encoding");
    reply_header(r, "X-Repere-Records", arena_printf(r->arena, "%zu", count));
    api_cors(r);
    r->cache_control = "public, max-age=300";
    const char *inm = req_header(r, "If-None-Match");
    if (inm && strstr(inm, etag)) {
        buf_reset(&r->out);
        r->status = 304;
        return 0;
    }
    pthread_mutex_lock(&DOWNLOADS.lock);
    char *path = download_path(key, version, format, gz);
    pthread_mutex_unlock(&DOWNLOADS.lock);
    /* Opened before a later build may evict it: an open file outlives its name. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        reply_header(r, "Retry-After", arena_printf(r->arena, "%d", DOWNLOAD_RETRY_S));
        return reply_error(r, 503,
                           "Ce fichier est en cours de préparation : réessayez dans "
                           "quelques secondes.");
    }
    char *name = export_file_name(&f, format, now_utc());
    reply_header(r, "Content-Disposition",
                 arena_printf(r->arena, "attachment; filename=\"%s\"", name));
    free(name);
    if (gz) reply_header(r, "Content-Encoding", "gzip");
    r->file_fd = fd;
    r->file_size = (uint64_t)st.st_size;
    r->status = 200;
    r->content_type = export_format_content_type(format);
    return 0;
}
