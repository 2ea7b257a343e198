#!/usr/bin/env node
// Generate a national-size catalogue as a schema v1.0.2 JSON import file.
//
//   node bench/gen-catalogue.js COUNT TEMPLATES.json OUT.json [SEED]
//
// TEMPLATES.json is a v1 JSON export (bench/run.sh exports the demo
// catalogue): each generated place copies the services, fees, hours, publics,
// modes… of one real record, so vocabularies and their mix are real. Places
// are spread over the gazetteer's communes (data/gazetteer/communes.tsv) in
// proportion to population^0.8 — big towns get many places, most villages
// none, as on the national map (about one place per 2 000 inhabitants, with
// a long tail of small communes) — and placed within ~1.5 km of the commune's
// point. Deterministic for a given SEED.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [count, templatesFile, out, seedArg] = process.argv.slice(2);
if (!count || !templatesFile || !out) {
  console.error('usage: gen-catalogue.js COUNT TEMPLATES.json OUT.json [SEED]');
  process.exit(64);
}
const N = parseInt(count, 10);

// xorshift32: small, deterministic.
let state = (parseInt(seedArg || '12345', 10) >>> 0) || 1;
function rand() {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];

const ROOT = path.resolve(__dirname, '..');
const lines = fs.readFileSync(path.join(ROOT, 'data', 'gazetteer', 'communes.tsv'), 'utf8').trim().split('\n');
const header = lines.shift().split('\t');
const col = Object.fromEntries(header.map((h, i) => [h, i]));
const communes = [];
for (const l of lines) {
  const c = l.split('\t');
  const pop = parseInt(c[col.population], 10) || 0;
  const lat = parseFloat(c[col.lat]), lon = parseFloat(c[col.lon]);
  if (!pop || Number.isNaN(lat) || !c[col.postcodes]) continue;
  if (c[col.parent]) continue; // arrondissements: their city is listed too
  communes.push({ insee: c[col.insee], name: c[col.name], pop, lat, lon, cp: c[col.postcodes].split(/[ ,|]/)[0], weight: Math.pow(pop, 0.8) });
}
let total = 0;
const cumulative = communes.map((c) => (total += c.weight));
function pickCommune() {
  const x = rand() * total;
  let lo = 0, hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] < x) lo = mid + 1; else hi = mid;
  }
  return communes[lo];
}

const templates = JSON.parse(fs.readFileSync(templatesFile, 'utf8'));
const KINDS = ['Espace public numérique', 'Médiathèque', 'France services', 'Point numérique', 'Centre social',
  'Tiers-lieu', 'Maison de quartier', 'Mission locale', 'CCAS', 'Fablab'];
const STREETS = ['rue de la République', 'place de la Mairie', 'avenue Jean-Jaurès', 'rue Victor-Hugo',
  'rue de la Gare', 'place du Marché', 'rue Pasteur', 'boulevard Gambetta', 'rue des Écoles', 'allée des Tilleuls'];

// The importer reads files of a bounded size: files of at most CHUNK records,
// OUT, then OUT.2, OUT.3… (bench/run.sh imports every OUT*).
const CHUNK = 25000;
let fd = null;
for (let i = 1; i <= N; i++) {
  if ((i - 1) % CHUNK === 0) {
    if (fd !== null) { fs.writeSync(fd, ']\n'); fs.closeSync(fd); }
    const part = Math.floor((i - 1) / CHUNK) + 1;
    fd = fs.openSync(part === 1 ? out : `${out}.${part}`, 'w');
    fs.writeSync(fd, '[\n');
  }
  const last = i === N || i % CHUNK === 0;
  const t = pick(templates);
  const c = pickCommune();
  const r = { ...t };
  r.id = `bench-${i}`;
  r.pivot = '00000000000000';
  r.nom = `${pick(KINDS)} ${c.name} ${i}`;
  r.commune = c.name;
  r.code_postal = c.cp;
  r.code_insee = c.insee;
  r.adresse = `${1 + Math.floor(rand() * 120)} ${pick(STREETS)}`;
  const d = 0.015 * Math.sqrt(rand()), a = rand() * 2 * Math.PI;
  r.latitude = +(c.lat + d * Math.cos(a)).toFixed(6);
  r.longitude = +(c.lon + (d * Math.sin(a)) / Math.cos((c.lat * Math.PI) / 180)).toFixed(6);
  r.telephone = '+33' + (1 + Math.floor(rand() * 5)) + String(Math.floor(rand() * 1e8)).padStart(8, '0');
  r.courriels = `contact${i}@example.org`;
  r.site_web = null;
  r.source = 'Banc d\'essai';
  r.structure_parente = null;
  r.fiche_acces_libre = null;
  r.prise_rdv = null;
  fs.writeSync(fd, JSON.stringify(r) + (last ? '\n' : ',\n'));
}
fs.writeSync(fd, ']\n');
fs.closeSync(fd);
console.error(`gen-catalogue: ${N} places over ${communes.length} communes → ${out}`);
