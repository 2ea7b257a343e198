/*
 * test_auth.c — the pure parts of the admin area: password policy, roles,
 * tokens, and the hours grid ↔ opening_hours conversion.
 */
#include "hours/hours_grid.h"
#include "accounts/auth.h"
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

TEST(password_policy)
{
    CHECK(auth_password_problem(NULL, "court", NULL) != NULL);
    CHECK(auth_password_problem(NULL, "onze carac.", NULL) != NULL);
    CHECK(auth_password_problem(NULL, "douze carac.", NULL) == NULL);
    CHECK(auth_password_problem(NULL, "aaaaaaaaaaaaaaaa", NULL) != NULL);
    CHECK(auth_password_problem(NULL, "someone@example.fr", "Someone@Example.fr") != NULL);
    char *long_pw = malloc(1026);
    memset(long_pw, 'x', 1025);
    long_pw[0] = 'y';
    long_pw[1025] = '\0';
    CHECK(auth_password_problem(NULL, long_pw, NULL) != NULL);
    long_pw[1024] = '\0';
    CHECK(auth_password_problem(NULL, long_pw, NULL) == NULL);
    free(long_pw);
    CHECK(auth_password_problem(NULL, "caf\xc3\x28 au lait!", NULL) != NULL);
}

/* Characters, not bytes: each of these is 12 bytes or more but fewer than
 * 12 characters. */
TEST(password_policy_counts_characters)
{
    CHECK(auth_password_problem(NULL, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", NULL) !=
          NULL);
    CHECK(auth_password_problem(NULL, "€€€€", NULL) != NULL);
    CHECK(auth_password_problem(NULL, "éééééé", NULL) != NULL);
    CHECK(auth_password_problem(NULL, "e\u0301e\u0301e\u0301e\u0301e\u0301e\u0301", NULL) != NULL);
    CHECK(auth_password_problem(NULL, "\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0\xc2\xa0", NULL) !=
          NULL);
    /* Twelve characters of any script are enough. */
    CHECK(auth_password_problem(NULL, "Ça va très bien", NULL) == NULL);
    CHECK(auth_password_problem(NULL, "日本語のパスワードです", NULL) != NULL);   /* 11 */
    CHECK(auth_password_problem(NULL, "日本語のパスワードですね", NULL) == NULL); /* 12 */
}

/* One character repeated, whatever its case, accent or encoding. */
TEST(password_policy_repeated_character)
{
    CHECK(auth_password_problem(NULL, "ééééééééééééé", NULL) != NULL);
    CHECK(auth_password_problem(NULL, "éÉéÉeEéÉéÉéÉ", NULL) != NULL);
    char nbsp[64] = "";
    for (int i = 0; i < 14; i++)
        strcat(nbsp, i % 2 ? "\xc2\xa0" : " ");
    CHECK(auth_password_problem(NULL, nbsp, NULL) != NULL);
    CHECK(auth_password_problem(NULL, "😀😀😀😀😀😀😀😀😀😀😀😀", NULL) != NULL);
}

TEST(password_policy_email_with_spaces)
{
    CHECK(auth_password_problem(NULL, "  someone@example.fr ", "someone@example.fr") != NULL);
    CHECK(auth_password_problem(NULL, "someone.lastname2026", "someone.lastname@example.fr") !=
          NULL);
}

/* The real lists (data/), normalised: case, digits and symbols around, the
 * site's name. */
TEST(password_policy_common_lists)
{
    app a = {0};
    a.cfg.root = ".";
    char path[] = "/tmp/repere-test-auth-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    a.db = db_open(path, NULL);
    CHECK(a.db != NULL);
    if (!a.db) return;
    CHECK(db_migrate(a.db, "migrations") > 0);
    CHECK(auth_init(&a) == 0);
    const char *weak[] = {"Password123!",      "azertyuiop12",  "Repere2026!!",  "Repère 2026 !!",
                          "2026-Repere-Admin", "QWERTYUIOP!!",  "Sunshine2024!", "123456789012",
                          "iloveyou!!!!",      "Marseille1313!"};
    for (size_t i = 0; i < sizeof weak / sizeof *weak; i++) {
        const char *p = auth_password_problem(a.auth, weak[i], "x@example.fr");
        if (!p) fprintf(stderr, "  accepted: %s\n", weak[i]);
        CHECK(p != NULL);
    }
    CHECK(auth_password_problem(a.auth, "la clef est sous le paillasson", NULL) == NULL);
    CHECK(auth_password_problem(a.auth, "gestion du lieu numéro un", NULL) == NULL);
    CHECK(auth_password_problem(a.auth, "Repere tient bon la barre", NULL) == NULL);
    auth_free(&a);
    db_close(a.db);
    unlink(path);
    char side[64];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

TEST(roles)
{
    role_spec r;
    char out[64];
    CHECK(auth_role_parse("admin", &r) && r.kind == ROLE_ADMIN);
    CHECK(auth_role_parse("manager:42", &r) && r.kind == ROLE_MANAGER && r.place_id == 42);
    CHECK(auth_role_parse("coordinator:departement:2a", &r) && r.kind == ROLE_COORDINATOR);
    CHECK_STR(r.departement, "2A");
    CHECK(auth_role_parse("coordinator:epci:200069110", &r));
    auth_role_format(&r, out, sizeof out);
    CHECK_STR(out, "coordinator:epci:200069110");
    CHECK(auth_role_parse("coordinator:place:7", &r) && r.place_id == 7);
    CHECK(!auth_role_parse("manager:0", &r));
    CHECK(!auth_role_parse("manager:4x", &r));
    CHECK(!auth_role_parse("coordinator:epci:123", &r));
    CHECK(!auth_role_parse("coordinator:departement:7", &r));
    CHECK(!auth_role_parse("root", &r));
}

TEST(tokens)
{
    char t1[AUTH_TOKEN_CHARS + 1], h1[AUTH_HASH_HEX + 1], t2[AUTH_TOKEN_CHARS + 1],
        h2[AUTH_HASH_HEX + 1];
    auth_new_token(t1, h1);
    auth_new_token(t2, h2);
    CHECK(strlen(t1) == AUTH_TOKEN_CHARS && strlen(h1) == AUTH_HASH_HEX);
    CHECK(strcmp(t1, t2) != 0);
    CHECK(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          AUTH_TOKEN_CHARS);
    char again[AUTH_HASH_HEX + 1];
    auth_token_hash(t1, again);
    CHECK_STR(again, h1);
    CHECK(strcmp(h1, t1) != 0);
}

static char *round_trip(const char *expr)
{
    admin_hours_grid g;
    if (!admin_hours_from_expr(expr, &g)) return NULL;
    return admin_hours_to_expr(&g);
}

TEST(hours_grid)
{
    char *s = round_trip("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off");
    CHECK_STR(s, "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off");
    free(s);
    s = round_trip("lu-ve 9h-12h; me off");
    CHECK_STR(s, "Mo,Tu,Th,Fr 09:00-12:00");
    free(s);
    admin_hours_grid g;
    CHECK(!admin_hours_from_expr("Mo-Fr 09:00-12:00; Jan off", &g));
    CHECK(!admin_hours_from_expr("Mo 08:00-09:00,10:00-11:00,12:00-13:00,14:00-15:00", &g));
    CHECK(admin_hours_from_expr("", &g));
    CHECK(admin_hours_to_expr(&g) == NULL);
    memset(&g, 0, sizeof g);
    strcpy(g.day[0][0].from, "10:00");
    strcpy(g.day[0][0].to, "12:00");
    strcpy(g.day[2][0].from, "10:00");
    strcpy(g.day[2][0].to, "12:00");
    strcpy(g.day[6][0].from, "10:00");
    strcpy(g.day[6][0].to, "12:00");
    s = admin_hours_to_expr(&g);
    CHECK_STR(s, "Mo,We,Su 10:00-12:00");
    free(s);
    admin_hours_range r = {"12:00", "09:00"};
    CHECK(admin_hours_check_range(&r, "") != NULL);
    admin_hours_range ok = {"14:00", "17:00"};
    CHECK(admin_hours_check_range(&ok, "12:00") == NULL);
    CHECK(admin_hours_check_range(&ok, "15:00") != NULL);
    admin_hours_range half = {"14:00", ""};
    CHECK(admin_hours_check_range(&half, "") != NULL);
    admin_hours_range junk = {"25:00", "26:00"};
    CHECK(admin_hours_check_range(&junk, "") != NULL);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(password_policy);
    RUN(password_policy_counts_characters);
    RUN(password_policy_repeated_character);
    RUN(password_policy_email_with_spaces);
    RUN(password_policy_common_lists);
    RUN(roles);
    RUN(tokens);
    RUN(hours_grid);
    return unit_report();
}
