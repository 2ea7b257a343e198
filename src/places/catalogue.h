/*
 * catalogue.h — upkeep of derived facts of the catalogue that any writer
 * relies on: the gazetteer commune of a place (run by place_store after each
 * write, and over the whole catalogue at start-up) and the vocabulary labels
 * of the full-text index.
 */
#ifndef REPERE_CATALOGUE_H
#define REPERE_CATALOGUE_H

#include "core/db.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Link places that have no commune_insee yet to their gazetteer commune and
 * set their département: the published code_insee (an old code: today's
 * commune); else the commune of the postal code with that name, a former
 * commune of that name (merged since), the name in the postal code's
 * département (Cedex codes), a close spelling among the postal code's
 * communes, its only commune, or the one nearest the record's position —
 * the last three, and a position far from the named commune, are doubts
 * that catalogue_link_doubt() tells (catalogue.c, decide()).
 * Runs inside the caller's write transaction. Returns the number of places
 * linked, or -1 on a database error.
 */
int catalogue_link_communes(db_conn *w);
/* The same for one place (place_store, after each write): 1 linked, 0 not
 * (already linked, or no commune found), -1 on a database error. */
int catalogue_link_place(db_conn *w, int64_t id);

/*
 * What a person should check about the commune link of place `id` when its
 * commune name, postal code and position disagree: writes a French
 * sentence into doubt (size bytes) and returns 1; returns 0 when they agree
 * (doubt = ""), -1 on a database error. For the import report.
 */
int catalogue_link_doubt(db_conn *w, int64_t id, char *doubt, size_t size);

/*
 * The same decision for a record not written yet (place_store_insert links
 * a new place in its INSERT instead of updating the row it just wrote):
 * postal code and commune as published ("" when absent), insee_code or
 * NULL, the position when has_pos. Sets insee ("" when no commune is
 * found), dep and doubt as above. Returns 0, or -1 on a database error.
 */
int catalogue_link_decide(db_conn *w, const char *postal, const char *commune,
                          const char *insee_code, bool has_pos, double lat, double lon,
                          char insee[8], char dep[4], char *doubt, size_t size);

/*
 * Mirror the labels for people of the services and typologie vocabularies
 * (src/vocab.c) into the vocab_label table that the full-text triggers read;
 * re-index every place when a label changed. Inside the caller's write
 * transaction. Returns the number of labels changed, or -1.
 */
int catalogue_sync_vocab_labels(db_conn *w);

/*
 * Bulk writes (imports): between catalogue_fts_defer and catalogue_fts_flush,
 * inside one write transaction, the full-text index is not touched by each
 * place written; the flush re-indexes the places written in one statement
 * (migrations/0021-fts-deferred.sql says why). The flush must run before the
 * commit; a rollback undoes both. Return 0, or -1 on a database error.
 */
int catalogue_fts_defer(db_conn *w);
int catalogue_fts_flush(db_conn *w);

#endif
