/*
 * test_auth.c — the pure parts of the admin area: password policy, roles,
 * tokens, and the hours grid ↔ opening_hours conversion.
 */
#include "hours/hours_grid.h"
#include "accounts/auth.h"
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

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
    RUN(roles);
    RUN(tokens);
    RUN(hours_grid);
    return unit_report();
}
