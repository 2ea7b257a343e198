// End-to-end: no page shows one item's data on another (issue 21, part 1).
// Inside a list, an item that lacks a field shows nothing for it — never the
// first item's value, nor the page's. Checked on the six pages where the old
// template engine borrowed: the embeddable widget (phone, hours), the home
// page's workshops ("Complet"), the agenda's day headings ("aujourd'hui"), a
// place's change history ("Qui", "Avant / Après"), the error-report inbox
// (the reporter's contact) and the coordinator's stale places ("sans
// gestionnaire", "rappel … envoyé"). Each expectation comes from outside the
// page: the public API, the database, or what the test itself set up.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { sqlite, BIN, ROOT, DATA_ROOT, makeDb, startServer } = require('../lib/server');
const { FAKE_SENDMAIL, Browser } = require('../lib/fake-sendmail');

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
const PW = {
  admin: 'une administratrice très attentive',
  coord26: 'coordination de la drôme numérique',
  coord38: 'coordination de l isère numérique',
  manager: 'gestion de deux lieux de la loire',
  stale: 'gestion d un lieu à vérifier',
};
const ADMIN_NAME = 'Alix Administratrice';

let tmp, server, mailDir;

function cli(args, { db = tmp.db, input, env = {} } = {}) {
  return execFileSync(BIN, [...args, '--db', db, '--sendmail', `${FAKE_SENDMAIL} ${mailDir}`], {
    cwd: ROOT, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, REPERE_ROOT: DATA_ROOT, ...env },
  });
}
const sql = (q, db = tmp.db) => sqlite(db, q);
const sqlRows = (q, db = tmp.db) => {
  const out = execFileSync('sqlite3', ['-json', db, q], { encoding: 'utf8' }).trim();
  return out ? JSON.parse(out) : [];
};

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const text = (html) => unescape(html.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();

async function get(urlPath, base = server.base) {
  const res = await fetch(base + urlPath, { redirect: 'manual' });
  return { status: res.status, text: await res.text() };
}

// The HTML between the opening tag that contains `marker` and its section end.
function section(html, marker, end = '</section>') {
  const start = html.indexOf(marker);
  assert.ok(start >= 0, `no ${marker} in the page`);
  return html.slice(start, html.indexOf(end, start));
}

function addUser(email, password, roles, name) {
  const out = cli(['user', 'add', email, ...(name ? ['--name', name] : []), '--password-stdin', ...roles], { input: password + '\n' });
  assert.match(out, /done/);
}

async function signedIn(email, password) {
  const b = new Browser(server.base);
  const res = await b.login(email, password);
  assert.equal(res.status, 303, `login of ${email}`);
  return b;
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  mailDir = path.join(tmp.dir, 'mail');
  server = await startServer({ db: tmp.db, args: ['--sendmail', `${FAKE_SENDMAIL} ${mailDir}`] });
  addUser('admin@example.fr', PW.admin, ['admin'], ADMIN_NAME);
});

test.after(async () => {
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

// ---- 1. The widget for town websites ----

test('embed widget: over every département of the demo, each card shows its own place\'s phone and hours, and none when the place has none', async () => {
  // The truth: the public API (same national-schema records as /donnees/lieux.json, plus each place's URL).
  const res = await fetch(server.base + '/api/v1/lieux?limit=1000');
  assert.equal(res.status, 200);
  const api = await res.json();
  assert.equal(api.suivant, null, 'the whole catalogue in one page');
  const byUrl = new Map(api.lieux.map((p) => [p.url, p]));
  assert.equal(byUrl.size, api.lieux.length);

  const departements = sql("SELECT DISTINCT departement FROM place WHERE closed_at IS NULL AND departement IS NOT NULL ORDER BY 1").split('\n');
  assert.ok(departements.length >= 5, `demo départements: ${departements}`);
  let cards = 0, withoutPhone = 0, withoutHours = 0;
  const wrong = [];
  for (const dep of departements) {
    const page = await get(`/embed/lieux?territoire=departement:${dep}`);
    assert.equal(page.status, 200, `embed for ${dep}`);
    assert.doesNotMatch(page.text, /Voir tous les lieux sur Repère/, `département ${dep} fits in one widget`);
    const items = [...page.text.matchAll(/<li class="card"[^>]*>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
    assert.ok(items.length > 0, `cards for ${dep}`);
    for (const card of items) {
      cards++;
      const url = unescape(card.match(/<h3><a href="([^"]+)"/)[1]);
      const place = byUrl.get(url);
      assert.ok(place, `card ${url} is a place of the API`);
      const tel = card.match(/href="tel:([^"]*)"[^>]*>([^<]*)</);
      // Hours in words (issue 20): the card's status line is its own place page's.
      const hours = card.match(/<p class="status[^"]*">([^<]*)<\/p>|<p class="muted">(Horaires à confirmer par téléphone)<\/p>/);
      const shown = { phone: tel ? unescape(tel[1]) : null, hours: hours ? unescape((hours[1] || hours[2]).split(' · aujourd')[0]) : null };
      let ownHours = null;
      if (place.horaires) {
        const own = await (await fetch(url)).text();
        const status = own.match(/<p class="status[^"]*"><strong>([^<]*)<\/strong>/);
        ownHours = status ? unescape(status[1]) : 'Horaires à confirmer par téléphone';
      }
      const own = { phone: place.telephone || null, hours: ownHours };
      if (!own.phone) withoutPhone++;
      if (!own.hours) withoutHours++;
      if (shown.phone !== own.phone || shown.hours !== own.hours) wrong.push(`${dep} ${place.nom}: shows ${JSON.stringify(shown)}, its own ${JSON.stringify(own)}`);
      // The number shown is the number dialled.
      if (tel && /^\+33\d{9}$/.test(shown.phone)) assert.equal(unescape(tel[2]).replace(/\s/g, ''), '0' + shown.phone.slice(3), place.nom);
    }
  }
  assert.equal(cards, api.total, 'every place of the demo is on one département\'s widget');
  assert.ok(withoutPhone > 0 && withoutHours > 0, 'the demo has places without a phone and without hours');
  assert.deepEqual(wrong, [], `${wrong.length} of ${cards} cards show another place's phone or hours`);
});

// ---- 2. The home page's workshops ----

test('home page /?ou=Grenoble: the "Complet" badge is on the full workshop\'s sessions only, once the first one listed is full', async () => {
  const before = await get('/?ou=Grenoble');
  assert.equal(before.status, 200);
  const sessions = (html) => [...section(html, '<ul class="sessions">', '</ul>').matchAll(/<li class="session">([\s\S]*?)<\/li>/g)]
    .map((m) => ({ id: Number(m[1].match(/href="\/ateliers\/(\d+)-/)[1]), full: /Complet/.test(m[1]), html: m[1] }));
  const listed = sessions(before.text);
  assert.ok(new Set(listed.map((s) => s.id)).size >= 2, 'at least two workshops near Grenoble');
  assert.ok(listed.every((s) => !s.full), 'none full in the demo near Grenoble');

  // The first workshop listed becomes full, through the admin area.
  const first = listed[0].id;
  const place = sql(`SELECT place_id FROM workshop WHERE id = ${first}`);
  const admin = await signedIn('admin@example.fr', PW.admin);
  assert.equal((await admin.get(`/admin/lieux/${place}/ateliers/${first}`)).status, 200);
  const res = await admin.post(`/admin/lieux/${place}/ateliers/${first}/complet`, { complet: '1' });
  assert.equal(res.status, 303);

  const after = sessions((await get('/?ou=Grenoble')).text);
  const isFull = new Map(sqlRows(`SELECT id, is_full FROM workshop WHERE id IN (${after.map((s) => s.id).join(',')})`).map((w) => [w.id, w.is_full === 1]));
  assert.equal(isFull.get(first), true, 'the first workshop is now full');
  assert.ok(after.some((s) => !isFull.get(s.id)), 'workshops with seats left are still listed');
  for (const s of after) {
    assert.equal(s.full, isFull.get(s.id), `workshop ${s.id}: "Complet" ${s.full ? 'shown' : 'not shown'} — ${text(s.html)}`);
  }
});

// ---- 3. The agenda's day headings ----

test('agenda /ateliers at a fake time, on a Tuesday with a session: exactly one day heading says "(aujourd\'hui)", today\'s', async () => {
  // The demo's sessions are dated from the day it is loaded: load it and serve on
  // Tuesday 1 December 2026 (weekly "démarches en ligne" on Tuesdays at 14:00), 09:30 in Paris.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repere-test-'));
  const db = path.join(dir, 'agenda.db');
  const env = { LD_PRELOAD: FAKETIME_LIB, FAKETIME: '@2026-12-01 08:30:00', TZ: 'UTC' };
  let agenda;
  try {
    cli(['migrate'], { db, env });
    cli(['demo'], { db, env });
    const today = sqlRows("SELECT count(*) AS n FROM workshop_session WHERE date(starts_at, 'unixepoch') = '2026-12-01' AND starts_at > unixepoch('2026-12-01 08:30:00')", db);
    assert.ok(today[0].n >= 1, 'a session later today in the demo');
    agenda = await startServer({ db, env });
    const page = await get('/ateliers', agenda.base);
    assert.equal(page.status, 200);
    const headings = [...page.text.matchAll(/<h2 id="jour-([0-9-]+)">([\s\S]*?)<\/h2>/g)].map((m) => ({ day: m[1], text: text(m[2]) }));
    assert.ok(headings.length >= 5, `several days listed (${headings.length})`);
    assert.equal(headings[0].day, '2026-12-01', 'today is the first day listed');
    const marked = headings.filter((h) => /\(aujourd'hui\)/.test(h.text));
    assert.deepEqual(marked.map((h) => h.day), ['2026-12-01'], `"(aujourd'hui)" on: ${marked.map((h) => h.text).join(' | ')}`);
    assert.equal(marked[0].text, "mardi 1 décembre 2026 (aujourd'hui)");
    // The next page starts on a later day: no heading there says today.
    const next = await get('/ateliers?page=2', agenda.base);
    assert.equal(next.status, 200);
    assert.doesNotMatch(next.text, /<h2 id="jour-[^"]*">[^<]*<span class="muted">\(aujourd'hui\)/);
  } finally {
    if (agenda) await agenda.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---- 4. A place's change history ----

test('change history: a coordinator\'s import is not credited to the admin who edited later, and a value that was empty shows "vide", row by row', async () => {
  // A place of the Drôme with hours and a phone but no website.
  const id = Number(sql("SELECT id FROM place WHERE departement = '26' AND hours IS NOT NULL AND phone IS NOT NULL AND website IS NULL AND closed_at IS NULL ORDER BY id LIMIT 1"));
  assert.ok(id > 0);
  addUser('coord26@example.fr', PW.coord26, ['coordinator:departement:26'], 'Cora Coordinatrice');
  const coordinator = await signedIn('coord26@example.fr', PW.coord26);

  // 1. The coordinator imports the place's own record with a website (was empty) and another phone.
  const record = await (await fetch(`${server.base}/api/v1/lieux/${id}`)).json();
  assert.equal(record.identifiant, id);
  for (const k of ['identifiant', 'url', 'modifie_le', 'ferme_le']) delete record[k];
  record.site_web = 'https://exemple.fr/espace-numerique';
  record.telephone = '+33475000001';
  await coordinator.get('/admin/import');
  const fd = new FormData();
  fd.append('csrf', coordinator.lastCsrf);
  fd.append('source', sql(`SELECT source FROM place WHERE id = ${id}`));
  fd.append('fichier', new Blob([JSON.stringify([record])], { type: 'application/json' }), 'mise-a-jour.json');
  const preview = await fetch(server.base + '/admin/import', { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: coordinator.cookieHeader() } });
  const previewText = await preview.text();
  assert.equal(preview.status, 200, previewText.slice(0, 1500));
  coordinator.lastCsrf = previewText.match(/name="csrf" value="([^"]+)"/)[1];
  const jeton = previewText.match(/name="jeton" value="([^"]+)"/)[1];
  const done = await coordinator.post('/admin/import/confirmer', { jeton });
  assert.equal(done.status, 200);
  assert.match(done.text, /Import terminé/);
  assert.equal(sql(`SELECT website FROM place WHERE id = ${id}`), 'https://exemple.fr/espace-numerique');

  // 2. The administrator then changes the hours in the editor.
  const admin = await signedIn('admin@example.fr', PW.admin);
  await admin.get(`/admin/lieux/${id}`);
  const edit = await admin.post(`/admin/lieux/${id}/horaires-avance`, { hours: 'Mo-Fr 09:00-12:00' });
  assert.equal(edit.status, 303);

  // The truth, newest first: who (NULL for an import), source, old and new values.
  const expected = sqlRows(`SELECT coalesce(a.name, a.email) AS who, h.source, h.field,
      CAST(h.old_value AS TEXT) AS old, CAST(h.new_value AS TEXT) AS new
      FROM place_history h LEFT JOIN account a ON a.id = h.account_id WHERE h.place_id = ${id} ORDER BY h.id DESC`);
  const imported = expected.filter((e) => e.source === 'import');
  const edited = expected.filter((e) => e.source === 'editor');
  assert.ok(imported.length >= 2 && imported.every((e) => e.who === null), 'import rows have no account');
  assert.ok(imported.some((e) => e.field === 'website' && e.old === null), 'the website was empty before the import');
  assert.deepEqual(edited.map((e) => [e.who, e.field]), [[ADMIN_NAME, 'hours']]);
  assert.equal(expected[0].source, 'editor', 'the admin\'s edit is the newest row');

  const page = await admin.get(`/admin/lieux/${id}/historique`);
  assert.equal(page.status, 200);
  const rows = [...section(page.text, '<tbody>', '</tbody>').matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => {
    const cells = [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]);
    const qui = cells[1].match(/^([\s\S]*?) <span class="muted">\(([^)]*)\)<\/span>$/);
    return { who: text(qui[1]), source: text(qui[2]), old: text(cells[3]), new: text(cells[4]) };
  });
  assert.equal(rows.length, expected.length);
  const sourceFr = { import: 'import', editor: 'éditeur' };
  rows.forEach((row, i) => {
    const e = expected[i];
    const own = { who: e.who || '—', source: sourceFr[e.source] || e.source, old: e.old || 'vide', new: e.new || 'vide' };
    assert.deepEqual(row, own, `history row ${i + 1} (${e.source}, ${e.field})`);
  });
  const websiteRow = rows[expected.findIndex((e) => e.field === 'website')];
  assert.deepEqual([websiteRow.who, websiteRow.old, websiteRow.new], ['—', 'vide', 'https://exemple.fr/espace-numerique']);
});

// ---- 5. The error-report inbox ----

test('report inbox: an anonymous report shows no contact — not the e-mail left on another report — for an admin and for a manager', async () => {
  const [anonymous, signed] = sql("SELECT id FROM place WHERE departement = '42' AND closed_at IS NULL ORDER BY id LIMIT 2").split('\n').map(Number);
  addUser('gestion42@example.fr', PW.manager, [`manager:${anonymous}`, `manager:${signed}`]);
  // The anonymous report first; the one with a contact is newer, so listed first.
  const file = async (placeId, fields) => {
    const resident = new Browser(server.base);
    assert.equal((await resident.get(`/lieux/${placeId}/signaler`)).status, 200);
    const res = await resident.post(`/lieux/${placeId}/signaler`, fields);
    assert.equal(res.status, 200, res.text.slice(0, 500));
  };
  await file(anonymous, { kinds: ['horaires'], message: 'Fermé le mardi matin.', contact: '' });
  await file(signed, { kinds: ['telephone'], message: 'Le numéro ne répond plus.', contact: 'habitante@example.fr' });
  assert.equal(sql(`SELECT coalesce(contact, '') FROM place_report WHERE place_id = ${anonymous}`), '');

  for (const [who, pw] of [['admin@example.fr', PW.admin], ['gestion42@example.fr', PW.manager]]) {
    const b = await signedIn(who, pw);
    const dash = await b.get('/admin');
    assert.equal(dash.status, 200);
    const items = [...section(dash.text, 'aria-labelledby="h-inbox"').matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => ({
      place: Number(m[1].match(/href="\/admin\/lieux\/(\d+)"/)[1]),
      contact: (m[1].match(/<p>Contact : ([^<]*)<\/p>/) || [])[1],
    }));
    assert.deepEqual(items.map((i) => i.place), [signed, anonymous], `${who}: both reports, newest first`);
    assert.equal(items[0].contact, 'habitante@example.fr', `${who}: the signed report shows its contact`);
    assert.equal(items[1].contact, undefined, `${who}: the anonymous report shows no contact`);
    assert.equal((section(dash.text, 'aria-labelledby="h-inbox"').match(/habitante@example\.fr/g) || []).length, 1, `${who}: the e-mail appears once`);
  }
});

// ---- 6. The coordinator's dashboard ----

test('coordinator dashboard: each stale place says "sans gestionnaire" and "rappel des 12 mois envoyé" only when true of that place', async () => {
  addUser('coord38@example.fr', PW.coord38, ['coordinator:departement:38']);
  const coordinator = await signedIn('coord38@example.fr', PW.coord38);
  const staleOf = async () => {
    const dash = await coordinator.get('/admin');
    assert.equal(dash.status, 200);
    const fresh = section(dash.text, 'aria-labelledby="h-fresh"');
    return [...section(fresh, '<ul class="admin-list">', '</ul>').matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => ({
      id: Number(m[1].match(/href="\/admin\/lieux\/(\d+)"/)[1]),
      noManager: /sans gestionnaire/.test(m[1]),
      reminded: (m[1].match(/rappel des (\d+) mois envoyé/) || [])[1] || null,
      text: text(m[1]),
    }));
  };
  const initial = await staleOf();
  assert.ok(initial.length >= 6, `stale places in the Isère (${initial.length})`);
  const ids = initial.map((s) => s.id);

  // Managers for the first, third and fifth stale places; the reminder goes to them;
  // then a manager for the second, who has not been reminded yet.
  // Places without a manager are reminded at their public address: only the
  // fourth publishes one; the other places of the demo are fresh.
  ids.filter((_, i) => [0, 2, 4].includes(i)).forEach((pid, k) => addUser(`stale${k}@example.fr`, PW.stale, [`manager:${pid}`]));
  sql(`UPDATE place SET verified_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id NOT IN (${ids.join(',')});
       UPDATE place SET emails = NULL WHERE id IN (${ids.join(',')});
       UPDATE place SET emails = 'accueil@stale.example.fr' WHERE id = ${ids[3]}`);
  const out = cli(['remind', '--origin', 'https://repere.example.fr']);
  for (const i of [0, 2, 4]) assert.match(out, new RegExp(`^place ${ids[i]} .*not confirmed for 12 months, to its managers$`, 'm'));
  assert.match(out, new RegExp(`^place ${ids[3]} .*not confirmed for 12 months, to its public address$`, 'm'));
  assert.doesNotMatch(out, new RegExp(`^place ${ids[1]} `, 'm'));
  addUser('stale-later@example.fr', PW.stale, [`manager:${ids[1]}`]);

  const truth = new Map(sqlRows(`SELECT p.id,
      EXISTS (SELECT 1 FROM account_role ar WHERE ar.place_id = p.id AND ar.kind = 'manager') AS has_manager,
      (SELECT max(m.stage) FROM place_reminder m WHERE m.place_id = p.id) AS reminded
      FROM place p WHERE p.id IN (${ids.join(',')})`).map((r) => [r.id, r]));
  const stale = await staleOf();
  assert.deepEqual(stale.map((s) => s.id).sort(), [...ids].sort(), 'the same stale places');
  const kinds = new Set();
  for (const s of stale) {
    const t = truth.get(s.id);
    kinds.add(`${t.has_manager}/${t.reminded}`);
    assert.equal(s.noManager, !t.has_manager, `place ${s.id} "sans gestionnaire": ${s.text}`);
    assert.equal(s.reminded, t.reminded === null ? null : String(t.reminded), `place ${s.id} reminder: ${s.text}`);
  }
  assert.deepEqual([...kinds].sort(), ['0/12', '0/null', '1/12', '1/null'],
    'managed and reminded, managed and not reminded, without a manager reminded at its public address or not');
  assert.equal(truth.get(ids[0]).reminded, 12, 'the first stale place was reminded at 12 months');
});
