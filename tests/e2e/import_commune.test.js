// End-to-end (issue 20, "Data shown right"): the importer links a record to
// its commune with the commune name, the postal code and the position
// together. A typo or a former commune no longer leads to a neighbour, a
// Cedex address is linked, and when the three disagree the record is kept
// and the import report says what to check — never a silent guess.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { makeDb, startServer, BIN, ROOT, DATA_ROOT } = require('../lib/server');

const record = (id, nom, commune, codePostal, lat, lon, extra = {}) => ({
  id: String(id), nom, services: 'Accéder à une connexion internet', pivot: '00000000000000',
  commune, code_postal: codePostal, adresse: '1 place de la Mairie', latitude: lat, longitude: lon,
  source: 'Test', date_maj: '2024-01-10', ...extra,
});

const RECORDS = [
  // A typo: "Les Molettes" is Les Mollettes (73800), not Montmélian.
  record(1, 'Espace numérique des Mollettes', 'Les Molettes', '73800', 45.4667, 6.0333),
  // A former commune: La Rochette merged into Valgelon-La Rochette (2019), not Arvillard.
  record(2, 'Médiathèque de La Rochette', 'La Rochette', '73110', 45.4589, 6.1075),
  // A Cedex address.
  record(3, 'Point numérique de la préfecture', 'Annecy Cedex 03', '74003', 45.8992, 6.1289),
  // A former commune of Annecy.
  record(4, 'Maison de quartier de Cran', 'Cran-Gevrier', '74960', 45.9003, 6.1039),
  // Name, postal code and position that disagree: kept, reported.
  record(5, 'Lieu mal placé', 'Zzyzx', '73800', 45.4667, 6.0333),
];

let server;
let tmp;
let report;

test.before(async () => {
  tmp = makeDb();
  const file = path.join(tmp.dir, 'lieux.json');
  fs.writeFileSync(file, JSON.stringify(RECORDS));
  // The report is printed on stderr.
  const run = spawnSync(BIN, ['import', file, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT },
  });
  report = run.stdout + run.stderr;
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

async function inseeOf(name) {
  const res = await fetch(`${server.base}/api/v1/lieux?q=${encodeURIComponent(name)}&limit=50`);
  const body = await res.json();
  const place = body.lieux.find((p) => p.nom === name);
  assert.ok(place, `${name} imported`);
  return place.code_insee;
}

test('a typo in the commune name: the commune of that postal code with the closest name', async () => {
  assert.equal(await inseeOf('Espace numérique des Mollettes'), '73159');
  assert.match(report, /commune « Les Molettes » lue comme Les Mollettes/);
});

test('a former commune: the commune it is part of today', async () => {
  assert.equal(await inseeOf('Médiathèque de La Rochette'), '73215');
  assert.equal(await inseeOf('Maison de quartier de Cran'), '74010');
});

test('a Cedex address is linked to its commune', async () => {
  assert.equal(await inseeOf('Point numérique de la préfecture'), '74010');
});

test('name, postal code and position that disagree: kept and reported, never silent', async () => {
  assert.ok(await inseeOf('Lieu mal placé') !== undefined);
  assert.match(report, /aucune commune nommée « Zzyzx » n’a le code postal 73800/);
  assert.match(report, /imported 5,/);
});
