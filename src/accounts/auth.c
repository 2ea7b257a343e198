/*
 * auth.c — accounts: password policy and hashing, tokens, signatures,
 * throttling, roles and the audit log. See auth.h and docs/security.md.
 */
#include "accounts/auth.h"
#include "core/i18n.h"
#include "core/util.h"

#include <ctype.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct auth_state {
    sem_t hashing;         /* half the worker threads, at least one */
    unsigned char key[32]; /* HMAC key (app_secret 'signing') */
    char **common;         /* sorted, lowercase */
    size_t ncommon;
};

/* Used by: auth_init (the signing key, created once). */
static const char Q_SECRET_GET[] = "SELECT value FROM app_secret WHERE name = 'signing'";
static const char Q_SECRET_PUT[] =
    "INSERT OR IGNORE INTO app_secret (name, value) VALUES ('signing', :value)";

static char *lower_dup(const char *s)
{
    char *c = xstrdup(s);
    for (char *p = c; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return c;
}

/* The site's name, which people put in their password for this site. */
static const char SITE_NAME[] = "repere";

/* Combining marks, variation selectors and zero-width joiners: parts of the
 * character before them, not characters of their own. */
static bool is_mark(uint32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
           (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200C ||
           cp == 0x200D;
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

/*
 * The word under a password, as people build them: folded (case, accents),
 * spaces and punctuation dropped, then the digits and symbols around it
 * (years, "123", "!!") dropped. "Repère 2026 !!" → "repere". Malloc'd.
 */
static char *password_base(const char *password)
{
    char *f = text_fold(password);
    size_t n = 0;
    for (const char *p = f; *p; p++)
        if (*p != ' ') f[n++] = *p;
    f[n] = '\0';
    size_t start = 0;
    while (start < n && isdigit((unsigned char)f[start]))
        start++;
    while (n > start && isdigit((unsigned char)f[n - 1]))
        n--;
    f[n] = '\0';
    memmove(f, f + start, n - start + 1);
    return f;
}

/* The password without the site's name: "Repere-Admin-2026" → "admin". */
static char *without_site_name(const char *base)
{
    buf b = {0};
    buf_puts(&b, "");
    for (const char *p = base; *p;) {
        if (strncmp(p, SITE_NAME, sizeof SITE_NAME - 1) == 0) {
            p += sizeof SITE_NAME - 1;
            continue;
        }
        buf_putc(&b, *p++);
    }
    char *rest = buf_steal(&b);
    char *again = password_base(rest); /* digits between the name and the word */
    free(rest);
    return again;
}

/* Read one list of common passwords into s->common as base words. */
static void load_list(auth_state *s, const char *root, const char *name, size_t *cap)
{
    char *path = xasprintf("%s/data/%s", root, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "repere: warning: %s is missing: common passwords are not all refused\n",
                path);
        free(path);
        return;
    }
    char line[256];
    while (fgets(line, sizeof line, f)) {
        char *t = str_trim(line);
        if (!*t || *t == '#' || !utf8_valid(t, strlen(t))) continue;
        char *base = password_base(t);
        if (!*base) { /* digits only: refused by their own rule */
            free(base);
            continue;
        }
        if (s->ncommon == *cap) {
            *cap = *cap ? *cap * 2 : 1024;
            s->common = xrealloc(s->common, *cap * sizeof *s->common);
        }
        s->common[s->ncommon++] = base;
    }
    fclose(f);
    free(path);
}

/* The hand-made list (French favourites) and Openwall's (its NOTICE in data/),
 * sorted and without duplicates for bsearch. */
static void load_common(auth_state *s, const char *root)
{
    size_t cap = 0;
    load_list(s, root, "common-passwords.txt", &cap);
    load_list(s, root, "openwall-passwords.lst", &cap);
    qsort(s->common, s->ncommon, sizeof *s->common, str_ptr_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < s->ncommon; i++) {
        if (kept && strcmp(s->common[kept - 1], s->common[i]) == 0)
            free(s->common[i]);
        else
            s->common[kept++] = s->common[i];
    }
    s->ncommon = kept;
}

/* In the transaction: make the signing key if there is none, then read it. */
static int load_key_tx(db_conn *w, void *ctx)
{
    auth_state *s = ctx;
    unsigned char fresh[32];
    randombytes_buf(fresh, sizeof fresh);
    sqlite3_stmt *st = db_stmt(w, Q_SECRET_PUT);
    sqlite3_bind_blob(st, sqlite3_bind_parameter_index(st, ":value"), fresh, sizeof fresh,
                      SQLITE_TRANSIENT);
    db_exec_stmt(st);
    sodium_memzero(fresh, sizeof fresh);
    st = db_stmt(w, Q_SECRET_GET);
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == (int)sizeof s->key) {
        memcpy(s->key, sqlite3_column_blob(st, 0), sizeof s->key);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

static int load_key(auth_state *s, db *d)
{
    if (db_transaction(d, load_key_tx, s) == 0) return 0;
    fprintf(stderr, "repere: cannot read the signing key\n");
    return -1;
}

int auth_init(app *a)
{
    auth_state *s = xcalloc(1, sizeof *s);
    /* At most half the worker threads hash a password at once, so that the
     * others keep serving pages during a burst of logins; and never more than
     * AUTH_MAX_HASHES (64 MiB of memory each). */
    int slots = a->cfg.threads / 2;
    slots = slots < 1 ? 1 : slots > AUTH_MAX_HASHES ? AUTH_MAX_HASHES : slots;
    sem_init(&s->hashing, 0, (unsigned)slots);
    load_common(s, a->cfg.root);
    if (load_key(s, a->db) != 0) {
        a->auth = s;
        auth_free(a);
        return -1;
    }
    a->auth = s;
    return 0;
}

void auth_free(app *a)
{
    auth_state *s = a->auth;
    if (!s) return;
    for (size_t i = 0; i < s->ncommon; i++)
        free(s->common[i]);
    free(s->common);
    sem_destroy(&s->hashing);
    sodium_memzero(s->key, sizeof s->key);
    free(s);
    a->auth = NULL;
}

/* What one character of a password counts as when comparing characters:
 * any space is a space, letters fold (case, accents), anything else is
 * itself. Writes at most 8 bytes + NUL. */
static void char_unit(uint32_t cp, const char *bytes, size_t n, char out[9])
{
    if (is_space(cp)) {
        strcpy(out, " ");
        return;
    }
    char one[5] = {0};
    memcpy(one, bytes, n);
    char *f = text_fold(one);
    snprintf(out, 9, "%s", *f ? f : one);
    free(f);
}

/* Characters as a person counts them (marks belong to their letter), and
 * whether they are all the same character. -1 when not valid UTF-8. */
static long count_characters(const char *password, bool *one_repeated)
{
    size_t len = strlen(password);
    char first[9] = "", unit[9];
    long chars = 0;
    *one_repeated = true;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_next(password + i, len - i, &cp);
        if (!n) return -1;
        if (!is_mark(cp)) {
            char_unit(cp, password + i, n, unit);
            if (chars == 0)
                memcpy(first, unit, sizeof first);
            else if (strcmp(unit, first) != 0)
                *one_repeated = false;
            chars++;
        }
        i += n;
    }
    return chars;
}

static bool listed(const auth_state *s, const char *word)
{
    return s && *word && bsearch(&word, s->common, s->ncommon, sizeof *s->common, str_ptr_cmp);
}

/* Only digits, spaces and ASCII punctuation ("1234 5678 90!!"). */
static bool no_letters(const char *password)
{
    for (const unsigned char *p = (const unsigned char *)password; *p; p++)
        if (*p >= 0x80 || isalpha(*p)) return false;
    return true;
}

/* Equal once folded and stripped of spaces and punctuation around and
 * inside ("  Someone@Example.fr " is the address someone@example.fr). */
static bool same_skeleton(const char *a, const char *b)
{
    char *fa = text_fold(a), *fb = text_fold(b);
    bool same = *fa && strcmp(fa, fb) == 0;
    free(fa);
    free(fb);
    return same;
}

const char *auth_password_problem(const auth_state *s, const char *password, const char *email)
{
    size_t len = password ? strlen(password) : 0;
    if (len > AUTH_PASSWORD_MAX)
        return _("Le mot de passe est trop long (1 024 caractères au plus).");
    if (!utf8_valid(password ? password : "", len))
        return _("Le mot de passe contient des caractères invalides.");
    bool one_repeated = false;
    long chars = count_characters(password ? password : "", &one_repeated);
    if (chars < AUTH_PASSWORD_MIN)
        return _("Le mot de passe doit faire au moins 12 caractères (une phrase de quelques mots "
                 "convient très bien).");
    if (email && *email) {
        char *local = xstrdup(email);
        char *at = strchr(local, '@');
        if (at) *at = '\0';
        char *mine = password_base(password), *theirs = password_base(local);
        bool is_email = same_skeleton(password, email) || (*theirs && strcmp(mine, theirs) == 0);
        free(mine);
        free(theirs);
        free(local);
        if (is_email) return _("Le mot de passe ne doit pas être votre adresse électronique.");
    }
    char *base = password_base(password);
    char *rest = without_site_name(base);
    bool common = one_repeated || no_letters(password) || listed(s, base) ||
                  (strcmp(rest, base) != 0 && (!*rest || listed(s, rest)));
    free(base);
    free(rest);
    if (common)
        return _("Ce mot de passe est trop courant : choisissez-en un autre, par exemple une "
                 "phrase de quelques mots.");
    return NULL;
}

char *auth_hash_password(auth_state *s, const char *password)
{
    char out[crypto_pwhash_STRBYTES];
    sem_wait(&s->hashing);
    int rc = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    sem_post(&s->hashing);
    return rc == 0 ? xstrdup(out) : NULL;
}

/* A hash to check against when the account does not exist, so that the
 * answer takes as long either way: Argon2id with the parameters every
 * password gets (crypto_pwhash_OPSLIMIT/MEMLIMIT_INTERACTIVE). A constant
 * rather than one hashed at each start-up (a second of start-up under
 * load): whatever matches it, a missing account never signs in (below). */
static const char DUMMY_HASH[crypto_pwhash_STRBYTES] =
    "$argon2id$v=19$m=65536,t=2,p=1$Hzwwtm268Y9oxrmtLWDjNg$"
    "bPxB0wgJqeHQUFOjIOXDcY37D0s29IPrDwfGUIZeFHY";

bool auth_verify_password(auth_state *s, const char *hash, const char *password, bool *rehash)
{
    const char *h = hash && *hash ? hash : DUMMY_HASH;
    size_t len = strlen(password);
    if (len > AUTH_PASSWORD_MAX) len = AUTH_PASSWORD_MAX;
    sem_wait(&s->hashing);
    bool ok = crypto_pwhash_str_verify(h, password, len) == 0;
    sem_post(&s->hashing);
    if (!hash || !*hash) return false;
    if (ok && rehash)
        *rehash = crypto_pwhash_str_needs_rehash(h, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                 crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
    return ok;
}

void auth_token_hash(const char *token, char hash[AUTH_HASH_HEX + 1])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hash, AUTH_HASH_HEX + 1, h, sizeof h);
}

void auth_new_token(char token[AUTH_TOKEN_CHARS + 1], char hash[AUTH_HASH_HEX + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, AUTH_TOKEN_CHARS + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    auth_token_hash(token, hash);
}

void auth_sign(const auth_state *s, const char *message, char out[65])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)message, strlen(message), s->key);
    sodium_bin2hex(out, 65, mac, sizeof mac);
}

bool auth_sign_check(const auth_state *s, const char *message, const char *signature)
{
    if (!signature || strlen(signature) != 64) return false;
    char expected[65];
    auth_sign(s, message, expected);
    return sodium_memcmp(expected, signature, 64) == 0;
}

void auth_client_key(const auth_state *s, const char *ip, char out[33])
{
    char *m = xasprintf("client|%s", ip ? ip : "");
    char sig[65];
    auth_sign(s, m, sig);
    free(m);
    memcpy(out, sig, 32);
    out[32] = '\0';
}

/* ---- throttling ---- */

/* Used by: auth_throttle_begin (one key). */
static const char Q_THROTTLE_GET[] =
    "SELECT failures, first_failure_at, last_failure_at FROM login_throttle WHERE key = :key";
/* Used by: auth_throttle_begin. */
static const char Q_THROTTLE_FAIL[] =
    "INSERT INTO login_throttle (key, failures, first_failure_at, last_failure_at)"
    " VALUES (:key, 1, :now, :now)"
    " ON CONFLICT (key) DO UPDATE SET"
    "  failures = iif(last_failure_at < :now - :window, 1, failures + 1),"
    "  first_failure_at = iif(last_failure_at < :now - :window, :now, first_failure_at),"
    "  last_failure_at = :now";
/* Used by: auth_throttle_succeeded (the account's failures forgotten). */
static const char Q_THROTTLE_CLEAR[] = "DELETE FROM login_throttle WHERE key = :key";
/* Used by: auth_throttle_succeeded (the address's attempt was not a failure). */
static const char Q_THROTTLE_UNCOUNT[] =
    "UPDATE login_throttle SET failures = max(failures - 1, 0) WHERE key = :key";

static char *account_key(const char *email)
{
    char *low = lower_dup(email ? email : "");
    char *k = xasprintf("account:%s", low);
    free(low);
    return k;
}

/* Seconds to wait after `failures`, beyond `free_failures` allowed. */
static int64_t delay_for(int64_t failures, int64_t free_failures)
{
    if (failures < free_failures) return 0;
    int64_t n = failures - free_failures;
    return n >= 10                              ? AUTH_MAX_DELAY
           : ((int64_t)1 << n) > AUTH_MAX_DELAY ? AUTH_MAX_DELAY
                                                : ((int64_t)1 << n);
}

static int64_t wait_for(db_conn *c, const char *key, int64_t free_failures, int64_t max_per_hour,
                        int64_t now)
{
    sqlite3_stmt *s = db_stmt(c, Q_THROTTLE_GET);
    db_bind_text(s, ":key", key);
    int64_t wait = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        int64_t failures = sqlite3_column_int64(s, 0), first = sqlite3_column_int64(s, 1),
                last = sqlite3_column_int64(s, 2);
        if (last >= now - AUTH_THROTTLE_WINDOW) {
            int64_t until = last + delay_for(failures, free_failures);
            if (max_per_hour && failures >= max_per_hour && first + AUTH_THROTTLE_WINDOW > until)
                until = first + AUTH_THROTTLE_WINDOW;
            if (until > now) wait = until - now;
        }
    }
    sqlite3_reset(s);
    return wait;
}

static void fail_key(db_conn *w, const char *key, int64_t now)
{
    sqlite3_stmt *s = db_stmt(w, Q_THROTTLE_FAIL);
    db_bind_text(s, ":key", key);
    db_bind_int(s, ":now", now);
    db_bind_int(s, ":window", AUTH_THROTTLE_WINDOW);
    db_exec_stmt(s);
}

int64_t auth_throttle_begin(db_conn *w, const char *email, const char *ip, int64_t now)
{
    char *ak = account_key(email);
    char *ik = xasprintf("ip:%s", ip ? ip : "");
    int64_t a = wait_for(w, ak, AUTH_ACCOUNT_FREE_FAILURES, AUTH_ACCOUNT_MAX_PER_HOUR, now);
    int64_t i = wait_for(w, ik, AUTH_IP_FREE_FAILURES, 0, now);
    int64_t wait = a > i ? a : i;
    if (wait == 0) {
        /* Counted as a failure before the password is checked: an attempt
         * running beside this one sees it and waits. */
        fail_key(w, ak, now);
        fail_key(w, ik, now);
    }
    free(ak);
    free(ik);
    return wait;
}

void auth_throttle_succeeded(db_conn *w, const char *email, const char *ip)
{
    char *ak = account_key(email);
    char *ik = xasprintf("ip:%s", ip ? ip : "");
    sqlite3_stmt *s = db_stmt(w, Q_THROTTLE_CLEAR);
    db_bind_text(s, ":key", ak);
    db_exec_stmt(s);
    s = db_stmt(w, Q_THROTTLE_UNCOUNT);
    db_bind_text(s, ":key", ik);
    db_exec_stmt(s);
    free(ak);
    free(ik);
}

/* ---- audit ---- */

/* Used by: auth_audit. */
static const char Q_AUDIT[] = "INSERT INTO audit_log (event, actor_id, subject, ip, detail)"
                              " VALUES (:event, :actor, :subject, :ip, :detail)";

void auth_audit(db_conn *w, const char *event, int64_t actor, const char *subject, const char *ip,
                const char *detail)
{
    char anon[64] = "";
    if (ip && *ip) ip_anonymise(ip, anon, sizeof anon);
    sqlite3_stmt *s = db_stmt(w, Q_AUDIT);
    db_bind_text(s, ":event", event);
    if (actor) db_bind_int(s, ":actor", actor);
    db_bind_text(s, ":subject", subject);
    db_bind_text(s, ":ip", anon);
    db_bind_text(s, ":detail", detail);
    db_exec_stmt(s);
    fprintf(stderr, "repere: audit %s actor=%lld subject=%s ip=%s%s%s\n", event, (long long)actor,
            subject ? subject : "-", anon[0] ? anon : "-", detail ? " " : "", detail ? detail : "");
}

/* ---- roles ---- */

static bool all_digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max) return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return false;
    return true;
}

static bool parse_id(const char *s, int64_t *out)
{
    if (!all_digits(s, 1, 15)) return false;
    *out = strtoll(s, NULL, 10);
    return *out > 0;
}

bool auth_role_parse(const char *text, role_spec *out)
{
    memset(out, 0, sizeof *out);
    if (!text) return false;
    if (strcmp(text, "admin") == 0) {
        out->kind = ROLE_ADMIN;
        return true;
    }
    if (str_starts_with(text, "manager:")) {
        out->kind = ROLE_MANAGER;
        return parse_id(text + 8, &out->place_id);
    }
    if (!str_starts_with(text, "coordinator:")) return false;
    out->kind = ROLE_COORDINATOR;
    const char *rest = text + 12;
    if (str_starts_with(rest, "place:")) return parse_id(rest + 6, &out->place_id);
    if (str_starts_with(rest, "epci:")) {
        if (!all_digits(rest + 5, 9, 9)) return false;
        snprintf(out->epci, sizeof out->epci, "%s", rest + 5);
        return true;
    }
    if (str_starts_with(rest, "departement:")) {
        const char *d = rest + 12;
        size_t n = strlen(d);
        bool ok = (n == 2 || n == 3) &&
                  (all_digits(d, 2, 3) || strcasecmp(d, "2a") == 0 || strcasecmp(d, "2b") == 0);
        if (!ok) return false;
        snprintf(out->departement, sizeof out->departement, "%s", d);
        for (char *p = out->departement; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        return true;
    }
    return false;
}

void auth_role_format(const role_spec *r, char *out, size_t size)
{
    switch (r->kind) {
    case ROLE_ADMIN:
        snprintf(out, size, "admin");
        break;
    case ROLE_MANAGER:
        snprintf(out, size, "manager:%lld", (long long)r->place_id);
        break;
    case ROLE_COORDINATOR:
        if (r->place_id)
            snprintf(out, size, "coordinator:place:%lld", (long long)r->place_id);
        else if (r->epci[0])
            snprintf(out, size, "coordinator:epci:%s", r->epci);
        else
            snprintf(out, size, "coordinator:departement:%s", r->departement);
        break;
    }
}

void auth_role_describe(const role_spec *r, char *out, size_t size)
{
    switch (r->kind) {
    case ROLE_ADMIN:
        snprintf(out, size, "%s", _("administration"));
        break;
    case ROLE_MANAGER:
        snprintf(out, size, _("gestion du lieu n° %lld"), (long long)r->place_id);
        break;
    case ROLE_COORDINATOR:
        if (r->place_id)
            snprintf(out, size, _("coordination du lieu n° %lld"), (long long)r->place_id);
        else if (r->epci[0])
            snprintf(out, size, _("coordination de l'EPCI %s"), r->epci);
        else
            snprintf(out, size, _("coordination du département %s"), r->departement);
        break;
    }
}

static const char *role_kind_name(role_kind k)
{
    return k == ROLE_ADMIN ? "admin" : k == ROLE_COORDINATOR ? "coordinator" : "manager";
}

/* Used by: auth_account_ensure, auth_account_find. */
static const char Q_ACCOUNT_FIND[] = "SELECT id FROM account WHERE email = :email";
static const char Q_ACCOUNT_ADD[] =
    "INSERT INTO account (email, name) VALUES (:email, :name) ON CONFLICT (email) DO NOTHING";
/* Used by: auth_role_grant, auth_role_revoke. */
static const char Q_ROLE_GRANT[] =
    "INSERT OR IGNORE INTO account_role (account_id, kind, place_id, departement, epci, granted_by)"
    " VALUES (:account, :kind, :place, :departement, :epci, :by)";
static const char Q_ROLE_REVOKE[] =
    "DELETE FROM account_role WHERE account_id = :account AND kind = :kind"
    " AND coalesce(place_id, 0) = coalesce(:place, 0)"
    " AND coalesce(departement, '') = coalesce(:departement, '')"
    " AND coalesce(epci, '') = coalesce(:epci, '')";

int64_t auth_account_find(db_conn *c, const char *email)
{
    sqlite3_stmt *s = db_stmt(c, Q_ACCOUNT_FIND);
    db_bind_text(s, ":email", email);
    int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return id;
}

int64_t auth_account_ensure(db_conn *w, const char *email, const char *name)
{
    int64_t id = auth_account_find(w, email);
    if (id) return id;
    sqlite3_stmt *s = db_stmt(w, Q_ACCOUNT_ADD);
    db_bind_text(s, ":email", email);
    db_bind_text(s, ":name", name);
    if (db_exec_stmt(s) != SQLITE_DONE) return 0;
    return auth_account_find(w, email);
}

static void bind_role(sqlite3_stmt *s, int64_t account, const role_spec *r)
{
    db_bind_int(s, ":account", account);
    db_bind_text(s, ":kind", role_kind_name(r->kind));
    if (r->place_id) db_bind_int(s, ":place", r->place_id);
    db_bind_text(s, ":departement", r->departement);
    db_bind_text(s, ":epci", r->epci);
}

int auth_role_grant(db_conn *w, int64_t account, const role_spec *r, int64_t by)
{
    sqlite3_stmt *s = db_stmt(w, Q_ROLE_GRANT);
    bind_role(s, account, r);
    if (by) db_bind_int(s, ":by", by);
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    char subject[32], role[64];
    snprintf(subject, sizeof subject, "account:%lld", (long long)account);
    auth_role_format(r, role, sizeof role);
    auth_audit(w, "role_granted", by, subject, NULL, role);
    return 0;
}

int auth_role_revoke(db_conn *w, int64_t account, const role_spec *r, int64_t by)
{
    sqlite3_stmt *s = db_stmt(w, Q_ROLE_REVOKE);
    bind_role(s, account, r);
    if (db_exec_stmt(s) != SQLITE_DONE) return -1;
    char subject[32], role[64];
    snprintf(subject, sizeof subject, "account:%lld", (long long)account);
    auth_role_format(r, role, sizeof role);
    auth_audit(w, "role_revoked", by, subject, NULL, role);
    return 0;
}

/* Used by: auth_set_password (revoke every session on a password change). */
static const char Q_SET_PASSWORD[] =
    "UPDATE account SET password_hash = :hash,"
    " password_changed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = :id";
static const char Q_END_SESSIONS[] = "DELETE FROM session WHERE account_id = :id";

int auth_set_password(db_conn *w, int64_t account, const char *hash)
{
    sqlite3_stmt *s = db_stmt(w, Q_SET_PASSWORD);
    db_bind_text(s, ":hash", hash);
    db_bind_int(s, ":id", account);
    if (db_exec_stmt(s) != SQLITE_DONE || sqlite3_changes(db_handle(w)) != 1) return -1;
    s = db_stmt(w, Q_END_SESSIONS);
    db_bind_int(s, ":id", account);
    return db_exec_stmt(s) == SQLITE_DONE ? 0 : -1;
}

/* Used by: auth_token_create. */
static const char Q_TOKEN_RETIRE[] =
    "UPDATE account_token SET used_at = :now"
    " WHERE account_id = :account AND kind = :kind AND used_at IS NULL";
static const char Q_TOKEN_ADD[] =
    "INSERT INTO account_token (kind, token_hash, account_id, created_by, created_at, expires_at)"
    " VALUES (:kind, :hash, :account, :by, :now, :expires)";
/* Used by: auth_token_check. */
static const char Q_TOKEN_GET[] =
    "SELECT id, account_id, kind FROM account_token"
    " WHERE token_hash = :hash AND used_at IS NULL AND expires_at > :now";
static const char Q_TOKEN_USE[] =
    "UPDATE account_token SET used_at = :now WHERE id = :id AND used_at IS NULL";

char *auth_token_create(db_conn *w, const char *kind, int64_t account, int64_t by, int64_t now)
{
    bool invite = strcmp(kind, "invite") == 0;
    sqlite3_stmt *s = db_stmt(w, Q_TOKEN_RETIRE);
    db_bind_int(s, ":now", now);
    db_bind_int(s, ":account", account);
    db_bind_text(s, ":kind", kind);
    db_exec_stmt(s);
    char token[AUTH_TOKEN_CHARS + 1], hash[AUTH_HASH_HEX + 1];
    auth_new_token(token, hash);
    s = db_stmt(w, Q_TOKEN_ADD);
    db_bind_text(s, ":kind", invite ? "invite" : "reset");
    db_bind_text(s, ":hash", hash);
    db_bind_int(s, ":account", account);
    if (by) db_bind_int(s, ":by", by);
    db_bind_int(s, ":now", now);
    db_bind_int(s, ":expires", now + (invite ? AUTH_INVITE_TTL : AUTH_RESET_TTL));
    if (db_exec_stmt(s) != SQLITE_DONE) return NULL;
    return xstrdup(token);
}

int64_t auth_token_check(db_conn *c, const char *token, bool use, int64_t now,
                         const char **kind_out)
{
    if (!token || strlen(token) != AUTH_TOKEN_CHARS) return 0;
    char hash[AUTH_HASH_HEX + 1];
    auth_token_hash(token, hash);
    sqlite3_stmt *s = db_stmt(c, Q_TOKEN_GET);
    db_bind_text(s, ":hash", hash);
    db_bind_int(s, ":now", now);
    int64_t id = 0, account = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        account = sqlite3_column_int64(s, 1);
        if (kind_out) *kind_out = strcmp(db_col_text(s, 2), "invite") == 0 ? "invite" : "reset";
    }
    sqlite3_reset(s);
    if (!account || !use) return account;
    s = db_stmt(c, Q_TOKEN_USE);
    db_bind_int(s, ":now", now);
    db_bind_int(s, ":id", id);
    if (db_exec_stmt(s) != SQLITE_DONE || sqlite3_changes(db_handle(c)) != 1) return 0;
    return account;
}

char *auth_base_url(const app *a)
{
    return config_origin(&a->cfg);
}
