// End-to-end: the admin area shows dates and times as a person reads them,
// in Europe/Paris time and in words (« 29 novembre 2026 à 0 h 19 »), never
// as raw ISO strings. The test fills every kind of dated thing (a report, a
// claim, an account never signed in, the journal, mails in the outbox, a
// closure, a confirmation, an edit, an intervenant) and scans the visible
// text of every admin page for ISO dates.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { sqlite, makeDb, startServer, addUser, routeTable } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

const ADMIN = 'admin@example.fr', MANAGER = 'gestion@example.fr', PW = 'une phrase assez longue pour passer';
let tmp, server, place, admin;

const sql = (q) => sqlite(tmp.db, q);
// What a person sees: the text of the page, without tags, attributes, scripts.
const visible = (html) => html.replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const ISO = /\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?/g;

test.before(async () => {
  tmp = makeDb({ demo: true });
  place = Number(sql('SELECT id FROM place WHERE closed_at IS NULL ORDER BY id LIMIT 1'));
  addUser(tmp.db, ADMIN, PW, 'admin');
  addUser(tmp.db, MANAGER, PW, `manager:${place}`);
  server = await startServer({ db: tmp.db }); // no --sendmail: mail goes to the outbox
  admin = new Browser(server.base);
  const anon = new Browser(server.base), manager = new Browser(server.base);
  await admin.login(ADMIN, PW);
  await manager.login(MANAGER, PW);
  // A report, a claim, a closure, a confirmation, an invitation never used.
  await anon.get(`/lieux/${place}/signaler`);
  await anon.post(`/lieux/${place}/signaler`, { kinds: ['horaires'], message: 'Fermé le lundi.', contact: '' });
  await anon.get(`/lieux/${place}/gerer`);
  await anon.post(`/lieux/${place}/gerer`, { name: 'Camille Demandeuse', role: '', email: 'camille@exemple.fr', message: '' });
  await manager.get(`/admin/lieux/${place}`);
  await manager.post(`/admin/lieux/${place}/fermeture`, { starts_on: '2026-12-24', ends_on: '2026-12-26', kind: 'ferme', closure_hours: '', message: 'Noël' });
  await manager.get(`/admin/lieux/${place}`);
  await manager.post(`/admin/lieux/${place}/verifie`, {});
  await admin.get('/admin');
  await admin.post('/admin/inviter', { email: 'nouvelle@example.fr', name: 'Nouvelle', place: String(place) });
  await manager.get('/admin/intervenants/inviter');
  await manager.post('/admin/intervenants/inviter', {
    place: String(place), name: 'Camille Intervenante', email: 'inter@example.fr', kind: 'benevole',
    domains: ['cybersecurite'], formats: ['atelier'], fees: 'benevole', commune: '', radius_km: '20',
  });
  // An old confirmation that was made at 23:19 UTC: 0 h 19 in Paris.
  sql(`UPDATE place SET verified_at = '2026-11-28T23:19:00Z' WHERE id = ${place + 1}`);
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('no admin page shows a raw ISO date; times are in Europe/Paris and in words', async () => {
  const mail = (await admin.get('/admin/courriels')).text.match(/href="(\/admin\/courriels\/[^"]+)"/);
  assert.ok(mail, 'a mail in the outbox');
  const pages = [
    '/admin', `/admin/lieux/${place}`, `/admin/lieux/${place}/historique`, `/admin/lieux/${place}/propositions`,
    '/admin/propositions', `/admin/lieux/${place}/ateliers`, '/admin/journal', '/admin/utilisateurs',
    '/admin/intervenants', '/admin/courriels', mail[1], '/admin/import', `/admin/lieux/${place + 1}`,
    '/admin/doublons',
  ];
  // Every admin page without a parameter is in the list.
  for (const r of routeTable()) {
    if (r.method === 'GET' && r.path.startsWith('/admin') && !r.path.includes('*') && !r.path.endsWith('/nouveau') && !r.path.endsWith('/inviter'))
      assert.ok(pages.includes(r.path), `${r.path} is scanned`);
  }
  const found = [];
  for (const p of pages) {
    const page = await admin.get(p);
    assert.equal(page.status, 200, p);
    for (const m of visible(page.text).matchAll(ISO)) found.push(`${p}: ${m[0]}`);
  }
  assert.deepEqual(found, [], 'raw ISO dates on admin pages');
  const stale = visible((await admin.get(`/admin/lieux/${place + 1}`)).text);
  assert.match(stale, /29 novembre 2026 à 0 h 19/);
});
