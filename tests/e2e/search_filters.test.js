// End-to-end: the filters a social worker needs besides Saturday and "after
// 17 h" — open on each day of the week, with or without an appointment —
// on three places of one commune whose hours and access modes are known.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { servePlaces } = require('../lib/server');

let server;

const place = (id, nom, horaires, extra) => ({
  id, pivot: '00000000000000', nom, commune: 'Chambéry', code_postal: '73000', code_insee: '73065',
  adresse: `${id} rue de Boigne`, latitude: 45.566, longitude: 5.92, date_maj: '2026-11-01',
  source: 'Essai filtres', horaires, services: ['Accès internet et matériel informatique'], ...extra,
});

const PLACES = [
  place('f-1', 'Lundi sans rendez-vous', 'Mo 09:00-12:00', { modalites_acces: ['Se présenter'] }),
  place('f-2', 'Samedi sur rendez-vous', 'Sa 10:00-12:00', { modalites_acces: ['Prendre un RDV en ligne'] }),
  place('f-3', 'Mardi réservation', 'Tu 14:00-17:00', { prise_rdv: 'https://rdv.example.fr/f-3' }),
  place('f-4', 'Tous les jours sans et sur rendez-vous', 'Mo-Su 08:00-20:00',
    { modalites_acces: ['Se présenter', 'Téléphoner'] }),
];

test.before(async () => {
  server = await servePlaces(PLACES);
});

test.after(async () => {
  await server.close();
});

async function names(query) {
  const html = await (await fetch(`${server.base}/lieux?ou=Chamb%C3%A9ry%20(73)&${query}`)).text();
  return [...html.matchAll(/<h3><a href="\/lieux\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]).sort();
}

test('open on a given day of the week', async () => {
  assert.deepEqual(await names('horaires=lundi'), ['Lundi sans rendez-vous', 'Tous les jours sans et sur rendez-vous']);
  assert.deepEqual(await names('horaires=mardi'), ['Mardi réservation', 'Tous les jours sans et sur rendez-vous']);
  assert.deepEqual(await names('horaires=samedi'), ['Samedi sur rendez-vous', 'Tous les jours sans et sur rendez-vous']);
  assert.deepEqual(await names('horaires=dimanche'), ['Tous les jours sans et sur rendez-vous']);
  // Two days: open on one or the other.
  assert.deepEqual(await names('horaires=lundi&horaires=mardi'),
    ['Lundi sans rendez-vous', 'Mardi réservation', 'Tous les jours sans et sur rendez-vous']);
});

test('with or without an appointment', async () => {
  assert.deepEqual(await names('rendez-vous=sans-rendez-vous'),
    ['Lundi sans rendez-vous', 'Tous les jours sans et sur rendez-vous']);
  assert.deepEqual(await names('rendez-vous=sur-rendez-vous'),
    ['Mardi réservation', 'Samedi sur rendez-vous', 'Tous les jours sans et sur rendez-vous']);
  assert.deepEqual(await names('rendez-vous=sans-rendez-vous&horaires=samedi'),
    ['Tous les jours sans et sur rendez-vous']);
});

test('the filters are offered with their counts, and in the API', async () => {
  const html = await (await fetch(`${server.base}/lieux?ou=Chamb%C3%A9ry%20(73)`)).text();
  assert.match(html, /Ouvert le lundi <span class="count">\(2\)/);
  assert.match(html, /Ouvert le dimanche <span class="count">\(1\)/);
  assert.match(html, /Sans rendez-vous <span class="count">\(2\)/);
  assert.match(html, /Sur rendez-vous <span class="count">\(3\)/);
  const api = await (await fetch(`${server.base}/api/v1/lieux?ou=Chamb%C3%A9ry%20(73)&horaires=dimanche`)).json();
  const list = api.lieux || api.data || api.results || api;
  assert.equal(JSON.stringify(list).includes('Tous les jours sans et sur rendez-vous'), true);
  assert.equal(JSON.stringify(list).includes('Lundi sans rendez-vous'), false);
});
