/*
 * gzip.h — whole-buffer gzip for pages, with Debian's libdeflate.
 *
 * Why libdeflate and not zlib here: pages are compressed and inflated whole
 * (an answer before it is sent; a cached gzip page for a client that does
 * not take gzip), which is what libdeflate does, two to three times faster
 * than zlib's streaming interface for the same format. zlib stays for what
 * streams (the open-data downloads, pages/opendata.c).
 *
 * Each thread keeps its own compressor and decompressor (libdeflate's are
 * not shared between threads), freed when the thread ends.
 */
#ifndef REPERE_GZIP_H
#define REPERE_GZIP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

/* gzip `in` at `level` (1–12) into a fresh malloc'd buffer; false when it
 * fails or does not pay (the result would not be smaller). */
bool gzip_compress(const char *in, size_t len, int level, char **out, size_t *outlen);

/* Append the inflated bytes of the gzip member `in` to `out`; false when it
 * is not valid gzip (out unchanged in length). */
bool gzip_inflate(const char *in, size_t len, buf *out);

/* As gzip_inflate, for bodies named by `id` (what tells one body from
 * another, its content included: the page cache's key and ETag). Each
 * thread keeps the bytes of the last id it inflated once that id came twice
 * in a row (up to 256 KB), and answers from them while it comes again: a
 * page asked again and again by clients that take no gzip (a monitoring
 * probe, curl, the bench's wrk on the home page) is not inflated each
 * time — inflating was 30 % of the home page's CPU. Other ids pay one
 * comparison. */
bool gzip_inflate_kept(const char *id, const char *in, size_t len, buf *out);

#endif
