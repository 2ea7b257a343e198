// End-to-end: the signed-in area in the page's language (issue 18,
// docs/languages.md). /{lang}/connexion, /{lang}/compte and /{lang}/admin/…
// work like the public pages: <html lang dir>, the language menu, links and
// form actions keeping the prefix, redirects after a POST staying under it,
// e-mailed links in the language they were asked in, a refused form shown
// again in its language with what was typed. The session does not depend on
// the language. Texts are checked against the catalogue's msgstr when the
// message is translated.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { sqlite, ROOT, makeDb, startServer, addUser } = require('../lib/server');
const { FAKE_SENDMAIL, linkFor, Browser } = require('../lib/fake-sendmail');

const MANAGER = 'gestion@example.fr', PW = 'une phrase assez longue pour passer';
const ADMIN = 'admin@example.fr', INVITED = 'nouvelle@example.fr';
let tmp, server, place, mailDir;

const sql = (q) => sqlite(tmp.db, q);

// msgid → msgstr of po/LL.po (singular messages only).
const catalogues = {};
function catalogue(lang) {
  if (catalogues[lang]) return catalogues[lang];
  const map = new Map();
  const text = fs.readFileSync(path.join(ROOT, 'po', `${lang}.po`), 'utf8');
  const unquote = (lines) => lines.map((l) => JSON.parse(l.replace(/^(msgid|msgstr)\s+/, ''))).join('');
  for (const entry of text.split(/\n\n+/)) {
    const lines = entry.split('\n').filter((l) => !l.startsWith('#'));
    const id = lines.findIndex((l) => l.startsWith('msgid '));
    const str = lines.findIndex((l) => l.startsWith('msgstr '));
    if (id < 0 || str < 0 || /^#, fuzzy/m.test(entry)) continue;
    map.set(unquote(lines.slice(id, str)), unquote(lines.slice(str)));
  }
  return (catalogues[lang] = map);
}
const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  .replace(/"/g, '&quot;').replace(/'/g, '&#39;');

// The page shows `msgid` in `lang` when the catalogue translates it. Returns
// whether the check could be made (an untranslated message is skipped).
function assertSays(html, lang, msgid, where) {
  const msgstr = catalogue(lang).get(msgid);
  if (!msgstr) return false;
  const shown = [msgstr, escapeHtml(msgstr)];
  assert.ok(shown.some((s) => html.includes(s)), `${where}: « ${msgid} » in ${lang}: ${msgstr}`);
  return true;
}

function assertLanguagePage(res, lang, where) {
  assert.equal(res.status, 200, where);
  const dir = lang === 'ar' ? ' dir="rtl"' : '';
  assert.match(res.text, new RegExp(`<html lang="${lang}"${dir}>`), `${where}: <html lang dir>`);
  assert.match(res.text, /<nav class="languages"/, `${where}: the language menu`);
  assert.match(res.text, /<a hreflang="fr" lang="fr" dir="ltr" href="\/(admin|compte|connexion)/,
    `${where}: the menu leads to the same page in French`);
  // every form of the page posts under the prefix
  for (const m of res.text.matchAll(/<form\b[^>]*\saction="([^"]+)"/g))
    assert.ok(m[1].startsWith(`/${lang}/`), `${where}: form action ${m[1]} keeps /${lang}/`);
  for (const m of res.text.matchAll(/<a\b([^>]*)\shref="(\/(admin|compte|connexion)[^"]*)"/g))
    assert.ok(/hreflang=/.test(m[1]), `${where}: link ${m[2]} leaves /${lang}/`);
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  mailDir = path.join(tmp.dir, 'mail');
  place = Number(sql('SELECT id FROM place WHERE closed_at IS NULL ORDER BY id LIMIT 1'));
  addUser(tmp.db, MANAGER, PW, `manager:${place}`);
  addUser(tmp.db, ADMIN, PW, 'admin');
  server = await startServer({ db: tmp.db, args: ['--sendmail', `${FAKE_SENDMAIL} ${mailDir}`] });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('the signed-in area under /en/ and /ar/', async (t) => {
  const manager = new Browser(server.base);

  await t.test('1. /en/connexion is in English, with the menu, and posts under /en/', async () => {
    const page = await manager.get('/en/connexion');
    assertLanguagePage(page, 'en', '/en/connexion');
    assert.ok(assertSays(page.text, 'en', 'Espace gestionnaires', '/en/connexion'));
    assertSays(page.text, 'en', 'Mot de passe oublié ?', '/en/connexion');
    const ar = await manager.get('/ar/connexion');
    assertLanguagePage(ar, 'ar', '/ar/connexion');
  });

  await t.test('2. an admin page asked for while signed out leads to the sign-in in the same language', async () => {
    const res = await fetch(`${server.base}/en/admin/lieux/${place}`, { redirect: 'manual' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/en/connexion?retour=%2Fadmin%2Flieux%2F${place}`);
  });

  await t.test('3. signing in under /en/ goes back under /en/; the session cookie is the same for every language', async () => {
    await manager.get('/en/connexion');
    const res = await manager.post('/en/connexion', { email: MANAGER, password: PW, retour: `/admin/lieux/${place}` });
    assert.equal(res.status, 303);
    assert.equal(res.location, `/en/admin/lieux/${place}`);
    const cookie = res.headers.getSetCookie().join('\n');
    assert.match(cookie, /Path=\/;/, 'the cookie covers every language');
    assert.equal((await manager.get('/admin')).status, 200, 'signed in in French too');
    // a return path that already names a language is not prefixed twice
    await manager.get('/en/connexion');
    const again = await manager.post('/en/connexion', { email: MANAGER, password: PW, retour: '/en/compte' });
    assert.equal(again.location, '/en/compte');
  });

  await t.test('4. /en/admin, /en/compte and the place editor are in English', async () => {
    for (const p of ['/en/admin', '/en/compte', `/en/admin/lieux/${place}`]) {
      const page = await manager.get(p);
      assertLanguagePage(page, 'en', p);
    }
    const dash = await manager.get('/en/admin');
    assert.ok(assertSays(dash.text, 'en', 'Espace gestionnaires', '/en/admin'));
    assertSays(dash.text, 'en', 'Tableau de bord', '/en/admin');
    const editor = await manager.get(`/en/admin/lieux/${place}`);
    // field labels of the editor (C tables) and their vocabularies
    for (const msgid of ['Langues parlées', 'Comment y aller', 'Accompagnement'])
      assert.ok(assertSays(editor.text, 'en', msgid, 'editor'), msgid);
    assert.doesNotMatch(editor.text, />Langues parlées</, 'no French label left');
    assertSays(editor.text, 'en', 'Rien n\'a changé ?', 'editor');
  });

  await t.test('5. a form posted under /en/admin redirects under /en/admin', async () => {
    await manager.get(`/en/admin/lieux/${place}`);
    const res = await manager.post(`/en/admin/lieux/${place}/verifie`, {});
    assert.equal(res.status, 303);
    assert.match(res.location, new RegExp(`^/en/admin/lieux/${place}\\b`));
  });

  await t.test('6. a refused form under /ar/admin comes back in Arabic, right to left, with what was typed', async () => {
    const page = await manager.get(`/ar/admin/lieux/${place}`);
    assertLanguagePage(page, 'ar', '/ar/admin editor');
    const typed = '12 rue de l\'Exemple, bâtiment B';
    const res = await manager.post(`/ar/admin/lieux/${place}/adresse`,
      { address: typed, address_extra: '', postal_code: '07000', commune: '', latitude: '', longitude: '' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<html lang="ar" dir="rtl">/);
    assert.ok(res.text.includes(`id="f-address" name="address" value="${typed.replace(/'/g, '&#39;')}"`)
      || res.text.includes(`value="${typed.replace(/'/g, '&#39;')}"`), 'the typed address is kept');
    assert.match(res.text, /<input[^>]*id="f-commune"[^>]*aria-invalid="true"/);
    const error = res.text.match(/<span class="field-error" id="e-commune">([^<]*)<\/span>/);
    assert.ok(error, 'an error beside the commune');
    assert.equal(error[1], catalogue('ar').get('Ce champ est obligatoire.'), 'the error in Arabic');
    // the error box names the field in Arabic and links to it
    assert.match(res.text, new RegExp(`<a href="#f-commune">${catalogue('ar').get('Commune')}</a>`));
    assert.match(res.text, new RegExp(`action="/ar/admin/lieux/${place}/adresse`));
    assertSays(res.text, 'ar', 'Certaines informations ne conviennent pas : rien n\'a été enregistré.', 'error box');
  });

  await t.test('7. a forgotten password asked under /en/ is mailed with a link under /en/', async () => {
    const visitor = new Browser(server.base);
    await visitor.get('/en/compte/oubli');
    const res = await visitor.post('/en/compte/oubli', { email: MANAGER });
    assert.equal(res.status, 200);
    assert.match(res.text, /<html lang="en">/);
    const link = linkFor(mailDir, MANAGER, '/compte/activer?t=');
    assert.ok(link, 'a reset link was mailed');
    assert.equal(link.pathname, '/en/compte/activer');
    const activate = await visitor.get(link.pathname + link.search);
    assertLanguagePage(activate, 'en', 'activation page');
  });

  await t.test('8a. an invitation sent from /en/admin leads to /en/compte/activer', async () => {
    const admin = new Browser(server.base);
    await admin.get('/en/connexion');
    await admin.post('/en/connexion', { email: ADMIN, password: PW, retour: '/admin' });
    await admin.get('/en/admin');
    const res = await admin.post('/en/admin/inviter', { email: INVITED, name: 'Camille', place: String(place) });
    assert.equal(res.status, 303);
    assert.match(res.location, /^\/en\/admin\?/);
    const link = linkFor(mailDir, INVITED, '/compte/activer?t=');
    assert.ok(link, 'an invitation was mailed');
    assert.equal(link.pathname, '/en/compte/activer');
    const page = await admin.get(link.pathname + link.search);
    assertLanguagePage(page, 'en', 'invitation page');
  });

  await t.test('8. signing out under /en/ ends on the English sign-in page', async () => {
    await manager.get('/en/compte');
    const res = await manager.post('/en/deconnexion', {});
    assert.equal(res.status, 303);
    assert.equal(res.location, '/en/connexion?fin=1');
  });
});
