// End-to-end: Repère in other languages (issue 18, docs/languages.md).
// French at /…, English at /en/…, Arabic at /ar/… — each page in its
// language, with <html lang dir>, hreflang alternates and the language menu;
// every link the page builds keeps the language (templates, C-built links,
// redirects, the selection's short link, the printed sheet's QR codes);
// Accept-Language only suggests, never redirects; numbers and plurals follow
// the language; places' own texts stay French and say so.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { makeDb, startServer } = require('../lib/server');
const { FAKE_SENDMAIL, readMails, Browser } = require('../lib/fake-sendmail');

let server;
let tmp;

async function get(p, headers = {}) {
  const res = await fetch(server.base + p, { headers, redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const LANGS = {
  en: { lang: 'en', skip: 'Skip to content', menu: 'All places' },
  ar: { lang: 'ar', dir: 'rtl', skip: 'الانتقال إلى المحتوى', menu: 'كل الأماكن' },
};

let placePath; // "/lieux/228-…"
let workshopPath; // "/ateliers/…"

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db, args: ['--sendmail', `${FAKE_SENDMAIL} ${path.join(tmp.dir, 'mail')}`] });
  const list = await get('/lieux?ou=Aurillac');
  placePath = list.text.match(/<h3><a href="(\/lieux\/\d+-[^"]+)">/)[1];
  const agenda = await get('/ateliers');
  workshopPath = agenda.text.match(/href="(\/ateliers\/\d+-[^"?#]+)"/)[1];
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

// Data, the same in every language: the API's JSON and the open data files.
const LANGUAGE_NEUTRAL = /^\/(api|donnees)\//;

// Every root-relative link and form action of a page in language `code`
// carries its prefix, except static files and the links that name their own
// language (menu, alternates).
function assertLinksKeep(code, html, where) {
  for (const m of html.matchAll(/<(a|link|form)\b([^>]*)>/g)) {
    const attrs = m[2];
    const url = (attrs.match(/\s(?:href|action)="(\/[^"]*)"/) || [])[1];
    if (!url || url.startsWith('//') || url.startsWith('/static/') || /\shreflang="/.test(attrs)) continue;
    if (LANGUAGE_NEUTRAL.test(url)) continue; // data files keep no prefix
    assert.ok(url === `/${code}` || url.startsWith(`/${code}/`) || url.startsWith(`/${code}?`),
      `${where}: ${m[0]} leaves /${code}/`);
  }
}

const publicPages = () => [
  '/', '/lieux?ou=Aurillac', placePath, '/ateliers', workshopPath, '/a-propos', '/accessibilite',
  '/selection', '/territoire', '/intervenants', `${placePath.match(/^\/lieux\/\d+/)[0]}/signaler`,
];

for (const [code, want] of Object.entries(LANGS)) {
  test(`every public page under /${code}/ is in that language, with lang, dir, hreflang and links that keep it`, async () => {
    for (const p of publicPages()) {
      const res = await get(`/${code}${p}`);
      assert.equal(res.status, 200, `/${code}${p}`);
      const html = res.text;
      const htmlTag = html.match(/<html[^>]*>/)[0];
      assert.equal(htmlTag, want.dir ? `<html lang="${want.lang}" dir="${want.dir}">` : `<html lang="${want.lang}">`, p);
      assert.ok(html.includes(`>${want.skip}</a>`), `${p}: the skip link is translated`);
      assert.ok(html.includes(`>${want.menu}</a>`), `${p}: the main menu is translated`);
      assert.ok(!html.includes('Aller au contenu'), `${p}: no French left in the chrome`);
      // alternates: French without prefix, each language with its own
      const path = p === '/' ? '' : p;
      const esc = (s) => s.replace(/&/g, '&amp;');
      assert.ok(html.includes(`<link rel="alternate" hreflang="fr" href="${esc(p)}">`), `${p}: fr alternate`);
      assert.ok(html.includes(`<link rel="alternate" hreflang="en" href="/en${esc(path || '/')}">`), `${p}: en alternate`);
      assert.ok(html.includes(`<link rel="alternate" hreflang="ar" href="/ar${esc(path || '/')}">`), `${p}: ar alternate`);
      // the language menu: each language named in itself, in its own lang
      assert.match(html, /<nav class="languages" aria-label="[^"]+">/);
      assert.ok(html.includes(`<a hreflang="fr" lang="fr" dir="ltr" href="${esc(p)}">Français</a>`), `${p}: menu → French`);
      assert.ok(html.includes(`<a hreflang="ar" lang="ar" dir="rtl" href="/ar${esc(path || '/')}"`), `${p}: menu → Arabic`);
      assertLinksKeep(code, html, `/${code}${p}`);
    }
  });
}

test('French pages are unchanged: no prefix, lang="fr" without dir, links without prefix', async () => {
  const res = await get('/lieux?ou=Aurillac');
  assert.match(res.text, /<html lang="fr">/);
  assert.match(res.text, />Aller au contenu<\/a>/);
  assert.match(res.text, /href="\/lieux\/\d+-/);
  for (const m of res.text.matchAll(/<(a|form)\b[^>]*>/g))
    if (!/hreflang=/.test(m[0])) assert.doesNotMatch(m[0], /(href|action)="\/(en|ar)\//, m[0]);
  assert.doesNotMatch(res.text, /published-as-is/);
});

test('the signed-in area and the developer pages are in the language too; data files keep no prefix', async () => {
  const en = await get('/en/');
  assert.ok(en.text.includes('href="/en/connexion"'), 'the managers\' sign-in keeps the language');
  assert.ok(en.text.includes('href="/en/donnees"'));
  const login = await get('/en/connexion');
  assert.match(login.text, /<html lang="en">/);
  const data = await get('/en/donnees');
  assert.match(data.text, /href="\/donnees\/lieux\.csv"/, 'a download is the same file in every language');
});

test('an unknown or untranslated language prefix is just an unknown page', async () => {
  assert.equal((await get('/xx/lieux')).status, 404);
  assert.equal((await get('/de/')).status, 404);
  const en = await get('/en');
  assert.equal(en.status, 200);
  assert.match(en.text, /<html lang="en">/);
});

test('plurals and numbers follow the language', async () => {
  const fr = await get('/');
  const en = await get('/en/');
  const ar = await get('/ar/');
  assert.match(fr.text, /429 lieux dans l'annuaire/);
  assert.match(en.text, /429 places in the directory/);
  assert.match(ar.text, /429 مكانًا في الدليل/); // Arabic: 11–99 take the fourth plural form
  // distances: decimal comma in French, point in English
  const frList = await get('/lieux?ou=Aurillac&rayon=20');
  const enList = await get('/en/lieux?ou=Aurillac&rayon=20');
  assert.match(frList.text, /<strong>À \d+,\d km<\/strong>/);
  assert.match(enList.text, /<strong>\d+\.\d km away<\/strong>/);
  // dates of a place's page: "Mis à jour le 7 juin 2021" / "Updated on June 7, 2021"
  const place = await get(`/en${placePath}`);
  assert.match(place.text, /Updated on (January|February|March|April|May|June|July|August|September|October|November|December) \d+, \d{4}/);
});

test('places keep their own texts in French, marked lang="fr", and the page says so', async () => {
  const res = await get(`/ar${placePath}`);
  assert.match(res.text, /<h1 id="place-name" lang="fr">/);
  assert.match(res.text, /<p class="address" lang="fr">/);
  assert.match(res.text, /<p class="muted published-as-is">تُعرض أسماء الأماكن/);
  // a phone number stays left to right inside Arabic text
  assert.match(res.text, /\u20660\d( \d\d){4}\u2069/);
  // and so does a range of opening hours
  assert.match(res.text, /\u2066\d+:\d\d\u00a0– \d+:\d\d\u2069/);
});

test('Accept-Language suggests a visible link, never redirects, and the cache keeps them apart', async () => {
  const plain = await get('/a-propos');
  assert.doesNotMatch(plain.text, /language-suggestion/);
  const asked = await get('/a-propos', { 'Accept-Language': 'ar-MA,ar;q=0.9,fr;q=0.5' });
  assert.equal(asked.status, 200, 'no redirect');
  assert.match(asked.text, /<html lang="fr">/);
  assert.match(asked.text, /<p class="language-suggestion wrap" lang="ar" dir="rtl"><a hreflang="ar" href="\/ar\/a-propos">العربية<\/a><\/p>/);
  const again = await get('/a-propos');
  assert.doesNotMatch(again.text, /language-suggestion/, 'a cached page does not carry another visitor\'s suggestion');
  const french = await get('/a-propos', { 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.8' });
  assert.doesNotMatch(french.text, /language-suggestion/, 'French first: nothing to suggest');
  const onEnglish = await get('/en/a-propos', { 'Accept-Language': 'en-GB,en' });
  assert.doesNotMatch(onEnglish.text, /language-suggestion/, 'already in the asked language');
  const unknown = await get('/a-propos', { 'Accept-Language': 'de-DE,de' });
  assert.doesNotMatch(unknown.text, /language-suggestion/);
});

test('the selection, its short link, redirects and the printed sheet keep the language', async () => {
  const id = placePath.match(/^\/lieux\/(\d+)/)[1];
  const add = await fetch(`${server.base}/en/selection/ajouter`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.base, Referer: `${server.base}/en/lieux?ou=Aurillac` },
    body: `lieu=${id}`,
  });
  assert.equal(add.status, 303);
  const location = add.headers.get('location');
  assert.match(location, /^\/en\/selection/, 'the redirect stays in English');
  const cookie = add.headers.get('set-cookie').match(/^repere_selection=[^;]*/)[0];
  const sel = await get(location, { Cookie: cookie });
  assert.equal(sel.status, 200);
  assert.match(sel.text, /<html lang="en">/);
  // back to the search the person came from, in English, prefixed once
  assert.ok(sel.text.includes('href="/en/lieux?ou=Aurillac"'), 'the way back keeps the language once');
  assert.doesNotMatch(sel.text, /\/en\/en\//);
  // the short link to send by SMS or e-mail opens the English page
  assert.match(sel.text, new RegExp(`127\\.0\\.0\\.1:${server.port}/en/s/[A-Za-z0-9_-]+`));
  const short = sel.text.match(/href="(\/en\/s\/[A-Za-z0-9_-]+)"/)[1];
  const opened = await get(short);
  assert.equal(opened.status, 303);
  assert.match(opened.headers.get('location'), /^\/en\/selection\?s=/, 'the short link opens the English selection');
  const shown = await get(opened.headers.get('location'));
  assert.match(shown.text, /<html lang="en">/);
  // the printed sheet: in English, its QR codes lead to the English page
  const sheet = await get('/en/selection/imprimer', { Cookie: cookie });
  assert.equal(sheet.status, 200);
  assert.match(sheet.text, /<html lang="en">/);
  assert.match(sheet.text, new RegExp(`127\\.0\\.0\\.1:${server.port}/en/lieux/${id}-`), 'the address under the QR code');
  const sheetAr = await get('/ar/selection/imprimer', { Cookie: cookie });
  assert.match(sheetAr.text, /<html lang="ar" dir="rtl">/);
  assert.match(sheetAr.text, new RegExp(`127\\.0\\.0\\.1:${server.port}/ar/lieux/${id}-`));
});

test('an e-mail to the public is in the language of the page the person used, its link too', async () => {
  const person = new Browser(server.base);
  await person.get('/en/intervenants/candidater');
  const res = await person.post('/en/intervenants/candidater', {
    name: 'Sam Example (fictional)', email: 'sam.fictional@example.org', kind: 'association', domains: ['logiciels-libres'], fees: 'devis', remote: '1',
  });
  assert.equal(res.status, 200);
  assert.match(res.text, /<html lang="en">/);
  const mail = readMails(path.join(tmp.dir, 'mail')).find((m) => m.to === 'sam.fictional@example.org');
  assert.ok(mail, 'the confirmation mail was sent');
  assert.equal(mail.subject, 'Confirm your speaker profile');
  assert.match(mail.raw, /To confirm that you agree to appear in Repère's directory of speakers/);
  assert.match(mail.raw, /\/en\/intervenants\/confirmer\?t=/);
});

test('result cards are kept per language: an English list never leaves English cards on a French page', async () => {
  const cards = (html) => [...html.matchAll(/<li class="card">([\s\S]*?)<\/li>/g)]
    .map((m) => m[1].replace(/<form[\s\S]*?<\/form>/g, '').replace(/\s+/g, ' '));
  // The English list first: its cards (types, services, fees, hours) are
  // built in English; then the same places in French, under a query string
  // no page is cached for.
  const en = cards((await get('/en/lieux?ou=Riom-%C3%A8s-Montagnes')).text);
  const fr = cards((await get('/lieux?ou=Riom-%C3%A8s-Montagnes&page=1')).text);
  assert.ok(en.length > 0 && fr.length === en.length);
  assert.ok(en.some((c) => /Closed|Open|Free|Paid/.test(c)), 'the English cards are in English');
  for (const c of fr) assert.doesNotMatch(c, /\b(Closed|Open|Free|Paid)\b/, c);
  assert.notDeepEqual(fr, en);
});
