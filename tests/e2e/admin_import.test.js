// End-to-end: uploading an import file in the admin area (docs/admin.md,
// "Importing a file"). multipart/form-data through libmicrohttpd's post
// processor; the route's own body limit (8 MiB, checked on Content-Length
// before reading); a dry-run report before anything is saved; the bytes kept
// server-side under a single-use token so that the confirmation imports
// exactly what was previewed; access (coordinators and administrators only)
// and the CSRF token.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { sqlite, BIN, ROOT, makeDb, startServer } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

let tmp, server, placeA, coordinator, manager, admin;
const PW = { c: 'coordination du département', a: 'gestion du lieu numéro un', admin: 'administration générale du site' };

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, REPERE_ROOT: ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}
const sql = (q) => sqlite(tmp.db, q);

async function signedIn(email, password) {
  const b = new Browser(server.base);
  const res = await b.login(email, password);
  assert.equal(res.status, 303, `login of ${email}`);
  return b;
}

// A CSV of the national schema: one good record, one without its name.
function csv(suffix) {
  return 'id,pivot,nom,commune,code_postal,adresse,date_maj,services\n'
    + `ok-${suffix},00000000000000,Espace numérique ${suffix},Chambéry,73000,1 rue de la Gare,2024-05-02,Maîtrise des outils numériques du quotidien\n`
    + `sans-nom-${suffix},00000000000000,,Chambéry,73000,2 rue de la Gare,2024-05-02,\n`;
}

// POST /admin/import as a browser sends a file (multipart/form-data).
async function upload(b, content, { csrf = b.lastCsrf, name = 'lieux.csv', source, type = 'text/csv' } = {}) {
  const fd = new FormData();
  if (csrf) fd.append('csrf', csrf);
  if (source) fd.append('source', source);
  fd.append('fichier', new Blob([content], { type }), name);
  const res = await fetch(server.base + '/admin/import', {
    method: 'POST', body: fd, redirect: 'manual', headers: { cookie: b.cookieHeader() },
  });
  const text = await res.text();
  const m = text.match(/name="csrf" value="([^"]+)"/);
  if (m) b.lastCsrf = m[1];
  const token = (text.match(/name="jeton" value="([^"]+)"/) || [])[1];
  return { status: res.status, text, token };
}

// A raw request: headers (and optionally a body) over a socket; resolves with the status.
function rawRequest(path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(server.base + path, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    if (body) {
      req.end(body);
    } else {
      // The headers alone (the body is never sent): the answer must come from them.
      req.flushHeaders();
    }
  });
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
  const ids = [...(await (await fetch(server.base + '/lieux')).text()).matchAll(/href="\/lieux\/(\d+)-/g)].map((m) => Number(m[1]));
  placeA = ids[0];
  cli(['user', 'add', 'c@example.fr', '--password-stdin', 'coordinator:departement:73'], PW.c + '\n');
  cli(['user', 'add', 'a@example.fr', '--password-stdin', `manager:${placeA}`], PW.a + '\n');
  cli(['user', 'add', 'admin@example.fr', '--password-stdin', 'admin'], PW.admin + '\n');
  coordinator = await signedIn('c@example.fr', PW.c);
  manager = await signedIn('a@example.fr', PW.a);
  admin = await signedIn('admin@example.fr', PW.admin);
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

let previewed; // token of the first preview

test('a coordinator uploads a CSV: the preview lists the rejected record with its reason, and nothing is saved', async () => {
  const form = await coordinator.get('/admin/import');
  assert.equal(form.status, 200);
  assert.match(form.text, /enctype="multipart\/form-data"/);
  const places = sql('SELECT count(*) FROM place');
  const res = await upload(coordinator, csv('a'), { name: 'lieux-essai.csv' });
  assert.equal(res.status, 200, res.text.slice(0, 1500));
  assert.match(res.text, /rien n'a encore été enregistré/);
  assert.match(res.text, /id="n-imported">1</, 'one to create');
  assert.match(res.text, /id="n-rejected">1</, 'one rejected');
  assert.match(res.text, /Fiche n° 2 \(id sans-nom-a\) : <code>nom<\/code> : champ obligatoire absent ou vide/);
  assert.match(res.text, /source : lieux-essai/, 'default source: the file name');
  assert.match(res.text, /Confirmer l'import/);
  assert.ok(res.token);
  previewed = res.token;
  assert.equal(sql('SELECT count(*) FROM place'), places, 'nothing saved');
  assert.equal(sql("SELECT count(*) FROM place WHERE source_id LIKE 'ok-a'"), '0');
  assert.equal(sql('SELECT count(*) FROM import_upload'), '1');
  assert.equal(sql('SELECT length(data) FROM import_upload'), String(Buffer.byteLength(csv('a'))));
  assert.equal(sql('SELECT count(*) FROM import_upload WHERE token_hash = ' + `'${previewed}'`), '0', 'only the hash is stored');
});

test('the report counts the places kept with hours nobody can read (« horaires illisibles conservés tels quels »)', async () => {
  const file = 'id,pivot,nom,commune,code_postal,adresse,date_maj,horaires\n'
    + 'hl-1,00000000000000,Espace Lisible,Chambéry,73000,1 rue de la Gare,2024-05-02,Mo-Fr 09:00-12:00\n'
    + 'hl-2,00000000000000,Espace Illisible,Chambéry,73000,2 rue de la Gare,2024-05-02,le lundi matin sauf quand il pleut\n'
    + 'hl-3,00000000000000,,Chambéry,73000,3 rue de la Gare,2024-05-02,quand on peut\n';
  const res = await upload(coordinator, file, { name: 'horaires.csv' });
  assert.equal(res.status, 200, res.text.slice(0, 1500));
  assert.match(res.text, /<th scope="row">Horaires illisibles conservés tels quels<\/th><td id="n-unreadable-hours">1</,
    'one place kept with unreadable hours; the rejected record is not counted');
  assert.match(res.text, /Fiche n° 2 \(id hl-2\) : <code>horaires<\/code> : horaires illisibles/);
});

test('"Confirmer l\'import" imports exactly the bytes previewed, once', async () => {
  // A second preview of another file must not change what the first token imports.
  const second = await upload(coordinator, csv('b'), { name: 'autre.csv' });
  assert.equal(second.status, 200);
  assert.notEqual(second.token, previewed);
  const res = await coordinator.post('/admin/import/confirmer', { jeton: previewed });
  assert.equal(res.status, 200, res.text.slice(0, 1500));
  assert.match(res.text, /Import terminé/);
  assert.match(res.text, /id="n-imported">1</);
  assert.match(res.text, /id="n-rejected">1</);
  assert.equal(sql("SELECT name || '|' || source FROM place WHERE source_id = 'ok-a'"), 'Espace numérique a|lieux-essai');
  assert.equal(sql("SELECT count(*) FROM place WHERE source_id = 'ok-b'"), '0', 'the other upload is not imported');
  assert.equal(sql("SELECT count(*) FROM place WHERE source_id LIKE 'sans-nom-%'"), '0');
  // Visible on the public pages at once.
  const id = sql("SELECT id FROM place WHERE source_id = 'ok-a'");
  assert.equal((await fetch(`${server.base}/lieux/${id}`, { redirect: 'follow' })).status, 200);
  // Single use.
  const again = await coordinator.post('/admin/import/confirmer', { jeton: previewed });
  assert.equal(again.status, 410);
  assert.equal(sql("SELECT count(*) FROM place WHERE source_id = 'ok-a'"), '1');
  assert.match(sql("SELECT group_concat(event) FROM audit_log WHERE event LIKE 'import_%'"), /import_previewed.*import_run/);
  // Another account cannot confirm someone else's preview.
  await admin.get('/admin/import');
  assert.equal((await admin.post('/admin/import/confirmer', { jeton: second.token })).status, 410);
  assert.equal(sql("SELECT count(*) FROM place WHERE source_id = 'ok-b'"), '0');
});

test('an upload over 8 MiB is refused with 413 before its body is read', async () => {
  await coordinator.get('/admin/import');
  const big = 9 * 1024 * 1024;
  const status = await rawRequest('/admin/import', {
    'content-type': 'multipart/form-data; boundary=----repere-essai', 'content-length': String(big), cookie: coordinator.cookieHeader(),
  });
  assert.equal(status, 413);
  // Without Content-Length (chunked), the limit holds while reading.
  const chunked = await new Promise((resolve, reject) => {
    const req = http.request(server.base + '/admin/import', {
      method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=----repere-essai', 'transfer-encoding': 'chunked', cookie: coordinator.cookieHeader() },
    }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    for (let i = 0; i < 9; i++) req.write(chunk);
    req.end();
  });
  assert.equal(chunked, 413);
  // A real 9 MiB file through fetch, too (the answer may come before the body is sent).
  try {
    const res = await upload(coordinator, Buffer.alloc(big, 'x'), { name: 'gros.csv' });
    assert.equal(res.status, 413);
  } catch (e) {
    assert.match(String(e.cause && e.cause.code), /EPIPE|ECONNRESET|UND_ERR_SOCKET/);
  }
  // Other routes keep the form limit of 64 KiB.
  const form = await rawRequest('/admin/import/confirmer', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(70000) });
  assert.equal(form, 413);
});

test('an upload without the CSRF token is refused (403) and nothing is kept', async () => {
  const before = sql('SELECT count(*) FROM import_upload');
  await coordinator.get('/admin/import');
  const res = await upload(coordinator, csv('c'), { csrf: null });
  assert.equal(res.status, 403);
  const wrong = await upload(coordinator, csv('c'), { csrf: 'x'.repeat(43) });
  assert.equal(wrong.status, 403);
  assert.equal(sql('SELECT count(*) FROM import_upload'), before);
});

test('a manager may not upload (403), an administrator may; a workshops file is previewed too', async () => {
  await manager.get('/admin');
  assert.equal((await manager.get('/admin/import')).status, 403);
  const refused = await upload(manager, csv('d'));
  assert.equal(refused.status, 403);
  assert.equal((await manager.post('/admin/import/confirmer', { jeton: 'x'.repeat(43) })).status, 403);
  assert.equal(sql("SELECT count(*) FROM import_upload WHERE account_id = (SELECT id FROM account WHERE email = 'a@example.fr')"), '0');
  // A large upload from an account without access is cut before its body is read.
  const early = await rawRequest('/admin/import', {
    'content-type': 'multipart/form-data; boundary=----repere-essai', 'content-length': String(4 * 1024 * 1024), cookie: manager.cookieHeader(),
  });
  assert.equal(early, 403);
  await admin.get('/admin/import');
  const source = sql(`SELECT source || '|' || source_id FROM place WHERE id = ${placeA}`).split('|');
  const workshops = JSON.stringify({
    source: 'Essai', ateliers: [
      { id: 'w1', lieu: { source: source[0], id: source[1] }, titre: 'Atelier importé', seances: [{ debut: 'J+3 14:00', fin: '16:00' }] },
      { id: 'w2', lieu: { source: source[0], id: source[1] }, titre: 'Sans date' },
    ],
  });
  const res = await upload(admin, workshops, { name: 'ateliers.json', type: 'application/json' });
  assert.equal(res.status, 200, res.text.slice(0, 1500));
  assert.match(res.text, /format : ateliers/);
  assert.match(res.text, /id="n-imported">1</);
  assert.match(res.text, /id="n-rejected">1</);
  assert.match(res.text, /<code>seances<\/code> : aucune séance/);
  assert.equal(sql("SELECT count(*) FROM workshop WHERE source_id = 'w1'"), '0');
  assert.equal((await admin.post('/admin/import/confirmer', { jeton: res.token })).status, 200);
  assert.equal(sql("SELECT count(*) FROM workshop WHERE source_id = 'w1' AND source = 'Essai'"), '1');
});

test('an unreadable file is reported, and no confirmation is offered', async () => {
  await coordinator.get('/admin/import');
  const res = await upload(coordinator, '{"pas": "une liste"}', { name: 'x.json', type: 'application/json' });
  assert.equal(res.status, 200);
  assert.match(res.text, /Le fichier n'a pas pu être lu/);
  assert.equal(res.token, undefined);
  const empty = await upload(coordinator, '', { name: 'vide.csv' });
  assert.equal(empty.status, 400);
  assert.match(empty.text, /Choisissez un fichier/);
});

test('a 7 MiB file goes through the post processor whole (many reads), and is kept byte for byte', async () => {
  await coordinator.get('/admin/import');
  // One record of the national schema in JSON, padded with 7 MiB of blank
  // space (the transport is what is tested; a huge cell would test libcsv).
  const record = { id: 'gros-1', pivot: '00000000000000', nom: 'Grand fichier', commune: 'Chambéry', code_postal: '73000',
    adresse: '3 rue de la Gare', date_maj: '2024-05-02', presentation_resume: 'é'.repeat(400) };
  const content = `[${JSON.stringify(record)}${' \n'.repeat(3.5 * 1024 * 1024)}]`;
  const res = await upload(coordinator, content, { name: 'gros.json', source: 'Essai gros fichier', type: 'application/json' });
  assert.equal(res.status, 200, res.text.slice(0, 800));
  assert.match(res.text, /id="n-imported">1</);
  assert.match(res.text, /presentation_resume/, 'the summary is cut, with a warning');
  assert.equal(sql(`SELECT length(CAST(data AS BLOB)) FROM import_upload WHERE source = 'Essai gros fichier'`), String(Buffer.byteLength(content)));
  assert.equal(sql(`SELECT hex(substr(data, -4)) FROM import_upload WHERE source = 'Essai gros fichier'`), Buffer.from(content).subarray(-4).toString('hex').toUpperCase());
});

// Issue 21, part 3: the national schema has no field for the price note,
// "fait les démarches à votre place" or the Pass numérique. Re-importing
// Repère's own export (demo → export → import) must keep them, and the
// report must say which fields the format leaves as they are.
test('re-importing the export keeps the facts the schema cannot carry, and says so', async () => {
  const counts = () => sql("SELECT count(*) FILTER (WHERE fees_note IS NOT NULL) || '|' ||"
    + " count(*) FILTER (WHERE does_procedures_for_you) || '|' || count(*) FILTER (WHERE pass_numerique_accepted)"
    + " || '|' || count(*) FILTER (WHERE services_original IS NOT NULL) FROM place WHERE source = 'Hinaura'");
  assert.equal(counts(), '103|102|66|429', 'the demo catalogue');
  const id = sql("SELECT id FROM place WHERE source = 'Hinaura' AND fees_note = 'Adhésion requise'"
    + ' AND does_procedures_for_you AND pass_numerique_accepted ORDER BY id LIMIT 1');
  assert.ok(id);
  const facts = async (step) => {
    const html = await (await fetch(`${server.base}/lieux/${id}`, { redirect: 'follow' })).text();
    assert.match(html, /<dd>[^<]*adhésion requise[^<]*<\/dd>/i, `${step}: price note`);
    assert.match(html, /peut faire les démarches à votre place/, `${step}: démarches à votre place`);
    assert.match(html, /<dt>Pass numérique<\/dt><dd>Accepté/, `${step}: Pass numérique`);
  };
  await facts('before');

  // 1. The CSV download, uploaded in the admin area: preview, then confirmation.
  const exported = await (await fetch(server.base + '/donnees/lieux.csv')).text();
  await admin.get('/admin/import');
  const preview = await upload(admin, exported, { name: 'lieux.csv' });
  assert.equal(preview.status, 200, preview.text.slice(0, 1500));
  const kept = /<p class="notice" id="untouched-format">Ce format ne contient pas : ([^<]*) : ces informations sont conservées\.<\/p>/;
  const listed = (preview.text.match(kept) || [])[1] || '';
  for (const label of ['note sur les tarifs', 'fait les démarches à votre place', 'Pass numérique accepté', 'libellés d&#39;origine des services'])
    assert.ok(listed.includes(label), `the preview names « ${label} »: ${listed}`);
  assert.doesNotMatch(preview.text, /id="untouched-file"/, 'the export has every column of the schema');
  const done = await admin.post('/admin/import/confirmer', { jeton: preview.token });
  assert.equal(done.status, 200, done.text.slice(0, 1500));
  assert.match(done.text, /Import terminé/);
  assert.match(done.text, kept);
  assert.equal(counts(), '103|102|66|429', 'after the CSV');
  await facts('after the CSV');

  // 2. The JSON download, through `repere import`: the report names the columns.
  const json = path.join(tmp.dir, 'lieux.json');
  fs.writeFileSync(json, await (await fetch(server.base + '/donnees/lieux.json')).text());
  const run = spawnSync(BIN, ['import', json, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: ROOT },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /kept as they were \(this format has no field for them\): [^\n]*fees_note/);
  assert.match(run.stderr, /kept as they were \(this format has no field for them\): [^\n]*pass_numerique_accepted[^\n]*does_procedures_for_you/);
  assert.equal(counts(), '103|102|66|429', 'after the JSON');
  await facts('after the JSON');

  // 3. A CSV that leaves out optional columns: absent is not empty.
  const phone = sql(`SELECT phone FROM place WHERE id = ${id}`);
  const [sourceId, name, commune, postal, address, dateMaj] = sql(
    `SELECT source_id, name, commune, postal_code, address, date_maj FROM place WHERE id = ${id}`).split('|');
  const q = (s) => `"${s.replace(/"/g, '""')}"`;
  const slim = 'id,pivot,nom,commune,code_postal,adresse,date_maj,source\n'
    + [sourceId, '00000000000000', name, commune, postal, address, dateMaj, 'Hinaura'].map(q).join(',') + '\n';
  await admin.get('/admin/import');
  const slimPreview = await upload(admin, slim, { name: 'sans-colonnes.csv' });
  assert.match(slimPreview.text, /id="untouched-file">Ce fichier ne contient pas : [^<]*téléphone[^<]*horaires/);
  assert.equal((await admin.post('/admin/import/confirmer', { jeton: slimPreview.token })).status, 200);
  assert.equal(sql(`SELECT phone FROM place WHERE id = ${id}`), phone);
  assert.equal(counts(), '103|102|66|429', 'after a CSV without optional columns');
  await facts('after a CSV without optional columns');
});

test('a coordinator cannot rewrite, nor create, a place outside their territory through an upload (rule 3 without exception)', async () => {
  // A place of the Isère (38), known by its public source and id; the coordinator is of the Savoie (73).
  const [id, source, sourceId, name] = sql("SELECT id, source, source_id, name FROM place WHERE departement = '38' AND closed_at IS NULL ORDER BY id LIMIT 1").split('|');
  assert.ok(id, 'a place of the 38 in the demo');
  assert.equal((await coordinator.get(`/admin/lieux/${id}`)).status, 403, 'its editor is refused');
  const file = 'id,pivot,nom,commune,code_postal,adresse,date_maj,source\n'
    + `${sourceId},00000000000000,Renommé par un autre territoire,Grenoble,38000,1 place de Verdun,2026-11-01,${source}\n`
    + `nouveau-38,00000000000000,Créé hors territoire,Grenoble,38000,2 place de Verdun,2026-11-01,essai-territoire\n`
    + `nouveau-73,00000000000000,Créé dans le territoire,Chambéry,73000,3 rue de la Gare,2026-11-01,essai-territoire\n`;
  await coordinator.get('/admin/import');
  const preview = await upload(coordinator, file, { name: 'territoire.csv' });
  assert.equal(preview.status, 200);
  assert.match(preview.text, /pas dans votre territoire/);
  const done = await coordinator.post('/admin/import/confirmer', { jeton: preview.token });
  assert.equal(done.status, 200);
  assert.match(done.text, /pas dans votre territoire/);
  assert.match(done.text, /hors de votre territoire/);
  assert.equal(sql(`SELECT name FROM place WHERE id = ${id}`), name, 'the other territory\'s place is unchanged');
  assert.equal(sql("SELECT count(*) FROM place WHERE source_id = 'nouveau-38'"), '0');
  assert.equal(sql("SELECT count(*) FROM place WHERE source_id = 'nouveau-73'"), '1', 'its own territory imports');
});

test('a coordinator uploading a workshops file writes only the workshops of places in their territory', async () => {
  const [in73src, in73id] = sql("SELECT source, source_id FROM place WHERE departement = '73' AND closed_at IS NULL ORDER BY id LIMIT 1").split('|');
  const [in38, in38src, in38id] = sql("SELECT id, source, source_id FROM place WHERE departement = '38' AND closed_at IS NULL ORDER BY id LIMIT 1").split('|');
  // A workshop of the Isère already published by its producer (the command line may write anything).
  const theirs = JSON.stringify({
    source: 'Ateliers 38', ateliers: [
      { id: 'isere-1', lieu: { source: in38src, id: in38id }, titre: 'Atelier de l\'Isère', seances: [{ debut: 'J+3 14:00', fin: '16:00' }] },
      { id: 'isere-3', lieu: { source: in38src, id: in38id }, titre: 'Autre atelier de l\'Isère', seances: [{ debut: 'J+3 10:00', fin: '12:00' }] },
    ],
  });
  fs.writeFileSync(path.join(tmp.dir, 'ateliers-38.json'), theirs);
  cli(['import', path.join(tmp.dir, 'ateliers-38.json')]);
  const file = JSON.stringify({
    source: 'Ateliers 38', ateliers: [
      // Renaming the Isère's workshop, at its own place.
      { id: 'isere-1', lieu: { source: in38src, id: in38id }, titre: 'Renommé depuis la Savoie', seances: [{ debut: 'J+3 14:00', fin: '16:00' }] },
      // Creating a workshop at a place of the Isère.
      { id: 'isere-2', lieu: { source: in38src, id: in38id }, titre: 'Créé hors territoire', seances: [{ debut: 'J+4 14:00', fin: '16:00' }] },
      // Moving the Isère's workshop to a place of the Savoie is taking it too.
      { id: 'isere-3', lieu: { source: in73src, id: in73id }, titre: 'Déplacé en Savoie', seances: [{ debut: 'J+5 14:00', fin: '16:00' }] },
      // A workshop of the Savoie.
      { id: 'savoie-1', lieu: { source: in73src, id: in73id }, titre: 'Atelier de la Savoie', seances: [{ debut: 'J+3 10:00', fin: '12:00' }] },
    ],
  });
  await coordinator.get('/admin/import');
  const preview = await upload(coordinator, file, { name: 'ateliers.json', type: 'application/json' });
  assert.equal(preview.status, 200, preview.text.slice(0, 1500));
  assert.match(preview.text, /id="n-rejected">3</);
  assert.match(preview.text, /pas dans votre territoire/);
  assert.match(preview.text, /appartient à un lieu hors de votre territoire/);
  const done = await coordinator.post('/admin/import/confirmer', { jeton: preview.token });
  assert.equal(done.status, 200);
  assert.match(done.text, /id="n-imported">1</);
  assert.equal(sql("SELECT title || '|' || place_id FROM workshop WHERE source_id = 'isere-1'"), `Atelier de l'Isère|${in38}`, 'the Isère\'s workshop is unchanged');
  assert.equal(sql("SELECT title || '|' || place_id FROM workshop WHERE source_id = 'isere-3'"), `Autre atelier de l'Isère|${in38}`, 'nor moved');
  assert.equal(sql("SELECT count(*) FROM workshop WHERE source_id = 'isere-2'"), '0');
  assert.equal(sql("SELECT count(*) FROM workshop WHERE source_id = 'savoie-1'"), '1', 'its own territory imports');
});
