// Browser: the territory view in real Chromium. Without JavaScript the
// communes table is complete and sorts through its header links; with
// JavaScript the map draws one circle per commune of the table, sized by
// population, and axe finds nothing with the map open; printed to PDF (A4)
// the page keeps the table and the figures and never the map.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer } = require('../lib/server');
const { launch, contextOptions, axe, formatViolations } = require('../lib/browser');

let server;
let tmp;
let browser;
let out;

const URL_DEP = '/territoire/departement/15';

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
  browser = await launch();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'repere-territory-'));
});

test.after(async () => {
  if (browser) await browser.close();
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

test('without JavaScript: the table is complete and sorts through its header links', async () => {
  const context = await browser.newContext(contextOptions({ viewport: 'phone', javaScriptEnabled: false }));
  const page = await context.newPage();
  await page.goto(server.base + URL_DEP);
  const rows = await page.locator('table.territory-communes tbody tr').count();
  const csv = await (await fetch(server.base + URL_DEP + '/communes.csv')).text();
  assert.equal(rows, csv.trim().split('\r\n').length - 1);
  assert.equal(await page.locator('#territory-map').isVisible(), false);
  assert.equal(await page.getByRole('button', { name: /carte/ }).count(), 0);
  await page.getByRole('link', { name: 'Population' }).click();
  await page.waitForURL(/tri=population/);
  const pops = await page.locator('table.territory-communes tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.population)));
  assert.deepEqual(pops, [...pops].sort((a, b) => b - a));
  assert.equal(await page.locator('th[aria-sort="descending"]').textContent(), 'Population');
  // no page wider than the phone
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width} px wide`);
  await context.close();
});

test('with JavaScript: the map draws every commune of the table, and stays accessible', async () => {
  const context = await browser.newContext(contextOptions({ viewport: 'desktop' }));
  const page = await context.newPage();
  await page.goto(server.base + URL_DEP);
  await page.getByRole('button', { name: 'Afficher les communes sur une carte' }).click();
  await page.locator('#territory-map .leaflet-interactive').first().waitFor();
  const circles = await page.locator('#territory-map path.leaflet-interactive').count();
  const rows = await page.locator('table.territory-communes tbody tr').count();
  assert.equal(circles, rows);
  assert.match(await page.locator('.territory-legend').textContent(), /plus de 20 km ou aucun lieu/);
  const violations = await axe(page);
  assert.deepEqual(violations, [], formatViolations(violations));
  await context.close();
});

test('printed on A4: the figures and the table, never the map', async () => {
  const context = await browser.newContext(contextOptions({ viewport: 'desktop' }));
  const page = await context.newPage();
  await page.goto(server.base + URL_DEP);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#territory-map').isVisible(), false);
  assert.equal(await page.locator('.territory-map-tools').isVisible(), false);
  const pdf = path.join(out, 'departement.pdf');
  await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  assert.match(info, /Page size:\s+[\d.]+ x [\d.]+ pts \(A4\)/);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(text, /Aurillac/);
  assert.match(text, /population INSEE 2023/);
  assert.doesNotMatch(text, /Afficher les communes sur une carte/);
  await context.close();
});
