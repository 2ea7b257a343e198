/*
 * startup.h — the set-up steps shared by the sub-commands (startup.c): what
 * follows the migrations, what serving needs, and the release of it all.
 * They touch every room (gazetteer, places, workshops, search), so they live
 * at the top with main.c, apart from app.h, which only declares the state.
 */
#ifndef REPERE_STARTUP_H
#define REPERE_STARTUP_H

#include "app.h"

/* After migrations: load reference data that ships with the code (the
 * gazetteer) when it changed. Returns 0 or -1 (message printed). */
int app_after_migrate(app *a, db *d);
/* Before serving: compile templates, locate static files, compute the asset
 * version and the Content-Security-Policy. Returns 0 or -1 (message printed). */
int app_load_web(app *a);
/* The page cache's budget in bytes: configured_mb (REPERE_PAGE_CACHE_MB)
 * when >= 0, otherwise 1 MiB per 10 000 places of the catalogue, at least
 * 12 MiB, at most 256 MiB. */
size_t app_page_cache_budget(int configured_mb, long places);
/* Release what app_load_web and main set up. */
void app_free(app *a);

#endif
