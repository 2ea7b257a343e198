// End-to-end, without JavaScript (plain HTTP, the way a browser without
// scripts uses the forms): the social worker's kit. Add three places,
// remove one, reorder, add a workshop, print with "Orienté par" and a note;
// those lines are on the sheet and nowhere else (server log, database
// file); the short link round-trips; bad selections give a clear 400; the
// commune carnet. Real daemon, demo catalogue (places + workshops).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { makeDb, startServer } = require('../lib/server');

let server;
let tmp;
let cookie = ''; // the browser's cookie jar, for our one cookie

const ORIENTE = 'CCAS de Chambéry-Zéphyrin-QW4417';
const NOTE = 'Apportez votre carte Vitale et le courrier KX-88231 de la CAF';

async function request(method, urlPath, { form, headers = {} } = {}) {
  const h = { ...headers };
  if (cookie) h.Cookie = cookie;
  let body;
  if (form) {
    h['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const res = await fetch(server.base + urlPath, { method, headers: h, body, redirect: 'manual' });
  const set = res.headers.get('set-cookie');
  if (set) {
    const m = set.match(/^repere_selection=([^;]*)/);
    if (m) cookie = m[1] ? `repere_selection=${m[1]}` : '';
  }
  return { status: res.status, headers: res.headers, text: await res.text(), setCookie: set };
}
const get = (p, o) => request('GET', p, o);
const post = (p, form, o = {}) => request('POST', p, { ...o, form });

// Follow one 303 like a browser.
async function follow(res) {
  assert.equal(res.status, 303, res.text);
  return get(res.headers.get('location'));
}

const decode = (s) => s.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
// Names of the selection page, in order.
const selectionNames = (html) => [...html.matchAll(/<p><a href="\/(?:lieux|ateliers)\/[^"]+"><strong>([^<]*)<\/strong><\/a>/g)].map((m) => decode(m[1]));
// Names on the printed sheet, in order.
const sheetNames = (html) => [...html.matchAll(/<h2><span class="sheet-n">\d+\.<\/span> ([^<]*)<\/h2>/g)].map((m) => decode(m[1]));
const selectionCode = (html) => html.match(/name="s" value="([^"]*)"/)[1];

let places; // [{ id, name }] from a search result page
let workshop; // { id, title }

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('every result, place page and workshop page offers "Ajouter à ma sélection"', async () => {
  const res = await get('/lieux?ou=26000');
  assert.equal(res.status, 200);
  const cards = [...res.text.matchAll(/<h3><a href="\/lieux\/(\d+)-[^"]*">([^<]*)<\/a><\/h3>[\s\S]*?name="lieu" value="(\d+)"/g)];
  assert.ok(cards.length >= 3, 'at least three results with the button');
  for (const c of cards) assert.equal(c[1], c[3], 'the button adds its own place');
  places = cards.slice(0, 3).map((c) => ({ id: Number(c[1]), name: decode(c[2]) }));
  const page = await get(`/lieux/${places[0].id}`);
  const placePage = page.status === 301 ? await get(page.headers.get('location')) : page;
  assert.match(placePage.text, new RegExp(`name="lieu" value="${places[0].id}"[^>]*><button[^>]*>Ajouter à ma sélection`));
  const agenda = await get('/ateliers');
  const m = agenda.text.match(/<a href="\/ateliers\/(\d+)-[^"]*">([^<]+)<\/a>/);
  assert.ok(m, 'a workshop in the agenda');
  workshop = { id: Number(m[1]), title: decode(m[2]) };
  const wpage = await get(`/ateliers/${m[1]}`);
  const wp = wpage.status === 301 ? await get(wpage.headers.get('location')) : wpage;
  assert.match(wp.text, new RegExp(`name="atelier" value="${workshop.id}"`));
});

test('add three places, remove one, reorder, add a workshop, print: the right places in the chosen order', async () => {
  cookie = '';
  // 1. add three places from the results (the button posts lieu=ID)
  let res;
  for (const p of places) {
    res = await post('/selection/ajouter', { lieu: String(p.id) }, { headers: { Referer: server.base + '/lieux?ou=26000' } });
    assert.equal(res.status, 303);
    assert.match(res.setCookie, /^repere_selection=1(-[pw][0-9a-z]+)+; Path=\/; SameSite=Lax; HttpOnly$/);
  }
  const loc = res.headers.get('location');
  assert.match(loc, /^\/selection\?s=1(-p[0-9a-z]+){3}&ajoute=p[0-9a-z]+&retour=%2Flieux%3Fou%3D26000$/);
  let page = await follow(res);
  assert.equal(page.status, 200);
  assert.match(page.text, /a été ajouté à votre sélection/);
  assert.match(page.text, /href="\/lieux\?ou=26000">← Continuer la recherche/);
  assert.deepEqual(selectionNames(page.text), places.map((p) => p.name));
  assert.match(page.text, /Ma sélection \(3\)/, 'header link with the count');
  // adding the same place again changes nothing
  res = await post('/selection/ajouter', { lieu: String(places[0].id) });
  page = await follow(res);
  assert.deepEqual(selectionNames(page.text), places.map((p) => p.name));

  // 2. remove the second (the form posts s, element and retirer)
  const code = selectionCode(page.text);
  const second = [...page.text.matchAll(/name="element" value="([^"]+)"/g)][1][1];
  res = await post('/selection/modifier', { s: code, element: second, retirer: '1' });
  page = await follow(res);
  assert.deepEqual(selectionNames(page.text), [places[0].name, places[2].name]);
  assert.match(page.text, /Ma sélection \(2\)/);

  // 3. reorder: move the last one up (vers = its new position)
  const code2 = selectionCode(page.text);
  const last = [...page.text.matchAll(/name="element" value="([^"]+)"/g)][1][1];
  const up = page.text.match(/name="vers" value="(\d+)"[^>]*>Monter/)[1];
  res = await post('/selection/modifier', { s: code2, element: last, vers: up });
  page = await follow(res);
  assert.deepEqual(selectionNames(page.text), [places[2].name, places[0].name]);
  // the same submission again (reload): the same order
  res = await post('/selection/modifier', { s: selectionCode(page.text), element: last, vers: up });
  page = await follow(res);
  assert.deepEqual(selectionNames(page.text), [places[2].name, places[0].name]);

  // 4. a workshop (from its page: atelier=ID)
  res = await post('/selection/ajouter', { atelier: String(workshop.id) });
  page = await follow(res);
  assert.deepEqual(selectionNames(page.text), [places[2].name, places[0].name, workshop.title]);
  assert.match(page.text, /2 lieux et 1 atelier/);

  // 5. print, with the lines typed just before printing
  const finalCode = selectionCode(page.text);
  assert.match(cookie, new RegExp(`^repere_selection=${finalCode}$`), 'the cookie holds only the ids');
  const form = page.text.match(/<form method="post" action="\/selection\/imprimer"[\s\S]*?<\/form>/)[0];
  assert.match(form, /name="oriente"/);
  assert.match(form, /name="note"/);
  const sheet = await post('/selection/imprimer', { s: finalCode, oriente: ORIENTE, note: NOTE, gros: '1' });
  assert.equal(sheet.status, 200);
  assert.equal(sheet.headers.get('cache-control'), 'no-store');
  assert.deepEqual(sheetNames(sheet.text), [places[2].name, places[0].name, `Atelier : ${workshop.title}`]);
  assert.match(sheet.text, new RegExp(`Orienté par : <strong>${ORIENTE}</strong>`));
  assert.ok(sheet.text.includes(NOTE.replace(/'/g, '&#39;')));
  assert.match(sheet.text, /<body class="sheet large">/);
  assert.match(sheet.text, /Imprimé le \d+(er)? [a-zéû]+ \d{4} à \d+ h \d\d/);
  assert.match(sheet.text, /Horaires des 7 prochains jours|Horaires à confirmer par téléphone/);
  assert.match(sheet.text, /Prochaines séances/);
  assert.match(sheet.text, /Informations (vérifiées|mises à jour) le /);
  const svgs = sheet.text.match(/<svg [^>]*class="qr"[\s\S]*?<\/svg>/g) || [];
  assert.equal(svgs.length, 3, 'one QR code per item');
  for (const svg of svgs) {
    assert.doesNotMatch(svg, /lieux|ateliers|127\.0\.0\.1|<text/, 'no data text in the SVG');
    assert.match(svg, /viewBox="0 0 (\d+) \1"/);
  }
  assert.match(sheet.text, new RegExp(`127\\.0\\.0\\.1:${server.port}/lieux/${places[2].id}-`));

  // 6. the typed lines are nowhere else: server log (every request line so
  //    far, including the POST), database file and its journal
  await get('/robots.txt'); // let the log of the print request be written
  await new Promise((r) => setTimeout(r, 100));
  const log = server.logText();
  assert.match(log, /"POST \/selection\/imprimer HTTP\/1\.1" 200/);
  for (const secret of [ORIENTE, NOTE, 'Zéphyrin', 'Zephyrin', 'Z%C3%A9phyrin', 'QW4417', 'KX-88231']) {
    assert.ok(!log.includes(secret), `"${secret}" is not in the log`);
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      const f = tmp.db + suffix;
      if (!fs.existsSync(f)) continue;
      const bytes = fs.readFileSync(f);
      assert.ok(!bytes.includes(Buffer.from(secret, 'utf8')), `"${secret}" is not in ${f}`);
    }
  }
  for (const f of fs.readdirSync(tmp.dir)) {
    const bytes = fs.readFileSync(`${tmp.dir}/${f}`);
    assert.ok(!bytes.includes(Buffer.from(ORIENTE, 'utf8')), `not in ${f}`);
  }
  // nor in the cookie
  assert.ok(!cookie.includes('CCAS'));
});

test('GET links never carry the typed lines: the GET sheet ignores them', async () => {
  const code = '1-p' + places[0].id.toString(36);
  const res = await get(`/selection/imprimer?s=${code}&oriente=Fuite&note=Secret`);
  assert.equal(res.status, 200);
  assert.ok(!res.text.includes('Fuite') && !res.text.includes('Secret'));
  assert.match(res.text, new RegExp(`href="/selection/imprimer\\?s=${code}&amp;gros=1">Gros caractères`));
  // and the selection page links to printing only with the ids
  const page = await get(`/selection?s=${code}`);
  const hrefs = [...page.text.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
  for (const h of hrefs) assert.doesNotMatch(h, /oriente|note=/);
});

test('the short link round-trips to the same selection; mailto: and sms: carry it', async () => {
  cookie = '';
  const code = ['1', 'p' + places[1].id.toString(36), 'w' + workshop.id.toString(36), 'p' + places[0].id.toString(36)].join('-');
  const page = await get(`/selection?s=${code}`);
  assert.equal(page.status, 200);
  const short = decode(page.text.match(/<a class="short-link" href="([^"]+)">([^<]+)<\/a>/)[2]);
  assert.equal(short, `${server.base}/s/${code}`);
  const res = await get(new URL(short).pathname);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/selection?s=${code}`);
  const back = await follow(res);
  assert.deepEqual(selectionNames(back.text), selectionNames(page.text));
  assert.equal(selectionCode(back.text), code);

  const sms = decode(page.text.match(/href="(sms:[^"]+)"/)[1]);
  assert.match(sms, /^sms:\?&body=/);
  const smsText = decodeURIComponent(sms.slice('sms:?&body='.length));
  assert.ok(smsText.includes(short), 'the SMS holds the short link');
  assert.ok(smsText.startsWith(places[1].name), 'then the first place: name…');
  assert.match(smsText, /, \d{5} .+, tél\. 0\d( \d\d){4}\. /, '…address and phone');
  const mailto = decode(page.text.match(/href="(mailto:[^"]+)"/)[1]);
  const body = decodeURIComponent(mailto.match(/body=([^&]*)/)[1]);
  assert.ok(body.includes(short));
  assert.ok(body.includes(places[0].name) && body.includes(workshop.title));
  assert.doesNotMatch(mailto, /\+/, 'spaces as %20 in mailto:');
  // viewing a shared link does not replace the viewer's own selection
  assert.equal(cookie, '');
});

test('malformed or huge selections get a clear 400, never a 500', async () => {
  const bad = ['garbage', '2-p1', '1-p', '1-x1', '1-p01', '1--p1', '1-p1-', '1-P1', '1-p1%20', '1-p1;x'];
  for (const s of bad) {
    const res = await get(`/selection?s=${s}`);
    assert.equal(res.status, 400, s);
    assert.match(res.text, /Ce lien de sélection est abîmé/);
    const short = await get(`/s/${s}`);
    assert.equal(short.status, 400, `/s/${s}`);
  }
  const many = '1' + Array.from({ length: 25 }, (_, i) => `-p${(i + 1).toString(36)}`).join('');
  let res = await get(`/selection?s=${many}`);
  assert.equal(res.status, 400);
  assert.match(res.text, /au plus 20 lieux et ateliers/);
  res = await get(`/s/${many}`);
  assert.equal(res.status, 400);
  const huge = '1' + '-pzzzzzzzz'.repeat(150);
  res = await get(`/selection?s=${huge}`);
  assert.ok(res.status === 400 || res.status === 414, `huge: ${res.status}`);
  res = await post('/selection/imprimer', { s: huge });
  assert.equal(res.status, 400);
  res = await post('/selection/modifier', { s: 'nonsense', element: 'p1', retirer: '1' });
  assert.equal(res.status, 400);
  res = await post('/selection/modifier', { s: '1-p1', element: 'p1', vers: '-3' });
  assert.equal(res.status, 400);
  res = await post('/selection/ajouter', { lieu: '99999999' });
  assert.equal(res.status, 404);
  res = await post('/selection/ajouter', { lieu: 'abc' });
  assert.equal(res.status, 400);
  // a damaged cookie is ignored, not an error
  cookie = 'repere_selection=%%%';
  res = await get('/selection');
  assert.equal(res.status, 200);
  assert.match(res.text, /Votre sélection est vide/);
  cookie = '';
  assert.doesNotMatch(server.logText(), /" 500 /);
});

test('a full selection (20) refuses a 21st item and says so', async () => {
  cookie = 'repere_selection=1' + Array.from({ length: 20 }, (_, i) => `-w${(1000 + i).toString(36)}`).join('');
  const res = await post('/selection/ajouter', { lieu: String(places[0].id) });
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /&plein=/);
  const page = await follow(res);
  assert.match(page.text, /Votre sélection est pleine : elle compte au plus 20/);
  cookie = '';
});

test('the commune carnet: places within the distance, closest first, QR codes, large print', async () => {
  // several communes of similar size are called Saint-Denis: the page offers them
  const homonyms = await get('/territoire/saint-denis/imprimer?rayon=20');
  assert.equal(homonyms.status, 200);
  assert.match(homonyms.text, /<h1>Quelle commune \?<\/h1>/);
  assert.match(homonyms.text, /href="\/territoire\/93066\/imprimer\?rayon=20">Saint-Denis<\/a> \(Seine-Saint-Denis, 93\)/);
  // Valence (26) is far bigger than the other Valence: its carnet at once (issue 20)
  assert.match((await get('/territoire/valence/imprimer?rayon=20')).text, /<h1>Valence \(26\) : \d+ lieux? à moins de 20 km<\/h1>/);
  const res = await get('/territoire/valence-26/imprimer');
  assert.equal(res.status, 200);
  assert.match(res.text, /<h1>Valence \(26\) : \d+ lieux? à moins de 10 km<\/h1>/);
  const d = [...res.text.matchAll(/<span class="carnet-distance">À ([0-9]+(?:,[0-9])?) (km|m)<\/span>/g)]
    .map((m) => parseFloat(m[1].replace(',', '.')) * (m[2] === 'm' ? 0.001 : 1));
  assert.ok(d.length >= 2);
  for (let i = 1; i < d.length; i++) assert.ok(d[i] >= d[i - 1], `sorted: ${d}`);
  assert.ok(d.every((x) => x <= 10));
  assert.equal((res.text.match(/<svg [^>]*class="qr"/g) || []).length, d.length);
  assert.match(res.text, /Prochains ateliers/, "the demo workshops of Valence's places");
  const byInsee = await get('/territoire/26362/imprimer');
  assert.equal(byInsee.status, 200);
  assert.equal(byInsee.text.match(/<h1>[^<]*<\/h1>/)[0], res.text.match(/<h1>[^<]*<\/h1>/)[0]);
  const near = await get('/territoire/26362/imprimer?rayon=2&gros=1');
  assert.match(near.text, /<body class="sheet carnet large">/);
  assert.ok((near.text.match(/carnet-distance/g) || []).length <= d.length);
  assert.equal((await get('/territoire/26362/imprimer?rayon=0')).status, 400);
  assert.equal((await get('/territoire/26362/imprimer?rayon=500')).status, 400);
  assert.equal((await get('/territoire/26362/imprimer?rayon=dix')).status, 400);
  assert.equal((await get('/territoire/99999/imprimer')).status, 404);
  assert.equal((await get('/territoire/pas-une-commune-du-tout/imprimer')).status, 404);
});
