// End-to-end: every password check is throttled and audited, even when
// attempts run at the same time, and every refusal (403) is in the audit log
// (docs/security.md rules 7 and 8).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { sqlite, BIN, ROOT, makeDb, startServer } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

let tmp, server;
const PW = 'un long chemin de campagne';

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, REPERE_ROOT: ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}
const sql = (q) => sqlite(tmp.db, q);

// A browser whose requests come from its own address (the daemon trusts the
// proxy header here), so that one test's failures do not slow another's.
function visitor(ip) {
  const b = new Browser(server.base);
  const get = b.get.bind(b), post = b.post.bind(b);
  b.get = (p, headers = {}) => get(p, { 'x-forwarded-for': ip, ...headers });
  b.post = (p, fields, opts = {}) => post(p, fields, { ...opts, headers: { 'x-forwarded-for': ip, ...(opts.headers || {}) } });
  return b;
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db, env: { REPERE_TRUST_PROXY: '1' } });
  for (const who of ['change', 'race', 'refused']) cli(['user', 'add', `${who}@example.fr`, '--password-stdin', 'manager:1'], PW + '\n');
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('the current password of a password change is throttled and audited like the login', async () => {
  const b = visitor('203.0.113.10');
  assert.equal((await b.login('change@example.fr', PW)).status, 303);
  await b.get('/compte');
  const csrf = b.lastCsrf;
  const statuses = [];
  for (let i = 0; i < 8; i++) {
    const r = await b.post('/compte/mot-de-passe', { current: `pas le bon ${i}`, password: 'une autre phrase assez longue', password2: 'une autre phrase assez longue' }, { csrf });
    statuses.push(r.status);
  }
  // The account's login shares the same counter: right away (before the
  // audit queries below, which take time on a loaded machine), it waits too.
  const other = visitor('203.0.113.11');
  const right_away = (await other.login('change@example.fr', PW)).status;
  assert.deepEqual(statuses.slice(0, 5), [400, 400, 400, 400, 400], 'five free tries');
  assert.ok(statuses.includes(429), `then a delay: ${statuses}`);
  assert.equal(right_away, 429);
  const failed = Number(sql("SELECT count(*) FROM audit_log WHERE event = 'password_check_failed' AND subject = 'change@example.fr'"));
  const throttled = Number(sql("SELECT count(*) FROM audit_log WHERE event = 'password_check_throttled' AND subject = 'change@example.fr'"));
  assert.equal(failed + throttled, 8, 'every attempt is in the audit log');
});

test('eight login attempts at the same time let through only the one the throttle allows', async () => {
  const b = visitor('203.0.113.20');
  for (let i = 0; i < 5; i++) assert.equal((await b.login('race@example.fr', `faux ${i}`)).status, 401);
  // After five failures the next attempt must wait 1 s; then exactly one may try.
  await new Promise((r) => setTimeout(r, 1200));
  await b.get('/connexion');
  const csrf = b.lastCsrf;
  const tries = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    b.post('/connexion', { email: 'race@example.fr', password: `encore faux ${i}`, retour: '/admin' }, { csrf })));
  const statuses = tries.map((t) => t.status).sort();
  assert.deepEqual(statuses, [401, 429, 429, 429, 429, 429, 429, 429]);
});

test('a refused request (403) is written to the audit log with who and what', async () => {
  const b = visitor('203.0.113.30');
  assert.equal((await b.login('refused@example.fr', PW)).status, 303);
  assert.equal((await b.get('/admin/utilisateurs')).status, 403);
  const id = sql("SELECT id FROM account WHERE email = 'refused@example.fr'");
  const row = sql(`SELECT actor_id || '|' || subject || '|' || ip FROM audit_log WHERE event = 'access_refused' AND actor_id = ${id}`);
  assert.equal(row, `${id}|GET /admin/utilisateurs|203.0.113.0`);
  // Anonymous refusals too (a forged form).
  const anon = visitor('203.0.113.31');
  assert.equal((await anon.post('/lieux/1/signaler', { message: 'x' }, { csrf: '9999999999.' + '0'.repeat(64) })).status, 403);
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE event = 'access_refused' AND subject = 'POST /lieux/1/signaler'"), '1');
});
