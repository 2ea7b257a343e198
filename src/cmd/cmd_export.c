/*
 * cmd_export.c — `repere export`: the open places in the national schema
 * v1.0.2 on standard output or in a file (places/export.c writes them).
 */
#include "cmd/cmd.h"
#include "core/util.h"
#include "places/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: repere export [--db FICHIER] --format csv|json|geojson\n"
          "                     [--territoire "
          "commune:73065|epci:200066793|departement:73|region:84]\n"
          "                     [--output FICHIER]\n"
          "  Exporte les lieux ouverts au schéma national v1.0.2 (sortie standard par défaut).\n"
          "  Sans --output, le nom de fichier recommandé est indiqué sur la sortie d'erreur.\n",
          out);
}

int cmd_export(db *d, int argc, char **argv)
{
    export_filter f = {0};
    const char *format_name = NULL, *territory = NULL, *output = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        const char **target = strcmp(a, "--format") == 0       ? &format_name
                              : strcmp(a, "--territoire") == 0 ? &territory
                              : strcmp(a, "--output") == 0     ? &output
                                                               : NULL;
        if (!target || !next) {
            fprintf(stderr, "repere export: %s : %s\n", a,
                    target ? "valeur attendue" : "option inconnue");
            usage(stderr);
            return 2;
        }
        *target = next;
        i++;
    }
    export_format format;
    if (!format_name) format_name = "csv";
    if (!export_format_parse(format_name, &format)) {
        fprintf(stderr, "repere export: format inconnu « %s » : csv, json ou geojson\n",
                format_name);
        return 2;
    }
    db_conn *c = db_reader(d);
    if (territory) {
        const char *error;
        if (!export_territory_parse(territory, &f.territory, &error)) {
            fprintf(stderr, "repere export: --territoire %s : %s\n", territory, error);
            return 2;
        }
        if (!export_territory_exists(c, &f.territory)) {
            fprintf(stderr, "repere export: --territoire %s : territoire inconnu\n", territory);
            return 2;
        }
    }
    FILE *out = stdout;
    if (output) {
        out = fopen(output, "wb");
        if (!out) {
            fprintf(stderr, "repere export: %s : %s\n", output, strerror(errno));
            return 1;
        }
    }
    size_t count = 0;
    int rc = export_write(c, &f, format, export_sink_file, out, &count);
    if (fflush(out) != 0) rc = -1;
    if (output && fclose(out) != 0) rc = -1;
    if (rc != 0) {
        fprintf(stderr, "repere export: écriture impossible : %s\n", strerror(errno));
        return 1;
    }
    char *name = export_file_name(&f, format, now_utc());
    fprintf(stderr, "repere export: %zu lieux exportés (nom de fichier recommandé : %s)\n", count,
            name);
    free(name);
    return 0;
}
