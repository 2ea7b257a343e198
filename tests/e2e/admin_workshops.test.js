// End-to-end: editing workshops in the admin area (docs/admin.md,
// "Workshops"). A manager creates a weekly workshop and sees its sessions on
// /ateliers and the place page; invalid fields come back with French
// messages and what was typed; the description preview is rendered by the
// server; a manager of another place gets 403 on every workshop route and
// nothing changes; a session is cancelled with its reason ("annulée" on the
// public pages); duplicate; complet; the edit form round-trips; a
// coordinator may edit; every change is in the audit log.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const { sqlite, BIN, ROOT, makeDb, startServer } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

let tmp, server, placeA, placeB, manager, other, coordinator;
const PW = { a: 'gestion du lieu numéro un', b: 'gestion du lieu numéro deux', c: 'coordination du département' };
const TITLE = 'Café numérique du mardi';

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, REPERE_ROOT: ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}
const sql = (q) => sqlite(tmp.db, q);

function parisDay(n) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() + n * 86400000));
}

async function signedIn(email, password) {
  const b = new Browser(server.base);
  const res = await b.login(email, password);
  assert.equal(res.status, 303, `login of ${email}`);
  return b;
}

// The fields of the main form of a page, as a browser would send them.
function formFields(html, action) {
  const start = html.indexOf(`action="${action}"`);
  assert.ok(start > 0, `form ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields = {};
  const add = (k, v) => { if (k in fields) fields[k] = [].concat(fields[k], v); else fields[k] = v; };
  const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  for (const m of form.matchAll(/<input ([^>]*)>/g)) {
    const a = m[1];
    const name = (a.match(/name="([^"]*)"/) || [])[1];
    if (!name || name === 'csrf') continue;
    const value = unescape((a.match(/value="([^"]*)"/) || [, ''])[1]);
    if (/type="checkbox"/.test(a)) { if (/ checked/.test(a)) add(name, value); continue; }
    add(name, value);
  }
  for (const m of form.matchAll(/<textarea [^>]*name="([^"]*)"[^>]*>([^<]*)<\/textarea>/g)) add(m[1], unescape(m[2]));
  for (const m of form.matchAll(/<select [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const sel = m[2].match(/<option value="([^"]*)" selected>/);
    add(m[1], sel ? unescape(sel[1]) : '');
  }
  return fields;
}

const errorOf = (html, name) => (html.match(new RegExp(`id="e-${name}">([^<]*)<`)) || [])[1];

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
  const ids = [...(await (await fetch(server.base + '/lieux')).text()).matchAll(/href="\/lieux\/(\d+)-/g)].map((m) => Number(m[1]));
  [placeA, placeB] = [...new Set(ids)];
  const dep = sql(`SELECT departement FROM place WHERE id = ${placeA}`);
  cli(['user', 'add', 'a@example.fr', '--password-stdin', `manager:${placeA}`], PW.a + '\n');
  cli(['user', 'add', 'b@example.fr', '--password-stdin', `manager:${placeB}`], PW.b + '\n');
  cli(['user', 'add', 'c@example.fr', '--password-stdin', `coordinator:departement:${dep}`], PW.c + '\n');
  manager = await signedIn('a@example.fr', PW.a);
  other = await signedIn('b@example.fr', PW.b);
  coordinator = await signedIn('c@example.fr', PW.c);
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

let workshop; // id of the weekly workshop

test('a manager creates a weekly workshop; its sessions are on /ateliers and the place page at once', async () => {
  const list = await manager.get(`/admin/lieux/${placeA}/ateliers`);
  assert.equal(list.status, 200);
  const form = await manager.get(`/admin/lieux/${placeA}/ateliers/nouveau`);
  assert.equal(form.status, 200);
  assert.match(form.text, /value="Maîtrise des outils numériques du quotidien"> <label [^>]*>Utiliser un ordinateur, un smartphone/, 'themes from the national services vocabulary');
  const res = await manager.post(`/admin/lieux/${placeA}/ateliers/nouveau`, {
    titre: TITLE, resume: 'On apprend ensemble, sans se presser.', description: 'Venez **avec** votre téléphone.',
    themes: ['Maîtrise des outils numériques du quotidien'], publics: ['Seniors', 'Tout public'], niveau: 'débutant',
    a_apporter: 'Votre smartphone', tarif: 'gratuit', pass_numerique: '1', inscription: 'telephone',
    contact_inscription: '04 75 00 00 00', capacite: '8', places_restantes: '3', animateur: 'Awa', partenaire: 'CCAS',
    accessibilite: 'Rez-de-chaussée', seances: '',
    rec_freq: 'WEEKLY', rec_interval: '1', rec_days: ['TU'], rec_debut: parisDay(1), rec_heure: '14:00', rec_fin: '16:00',
    rec_nombre: '6', rec_exceptions: '',
  });
  assert.equal(res.status, 303, res.text.slice(0, 2000));
  const m = res.location.match(/^\/admin\/lieux\/\d+\/ateliers\/(\d+)\?ok=1$/);
  assert.ok(m, res.location);
  workshop = Number(m[1]);
  assert.equal(sql(`SELECT count(*) FROM workshop_session WHERE workshop_id = ${workshop}`), '6');
  assert.equal(sql(`SELECT recurrence FROM workshop WHERE id = ${workshop}`), 'FREQ=WEEKLY;BYDAY=TU;COUNT=6');
  assert.equal(sql(`SELECT place_id || '|' || source || '|' || is_full || '|' || pass_numerique || '|' || registration_contact FROM workshop WHERE id = ${workshop}`),
    `${placeA}|Repère|0|1|04 75 00 00 00`);
  // Every session is a Tuesday at 14:00 on the place's wall clock.
  for (const s of sql(`SELECT starts_at FROM workshop_session WHERE workshop_id = ${workshop}`).split('\n')) {
    const d = new Date(Number(s) * 1000);
    assert.equal(new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(d), 'mardi 14:00');
  }
  const agenda = await (await fetch(`${server.base}/ateliers?lieu=${placeA}`)).text();
  assert.ok(agenda.includes(TITLE), 'on /ateliers');
  const slug = sql(`SELECT slug FROM place WHERE id = ${placeA}`);
  const page = await (await fetch(`${server.base}/lieux/${placeA}-${slug}`)).text();
  assert.ok(page.includes(TITLE), 'on the place page');
  const wpage = await (await fetch(`${server.base}/ateliers/${workshop}`, { redirect: 'follow' })).text();
  assert.match(wpage, /Venez <strong>avec<\/strong> votre téléphone/);
  assert.match(sql("SELECT group_concat(event) FROM audit_log WHERE subject = 'workshop:" + workshop + "'"), /workshop_created/);
  const edit = await manager.get(`/admin/lieux/${placeA}/ateliers/${workshop}?ok=1`);
  assert.match(edit.text, /Atelier enregistré/);
});

test('invalid fields come back with a French message next to each and everything typed; nothing is saved', async () => {
  const before = sql('SELECT count(*) FROM workshop') + sql('SELECT count(*) FROM workshop_session');
  await manager.get(`/admin/lieux/${placeA}/ateliers/nouveau`);
  const res = await manager.post(`/admin/lieux/${placeA}/ateliers/nouveau`, {
    titre: '', resume: 'Un résumé <gardé>', tarif: 'payant', montant: 'beaucoup', inscription: 'courriel',
    contact_inscription: 'pas-une-adresse', capacite: '5', places_restantes: '9', themes: ['Maîtrise des outils numériques du quotidien'],
    seances: '2026-13-01 14:00-16:00\n2030-01-02 10:00', hlm_adresse: '1 place de la Mairie', hlm_code_postal: '7300', hlm_commune: 'Chambéry',
    rec_freq: 'WEEKLY', rec_debut: parisDay(3), rec_heure: '10:00', rec_fin: '12:00', rec_jusqua: '30/06/2027',
  });
  assert.equal(res.status, 400);
  assert.match(res.text, /rien n'a été enregistré/);
  assert.equal(errorOf(res.text, 'titre'), 'Champ obligatoire manquant.');
  assert.match(errorOf(res.text, 'montant'), /montant en euros attendu/);
  assert.match(errorOf(res.text, 'contact_inscription'), /Adresse électronique invalide/);
  assert.match(errorOf(res.text, 'places_restantes'), /Plus de places restantes que de places en tout/);
  assert.match(errorOf(res.text, 'seances'), /Ligne 1 : date et heure illisibles/);
  assert.match(errorOf(res.text, 'seances'), /Ligne 2 : indiquez l&#39;heure de fin/);
  assert.match(errorOf(res.text, 'hlm_code_postal'), /code postal a cinq chiffres/); // core/validate.c's rule and wording
  assert.match(errorOf(res.text, 'rec_jusqua'), /Date invalide/);
  // What was typed is back.
  const f = formFields(res.text, `/admin/lieux/${placeA}/ateliers/nouveau`);
  assert.equal(f.resume, 'Un résumé <gardé>');
  assert.equal(f.montant, 'beaucoup');
  assert.equal(f.tarif, 'payant');
  assert.equal(f.contact_inscription, 'pas-une-adresse');
  assert.equal(f.seances, '2026-13-01 14:00-16:00\n2030-01-02 10:00');
  assert.equal(f.themes, 'Maîtrise des outils numériques du quotidien');
  assert.equal(f.hlm_code_postal, '7300');
  assert.equal(f.rec_jusqua, '30/06/2027');
  assert.equal(f.rec_freq, 'WEEKLY');
  assert.match(res.text, /aria-invalid="true"/);
  assert.equal(sql('SELECT count(*) FROM workshop') + sql('SELECT count(*) FROM workshop_session'), before);
});

test('"Prévisualiser" renders the Markdown on the server (safe mode) and saves nothing', async () => {
  const before = sql('SELECT count(*) FROM workshop');
  await manager.get(`/admin/lieux/${placeA}/ateliers/nouveau`);
  const res = await manager.post(`/admin/lieux/${placeA}/ateliers/nouveau`, {
    titre: 'Aperçu', description: '**Gras** et [lien](javascript:alert(1)) <script>x()</script>', tarif: 'gratuit',
    inscription: 'aucune', seances: `${parisDay(5)} 10:00-11:00`, apercu: '1',
  });
  assert.equal(res.status, 200);
  const preview = res.text.slice(res.text.indexOf('<h3 id="h-preview">'));
  assert.match(preview, /<strong>Gras<\/strong>/);
  assert.doesNotMatch(preview.slice(0, 400), /javascript:|<script>/);
  assert.equal(sql('SELECT count(*) FROM workshop'), before);
});

test('a manager of another place gets 403 on every workshop route, and nothing changes', async () => {
  const snapshot = () => sql(`SELECT quote(title) || quote(is_full) || quote(cancellations) || quote(updated_at) FROM workshop WHERE id = ${workshop}`)
    + sql('SELECT count(*) FROM workshop') + sql(`SELECT group_concat(cancelled) FROM workshop_session WHERE workshop_id = ${workshop}`);
  const before = snapshot();
  await other.get('/admin');
  assert.equal((await other.get(`/admin/lieux/${placeA}/ateliers`)).status, 403);
  assert.equal((await other.get(`/admin/lieux/${placeA}/ateliers/nouveau`)).status, 403);
  assert.equal((await other.get(`/admin/lieux/${placeA}/ateliers/${workshop}`)).status, 403);
  const session = sql(`SELECT id FROM workshop_session WHERE workshop_id = ${workshop} LIMIT 1`);
  const attempts = {
    nouveau: { titre: 'Pris', seances: `${parisDay(4)} 10:00-11:00` },
    [`${workshop}/modifier`]: { titre: 'Pris', seances: `${parisDay(4)} 10:00-11:00` },
    [`${workshop}/dupliquer`]: {},
    [`${workshop}/annuler-seance`]: { seance: session, motif: 'Non' },
    [`${workshop}/complet`]: { complet: '1' },
  };
  for (const [action, fields] of Object.entries(attempts))
    assert.equal((await other.post(`/admin/lieux/${placeA}/ateliers/${action}`, fields)).status, 403, action);
  // Through their own place's address, the workshop of A is not found either.
  assert.equal((await other.post(`/admin/lieux/${placeB}/ateliers/${workshop}/complet`, { complet: '1' })).status, 404);
  assert.equal(snapshot(), before);
});

test('the edit form round-trips: saving it unchanged keeps the recurrence; a change is visible at once', async () => {
  const path = `/admin/lieux/${placeA}/ateliers/${workshop}`;
  const page = await manager.get(path);
  const f = formFields(page.text, `${path}/modifier`);
  assert.equal(f.rec_freq, 'WEEKLY');
  assert.equal(f.rec_days, 'TU');
  assert.equal(f.rec_nombre, '6');
  assert.equal(f.rec_heure, '14:00');
  assert.equal(f.rec_fin, '16:00');
  const starts = sql(`SELECT group_concat(starts_at) FROM workshop_session WHERE workshop_id = ${workshop}`);
  f.titre = `${TITLE} (nouveau nom)`;
  f.seances = `${parisDay(20)} 09:30-11:00`;
  const res = await manager.post(`${path}/modifier`, f);
  assert.equal(res.status, 303, res.text.slice(0, 1500));
  assert.equal(sql(`SELECT title FROM workshop WHERE id = ${workshop}`), `${TITLE} (nouveau nom)`);
  assert.equal(sql(`SELECT count(*) FROM workshop_session WHERE workshop_id = ${workshop}`), '7');
  assert.ok(sql(`SELECT group_concat(starts_at) FROM workshop_session WHERE workshop_id = ${workshop}`).includes(starts.split(',')[0]));
  const wpage = await (await fetch(`${server.base}/ateliers/${workshop}`)).text();
  assert.ok(wpage.includes('(nouveau nom)'));
  // The one-off date is shown back on its own line, the recurrence in its controls.
  const again = formFields((await manager.get(path)).text, `${path}/modifier`);
  assert.equal(again.seances, `${parisDay(20)} 09:30-11:00`);
  assert.equal(again.rec_freq, 'WEEKLY');
  assert.match(sql("SELECT group_concat(event) FROM audit_log WHERE subject = 'workshop:" + workshop + "'"), /workshop_edited/);
});

test('cancel one session with a reason: it stays listed as "annulée" with the reason on the public pages', async () => {
  const path = `/admin/lieux/${placeA}/ateliers/${workshop}`;
  await manager.get(path);
  const session = sql(`SELECT id FROM workshop_session WHERE workshop_id = ${workshop} ORDER BY starts_at LIMIT 1`);
  const missing = await manager.post(`${path}/annuler-seance`, { seance: session, motif: '' });
  assert.equal(missing.status, 400);
  assert.match(missing.text, /Indiquez le motif/);
  const res = await manager.post(`${path}/annuler-seance`, { seance: session, motif: 'Animatrice <absente>' });
  assert.equal(res.status, 303);
  assert.equal(sql(`SELECT cancelled || '|' || cancel_reason FROM workshop_session WHERE id = ${session}`), '1|Animatrice <absente>');
  assert.equal(sql(`SELECT count(*) FROM workshop_session WHERE workshop_id = ${workshop}`), '7', 'still listed');
  const agenda = await (await fetch(`${server.base}/ateliers?lieu=${placeA}`)).text();
  assert.match(agenda, /Annulée/);
  assert.match(agenda, /Séance annulée<\/strong> : Animatrice &lt;absente&gt;/);
  const slug = sql(`SELECT slug FROM place WHERE id = ${placeA}`);
  const page = await (await fetch(`${server.base}/lieux/${placeA}-${slug}`)).text();
  assert.match(page, /<strong>annulée<\/strong> : Animatrice &lt;absente&gt;/);
  // A later save of the form keeps the cancellation.
  const f = formFields((await manager.get(path)).text, `${path}/modifier`);
  assert.equal((await manager.post(`${path}/modifier`, f)).status, 303);
  assert.equal(sql(`SELECT cancelled FROM workshop_session WHERE workshop_id = ${workshop} ORDER BY starts_at LIMIT 1`), '1');
  assert.match(sql("SELECT group_concat(event) FROM audit_log WHERE subject = 'workshop:" + workshop + "'"), /workshop_session_cancelled/);
});

test('mark complet, then free seats again', async () => {
  const path = `/admin/lieux/${placeA}/ateliers/${workshop}`;
  await manager.get(path);
  let res = await manager.post(`${path}/complet`, { complet: '1' });
  assert.equal(res.status, 303);
  assert.equal(sql(`SELECT is_full FROM workshop WHERE id = ${workshop}`), '1');
  const wpage = await (await fetch(`${server.base}/ateliers/${workshop}`)).text();
  assert.match(wpage, /<strong>Complet<\/strong>/);
  const agenda = await (await fetch(`${server.base}/ateliers?lieu=${placeA}`)).text();
  assert.match(agenda, /badge-full">Complet/);
  await manager.get(path);
  res = await manager.post(`${path}/complet`, { complet: '0' });
  assert.equal(res.status, 303);
  assert.equal(sql(`SELECT is_full FROM workshop WHERE id = ${workshop}`), '0');
  assert.match(sql("SELECT group_concat(event) FROM audit_log WHERE subject = 'workshop:" + workshop + "'"), /workshop_full.*workshop_not_full|workshop_not_full.*workshop_full/);
});

test('duplicate: a new workshop with the same fields and sessions, without the cancellations', async () => {
  const path = `/admin/lieux/${placeA}/ateliers/${workshop}`;
  await manager.get(path);
  const res = await manager.post(`${path}/dupliquer`, {});
  assert.equal(res.status, 303);
  const copy = Number(res.location.match(/ateliers\/(\d+)\?ok=copie/)[1]);
  assert.notEqual(copy, workshop);
  assert.equal(sql(`SELECT title FROM workshop WHERE id = ${copy}`), `${TITLE} (nouveau nom) (copie)`);
  assert.equal(sql(`SELECT count(*) FROM workshop_session WHERE workshop_id = ${copy}`), '7');
  assert.equal(sql(`SELECT count(*) FROM workshop_session WHERE workshop_id = ${copy} AND cancelled = 1`), '0');
  assert.equal(sql(`SELECT recurrence || '|' || themes || '|' || audiences FROM workshop WHERE id = ${copy}`),
    sql(`SELECT recurrence || '|' || themes || '|' || audiences FROM workshop WHERE id = ${workshop}`));
  assert.notEqual(sql(`SELECT source_id FROM workshop WHERE id = ${copy}`), sql(`SELECT source_id FROM workshop WHERE id = ${workshop}`));
  const page = await manager.get(res.location);
  assert.match(page.text, /Copie créée/);
  assert.match(sql(`SELECT group_concat(event) FROM audit_log WHERE subject = 'workshop:${copy}'`), /workshop_duplicated/);
});

test('a coordinator of the territory may edit the workshop; without the CSRF token nothing changes', async () => {
  const path = `/admin/lieux/${placeA}/ateliers/${workshop}`;
  const page = await coordinator.get(path);
  assert.equal(page.status, 200);
  assert.equal((await coordinator.post(`${path}/complet`, { complet: '1' }, { csrf: null })).status, 403);
  assert.equal(sql(`SELECT is_full FROM workshop WHERE id = ${workshop}`), '0');
  assert.equal((await coordinator.post(`${path}/complet`, { complet: '1' })).status, 303);
  assert.equal(sql(`SELECT is_full FROM workshop WHERE id = ${workshop}`), '1');
});

test('every demo workshop (imported from a file) round-trips through the form unchanged', async () => {
  cli(['user', 'add', 'admin@example.fr', '--password-stdin', 'admin'], 'administration générale du site\n');
  const admin = await signedIn('admin@example.fr', 'administration générale du site');
  const rows = sql("SELECT id, place_id FROM workshop WHERE source <> 'Repère' ORDER BY id").split('\n').filter(Boolean);
  assert.ok(rows.length >= 5, 'demo workshops');
  for (const row of rows) {
    const [id, place] = row.split('|');
    const path = `/admin/lieux/${place}/ateliers/${id}`;
    const before = sql(`SELECT group_concat(starts_at || ':' || ends_at || ':' || cancelled || ':' || quote(cancel_reason)) FROM (SELECT * FROM workshop_session WHERE workshop_id = ${id} AND starts_at > strftime('%s','now') - 86400 * 80 ORDER BY starts_at)`);
    const lists = () => sql(`SELECT coalesce(themes, '') || '|' || coalesce(audiences, '') FROM workshop WHERE id = ${id}`).split('|').sort().join('|');
    const listsBefore = lists();
    const fields = sql(`SELECT quote(title) || quote(level) || quote(price_cents) || quote(registration_contact) || quote(venue_address) || quote(recurrence) || quote(exception_dates) || quote(is_full) FROM workshop WHERE id = ${id}`);
    const page = await admin.get(path);
    assert.equal(page.status, 200, path);
    const res = await admin.post(`${path}/modifier`, formFields(page.text, `${path}/modifier`));
    assert.equal(res.status, 303, `${path}: ${[...res.text.matchAll(/class="field-error"[^>]*>([^<]*)</g)].map((m) => m[1]).join(' / ')} ${(res.text.match(/role="alert">[\s\S]*?<\/div>/) || [''])[0]}`);
    assert.equal(lists(), listsBefore, `${path}: themes and audiences (in the form's order)`);
    assert.equal(sql(`SELECT quote(title) || quote(level) || quote(price_cents) || quote(registration_contact) || quote(venue_address) || quote(recurrence) || quote(exception_dates) || quote(is_full) FROM workshop WHERE id = ${id}`), fields, path);
    const after = sql(`SELECT group_concat(starts_at || ':' || ends_at || ':' || cancelled || ':' || quote(cancel_reason)) FROM (SELECT * FROM workshop_session WHERE workshop_id = ${id} AND starts_at > strftime('%s','now') - 86400 * 80 ORDER BY starts_at)`);
    assert.equal(after, before, `${path}: sessions`);
  }
});
