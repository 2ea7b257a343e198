/*
 * cmd_territory.c — `repere territory [--departement CODE] [--runs N]`: how
 * long the territory view takes to compute on this catalogue (make bench
 * calls it on the generated 30 000-place one): reading the catalogue and
 * the gazetteer, the distances of every commune of France, those of one
 * département's communes alone, and the figures of a territory. Prints one
 * Markdown table; the median of N runs.
 */
#include "cmd/cmd.h"
#include "places/territory.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

enum { MAX_RUNS = 25 };

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

int cmd_territory(db *d, int argc, char **argv)
{
    const char *departement = "26";
    int runs = 3;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--departement") == 0 && i + 1 < argc)
            departement = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else {
            fprintf(stderr,
                    "repere territory: unknown argument '%s' (see repere territory --help)\n",
                    argv[i]);
            return 2;
        }
    }
    if (runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "repere territory: --runs takes 1 to %d\n", MAX_RUNS);
        return 2;
    }
    double load[MAX_RUNS], national[MAX_RUNS], one[MAX_RUNS], summary[MAX_RUNS];
    territory *t = NULL;
    size_t dep_count = 0;
    for (int run = 0; run < runs; run++) {
        territory_free(t);
        double a = now_ms();
        t = territory_load(db_reader(d), now_utc());
        if (!t) return 1;
        load[run] = now_ms() - a - t->compute_ms;
        a = now_ms();
        territory_compute(t->communes, t->commune_count, t->places, t->place_count);
        national[run] = now_ms() - a;
        /* one département's communes alone, against every place */
        territory_commune *sub = xmalloc((t->commune_count ? t->commune_count : 1) * sizeof *sub);
        dep_count = 0;
        for (size_t i = 0; i < t->commune_count; i++)
            if (territory_commune_in(&t->communes[i], TERRITORY_DEPARTEMENT, departement))
                sub[dep_count++] = t->communes[i];
        a = now_ms();
        territory_compute(sub, dep_count, t->places, t->place_count);
        one[run] = now_ms() - a;
        free(sub);
        territory_summary s;
        a = now_ms();
        territory_summarise(t, TERRITORY_DEPARTEMENT, departement, &s);
        territory_summarise(t, TERRITORY_NATIONAL, NULL, &s);
        summary[run] = now_ms() - a;
    }
    if (!t) return 1; /* runs >= 1: not reached */
    printf("| territory, %zu places (%zu with a position), %zu communes | ms (median of %d) |\n",
           t->place_count, t->placed_count, t->commune_count, runs);
    printf("|---|---:|\n");
    printf("| read the catalogue and the gazetteer (hours, freshness) | %.1f |\n",
           median(load, runs));
    printf("| distances, every commune of France × %d needs | %.1f |\n", TERRITORY_NEEDS,
           median(national, runs));
    printf("| distances, the %zu communes of département %s alone | %.1f |\n", dep_count,
           departement, median(one, runs));
    printf("| figures of the département and of France | %.2f |\n", median(summary, runs));
    territory_free(t);
    return 0;
}
