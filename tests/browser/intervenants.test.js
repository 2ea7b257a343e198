// The intervenants' directory works without JavaScript: a person filters by
// domain, opens an entry, writes through the relay form and is told it left;
// the application form sent with mistakes comes back with what was typed
// and a French message naming the field, and no axe violation.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer, addUser } = require('../lib/server');
const { FAKE_SENDMAIL, readMails } = require('../lib/fake-sendmail');
const { launch, contextOptions, axe, formatViolations } = require('../lib/browser');

let tmp, server, browser, mailDir, alix, workshop;
const PW = 'une phrase de passe assez longue';

function sql(q) {
  return execFileSync('sqlite3', [tmp.db, q], { encoding: 'utf8' }).trim();
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  // The demo's Alix (home commune Aurillac) gets an account; a manager of an
  // Aurillac place with a workshop; an administrator.
  alix = sql("SELECT id FROM intervenant WHERE email = 'alix.demo@example.org'");
  const [w, place] = sql("SELECT w.id, w.place_id FROM workshop w JOIN place p ON p.id = w.place_id WHERE p.commune_insee = '15014' ORDER BY w.id DESC LIMIT 1").split('|');
  workshop = w;
  addUser(tmp.db, 'alix.demo@example.org', PW, `manager:${place}`);
  sql(`DELETE FROM account_role WHERE account_id = (SELECT id FROM account WHERE email = 'alix.demo@example.org'); UPDATE intervenant SET account_id = (SELECT id FROM account WHERE email = 'alix.demo@example.org') WHERE id = ${alix}`);
  addUser(tmp.db, 'gestion.aurillac@example.fr', PW, `manager:${place}`);
  addUser(tmp.db, 'admin.a11y@example.fr', PW, 'admin');
  mailDir = path.join(tmp.dir, 'mail');
  server = await startServer({ db: tmp.db, args: ['--sendmail', `${FAKE_SENDMAIL} ${mailDir}`] });
  browser = await launch();
});

test.after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('without JavaScript: filter, open an entry, write through the relay', async () => {
  const ctx = await browser.newContext(contextOptions({ viewport: 'phone', javaScriptEnabled: false }));
  const p = await ctx.newPage();
  await p.goto(server.base + '/intervenants');
  await p.selectOption('#f-domaine', 'cybersecurite');
  await Promise.all([p.waitForLoadState('load'), p.click('form[role=search] button[type=submit]')]);
  assert.match(p.url(), /domaine=cybersecurite/);
  await Promise.all([p.waitForLoadState('load'), p.click('ul.results a >> nth=0')]);
  assert.match(p.url(), /\/intervenants\/\d+-/);
  await Promise.all([p.waitForLoadState('load'), p.click('a.button:has-text("Écrire à")')]);
  await p.fill('#f-name', 'Médiathèque de démonstration');
  await p.fill('#f-email', 'mediatheque@example.fr');
  await p.fill('#f-subject', 'Un atelier en avril');
  await p.fill('#f-message', 'Bonjour, seriez-vous disponible le 3 avril ?');
  await Promise.all([p.waitForLoadState('load'), p.click('button[type=submit]')]);
  assert.match(await p.textContent('main'), /Votre message a été transmis/);
  assert.ok(readMails(mailDir).some((m) => /3 avril/.test(m.body)), 'the message was mailed');
  await ctx.close();
});

for (const javaScriptEnabled of [false, true]) test(`JavaScript ${javaScriptEnabled ? 'on' : 'off'}: a rejected application comes back with what was typed${javaScriptEnabled ? ', axe clean' : ''}`, async () => {
  const ctx = await browser.newContext(contextOptions({ viewport: 'phone', javaScriptEnabled }));
  const p = await ctx.newPage();
  await p.goto(server.base + '/intervenants/candidater');
  await p.fill('#f-name', 'Lou Essai (fictif)');
  await p.fill('#f-email', 'pas-une-adresse');
  await Promise.all([p.waitForURL('**/intervenants/candidater', { waitUntil: 'load' }), p.click('form.admin-form button[type=submit]')]);
  assert.match(await p.textContent('#e-email'), /Adresse électronique/);
  assert.match(await p.textContent('#e-domains'), /Domaines/);
  assert.equal(await p.inputValue('#f-name'), 'Lou Essai (fictif)');
  if (javaScriptEnabled) {
    // axe runs as a script: only with JavaScript on.
    const violations = await axe(p);
    assert.equal(violations.length, 0, formatViolations(violations));
  }
  await ctx.close();
});

async function signIn(p, email) {
  await p.goto(server.base + '/connexion');
  await p.locator('#email').fill(email);
  await p.locator('#password').fill(PW);
  await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Se connecter' }).click()]);
}

test('without JavaScript: a place manager says who runs a workshop; the page passes axe', async () => {
  const ctx = await browser.newContext(contextOptions({ viewport: 'phone', javaScriptEnabled: false }));
  const p = await ctx.newPage();
  await signIn(p, 'gestion.aurillac@example.fr');
  await p.goto(`${server.base}/admin/ateliers/${workshop}/intervenants`);
  await p.selectOption('#f-intervenant', alix);
  await Promise.all([p.waitForLoadState('load'), p.click('button[value=ajouter]')]);
  assert.match(await p.textContent('main'), /C'est enregistré/);
  assert.match(await p.textContent('main'), /Retirer Alix Démo/);
  await ctx.close();
  const js = await browser.newContext(contextOptions({ viewport: 'phone' }));
  const q = await js.newPage();
  await signIn(q, 'gestion.aurillac@example.fr');
  await q.goto(`${server.base}/admin/ateliers/${workshop}/intervenants`);
  const violations = await axe(q);
  assert.equal(violations.length, 0, formatViolations(violations));
  await js.close();
});

test('the intervenant\'s own form (places), the coordinators\' list, edit and history pages pass axe', async () => {
  const ctx = await browser.newContext(contextOptions({ viewport: 'phone' }));
  const p = await ctx.newPage();
  const violations = [];
  await signIn(p, 'alix.demo@example.org');
  await p.goto(server.base + '/intervenants/moi');
  assert.match(await p.textContent('main'), /Lieux avec qui vous travaillez/);
  violations.push(...await axe(p));
  await p.fill('#f-place-request', 'pas un numéro');
  await Promise.all([p.waitForLoadState('load'), p.click('button[value=demander]')]);
  assert.match(await p.textContent('#e-place-request'), /Numéro du lieu/);
  violations.push(...await axe(p));
  const admin = await (await browser.newContext(contextOptions({ viewport: 'desktop' }))).newPage();
  await signIn(admin, 'admin.a11y@example.fr');
  for (const url of ['/admin/intervenants', `/admin/intervenants/${alix}/modifier`, `/admin/intervenants/${alix}/historique`]) {
    const res = await admin.goto(server.base + url);
    assert.equal(res.status(), 200, url);
    violations.push(...(await axe(admin)).map((v) => ({ ...v, help: `${url}: ${v.help}` })));
  }
  await ctx.close();
  assert.equal(violations.length, 0, formatViolations(violations));
});
