/*
 * db.h — the only door to SQLite.
 *
 * A `db` is the catalogue file: one writer connection behind a mutex (every
 * write is a BEGIN IMMEDIATE transaction) and one read-only connection per
 * thread, opened on first use. Each connection caches its prepared
 * statements (SQLITE_PREPARE_PERSISTENT), keyed by the address of the SQL
 * text: SQL lives in `static const char` strings next to the code that uses
 * it, with a comment saying who uses it, and is never built with a string
 * formatter.
 */
#ifndef REPERE_DB_H
#define REPERE_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct db db;
typedef struct db_conn db_conn;

/*
 * Open (creating if needed) the catalogue at `path`, set the pragmas and check
 * FTS5 is compiled in. On failure returns NULL and a malloc'd message in *err
 * (in English, for the operator).
 */
db *db_open(const char *path, char **err);
/* Close every connection (the caller guarantees no thread uses them any more). */
void db_close(db *d);

/*
 * Apply the numbered migrations found in `dir` (files NNNN-what.sql) that are
 * not yet recorded in schema_migration, each in its own transaction.
 * Returns the number applied, or -1 with a message on stderr.
 */
int db_migrate(db *d, const char *dir);

/* The calling thread's read-only connection (opened on first use). */
db_conn *db_reader(db *d);

/* Give back the page cache of the calling thread's reader, if it has one:
 * for a thread that reads in bursts and then waits (the search index's
 * builder), so that its pages do not stay resident between bursts. */
void db_reader_release_memory(db *d);
/* The same for the writer connection (waits for any write in progress). */
void db_writer_release_memory(db *d);

/* For a process that writes in bulk and serves nothing (repere import): a
 * larger page cache and a mapping of the file for the writer connection. */
void db_bulk_writes(db *d);

/*
 * Start a write transaction (BEGIN IMMEDIATE, retried on SQLITE_BUSY a
 * bounded number of times). Holds the writer mutex until db_commit or
 * db_rollback. Returns NULL when the database stays busy.
 */
db_conn *db_begin(db *d);
/* Commit; returns 0, or -1 after rolling back when COMMIT failed. */
int db_commit(db_conn *c);
void db_rollback(db_conn *c);

/*
 * Run `fn` inside one write transaction: the way to write. A negative
 * return from fn rolls everything back and is returned as is (-1 for an
 * error; other negative codes are the caller's, e.g. "refused"); zero or a
 * positive value commits and is returned. Returns -1 when the transaction
 * cannot start (busy) or COMMIT fails (rolled back). fn never commits or
 * rolls back itself.
 */
typedef int (*db_write_fn)(db_conn *c, void *ctx);
int db_transaction(db *d, db_write_fn fn, void *ctx);

/*
 * The cached prepared statement for `sql` on this connection, reset and with
 * its bindings cleared. `sql` must be a string with static storage duration.
 * Aborts with a message when the SQL does not compile (a programming error).
 */
sqlite3_stmt *db_stmt(db_conn *c, const char *sql);
/* Same, but returns NULL instead of aborting (for FTS queries and the like). */
sqlite3_stmt *db_stmt_try(db_conn *c, const char *sql);
sqlite3 *db_handle(db_conn *c);

/*
 * Binding and reading helpers. db_bind_text treats NULL and "" alike: both
 * bind NULL, because in this database an absent optional value is NULL,
 * never "" (a form's empty field, an import's "" and a missing key are the
 * same "nothing"; exports, provenance and "IS NULL" tests rely on one
 * representation). For a value where "" is a value and not an absence (a
 * derived search key of a NOT NULL column, a lookup), use
 * db_bind_text_exact, which binds "" as "" (and NULL as NULL).
 */
void db_bind_text(sqlite3_stmt *s, const char *name, const char *value);
void db_bind_text_exact(sqlite3_stmt *s, const char *name, const char *value);
void db_bind_int(sqlite3_stmt *s, const char *name, int64_t value);
void db_bind_double(sqlite3_stmt *s, const char *name, double value);
void db_bind_null(sqlite3_stmt *s, const char *name);
/* Column text, or NULL when the column is NULL. Valid until the next step. */
const char *db_col_text(sqlite3_stmt *s, int col);
/* Column number, or NaN when the column is NULL (a place without a position). */
double db_col_double_or_nan(sqlite3_stmt *s, int col);

/* Run a statement with no result (steps to completion, resets). Returns the
 * SQLite result code (SQLITE_DONE on success). */
int db_exec_stmt(sqlite3_stmt *s);

/* The catalogue's version: changes whenever something public pages show
 * changes (triggers on the catalogue's tables, whoever writes), and only
 * then — accounts, sessions and throttles leave it alone. Keys the search
 * index, the page cache and the other per-version caches. */
int64_t db_version(db *d);
/* The same, read through connection c. */
int64_t db_conn_version(db_conn *c);

#endif
