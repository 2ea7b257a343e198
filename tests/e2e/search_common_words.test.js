// End-to-end: a word that thousands of places use (issue 13, "nothing
// becomes wrong to become fast"). The full-text search used to keep the
// 5 000 best-scored matches of the whole country: a place near the person
// that says the word once, in a long text, fell outside them, and the
// results around it, their order and their counts were wrong. Every match
// now counts, whatever the catalogue's size.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { servePlaces } = require('../lib/server');

let server;

const ELSEWHERE = 5200; // more than the old 5 000, all better scored

const place = (id, nom, extra) => ({
  id, pivot: '00000000000000', nom, date_maj: '2026-11-01', source: 'Essai mots courants',
  services: ['Accès internet et matériel informatique'], ...extra,
});

function places() {
  const list = [];
  for (let i = 1; i <= ELSEWHERE; i++) {
    list.push(place(`loin-${i}`, `Atelier origami ${i}`, {
      commune: 'Chambéry', code_postal: '73000', code_insee: '73065', adresse: `${i} rue des Plis`,
      // a grid of 200 m steps around Chambéry: apart enough not to be taken for duplicates
      latitude: 45.566 + Math.floor(i / 80) * 0.002, longitude: 5.92 + (i % 80) * 0.002,
      presentation_resume: 'Origami, origami et origami.',
    }));
  }
  const privas = { commune: 'Privas', code_postal: '07000', code_insee: '07186', latitude: 44.735, longitude: 4.599 };
  list.push(place('pres-1', 'Médiathèque de Privas', {
    ...privas, adresse: '1 place de la Médiathèque',
    presentation_resume: 'Un lieu pour lire, écrire, emprunter des livres et des films, apprendre à se servir '
      + 'd’un ordinateur, imprimer un document, rencontrer d’autres lecteurs ; le mercredi on y plie '
      + 'parfois des origami avec les enfants du quartier, avant le goûter.',
  }));
  list.push(place('pres-2', 'Centre social de Privas', {
    ...privas, latitude: 44.737, adresse: '2 rue du Centre', presentation_resume: 'Accueil, écoute et démarches.',
  }));
  return list;
}

test.before(async () => {
  server = await servePlaces(places());
});

test.after(async () => {
  await server.close();
});

const names = (html) => [...html.matchAll(/<h3><a href="\/lieux\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);

test('the place near the person that says the word once is found among thousands elsewhere', async () => {
  const html = await (await fetch(`${server.base}/lieux?q=origami&ou=Privas%20(07)`)).text();
  const list = names(html);
  assert.equal(list[0], 'Médiathèque de Privas', String(list.slice(0, 5)));
  assert.ok(!list.includes('Centre social de Privas'), 'a place without the word is not listed');
});

test('every match is counted, not the best 5 000', async () => {
  const body = await (await fetch(`${server.base}/api/v1/lieux?q=origami&limit=1`)).json();
  assert.equal(body.total, ELSEWHERE + 1);
});
