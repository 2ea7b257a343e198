// End-to-end: very long URLs. Up to what libmicrohttpd 0.9.75 can hold in a
// connection's memory (CONNECTION_MEMORY, 48 KiB in src/http/server.c),
// Repère answers its own 414 with every security header. Beyond it the
// library refuses the request by itself, before any callback of ours runs:
// the measured limits are in docs/security.md ("One known gap"), and the
// last test pins them so that a change of libmicrohttpd or of
// CONNECTION_MEMORY shows up here.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { makeDb, startServer } = require('../lib/server');

let server;
let tmp;

test.before(async () => {
  tmp = makeDb();
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  require('node:fs').rmSync(tmp.dir, { recursive: true, force: true });
});

// GET a path of `length` bytes over a raw socket (fetch refuses some), with
// the same two headers each time so that the limits below are exact.
function rawGet(length) {
  return new Promise((resolve) => {
    const s = net.connect(server.port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => (data += d));
    s.on('end', () => resolve(data));
    s.on('error', () => resolve(data));
    s.write(`GET /${'a'.repeat(length - 1)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

function parse(raw) {
  const [head, ...body] = raw.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const headers = new Map(lines.slice(1).map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
  }));
  return { status: lines[0], headers, body: body.join('\r\n\r\n') };
}

const SECURITY = ['content-security-policy', 'x-content-type-options', 'referrer-policy'];

test('a long URL that fits the connection memory gets our 414, in French, with every security header', async () => {
  for (const length of [2049, 10000, 40000, 48395]) {
    const r = parse(await rawGet(length));
    assert.equal(r.status, 'HTTP/1.1 414 URI Too Long', `${length} bytes`);
    for (const h of SECURITY) assert.ok(r.headers.has(h), `${length} bytes: ${h}`);
    assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.match(r.body, /L&#39;adresse demandée est trop longue|L'adresse demandée est trop longue/);
  }
});

test('the measured limit of libmicrohttpd 0.9.75 at 48 KiB (docs/security.md): past it, no answer of ours', async () => {
  // 48 396 bytes up to about 49 000: our answer no longer fits the memory
  // left, the library closes the connection without a word.
  assert.equal(await rawGet(48396), '');
  // Further: the library's own 414, without our headers.
  for (const length of [50000, 1000000]) {
    const r = parse(await rawGet(length));
    assert.equal(r.status, 'HTTP/1.1 414 URI Too Long');
    assert.equal(r.headers.has('content-security-policy'), false);
  }
});
