// End-to-end: the security rules of the admin area (docs/security.md), each
// test named after its rule number.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { sqlite, BIN, ROOT, makeDb, startServer } = require('../lib/server');
const { FAKE_SENDMAIL, readMails, linkFor, Browser } = require('../lib/fake-sendmail');

let tmp, server, mailDir, placeA, placeB;
const PW = { admin: 'la clef est sous le paillasson', a: 'gestion du lieu numéro un', b: 'gestion du lieu numéro deux' };
const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"';

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', tmp.db, '--sendmail', `${FAKE_SENDMAIL} ${mailDir}`], {
    cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, REPERE_ROOT: ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}
const sql = (q) => sqlite(tmp.db, q);

async function signedIn(email, password) {
  const b = new Browser(server.base);
  const res = await b.login(email, password);
  assert.equal(res.status, 303, `login of ${email}`);
  return b;
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  mailDir = path.join(tmp.dir, 'mail');
  server = await startServer({ db: tmp.db, args: ['--sendmail', `${FAKE_SENDMAIL} ${mailDir}`] });
  const ids = [...(await (await fetch(server.base + '/lieux')).text()).matchAll(/href="\/lieux\/(\d+)-/g)].map((m) => Number(m[1]));
  [placeA, placeB] = [...new Set(ids)];
  cli(['user', 'add', 'admin@example.fr', '--password-stdin', 'admin'], PW.admin + '\n');
  cli(['user', 'add', 'a@example.fr', '--password-stdin', `manager:${placeA}`], PW.a + '\n');
  cli(['user', 'add', 'b@example.fr', '--password-stdin', `manager:${placeB}`], PW.b + '\n');
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('rule 1: routes with an access level refuse anonymous and under-privileged requests before the handler', async () => {
  const anon = new Browser(server.base);
  const r = await anon.get('/admin');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/connexion?retour=%2Fadmin');
  assert.equal((await anon.post(`/admin/lieux/${placeA}/verifie`, {}, { csrf: 'x' })).status, 403);
  const a = await signedIn('a@example.fr', PW.a);
  for (const p of ['/admin/utilisateurs', '/admin/journal', '/admin/courriels', '/admin/lieux/nouveau'])
    assert.equal((await a.get(p)).status, 403, p);
});

test('rule 2: CSRF — a synchronizer token is required and checked together with the origin', async () => {
  const a = await signedIn('a@example.fr', PW.a);
  await a.get(`/admin/lieux/${placeA}`);
  const before = sql(`SELECT verified_at FROM place WHERE id = ${placeA}`);
  assert.equal((await a.post(`/admin/lieux/${placeA}/verifie`, {}, { csrf: null })).status, 403, 'no token');
  assert.equal((await a.post(`/admin/lieux/${placeA}/verifie`, {}, { csrf: a.lastCsrf.slice(0, -1) + 'x' })).status, 403, 'wrong token');
  const b = await signedIn('b@example.fr', PW.b);
  await b.get('/admin');
  assert.equal((await a.post(`/admin/lieux/${placeA}/verifie`, {}, { csrf: b.lastCsrf })).status, 403, 'token of another session');
  const cross = await a.post(`/admin/lieux/${placeA}/verifie`, {}, { headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
  assert.equal(cross.status, 403, 'right token, cross-site request');
  const foreign = await a.post(`/admin/lieux/${placeA}/verifie`, {}, { headers: { origin: 'https://evil.example' } });
  assert.equal(foreign.status, 403, 'right token, foreign Origin');
  assert.equal(sql(`SELECT verified_at FROM place WHERE id = ${placeA}`), before, 'nothing changed');
  assert.equal((await a.post(`/admin/lieux/${placeA}/verifie`, {}, { headers: { 'sec-fetch-site': 'same-origin' } })).status, 303);
  // Anonymous forms carry a signed token too.
  const anon = new Browser(server.base);
  assert.equal((await anon.post(`/lieux/${placeA}/signaler`, { message: 'x' }, { csrf: '9999999999.' + '0'.repeat(64) })).status, 403);
});

test('rule 3: a manager of place A gets 403 on every edit route of place B, and nothing changes', async () => {
  const a = await signedIn('a@example.fr', PW.a);
  await a.get(`/admin/lieux/${placeA}`);
  const snapshot = () => sql(`SELECT quote(name) || quote(hours) || quote(phone) || quote(verified_at) || quote(closed_at) || quote(description_md) || quote(services) FROM place WHERE id = ${placeB}`)
    + sql(`SELECT count(*) FROM place_history WHERE place_id = ${placeB}`) + sql('SELECT count(*) FROM place_closure') ;
  const before = snapshot();
  assert.equal((await a.get(`/admin/lieux/${placeB}`)).status, 403);
  assert.equal((await a.get(`/admin/lieux/${placeB}/historique`)).status, 403);
  const history = sql(`SELECT id FROM place_history WHERE place_id = ${placeB} LIMIT 1`) || '1';
  const attempts = {
    identite: { name: 'Pris', phone: '0479000000' },
    adresse: { address: '1 rue', postal_code: '73000', commune: 'Chambéry' },
    horaires: { h_Mo_1_from: '08:00', h_Mo_1_to: '09:00' },
    'horaires-avance': { hours: 'Mo 08:00-09:00' },
    services: { services: 'Aide aux démarches administratives' },
    acces: { fees_note: 'x' },
    labels: { other_labels: 'x' },
    presentation: { summary: 'x', description_md: 'x' },
    verifie: {},
    fermeture: { starts_on: '2030-01-01', ends_on: '2030-01-02', kind: 'ferme' },
    'fermeture-supprimer': { closure: '1' },
    restaurer: { entry: history },
    fermer: {},
    rouvrir: {},
  };
  for (const [action, fields] of Object.entries(attempts)) {
    const res = await a.post(`/admin/lieux/${placeB}/${action}`, fields);
    assert.equal(res.status, 403, action);
  }
  assert.equal(snapshot(), before);
});

test('rule 4: session fixation is impossible — a fresh token at every login; cookie attributes', async () => {
  const planted = 'A'.repeat(43);
  const b = new Browser(server.base);
  b.cookies.set('sid', planted);
  const res = await b.login('a@example.fr', PW.a);
  const cookie = res.headers.get('set-cookie');
  assert.match(cookie, /^sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
  assert.notEqual(b.cookies.get('sid'), planted);
  const attacker = new Browser(server.base);
  attacker.cookies.set('sid', planted);
  assert.equal((await attacker.get('/admin')).status, 303);
  // The database holds only hashes of tokens.
  assert.equal(sql(`SELECT count(*) FROM session WHERE token_hash = '${b.cookies.get('sid')}'`), '0');
  // Logging in again gives yet another token; the old one stops working.
  const old = b.cookies.get('sid');
  await b.get('/admin');
  assert.equal((await b.post('/connexion', { email: 'a@example.fr', password: PW.a })).status, 303);
  assert.notEqual(b.cookies.get('sid'), old);
  const stale = new Browser(server.base);
  stale.cookies.set('sid', old);
  assert.equal((await stale.get('/admin')).status, 303);
});

test('rule 4b: behind TLS the cookie is __Host-sid with Secure', async () => {
  const tls = await startServer({ db: tmp.db, args: ['--behind-tls'] });
  try {
    const b = new Browser(tls.base);
    const res = await b.login('a@example.fr', PW.a);
    assert.match(res.headers.get('set-cookie'), /^__Host-sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
  } finally { await tls.stop(); }
});

test('rule 5: invitation and reset links work once, and not after they expire', async () => {
  const admin = await signedIn('admin@example.fr', PW.admin);
  await admin.get('/admin');
  await admin.post('/admin/inviter', { email: 'new@example.fr', place: String(placeA) });
  const link = linkFor(mailDir, 'new@example.fr', '/compte/activer?t=');
  const t = link.searchParams.get('t');
  const p = new Browser(server.base);
  await p.get(link.pathname + link.search);
  assert.equal((await p.post('/compte/activer', { t, password: 'une phrase assez longue', password2: 'une phrase assez longue' })).status, 303);
  const again = new Browser(server.base);
  assert.equal((await again.get(link.pathname + link.search)).status, 410, 'used link');
  await again.get('/connexion');
  assert.equal((await again.post('/compte/activer', { t, password: 'une autre phrase longue', password2: 'une autre phrase longue' })).status, 410);
  // Expired.
  await admin.post('/admin/inviter', { email: 'late@example.fr', place: String(placeA) });
  const late = linkFor(mailDir, 'late@example.fr', '/compte/activer?t=');
  sql("UPDATE account_token SET expires_at = strftime('%s', 'now') - 1 WHERE used_at IS NULL");
  assert.equal((await new Browser(server.base).get(late.pathname + late.search)).status, 410, 'expired link');
  // Reset: same answer for unknown addresses; the link works once and ends other sessions.
  const anon = new Browser(server.base);
  await anon.get('/compte/oubli');
  const unknown = await anon.post('/compte/oubli', { email: 'nobody@example.fr' });
  await anon.get('/compte/oubli');
  const known = await anon.post('/compte/oubli', { email: 'b@example.fr' });
  assert.equal(unknown.status, 200);
  assert.equal(known.status, 200);
  assert.equal(unknown.text.match(/<main[\s\S]*<\/main>/)[0], known.text.match(/<main[\s\S]*<\/main>/)[0]);
  const b = await signedIn('b@example.fr', PW.b);
  const reset = linkFor(mailDir, 'b@example.fr', '/compte/activer?t=');
  const r = new Browser(server.base);
  await r.get(reset.pathname + reset.search);
  PW.b = 'nouvelle phrase pour le lieu deux';
  assert.equal((await r.post('/compte/activer', { t: reset.searchParams.get('t'), password: PW.b, password2: PW.b })).status, 303);
  assert.equal((await b.get('/admin')).status, 303, 'old sessions end on a password change');
  assert.equal((await new Browser(server.base).get(reset.pathname + reset.search)).status, 410);
  assert.equal(sql("SELECT count(*) FROM account_token WHERE token_hash LIKE '%" + reset.searchParams.get('t').slice(0, 10) + "%'"), '0');
});

test('rule 6: HTML and script in every field are stored verbatim and rendered escaped; Markdown javascript: links and raw HTML dropped', async () => {
  const a = await signedIn('a@example.fr', PW.a);
  await a.get(`/admin/lieux/${placeA}`);
  const text = { name: HOSTILE, fees_note: HOSTILE, accessibility_notes: HOSTILE, equipment: HOSTILE, summary: HOSTILE.slice(0, 200) };
  assert.equal((await a.post(`/admin/lieux/${placeA}/identite`, { name: text.name })).status, 303);
  assert.equal((await a.post(`/admin/lieux/${placeA}/acces`, { fees_note: text.fees_note, accessibility_notes: text.accessibility_notes })).status, 303);
  assert.equal((await a.post(`/admin/lieux/${placeA}/services`, { equipment: text.equipment, languages: HOSTILE.slice(0, 30) })).status, 303);
  const md = `${HOSTILE}\n\n[clic](javascript:alert(1)) [ok](https://example.org) <b onclick="x">gras</b>`;
  const preview = await a.post(`/admin/lieux/${placeA}/presentation`, { summary: text.summary, description_md: md, apercu: '1' });
  assert.equal(preview.status, 200);
  assert.match(preview.text, /<h3 id="h-preview">Aperçu<\/h3>/);
  assert.doesNotMatch(preview.text, /href="javascript:/);
  assert.equal((await a.post(`/admin/lieux/${placeA}/presentation`, { summary: text.summary, description_md: md })).status, 303);
  for (const [col, v] of Object.entries(text)) assert.equal(sql(`SELECT ${col} FROM place WHERE id = ${placeA}`), v, `${col} stored verbatim`);
  assert.equal(sql(`SELECT description_md FROM place WHERE id = ${placeA}`), md);
  const pages = [
    await (await fetch(`${server.base}/lieux/${placeA}`, { redirect: 'follow' })).text(),
    (await a.get(`/admin/lieux/${placeA}`)).text,
    (await a.get(`/admin/lieux/${placeA}/historique`)).text,
    (await a.get('/admin')).text,
  ];
  for (const html of pages) {
    assert.doesNotMatch(html, /<script>alert/);
    assert.doesNotMatch(html, /<img src=x/);
    assert.doesNotMatch(html, /href="javascript:/);
    assert.doesNotMatch(html, /<b onclick/);
  }
  assert.match(pages[0], /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
  assert.match(pages[0], /<a href="https:\/\/example.org"/);
});

test('rule 7: brute force is slowed — growing delays per account after 5 failures, generic messages', async () => {
  const b = new Browser(server.base);
  for (let i = 0; i < 5; i++) {
    const r = await b.login('admin@example.fr', `mauvais mot de passe ${i}`);
    assert.equal(r.status, 401);
    assert.match(r.text, /Adresse électronique ou mot de passe incorrect/);
  }
  const unknown = await b.login('inconnu@example.fr', 'mauvais mot de passe');
  assert.match(unknown.text, /Adresse électronique ou mot de passe incorrect/);
  await b.login('admin@example.fr', 'encore faux, la sixième');
  const right = await b.login('admin@example.fr', PW.admin);
  assert.equal(right.status, 429, 'even the right password waits');
  assert.match(right.text, /Trop de tentatives de connexion/);
  assert.ok(Number(right.headers.get('retry-after')) >= 1);
  sql("DELETE FROM login_throttle");
});

test('rule 8: logins, failures, role changes and administrators\' actions are logged, never a secret', async () => {
  const admin = await signedIn('admin@example.fr', PW.admin);
  const log = await admin.get('/admin/journal');
  for (const event of ['login', 'login_failed', 'role_granted', 'invitation_sent', 'place_edited', 'place_verified', 'password_reset'])
    assert.match(log.text, new RegExp(`<td>${event}</td>`), event);
  const everything = log.text + server.logText();
  for (const secret of Object.values(PW)) assert.ok(!everything.includes(secret), 'no password in the log');
  assert.doesNotMatch(server.logText(), /\/compte\/activer\?t=/, 'link tokens are not in the request log');
});

test('rule 9: error reports are limited — honeypot, size and rate', async () => {
  const r = new Browser(server.base);
  await r.get(`/lieux/${placeB}/signaler`);
  const count = () => Number(sql(`SELECT count(*) FROM place_report WHERE place_id = ${placeB}`));
  const before = count();
  const trap = await r.post(`/lieux/${placeB}/signaler`, { message: 'spam', site: 'http://spam.example' });
  assert.equal(trap.status, 200);
  assert.equal(count(), before, 'the honeypot stores nothing');
  await r.get(`/lieux/${placeB}/signaler`);
  assert.equal((await r.post(`/lieux/${placeB}/signaler`, { message: 'x'.repeat(2001) })).status, 400);
  let last;
  for (let i = 0; i < 6; i++) {
    await r.get(`/lieux/${placeB}/signaler`);
    last = await r.post(`/lieux/${placeB}/signaler`, { message: `erreur ${i}` });
  }
  assert.equal(last.status, 429);
  assert.equal(count(), before + 5);
});

// GET with a forged Host header (fetch does not let one set it).
function getWithHost(p, host) {
  const http = require('node:http');
  const u = new URL(server.base + p);
  return new Promise((resolve, reject) => {
    const rq = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: body }));
    });
    rq.on('error', reject);
    rq.end();
  });
}

test('a forged Host header is never reflected in absolute URLs (canonical, JSON-LD, feeds, sitemap, share links)', async () => {
  const place = (await (await fetch(server.base + '/lieux')).text()).match(/href="(\/lieux\/\d+-[^"]+)"/)[1];
  const paths = [place, '/', '/lieux?ou=Grenoble', '/ateliers.atom', '/sitemap.xml', `/selection?s=1-p${placeA.toString(36)}`];
  for (const p of paths) {
    const res = await getWithHost(p, 'evil.example');
    assert.ok(res.status < 500, `${p}: ${res.status}`);
    assert.doesNotMatch(res.text, /evil\.example/, `${p} reflects the forged Host`);
    assert.doesNotMatch(JSON.stringify(res.headers), /evil\.example/, `${p}: headers`);
  }
  const page = await getWithHost(place, 'evil.example');
  assert.match(page.text, new RegExp(`${server.base.replace(/[.:/]/g, '\\$&')}${place.replace(/[.]/g, '\\.')}`),
    'the canonical link uses the address the daemon listens on');
});

test('serve beyond the loopback without REPERE_ORIGIN refuses to start, with a clear message', () => {
  const { spawnSync } = require('node:child_process');
  const env = { ...process.env, REPERE_ROOT: ROOT };
  delete env.REPERE_ORIGIN;
  const r = spawnSync(BIN, ['serve', '--db', tmp.db, '--listen', '0.0.0.0', '--port', '1'], { cwd: ROOT, encoding: 'utf8', env, timeout: 10000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /needs the public origin of the site: set REPERE_ORIGIN/);
});

test('after signing in, "retour" only leads to a path of this site, in every form browsers normalise', async () => {
  for (const evil of ['/\t/evil.example', '/\n/evil.example', '//evil.example', '/\\evil.example', 'https://evil.example/', '/ /evil.example']) {
    const form = await (await fetch(`${server.base}/connexion?retour=${encodeURIComponent(evil)}`)).text();
    assert.match(form, /name="retour" value="\/admin"/, `the form keeps ${JSON.stringify(evil)} out`);
    const b = new Browser(server.base);
    await b.get('/connexion');
    const res = await b.post('/connexion', { email: 'a@example.fr', password: PW.a, retour: evil });
    assert.equal(res.status, 303);
    assert.equal(res.location, '/admin', `login with ${JSON.stringify(evil)}`);
  }
  const b = new Browser(server.base);
  await b.get('/connexion');
  const ok = await b.post('/connexion', { email: 'a@example.fr', password: PW.a, retour: `/admin/lieux/${placeA}` });
  assert.equal(ok.location, `/admin/lieux/${placeA}`);
});

test('what an account sees is sent no-store (admin pages, the outbox); public pages stay cacheable', async () => {
  const admin = new Browser(server.base);
  assert.equal((await admin.login('admin@example.fr', PW.admin)).status, 303);
  for (const p of ['/admin', '/admin/courriels', `/admin/lieux/${placeA}`, '/compte']) {
    const res = await admin.get(p);
    assert.equal(res.headers.get('cache-control'), 'no-store', p);
  }
  const anon = await fetch(server.base + '/lieux');
  assert.notEqual(anon.headers.get('cache-control'), 'no-store');
  const css = await admin.get('/static/repere.css');
  assert.notEqual(css.headers.get('cache-control'), 'no-store', 'static files keep their own policy');
});

test('visitors cannot write lines or escape sequences into the request log', async () => {
  await fetch(server.base + '/lieux/x%0d%0a1.2.3.0 - - [forged] "GET /admin HTTP/1.1" 200 0%1b[31m');
  await new Promise((r) => setTimeout(r, 100));
  const log = server.logText();
  assert.ok(!/^1\.2\.3\.0 - - \[forged\]/m.test(log), 'no forged line');
  assert.ok(!log.includes('\x1b'), 'no raw escape character');
  assert.match(log, /\/lieux\/x\\x0d\\x0a1\.2\.3\.0/);
});

test('an admin\'s terminal gets no escape sequence from the data: `repere import` reports and `repere user list`', () => {
  // A producer's record with escape sequences in its id and a rejected value.
  const file = path.join(tmp.dir, 'terminal.csv');
  fs.writeFileSync(file, 'id,pivot,nom,commune,code_postal,adresse,date_maj,source\n'
    + 'esc-1\x1b[2J,00000000000000,Espace,Chambéry,7\x1b[31m3000\x07,5 rue des Essais,2026-01-01,producteur\n');
  const run = require('node:child_process').spawnSync(BIN, ['import', file, '--db', tmp.db, '--dry-run'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: ROOT },
  });
  const report = run.stdout + run.stderr;
  assert.match(report, /rejected 1/);
  assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(report), `no control character: ${JSON.stringify(report)}`);
  assert.match(report, /\(id esc-1\\x1b\[2J\)/);
  assert.match(report, /\[7\\x1b\[31m3000\\x07\]/);
  // A name given in a claim or an invitation, listed on the terminal.
  sql("UPDATE account SET name = 'Camille' || char(27) || '[31m' || char(13) || char(10) || 'forged admin' WHERE email = 'b@example.fr'");
  const list = cli(['user', 'list']);
  assert.ok(!/[\x00-\x09\x0b-\x1f\x7f]/.test(list), `no control character but line ends: ${JSON.stringify(list)}`);
  assert.ok(!/^forged admin/m.test(list), 'no forged line');
  assert.match(list, /Camille\\x1b\[31m\\x0d\\x0aforged admin/);
  sql("UPDATE account SET name = NULL WHERE email = 'b@example.fr'");
});

test('behind the proxy (REPERE_TRUST_PROXY=1) the report and claim limits count visitors too; without it the header is ignored', async () => {
  const send = async (base, kind, ip, i) => {
    const b = new Browser(base);
    const headers = ip ? { 'X-Forwarded-For': `203.0.113.9, ${ip}` } : {};
    await b.get(`/lieux/${placeA}/${kind}`, headers);
    const form = kind === 'signaler' ? { message: `erreur ${i}` }
      : { name: `Personne ${i}`, role: 'Médiatrice', email: `personne${i}@example.fr`, message: 'Je tiens la permanence.' };
    return (await b.post(`/lieux/${placeA}/${kind}`, form, { headers })).status;
  };
  const proxied = await startServer({ db: tmp.db, env: { REPERE_TRUST_PROXY: '1' } });
  try {
    for (const [kind, allowed] of [['signaler', 5], ['gerer', 3]]) {
      const statuses = [];
      for (let i = 0; i <= allowed; i++) statuses.push(await send(proxied.base, kind, '198.51.100.20', i));
      assert.deepEqual(statuses, [...Array(allowed).fill(200), 429], `${kind}: one visitor is limited`);
      assert.equal(await send(proxied.base, kind, '192.0.2.20', 9), 200, `${kind}: another visitor behind the same proxy is not`);
    }
  } finally {
    await proxied.stop();
  }
  // Facing clients directly, a forged header does not make one client many.
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push(await send(server.base, 'gerer', `192.0.2.${100 + i}`, 20 + i));
  assert.deepEqual(statuses, [200, 200, 200, 429]);
});

test('behind the proxy (REPERE_TRUST_PROXY=1) the login limiter counts visitors, not the proxy: one person\'s failures do not lock out another', async () => {
  sql('DELETE FROM login_throttle');
  const proxied = await startServer({ db: tmp.db, env: { REPERE_TRUST_PROXY: '1' } });
  try {
    const as = (ip) => ({ 'X-Forwarded-For': `203.0.113.9, ${ip}` });
    const attacker = new Browser(proxied.base);
    for (let i = 0; i < 24; i++) {
      await attacker.get('/connexion', as('198.51.100.7'));
      await attacker.post('/connexion', { email: `personne${i}@example.fr`, password: 'mauvais mot de passe', retour: '/admin' }, { headers: as('198.51.100.7') });
    }
    const blocked = new Browser(proxied.base);
    await blocked.get('/connexion', as('198.51.100.7'));
    const again = await blocked.post('/connexion', { email: 'b@example.fr', password: PW.b, retour: '/admin' }, { headers: as('198.51.100.7') });
    assert.equal(again.status, 429, 'the address that failed 24 times waits');
    const other = new Browser(proxied.base);
    await other.get('/connexion', as('192.0.2.44'));
    const ok = await other.post('/connexion', { email: 'a@example.fr', password: PW.a, retour: '/admin' }, { headers: as('192.0.2.44') });
    assert.equal(ok.status, 303, 'another visitor behind the same proxy signs in');
  } finally {
    await proxied.stop();
    sql('DELETE FROM login_throttle');
  }
});
