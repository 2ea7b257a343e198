// End-to-end: what people mean (issue 14). A synonym is an interpretation to
// rank by and to show, with a link to drop it, never a reason to hide a
// place whose name matches; need words are forgiven one typo. Real daemon,
// the shared AURA data (real names of the national export).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { AURA, makeDb, startServer } = require('../lib/server');

let server;
let tmp;

const get = async (p) => {
  const res = await fetch(server.base + p, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
};
const search = (params) => get('/lieux?' + new URLSearchParams(params).toString());
const names = (html) => [...html.matchAll(/<h3><a href="\/lieux\/\d+-[^"]*">([^<]*)<\/a><\/h3>/g)]
  .map((m) => m[1].replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
const interpretation = (html) => (html.match(/Nous avons compris : <strong>([^<]*)<\/strong>/) || [])[1] || '';

test.before(async () => {
  tmp = makeDb({ importFiles: [AURA] });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('a place named by the words is found although its services do not say so', async () => {
  // "emploi" is a synonym of the job service; these places are named so but
  // list other services: before, the synonym filtered them out.
  for (const [q, ou, name] of [
    ['Cyber Base Emploi', 'Saint-Étienne', 'Cyber Base Emploi'],
    ['Point Rencontre Emploi', 'Feurs', 'Point Rencontre Emploi - Feurs'],
    ['Maison de l\'emploi', 'Eybens', 'Maison de l\'Emploi et de l\'Entreprise - MIFE Isère - EYBENS'],
    ['plateforme emploi', 'Valence (26)', 'La plateforme emploi'],
  ]) {
    const { text } = await search({ q, ou });
    assert.equal(names(text)[0], name, `${q} / ${ou}: ${names(text).slice(0, 5)}`);
    assert.match(interpretation(text), /Insertion professionnelle/, q);
  }
});

test('name first, then other text, then the need; the need still brings places', async () => {
  const { text } = await search({ q: 'emploi', ou: 'Feurs' });
  const list = names(text);
  assert.ok(list.length >= 3);
  assert.match(list[0], /Emploi/i, 'a place named "… Emploi" first');
  const firstNotNamed = list.findIndex((n) => !/emploi/i.test(n));
  if (firstNotNamed >= 0) assert.ok(list.slice(firstNotNamed).every((n) => !/emploi/i.test(n)), String(list));
});

test('the interpretation is shown with a one-click way to drop it', async () => {
  const { text } = await search({ q: 'CAF', ou: 'Aurillac' });
  assert.equal(interpretation(text), 'Aide aux démarches administratives');
  const link = text.match(/<a href="([^"]*litteral=1[^"]*)">chercher seulement « CAF »<\/a>/);
  assert.ok(link, 'a link that drops the interpretation');
  const literal = await get(link[1].replace(/&amp;/g, '&'));
  assert.equal(interpretation(literal.text), '');
  assert.doesNotMatch(literal.text, /Nous avons compris/);
});

test('"caf" is the CAF, not every café', async () => {
  const { text } = await search({ q: 'caf', ou: 'Aurillac' });
  assert.ok(!names(text).some((n) => /caf[ée]/i.test(n) && !/caf\b/i.test(n)), String(names(text)));
});

test('need words with a typo reach the right need', async () => {
  for (const [q, need, none] of [
    ['ordinatuer', /Accès internet et matériel informatique/],
    ['impots', /Aide aux démarches administratives/],
    ['alocations', /Aide aux démarches administratives/],
    ['france travail', /Insertion professionnelle/],
    ['france travial', /Insertion professionnelle/],
    ['pole emploi', /Insertion professionnelle/],
    ['carte vitale', /Aide aux démarches administratives/],
    ['carte vitalle', /Aide aux démarches administratives/],
    ['permis de conduire', /Aide aux démarches administratives/],
    ['allocations', /Aide aux démarches administratives/],
    ['arnaque sur internet', /Utilisation sécurisée du numérique/],
    ['pronote', /Parentalité et éducation/, 'no place of this data offers it'],
    ['appel video avec mes petits enfants', /Maîtrise des outils numériques/],
  ]) {
    const { text } = await search({ q, ou: 'Grenoble' });
    assert.match(interpretation(text), need, q);
    if (!none) assert.ok(names(text).length > 0, `${q}: some places`);
  }
});

test('"France Travail" also means help with procedures online', async () => {
  const { text } = await search({ q: 'France Travail', ou: 'Grenoble' });
  assert.match(interpretation(text), /Aide aux démarches administratives/);
  assert.match(interpretation(text), /Insertion professionnelle/);
});
