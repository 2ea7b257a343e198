// Start the real daemon on a temporary database and a loopback port, for
// end-to-end and browser tests. Every test file gets its own server.
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
// Where the daemon finds templates/, static/, migrations/ and data/: this
// checkout unless REPERE_ROOT says otherwise (e.g. an older tree's binary).
const DATA_ROOT = process.env.REPERE_ROOT || ROOT;
const BIN = process.env.REPERE_BIN || path.join(ROOT, 'build', 'repere');
const SHARED = path.resolve(ROOT, '..', 'shared');
const AURA = path.join(SHARED, 'data', 'lieux-aura-2022.json');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// Run a repere sub-command synchronously against db; returns stdout+stderr.
function repere(db, args, opts = {}) {
  return execFileSync(BIN, [...args, '--db', db], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, REPERE_ROOT: DATA_ROOT }, ...opts,
  });
}

// Create an account with `repere user add` (password on standard input).
function addUser(db, email, password, role) {
  return execFileSync(BIN, ['user', 'add', email, '--password-stdin', role, '--db', db], {
    cwd: ROOT, encoding: 'utf8', input: password + '\n', env: { ...process.env, REPERE_ROOT: DATA_ROOT },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// Create a temporary database (migrated), optionally importing files.
function makeDb({ importFiles = [], demo = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repere-test-'));
  const db = path.join(dir, 'test.db');
  repere(db, ['migrate']);
  for (const f of importFiles) repere(db, ['import', f]);
  if (demo) repere(db, ['demo']);
  return { dir, db };
}

async function startServer({ db, env = {}, args = [] } = {}) {
  const port = await freePort();
  const log = [];
  const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1', '--port', String(port), ...args], {
    cwd: ROOT, env: { ...process.env, REPERE_ROOT: DATA_ROOT, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => log.push(d.toString()));
  child.stderr.on('data', (d) => log.push(d.toString()));
  const base = `http://127.0.0.1:${port}`;
  // check-valgrind gives a daemon under memcheck more time to start.
  const deadline = Date.now() + (Number(process.env.REPERE_START_TIMEOUT_MS) || 10000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`repere exited: ${log.join('')}`);
    try {
      const res = await fetch(base + '/robots.txt');
      if (res.ok) break;
    } catch (e) { /* not yet listening */ }
    if (Date.now() > deadline) throw new Error(`repere did not start: ${log.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    base, port, child, log,
    logText: () => log.join(''),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// A daemon on a fresh database holding these places (records of the national
// schema, imported as a JSON file); close() stops it and removes its files.
async function servePlaces(places, { env = {} } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repere-places-'));
  const file = path.join(dir, 'lieux.json');
  fs.writeFileSync(file, JSON.stringify(places));
  const tmp = makeDb({ importFiles: [file] });
  fs.rmSync(dir, { recursive: true, force: true });
  const server = await startServer({ db: tmp.db, env });
  server.db = tmp.db;
  server.close = async () => {
    await server.stop();
    fs.rmSync(tmp.dir, { recursive: true, force: true });
  };
  return server;
}

// The route table as the daemon prints it: [{method, path, access, csrf}].
function routeTable() {
  const out = execFileSync(BIN, ['routes'], { encoding: 'utf8' });
  return out.trim().split('\n').map((line) => {
    const [method, path, access, csrf] = line.split('\t');
    return { method, path, access, csrf: csrf === 'yes' };
  });
}

// Run one SQL statement on the test database with the sqlite3 shell: its
// output, trimmed (a single value as text).
function sqlite(db, statement) {
  return execFileSync('sqlite3', [db, statement], { encoding: 'utf8' }).trim();
}

module.exports = {
  sqlite, routeTable, ROOT, DATA_ROOT, BIN, SHARED, AURA, makeDb, startServer, servePlaces, repere, freePort, addUser,
};
