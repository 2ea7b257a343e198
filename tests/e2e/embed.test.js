// End-to-end: the widget for a commune's website (issue 20) and the page
// that explains how to embed it. The widget gives each place's hours in
// French words, as its own page does (never the raw `Mo 13:30-18:00`
// syntax), carries each place's position for the map (an enhancement: the
// list is complete without JavaScript) and allows the map tiles in its
// policy. /integrer asks « Où ? » like every page (choices for homonyms,
// the typed text kept with an error naming the field when nothing
// matches) and, for a commune, gives the snippet to copy and a live
// preview of exactly that widget.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { makeDb, startServer } = require('../lib/server');

let server;
let tmp;

async function get(urlPath) {
  const res = await fetch(server.base + urlPath, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const unescape = (s) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const cards = (html) => [...html.matchAll(/<li class="card"[^>]*>([\s\S]*?)<\/li>/g)].map((m) => m[0]);
// OSM opening_hours syntax as a person should never read it.
const RAW_HOURS = /\b(Mo|Tu|We|Th|Fr|Sa|Su)\b[-,A-Za-z ]*\d\d:\d\d/;

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('the widget says the hours in words, as the place page does, never the raw syntax', async () => {
  const page = await get('/embed/lieux?ou=Aurillac');
  assert.equal(page.status, 200);
  const items = cards(page.text);
  assert.ok(items.length >= 3, `cards: ${items.length}`);
  assert.doesNotMatch(page.text, RAW_HOURS);
  assert.doesNotMatch(page.text, /<code>/);
  let withStatus = 0;
  for (const card of items) {
    const status = card.match(/<p class="status[^"]*">([^<]*)<\/p>/);
    if (!status) continue;
    withStatus++;
    assert.match(status[1], /^(Ouvert|Fermé)/);
    const url = unescape(card.match(/<h3><a href="([^"]+)"/)[1]);
    const own = await (await fetch(url)).text();
    // The place page's status line holds the same words (in <strong>).
    const ownStatus = own.match(/<p class="status[^"]*"><strong>([^<]*)<\/strong>/);
    assert.ok(ownStatus, url);
    assert.equal(unescape(status[1].split(' · aujourd')[0]), unescape(ownStatus[1]), url);
  }
  assert.ok(withStatus >= 3, `cards with hours: ${withStatus}`);
});

test('the widget carries what the map needs and lets the tiles in; the list is whole without it', async () => {
  const page = await get('/embed/lieux?ou=Aurillac');
  assert.match(page.text, /<div id="carte" class="map" data-from="embed-places" data-tiles="[^"]+" hidden><\/div>/);
  assert.match(page.text, /<ol class="results" id="embed-places">/);
  assert.match(page.text, /<script src="\/static\/repere\.js\?v=\w+" defer data-decimal=","[^>]*><\/script>/);
  const items = cards(page.text);
  const placed = items.filter((c) => /data-lat="-?\d+\.\d+" data-lon="-?\d+\.\d+"/.test(c));
  assert.ok(placed.length >= 3 && placed.length <= items.length);
  const csp = page.headers.get('content-security-policy');
  assert.match(csp, /frame-ancestors \*/);
  assert.match(csp, /img-src 'self' data: https:\/\/tile\.openstreetmap\.org/);
  assert.ok(!csp.includes('unsafe-inline'));
  assert.equal(page.headers.get('x-frame-options'), null);
});

test('/integrer explains and asks « Où ? »', async () => {
  const page = await get('/integrer');
  assert.equal(page.status, 200);
  assert.match(page.text, /<h1>Afficher les lieux d'aide au numérique sur le site de votre commune<\/h1>/);
  assert.match(page.text, /<label for="ou">Où \?<\/label>/);
  assert.doesNotMatch(page.text, /<iframe/);
  assert.match(page.text, /<meta name="description" content="[^"]+">/);
  // Linked from the open data page.
  assert.match((await get('/donnees')).text, /href="\/integrer"/);
});

test('/integrer for a commune: the snippet to copy and a live preview of that very widget', async () => {
  const page = await get('/integrer?ou=Aurillac');
  assert.equal(page.status, 200);
  const snippet = unescape(page.text.match(/<textarea id="snippet"[^>]*>([^<]*)<\/textarea>/)[1]);
  const src = snippet.match(/^<iframe src="(http:\/\/127\.0\.0\.1:\d+(\/embed\/lieux\?[^"]+))" title="Lieux d'aide au numérique, Aurillac \(15\)" style="width:100%;height:600px;border:0" loading="lazy"><\/iframe>$/);
  assert.ok(src, snippet);
  assert.match(src[2], /commune=15014/);
  const preview = unescape(page.text.match(/<iframe src="([^"]+)" title="Aperçu : [^"]+" height="600" class="embed-preview"/)[1]);
  assert.equal(preview, src[2]);
  // The preview is the widget itself, framable.
  const widget = await get(preview);
  assert.equal(widget.status, 200);
  assert.match(widget.headers.get('content-security-policy'), /frame-ancestors \*/);
  assert.ok(cards(widget.text).length >= 3);
});

test('/integrer: homonyms are offered, an unknown commune is said next to the field, with what was typed', async () => {
  const choice = await get('/integrer?ou=Saint-Denis');
  const links = [...choice.text.matchAll(/<li><a href="(\/integrer\?ou=Saint-Denis&amp;commune=\w+)">/g)].map((m) => unescape(m[1]));
  assert.ok(links.length >= 2, 'choices');
  assert.doesNotMatch(choice.text, /<textarea id="snippet"/);
  const chosen = await get(links[0]);
  assert.match(chosen.text, /<textarea id="snippet"/);

  const unknown = await get('/integrer?ou=' + encodeURIComponent('Zzyzx<ville'));
  assert.equal(unknown.status, 200);
  assert.match(unknown.text, /<input type="text" id="ou" name="ou" value="Zzyzx&lt;ville"[^>]*aria-invalid="true"/);
  assert.match(unknown.text, /<p class="field-error" id="ou-error" role="alert">[^<]*Zzyzx&lt;ville/);
  assert.doesNotMatch(unknown.text, /<textarea id="snippet"/);
});
