/*
 * selection_page.h — the request side of "Ma sélection" (kit/selection.h is
 * the pure encoding): reading it from a request, answering a bad one, the
 * cookie, the public origin for links and QR codes, the printed view of a
 * place. Defined in pages/selection_page.c and pages/print.c; used by the
 * kit's pages (selection, print, carnet, short links).
 */
#ifndef REPERE_SELECTION_PAGE_H
#define REPERE_SELECTION_PAGE_H

#include <jansson.h>
#include <stdint.h>

#include "http/request.h"
#include "kit/selection.h"

/*
 * The selection a request works on: `text` when not NULL (a form field or
 * ?s=, even empty), else the cookie. Returns the decoding status; on error
 * the caller answers with selection_reply_bad().
 */
selection_status selection_of_request(req *r, const char *text, selection *out);
/* Answer 400 with a message for a person, for a bad ?s=, /s/… or form field. */
int selection_reply_bad(req *r, selection_status status);
/* Set (or, when empty, delete) the functional cookie holding the selection. */
void selection_set_cookie(req *r, const selection *s);
/*
 * The public origin for absolute links and QR codes ("https://repere.fr"):
 * --origin / REPERE_ORIGIN when set, else the request's Host header (with
 * https when --behind-tls). NULL when neither is usable. In r->arena.
 */
const char *selection_origin(req *r);
/* Add "selection_nav" {count, url} to a page model when the cookie's
 * selection is not empty (the "Ma sélection (N)" link of the header). */
void selection_nav(req *r, json_t *model);

/*
 * The printed view of place `id` (print.c; shared with the commune carnet):
 * place_view() plus the absolute live URL, its QR code (inline SVG, in
 * "qr_svg"), the access text and the freshness line. NULL when unknown.
 * Caller owns it.
 */
json_t *print_place_view(req *r, int64_t id, const char *origin);
/* The French date and time of now, for "Imprimé le …" (Europe/Paris). */
void print_date_now(buf *out);
/* Render a standalone sheet (templates/print.html, carnet.html: documents of
 * their own, not wrapped in the layout) into r->out. Takes ownership of d. */
int print_reply_sheet(req *r, const char *template_name, json_t *d);

#endif
