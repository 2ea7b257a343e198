/*
 * routes.c — THE route table, one row per URL (the matcher is http/router.c).
 */
#include "routes.h"
#include "pages/pages.h"

#include <string.h>

const route ROUTES[] = {
    {.method = "GET", .path = "/", .handler = page_home},
    {.method = "GET", .path = "/lieux", .handler = page_places},
    {.method = "GET", .path = "/lieux.geojson", .handler = page_places_geojson},
    {.method = "GET", .path = "/communes.json", .handler = page_communes_json},
    {.method = "GET", .path = "/lieux/*", .handler = page_place},
    {.method = "GET", .path = "/a-propos", .handler = page_about},
    {.method = "GET", .path = "/robots.txt", .handler = page_robots},
    {.method = "GET", .path = "/static/*", .handler = page_static},
    {.method = "GET", .path = "/static/*/*", .handler = page_static},
    {.method = "GET", .path = "/static/*/*/*", .handler = page_static},
    {.method = "GET", .path = "/static/*/*/*/*", .handler = page_static},
    /* Open data: the public API (src/pages/api.c, docs/api.md). */
    {.method = "GET", .path = "/api", .handler = page_api_doc},
    {.method = "GET", .path = "/api/v1/openapi.json", .handler = page_api_openapi},
    {.method = "GET", .path = "/api/v1/lieux", .handler = page_api_places},
    {.method = "GET", .path = "/api/v1/lieux.geojson", .handler = page_api_places_geojson},
    {.method = "GET", .path = "/api/v1/lieux/*", .handler = page_api_place},
    /* Workshops (src/pages/agenda.c, src/pages/workshop.c). */
    {.method = "GET", .path = "/ateliers", .handler = page_agenda},
    {.method = "GET", .path = "/ateliers.ics", .handler = page_agenda_ics},
    {.method = "GET", .path = "/ateliers.atom", .handler = page_agenda_atom},
    {.method = "GET", .path = "/ateliers/*", .handler = page_workshop},
    {.method = "GET", .path = "/lieux/*/ateliers.ics", .handler = page_place_workshops_ics},
    {.method = "GET", .path = "/lieux/*/ateliers.atom", .handler = page_place_workshops_atom},
    /* Open data: downloads, embeddable list, sitemap (src/pages/opendata.c, embed.c, sitemap.c). */
    {.method = "GET", .path = "/donnees", .handler = page_opendata},
    {.method = "GET", .path = "/donnees/lieux.csv", .handler = page_opendata_download},
    {.method = "GET", .path = "/donnees/lieux.json", .handler = page_opendata_download},
    {.method = "GET", .path = "/donnees/lieux.geojson", .handler = page_opendata_download},
    {.method = "GET", .path = "/embed/lieux", .handler = page_embed_places},
    {.method = "GET", .path = "/sitemap.xml", .handler = page_sitemap},
    /* Open data: workshops in the public API (src/pages/api_ateliers.c). */
    {.method = "GET", .path = "/api/v1/ateliers", .handler = page_api_workshops},
    {.method = "GET", .path = "/api/v1/ateliers/*", .handler = page_api_workshop},
    /* The social worker's kit: selection, share, printed sheet, commune carnet
     * (src/pages/selection.c, print.c, carnet.c; docs/kit.md). The POST forms
     * are anonymous: they only rewrite the selection cookie and redirect. */
    {.method = "GET", .path = "/selection", .handler = page_selection},
    {.method = "POST", .path = "/selection/ajouter", .handler = page_selection_add},
    {.method = "POST", .path = "/selection/modifier", .handler = page_selection_change},
    {.method = "GET", .path = "/s/*", .handler = page_selection_short},
    {.method = "GET", .path = "/selection/imprimer", .handler = page_print},
    {.method = "POST", .path = "/selection/imprimer", .handler = page_print},
    {.method = "GET", .path = "/territoire/*/imprimer", .handler = page_carnet},
    /* The admin area: accounts, the place editor, reports and claims
     * (src/pages/account.c, admin.c, admin_place.c, report.c, claim.c;
     * docs/admin.md, docs/security.md). Access and CSRF enforced by http.c. */
    {.method = "GET", .path = "/connexion", .handler = page_login},
    {.method = "POST", .path = "/connexion", .handler = page_login_post, .csrf = true},
    {.method = "POST", .path = "/deconnexion", .handler = page_logout, .access = ACCESS_SIGNED_IN, .csrf = true},
    {.method = "GET", .path = "/compte/oubli", .handler = page_forgot},
    {.method = "POST", .path = "/compte/oubli", .handler = page_forgot_post, .csrf = true},
    {.method = "GET", .path = "/compte/activer", .handler = page_activate},
    {.method = "POST", .path = "/compte/activer", .handler = page_activate_post, .csrf = true},
    {.method = "GET", .path = "/compte", .handler = page_account, .access = ACCESS_SIGNED_IN},
    {.method = "POST", .path = "/compte/mot-de-passe", .handler = page_account_password, .access = ACCESS_SIGNED_IN, .csrf = true},
    {.method = "POST", .path = "/compte/deconnecter-partout", .handler = page_account_logout_all, .access = ACCESS_SIGNED_IN, .csrf = true},
    {.method = "GET", .path = "/admin", .handler = page_admin, .access = ACCESS_SIGNED_IN},
    {.method = "GET", .path = "/admin/lieux/nouveau", .handler = page_admin_new_place, .access = ACCESS_COORDINATOR},
    {.method = "POST", .path = "/admin/lieux/nouveau", .handler = page_admin_new_place_post, .access = ACCESS_COORDINATOR, .csrf = true},
    {.method = "GET", .path = "/admin/lieux/*", .handler = page_admin_place, .access = ACCESS_SIGNED_IN},
    {.method = "GET", .path = "/admin/lieux/*/historique", .handler = page_admin_history, .access = ACCESS_SIGNED_IN},
    /* Workshops of a place (src/pages/admin_workshop.c). */
    {.method = "GET", .path = "/admin/lieux/*/ateliers", .handler = page_admin_workshops, .access = ACCESS_SIGNED_IN},
    {.method = "GET", .path = "/admin/lieux/*/ateliers/nouveau", .handler = page_admin_workshop_new, .access = ACCESS_SIGNED_IN},
    {.method = "POST", .path = "/admin/lieux/*/ateliers/nouveau", .handler = page_admin_workshop_new_post, .access = ACCESS_SIGNED_IN, .csrf = true},
    {.method = "GET", .path = "/admin/lieux/*/ateliers/*", .handler = page_admin_workshop, .access = ACCESS_SIGNED_IN},
    {.method = "POST", .path = "/admin/lieux/*/ateliers/*/*", .handler = page_admin_workshop_post, .access = ACCESS_SIGNED_IN, .csrf = true},
    {.method = "POST", .path = "/admin/lieux/*/*", .handler = page_admin_place_post, .access = ACCESS_SIGNED_IN, .csrf = true},
    {.method = "POST", .path = "/admin/signalements/*/traite", .handler = page_admin_report_handled, .access = ACCESS_SIGNED_IN, .csrf = true},
    {.method = "POST", .path = "/admin/demandes/*/*", .handler = page_admin_claim_decide, .access = ACCESS_COORDINATOR, .csrf = true},
    {.method = "POST", .path = "/admin/inviter", .handler = page_admin_invite, .access = ACCESS_COORDINATOR, .csrf = true},
    /* Import upload with a preview (src/pages/admin_import.c): the only multipart route. */
    {.method = "GET", .path = "/admin/import", .handler = page_admin_import, .access = ACCESS_COORDINATOR},
    {.method = "POST", .path = "/admin/import", .handler = page_admin_import_post, .access = ACCESS_COORDINATOR, .csrf = true, .max_body = ADMIN_IMPORT_MAX_BODY, .multipart = true},
    {.method = "POST", .path = "/admin/import/confirmer", .handler = page_admin_import_confirm, .access = ACCESS_COORDINATOR, .csrf = true},
    {.method = "GET", .path = "/admin/utilisateurs", .handler = page_admin_users, .access = ACCESS_ADMIN},
    {.method = "POST", .path = "/admin/utilisateurs/*/retirer", .handler = page_admin_revoke, .access = ACCESS_ADMIN, .csrf = true},
    {.method = "GET", .path = "/admin/journal", .handler = page_admin_log, .access = ACCESS_ADMIN},
    {.method = "GET", .path = "/admin/courriels", .handler = page_admin_outbox, .access = ACCESS_ADMIN},
    {.method = "GET", .path = "/admin/courriels/*", .handler = page_admin_outbox_message, .access = ACCESS_ADMIN},
    {.method = "GET", .path = "/verifier", .handler = page_verify_link},
    {.method = "POST", .path = "/verifier", .handler = page_verify_link_post, .csrf = true},
    {.method = "GET", .path = "/lieux/*/signaler", .handler = page_report},
    {.method = "POST", .path = "/lieux/*/signaler", .handler = page_report_post, .csrf = true},
    {.method = "GET", .path = "/lieux/*/gerer", .handler = page_claim},
    {.method = "POST", .path = "/lieux/*/gerer", .handler = page_claim_post, .csrf = true},
    /* The accessibility statement (src/pages/accessibility.c, docs/accessibility.md). */
    {.method = "GET", .path = "/accessibilite", .handler = page_accessibility},
    {0},
};
