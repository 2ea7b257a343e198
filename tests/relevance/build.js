#!/usr/bin/env node
/*
 * build.js — (re)generate tests/relevance/queries.tsv from the shared real
 * data (data/demo/lieux-aura-2022.json is the same national-export file).
 * Run by hand when the data or the rules below change; the output is
 * committed and reviewed like code: each line is an expectation a person
 * would have, made by construction from the data, never by running the
 * search (that would only check the search against itself).
 *
 *   1. a kind of place and its commune ("médiathèque" + "Die 26150"): the
 *      places of that commune whose *name* says so must be in the first 5
 *      (kept only when the commune has at most 3 of them, so that 5 is
 *      enough), with the interpretation the word must bring, if any;
 *   2. what residents type for a need + a commune of the data: the
 *      interpretation that must be shown (the need table of issue 14).
 *
 * Columns: q, ou, places that must be in the first 5 (ids of the
 * source, "|"-separated, may be empty), interpretation that must be shown
 * (a service of the national vocabulary, "|"-separated, may be empty),
 * a comment for people.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const places = JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'demo', 'lieux-aura-2022.json'), 'utf8'));

const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
const J = 'Insertion professionnelle via le numérique';
const A = 'Aide aux démarches administratives';
const O = 'Maîtrise des outils numériques du quotidien';
const I = 'Accès internet et matériel informatique';
const S = 'Utilisation sécurisée du numérique';
const P = 'Parentalité et éducation avec le numérique';
const L = 'Loisirs et créations numériques';

/* 1. Kinds of place named in place names, as a person would type them. */
const KINDS = [
  ['médiathèque', /\bmediatheque\b/, []],
  ['bibliothèque', /\bbibliotheque\b/, []],
  ['France Services', /\bfrance services?\b/, [A]],
  ['espace public numérique', /\bespace public numerique\b/, []],
  ['EPN', /\bepn\b/, []],
  ['centre social', /\bcentre social\b/, []],
  ['mairie', /\bmairie\b/, []],
  ['MJC', /\bmjc\b/, []],
  ['cyber base', /\bcyber ?base\b/, []],
  ['emploi', /\bemploi\b/, [J]],
  ['fablab', /\bfablab\b/, [L]],
  ['fab lab', /\bfab lab\b/, [L]],
  ['tiers lieu', /\btiers lieu\b/, []],
  ['CCAS', /\bccas\b/, []],
  ['maison de quartier', /\bmaison de quartier\b/, []],
  ['point information jeunesse', /\bpoint information jeunesse\b/, []],
  ['La Poste', /\bla poste\b/, []],
  ['Emmaüs Connect', /\bemmaus connect\b/, []],
  ['Croix-Rouge', /\bcroix rouge\b/, []],
  ['Secours populaire', /\bsecours populaire\b/, []],
  ['centre socioculturel', /\bcentre socioculturel\b/, []],
  ['centre socio-culturel', /\bcentre socio culturel\b/, []],
  ['maison des services', /\bmaison (de|des) services?\b/, [A]],
];

const rows = [];
const commune = (p) => `${p.commune} ${p.code_postal}`;
for (const [word, re, interp] of KINDS) {
  const groups = new Map();
  for (const p of places) {
    if (!p.code_postal || !re.test(fold(p.nom))) continue;
    const key = fold(p.commune) + ' ' + p.code_postal;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(p);
  }
  for (const list of groups.values()) {
    if (list.length > 3) continue;
    rows.push([word, commune(list[0]), list.map((p) => p.id).join('|'), interp.join('|'),
      `the ${list.length === 1 ? 'place' : 'places'} of ${list[0].commune} named « ${word} »`]);
  }
}

/* 2. What residents type (issue 14) → the interpretation to show. */
const NEEDS = [
  ['faire mon CV', [J]], ['lettre de motivation', [J]], ['France Travail', [J, A]], ['pole emploi', [J, A]],
  ['m\'actualiser', [J, A]], ['chercher du travail', [J]], ['candidature en ligne', [J]],
  ['ameli', [A]], ['carte Vitale', [A]], ['Doctolib', [O, A]], ['Mon espace santé', [A]],
  ['CAF', [A]], ['allocations', [A]], ['prime d\'activité', [A]], ['RSA', [A]],
  ['impots.gouv', [A]], ['déclarer mes impôts', [A]], ['prélèvement à la source', [A]],
  ['ma retraite', [A]], ['carte grise', [A]], ['permis de conduire', [A]], ['ANTS', [A]],
  ['carte d\'identité', [A]], ['passeport', [A]], ['demande de logement', [A]],
  ['Pronote', [P]], ['ENT', [P]], ['contrôle parental', [P]],
  ['banque en ligne', [S, O]], ['arnaque', [S]], ['mot de passe', [S]],
  ['appel vidéo avec ma famille', [O]], ['WhatsApp', [O]], ['envoyer un mail', [O]],
  ['imprimer', [I]], ['scanner un document', [I]], ['ordinateur', [I, O]],
  ['ordinatuer', [I, O]], ['impots', [A]], ['alocations', [A]], ['carte vitalle', [A]], ['france travial', [J, A]],
];
const COMMUNES = ['Grenoble', 'Valence (26)', 'Aurillac', 'Annonay', 'Moulins 03000'];
NEEDS.forEach(([q, interp], i) => {
  const ou = COMMUNES[i % COMMUNES.length];
  rows.push([q, ou, '', interp.join('|'), 'a need as residents type it']);
});

const header = '# Generated by tests/relevance/build.js — see it for what each line means.\nq\tou\tmust_top5\tinterpretation\tcomment\n';
fs.writeFileSync(path.join(__dirname, 'queries.tsv'), header + rows.map((r) => r.join('\t')).join('\n') + '\n');
console.log(`${rows.length} queries`);
