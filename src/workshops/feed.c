/*
 * feed.c — Atom writer. See feed.h.
 */
#include "workshops/feed.h"
#include "hours/tz.h"

void feed_xml_escape(buf *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&':
            buf_puts(out, "&amp;");
            break;
        case '<':
            buf_puts(out, "&lt;");
            break;
        case '>':
            buf_puts(out, "&gt;");
            break;
        case '"':
            buf_puts(out, "&quot;");
            break;
        case '\'':
            buf_puts(out, "&#39;");
            break;
        default:
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') break;
            buf_putc(out, (char)*p);
        }
    }
}

void feed_rfc3339(buf *out, int64_t utc)
{
    int64_t day = tz_floor_div(utc, 86400);
    int64_t s = utc - day * 86400;
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    buf_printf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(s / 3600),
               (int)(s % 3600 / 60), (int)(s % 60));
}

static void element(buf *out, const char *name, const char *text)
{
    buf_printf(out, "<%s>", name);
    feed_xml_escape(out, text);
    buf_printf(out, "</%s>\n", name);
}

static void atom_link(buf *out, const char *rel, const char *href, const char *type)
{
    buf_printf(out, "<link rel=\"%s\" href=\"", rel);
    feed_xml_escape(out, href);
    buf_puts(out, "\"");
    if (type) buf_printf(out, " type=\"%s\"", type);
    buf_puts(out, "/>\n");
}

void feed_atom_begin(buf *out, const char *title, const char *id, const char *self_url,
                     const char *alternate_url, int64_t updated)
{
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                  "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n");
    element(out, "title", title);
    element(out, "id", id);
    atom_link(out, "self", self_url, "application/atom+xml");
    atom_link(out, "alternate", alternate_url, "text/html");
    buf_puts(out, "<updated>");
    feed_rfc3339(out, updated);
    buf_puts(out, "</updated>\n<author><name>Repère</name></author>\n");
}

void feed_atom_entry(buf *out, const char *title, const char *id, const char *url,
                     int64_t published, int64_t updated, const char *summary)
{
    buf_puts(out, "<entry>\n");
    element(out, "title", title);
    element(out, "id", id);
    atom_link(out, "alternate", url, "text/html");
    buf_puts(out, "<published>");
    feed_rfc3339(out, published);
    buf_puts(out, "</published>\n<updated>");
    feed_rfc3339(out, updated);
    buf_puts(out, "</updated>\n");
    if (summary && *summary) element(out, "summary", summary);
    buf_puts(out, "</entry>\n");
}

void feed_atom_end(buf *out)
{
    buf_puts(out, "</feed>\n");
}
