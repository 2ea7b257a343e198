// End-to-end: a public holiday the hours do not mention is never "Ouvert"
// (issue 21). The daemon runs on Christmas Day 2026 (libfaketime): hours
// without PH show "Noël — jour férié : ouverture à confirmer" on the place
// page, its 7-day table, the cards and the printed sheet; the "ouvert
// maintenant", "samedi" and "après 17 h" filters do not count it; JSON-LD
// does not announce it; hours that mention PH are trusted as written.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeDb, startServer, repere } = require('../lib/server');

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
const UNCONFIRMED = 'Noël — jour férié : ouverture à confirmer';
let server;
let tmp;

async function get(urlPath) {
  const res = await fetch(server.base + urlPath, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

// The path of the one place a search for `name` finds.
async function placePath(name) {
  const list = await get('/lieux?q=' + encodeURIComponent(name));
  const m = list.text.match(/<h3><a href="(\/lieux\/(\d+)-[a-z0-9-]+)">/);
  assert.ok(m, `no place for ${name}`);
  return { path: m[1], id: Number(m[2]) };
}

// The text of a row of the 7-day table (tags inside the cell removed).
const row = (html, day) => {
  const m = html.match(new RegExp(`<th scope="row">${day}[^<]*(?:<span[^>]*>[^<]*</span>)?</th><td>(.*?)</td>`));
  return m ? m[1].replace(/<[^>]*>/g, '') : null;
};
const status = (html) => {
  const m = html.match(/<p class="status[^"]*"><strong>([^<]*)<\/strong>/);
  return m ? m[1].replace(/&#39;/g, "'") : null;
};
const names = (html) => [...html.matchAll(/<h3><a href="[^"]*">([^<]*)<\/a><\/h3>/g)].map((m) => m[1]);

test.before(async () => {
  tmp = makeDb();
  const grenoble = { commune: 'Grenoble', code_postal: '38000', code_insee: '38185', latitude: 45.1885, longitude: 5.7245 };
  const strasbourg = { commune: 'Strasbourg', code_postal: '67000', code_insee: '67482', latitude: 48.5734, longitude: 7.7521 };
  const rec = (id, nom, horaires, where = grenoble) => ({
    id, pivot: '00000000000000', nom, ...where, adresse: '1 place de Verdun',
    date_maj: '2026-11-01', horaires, source: 'tests-holidays',
  });
  const f = path.join(tmp.dir, 'holidays.json');
  fs.writeFileSync(f, JSON.stringify([
    rec('f1', 'Espace Sans Férié', 'Mo-Fr 09:00-12:00'),
    rec('f2', 'Maison Fermée Fériés', 'Mo-Fr 09:00-12:00; PH off'),
    rec('f3', 'Relais Ouvert Fériés', 'Mo-Fr 09:00-12:00; PH 10:00-12:00'),
    rec('f4', 'Atelier Vendredi Soir', 'Fr 17:00-19:00'),
    rec('f5', 'Cyber Samedi Grenoble', 'Sa 10:00-12:00'),
    rec('f6', 'Cyber Samedi Strasbourg', 'Sa 10:00-12:00', strasbourg),
  ]));
  repere(tmp.db, ['import', f]);
  // Friday 25 December 2026, 10:30 in Paris (09:30 UTC).
  server = await startServer({
    db: tmp.db,
    env: { LD_PRELOAD: FAKETIME_LIB, FAKETIME: '@2026-12-25 09:30:00', TZ: 'UTC' },
  });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('hours without PH: the place page says "jour férié : ouverture à confirmer", never "Ouvert"', async () => {
  const { text: html } = await get((await placePath('Espace Sans Férié')).path);
  assert.equal(status(html), UNCONFIRMED);
  assert.doesNotMatch(html, /status-open/);
  assert.doesNotMatch(html, /Ouvert ·/);
  assert.match(html, /· horaires habituels : 9\u00a0h\u00a0– 12\u00a0h/);
  // the 7-day table marks the holiday; the other days are as published
  assert.equal(row(html, 'Vendredi 25 décembre'), `${UNCONFIRMED} (horaires habituels : 9\u00a0h\u00a0– 12\u00a0h)`);
  assert.equal(row(html, 'Lundi 28 décembre'), '9\u00a0h\u00a0– 12\u00a0h');
  assert.match(html, /Les horaires publiés ne disent pas si le lieu est ouvert les jours fériés/);
  // schema.org data announces no opening on the holiday
  const ld = html.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/);
  assert.ok(ld, 'JSON-LD present');
  const specs = JSON.parse(ld[1]).openingHoursSpecification || [];
  assert.ok(specs.length > 0);
  assert.ok(!specs.some((s) => s.validFrom === '2026-12-25'), 'no opening announced on Christmas');
});

test('hours that mention PH are trusted as written', async () => {
  let { text: html } = await get((await placePath('Maison Fermée Fériés')).path);
  assert.equal(row(html, 'Vendredi 25 décembre'), 'fermé (jour férié)');
  assert.equal(status(html), 'Fermé · ouvre lundi à 9\u00a0h');
  assert.doesNotMatch(html, /ouverture à confirmer/);
  ({ text: html } = await get((await placePath('Relais Ouvert Fériés')).path));
  assert.equal(row(html, 'Vendredi 25 décembre'), '10\u00a0h\u00a0– 12\u00a0h');
  assert.equal(status(html), 'Ouvert · ferme à 12\u00a0h');
  assert.match(html, /status-open/);
});

test('the "ouvert maintenant" filter and its count leave the holiday out', async () => {
  const all = await get('/lieux?ou=Grenoble&rayon=1');
  const count = all.text.match(/Ouvert maintenant <span class="count">\((\d+)\)<\/span>/);
  assert.ok(count);
  assert.equal(count[1], '1'); // only the place whose hours say PH 10:00-12:00
  // the result card says it too
  assert.match(all.text, new RegExp(`${UNCONFIRMED} · horaires habituels : 9\u00a0h\u00a0– 12\u00a0h`));
  const open = await get('/lieux?ou=Grenoble&rayon=1&horaires=maintenant');
  assert.deepEqual(names(open.text), ['Relais Ouvert Fériés']);
});

test('"samedi" and "après 17 h" do not count an unmentioned holiday', async () => {
  // Saturday 26 December is Saint-Étienne in Alsace-Moselle, an ordinary day in Isère.
  const both = await get('/lieux?q=' + encodeURIComponent('Cyber Samedi'));
  assert.deepEqual(names(both.text).sort(), ['Cyber Samedi Grenoble', 'Cyber Samedi Strasbourg']);
  const sat = await get('/lieux?horaires=samedi&q=' + encodeURIComponent('Cyber Samedi'));
  assert.ok(names(sat.text).includes('Cyber Samedi Grenoble'));
  assert.ok(!names(sat.text).includes('Cyber Samedi Strasbourg'));
  // This week's only Friday evening is Christmas.
  const late = await get('/lieux?ou=Grenoble&rayon=1&horaires=apres-17h');
  assert.ok(!names(late.text).includes('Atelier Vendredi Soir'));
  assert.ok(names((await get('/lieux?ou=Grenoble&rayon=1')).text).includes('Atelier Vendredi Soir'));
});

test('the printed sheet marks the holiday', async () => {
  const { id } = await placePath('Espace Sans Férié');
  const sheet = await get('/selection/imprimer?s=1-p' + id.toString(36));
  assert.equal(sheet.status, 200);
  const m = sheet.text.match(/<th scope="row">Vendredi 25 décembre<\/th><td>(.*?)<\/td>/);
  assert.ok(m, 'the row for Christmas');
  assert.equal(m[1].replace(/<[^>]*>/g, ''), `${UNCONFIRMED} (horaires habituels : 9\u00a0h\u00a0– 12\u00a0h)`);
  assert.match(sheet.text, /Les horaires publiés ne disent pas si le lieu est ouvert les jours fériés/);
});

test('the commune carnet marks the holiday and says to phone first', async () => {
  const carnet = await get('/territoire/38185/imprimer');
  assert.equal(carnet.status, 200);
  const m = carnet.text.match(/<th scope="row">Vendredi 25 décembre<\/th><td><strong>([^<]*)<\/strong><\/td>/);
  assert.ok(m, 'the Christmas row, in bold, for the place whose hours do not mention PH');
  assert.match(m[1], new RegExp(UNCONFIRMED));
  assert.match(carnet.text, /Les horaires publiés ne disent pas si le lieu est ouvert les jours fériés/);
});
