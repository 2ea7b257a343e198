/*
 * gzip.c — see gzip.h.
 */
#include "http/gzip.h"

#include <libdeflate.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { KEPT_MAX = 256 * 1024 /* largest inflated body a thread keeps */ };

typedef struct coders {
    struct libdeflate_compressor *compressors[13]; /* by level, made when first used */
    struct libdeflate_decompressor *decompressor;
    char *kept_id; /* gzip_inflate_kept: the last id inflated (malloc'd) */
    buf kept;      /* its bytes, once that id came twice in a row */
} coders;

static pthread_key_t coders_key;
static pthread_once_t coders_once = PTHREAD_ONCE_INIT;

static void coders_free(void *p)
{
    coders *c = p;
    if (!c) return;
    for (size_t i = 0; i < ARRAY_LEN(c->compressors); i++)
        if (c->compressors[i]) libdeflate_free_compressor(c->compressors[i]);
    if (c->decompressor) libdeflate_free_decompressor(c->decompressor);
    free(c->kept_id);
    buf_free(&c->kept);
    free(c);
}

static void coders_key_make(void)
{
    pthread_key_create(&coders_key, coders_free);
}

static coders *thread_coders(void)
{
    pthread_once(&coders_once, coders_key_make);
    coders *c = pthread_getspecific(coders_key);
    if (!c) {
        c = xcalloc(1, sizeof *c);
        pthread_setspecific(coders_key, c);
    }
    return c;
}

bool gzip_compress(const char *in, size_t len, int level, char **out, size_t *outlen)
{
    coders *c = thread_coders();
    if (level < 1 || level >= (int)ARRAY_LEN(c->compressors)) return false;
    struct libdeflate_compressor **z = &c->compressors[level];
    if (!*z) *z = libdeflate_alloc_compressor(level);
    if (!*z) return false;
    size_t cap = libdeflate_gzip_compress_bound(*z, len);
    char *o = xmalloc(cap);
    size_t n = libdeflate_gzip_compress(*z, in, len, o, cap);
    if (n == 0 || n >= len) {
        free(o);
        return false;
    }
    *out = o;
    *outlen = n;
    return true;
}

bool gzip_inflate(const char *in, size_t len, buf *out)
{
    /* A gzip member ends with the length of its data (mod 2^32): one
     * allocation of the right size, one call. */
    if (len < 18) return false;
    const unsigned char *t = (const unsigned char *)in + len - 4;
    size_t size = (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
    coders *c = thread_coders();
    if (!c->decompressor && !(c->decompressor = libdeflate_alloc_decompressor())) return false;
    buf_reserve(out, size + 1);
    size_t actual = 0;
    enum libdeflate_result rc =
        libdeflate_gzip_decompress(c->decompressor, in, len, out->data + out->len, size, &actual);
    if (rc != LIBDEFLATE_SUCCESS || actual != size) return false;
    out->len += actual;
    out->data[out->len] = '\0';
    return true;
}

bool gzip_inflate_kept(const char *id, const char *in, size_t len, buf *out)
{
    coders *c = thread_coders();
    bool same = c->kept_id && strcmp(c->kept_id, id) == 0;
    if (same && c->kept.len) {
        buf_append(out, c->kept.data, c->kept.len);
        return true;
    }
    size_t start = out->len;
    if (!gzip_inflate(in, len, out)) return false;
    if (!same) {
        free(c->kept_id);
        c->kept_id = xstrdup(id);
        buf_free(&c->kept);
    } else if (out->len - start <= KEPT_MAX) {
        buf_append(&c->kept, out->data + start, out->len - start);
    }
    return true;
}
