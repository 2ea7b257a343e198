/*
 * accessibility.c — /accessibilite: the accessibility statement. Static
 * text written from what tests/browser/accessibility.test.js and
 * journeys.test.js check (docs/accessibility.md says which test proves
 * which sentence): keep the two in step. Where to write comes from the
 * publisher's contact (--contact, REPERE_CONTACT_EMAIL), as on /a-propos.
 */
#include "pages/pages.h"

int page_accessibility(req *r)
{
    json_t *d = page_model(_("Accessibilité"));
    page_set_contact(r, d);
    r->cache_control = "public, max-age=3600";
    return reply_page(r, "accessibilite", d);
}
