// End-to-end: opening hours people can trust. The daemon runs at a chosen
// instant (libfaketime) so the coming week holds Christmas: the week table,
// the status line, public holidays, a later ';' rule replacing earlier ones,
// temporary closures and exceptional hours, unreadable hours.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { makeDb, startServer, repere, BIN, ROOT, DATA_ROOT } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
let server;
let tmp;
let importLog;
const ADMIN = 'admin@example.fr', ADMIN_PW = 'un cheval correct et une agrafe';

async function get(urlPath) {
  const res = await fetch(server.base + urlPath, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

async function placePage(name) {
  const list = await get('/lieux?q=' + encodeURIComponent(name));
  const m = list.text.match(/<h3><a href="(\/lieux\/\d+-[a-z0-9-]+)">/);
  assert.ok(m, `no place for ${name}`);
  return (await get(m[1])).text;
}

const row = (html, day) => {
  const m = html.match(new RegExp(`<th scope="row">${day}[^<]*(?:<span[^>]*>[^<]*</span>)?</th><td>([^<]*)</td>`));
  return m ? m[1] : null;
};

test.before(async () => {
  tmp = makeDb();
  const rec = (id, nom, horaires) => ({
    id, pivot: '00000000000000', nom, commune: 'Grenoble', code_postal: '38000',
    adresse: '1 place de Verdun', date_maj: '2026-11-01', horaires, source: 'tests-hours',
    latitude: 45.1885, longitude: 5.7245,
  });
  const f = path.join(tmp.dir, 'hours.json');
  fs.writeFileSync(f, JSON.stringify([
    rec('h1', 'Espace Mardi Remplacé', 'Mo-Th 09:00-12:00,13:30-18:00; Tu 13:30-18:00'),
    rec('h2', 'Maison Jours Fériés', 'Mo-Fr 09:00-17:00; PH off'),
    rec('h3', 'Cyber Illisible', 'le lundi matin sauf quand il pleut'),
    rec('h4', 'Atelier Écrit à la Main', 'du lundi au vendredi de 9h à 12h et de 14h à 17h'),
    // Sun times, at the place's own position (Briançon), and without a position.
    { ...rec('h5', 'Jardin Partagé du Soleil', 'Mo-Su sunrise-sunset'),
      commune: 'Briançon', code_postal: '05100', latitude: 44.8986, longitude: 6.6436 },
    { ...rec('h6', 'Verger Sans Position', 'Mo-Su sunrise-sunset'),
      commune: 'Briançon', code_postal: '05100', latitude: undefined, longitude: undefined },
  ]));
  const imported = spawnSync(BIN, ['import', f, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT },
  });
  assert.equal(imported.status, 0, imported.stderr);
  importLog = imported.stdout + imported.stderr;
  execFileSync(BIN, ['user', 'add', ADMIN, '--password-stdin', 'admin', '--db', tmp.db], {
    cwd: ROOT, input: ADMIN_PW + '\n', env: { ...process.env, REPERE_ROOT: DATA_ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A closure after Christmas and exceptional hours on Wednesday 23, for "Maison Jours Fériés".
  execFileSync('sqlite3', [tmp.db,
    "INSERT INTO place_closure (place_id, starts_on, ends_on, hours, message) SELECT id, '2026-12-28', '2027-01-03', NULL, 'Fermeture de fin d''année' FROM place WHERE source_id = 'h2';" +
    "INSERT INTO place_closure (place_id, starts_on, ends_on, hours, message) SELECT id, '2026-12-23', '2026-12-23', '10:00-11:00', NULL FROM place WHERE source_id = 'h2';" +
    "INSERT INTO place_closure (place_id, starts_on, ends_on, hours, message) SELECT id, '2026-01-05', '2026-01-09', NULL, 'Passée' FROM place WHERE source_id = 'h2';"]);
  // Monday 21 December 2026, 09:30 in Paris (08:30 UTC).
  server = await startServer({
    db: tmp.db,
    env: { LD_PRELOAD: FAKETIME_LIB, FAKETIME: '@2026-12-21 08:30:00', TZ: 'UTC' },
  });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('a later ";" rule replaces earlier ones for the days it names', async () => {
  const html = await placePage('Mardi Remplacé');
  assert.equal(row(html, 'Lundi 21 décembre'), '9\u00a0h\u00a0– 12\u00a0h, 13\u00a0h\u00a030\u00a0– 18\u00a0h');
  assert.equal(row(html, 'Mardi 22 décembre'), '13\u00a0h\u00a030\u00a0– 18\u00a0h');
  assert.equal(row(html, 'Jeudi 24 décembre'), '9\u00a0h\u00a0– 12\u00a0h, 13\u00a0h\u00a030\u00a0– 18\u00a0h');
  assert.match(row(html, 'Vendredi 25 décembre'), /^fermé/);
  assert.match(html, /Ouvert · ferme à 12\u00a0h/);
  assert.match(html, /Lundi 21 décembre <span class="muted">\(aujourd&#39;hui\)<\/span>|Lundi 21 décembre <span class="muted">\(aujourd'hui\)<\/span>/);
});

test('Christmas Day is closed for "Mo-Fr 09:00-17:00; PH off"; closures take precedence', async () => {
  const html = await placePage('Jours Fériés');
  assert.equal(row(html, 'Vendredi 25 décembre'), 'fermé (jour férié)');
  assert.equal(row(html, 'Jeudi 24 décembre'), '9\u00a0h\u00a0– 17\u00a0h');
  assert.equal(row(html, 'Mercredi 23 décembre'), '10\u00a0h\u00a0– 11\u00a0h'); // exceptional hours
  assert.match(html, /Fermé du 28 décembre 2026 au 3 janvier 2027<\/strong> \(à venir\)/);
  assert.match(html, /Fermeture de fin d&#39;année|Fermeture de fin d'année/);
  assert.match(html, /Horaires exceptionnels le 23 décembre 2026/);
  assert.ok(!html.includes('Passée'), 'past closures are gone');
});

test('hours that cannot be understood are shown as published, "à confirmer par téléphone"', async () => {
  const html = await placePage('Illisible');
  assert.match(html, /le lundi matin sauf quand il pleut/);
  assert.match(html, /Horaires à confirmer par téléphone/);
  assert.ok(!/<table class="week">/.test(html));
});

test('sunrise and sunset are computed at the place\'s position; without one they are « à confirmer »', async () => {
  // opening_hours.js at 44.8986, 6.6436: 08:08-16:54 on 21 December 2026, 08:08-16:55 on the 22nd.
  let html = await placePage('Jardin Partagé du Soleil');
  assert.equal(row(html, 'Lundi 21 décembre'),
    'du lever du soleil (8\u00a0h\u00a008) au coucher du soleil (16\u00a0h\u00a054)');
  assert.equal(row(html, 'Mardi 22 décembre'),
    'du lever du soleil (8\u00a0h\u00a008) au coucher du soleil (16\u00a0h\u00a055)');
  assert.match(html, /Ouvert · ferme à 16\u00a0h\u00a054/);
  assert.match(html, /"opens":\s*"08:08",\s*"closes":\s*"16:54"/, 'JSON-LD');
  const card = (await get('/lieux?q=' + encodeURIComponent('Jardin Partagé du Soleil'))).text;
  assert.match(card, /Ouvert · ferme à 16\u00a0h\u00a054/, 'the result card');
  html = await placePage('Verger Sans Position');
  assert.equal(row(html, 'Lundi 21 décembre'), 'du lever du soleil au coucher du soleil (à confirmer)');
  assert.ok(!/Ouvert · ferme/.test(html), 'never open without a position');
});

test('results show today\'s hours and status; the hours filters count right', async () => {
  const { text } = await get('/lieux?ou=Grenoble&rayon=1');
  assert.match(text, /Ouvert · ferme à 12\u00a0h · aujourd&#39;hui : 9\u00a0h\u00a0– 12\u00a0h, 13\u00a0h\u00a030\u00a0– 18\u00a0h|Ouvert · ferme à 12\u00a0h · aujourd'hui : 9\u00a0h\u00a0– 12\u00a0h, 13\u00a0h\u00a030\u00a0– 18\u00a0h/);
  const now = text.match(/Ouvert maintenant <span class="count">\((\d+)\)<\/span>/);
  assert.ok(now);
  assert.equal(now[1], '3'); // h1, h2 and h4 open at 09:30 on Monday; h3 unknown
  const after = await get('/lieux?ou=Grenoble&rayon=1&horaires=apres-17h');
  assert.match(after.text, /Espace Mardi Remplacé/);
  assert.ok(!after.text.includes('Cyber Illisible'));
});

test('exceptional hours with a message, entered in the closure form, are open hours with a comment', async (t) => {
  const admin = new Browser(server.base);
  assert.equal((await admin.login(ADMIN, ADMIN_PW)).status, 303);
  const list = await get('/lieux?q=' + encodeURIComponent('Mardi Remplacé'));
  const id = list.text.match(/<h3><a href="\/lieux\/(\d+)-/)[1];
  await t.test('the form accepts them', async () => {
    await admin.get(`/admin/lieux/${id}`);
    const res = await admin.post(`/admin/lieux/${id}/fermeture`, {
      kind: 'exceptionnel', starts_on: '2026-12-24', ends_on: '2026-12-24',
      closure_hours: '10:00-12:00', message: 'Horaires réduits (formation)',
    });
    assert.equal(res.status, 303, res.text);
  });
  await t.test('the place page says open, with the message, never "à confirmer"', async () => {
    const html = await placePage('Mardi Remplacé');
    assert.equal(row(html, 'Jeudi 24 décembre'), '10\u00a0h\u00a0– 12\u00a0h');
    assert.match(html, /Horaires réduits \(formation\)/);
  });
  await t.test('the export reads them as open', async () => {
    const r = JSON.parse((await get(`/api/v1/lieux/${id}`)).text);
    assert.match(r.horaires, /2026 Dec 24-2026 Dec 24 10:00-12:00 open "Horaires réduits \(formation\)"/);
    const OpeningHours = require('opening_hours');
    const oh = new OpeningHours(r.horaires, { lat: 45.19, lon: 5.72, address: { country_code: 'fr', state: '' } });
    const at = new Date(2026, 11, 24, 10, 30); // opening_hours.js reads local time
    assert.equal(oh.getState(at), true);
    assert.equal(oh.getUnknown(at), false);
    assert.equal(oh.getComment(at), 'Horaires réduits (formation)');
  });
});

test('hand-typed hours are imported in OpenStreetMap syntax with a warning; unreadable ones are reported', async () => {
  assert.match(importLog, /record 4 \(id h4\): warning: horaires: horaires réécrits en syntaxe OpenStreetMap : « Mo-Fr 09:00-12:00,14:00-17:00 »/);
  assert.match(importLog, /record 3 \(id h3\): warning: horaires: horaires illisibles \(position 10 : .*\) : affichés tels quels/);
  assert.match(importLog, /: 1 horaires illisibles conservés tels quels\n/, 'the count line of the report');
  const html = await placePage('Écrit à la Main');
  assert.equal(row(html, 'Lundi 21 décembre'), '9\u00a0h\u00a0– 12\u00a0h, 14\u00a0h\u00a0– 17\u00a0h');
  assert.ok(!html.includes('Horaires à confirmer par téléphone'));
  const id = (await get('/lieux?q=' + encodeURIComponent('Écrit à la Main'))).text.match(/<h3><a href="\/lieux\/(\d+)-/)[1];
  const r = JSON.parse((await get(`/api/v1/lieux/${id}`)).text);
  assert.equal(r.horaires, 'Mo-Fr 09:00-12:00,14:00-17:00');
});

test('the hours grid of a place whose stored hours cannot be read says so and points to the advanced field', async () => {
  const admin = new Browser(server.base);
  assert.equal((await admin.login(ADMIN, ADMIN_PW)).status, 303);
  const id = (await get('/lieux?q=' + encodeURIComponent('Cyber Illisible'))).text.match(/<h3><a href="\/lieux\/(\d+)-/)[1];
  const page = await admin.get(`/admin/lieux/${id}`);
  assert.equal(page.status, 200);
  const warning = page.text.match(/<p class="notice notice-warning" role="note" id="hours-unreadable">([\s\S]*?)<\/p>/);
  assert.ok(warning, 'a warning above the grid');
  assert.match(warning[1], /ne peuvent pas être lus \(position 10 : /, 'it says why');
  assert.match(warning[1], /horaires à confirmer par téléphone/, 'and what visitors see');
  assert.match(warning[1], /<a href="#f-hours">champ avancé<\/a>/, 'it points to the advanced field');
  assert.match(page.text, /<details id="champ-avance" open>/, 'the advanced field is open');
  assert.match(page.text, /name="hours" value="le lundi matin sauf quand il pleut"/, 'with the stored text');
  // Hours that are readable but too detailed for the grid keep the other warning.
  const other = (await get('/lieux?q=' + encodeURIComponent('Jours Fériés'))).text.match(/<h3><a href="\/lieux\/(\d+)-/)[1];
  const fine = await admin.get(`/admin/lieux/${other}`);
  assert.doesNotMatch(fine.text, /id="hours-unreadable"/);
});

test('hand-typed hours in the admin area are saved in OpenStreetMap syntax and the person is told', async () => {
  const admin = new Browser(server.base);
  assert.equal((await admin.login(ADMIN, ADMIN_PW)).status, 303);
  const id = (await get('/lieux?q=' + encodeURIComponent('Écrit à la Main'))).text.match(/<h3><a href="\/lieux\/(\d+)-/)[1];
  await admin.get(`/admin/lieux/${id}`);
  const res = await admin.post(`/admin/lieux/${id}/horaires-avance`, { hours: 'du lundi au samedi de 9h à 12h et de 14h à 17h' });
  assert.equal(res.status, 303, res.text);
  assert.match(res.location, /ok=reecrit/);
  const page = await admin.get(res.location);
  assert.match(page.text, /réécrits en syntaxe OpenStreetMap/);
  assert.match(page.text, /name="hours" value="Mo-Sa 09:00-12:00,14:00-17:00"/);
  // Canonical text is saved without a word.
  const again = await admin.post(`/admin/lieux/${id}/horaires-avance`, { hours: 'Mo-Fr 09:00-12:00' });
  assert.doesNotMatch(again.location, /reecrit/);
});
