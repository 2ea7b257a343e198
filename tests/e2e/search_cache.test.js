// End-to-end: the result items of /lieux are cached per data version and
// minute (search_list_item); a place edited through the admin area must
// appear changed in the very next search, not a minute later.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { makeDb, startServer, repere, addUser } = require('../lib/server');
const path = require('node:path');
const { Browser } = require('../lib/fake-sendmail');

let tmp, server;
const ADMIN = 'admin@example.fr', ADMIN_PW = 'un cheval correct et une agrafe';

// The card of place `id` in a results page.
function card(html, id) {
  const cards = html.split('<li class="card">').slice(1).map((c) => c.split('</li>')[0]);
  return cards.find((c) => c.includes(`href="/lieux/${id}-`) || c.includes(`href="/lieux/${id}"`));
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
  addUser(tmp.db, ADMIN, ADMIN_PW, 'admin');
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('a place edited in the admin area is changed in the very next search', async () => {
  const search = async () => (await fetch(server.base + '/lieux')).text();
  const first = await search();
  const id = Number(first.match(/href="\/lieux\/(\d+)-/)[1]);
  const before = card(first, id);
  assert.ok(before, 'the place is in the results');
  assert.equal(card(await search(), id), before, 'the same item twice (now from the cache)');

  const admin = new Browser(server.base);
  assert.equal((await admin.login(ADMIN, ADMIN_PW)).status, 303);
  await admin.get(`/admin/lieux/${id}`);
  // Open every day at the same hours, so today's line says them whatever the day.
  const grid = {};
  for (const d of ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']) {
    grid[`h_${d}_1_from`] = '06:10';
    grid[`h_${d}_1_to`] = '06:40';
  }
  const res = await admin.post(`/admin/lieux/${id}/horaires`, grid);
  assert.equal(res.status, 303);

  const after = card(await search(), id);
  assert.ok(after, 'the place is still in the results');
  assert.notEqual(after, before);
  assert.match(after, /6\u00a0h\u00a010/);
  assert.match(after, /6\u00a0h\u00a040/);
});

test("the home page's list of départements follows an admin edit on the very next request", async () => {
  const home = async () => (await fetch(server.base + '/')).text();
  const total = (html) => Number(html.match(/(\d+) lieux dans l/)[1]);
  const list = (html) => html.split('id="par-departement"')[1];
  const first = await home();
  assert.equal(await home(), first, 'the same page twice (now from the cache)');
  const id = Number((await (await fetch(server.base + '/lieux')).text()).match(/href="\/lieux\/(\d+)-/)[1]);
  const admin = new Browser(server.base);
  assert.equal((await admin.login(ADMIN, ADMIN_PW)).status, 303);
  await admin.get(`/admin/lieux/${id}`);
  assert.equal((await admin.post(`/admin/lieux/${id}/fermer`)).status, 303);
  const after = await home();
  assert.equal(total(after), total(first) - 1);
  assert.notEqual(list(after), list(first), 'one département counts one place less');
});

// The full-text candidates of a query are kept per catalogue version
// (search.c fts_candidates): a place written by another process (an import
// while serving) is found by its words in the very next search, and a word
// nobody had is found once someone has it.
test('words of a place imported while serving are found in the very next search', async () => {
  const search = async (q) => (await fetch(`${server.base}/lieux?q=${encodeURIComponent(q)}&ou=Chamb%C3%A9ry%20(73)`)).text();
  assert.doesNotMatch(await search('zorglub'), /Espace Zorglub/);
  assert.doesNotMatch(await search('zorglub'), /Espace Zorglub/, 'twice: now from the caches');
  const file = path.join(tmp.dir, 'zorglub.json');
  fs.writeFileSync(file, JSON.stringify([{
    id: 'zorglub-1', pivot: '00000000000000', nom: 'Espace Zorglub', commune: 'Chambéry', code_postal: '73000',
    code_insee: '73065', adresse: '3 rue de Boigne', latitude: 45.566, longitude: 5.92, date_maj: '2026-11-01',
    source: 'Essai', services: ['Accès internet et matériel informatique'],
  }]));
  repere(tmp.db, ['import', file]);
  assert.match(await search('zorglub'), /Espace Zorglub/);
});

// The hours facts of the places ("open now", "open on Saturday") are kept
// from one version of the catalogue to the next for the places whose hours
// did not change (search.c carry_facts): the place whose hours did change
// must count with its new hours in the very next search's filters.
test("a place's new hours count in the very next search's « Ouvert maintenant »", async () => {
  const page = async () => (await fetch(server.base + '/lieux')).text();
  // The filter's count; a filter no place would match is not offered (0).
  const openNow = (html) => {
    const m = html.match(/horaires=maintenant" class="filter">[^<]*<span class="count">\((\d+)\)/);
    return m ? Number(m[1]) : 0;
  };
  const id = Number((await page()).match(/href="\/lieux\/(\d+)-/)[1]);
  const admin = new Browser(server.base);
  assert.equal((await admin.login(ADMIN, ADMIN_PW)).status, 303);
  await admin.get(`/admin/lieux/${id}`);
  const everyDay = async (from, to) => {
    const grid = {};
    for (const d of ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']) {
      grid[`h_${d}_1_from`] = from;
      grid[`h_${d}_1_to`] = to;
    }
    assert.equal((await admin.post(`/admin/lieux/${id}/horaires`, grid)).status, 303);
  };
  // Closed now (open one minute a day, just after midnight), counted once.
  await everyDay('00:00', '00:01');
  const closed = await page();
  assert.doesNotMatch(card(closed, id), /<p class="status status-open">/);
  assert.equal(openNow(await page()), openNow(closed), 'the same count twice (from the caches)');
  // Then open all day: the next search counts it.
  await everyDay('00:00', '24:00');
  const open = await page();
  assert.match(card(open, id), /<p class="status status-open">/);
  assert.equal(openNow(open), openNow(closed) + 1);
});
