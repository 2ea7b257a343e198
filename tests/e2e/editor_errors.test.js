// End-to-end: the place editor's error box names the fields actually in
// error and links each to its input (the href is the id of an input of the
// page, the very one marked aria-invalid), for every part of the editor that
// can refuse what was typed: identity, address, opening hours (grid and
// expression) and temporary closures. The table of contents at the top links
// every part.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { sqlite, makeDb, startServer, addUser } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

const MANAGER = 'gestion@example.fr', PW = 'une phrase assez longue pour passer';
let tmp, server, place, manager;

const sql = (q) => sqlite(tmp.db, q);
const ids = (html) => new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
const inputIds = (html) => new Set([...html.matchAll(/<(?:input|textarea|select)\b[^>]*\sid="([^"]+)"/g)].map((m) => m[1]));
const invalidIds = (html) => [...html.matchAll(/<(?:input|textarea|select)\b[^>]*>/g)]
  .filter((m) => /aria-invalid="true"/.test(m[0])).map((m) => m[0].match(/\sid="([^"]+)"/)[1]);
// The error box: [{ href, label }].
function errorBox(html) {
  const box = html.match(/<div class="notice notice-error error-summary"[\s\S]*?<\/div>/);
  assert.ok(box, 'an error box');
  return [...box[0].matchAll(/<a href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ href: m[1], label: m[2] }));
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  place = Number(sql('SELECT id FROM place WHERE closed_at IS NULL ORDER BY id LIMIT 1'));
  addUser(tmp.db, MANAGER, PW, `manager:${place}`);
  server = await startServer({ db: tmp.db });
  manager = new Browser(server.base);
  await manager.login(MANAGER, PW);
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

const CASES = [
  ['identite', { name: 'Espace test', phone: 'pas un numéro', emails: 'accueil@exemple..fr', website: 'ftp://exemple.fr', booking_url: '' },
    { 'f-phone': 'Téléphone', 'f-emails': 'Courriel public', 'f-website': 'Site web' }],
  ['adresse', { address: '', address_extra: '', postal_code: '7300', commune: 'Chambéry', latitude: '', longitude: '' },
    { 'f-address': 'Adresse', 'f-postal_code': 'Code postal' }],
  ['horaires', { h_Mo_1_from: '09:00', h_Mo_1_to: '08:00', h_Tu_2_from: '14:00', h_Tu_2_to: '' },
    { 'f-h_Mo_1_from': 'Horaires : Lundi, plage 1', 'f-h_Tu_2_from': 'Horaires : Mardi, plage 2' }],
  ['horaires-avance', { hours: 'Lu 9h-12h n\'importe quoi' }, { 'f-hours': 'Horaires au format opening_hours' }],
  ['fermeture', { starts_on: '2026-12-24', ends_on: '2026-12-20', kind: 'exceptionnel', closure_hours: '', message: '' },
    { 'f-ends_on': 'Fermeture temporaire : au', 'f-closure_hours': 'Fermeture temporaire : horaires exceptionnels' }],
];

for (const [section, fields, expected] of CASES) {
  test(`the error box of "${section}" names and links exactly the fields in error`, async () => {
    await manager.get(`/admin/lieux/${place}`);
    const res = await manager.post(`/admin/lieux/${place}/${section}`, fields);
    assert.equal(res.status, 400, res.text.slice(0, 300));
    const links = errorBox(res.text);
    const inputs = inputIds(res.text);
    for (const l of links) assert.ok(inputs.has(l.href), `#${l.href} (${l.label}) is an input of the page`);
    assert.deepEqual(Object.fromEntries(links.map((l) => [l.href, l.label.replace(/&#39;/g, "'")])), expected);
    // The inputs marked invalid are the linked ones (a range of the hours
    // grid is one error on two inputs: the box links its first).
    const invalid = new Set(invalidIds(res.text).map((id) => id.replace(/^(f-h_\w+_\d)_to$/, '$1_from')));
    assert.deepEqual([...invalid].sort(), Object.keys(expected).sort(), 'the linked inputs are the ones marked invalid');
  });
}

test('the table of contents at the top links every part of the editor', async () => {
  const page = await manager.get(`/admin/lieux/${place}`);
  assert.equal(page.status, 200);
  const toc = page.text.match(/<nav class="editor-toc"[\s\S]*?<\/nav>/);
  assert.ok(toc, 'a table of contents');
  assert.ok(page.text.indexOf(toc[0]) < page.text.indexOf('id="h-verify"'), 'before the first part');
  const targets = [...toc[0].matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
  const all = ids(page.text);
  for (const t of targets) assert.ok(all.has(t), `#${t} exists`);
  for (const part of ['identite', 'adresse', 'horaires', 'services', 'acces', 'labels', 'presentation', 'fermetures'])
    assert.ok(targets.includes(part), `${part} is listed`);
});
