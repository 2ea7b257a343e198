// End-to-end: an id that two sources give to their places goes out as
// "source:id" in the exports and the API (so that ids stay unique), and
// this follows the catalogue at once: the ids shared are read once per
// catalogue version (src/places/export.c, shared_ids), not per record.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { servePlaces, repere } = require('../lib/server');

let server;

const place = (source, nom, adresse) => ({
  id: 'lieu-7', pivot: '00000000000000', nom, commune: 'Chambéry', code_postal: '73000', code_insee: '73065',
  adresse, latitude: 45.566, longitude: 5.92, date_maj: '2026-11-01', source,
  services: ['Accès internet et matériel informatique'],
});

test.before(async () => {
  server = await servePlaces([place('essai-a', 'Espace numérique des Halles', '1 place des Halles')]);
});

test.after(async () => {
  await server.close();
});

const ids = async () => (await (await fetch(`${server.base}/api/v1/lieux?limit=10`)).json()).lieux
  .map((l) => l.id).sort();

test('an id another source also uses is prefixed with the source, from the very next request', async () => {
  assert.deepEqual(await ids(), ['lieu-7'], 'one source: the id as it came');
  // Another source's place with the same id, imported while the daemon serves.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repere-shared-'));
  const file = path.join(dir, 'autre.json');
  fs.writeFileSync(file, JSON.stringify([place('essai-b', 'Médiathèque du Verney', '2 rue du Verney')]));
  repere(server.db, ['import', file]);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(await ids(), ['essai-a:lieu-7', 'essai-b:lieu-7']);
  const csv = await (await fetch(`${server.base}/donnees/lieux.csv`)).text();
  assert.match(csv, /\nessai-a:lieu-7,/);
  assert.match(csv, /\nessai-b:lieu-7,/);
});
