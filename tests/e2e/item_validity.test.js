// End-to-end: a result card is kept (search.c's item cache) until the place
// next opens or closes, or midnight — never past the moment it stops being
// true (issue 13: "nothing becomes wrong to become fast"). The daemon runs
// on a fast clock (libfaketime, 30 s a second) just before a closing time
// and just before midnight; the card shown before the change is asked for
// again after it, from the same daemon, and must have changed.
// A results page is kept the same way (http/page_cache.c, pages/places.c):
// past the minute while nothing on it changes, never past the moment a
// place it counts opens or closes, even one that is not on the page.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeDb, startServer, repere } = require('../lib/server');

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
const NB = '\u00a0';
let tmp;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The status line of the one card of the results page.
async function cardStatus(server) {
  const res = await fetch(server.base + '/lieux?ou=Grenoble&rayon=1');
  const html = await res.text();
  const m = html.match(/Espace Mardi[\s\S]*?<p class="status[^"]*">([^<·]*·[^<·]*?)(?: · aujourd'hui[^<]*)?<\/p>/);
  assert.ok(m, 'the card and its status');
  return { status: m[1], date: Date.parse(res.headers.get('date')) };
}

// Ask until the daemon's clock (its Date header) has passed `utc`.
async function waitUntil(server, utc) {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(server.base + '/robots.txt');
    await res.arrayBuffer();
    if (Date.parse(res.headers.get('date')) > Date.parse(utc)) return;
    await sleep(100);
  }
  assert.fail(`the daemon's clock never reached ${utc}`);
}

async function withClock(start, fn) {
  const server = await startServer({
    db: tmp.db,
    env: { LD_PRELOAD: FAKETIME_LIB, FAKETIME: `@${start} x30`, TZ: 'UTC' },
  });
  try {
    await fn(server);
  } finally {
    await server.stop();
  }
}

// Tuesday 1 December 2026, 10:30 in Paris (09:30 UTC): both places open
// until 12 h, no workshop: nothing on the page at `path` changes before
// then, and it is answered from the cache two minute boundaries later.
async function keptPastTheMinute(path) {
  let body;
  await withClock('2026-12-01 09:30:00', async (server) => {
    const first = await fetch(server.base + path);
    body = await first.text();
    assert.equal(first.headers.get('x-repere-cache'), 'miss');
    await waitUntil(server, '2026-12-01T09:32:01Z');
    const again = await fetch(server.base + path);
    assert.equal(again.headers.get('x-repere-cache'), 'hit', 'not rebuilt at each minute');
    assert.equal(await again.text(), body);
  });
  return body;
}

// Tuesday 1 December 2026, 9:52 in Paris (08:52 UTC): Espace Mardi opened
// at 9 h, Atelier Dix Heures opens at 10 h. The page at `path` asked before
// 10 h, then again once the daemon's clock is past it: both bodies and the
// second answer's cache header.
async function acrossTenOClock(path) {
  let result;
  await withClock('2026-12-01 08:52:00', async (server) => {
    const first = await fetch(server.base + path);
    const before = await first.text();
    assert.ok(Date.parse(first.headers.get('date')) < Date.parse('2026-12-01T09:00:00Z'), 'asked before 10 h');
    await waitUntil(server, '2026-12-01T09:00:01Z');
    const res = await fetch(server.base + path);
    result = { before, after: await res.text(), cache: res.headers.get('x-repere-cache') };
  });
  return result;
}

test.before(() => {
  tmp = makeDb();
  const f = path.join(tmp.dir, 'validity.json');
  fs.writeFileSync(f, JSON.stringify([{
    id: 'v1', pivot: '00000000000000', nom: 'Espace Mardi', commune: 'Grenoble', code_postal: '38000',
    code_insee: '38185', latitude: 45.1885, longitude: 5.7245, adresse: '1 place de Verdun',
    date_maj: '2026-11-20', horaires: 'Tu 09:00-17:00; We 09:00-12:00', source: 'tests-validity',
  }, {
    id: 'v2', pivot: '00000000000000', nom: 'Atelier Dix Heures', commune: 'Grenoble', code_postal: '38000',
    code_insee: '38185', latitude: 45.1887, longitude: 5.7247, adresse: '3 place de Verdun',
    date_maj: '2026-11-20', horaires: 'Tu 10:00-12:00', source: 'tests-validity',
  }]));
  repere(tmp.db, ['import', f]);
});

test.after(() => fs.rmSync(tmp.dir, { recursive: true, force: true }));

test('a card cached while open says "Fermé" right after closing time', async () => {
  // Tuesday 1 December 2026, 16:52 in Paris (15:52 UTC): 8 minutes of the
  // fast clock (16 s) leave room for a slow start on a loaded machine.
  await withClock('2026-12-01 15:52:00', async (server) => {
    const before = await cardStatus(server);
    assert.ok(before.date < Date.parse('2026-12-01T16:00:00Z'), 'asked before 17 h');
    assert.equal(before.status, `Ouvert · ferme à 17${NB}h`);
    await waitUntil(server, '2026-12-01T16:00:01Z');
    const after = await cardStatus(server);
    assert.equal(after.status, `Fermé · ouvre demain à 9${NB}h`);
  });
});

test('a card cached in the evening no longer says "demain" after midnight', async () => {
  // Tuesday 1 December 2026, 23:52 in Paris (22:52 UTC).
  await withClock('2026-12-01 22:52:00', async (server) => {
    const before = await cardStatus(server);
    assert.ok(before.date < Date.parse('2026-12-01T23:00:00Z'), 'asked before midnight');
    assert.equal(before.status, `Fermé · ouvre demain à 9${NB}h`);
    await waitUntil(server, '2026-12-01T23:00:01Z');
    const after = await cardStatus(server);
    assert.doesNotMatch(after.status, /demain/);
    assert.match(after.status, new RegExp(`^Fermé · ouvre (aujourd'hui )?à 9${NB}h$`));
  });
});

test('a results page outlives the minute while nothing on it changes', async () => {
  await keptPastTheMinute('/lieux?ou=Grenoble&rayon=1');
});

test('a results page is rebuilt when a place it counts opens, even one not shown', async () => {
  // Atelier Dix Heures is filtered out by « Ouvert maintenant » until 10 h,
  // so only the hours facts (not a card) can say when the page stops being true.
  const { before, after, cache } = await acrossTenOClock('/lieux?ou=Grenoble&rayon=1&horaires=maintenant');
  assert.match(before, /Espace Mardi/);
  assert.doesNotMatch(before, /Atelier Dix Heures/);
  assert.equal(cache, 'miss');
  assert.match(after, /Atelier Dix Heures/);
});

// The API's lists hold nothing that changes with the minute: a list is kept
// until the next UTC midnight (closures that ended are no longer exported),
// or sooner when its hours filters' answer changes (src/pages/api.c).
test('an API list outlives the minute while its places stay as they are', async () => {
  const body = await keptPastTheMinute('/api/v1/lieux?ou=Grenoble&rayon=1');
  assert.equal(JSON.parse(body).total, 2);
});

test('an API list filtered on « ouvert maintenant » is rebuilt when a place opens', async () => {
  const { before, after, cache } = await acrossTenOClock('/api/v1/lieux?ou=Grenoble&rayon=1&horaires=maintenant');
  assert.deepEqual(JSON.parse(before).lieux.map((l) => l.nom), ['Espace Mardi']);
  assert.equal(cache, 'miss');
  assert.deepEqual(JSON.parse(after).lieux.map((l) => l.nom).sort(), ['Atelier Dix Heures', 'Espace Mardi']);
});

test('an API list is not kept past UTC midnight', async () => {
  // 23:58 UTC on Tuesday 1 December 2026 (00:58 in Paris, both places closed).
  await withClock('2026-12-01 23:58:00', async (server) => {
    const url = server.base + '/api/v1/lieux?ou=Grenoble&rayon=1';
    const first = await fetch(url);
    await first.arrayBuffer();
    assert.ok(Date.parse(first.headers.get('date')) < Date.parse('2026-12-02T00:00:00Z'), 'asked before midnight');
    assert.equal(first.headers.get('x-repere-cache'), 'miss');
    await waitUntil(server, '2026-12-02T00:00:01Z');
    const res = await fetch(url);
    await res.arrayBuffer();
    assert.equal(res.headers.get('x-repere-cache'), 'miss');
  });
});
