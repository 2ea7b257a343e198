/*
 * accessibility.c — /accessibilite: the accessibility statement. Static
 * text written from what tests/browser/accessibility.test.js and
 * journeys.test.js check (docs/accessibility.md says which test proves
 * which sentence): keep the two in step.
 */
#include "pages.h"

int page_accessibility(req *r)
{
    json_t *d = page_model("Accessibilité");
    r->cache_control = "public, max-age=3600";
    return reply_page(r, "accessibilite", d);
}
