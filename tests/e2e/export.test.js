// End-to-end: open data for people and re-users — the downloads of
// /donnees (national schema, every record accepted by the reference
// library, recommended file names, search and territory scopes), what never
// leaves (private contact, closed places), the embeddable list (the only
// framable page), the sitemap and the export command's errors.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { AURA, SHARED, BIN, ROOT, DATA_ROOT, makeDb, startServer, sqlite } = require('../lib/server');
const { COLUMNS, parseCsv, csvRecord, referenceError } = require('../oracle/validate-export');

const EXAMPLES = path.join(SHARED, 'data', 'lieux-exemples-schema.json');
const SECRET = 'SECRET-GESTIONNAIRE-0612345678';

let server;
let tmp;
let closedId;

const sql = (statement) => sqlite(tmp.db, statement);

async function get(urlPath) {
  const res = await fetch(server.base + urlPath);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

test.before(async () => {
  tmp = makeDb({ importFiles: [AURA, EXAMPLES] });
  sql(`UPDATE place SET private_contact = '${SECRET}' WHERE id IN (1, 2, 3)`);
  closedId = Number(sql("SELECT id FROM place WHERE name LIKE '%Alboussière%'"));
  sql(`UPDATE place SET closed_at = '2026-01-15' WHERE id = ${closedId}`);
  server = await startServer({ db: tmp.db, env: { REPERE_API_RATE: '100000', REPERE_API_BURST: '100000' } });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('downloads in three formats: national schema, reference library accepts every record', async () => {
  const open = Number(sql('SELECT COUNT(*) FROM place WHERE closed_at IS NULL'));
  const csv = await get('/donnees/lieux.csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(csv.headers.get('content-disposition'),
    /^attachment; filename="\d{8}_repere_lieux-de-mediation-numerique_france\.csv"$/);
  assert.equal(csv.headers.get('access-control-allow-origin'), '*');
  const rows = parseCsv(csv.text);
  assert.deepEqual(rows.shift(), COLUMNS);
  assert.equal(rows.length, open);
  for (const cells of rows) assert.equal(referenceError(csvRecord(COLUMNS, cells)), null, cells[0]);

  const json = await get('/donnees/lieux.json');
  assert.match(json.headers.get('content-disposition'), /_france\.json"$/);
  const records = JSON.parse(json.text);
  assert.equal(records.length, open);
  for (const r of records) assert.equal(referenceError(r), null, r.id);

  const geo = await get('/donnees/lieux.geojson');
  assert.match(geo.headers.get('content-type'), /^application\/geo\+json/);
  const fc = JSON.parse(geo.text);
  assert.equal(fc.type, 'FeatureCollection');
  assert.equal(fc.features.length, open);
  for (const f of fc.features) {
    assert.equal(referenceError(f.properties), null, f.properties.id);
    if (f.geometry) assert.deepEqual(f.geometry.coordinates, [f.properties.longitude, f.properties.latitude]);
  }
});

test('a private contact and a closed place never leave', async () => {
  const closedSourceId = sql(`SELECT source_id FROM place WHERE id = ${closedId}`);
  for (const url of ['/donnees/lieux.csv', '/donnees/lieux.json', '/donnees/lieux.geojson',
    '/api/v1/lieux?limit=1000', '/api/v1/lieux.geojson?limit=1000', '/api/v1/lieux/2',
    '/embed/lieux', '/sitemap.xml']) {
    const r = await get(url);
    assert.equal(r.status, 200, url);
    assert.ok(!r.text.includes(SECRET), `private contact in ${url}`);
    assert.ok(!r.text.includes('Alboussière'), `closed place in ${url}`);
  }
  const csv = parseCsv((await get('/donnees/lieux.csv')).text);
  assert.ok(!csv.some((cells) => cells[0] === closedSourceId));
  // The CLI export too.
  const out = execFileSync(BIN, ['export', '--db', tmp.db, '--format', 'json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT } });
  assert.ok(!out.includes(SECRET));
  assert.ok(!JSON.parse(out).some((r) => r.nom.includes('Alboussière')));
});

test('territory and search downloads select what the API and the list select', async () => {
  const dep = await get('/donnees/lieux.csv?territoire=departement:38');
  assert.match(dep.headers.get('content-disposition'), /_departement-38\.csv"$/);
  const rows = parseCsv(dep.text).slice(1);
  assert.ok(rows.length > 10);
  for (const cells of rows) assert.match(cells[4], /^38/);
  const api = JSON.parse((await get('/api/v1/lieux?territoire=departement:38&limit=1000')).text);
  assert.deepEqual(rows.map((c) => c[0]).sort(), api.lieux.map((p) => p.id).sort());

  // A link copied from the bottom of /lieux (page= kept) downloads that search.
  const search = await get('/donnees/lieux.json?q=imprimer&ou=38&page=2');
  assert.equal(search.status, 200);
  assert.match(search.headers.get('content-disposition'), /_recherche\.json"$/);
  const found = JSON.parse(search.text).map((r) => r.id).sort();
  const viaApi = JSON.parse((await get('/api/v1/lieux?q=imprimer&ou=38&limit=1000')).text).lieux.map((p) => p.id).sort();
  assert.ok(found.length > 0);
  assert.deepEqual(found, viaApi);

  for (const bad of ['territoire=pays:FR', 'foo=1', 'rayon=5000&lat=45&lon=5', 'limit=5']) {
    const r = await get(`/donnees/lieux.csv?${bad}`);
    assert.equal(r.status, 400, bad);
    assert.match(r.headers.get('content-type'), /^text\/html/);
  }
  assert.equal((await get('/donnees/lieux.xml')).status, 404);
});

test('the données ouvertes page: formats, départements, API, embed snippet', async () => {
  const r = await get('/donnees');
  assert.equal(r.status, 200);
  assert.match(r.text, /<h1>Données ouvertes<\/h1>/);
  assert.match(r.text, /href="\/donnees\/lieux\.csv" download/);
  assert.match(r.text, /href="\/donnees\/lieux\.geojson\?territoire=departement:38" download/);
  assert.match(r.text, /href="\/donnees\/lieux\.json\?territoire=region:84" download/);
  assert.match(r.text, /href="\/api"/);
  assert.match(r.text, /&lt;iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\/lieux\?territoire=departement:01"/);
  // The page itself may not be framed.
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
  assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
});

test('the embeddable list: framable, compact, same selection', async () => {
  const r = await get('/embed/lieux?territoire=departement:07');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('x-frame-options'), null);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /frame-ancestors \*/);
  assert.ok(!csp.includes('unsafe-inline'));
  assert.ok(!r.text.includes('class="site-header"'));
  const names = [...r.text.matchAll(/<h3><a href="http:\/\/127\.0\.0\.1:\d+\/lieux\/(\d+)-[^"]*" target="_blank" rel="noopener">/g)].map((m) => Number(m[1]));
  const api = JSON.parse((await get('/api/v1/lieux?territoire=departement:07&limit=1000')).text);
  assert.deepEqual(names.sort((a, b) => a - b), api.lieux.map((p) => p.identifiant).sort((a, b) => a - b));
  const search = await get('/embed/lieux?q=imprimer&ou=38');
  assert.equal(search.status, 200);
  assert.equal(search.headers.get('x-frame-options'), null);
  // Every other page keeps refusing frames.
  for (const url of ['/', '/lieux', '/api', '/donnees']) {
    const other = await get(url);
    assert.equal(other.headers.get('x-frame-options'), 'DENY', url);
  }
});

test('sitemap.xml lists every public page and every open place', async () => {
  const r = await get('/sitemap.xml');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/xml/);
  assert.match(r.text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">/);
  const locs = [...r.text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
  for (const p of ['/', '/lieux', '/ateliers', '/donnees', '/api', '/a-propos']) {
    assert.ok(locs.includes(`${server.base}${p}`), p);
  }
  const places = locs.filter((l) => /\/lieux\/\d+-/.test(l));
  assert.equal(places.length, Number(sql('SELECT COUNT(*) FROM place WHERE closed_at IS NULL')));
  assert.ok(!places.some((l) => l.includes(`/lieux/${closedId}-`)));
  // Each listed place page answers.
  for (const l of places.slice(0, 5)) assert.equal((await fetch(l)).status, 200, l);
  assert.match(r.text, /<lastmod>\d{4}-\d{2}-\d{2}<\/lastmod>/);
});

test('temporary closures are folded into horaires as valid OpenStreetMap syntax', async () => {
  const id = Number(sql("SELECT id FROM place WHERE hours IS NOT NULL AND closed_at IS NULL ORDER BY id LIMIT 1"));
  const regular = sql(`SELECT hours FROM place WHERE id = ${id}`);
  const year = new Date().getUTCFullYear() + 1;
  sql(`INSERT INTO place_closure (place_id, starts_on, ends_on, hours, message) VALUES
       (${id}, '${year}-08-10', '${year}-08-24', NULL, 'Fermeture estivale'),
       (${id}, '${year}-12-24', '${year}-12-24', '10:00-12:00', NULL),
       (${id}, '2020-01-01', '2020-01-02', NULL, 'Passée')`);
  try {
    const r = JSON.parse((await get(`/api/v1/lieux/${id}`)).text);
    assert.ok(r.horaires.startsWith(regular), r.horaires);
    assert.ok(r.horaires.includes(`${year} Aug 10-${year} Aug 24 off`), r.horaires);
    assert.ok(r.horaires.includes(`${year} Dec 24`), r.horaires);
    assert.ok(!r.horaires.includes('2020'), 'past closures are not exported');
    // The reference implementation of the syntax reads it…
    const OpeningHours = require('opening_hours');
    assert.doesNotThrow(() => new OpeningHours(r.horaires, { lat: 45.7, lon: 4.8, address: { country_code: 'fr', state: '' } }), r.horaires);
    // … and so does our own engine.
    const check = spawnSync(BIN, ['hours', r.horaires], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT } });
    assert.equal(check.status, 0, check.stderr);
    const csv = parseCsv((await get('/donnees/lieux.csv')).text);
    const row = csv.find((cells) => cells[0] === r.id);
    assert.equal(row[14], r.horaires);
  } finally {
    sql(`DELETE FROM place_closure WHERE place_id = ${id}`);
  }
});

test('repere export: usage errors', () => {
  const run = (args) => spawnSync(BIN, ['export', '--db', tmp.db, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT } });
  assert.equal(run(['--format', 'xml']).status, 2);
  assert.equal(run(['--territoire', 'departement:99']).status, 2);
  assert.equal(run(['--territoire', 'nulle-part']).status, 2);
  assert.equal(run(['--bogus', 'x']).status, 2);
  const ok = run(['--territoire', 'commune:38185', '--format', 'geojson']);
  assert.equal(ok.status, 0);
  assert.equal(JSON.parse(ok.stdout).type, 'FeatureCollection');
  assert.match(ok.stderr, /20\d{6}_repere_lieux-de-mediation-numerique_commune-38185\.geojson/);
});

test('a formula in a place\'s name leaves the open-data CSV as text, not a formula (OWASP CSV injection)', async () => {
  const { makeDb: mk, startServer: start } = require('../lib/server');
  const fs2 = require('node:fs');
  const path2 = require('node:path');
  const db = mk();
  const file = path2.join(db.dir, 'formula.json');
  fs2.writeFileSync(file, JSON.stringify([{
    id: 'x1', pivot: '00000000000000', nom: '=HYPERLINK("http://evil.example","Cliquez")',
    commune: 'Grenoble', code_postal: '38000', adresse: '1 place de Verdun', date_maj: '2026-11-01', source: 'tests-csv',
    telephone: '+33476000000', latitude: 45.1885, longitude: 5.7245,
  }]));
  require('../lib/server').repere(db.db, ['import', file]);
  const srv = await start({ db: db.db });
  try {
    const csv = await (await fetch(srv.base + '/donnees/lieux.csv')).text();
    const row = csv.split('\r\n').find((l) => l.startsWith('x1,'));
    assert.ok(row, 'the record is exported');
    assert.match(row, /,"'=HYPERLINK\(""http:\/\/evil\.example"",""Cliquez""\)",/);
    assert.match(row, /,\+33476000000,/); // an E.164 number stays a number
    assert.ok(!/,=HYPERLINK|,"=HYPERLINK/.test(row), 'no cell starts with =');
  } finally {
    await srv.stop();
    fs2.rmSync(db.dir, { recursive: true, force: true });
  }
});
