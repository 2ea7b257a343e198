// End-to-end: the "Done when" journey of the admin area, as a new user
// would try it. An administrator created with the command line invites a
// manager; the manager chooses a password, changes the hours of their place
// with the grid, sees them on the public page, clicks "Rien n'a changé"; a
// second manager cannot touch that place; a resident's report reaches the
// first manager.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { BIN, ROOT, makeDb, startServer } = require('../lib/server');
const { FAKE_SENDMAIL, readMails, linkFor, Browser } = require('../lib/fake-sendmail');

let tmp, server, mailDir, placeA, placeB;
const ADMIN = 'admin@example.fr', ADMIN_PW = 'un cheval correct et une agrafe';
const MANAGER = 'gestion.a@example.fr', MANAGER_PW = 'la médiathèque ouvre le mardi';
const OTHER = 'gestion.b@example.fr', OTHER_PW = 'un autre lieu, une autre phrase';

function cli(args, input) {
  return execFileSync(BIN, [...args, '--db', tmp.db, '--sendmail', `${FAKE_SENDMAIL} ${mailDir}`], {
    cwd: ROOT, encoding: 'utf8', input, env: { ...process.env, REPERE_ROOT: ROOT },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

async function placeIds() {
  const res = await fetch(server.base + '/lieux');
  const ids = [...(await res.text()).matchAll(/href="\/lieux\/(\d+)-[a-z0-9-]+"/g)].map((m) => Number(m[1]));
  return [...new Set(ids)];
}

test.before(async () => {
  tmp = makeDb({ demo: true });
  mailDir = path.join(tmp.dir, 'mail');
  server = await startServer({ db: tmp.db, args: ['--sendmail', `${FAKE_SENDMAIL} ${mailDir}`] });
  [placeA, placeB] = await placeIds();
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('the journey: CLI admin → invitation → password → hours grid → public page → verified → isolation → report', async (t) => {
  const admin = new Browser(server.base);
  const manager = new Browser(server.base);
  const other = new Browser(server.base);

  await t.test('1. an administrator is created with the command line', () => {
    const out = cli(['user', 'add', ADMIN, '--password-stdin', 'admin'], ADMIN_PW + '\n');
    assert.match(out, /done/);
    assert.match(cli(['user', 'list']), new RegExp(`${ADMIN}.*admin`));
  });

  await t.test('2. the administrator signs in and invites a manager for place A', async () => {
    const res = await admin.login(ADMIN, ADMIN_PW);
    assert.equal(res.status, 303);
    assert.equal(res.location, '/admin');
    const dash = await admin.get('/admin');
    assert.equal(dash.status, 200);
    assert.match(dash.text, /Inviter une personne à gérer un lieu/);
    const inv = await admin.post('/admin/inviter', { email: MANAGER, name: 'Camille', place: String(placeA) });
    assert.equal(inv.status, 303);
    const mail = readMails(mailDir).find((m) => m.to === MANAGER);
    assert.ok(mail, 'the invitation was mailed');
    assert.equal(mail.subject, 'Votre accès à Repère');
    assert.match(mail.body, /valable 7 jours/);
  });

  await t.test('3. the manager follows the link and chooses a password', async () => {
    const link = linkFor(mailDir, MANAGER, '/compte/activer?t=');
    assert.ok(link);
    const page = await manager.get(link.pathname + link.search);
    assert.equal(page.status, 200);
    assert.match(page.text, /Bienvenue sur Repère/);
    assert.match(page.text, new RegExp(MANAGER));
    const weak = await manager.post('/compte/activer', { t: link.searchParams.get('t'), password: 'motdepasse123', password2: 'motdepasse123' });
    assert.equal(weak.status, 400);
    assert.match(weak.text, /trop courant/);
    assert.match(weak.text, /aria-describedby="password-hint password-error"/);
    const ok = await manager.post('/compte/activer', { t: link.searchParams.get('t'), password: MANAGER_PW, password2: MANAGER_PW });
    assert.equal(ok.status, 303);
    assert.equal(ok.location, '/admin');
    const dash = await manager.get('/admin');
    assert.match(dash.text, new RegExp(`href="/admin/lieux/${placeA}"`));
  });

  await t.test('4. the manager changes the hours with the weekly grid', async () => {
    const editor = await manager.get(`/admin/lieux/${placeA}`);
    assert.equal(editor.status, 200);
    assert.match(editor.text, /<legend>Lundi<\/legend>/);
    assert.match(editor.text, /<label for="f-h_Mo_1_from">Plage 1, de<\/label>/);
    const grid = {
      h_Mo_1_from: '09:00', h_Mo_1_to: '12:00', h_Mo_2_from: '14:00', h_Mo_2_to: '17:30',
      h_Tu_1_from: '09:00', h_Tu_1_to: '12:00', h_Tu_2_from: '14:00', h_Tu_2_to: '17:30',
      h_We_1_from: '10:00', h_We_1_to: '12:00', h_Sa_1_from: '9h30', h_Sa_1_to: '12:00', ph_off: '1',
    };
    // A mistake first: the form comes back with what was typed and a message next to the range.
    const bad = await manager.post(`/admin/lieux/${placeA}/horaires`, { ...grid, h_Th_1_from: '15:00', h_Th_1_to: '11:00' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="e-h_Th_1">Jeudi, plage 1 : L&#39;heure de fermeture doit suivre/);
    assert.match(bad.text, /name="h_Th_1_from" value="15:00" aria-invalid="true" aria-describedby="e-h_Th_1"/);
    assert.match(bad.text, /name="h_Mo_2_to" value="17:30"/);
    const res = await manager.post(`/admin/lieux/${placeA}/horaires`, grid);
    assert.equal(res.status, 303);
  });

  await t.test('5. the new hours are on the public page at once', async () => {
    const res = await fetch(`${server.base}/lieux/${placeA}`, { redirect: 'follow' });
    const text = await res.text();
    assert.match(text, /Mo,Tu 09:00-12:00,14:00-17:30; We 10:00-12:00; Sa 09:30-12:00; PH off/);
    assert.match(text, /Signaler une erreur/);
    assert.match(text, /Vous gérez ce lieu \?/);
  });

  await t.test('6. "Rien n\'a changé" records the verification date', async () => {
    await manager.get(`/admin/lieux/${placeA}`);
    const res = await manager.post(`/admin/lieux/${placeA}/verifie`);
    assert.equal(res.status, 303);
    const pub = await (await fetch(`${server.base}/lieux/${placeA}`, { redirect: 'follow' })).text();
    assert.match(pub, /informations vérifiées le \d+/);
    const history = await manager.get(`/admin/lieux/${placeA}/historique`);
    assert.match(history.text, /Horaires/);
    assert.match(history.text, /Camille/);
  });

  await t.test('7. a second manager cannot touch that place', async () => {
    const out = cli(['user', 'invite', OTHER, `manager:${placeB}`]);
    const link = new URL(out.match(/https?:\/\/\S+/)[0]);
    await other.get(link.pathname + link.search);
    const set = await other.post('/compte/activer', { t: link.searchParams.get('t'), password: OTHER_PW, password2: OTHER_PW });
    assert.equal(set.status, 303);
    assert.equal((await other.get(`/admin/lieux/${placeB}`)).status, 200);
    const before = await (await fetch(`${server.base}/lieux/${placeA}`, { redirect: 'follow' })).text();
    assert.equal((await other.get(`/admin/lieux/${placeA}`)).status, 403);
    const res = await other.post(`/admin/lieux/${placeA}/horaires`, { h_Mo_1_from: '08:00', h_Mo_1_to: '09:00' });
    assert.equal(res.status, 403);
    const after = await (await fetch(`${server.base}/lieux/${placeA}`, { redirect: 'follow' })).text();
    assert.equal(after, before);
  });

  await t.test('8. a resident\'s error report reaches the manager', async () => {
    const resident = new Browser(server.base);
    const form = await resident.get(`/lieux/${placeA}/signaler`);
    assert.equal(form.status, 200);
    assert.match(form.text, /<legend>Qu'est-ce qui est faux \?<\/legend>/);
    const res = await resident.post(`/lieux/${placeA}/signaler`, { kinds: ['horaires', 'telephone'], message: 'Le numéro ne répond plus depuis un mois.' });
    assert.equal(res.status, 200);
    assert.match(res.text, /Merci/);
    const mail = readMails(mailDir).filter((m) => m.to === MANAGER).pop();
    assert.match(mail.subject, /Erreur signalée/);
    assert.match(mail.body, /Le numéro ne répond plus/);
    const dash = await manager.get('/admin');
    assert.match(dash.text, /Le numéro ne répond plus depuis un mois\./);
    assert.match(dash.text, /Horaires Téléphone/);
    // The other manager does not see it.
    assert.doesNotMatch((await other.get('/admin')).text, /Le numéro ne répond plus/);
    // Marked handled, it leaves the inbox.
    const id = dash.text.match(/\/admin\/signalements\/(\d+)\/traite/)[1];
    assert.equal((await other.post(`/admin/signalements/${id}/traite`, {}, { csrf: other.lastCsrf })).status, 403);
    assert.equal((await manager.post(`/admin/signalements/${id}/traite`)).status, 303);
    assert.doesNotMatch((await manager.get('/admin')).text, /Le numéro ne répond plus/);
  });
});

test('claims: "Vous gérez ce lieu ?" reaches the administrator, who accepts (invitation) or refuses with a reason', async () => {
  const admin = new Browser(server.base);
  await admin.login(ADMIN, ADMIN_PW);
  const claimant = new Browser(server.base);
  await claimant.get(`/lieux/${placeB}/gerer`);
  const sent = await claimant.post(`/lieux/${placeB}/gerer`, { name: 'Dominique', role: 'Conseillère numérique', email: 'dominique@example.fr', message: 'Je tiens la permanence.' });
  assert.equal(sent.status, 200);
  assert.match(sent.text, /Votre demande a été transmise/);
  const dash = await admin.get('/admin');
  assert.match(dash.text, /<strong>Dominique<\/strong> \(Conseillère numérique\)/);
  const id = dash.text.match(/\/admin\/demandes\/(\d+)\/accepter/)[1];
  const acc = await admin.post(`/admin/demandes/${id}/accepter`);
  assert.equal(acc.status, 303);
  assert.ok(linkFor(mailDir, 'dominique@example.fr', '/compte/activer?t='), 'invitation mailed to the claimant');

  await claimant.get(`/lieux/${placeA}/gerer`);
  await claimant.post(`/lieux/${placeA}/gerer`, { name: 'Intrus', email: 'intrus@example.fr' });
  const dash2 = await admin.get('/admin');
  const id2 = dash2.text.match(/\/admin\/demandes\/(\d+)\/refuser/)[1];
  assert.equal((await admin.post(`/admin/demandes/${id2}/refuser`, { reason: '' })).status, 400);
  assert.equal((await admin.post(`/admin/demandes/${id2}/refuser`, { reason: 'Nous ne connaissons pas cette personne.' })).status, 303);
  const mail = readMails(mailDir).filter((m) => m.to === 'intrus@example.fr').pop();
  assert.match(mail.body, /Nous ne connaissons pas cette personne\./);
});

test('coordinator dashboard: freshness buckets; create a place; close it (gone from search, page says closed)', async () => {
  const admin = new Browser(server.base);
  await admin.login(ADMIN, ADMIN_PW);
  const dash = await admin.get('/admin');
  assert.match(dash.text, /Vérifiées depuis moins de 6 mois<\/dt><dd>\d+/);
  assert.match(dash.text, /Plus de 12 mois<\/dt><dd>\d+/);
  await admin.get('/admin/lieux/nouveau');
  const bad = await admin.post('/admin/lieux/nouveau', { name: 'Espace test', address: '1 place de la Mairie', postal_code: '7300', commune: 'Chambéry' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /value="Espace test"/);
  assert.match(bad.text, /id="e-postal_code">Le code postal a cinq chiffres/);
  const ok = await admin.post('/admin/lieux/nouveau', { name: 'Espace test Repère', address: '1 place de la Mairie', postal_code: '73000', commune: 'Chambéry' });
  assert.equal(ok.status, 303);
  const id = ok.location.match(/\/admin\/lieux\/(\d+)/)[1];
  const search = async () => (await (await fetch(`${server.base}/lieux?q=${encodeURIComponent('Espace test Repère')}`)).text());
  await admin.get(`/admin/lieux/${id}`);
  assert.equal((await admin.post(`/admin/lieux/${id}/fermer`)).status, 303);
  const pub = await (await fetch(`${server.base}/lieux/${id}`, { redirect: 'follow' })).text();
  assert.match(pub, /Ce lieu a fermé/);
  assert.doesNotMatch(await search(), new RegExp(`/lieux/${id}-`));
});

test('repere remind mails managers of listings not verified for 6 months, once per stage', () => {
  // Only place B is stale (the others would be reminded at their public address).
  execFileSync('sqlite3', [tmp.db, `UPDATE place SET verified_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id <> ${placeB};
    UPDATE place SET verified_at = NULL, date_maj = date('now', '-200 days') WHERE id = ${placeB}`]);
  const out = cli(['remind', '--origin', 'https://repere.example.fr']);
  assert.match(out, new RegExp(`place ${placeB} .*not confirmed for 6 months`));
  const mail = readMails(mailDir).filter((m) => m.to === OTHER).pop();
  assert.match(mail.body, /https:\/\/repere\.example\.fr\/verifier\?lieu=\d+&exp=\d+&sig=[0-9a-f]{64}/);
  assert.match(cli(['remind', '--origin', 'https://repere.example.fr']), /0 reminder\(s\) due/);
});

test('declared forms: every wrong field has its message at once, and what was typed is kept', async () => {
  const anon = new Browser(server.base);
  await anon.get(`/lieux/${placeA}/gerer`);
  const claim = await anon.post(`/lieux/${placeA}/gerer`, { name: '', role: 'r'.repeat(201), email: 'camille@exemple..fr', message: 'Je tiens la permanence du mardi.' });
  assert.equal(claim.status, 400);
  assert.match(claim.text, /id="e-name">Indiquez votre nom\.</);
  assert.match(claim.text, /id="e-role">« Votre rôle dans ce lieu » : trop long, 200 caractères au plus\.</);
  assert.match(claim.text, /id="e-email">« Adresse électronique » : [^<]+\.</);
  assert.match(claim.text, /value="camille@exemple\.\.fr"/);
  assert.match(claim.text, />Je tiens la permanence du mardi\.<\/textarea>/);

  await anon.get(`/lieux/${placeA}/signaler`);
  const report = await anon.post(`/lieux/${placeA}/signaler`, { kinds: ['horaires'], message: '  Fermé le lundi.  ', contact: 'pas une adresse' });
  assert.equal(report.status, 400);
  assert.match(report.text, /id="e-contact">« Votre adresse électronique » : [^<]+\.</);
  assert.match(report.text, />Fermé le lundi\.<\/textarea>/);
  assert.match(report.text, /value="pas une adresse"/);
  assert.match(report.text, /id="k-horaires" name="kinds" value="horaires" checked/);

  const admin = new Browser(server.base);
  await admin.login(ADMIN, ADMIN_PW);
  await admin.get('/admin');
  const invite = await admin.post('/admin/inviter', { email: 'pas-une-adresse', name: 'Camille', place: '' });
  assert.equal(invite.status, 400);
  assert.match(invite.text, /id="e-inv-email">« Adresse électronique » : [^<]+\.</);
  assert.match(invite.text, /id="e-inv-place">Indiquez le numéro du lieu\.</);
  assert.match(invite.text, /id="inv-name" name="name" value="Camille"/);

  await admin.get('/admin/lieux/nouveau');
  const place = await admin.post('/admin/lieux/nouveau', { name: 'Espace test', address: '', postal_code: '7300', commune: '' });
  assert.equal(place.status, 400);
  assert.match(place.text, /id="e-address">Ce champ est obligatoire\.</);
  assert.match(place.text, /id="e-postal_code">Le code postal a cinq chiffres/);
  assert.match(place.text, /id="e-commune">Ce champ est obligatoire\.</);
  assert.match(place.text, /value="Espace test"/);

  await anon.get('/compte/oubli');
  const forgot = await anon.post('/compte/oubli', { email: '' });
  assert.equal(forgot.status, 400);
  assert.match(forgot.text, /id="email-error">Indiquez votre adresse électronique\.</);
});

test('a claim whose message holds a line with only "." reaches the administrator whole (sendmail -i)', async () => {
  const claimant = new Browser(server.base);
  await claimant.get(`/lieux/${placeA}/gerer`);
  const message = 'Première ligne.\n.\nLigne après le point : elle doit arriver.';
  const sent = await claimant.post(`/lieux/${placeA}/gerer`, { name: 'Camille Point', role: '', email: 'camille.point@example.fr', message });
  assert.equal(sent.status, 200);
  const mail = readMails(mailDir).find((m) => m.body.includes('Camille Point'));
  assert.ok(mail, 'the claim is mailed');
  assert.match(mail.body, /Ligne après le point : elle doit arriver\./);
});
