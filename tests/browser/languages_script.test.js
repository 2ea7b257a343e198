// static/repere.js speaks the page's language (issue 18): the words it
// writes come from data-t-… attributes of its own <script> tag, filled by the
// server from the catalogue (templates/repere_script.html). Checked against
// po/en.po itself: a translated message must show translated on /en/, an
// untranslated one in French — never a sentence pinned by hand here.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { makeDb, startServer } = require('../lib/server');
const { launch, contextOptions } = require('../lib/browser');
const { readPo } = require('../lib/po');

const EN = readPo('en');
const inEnglish = (french) => EN.get(french) || french;

let server;
let tmp;
let browser;

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
  browser = await launch();
});

test.after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('/en/: « Around me » refused by the browser says so in English', async () => {
  // No geolocation permission: the browser refuses the position, and the
  // script puts its button back and explains, in the page's language.
  const ctx = await browser.newContext(contextOptions({ permissions: [] }));
  const p = await ctx.newPage();
  await p.goto(`${server.base}/en/`);
  const button = p.locator('#autour-de-moi');
  assert.equal((await button.textContent()).trim(), inEnglish('Autour de moi'));
  await button.click();
  const alert = p.locator('.geo-hint [role=alert]');
  await alert.waitFor();
  assert.equal((await alert.textContent()).trim(), inEnglish('Position indisponible : indiquez votre commune.'));
  assert.equal((await button.textContent()).trim(), inEnglish('Autour de moi'), 'the button is put back in English');
  assert.ok(EN.get('Autour de moi'), 'po/en.po translates « Autour de moi »: this check is not vacuous');
  await ctx.close();
});

test('/en/: the map button and every word of the script follow po/en.po', async () => {
  const ctx = await browser.newContext(contextOptions());
  const p = await ctx.newPage();
  await p.goto(`${server.base}/en/lieux?ou=Aurillac`);
  const mapButton = p.locator('button.link-button', { hasText: inEnglish('Afficher les lieux sur une carte') });
  assert.equal(await mapButton.count(), 1, 'the map button, in English when translated');
  // Each data-t-… attribute holds the English of a French message of the
  // template: their number matches the template's, none is empty.
  const words = await p.evaluate(() => {
    const s = document.querySelector('script[src^="/static/repere.js"]');
    return Object.fromEntries([...s.attributes].filter((a) => a.name.startsWith('data-t-')).map((a) => [a.name, a.value]));
  });
  const template = fs.readFileSync(require.resolve('../../templates/repere_script.html'), 'utf8');
  const french = [...template.matchAll(/(data-t-[a-z0-9-]+)="\{\{_ "([^"]+)"\}\}"/g)];
  assert.ok(french.length >= 15);
  assert.equal(Object.keys(words).length, french.length);
  for (const [, name, message] of french) assert.equal(words[name], inEnglish(message), name);
  assert.equal(await p.evaluate(() => document.querySelector('script[src^="/static/repere.js"]').getAttribute('data-decimal')), '.');
  await ctx.close();
});
