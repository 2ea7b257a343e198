/* Unit test: recurring workshops stay visible over time — re-expansion adds
 * the missing sessions up to the horizon from "now", once, with published
 * cancellations applied, on a real SQLite file. */
#include "core/db.h"
#include "places/importer.h"
#include "hours/tz.h"
#include "unit.h"
#include "workshops/workshop.h"
#include "workshops/workshop_import.h"
#include "workshops/workshop_refresh.h"

#include <stdlib.h>
#include <unistd.h>

static const char PLACES[] = "[{\"id\":\"p1\",\"pivot\":\"00000000000000\",\"nom\":\"Médiathèque "
                             "Test\",\"commune\":\"Valence\","
                             "\"code_postal\":\"26000\",\"adresse\":\"1 place "
                             "Test\",\"date_maj\":\"2026-10-01\",\"source\":\"t\"}]";

/* Weekly on Thursdays at 14:00 from 2026-10-01, open-ended; 2026-11-12 excepted;
 * cancelled on 2027-05-06 with a reason. */
static const char WORKSHOPS[] =
    "{\"source\":\"t\",\"ateliers\":[{\"id\":\"cafe\",\"lieu\":{\"source\":\"t\",\"id\":\"p1\"},"
    "\"titre\":\"Café numérique\",\"tarif\":\"gratuit\",\"inscription\":\"aucune\","
    "\"recurrence\":{\"debut\":\"2026-10-01T14:00\",\"duree_minutes\":90,"
    "\"regle\":\"FREQ=WEEKLY;BYDAY=TH\",\"exceptions\":[\"2026-11-12\"]},"
    "\"annulations\":[{\"date\":\"2027-05-06\",\"motif\":\"Pont de l'Ascension\"}]}]}";

static int64_t count(db_conn *c, const char *sql_static)
{
    sqlite3_stmt *s = db_stmt(c, sql_static);
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    return n;
}

static const char Q_ALL[] = "SELECT count(*) FROM workshop_session";
static const char Q_MAX[] = "SELECT max(starts_at) FROM workshop_session";
static const char Q_CANCELLED[] = "SELECT count(*) FROM workshop_session WHERE cancelled = 1 AND "
                                  "cancel_reason = 'Pont de l''Ascension'";

TEST(extend)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/repere-refresh-%ld.db", (long)getpid());
    unlink(path);
    char *err = NULL;
    db *d = db_open(path, &err);
    CHECK(d != NULL);
    CHECK(db_migrate(d, "migrations") >= 0);
    importer_report rep;
    importer_report_init(&rep);
    CHECK(importer_run(d, PLACES, sizeof PLACES - 1, "t", false, &rep) == 0);
    importer_report_free(&rep);

    /* Imported on 2026-10-01: sessions up to the horizon from then. */
    int64_t imported_at = tz_days_from_civil(2026, 10, 1) * 86400;
    importer_report_init(&rep);
    CHECK(workshop_import_run(d, WORKSHOPS, sizeof WORKSHOPS - 1, "t", false, imported_at, &rep) ==
          0);
    CHECK(rep.rejected == 0);
    importer_report_free(&rep);
    db_conn *r = db_reader(d);
    int64_t before = count(r, Q_ALL);
    int64_t last_before = count(r, Q_MAX);
    CHECK(before > 20 && before < 30);
    CHECK(last_before < imported_at + (int64_t)(WORKSHOP_HORIZON_DAYS + 7) * 86400);
    CHECK(count(r, Q_CANCELLED) == 0); /* May 2027 is beyond the first horizon */

    /* Seven months later: the agenda would be empty without re-expansion. */
    int64_t later = tz_days_from_civil(2027, 5, 1) * 86400;
    db_conn *w = db_begin(d);
    int added = workshop_extend_recurrences(w, later);
    CHECK(db_commit(w) == 0);
    CHECK(added > 20);
    CHECK(count(r, Q_MAX) > later + (int64_t)(WORKSHOP_HORIZON_DAYS - 8) * 86400);
    CHECK(count(r, Q_CANCELLED) == 1); /* the published cancellation reaches the new session */

    /* Idempotent: a second run the same day adds nothing. */
    w = db_begin(d);
    CHECK(workshop_extend_recurrences(w, later) == 0);
    CHECK(db_commit(w) == 0);
    db_close(d);
    unlink(path);
}

int main(void)
{
    RUN(extend);
    tz_cache_free();
    return unit_report();
}
