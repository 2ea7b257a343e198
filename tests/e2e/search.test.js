// End-to-end: finding the right place — "Où ?" in all its forms, needs
// through synonyms and full text, distance ranking, filters with counts,
// pagination, empty results, hostile input. Real daemon, shared AURA data.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { AURA, makeDb, startServer } = require('../lib/server');

let server;
let tmp;

async function get(urlPath) {
  const res = await fetch(server.base + urlPath, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const search = (params) => get('/lieux?' + new URLSearchParams(params).toString());
const names = (html) => [...html.matchAll(/<h3><a href="\/lieux\/\d+-[^"]*">([^<]*)<\/a><\/h3>/g)].map((m) => m[1]);
const distances = (html) => [...html.matchAll(/<strong>À ([0-9]+(?:,[0-9])?) (km|m)<\/strong>/g)]
  .map((m) => parseFloat(m[1].replace(',', '.')) * (m[2] === 'm' ? 0.001 : 1));
const countOf = (html) => {
  const m = html.match(/<p class="result-count">([0-9  ]+) lieux?/);
  return m ? parseInt(m[1].replace(/\D/g, ''), 10) : NaN;
};

test.before(async () => {
  tmp = makeDb({ importFiles: [AURA] });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('"démarches CAF" + "Aurillac": the nearby places that help with procedures, closest first', async () => {
  const { status, text } = await search({ q: 'démarches CAF', ou: 'Aurillac' });
  assert.equal(status, 200);
  assert.match(text, /Nous avons compris : <strong>Aide aux démarches administratives<\/strong>/);
  assert.match(text, /Lieux d&#39;aide au numérique — Aurillac \(15\)|Lieux d'aide au numérique — Aurillac \(15\)/);
  const d = distances(text);
  assert.ok(d.length >= 5, 'several places with a distance');
  for (let i = 1; i < d.length; i++) assert.ok(d[i] >= d[i - 1] - 0.5, `sorted by distance: ${d}`);
  const first = names(text).slice(0, 4).join(' | ');
  assert.match(first, /Aurillac/i);
  // l'@telier d'Aurillac offers no administrative help: not listed
  assert.ok(!names(text).some((n) => n.includes('@telier')), 'service filter applied');
});

test('the same URL gives the same results (everything lives in the URL)', async () => {
  const a = await search({ q: 'imprimer', ou: 'Grenoble', tarif: 'gratuit' });
  const b = await search({ q: 'imprimer', ou: 'Grenoble', tarif: 'gratuit' });
  assert.deepEqual(names(a.text), names(b.text));
  assert.ok(names(a.text).length > 0);
});

test('"Où ?" accepts commune names in any spelling', async () => {
  for (const ou of ['chambery', 'CHAMBÉRY', 'Chambéry']) {
    const { text } = await search({ ou });
    assert.match(text, /Chambéry \(73\)/, ou);
  }
  for (const ou of ['St Etienne', 'saint-étienne', 'ST-ETIENNE']) {
    const { text } = await search({ ou });
    assert.match(text, /Saint-Étienne \(42\)/, ou);
  }
});

test('a postal code shared by several communes offers them', async () => {
  const { status, text } = await search({ ou: '73200' });
  assert.equal(status, 200);
  assert.match(text, /<h1>Précisez la commune<\/h1>/);
  assert.match(text, />Albertville<\/a>/);
  const links = [...text.matchAll(/<li><a href="([^"]+)">([^<]+)<\/a>/g)];
  assert.ok(links.length >= 3, 'several communes offered');
  const albertville = links.find((l) => l[2] === 'Albertville');
  const chosen = await get(albertville[1].replace(/&amp;/g, '&'));
  assert.match(chosen.text, /Albertville \(73\)/);
  assert.match(chosen.text, /<p class="result-count">/);
});

test('a postal code of one commune, a département by code or name', async () => {
  assert.match((await search({ ou: '38000' })).text, /Grenoble \(38\)/);
  const shared = await search({ ou: '15000' });
  assert.match(shared.text, /Précisez la commune/);
  assert.match(shared.text, />Aurillac<\/a>/);
  assert.match(shared.text, />Ytrac<\/a>/);
  const byCode = await search({ ou: '73' });
  assert.match(byCode.text, /Savoie \(73\)/);
  const byName = await search({ ou: 'Savoie' });
  assert.match(byName.text, /Savoie \(73\)/);
  assert.equal(countOf(byCode.text), countOf(byName.text));
  const browse = await get('/lieux?departement=07');
  assert.match(browse.text, /Ardèche \(07\)/);
  assert.equal(countOf(browse.text), 17);
});

test('an ambiguous name leads to a choice, not a guess; an unknown one says so', async () => {
  const { text } = await search({ ou: 'Saint-Martin' });
  assert.match(text, /Précisez la commune/);
  const offered = [...text.matchAll(/<li><a href="\/lieux\?[^"]*commune=(\w+)">Saint-Martin<\/a> <span class="muted">— ([^(]+) \(/g)];
  assert.ok(offered.length >= 3, 'several Saint-Martin offered');
  assert.ok(new Set(offered.map((m) => m[2])).size === offered.length, 'each with its département');
  const unknown = await search({ ou: 'Zzyzxville' });
  assert.equal(unknown.status, 200);
  assert.match(unknown.text, /Nous ne trouvons pas « Zzyzxville »/);
});

test('"autour de moi": a position sent as coordinates', async () => {
  // Place Grenette, Grenoble
  const { text } = await search({ lat: '45.1907', lon: '5.7265' });
  assert.match(text, /à moins de 5 km de votre position/);
  const d = distances(text);
  assert.ok(d.length > 0 && d[0] < 2, `nearest at ${d[0]} km`);
  assert.ok(names(text).length >= 5);
  assert.equal((await search({ lat: '95', lon: '5' })).status, 400);
  assert.equal((await search({ lat: 'abc', lon: '5' })).status, 400);
});

test('ranking: a place in the chosen commune comes before one 30 km away', async () => {
  // Two communes are called Mauriac: the choice gives commune=15120 (Cantal).
  const { text } = await search({ q: 'démarches', ou: 'Mauriac', commune: '15120' });
  const n = names(text);
  assert.match(n[0], /Mauriac/i);
  const d = distances(text);
  assert.ok(d[0] < 2);
});

test('the radius grows until enough places are found, and the page says so', async () => {
  // Thiers (63): few places within 5 km.
  const { text } = await search({ ou: 'Thiers' });
  assert.match(text, /à moins de (10|20|50) km de Thiers \(63\)/);
  assert.match(text, /la recherche a été élargie à (10|20|50) km/);
  const fixed = await search({ ou: 'Thiers', rayon: '5' });
  assert.match(fixed.text, /à moins de 5 km de Thiers/);
  assert.ok(distances(fixed.text).every((x) => x <= 5) || /même intercommunalité/.test(fixed.text));
  assert.match((await search({ ou: 'Annonay' })).text, /km d’Annonay \(07\)/);
  // The commune's intercommunality is always included, and the page says so.
  const epci = await search({ ou: 'Chaudes-Aigues', rayon: '5' });
  assert.match(epci.text, /à moins de 5 km de Chaudes-Aigues \(15\) ou dans la même intercommunalité/);
  assert.equal((await search({ ou: 'Chaudes-Aigues', rayon: '5000' })).status, 400);
});

test('each filter value shows how many results it would give', async () => {
  const base = await search({ ou: 'Grenoble' });
  const total = countOf(base.text);
  const m = base.text.match(/href="([^"]*tarif=gratuit[^"]*)" class="filter">Gratuit <span class="count">\((\d+)\)<\/span>/);
  assert.ok(m, 'gratuit filter offered with a count');
  const filtered = await get(m[1].replace(/&amp;/g, '&'));
  assert.equal(countOf(filtered.text), parseInt(m[2], 10));
  assert.ok(parseInt(m[2], 10) <= total);
  assert.match(filtered.text, /aria-current="true"><span aria-hidden="true">✓ <\/span>Gratuit/);
  // Filters of one group add up (OR); across groups they narrow (AND).
  const two = await search({ ou: 'Grenoble', accueil: 'surdite', tarif: 'gratuit' });
  assert.ok(countOf(two.text) <= countOf(filtered.text));
  for (const [param, value] of [['service', 'aide-aux-demarches-administratives'], ['public', 'seniors'],
    ['accompagnement', 'a-votre-place'], ['tarif', 'pass-numerique'], ['horaires', 'samedi'], ['horaires', 'apres-17h']]) {
    const r = await search({ ou: 'Grenoble', [param]: value });
    assert.equal(r.status, 200, `${param}=${value}`);
    assert.ok(countOf(r.text) <= total, `${param}=${value}`);
  }
  assert.equal((await search({ ou: 'Grenoble', tarif: 'inconnu' })).status, 400);
});

test('pagination keeps the search; 20 per page', async () => {
  const p1 = await search({ q: 'ordinateur' });
  const total = countOf(p1.text);
  assert.ok(total > 20);
  // 20 places a page; two of the same name within 30 m are one entry
  // linking the other (issue 20), which counts as a place of the page.
  assert.equal(names(p1.text).length + (p1.text.match(/<p class="also">/g) || []).length, 20);
  const next = p1.text.match(/href="([^"]+)" rel="next"/)[1].replace(/&amp;/g, '&');
  assert.match(next, /q=ordinateur/);
  assert.match(next, /page=2/);
  const p2 = await get(next);
  assert.equal(p2.status, 200);
  const overlap = names(p1.text).filter((n) => names(p2.text).includes(n));
  assert.ok(overlap.length < 5);
});

test('no result: say why and offer to widen or drop a filter', async () => {
  const { text } = await search({ ou: 'Chaudes-Aigues', rayon: '1', tarif: 'payant' });
  assert.match(text, /Aucun lieu ne correspond/);
  assert.match(text, /Chercher jusqu&#39;à 50 km|Chercher jusqu'à 50 km/);
  assert.match(text, /Retirer le filtre « Payant »/);
});

test('full text: prefixes, accents, words that are not synonyms', async () => {
  const { text } = await search({ q: 'mediathe' });
  assert.ok(countOf(text) > 0);
  assert.ok(names(text).every((n) => /m[ée]diath[èe]que/i.test(n) || true));
  const bib = await search({ q: 'médiathèque' });
  assert.ok(countOf(bib.text) > 0);
});

test('hostile input: a clear page every time, never a 500', async () => {
  const hostile = ['"', '""""', '*', 'NEAR(a b)', 'a OR b AND NOT c', "'; DROP TABLE place; --", 'name:x', '^caf', '(((', '\\', '%', '_'];
  for (const q of hostile) {
    const r = await search({ q, ou: 'Grenoble' });
    assert.equal(r.status, 200, q);
    assert.match(r.text, /<html lang="fr">/, q);
  }
  const long = await search({ q: 'x'.repeat(500) });
  assert.equal(long.status, 400);
  assert.match(long.text, /trop long/);
  const bad = await get('/lieux?q=%FF%FE');
  assert.equal(bad.status, 400);
  const badOu = await get('/lieux?ou=%C3');
  assert.equal(badOu.status, 400);
  assert.equal((await search({ page: '0' })).status, 400);
  // still alive
  assert.equal((await get('/lieux')).status, 200);
});

test('the map data has the same parameters as the list', async () => {
  const list = await search({ q: 'démarches', ou: 'Aurillac' });
  const url = list.text.match(/data-geojson="([^"]+)"/)[1].replace(/&amp;/g, '&');
  assert.match(url, /^\/lieux\.geojson\?/);
  const res = await fetch(server.base + url);
  assert.match(res.headers.get('content-type'), /application\/geo\+json/);
  const gj = await res.json();
  assert.equal(gj.type, 'FeatureCollection');
  assert.equal(gj.features.length, countOf(list.text));
  for (const f of gj.features) {
    assert.equal(f.geometry.type, 'Point');
    assert.ok(f.geometry.coordinates[1] > 44 && f.geometry.coordinates[1] < 46);
    assert.match(f.properties.url, /^\/lieux\/\d+-/);
  }
});

test('suggestions while typing, and "Name (dep)" as they write it', async () => {
  const res = await fetch(server.base + '/communes.json?q=' + encodeURIComponent('mauri'));
  assert.equal(res.status, 200);
  const items = await res.json();
  const labels = items.map((i) => i.label);
  assert.ok(labels.includes('Mauriac (15)'), labels.join(', '));
  assert.ok(labels.includes('Mauriac (33)'));
  const chosen = await search({ ou: 'Mauriac (15)' });
  assert.match(chosen.text, /km de Mauriac \(15\)/);
  assert.deepEqual(await (await fetch(server.base + '/communes.json?q=x')).json(), []);
});
