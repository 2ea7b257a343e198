/*
 * pages.h — the page handlers named by the route table (routes.c).
 * One file per page or closely related group under src/pages/.
 */
#ifndef REPERE_PAGES_H
#define REPERE_PAGES_H

#include "http.h"

int page_home(req *r);          /* home.c */
int page_places(req *r);        /* places.c: /lieux */
int page_places_geojson(req *r); /* places.c: /lieux.geojson */
int page_communes_json(req *r);  /* places.c: /communes.json (suggestions) */
int page_place(req *r);         /* place.c: /lieux/{id}-{slug} */
int page_about(req *r);         /* about.c: /a-propos */
int page_robots(req *r);        /* static.c */
int page_static(req *r);        /* static.c: /static/… */
int page_api_doc(req *r);              /* api.c: /api (the page for people) */
int page_api_openapi(req *r);          /* api.c: /api/v1/openapi.json */
int page_api_places(req *r);           /* api.c: /api/v1/lieux */
int page_api_places_geojson(req *r);   /* api.c: /api/v1/lieux.geojson */
int page_api_place(req *r);            /* api.c: /api/v1/lieux/{id} */
int page_agenda(req *r);                /* agenda.c: /ateliers */
int page_agenda_ics(req *r);            /* agenda.c: /ateliers.ics (same parameters) */
int page_agenda_atom(req *r);           /* agenda.c: /ateliers.atom (same parameters) */
int page_place_workshops_ics(req *r);   /* agenda.c: /lieux/{id}/ateliers.ics */
int page_place_workshops_atom(req *r);  /* agenda.c: /lieux/{id}/ateliers.atom */
int page_workshop(req *r);              /* workshop.c: /ateliers/{id}-{slug}[.ics] */
int page_opendata(req *r);             /* opendata.c: /donnees */
int page_opendata_download(req *r);    /* opendata.c: /donnees/lieux.{csv,json,geojson} */
int page_embed_places(req *r);         /* embed.c: /embed/lieux (may be framed) */
int page_sitemap(req *r);              /* sitemap.c: /sitemap.xml */
int page_api_workshops(req *r);        /* api_ateliers.c: /api/v1/ateliers */
int page_api_workshop(req *r);         /* api_ateliers.c: /api/v1/ateliers/{id} */

int page_selection(req *r);        /* selection.c: /selection (Ma sélection) */
int page_selection_add(req *r);    /* selection.c: POST /selection/ajouter */
int page_selection_change(req *r); /* selection.c: POST /selection/modifier (remove, move, empty) */
int page_selection_short(req *r);  /* selection.c: /s/{code}, the short link */
int page_print(req *r);            /* print.c: /selection/imprimer (GET, or POST with free-text lines) */
int page_carnet(req *r);           /* carnet.c: /territoire/{commune}/imprimer */
/* Helpers shared by pages (common.c). */
/* A new page model with its <title>. */
json_t *page_model(const char *title);
/* Parse a positive page number (?page=N, 1 when absent); false when invalid. */
bool page_number(req *r, long *page);

#endif
