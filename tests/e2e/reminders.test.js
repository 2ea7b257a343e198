// End-to-end: the freshness reminders of `repere remind` as a place's people
// meet them. A managed place's managers and an unmanaged place's public
// address are mailed with links on the configured public origin; the
// unmanaged place confirms « Rien n'a changé » without an account (GET shows
// a button, the POST confirms), which moves verified_at, shows in the
// place's history and in the API's modified_after delta; the unsubscribe
// link is honoured; a place is mailed at most once every 30 days.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { sqlite, BIN, ROOT, DATA_ROOT, makeDb, startServer, addUser } = require('../lib/server');
const { FAKE_SENDMAIL, readMails, linkFor, Browser } = require('../lib/fake-sendmail');

const ORIGIN = 'https://repere.example.fr';
const PUBLIC = 'accueil@epn-test.example.fr', SECOND = 'direction@epn-test.example.fr';
const MANAGER = 'gestion@example.fr', ADMIN = 'admin@example.fr', PW = 'une phrase assez longue pour passer';
let tmp, server, mailDir, unmanaged, managed;

const sql = (q) => sqlite(tmp.db, q);
function remind(args = [], { origin = true } = {}) {
  return spawnSync(BIN, ['remind', ...args, '--db', tmp.db, '--sendmail', `${FAKE_SENDMAIL} ${mailDir}`,
    ...(origin ? ['--origin', ORIGIN] : [])], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT, REPERE_ORIGIN: '' },
  });
}
const mailsTo = (to) => readMails(mailDir).filter((m) => m.to === to);
const local = (url) => url.pathname + url.search;

test.before(async () => {
  tmp = makeDb({ demo: true });
  mailDir = path.join(tmp.dir, 'mail');
  [unmanaged, managed] = sql('SELECT id FROM place WHERE closed_at IS NULL ORDER BY id LIMIT 2').split('\n').map(Number);
  // Every listing fresh but two, confirmed 200 days ago: one without a
  // manager that publishes two addresses, one with a manager.
  sql(`UPDATE place SET verified_at = NULL, date_maj = date('now');
       UPDATE place SET date_maj = date('now', '-200 days'), emails = '${PUBLIC}|${SECOND}' WHERE id = ${unmanaged};
       UPDATE place SET date_maj = date('now', '-200 days') WHERE id = ${managed};`);
  addUser(tmp.db, MANAGER, PW, `manager:${managed}`);
  addUser(tmp.db, ADMIN, PW, 'admin');
  server = await startServer({ db: tmp.db, args: ['--sendmail', `${FAKE_SENDMAIL} ${mailDir}`] });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('reminders: public origin, unmanaged places, « Rien n\'a changé » without an account, history, API delta, unsubscribe, rate limit', async (t) => {
  await t.test('1. without a public origin, remind refuses to mail links nobody can open', () => {
    const run = remind([], { origin: false });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /REPERE_ORIGIN/);
    assert.equal(readMails(mailDir).length, 0);
    const dry = remind(['--dry-run'], { origin: false });
    assert.equal(dry.status, 0);
    assert.match(dry.stdout, new RegExp(`^place ${unmanaged} .*6 months, to its public address`, 'm'));
    assert.match(dry.stdout, new RegExp(`^place ${managed} .*6 months, to its managers`, 'm'));
  });

  await t.test('2. the managers and the public address are mailed, links on the public origin', () => {
    const run = remind();
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /2 reminder\(s\) due, 2 mailed/);
    const [toManager] = mailsTo(MANAGER);
    assert.match(toManager.body, new RegExp(`${ORIGIN}/verifier\\?lieu=${managed}&exp=\\d+&sig=[0-9a-f]{64}`));
    assert.match(toManager.body, new RegExp(`${ORIGIN}/admin/lieux/${managed}\\b`));
    const [toPlace] = mailsTo(PUBLIC);
    assert.ok(toPlace, 'the unmanaged place is mailed at its first public address');
    assert.equal(mailsTo(SECOND).length, 0, 'only the first address');
    assert.match(toPlace.body, new RegExp(`${ORIGIN}/verifier\\?lieu=${unmanaged}&exp=\\d+&sig=[0-9a-f]{64}`));
    assert.match(toPlace.body, new RegExp(`${ORIGIN}/rappels/desabonner\\?lieu=${unmanaged}&sig=[0-9a-f]{64}`));
    assert.match(toPlace.body, new RegExp(`${ORIGIN}/lieux/${unmanaged}/gerer`));
    assert.doesNotMatch(toPlace.body + toManager.body, /127\.0\.0\.1/);
    assert.match(remind().stdout, /0 reminder\(s\) due/, 'once per stage');
  });

  await t.test('3. at most one reminder per place every 30 days, whatever the stage', () => {
    sql(`UPDATE place SET date_maj = date('now', '-280 days') WHERE id = ${unmanaged}`);
    assert.match(remind(['--dry-run']).stdout, /0 reminder\(s\) due/);
    sql(`UPDATE place_reminder SET sent_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-31 days') WHERE place_id = ${unmanaged}`);
    const out = remind().stdout;
    assert.match(out, new RegExp(`^place ${unmanaged} .*not confirmed for 9 months`, 'm'));
    assert.equal(mailsTo(PUBLIC).length, 2);
  });

  await t.test('4. « Rien n\'a changé » without an account: GET shows a button, the POST confirms', async () => {
    const link = linkFor(mailDir, PUBLIC, '/verifier?');
    const anon = new Browser(server.base);
    const since = sql("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')");
    const delta = async () => (await (await fetch(`${server.base}/api/v1/lieux?modified_after=${encodeURIComponent(since)}&limit=1000`)).json()).lieux || [];
    const page = await anon.get(local(link));
    assert.equal(page.status, 200);
    assert.match(page.text, /<button type="submit" class="button">Rien n'a changé<\/button>/);
    assert.equal(sql(`SELECT verified_at IS NULL FROM place WHERE id = ${unmanaged}`), '1', 'GET changes nothing');
    // Without an account, something changed: the page leads to « Signaler une erreur ».
    const report = page.text.match(/href="(\/lieux\/[^"]+\/signaler)"/);
    assert.ok(report);
    assert.equal((await anon.get(report[1])).status, 200);
    assert.equal((await anon.get(`/lieux/${unmanaged}/gerer`)).status, 200, 'the claim link of the mail works');
    await new Promise((r) => setTimeout(r, 1100)); // timestamps have one-second resolution
    assert.equal((await delta()).length, 0, 'nothing modified yet');
    const forged = await anon.post('/verifier', { lieu: String(unmanaged), exp: link.searchParams.get('exp'), sig: '0'.repeat(64) });
    assert.equal(forged.status, 410);
    const done = await anon.post('/verifier', Object.fromEntries(link.searchParams));
    assert.equal(done.status, 200);
    assert.match(done.text, /Merci/);
    assert.notEqual(sql(`SELECT verified_at IS NULL FROM place WHERE id = ${unmanaged}`), '1');
    const changed = await delta();
    assert.equal(changed.length, 1, 'the confirmation is in the delta');
    assert.match(JSON.stringify(changed[0]), new RegExp(`/lieux/${unmanaged}-`));
  });

  await t.test('5. the confirmation is in the place\'s history, with who and when in words', async () => {
    const admin = new Browser(server.base);
    await admin.login(ADMIN, PW);
    const history = await admin.get(`/admin/lieux/${unmanaged}/historique`);
    assert.equal(history.status, 200);
    const row = history.text.split('<tr>').find((r) => r.includes('Rien n&#39;a changé') || r.includes("Rien n'a changé"));
    assert.ok(row, 'a row for the confirmation');
    assert.match(row, /lien du courriel de rappel/);
    assert.match(row, /\d{1,2}(er)? [a-zéû]+ 20\d\d à \d{1,2} h \d\d/);
    // From the manager's editor too, with the manager's name.
    const manager = new Browser(server.base);
    await manager.login(MANAGER, PW);
    await manager.get(`/admin/lieux/${managed}`);
    const verified = await manager.post(`/admin/lieux/${managed}/verifie`, {});
    assert.equal(verified.status, 303);
    const mine = await admin.get(`/admin/lieux/${managed}/historique`);
    const mineRow = mine.text.split('<tr>').find((r) => /Rien n(&#39;|')a changé/.test(r));
    assert.ok(mineRow);
    assert.match(mineRow, new RegExp(MANAGER.replace('.', '\\.')));
  });

  await t.test('6. the unsubscribe link is honoured', async () => {
    const link = linkFor(mailDir, PUBLIC, '/rappels/desabonner?');
    const anon = new Browser(server.base);
    const page = await anon.get(local(link));
    assert.equal(page.status, 200);
    assert.match(page.text, /Ne plus recevoir ces rappels/);
    assert.equal(sql('SELECT count(*) FROM place_reminder_optout'), '0', 'GET changes nothing');
    const forged = await anon.post('/rappels/desabonner', { lieu: String(unmanaged), sig: 'f'.repeat(64) });
    assert.equal(forged.status, 410);
    const done = await anon.post('/rappels/desabonner', Object.fromEntries(link.searchParams));
    assert.equal(done.status, 200);
    assert.match(done.text, /ne recevra plus de rappels/);
    // Stale again, long after the last reminder: still not mailed.
    sql(`UPDATE place SET verified_at = NULL, date_maj = date('now', '-400 days') WHERE id = ${unmanaged};
         UPDATE place_reminder SET sent_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-60 days')`);
    const before = mailsTo(PUBLIC).length;
    const out = remind().stdout;
    assert.doesNotMatch(out, new RegExp(`^place ${unmanaged} `, 'm'));
    assert.equal(mailsTo(PUBLIC).length, before);
  });
});
