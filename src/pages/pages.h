/*
 * pages.h — the page handlers named by the route table (routes.c).
 * One file per page or closely related group under src/pages/.
 */
#ifndef REPERE_PAGES_H
#define REPERE_PAGES_H

#include "http/request.h"
#include "search/search.h"
#include "core/i18n.h"

#include <stddef.h>
#include <time.h>

/* The national schema the open data and the API follow (their pages link to it). */
#define SCHEMA_URL "https://schema.data.gouv.fr/LaMednum/standard-mediation-num/"

int page_home(req *r);                 /* home.c */
int page_places(req *r);               /* places.c: /lieux */
int page_places_geojson(req *r);       /* places.c: /lieux.geojson */
int page_communes_json(req *r);        /* places.c: /communes.json (suggestions) */
int page_place(req *r);                /* place.c: /lieux/{id}-{slug} */
int page_about(req *r);                /* about.c: /a-propos */
int page_robots(req *r);               /* static.c */
int page_static(req *r);               /* static.c: /static/… */
int page_api_doc(req *r);              /* api.c: /api (the page for people) */
int page_api_openapi(req *r);          /* api.c: /api/v1/openapi.json */
int page_api_places(req *r);           /* api.c: /api/v1/lieux */
int page_api_places_geojson(req *r);   /* api.c: /api/v1/lieux.geojson */
int page_api_place(req *r);            /* api.c: /api/v1/lieux/{id} */
int page_agenda(req *r);               /* agenda.c: /ateliers */
int page_agenda_ics(req *r);           /* agenda.c: /ateliers.ics (same parameters) */
int page_agenda_atom(req *r);          /* agenda.c: /ateliers.atom (same parameters) */
int page_place_workshops_ics(req *r);  /* agenda.c: /lieux/{id}/ateliers.ics */
int page_place_workshops_atom(req *r); /* agenda.c: /lieux/{id}/ateliers.atom */
int page_workshop(req *r);             /* workshop.c: /ateliers/{id}-{slug}[.ics] */
int page_opendata(req *r);             /* opendata.c: /donnees */
int page_opendata_download(req *r);    /* opendata.c: /donnees/lieux.{csv,json,geojson} */
/* opendata.c: remove the built download files (at shutdown, after the server stopped). */
void page_downloads_cleanup(void);
/* opendata.c: at start-up, remove the download directories that daemons
 * killed without a shutdown (kill -9, a crash) left in $TMPDIR: only ours by
 * name, owned by this user, of a process that no longer exists, and last
 * changed before `started`. Returns how many were removed. */
size_t page_downloads_sweep(time_t started);
int page_embed_places(req *r);  /* embed.c: /embed/lieux (may be framed) */
int page_embed_howto(req *r);   /* embed.c: /integrer, how to embed it */
int page_sitemap(req *r);       /* sitemap.c: /sitemap.xml */
int page_api_workshops(req *r); /* api_ateliers.c: /api/v1/ateliers */
int page_api_workshop(req *r);  /* api_ateliers.c: /api/v1/ateliers/{id} */

int page_selection(req *r);        /* selection.c: /selection (Ma sélection) */
int page_selection_add(req *r);    /* selection.c: POST /selection/ajouter */
int page_selection_change(req *r); /* selection.c: POST /selection/modifier (remove, move, empty) */
int page_selection_short(req *r);  /* selection.c: /s/{code}, the short link */
int page_print(req *r);  /* print.c: /selection/imprimer (GET, or POST with free-text lines) */
int page_carnet(req *r); /* carnet.c: /territoire/{commune}/imprimer */
int page_territory_home(req *r);            /* territory.c: /territoire (choose) */
int page_territory_departement(req *r);     /* territory.c: /territoire/departement/{code} */
int page_territory_departement_csv(req *r); /* territory.c: …/departement/{code}/communes.csv */
int page_territory_epci(req *r);            /* territory.c: /territoire/epci/{siren} */
int page_territory_epci_csv(req *r);        /* territory.c: …/epci/{siren}/communes.csv */
int page_territory_commune(req *r);         /* territory.c: /territoire/commune/{insee} */
/* The admin area (docs/admin.md). */
int page_login(req *r);              /* account.c: /connexion */
int page_login_post(req *r);         /* account.c: POST /connexion */
int page_logout(req *r);             /* account.c: POST /deconnexion */
int page_forgot(req *r);             /* account.c: /compte/oubli */
int page_forgot_post(req *r);        /* account.c: POST /compte/oubli */
int page_activate(req *r);           /* account.c: /compte/activer?t=… (invitation, reset) */
int page_activate_post(req *r);      /* account.c: POST /compte/activer */
int page_account(req *r);            /* account.c: /compte */
int page_account_password(req *r);   /* account.c: POST /compte/mot-de-passe */
int page_account_logout_all(req *r); /* account.c: POST /compte/deconnecter-partout */
int page_admin(req *r);              /* admin.c: /admin, the dashboard */
int page_admin_new_place(req *r);    /* admin.c: /admin/lieux/nouveau */
int page_admin_new_place_post(req *r);
int page_admin_report_handled(req *r); /* admin.c: POST /admin/signalements/{id}/traite */
int page_admin_claim_decide(req *r);   /* admin.c: POST /admin/demandes/{id}/{accepter|refuser} */
int page_admin_invite(req *r);         /* admin.c: POST /admin/inviter */
int page_admin_users(req *r);          /* admin.c: /admin/utilisateurs */
int page_admin_revoke(req *r);         /* admin.c: POST /admin/utilisateurs/{role id}/retirer */
int page_admin_log(req *r);            /* admin.c: /admin/journal */
int page_admin_outbox(req *r);         /* admin.c: /admin/courriels */
int page_admin_outbox_message(req *r); /* admin.c: /admin/courriels/{file} */
int page_admin_place(req *r);          /* admin_place.c: /admin/lieux/{id}, the editor */
int page_admin_history(req *r);        /* admin_place.c: /admin/lieux/{id}/historique */
int page_admin_place_post(req *r);     /* admin_place.c: POST /admin/lieux/{id}/{action} */
int page_admin_workshops(req *r);      /* admin_workshop.c: /admin/lieux/{id}/ateliers */
int page_admin_workshop_new(req *r);   /* admin_workshop.c: /admin/lieux/{id}/ateliers/nouveau */
int page_admin_workshop_new_post(req *r);
int page_admin_proposals(req *r);
int page_admin_place_proposals(req *r);
int page_admin_proposal_decide(req *r);
/* admin/duplicates.c: /admin/doublons and POST /admin/doublons/{id} */
int page_admin_duplicates(req *r);
int page_admin_duplicate_decide(req *r);
int page_admin_workshop(req *r);       /* admin_workshop.c: /admin/lieux/{id}/ateliers/{w} */
int page_admin_workshop_post(req *r);  /* admin_workshop.c: POST …/ateliers/{w}/{action} */
int page_admin_import(req *r);         /* admin_import.c: /admin/import (upload form) */
int page_admin_import_post(req *r);    /* admin_import.c: POST /admin/import (multipart: preview) */
int page_admin_import_confirm(req *r); /* admin_import.c: POST /admin/import/confirmer */
enum { ADMIN_IMPORT_MAX_BODY = 8 * 1024 * 1024 }; /* the upload route's body limit (routes.c) */
int page_verify_link(req *r); /* admin_place.c: /verifier (signed reminder link) */
int page_verify_link_post(req *r);
int page_reminder_unsubscribe(req *r); /* unsubscribe.c: /rappels/desabonner */
int page_reminder_unsubscribe_post(req *r);
int page_report(req *r); /* report.c: /lieux/{id}/signaler */
int page_report_post(req *r);
int page_claim(req *r); /* claim.c: /lieux/{id}/gerer */
int page_claim_post(req *r);
/* Admin helpers: the roles of an account in French (account.c); open reports
 * as a list for the inboxes, from a statement selecting id, created_at,
 * kinds, message, contact[, place id, place name] (admin.c). */
json_t *account_roles(req *r, int64_t account);
json_t *admin_reports_model(req *r, sqlite3_stmt *s);

/* Helpers shared by pages (common.c). */
/* A new page model with its <title>. */
json_t *page_model(const char *title);
/*
 * Read the search parameters of a request (pages/search_request.c). Returns
 * true, or false with a French message naming the parameter in *error (a
 * static string, or one allocated in r->arena).
 */
bool search_parse(req *r, search_params *p, const char **error);
/* Parse a positive page number (?page=N, 1 when absent); false when invalid. */
bool page_number(req *r, long *page);
/* Put the publisher's contact address (--contact) in the model as
 * "contact_email" (and its link, "contact_mailto"), when one is configured:
 * /a-propos and /accessibilite. */
void page_set_contact(req *r, json_t *model);

/* The accessibility statement (src/pages/accessibility.c). */
int page_accessibility(req *r);

/* The directory of intervenants (intervenants.c, issue 17). */
int page_intervenants(req *r);                  /* /intervenants: search, filters, counts */
int page_intervenant(req *r);                   /* /intervenants/{id}-{slug} */
int page_intervenant_apply(req *r);             /* /intervenants/candidater */
int page_intervenant_apply_post(req *r);        /* POST /intervenants/candidater */
int page_intervenant_confirm(req *r);           /* /intervenants/confirmer?t=… */
int page_intervenant_confirm_post(req *r);      /* POST /intervenants/confirmer */
int page_intervenant_me(req *r);                /* /intervenants/moi: the owner's form */
int page_intervenant_me_post(req *r);           /* POST /intervenants/moi */
int page_intervenant_me_delete(req *r);         /* POST /intervenants/moi/supprimer */
int page_intervenant_contact(req *r);           /* /intervenants/{id}/contacter */
int page_intervenant_contact_post(req *r);      /* POST /intervenants/{id}/contacter */
int page_admin_intervenants(req *r);            /* /admin/intervenants: queue, invitation */
int page_admin_intervenant_invite_form(req *r); /* /admin/intervenants/inviter */
int page_admin_intervenant_invite(req *r);      /* POST /admin/intervenants/inviter */
int page_admin_intervenant_decide(req *r); /* POST /admin/intervenants/{id}/{valider,supprimer} */
int page_intervenant_me_places(req *r);    /* POST /intervenants/moi/lieux: ask, detach */
int page_admin_intervenant_edit(req *r);   /* /admin/intervenants/{id}/modifier (coordinators) */
int page_admin_intervenant_edit_post(req *r);
/* admin/intervenants.c: who runs a workshop, attaching to a place, history. */
int page_admin_workshop_intervenants(req *r);      /* /admin/ateliers/{w}/intervenants */
int page_admin_workshop_intervenants_post(req *r); /* POST: ajouter, retirer */
int page_admin_intervenant_place_decide(req *r); /* POST …/{id}/lieux/{p}/{rattacher,detacher} */
int page_admin_intervenant_history(req *r);      /* /admin/intervenants/{id}/historique */
/* ?page= of a list (1 when absent or below), and the {page, pages, prev,
 * next} model of its links (NULL for one page), keeping parameters `kept`. */
long list_page_number(req *r);
json_t *list_pagination(req *r, long page, long pages, const char *const *kept, size_t nkept);
json_t *admin_intervenant_requests(req *r);  /* requests to attach the account may decide */
json_t *admin_intervenant_attached(req *r);  /* entries attached to places it may edit */
json_t *admin_intervenant_territory(req *r); /* {entries, total, pagination} it coordinates */
int page_api_intervenants(req *r);           /* /api/v1/intervenants */
int page_api_intervenant(req *r);            /* /api/v1/intervenants/{id} */

#endif
