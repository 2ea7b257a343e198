// End-to-end: the directory of intervenants (issue 17). A place manager
// invites an intervenant, who confirms by the e-mail link, chooses a
// password and edits their own entry; a coordinator of another territory
// cannot validate it, the coordinator of its territory does; it is then
// public (search, page, place page, API, sitemap) without any e-mail;
// the contact relay mails a message and stores nothing of it; deletion
// removes the entry everywhere and leaves an anonymous audit line.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { sqlite, BIN, ROOT, makeDb, startServer } = require('../lib/server');
const { FAKE_SENDMAIL, readMails, linkFor, Browser } = require('../lib/fake-sendmail');

let tmp, server, mailDir, placeA, placePath, dep, insee;
const ADMIN = 'admin@example.fr', ADMIN_PW = 'un cheval correct et une agrafe';
const MANAGER = 'gestion.a@example.fr', MANAGER_PW = 'la médiathèque ouvre le mardi';
const COORD = 'coord@example.fr', COORD_PW = 'la coordination du territoire';
const FAR = 'loin@example.fr', FAR_PW = 'une autre coordination ailleurs';
const INTER = 'camille.fictive@example.fr', INTER_PW = 'je anime des ateliers fictifs';
const OTHER = 'dominique.fictif@example.fr';

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', tmp.db, '--sendmail', `${FAKE_SENDMAIL} ${mailDir}`], {
    cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, REPERE_ROOT: ROOT },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

const sql = (q) => sqlite(tmp.db, q);

test.before(async () => {
  tmp = makeDb({ demo: true });
  mailDir = path.join(tmp.dir, 'mail');
  server = await startServer({ db: tmp.db, args: ['--sendmail', `${FAKE_SENDMAIL} ${mailDir}`] });
  const row = sql('SELECT p.id, p.departement, p.commune_insee FROM place p WHERE p.commune_insee IS NOT NULL ORDER BY p.id LIMIT 1').split('|');
  placeA = Number(row[0]); dep = row[1]; insee = row[2];
  const farDep = dep === '75' ? '13' : '75';
  cli(['user', 'add', ADMIN, '--password-stdin', 'admin'], ADMIN_PW + '\n');
  cli(['user', 'add', MANAGER, '--password-stdin', `manager:${placeA}`], MANAGER_PW + '\n');
  cli(['user', 'add', COORD, '--password-stdin', `coordinator:departement:${dep}`], COORD_PW + '\n');
  cli(['user', 'add', FAR, '--password-stdin', `coordinator:departement:${farDep}`], FAR_PW + '\n');
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

async function getJson(p) {
  const res = await fetch(server.base + p);
  return { status: res.status, body: await res.json() };
}

async function confirmAndActivate(browser, email, password) {
  const link = linkFor(mailDir, email, '/intervenants/confirmer?t=');
  assert.ok(link, 'the confirmation link was mailed');
  const page = await browser.get(link.pathname + link.search);
  assert.equal(page.status, 200);
  const done = await browser.post('/intervenants/confirmer', { t: link.searchParams.get('t') });
  assert.equal(done.status, 303);
  assert.match(done.location, /^\/compte\/activer\?t=/);
  const t = new URL(done.location, server.base).searchParams.get('t');
  await browser.get(done.location);
  const act = await browser.post('/compte/activer', { t, password, password2: password });
  assert.equal(act.status, 303, 'the password is chosen');
}

test('the journey: invite → confirm → edit → validate → public → contact relay → delete', async (t) => {
  const manager = new Browser(server.base), inter = new Browser(server.base);
  const coord = new Browser(server.base), far = new Browser(server.base), anon = new Browser(server.base);
  let id, pagePath;

  await t.test('1. a place manager invites an intervenant for their place', async () => {
    await manager.login(MANAGER, MANAGER_PW);
    await manager.get('/admin/intervenants/inviter');
    const inv = await manager.post('/admin/intervenants/inviter', {
      place: String(placeA), name: 'Camille Exemple (fictif)', email: INTER, kind: 'benevole',
      domains: ['cybersecurite', 'parentalite'], formats: ['atelier'], fees: 'benevole', commune: insee, radius_km: '20',
    });
    assert.equal(inv.status, 200, inv.text.slice(0, 300));
    assert.match(inv.text, /Invitation envoyée/);
    const mail = readMails(mailDir).find((m) => m.to === INTER);
    assert.equal(mail.subject, 'Confirmez votre fiche d\'intervenant');
    id = Number(sql(`SELECT id FROM intervenant WHERE email = '${INTER}'`));
    assert.equal(sql(`SELECT status FROM intervenant WHERE id = ${id}`), 'pending');
  });

  await t.test('2. not public before confirmation and validation', async () => {
    assert.equal((await anon.get(`/intervenants/${id}-camille-exemple-fictif`)).status, 404);
    assert.doesNotMatch((await anon.get('/intervenants')).text, /Camille Exemple/);
  });

  await t.test('3. the intervenant confirms by the link and chooses a password', async () => {
    await confirmAndActivate(inter, INTER, INTER_PW);
    assert.equal(sql(`SELECT status FROM intervenant WHERE id = ${id}`), 'confirmed');
    const again = linkFor(mailDir, INTER, '/intervenants/confirmer?t=');
    assert.equal((await anon.get(again.pathname + again.search)).status, 404, 'the link is spent');
  });

  await t.test('4. the intervenant edits their own entry; bad input is shown again', async () => {
    const form = await inter.get('/intervenants/moi');
    assert.equal(form.status, 200);
    assert.match(form.text, /value="Camille Exemple \(fictif\)"/);
    const bad = await inter.post('/intervenants/moi', { name: 'Camille Exemple (fictif)', kind: 'benevole', commune: 'Nulle-Part-Sur-Rien', presentation: 'Ateliers **arnaques**' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="e-commune">« Commune »/);
    assert.match(bad.text, /id="e-domains">« Domaines »/);
    assert.match(bad.text, /value="Nulle-Part-Sur-Rien"/);
    const ok = await inter.post('/intervenants/moi', {
      name: 'Camille Exemple (fictif)', kind: 'benevole', domains: ['cybersecurite'], formats: ['atelier', 'conference'],
      fees: 'benevole', commune: insee, radius_km: '15', presentation: 'Ateliers sur les **arnaques** <script>alert(1)</script>',
    });
    assert.equal(ok.status, 303);
    assert.equal(sql(`SELECT formats FROM intervenant WHERE id = ${id}`), 'atelier|conference');
    assert.match((await inter.get('/intervenants/moi')).text, /Modifiée : présentation, domaines, formats, rayon</, 'the history names the fields that changed');
  });

  await t.test('5. a coordinator of another territory cannot validate; the territory\'s does', async () => {
    await far.login(FAR, FAR_PW);
    assert.doesNotMatch((await far.get('/admin/intervenants')).text, /Camille Exemple/);
    assert.equal((await far.post(`/admin/intervenants/${id}/valider`)).status, 403);
    assert.equal(sql(`SELECT status FROM intervenant WHERE id = ${id}`), 'confirmed');
    await coord.login(COORD, COORD_PW);
    assert.match((await coord.get('/admin/intervenants')).text, /Valider Camille Exemple/);
    const v = await coord.post(`/admin/intervenants/${id}/valider`);
    assert.equal(v.status, 303);
    assert.equal(sql(`SELECT status FROM intervenant WHERE id = ${id}`), 'public');
  });

  await t.test('6. public: search by domain, format and where; page; place page; API; no e-mail', async () => {
    const api0 = await getJson(`/api/v1/intervenants?commune=${insee}&domaine=cybersecurite`);
    const list = await anon.get(`/intervenants?commune=${insee}&domaine=cybersecurite`);
    assert.equal(list.status, 200);
    const m = list.text.match(new RegExp(`href="(/intervenants/${id}-[a-z0-9-]+)"`));
    assert.ok(m, 'found around its commune');
    pagePath = m[1];
    const cyber = api0.body.intervenants.length;
    assert.match(list.text, new RegExp(`Cybersécurité et arnaques \\(${cyber}\\)`), 'the filter shows its count');
    assert.doesNotMatch((await anon.get('/intervenants?domaine=fabrication')).text, /Camille Exemple/);
    assert.doesNotMatch((await anon.get('/intervenants?format=permanence')).text, /Camille Exemple/);
    const farAway = dep === '13' ? '75056' : '13055';
    assert.doesNotMatch((await anon.get(`/intervenants?commune=${farAway}`)).text, /Camille Exemple/, 'not found outside their area');
    const page = await anon.get(pagePath);
    assert.equal(page.status, 200);
    assert.match(page.text, /<strong>arnaques<\/strong>/);
    assert.doesNotMatch(page.text, /<script>alert/);
    const placeLink = page.text.match(new RegExp(`href="(/lieux/${placeA}-[a-z0-9-]+)"`));
    assert.ok(placeLink, 'the places they work with');
    placePath = placeLink[1];
    const place = await anon.get(placePath);
    assert.match(place.text, /Intervenants qui travaillent avec ce lieu/);
    assert.match(place.text, new RegExp(`href="${pagePath}"`));
    const api = await getJson('/api/v1/intervenants?domaine=cybersecurite');
    assert.ok(api.body.intervenants.some((x) => x.nom === 'Camille Exemple (fictif)'));
    assert.ok(api.body.intervenants.every((x) => x.domaines.some((d) => d.code === 'cybersecurite')));
    for (const x of api.body.intervenants) assert.ok(!('email' in x) && !('status' in x) && !('courriel' in x), 'public fields only');
    const one = await getJson(`/api/v1/intervenants/${id}`);
    assert.equal(one.status, 200);
    const spec = (await getJson('/api/v1/openapi.json')).body;
    const schema = spec.components.schemas.Intervenant;
    assert.deepEqual(Object.keys(one.body).sort(), Object.keys(schema.properties).sort(), 'the OpenAPI description lists exactly the public fields');
    assert.ok(spec.paths['/api/v1/intervenants'] && spec.paths['/api/v1/intervenants/{identifiant}']);
    assert.match(one.body.lieux[0].url, new RegExp(`/lieux/${placeA}-`));
    const sitemap = await anon.get('/sitemap.xml');
    assert.match(sitemap.text, new RegExp(pagePath));
    for (const text of [list.text, page.text, place.text, JSON.stringify(api.body), JSON.stringify(one.body), sitemap.text])
      assert.ok(!text.includes(INTER) && !text.includes('camille.fictive'), 'no e-mail in public output');
  });

  await t.test('7. the contact relay mails the message and stores nothing of it', async () => {
    const before = readMails(mailDir).filter((x) => x.to === INTER).length;
    await anon.get(`/intervenants/${id}/contacter`);
    const sent = await anon.post(`/intervenants/${id}/contacter`, {
      name: 'Un lieu', email: 'lieu@example.fr', subject: 'Atelier en mars', message: 'Pourriez-vous animer un atelier le 12 mars ?',
    });
    assert.equal(sent.status, 200);
    assert.match(sent.text, /Votre message a été transmis/);
    const mails = readMails(mailDir).filter((x) => x.to === INTER);
    assert.equal(mails.length, before + 1);
    assert.match(mails.at(-1).body, /Pourriez-vous animer un atelier le 12 mars/);
    assert.match(mails.at(-1).body, /lieu@example\.fr/);
    const dump = execFileSync('sqlite3', [tmp.db, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    assert.ok(!dump.includes('12 mars'), 'the message is not stored');
    assert.ok(!dump.includes('lieu@example.fr'), 'the sender is not stored');
  });

  await t.test('8. deletion: gone from pages, API, search, sitemap; an anonymous audit line stays', async () => {
    await inter.get('/intervenants/moi');
    const del = await inter.post('/intervenants/moi/supprimer');
    assert.equal(del.status, 200);
    assert.match(del.text, /ont été supprimées/);
    assert.equal((await anon.get(pagePath)).status, 404);
    assert.doesNotMatch((await anon.get('/intervenants')).text, /Camille Exemple/);
    assert.doesNotMatch((await anon.get(placePath)).text, /Camille Exemple/);
    assert.ok(!(await getJson('/api/v1/intervenants')).body.intervenants.some((x) => x.identifiant === id));
    assert.equal((await getJson(`/api/v1/intervenants/${id}`)).status, 404);
    assert.ok(!(await anon.get('/sitemap.xml')).text.includes(pagePath));
    const dump = execFileSync('sqlite3', [tmp.db, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 30 });
    assert.ok(!dump.includes('Camille Exemple') && !dump.includes('camille.fictive'), 'no personal data left');
    assert.equal(sql("SELECT count(*) FROM audit_log WHERE event = 'intervenant_deleted'"), '1');
    const gone = await coord.get(`/admin/intervenants/${id}/historique`);
    assert.equal(gone.status, 200, 'the coordinator still sees the anonymous line');
    assert.match(gone.text, /a été supprimée le .* par la personne elle-même/);
    assert.doesNotMatch(gone.text, /Camille|camille/);
    assert.equal((await far.get(`/admin/intervenants/${id}/historique`)).status, 403, 'not another territory\'s');
  });
});

test('security: own entry only, no place editing, relay rate limit and header injection', async (t) => {
  const anon = new Browser(server.base), other = new Browser(server.base), coord = new Browser(server.base);
  let otherId;

  await t.test('an application through the public form reaches the same queue', async () => {
    await anon.get('/intervenants/candidater');
    const res = await anon.post('/intervenants/candidater', {
      name: 'Dominique Essai (fictif)', email: OTHER, kind: 'association', domains: ['logiciels-libres'], fees: 'devis', remote: '1',
    });
    assert.equal(res.status, 200);
    assert.match(res.text, /Ouvrez le lien/);
    otherId = Number(sql(`SELECT id FROM intervenant WHERE email = '${OTHER}'`));
    await confirmAndActivate(other, OTHER, 'une phrase de passe bien longue');
  });

  await t.test('an intervenant cannot edit a place nor validate; the edit form only touches their own entry', async () => {
    assert.equal((await other.get(`/admin/lieux/${placeA}`)).status, 403);
    const res = await other.post(`/admin/lieux/${placeA}/modifier`, { name: 'Piraté' });
    assert.ok([403, 404].includes(res.status), `status ${res.status}`);
    assert.equal((await other.post(`/admin/intervenants/${otherId}/valider`)).status, 403);
    const alix = Number(sql("SELECT id FROM intervenant WHERE email = 'alix.demo@example.org'"));
    assert.equal((await other.post(`/admin/intervenants/${alix}/supprimer`)).status, 403, 'cannot delete another entry');
    assert.equal(sql(`SELECT count(*) FROM intervenant WHERE id = ${alix}`), '1');
    await other.get('/intervenants/moi');
    const mine = await other.post('/intervenants/moi', { name: 'Dominique Essai (fictif)', kind: 'association', domains: ['logiciels-libres'], remote: '1', id: String(alix) });
    assert.equal(mine.status, 303);
    assert.equal(sql(`SELECT name FROM intervenant WHERE id = ${alix}`), 'Alix Démo (intervenante fictive)', 'the form edits only its owner\'s entry');
    assert.equal(sql(`SELECT status FROM intervenant WHERE id = ${otherId}`), 'confirmed');
  });

  await t.test('a remote-only entry validated by an administrator is found from anywhere', async () => {
    await coord.login(ADMIN, ADMIN_PW);
    await coord.get('/admin/intervenants');
    assert.equal((await coord.post(`/admin/intervenants/${otherId}/valider`)).status, 303);
    assert.match((await anon.get('/intervenants?commune=13055')).text, /Dominique Essai/);
  });

  await t.test('the relay refuses header injection and a missing CSRF token', async () => {
    await anon.get(`/intervenants/${otherId}/contacter`);
    const inj = await anon.post(`/intervenants/${otherId}/contacter`, {
      name: 'X\r\nBcc: victime@example.org', email: 'a@example.fr\r\nBcc: victime@example.org', subject: 'Salut\r\nBcc: victime@example.org', message: 'spam',
    });
    assert.equal(inj.status, 400);
    assert.match(inj.text, /id="e-email">/);
    assert.match(inj.text, /id="e-subject">/);
    assert.ok(!readMails(mailDir).some((m) => m.raw.includes('victime@example.org')));
    const nocsrf = await anon.post(`/intervenants/${otherId}/contacter`, { name: 'a', email: 'a@example.fr', subject: 's', message: 'm' }, { csrf: null });
    assert.equal(nocsrf.status, 403);
  });

  await t.test('the relay is rate-limited per client', async () => {
    const fields = { name: 'Quelqu\'un', email: 'q@example.fr', subject: 'Bonjour', message: 'Un message.' };
    // This client already wrote once in the journey: 4 more go through, the next is refused.
    const statuses = [];
    let last;
    for (let i = 0; i < 5; i++) {
      await anon.get(`/intervenants/${otherId}/contacter`);
      last = await anon.post(`/intervenants/${otherId}/contacter`, fields);
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
    assert.match(last.text, /réessayez dans une heure/);
    assert.equal(readMails(mailDir).filter((m) => m.to === OTHER && /Bonjour/.test(m.subject)).length, 4, 'the refused one is not sent');
  });
});

// Issue 17, second part: publics, languages and approvals; attaching to a
// place (the intervenant asks, the place's people confirm); who runs a
// workshop; the coordinators' history; « Où ? » with a département;
// pagination.
test('publics, languages, approvals; places and workshops; history; département; pages', async (t) => {
  const LOU = 'lou.fictif@example.fr', LOU_PW = 'lou anime des ateliers fictifs';
  const MANAGER2 = 'gestion.w@example.fr', MANAGER2_PW = 'un atelier par semaine au moins';
  const lou = new Browser(server.base), admin = new Browser(server.base), anon = new Browser(server.base);
  const manager2 = new Browser(server.base), manager = new Browser(server.base), coord = new Browser(server.base);
  // A workshop with upcoming sessions (W1, at place P1) and one of another place (W2).
  const [w1, p1, p1insee, p1dep] = sql("SELECT w.id, w.place_id, p.commune_insee, p.departement FROM workshop w JOIN place p ON p.id = w.place_id WHERE EXISTS (SELECT 1 FROM workshop_session s WHERE s.workshop_id = w.id AND s.starts_at > strftime('%s', 'now')) ORDER BY w.id LIMIT 1").split('|');
  const w2 = sql(`SELECT id FROM workshop WHERE place_id <> ${p1} ORDER BY id LIMIT 1`);
  const farDep = p1dep === '75' ? '13' : '75';
  cli(['user', 'add', MANAGER2, '--password-stdin', `manager:${p1}`], MANAGER2_PW + '\n');
  const P1COORD = 'coord.p1@example.fr', P1COORD_PW = 'la coordination du lieu un';
  cli(['user', 'add', P1COORD, '--password-stdin', `coordinator:departement:${p1dep}`], P1COORD_PW + '\n');
  let id;
  const loudFields = {
    name: 'Lou Essai (fictif)', kind: 'independant', domains: ['emi'], formats: ['atelier'], fees: 'payant',
    commune: p1insee, radius_km: '0', publics: ['seniors', 'allophones'], languages: ['fr', 'ar'], approvals: ['pix'],
    approvals_other: 'Habilitation fictive « Numérique en confiance »',
  };

  await t.test('1. the application takes publics, languages and approvals; a contact in the free text is refused and shown again', async () => {
    await anon.get('/intervenants/candidater');
    const bad = await anon.post('/intervenants/candidater', { ...loudFields, email: LOU, approvals_other: 'Pix, appelez le 06 12 34 56 78' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="e-approvals-other">« Autres agréments » : pas d&#39;adresse électronique ni de numéro/);
    assert.match(bad.text, /value="Pix, appelez le 06 12 34 56 78"/);
    assert.match(bad.text, /id="la-ar" name="languages" value="ar" checked/, 'the ticked boxes stay ticked');
    assert.match(bad.text, /id="pu-seniors" name="publics" value="seniors" checked/);
    const ok = await anon.post('/intervenants/candidater', { ...loudFields, email: LOU });
    assert.equal(ok.status, 200);
    id = Number(sql(`SELECT id FROM intervenant WHERE email = '${LOU}'`));
    assert.equal(sql(`SELECT publics || ';' || languages || ';' || approvals FROM intervenant WHERE id = ${id}`), 'seniors|allophones;fr|ar;pix');
    await confirmAndActivate(lou, LOU, LOU_PW);
    await admin.login(ADMIN, ADMIN_PW);
    await admin.get('/admin/intervenants');
    assert.equal((await admin.post(`/admin/intervenants/${id}/valider`)).status, 303);
  });

  await t.test('2. the coordinator of the territory edits the entry; another territory\'s cannot', async () => {
    const far = new Browser(server.base);
    cli(['user', 'add', 'loin.p1@example.fr', '--password-stdin', `coordinator:departement:${farDep}`], 'une coordination bien loin\n');
    await far.login('loin.p1@example.fr', 'une coordination bien loin');
    assert.equal((await far.get(`/admin/intervenants/${id}/modifier`)).status, 403);
    await far.get('/admin/intervenants');
    assert.equal((await far.post(`/admin/intervenants/${id}/modifier`, { ...loudFields, languages: ['wo'] })).status, 403);
    await coord.login(P1COORD, P1COORD_PW);
    const list = await coord.get('/admin/intervenants');
    assert.match(list.text, new RegExp(`href="/admin/intervenants/${id}/modifier"`), 'listed among the territory entries');
    const form = await coord.get(`/admin/intervenants/${id}/modifier`);
    assert.equal(form.status, 200);
    assert.match(form.text, /value="Habilitation fictive « Numérique en confiance »"/);
    const saved = await coord.post(`/admin/intervenants/${id}/modifier`, { ...loudFields, languages: ['fr', 'ar', 'lsf'] });
    assert.equal(saved.status, 303);
    assert.equal(sql(`SELECT languages FROM intervenant WHERE id = ${id}`), 'fr|lsf|ar');
  });

  await t.test('3. public page, API and filters show the new fields, never an address', async () => {
    const m = (await anon.get('/intervenants?langue=ar')).text.match(new RegExp(`href="(/intervenants/${id}-[a-z0-9-]+)"`));
    assert.ok(m, 'found by a language spoken');
    const page = await anon.get(m[1]);
    assert.match(page.text, /Langues parlées :<\/strong>.*Langue des signes française.*Arabe/);
    assert.match(page.text, /Publics :<\/strong>.*Seniors.*Personnes qui apprennent le français/);
    assert.match(page.text, /Agréments :<\/strong>.*Pix \(certification ou habilitation\).*Habilitation fictive « Numérique en confiance »/);
    assert.doesNotMatch((await anon.get('/intervenants?langue=wo')).text, /Lou Essai/);
    assert.match((await anon.get('/intervenants?public=seniors')).text, /Lou Essai/);
    assert.doesNotMatch((await anon.get('/intervenants?public=jeunes')).text, /Lou Essai/);
    assert.match((await anon.get('/intervenants')).text, /<option value="lsf">Langue des signes française \(1\)<\/option>/, 'the language filter counts');
    const one = await getJson(`/api/v1/intervenants/${id}`);
    assert.deepEqual(one.body.langues.map((x) => x.code), ['fr', 'lsf', 'ar']);
    assert.deepEqual(one.body.publics.map((x) => x.code), ['seniors', 'allophones']);
    assert.deepEqual(one.body.agrements, [{ code: 'pix', libelle: 'Pix (certification ou habilitation)' }]);
    assert.equal(one.body.autres_agrements, 'Habilitation fictive « Numérique en confiance »');
    const spec = (await getJson('/api/v1/openapi.json')).body;
    assert.deepEqual(Object.keys(one.body).sort(), Object.keys(spec.components.schemas.Intervenant.properties).sort());
    assert.ok(spec.paths['/api/v1/intervenants'].get.parameters.some((x) => x.name === 'langue'));
    const list = await getJson('/api/v1/intervenants?langue=lsf&public=allophones');
    assert.deepEqual(list.body.intervenants.map((x) => x.identifiant), [id]);
    for (const text of [page.text, JSON.stringify(one.body), JSON.stringify(list.body)])
      assert.ok(!text.includes(LOU) && !text.includes('lou.fictif'), 'no e-mail in public output');
  });

  await t.test('4. « Où ? » takes a département', async () => {
    const here = await anon.get(`/intervenants?ou=${p1dep}`);
    assert.equal(here.status, 200);
    assert.match(here.text, /Lou Essai/);
    assert.match(here.text, /intervenants? pour [^<]+\(/, 'the département is named');
    assert.doesNotMatch(here.text, /Précisez une commune/);
    assert.doesNotMatch((await anon.get(`/intervenants?ou=${farDep}`)).text, /Lou Essai/, 'not in another département');
    const api = await getJson(`/api/v1/intervenants?ou=${p1dep}`);
    assert.ok(api.body.intervenants.some((x) => x.identifiant === id));
  });

  await t.test('5. attaching to a place: the intervenant asks, the place\'s manager confirms; others cannot', async () => {
    await lou.get('/intervenants/moi');
    const bad = await lou.post('/intervenants/moi/lieux', { place: 'la médiathèque', action: 'demander' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="e-place-request">« Numéro du lieu »/);
    assert.match(bad.text, /value="la médiathèque"/);
    const none = await lou.post('/intervenants/moi/lieux', { place: '99999999', action: 'demander' });
    assert.equal(none.status, 400);
    assert.match(none.text, /id="e-place-request">« Numéro du lieu » : aucun lieu ne porte ce numéro/);
    assert.match(none.text, /value="99999999"/);
    const asked = await lou.post('/intervenants/moi/lieux', { place: p1, action: 'demander' });
    assert.equal(asked.status, 303);
    assert.match((await lou.get(asked.location)).text, /En attente de confirmation par le lieu/);
    assert.equal(sql(`SELECT count(*) FROM intervenant_place WHERE intervenant_id = ${id}`), '0', 'not attached before confirmation');
    await manager.login(MANAGER, MANAGER_PW);
    if (String(placeA) !== p1) {
      assert.doesNotMatch((await manager.get('/admin/intervenants')).text, /Lou Essai/, 'another place\'s manager does not see the request');
      assert.equal((await manager.post(`/admin/intervenants/${id}/lieux/${p1}/rattacher`)).status, 403);
    }
    await manager2.login(MANAGER2, MANAGER2_PW);
    assert.match((await manager2.get('/admin')).text, /href="\/admin\/intervenants"/, 'the dashboard links to the intervenants');
    const queue = await manager2.get('/admin/intervenants');
    assert.match(queue.text, /Confirmer pour Lou Essai/);
    assert.equal((await manager2.post(`/admin/intervenants/${id}/lieux/${p1}/rattacher`)).status, 303);
    assert.equal(sql(`SELECT count(*) FROM intervenant_place WHERE intervenant_id = ${id} AND place_id = ${p1}`), '1');
    assert.equal(sql(`SELECT count(*) FROM intervenant_place_request WHERE intervenant_id = ${id}`), '0');
    assert.match((await manager2.get('/admin/intervenants')).text, /Détacher Lou Essai \(fictif\) de /, 'the place\'s manager may detach it');
  });

  await t.test('6. who runs a workshop: the place\'s manager links a validated intervenant; not to another place\'s workshop', async () => {
    const form = await manager2.get(`/admin/ateliers/${w1}/intervenants`);
    assert.equal(form.status, 200);
    assert.match(form.text, new RegExp(`<option value="${id}">Lou Essai \\(fictif\\) \\(rattaché·e au lieu\\)</option>`));
    assert.equal((await manager2.post(`/admin/ateliers/${w2}/intervenants`, { intervenant: String(id), action: 'ajouter' })).status, 403, 'not another place\'s workshop');
    assert.equal((await manager2.get(`/admin/ateliers/${w2}/intervenants`)).status, 403);
    assert.equal(sql(`SELECT count(*) FROM intervenant_workshop WHERE intervenant_id = ${id}`), '0');
    await manager2.get(`/admin/ateliers/${w1}/intervenants`);
    const pending = Number(sql("SELECT id FROM intervenant WHERE status <> 'public' LIMIT 1") || 0);
    if (pending) {
      const refused = await manager2.post(`/admin/ateliers/${w1}/intervenants`, { intervenant: String(pending), action: 'ajouter' });
      assert.equal(refused.status, 400, 'only validated intervenants of the place or its area');
      assert.match(refused.text, /id="e-intervenant">« Intervenant »/);
    }
    const linked = await manager2.post(`/admin/ateliers/${w1}/intervenants`, { intervenant: String(id), action: 'ajouter' });
    assert.equal(linked.status, 303);
    const wpath = sql(`SELECT '/ateliers/' || id || '-' || slug FROM workshop WHERE id = ${w1}`);
    const wpage = await anon.get(wpath);
    assert.match(wpage.text, /Intervenant·es<\/dt><dd>.*<a href="\/intervenants\/\d+-lou-essai-fictif">Lou Essai \(fictif\)<\/a>/);
    const ipage = await anon.get(`/intervenants/${id}-lou-essai-fictif`);
    assert.match(ipage.text, new RegExp(`Prochains ateliers</h2>\\s*<ul><li><a href="${wpath}">`));
    assert.match((await manager2.get(`/admin/lieux/${p1}/ateliers/${w1}`)).text, new RegExp(`href="/admin/ateliers/${w1}/intervenants"`), 'the workshop editor links to it');
    // No address of the entry in any public output, nor on the manager's page.
    const outputs = [wpage.text, ipage.text, form.text, (await anon.get('/sitemap.xml')).text,
      (await anon.get(`/lieux/${p1}`, { follow: true })).text, (await anon.get('/intervenants?langue=ar')).text,
      JSON.stringify((await getJson('/api/v1/intervenants')).body), JSON.stringify((await getJson(`/api/v1/ateliers/${w1}`)).body)];
    for (const f of ['/donnees/lieux.csv', '/donnees/lieux.json', '/donnees/lieux.geojson'])
      outputs.push(await (await fetch(server.base + f)).text());
    for (const text of outputs) assert.ok(!text.includes(LOU) && !text.includes('lou.fictif'), 'no e-mail in public output');
  });

  await t.test('7. the history names who did what; detaching is immediate and recorded', async () => {
    if (String(placeA) !== p1) {
      await manager.get('/admin/intervenants');
      assert.equal((await manager.post(`/admin/intervenants/${id}/lieux/${p1}/detacher`)).status, 403, 'not another place\'s manager');
      assert.equal(sql(`SELECT count(*) FROM intervenant_place WHERE intervenant_id = ${id}`), '1');
    }
    // The place's manager detaches, the intervenant asks again and is attached again, then leaves.
    await manager2.get('/admin/intervenants');
    assert.equal((await manager2.post(`/admin/intervenants/${id}/lieux/${p1}/detacher`)).status, 303);
    assert.equal(sql(`SELECT count(*) FROM intervenant_place WHERE intervenant_id = ${id}`), '0');
    assert.equal((await manager2.post(`/admin/intervenants/${id}/lieux/${p1}/rattacher`)).status, 404, 'no attachment without the intervenant\'s request');
    assert.equal(sql(`SELECT count(*) FROM intervenant_place WHERE intervenant_id = ${id}`), '0');
    await lou.get('/intervenants/moi');
    assert.equal((await lou.post('/intervenants/moi/lieux', { place: p1, action: 'demander' })).status, 303);
    await manager2.get('/admin/intervenants');
    assert.equal((await manager2.post(`/admin/intervenants/${id}/lieux/${p1}/rattacher`)).status, 303);
    await lou.get('/intervenants/moi');
    assert.equal((await lou.post('/intervenants/moi/lieux', { place: p1, action: 'detacher' })).status, 303);
    assert.equal(sql(`SELECT count(*) FROM intervenant_place WHERE intervenant_id = ${id}`), '0');
    const h = await coord.get(`/admin/intervenants/${id}/historique`);
    assert.equal(h.status, 200);
    for (const line of [/Fiche créée/, /Confirmée par la personne/, /Validée par la coordination/, /Demande de rattachement à un lieu/, /Rattachée à un lieu/, /Anime un atelier/, /Détachée d&#39;un lieu/])
      assert.match(h.text, line);
    assert.match(h.text, new RegExp(`${P1COORD.replace('.', '\\.')}</td><td>Modifiée</td><td>langues</td>`), 'who edited which field');
    assert.match(h.text, new RegExp(`${MANAGER2.replace('.', '\\.')}</td><td>Anime un atelier</td>`));
    assert.match(h.text, /la personne elle-même<\/td><td>Détachée/);
    assert.equal((await manager2.get(`/admin/intervenants/${id}/historique`)).status, 403, 'coordinators only');
  });

  await t.test('8. /intervenants is paginated, the filters counting every result', async () => {
    const values = Array.from({ length: 25 }, (_, i) => `('public', 'page${i}@example.org', 'Page Essai ${String(i).padStart(2, '0')}', 'benevole', 'internet', 1)`).join(',');
    sql(`INSERT INTO intervenant (status, email, name, kind, domains, remote) VALUES ${values}`);
    try {
      const first = await anon.get('/intervenants?domaine=internet');
      const total = Number(sql("SELECT count(*) FROM intervenant WHERE status = 'public' AND '|' || domains || '|' LIKE '%|internet|%'"));
      assert.match(first.text, new RegExp(`${total} intervenants`));
      assert.match(first.text, /<option value="internet" selected>[^<]+\(\d+\)/);
      assert.equal((first.text.match(/<li><a href="\/intervenants\/\d+-/g) || []).length, 20);
      assert.match(first.text, /Page 1 sur 2/);
      const next = first.text.match(/href="([^"]+)" rel="next"/)[1].replace(/&amp;/g, '&');
      assert.match(next, /domaine=internet/);
      const second = await anon.get(next);
      assert.equal((second.text.match(/<li><a href="\/intervenants\/\d+-/g) || []).length, total - 20);
      assert.match(second.text, /Page 2 sur 2/);
      const names = (txt) => new Set([...txt.matchAll(/<li><a href="\/intervenants\/(\d+)-/g)].map((x) => x[1]));
      const a = names(first.text), b = names(second.text);
      assert.ok([...b].every((x) => !a.has(x)), 'no entry on both pages');
    } finally {
      sql("DELETE FROM intervenant WHERE email LIKE 'page%@example.org'");
    }
  });
});
