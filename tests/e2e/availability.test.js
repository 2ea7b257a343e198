// End-to-end: one anonymous client cannot make the site unusable. Downloads
// of the whole catalogue are built once per data version into a file and
// streamed from it; building them has its own small budget so searches keep
// their threads; one address cannot hold every connection.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT, makeDb, startServer, repere } = require('../lib/server');

let tmp, server, exportsDir;

test.before(async () => {
  // A catalogue large enough that a download costs far more than a search.
  tmp = makeDb({ demo: true });
  const templates = path.join(tmp.dir, 'templates.json');
  const catalogue = path.join(tmp.dir, 'catalogue.json');
  repere(tmp.db, ['export', '--format', 'json', '--output', templates]);
  execFileSync('node', [path.join(ROOT, 'bench', 'gen-catalogue.js'), '3000', templates, catalogue], { stdio: 'ignore' });
  repere(tmp.db, ['import', catalogue]);
  exportsDir = path.join(tmp.dir, 'tmp');
  fs.mkdirSync(exportsDir);
  server = await startServer({ db: tmp.db, env: { TMPDIR: exportsDir, REPERE_API_BURST: '1000' } });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

// Every built download file, with its modification time.
function builtFiles() {
  const out = new Map();
  for (const d of fs.readdirSync(exportsDir)) {
    for (const f of fs.readdirSync(path.join(exportsDir, d))) out.set(f, fs.statSync(path.join(exportsDir, d, f)).mtimeMs);
  }
  return out;
}

async function download(p, headers = {}) {
  for (let i = 0; i < 20; i++) {
    const res = await fetch(server.base + p, { headers });
    if (res.status !== 503) return res;
    assert.ok(Number(res.headers.get('retry-after')) > 0, '503 says when to come back');
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${p} stayed busy`);
}

test('a download is built once per data version into a file, then served from it with its ETag', async () => {
  const first = await download('/donnees/lieux.csv', { 'accept-encoding': 'identity' });
  assert.equal(first.status, 200);
  const body = await first.text();
  const etag = first.headers.get('etag');
  assert.ok(etag, 'an ETag');
  assert.equal(first.headers.get('x-repere-records'), String(body.trim().split('\r\n').length - 1));
  const files = builtFiles();
  assert.equal([...files.keys()].filter((f) => f.endsWith('.csv')).length, 1, `one CSV file on disk: ${[...files.keys()]}`);

  // Served again: the same bytes and ETag, the file untouched (not rebuilt).
  const again = await download('/donnees/lieux.csv', { 'accept-encoding': 'identity' });
  assert.equal(again.headers.get('etag'), etag);
  assert.equal(await again.text(), body);
  assert.deepEqual(builtFiles(), files);
  const cached = await download('/donnees/lieux.csv', { 'accept-encoding': 'identity', 'if-none-match': etag });
  assert.equal(cached.status, 304);

  // Compressed for clients that accept gzip: its own ETag, the same content.
  const gz = await download('/donnees/lieux.csv', { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  assert.notEqual(gz.headers.get('etag'), etag);
  assert.equal(await gz.text(), body, 'fetch decodes it to the same bytes');

  // The catalogue changes: a new file, a new ETag.
  repere(tmp.db, ['import', path.join(ROOT, 'data', 'demo', 'lieux-aura-2022.json')]);
  execFileSync('sqlite3', [tmp.db, "UPDATE place SET name = name || ' (modifié)' WHERE id = (SELECT min(id) FROM place)"]);
  const changed = await download('/donnees/lieux.csv', { 'accept-encoding': 'identity' });
  assert.notEqual(changed.headers.get('etag'), etag);
  assert.match(await changed.text(), /\(modifié\)/);
});

test('while downloads are being built, a search still answers first (downloads have their own budget)', async () => {
  // Eight downloads of the whole country (the catalogue changed since the
  // files were built), then a search.
  execFileSync('sqlite3', [tmp.db, "UPDATE place SET name = name || ' bis' WHERE id = (SELECT max(id) FROM place)"]);
  // The search index follows the change first (its rebuild is not what is
  // measured here: the downloads' budget is).
  assert.equal((await fetch(server.base + '/lieux?q=internet')).status, 200);
  const selections = ['csv', 'json', 'geojson', 'csv', 'json', 'geojson', 'csv', 'json'].map((ext) => `/donnees/lieux.${ext}`);
  const finished = [];
  const downloads = selections.map((p) => fetch(server.base + p).then(async (res) => {
    await res.arrayBuffer();
    finished.push({ what: p, status: res.status, retry: res.headers.get('retry-after') });
  }));
  await new Promise((r) => setTimeout(r, 50));
  const search = fetch(server.base + '/lieux?q=numerique').then(async (res) => {
    assert.equal(res.status, 200);
    await res.text();
    finished.push({ what: 'search', status: res.status });
  });
  await Promise.all([...downloads, search]);
  const searchAt = finished.findIndex((f) => f.what === 'search');
  const firstBuilt = finished.findIndex((f) => f.what !== 'search' && f.status === 200);
  assert.ok(firstBuilt >= 0, 'at least one download was built');
  assert.ok(searchAt < firstBuilt, `the search finished before any download: ${JSON.stringify(finished)}`);
  for (const f of finished.filter((x) => x.status === 503)) assert.ok(Number(f.retry) > 0);
  // Every one of them is served once its turn comes.
  for (const p of selections) assert.equal((await download(p)).status, 200, p);
});

// A GET from another loopback address; resolves with the status, rejects
// after `ms`.
function getFrom(localAddress, p, ms) {
  return new Promise((resolve, reject) => {
    const req = require('node:http').get({ host: '127.0.0.1', port: server.port, path: p, localAddress, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.setTimeout(ms, () => { req.destroy(); reject(new Error(`no answer within ${ms} ms`)); });
    req.on('error', reject);
  });
}

test('one address holding 1 000 slow connections does not stop the daemon answering another', async () => {
  const slow = [];
  let opened = 0;
  for (let i = 0; i < 1000; i++) {
    const s = net.connect({ host: '127.0.0.1', port: server.port, localAddress: '127.0.0.1' });
    s.on('error', () => {});
    s.on('connect', () => { opened++; s.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '); });
    slow.push(s);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const drip = setInterval(() => { for (const s of slow) if (!s.destroyed) s.write('a'); }, 500);
  try {
    assert.ok(opened > 0, 'the slow client connected');
    const started = Date.now();
    assert.equal(await getFrom('127.0.0.2', '/robots.txt', 1000), 200);
    assert.ok(Date.now() - started < 1000);
  } finally {
    clearInterval(drip);
    for (const s of slow) s.destroy();
  }
  // The slow address itself is served again once it lets go.
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await getFrom('127.0.0.1', '/robots.txt', 3000), 200);
});

test('the most expensive anonymous requests are refused or cut short with a clear message', async () => {
  const get = async (p) => {
    const res = await fetch(server.base + p);
    return { status: res.status, text: await res.text() };
  };
  // A page number far past the end: 400 beyond any real page, else 404, never a walk.
  for (const p of ['/lieux', '/ateliers']) {
    const beyond = await get(`${p}?page=100001`);
    assert.equal(beyond.status, 400, p);
    assert.match(beyond.text, /Le numéro de page demandé n(&#39;|')est pas valide/, p);
    const past = await get(`${p}?page=99999`);
    assert.equal(past.status, 404, p);
    assert.match(past.text, /Cette page de résultats n(&#39;|')existe pas/, p);
  }
  // Many filters at once, and hundreds of parameters.
  const services = (n) => Array.from({ length: n }, () => 'service=aide-aux-demarches-administratives').join('&');
  const many = await get(`/lieux?${services(17)}`);
  assert.equal(many.status, 400);
  assert.match(many.text, /Trop de filtres choisis à la fois/);
  const hundreds = await get(`/lieux?${services(300)}`);
  assert.equal(hundreds.status, 400);
  assert.match(hundreds.text, /Trop de paramètres dans l(&#39;|')adresse/);
  // The API's pages are bounded; the whole country comes from the downloads (built once, above).
  const big = await get('/api/v1/lieux?limit=1001');
  assert.equal(big.status, 400);
  assert.match(big.text, /limit/);
  assert.equal((await get('/api/v1/lieux?limit=1000')).status, 200);
});
