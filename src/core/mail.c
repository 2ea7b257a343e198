/*
 * mail.c — sendmail -t or the outbox folder; see mail.h.
 */
#include "core/mail.h"
#include "core/fr.h"
#include "core/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* A header value on one line. */
static void put_header(buf *b, const char *name, const char *value)
{
    buf_puts(b, name);
    buf_puts(b, ": ");
    for (const char *p = value ? value : ""; *p; p++)
        if (*p != '\r' && *p != '\n') buf_putc(b, *p);
    buf_puts(b, "\n");
}

/* RFC 2047 encoded word for a UTF-8 subject (base64, "=?UTF-8?B?…?="). */
static void put_subject(buf *b, const char *subject)
{
    buf clean = {0};
    for (const char *p = subject ? subject : ""; *p; p++)
        if (*p != '\r' && *p != '\n') buf_putc(&clean, *p);
    size_t len = clean.len;
    size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *enc = xmalloc(cap);
    sodium_bin2base64(enc, cap, (const unsigned char *)(clean.data ? clean.data : ""), len,
                      sodium_base64_VARIANT_ORIGINAL);
    buf_printf(b, "Subject: =?UTF-8?B?%s?=\n", enc);
    free(enc);
    buf_free(&clean);
}

static void compose(const config *cfg, buf *m, const char *to, const char *subject,
                    const char *body)
{
    char date[64];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    put_header(m, "From", cfg->mail_from ? cfg->mail_from : "Repère <ne-pas-repondre@localhost>");
    put_header(m, "To", to);
    put_subject(m, subject);
    put_header(m, "Date", date);
    put_header(m, "MIME-Version", "1.0");
    put_header(m, "Content-Type", "text/plain; charset=utf-8");
    put_header(m, "Content-Transfer-Encoding", "8bit");
    put_header(m, "Auto-Submitted", "auto-generated");
    buf_puts(m, "\n");
    /* Normalise line ends; a line holding only "." is harmless with -t. */
    for (const char *p = body; *p; p++)
        if (*p != '\r') buf_putc(m, *p);
    if (!m->len || m->data[m->len - 1] != '\n') buf_putc(m, '\n');
}

static int run_sendmail(const char *cmd, const buf *m)
{
    int fds[2];
    if (pipe(fds) != 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    /* -i: a line holding only "." in a message (a claimant may write one)
     * must not end it early; sendmail and its replacements all take it. */
    char *with_i = xasprintf("%s -i", cmd);
    char *argv[] = {"/bin/sh", "-c", with_i, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    free(with_i);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        fprintf(stderr, "repere: cannot run the mail command: %s\n", strerror(rc));
        return -1;
    }
    size_t off = 0;
    while (off < m->len) {
        ssize_t n = write(fds[1], m->data + off, m->len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        off += (size_t)n;
    }
    close(fds[1]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (off < m->len || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "repere: the mail command failed (status %d)\n", status);
        return -1;
    }
    return 0;
}

static int write_outbox(const char *dir, const buf *m)
{
    mkdir(dir, 0750);
    unsigned char r[6];
    char hex[13];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    char *path = xasprintf("%s/%lld-%s.eml", dir, (long long)time(NULL), hex);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0640);
    int rc = -1;
    if (fd >= 0) {
        rc = write(fd, m->data, m->len) == (ssize_t)m->len ? 0 : -1;
        if (close(fd) != 0) rc = -1;
    }
    if (rc != 0) fprintf(stderr, "repere: cannot write %s: %s\n", path, strerror(errno));
    free(path);
    return rc;
}

int mail_send(const config *cfg, const char *to, const char *subject, const char *body)
{
    buf m = {0};
    compose(cfg, &m, to, subject, body);
    int rc;
    if (cfg->sendmail && *cfg->sendmail)
        rc = run_sendmail(cfg->sendmail, &m);
    else if (cfg->outbox)
        rc = write_outbox(cfg->outbox, &m);
    else
        rc = -1;
    buf_free(&m);
    return rc;
}

const char *mail_outbox(const config *cfg)
{
    return cfg->sendmail && *cfg->sendmail ? NULL : cfg->outbox;
}

static int cmp_name_desc(const void *x, const void *y)
{
    return -strcmp(*(char *const *)x, *(char *const *)y);
}

/* The value of header `name` in a message (first line only), malloc'd or NULL. */
static char *header_of(const char *msg, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = msg; line && *line && *line != '\n';) {
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            const char *end = strchr(v, '\n');
            return xstrndup(v, end ? (size_t)(end - v) : strlen(v));
        }
        line = strchr(line, '\n');
        if (line) line++;
    }
    return NULL;
}

/* Decode our own "=?UTF-8?B?…?=" subjects. */
static char *decode_subject(const char *s)
{
    if (!s || !str_starts_with(s, "=?UTF-8?B?") || !str_ends_with(s, "?="))
        return xstrdup(s ? s : "");
    size_t len = strlen(s) - 12;
    unsigned char *out = xmalloc(len + 1);
    size_t outlen = 0;
    if (sodium_base642bin(out, len, s + 10, len, NULL, &outlen, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        !utf8_valid((const char *)out, outlen)) {
        free(out);
        return xstrdup(s);
    }
    out[outlen] = '\0';
    return (char *)out;
}

json_t *mail_outbox_list(const config *cfg)
{
    json_t *list = json_array();
    const char *dir = mail_outbox(cfg);
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) return list;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!str_ends_with(e->d_name, ".eml")) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1) qsort(names, n, sizeof *names, cmp_name_desc); /* names is NULL when n == 0 */
    for (size_t i = 0; i < n; i++) {
        if (i < MAIL_OUTBOX_LIST_MAX) {
            char *msg = mail_outbox_read(cfg, names[i]);
            if (msg) {
                char *to = header_of(msg, "To"), *subject = header_of(msg, "Subject");
                char *subj = decode_subject(subject);
                /* The file name starts with the UTC second it was written. */
                buf date = {0};
                long long written = strtoll(names[i], NULL, 10);
                if (written > 0) fr_datetime_at(&date, written);
                json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "file", names[i],
                                                      "to", to ? to : "", "subject", subj, "date",
                                                      date.data ? date.data : ""));
                free(to);
                free(subject);
                free(subj);
                buf_free(&date);
                free(msg);
            }
        }
        free(names[i]);
    }
    free(names);
    return list;
}

char *mail_outbox_read(const config *cfg, const char *file)
{
    const char *dir = mail_outbox(cfg);
    if (!dir || !file || strchr(file, '/') || file[0] == '.' || !str_ends_with(file, ".eml"))
        return NULL;
    char *path = xasprintf("%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f) return NULL;
    buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < 1024 * 1024)
        buf_append(&b, chunk, n);
    fclose(f);
    if (!utf8_valid(b.data ? b.data : "", b.len)) {
        buf_free(&b);
        return NULL;
    }
    return b.data ? buf_steal(&b) : xstrdup("");
}
