// Browser: the proposals pages of the admin area (src/pages/admin/proposals.c)
// pass axe (WCAG 2.1 AA) on a phone and a desktop, and a decision made
// there shows on the page.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, makeDb, startServer, ROOT } = require('../lib/server');
const { launch, contextOptions, screenshot, axe, formatViolations } = require('../lib/browser');

let tmp, server, browser, placeId;
const PASSWORD = 'le lieu garde son numéro';

function run(args, input) {
  return execFileSync(BIN, [...args, '--db', tmp.db], {
    cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}
function importPhone(phone) {
  const p = path.join(tmp.dir, 'lieux.csv');
  fs.writeFileSync(p, 'id,pivot,nom,commune,code_postal,adresse,date_maj,telephone,source\n'
    + `a11y-1,00000000000000,Espace de l'audit,Chambéry,73000,5 rue des Essais,2026-01-01,${phone},producteur\n`);
  run(['import', p]);
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  importPhone('04 79 11 11 11');
  placeId = execFileSync('sqlite3', [tmp.db, "SELECT id FROM place WHERE source_id = 'a11y-1'"], { encoding: 'utf8' }).trim();
  run(['user', 'add', 'audit@example.fr', '--password-stdin', `manager:${placeId}`], PASSWORD + '\n');
  // The manager's edit, then a new number from the producer: one proposal.
  execFileSync('sqlite3', [tmp.db, `INSERT INTO field_origin (entity, entity_id, field, by_person, source, has_source_value, source_value) VALUES ('place', ${placeId}, 'phone', 1, 'producteur', 1, '+33479111111'); UPDATE place SET phone = '+33479222222' WHERE id = ${placeId}`]);
  importPhone('04 79 33 33 33');
  server = await startServer({ db: tmp.db });
  browser = await launch();
});

test.after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

for (const viewport of ['phone', 'desktop']) {
  test(`the proposals pages pass axe (${viewport}), and a proposal is accepted from it`, async () => {
    const ctx = await browser.newContext(contextOptions({ viewport }));
    const p = await ctx.newPage();
    await p.goto(server.base + '/connexion');
    await p.locator('#email').fill('audit@example.fr');
    await p.locator('#password').fill(PASSWORD);
    await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Se connecter' }).click()]);
    for (const url of ['/admin/propositions', `/admin/lieux/${placeId}/propositions`]) {
      await p.goto(server.base + url);
      await screenshot(p, 'proposals', `${viewport}${url.replace(/\//g, '-')}`);
      assert.match(await p.textContent('main'), /\+33479333333/);
      const violations = await axe(p);
      assert.equal(violations.length, 0, `${url}: ${formatViolations(violations)}`);
    }
    if (viewport === 'desktop') {
      await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Accepter : Téléphone' }).click()]);
      assert.match(await p.textContent('main'), /La proposition est acceptée/);
      assert.match(await p.textContent('main'), /Aucune proposition en attente/);
      const violations = await axe(p);
      assert.equal(violations.length, 0, formatViolations(violations));
    }
    await ctx.close();
  });
}
