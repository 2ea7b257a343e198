// Every page's <title> names the site; a results page's title says what came
// back (a count, nothing found, a place not found), so that the tab and the
// first words of a screen reader tell them apart.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { makeDb, startServer } = require('../lib/server');

let server;
let tmp;

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

const title = async (u) => ((await (await fetch(server.base + u)).text()).match(/<title>([^<]*)<\/title>/) || [])[1];

test('every page type names the site in its title', async () => {
  for (const u of ['/', '/lieux?ou=Aurillac', '/ateliers', '/a-propos', '/api', '/donnees', '/connexion', '/nulle-part', '/selection']) {
    assert.match(await title(u), /Repère/, u);
  }
});

test('results, empty results and an unknown place have different titles', async () => {
  const found = await title('/lieux?ou=Aurillac');
  const empty = await title('/lieux?q=zzqxwv&ou=Aurillac');
  const unknown = await title('/lieux?ou=Nullepartville');
  assert.match(found, /^\d+ lieux? — Lieux d&#39;aide au numérique — Aurillac \(15\) — Repère$/);
  assert.match(empty, /^Aucun lieu trouvé — /);
  assert.match(unknown, /^Lieu introuvable — /);
  assert.match(await title('/nulle-part'), /^Page introuvable — Repère$/);
});

test('every page type has a meta description', async () => {
  for (const u of ['/', '/lieux?ou=Aurillac', '/ateliers', '/a-propos', '/api', '/donnees', '/connexion', '/nulle-part', '/selection']) {
    const html = await (await fetch(server.base + u)).text();
    assert.match(html, /<meta name="description" content="[^"]{30,}">/, u);
  }
});
