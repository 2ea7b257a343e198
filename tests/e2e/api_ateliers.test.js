// End-to-end: the workshops of the public API (/api/v1/ateliers) on the
// demo catalogue: the documented workshops format (re-importable as is),
// the OpenAPI description, filters, pagination and hostile parameters.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BIN, ROOT, DATA_ROOT, makeDb, startServer, repere } = require('../lib/server');

let server;
let tmp;

async function getJson(urlPath) {
  const res = await fetch(server.base + urlPath);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) };
}

// Minimal OpenAPI 3.0 check: types, nullable, required, no undocumented property.
function check(doc, schema, value, where, errors) {
  if (schema.$ref) schema = schema.$ref.split('/').slice(1).reduce((o, k) => o[k], doc);
  if (value === null) {
    if (!schema.nullable) errors.push(`${where}: null but not nullable`);
    return;
  }
  const t = schema.type;
  const actual = Array.isArray(value) ? 'array' : typeof value;
  const ok = t === 'integer' ? Number.isInteger(value) : t === 'number' ? typeof value === 'number' : actual === t;
  if (t && !ok) return void errors.push(`${where}: ${actual} instead of ${t}`);
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${where}: ${value} not in enum`);
  if (t === 'array') value.forEach((v, i) => check(doc, schema.items, v, `${where}[${i}]`, errors));
  if (t === 'object') {
    const props = schema.properties || {};
    for (const k of schema.required || []) if (!(k in value)) errors.push(`${where}: ${k} missing`);
    for (const k of Object.keys(value)) {
      if (!(k in props)) {
        if (schema.additionalProperties === false) errors.push(`${where}: undocumented ${k}`);
      } else check(doc, props[k], value[k], `${where}.${k}`, errors);
    }
  }
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db, env: { REPERE_API_RATE: '100000', REPERE_API_BURST: '100000' } });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('workshops with sessions to come, in the documented format, described by OpenAPI', async () => {
  const r = await getJson('/api/v1/ateliers');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.ok(r.body.ateliers.length >= 5);
  const doc = (await getJson('/api/v1/openapi.json')).body;
  const errors = [];
  check(doc, doc.paths['/api/v1/ateliers'].get.responses['200'].content['application/json'].schema, r.body, 'list', errors);
  const one = await getJson(`/api/v1/ateliers/${r.body.ateliers[0].identifiant}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body, r.body.ateliers[0]);
  check(doc, doc.components.schemas.Atelier, one.body, 'one', errors);
  assert.deepEqual(errors, []);
  const now = new Date().toISOString().slice(0, 16);
  for (const a of r.body.ateliers) {
    assert.ok(a.seances.length > 0, a.id);
    assert.match(a.seances[0].debut, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    assert.ok(a.seances[a.seances.length - 1].fin >= now.slice(0, 10), a.id);
    assert.match(a.url, /\/ateliers\/\d+-/);
    const place = await getJson(`/api/v1/lieux/${a.lieu.identifiant}`);
    assert.equal(place.status, 200);
    assert.equal(place.body.id, a.lieu.id);
  }
});

test('what the API gives can be imported again as a workshops file', async () => {
  const r = await getJson('/api/v1/ateliers?limit=1000');
  const db2 = makeDb({});
  try {
    const places = JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'demo', 'lieux-aura-2022.json'), 'utf8'));
    assert.ok(places.length > 0);
    repere(db2.db, ['import', '--source', 'Hinaura', path.join(ROOT, 'data', 'demo', 'lieux-aura-2022.json')]);
    const file = path.join(db2.dir, 'ateliers.json');
    fs.writeFileSync(file, JSON.stringify({ format: 'repere-ateliers/1', ateliers: r.body.ateliers }));
    const report = path.join(db2.dir, 'report.json');
    const out = spawnSync(BIN, ['import', '--db', db2.db, '--report', report, file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT } });
    assert.equal(out.status, 0, out.stderr);
    const counts = JSON.parse(fs.readFileSync(report, 'utf8')).files[0].counts;
    assert.equal(counts.rejected, 0, out.stderr);
    assert.equal(counts.imported, r.body.ateliers.length);
  } finally {
    fs.rmSync(db2.dir, { recursive: true, force: true });
  }
});

test('filters, pagination, delta and hostile parameters', async () => {
  const all = await getJson('/api/v1/ateliers?limit=1000');
  const first = all.body.ateliers[0];
  const byPlace = await getJson(`/api/v1/ateliers?lieu=${first.lieu.identifiant}`);
  assert.ok(byPlace.body.ateliers.every((a) => a.lieu.identifiant === first.lieu.identifiant));
  assert.ok(byPlace.body.ateliers.some((a) => a.identifiant === first.identifiant));
  const drome = await getJson('/api/v1/ateliers?territoire=departement:26');
  for (const a of drome.body.ateliers) {
    const p = await getJson(`/api/v1/lieux/${a.lieu.identifiant}`);
    assert.match(p.body.code_postal, /^26/);
  }
  // Pages of 2 give the same workshops in the same order.
  const seen = [];
  let url = '/api/v1/ateliers?limit=2';
  while (url) {
    const page = await getJson(url);
    seen.push(...page.body.ateliers.map((a) => a.identifiant));
    url = page.body.suivant ? page.body.suivant.replace(server.base, '') : null;
  }
  assert.deepEqual(seen, all.body.ateliers.map((a) => a.identifiant));
  const latest = all.body.ateliers.map((a) => a.modifie_le).sort().pop();
  assert.equal((await getJson(`/api/v1/ateliers?modified_after=${latest}`)).body.nombre, 0);
  for (const q of ['limit=-1', 'limit=5000', 'lieu=abc', 'territoire=pays:FR', 'modified_after=2026-02-31',
    'cursor=xyz', 'q=tablette']) {
    const r = await getJson(`/api/v1/ateliers?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(typeof r.body.erreur, 'string');
  }
  assert.equal((await getJson('/api/v1/ateliers/999999')).status, 404);
  assert.equal((await getJson('/api/v1/ateliers/abc')).status, 404);
});
