// End-to-end: seats remaining per session (issue 20). A weekly workshop
// has 8 seats per session and 5 left by default; the workshops file says
// that next week's session has 1 seat left and the one after is full
// (`places_par_date`), and a one-off series gives its own figures per
// session. Each session shows its own seats, in correct French, on the
// workshop page, in the agenda, in the API and in the iCalendar feed; a
// session without its own figures keeps the workshop's (how data from
// before migration 0030 reads). Impossible figures are rejected with the
// field named.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { sqlite, ROOT, DATA_ROOT, BIN, AURA, makeDb, startServer, repere } = require('../lib/server');

let server;
let tmp;

async function get(urlPath) {
  const res = await fetch(server.base + urlPath, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

const FILE = {
  source: 'tests-places',
  ateliers: [
    {
      id: 'hebdo',
      lieu: { source: 'Hinaura', id: '1109' },
      titre: 'Atelier hebdomadaire des places',
      capacite: 8,
      places_restantes: 5,
      recurrence: { debut: 'J+1 14:00', duree_minutes: 120, regle: 'FREQ=WEEKLY;COUNT=3' },
      places_par_date: [
        { date: 'J+8', places_restantes: 1 },
        { date: 'J+15', complet: true },
      ],
    },
    {
      id: 'serie',
      lieu: { source: 'Hinaura', id: '1109' },
      titre: 'Série de deux séances',
      capacite: 12,
      seances: [
        { debut: 'J+2 10:00', fin: '12:00', places_restantes: 3 },
        { debut: 'J+3 10:00', fin: '12:00', places_restantes: 0 },
      ],
    },
  ],
};

test.before(async () => {
  tmp = makeDb({ importFiles: [AURA] });
  const f = path.join(tmp.dir, 'ateliers-places.json');
  fs.writeFileSync(f, JSON.stringify(FILE));
  repere(tmp.db, ['import', f]);
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

// The <li> of each session on a workshop page, as text.
function sessionItems(html) {
  const list = html.slice(html.indexOf('h-sessions')).split('</ol>')[0];
  return [...list.matchAll(/<li class="session[^"]*">([\s\S]*?)<\/li>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
}

async function workshopPage(title) {
  const agenda = await get('/ateliers?ou=Valence%20(26)&rayon=30');
  const m = agenda.text.match(new RegExp(`<a href="(/ateliers/(\\d+)-[a-z0-9-]+)">${title}</a>`));
  assert.ok(m, `${title} is not in the agenda`);
  return { path: m[1], id: m[2], page: await get(m[1]), agenda: agenda.text };
}

test('the workshop page shows the seats of each session, singular and plural right', async () => {
  const { page } = await workshopPage('Atelier hebdomadaire des places');
  assert.equal(page.status, 200);
  const items = sessionItems(page.text);
  assert.equal(items.length, 3);
  assert.match(items[0], /5 places restantes/); // the workshop's figure
  assert.match(items[1], /1 place restante(?!s)/);
  assert.match(items[2], /Complet/);
  assert.doesNotMatch(items[2], /restante/);
  assert.match(page.text, /8 par séance/);
  assert.doesNotMatch(page.text, /place\(s\)/);
});

test('sessions of a one-off series carry their own seats', async () => {
  const { page } = await workshopPage('Série de deux séances');
  const items = sessionItems(page.text);
  assert.equal(items.length, 2);
  assert.match(items[0], /3 places restantes/);
  assert.match(items[1], /Complet/); // 0 left is full
});

test('the agenda shows the seats per session', async () => {
  const { agenda } = await workshopPage('Atelier hebdomadaire des places');
  const cards = [...agenda.matchAll(/<li class="card session[^"]*">([\s\S]*?)<\/li>/g)]
    .map((m) => m[1])
    .filter((c) => c.includes('Atelier hebdomadaire des places'));
  assert.equal(cards.length, 3);
  assert.match(cards[0], /<span>5 places restantes<\/span>/);
  assert.match(cards[1], /<span>1 place restante<\/span>/);
  assert.match(cards[2], /badge-full">Complet/);
});

test('the API gives capacite, places_restantes and complet per session', async () => {
  const { id } = await workshopPage('Atelier hebdomadaire des places');
  const res = await fetch(`${server.base}/api/v1/ateliers/${id}`);
  assert.equal(res.status, 200);
  const body = await res.json();
  const atelier = body.ateliers ? body.ateliers[0] : body;
  const seances = atelier.seances;
  assert.equal(seances.length, 3);
  assert.deepEqual(seances.map((s) => s.places_restantes), [5, 1, 5]);
  assert.deepEqual(seances.map((s) => s.complet), [false, false, true]);
  assert.deepEqual(seances.map((s) => s.capacite), [8, 8, 8]);
});

test('the iCalendar feed says the seats of each session', async () => {
  const { page } = await workshopPage('Atelier hebdomadaire des places');
  const ics = page.text.match(/<a href="([^"]+\.ics)">Ajouter à son agenda/)[1];
  const text = (await get(ics)).text.replace(/\r\n[ \t]/g, '');
  const descriptions = [...text.matchAll(/^DESCRIPTION:(.*)$/gm)].map((m) => m[1]);
  assert.equal(descriptions.length, 3);
  assert.match(descriptions[0], /5 places restantes\./);
  assert.match(descriptions[1], /1 place restante\./);
  assert.match(descriptions[2], /Complet\./);
});

test('more seats left than seats in a session is rejected, naming the field', () => {
  const bad = {
    source: 'tests-places',
    ateliers: [{
      id: 'trop',
      lieu: { source: 'Hinaura', id: '1109' },
      titre: 'Trop de places',
      capacite: 4,
      recurrence: { debut: 'J+1 09:00', duree_minutes: 60, regle: 'FREQ=WEEKLY;COUNT=2' },
      places_par_date: [{ date: 'J+8', places_restantes: 9 }],
    }],
  };
  const f = path.join(tmp.dir, 'ateliers-trop.json');
  fs.writeFileSync(f, JSON.stringify(bad));
  const run = spawnSync(BIN, ['import', f, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT },
  });
  const out = run.stdout + run.stderr;
  assert.match(out, /places_par_date\[1\]\.places_restantes/);
  assert.match(out, /plus de places restantes que de places en tout/);
});

test('the workshop editor sets the seats of one session; a wrong number is said, with what was typed', async () => {
  const { Browser } = require('../lib/fake-sendmail');
  const { execFileSync } = require('node:child_process');
  const sql = (q) => sqlite(tmp.db, q);
  const place = sql("SELECT id FROM place WHERE source = 'Hinaura' AND source_id = '1109'");
  const workshop = sql("SELECT id FROM workshop WHERE source_id = 'hebdo'");
  execFileSync(BIN, ['user', 'add', 'seances@example.fr', '--password-stdin', `manager:${place}`, '--db', tmp.db], {
    cwd: ROOT, input: 'gestion des places par seance\n', encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  const manager = new Browser(server.base);
  assert.equal((await manager.login('seances@example.fr', 'gestion des places par seance')).status, 303);
  const editor = await manager.get(`/admin/lieux/${place}/ateliers/${workshop}`);
  assert.equal(editor.status, 200);
  const ids = [...editor.text.matchAll(/action="[^"]*\/places-seance"[\s\S]*?name="seance" value="(\d+)"/g)].map((m) => m[1]);
  assert.equal(ids.length, 3, 'a form for each session not cancelled');
  const path = `/admin/lieux/${place}/ateliers/${workshop}/places-seance`;
  const bad = await manager.post(path, { seance: ids[0], places_restantes: 'beaucoup' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /Places restantes : un nombre entier de 0 à 10000/);
  assert.match(bad.text, /saisi : « beaucoup »/);
  await manager.get(`/admin/lieux/${place}/ateliers/${workshop}`);
  const ok = await manager.post(path, { seance: ids[0], places_restantes: '2' });
  assert.equal(ok.status, 303);
  const { page } = await workshopPage('Atelier hebdomadaire des places');
  const items = sessionItems(page.text);
  assert.match(items[0], /2 places restantes/);
  assert.match(items[1], /1 place restante(?!s)/); // the other sessions keep theirs
  assert.match(items[2], /Complet/);
  // Empty: back to the workshop's figure (sessions are rewritten on every save: read the form again).
  const again = await manager.get(`/admin/lieux/${place}/ateliers/${workshop}`);
  const first = again.text.match(/action="[^"]*\/places-seance"[\s\S]*?name="seance" value="(\d+)"[\s\S]*?value="(\d*)"/);
  assert.equal(first[2], '2', 'the form shows the session\'s seats');
  assert.equal((await manager.post(path, { seance: first[1], places_restantes: '' })).status, 303);
  assert.match(sessionItems((await workshopPage('Atelier hebdomadaire des places')).page.text)[0], /5 places restantes/);
});
