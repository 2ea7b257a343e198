// End-to-end: the public strings marked in the second round of issue 18
// (intervenants and their pagination, the embed how-to, the report form, workshops,
// territory nouns, search errors) come out in the page's language.
//
// The expected words are read from the catalogues themselves (po/en.po,
// po/ar.po): a message that has a translation must show it on /en/ and /ar/
// pages, one that has none yet must still show its French; so the test
// follows the catalogues as translators fill them, and never pins an English
// sentence by hand.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { sqlite, makeDb, startServer } = require('../lib/server');
const { readPo, escapeHtml } = require('../lib/po');

// The fixed parts of a message (between its %s, %1$s, %d and [ ] of a
// link) as the page prints them.
function pieces(message) {
  return message.split(/%(?:\d\$)?[sd]|[[\]]/).map((p) => escapeHtml(p.trim())).filter((p) => p.length >= 3);
}

const PO = { en: readPo('en'), ar: readPo('ar') };

let server;
let tmp;
let placeId;
let workshopPath;

async function get(p) {
  const res = await fetch(server.base + p, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
  const list = await get('/lieux?ou=Aurillac');
  placeId = list.text.match(/<h3><a href="\/lieux\/(\d+)-[^"]+">/)[1];
  const agenda = await get('/ateliers');
  workshopPath = agenda.text.match(/href="(\/ateliers\/\d+-[^"?#]+)"/)[1];
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

// page → the French messages it must show in the page's language.
const PAGES = () => [
  ['/intervenants', ['Domaine', 'Format', 'Public', 'Langue parlée', 'Chercher', 'Tous', 'Toutes']],
  ['/intervenants/candidater', ['Publics', 'Langues parlées', 'Agréments', 'Tarif', 'Envoyer ma proposition',
    'Naviguer sur internet, utiliser la messagerie', 'Bénévole', 'Conférence', 'Anglais']],
  ['/integrer', ['Afficher les lieux d\'aide au numérique sur le site de votre commune', 'Où ?',
    'Voir le code et l\'aperçu', 'Pour un département, une intercommunalité ou une liste filtrée (un service, un public…), voir [les données ouvertes].']],
  [`/lieux/${placeId}/signaler`, ['L\'adresse', 'Les horaires', 'Le lieu a fermé', 'Autre chose']],
  // (« lieux d'aide au numérique » is a plural: its form depends on the count, and Arabic has six)
  ['/territoire/departement/15', ['France entière']],
];

for (const code of ['en', 'ar']) {
  test(`/${code}/: the marked public strings follow po/${code}.po`, async () => {
    let translated = 0;
    for (const [page, messages] of PAGES()) {
      const res = await get(`/${code}${page}`);
      assert.equal(res.status, 200, `/${code}${page}`);
      for (const message of messages) {
        const msgstr = PO[code].get(message);
        if (msgstr) translated++;
        // (a label passed through a value escapes its apostrophe as &#39;)
        for (const piece of pieces(msgstr || message))
          assert.ok(res.text.includes(piece) || res.text.includes(piece.replace(/'/g, '&#39;')),
            `/${code}${page}: « ${message} » should read « ${piece} »`);
      }
    }
    // Some of these messages are translated already: the test is never
    // vacuous (it fails while the templates leave them unmarked).
    assert.ok(translated >= 3, `only ${translated} of the messages are translated in po/${code}.po`);
  });
}

test('/en/: a workshop page and the selection keep their words in the language', async () => {
  const res = await get(`/en${workshopPath}`);
  assert.equal(res.status, 200);
  // The time range is one message in a context (« de 14 h à 16 h »).
  const range = PO.en.get('plage horaire\u0004de %1$s à %2$s') || 'de %1$s à %2$s';
  const [before] = pieces(range);
  if (before) assert.ok(res.text.includes(before), `the time range reads « ${range} »`);
  assert.doesNotMatch(res.text, /plage horaire/, 'a context never shows');
});

test('/en/: the printed sheet says how to be received in English', async () => {
  // A place one can walk into (« Se présenter »): the sheet says « Sans
  // rendez-vous… » in the page's language. It compared the place's modes,
  // already translated, with French words, and lost the line on /en/.
  const sql = (q) => sqlite(tmp.db, q);
  const id = placeId;
  sql(`UPDATE place SET access_modes = 'Se présenter' WHERE id = ${Number(id)}`);
  const add = await fetch(`${server.base}/en/selection/ajouter`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.base },
    body: `lieu=${id}`,
  });
  const cookie = add.headers.get('set-cookie').match(/^repere_selection=[^;]*/)[0];
  const sheet = await (await fetch(`${server.base}/en/selection/imprimer`, { headers: { Cookie: cookie } })).text();
  const line = PO.en.get("Sans rendez-vous, aux heures d'ouverture");
  assert.ok(line, 'po/en.po translates the line');
  assert.ok(sheet.includes(escapeHtml(line).replace(/'/g, '&#39;')) || sheet.includes(escapeHtml(line)), `the sheet reads « ${line} »`);
});

test('French pages are unchanged by the marks', async () => {
  const howto = await get('/integrer');
  assert.match(howto.text, /voir <a href="\/donnees#h-integrer">les données ouvertes<\/a>\./);
  const report = await get(`/lieux/${placeId}/signaler`);
  assert.match(report.text, /<label for="k-adresse">L&#39;adresse<\/label>/);
});
