// Repère in English and in Arabic, in a real Chromium (issue 18,
// docs/languages.md): the journeys of tests/browser/journeys.test.js done in
// each language — search by need and commune, open a place, today's hours and
// the phone link; add two places to the selection and print the sheet —
// following only the page's own links and buttons, which must keep the
// language; the language menu by keyboard; and right to left: Arabic pages
// mirrored, not scrolling sideways at 320 and 360 px, phone numbers and
// opening times still left to right. Screenshots to tests/artifacts/languages/.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { makeDb, startServer } = require('../lib/server');
const { launch, contextOptions, screenshot } = require('../lib/browser');

let server;
let tmp;
let browser;

const WORDS = {
  en: { what: 'What do you want to do?', where: 'Where?', search: 'Search', status: /Open|Closed|Opening/, add: /Add to my selection/, prepare: 'Prepare the sheet to print', referred: 'Referred by (optional)', menu: 'Languages' },
  ar: { what: 'ماذا تريد أن تفعل؟', where: 'أين؟', search: 'بحث', status: /مفتوح|مغلق|الافتتاح/, add: /إضافة إلى قائمتي/, prepare: 'تحضير الورقة للطباعة', referred: 'بتوجيه من (اختياري)', menu: 'اللغات' },
};

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

const pathOf = (p) => new URL(p.url()).pathname;

for (const code of ['en', 'ar']) {
  const w = WORDS[code];
  for (const javaScriptEnabled of [true, false]) {
    test(`journey 1 in ${code} (JavaScript ${javaScriptEnabled ? 'on' : 'off'}): search, a place, today's hours, the phone link — all in ${code}`, async () => {
      const ctx = await browser.newContext(contextOptions({ viewport: 'phone', javaScriptEnabled }));
      const p = await ctx.newPage();
      await p.goto(`${server.base}/${code}/`);
      assert.equal(await p.getAttribute('html', 'lang'), code);
      await p.getByLabel(w.what).fill('démarches CAF');
      await p.getByLabel(w.where, { exact: true }).fill('Aurillac');
      await Promise.all([p.waitForURL(/\/lieux\?/), p.getByRole('button', { name: w.search, exact: true }).click()]);
      assert.match(pathOf(p), new RegExp(`^/${code}/lieux$`), 'the search form keeps the language');
      await screenshot(p, 'languages', `${code}-j1-results-js-${javaScriptEnabled}`);
      const first = p.locator('ol.results > li').first();
      assert.equal(await first.locator('h3').getAttribute('lang'), 'fr', "a place's name stays French, marked so");
      await Promise.all([p.waitForURL(/\/lieux\/\d+-/), first.locator('h3 a').click()]);
      assert.match(pathOf(p), new RegExp(`^/${code}/lieux/\\d+-`), 'the result link keeps the language');
      assert.equal(await p.getAttribute('html', 'lang'), code);
      assert.equal(await p.locator('table.week tr.today').count(), 1, 'today is marked in the week table');
      assert.match(await p.textContent('.place-head .status'), w.status);
      const phone = p.locator('.phone-big a');
      assert.match(await phone.getAttribute('href'), /^tel:\+33\d{9}$/);
      // Read left to right even in Arabic: the digits in their order on screen.
      const digits = await phone.evaluate((a) => {
        const range = document.createRange();
        const out = [];
        for (const node of a.childNodes) {
          if (node.nodeType !== 3) continue;
          for (let i = 0; i < node.data.length; i++) {
            if (!/\d/.test(node.data[i])) continue;
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            out.push({ d: node.data[i], x: range.getBoundingClientRect().left });
          }
        }
        return out.sort((a1, b1) => a1.x - b1.x).map((o) => o.d).join('');
      });
      assert.match(digits, /^0\d{9}$/, `the phone number reads left to right on screen: ${digits}`);
      await screenshot(p, 'languages', `${code}-j1-place-js-${javaScriptEnabled}`);
      await ctx.close();
    });
  }

  test(`journey 3 in ${code}: two places in the selection, the printed sheet in ${code}`, async () => {
    const ctx = await browser.newContext(contextOptions({ viewport: 'desktop' }));
    const p = await ctx.newPage();
    await p.goto(`${server.base}/${code}/lieux?ou=Lyon&tarif=gratuit&horaires=samedi&accueil=surdite`);
    const names = [];
    for (let i = 0; i < 2; i++) {
      const card = p.locator('ol.results > li').nth(i);
      names.push((await card.locator('h3 a').textContent()).trim());
      await Promise.all([p.waitForURL(/\/selection\?/), card.getByRole('button', { name: w.add }).click()]);
      assert.match(pathOf(p), new RegExp(`^/${code}/selection$`), 'the selection stays in the language');
      if (i === 0) await p.goBack();
    }
    for (const n of names) assert.ok((await p.textContent('main')).includes(n), `${n} in the selection`);
    await p.getByLabel(w.referred).fill('CCAS de Lyon');
    await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: w.prepare }).click()]);
    assert.match(pathOf(p), new RegExp(`^/${code}/selection/imprimer$`));
    assert.equal(await p.getAttribute('html', 'lang'), code);
    if (code === 'ar') assert.equal(await p.getAttribute('html', 'dir'), 'rtl');
    const sheet = await p.textContent('body');
    for (const n of names) assert.ok(sheet.includes(n), `${n} on the sheet`);
    assert.match(sheet, new RegExp(`/${code}/lieux/\\d+-`), 'the address under each QR code is in the language');
    await screenshot(p, 'languages', `${code}-j3-sheet`);
    await ctx.close();
  });
}

test('the language menu is reached by keyboard and names each language in itself', async () => {
  for (const javaScriptEnabled of [true, false]) {
    const ctx = await browser.newContext(contextOptions({ viewport: 'phone', javaScriptEnabled }));
    const p = await ctx.newPage();
    await p.goto(`${server.base}/lieux?ou=Aurillac`);
    let reached = null;
    for (let i = 0; i < 15 && !reached; i++) {
      await p.keyboard.press('Tab');
      reached = await p.evaluate(() => (document.activeElement.getAttribute('hreflang') === 'ar' ? document.activeElement.textContent : null));
    }
    assert.equal(reached, 'العربية', 'the Arabic link is a Tab stop in the header');
    await Promise.all([p.waitForURL(/\/ar\/lieux\?ou=Aurillac$/), p.keyboard.press('Enter')]);
    assert.equal(await p.getAttribute('html', 'dir'), 'rtl');
    const names = await p.locator('nav.languages a').evaluateAll((as) => as.map((a) => `${a.getAttribute('lang')}:${a.textContent}`));
    // Every served language (a po/LL.po exists), each named in itself.
    assert.deepEqual(names, ['fr:Français', 'en:English', 'ar:العربية', 'uk:Українська', 'fa-AF:دری',
      'es:Español', 'pt:Português', 'tr:Türkçe', 'ro:Română']);
    await ctx.close();
  }
});

test('right to left: Arabic pages are mirrored and never scroll sideways at 320 and 360 px', async () => {
  const list = await (await fetch(`${server.base}/ar/lieux?ou=Aurillac`)).text();
  const place = list.match(/href="(\/ar\/lieux\/\d+-[^"]+)"/)[1];
  const agenda = await (await fetch(`${server.base}/ar/ateliers`)).text();
  const workshop = agenda.match(/href="(\/ar\/ateliers\/\d+-[^".]+)"/)[1];
  const urls = ['/ar/', '/ar/lieux?ou=Aurillac', '/ar/lieux?ou=Lyon&tarif=gratuit&horaires=samedi', place, '/ar/ateliers', workshop,
    '/ar/a-propos', '/ar/accessibilite', '/ar/selection', '/ar/intervenants', '/ar/territoire', '/ar/n-existe-pas',
    '/ar/territoire/aurillac/imprimer'];
  const wide = [];
  for (const width of [320, 360]) {
    const ctx = await browser.newContext(contextOptions({ viewport: { width, height: 740 } }));
    const p = await ctx.newPage();
    for (const url of urls) {
      await p.goto(server.base + url, { waitUntil: 'domcontentloaded' });
      const o = await p.evaluate(() => {
          // (the languages strip scrolls inside itself: its links may lie past the edge)
        const vw = document.documentElement.clientWidth;
        const out = [...document.querySelectorAll('body *')]
          .filter((e) => { const r = e.getBoundingClientRect(); return (r.left < -0.5 || r.right > vw + 0.5) && !e.closest('.visually-hidden, .skip-link, .trap, .languages ul'); })
          .slice(0, 3).map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">`);
        return { width: document.documentElement.scrollWidth, out };
      });
      if (o.width > width || o.out.length) wide.push(`${url} at ${width} px: ${o.width} px ${o.out.join(' ')}`);
    }
    if (width === 360) {
      // mirrored: the main heading starts on the right, the menu of languages too
      await p.goto(`${server.base}/ar/`);
      const h1 = await p.locator('h1').boundingBox();
      assert.ok(h1.x + h1.width > width - 40, `the heading hugs the right edge: ${JSON.stringify(h1)}`);
      assert.equal(await p.evaluate(() => getComputedStyle(document.querySelector('main')).direction), 'rtl');
      await screenshot(p, 'languages', 'ar-home-360');
    }
    await ctx.close();
  }
  assert.deepEqual(wide, []);
});
