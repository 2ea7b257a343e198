// End-to-end behind Debian's nginx with the shipped contrib/nginx-repere.conf
// (plain HTTP on a loopback port instead of TLS, temporary paths): limits
// count visitors, anonymous pages come from the cache and follow edits
// within the documented delay, sessions never touch the cache, and the
// cache keeps serving while the daemon restarts (README, "Scaling out").
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { BIN, ROOT, DATA_ROOT, makeDb, startServer, freePort } = require('../lib/server');

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
const CACHE_SECONDS = 10; // the delay documented in contrib/nginx-repere.conf and the README
const PW = 'une phrase pour le gestionnaire';

let tmp, daemon, daemonPort, nginx, nginxPort, placeA, placePath;
const env = { REPERE_TRUST_PROXY: '1' };

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, REPERE_ROOT: DATA_ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// The shipped site, made runnable here: the upstream is the test daemon, the
// cache lives in the temporary directory, plain HTTP on a loopback port.
function nginxConfig(dir) {
  const site = fs.readFileSync(path.join(ROOT, 'contrib', 'nginx-repere.conf'), 'utf8')
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${daemonPort};`)
    .replace('/var/cache/nginx/repere', path.join(dir, 'cache'))
    .replace(/server \{\s*listen 80;[\s\S]*?\n\}\n/, '')
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${nginxPort};`)
    .replace(/^\s*listen \[::\]:443.*$/m, '')
    .replace(/^\s*ssl_.*$/gm, '');
  assert.doesNotMatch(site, /ssl|listen 80/, 'the test config has no TLS left');
  return `${process.getuid() === 0 ? 'user root root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { text/html html; }
${site}
}
`;
}

async function waitFor(url, ok = (s) => s === 200) {
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      if (ok((await get(url, {}, '127.0.0.1')).status)) return;
    } catch (e) { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// One HTTP request from a chosen loopback address (a visitor of its own).
function request(method, url, { headers = {}, body, localAddress = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ method, host: u.hostname, port: u.port, path: u.pathname + u.search, headers, localAddress, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(5000, () => req.destroy(new Error(`${method} ${url}: no answer`)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}
const get = (url, headers, localAddress) => request('GET', url, { headers, localAddress });
const front = (p) => `http://127.0.0.1:${nginxPort}${p}`;

// A person behind nginx, coming from `address`, with a cookie jar.
class Visitor {
  constructor(address) { this.address = address; this.cookies = new Map(); this.csrf = null; }
  keep(res) {
    for (const c of [].concat(res.headers['set-cookie'] || [])) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const m = res.text.match(/name="csrf" value="([^"]+)"/);
    if (m) this.csrf = m[1];
    return res;
  }
  headers() { return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}; }
  async get(p) { return this.keep(await get(front(p), this.headers(), this.address)); }
  async post(p, fields) {
    const body = new URLSearchParams({ csrf: this.csrf || '', ...fields }).toString();
    return this.keep(await request('POST', front(p), {
      body, localAddress: this.address,
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }));
  }
  async login(email, password) {
    await this.get('/connexion');
    return this.post('/connexion', { email, password, retour: '/admin' });
  }
}

async function startDaemon(port) {
  const child = spawn(BIN, ['serve', '--db', tmp.db, '--listen', '127.0.0.1', '--port', String(port), '--quiet'], {
    cwd: ROOT, env: { ...process.env, REPERE_ROOT: DATA_ROOT, ...env }, stdio: 'ignore',
  });
  await waitFor(`http://127.0.0.1:${port}/robots.txt`);
  return { child, async stop() { const e = new Promise((r) => child.once('exit', r)); child.kill('SIGTERM'); await e; } };
}

test.before(async () => {
  assert.ok(NGINX, 'nginx is installed (scripts/setup.sh installs nginx-light)');
  tmp = makeDb({ demo: true });
  const s = await startServer({ db: tmp.db, env });
  daemonPort = s.port;
  daemon = s;
  const ids = [...(await (await fetch(s.base + '/lieux')).text()).matchAll(/href="\/lieux\/(\d+-[^"]+)"/g)].map((m) => m[1]);
  placePath = `/lieux/${ids[0]}`;
  placeA = Number.parseInt(ids[0], 10);
  cli(['user', 'add', 'a@example.fr', '--password-stdin', `manager:${placeA}`], PW + '\n');
  cli(['user', 'add', 'b@example.fr', '--password-stdin', `manager:${placeA}`], PW + '\n');
  nginxPort = await freePort();
  const dir = path.join(tmp.dir, 'nginx');
  fs.mkdirSync(dir);
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, nginxConfig(dir));
  nginx = spawn(NGINX, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  nginx.stderr.on('data', (d) => { errors += d; });
  try {
    await waitFor(front('/robots.txt'));
  } catch (e) {
    throw new Error(`nginx did not start: ${errors} ${fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : ''}`);
  }
});

test.after(async () => {
  if (nginx && nginx.exitCode === null) {
    const e = new Promise((r) => nginx.once('exit', r));
    nginx.kill('SIGQUIT');
    await e;
  }
  if (daemon) await daemon.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('an anonymous page is served from the cache the second time', async () => {
  const first = await get(front(placePath), {}, '127.0.0.10');
  assert.equal(first.status, 200);
  assert.match(first.headers['x-cache-status'], /MISS|EXPIRED/);
  const second = await get(front(placePath), {}, '127.0.0.11');
  assert.equal(second.headers['x-cache-status'], 'HIT');
  assert.equal(second.text, first.text);
  assert.equal(second.headers.etag, first.headers.etag, 'the daemon\'s validator is kept');
  // The browser revalidates with it and gets a 304 from the cache.
  const again = await get(front(placePath), { 'if-none-match': first.headers.etag }, '127.0.0.11');
  assert.equal(again.status, 304);
});

test('a signed-in manager never receives a cached page, nor another\'s', async () => {
  const a = new Visitor('127.0.0.20');
  const b = new Visitor('127.0.0.21');
  assert.equal((await a.login('a@example.fr', PW)).status, 303);
  assert.equal((await b.login('b@example.fr', PW)).status, 303);
  for (let i = 0; i < 2; i++) {
    const pa = await a.get('/compte');
    const pb = await b.get('/compte');
    assert.equal(pa.headers['x-cache-status'], 'BYPASS');
    assert.equal(pb.headers['x-cache-status'], 'BYPASS');
    assert.match(pa.text, /value="a@example.fr"/);
    assert.doesNotMatch(pa.text, /b@example\.fr/);
    assert.match(pb.text, /value="b@example.fr"/);
    assert.doesNotMatch(pb.text, /a@example\.fr/);
    // A public page too: fresh from the daemon for a session, never stored.
    assert.equal((await a.get(placePath)).headers['x-cache-status'], 'BYPASS');
  }
  // Without the cookie, the account page is not in the cache: it asks to sign in.
  const anon = await get(front('/compte'), {}, '127.0.0.22');
  assert.equal(anon.status, 303);
  assert.doesNotMatch(anon.text, /example\.fr/);
  const forged = await get(front('/compte'), { cookie: 'sid=not-a-session' }, '127.0.0.22');
  assert.equal(forged.status, 303);
});

test(`a manager's edit shows through nginx within ${CACHE_SECONDS} s`, async () => {
  const before = await get(front(placePath), {}, '127.0.0.30');
  assert.equal(before.status, 200);
  const m = new Visitor('127.0.0.31');
  assert.equal((await m.login('a@example.fr', PW)).status, 303);
  await m.get(`/admin/lieux/${placeA}`);
  const res = await m.post(`/admin/lieux/${placeA}/horaires`, { h_Tu_1_from: '07:15', h_Tu_1_to: '11:45' });
  assert.equal(res.status, 303);
  const edited = Date.now();
  for (;;) {
    const page = await get(front(placePath), {}, '127.0.0.30');
    if (/Tu 07:15-11:45/.test(page.text)) break;
    assert.ok(Date.now() - edited < (CACHE_SECONDS + 3) * 1000, 'the edit is still not visible');
    await new Promise((r) => setTimeout(r, 500));
  }
});

test('nginx keeps serving pages (stale) while the daemon restarts', async () => {
  const home = await get(front('/'), {}, '127.0.0.40');
  assert.equal(home.status, 200);
  await daemon.stop();
  try {
    const during = await get(front('/'), {}, '127.0.0.41');
    assert.equal(during.status, 200);
    assert.match(during.headers['x-cache-status'], /HIT|STALE|UPDATING/);
    assert.equal(during.text, home.text);
    const place = await get(front(placePath), {}, '127.0.0.41');
    assert.equal(place.status, 200, 'an expired page is served stale');
    assert.match(place.headers['x-cache-status'], /HIT|STALE|UPDATING/);
  } finally {
    daemon = await startDaemon(daemonPort);
  }
  await waitFor(front('/robots.txt'));
});

test('limits count visitors behind nginx: one person\'s failed logins do not lock out another', async () => {
  const attacker = new Visitor('127.0.0.50');
  const statuses = [];
  await attacker.get('/connexion');
  for (let i = 0; i < 12; i++) statuses.push((await attacker.post('/connexion', { email: 'b@example.fr', password: `faux ${i}` })).status);
  assert.ok(statuses.includes(429), `the attacker is slowed down: ${statuses}`);
  const other = new Visitor('127.0.0.51');
  assert.equal((await other.login('a@example.fr', PW)).status, 303, 'another visitor signs in');
});
