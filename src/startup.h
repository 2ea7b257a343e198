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
/* Release what app_load_web and main set up. */
void app_free(app *a);

#endif
