// End-to-end: the shared page cache (src/http/page_cache.c) and the
// catalogue's version (migrations/0020-catalogue-version.sql).
//  - a public page asked twice in the same minute is answered from the
//    cache the second time, with the same bytes, in both representations;
//  - requests that carry a cookie never read nor fill it;
//  - an edit in the admin area shows on the very next request of the place
//    page, the results and the home page;
//  - an anonymous write (a password-reset request) leaves the catalogue's
//    version, hence the cache and the search index, alone;
//  - every table of the schema is either a catalogue table (with the three
//    triggers that bump the version) or named here as one that public pages
//    never read.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer, addUser } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

let tmp, server;
const ADMIN = 'admin@example.fr', ADMIN_PW = 'un cheval correct et une agrafe';

// Tables public pages never read: writing them must not change the version.
const PRIVATE = new Set([
  'account', 'account_role', 'session', 'account_token', 'login_throttle', 'audit_log',
  'history_actor', 'place_history', 'place_report', 'place_claim', 'place_reminder', 'place_reminder_optout',
  'app_secret', 'import_upload', 'catalogue_version', 'schema_migration', 'fts_control', 'fts_pending', 'derive_state', 'field_origin', 'field_proposal', 'intervenant_contact', 'intervenant_history',
  'intervenant_place_request', 'intervenant_deleted',
]);

const sql = (q) => execFileSync('sqlite3', ['-readonly', tmp.db, q], { encoding: 'utf8' }).trim();

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
  addUser(tmp.db, ADMIN, ADMIN_PW, 'admin');
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

async function get(path, headers = {}) {
  const res = await fetch(server.base + path, { headers });
  return { status: res.status, cache: res.headers.get('x-repere-cache'), etag: res.headers.get('etag'),
    encoding: res.headers.get('content-encoding'), body: await res.text() };
}

// Same minute for the two requests (the cache is per minute): wait past a
// minute boundary when one is near.
async function sameMinute() {
  const s = new Date().getSeconds();
  if (s > 55) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
}

test('a public page is answered from the cache the second time, with the same bytes', async () => {
  for (const path of ['/lieux?ou=Chamb%C3%A9ry', '/', '/ateliers', '/api/v1/lieux?departement=73']) {
    await sameMinute();
    const first = await get(path);
    assert.equal(first.status, 200, path);
    const second = await get(path);
    assert.equal(second.cache, 'hit', `${path}: ${second.cache}`);
    assert.equal(second.body, first.body, path);
    assert.equal(second.etag, first.etag, path);
    // The gzip representation of the same entry inflates to the same bytes
    // (fetch inflates it).
    const gz = await get(path, { 'Accept-Encoding': 'gzip' });
    assert.equal(gz.cache, 'hit', `${path} (gzip)`);
    if (Buffer.byteLength(first.body) >= 1024) assert.equal(gz.encoding, 'gzip', `${path} (gzip)`);
    assert.equal(gz.body, first.body, `${path} (gzip)`);
  }
});

test('a request with a cookie neither reads nor fills the cache', async () => {
  await sameMinute();
  const path = '/lieux?ou=Annecy';
  const withCookie = await get(path, { Cookie: 'repere_selection=1' });
  assert.equal(withCookie.status, 200);
  assert.notEqual(withCookie.cache, 'hit');
  assert.notEqual((await get(path, { Cookie: 'repere_selection=1' })).cache, 'hit');
  const anon = await get(path);
  assert.equal(anon.cache, 'miss', 'the cookie requests did not fill it');
  assert.equal((await get(path)).cache, 'hit');
});

// Every day from `from` to `to` for place `id`, through the admin area.
async function editHours(id, from, to) {
  const admin = new Browser(server.base);
  assert.equal((await admin.login(ADMIN, ADMIN_PW)).status, 303);
  await admin.get(`/admin/lieux/${id}`);
  const grid = {};
  for (const d of ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']) {
    grid[`h_${d}_1_from`] = from;
    grid[`h_${d}_1_to`] = to;
  }
  assert.equal((await admin.post(`/admin/lieux/${id}/horaires`, grid)).status, 303);
}

test('an edit in the admin area shows on the very next request', async () => {
  await sameMinute();
  const results = await get('/lieux');
  const [, id, slug] = results.body.match(/href="\/lieux\/(\d+)-([a-z0-9-]+)"/);
  const placePath = `/lieux/${id}-${slug}`;
  await get(placePath);
  assert.equal((await get(placePath)).cache, 'hit');
  const version = Number(sql('SELECT version FROM catalogue_version'));

  await editHours(id, '06:10', '06:50');
  assert.ok(Number(sql('SELECT version FROM catalogue_version')) > version, 'the edit bumps the version');

  const place = await get(placePath);
  assert.notEqual(place.cache, 'hit');
  assert.match(place.body, /6\sh\s10/);
  const again = await get('/lieux');
  assert.notEqual(again.cache, 'hit');
  assert.match(again.body, /6\sh\s10/);
});

// A client that takes no gzip gets the cached page inflated; the page it
// asks again and again is kept inflated by the worker (src/http/request.c,
// identity_of), and must change with the catalogue all the same.
test('a page asked again and again without gzip shows an edit on the very next request', async () => {
  await sameMinute();
  const results = await get('/lieux');
  const [, id, slug] = results.body.match(/href="\/lieux\/(\d+)-([a-z0-9-]+)"/);
  const placePath = `/lieux/${id}-${slug}`;
  const identity = { 'Accept-Encoding': 'identity' };
  const first = await get(placePath, identity);
  for (let i = 0; i < 4; i++) {
    const again = await get(placePath, identity);
    assert.equal(again.encoding, null);
    assert.equal(again.body, first.body, 'the same bytes, inflated or kept');
  }
  assert.equal((await get(placePath, identity)).cache, 'hit');
  await editHours(id, '07:20', '07:40');
  const after = await get(placePath, identity);
  assert.notEqual(after.cache, 'hit');
  assert.match(after.body, /7\sh\s20/);
  for (let i = 0; i < 4; i++) assert.equal((await get(placePath, identity)).body, after.body);
});

test('an anonymous write (password reset request) leaves the version and the cache alone', async () => {
  await sameMinute();
  const path = '/lieux?ou=Chamb%C3%A9ry';
  await get(path);
  assert.equal((await get(path)).cache, 'hit');
  const version = sql('SELECT version FROM catalogue_version');
  const anon = new Browser(server.base);
  await anon.get('/compte/oubli');
  const res = await anon.post('/compte/oubli', { email: 'personne@example.fr' });
  assert.ok(res.status < 400, `forgot: ${res.status}`);
  assert.equal(sql('SELECT version FROM catalogue_version'), version);
  assert.equal((await get(path)).cache, 'hit', 'still served from the cache');
});

test('every table is a catalogue table (three triggers) or one public pages never read', () => {
  const tables = sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .split('\n').filter((t) => t && !/^place_fts(_|$)/.test(t));
  const triggers = new Set(sql("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'catalogue_%'")
    .split('\n'));
  const unclassified = [];
  for (const t of tables) {
    if (PRIVATE.has(t)) {
      assert.ok(!triggers.has(`catalogue_${t}_ai`), `${t} is private but bumps the version`);
      continue;
    }
    const missing = ['ai', 'au', 'ad'].filter((k) => !triggers.has(`catalogue_${t}_${k}`));
    if (missing.length) unclassified.push(`${t} (${missing.join(', ')})`);
  }
  assert.deepEqual(unclassified, [], 'tables neither private nor bumping the catalogue version');
});
