/*
 * db.c — SQLite connections, pragmas, migrations, statement cache and the
 * write-transaction helper. See db.h.
 */
#include "core/db.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    STMT_CACHE_SLOTS = 256, /* per connection; more distinct statements abort loudly */
    BUSY_RETRIES = 5,       /* BEGIN IMMEDIATE attempts beyond busy_timeout */
};

struct db_conn {
    sqlite3 *handle;
    db *owner;
    const char *keys[STMT_CACHE_SLOTS];
    sqlite3_stmt *stmts[STMT_CACHE_SLOTS];
    struct db_conn *next_reader; /* list of readers, for closing */
};

struct db {
    char *path;
    db_conn *writer;
    pthread_mutex_t writer_lock;
    pthread_mutex_t readers_lock;
    db_conn *readers;
    pthread_key_t reader_key;
};

/* Memory: no mmap (every connection's mapping of the file counted again in
 * the daemon's resident memory: four readers of a 57 MB catalogue showed
 * 206 MB of RssFile), and small page caches for the readers, whose hot
 * paths are served from the search index and the page cache; the writer
 * (imports) keeps a larger one. */
static const char *const PRAGMAS = "PRAGMA journal_mode=WAL;"
                                   "PRAGMA synchronous=NORMAL;"
                                   "PRAGMA foreign_keys=ON;"
                                   "PRAGMA temp_store=MEMORY;"
                                   "PRAGMA mmap_size=0;";
static const char *const WRITER_PRAGMAS = "PRAGMA cache_size=-65536;";
static const char *const READER_PRAGMAS = "PRAGMA cache_size=-1024;";
/* A process that writes in bulk (repere import) and serves nothing: the
 * writer reads the file through a mapping and keeps a quarter of a gigabyte
 * of pages, so that the indexes of a national catalogue (300 000 places:
 * 500 MB) are not read again page by page, one pread each, at every insert. */
static const char *const BULK_PRAGMAS = "PRAGMA mmap_size=2147483648; PRAGMA cache_size=-262144;";

static db_conn *conn_open(db *d, bool readonly, char **err)
{
    sqlite3 *h = NULL;
    int flags = readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    flags |= SQLITE_OPEN_NOMUTEX; /* each connection is used by one thread at a time */
    int rc = sqlite3_open_v2(d->path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        if (err)
            *err = xasprintf("cannot open database %s: %s", d->path,
                             h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h, 5000);
    char *msg = NULL;
    const char *pragmas = PRAGMAS;
    if (readonly) pragmas = strchr(PRAGMAS, ';') + 1; /* journal_mode needs write access */
    if (sqlite3_exec(h, pragmas, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(h, readonly ? READER_PRAGMAS : WRITER_PRAGMAS, NULL, NULL, &msg) !=
            SQLITE_OK) {
        if (err) *err = xasprintf("cannot configure database %s: %s", d->path, msg);
        sqlite3_free(msg);
        sqlite3_close(h);
        return NULL;
    }
    db_conn *c = xcalloc(1, sizeof *c);
    c->handle = h;
    c->owner = d;
    return c;
}

static void conn_close(db_conn *c)
{
    if (!c) return;
    for (int i = 0; i < STMT_CACHE_SLOTS; i++)
        if (c->stmts[i]) sqlite3_finalize(c->stmts[i]);
    sqlite3_close(c->handle);
    free(c);
}

void db_bulk_writes(db *d)
{
    pthread_mutex_lock(&d->writer_lock);
    if (d->writer) sqlite3_exec(d->writer->handle, BULK_PRAGMAS, NULL, NULL, NULL);
    pthread_mutex_unlock(&d->writer_lock);
}

db *db_open(const char *path, char **err)
{
    if (!sqlite3_compileoption_used("ENABLE_FTS5")) {
        *err = xstrdup("this SQLite library was built without FTS5");
        return NULL;
    }
    db *d = xcalloc(1, sizeof *d);
    d->path = xstrdup(path);
    pthread_mutex_init(&d->writer_lock, NULL);
    pthread_mutex_init(&d->readers_lock, NULL);
    pthread_key_create(&d->reader_key, NULL);
    d->writer = conn_open(d, false, err);
    if (!d->writer) {
        db_close(d);
        return NULL;
    }
    /* Make sure the file is really writable now, not at the first edit. */
    char *msg = NULL;
    if (sqlite3_exec(d->writer->handle,
                     "CREATE TABLE IF NOT EXISTS schema_migration ("
                     " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                     " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))",
                     NULL, NULL, &msg) != SQLITE_OK) {
        *err = xasprintf("database %s is not writable: %s", path, msg);
        sqlite3_free(msg);
        db_close(d);
        return NULL;
    }
    return d;
}

void db_close(db *d)
{
    if (!d) return;
    conn_close(d->writer);
    db_conn *r = d->readers;
    while (r) {
        db_conn *next = r->next_reader;
        conn_close(r);
        r = next;
    }
    pthread_key_delete(d->reader_key);
    pthread_mutex_destroy(&d->writer_lock);
    pthread_mutex_destroy(&d->readers_lock);
    free(d->path);
    free(d);
}

db_conn *db_reader(db *d)
{
    db_conn *c = pthread_getspecific(d->reader_key);
    if (c) return c;
    char *err = NULL;
    c = conn_open(d, true, &err);
    if (!c) {
        fprintf(stderr, "repere: %s\n", err);
        abort();
    }
    pthread_setspecific(d->reader_key, c);
    pthread_mutex_lock(&d->readers_lock);
    c->next_reader = d->readers;
    d->readers = c;
    pthread_mutex_unlock(&d->readers_lock);
    return c;
}

void db_reader_release_memory(db *d)
{
    db_conn *c = pthread_getspecific(d->reader_key);
    if (c) sqlite3_db_release_memory(c->handle);
}

void db_writer_release_memory(db *d)
{
    pthread_mutex_lock(&d->writer_lock);
    sqlite3_db_release_memory(d->writer->handle);
    pthread_mutex_unlock(&d->writer_lock);
}

db_conn *db_begin(db *d)
{
    pthread_mutex_lock(&d->writer_lock);
    for (int attempt = 0; attempt < BUSY_RETRIES; attempt++) {
        int rc = sqlite3_exec(d->writer->handle, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_OK) return d->writer;
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
        struct timespec pause = {0, 50 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "repere: cannot start a write transaction: %s\n",
            sqlite3_errmsg(d->writer->handle));
    pthread_mutex_unlock(&d->writer_lock);
    return NULL;
}

int db_commit(db_conn *c)
{
    db *d = c->owner;
    int rc = sqlite3_exec(c->handle, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "repere: commit failed: %s\n", sqlite3_errmsg(c->handle));
        sqlite3_exec(c->handle, "ROLLBACK", NULL, NULL, NULL);
    }
    pthread_mutex_unlock(&d->writer_lock);
    return rc == SQLITE_OK ? 0 : -1;
}

void db_rollback(db_conn *c)
{
    sqlite3_exec(c->handle, "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&c->owner->writer_lock);
}

int db_transaction(db *d, db_write_fn fn, void *ctx)
{
    db_conn *c = db_begin(d);
    if (!c) return -1;
    int rc = fn(c, ctx);
    if (rc < 0) {
        db_rollback(c);
        return rc;
    }
    return db_commit(c) == 0 ? rc : -1;
}

sqlite3_stmt *db_stmt_try(db_conn *c, const char *sql)
{
    size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE_SLOTS;
    for (size_t i = 0; i < STMT_CACHE_SLOTS; i++) {
        size_t slot = (h + i) % STMT_CACHE_SLOTS;
        if (c->keys[slot] == sql) {
            sqlite3_reset(c->stmts[slot]);
            sqlite3_clear_bindings(c->stmts[slot]);
            return c->stmts[slot];
        }
        if (!c->keys[slot]) {
            sqlite3_stmt *s = NULL;
            if (sqlite3_prepare_v3(c->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
                SQLITE_OK)
                return NULL;
            c->keys[slot] = sql;
            c->stmts[slot] = s;
            return s;
        }
    }
    fprintf(stderr, "repere: statement cache full\n");
    abort();
}

sqlite3_stmt *db_stmt(db_conn *c, const char *sql)
{
    sqlite3_stmt *s = db_stmt_try(c, sql);
    if (!s) {
        fprintf(stderr, "repere: SQL error: %s\nin: %s\n", sqlite3_errmsg(c->handle), sql);
        abort();
    }
    return s;
}

sqlite3 *db_handle(db_conn *c)
{
    return c->handle;
}

static int param_index(sqlite3_stmt *s, const char *name)
{
    int i = sqlite3_bind_parameter_index(s, name);
    if (i == 0) {
        fprintf(stderr, "repere: no SQL parameter %s in: %s\n", name, sqlite3_sql(s));
        abort();
    }
    return i;
}

void db_bind_text(sqlite3_stmt *s, const char *name, const char *value)
{
    int i = param_index(s, name);
    if (value && *value)
        sqlite3_bind_text(s, i, value, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

void db_bind_text_exact(sqlite3_stmt *s, const char *name, const char *value)
{
    int i = param_index(s, name);
    if (value)
        sqlite3_bind_text(s, i, value, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

void db_bind_int(sqlite3_stmt *s, const char *name, int64_t value)
{
    sqlite3_bind_int64(s, param_index(s, name), value);
}

void db_bind_double(sqlite3_stmt *s, const char *name, double value)
{
    sqlite3_bind_double(s, param_index(s, name), value);
}

void db_bind_null(sqlite3_stmt *s, const char *name)
{
    sqlite3_bind_null(s, param_index(s, name));
}

const char *db_col_text(sqlite3_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s, col);
}

double db_col_double_or_nan(sqlite3_stmt *s, int col)
{
    return sqlite3_column_type(s, col) == SQLITE_NULL ? NAN : sqlite3_column_double(s, col);
}

int db_exec_stmt(sqlite3_stmt *s)
{
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    sqlite3_reset(s);
    return rc;
}

int64_t db_version(db *d)
{
    /* One row, bumped by triggers on the catalogue's tables
     * (migrations/0020-catalogue-version.sql): writes by this process and by
     * others (`repere import` while serving) alike, and nothing else — a
     * login or a password-reset request leaves it alone. Before that
     * migration has run (a database being created): 0. */
    return db_conn_version(db_reader(d));
}

int64_t db_conn_version(db_conn *c)
{
    static const char sql[] = /* used by: db_version, db_conn_version (caches) */
        "SELECT version FROM catalogue_version WHERE id = 1";
    sqlite3_stmt *s = db_stmt(c, sql);
    int64_t v = 0;
    if (s && sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
    if (s) sqlite3_reset(s);
    return v;
}

/* ---- migrations ---- */

static int migration_filter(const struct dirent *e)
{
    const char *n = e->d_name;
    return n[0] >= '0' && n[0] <= '9' && str_ends_with(n, ".sql");
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_steal(&b);
}

int db_migrate(db *d, const char *dir)
{
    struct dirent **names = NULL;
    int count = scandir(dir, &names, migration_filter, alphasort);
    if (count < 0) {
        fprintf(stderr, "repere: cannot read migrations in %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int applied = 0, failed = 0;
    /* used by: db_migrate, to skip what is already applied */
    static const char q_applied[] = "SELECT 1 FROM schema_migration WHERE version = :v";
    static const char q_record[] = "INSERT INTO schema_migration(version, name) VALUES (:v, :n)";
    for (int i = 0; i < count && !failed; i++) {
        const char *name = names[i]->d_name;
        long version = strtol(name, NULL, 10);
        db_conn *c = db_begin(d);
        if (!c) {
            failed = 1;
            break;
        }
        sqlite3_stmt *s = db_stmt(c, q_applied);
        db_bind_int(s, ":v", version);
        bool done = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_reset(s);
        if (done) {
            db_rollback(c);
            continue;
        }
        char *path = xasprintf("%s/%s", dir, name);
        char *sql = read_file(path);
        char *msg = NULL;
        if (!sql || sqlite3_exec(c->handle, sql, NULL, NULL, &msg) != SQLITE_OK) {
            fprintf(stderr, "repere: migration %s failed: %s\n", path, msg ? msg : strerror(errno));
            sqlite3_free(msg);
            db_rollback(c);
            failed = 1;
        } else {
            s = db_stmt(c, q_record);
            db_bind_int(s, ":v", version);
            db_bind_text(s, ":n", name);
            db_exec_stmt(s);
            if (db_commit(c) == 0) {
                applied++;
                fprintf(stderr, "repere: applied migration %s\n", name);
            } else {
                failed = 1;
            }
        }
        free(sql);
        free(path);
    }
    for (int i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return failed ? -1 : applied;
}
