// End-to-end: the search understands a need typed in the visitor's language
// (issue 18). On /en/, /ar/ and /uk/ pages, "taxes", "ضرائب", "податки"
// find the same places as « impôts » on a French page, "computer",
// "حاسوب", "комп'ютер" the same as « ordinateur »; the interpretation line
// names the need in the page's language (its name in po/LL.po); French pages
// read French words only, as before.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { makeDb, startServer } = require('../lib/server');
const { readPo } = require('../lib/po');

let server;
let tmp;

async function search(prefix, q) {
  const res = await fetch(`${server.base}${prefix}/lieux?ou=Grenoble&q=${encodeURIComponent(q)}`);
  const text = await res.text();
  assert.equal(res.status, 200);
  const ids = [...text.matchAll(/<h3[^>]*><a href="[^"]*\/lieux\/(\d+)-/g)].map((m) => m[1]).sort();
  const strong = (text.match(/<p class="interpretation">[^<]*<strong>([^<]*)<\/strong>/) || [])[1];
  const interpretation = strong && strong.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return { ids, interpretation };
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

const NEEDS = [
  { french: 'impôts', name: 'Démarches administratives', words: { en: 'taxes', ar: 'ضرائب', uk: 'податки' } },
  { french: 'ordinateur', name: 'Ordinateur et internet sur place', words: { en: 'computer', ar: 'حاسوب', uk: "комп'ютер" } },
];

for (const need of NEEDS) {
  test(`« ${need.french} » typed in English, Arabic, Ukrainian finds the same places`, async () => {
    const french = await search('', need.french);
    assert.ok(french.ids.length >= 3, `« ${need.french} » finds places in Grenoble`);
    for (const [code, word] of Object.entries(need.words)) {
      const other = await search(`/${code}`, word);
      assert.deepEqual(other.ids, french.ids, `/${code}/ « ${word} »`);
      // The interpretation says the need in the page's language.
      const name = readPo(code).get(need.name);
      assert.ok(name, `po/${code}.po names « ${need.name} »`);
      assert.ok(other.interpretation && other.interpretation.includes(name),
        `/${code}/ « ${word} »: « ${other.interpretation} » names « ${name} »`);
    }
  });
}

test('a job, papers, internet typed in the page\'s language are understood as their French words', async () => {
  const cases = [
    ['Emploi et formation', { en: 'job', ar: 'وظيفة', uk: 'робота' }],
    ['Démarches administratives', { en: 'papers', ar: 'أوراق', uk: 'документи' }],
    ['Ordinateur et internet sur place', { en: 'internet', ar: 'إنترنت', uk: 'інтернет' }],
  ];
  for (const [need, words] of cases) {
    for (const [code, word] of Object.entries(words)) {
      const { interpretation } = await search(`/${code}`, word);
      const name = readPo(code).get(need);
      assert.ok(interpretation && interpretation.includes(name), `/${code}/ « ${word} » → « ${interpretation} »`);
    }
  }
});

test('French pages read French words only, as before', async () => {
  const fr = await search('', 'impôts');
  assert.equal(fr.interpretation, 'Aide aux démarches administratives');
  const english = await search('', 'papers');
  assert.equal(english.interpretation, undefined, 'an English word means nothing on a French page');
  // On an English page the French words still work.
  const mixed = await search('/en', 'impôts');
  assert.deepEqual(mixed.ids, fr.ids);
});
