// End-to-end: possible duplicates (issue 20), on the real shared AURA file
// where « L' Arche » at Seyssinet-Pariset is published twice (Hinaura 999
// and 1011, same name, same position). The import keeps the pair for the
// coordinators' queue; until a decision the results show one entry that
// links both; the Isère's coordinator sees the pair at /admin/doublons and
// the Drôme's does not and cannot decide it; "not a duplicate" shows both
// places again; a merge keeps one, closes the other (in its history) and
// sends its address to the one kept. Migration 0032 finds the pairs of a
// database imported before it.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { sqlite, BIN, ROOT, DATA_ROOT, AURA, makeDb, startServer } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

let tmp, server, coordinator, outsider, first, second;
const PW = { c: 'coordination de l isere', o: 'coordination de la drome' };
const SEARCH = '/lieux?q=' + encodeURIComponent('Arche') + '&ou=38170';
const sql = (q) => sqlite(tmp.db, q);

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, REPERE_ROOT: DATA_ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}

async function signedIn(email, password) {
  const b = new Browser(server.base);
  const res = await b.login(email, password);
  assert.equal(res.status, 303, `login of ${email}`);
  return b;
}

async function get(p) {
  const res = await fetch(server.base + p, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// The result cards of the « L' Arche » places on a results page.
function archeCards(html) {
  return [...html.matchAll(/<li class="card">([\s\S]*?)<\/li>/g)].map((m) => m[1]).filter((c) => /<h3><a href="[^"]+">L&#39; Arche<\/a><\/h3>/.test(c));
}

test.before(async () => {
  tmp = makeDb({ importFiles: [AURA] });
  first = Number(sql("SELECT id FROM place WHERE source_id = '999'"));
  second = Number(sql("SELECT id FROM place WHERE source_id = '1011'"));
  cli(['user', 'add', 'c@example.fr', '--password-stdin', 'coordinator:departement:38'], PW.c + '\n');
  cli(['user', 'add', 'o@example.fr', '--password-stdin', 'coordinator:departement:26'], PW.o + '\n');
  server = await startServer({ db: tmp.db });
  coordinator = await signedIn('c@example.fr', PW.c);
  outsider = await signedIn('o@example.fr', PW.o);
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('the import keeps the pair for the queue', () => {
  assert.ok(first && second);
  assert.equal(sql(`SELECT count(*) FROM place_duplicate WHERE place_a = ${Math.min(first, second)} AND place_b = ${Math.max(first, second)} AND decision IS NULL`), '1');
});

test('until a decision, the results show one entry linking both places', async () => {
  const page = await get(SEARCH);
  assert.equal(page.status, 200);
  const cards = archeCards(page.text);
  assert.equal(cards.length, 1, 'one entry for the two « L\' Arche »');
  assert.match(cards[0], /<p class="also">Ce lieu figure deux fois dans l'annuaire : voir aussi <a href="\/lieux\/\d+-[^"]+">l'autre fiche de « L&#39; Arche »<\/a>\.<\/p>/);
  const linked = [...cards[0].matchAll(/href="\/lieux\/(\d+)-/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
  assert.deepEqual(linked, [first, second].sort((a, b) => a - b));
});

test('the queue follows the territory rule', async () => {
  const queue = await coordinator.get('/admin/doublons');
  assert.equal(queue.status, 200);
  assert.match(queue.text, /<h1>Doublons possibles<\/h1>/);
  assert.match(queue.text, /« L&#39; Arche » et « L&#39; Arche »/);
  const other = await outsider.get('/admin/doublons');
  assert.equal(other.status, 200);
  assert.doesNotMatch(other.text, /L&#39; Arche/);
  const pair = sql(`SELECT id FROM place_duplicate WHERE place_a = ${Math.min(first, second)} AND place_b = ${Math.max(first, second)}`);
  const refused = await outsider.post(`/admin/doublons/${pair}`, { garder: String(first) });
  assert.equal(refused.status, 403);
  assert.equal(sql(`SELECT count(*) FROM place WHERE id IN (${first}, ${second}) AND closed_at IS NULL`), '2');
  // Anonymous: not even the queue.
  assert.notEqual((await get('/admin/doublons')).status, 200);
  // A form without its CSRF token is refused.
  assert.equal((await coordinator.post(`/admin/doublons/${pair}`, { garder: '0' }, { csrf: null })).status, 403);
  // A choice outside the pair is refused; an unreadable one is a French error naming the field.
  assert.equal((await coordinator.post(`/admin/doublons/${pair}`, { garder: '1' })).status, 403);
  const bad = await coordinator.post(`/admin/doublons/${pair}`, { garder: 'lequel' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /champ « garder »/);
});

test('"not a duplicate": both places show again; the decision is recorded', async () => {
  const pair = sql(`SELECT id FROM place_duplicate WHERE place_a = ${Math.min(first, second)}`);
  await coordinator.get('/admin/doublons');
  const res = await coordinator.post(`/admin/doublons/${pair}`, { garder: '0' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/admin/doublons?ok=distincts');
  assert.equal(sql(`SELECT decision FROM place_duplicate WHERE id = ${pair}`), 'distinct');
  assert.equal(archeCards((await get(SEARCH)).text).length, 2);
  assert.doesNotMatch((await coordinator.get('/admin/doublons')).text, /« L&#39; Arche » et/);
  assert.match(sql("SELECT event FROM audit_log ORDER BY id DESC LIMIT 1"), /duplicate_distinct/);
});

test('a merge keeps one, closes the other in its history, and its address leads to the one kept', async () => {
  const pair = sql(`SELECT id FROM place_duplicate WHERE place_a = ${Math.min(first, second)}`);
  sql(`UPDATE place_duplicate SET decision = NULL, decided_by = NULL, decided_at = NULL WHERE id = ${pair}`);
  await coordinator.get('/admin/doublons');
  const res = await coordinator.post(`/admin/doublons/${pair}`, { garder: String(first) });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/admin/doublons?ok=fusion');
  assert.equal(sql(`SELECT closed_at IS NOT NULL FROM place WHERE id = ${second}`), '1');
  assert.equal(sql(`SELECT closed_at IS NULL FROM place WHERE id = ${first}`), '1');
  assert.equal(sql(`SELECT source FROM place_history WHERE place_id = ${second} AND field = 'closed_at' ORDER BY id DESC LIMIT 1`), 'duplicate');
  const history = await coordinator.get(`/admin/lieux/${second}/historique`);
  assert.match(history.text, /fusion de doublons/);
  const old = await get(`/lieux/${second}`);
  assert.equal(old.status, 301);
  assert.equal(old.headers.get('location'), `/lieux/${first}`);
  const cards = archeCards((await get(SEARCH)).text);
  assert.equal(cards.length, 1);
  assert.doesNotMatch(cards[0], /class="also"/);
  // Decided once: a second decision is refused.
  assert.equal((await coordinator.post(`/admin/doublons/${pair}`, { garder: '0' })).status, 403);
});

test('migration 0032 finds the pairs of a database imported before it', () => {
  sql('DELETE FROM place_duplicate');
  sql(`UPDATE place SET closed_at = NULL WHERE id = ${second}`);
  sql('DELETE FROM schema_migration WHERE version = 32');
  sql('DROP TABLE place_duplicate');
  cli(['migrate']);
  assert.equal(sql(`SELECT count(*) FROM place_duplicate WHERE place_a = ${Math.min(first, second)} AND place_b = ${Math.max(first, second)}`), '1');
});
