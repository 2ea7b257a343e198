// Browser: the printed sheet and the commune carnet in real Chromium
// (Debian's, through playwright-core), JavaScript off as for a person
// without scripts. The sheet is printed to PDF (page.pdf) and read back with
// pdftotext (poppler-utils); every QR code is decoded from a screenshot with
// zbarimg (zbar-tools) and must give the live URL of its place or workshop.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { chromium } = require('playwright-core');
const { makeDb, startServer } = require('../lib/server');

const CHROMIUM = process.env.REPERE_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server;
let tmp;
let browser;
let out; // PDFs and screenshots of this run

const pdftotext = (file, extra = []) => execFileSync('pdftotext', ['-layout', ...extra, file, '-'], { encoding: 'utf8' });
const pdfPages = (file) => Number(execFileSync('pdfinfo', [file], { encoding: 'utf8' }).match(/^Pages:\s+(\d+)/m)[1]);
// Every QR code in the image, decoded (zbarimg exits 4 when it finds none).
function zbar(png) {
  try {
    return execFileSync('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', png], { encoding: 'utf8' })
      .split('\n').filter(Boolean);
  } catch (e) {
    if (e.status === 4) return [];
    throw e;
  }
}
const norm = (s) => s.replace(/\s+/g, ' ').trim();

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'repere-print-'));
});

test.after(async () => {
  if (browser) await browser.close();
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

async function newPage() {
  const context = await browser.newContext({
    viewport: { width: 900, height: 1200 }, deviceScaleFactor: 3, locale: 'fr-FR',
    timezoneId: 'Europe/Paris', javaScriptEnabled: false,
  });
  return context.newPage();
}

// Ids from the demo catalogue: two places from a search, one workshop from the agenda.
async function pickItems() {
  const results = await (await fetch(server.base + '/lieux?ou=26000')).text();
  const ids = [...results.matchAll(/name="lieu" value="(\d+)"/g)].map((m) => Number(m[1]));
  const agenda = await (await fetch(server.base + '/ateliers')).text();
  const w = Number(agenda.match(/<a href="\/ateliers\/(\d+)-/)[1]);
  return { places: ids.slice(0, 2), workshop: w };
}

test('the printed sheet: PDF text (address, hours, "Orienté par") and every QR code decodes to its live page', async () => {
  const { places, workshop } = await pickItems();
  const code = ['1', `p${places[0].toString(36)}`, `w${workshop.toString(36)}`, `p${places[1].toString(36)}`].join('-');
  const page = await newPage();
  // The selection page, as the social worker sees it; the form is plain HTML.
  await page.goto(`${server.base}/selection?s=${code}`);
  const livePaths = await page.$$eval('.selection-list a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.equal(livePaths.length, 3);
  await page.fill('#oriente', 'Orienté par : CCAS de Chambéry');
  await page.fill('#note', 'Apportez votre carte Vitale');
  await Promise.all([page.waitForNavigation(), page.click('text=Préparer la fiche à imprimer')]);
  assert.equal(new URL(page.url()).pathname, '/selection/imprimer');
  assert.equal(new URL(page.url()).search, '', 'the typed lines are not in the URL');

  // What the sheet says, to look for in the PDF.
  const address = norm(await page.textContent('.sheet-item .sheet-address'));
  const phone = norm(await page.textContent('.sheet-item .sheet-phone'));
  const firstHours = await page.$$eval('.sheet-item', (items) => {
    const row = items[0].querySelector('.sheet-hours tr');
    return row ? [row.querySelector('th').textContent, row.querySelector('td').textContent] : null;
  });
  const names = await page.$$eval('.sheet-item h2', (hs) => hs.map((h) => h.textContent.replace(/\s+/g, ' ').trim()));

  const pdf = path.join(out, 'fiche.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  const text = norm(pdftotext(pdf));
  assert.match(text, /Orienté par : CCAS de Chambéry/);
  assert.match(text, /Apportez votre carte Vitale/);
  assert.ok(text.includes(norm(address.split(/\d{5}/)[0])), `address "${address}" in the PDF`);
  assert.ok(text.includes(phone.replace(/^Tél\. /, '')), 'phone in the PDF');
  if (firstHours) {
    assert.ok(text.includes(norm(firstHours[0])), `day "${firstHours[0]}" in the PDF`);
    assert.ok(text.includes(norm(firstHours[1])), `hours "${firstHours[1]}" in the PDF`);
  } else {
    assert.match(text, /Horaires à confirmer par téléphone/);
  }
  assert.match(text, /Prochaines séances/);
  assert.match(text, /Imprimé le /);
  assert.match(text, /Informations (vérifiées|mises à jour) le/);
  assert.doesNotMatch(text, /Revenir à ma sélection/, 'the on-screen tools are not printed');
  // No place split across two pages: each item's name and phone share a page.
  const pages = pdfPages(pdf);
  assert.ok(pages <= 2, `${pages} pages`);
  const perPage = Array.from({ length: pages }, (_, i) => norm(pdftotext(pdf, ['-f', String(i + 1), '-l', String(i + 1)])));
  for (const name of names) {
    const short = name.replace(/^\d+\.\s*/, '').slice(0, 25);
    const where = perPage.filter((t) => t.includes(short));
    assert.equal(where.length, 1, `"${short}" on exactly one page`);
  }

  // Every QR code, from a screenshot of the sheet.
  const png = path.join(out, 'fiche.png');
  await page.screenshot({ path: png, fullPage: true });
  const decoded = zbar(png).sort();
  const expected = livePaths.map((p) => server.base + p).sort();
  assert.deepEqual(decoded, expected);

  // Large print: body ≥ 16 pt, phone larger.
  await page.goto(`${server.base}/selection/imprimer?s=${code}&gros=1`);
  const sizes = await page.evaluate(() => ({
    body: parseFloat(getComputedStyle(document.body).fontSize),
    phone: parseFloat(getComputedStyle(document.querySelector('.sheet-phone')).fontSize),
  }));
  assert.ok(sizes.body >= 16 * 96 / 72 - 0.1, `body ${sizes.body}px ≥ 16pt`);
  assert.ok(sizes.phone > sizes.body, 'phone larger');
  const pdfLarge = path.join(out, 'fiche-gros.pdf');
  await page.pdf({ path: pdfLarge, format: 'A4', printBackground: true });
  assert.match(norm(pdftotext(pdfLarge)), new RegExp(phone.replace(/^Tél\. /, '')));
  // A5 too
  const pdfA5 = path.join(out, 'fiche-a5.pdf');
  await page.pdf({ path: pdfA5, format: 'A5', printBackground: true });
  assert.ok(norm(pdftotext(pdfA5)).includes(phone.replace(/^Tél\. /, '')));
  await page.context().close();
});

test('the commune carnet of a small commune fits on two A4 pages, QR codes decode', async () => {
  const page = await newPage();
  const res = await page.goto(`${server.base}/territoire/burzet/imprimer`);
  assert.equal(res.status(), 200);
  const paths = await page.$$eval('.sheet-item', (items) => items.length);
  assert.ok(paths >= 1);
  const pdf = path.join(out, 'carnet.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  assert.ok(pdfPages(pdf) <= 2, `${pdfPages(pdf)} pages`);
  assert.match(norm(pdftotext(pdf)), /Burzet \(07\)/);
  const png = path.join(out, 'carnet.png');
  await page.screenshot({ path: png, fullPage: true });
  const decoded = zbar(png);
  assert.equal(decoded.length, paths, 'one QR code per place');
  for (const url of decoded) assert.match(url, new RegExp(`^${server.base.replace(/\./g, '\\.')}/lieux/\\d+-[a-z0-9-]+$`));
  await page.context().close();
});
