/*
 * catalogue.h — upkeep of derived facts of the catalogue that any writer
 * (importer, editor, API) relies on.
 */
#ifndef REPERE_CATALOGUE_H
#define REPERE_CATALOGUE_H

#include "core/db.h"

/*
 * Link places that have no commune_insee yet to their gazetteer commune
 * (published code_insee when valid; else the communes of their postal code,
 * chosen by name, else the nearest one) and set their département.
 * Runs inside the caller's write transaction. Returns the number of places
 * linked, or -1 on a database error.
 */
int catalogue_link_communes(db_conn *w);

/*
 * Mirror the labels for people of the services and typologie vocabularies
 * (src/vocab.c) into the vocab_label table that the full-text triggers read;
 * re-index every place when a label changed. Inside the caller's write
 * transaction. Returns the number of labels changed, or -1.
 */
int catalogue_sync_vocab_labels(db_conn *w);

#endif
