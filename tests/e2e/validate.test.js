// End-to-end: one rule per kind of input, whoever checks it (issue 12,
// item 3). The place editor used to save `contact@mairie..fr` (and the API
// published it) while `repere import` refused the same address: now both ask
// core/validate.c, refuse it for the same reason, and the editor says so next
// to the field, keeping what was typed.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync, execFileSync } = require('node:child_process');
const { sqlite, BIN, ROOT, DATA_ROOT, makeDb, startServer } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

const ADMIN = 'admin@example.fr', ADMIN_PW = 'une règle et une seule pour tous';
const BAD = 'contact@mairie..fr';
const REASON = 'deux points se suivent dans le nom de domaine';

let tmp, server, admin, id;
const sql = (q) => sqlite(tmp.db, q);

// `repere import FILE`: its report goes to stderr.
function importFile(records) {
  const f = path.join(tmp.dir, `lieux-${Date.now()}.json`);
  fs.writeFileSync(f, JSON.stringify(records));
  const r = spawnSync(BIN, ['import', f, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

const record = (over) => ({
  id: 'mairie-1', pivot: '00000000000000', nom: 'Espace numérique de la mairie', adresse: '1 place de la Mairie',
  code_postal: '73000', commune: 'Chambéry', date_maj: '2026-01-15', source: 'tests-validate', ...over,
});

// The identity section of the editor, as the page sends it.
const identity = (emails) => ({
  name: 'Espace numérique de la mairie', phone: '', emails, website: '', booking_url: '',
});

test.before(async () => {
  tmp = makeDb();
  importFile([record({ courriels: 'accueil@mairie.fr' })]);
  id = Number(sql("SELECT id FROM place WHERE source_id = 'mairie-1'"));
  execFileSync(BIN, ['user', 'add', ADMIN, '--password-stdin', 'admin', '--db', tmp.db], {
    cwd: ROOT, input: ADMIN_PW + '\n', env: { ...process.env, REPERE_ROOT: DATA_ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  server = await startServer({ db: tmp.db });
  admin = new Browser(server.base);
  assert.equal((await admin.login(ADMIN, ADMIN_PW)).status, 303);
});

test.after(async () => {
  if (server) await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('the place editor refuses contact@mairie..fr next to the field and keeps what was typed', async () => {
  await admin.get(`/admin/lieux/${id}`);
  const res = await admin.post(`/admin/lieux/${id}/identite`, identity(`accueil@mairie.fr, ${BAD}`));
  assert.equal(res.status, 400);
  assert.match(res.text, new RegExp(`<span class="field-error" id="e-emails">« ${BAD.replace(/\./g, '\\.')} » n&#39;est pas une adresse électronique : ${REASON}\\.</span>`));
  assert.match(res.text, /name="emails" value="accueil@mairie\.fr, contact@mairie\.\.fr"[^>]* aria-describedby="h-emails e-emails" aria-invalid="true"/);
  assert.equal(sql(`SELECT emails FROM place WHERE id = ${id}`), 'accueil@mairie.fr');

  // The API publishes what is stored: still only the good address.
  const api = await (await fetch(`${server.base}/api/v1/lieux/${id}`)).text();
  assert.doesNotMatch(api, /mairie\.\.fr/);
  assert.match(api, /accueil@mairie\.fr/);

  // A valid address is saved.
  await admin.get(`/admin/lieux/${id}`);
  const ok = await admin.post(`/admin/lieux/${id}/identite`, identity('accueil@mairie.fr, epn@mairie.fr'));
  assert.equal(ok.status, 303, ok.text);
  assert.equal(sql(`SELECT emails FROM place WHERE id = ${id}`), 'accueil@mairie.fr|epn@mairie.fr');
});

test('repere import refuses the same address with the same rule and the same reason', () => {
  const report = importFile([record({ id: 'mairie-2', nom: 'Médiathèque', courriels: `${BAD}|bonjour@mediatheque.fr` })]);
  assert.match(report, new RegExp(`courriels: adresse électronique invalide \\(${REASON}\\) : ignorée \\[${BAD.replace(/\./g, '\\.')}\\]`));
  assert.equal(sql("SELECT emails FROM place WHERE source_id = 'mairie-2'"), 'bonjour@mediatheque.fr');
});

test('the other fields of the editor and the new-place form follow the same rules as the importer', async () => {
  await admin.get(`/admin/lieux/${id}`);
  const web = await admin.post(`/admin/lieux/${id}/identite`, { ...identity(''), website: 'https://mairie..fr/epn' });
  assert.equal(web.status, 400);
  assert.match(web.text, new RegExp(`id="e-website">Adresse web invalide : ${REASON}\\.<`));
  assert.match(web.text, /name="website" value="https:\/\/mairie\.\.fr\/epn"/);

  // "www.…" is a web address for the importer: the editor takes it too, written as it stores it.
  await admin.get(`/admin/lieux/${id}`);
  assert.equal((await admin.post(`/admin/lieux/${id}/identite`, { ...identity(''), website: 'www.mairie.fr' })).status, 303);
  assert.equal(sql(`SELECT website FROM place WHERE id = ${id}`), 'http://www.mairie.fr');

  // A position outside the territory of the postal code: refused, as the importer ignores it.
  await admin.get(`/admin/lieux/${id}`);
  const address = { address: '1 place de la Mairie', address_extra: '', postal_code: '73000', commune: 'Chambéry' };
  const swapped = await admin.post(`/admin/lieux/${id}/adresse`, { ...address, latitude: '5.9178', longitude: '45.5646' });
  assert.equal(swapped.status, 400);
  assert.match(swapped.text, /id="e-latitude">Position invalide \(position hors de France\)/);
  assert.match(swapped.text, /name="latitude" value="5\.9178"/);

  await admin.get('/admin/lieux/nouveau');
  const corsica = await admin.post('/admin/lieux/nouveau', { name: 'Espace test', address: '1 cours Napoléon', postal_code: '2A004', commune: 'Ajaccio' });
  assert.equal(corsica.status, 400);
  assert.match(corsica.text, /id="e-postal_code">En Corse aussi, le code postal s&#39;écrit avec des chiffres/);
  assert.match(corsica.text, /value="2A004"/);
});

test('a spreadsheet formula as a name: the editor refuses it and keeps it typed, the importer keeps it with a warning (issue 19)', async () => {
  const formula = '=HYPERLINK("http://evil.example","Cliquez")';
  await admin.get(`/admin/lieux/${id}`);
  const res = await admin.post(`/admin/lieux/${id}/identite`, { ...identity(''), name: formula });
  assert.equal(res.status, 400);
  assert.match(res.text, /id="e-name">Ce texte commence comme une formule de tableur/);
  assert.match(res.text, /name="name" value="=HYPERLINK\(&quot;http:\/\/evil\.example&quot;,&quot;Cliquez&quot;\)"/);
  assert.equal(sql(`SELECT name FROM place WHERE id = ${id}`), 'Espace numérique de la mairie');
  // "- " followed by a space is ordinary text.
  await admin.get(`/admin/lieux/${id}`);
  assert.equal((await admin.post(`/admin/lieux/${id}/identite`, { ...identity(''), name: '- Espace numérique -' })).status, 303);

  const report = importFile([record({ id: 'formule-1', nom: formula })]);
  assert.match(report, /nom: ce texte commence comme une formule de tableur/);
  assert.equal(sql("SELECT name FROM place WHERE source_id = 'formule-1'"), formula);
});

test('a place may hold every value the form offers: all the place types ticked at once are saved (issue 19)', async () => {
  const page = await admin.get(`/admin/lieux/${id}`);
  const types = [...page.text.matchAll(/name="typologies" value="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(types.length > 64, `${types.length} place types offered`);
  const res = await admin.post(`/admin/lieux/${id}/identite`, { ...identity(''), typologies: types });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  assert.equal(sql(`SELECT typologies FROM place WHERE id = ${id}`).split('|').length, types.length);
});
