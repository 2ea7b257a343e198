// End-to-end: the territory view (/territoire…) on a synthetic territory —
// a handful of places at known positions in and around the Territoire de
// Belfort (90). Every distance of the communes table and its CSV is checked
// against a scan of every pair written here (the oracle), with the
// gazetteer's own positions and populations; then the figures, the sorting
// links, the commune page, the chooser and the cache per data version.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { sqlite, ROOT, makeDb, startServer, repere } = require('../lib/server');

let server;
let tmp;

// The gazetteer as the daemon loads it.
const COMMUNES = fs.readFileSync(path.join(ROOT, 'data/gazetteer/communes.tsv'), 'utf8')
  .trim().split('\n').slice(1).map((line) => {
    const [insee, name, dep, parent, epci, population, lat, lon] = line.split('\t');
    return { insee, name, dep, parent, epci, population: Number(population), lat: Number(lat), lon: Number(lon) };
  });
const byInsee = Object.fromEntries(COMMUNES.map((c) => [c.insee, c]));
const BELFORT = byInsee['90010'];
const DELLE = byInsee['90033'];
const GIROMAGNY = byInsee['90052'];
const MONTBELIARD = byInsee['25388'];

// geo_distance_km: haversine, mean Earth radius.
function km(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180;
  const s1 = Math.sin((lat2 - lat1) * rad / 2), s2 = Math.sin((lon2 - lon1) * rad / 2);
  const a = Math.min(1, s1 * s1 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * s2 * s2);
  return 2 * 6371.0088 * Math.asin(Math.sqrt(a));
}

const DEMARCHES = 'Aide aux démarches administratives';
const MATERIEL = 'Accès internet et matériel informatique';
function place(id, nom, commune, extra) {
  return {
    id, nom, pivot: '00000000000000', commune: commune.name, code_postal: commune.postcodes,
    adresse: '1 rue de la Gare', source: 'test-territoire', date_maj: '2026-11-01', ...extra,
  };
}
const PLACES = [
  // at Belfort's own position, open on Saturdays
  place('t1', 'Espace numérique de Belfort', { ...BELFORT, postcodes: '90000' },
    { latitude: BELFORT.lat, longitude: BELFORT.lon, services: DEMARCHES, horaires: 'Sa 09:00-12:00' }),
  // 0.03° north of Delle, after 17 h, not updated for years
  place('t2', 'Médiathèque de Delle', { ...DELLE, postcodes: '90100' },
    { latitude: DELLE.lat + 0.03, longitude: DELLE.lon, services: MATERIEL, horaires: 'Mo 14:00-19:00', date_maj: '2020-03-01' }),
  // in Giromagny, its position removed below: counted, not placed
  place('t3', 'Permanence de Giromagny', { ...GIROMAGNY, postcodes: '90200' },
    { latitude: GIROMAGNY.lat, longitude: GIROMAGNY.lon, services: DEMARCHES }),
  // across the border, in the Doubs
  place('t4', 'France services de Montbéliard', { ...MONTBELIARD, postcodes: '25200' },
    { latitude: MONTBELIARD.lat, longitude: MONTBELIARD.lon, services: `${DEMARCHES}|${MATERIEL}` }),
  // in Beaucourt, older still: listed before Delle among the listings to check
  place('t6', 'Point numérique de Beaucourt', { ...byInsee['90009'], postcodes: '90500' },
    { latitude: byInsee['90009'].lat, longitude: byInsee['90009'].lon, services: MATERIEL, date_maj: '2019-06-01' }),
  // closed: never the nearest
  place('t5', 'Ancien point numérique de Valdoie', { ...byInsee['90099'], postcodes: '90300' },
    { latitude: byInsee['90099'].lat, longitude: byInsee['90099'].lon, services: DEMARCHES }),
];

const sql = (statement) => sqlite(tmp.db, statement);

async function get(p) {
  const res = await fetch(server.base + p, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// The oracle: for each commune of `dep`, the nearest of `open` (every pair).
function expected(dep, open, service) {
  return COMMUNES.filter((c) => c.dep === dep && !c.parent).map((c) => {
    let best = null;
    for (const p of open) {
      if (service && !p.services.includes(service)) continue;
      const d = km(c.lat, c.lon, p.latitude, p.longitude);
      if (best === null || d < best) best = d;
    }
    return { ...c, km: best };
  });
}

function parseCsv(text) {
  const lines = text.trim().split('\r\n');
  const head = lines.shift().split(',');
  return lines.map((line) => {
    // names here hold no comma or quote
    const cells = line.split(',');
    return Object.fromEntries(head.map((h, i) => [h, cells[i]]));
  });
}

test.before(async () => {
  tmp = makeDb();
  const file = path.join(tmp.dir, 'territoire.json');
  fs.writeFileSync(file, JSON.stringify(PLACES));
  repere(tmp.db, ['import', file]);
  sql("UPDATE place SET latitude = NULL, longitude = NULL WHERE source_id = 't3'");
  sql("UPDATE place SET closed_at = '2026-01-15' WHERE source_id = 't5'");
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

const OPEN = PLACES.filter((p) => p.id !== 't3' && p.id !== 't5');

test('communes.csv: every commune of the département, exact distances to the nearest open place across borders', async () => {
  const res = await get('/territoire/departement/90/communes.csv');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(res.headers.get('content-disposition'), /attachment; filename="communes-departement-90\.csv"/);
  const head = res.text.split('\r\n')[0];
  assert.ok(head.startsWith('code_insee,nom,population,lieux,distance_lieu_km,'), head);
  const rows = parseCsv(res.text);
  const want = expected('90', OPEN);
  assert.equal(rows.length, want.length);
  const got = Object.fromEntries(rows.map((r) => [r.code_insee, r]));
  for (const c of want) {
    const row = got[c.insee];
    assert.ok(row, c.insee);
    assert.equal(row.nom, c.name);
    assert.equal(Number(row.population), c.population);
    assert.equal(row.distance_lieu_km, c.km.toFixed(1), `${c.name}: ${row.distance_lieu_km} vs ${c.km}`);
    assert.equal(row.zone_blanche, c.km > 10 ? '1' : '0', c.name);
  }
  // per service: démarches only at Belfort and Montbéliard; matériel at Delle and Montbéliard
  for (const c of expected('90', OPEN, DEMARCHES)) assert.equal(got[c.insee].distance_demarches_km, c.km.toFixed(1));
  for (const c of expected('90', OPEN, MATERIEL)) assert.equal(got[c.insee].distance_internet_materiel_km, c.km.toFixed(1));
  // no place offers the others
  assert.equal(got['90010'].distance_securite_km, '');
  // places are counted in their commune, with or without a position; closed ones are not
  assert.equal(got['90010'].lieux, '1');
  assert.equal(got['90052'].lieux, '1');
  assert.equal(got['90099'].lieux, '0');
  assert.equal(got['90010'].distance_lieu_km, '0.0');
  assert.equal(got['90033'].distance_lieu_km, km(DELLE.lat, DELLE.lon, DELLE.lat + 0.03, DELLE.lon).toFixed(1));
});

test('the département page: figures, the table as the CSV, zones blanches marked, freshness, provenance', async () => {
  const res = await get('/territoire/departement/90');
  assert.equal(res.status, 200);
  const html = res.text;
  assert.match(html, /<h1>Territoire de Belfort \(90\) : où l(&#39;|')aide au numérique manque<\/h1>/);
  const want = expected('90', OPEN);
  const population = want.reduce((a, c) => a + c.population, 0);
  const white = want.filter((c) => c.km > 10);
  const fr = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  const pct = (part) => `${(100 * part / population).toFixed(1).replace('.', ',')}\u202f%`;
  assert.match(html, /<strong>4<\/strong> lieux d(&#39;|')aide au numérique \(dont 1 sans position\)/);
  assert.ok(html.includes(`<strong>${white.length}</strong> ${white.length > 1 ? 'communes' : 'commune'} en zone blanche, à plus de 10 km de tout lieu : ${fr(white.reduce((a, c) => a + c.population, 0))} habitants`), 'white zones');
  assert.match(html, /<strong>1<\/strong> lieu ouvert le samedi/);
  assert.match(html, /<strong>1<\/strong> après 17 h/);
  assert.match(html, /<strong>2<\/strong> fiches non mises à jour depuis plus d(&#39;|')un an/);
  const beyond = (limit) => pct(want.filter((c) => c.km > limit).reduce((a, c) => a + c.population, 0));
  assert.ok(html.includes(`<th scope="row">Tous les lieux</th><td>${beyond(5)}</td><td>${beyond(10)}</td><td>${beyond(20)}</td>`), 'bands');
  // the table matches the CSV, row by row; zones blanches are said in words
  const rows = [...html.matchAll(/<tr data-insee="([^"]+)"[^>]*?( class="zone-blanche")?>\s*<th scope="row"><a href="([^"]+)">[^<]*<\/a>(.*?)<\/th>\s*<td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/gs)];
  assert.equal(rows.length, want.length);
  const csv = Object.fromEntries(parseCsv((await get('/territoire/departement/90/communes.csv')).text).map((r) => [r.code_insee, r]));
  for (const [, insee, whiteClass, url, tag, places, dist] of rows) {
    assert.equal(dist.replace(',', '.'), csv[insee].distance_lieu_km, insee);
    assert.equal(places, csv[insee].lieux, insee);
    assert.equal(Boolean(whiteClass), csv[insee].zone_blanche === '1', insee);
    assert.equal(tag.includes('zone blanche'), Boolean(whiteClass), insee);
    assert.equal(url, `/territoire/commune/${insee}`);
  }
  // default order: farthest first
  const dists = rows.map((r) => Number(r[6].replace(',', '.')));
  assert.deepEqual(dists, [...dists].sort((a, b) => b - a));
  // freshness list and provenance
  const stale = [...html.matchAll(/<ul class="territory-stale">(.*?)<\/ul>/gs)][0][1];
  assert.deepEqual([...stale.matchAll(/<a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]),
    ['Point numérique de Beaucourt', 'Médiathèque de Delle']);
  assert.match(stale, /mis à jour le 1er? juin 2019|mis à jour le 1 juin 2019/);
  assert.doesNotMatch(html, /Espace numérique de Belfort<\/a> —/);
  assert.match(html, /Calculé le \d{1,2} [a-zéû]+ \d{4} à \d{1,2} h \d{2} sur 5 lieux ; population INSEE 2023\./);
  assert.match(html, /à vol d(&#39;|')oiseau/);
  assert.match(html, /Les lieux sans position sont comptés/);
  // comparison with the région and France
  assert.match(html, /<th scope="row">Région Bourgogne-Franche-Comté<\/th>/);
  assert.match(html, /<th scope="row">France entière<\/th>/);
});

test('the communes table sorts without JavaScript, through links', async () => {
  const html = (await get('/territoire/departement/90?tri=nom&ordre=asc')).text;
  const names = [...html.matchAll(/<tr data-insee="[^"]+"[^>]*>\s*<th scope="row"><a href="[^"]+">([^<]*)<\/a>/g)].map((m) => m[1]);
  const key = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ');
  assert.deepEqual(names.map(key), [...names].map(key).sort());
  assert.match(html, /<th scope="col" aria-sort="ascending"><a href="\/territoire\/departement\/90\?tri=nom&amp;ordre=desc#communes">Commune<\/a>/);
  const byPop = (await get('/territoire/departement/90?tri=population')).text;
  const first = byPop.match(/<tr data-insee="([^"]+)"/)[1];
  assert.equal(first, '90010');
});

test('the commune page: nearest place per service, with its distance, and the carnet', async () => {
  const html = (await get('/territoire/commune/90033')).text;
  assert.match(html, /<h1>Delle \(90\) : l(&#39;|')aide au numérique la plus proche<\/h1>/);
  assert.match(html, /href="\/territoire\/33\/imprimer"|href="\/territoire\/90033\/imprimer"/);
  const d = km(DELLE.lat, DELLE.lon, DELLE.lat + 0.03, DELLE.lon).toFixed(1).replace('.', ',');
  assert.ok(html.includes(`<th scope="row">Ordinateur et internet sur place</th><td><a href="/lieux/`), 'matériel link');
  assert.match(html, new RegExp(`Ordinateur et internet sur place</th><td><a href="[^"]+">Médiathèque de Delle</a> — Delle</td><td>${d}</td>`));
  const dem = km(DELLE.lat, DELLE.lon, MONTBELIARD.lat, MONTBELIARD.lon);
  const demBelfort = km(DELLE.lat, DELLE.lon, BELFORT.lat, BELFORT.lon);
  assert.ok(dem < demBelfort);
  assert.match(html, new RegExp(`Démarches administratives</th><td><a href="[^"]+">France services de Montbéliard</a> — Montbéliard</td><td>${dem.toFixed(1).replace('.', ',')}</td>`));
  assert.match(html, /Sécurité en ligne, arnaques<\/th><td>Aucun lieu connu<\/td>/);
  assert.match(html, /href="\/territoire\/departement\/90"/);
  assert.equal((await get('/territoire/commune/99999')).status, 404);
  assert.match((await get('/territoire/commune/99999')).text, /Nous ne connaissons pas cette commune/);
});

test('the EPCI page and its CSV cover exactly its communes', async () => {
  const siren = BELFORT.epci;
  const res = await get(`/territoire/epci/${siren}`);
  assert.equal(res.status, 200);
  const members = COMMUNES.filter((c) => c.epci === siren && !c.parent);
  const rows = parseCsv((await get(`/territoire/epci/${siren}/communes.csv`)).text);
  assert.deepEqual(rows.map((r) => r.code_insee).sort(), members.map((c) => c.insee).sort());
  assert.equal((res.text.match(/<tr data-insee=/g) || []).length, members.length);
  // compared with its département, its région and France
  assert.match(res.text, /<th scope="row">Territoire de Belfort \(90\)<\/th>/);
  assert.match(res.text, /<th scope="row">Région Bourgogne-Franche-Comté<\/th>/);
  assert.equal((await get('/territoire/epci/123456789')).status, 404);
  assert.equal((await get('/territoire/departement/99')).status, 404);
});

test('/territoire chooses through « Où ? » as everywhere, and every page links to it', async () => {
  assert.match((await get('/')).text, /<a href="\/territoire">Où l(&#39;|')aide manque<\/a>/);
  let res = await get('/territoire?ou=90');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/territoire/departement/90');
  res = await get('/territoire?ou=Delle');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/territoire/commune/90033');
  res = await get('/territoire?ou=Saint-Denis');
  assert.equal(res.status, 200);
  assert.match(res.text, /href="\/territoire\/commune\/93066"/);
  res = await get('/territoire?epci_de=90');
  assert.ok(res.text.includes(`href="/territoire/epci/${BELFORT.epci}"`));
  assert.match(res.text, /<option value="90" selected>/);
  res = await get('/territoire?epci_de=99');
  assert.match(res.text, /role="alert">Ce département n(&#39;|')est pas connu/);
  res = await get('/territoire?ou=xyzzyqq');
  assert.match(res.text, /role="alert"/);
});

test('figures follow the catalogue: recomputed when the data version changes', async () => {
  const before = parseCsv((await get('/territoire/departement/90/communes.csv')).text);
  assert.equal(before.find((r) => r.code_insee === '90010').distance_lieu_km, '0.0');
  sql("UPDATE place SET closed_at = '2026-11-20' WHERE source_id = 't1'");
  const after = parseCsv((await get('/territoire/departement/90/communes.csv')).text);
  const want = expected('90', OPEN.filter((p) => p.id !== 't1'));
  for (const c of want) {
    assert.equal(after.find((r) => r.code_insee === c.insee).distance_lieu_km, c.km.toFixed(1), c.name);
  }
  sql("UPDATE place SET closed_at = NULL WHERE source_id = 't1'");
});
