// End-to-end: the real daemon on a temporary database holding the shared
// AURA data, checked over HTTP: pages, escaping, 404, 304, limits, headers.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { spawnSync } = require('node:child_process');
const { AURA, BIN, ROOT, makeDb, startServer, repere } = require('../lib/server');

let server;
let tmp;

// Raw HTTP request (no automatic decompression, redirects or URL cleaning).
function raw(method, urlPath, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: urlPath, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

async function get(urlPath) {
  const res = await fetch(server.base + urlPath, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// The path of a place page found through the list (q= on its name).
async function placePath(q) {
  const { text } = await get('/lieux?q=' + encodeURIComponent(q));
  const m = text.match(/<h3><a href="(\/lieux\/\d+-[a-z0-9-]+)">/);
  assert.ok(m, `no place found for ${q}`);
  return m[1];
}

test.before(async () => {
  tmp = makeDb({ importFiles: [AURA] });
  const hostile = [{
    id: 'hostile-1', pivot: '00000000000000', nom: '<script>alert(1)</script> & "Cie"',
    commune: 'Chambéry', code_postal: '73000', adresse: '1 rue <b>du</b> Test',
    date_maj: '2026-10-01', services: 'Aide aux démarches administratives',
    presentation_detail: 'Bonjour [clic](javascript:alert(1)) <img src=x onerror=alert(1)> **gras**',
    source: 'tests',
  }];
  const f = path.join(tmp.dir, 'hostile.json');
  fs.writeFileSync(f, JSON.stringify(hostile));
  repere(tmp.db, ['import', f]);
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('home page: one sentence, the search form, browsing by département', async () => {
  const { status, text, headers } = await get('/');
  assert.equal(status, 200);
  assert.match(headers.get('content-type'), /^text\/html; charset=utf-8/);
  assert.match(text, /<html lang="fr">/);
  assert.match(text, /<label for="q">Que voulez-vous faire \?<\/label>/);
  assert.match(text, /<label for="ou">Où \?<\/label>/);
  assert.match(text, /href="\/lieux\?departement=07">Ardèche \(07\)<\/a>/);
  assert.match(text, /href="\/lieux\?departement=38">Isère \(38\)<\/a>/);
  assert.match(text, /430 lieux dans l'annuaire/);
});

test('all 429 places of the shared file are listed, 20 per page', async () => {
  const { status, text } = await get('/lieux');
  assert.equal(status, 200);
  assert.match(text, /430 lieux/);
  assert.equal((text.match(/<li class="card">/g) || []).length, 20);
  assert.match(text, /Page 1 sur 22/);
  const last = await get('/lieux?page=22');
  assert.equal((last.text.match(/<li class="card">/g) || []).length, 10);
  assert.equal((await get('/lieux?page=23')).status, 404);
  assert.equal((await get('/lieux?page=abc')).status, 400);
  assert.equal((await get('/lieux?page=-1')).status, 400);
});

test('q= matches names and communes, whatever the case and accents', async () => {
  for (const q of ['alboussière', 'ALBOUSSIERE', 'Alboussiere']) {
    const { text } = await get('/lieux?q=' + encodeURIComponent(q));
    assert.match(text, /Espace Public Numérique Alboussière/, q);
    assert.match(text, /1 lieu pour/, q);
  }
  const grenoble = await get('/lieux?q=grenoble');
  assert.match(grenoble.text, /[0-9]+ lieux pour « grenoble »/);
  const none = await get('/lieux?q=zzzzzz');
  assert.match(none.text, /Aucun lieu ne correspond/);
  const dep = await get('/lieux?departement=07');
  assert.match(dep.text, /Lieux d&#39;aide au numérique — Ardèche \(07\)|Lieux d'aide au numérique — Ardèche \(07\)/);
  assert.match(dep.text, /Alboussière/);
  assert.match((await get('/lieux?departement=99')).text, /Nous ne trouvons pas « 99 »/);
});

test('a place page shows every field the record had', async () => {
  const p = await placePath('Alboussière');
  const { status, text, headers } = await get(p);
  assert.equal(status, 200);
  assert.ok(headers.get('last-modified'));
  assert.match(text, /<h1 id="place-name">Espace Public Numérique Alboussière<\/h1>/);
  assert.match(text, /20 rue des écoliers<br>07440 ALBOUSSIERE/);
  assert.match(text, /href="tel:\+33475582913"/);
  assert.match(text, /04 75 58 29 13/);
  assert.match(text, /mailto:epnalboussiere@rhone-crussol.fr/);
  assert.match(text, /href="http:\/\/epn.alboussiere.inforoutes.fr"/);
  assert.match(text, /openstreetmap\.org\/\?mlat=44\.9432/);
  assert.match(text, /Mo-Fr 09:30-12:30,13:30-17:00; We,Sa 09:30-12:30/);
  assert.match(text, /Aide aux démarches administratives/);
  assert.match(text, /Accompagner les démarches de santé/); // original wording kept
  assert.match(text, /Gratuit/);
  assert.match(text, /Pass numérique<\/dt><dd>Accepté/);
  assert.match(text, /Mis à jour le 7 juin 2021 · source : Hinaura/);
  assert.match(text, /Ces informations datent de plus d&#39;un an|Ces informations datent de plus d'un an/);
});

test('HTML character references left by a producer are decoded, not shown', async () => {
  const { text } = await get('/lieux?q=' + encodeURIComponent('Arpajon'));
  assert.match(text, /Association Centre Social &amp; Culturel d&#39;Arpajon-sur-Cère/);
  assert.ok(!text.includes('&amp;amp;'));
});

test('a wrong slug redirects to the canonical address; unknown places are 404', async () => {
  const p = await placePath('Alboussière');
  const id = p.match(/\/lieux\/(\d+)-/)[1];
  const r = await get(`/lieux/${id}-autre-chose`);
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), p);
  const nf = await get('/lieux/999999-nulle-part');
  assert.equal(nf.status, 404);
  assert.match(nf.text, /Ce lieu n&#39;existe pas|Ce lieu n'existe pas/);
  assert.match(nf.text, /href="\/lieux"/);
  const nope = await get('/nulle-part');
  assert.equal(nope.status, 404);
  assert.match(nope.text, /Page introuvable/);
  assert.equal((await get('/lieux/abc')).status, 404);
});

test('names and addresses are escaped; Markdown links and raw HTML are neutralised', async () => {
  const p = await placePath('alert');
  const { text } = await get(p);
  assert.ok(!text.includes('<script>alert(1)</script>'));
  assert.match(text, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;Cie&quot;/);
  assert.match(text, /1 rue &lt;b&gt;du&lt;\/b&gt; Test/);
  assert.ok(!/href="javascript:/i.test(text));
  assert.ok(!/onerror=/i.test(text.replace(/&lt;img[^]*?&gt;/g, '')));
  assert.match(text, /<strong>gras<\/strong>/);
  const list = await get('/lieux?q=' + encodeURIComponent('<script>'));
  assert.ok(!list.text.includes('<script>alert'));
  assert.match(list.text, /pour « &lt;script&gt; »/);
});

test('conditional requests: ETag and Last-Modified give 304', async () => {
  const p = await placePath('Alboussière');
  const first = await raw('GET', p);
  assert.equal(first.status, 200);
  const etag = first.headers.etag;
  assert.ok(etag);
  const again = await raw('GET', p, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  const since = await raw('GET', p, { headers: { 'If-Modified-Since': first.headers['last-modified'] } });
  assert.equal(since.status, 304);
  const old = await raw('GET', p, { headers: { 'If-Modified-Since': 'Mon, 01 Jan 2001 00:00:00 GMT' } });
  assert.equal(old.status, 200);
});

test('security headers, gzip and HEAD', async () => {
  const r = await raw('GET', '/lieux', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(r.status, 200);
  const csp = r.headers['content-security-policy'];
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.ok(!csp.includes('unsafe-inline'));
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.equal(r.headers['referrer-policy'], 'same-origin');
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.match(r.headers.vary, /Accept-Encoding/);
  const html = zlib.gunzipSync(r.body).toString('utf8');
  assert.match(html, /<\/html>/);
  const plain = await raw('GET', '/lieux');
  assert.equal(plain.headers['content-encoding'], undefined);
  const head = await raw('HEAD', '/lieux');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
});

test('static files: long cache, right type, no path tricks', async () => {
  const css = await raw('GET', '/static/repere.css?v=1');
  assert.equal(css.status, 200);
  assert.match(css.headers['content-type'], /^text\/css/);
  assert.match(css.headers['cache-control'], /max-age=31536000/);
  for (const bad of ['/static/../Makefile', '/static/%2e%2e/Makefile', '/static/.hidden.css', '/static/nope.css', '/static/repere.exe']) {
    const r = await raw('GET', bad);
    assert.equal(r.status, 404, bad);
  }
});

test('limits: long URLs, bad encodings, big bodies, wrong methods', async () => {
  assert.equal((await raw('GET', '/lieux?q=' + 'a'.repeat(3000))).status, 400);
  assert.equal((await raw('GET', '/lieux?q=' + 'a'.repeat(300))).status, 400);
  assert.equal((await raw('GET', '/lieux?q=%C3%28')).status, 400);
  const many = Array.from({ length: 80 }, (_, i) => `a${i}=1`).join('&');
  assert.equal((await raw('GET', '/lieux?' + many)).status, 400);
  const post = await raw('POST', '/lieux', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
  assert.equal(post.status, 405);
  const big = await raw('POST', '/lieux', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=' + 'x'.repeat(70000) });
  assert.equal(big.status, 413);
  assert.equal((await raw('DELETE', '/lieux')).status, 405);
});

test('about page credits the source; robots.txt; one log line per request', async () => {
  const about = await get('/a-propos');
  assert.equal(about.status, 200);
  assert.match(about.text, /ANCT, données Hinaura/);
  assert.match(about.text, /Licence Ouverte 2\.0/);
  assert.match(about.text, /<strong>Hinaura<\/strong> : 429 lieu/);
  const robots = await get('/robots.txt');
  assert.match(robots.text, /User-agent: \*/);
  await new Promise((r) => setTimeout(r, 100));
  // Common log format, client address anonymised.
  assert.match(server.logText(), /^127\.0\.0\.0 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/a-propos HTTP\/1\.1" 200 \d+$/m);
});

// Issue 21, part 4: --help prints help and does nothing else (it used to
// start a server on 8080 with a new database, or load the demo).
// How long a sub-command that should exit at once may take: more under
// check-valgrind, where `serve` runs under memcheck (REPERE_START_TIMEOUT_MS).
const QUICK_EXIT_MS = Number(process.env.REPERE_START_TIMEOUT_MS) || 5000;

test('every sub-command --help prints its usage, exits 0 and touches nothing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repere-help-'));
  try {
    const db = path.join(dir, 'var', 'aide.db');
    const run = (args) => spawnSync(BIN, args, {
      cwd: dir, encoding: 'utf8', timeout: QUICK_EXIT_MS,
      env: { ...process.env, REPERE_ROOT: ROOT, REPERE_DB: db },
    });
    const commands = ['serve', 'migrate', 'import', 'export', 'demo', 'hours', 'user', 'remind', 'backup', 'territory'];
    for (const cmd of commands) {
      for (const args of [[cmd, '--help'], [cmd, '-h', '--db', db], ['help', cmd], [cmd, '--port', '9', '--help']]) {
        const r = run(args);
        const what = `repere ${args.join(' ')}`;
        assert.equal(r.status, 0, `${what}: exit ${r.status} ${r.signal || ''} ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^usage: repere ${cmd}\\b`), what);
        assert.equal(r.stderr, '', what);
        assert.deepEqual(fs.readdirSync(dir), [], `${what} created nothing`);
      }
    }
    const unknown = run(['nimporte', '--help']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command 'nimporte'/);
    const all = run(['--help']);
    assert.equal(all.status, 0);
    for (const cmd of commands) assert.match(all.stdout, new RegExp(`^  ${cmd} `, 'm'), `repere --help lists ${cmd}`);
    assert.deepEqual(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Issue 21, part 4: the accessibility statement used to send people to a
// contact "on the À propos page", which had none.
test('without a publisher contact, the pages say so instead of pointing nowhere, and serve warns', async () => {
  for (const page of ['/a-propos', '/accessibilite']) {
    const { status, text } = await get(page);
    assert.equal(status, 200);
    assert.match(text, /<p id="contact">L'équipe qui publie ce site n'a pas encore indiqué d'adresse où lui écrire/, page);
    assert.doesNotMatch(text, /mailto:/, page);
  }
  assert.doesNotMatch((await get('/accessibilite')).text, /adresse sur la page/);
  assert.match(server.logText(), /^repere: warning: no publisher contact \(set REPERE_CONTACT_EMAIL or --contact\)/m);
});

test('with REPERE_CONTACT_EMAIL or --contact, À propos and the accessibility statement give the address', async () => {
  const address = 'ecrire@repere.example.fr';
  for (const how of [{ env: { REPERE_CONTACT_EMAIL: address } }, { args: ['--contact', address] }]) {
    const other = await startServer({ db: tmp.db, ...how });
    try {
      for (const page of ['/a-propos', '/accessibilite']) {
        const text = await (await fetch(other.base + page)).text();
        assert.match(text, new RegExp(`<p id="contact">[^<]*<a href="mailto:${address}">${address}</a>`), `${page} ${JSON.stringify(how)}`);
        assert.doesNotMatch(text, /pas encore indiqué d'adresse/, page);
      }
      assert.doesNotMatch(other.logText(), /no publisher contact/);
    } finally {
      await other.stop();
    }
  }
  const bad = spawnSync(BIN, ['serve', '--db', tmp.db, '--port', '9', '--contact', 'pas-une-adresse'], {
    cwd: ROOT, encoding: 'utf8', timeout: QUICK_EXIT_MS, env: { ...process.env, REPERE_ROOT: ROOT },
  });
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /the contact 'pas-une-adresse' \(--contact, REPERE_CONTACT_EMAIL\) is not an e-mail address/);
});
