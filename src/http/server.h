/*
 * server.h — start and stop the HTTP daemon (libmicrohttpd). Only main.c
 * needs this; handlers see requests through request.h.
 */
#ifndef REPERE_SERVER_H
#define REPERE_SERVER_H

#include "app.h"

/* Start serving; returns a handle to stop it, or NULL (message printed). */
typedef struct http_server http_server;
http_server *http_start(app *a);
void http_stop(http_server *s);

#endif
