// End-to-end: addresses are never glued to a source form's example (issue
// 20). Three real records of the shared AURA file (Hinaura 2022) carry the
// entry form's example "(ex. 12 allée des Glycines)" in `adresse`, once
// glued in front of the real address ("(ex. 12 allée des Glycines)7 rue
// Terrasse"). The import keeps the address, drops the example and says so
// in its report; the place page and the commune carnet show "7 rue
// Terrasse". An address that is only the example is kept (the national
// schema requires one) and flagged in the report. Migration 0031 repairs a
// database imported before the fix.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync, spawnSync } = require('node:child_process');
const { sqlite, ROOT, DATA_ROOT, BIN, AURA, makeDb, startServer } = require('../lib/server');

let server;
let tmp;
let importOutput;
const sql = (q) => sqlite(tmp.db, q);

async function get(urlPath) {
  const res = await fetch(server.base + urlPath);
  return { status: res.status, text: await res.text() };
}

test.before(async () => {
  tmp = makeDb();
  const run = spawnSync(BIN, ['import', AURA, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT },
  });
  importOutput = run.stdout + run.stderr;
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('the import drops the form example and reports it, keeping the records', () => {
  assert.equal(sql("SELECT address FROM place WHERE source_id = '1033'"), '7 rue Terrasse');
  assert.equal(sql("SELECT count(*) FROM place WHERE address LIKE '%Glycines)_%'"), '0');
  assert.match(importOutput, /id 1033\): warning: adresse: exemple du formulaire d'origine collé devant l'adresse : retiré/);
  assert.match(importOutput, /id 1100\): warning: adresse: l'adresse n'est que l'exemple du formulaire d'origine : gardée, à vérifier/);
  // A real address in parentheses is not an example: kept as published.
  assert.equal(sql("SELECT address FROM place WHERE source_id = '484'"), '(21 Rue Alexandre Pinard)');
});

test('the place page and the carnet show the address alone', async () => {
  const id = sql("SELECT id FROM place WHERE source_id = '1033'");
  const page = await get(`/lieux/${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text, /<p class="address">7 rue Terrasse<br>63000 Clermont-Ferrand<\/p>/i);
  const carnet = await get('/territoire/63113/imprimer');
  assert.equal(carnet.status, 200);
  assert.doesNotMatch(carnet.text, /Glycines/);
  assert.match(carnet.text, /<p class="sheet-address">7 rue Terrasse, 63000 /i);
});

test('migration 0031 repairs addresses imported before the fix', () => {
  const id = sql("SELECT id FROM place WHERE source_id = '1033'");
  sql(`UPDATE place SET address = '(ex. 12 allée des Glycines)7 rue Terrasse' WHERE id = ${id}`);
  sql("DELETE FROM schema_migration WHERE version = 31");
  execFileSync(BIN, ['migrate', '--db', tmp.db], { cwd: ROOT, env: { ...process.env, REPERE_ROOT: DATA_ROOT }, stdio: 'ignore' });
  assert.equal(sql(`SELECT address FROM place WHERE id = ${id}`), '7 rue Terrasse');
});
