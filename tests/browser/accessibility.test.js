// Accessibility, in a real Chromium: axe-core (WCAG 2.1 A + AA rules) on
// every page type at 360 px and 1280 px, with 0 violations; keyboard use:
// the skip link, visible focus on every Tab stop, and the search journey
// done with Tab and Enter only (with and without JavaScript).
//
// Every public GET route of the route table that answers HTML must be listed in
// PAGES below: a new page type without an audit makes this suite fail.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { makeDb, startServer, routeTable, ROOT, addUser } = require('../lib/server');
const { launch, contextOptions, axe, formatViolations, screenshot } = require('../lib/browser');

let server;
let tmp;
let browser;
let managedPlace;
const MANAGER = 'gestion@example.fr', MANAGER_PW = 'une phrase assez longue pour passer';

// Page types, with a sample URL each. A function receives the server base
// and returns the URL (for pages whose address comes from the data).
const PAGES = [
  { name: 'home', route: '/', url: '/' },
  { name: 'results', route: '/lieux', url: '/lieux?q=d%C3%A9marches%20CAF&ou=Aurillac' },
  { name: 'results-filtered', route: '/lieux', url: '/lieux?ou=Lyon&tarif=gratuit&horaires=samedi&accueil=surdite' },
  { name: 'results-empty', route: '/lieux', url: '/lieux?q=zzqxwv&ou=Aurillac' },
  { name: 'results-place-unknown', route: '/lieux', url: '/lieux?ou=Nullepartville' },
  { name: 'choice', route: '/lieux', url: '/lieux?ou=73200' },
  { name: 'choice-misspelt', route: '/lieux', url: '/lieux?ou=Anecy' },
  { name: 'results-other-homonyms', route: '/lieux', url: '/lieux?q=emploi&ou=Valence' },
  { name: 'results-former-commune', route: '/lieux', url: '/lieux?ou=Cran-Gevrier' },
  { name: 'place', route: '/lieux/*', url: async (base) => firstLink(base, '/lieux?q=d%C3%A9marches%20CAF&ou=Aurillac', /href="(\/lieux\/\d+-[^"]+)"/) },
  { name: 'about', route: '/a-propos', url: '/a-propos' },
  { name: 'accessibility-statement', route: '/accessibilite', url: '/accessibilite' },
  { name: 'not-found', route: null, url: '/cette-page-n-existe-pas' },
  { name: 'agenda', route: '/ateliers', url: '/ateliers' },
  { name: 'agenda-empty', route: '/ateliers', url: '/ateliers?ou=Nullepartville' },
  { name: 'workshop', route: '/ateliers/*', url: async (base) => firstLink(base, '/ateliers', /href="(\/ateliers\/\d+-[^".]+)"/) },
  { name: 'intervenants', route: '/intervenants', url: '/intervenants?ou=Aurillac' },
  { name: 'intervenants-filtered', route: '/intervenants', url: '/intervenants?domaine=cybersecurite&format=atelier' },
  { name: 'intervenants-departement', route: '/intervenants', url: '/intervenants?ou=15&public=seniors&langue=fr' },
  { name: 'intervenant', route: '/intervenants/*', url: async (base) => firstLink(base, '/intervenants', /href="(\/intervenants\/\d+-[^"]+)"/) },
  { name: 'intervenant-contact', route: '/intervenants/*/contacter', url: async (base) => `${(await firstLink(base, '/intervenants', /href="(\/intervenants\/\d+)-[^"]+"/))}/contacter` },
  { name: 'intervenant-apply', route: '/intervenants/candidater', url: '/intervenants/candidater' },
  { name: 'intervenant-confirm-invalid', route: '/intervenants/confirmer', url: '/intervenants/confirmer?t=lien-perime', status: 'any' },
  { name: 'api-doc', route: '/api', url: '/api' },
  { name: 'open-data', route: '/donnees', url: '/donnees' },
  { name: 'embed', route: '/embed/lieux', url: '/embed/lieux?ou=Aurillac' },
  { name: 'embed-howto', route: '/integrer', url: '/integrer' },
  { name: 'embed-howto-commune', route: '/integrer', url: '/integrer?ou=Aurillac' },
  { name: 'embed-howto-unknown', route: '/integrer', url: '/integrer?ou=Nullepartville' },
  { name: 'selection-empty', route: '/selection', url: '/selection' },
  { name: 'selection', route: '/selection', url: async (base) => selectionUrl(base) },
  { name: 'short-link', route: '/s/*', url: async (base) => (await selectionUrl(base)).replace(/^\/selection\?s=([^&]+).*$/, '/s/$1') },
  { name: 'print-sheet', route: '/selection/imprimer', url: async (base) => (await selectionUrl(base)).replace(/^\/selection\?s=([^&]+).*$/, '/selection/imprimer?s=$1') },
  { name: 'carnet', route: '/territoire/*/imprimer', url: '/territoire/aurillac/imprimer' },
  { name: 'carnet-choice', route: '/territoire/*/imprimer', url: '/territoire/saint-martin/imprimer' },
  { name: 'territory-choose', route: '/territoire', url: '/territoire?epci_de=15' },
  { name: 'territory-choice', route: '/territoire', url: '/territoire?ou=Saint-Denis' },
  { name: 'territory-departement', route: '/territoire/departement/*', url: '/territoire/departement/15' },
  { name: 'territory-epci', route: '/territoire/epci/*', url: '/territoire/epci/241500230?tri=nom&ordre=asc' },
  { name: 'territory-commune', route: '/territoire/commune/*', url: '/territoire/commune/15014' },
  // The admin area's public pages (the signed-in ones: see the admin test below).
  { name: 'login', route: '/connexion', url: '/connexion' },
  { name: 'password-forgotten', route: '/compte/oubli', url: '/compte/oubli' },
  { name: 'link-invalid', route: '/compte/activer', url: '/compte/activer?t=lien-perime', status: 'any' },
  { name: 'verify-invalid', route: '/verifier', url: '/verifier?t=lien-perime', status: 'any' },
  { name: 'unsubscribe-invalid', route: '/rappels/desabonner', url: '/rappels/desabonner?lieu=1&sig=lien-perime', status: 'any' },
  { name: 'report-a-mistake', route: '/lieux/*/signaler', url: async (base) => `${await placePath(base)}/signaler` },
  { name: 'claim-a-place', route: '/lieux/*/gerer', url: async (base) => `${await placePath(base)}/gerer` },
];

// The main public pages in English and in Arabic (right to left) too
// (issue 18, docs/languages.md): the same page types under /en/ and /ar/.
const IN_LANGUAGES = ['home', 'results', 'results-empty', 'choice', 'place', 'about', 'accessibility-statement',
  'not-found', 'agenda', 'workshop', 'intervenants', 'selection-empty', 'selection', 'print-sheet', 'carnet',
  'report-a-mistake', 'intervenant-apply', 'embed-howto-commune', 'territory-departement',
  'login', 'password-forgotten', 'api-doc', 'open-data'];
for (const code of ['en', 'ar']) {
  for (const page of PAGES.filter((p) => IN_LANGUAGES.includes(p.name))) {
    PAGES.push({
      ...page,
      name: `${page.name} (${code})`,
      url: typeof page.url === 'function' ? async (base) => `/${code}${await page.url(base)}` : `/${code}${page.url}`,
    });
  }
}

// A selection of two places, made as the "Ajouter à ma sélection" forms do;
// returns the /selection?s=… address the server redirects to.
async function selectionUrl(base) {
  let location = null;
  let cookie = '';
  for (const m of (await (await fetch(base + '/lieux?q=d%C3%A9marches%20CAF&ou=Aurillac')).text()).matchAll(/name="lieu" value="(\d+)"/g)) {
    const res = await fetch(base + '/selection/ajouter', {
      method: 'POST', redirect: 'manual', body: new URLSearchParams({ lieu: m[1] }),
      headers: { Origin: base, 'Sec-Fetch-Site': 'same-origin', Cookie: cookie },
    });
    location = res.headers.get('location');
    cookie = (res.headers.get('set-cookie') || '').split(';')[0];
    if (/s=\d+(-\w+){2,}/.test(location || '')) break; // two items
  }
  return location && location.replace(/&ajoute=[^&]*/, '');
}

// Routes that answer something other than an HTML page (feeds, data, files).
const NOT_HTML = /(\.json|\.xml|\.geojson|\.ics|\.atom|\.csv|\.txt|\.pdf|\.svg|\.png)$|^\/static\/|^\/api\/|^\/embed\/.*\.js$/;

const placePath = (base) => firstLink(base, '/lieux?q=d%C3%A9marches%20CAF&ou=Aurillac', /href="(\/lieux\/\d+-[^"]+)"/);

async function firstLink(base, listUrl, re) {
  const html = await (await fetch(base + listUrl)).text();
  const m = html.match(re);
  return m ? m[1] : null;
}

// GET routes of the route table, with their access level.
function getRoutes() {
  return routeTable().filter((r) => r.method === 'GET').map((r) => ({ path: r.path, access: r.access }));
}

async function routeExists(p) {
  const res = await fetch(server.base + p, { redirect: 'manual' });
  return res.status !== 404;
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  managedPlace = execFileSync('sqlite3', [tmp.db, 'SELECT id FROM place WHERE closed_at IS NULL ORDER BY id LIMIT 1'],
    { encoding: 'utf8' }).trim();
  addUser(tmp.db, MANAGER, MANAGER_PW, `manager:${managedPlace}`);
  server = await startServer({ db: tmp.db });
  browser = await launch();
});

test.after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('every public HTML route of the route table has an audited page type', () => {
  const audited = new Set(PAGES.map((p) => p.route));
  const missing = getRoutes()
    .filter((r) => r.access === 'public' && !NOT_HTML.test(r.path) && !audited.has(r.path))
    .map((r) => r.path);
  assert.deepEqual(missing, [], `add these page types to PAGES in ${__filename}`);
});

// One page per width, reused for every page type (a new renderer costs more
// than the audit itself on a 2-core machine).
const tabs = {};

for (const page of PAGES) {
  test(`axe (WCAG 2.1 AA): ${page.name} — 0 violations at 360 px and 1280 px`, async (t) => {
    if (page.route && !getRoutes().some((r) => r.path === page.route)) {
      t.skip(`route ${page.route} is not in the route table yet`);
      return;
    }
    const url = typeof page.url === 'function' ? await page.url(server.base) : page.url;
    assert.ok(url, `a sample URL for ${page.name} (is the demo catalogue loaded?)`);
    for (const viewport of ['phone', 'desktop']) {
      if (!tabs[viewport]) {
        const ctx = await browser.newContext(contextOptions({ viewport }));
        tabs[viewport] = await ctx.newPage();
      }
      const p = tabs[viewport];
      const res = await p.goto(server.base + url);
      if (page.name.startsWith('not-found')) assert.equal(res.status(), 404);
      else if (page.status !== 'any') assert.equal(res.status(), 200, `${url} answers 200`);
      const violations = await axe(p);
      await screenshot(p, 'accessibility', `${page.name}-${viewport}`, { fullPage: false });
      assert.equal(violations.length, 0, `${page.name} at ${viewport}:\n${formatViolations(violations)}`);
    }
  });
}

test('the admin area (login and the place editor) is audited once it exists', async (t) => {
  const admin = getRoutes().filter((r) => /^\/(admin|connexion|gestion|espace)/.test(r.path));
  if (admin.length === 0) {
    t.skip('no admin route in the route table yet');
    return;
  }
  // The login page is public: audit it, and the same form sent back with errors.
  const login = admin.find((r) => r.access === 'public' && !r.path.includes('*'));
  assert.ok(login, `a public admin entry page among ${admin.map((r) => r.path).join(', ')}`);
  const ctx = await browser.newContext(contextOptions({ viewport: 'phone' }));
  const p = await ctx.newPage();
  await p.goto(server.base + login.path);
  const violations = await axe(p);
  await screenshot(p, 'accessibility', 'admin-login-phone');
  const form = p.locator('form').filter({ has: p.locator('input[type=password]') });
  if (await form.count()) {
    await form.locator('input[type=password]').fill('mauvais mot de passe');
    await Promise.all([p.waitForLoadState('load'), form.locator('button[type=submit], input[type=submit]').first().click()]);
    violations.push(...await axe(p));
    await screenshot(p, 'accessibility', 'admin-login-error-phone');
  }
  await ctx.close();
  assert.equal(violations.length, 0, formatViolations(violations));
});

// The signed-in area in Arabic (right to left, issue 18): the dashboard, the
// place editor with a refused save, the account page.
test('axe (WCAG 2.1 AA): the signed-in area in Arabic — /ar/admin, the editor and its errors, /ar/compte', async () => {
  const ctx = await browser.newContext(contextOptions({ viewport: 'phone' }));
  const p = await ctx.newPage();
  await p.goto(server.base + '/ar/connexion');
  await p.locator('#email').fill(MANAGER);
  await p.locator('#password').fill(MANAGER_PW);
  await Promise.all([p.waitForURL(/\/ar\/admin$/), p.locator('form.admin-form button[type=submit]').click()]);
  const violations = [];
  for (const url of ['/ar/admin', `/ar/admin/lieux/${managedPlace}`, '/ar/compte']) {
    await p.goto(server.base + url);
    assert.equal(await p.locator('html').getAttribute('dir'), 'rtl', url);
    for (const v of await axe(p)) violations.push({ ...v, help: `${url}: ${v.help}` });
    await screenshot(p, 'accessibility', `ar-${url.split('/')[2]}-phone`, { fullPage: false });
  }
  await p.goto(`${server.base}/ar/admin/lieux/${managedPlace}`);
  await p.locator('#f-commune').fill('');
  await Promise.all([p.waitForURL(/\/adresse#erreurs$/), p.locator('#adresse button[type=submit]').click()]);
  for (const v of await axe(p)) violations.push({ ...v, help: `editor errors: ${v.help}` });
  await screenshot(p, 'accessibility', 'ar-editor-error-phone', { fullPage: false });
  await ctx.close();
  assert.equal(violations.length, 0, formatViolations(violations));
});

// ---- keyboard ----

test('skip link: first Tab stop, visible when focused, Enter moves focus to the content', async () => {
  for (const javaScriptEnabled of [true, false]) {
    const ctx = await browser.newContext(contextOptions({ viewport: 'phone', javaScriptEnabled }));
    const p = await ctx.newPage();
    await p.goto(server.base + '/lieux?ou=Aurillac');
    await p.keyboard.press('Tab');
    const focused = await p.evaluate(() => {
      const el = document.activeElement;
      const r = el.getBoundingClientRect();
      return { cls: el.className, href: el.getAttribute('href'), text: el.textContent, x: r.left, y: r.top, w: r.width, h: r.height };
    });
    assert.equal(focused.cls, 'skip-link');
    assert.equal(focused.href, '#contenu');
    assert.match(focused.text, /Aller au contenu/);
    assert.ok(focused.x >= 0 && focused.y >= 0 && focused.w > 20 && focused.h > 10, `skip link on screen: ${JSON.stringify(focused)}`);
    await screenshot(p, 'accessibility', `skip-link-focused-js-${javaScriptEnabled ? 'on' : 'off'}`);
    await p.keyboard.press('Enter');
    const after = await p.evaluate(() => ({ id: document.activeElement.id, hash: location.hash }));
    assert.equal(after.hash, '#contenu');
    assert.equal(after.id, 'contenu', 'focus is in the main content');
    // The next Tab lands inside <main>, not back in the header.
    await p.keyboard.press('Tab');
    const inMain = await p.evaluate(() => !!document.activeElement.closest('main'));
    assert.ok(inMain, 'the Tab after the skip link stays in the content');
    await ctx.close();
  }
});

// What a focus indicator looks like on an element: outline or box-shadow.
function focusStyle() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  // Tab also visits the calendar button inside a date field: Chromium draws
  // its own focus ring there, and the field itself is not :focus-visible.
  const pickerButton = el.tagName === 'INPUT' && /^(date|time|datetime-local|month|week)$/.test(el.type) &&
    !el.matches(':focus-visible');
  if (pickerButton) return { tag: el.tagName, text: el.name, outline: true, shadow: true };
  return { tag: el.tagName, text: (el.textContent || el.name || el.id || '').trim().slice(0, 40), outline, shadow };
}

test('focus is visible on every Tab stop (home, results, place, agenda)', async () => {
  const ctx = await browser.newContext(contextOptions({ viewport: 'desktop' }));
  const p = await ctx.newPage();
  const place = await firstLink(server.base, '/lieux?q=d%C3%A9marches%20CAF&ou=Aurillac', /href="(\/lieux\/\d+-[^"]+)"/);
  const urls = ['/', '/lieux?q=d%C3%A9marches%20CAF&ou=Aurillac', place];
  if (await routeExists('/ateliers')) urls.push('/ateliers');
  const invisible = [];
  let stops = 0;
  for (const url of urls) {
    await p.goto(server.base + url);
    for (let i = 0; i < 40; i++) {
      await p.keyboard.press('Tab');
      const s = await p.evaluate(focusStyle);
      if (!s) break;
      stops++;
      if (!s.outline && !s.shadow) invisible.push(`${url}: <${s.tag}> ${s.text}`);
    }
  }
  assert.ok(stops > 40, `walked ${stops} focus stops`);
  assert.deepEqual(invisible, [], 'elements without a visible focus indicator');

  // And it shows on screen, not only in computed styles: the search button
  // looks different focused and unfocused.
  await p.goto(server.base + '/');
  const button = p.locator('form.search button[type=submit]');
  const before = await button.screenshot({ path: path.join(ROOT, 'tests/artifacts/accessibility/button-unfocused.png') });
  await p.locator('#ou').focus();
  await p.keyboard.press('Tab');
  if (await p.evaluate(() => document.activeElement.id === 'autour-de-moi')) await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.type), 'submit');
  const box = await button.boundingBox();
  const after = await p.screenshot({
    path: path.join(ROOT, 'tests/artifacts/accessibility/button-focused.png'),
    clip: { x: box.x - 8, y: box.y - 8, width: box.width + 16, height: box.height + 16 },
  });
  assert.notDeepEqual(before, after, 'focused button renders differently');
  await ctx.close();
});

// Tab until `predicate(document.activeElement)` holds; returns the number of presses.
async function tabTo(p, predicateSource, max = 60) {
  for (let i = 1; i <= max; i++) {
    await p.keyboard.press('Tab');
    // eslint-disable-next-line no-new-func
    if (await p.evaluate(predicateSource)) return i;
  }
  throw new Error(`not reached with ${max} Tab presses: ${predicateSource}`);
}

test('the search journey with the keyboard only (Tab, typing, Enter), with and without JavaScript', async () => {
  for (const javaScriptEnabled of [true, false]) {
    const ctx = await browser.newContext(contextOptions({ viewport: 'phone', javaScriptEnabled }));
    const p = await ctx.newPage();
    await p.goto(server.base + '/');
    await tabTo(p, "document.activeElement.id === 'q'");
    await p.keyboard.type('démarches CAF');
    await p.keyboard.press('Tab');
    assert.equal(await p.evaluate(() => document.activeElement.id), 'ou');
    await p.keyboard.type('Aurillac');
    if (javaScriptEnabled) await p.keyboard.press('Escape'); // close the suggestions list
    await tabTo(p, "document.activeElement.type === 'submit'", 3);
    await Promise.all([p.waitForURL(/\/lieux\?/), p.keyboard.press('Enter')]);
    assert.match(await p.textContent('h1'), /Aurillac/);
    // First result, by keyboard.
    await tabTo(p, "/^\\/lieux\\/\\d+-/.test(document.activeElement.getAttribute('href') || '') && !!document.activeElement.closest('ol.results')");
    const name = (await p.evaluate(() => document.activeElement.textContent)).trim();
    await Promise.all([p.waitForURL(/\/lieux\/\d+-/), p.keyboard.press('Enter')]);
    assert.equal((await p.textContent('h1')).trim(), name);
    // The phone number is reachable too.
    await tabTo(p, "(document.activeElement.getAttribute('href') || '').startsWith('tel:')");
    await screenshot(p, 'accessibility', `keyboard-journey-js-${javaScriptEnabled ? 'on' : 'off'}`);
    await ctx.close();
  }
});

test('filters are links: choosing one with Enter works without a mouse', async () => {
  const ctx = await browser.newContext(contextOptions({ viewport: 'desktop', javaScriptEnabled: false }));
  const p = await ctx.newPage();
  await p.goto(server.base + '/lieux?ou=Lyon');
  await tabTo(p, "(document.activeElement.getAttribute('href') || '').includes('tarif=gratuit')", 120);
  await Promise.all([p.waitForURL(/tarif=gratuit/), p.keyboard.press('Enter')]);
  assert.match(await p.textContent('.active-filters'), /Gratuit/);
  await ctx.close();
});
