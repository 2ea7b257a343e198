/*
 * cmd_import.c — `repere import`: load place files into the catalogue.
 *
 *   repere import [--report FILE.json] [--dry-run] [--brief] [--source NAME] FILE...
 *
 * Each FILE is imported in its own transaction (see importer.h); the summary
 * and every rejection, warning and suspected duplicate go to stderr, and
 * --report writes them all as JSON. The exit status is 0 when every file was
 * read, even with rejected records, and 1 on a usage, I/O or format failure.
 */
#include "cmd/cmd.h"
#include "places/importer.h"
#include "core/util.h"
#include "workshops/workshop_import.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
    IMPORT_MAX_BYTES = 256 * 1024 * 1024, /* a national export is a few tens of MB */
};

static void usage(FILE *out)
{
    fputs("usage: repere import [--report FICHIER.json] [--dry-run] [--brief] [--source NOM] "
          "FICHIER...\n"
          "  --report F   écrire le rapport complet en JSON dans F\n"
          "  --brief      compter les doublons possibles et les avertissements au lieu de les "
          "lister\n"
          "  --dry-run    tout vérifier et compter, sans rien enregistrer\n"
          "  --source N   producteur des enregistrements sans champ « source »\n"
          "               (par défaut : le nom du fichier sans extension)\n",
          out);
}

/* Whole file into memory; NULL with errno set on failure. A regular file
 * is read straight into a buffer of its size (a national file is tens of
 * MB: copied chunk by chunk into a buffer doubled each time, its reading
 * cost as much as parsing a tenth of it). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    buf b = {0};
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        st.st_size <= IMPORT_MAX_BYTES)
        buf_reserve(&b, (size_t)st.st_size + 65536); /* the last read finds the end */
    for (;;) {
        if (b.cap - b.len < 65536 + 1) buf_reserve(&b, 65536);
        size_t n = fread(b.data + b.len, 1, b.cap - b.len - 1, f);
        if (n == 0) break;
        b.len += n;
        b.data[b.len] = '\0';
        if (b.len > IMPORT_MAX_BYTES) {
            fclose(f);
            buf_free(&b);
            errno = EFBIG;
            return NULL;
        }
    }
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        buf_free(&b);
        errno = EIO;
        return NULL;
    }
    *len = b.len;
    return b.data ? buf_steal(&b) : xstrdup("");
}

/* "dir/lieux-aura-2022.json" → "lieux-aura-2022". Caller frees. */
static char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? xstrndup(base, (size_t)(dot - base)) : xstrdup(base);
}

/* The report on stderr; with `brief`, suspected duplicates and warnings are
 * counted in one line each instead of listed (the demo loaded by `make run`
 * has about twenty of each: a newcomer should not read them as errors).
 * Rejected records are always listed. */
static void print_report(const importer_report *rep, const char *path, bool brief)
{
    if (!brief || (rep->duplicates == 0 && rep->warnings == 0)) {
        importer_report_print(rep, path, stderr);
        return;
    }
    importer_report shown = *rep;
    shown.entries = xcalloc(rep->entry_count ? rep->entry_count : 1, sizeof *shown.entries);
    shown.entry_count = 0;
    for (size_t k = 0; k < rep->entry_count; k++)
        if (rep->entries[k].level != IMPORTER_DUPLICATE &&
            rep->entries[k].level != IMPORTER_WARNING)
            shown.entries[shown.entry_count++] = rep->entries[k];
    importer_report_print(&shown, path, stderr);
    free(shown.entries);
    if (rep->duplicates)
        fprintf(stderr,
                "%s: %zu doublon%s possible%s signalé%s : voir `repere import --report "
                "FICHIER.json`\n",
                path, rep->duplicates, rep->duplicates > 1 ? "s" : "",
                rep->duplicates > 1 ? "s" : "", rep->duplicates > 1 ? "s" : "");
    if (rep->warnings)
        fprintf(stderr,
                "%s: %zu avertissement%s (communes à vérifier, textes corrigés…) : voir `repere "
                "import --report FICHIER.json`\n",
                path, rep->warnings, rep->warnings > 1 ? "s" : "");
}

int cmd_import(db *d, int argc, char **argv)
{
    const char *report_path = NULL, *source = NULL;
    bool dry_run = false, brief = false;
    /* Options may come before or after the files (`repere import FILE
     * --report X.json`); after "--" every argument is a file. */
    const char **paths = xcalloc((size_t)argc, sizeof *paths);
    int npaths = 0;
    bool only_files = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || !a[1]) {
            paths[npaths++] = a;
        } else if (strcmp(a, "--") == 0) {
            only_files = true;
        } else if (strcmp(a, "--dry-run") == 0) {
            dry_run = true;
        } else if (strcmp(a, "--brief") == 0) {
            brief = true;
        } else if (strcmp(a, "--report") == 0 && i + 1 < argc) {
            report_path = argv[++i];
        } else if (strcmp(a, "--source") == 0 && i + 1 < argc) {
            source = argv[++i];
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            free(paths);
            return 0;
        } else {
            fprintf(stderr, "repere import: option inconnue ou incomplète : %s\n", a);
            usage(stderr);
            free(paths);
            return 1;
        }
    }
    if (npaths == 0) {
        usage(stderr);
        free(paths);
        return 1;
    }
    int status = 0;
    db_bulk_writes(d);
    /* Keep the heap from one file to the next: a JSON file of 25 000 places
     * becomes millions of small blocks, and glibc gave their pages back to
     * the system after each file, so that the next file faulted every page
     * in again (a national import is twelve such files: docs/quality.md,
     * "300 000 places"). The file itself, up to glibc's largest threshold,
     * is read into that heap too rather than into a new mapping each time. */
    mallopt(M_TRIM_THRESHOLD, IMPORT_MAX_BYTES);
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    json_t *files = json_array();
    for (int i = 0; i < npaths; i++) {
        const char *path = paths[i];
        importer_report rep;
        importer_report_init(&rep);
        size_t len = 0;
        char *data = slurp(path, &len);
        if (!data) {
            rep.error = xasprintf("lecture impossible : %s", strerror(errno));
        } else {
            char *name = source ? xstrdup(source) : base_name(path);
            if (workshop_import_detect(data, len)) /* {"ateliers": […]}: docs/workshops-format.md */
                workshop_import_run(d, data, len, name, dry_run, now_utc(), &rep);
            else
                importer_run(d, data, len, name, dry_run, &rep);
            free(name);
            free(data);
        }
        if (rep.error) status = 1;
        print_report(&rep, path, brief);
        json_t *j = importer_report_json(&rep);
        json_object_set_new(j, "file", json_string(path));
        json_array_append_new(files, j);
        importer_report_free(&rep);
    }
    if (report_path) {
        FILE *f = fopen(report_path, "w");
        json_t *root = json_pack("{s:b, s:o}", "dry_run", dry_run, "files", files);
        files = NULL;
        if (!f || json_dumpf(root, f, JSON_INDENT(2)) != 0 || fputc('\n', f) == EOF) {
            fprintf(stderr, "repere import: cannot write report %s: %s\n", report_path,
                    strerror(errno));
            status = 1;
        }
        if (f && fclose(f) != 0) status = 1;
        json_decref(root);
    }
    json_decref(files);
    free(paths);
    return status;
}
