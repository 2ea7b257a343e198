// The journeys of issue 8, in a real Chromium, step by step as a person
// would do them, each also without JavaScript where that makes sense.
// Screenshots of every step at 360 px and 1280 px go to
// tests/artifacts/journeys/ (gitignored).
//
//   1. a resident searches by need and commune, opens a place, reads today's
//      hours, has a phone link to tap;
//   2. a resident uses "Autour de moi" (geolocation granted);
//   3. a social worker filters (gratuit, samedi, surdité), opens two places,
//      prints one (PDF → pdftotext: address and hours);
//   4. a resident browses the workshops agenda and downloads a calendar file;
//   5. a manager edits hours (once the admin area exists).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer, routeTable, ROOT } = require('../lib/server');
const { launch, contextOptions, screenshot } = require('../lib/browser');

let server;
let tmp;
let browser;

// Aurillac town hall, for "Autour de moi".
const AURILLAC = { latitude: 44.9264, longitude: 2.4397 };

// The route table, as the daemon itself prints it (`repere routes`).
function routes() {
  return routeTable().map((r) => r.path);
}

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

// A journey runs in three set-ups: phone with JavaScript, desktop with
// JavaScript, phone without JavaScript.
const SETUPS = [
  { label: '360px', viewport: 'phone', javaScriptEnabled: true },
  { label: '1280px', viewport: 'desktop', javaScriptEnabled: true },
  { label: '360px-nojs', viewport: 'phone', javaScriptEnabled: false },
];

async function step(p, journey, setup, name) {
  await screenshot(p, 'journeys', `${journey}-${setup.label}-${name}`);
}

for (const setup of SETUPS) {
  test(`journey 1 (${setup.label}): search by need and commune, open a place, today's hours, phone link`, async () => {
    const ctx = await browser.newContext(contextOptions(setup));
    const p = await ctx.newPage();
    await p.goto(server.base + '/');
    await step(p, 'j1', setup, '1-home');
    await p.getByLabel('Que voulez-vous faire ?').fill('démarches CAF');
    await p.getByLabel('Où ?').fill('Aurillac');
    await Promise.all([p.waitForURL(/\/lieux\?/), p.getByRole('button', { name: 'Rechercher' }).click()]);
    await step(p, 'j1', setup, '2-results');
    assert.match(await p.textContent('h1'), /Aurillac \(15\)/);
    assert.match(await p.textContent('.interpretation'), /démarches administratives/);
    const first = p.locator('ol.results > li').first();
    const name = (await first.locator('h3 a').textContent()).trim();
    await Promise.all([p.waitForURL(/\/lieux\/\d+-/), first.locator('h3 a').click()]);
    await step(p, 'j1', setup, '3-place');
    assert.equal((await p.textContent('h1')).trim(), name);
    // Today's hours: the week table marks today, and the status line says it.
    const today = p.locator('table.week tr.today');
    assert.equal(await today.count(), 1, 'today is marked in the week table');
    const todayText = (await today.locator('td').textContent()).trim();
    assert.ok(todayText.length > 0, 'hours for today');
    assert.match(await p.textContent('.place-head .status'), /Ouvert|Fermé|Ouverture/);
    // The phone link: tel: in E.164, big enough to tap (WCAG 2.5.5 asks 44 px; we check 24 px, AA 2.2).
    const phone = p.locator('.phone-big a');
    assert.match(await phone.getAttribute('href'), /^tel:\+33\d{9}$/);
    const box = await phone.boundingBox();
    assert.ok(box && box.height >= 24, `tap target height ${box && box.height}`);
    await phone.scrollIntoViewIfNeeded();
    await step(p, 'j1', setup, '4-phone');
    await ctx.close();
  });
}

test('journey 2: "Autour de moi" with the position granted gives results "de votre position"', async () => {
  for (const viewport of ['phone', 'desktop']) {
    const ctx = await browser.newContext(contextOptions({
      viewport, geolocation: AURILLAC, permissions: ['geolocation'],
    }));
    const p = await ctx.newPage();
    await p.goto(server.base + '/');
    const button = p.getByRole('button', { name: 'Autour de moi' });
    await button.waitFor({ state: 'visible' });
    await step(p, 'j2', { label: viewport === 'phone' ? '360px' : '1280px' }, '1-home');
    await Promise.all([p.waitForURL(/lat=44\.92640&lon=2\.43970/), button.click()]);
    await step(p, 'j2', { label: viewport === 'phone' ? '360px' : '1280px' }, '2-results');
    assert.match(await p.textContent('.result-count'), /de votre position/);
    assert.ok(await p.locator('ol.results > li').count() > 0, 'places around');
    // Typed over by hand (the form folds under « Modifier la recherche »
    // once there are results), the position does not stick.
    await p.getByText('Modifier la recherche').click();
    await p.getByLabel('Où ?').fill('Chambéry');
    await Promise.all([p.waitForURL(/ou=Chamb/), p.getByRole('button', { name: 'Rechercher' }).click()]);
    assert.doesNotMatch(p.url(), /lat=/);
    assert.match(await p.textContent('h1'), /Chambéry/);
    await ctx.close();
  }
});

test('journey 2 without JavaScript: no "Autour de moi" button, the commune field does the job', async () => {
  const ctx = await browser.newContext(contextOptions({ viewport: 'phone', javaScriptEnabled: false }));
  const p = await ctx.newPage();
  await p.goto(server.base + '/');
  assert.equal(await p.getByRole('button', { name: 'Autour de moi' }).isVisible(), false);
  await p.getByLabel('Où ?').fill('Aurillac');
  await Promise.all([p.waitForURL(/ou=Aurillac/), p.getByRole('button', { name: 'Rechercher' }).click()]);
  assert.match(await p.textContent('h1'), /Aurillac/);
  await step(p, 'j2', { label: '360px-nojs' }, '1-results');
  await ctx.close();
});

// Text of a PDF through poppler's pdftotext, with its layout.
function pdfText(buffer) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repere-pdf-'));
  const file = path.join(dir, 'page.pdf');
  fs.writeFileSync(file, buffer);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return text;
}

for (const setup of [SETUPS[1], SETUPS[2]]) {
  test(`journey 3 (${setup.label}): filters gratuit + samedi + surdité, two places, print one`, async () => {
    const ctx = await browser.newContext(contextOptions(setup));
    const p = await ctx.newPage();
    await p.goto(server.base + '/lieux?ou=Lyon');
    await step(p, 'j3', setup, '1-results');
    // The filters are links in the "Affiner" panel; each click narrows.
    for (const [param, label] of [['tarif=gratuit', 'Gratuit'], ['horaires=samedi', 'Ouvert le samedi'], ['accueil=surdite', 'sourdes']]) {
      const link = p.locator(`aside.filters a[href*="${param}"]`).first();
      assert.match(await link.textContent(), new RegExp(label));
      await Promise.all([p.waitForURL(new RegExp(param.replace('=', '='))), link.click()]);
    }
    await step(p, 'j3', setup, '2-filtered');
    const chosen = await p.textContent('.active-filters');
    for (const label of ['Gratuit', 'Ouvert le samedi', 'sourdes']) assert.match(chosen, new RegExp(label));
    const cards = p.locator('ol.results > li');
    const n = await cards.count();
    assert.ok(n >= 2, `at least two places with the three filters (found ${n})`);
    const results = p.url();
    // Open the first two places.
    const opened = [];
    for (let i = 0; i < 2; i++) {
      if (i > 0) await p.goto(results);
      const a = cards.nth(i).locator('h3 a');
      const name = (await a.textContent()).trim();
      await Promise.all([p.waitForURL(/\/lieux\/\d+-/), a.click()]);
      assert.equal((await p.textContent('h1')).trim(), name);
      await step(p, 'j3', setup, `3-place-${i + 1}`);
      opened.push({ name, url: p.url() });
    }
    // Print the second: the PDF holds the name, the address and the hours.
    const address = (await p.innerText('.address')).split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
    const week = (await p.locator('table.week td').allInnerTexts()).map((w) => w.replace(/\s+/g, ' ').trim());
    await p.emulateMedia({ media: 'print' });
    const pdf = await p.pdf({ format: 'A4', printBackground: false });
    fs.writeFileSync(path.join(ROOT, 'tests', 'artifacts', 'journeys', `j3-${setup.label}-4-printed.pdf`), pdf);
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    assert.ok(text.includes(opened[1].name), 'name printed');
    for (const part of address) assert.ok(text.includes(part), `address printed: ${part}`);
    assert.ok(week.length >= 7, 'the week of hours on the page');
    assert.ok(text.includes('Horaires'), 'the hours heading is printed');
    for (const day of week) assert.ok(text.includes(day), `hours printed: "${day}" in the PDF`);
    assert.ok(week.some((d) => /\d+ h/.test(d)), 'some opening hours in the week');
    await ctx.close();
  });
}

test('journey 3 with the kit: both places in "Ma sélection", the printed sheet has both addresses', async (t) => {
  if (!routes().includes('/selection/imprimer')) {
    t.skip('no /selection/imprimer route yet');
    return;
  }
  const ctx = await browser.newContext(contextOptions({ viewport: 'desktop' }));
  const p = await ctx.newPage();
  await p.goto(server.base + '/lieux?ou=Lyon&tarif=gratuit&horaires=samedi&accueil=surdite');
  const names = [];
  for (let i = 0; i < 2; i++) {
    const card = p.locator('ol.results > li').nth(i);
    names.push((await card.locator('h3 a').textContent()).trim());
    await Promise.all([p.waitForURL(/\/selection\?/), card.getByRole('button', { name: /Ajouter à ma sélection/ }).click()]);
    if (i === 0) await p.goBack();
  }
  await step(p, 'j3', { label: '1280px' }, '5-selection');
  for (const n of names) assert.ok((await p.textContent('main')).includes(n), `${n} in the selection`);
  await p.getByLabel('Orienté par (facultatif)').fill('CCAS de Lyon');
  // Wait for the sheet itself: the selection page is already loaded, so
  // waitForLoadState('load') could return before the form's answer came.
  await Promise.all([p.waitForURL(/\/selection\/imprimer/), p.getByRole('button', { name: 'Préparer la fiche à imprimer' }).click()]);
  await p.emulateMedia({ media: 'print' });
  const pdf = await p.pdf({ format: 'A4' });
  fs.writeFileSync(path.join(ROOT, 'tests', 'artifacts', 'journeys', 'j3-1280px-6-sheet.pdf'), pdf);
  const text = pdfText(pdf).replace(/\s+/g, ' ');
  for (const n of names) assert.ok(text.includes(n), `${n} on the sheet`);
  assert.match(text, /Orienté par : CCAS de Lyon|CCAS de Lyon/);
  assert.match(text, /\d{5} /, 'a postal address');
  await ctx.close();
});

test('journey 4: the workshops agenda, a workshop, its calendar file', async (t) => {
  if (!routes().includes('/ateliers')) {
    t.skip('no /ateliers route yet');
    return;
  }
  for (const setup of [SETUPS[0], SETUPS[2]]) {
    const ctx = await browser.newContext(contextOptions({ ...setup, acceptDownloads: true }));
    const p = await ctx.newPage();
    await p.goto(server.base + '/ateliers');
    await step(p, 'j4', setup, '1-agenda');
    assert.match(await p.textContent('h1'), /Ateliers/);
    const link = p.locator('main a[href^="/ateliers/"]:not([href$=".ics"]):not([href$=".atom"])').first();
    const title = (await link.textContent()).trim();
    await Promise.all([p.waitForURL(/\/ateliers\/\d+-/), link.click()]);
    await step(p, 'j4', setup, '2-workshop');
    assert.equal((await p.textContent('h1')).trim(), title);
    const ics = p.locator('main a[href$=".ics"]').first();
    const [download] = await Promise.all([p.waitForEvent('download'), ics.click()]);
    const file = await download.path();
    const text = fs.readFileSync(file, 'utf8');
    // Parsed by an independent implementation (ical.js).
    const ICAL = await import('ical.js').then((m) => m.default || m);
    const cal = new ICAL.Component(ICAL.parse(text));
    const events = cal.getAllSubcomponents('vevent');
    assert.ok(events.length >= 1, 'at least one session');
    assert.equal(events[0].getFirstPropertyValue('summary'), title);
    assert.ok(events[0].getFirstPropertyValue('dtstart').toJSDate() > new Date(Date.now() - 86400e3), 'an upcoming session');
    await ctx.close();
  }
});

// Create an account with the command line (as an operator would).
function userAdd(email, password, role) {
  execFileSync(process.env.REPERE_BIN || path.join(ROOT, 'build', 'repere'),
    ['user', 'add', email, '--password-stdin', role, '--db', tmp.db],
    { cwd: ROOT, input: password + '\n', env: { ...process.env, REPERE_ROOT: ROOT }, stdio: ['pipe', 'pipe', 'pipe'] });
}

async function signIn(p, email, password) {
  await p.goto(server.base + '/connexion');
  await p.locator('#email').fill(email);
  await p.locator('#password').fill(password);
  await Promise.all([p.waitForLoadState('load'), p.getByRole('button', { name: 'Se connecter' }).click()]);
}

test('journey 5: a manager edits hours with the grid, sees them on the public page; another manager is refused', async (t) => {
  if (!routes().includes('/connexion')) {
    t.skip('the admin area does not exist yet (no /connexion route in the route table)');
    return;
  }
  const { axe, formatViolations } = require('../lib/browser');
  const ids = [...(await (await fetch(server.base + '/lieux')).text()).matchAll(/href="\/lieux\/(\d+)-/g)].map((m) => m[1]);
  const [placeA, placeB] = [...new Set(ids)];
  userAdd('gestion.a@example.fr', 'la médiathèque ouvre le mardi', `manager:${placeA}`);
  userAdd('gestion.b@example.fr', 'un autre lieu, une autre phrase', `manager:${placeB}`);
  for (const setup of [SETUPS[0], SETUPS[1]]) {
    const ctx = await browser.newContext(contextOptions(setup));
    const p = await ctx.newPage();
    await signIn(p, 'gestion.a@example.fr', 'la médiathèque ouvre le mardi');
    assert.match(p.url(), /\/admin/);
    await step(p, 'j5', setup, '1-dashboard');
    await p.goto(`${server.base}/admin/lieux/${placeA}`);
    await step(p, 'j5', setup, '2-editor');
    let violations = await axe(p);
    assert.equal(violations.length, 0, `editor: ${formatViolations(violations)}`);
    const grid = p.locator(`form[action="/admin/lieux/${placeA}/horaires#erreurs"]`);
    for (const d of ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']) {
      for (const i of [1, 2]) {
        await grid.locator(`[name="h_${d}_${i}_from"]`).fill('');
        await grid.locator(`[name="h_${d}_${i}_to"]`).fill('');
      }
    }
    // A mistake first: closing before opening.
    await grid.locator('[name="h_Th_1_from"]').fill('15:00');
    await grid.locator('[name="h_Th_1_to"]').fill('11:00');
    await Promise.all([p.waitForLoadState('load'), grid.locator('button[type=submit]').first().click()]);
    await step(p, 'j5', setup, '3-grid-error');
    assert.match(await p.textContent('main'), /fermeture doit suivre/);
    violations = await axe(p);
    assert.equal(violations.length, 0, `grid with errors: ${formatViolations(violations)}`);
    const again = p.locator(`form[action="/admin/lieux/${placeA}/horaires#erreurs"]`);
    await again.locator('[name="h_Th_1_from"]').fill('');
    await again.locator('[name="h_Th_1_to"]').fill('');
    const hours = setup.viewport === 'phone' ? ['09:00', '12:00'] : ['10:00', '12:30'];
    for (const d of ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']) {
      await again.locator(`[name="h_${d}_1_from"]`).fill(hours[0]);
      await again.locator(`[name="h_${d}_1_to"]`).fill(hours[1]);
    }
    await Promise.all([p.waitForLoadState('load'), again.locator('button[type=submit]').first().click()]);
    await step(p, 'j5', setup, '4-saved');
    // The public page shows them at once.
    await p.goto(`${server.base}/lieux/${placeA}`);
    await step(p, 'j5', setup, '5-public');
    const today = (await p.locator('table.week tr.today td').innerText()).replace(/\s+/g, ' ');
    const expect = setup.viewport === 'phone' ? /9 h – 12 h/ : /10 h – 12 h 30/;
    assert.match(today, expect);
    await ctx.close();
  }
  // The second manager cannot open the first one's editor.
  const ctx = await browser.newContext(contextOptions({ viewport: 'desktop' }));
  const p = await ctx.newPage();
  await signIn(p, 'gestion.b@example.fr', 'un autre lieu, une autre phrase');
  const res = await p.goto(`${server.base}/admin/lieux/${placeA}`);
  assert.ok([403, 404].includes(res.status()), `refused (${res.status()})`);
  await step(p, 'j5', { label: '1280px' }, '6-refused');
  await ctx.close();
});
