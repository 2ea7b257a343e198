// Browser: the widget for a commune's website (issue 20) in real Chromium,
// framed by /integrer's live preview as it will be on a commune's site.
// Without JavaScript the list is whole and no map control shows; with
// JavaScript « Afficher les lieux sur une carte » draws one marker per
// place of the list that has a position, named after it, with links that
// open outside the frame; axe finds nothing on the how-to page nor in the
// widget with its map open; neither is wider than a phone.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { makeDb, startServer } = require('../lib/server');
const { launch, contextOptions, axe, formatViolations } = require('../lib/browser');

let server;
let tmp;
let browser;

const WIDGET = '/embed/lieux?ou=Aurillac';

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
  browser = await launch();
});

test.after(async () => {
  if (browser) await browser.close();
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('without JavaScript: the whole list, no map control', async () => {
  const context = await browser.newContext(contextOptions({ viewport: 'phone', javaScriptEnabled: false }));
  const page = await context.newPage();
  await page.goto(server.base + WIDGET);
  assert.ok(await page.locator('#embed-places > li').count() >= 3);
  assert.equal(await page.getByRole('button', { name: /carte/ }).count(), 0);
  assert.equal(await page.locator('#carte').isVisible(), false);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `widget is ${width} px wide`);
  await context.close();
});

test('with JavaScript, inside the preview frame: the map draws the places of the list', async () => {
  const context = await browser.newContext(contextOptions({ viewport: 'desktop' }));
  const page = await context.newPage();
  await page.goto(server.base + '/integrer?ou=Aurillac');
  const frame = page.frameLocator('iframe.embed-preview');
  const placed = await frame.locator('#embed-places > li[data-lat]').count();
  assert.ok(placed >= 3, `places with a position: ${placed}`);
  const first = (await frame.locator('#embed-places > li[data-lat] h3 a').first().innerText()).trim();
  await frame.getByRole('button', { name: 'Afficher les lieux sur une carte' }).click();
  await frame.locator('.leaflet-marker-icon').first().waitFor();
  assert.equal(await frame.locator('.leaflet-marker-icon').count(), placed);
  const names = await frame.locator('.leaflet-marker-icon').evaluateAll((els) => els.map((e) => e.getAttribute('alt')));
  assert.ok(names.some((n) => n === `${first} — Aurillac` || n.startsWith(first + ' — ')), names.join(' | '));
  await frame.locator('.leaflet-marker-icon').first().click();
  const link = frame.locator('.leaflet-popup-content a');
  await link.waitFor();
  assert.equal(await link.getAttribute('target'), '_blank');
  const violations = await axe(page);
  assert.deepEqual(violations, [], formatViolations(violations));
  await context.close();
});

test('the widget alone with its map open, and the how-to page on a phone: axe, no sideways scroll', async () => {
  const context = await browser.newContext(contextOptions({ viewport: 'phone' }));
  const page = await context.newPage();
  await page.goto(server.base + WIDGET);
  await page.getByRole('button', { name: 'Afficher les lieux sur une carte' }).click();
  await page.locator('.leaflet-marker-icon').first().waitFor();
  let violations = await axe(page);
  assert.deepEqual(violations, [], formatViolations(violations));
  for (const url of [WIDGET, '/integrer?ou=Aurillac', '/integrer?ou=Saint-Denis']) {
    await page.goto(server.base + url);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${url} is ${width} px wide`);
  }
  violations = await axe(page);
  assert.deepEqual(violations, [], formatViolations(violations));
  await context.close();
});
