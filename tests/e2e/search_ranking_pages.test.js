// End-to-end: a results page of /lieux ranks only its own hits (the others
// are left unsorted, search_params.ranked), so each page must list exactly
// the places the full ranking puts there. The map (/lieux.geojson) ranks
// every hit: pages 1, 2, 3… of /lieux must be its slices, in order, with
// ties on distance (places at the same spot) and on relevance broken the
// same way, for a plain search, a need search and a filtered one.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { servePlaces } = require('../lib/server');

let server;

// 260 places around Chambéry, seeded: many share a position (distance
// ties), two texts alternate (relevance ties), half are free of charge.
let seed = 1234;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const SPOTS = Array.from({ length: 40 }, () => [45.566 + (rand() - 0.5) * 0.06, 5.92 + (rand() - 0.5) * 0.08]);
const PLACES = Array.from({ length: 260 }, (_, i) => {
  const [lat, lon] = SPOTS[Math.floor(rand() * SPOTS.length)];
  return {
    id: `rk-${i}`, pivot: '00000000000000', nom: `Lieu rang ${i}`, commune: 'Chambéry', code_postal: '73000',
    code_insee: '73065', adresse: `${i} rue de Boigne`, latitude: lat, longitude: lon, date_maj: '2026-11-01',
    source: 'Essai rang', horaires: 'Mo-Fr 09:00-17:00',
    presentation_resume: i % 2 ? 'Accès à internet et ordinateurs' : 'Aide aux démarches en ligne, internet',
    services: ['Accès internet et matériel informatique'],
    frais_a_charge: [i % 2 ? 'Payant' : 'Gratuit'],
  };
});

test.before(async () => {
  server = await servePlaces(PLACES);
});

test.after(async () => {
  await server.close();
});

const mapOrder = async (query) => {
  const res = await fetch(`${server.base}/lieux.geojson?${query}`);
  assert.equal(res.status, 200);
  return (await res.json()).features.map((f) => String(f.properties.id));
};

const pageIds = async (query, page) => {
  const res = await fetch(`${server.base}/lieux?${query}&page=${page}`);
  assert.equal(res.status, 200);
  const html = await res.text();
  return [...html.matchAll(/name="lieu" value="(\d+)"/g)].map((m) => m[1]);
};

for (const [what, query, least] of [
  ['a commune', 'ou=Chamb%C3%A9ry%20(73)', 250],
  ['a need around a commune', 'q=internet&ou=Chamb%C3%A9ry%20(73)', 250],
  ['a need and a filter', 'q=internet&ou=Chamb%C3%A9ry%20(73)&tarif=gratuit', 120],
]) {
  test(`each page of ${what} lists the full ranking's slice`, async () => {
    const all = await mapOrder(query);
    assert.ok(all.length >= least, `${all.length} hits, expected at least ${least}`);
    const pages = Math.ceil(all.length / 20);
    const seen = [];
    for (let p = 1; p <= pages; p++) {
      const ids = await pageIds(query, p);
      assert.deepEqual(ids, all.slice((p - 1) * 20, p * 20), `page ${p}`);
      seen.push(...ids);
    }
    assert.equal(new Set(seen).size, all.length, 'every place once');
  });
}
