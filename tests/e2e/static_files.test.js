// Static files: text files go out gzip-compressed (from the .gz `make`
// writes next to them) when the client accepts it, with Vary; the same bytes
// once decompressed; plain otherwise. The print sheet and the carnet name the
// site's icon, so a browser does not ask for /favicon.ico.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { makeDb, startServer, ROOT } = require('../lib/server');

let server;
let tmp;

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

for (const file of ['repere.css', 'repere.js', 'print.css', 'vendor/leaflet/leaflet.js', 'vendor/leaflet/leaflet.css']) {
  test(`/static/${file} is served gzip-compressed when accepted, plain otherwise, with Vary`, async () => {
    const plain = fs.readFileSync(path.join(ROOT, 'static', file));
    const gz = await fetch(`${server.base}/static/${file}?v=1`, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    assert.equal(gz.status, 200);
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.equal(gz.headers.get('vary'), 'Accept-Encoding');
    assert.match(gz.headers.get('cache-control'), /max-age=31536000/);
    // fetch decompresses by itself: compare with the file, and check the wire size.
    assert.deepEqual(Buffer.from(await gz.arrayBuffer()), plain);
    const raw = await new Promise((resolve, reject) => {
      require('node:http').get(`${server.base}/static/${file}`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject);
    });
    assert.ok(raw.length < plain.length / 2, `${raw.length} bytes on the wire for ${plain.length}`);
    assert.deepEqual(zlib.gunzipSync(raw), plain);
    const identity = await fetch(`${server.base}/static/${file}`, { headers: { 'Accept-Encoding': 'identity' } });
    assert.equal(identity.headers.get('content-encoding'), null);
    assert.equal(identity.headers.get('vary'), 'Accept-Encoding');
    assert.deepEqual(Buffer.from(await identity.arrayBuffer()), plain);
  });
}

test('an image is not compressed again and says nothing about Vary', async () => {
  const res = await fetch(`${server.base}/static/vendor/leaflet/images/marker-icon.png`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-encoding'), null);
});

test('the print sheet and the carnet name the icon (no /favicon.ico 404) and the sheet has an h1', async () => {
  const carnet = await (await fetch(`${server.base}/territoire/aurillac/imprimer`)).text();
  assert.match(carnet, /<link rel="icon" href="\/static\/favicon\.svg\?v=\w+"/);
  const list = await (await fetch(`${server.base}/lieux?ou=Aurillac`)).text();
  const id = list.match(/name="lieu" value="(\d+)"/)[1];
  const sheet = await (await fetch(`${server.base}/selection/imprimer?s=${id}`)).text();
  assert.match(sheet, /<link rel="icon" href="\/static\/favicon\.svg\?v=\w+"/);
  assert.match(sheet, /<h1[^>]*>[^<]+<\/h1>/);
});
