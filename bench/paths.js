#!/usr/bin/env node
// Write the randomised request paths of each benchmarked route, one file per
// route (DIR/<route>.paths), for bench/random-path.lua:
//
//   node bench/paths.js CATALOGUE.db DIR
//
// Communes are drawn among those that have places (weighted by how many),
// written "Name (dep)" as the suggestions offer them; needs are the words
// people type; filter pairs are the common ones; places are random ids
// with their slug (the canonical URL, no redirect).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const [dbFile, dir] = process.argv.slice(2);
const COUNT = 2000;
const sql = (q) => execFileSync('sqlite3', ['-readonly', '-separator', '\t', dbFile, q], { encoding: 'utf8', maxBuffer: 1 << 28 })
  .trim().split('\n').filter(Boolean).map((l) => l.split('\t'));

let seed = 4242;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (a) => a[Math.floor(rand() * a.length)];

const communes = sql(`SELECT c.name, c.departement, count(*) FROM place p JOIN commune c ON c.insee = p.commune_insee
                      WHERE c.parent IS NULL OR c.parent = '' GROUP BY c.insee`);
const weighted = [];
for (const [name, dep, n] of communes) for (let i = 0; i < Math.min(+n, 50); i++) weighted.push(`${name} (${dep})`);
const places = sql(`SELECT id, slug FROM place ORDER BY random() LIMIT ${COUNT}`);
const NEEDS = ['démarches CAF', 'imprimer', 'ordinateur', 'smartphone', 'faire mon CV', 'impôts', 'internet',
  'démarches administratives', 'apprendre', 'courriel', 'santé ameli', 'emploi'];
const FILTERS = ['tarif=gratuit', 'horaires=samedi', 'accueil=surdite', 'horaires=apres-17h',
  'accompagnement=a-votre-place', 'tarif=pass-numerique', 'acces=fauteuil', 'horaires=maintenant'];

const enc = encodeURIComponent;
const routes = {
  home: () => '/',
  'search-commune': () => `/lieux?ou=${enc(pick(weighted))}`,
  'search-need-filters': () => {
    const f1 = pick(FILTERS);
    let f2 = pick(FILTERS);
    while (f2 === f1) f2 = pick(FILTERS);
    return `/lieux?q=${enc(pick(NEEDS))}&ou=${enc(pick(weighted))}&${f1}&${f2}`;
  },
  place: () => { const [id, slug] = pick(places); return `/lieux/${id}-${slug}`; },
  agenda: () => `/ateliers?ou=${enc(pick(weighted))}`,
  api: () => `/api/v1/lieux?ou=${enc(pick(weighted))}`,
};
fs.mkdirSync(dir, { recursive: true });
for (const [name, make] of Object.entries(routes)) {
  const list = [];
  for (let i = 0; i < (name === 'home' ? 1 : COUNT); i++) list.push(make());
  fs.writeFileSync(path.join(dir, `${name}.paths`), list.join('\n') + '\n');
}
console.error(`paths: ${communes.length} communes with places, ${places.length} places → ${dir}`);
