/*
 * main.c — start-up: options and environment, sub-commands, signals.
 * The only place with process-wide state (the `app` below lives on main's
 * stack and is read-only once the server runs).
 *
 *   repere serve   [--db FILE] [--listen ADDR] [--port N] [--root DIR] ...
 *   repere migrate [--db FILE]
 *   repere import  [--db FILE] [--report FILE.json] [--dry-run] [--source NAME] FILE...
 *   repere export  [--db FILE] [--format csv|json|geojson] [--territoire …] [--output FILE]
 *   repere demo    [--db FILE]       load the demo catalogue into an empty database
 *   repere hours   'EXPR' [--at …] [--week …] [--tz …]
 *   repere user    add|invite|grant|revoke|list …   accounts of the admin area
 *   repere remind  [--dry-run]      mail managers whose listing was not verified for 6/9/12 months
 *   repere backup  [--db FILE] BACKUP-FILE
 *   repere COMMAND --help           that command's usage, and nothing else
 */
#include "accounts/access.h"
#include "app.h"
#include "startup.h"
#include "cmd/cmd.h"
#include "accounts/auth.h"
#include "places/export.h"
#include "hours/hours.h"
#include "http/page_cache.h"
#include "http/request.h"
#include "http/server.h"
#include "routes.h"
#include "pages/pages.h"
#include "places/importer.h"
#include "core/mail.h"
#include "search/search.h"
#include "hours/tz.h"
#include "core/util.h"
#include "core/validate.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Option descriptions, shared by `repere --help` and `repere COMMAND --help`. */
#define OPT_COMMON                                                                                 \
    "  --db FILE        SQLite database (REPERE_DB, default var/repere.db)\n"                      \
    "  --root DIR       directory holding templates/, static/, migrations/, data/\n"               \
    "                   (REPERE_ROOT, default: the directory above the binary's build/)\n"
#define OPT_SERVE                                                                                  \
    "  --listen ADDR    address to listen on (REPERE_LISTEN, default 127.0.0.1)\n"                 \
    "  --port N         TCP port (REPERE_PORT, default 8080)\n"                                    \
    "  --threads N      worker threads (REPERE_THREADS, default: the CPUs it may use, at least "   \
    "2)\n"                                                                                         \
    "  --origin URL     public origin, e.g. https://repere.example.fr (REPERE_ORIGIN)\n"           \
    "  --behind-tls     set Secure cookies and HSTS (REPERE_BEHIND_TLS=1)\n"                       \
    "  --contact EMAIL  the publisher's address, shown on /a-propos and /accessibilite\n"          \
    "                   (REPERE_CONTACT_EMAIL; without it serve warns and the pages say so)\n"     \
    "  --quiet          no request log\n"
#define OPT_MAIL                                                                                   \
    "  --sendmail CMD   mail command reading the message on stdin, e.g. '/usr/sbin/sendmail -t'\n" \
    "                   (REPERE_SENDMAIL); without it mail is written to the outbox folder\n"      \
    "  --outbox DIR     outbox folder (REPERE_OUTBOX, default: outbox/ next to the database)\n"

static const char USAGE[] =
    "Repère — a directory of the places that help with digital life.\n"
    "\n"
    "Usage: repere COMMAND [OPTIONS]\n"
    "       repere COMMAND --help   (or: repere help COMMAND)\n"
    "\n"
    "Commands:\n"
    "  serve      serve the web site (applies pending migrations first)\n"
    "  migrate    apply pending database migrations\n"
    "  import     import places (national schema v1 CSV/JSON, or v0.1 JSON): FILE...\n"
    "             [--report FILE.json] [--dry-run] [--source NAME]\n"
    "  export     export open places in the national schema v1.0.2 (standard output by default)\n"
    "             [--format csv|json|geojson] [--territoire commune:73065|epci:SIREN|\n"
    "             departement:73|region:84] [--output FILE]\n"
    "  demo       load the demo catalogue if the database is empty\n"
    "  hours      evaluate an opening_hours expression: 'EXPR' [--at T] [--week DATE] [--tz ZONE]\n"
    "  user       accounts: add EMAIL [--name N] [--password-stdin] [ROLE...] | invite EMAIL "
    "ROLE...\n"
    "             | grant EMAIL ROLE... | revoke EMAIL ROLE... | list\n"
    "             ROLE: admin, manager:PLACE_ID, coordinator:departement:73,\n"
    "             coordinator:epci:SIREN, coordinator:place:PLACE_ID\n"
    "  remind     mail the managers of listings not verified for 6, 9 and 12 months [--dry-run]\n"
    "  backup     write a checked copy of the catalogue, even while it is served: BACKUP-FILE\n"
    "  routes     print the route table (method, path, access, CSRF), one row per line\n"
    "  territory  time the territory view's computation on this catalogue [--departement 26]\n"
    "\n"
    "Options (every command):\n" OPT_COMMON "Options of serve:\n" OPT_SERVE
    "Options of serve, user and remind (mail):\n" OPT_MAIL;

/* `repere COMMAND --help`: printed before anything is opened or created. */
static const struct command_help {
    const char *name;
    const char *text;
} COMMAND_HELP[] = {
    {"serve", "usage: repere serve [OPTIONS]\n"
              "Serve the web site. Creates the database if needed and applies pending\n"
              "migrations first.\n"
              "\n"
              "Options:\n" OPT_COMMON OPT_SERVE OPT_MAIL},
    {"migrate", "usage: repere migrate [--db FILE] [--root DIR]\n"
                "Create the database if needed and apply pending migrations.\n"
                "\n"
                "Options:\n" OPT_COMMON},
    {"import",
     "usage: repere import [--db FILE] [--report FILE.json] [--dry-run] [--brief] [--source NAME] "
     "FILE...\n"
     "Import places (national schema v1.0.2 as CSV or JSON, or the older v0.1 JSON) or\n"
     "workshops (repere-ateliers/1). Re-importing a source updates its places in place;\n"
     "a field the file does not carry is kept as it was, and the report says which.\n"
     "Options may come before or after the files; after \"--\" every argument is a file.\n"
     "\n"
     "Options:\n"
     "  --report FILE    write the full report as JSON to FILE\n"
     "  --dry-run        read, check and count everything, save nothing\n"
     "  --brief          count suspected duplicates in one line instead of listing them\n"
     "  --source NAME    producer of the records without a \"source\" field\n"
     "                   (default: the file's name without its extension)\n" OPT_COMMON},
    {"export",
     "usage: repere export [--db FILE] [--format csv|json|geojson]\n"
     "                     [--territoire commune:73065|epci:SIREN|departement:73|region:84]\n"
     "                     [--output FILE]\n"
     "Export the open places in the national schema v1.0.2 (standard output by\n"
     "default; the recommended file name goes to standard error).\n"
     "\n"
     "Options:\n" OPT_COMMON},
    {"demo", "usage: repere demo [--db FILE] [--root DIR]\n"
             "Load the demo catalogue (data/demo/: the Hinaura places and fictional\n"
             "workshops) when the database has no place yet.\n"
             "\n"
             "Options:\n" OPT_COMMON},
    {"hours", "usage: repere hours 'EXPR' [--at YYYY-MM-DDTHH:MM] [--week YYYY-MM-DD]\n"
              "                           [--tz Europe/Paris] [--departement 73]\n"
              "Parse an OpenStreetMap opening_hours expression and print its canonical form,\n"
              "the open intervals of one week and, with --at, the state at that time\n"
              "(docs/hours.md).\n"},
    {"user", "usage: repere user add EMAIL [--name NAME] [--password-stdin] [ROLE...]\n"
             "       repere user invite EMAIL [--name NAME] ROLE...\n"
             "       repere user grant|revoke EMAIL ROLE...\n"
             "       repere user list\n"
             "Accounts of the admin area. ROLE: admin, manager:PLACE_ID,\n"
             "coordinator:departement:CODE, coordinator:epci:SIREN, coordinator:place:PLACE_ID.\n"
             "\n"
             "Options:\n" OPT_COMMON OPT_MAIL},
    {"remind", "usage: repere remind [--dry-run]\n"
               "Mail the managers of the listings not confirmed for 6, 9 and 12 months, or\n"
               "the public address of a place without a manager (with an unsubscribe link);\n"
               "at most one reminder per place every 30 days (meant for a daily timer);\n"
               "--dry-run says who would be mailed. The links need the public origin.\n"
               "\n"
               "Options:\n" OPT_COMMON OPT_MAIL
               "  --origin URL     public origin of the links, e.g. https://repere.example.fr\n"
               "                   (REPERE_ORIGIN; required unless --dry-run)\n"},
    {"backup", "usage: repere backup [--db FILE] BACKUP-FILE\n"
               "Write a consistent copy of the catalogue, checked with PRAGMA quick_check,\n"
               "even while the daemon serves and writes.\n"
               "\n"
               "Options:\n"
               "  --db FILE        SQLite database (REPERE_DB, default var/repere.db)\n"},
    {"territory", "usage: repere territory [--db FILE] [--departement 26] [--runs 3]\n"
                  "Time the territory view on this catalogue (docs/territory.md): reading it,\n"
                  "the distance of every commune of France to the nearest place for each need,\n"
                  "those of one département's communes alone, and the figures. make bench runs\n"
                  "it on the generated 30 000-place catalogue.\n"
                  "\n"
                  "Options:\n" OPT_COMMON},
    {"routes", "usage: repere routes\n"
               "Print the route table, one row per line, tab-separated: method, path ('*'\n"
               "captures a segment), access (public, signed-in, coordinator, admin) and csrf\n"
               "(yes/no). Tests and tools read it instead of parsing src/http/routes.c.\n"},
};

/* `repere routes`: the table as data, for the browser suites and tools. */
static int cmd_routes(void)
{
    static const char *const ACCESS[] = {"public", "signed-in", "coordinator", "admin"};
    for (const route *rt = ROUTES; rt->method; rt++)
        printf("%s\t%s\t%s\t%s\n", rt->method, rt->path, ACCESS[rt->access],
               rt->csrf ? "yes" : "no");
    return 0;
}

/* The help of a sub-command, or NULL when there is no such command. */
static const char *command_help(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(COMMAND_HELP); i++)
        if (strcmp(COMMAND_HELP[i].name, name) == 0) return COMMAND_HELP[i].text;
    return NULL;
}

/* Does the sub-command's argument list ask for help? Looks no further than
 * "--", after which a file may be called "--help". */
static bool asks_for_help(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return true;
    }
    return false;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

/* The directory above the one holding the binary (…/build/repere → …). */
static char *default_root(const char *argv0)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) return xstrdup(argv0[0] == '/' ? argv0 : ".");
    path[n] = '\0';
    for (int i = 0; i < 2; i++) {
        char *slash = strrchr(path, '/');
        if (!slash) return xstrdup(".");
        *slash = '\0';
    }
    return xstrdup(path[0] ? path : "/");
}

/* Remove recognised global options from argv, filling cfg. Returns new argc,
 * or -1 after printing an error. */
static int parse_options(config *cfg, int argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(opt, field)                                                                           \
    if (strcmp(a, opt) == 0) {                                                                     \
        if (!next) {                                                                               \
            fprintf(stderr, "repere: %s needs a value\n", opt);                                    \
            return -1;                                                                             \
        }                                                                                          \
        field = next;                                                                              \
        i++;                                                                                       \
        continue;                                                                                  \
    }
        TAKE("--db", cfg->db_path)
        TAKE("--listen", cfg->listen)
        TAKE("--root", cfg->root)
        TAKE("--origin", cfg->public_origin)
        TAKE("--sendmail", cfg->sendmail)
        TAKE("--outbox", cfg->outbox)
        TAKE("--contact", cfg->contact_email)
#undef TAKE
        if ((strcmp(a, "--port") == 0 || strcmp(a, "--threads") == 0) && next) {
            char *end;
            long v = strtol(next, &end, 10);
            bool port = strcmp(a, "--port") == 0;
            if (*end || v < (port ? 1 : 1) || v > (port ? 65535 : 64)) {
                fprintf(stderr, "repere: %s %s is not valid\n", a, next);
                return -1;
            }
            if (port)
                cfg->port = (int)v;
            else
                cfg->threads = (int)v;
            i++;
            continue;
        }
        if (strcmp(a, "--behind-tls") == 0) {
            cfg->behind_tls = true;
            continue;
        }
        if (strcmp(a, "--quiet") == 0) {
            cfg->quiet = true;
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    return out;
}

static bool dir_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Make sure the directory of the database exists (var/ on first run). */
static void ensure_parent_dir(const char *path)
{
    char *copy = xstrdup(path);
    char *slash = strrchr(copy, '/');
    if (slash && slash != copy) {
        *slash = '\0';
        if (!dir_exists(copy)) mkdir(copy, 0750);
    }
    free(copy);
}

/* Open and migrate the database; NULL after printing why. */
static db *open_catalogue(app *a)
{
    ensure_parent_dir(a->cfg.db_path);
    char *err = NULL;
    db *d = db_open(a->cfg.db_path, &err);
    if (!d) {
        fprintf(stderr, "repere: %s\n", err);
        free(err);
        return NULL;
    }
    char *migrations = xasprintf("%s/migrations", a->cfg.root);
    int applied = db_migrate(d, migrations);
    free(migrations);
    if (applied < 0) {
        db_close(d);
        return NULL;
    }
    if (app_after_migrate(a, d) != 0) {
        db_close(d);
        return NULL;
    }
    return d;
}

/* The search index is built while the daemon already answers: start-up
 * does not wait for it (at 300 000 places the build takes seconds), pages
 * that do not search are served at once, and the first searches wait for
 * the build rather than starting their own (search.c acquire). Then, and
 * every few seconds, the same thread rebuilds it after a change of the
 * catalogue or the day and works out the places' hours facts ahead of the
 * searches (search_index_warm). */
static atomic_bool stop_warming;

static void *warm_search(void *arg)
{
    app *a = arg;
    while (!atomic_load(&stop_warming)) {
        search_index_warm(a->search, a->db, &stop_warming);
        /* Its reader's pages are read once per build: not kept resident
         * while it sleeps (measured: 1 MiB, the readers' whole cache). */
        db_reader_release_memory(a->db);
        for (int i = 0; i < 20 && !atomic_load(&stop_warming); i++)
            nanosleep(&(struct timespec){.tv_nsec = 250 * 1000 * 1000}, NULL);
    }
    return NULL;
}

static int serve(app *a)
{
    time_t started = time(NULL);
    if (app_load_web(a) != 0) return 1;
    size_t swept = page_downloads_sweep(started);
    if (swept)
        fprintf(stderr, "repere: removed %zu download director%s left by a stopped daemon\n", swept,
                swept == 1 ? "y" : "ies");
    /* SIGINT/SIGTERM are blocked before the server's threads exist (they
     * inherit the mask) and taken by sigwait() below: delivered to a worker
     * thread, a signal used to leave the main thread in pause() for ever, and
     * one arriving between the flag test and pause() was lost too. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    http_server *server = http_start(a);
    if (!server) return 1;
    pthread_t warm;
    bool warming = pthread_create(&warm, NULL, warm_search, a) == 0;
    if (!warming) search_index_warm(a->search, a->db, NULL);
    if (mail_outbox(&a->cfg))
        fprintf(stderr, "repere: mail is written to %s (no --sendmail)\n", a->cfg.outbox);
    if (!a->cfg.contact_email)
        fprintf(stderr,
                "repere: warning: no publisher contact (set REPERE_CONTACT_EMAIL or --contact): "
                "/a-propos and /accessibilite say that no contact address is configured\n");
    fprintf(stderr, "repere: serving %s on http://%s:%d/\n", a->cfg.db_path, a->cfg.listen,
            a->cfg.port);
    /* While serving, the main thread gives freed memory back every few
     * seconds: after a burst of cache misses (each a few hundred kilobytes
     * of models and buffers, freed at once) the heaps keep their free pages
     * resident until something asks for them (measured at 30 000 places:
     * 26 MiB freed but held after the benchmark's routes). malloc_trim
     * returns free pages from the middle of every heap, not just the top. */
    const struct timespec trim_every = {.tv_sec = 5};
    int sig = -1;
    while (sig < 0) {
        sig = sigtimedwait(&stop_signals, NULL, &trim_every);
        if (sig < 0) malloc_trim(0);
    }
    uint64_t hits = 0, misses = 0;
    page_cache_stats(a->pages, &hits, &misses);
    fprintf(stderr, "repere: stopping (page cache: %llu hits, %llu misses)\n",
            (unsigned long long)hits, (unsigned long long)misses);
    atomic_store(&stop_warming, true);
    http_stop(server);
    if (warming) pthread_join(warm, NULL);
    page_downloads_cleanup();
    return 0;
}

/*
 * Worker threads when none is asked: one per CPU the daemon may run on
 * (its affinity mask: taskset, a container's cpuset), at least two. The
 * work is CPU-bound (the search index and the page cache are in memory,
 * SQLite reads from the kernel's page cache), so more threads than CPUs only
 * time-slice: on one CPU, four threads put the 99th percentile at 18-23 ms
 * where one or two give 4-7 ms, with more requests served (docs/quality.md,
 * issue 13's sixth pass). Two at least, so that one slow answer (a password
 * hash, an upload being imported) never holds every connection.
 */
static int default_threads(void)
{
    cpu_set_t set;
    int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
    if (n <= 0) n = (int)sysconf(_SC_NPROCESSORS_ONLN);
    return n < 2 ? 2 : n > 64 ? 64 : n;
}

int main(int argc, char **argv)
{
    /* jansson: seed the hash function before any thread exists. */
    json_object_seed(0);
    /* Memory: a search around a point allocates kilobytes, not megabytes,
     * since the spatial grid; what dominates resident memory is how many
     * heaps glibc keeps (one per thread by default, each holding its freed
     * blocks) and how much it keeps before trimming. Two heaps for the
     * worker threads and the default trimming keep the daemon's memory
     * flat under load (make bench: resources.tsv). */
    mallopt(M_ARENA_MAX, 2);
    if (sodium_init() < 0) {
        fprintf(stderr, "repere: libsodium failed to initialise\n");
        return 1;
    }
    app a = {.routes = ROUTES};
    config *cfg = &a.cfg;
    cfg->db_path = env_or("REPERE_DB", "var/repere.db");
    cfg->listen = env_or("REPERE_LISTEN", "127.0.0.1");
    cfg->port = atoi(env_or("REPERE_PORT", "8080"));
    cfg->threads = atoi(env_or("REPERE_THREADS", "0"));
    /* -1: sized by the catalogue at start (startup.c, page_cache_budget). */
    cfg->page_cache_mb = atoi(env_or("REPERE_PAGE_CACHE_MB", "-1"));
    cfg->per_ip_connections = atoi(env_or("REPERE_PER_IP_CONNECTIONS", "64"));
    cfg->public_origin = getenv("REPERE_ORIGIN");
    cfg->tile_url = env_or("REPERE_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    cfg->behind_tls = getenv("REPERE_BEHIND_TLS") && strcmp(getenv("REPERE_BEHIND_TLS"), "1") == 0;
    cfg->sendmail = getenv("REPERE_SENDMAIL");
    cfg->outbox = getenv("REPERE_OUTBOX");
    cfg->mail_from = getenv("REPERE_MAIL_FROM");
    cfg->api_rate = atoi(env_or("REPERE_API_RATE", "0"));
    cfg->api_burst = atoi(env_or("REPERE_API_BURST", "0"));
    cfg->trust_proxy = strcmp(env_or("REPERE_TRUST_PROXY", ""), "1") == 0;
    cfg->contact_email = getenv("REPERE_CONTACT_EMAIL");
    if (cfg->contact_email && !*cfg->contact_email) cfg->contact_email = NULL;
    char *outbox = NULL;
    char *root = NULL;
    cfg->root = getenv("REPERE_ROOT");

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        (strcmp(argv[1], "help") == 0 && argc == 2)) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    /* Help prints and does nothing else: no database opened or created, no
     * server started, no demo loaded. */
    const char *help_of = strcmp(argv[1], "help") == 0 ? argv[2] : argv[1];
    if (strcmp(argv[1], "help") == 0 || asks_for_help(argc, argv)) {
        const char *text = command_help(help_of);
        if (!text) {
            fprintf(stderr, "repere: unknown command '%s' (see repere --help)\n", help_of);
            return 2;
        }
        fputs(text, stdout);
        return 0;
    }
    const char *command = argv[1];
    if (strcmp(command, "routes") == 0) return cmd_routes();
    if (strcmp(command, "hours") == 0) {
        int rc = cmd_hours(argc - 1, argv + 1);
        tz_cache_free();
        return rc;
    }

    argc = parse_options(cfg, argc, argv);
    if (argc < 0) return 2;
    if (strcmp(command, "backup") == 0) return cmd_backup(cfg->db_path, argc - 1, argv + 1);
    if (cfg->port <= 0 || cfg->port > 65535) {
        fprintf(stderr, "repere: REPERE_PORT must be a port number\n");
        return 2;
    }
    if (cfg->threads <= 0 || cfg->threads > 64) cfg->threads = default_threads();
    if (cfg->page_cache_mb < -1 || cfg->page_cache_mb > 4096) cfg->page_cache_mb = -1;
    if (cfg->per_ip_connections < 1 || cfg->per_ip_connections > 100000)
        cfg->per_ip_connections = 64;
    /* The pages make a mailto: link of it: refuse a typo before anything starts. */
    const char *why;
    if (strcmp(command, "serve") == 0 && cfg->contact_email &&
        !validate_email(cfg->contact_email, &why)) {
        fprintf(stderr,
                "repere: the contact '%s' (--contact, REPERE_CONTACT_EMAIL) is not an e-mail "
                "address (%s)\n",
                cfg->contact_email, why);
        return 2;
    }
    /* Absolute URLs come from the configuration only: listening beyond the
     * loopback without a public origin would leave them pointing at an
     * address the public cannot reach (or invite trusting Host). */
    if (strcmp(command, "serve") == 0 && !(cfg->public_origin && *cfg->public_origin) &&
        !config_listen_is_loopback(cfg->listen)) {
        fprintf(stderr,
                "repere: listening on %s needs the public origin of the site: set REPERE_ORIGIN "
                "(or --origin), e.g. https://repere.example.fr\n",
                cfg->listen);
        return 2;
    }
    char *origin = config_origin(cfg);
    cfg->origin = origin;
    if (!cfg->root) cfg->root = root = default_root(argv[0]);
    if (!dir_exists(cfg->root)) {
        fprintf(stderr, "repere: root directory %s does not exist (set --root)\n", cfg->root);
        free(root);
        free(origin);
        return 2;
    }

    if (!cfg->outbox) {
        const char *slash = strrchr(cfg->db_path, '/');
        cfg->outbox = outbox =
            slash ? xasprintf("%.*s/outbox", (int)(slash - cfg->db_path), cfg->db_path)
                  : xstrdup("outbox");
    }

    int status = 0;
    bool accounts = strcmp(command, "serve") == 0 || strcmp(command, "user") == 0 ||
                    strcmp(command, "remind") == 0;
    if (accounts || strcmp(command, "migrate") == 0 || strcmp(command, "import") == 0 ||
        strcmp(command, "demo") == 0 || strcmp(command, "export") == 0 ||
        strcmp(command, "territory") == 0) {
        a.db = open_catalogue(&a);
        if (!a.db)
            status = 1;
        else if (accounts && auth_init(&a) != 0)
            status = 1;
        else if (strcmp(command, "serve") == 0)
            status = serve(&a);
        else if (strcmp(command, "user") == 0)
            status = cmd_user(&a, argc - 1, argv + 1);
        else if (strcmp(command, "remind") == 0)
            status = cmd_remind(&a, argc - 1, argv + 1);
        else if (strcmp(command, "import") == 0)
            status = cmd_import(a.db, argc - 1, argv + 1);
        else if (strcmp(command, "demo") == 0)
            status = cmd_demo(&a);
        else if (strcmp(command, "export") == 0)
            status = cmd_export(a.db, argc - 1, argv + 1);
        else if (strcmp(command, "territory") == 0)
            status = cmd_territory(a.db, argc - 1, argv + 1);
    } else {
        fprintf(stderr, "repere: unknown command '%s' (see repere --help)\n", command);
        status = 2;
    }
    auth_free(&a);
    app_free(&a);
    tz_cache_free();
    free(root);
    free(outbox);
    free(origin);
    return status;
}
