/*
 * static.c — files under static/ (CSS, icons, small scripts, vendored
 * libraries) and robots.txt.
 *
 * Paths are checked segment by segment (letters, digits, '-', '_', '.', no
 * leading dot: no "..", no hidden files) and opened below the static
 * directory only. Asset URLs carry ?v=<version>, so they are cached for a year.
 * Text files go out gzip-compressed when the client accepts it and `make`
 * left a fresh precompressed copy (FILE.gz) next to them.
 */
#include "pages/pages.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *ext;
    const char *type;
    bool text; /* worth compressing */
} TYPES[] = {
    {".css", "text/css; charset=utf-8", true},
    {".js", "application/javascript; charset=utf-8", true},
    {".svg", "image/svg+xml", true},
    {".png", "image/png", false},
    {".ico", "image/x-icon", false},
    {".woff2", "font/woff2", false},
    {".txt", "text/plain; charset=utf-8", true},
    {".json", "application/json", true},
    {".webmanifest", "application/manifest+json", true},
};

static bool accepts_gzip(req *r)
{
    const char *ae = req_header(r, "Accept-Encoding");
    return ae && strstr(ae, "gzip") != NULL;
}

/* The precompressed copy of `path` when it is at least as recent as the file
 * itself (a stale one would serve old bytes), else -1. */
static int open_gzip_copy(req *r, const char *path, const struct stat *plain, struct stat *st)
{
    char *gz = arena_printf(r->arena, "%s.gz", path);
    int fd = open(gz, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode) || st->st_mtime < plain->st_mtime) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool safe_segment(const char *s)
{
    if (!*s || *s == '.') return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

int page_static(req *r)
{
    buf rel = {0};
    for (size_t i = 0; i < r->nparams; i++) {
        if (!safe_segment(r->params[i])) {
            buf_free(&rel);
            return reply_error(r, 404, "Ce fichier n'existe pas.");
        }
        if (i) buf_putc(&rel, '/');
        buf_puts(&rel, r->params[i]);
    }
    const char *type = NULL;
    bool text = false;
    for (size_t i = 0; i < ARRAY_LEN(TYPES); i++)
        if (str_ends_with(rel.data, TYPES[i].ext)) {
            type = TYPES[i].type;
            text = TYPES[i].text;
        }
    char *path = arena_printf(r->arena, "%s/%s", r->app->static_dir, rel.data);
    buf_free(&rel);
    if (!type) return reply_error(r, 404, "Ce fichier n'existe pas.");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0) close(fd);
        return reply_error(r, 404, "Ce fichier n'existe pas.");
    }
    if (text) {
        reply_header(r, "Vary", "Accept-Encoding");
        struct stat gz_st;
        int gz = accepts_gzip(r) ? open_gzip_copy(r, path, &st, &gz_st) : -1;
        if (gz >= 0) {
            close(fd);
            fd = gz;
            st.st_size = gz_st.st_size;
            reply_header(r, "Content-Encoding", "gzip");
        }
    }
    r->file_fd = fd;
    r->file_size = (uint64_t)st.st_size;
    r->status = 200;
    r->content_type = type;
    r->last_modified = st.st_mtime;
    r->cache_control =
        req_query(r, "v") ? "public, max-age=31536000, immutable" : "public, max-age=3600";
    return 0;
}

int page_robots(req *r)
{
    r->cache_control = "public, max-age=86400";
    buf b = {0};
    buf_puts(&b, "# Repère: public pages may be indexed; nothing else is.\n"
                 "User-agent: *\n"
                 "Disallow: /admin\n"
                 "Disallow: /compte\n"
                 "Disallow: /api/\n"
                 "Disallow: /selection\n"
                 "Disallow: /*.ics\n"
                 "Allow: /\n");
    /* The sitemap must be an absolute URL. */
    const char *origin = req_origin(r);
    if (origin) buf_printf(&b, "Sitemap: %s/sitemap.xml\n", origin);
    reply_text(r, "text/plain; charset=utf-8", b.data);
    buf_free(&b);
    return 0;
}
