// End-to-end: the public API over HTTP on a temporary catalogue (the shared
// AURA file and the schema examples): the national schema with 100 %
// reference validation, pagination by cursor, the same results as the HTML
// list for the same parameters, delta sync after a re-import, GeoJSON,
// the OpenAPI description checked against real responses, hostile
// parameters, CORS, ETag/304 and the rate limit.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { AURA, SHARED, makeDb, startServer, repere } = require('../lib/server');
const { COLUMNS, referenceError } = require('../oracle/validate-export');

const EXAMPLES = path.join(SHARED, 'data', 'lieux-exemples-schema.json');
const TOTAL = 429 + 7;

let server;
let tmp;

async function getJson(urlPath, headers = {}) {
  const res = await fetch(server.base + urlPath, { headers });
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch (e) { /* not JSON */ }
  return { status: res.status, headers: res.headers, body, text };
}

// Every place of a selection, following "suivant" page after page.
async function allPages(urlPath) {
  const places = [];
  let url = urlPath;
  let last = null;
  for (let guard = 0; url && guard < 1000; guard++) {
    const { status, body } = await getJson(url);
    assert.equal(status, 200, `${url}: ${JSON.stringify(body)}`);
    places.push(...body.lieux);
    assert.equal(body.nombre, body.lieux.length);
    last = body;
    url = body.suivant ? body.suivant.replace(server.base, '') : null;
  }
  return { places, last };
}

// The ids of the places the HTML list shows for a query string, over every page.
async function htmlIds(query) {
  const ids = [];
  let url = `/lieux?${query}`;
  for (let guard = 0; url && guard < 100; guard++) {
    const res = await fetch(server.base + url);
    const text = await res.text();
    assert.equal(res.status, 200, url);
    for (const m of text.matchAll(/<h3><a href="\/lieux\/(\d+)-/g)) ids.push(Number(m[1]));
    // Two places flagged as one (issue 20) show as one entry that links the other.
    for (const also of text.matchAll(/<p class="also">([\s\S]*?)<\/p>/g))
      for (const m of also[1].matchAll(/href="\/lieux\/(\d+)-/g))
        if (!ids.includes(Number(m[1]))) ids.push(Number(m[1]));
    const next = text.match(/<a href="([^"]+)" rel="next">/);
    url = next ? next[1].replace(/&amp;/g, '&') : null;
  }
  return ids;
}

test.before(async () => {
  tmp = makeDb({ importFiles: [AURA, EXAMPLES] });
  server = await startServer({ db: tmp.db, env: { REPERE_API_RATE: '100000', REPERE_API_BURST: '100000' } });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('the whole catalogue, page by page: national schema, every record accepted by the reference library', async () => {
  const { places, last } = await getJson('/api/v1/lieux?limit=1000').then((r) => ({ places: r.body.lieux, last: r.body }));
  assert.equal(last.total, TOTAL);
  assert.equal(places.length, TOTAL);
  assert.equal(last.suivant, null);
  for (const p of places) {
    assert.deepEqual(Object.keys(p).slice(0, COLUMNS.length), COLUMNS);
    const schema = Object.fromEntries(COLUMNS.map((k) => [k, p[k]]));
    assert.equal(referenceError(schema), null, `id ${p.id}`);
    assert.match(p.url, /^http:\/\/127\.0\.0\.1:\d+\/lieux\/\d+-/);
    assert.equal(p.ferme_le, null);
  }
  // Small pages give the same places, in the same order, each once.
  const paged = await allPages('/api/v1/lieux?limit=37');
  assert.deepEqual(paged.places.map((p) => p.identifiant), places.map((p) => p.identifiant));
  const keys = places.map((p) => `${p.modifie_le}|${String(p.identifiant).padStart(10, '0')}`);
  assert.deepEqual(keys, [...keys].sort());
});

test('one place; 404 for an unknown one; ETag and 304; CORS', async () => {
  const list = await getJson('/api/v1/lieux?limit=3');
  const first = list.body.lieux[0];
  assert.equal(list.headers.get('access-control-allow-origin'), '*');
  const one = await getJson(`/api/v1/lieux/${first.identifiant}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body, first);
  assert.equal(one.headers.get('access-control-allow-origin'), '*');
  assert.ok(one.headers.get('last-modified'));
  const etag = one.headers.get('etag');
  assert.ok(etag);
  const again = await fetch(`${server.base}/api/v1/lieux/${first.identifiant}`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  const listAgain = await fetch(`${server.base}/api/v1/lieux?limit=3`, { headers: { 'If-None-Match': list.headers.get('etag') } });
  assert.equal(listAgain.status, 304);
  for (const bad of ['999999', 'abc', '0', '12abc']) {
    const r = await getJson(`/api/v1/lieux/${bad}`);
    assert.equal(r.status, 404, bad);
    assert.equal(typeof r.body.erreur, 'string');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
  }
});

test('the API selects exactly what the HTML list shows for the same parameters', async () => {
  const cases = ['q=imprimer', 'ou=07', 'departement=38', 'q=grenoble', 'ou=Annecy', 'q=caf',
    'service=aide-aux-demarches-administratives', 'ou=07&tarif=gratuit', 'q=tablette&ou=38'];
  for (const query of cases) {
    const html = await htmlIds(query);
    const { places, last } = await allPages(`/api/v1/lieux?${query}&limit=100`);
    const api = places.map((p) => p.identifiant);
    assert.equal(last ? last.total : 0, html.length, query);
    assert.deepEqual([...api].sort((a, b) => a - b), [...html].sort((a, b) => a - b), query);
  }
});

test('territories: commune, EPCI, département, région', async () => {
  const dep = await allPages('/api/v1/lieux?territoire=departement:07');
  assert.ok(dep.places.length > 5);
  for (const p of dep.places) assert.match(p.code_postal, /^07/);
  const region = await getJson('/api/v1/lieux?territoire=region:84&limit=1000');
  assert.ok(region.body.total >= 429 && region.body.total <= TOTAL, String(region.body.total));
  const alboussiere = region.body.lieux.find((p) => p.nom === 'Espace Public Numérique Alboussière');
  const commune = await getJson(`/api/v1/lieux?territoire=commune:${alboussiere.code_insee}`);
  assert.ok(commune.body.lieux.some((p) => p.identifiant === alboussiere.identifiant));
  for (const p of commune.body.lieux) assert.equal(p.code_insee, alboussiere.code_insee);
  // Alboussière (07007) belongs to the CC Rhône Crussol (SIREN 200071413 in the gazetteer).
  const epci = execFileSync('sqlite3', [tmp.db, "SELECT epci FROM commune WHERE insee = '07007'"], { encoding: 'utf8' }).trim();
  const byEpci = await getJson(`/api/v1/lieux?territoire=epci:${epci}`);
  assert.ok(byEpci.body.lieux.some((p) => p.identifiant === alboussiere.identifiant));
  assert.ok(byEpci.body.total < dep.places.length + 10);
});

test('GeoJSON: a FeatureCollection of points [longitude, latitude] with the same records', async () => {
  const r = await getJson('/api/v1/lieux.geojson?territoire=departement:07&limit=1000');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/geo\+json/);
  assert.equal(r.body.type, 'FeatureCollection');
  const list = await getJson('/api/v1/lieux?territoire=departement:07&limit=1000');
  assert.equal(r.body.features.length, list.body.lieux.length);
  r.body.features.forEach((f, i) => {
    assert.equal(f.type, 'Feature');
    assert.deepEqual(f.properties, list.body.lieux[i]);
    if (f.properties.latitude === null) assert.equal(f.geometry, null);
    else {
      assert.equal(f.geometry.type, 'Point');
      const [lon, lat] = f.geometry.coordinates;
      assert.equal(lon, f.properties.longitude);
      assert.equal(lat, f.properties.latitude);
      assert.ok(lat > 44 && lat < 46 && lon > 3.8 && lon < 5, `${lat},${lon}`);
    }
  });
});

test('hostile parameters give 400 with a clear JSON message', async () => {
  const cases = [
    ['limit=-5', /limit/], ['limit=0', /limit/], ['limit=1000000', /limit/], ['limit=abc', /limit/],
    ['limit=', /limit/], ['lat=45&lon=5&rayon=100000', /rayon/i], ['lat=95&lon=5', /position/i],
    ['lat=45', /position/i], ['modified_after=2026-02-30', /modified_after/],
    ['modified_after=hier', /modified_after/], ['modified_after=2026-05-04T10:00:00', /modified_after/],
    ['foo=bar', /inconnu.*foo/], ['page=2', /inconnu.*page/], ['cursor=%40%40%40', /curseur/],
    ['cursor=' + Buffer.from('2026-13-01T00:00:00Z|1').toString('base64url'), /curseur/],
    ['territoire=pays:FR', /territoire/], ['territoire=departement:99', /territoire/],
    ['territoire=commune:123', /territoire/], ['q=' + 'a'.repeat(300), /trop long/],
    ['service=nimporte-quoi', /filtre/], ['ou=zzzzqqqxx', /commune/],
  ];
  for (const [query, re] of cases) {
    for (const endpoint of ['/api/v1/lieux', '/api/v1/lieux.geojson']) {
      const r = await getJson(`${endpoint}?${query}`);
      assert.equal(r.status, 400, `${endpoint}?${query}: ${r.text}`);
      assert.match(r.headers.get('content-type'), /^application\/json/);
      assert.equal(typeof r.body.erreur, 'string');
      assert.equal(typeof r.body.detail, 'string');
      assert.match(`${r.body.erreur} ${r.body.detail}`, re, query);
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
    }
  }
  const withQuery = await getJson('/api/v1/lieux/1?x=1');
  assert.equal(withQuery.status, 400);
});

// Minimal OpenAPI 3.0 schema check: types, nullable, required, no undocumented property.
function checkSchema(doc, schema, value, where, errors) {
  if (schema.$ref) schema = schema.$ref.split('/').slice(1).reduce((o, k) => o[k], doc);
  if (value === null) {
    if (!schema.nullable) errors.push(`${where}: null but not nullable`);
    return;
  }
  const type = schema.type;
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) && type === 'integer' ? 'integer' : typeof value;
  if (type && !(actual === type || (type === 'number' && typeof value === 'number'))) {
    errors.push(`${where}: ${actual} instead of ${type}`);
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${where}: ${value} not in enum`);
  if (type === 'array' && schema.items) value.forEach((v, i) => checkSchema(doc, schema.items, v, `${where}[${i}]`, errors));
  if (type === 'object') {
    const props = schema.properties || {};
    for (const k of schema.required || []) if (!(k in value)) errors.push(`${where}: documented property ${k} missing`);
    for (const k of Object.keys(value)) {
      if (!(k in props)) {
        if (schema.additionalProperties === false) errors.push(`${where}: undocumented property ${k}`);
        continue;
      }
      checkSchema(doc, props[k], value[k], `${where}.${k}`, errors);
    }
  }
}

test('OpenAPI 3 description matches what the API returns', async () => {
  const spec = await getJson('/api/v1/openapi.json');
  assert.equal(spec.status, 200);
  const doc = spec.body;
  assert.match(doc.openapi, /^3\./);
  const lieu = doc.components.schemas.Lieu;
  // Every documented property is required: a lieu always has all of them.
  assert.deepEqual([...lieu.required].sort(), Object.keys(lieu.properties).sort());
  for (const c of COLUMNS) assert.ok(lieu.properties[c], `schema field ${c} documented`);
  const errors = [];
  const list = await getJson('/api/v1/lieux?limit=1000');
  checkSchema(doc, doc.paths['/api/v1/lieux'].get.responses['200'].content['application/json'].schema, list.body, 'list', errors);
  const geo = await getJson('/api/v1/lieux.geojson?limit=50');
  checkSchema(doc, doc.paths['/api/v1/lieux.geojson'].get.responses['200'].content['application/geo+json'].schema, geo.body, 'geojson', errors);
  const one = await getJson(`/api/v1/lieux/${list.body.lieux[0].identifiant}`);
  checkSchema(doc, doc.paths['/api/v1/lieux/{identifiant}'].get.responses['200'].content['application/json'].schema, one.body, 'one', errors);
  const bad = await getJson('/api/v1/lieux?limit=-1');
  checkSchema(doc, doc.components.schemas.Erreur, bad.body, 'error', errors);
  assert.deepEqual(errors.slice(0, 10), []);
  // Every query parameter the API accepts is documented, and only those.
  const documented = doc.paths['/api/v1/lieux'].get.parameters.map((p) => p.name).sort();
  const unknown = await getJson('/api/v1/lieux?nope=1');
  const accepted = unknown.body.detail.replace(/^[^:]*: /, '').split(', ').sort();
  assert.deepEqual(documented, accepted);
});

test('delta sync: modified_after and the last cursor return exactly the changed places', async () => {
  const before = await allPages('/api/v1/lieux?limit=200');
  const since = before.places.map((p) => p.modifie_le).sort().pop();
  const resume = before.last.curseur;
  assert.ok(resume);
  // Nothing changed yet.
  const none = await getJson(`/api/v1/lieux?modified_after=${encodeURIComponent(since)}`);
  assert.equal(none.body.total, 0);
  const empty = await getJson(`/api/v1/lieux?cursor=${resume}`);
  assert.equal(empty.body.nombre, 0);
  assert.equal(empty.body.curseur, resume);
  await new Promise((r) => setTimeout(r, 1100)); // timestamps have one-second resolution
  // Re-import the AURA file with two records edited.
  const records = JSON.parse(fs.readFileSync(AURA, 'utf8'));
  records[3].nom = `${records[3].nom} (nouveau nom)`;
  records[10].horaires = 'Mo-Fr 08:00-12:00';
  const changed = [String(records[3].id), String(records[10].id)].sort();
  const file = path.join(tmp.dir, 'lieux-aura-2022.json'); // same base name: same source
  fs.writeFileSync(file, JSON.stringify(records));
  repere(tmp.db, ['import', '--source', 'Hinaura', file]);
  const delta = await allPages(`/api/v1/lieux?modified_after=${encodeURIComponent(since)}`);
  assert.deepEqual(delta.places.map((p) => p.id).sort(), changed);
  assert.ok(delta.places.some((p) => p.nom.endsWith('(nouveau nom)')));
  const fromCursor = await allPages(`/api/v1/lieux?cursor=${resume}`);
  assert.deepEqual(fromCursor.places.map((p) => p.id).sort(), changed);
  // The date form is accepted too (everything changed today).
  const today = since.slice(0, 10);
  const byDay = await getJson(`/api/v1/lieux?modified_after=${today}&limit=1`);
  assert.equal(byDay.status, 200);
  // A place that closes is reported to synchronising clients, then gone from lists.
  const closing = before.places[20];
  await new Promise((r) => setTimeout(r, 1100));
  execFileSync('sqlite3', [tmp.db, `UPDATE place SET closed_at = strftime('%Y-%m-%dT%H:%M:%SZ','now'), updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ${closing.identifiant}`]);
  const afterClose = await allPages(`/api/v1/lieux?cursor=${fromCursor.last.curseur}`);
  assert.deepEqual(afterClose.places.map((p) => p.identifiant), [closing.identifiant]);
  assert.ok(afterClose.places[0].ferme_le);
  const gone = await getJson(`/api/v1/lieux/${closing.identifiant}`);
  assert.equal(gone.status, 410);
  const all = await getJson('/api/v1/lieux?limit=1000');
  assert.equal(all.body.total, TOTAL - 1);
  assert.ok(!all.body.lieux.some((p) => p.identifiant === closing.identifiant));
});

test('rate limit: 429 with Retry-After once the allowance is spent', async () => {
  const limited = await startServer({ db: tmp.db, env: { REPERE_API_RATE: '6', REPERE_API_BURST: '3' } });
  try {
    const statuses = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${limited.base}/api/v1/lieux?limit=1`);
      statuses.push(last.status);
      if (last.status === 429) break;
    }
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    assert.equal(last.status, 429);
    const retry = Number(last.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 10, String(retry));
    const body = await last.json();
    assert.match(body.erreur, /Trop de requêtes/);
    // The allowance is the configured one (REPERE_API_RATE), not the default 120.
    assert.match(body.detail, /au plus 6 requêtes par minute/);
    assert.equal(last.headers.get('access-control-allow-origin'), '*');
    // Without REPERE_TRUST_PROXY, X-Forwarded-For does not make another client.
    const forwarded = await fetch(`${limited.base}/api/v1/lieux?limit=1`, { headers: { 'X-Forwarded-For': '198.51.100.7' } });
    assert.equal(forwarded.status, 429);
    // Pages for people are not counted.
    assert.equal((await fetch(`${limited.base}/lieux`)).status, 200);
  } finally {
    await limited.stop();
  }
});

test('rate limit behind a proxy: REPERE_TRUST_PROXY=1 counts the last X-Forwarded-For address', async () => {
  const proxied = await startServer({ db: tmp.db, env: { REPERE_API_RATE: '6', REPERE_API_BURST: '2', REPERE_TRUST_PROXY: '1' } });
  try {
    const get = (client) => fetch(`${proxied.base}/api/v1/lieux?limit=1`, { headers: { 'X-Forwarded-For': `203.0.113.9, ${client}` } });
    assert.deepEqual([(await get('192.0.2.1')).status, (await get('192.0.2.1')).status, (await get('192.0.2.1')).status], [200, 200, 429]);
    // Another client behind the same proxy has its own allowance.
    assert.equal((await get('192.0.2.2')).status, 200);
  } finally {
    await proxied.stop();
  }
});

test('the /api page for people', async () => {
  const res = await fetch(`${server.base}/api`);
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /<h1>API publique des lieux<\/h1>/);
  assert.match(text, /\/api\/v1\/openapi\.json/);
  assert.match(text, /modified_after/);
});
