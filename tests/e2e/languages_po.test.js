// The translation catalogues (issue 18, docs/languages.md): po/repere.pot is
// what scripts/po-extract.sh finds in the sources today (a message added to a
// template or to C without regenerating it fails here), and every po/LL.po
// compiles with `msgfmt --check` and has no untranslated or fuzzy message.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const PO = path.join(ROOT, 'po');

test('po/repere.pot is up to date with the sources and templates', () => {
  const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'repere-pot-')), 'repere.pot');
  execFileSync(path.join(ROOT, 'scripts', 'po-extract.sh'), [fresh], { stdio: 'pipe' });
  // Source references (#: file:line) move with every edit of a file that
  // holds a message: only the messages themselves must be up to date.
  const messages = (t) => t.split('\n').filter((l) => !l.startsWith('#:')).join('\n');
  const committed = messages(fs.readFileSync(path.join(PO, 'repere.pot'), 'utf8'));
  const now = messages(fs.readFileSync(fresh, 'utf8'));
  if (committed !== now) {
    const ids = (t) => new Set([...t.matchAll(/^msgid "(.*)"$/gm)].map((m) => m[1]));
    const before = ids(committed), after = ids(now);
    const added = [...after].filter((m) => !before.has(m)).slice(0, 10);
    const gone = [...before].filter((m) => !after.has(m)).slice(0, 10);
    assert.fail(`po/repere.pot is stale: run \`make pot\` (new: ${JSON.stringify(added)}; gone: ${JSON.stringify(gone)})`);
  }
});

const catalogues = fs.readdirSync(PO).filter((f) => f.endsWith('.po'));

test('there are catalogues, English and Arabic among them', () => {
  assert.ok(catalogues.includes('en.po'), 'po/en.po');
  assert.ok(catalogues.includes('ar.po'), 'po/ar.po');
});

for (const file of catalogues) {
  test(`${file}: compiles with msgfmt --check, every message translated, none fuzzy`, () => {
    const out = path.join(os.tmpdir(), `repere-${process.pid}-${file}.mo`);
    const r = spawnSync('msgfmt', ['--check', '--statistics', '-o', out, path.join(PO, file)], { encoding: 'utf8' });
    fs.rmSync(out, { force: true });
    assert.equal(r.status, 0, `${file} does not compile:\n${r.stderr}`);
    // "N translated messages, M fuzzy translations, K untranslated messages."
    assert.doesNotMatch(r.stderr, /fuzzy|untranslated/, `${file}: ${r.stderr.trim()}`);
    // Every message of the template is in the catalogue (msgmerge would add them
    // as untranslated): compare the message ids.
    const ids = (t) => new Set([...t.matchAll(/^msgid "(.*)"$/gm)].map((m) => m[1]).filter(Boolean));
    const pot = ids(fs.readFileSync(path.join(PO, 'repere.pot'), 'utf8'));
    const po = ids(fs.readFileSync(path.join(PO, file), 'utf8'));
    const missing = [...pot].filter((m) => !po.has(m));
    assert.deepEqual(missing.slice(0, 10), [], `${file}: ${missing.length} messages of po/repere.pot missing (msgmerge --update po/${file} po/repere.pot)`);
  });
}
