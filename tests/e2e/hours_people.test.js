// End-to-end: what hours say reaches the person (issue 15). The daemon runs
// on Wednesday 30 December 2026, 10:30 in Paris (libfaketime), inside the
// Christmas school holidays, with the next week beyond the school calendar.
// Hand-typed hours with « sur rendez-vous » are imported in OpenStreetMap
// syntax with a warning, and read as unknown with their comment on the
// place page and the cards; the "ouvert maintenant" filter does not count
// them; an open end says « à partir de 17 h »; `SH off` closes during the
// holidays and is « à confirmer » beyond the calendar.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { makeDb, startServer, BIN, ROOT, DATA_ROOT } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
const NB = '\u00a0';
let server;
let tmp;
let importLog;
const ADMIN = 'admin@example.fr', ADMIN_PW = 'un cheval correct et une agrafe';

async function get(urlPath) {
  const res = await fetch(server.base + urlPath, { redirect: 'manual' });
  return { status: res.status, text: (await res.text()).replace(/&#39;/g, "'") };
}

async function placePage(name) {
  const list = await get('/lieux?q=' + encodeURIComponent(name));
  const m = list.text.match(/<h3><a href="(\/lieux\/(\d+)-[a-z0-9-]+)">/);
  assert.ok(m, `no place for ${name}`);
  return { html: (await get(m[1])).text, id: m[2] };
}

// The text of a row of the 7-day table (tags inside the cell removed).
const row = (html, day) => {
  const m = html.match(new RegExp(`<th scope="row">${day}[^<]*(?:<span[^>]*>[^<]*</span>)?</th><td>(.*?)</td>`));
  return m ? m[1].replace(/<[^>]*>/g, '') : null;
};
const status = (html) => {
  const m = html.match(/<p class="status[^"]*"><strong>([^<]*)<\/strong>/);
  return m ? m[1] : null;
};

test.before(async () => {
  tmp = makeDb();
  const rec = (id, nom, horaires, n) => ({
    id, pivot: '00000000000000', nom, commune: 'Grenoble', code_postal: '38000', code_insee: '38185',
    adresse: `${n} place de Verdun`, date_maj: '2026-11-01', horaires, source: 'tests-hours-people',
    latitude: 45.1885 + n * 0.001, longitude: 5.7245,
  });
  const f = path.join(tmp.dir, 'hours-people.json');
  fs.writeFileSync(f, JSON.stringify([
    rec('p1', 'Permanence Rendez-vous', 'lun. - ven. 9h-12h sur rendez-vous', 1),
    rec('p2', 'Soirées Numériques', 'Mo-Su 17:00+', 2),
    rec('p3', 'Médiathèque Vacances', 'Mo-Fr 09:00-12:00; SH off', 3),
    rec('p4', 'Espace Toujours Ouvert', 'Mo-Fr 09:00-12:00', 4),
  ]));
  const imported = spawnSync(BIN, ['import', f, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT },
  });
  assert.equal(imported.status, 0, imported.stderr);
  importLog = imported.stdout + imported.stderr;
  execFileSync(BIN, ['user', 'add', ADMIN, '--password-stdin', 'admin', '--db', tmp.db], {
    cwd: ROOT, input: ADMIN_PW + '\n', env: { ...process.env, REPERE_ROOT: DATA_ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Wednesday 30 December 2026, 10:30 in Paris (09:30 UTC).
  server = await startServer({
    db: tmp.db,
    env: { LD_PRELOAD: FAKETIME_LIB, FAKETIME: '@2026-12-30 09:30:00', TZ: 'UTC' },
  });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

const names = (html) => [...html.matchAll(/<h3><a href="[^"]*">([^<]*)<\/a><\/h3>/g)].map((m) => m[1]);
const card = (html, name) => {
  const at = html.indexOf(`>${name}</a></h3>`);
  assert.ok(at > 0, `no card for ${name}`);
  const m = html.slice(at).match(/<p class="status[^"]*">([^<]*)<\/p>/);
  return m ? m[1] : null;
};

test('hand-typed hours with « sur rendez-vous » are imported in OpenStreetMap syntax, with a warning', async () => {
  assert.match(importLog, /record 1 \(id p1\): warning: horaires: horaires réécrits en syntaxe OpenStreetMap : « Mo-Fr 09:00-12:00 "sur rendez-vous" » \[lun\. - ven\. 9h-12h sur rendez-vous\]/);
  assert.doesNotMatch(importLog, /horaires illisibles/);
  const { id } = await placePage('Permanence Rendez-vous');
  const r = JSON.parse((await get(`/api/v1/lieux/${id}`)).text);
  assert.equal(r.horaires, 'Mo-Fr 09:00-12:00 "sur rendez-vous"');
});

test('an unknown state and its comment reach the place page and the card, never "Ouvert"', async () => {
  const { html } = await placePage('Permanence Rendez-vous');
  assert.equal(status(html), 'Ouverture à confirmer · sur rendez-vous');
  assert.equal(row(html, 'Mercredi 30 décembre'), `9${NB}h${NB}– 12${NB}h (à confirmer)`);
  assert.ok(!html.includes('Horaires à confirmer par téléphone'), 'readable hours, not shown as published');
  const list = await get('/lieux?ou=Grenoble&rayon=1');
  assert.equal(card(list.text, 'Permanence Rendez-vous'),
    `Ouverture à confirmer · sur rendez-vous · aujourd'hui : 9${NB}h${NB}– 12${NB}h (à confirmer)`);
});

test('"ouvert maintenant" and "après 17 h" count only time that is surely open', async () => {
  const all = await get('/lieux?ou=Grenoble&rayon=1');
  assert.equal(names(all.text).length, 4);
  const count = all.text.match(/Ouvert maintenant <span class="count">\((\d+)\)<\/span>/);
  assert.ok(count);
  assert.equal(count[1], '1'); // not the appointments (unknown), nor the library (school holidays)
  const open = await get('/lieux?ou=Grenoble&rayon=1&horaires=maintenant');
  assert.deepEqual(names(open.text), ['Espace Toujours Ouvert']);
  const late = await get('/lieux?ou=Grenoble&rayon=1&horaires=apres-17h');
  assert.ok(!names(late.text).includes('Soirées Numériques'), 'an open end is not open time');
});

test('an open end says « à partir de 17 h », never a guessed closing time', async () => {
  const { html } = await placePage('Soirées Numériques');
  assert.equal(row(html, 'Mercredi 30 décembre'), `à partir de${NB}17${NB}h`);
  assert.equal(status(html), `Fermé · ouverture à confirmer à partir de 17${NB}h`);
  const list = await get('/lieux?ou=Grenoble&rayon=1');
  assert.equal(card(list.text, 'Soirées Numériques'),
    `Fermé · ouverture à confirmer à partir de 17${NB}h · aujourd'hui : à partir de${NB}17${NB}h`);
});

test('"SH off" closes during the school holidays of the place\'s zone; beyond the calendar, « à confirmer »', async () => {
  const { html } = await placePage('Médiathèque Vacances');
  assert.equal(row(html, 'Mercredi 30 décembre'), 'fermé'); // Christmas holidays, zone A (Isère)
  assert.equal(row(html, 'Jeudi 31 décembre'), 'fermé');
  // The calendar stops with 2026: whether 4 January 2027 is a school day is not known.
  assert.equal(row(html, 'Lundi 4 janvier'), `9${NB}h${NB}– 12${NB}h (à confirmer)`);
  const plain = await placePage('Espace Toujours Ouvert');
  assert.equal(row(plain.html, 'Mercredi 30 décembre'), `9${NB}h${NB}– 12${NB}h`);
  assert.equal(row(plain.html, 'Lundi 4 janvier'), `9${NB}h${NB}– 12${NB}h`);
});

test('`repere hours` prints the canonical form and warns that the typed form was rewritten', () => {
  const run = (expr) => spawnSync(BIN, ['hours', expr, '--week', '2026-01-12'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT },
  });
  const typed = run('Mo,Th,weekend 10:00-12:00');
  assert.equal(typed.status, 0, typed.stderr);
  assert.equal(typed.stdout.split('\n')[0], 'Mo,Th,Sa,Su 10:00-12:00');
  assert.equal(typed.stderr, 'avertissement: horaires réécrits en syntaxe OpenStreetMap : « Mo,Th,Sa,Su 10:00-12:00 »\n');
  const canonical = run('Mo,Th,Sa,Su 10:00-12:00');
  assert.equal(canonical.status, 0);
  assert.equal(canonical.stderr, '', 'OpenStreetMap syntax: no warning');
  const unreadable = run('Mo-Fr 10:00-12:00 weekend');
  assert.equal(unreadable.status, 2);
  assert.equal(unreadable.stderr, 'erreur: position 19 : « ; » attendu avant une nouvelle règle, trouvé « weekend »\n');
});

test('hours typed in the admin area in another script or with other quotes are saved in OpenStreetMap syntax, and the person is told', async () => {
  const admin = new Browser(server.base);
  assert.equal((await admin.login(ADMIN, ADMIN_PW)).status, 303);
  const { id } = await placePage('Espace Toujours Ouvert');
  await admin.get(`/admin/lieux/${id}`);
  const res = await admin.post(`/admin/lieux/${id}/horaires-avance`,
    { hours: 'Mo-Fr 09:00-12:00, weekend 10:00-12:00 « sur rendez-vous »' });
  assert.equal(res.status, 303, res.text);
  assert.match(res.location, /ok=reecrit/);
  const page = await admin.get(res.location);
  assert.match(page.text, /réécrits en syntaxe OpenStreetMap/);
  assert.match(page.text, /name="hours" value="Mo-Fr 09:00-12:00, Sa,Su 10:00-12:00 &quot;sur rendez-vous&quot;"/);
  const wrong = await admin.post(`/admin/lieux/${id}/horaires-avance`, { hours: 'Mo-Fr 10:00-12:00 weekend' });
  assert.equal(wrong.status, 400, 'refused, shown again');
  assert.match(wrong.text, /position 19 : « ; » attendu avant une nouvelle règle, trouvé « weekend »/);
  assert.match(wrong.text, /value="Mo-Fr 10:00-12:00 weekend"/, 'with what was typed');
});
