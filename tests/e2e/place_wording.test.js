// Fees in one phrase that does not contradict itself, on the place page and
// the result card; only a free access is printed in green. A place closed
// today says so once.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeDb, startServer } = require('../lib/server');

let server;
let tmp;
// The opening-hours day code of tomorrow in Paris: the place is closed today.
const TOMORROW = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'][new Date(new Date(Date.now() + 86400000)
  .toLocaleString('en-US', { timeZone: 'Europe/Paris' })).getDay()];
const GRATUIT = 'Gratuit : Je peux accéder gratuitement au lieu et à ses services';
const PAYANT = "Payant : L'accès au lieu et/ou à ses services est payant";
const ADHESION = "Adhésion : L'accès au lieu et/ou à ses services nécessite d'y adhérer";
const record = (id, nom, conditions) => ({
  id: String(id), pivot: '00000000000000', nom, commune: 'Aurillac', code_postal: '15000', adresse: `${id} rue des Tarifs`, latitude: 44.9264 + id / 1000,
  longitude: 2.4397, telephone: '+33471000000', conditions_acces: conditions, source: 'Essai', date_maj: '2026-01-15',
  services: 'Prendre en main un ordinateur', horaires: 'Mo-Fr 09:00-12:00',
});

test.before(async () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'repere-fees-'));
  const file = path.join(dir, 'tarifs.json');
  fs.writeFileSync(file, JSON.stringify([
    record(1, 'Lieu mixte', `${GRATUIT};${PAYANT};${ADHESION}`),
    record(2, 'Lieu payant', PAYANT),
    record(3, 'Lieu gratuit', GRATUIT),
    { ...record(4, 'Lieu de demain', GRATUIT), horaires: `${TOMORROW} 09:00-12:00` },
    { ...record(5, 'Lieu ancien', GRATUIT), date_maj: '2024-03-01' },
  ]));
  tmp = makeDb({ importFiles: [file] });
  fs.rmSync(dir, { recursive: true, force: true });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

const get = async (u) => (await fetch(server.base + u)).text();
const dd = (html) => (html.match(/<dt>Tarif<\/dt><dd>([^<]*)<\/dd>/) || [])[1];

test('a place with free and paid values says what each applies to', async () => {
  const list = await get('/lieux?ou=Aurillac');
  const paths = Object.fromEntries([...list.matchAll(/<a href="(\/lieux\/\d+-[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[2], m[1]]));
  assert.equal(dd(await get(paths['Lieu mixte'])), 'Gratuit (certains services : payant, adhésion requise)');
  assert.equal(dd(await get(paths['Lieu payant'])), 'Payant');
  assert.equal(dd(await get(paths['Lieu gratuit'])), 'Gratuit');
});

test('on a result card, only a free access is in the green of good news', async () => {
  const list = await get('/lieux?ou=Aurillac');
  assert.match(list, /<span class="fee fee-free">Gratuit \(certains services : payant\)<\/span>/);
  assert.match(list, /<span class="fee">Payant<\/span>/);
  assert.match(list, /<span class="fee fee-free">Gratuit<\/span>/);
  assert.doesNotMatch(list, /<span>Gratuit<\/span> <span>Payant<\/span>/);
});

test('closed today: « Fermé · ouvre demain à 9 h » once, without « aujourd\'hui : fermé »', async () => {
  const list = await get('/lieux?ou=Aurillac');
  const card = list.slice(list.indexOf('Lieu de demain'));
  const status = card.match(/<p class="status[^"]*">([^<]*)<\/p>/)[1].replace(/&#39;/g, "'");
  assert.equal(status, 'Fermé · ouvre demain à 9\u00a0h');
});

test('the « plus d\'un an, téléphonez avant » warning sits with the hours, once', async () => {
  const list = await get('/lieux?ou=Aurillac');
  const html = await get(list.match(/<a href="(\/lieux\/\d+-[^"]+)">Lieu ancien<\/a>/)[1]);
  const start = html.indexOf('<h2 id="h-hours">');
  const hours = html.slice(start, html.indexOf('</section>', start));
  assert.match(hours, /datent de plus d'un an/);
  assert.equal(html.match(/datent de plus d'un an/g).length, 1, 'said once');
});
