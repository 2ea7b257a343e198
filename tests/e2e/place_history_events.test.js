// End-to-end: a place's change history tells more than field edits — a
// temporary closure added and removed, a claim received then refused or
// accepted, the place closed for good — each with who and when, in words.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { sqlite, makeDb, startServer, addUser } = require('../lib/server');
const { FAKE_SENDMAIL, Browser } = require('../lib/fake-sendmail');

const ADMIN = 'admin@example.fr', MANAGER = 'gestion@example.fr', PW = 'une phrase assez longue pour passer';
const WHEN = /\d{1,2}(er)? [a-zéû]+ 20\d\d à \d{1,2} h \d\d/;
let tmp, server, place;

const sql = (q) => sqlite(tmp.db, q);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ').trim();
// The history's rows, newest first: { when, who, what, before, after }.
async function history(browser) {
  const page = await browser.get(`/admin/lieux/${place}/historique`);
  assert.equal(page.status, 200);
  const body = page.text.slice(page.text.indexOf('<tbody>'), page.text.indexOf('</tbody>'));
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => {
    const [when, who, what, before, after] = [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1]));
    return { when, who, what, before, after };
  });
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  place = Number(sql('SELECT id FROM place WHERE closed_at IS NULL ORDER BY id LIMIT 1'));
  addUser(tmp.db, ADMIN, PW, 'admin');
  addUser(tmp.db, MANAGER, PW, `manager:${place}`);
  server = await startServer({ db: tmp.db, args: ['--sendmail', `${FAKE_SENDMAIL} ${path.join(tmp.dir, 'mail')}`] });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('closures, claims and closing for good appear in the history with who and when', async (t) => {
  const admin = new Browser(server.base), manager = new Browser(server.base), anon = new Browser(server.base);
  await admin.login(ADMIN, PW);
  await manager.login(MANAGER, PW);

  await t.test('1. a temporary closure added then removed by the manager', async () => {
    await manager.get(`/admin/lieux/${place}`);
    const added = await manager.post(`/admin/lieux/${place}/fermeture`, { starts_on: '2026-12-24', ends_on: '2026-12-26', kind: 'ferme', closure_hours: '', message: 'Fermeture de Noël' });
    assert.equal(added.status, 303);
    const closure = sql(`SELECT id FROM place_closure WHERE place_id = ${place}`);
    await manager.get(`/admin/lieux/${place}`);
    const removed = await manager.post(`/admin/lieux/${place}/fermeture-supprimer`, { closure });
    assert.equal(removed.status, 303);
    const [gone, made] = await history(admin);
    for (const row of [gone, made]) {
      assert.equal(row.what, 'Fermeture temporaire');
      assert.match(row.who, new RegExp(`^${MANAGER}`));
      assert.match(row.when, WHEN);
    }
    assert.equal(made.after, 'du 24 décembre 2026 au 26 décembre 2026, fermé — Fermeture de Noël');
    assert.equal(made.before, 'vide');
    assert.equal(gone.before, made.after);
    assert.equal(gone.after, 'vide');
  });

  await t.test('2. a claim received (by its author), then refused (by the coordinator) with the reason', async () => {
    await anon.get(`/lieux/${place}/gerer`);
    const sent = await anon.post(`/lieux/${place}/gerer`, { name: 'Camille Demandeuse', role: 'animatrice', email: 'camille@exemple.fr', message: 'Je tiens l\'accueil.' });
    assert.equal(sent.status, 200);
    const [received] = await history(admin);
    assert.equal(received.what, 'Demande de gestion du lieu');
    assert.match(received.who, /^Camille Demandeuse/);
    assert.equal(received.after, 'reçue, en attente (Camille Demandeuse)');
    const claim = sql(`SELECT id FROM place_claim WHERE place_id = ${place}`);
    await admin.get('/admin');
    const refused = await admin.post(`/admin/demandes/${claim}/refuser`, { reason: 'Personne inconnue du lieu' });
    assert.equal(refused.status, 303);
    const [decided] = await history(admin);
    assert.match(decided.who, new RegExp(`^${ADMIN}`));
    assert.equal(decided.after, 'refusée (Camille Demandeuse) : Personne inconnue du lieu');
    assert.match(decided.when, WHEN);
    // Another claim, accepted.
    const other = new Browser(server.base);
    await other.get(`/lieux/${place}/gerer`);
    await other.post(`/lieux/${place}/gerer`, { name: 'Dominique Accueil', role: '', email: 'dominique@exemple.fr', message: '' });
    const second = sql(`SELECT id FROM place_claim WHERE place_id = ${place} AND status = 'pending'`);
    await admin.get('/admin');
    assert.equal((await admin.post(`/admin/demandes/${second}/accepter`, {})).status, 303);
    const [accepted] = await history(admin);
    assert.match(accepted.who, new RegExp(`^${ADMIN}`));
    assert.equal(accepted.before, 'reçue, en attente (Dominique Accueil)');
    assert.equal(accepted.after, 'acceptée (Dominique Accueil)');
  });

  await t.test('3. closing the place for good: who, and the date in words', async () => {
    await admin.get(`/admin/lieux/${place}`);
    const closed = await admin.post(`/admin/lieux/${place}/fermer`, {});
    assert.equal(closed.status, 303);
    const [row] = await history(admin);
    assert.equal(row.what, 'Fermeture définitive');
    assert.match(row.who, new RegExp(`^${ADMIN}`));
    assert.match(row.after, /^\d{1,2}(er)? [a-zéû]+ 20\d\d$/);
  });
});
