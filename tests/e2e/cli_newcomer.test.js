// The command line as a newcomer meets it: `repere demo` (what `make run`
// does) counts suspected duplicates in one line; `repere import` takes its
// options after the files too.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { BIN, ROOT, DATA_ROOT } = require('../lib/server');

function run(args) {
  const r = spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT } });
  return { status: r.status, out: r.stdout + r.stderr };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repere-cli-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('repere demo summarises suspected duplicates in one line instead of listing them', () => {
  const db = path.join(dir, 'demo.db');
  assert.equal(run(['migrate', '--db', db]).status, 0);
  const demo = run(['demo', '--db', db]);
  assert.equal(demo.status, 0, demo.out);
  assert.doesNotMatch(demo.out, /doublon possible de/);
  const m = demo.out.match(/: (\d+) doublons possibles signalés : voir `repere import --report FICHIER\.json`\n/);
  assert.ok(m, demo.out);
  assert.match(demo.out, new RegExp(`duplicates ${m[1]}\\n`));
  assert.ok(demo.out.trim().split('\n').length < 10, demo.out);
});

test('repere import FILE --report X.json: the option after the file is an option, not a file', () => {
  const db = path.join(dir, 'import.db');
  const report = path.join(dir, 'rapport.json');
  assert.equal(run(['migrate', '--db', db]).status, 0);
  const file = path.join(DATA_ROOT, 'data', 'demo', 'lieux-aura-2022.json');
  const r = run(['import', file, '--report', report, '--dry-run', '--db', db]);
  assert.equal(r.status, 0, r.out);
  assert.doesNotMatch(r.out, /--report|lecture impossible/);
  const json = JSON.parse(fs.readFileSync(report, 'utf8'));
  assert.equal(json.dry_run, true);
  assert.deepEqual(json.files.map((f) => f.file), [file]);
  assert.ok(json.files[0].entries.some((e) => e.level === 'duplicate'), 'the report lists every duplicate');
  // After "--", an argument that looks like an option is a file.
  const dashed = run(['import', '--dry-run', '--db', db, '--', '--report']);
  assert.match(dashed.out, /--report: erreur : lecture impossible/);
});
