// End-to-end: the home page with the demo catalogue — browsing by
// département, and the next workshops once a location is known.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { makeDb, startServer } = require('../lib/server');

let server;
let tmp;

const get = async (p) => {
  const res = await fetch(server.base + p);
  return { status: res.status, text: await res.text() };
};

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('the demo catalogue: 429 real places and fictional workshops', async () => {
  const { text } = await get('/');
  assert.match(text, /429 lieux dans l&#39;annuaire|429 lieux dans l'annuaire/);
  assert.match(text, /href="\/ateliers">Voir l&#39;agenda des ateliers|href="\/ateliers">Voir l'agenda des ateliers/);
  const agenda = await get('/ateliers');
  assert.equal(agenda.status, 200);
});

test('with a location, the home page shows the next workshops around it', async () => {
  const { text } = await get('/?ou=Valence%20(26)');
  assert.match(text, /Ateliers à venir près de Valence \(26\)/);
  const items = [...text.matchAll(/<li class="session"><a href="(\/ateliers\/\d+-[^"]+)">/g)];
  assert.ok(items.length >= 1 && items.length <= 4, `${items.length} workshops`);
  assert.equal((await get(items[0][1])).status, 200);
  assert.match(text, /value="Valence \(26\)"/); // the form keeps the location
  const far = await get('/?ou=Gex');
  assert.match(far.text, /Aucun atelier annoncé dans les environs/);
});

test('search results near a point list upcoming workshops too', async () => {
  const { text } = await get('/lieux?ou=Valence&commune=26362');
  assert.match(text, /Ateliers à venir près d&#39;ici|Ateliers à venir près d'ici/);
  assert.match(text, /href="\/ateliers\?ou=Valence&amp;commune=26362"/); // the commune chosen here
});
