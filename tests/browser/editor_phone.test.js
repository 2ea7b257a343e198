// Browser: the place editor on a 360 px phone. The page is long (every part
// of a listing), so a table of contents on the first screen leads to each
// part, each part saves on its own, nothing scrolls sideways; a refused save
// shows the error box on the first screen and its links bring the faulty
// input into view. axe passes on the editor and on its error state.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer, addUser } = require('../lib/server');
const { launch, contextOptions, screenshot, axe, formatViolations } = require('../lib/browser');

const MANAGER = 'gestion@example.fr', PW = 'une phrase assez longue pour passer';
let tmp, server, browser, place;

test.before(async () => {
  tmp = makeDb({ demo: true });
  place = execFileSync('sqlite3', [tmp.db, 'SELECT id FROM place WHERE closed_at IS NULL ORDER BY id LIMIT 1'], { encoding: 'utf8' }).trim();
  addUser(tmp.db, MANAGER, PW, `manager:${place}`);
  server = await startServer({ db: tmp.db });
  browser = await launch();
});

test.after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

const inView = (p, selector) => p.locator(selector).evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.top >= -1 && r.bottom <= window.innerHeight + 1 && r.left >= 0 && r.right <= window.innerWidth;
});
// A part longer than the screen: its start is on screen.
const startsInView = (p, selector) => p.locator(selector).evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.top >= -1 && r.top < window.innerHeight;
});

test('the place editor at 360 px: contents on the first screen, each part reachable and saved on its own, errors linked to their inputs', async () => {
  const ctx = await browser.newContext(contextOptions({ viewport: 'phone' }));
  const p = await ctx.newPage();
  await p.goto(server.base + '/connexion');
  await p.locator('#email').fill(MANAGER);
  await p.locator('#password').fill(PW);
  await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Se connecter' }).click()]);
  await p.goto(`${server.base}/admin/lieux/${place}`);
  await screenshot(p, 'editor', 'phone-editor');

  assert.ok(await inView(p, 'nav.editor-toc h2'), 'the table of contents starts on the first screen');
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scrolling (${width} px)`);
  const violations = await axe(p);
  assert.equal(violations.length, 0, formatViolations(violations));

  // Every part has its own save button, and the contents lead to it.
  const parts = await p.locator('section.admin-section').evaluateAll((all) => all.map((s) => ({
    id: s.id, buttons: s.querySelectorAll('button[type=submit]').length,
  })));
  for (const part of parts) assert.ok(part.buttons >= 1, `${part.id || 'a part'} saves on its own`);
  const links = await p.locator('nav.editor-toc a').evaluateAll((all) => all.map((a) => a.getAttribute('href')));
  assert.ok(links.length >= 8, `${links.length} entries`);
  for (const href of links) {
    await p.goto(`${server.base}/admin/lieux/${place}`);
    await p.locator(`nav.editor-toc a[href="${href}"]`).click();
    assert.equal(new URL(p.url()).hash, href);
    assert.ok(await startsInView(p, href), `${href} is on screen after following the contents`);
  }
  // From the end of a part, back to the contents.
  await p.goto(`${server.base}/admin/lieux/${place}#services`);
  await p.locator('#services .back-to-toc a').click();
  assert.ok(await inView(p, '#h-toc'), 'back at the contents');

  // A refused save: the error box on the first screen, its link to the input.
  await p.goto(`${server.base}/admin/lieux/${place}`);
  await p.locator('#f-phone').fill('pas un numéro');
  await Promise.all([p.waitForURL(/\/identite#erreurs$/), p.locator('#identite button[type=submit]').click()]);
  await screenshot(p, 'editor', 'phone-editor-error', { fullPage: false });
  assert.ok(await inView(p, '.error-summary h2'), 'the error box is on the first screen');
  assert.ok(await startsInView(p, '#erreurs'), 'the page opens at the error box');
  const errorLinks = p.locator('.error-summary a');
  assert.equal(await errorLinks.count(), 1);
  assert.equal(await errorLinks.first().textContent(), 'Téléphone');
  await errorLinks.first().click();
  assert.ok(await inView(p, '#f-phone'), 'the phone input is on screen');
  assert.equal(await p.inputValue('#f-phone'), 'pas un numéro', 'what was typed is kept');
  const errorViolations = await axe(p);
  assert.equal(errorViolations.length, 0, formatViolations(errorViolations));
  await ctx.close();
});
