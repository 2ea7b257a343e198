// End-to-end: "Où ?" is resolved by one module (src/search/where.c) for every page
// that takes a place, so the pages agree in front of a person (issue 12,
// item 1). Before, /lieux?ou=Valence (26) worked while the agenda link on
// that very page answered « Nous ne trouvons pas de commune », and
// /ateliers?ou=Saint-Denis silently picked Saint-Denis (974) where /lieux
// asked to choose. Checked over HTTP on the demo catalogue and the national
// gazetteer: the same answers on /lieux, /ateliers, the home page, the embed
// and the carnet; choice links that carry the choice and the page's other
// parameters.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { makeDb, startServer } = require('../lib/server');

let server;
let tmp;

const get = async (p) => {
  const res = await fetch(server.base + p, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};

const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&#39;/g, "'");

// The communes offered on a choice page: [{ url, name, detail }].
function choices(html) {
  const list = html.match(/<ul class="choices">([\s\S]*?)<\/ul>/);
  if (!list) return [];
  return [...list[1].matchAll(/<li><a href="([^"]+)">([^<]+)<\/a> <span class="muted">— ([^<]+)<\/span><\/li>/g)]
    .map((m) => ({ url: unescape(m[1]), name: m[2], detail: m[3] }));
}

// The INSEE codes a choice page links to, sorted.
const codes = (list) => list.map((c) => new URL(c.url, 'http://x').searchParams.get('commune')).sort();

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

for (const label of ['Valence (26)', 'Grenoble (38)', 'Chambéry (73)']) {
  test(`"${label}" resolves the same on /lieux, /ateliers and the home page`, async () => {
    const ou = encodeURIComponent(label);
    const re = label.replace(/[()]/g, '\\$&');
    const places = await get(`/lieux?ou=${ou}`);
    assert.match(places.text, new RegExp(`<h1>Lieux d'aide au numérique — ${re}</h1>`));
    const agenda = await get(`/ateliers?ou=${ou}`);
    assert.equal(agenda.status, 200);
    assert.doesNotMatch(agenda.text, /Nous ne trouvons pas/);
    assert.match(agenda.text, new RegExp(`<h1>Ateliers numériques près de ${re}</h1>`));
    const home = await get(`/?ou=${ou}`);
    assert.match(home.text, new RegExp(`Ateliers à venir près de ${re}`));
  });
}

test('the agenda link of /lieux leads to the same place', async () => {
  for (const [url, label] of [['/lieux?ou=Valence%20(26)', 'Valence \\(26\\)'],
    ['/lieux?ou=Valence&commune=26362', 'Valence \\(26\\)'],
    ['/lieux?lat=44.93&lon=4.89', 'votre position']]) {
    const { text } = await get(url);
    const link = text.match(/<a href="(\/ateliers\?[^"]+)"/);
    assert.ok(link, `an agenda link on ${url}`);
    const agenda = await get(unescape(link[1]));
    assert.equal(agenda.status, 200);
    assert.match(agenda.text, new RegExp(`<h1>Ateliers numériques près de ${label}</h1>`), url);
    assert.ok(Number(agenda.text.match(/(\d+) séances? à venir/)[1]) > 0, url);
  }
});

test('a shared name: /ateliers asks to choose, as /lieux does, and the choice is carried', async () => {
  const places = await get('/lieux?ou=Saint-Denis');
  assert.match(places.text, /<h1>Précisez la commune<\/h1>/);
  const offered = choices(places.text);
  assert.ok(offered.length >= 2);
  assert.ok(codes(offered).includes('93066') && codes(offered).includes('97411'));

  const theme = encodeURIComponent('Aide aux démarches administratives');
  const agenda = await get(`/ateliers?ou=Saint-Denis&rayon=30&theme=${theme}&moment=matin`);
  assert.equal(agenda.status, 200);
  assert.match(agenda.text, /<h1>Précisez la commune<\/h1>/);
  assert.match(agenda.text, /Plusieurs communes correspondent à « Saint-Denis »/);
  assert.doesNotMatch(agenda.text, /près de Saint-Denis/, 'no homonym picked silently');
  const listed = choices(agenda.text);
  assert.deepEqual(codes(listed), codes(offered), 'the same communes as /lieux');
  for (const c of listed) {
    const params = new URL(c.url, 'http://x').searchParams;
    assert.equal(new URL(c.url, 'http://x').pathname, '/ateliers');
    assert.equal(params.get('ou'), 'Saint-Denis');
    assert.equal(params.get('rayon'), '30');
    assert.equal(params.get('theme'), 'Aide aux démarches administratives');
    assert.equal(params.get('moment'), 'matin');
  }
  // The form asks again and keeps the other parameters.
  assert.match(agenda.text, /<input type="hidden" name="rayon" value="30">/);
  assert.match(agenda.text, /<input type="hidden" name="moment" value="matin">/);

  const chosen = await get(listed.find((c) => c.url.includes('commune=93066')).url);
  assert.equal(chosen.status, 200);
  assert.match(chosen.text, /<h1>Ateliers numériques près de Saint-Denis \(93\)<\/h1>/);
  assert.match(chosen.text, /href="\/ateliers\.ics\?ou=Saint-Denis&amp;commune=93066&amp;rayon=30/, 'feeds keep the choice');
  // The form now names the commune unambiguously: resubmitting it asks nothing.
  assert.match(chosen.text, /<input id="ou" name="ou" type="text" value="Saint-Denis \(93\)"/);
  const again = await get('/ateliers?ou=' + encodeURIComponent('Saint-Denis (93)'));
  assert.match(again.text, /<h1>Ateliers numériques près de Saint-Denis \(93\)<\/h1>/);
});

test('a postal code shared by several communes: the agenda offers them too', async () => {
  const places = await get('/lieux?ou=73200');
  const agenda = await get('/ateliers?ou=73200');
  assert.match(agenda.text, /<h1>Précisez la commune<\/h1>/);
  assert.match(agenda.text, />Albertville<\/a>/);
  assert.deepEqual(codes(choices(agenda.text)), codes(choices(places.text)));
});

test('the home page asks to choose too, with links back to it', async () => {
  const { status, text } = await get('/?ou=Saint-Denis');
  assert.equal(status, 200);
  assert.match(text, /Précisez la commune/);
  assert.doesNotMatch(text, /Ateliers à venir près de Saint-Denis/, 'no homonym picked silently');
  const listed = choices(text);
  assert.deepEqual(codes(listed), codes(choices((await get('/lieux?ou=Saint-Denis')).text)));
  const c = listed.find((x) => x.url.includes('commune=93066'));
  assert.equal(c.url, '/?ou=Saint-Denis&commune=93066');
  const chosen = await get(c.url);
  assert.match(chosen.text, /Ateliers à venir près de Saint-Denis \(93\)/);
  assert.match(chosen.text, /href="\/ateliers\?ou=Saint-Denis&amp;commune=93066"/);
});

test('the embed asks to choose inside the frame, keeping its parameters', async () => {
  const { status, text } = await get('/embed/lieux?ou=Saint-Denis&tarif=gratuit');
  assert.equal(status, 200);
  assert.match(text, /Précisez la commune/);
  const listed = choices(text);
  assert.deepEqual(codes(listed), codes(choices((await get('/lieux?ou=Saint-Denis')).text)));
  for (const c of listed) {
    assert.match(c.url, /^\/embed\/lieux\?ou=Saint-Denis&tarif=gratuit&commune=\w+$/);
  }
  const chosen = await get(listed.find((c) => c.url.endsWith('commune=93066')).url);
  assert.equal(chosen.status, 200);
  assert.match(chosen.text, /<p class="result-count">\d+ lieux?<\/p>/);
  // A commune= already in the link is replaced, never repeated.
  const twice = choices((await get('/embed/lieux?commune=00000&ou=Saint-Denis')).text);
  assert.ok(twice.every((c) => c.url.split('commune=').length === 2));
  const valence = await get('/embed/lieux?ou=' + encodeURIComponent('Valence (26)'));
  assert.equal(valence.status, 200);
  assert.ok(Number(valence.text.match(/<p class="result-count">(\d+) lieux?<\/p>/)[1]) > 0);
});

test('an unknown place: the same message everywhere', async () => {
  const message = /Nous ne trouvons pas « Zzyzxville »/;
  for (const url of ['/lieux?ou=Zzyzxville', '/ateliers?ou=Zzyzxville', '/?ou=Zzyzxville', '/embed/lieux?ou=Zzyzxville']) {
    const { status, text } = await get(url);
    assert.equal(status, 200, url);
    assert.match(text, message, url);
  }
});

test('the carnet offers the same homonyms', async () => {
  const { text } = await get('/territoire/saint-denis/imprimer');
  assert.match(text, /<h1>Quelle commune \?<\/h1>/);
  const listed = [...text.matchAll(/href="\/territoire\/(\w+)\/imprimer\?rayon=10">/g)].map((m) => m[1]).sort();
  assert.deepEqual(listed, codes(choices((await get('/lieux?ou=Saint-Denis')).text)));
  assert.match((await get('/territoire/saint-denis-93/imprimer')).text, /<h1>Saint-Denis \(93\) :/);
});

// Issue 14: « Où ? » as people really type it, and issue 20's data items.
const h1 = (html) => (html.match(/<h1>([^<]*)<\/h1>/) || [])[1];

test('a former commune resolves to today\'s commune, and says so', async () => {
  for (const [typed, today] of [['Cran-Gevrier', 'Annecy (74)'], ['cran gevrier', 'Annecy (74)'],
    ['Seynod', 'Annecy (74)'], ['Annecy-le-Vieux', 'Annecy (74)']]) {
    const { text } = await get('/lieux?ou=' + encodeURIComponent(typed));
    assert.equal(h1(text), `Lieux d'aide au numérique — ${today}`, typed);
    assert.match(text, /fait partie aujourd’hui d’Annecy \(74\)/, typed);
  }
});

test('a name with its postal code, département number or Cedex form', async () => {
  for (const [typed, label] of [['Rumilly 74150', 'Rumilly (74)'], ['74150 Rumilly', 'Rumilly (74)'],
    ['Rumilly 74', 'Rumilly (74)'], ['Annecy Cedex', 'Annecy (74)'],
    ['74003 Annecy Cedex 03', 'Annecy (74)'], ['ANNECY CEDEX 9', 'Annecy (74)'],
    ['Saint-Denis 93200', 'Saint-Denis (93)'], ['Saint-Denis 974', 'Saint-Denis (974)']]) {
    const { text } = await get('/lieux?ou=' + encodeURIComponent(typed));
    assert.equal(h1(text), `Lieux d'aide au numérique — ${label}`, typed);
  }
});

test('a misspelt commune: « Vouliez-vous dire … », never a silent guess', async () => {
  for (const [typed, insee] of [['Anecy', '74010'], ['Grenobel', '38185'], ['Chambry', '73065'],
    ['Albertvile', '73011']]) {
    const { text } = await get('/lieux?ou=' + encodeURIComponent(typed));
    assert.equal(h1(text), 'Précisez la commune', typed);
    const offered = codes(choices(text));
    assert.ok(offered.includes(insee), `${typed}: ${offered}`);
    assert.ok(offered.length <= 5, typed);
    assert.match(choices(text)[0].url, new RegExp(`commune=${insee}`), `${typed}: the town first`);
  }
  assert.match((await get('/lieux?ou=Anecy')).text, /Vouliez-vous dire/);
});

test('« La Réunion » is the département 974; 97133 is Saint-Barthélemy, not Guadeloupe', async () => {
  for (const typed of ['La Réunion', 'Réunion', 'la reunion']) {
    const { text } = await get('/lieux?ou=' + encodeURIComponent(typed));
    assert.equal(h1(text), "Lieux d'aide au numérique — La Réunion (974)", typed);
  }
  const { text } = await get('/lieux?ou=97133');
  assert.match(text, /97133 est le code postal de Saint-Barthélemy/);
  assert.doesNotMatch(text, /Vieux-Fort/);
});

test('Valence: the far bigger one at once, the others offered', async () => {
  const { text } = await get('/lieux?ou=Valence');
  assert.equal(h1(text), "Lieux d'aide au numérique — Valence (26)");
  assert.match(text, /Vous cherchiez une autre Valence \?/);
  const others = [...text.matchAll(/href="\/lieux\?ou=Valence&amp;commune=(\w+)"/g)].map((m) => m[1]);
  assert.ok(others.includes('82186') && others.includes('16392'), String(others));
  assert.ok(!others.includes('26362'));
  // Homonyms of similar size still ask.
  assert.equal(h1((await get('/lieux?ou=Saint-Denis')).text), 'Précisez la commune');
});

test('other names people use: without the article, without "sur …", a longer town', async () => {
  // "Le Mont-Dore" is Mont-Dore; "Vorey sur Arzon" is Vorey: offered, and
  // picked when the postal code typed with it leaves one.
  assert.ok(codes(choices((await get('/lieux?ou=' + encodeURIComponent('Le Mont-Dore'))).text)).includes('63236'));
  const ardes = await get('/lieux?ou=' + encodeURIComponent('Ardes sur couze 63420'));
  assert.equal(h1(ardes.text), "Lieux d'aide au numérique — Ardes (63)");
  assert.match(ardes.text, /nous avons compris Ardes \(63\)/);
  // "Livron": a village of 64 exists, Livron-sur-Drôme is 40 times bigger.
  const livron = await get('/lieux?ou=Livron');
  assert.equal(h1(livron.text), 'Précisez la commune');
  assert.equal(codes(choices(livron.text)).includes('26165'), true);
  assert.match(choices(livron.text)[0].name, /Livron-sur-Drôme/);
});

test('a misspelt commune asks the same way on /ateliers, the home page and the embed', async () => {
  for (const url of ['/ateliers?ou=Anecy', '/?ou=Anecy', '/embed/lieux?ou=Anecy']) {
    const { status, text } = await get(url);
    assert.equal(status, 200, url);
    assert.match(text, /Nous ne trouvons pas « Anecy ». Vouliez-vous dire :/, url);
    assert.ok(codes(choices(text)).includes('74010'), url);
  }
});
