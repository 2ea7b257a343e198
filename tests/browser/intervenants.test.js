// The intervenants' directory works without JavaScript: a person filters by
// domain, opens an entry, writes through the relay form and is told it left;
// the application form sent with mistakes comes back with what was typed
// and a French message naming the field, and no axe violation.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeDb, startServer } = require('../lib/server');
const { FAKE_SENDMAIL, readMails } = require('../lib/fake-sendmail');
const { launch, contextOptions, axe, formatViolations } = require('../lib/browser');

let tmp, server, browser, mailDir;

test.before(async () => {
  tmp = makeDb({ demo: true });
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
