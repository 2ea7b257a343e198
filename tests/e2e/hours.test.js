// End-to-end: opening hours people can trust. The daemon runs at a chosen
// instant (libfaketime) so the coming week holds Christmas: the week table,
// the status line, public holidays, a later ';' rule replacing earlier ones,
// temporary closures and exceptional hours, unreadable hours.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer, repere } = require('../lib/server');

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
let server;
let tmp;

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
  ]));
  repere(tmp.db, ['import', f]);
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

test('results show today\'s hours and status; the hours filters count right', async () => {
  const { text } = await get('/lieux?ou=Grenoble&rayon=1');
  assert.match(text, /Ouvert · ferme à 12\u00a0h · aujourd&#39;hui : 9\u00a0h\u00a0– 12\u00a0h, 13\u00a0h\u00a030\u00a0– 18\u00a0h|Ouvert · ferme à 12\u00a0h · aujourd'hui : 9\u00a0h\u00a0– 12\u00a0h, 13\u00a0h\u00a030\u00a0– 18\u00a0h/);
  const now = text.match(/Ouvert maintenant <span class="count">\((\d+)\)<\/span>/);
  assert.ok(now);
  assert.equal(now[1], '2'); // h1 and h2 open at 09:30 on Monday; h3 unknown
  const after = await get('/lieux?ou=Grenoble&rayon=1&horaires=apres-17h');
  assert.match(after.text, /Espace Mardi Remplacé/);
  assert.ok(!after.text.includes('Cyber Illisible'));
});
