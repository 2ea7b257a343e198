// End-to-end: a place is written one way, whoever writes it (issue 12,
// item 2). Created in the admin area, imported, edited, restored from its
// history: its time zone, commune link and search keys follow its postal
// code and name, and "open now" is computed in its own time zone.
//
// The daemon runs at Monday 2 March 2026, 06:30 UTC (libfaketime): 10:30 in
// La Réunion (UTC+4), 07:30 in Paris (UTC+1). A place open "Mo-Fr
// 09:00-12:00" is open in Saint-Denis (97400) and closed in Chambéry (73000).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { sqlite, BIN, ROOT, DATA_ROOT, makeDb, startServer, repere } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
const ADMIN = 'admin@example.fr', ADMIN_PW = 'une administratrice très attentive';
const REUNION = { name: 'Espace numérique du Barachois', address: '1 rue de Paris', postal_code: '97400', commune: 'Saint-Denis' };
const HOURS = 'Mo-Fr 09:00-12:00';
const DERIVED = 'timezone, commune_insee, departement, slug, name_key, commune_key';

let tmp, server, admin;
const sql = (q) => sqlite(tmp.db, q);
const derived = (where) => sql(`SELECT ${DERIVED} FROM place WHERE ${where}`);

// The status line of the public page: open now?
async function openNow(id) {
  const res = await fetch(`${server.base}/lieux/${id}`, { redirect: 'follow' });
  const text = await res.text();
  const m = text.match(/<p class="status( status-open)?"><strong>([^<]*)<\/strong>/);
  assert.ok(m, `no status line on the page of place ${id}`);
  return { open: Boolean(m[1]), status: m[2] };
}

async function setHours(id) {
  await admin.get(`/admin/lieux/${id}`);
  const res = await admin.post(`/admin/lieux/${id}/horaires-avance`, { hours: HOURS });
  assert.equal(res.status, 303);
}

async function setAddress(id, a) {
  await admin.get(`/admin/lieux/${id}`);
  const res = await admin.post(`/admin/lieux/${id}/adresse`, {
    address: a.address, address_extra: '', postal_code: a.postal_code, commune: a.commune, latitude: '', longitude: '',
  });
  assert.equal(res.status, 303, res.text);
}

test.before(async () => {
  tmp = makeDb();
  const f = path.join(tmp.dir, 'places.json');
  const rec = (id, a) => ({
    id, pivot: '00000000000000', nom: a.name, adresse: a.address, code_postal: a.postal_code,
    commune: a.commune, date_maj: '2026-01-15', source: 'tests-place-write', horaires: HOURS,
  });
  fs.writeFileSync(f, JSON.stringify([
    rec('reunion', REUNION),
    rec('chambery', { name: 'Médiathèque Jean-Jacques Rousseau', address: '1 place de la Mairie', postal_code: '73000', commune: 'Chambéry' }),
  ]));
  repere(tmp.db, ['import', f]);
  execFileSync(BIN, ['user', 'add', ADMIN, '--password-stdin', 'admin', '--db', tmp.db], {
    cwd: ROOT, input: ADMIN_PW + '\n', env: { ...process.env, REPERE_ROOT: DATA_ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  server = await startServer({
    db: tmp.db,
    env: { LD_PRELOAD: FAKETIME_LIB, FAKETIME: '@2026-03-02 06:30:00', TZ: 'UTC' },
  });
  admin = new Browser(server.base);
  assert.equal((await admin.login(ADMIN, ADMIN_PW)).status, 303);
});

test.after(async () => {
  if (server) await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('a place created in the admin area in La Réunion gets Indian/Reunion, like its imported copy', async () => {
  await admin.get('/admin/lieux/nouveau');
  const res = await admin.post('/admin/lieux/nouveau', REUNION);
  assert.equal(res.status, 303);
  const id = Number(res.location.match(/\/admin\/lieux\/(\d+)/)[1]);
  assert.equal(sql(`SELECT timezone FROM place WHERE id = ${id}`), 'Indian/Reunion');
  assert.equal(sql(`SELECT commune_insee || ' ' || departement FROM place WHERE id = ${id}`), '97411 974');
  // The imported copy of the same record: the same derived fields.
  assert.equal(derived(`id = ${id}`), derived("source_id = 'reunion'"));
  // Behaviour: at 10:30 in Saint-Denis (06:30 UTC), "Mo-Fr 09:00-12:00" is open.
  await setHours(id);
  const now = await openNow(id);
  assert.ok(now.open, `expected open, got « ${now.status} »`);
  assert.match(now.status, /^Ouvert · ferme à 12\u00a0h/);
  const imported = Number(sql("SELECT id FROM place WHERE source_id = 'reunion'"));
  assert.deepEqual(await openNow(imported), now);
});

test('editing the postal code moves the time zone and the commune link, and back; restoring it too', async () => {
  const id = Number(sql("SELECT id FROM place WHERE source_id = 'chambery'"));
  assert.equal(derived(`id = ${id}`).split('|').slice(0, 3).join(' '), 'Europe/Paris 73065 73');
  assert.equal((await openNow(id)).open, false); // 07:30 in Chambéry

  await setAddress(id, { address: '2 rue de Paris', postal_code: '97400', commune: 'Saint-Denis' });
  assert.equal(derived(`id = ${id}`).split('|').slice(0, 3).join(' '), 'Indian/Reunion 97411 974');
  assert.equal(sql(`SELECT commune_key FROM place WHERE id = ${id}`), 'saint denis');
  assert.equal(sql(`SELECT latitude < -20 AND longitude > 55 FROM place WHERE id = ${id}`), '1'); // the commune's centre
  assert.equal((await openNow(id)).open, true);

  await setAddress(id, { address: '1 place de la Mairie', postal_code: '73000', commune: 'Chambéry' });
  assert.equal(derived(`id = ${id}`).split('|').slice(0, 3).join(' '), 'Europe/Paris 73065 73');
  assert.equal((await openNow(id)).open, false);

  // « Rétablir » the previous postal code from the history: the time zone follows.
  const entry = sql(`SELECT id FROM place_history WHERE place_id = ${id} AND field = 'postal_code' AND old_value = '97400' ORDER BY id DESC LIMIT 1`);
  assert.ok(entry);
  await admin.get(`/admin/lieux/${id}/historique`);
  const res = await admin.post(`/admin/lieux/${id}/restaurer`, { entry });
  assert.equal(res.status, 303);
  assert.equal(sql(`SELECT postal_code || ' ' || timezone || ' ' || departement FROM place WHERE id = ${id}`), '97400 Indian/Reunion 974');
});

test('re-importing the same records changes nothing derived: one rule for every writer', () => {
  const before = sql(`SELECT group_concat(${DERIVED.replaceAll(', ', " || ' ' || ")}, ';') FROM place WHERE source_id = 'reunion'`);
  const f = path.join(tmp.dir, 'again.json');
  fs.writeFileSync(f, JSON.stringify([{
    id: 'reunion', pivot: '00000000000000', nom: REUNION.name, adresse: REUNION.address, code_postal: REUNION.postal_code,
    commune: REUNION.commune, date_maj: '2026-01-15', source: 'tests-place-write', horaires: HOURS,
  }]));
  const report = path.join(tmp.dir, 'report.json');
  repere(tmp.db, ['import', '--report', report, f]);
  const { counts } = JSON.parse(fs.readFileSync(report, 'utf8')).files[0];
  assert.equal(counts.unchanged, 1);
  assert.equal(counts.updated, 0);
  assert.equal(sql(`SELECT group_concat(${DERIVED.replaceAll(', ', " || ' ' || ")}, ';') FROM place WHERE source_id = 'reunion'`), before);
});
