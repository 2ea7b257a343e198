/*
 * common.c — small helpers shared by page handlers.
 */
#include "pages/pages.h"

#include <stdlib.h>

json_t *page_model(const char *title)
{
    return json_pack("{s:s}", "title", title);
}

void page_set_contact(req *r, json_t *model)
{
    const char *contact = r->app->cfg.contact_email;
    if (!contact) return;
    json_object_set_new(model, "contact_email", json_string(contact));
    json_object_set_new(model, "contact_mailto", json_sprintf("mailto:%s", contact));
}

bool page_number(req *r, long *page)
{
    const char *p = req_query(r, "page");
    *page = 1;
    if (!p || !*p) return true;
    char *end;
    long v = strtol(p, &end, 10);
    if (*end || v < 1 || v > 100000) return false;
    *page = v;
    return true;
}
