// Browser: the coordinators' queue of possible duplicates
// (src/pages/admin/duplicates.c) passes axe (WCAG 2.1 AA) on a phone and a
// desktop, is never wider than the phone, and is reached from the admin
// navigation; a pair decided there leaves the queue.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { BIN, AURA, makeDb, startServer, ROOT, DATA_ROOT } = require('../lib/server');
const { launch, contextOptions, screenshot, axe, formatViolations } = require('../lib/browser');

let tmp, server, browser;
const PASSWORD = 'coordination des doublons';

test.before(async () => {
  tmp = makeDb({ importFiles: [AURA] });
  execFileSync(BIN, ['user', 'add', 'doublons@example.fr', '--password-stdin', 'coordinator:departement:38', '--db', tmp.db], {
    cwd: ROOT, input: PASSWORD + '\n', encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  server = await startServer({ db: tmp.db });
  browser = await launch();
});

test.after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

for (const viewport of ['phone', 'desktop']) {
  test(`the duplicates queue passes axe (${viewport}) and a decision empties it`, async () => {
    const ctx = await browser.newContext(contextOptions({ viewport }));
    const p = await ctx.newPage();
    await p.goto(server.base + '/connexion');
    await p.locator('#email').fill('doublons@example.fr');
    await p.locator('#password').fill(PASSWORD);
    await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Se connecter' }).click()]);
    await p.goto(server.base + '/admin');
    await Promise.all([p.waitForLoadState('load'), p.getByRole('link', { name: 'Doublons possibles' }).click()]);
    assert.match(p.url(), /\/admin\/doublons$/);
    await screenshot(p, 'duplicates', `${viewport}-queue`);
    assert.match(await p.textContent('main'), /« L' Arche » et « L' Arche »/);
    let violations = await axe(p);
    assert.equal(violations.length, 0, formatViolations(violations));
    if (viewport === 'phone') {
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `queue is ${width} px wide`);
    }
    const arche = p.locator('li.card', { hasText: "« L' Arche » et « L' Arche »" });
    await Promise.all([p.waitForLoadState('load'), arche.getByRole('button', { name: 'Ce ne sont pas des doublons' }).click()]);
    assert.match(await p.textContent('main'), /ne sont pas des doublons/);
    assert.doesNotMatch(await p.textContent('main'), /« L' Arche » et « L' Arche »/);
    violations = await axe(p);
    assert.equal(violations.length, 0, formatViolations(violations));
    execFileSync('sqlite3', [tmp.db, 'UPDATE place_duplicate SET decision = NULL']);
    await ctx.close();
  });
}
