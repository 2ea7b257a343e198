#!/usr/bin/env node
/*
 * run.js — the relevance test set (issue 14): the real daemon on the shared
 * real data, every line of queries.tsv (see build.js), then the promise of
 * the issue for every place of the data: its exact name with its postal
 * code, and with its commune, shows it in the first five results.
 * Prints each failure, then "N passed, N failed" and the score; exits 1
 * below 100 %. Run by tests/run.sh (make check).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { AURA, makeDb, startServer } = require('../lib/server');

const TOP = 5;

async function main() {
  const tmp = makeDb({ importFiles: [AURA] });
  const server = await startServer({ db: tmp.db });
  let passed = 0;
  let failed = 0;
  const fail = (what) => { failed++; console.log(`FAIL ${what}`); };
  try {
    const get = async (p) => (await fetch(server.base + p)).text();
    // Database id → id of the source record, through the API.
    const sourceId = new Map();
    for (let url = '/api/v1/lieux?limit=500'; url;) {
      const page = JSON.parse(await get(url));
      for (const p of page.lieux) sourceId.set(String(p.identifiant), String(p.id));
      url = page.suivant ? page.suivant.replace(server.base, '') : null;
    }
    // The first results of a search, as source ids; a choice page is
    // answered as a person would, with the commune of that postal code.
    const search = async (q, ou, postal) => {
      let url = '/lieux?' + new URLSearchParams({ q, ou }).toString();
      let html = await get(url);
      if (/<h1>Précisez la commune<\/h1>/.test(html) && postal) {
        const offered = [...html.matchAll(/<li><a href="([^"]+)">[^<]*<\/a> <span class="muted">— [^<]*<\/span><\/li>/g)];
        // The commune of that postal code, else the one of its département
        // (a record's postal code may be a neighbour's or a Cedex one).
        const choice = offered.find((m) => m[0].includes(postal)) ||
          offered.find((m) => m[0].includes(`(${postal.slice(0, 2)})`));
        if (choice) html = await get(choice[1].replace(/&amp;/g, '&'));
      }
      // An entry that stands for two places flagged as one (issue 20) links the
      // other one (« voir aussi »): both are found, in that entry's rank.
      const ids = [...html.matchAll(/<h3><a href="\/lieux\/(\d+)-|<p class="also">[^]*?href="\/lieux\/(\d+)-/g)]
        .map((m) => sourceId.get(m[1] || m[2]));
      const interp = (html.match(/Nous avons compris : <strong>([^<]*)<\/strong>/) || [])[1] || '';
      return { ids, interp: interp.replace(/&#39;/g, "'"), html };
    };

    const lines = fs.readFileSync(path.join(__dirname, 'queries.tsv'), 'utf8').split('\n')
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('q\t'));
    let setPassed = 0;
    for (const line of lines) {
      const [q, ou, must, interp, comment] = line.split('\t');
      const r = await search(q, ou);
      const missing = must ? must.split('|').filter((id) => !r.ids.slice(0, TOP).includes(id)) : [];
      const lacking = interp ? interp.split('|').filter((s) => !r.interp.split(', ').includes(s)) : [];
      if (missing.length || lacking.length) {
        fail(`« ${q} » + « ${ou} » (${comment}): ` +
          (missing.length ? `not in the first ${TOP}: ${missing.join(', ')} (got ${r.ids.slice(0, TOP).join(', ')}) ` : '') +
          (lacking.length ? `interpretation lacks ${lacking.join(', ')} (shown: « ${r.interp} »)` : ''));
      } else {
        passed++;
        setPassed++;
      }
    }
    console.log(`relevance set: ${setPassed}/${lines.length} queries`);

    // Done when: a place's exact name with its postal code or its commune.
    const places = JSON.parse(fs.readFileSync(AURA, 'utf8'));
    // Names as the site shows them (a few records carry "&amp;").
    const shown = (name) => name.replace(/&amp;/g, '&');
    let sweepPassed = 0;
    for (const p of places) {
      for (const ou of [p.code_postal, p.commune]) {
        const r = await search(shown(p.nom), ou, p.code_postal);
        if (r.ids.slice(0, TOP).includes(String(p.id))) {
          passed++;
          sweepPassed++;
        } else {
          fail(`« ${shown(p.nom)} » + « ${ou} »: place ${p.id} not in the first ${TOP} (got ${r.ids.slice(0, TOP).join(', ') || 'nothing'})`);
        }
      }
    }
    console.log(`exact name + postal code or commune: ${sweepPassed}/${places.length * 2}`);
  } finally {
    await server.stop();
    fs.rmSync(tmp.dir, { recursive: true, force: true });
  }
  const total = passed + failed;
  console.log(`score: ${total ? ((100 * passed) / total).toFixed(1) : '0.0'} %`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
