/*
 * feed.h — an Atom (RFC 4287) writer for the "new workshops" feeds.
 * Text is XML-escaped and stripped of the control characters XML 1.0
 * forbids. Pure functions appending to a buf; thread-safe.
 */
#ifndef REPERE_FEED_H
#define REPERE_FEED_H

#include <stdint.h>

#include "core/util.h"

/* <feed> with its title, id (a URL or tag: URI), self and alternate links and last update. */
void feed_atom_begin(buf *out, const char *title, const char *id, const char *self_url,
                     const char *alternate_url, int64_t updated);
/* One <entry>; summary may be NULL. */
void feed_atom_entry(buf *out, const char *title, const char *id, const char *url,
                     int64_t published, int64_t updated, const char *summary);
void feed_atom_end(buf *out);

/* XML text or attribute value (escapes & < > " ', drops forbidden control characters). */
void feed_xml_escape(buf *out, const char *s);
/* "2026-10-05T12:00:00Z". */
void feed_rfc3339(buf *out, int64_t utc);

#endif
