// End-to-end: the pages of an API list over a search with many hits
// (issue 13). The API works out a search's page in memory from the search
// index (src/pages/api_request.c, page_of_hits) instead of letting SQL order
// every hit: these tests hold it to SQL's rule — ORDER BY updated_at, id,
// the cursor after (updated_at, id), the total of the whole selection —
// with many ties on updated_at across page boundaries, against an ordering
// read independently from the database file with sqlite3, against the SQL
// path of the same selection (a territory keeps the API on it), and after a
// place is edited outside the daemon.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { AURA, makeDb, startServer, sqlite } = require('../lib/server');

// Searches with many hits: a city (radius and EPCI), a département, words in
// a département, a need over the whole catalogue.
const QUERIES = ['ou=Grenoble', 'departement=38', 'q=tablette&ou=38',
  'service=aide-aux-demarches-administratives'];
const LIMIT = 7;

let server;
let tmp;

const sql = (statement) => sqlite(tmp.db, statement);

async function getJson(urlPath) {
  const res = await fetch(server.base + urlPath);
  const body = await res.json();
  assert.equal(res.status, 200, `${urlPath}: ${JSON.stringify(body)}`);
  return body;
}

// Every page of a list, following "suivant": the ids, and each page's total and cursor.
async function walk(urlPath, features = false) {
  const ids = [];
  const pages = [];
  let url = urlPath;
  for (let guard = 0; url && guard < 500; guard++) {
    const body = await getJson(url);
    const items = features ? body.features.map((f) => f.properties) : body.lieux;
    assert.ok(items.length <= LIMIT);
    assert.equal(body.nombre, items.length);
    pages.push({ total: body.total, curseur: body.curseur, items });
    ids.push(...items.map((p) => p.identifiant));
    url = body.suivant ? body.suivant.replace(server.base, '') : null;
    if (url) assert.equal(items.length, LIMIT, 'only the last page is short');
  }
  assert.equal(url, null, 'the walk ends');
  return { ids, pages };
}

// The rule, read from the database file: the places in (updated_at, id) order.
function sqlOrder(ids) {
  if (!ids.length) return [];
  const out = sql(`SELECT id FROM place WHERE id IN (${ids.join(',')}) ORDER BY updated_at, id`);
  return out.split('\n').map(Number);
}

function decodeCursor(cursor) {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}

test.before(async () => {
  tmp = makeDb({ importFiles: [AURA] });
  // Six instants for 429 places: long runs of ties, broken by id, across every page boundary.
  sql("UPDATE place SET updated_at = printf('2026-0%d-01T10:00:0%dZ', 1 + id % 3, id % 2)");
  server = await startServer({ db: tmp.db, env: { REPERE_API_RATE: '100000', REPERE_API_BURST: '100000' } });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('every page of a search follows (updated_at, id), with the total and cursors of the whole selection', async () => {
  for (const query of QUERIES) {
    const { ids, pages } = await walk(`/api/v1/lieux?${query}&limit=${LIMIT}`);
    assert.ok(ids.length > 3 * LIMIT, `${query}: ${ids.length} places, want several pages`);
    assert.equal(new Set(ids).size, ids.length, `${query}: each place once`);
    assert.deepEqual(ids, sqlOrder(ids), `${query}: the (updated_at, id) order`);
    const stamps = new Set(pages.flatMap((p) => p.items.map((i) => i.modifie_le)));
    assert.ok(stamps.size < ids.length / 3, `${query}: ties on updated_at`);
    for (const page of pages) {
      assert.equal(page.total, ids.length, `${query}: total`);
      const last = page.items[page.items.length - 1];
      assert.equal(decodeCursor(page.curseur), `${last.modifie_le}|${last.identifiant}`, `${query}: cursor`);
    }
    // The same selection through SQL's ordering (a territory holding every
    // place keeps the API on it): the same pages, cursor for cursor.
    const bySql = await walk(`/api/v1/lieux?${query}&territoire=region:84&limit=${LIMIT}`);
    assert.deepEqual(bySql.ids, ids, `${query}: SQL and the index agree`);
    assert.deepEqual(bySql.pages.map((p) => [p.total, p.curseur]), pages.map((p) => [p.total, p.curseur]));
    // GeoJSON pages alike.
    const geo = await walk(`/api/v1/lieux.geojson?${query}&limit=${LIMIT}`, true);
    assert.deepEqual(geo.ids, ids, `${query}: GeoJSON`);
    assert.deepEqual(geo.pages.map((p) => p.curseur), pages.map((p) => p.curseur));
  }
});

test('a place edited outside the daemon comes last in the very next request', async () => {
  const query = QUERIES[0];
  const before = await walk(`/api/v1/lieux?${query}&limit=${LIMIT}`);
  const end = before.pages[before.pages.length - 1].curseur;
  // From the end of the walk: nothing new yet, and the position is kept.
  const nothing = await getJson(`/api/v1/lieux?${query}&limit=${LIMIT}&cursor=${end}`);
  assert.deepEqual(nothing.lieux, []);
  assert.equal(nothing.curseur, end);
  assert.equal(nothing.total, before.ids.length);
  const edited = before.ids[1];
  sql(`UPDATE place SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ${edited}`);
  const next = await getJson(`/api/v1/lieux?${query}&limit=${LIMIT}&cursor=${end}`);
  assert.deepEqual(next.lieux.map((p) => p.identifiant), [edited]);
  assert.equal(next.total, before.ids.length);
  assert.equal(next.suivant, null);
  const after = await walk(`/api/v1/lieux?${query}&limit=${LIMIT}`);
  assert.deepEqual(after.ids, [...before.ids.filter((id) => id !== edited), edited]);
  assert.deepEqual(after.ids, sqlOrder(after.ids));
});
