// End-to-end: a producer's re-import never overwrites what a place's manager
// edited in the admin area (places/provenance.h). An older source value
// leaves the manager's; a newer one becomes a proposal that the manager or
// the territory's coordinator accepts or refuses; the history shows both,
// and the import report counts them (CLI and the upload page).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { sqlite, BIN, ROOT, makeDb, startServer } = require('../lib/server');
const { Browser } = require('../lib/fake-sendmail');

let tmp, server, placeId, manager, coordinator, outsider;
const PW = { m: 'gestion du lieu des essais', c: 'coordination du département', o: 'coordination de la Drôme' };

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, REPERE_ROOT: ROOT }, stdio: ['pipe', 'pipe', 'pipe'],
  });
}
const sql = (q) => sqlite(tmp.db, q);

// The producer's file: one place, its phone as given.
function file(phone, address = '5 rue des Essais') {
  return 'id,pivot,nom,commune,code_postal,adresse,date_maj,telephone,source\n'
    + `essai-1,00000000000000,Espace des essais,Chambéry,73000,${address},2026-01-01,${phone},producteur\n`;
}
// `repere import` of a file; returns what it prints (the report goes to stderr).
function reimportReport(content) {
  const p = path.join(tmp.dir, 'lieux.csv');
  fs.writeFileSync(p, content);
  const r = spawnSync(BIN, ['import', p, '--db', tmp.db], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: ROOT },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout + r.stderr;
}

// "2026-02-03" → "mardi 3 février 2026", as the workshop pages word a date.
const longDate = (d) => new Date(`${d}T12:00:00Z`).toLocaleDateString('fr-FR', {
  weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
});

// Clock times as the pages write them, with no-break spaces: clock('14 h 30') → "14 h 30".
const clock = (text) => text.replace(/(\d) h/g, '$1\u00a0h').replace(/h (\d)/g, 'h\u00a0$1');

async function signedIn(email, password) {
  const b = new Browser(server.base);
  const res = await b.login(email, password);
  assert.equal(res.status, 303, `login of ${email}`);
  return b;
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  reimportReport(file('04 79 11 11 11'));
  placeId = Number(sql("SELECT id FROM place WHERE source_id = 'essai-1'"));
  server = await startServer({ db: tmp.db });
  cli(['user', 'add', 'm@example.fr', '--password-stdin', `manager:${placeId}`], PW.m + '\n');
  cli(['user', 'add', 'c@example.fr', '--password-stdin', 'coordinator:departement:73'], PW.c + '\n');
  cli(['user', 'add', 'o@example.fr', '--password-stdin', 'coordinator:departement:26'], PW.o + '\n');
  manager = await signedIn('m@example.fr', PW.m);
  coordinator = await signedIn('c@example.fr', PW.c);
  outsider = await signedIn('o@example.fr', PW.o);
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('the manager edits the phone; the producer re-imports its old phone: the manager\'s stays', async () => {
  await manager.get(`/admin/lieux/${placeId}`);
  const saved = await manager.post(`/admin/lieux/${placeId}/identite`, { name: 'Espace des essais', phone: '04 79 22 22 22' });
  assert.equal(saved.status, 303);
  assert.equal(sql(`SELECT phone FROM place WHERE id = ${placeId}`), '+33479222222');
  const report = reimportReport(file('04 79 11 11 11'));
  assert.match(report, /conservé \(modifié par le lieu\) 1, proposé 0/);
  assert.equal(sql(`SELECT phone FROM place WHERE id = ${placeId}`), '+33479222222', 'the manager\'s phone stays');
  assert.equal(sql("SELECT count(*) FROM field_proposal"), '0', 'an unchanged source value proposes nothing');
  // The per-place view says where the phone comes from.
  const view = await manager.get(`/admin/lieux/${placeId}/propositions`);
  assert.equal(view.status, 200);
  assert.match(view.text, /Aucune proposition en attente/);
  assert.match(view.text, /<td>Téléphone<\/td><td>modifiée ici par m@example.fr<\/td>/);
});

test('a NEW phone from the producer is proposed; the manager accepts it; the history shows both', async () => {
  const report = reimportReport(file('04 79 33 33 33'));
  assert.match(report, /conservé \(modifié par le lieu\) 0, proposé 1/);
  assert.equal(sql(`SELECT phone FROM place WHERE id = ${placeId}`), '+33479222222', 'still the manager\'s until decided');
  // The same file again proposes nothing more.
  reimportReport(file('04 79 33 33 33'));
  assert.equal(sql("SELECT count(*) FROM field_proposal WHERE status = 'pending'"), '1');
  const id = sql("SELECT id FROM field_proposal WHERE status = 'pending'");

  // The queue: the manager and the coordinator of the 73 see it, the Drôme's coordinator does not.
  const queue = await manager.get('/admin/propositions');
  assert.equal(queue.status, 200);
  assert.match(queue.text, /Espace des essais/);
  assert.match(queue.text, /\+33479333333/);
  assert.match((await coordinator.get('/admin/propositions')).text, /\+33479333333/);
  const other = await outsider.get('/admin/propositions');
  assert.doesNotMatch(other.text, /\+33479333333/);
  assert.equal((await outsider.get(`/admin/lieux/${placeId}/propositions`)).status, 403);
  assert.equal((await outsider.post(`/admin/propositions/${id}/accepter`)).status, 403, 'outside the territory');
  // Without the CSRF token: refused.
  assert.equal((await manager.post(`/admin/propositions/${id}/accepter`, {}, { csrf: '' })).status, 403);
  assert.equal(sql(`SELECT phone FROM place WHERE id = ${placeId}`), '+33479222222');

  const view = await manager.get(`/admin/lieux/${placeId}/propositions`);
  assert.match(view.text, /<td class="value">\+33479222222<\/td><td class="value">\+33479333333<\/td>/);
  const accepted = await manager.post(`/admin/propositions/${id}/accepter`);
  assert.equal(accepted.status, 303);
  assert.equal(accepted.headers.get('location'), `/admin/lieux/${placeId}/propositions?ok=accepte`);
  assert.equal(sql(`SELECT phone FROM place WHERE id = ${placeId}`), '+33479333333', 'the new phone');
  assert.equal(sql(`SELECT status FROM field_proposal WHERE id = ${id}`), 'accepted');
  assert.equal((await manager.post(`/admin/propositions/${id}/accepter`)).status, 403, 'decided once');

  const history = await manager.get(`/admin/lieux/${placeId}/historique`);
  assert.equal(history.status, 200);
  const rows = history.text.split('<tr>').filter((row) => row.includes('Téléphone'));
  assert.ok(rows.some((row) => /éditeur/.test(row) && /\+33479111111/.test(row) && /\+33479222222/.test(row)), 'the manager\'s edit');
  assert.ok(rows.some((row) => /proposé par l&#39;import, valeur du lieu conservée/.test(row) && /\+33479333333/.test(row)), 'the proposal');
  assert.ok(rows.some((row) => /proposition de l&#39;import acceptée/.test(row) && /m@example.fr/.test(row) && /\+33479333333/.test(row)), 'the decision');
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE event = 'proposal_accepted'"), '1');

  // Accepted, the phone follows the producer again.
  reimportReport(file('04 79 44 44 44'));
  assert.equal(sql(`SELECT phone FROM place WHERE id = ${placeId}`), '+33479444444');
});

test('the territory\'s coordinator refuses a proposal: the value stays, the history says so, the upload page counts it', async () => {
  await manager.get(`/admin/lieux/${placeId}`);
  assert.equal((await manager.post(`/admin/lieux/${placeId}/identite`, { name: 'Espace des essais', phone: '04 79 55 55 55' })).status, 303);
  // The coordinator uploads the producer's file with a new phone, in the admin area.
  await coordinator.get('/admin/import');
  const fd = new FormData();
  fd.append('csrf', coordinator.lastCsrf);
  fd.append('fichier', new Blob([file('04 79 66 66 66')], { type: 'text/csv' }), 'lieux.csv');
  const res = await fetch(server.base + '/admin/import', { method: 'POST', body: fd, redirect: 'manual', headers: { cookie: coordinator.cookieHeader() } });
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 1500));
  assert.match(text, /id="n-proposed">1</);
  assert.match(text, /id="n-kept">0</);
  const token = text.match(/name="jeton" value="([^"]+)"/)[1];
  assert.equal(sql("SELECT count(*) FROM field_proposal WHERE status = 'pending'"), '0', 'the preview proposes nothing');
  coordinator.lastCsrf = text.match(/name="csrf" value="([^"]+)"/)[1];
  const done = await coordinator.post('/admin/import/confirmer', { jeton: token });
  assert.equal(done.status, 200);
  assert.match(done.text, /id="n-proposed">1</);
  const id = sql("SELECT id FROM field_proposal WHERE status = 'pending'");
  await coordinator.get('/admin/propositions');
  const refused = await coordinator.post(`/admin/propositions/${id}/refuser`, { depuis: 'file' });
  assert.equal(refused.status, 303);
  assert.equal(refused.headers.get('location'), '/admin/propositions?ok=refuse');
  assert.equal(sql(`SELECT phone FROM place WHERE id = ${placeId}`), '+33479555555');
  assert.equal(sql(`SELECT status FROM field_proposal WHERE id = ${id}`), 'refused');
  const history = await manager.get(`/admin/lieux/${placeId}/historique`);
  assert.match(history.text, /c@example.fr <span class="muted">\(proposition de l&#39;import refusée\)/);
  // The refused value sent again is not proposed again.
  const report = reimportReport(file('04 79 66 66 66'));
  assert.match(report, /conservé \(modifié par le lieu\) 1, proposé 0/);
  assert.equal(sql("SELECT count(*) FROM field_proposal WHERE status = 'pending'"), '0');
});

test('a workshop field works the same way: kept against the old value, a new one proposed and accepted', async () => {
  const [src, sid] = sql(`SELECT source, source_id FROM place WHERE id = ${placeId}`).split('|');
  const workshops = (title, facilitator) => JSON.stringify({
    source: 'Ateliers du producteur', ateliers: [{
      id: 'atelier-1', lieu: { source: src, id: sid }, titre: title, animateur: facilitator,
      seances: [{ debut: 'J+3 14:00', fin: '16:00' }],
    }],
  });
  reimportReport(workshops('Premiers pas sur la tablette', 'Awa'));
  const workshop = sql("SELECT id FROM workshop WHERE source_id = 'atelier-1'");
  // The manager renames it in the workshop editor.
  await manager.get(`/admin/lieux/${placeId}/ateliers/${workshop}`);
  const day = sql(`SELECT date(starts_at, 'unixepoch', 'localtime') FROM workshop_session WHERE workshop_id = ${workshop}`);
  const saved = await manager.post(`/admin/lieux/${placeId}/ateliers/${workshop}/modifier`, {
    titre: 'Découvrir sa tablette', animateur: 'Awa', tarif: 'gratuit', inscription: 'aucune', seances: `${day} 14:00-16:00`,
  });
  assert.equal(saved.status, 303, saved.text.slice(0, 2000));
  assert.equal(sql(`SELECT title FROM workshop WHERE id = ${workshop}`), 'Découvrir sa tablette');
  // The producer re-imports its old title, with a new facilitator: the title stays, the facilitator follows.
  let report = reimportReport(workshops('Premiers pas sur la tablette', 'Lina'));
  assert.match(report, /conservé \(modifié par le lieu\) 1, proposé 0/);
  assert.equal(sql(`SELECT title || '|' || facilitator FROM workshop WHERE id = ${workshop}`), 'Découvrir sa tablette|Lina');
  // A new title: proposed.
  report = reimportReport(workshops('Tablette : les bases', 'Lina'));
  assert.match(report, /conservé \(modifié par le lieu\) 0, proposé 1/);
  assert.equal(sql(`SELECT title FROM workshop WHERE id = ${workshop}`), 'Découvrir sa tablette');
  const id = sql("SELECT id FROM field_proposal WHERE entity = 'workshop' AND status = 'pending'");
  const queue = await manager.get('/admin/propositions');
  assert.match(queue.text, /Atelier « Découvrir sa tablette » : Titre/);
  assert.equal((await manager.post(`/admin/propositions/${id}/accepter`, { depuis: 'file' })).status, 303);
  assert.equal(sql(`SELECT title || '|' || slug FROM workshop WHERE id = ${workshop}`), 'Tablette : les bases|tablette-les-bases');
  const history = await manager.get(`/admin/lieux/${placeId}/historique`);
  assert.match(history.text, new RegExp(`Atelier n° ${workshop} : Titre</td><td class="value">Découvrir sa tablette</td><td class="value">Tablette : les bases`));
});

test("a workshop's dates are one fact: a manager's new date survives the old import, a new schedule is proposed and accepted", async () => {
  const [src, sid] = sql(`SELECT source, source_id FROM place WHERE id = ${placeId}`).split('|');
  const workshops = (seances) => JSON.stringify({
    source: 'Ateliers du producteur', ateliers: [{
      id: 'atelier-dates', lieu: { source: src, id: sid }, titre: 'Le courriel pas à pas', seances,
    }],
  });
  // When the sessions of the workshop start, in the place's time (Chambéry).
  const paris = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });
  const starts = (w) => sql(`SELECT starts_at FROM workshop_session WHERE workshop_id = ${w} ORDER BY starts_at`)
    .split('\n').filter(Boolean).map((t) => paris.format(new Date(Number(t) * 1000))).join(', ');
  reimportReport(workshops([{ debut: 'J+10 14:00', fin: '16:00' }]));
  const workshop = sql("SELECT id FROM workshop WHERE source_id = 'atelier-dates'");
  const imported = starts(workshop);
  const day = imported.slice(0, 10);
  const nextDay = sql(`SELECT date('${day}', '+1 day')`);
  // The manager moves the session to the next day, 15:00.
  await manager.get(`/admin/lieux/${placeId}/ateliers/${workshop}`);
  const saved = await manager.post(`/admin/lieux/${placeId}/ateliers/${workshop}/modifier`, {
    titre: 'Le courriel pas à pas', tarif: 'gratuit', inscription: 'aucune', seances: `${nextDay} 15:00-17:00`,
  });
  assert.equal(saved.status, 303, saved.text.slice(0, 2000));
  assert.equal(starts(workshop), `${nextDay} 15:00`);
  // The producer sends its old date again: the manager's stays.
  let report = reimportReport(workshops([{ debut: 'J+10 14:00', fin: '16:00' }]));
  assert.match(report, /conservé \(modifié par le lieu\) 1, proposé 0/);
  assert.equal(starts(workshop), `${nextDay} 15:00`);
  // A new schedule from the producer (a weekly recurrence): proposed, not applied.
  const weekly = { recurrence: { debut: `${day} 10:00`, duree_minutes: 90, regle: 'FREQ=WEEKLY;COUNT=3' } };
  report = reimportReport(JSON.stringify({
    source: 'Ateliers du producteur', ateliers: [{
      id: 'atelier-dates', lieu: { source: src, id: sid }, titre: 'Le courriel pas à pas', ...weekly,
    }],
  }));
  assert.match(report, /conservé \(modifié par le lieu\) 0, proposé 1/);
  assert.equal(starts(workshop), `${nextDay} 15:00`);
  assert.equal(sql(`SELECT count(*) FROM workshop WHERE id = ${workshop} AND recurrence IS NULL`), '1');
  const id = sql(`SELECT id FROM field_proposal WHERE entity = 'workshop' AND entity_id = ${workshop} AND status = 'pending'`);
  assert.equal(sql(`SELECT field FROM field_proposal WHERE id = ${id}`), 'schedule');
  const queue = await manager.get('/admin/propositions');
  assert.match(queue.text, /Atelier « Le courriel pas à pas » : Dates et récurrence/);
  // In words, the manager's date next to the producer's recurrence; never the stored JSON.
  const weekday = (d) => new Date(`${d}T12:00:00Z`).toLocaleDateString('fr-FR', { weekday: 'long', timeZone: 'UTC' });
  const current = `Le ${longDate(nextDay)}, ${clock('de 15 h à 17 h')}`;
  const proposed = `Chaque ${weekday(day)}, ${clock('de 10 h à 11 h 30')}, à partir du ${longDate(day)}, 3 séances`;
  assert.match(queue.text, new RegExp(`<td class="value">${current}</td><td class="value">${proposed}</td>`));
  assert.doesNotMatch(queue.text, /\{&quot;|&quot;recurrence&quot;|FREQ=/, 'no JSON on the page');
  // Accepted: the recurrence and its three sessions.
  assert.equal((await manager.post(`/admin/propositions/${id}/accepter`, { depuis: 'file' })).status, 303);
  const weeks = [0, 7, 14].map((d) => sql(`SELECT date('${day}', '+${d} day')`) + ' 10:00').join(', ');
  assert.equal(starts(workshop), weeks);
  assert.equal(sql(`SELECT recurrence FROM workshop WHERE id = ${workshop}`), 'FREQ=WEEKLY;COUNT=3');
  const history = await manager.get(`/admin/lieux/${placeId}/historique`);
  assert.match(history.text, new RegExp(`Atelier n° ${workshop} : Dates et récurrence</td><td class="value">${current}</td><td class="value">${proposed}</td>`));
  assert.doesNotMatch(history.text, /\{&quot;|&quot;recurrence&quot;|FREQ=/, 'no JSON in the history');
  // The source's schedule is the source's again: its next change is written.
  report = reimportReport(JSON.stringify({
    source: 'Ateliers du producteur', ateliers: [{
      id: 'atelier-dates', lieu: { source: src, id: sid }, titre: 'Le courriel pas à pas',
      recurrence: { ...weekly.recurrence, regle: 'FREQ=WEEKLY;COUNT=2' },
    }],
  }));
  assert.doesNotMatch(report, /conservé \(modifié par le lieu\) [1-9]|proposé [1-9]/);
  assert.equal(starts(workshop), weeks.split(', ').slice(0, 2).join(', '));
});

test('a proposed monthly schedule reads as a sentence, with its exceptions and cancellations', async () => {
  const [src, sid] = sql(`SELECT source, source_id FROM place WHERE id = ${placeId}`).split('|');
  const record = (dates) => JSON.stringify({
    source: 'Ateliers du producteur', ateliers: [{
      id: 'atelier-mensuel', lieu: { source: src, id: sid }, titre: 'Mon téléphone et moi', ...dates,
    }],
  });
  reimportReport(record({ seances: [{ debut: 'J+12 9:30', fin: '11:00' }] }));
  const workshop = sql("SELECT id FROM workshop WHERE source_id = 'atelier-mensuel'");
  // The manager sets one session of their own.
  const mine = sql("SELECT date('now', '+20 day')");
  await manager.get(`/admin/lieux/${placeId}/ateliers/${workshop}`);
  const saved = await manager.post(`/admin/lieux/${placeId}/ateliers/${workshop}/modifier`, {
    titre: 'Mon téléphone et moi', tarif: 'gratuit', inscription: 'aucune', seances: `${mine} 14:00-16:30`,
  });
  assert.equal(saved.status, 303, saved.text.slice(0, 2000));
  // The producer now publishes the first Wednesday of each month, three times, but one.
  const firstWednesday = sql("SELECT date('now', 'start of month', '+2 month', 'weekday 3')");
  const second = sql(`SELECT date('${firstWednesday}', 'start of month', '+1 month', 'weekday 3')`);
  const third = sql(`SELECT date('${firstWednesday}', 'start of month', '+2 month', 'weekday 3')`);
  const report = reimportReport(record({
    recurrence: { debut: `${firstWednesday} 14:00`, duree_minutes: 120, regle: 'FREQ=MONTHLY;BYDAY=1WE;COUNT=3', exceptions: [second] },
    annulations: [{ date: third, motif: 'formation des animateurs' }],
  }));
  assert.match(report, /proposé 1/);
  const queue = await manager.get('/admin/propositions');
  assert.equal(queue.status, 200);
  const current = `Le ${longDate(mine)}, ${clock('de 14 h à 16 h 30')}`;
  const proposed = `Chaque premier mercredi du mois, ${clock('de 14 h à 16 h')}, à partir du ${longDate(firstWednesday)}, `
    + `3 séances, sauf le ${longDate(second)}\nAnnulée le ${longDate(third)} : formation des animateurs`;
  assert.match(queue.text, new RegExp(`Mon téléphone et moi » : Dates et récurrence</td><td class="value">${current}</td><td class="value">${proposed}</td>`));
  assert.doesNotMatch(queue.text, /\{&quot;|&quot;regle&quot;|FREQ=/, 'no JSON on the page');
  // Refused, so that the next tests start from an empty queue.
  const id = sql(`SELECT id FROM field_proposal WHERE entity = 'workshop' AND entity_id = ${workshop} AND status = 'pending'`);
  assert.equal((await manager.post(`/admin/propositions/${id}/refuser`, { depuis: 'file' })).status, 303);
});

test('a position is one fact: a new position from the producer is proposed and accepted whole', async () => {
  const csv = (lat, lon) => 'id,pivot,nom,commune,code_postal,adresse,date_maj,latitude,longitude,source\n'
    + `essai-2,00000000000000,Espace de la carte,Chambéry,73000,7 rue des Essais,2026-01-01,${lat},${lon},producteur\n`;
  reimportReport(csv('45.5646', '5.9178'));
  const id = sql("SELECT id FROM place WHERE source_id = 'essai-2'");
  cli(['user', 'add', 'carte@example.fr', '--password-stdin', `manager:${id}`], PW.m + '\n');
  const b = await signedIn('carte@example.fr', PW.m);
  await b.get(`/admin/lieux/${id}`);
  const saved = await b.post(`/admin/lieux/${id}/adresse`, {
    address: '7 rue des Essais', postal_code: '73000', commune: 'Chambéry', latitude: '45.57', longitude: '5.92',
  });
  assert.equal(saved.status, 303);
  const report = reimportReport(csv('45.6', '5.95'));
  assert.match(report, /proposé 2/);
  assert.equal(sql(`SELECT latitude || ' ' || longitude FROM place WHERE id = ${id}`), '45.57 5.92');
  const lat = sql(`SELECT id FROM field_proposal WHERE place_id = ${id} AND field = 'latitude' AND status = 'pending'`);
  await b.get(`/admin/lieux/${id}/propositions`);
  assert.equal((await b.post(`/admin/propositions/${lat}/accepter`)).status, 303);
  assert.equal(sql(`SELECT latitude || ' ' || longitude FROM place WHERE id = ${id}`), '45.6 5.95', 'both halves');
  assert.equal(sql(`SELECT count(*) FROM field_proposal WHERE place_id = ${id} AND status = 'pending'`), '0');
});
