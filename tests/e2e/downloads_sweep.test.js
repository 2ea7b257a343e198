// End-to-end: a daemon killed with -9 (or crashed) leaves its directory of
// built downloads in $TMPDIR; the next daemon removes it at start-up, and
// nothing else: only directories of our naming, of a process that no longer
// exists, owned by us and last changed before the start.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { AURA, makeDb, startServer, repere } = require('../lib/server');

let tmp;
let tmpdir;

test.before(() => {
  tmp = makeDb();
  repere(tmp.db, ['import', AURA]);
  tmpdir = path.join(tmp.dir, 'tmp');
  fs.mkdirSync(tmpdir);
});

test.after(() => fs.rmSync(tmp.dir, { recursive: true, force: true }));

// The pid of a process that has just exited.
function deadPid() {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const anHourAgo = () => new Date(Date.now() - 3600 * 1000);

// A directory `name` in $TMPDIR holding one file, last changed an hour ago.
function leftover(name, when = anHourAgo()) {
  const dir = path.join(tmpdir, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, '0123456789abcdef-7.csv'), 'nom\nx\n');
  fs.utimesSync(dir, when, when);
  return dir;
}

test('start-up removes the downloads of a stopped daemon, and only those', async () => {
  const dead = deadPid();
  const orphan = leftover(`repere-downloads-${dead}-aB3xYz`);
  const live = leftover(`repere-downloads-${process.pid}-Qw1eRt`); // this process is alive
  const otherNaming = leftover(`downloads-${dead}-aB3xYz`);
  const noPid = leftover('repere-downloads-aB3xYz'); // whose? cannot tell: kept
  const recent = leftover(`repere-downloads-${dead}-NeWeR1`, new Date(Date.now() + 3600 * 1000));
  // A link of our naming to someone else's directory: neither is touched.
  const target = leftover('somebody-elses');
  const link = path.join(tmpdir, `repere-downloads-${dead}-LiNk00`);
  fs.symlinkSync(target, link);
  let foreign = null;
  if (process.getuid && process.getuid() === 0) {
    foreign = leftover(`repere-downloads-${dead}-NoBoDy`);
    fs.chownSync(foreign, 65534, 65534);
    fs.utimesSync(foreign, anHourAgo(), anHourAgo());
  }

  const server = await startServer({ db: tmp.db, env: { TMPDIR: tmpdir } });
  try {
    assert.equal(fs.existsSync(orphan), false, 'the stopped daemon\'s directory is removed');
    assert.match(server.logText(), /removed 1 download directory left by a stopped daemon/);
    for (const kept of [live, otherNaming, noPid, recent, target, path.join(target, '0123456789abcdef-7.csv')]) {
      assert.ok(fs.existsSync(kept), `${path.basename(kept)} is kept`);
    }
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is kept');
    if (foreign) assert.ok(fs.existsSync(path.join(foreign, '0123456789abcdef-7.csv')), 'another user\'s directory is kept');

    // The daemon names its own directory after its pid.
    const res = await fetch(server.base + '/donnees/lieux.csv');
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const mine = fs.readdirSync(tmpdir).filter((n) => n.startsWith(`repere-downloads-${server.child.pid}-`));
    assert.equal(mine.length, 1, fs.readdirSync(tmpdir).join(' '));
  } finally {
    await server.stop();
  }
});

test('after kill -9, the next daemon removes what the killed one built', async () => {
  const first = await startServer({ db: tmp.db, env: { TMPDIR: tmpdir } });
  let built;
  try {
    const res = await fetch(first.base + '/donnees/lieux.json');
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const prefix = `repere-downloads-${first.child.pid}-`;
    built = fs.readdirSync(tmpdir).find((n) => n.startsWith(prefix));
    assert.ok(built, 'the first daemon built its download');
    assert.ok(fs.readdirSync(path.join(tmpdir, built)).length > 0);
  } catch (e) {
    await first.stop();
    throw e;
  }
  const exited = new Promise((r) => first.child.once('exit', r));
  first.child.kill('SIGKILL');
  await exited;
  assert.ok(fs.existsSync(path.join(tmpdir, built)), 'kill -9 leaves it behind');
  fs.utimesSync(path.join(tmpdir, built), anHourAgo(), anHourAgo());

  const second = await startServer({ db: tmp.db, env: { TMPDIR: tmpdir } });
  try {
    assert.equal(fs.existsSync(path.join(tmpdir, built)), false, 'removed at the next start');
  } finally {
    await second.stop();
  }
});
