// End-to-end: workshops (ateliers). The real daemon on a temporary database
// holding the shared AURA places, the demo workshops (imported through
// `repere import`, dates relative to today) and a workshop with hostile text
// in every field. Checked over HTTP: the agenda near Valence grouped by day,
// a cancelled session, "complet", filters and their counts, past sessions
// never listed, the iCalendar feeds parsed with ical.js (an independent
// parser), the Atom feeds, escaping everywhere.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const ICAL = require('ical.js');
const { ROOT, DATA_ROOT, BIN, AURA, makeDb, startServer, repere } = require('../lib/server');

let server;
let tmp;

const HOSTILE = '<script>alert("x")</script> & \'q\'; a,b \\ fin';
const REASON = 'Salle fermée; travaux, <b>désolé</b>';

// "YYYY-MM-DD" of today + n days on the Paris wall clock.
function parisDay(n) {
  const d = new Date(Date.now() + n * 86400000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(d);
}

// Hour and minute of a Date on the Paris wall clock, "14:00".
function parisTime(date) {
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(date);
}

async function get(urlPath) {
  const res = await fetch(server.base + urlPath, { redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// Events of an iCalendar text, through ical.js.
function events(text) {
  const comp = new ICAL.Component(ICAL.parse(text));
  return comp.getAllSubcomponents('vevent').map((e) => ({
    uid: e.getFirstPropertyValue('uid'),
    summary: e.getFirstPropertyValue('summary'),
    description: e.getFirstPropertyValue('description'),
    location: e.getFirstPropertyValue('location'),
    url: e.getFirstPropertyValue('url'),
    status: e.getFirstPropertyValue('status'),
    start: e.getFirstPropertyValue('dtstart'),
    end: e.getFirstPropertyValue('dtend'),
    stamp: e.getFirstPropertyValue('dtstamp'),
  }));
}

// The number in "N séances à venir" (0 when "0 séance").
function resultCount(html) {
  const m = html.match(/<p class="result-count" role="status">(\d+) séances? à venir/);
  assert.ok(m, 'no result count');
  return Number(m[1]);
}

// The workshop page path of a title listed on a page.
function workshopPath(html, title) {
  const re = new RegExp(`<a href="(/ateliers/\\d+-[a-z0-9-]+)">${title}</a>`);
  const m = html.match(re);
  assert.ok(m, `no link to ${title}`);
  return m[1];
}

test.before(async () => {
  tmp = makeDb({ importFiles: [AURA] });
  repere(tmp.db, ['import', path.join(ROOT, 'data', 'demo', 'ateliers-demo.json')]);
  const hostile = {
    source: 'tests',
    ateliers: [
      {
        id: 'hostile-1',
        lieu: { source: 'Hinaura', id: '1109' },
        titre: HOSTILE,
        resume: 'Résumé ' + HOSTILE,
        description: 'Texte **gras** [clic](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n' + HOSTILE,
        themes: ['Utilisation sécurisée du numérique'],
        mots_cles: ['<i>mot</i>'],
        niveau: 'avancé',
        publics: ['Allophones'],
        a_apporter: HOSTILE,
        tarif: 'payant',
        montant: 2.5,
        inscription: 'courriel',
        // A quote cannot reach the page any more (core/validate.c refuses it): an apostrophe can.
        contact_inscription: "x'onmouseover='alert&1@example.org",
        animateur: HOSTILE,
        partenaire: HOSTILE,
        accessibilite: HOSTILE,
        hors_les_murs: { nom: HOSTILE, adresse: '1 rue <b>du</b> Test; bât. A, 2e', code_postal: '26000', commune: 'Valence' },
        seances: [
          { debut: 'J+1 18:30', fin: '20:00' },
          { debut: 'J+2 18:30', fin: '20:00', annulee: true, motif: REASON },
          { debut: 'J-3 18:30', fin: '20:00' },
        ],
      },
      {
        id: 'past-only',
        lieu: { source: 'Hinaura', id: '1109' },
        titre: 'Atelier déjà passé',
        seances: [{ debut: 'J-5 10:00', fin: '12:00' }],
      },
    ],
  };
  const f = path.join(tmp.dir, 'ateliers-hostiles.json');
  fs.writeFileSync(f, JSON.stringify(hostile));
  repere(tmp.db, ['import', f]);
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  await server.stop();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

test('repere import recognises a workshops file and imports every demo workshop', () => {
  const again = require('node:child_process').spawnSync(
    BIN,
    ['import', path.join(ROOT, 'data', 'demo', 'ateliers-demo.json'), '--db', tmp.db],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT } },
  );
  assert.equal(again.status, 0);
  // Re-import is keyed on source + id: everything is updated in place, nothing new.
  assert.match(again.stderr, /imported 0, updated 12, unchanged 0, rejected 0/);
});

test('a record with faults is rejected with French messages naming the fields', () => {
  const bad = { ateliers: [{ id: 'b', lieu: { source: 'Hinaura', id: '1109' }, titre: 'B', niveau: 'expert',
    inscription: 'lien', contact_inscription: 'javascript:alert(1)', seances: [{ debut: 'demain' }] }] };
  const f = path.join(tmp.dir, 'bad.json');
  fs.writeFileSync(f, JSON.stringify(bad));
  const r = require('node:child_process').spawnSync(BIN, ['import', f, '--db', tmp.db],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPERE_ROOT: DATA_ROOT } });
  assert.equal(r.status, 0);
  assert.match(r.stderr, /rejected 1/);
  assert.match(r.stderr, /niveau: niveau inconnu/);
  assert.match(r.stderr, /contact_inscription: lien en http:\/\/ ou https:\/\/ attendu/);
  assert.match(r.stderr, /seances\[1\]\.debut: date et heure illisibles/);
});

test('/ateliers?ou=Valence (26) lists the coming sessions near Valence, by day', async () => {
  const { status, text } = await get('/ateliers?ou=Valence%20(26)');
  assert.equal(status, 200);
  assert.match(text, /<h1>Ateliers numériques près de Valence \(26\)<\/h1>/);
  assert.match(text, /<label for="ou">Où \?<\/label>/);
  assert.ok(resultCount(text) > 10);
  // Day headings, in chronological order, each with its sessions.
  const days = [...text.matchAll(/<h2 id="jour-(\d{4}-\d{2}-\d{2})">/g)].map((m) => m[1]);
  assert.ok(days.length >= 5, 'several days');
  assert.deepEqual([...days].sort(), days);
  assert.equal(new Set(days).size, days.length);
  assert.ok(days[0] >= parisDay(0));
  assert.match(text, /Prendre en main sa tablette/);
  assert.match(text, /Net@l&#39;emploi/);
  assert.match(text, /Café numérique/); // Bourg-lès-Valence, 3 km away
  assert.match(text, /Hors les murs : Salle des fêtes \(lieu fictif\), Bourg-lès-Valence/);
  assert.doesNotMatch(text, /Contrôle parental/); // Grenoble
  assert.doesNotMatch(text, /Mon Espace Santé/); // Aurillac
  // Times on the wall clock.
  assert.match(text, /<time datetime="\d{4}-\d{2}-\d{2}T14:00">de 14\u00a0h à 16\u00a0h<\/time>/);
  // Feeds keep the search.
  assert.match(text, /href="\/ateliers\.ics\?ou=Valence%20%2826%29"/);
  assert.match(text, /href="\/ateliers\.atom\?ou=Valence%20%2826%29"/);
});

test('past sessions are never listed', async () => {
  const { text } = await get('/ateliers?ou=Valence%20(26)&date=' + parisDay(-3));
  assert.equal(resultCount(text), 0);
  const all = await get('/ateliers?ou=26000&rayon=100');
  assert.doesNotMatch(all.text, /Atelier déjà passé/);
  const dates = [...all.text.matchAll(/<time datetime="(\d{4}-\d{2}-\d{2})T/g)].map((m) => m[1]);
  assert.ok(dates.every((d) => d >= parisDay(0)));
});

test('a cancelled session stays visible with its reason', async () => {
  const { text } = await get('/ateliers?ou=Valence%20(26)&date=' + parisDay(10));
  assert.match(text, /Net@l&#39;emploi/);
  assert.match(text, /session-cancelled/);
  assert.match(text, /<strong class="badge badge-cancelled">Annulée<\/strong>/);
  assert.match(text, /Séance annulée<\/strong> : Animatrice en formation ce jour-là/);
  const page = await get(workshopPath(text, 'Net@l&#39;emploi'));
  assert.match(page.text, /Annulée<\/strong> : Animatrice en formation/);
});

test('a full workshop shows "complet" in the agenda and on its page', async () => {
  const { text } = await get('/ateliers?ou=Valence%20(26)&date=' + parisDay(6));
  assert.match(text, /Se protéger des arnaques en ligne<\/a><\/h3>/);
  assert.match(text, /<strong class="badge badge-full">Complet<\/strong>/);
  const page = await get(workshopPath(text, 'Se protéger des arnaques en ligne'));
  assert.equal(page.status, 200);
  assert.match(page.text, /<strong>Complet<\/strong> : il n'y a plus de place/);
});

test('the workshop page: registration at a glance, sessions, place, Markdown, hors les murs', async () => {
  const { text } = await get('/ateliers?ou=Valence%20(26)&rayon=30');
  const page = await get(workshopPath(text, 'Prendre en main sa tablette'));
  assert.equal(page.status, 200);
  assert.match(page.text, /<h1 id="workshop-title">Prendre en main sa tablette<\/h1>/);
  assert.match(page.text, /Inscription par téléphone :<\/p><p class="phone-big"><a href="tel:\+33465711009">04 65 71 10 09<\/a>/);
  assert.match(page.text, /4 séances à venir/);
  assert.match(page.text, /<strong>4 séances de 2 h<\/strong>/); // Markdown rendered on import
  assert.match(page.text, /Organisé par <a href="\/lieux\/\d+-mediatheque-de-fontbarlettes">Médiathèque de Fontbarlettes<\/a>/);
  assert.match(page.text, /Pass numérique accepté/);
  assert.match(page.text, /8 par séance/);
  assert.match(page.text, /— 3 places restantes<\/li>/); // per session (issue 20)
  const elsewhere = await get(workshopPath(text, 'Prendre en main son smartphone'));
  assert.match(elsewhere.text, /<strong>Hors les murs<\/strong>/);
  assert.match(elsewhere.text, /Place de la Mairie<br>26500 Bourg-lès-Valence/);
  // The slug is canonical.
  const wrong = await get(workshopPath(text, 'Prendre en main sa tablette').replace(/-[a-z0-9-]+$/, '-autre'));
  assert.equal(wrong.status, 301);
  assert.equal((await get('/ateliers/999999-rien')).status, 404);
});

test('the place page lists its next sessions with a link to all of them', async () => {
  const { text } = await get('/ateliers?ou=Valence%20(26)&theme=' + encodeURIComponent('Aide aux démarches administratives'));
  const placePath = text.match(/<a href="(\/lieux\/\d+-mjc-chateauvert)">/)[1];
  const place = await get(placePath);
  assert.equal(place.status, 200);
  assert.match(place.text, /<h2 id="h-workshops">Prochains ateliers<\/h2>/);
  const items = place.text.slice(place.text.indexOf('h-workshops')).split('</ul>')[0].match(/<li class="session/g);
  assert.equal(items.length, 5);
  assert.match(place.text, /— <strong>complet<\/strong>/);
  const id = placePath.match(/\/lieux\/(\d+)/)[1];
  assert.match(place.text, new RegExp(`href="/ateliers\\?lieu=${id}">Tous les ateliers de ce lieu`));
  const all = await get(`/ateliers?lieu=${id}`);
  assert.match(all.text, /<h1>Ateliers — MJC Chateauvert<\/h1>/);
  assert.ok(resultCount(all.text) > 5);
});

test('filters: every count announced is the number of sessions the filter gives', async () => {
  const base = '/ateliers?ou=Valence%20(26)&rayon=30';
  const { text } = await get(base);
  const total = resultCount(text);
  const options = [];
  for (const param of ['theme', 'niveau', 'public']) {
    const select = text.slice(text.indexOf(`<select id="${param}"`)).split('</select>')[0];
    for (const m of select.matchAll(/<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)<\/option>/g)) options.push([param, m[1], Number(m[2])]);
  }
  for (const param of ['moment', 'quand']) {
    const re = new RegExp(`<input type="radio" name="${param}" value="([^"]+)"[^>]*> [^<]*\\((\\d+)\\)</label>`, 'g');
    for (const m of text.matchAll(re)) options.push([param, m[1], Number(m[2])]);
  }
  assert.ok(options.length > 20);
  let checked = 0;
  for (const [param, rawValue, count] of options) {
    const value = rawValue.replace(/&#39;/g, "'");
    const r = await get(`${base}&${param}=${encodeURIComponent(value)}`);
    assert.equal(r.status, 200, `${param}=${value}`);
    assert.equal(resultCount(r.text), count, `${param}=${value}`);
    assert.ok(count <= total);
    checked++;
  }
  assert.ok(checked > 15);
  // Free and pass: checkboxes.
  const free = Number(text.match(/name="gratuit" value="1"> Gratuit \((\d+)\)/)[1]);
  assert.equal(resultCount((await get(base + '&gratuit=1')).text), free);
  const pass = Number(text.match(/name="pass" value="1"> Pass numérique accepté \((\d+)\)/)[1]);
  assert.equal(resultCount((await get(base + '&pass=1')).text), pass);
  // A filter combined with another: counts follow.
  const both = await get(base + '&niveau=' + encodeURIComponent('débutant') + '&moment=matin');
  const bothCount = resultCount(both.text);
  const matinLabel = both.text.match(/value="matin" checked> Le matin \((\d+)\)/);
  assert.ok(matinLabel);
  assert.equal(Number(matinLabel[1]), bothCount);
  // Invalid values are refused with a message.
  const bad = await get('/ateliers?niveau=expert');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /Ce niveau n&#39;existe pas/);
  // Pagination: 30 per page.
  const wide = await get('/ateliers?ou=26&rayon=100');
  if (resultCount(wide.text) > 30) {
    assert.equal((wide.text.match(/<li class="card session/g) || []).length, 30);
    assert.match(wide.text, /Page 1 sur \d+/);
  }
});

test('an unknown "Où ?" says so', async () => {
  const { status, text } = await get('/ateliers?ou=Zzyzxville');
  assert.equal(status, 200);
  assert.match(text, /Nous ne trouvons pas « Zzyzxville »/); // as /lieux says it
});

test('the agenda as iCalendar parses, in UTC, at the right local times, with stable UIDs', async () => {
  const res = await fetch(server.base + '/ateliers.ics?ou=Valence%20(26)');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/calendar; charset=utf-8/);
  const text = await res.text();
  for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `line too long: ${line}`);
  assert.ok(!/[^\r]\n/.test(text), 'CRLF line ends only');
  const evs = events(text);
  assert.ok(evs.length > 10);
  const html = await get('/ateliers?ou=Valence%20(26)&rayon=15');
  assert.equal(evs.length, resultCount(html.text));
  for (const e of evs) {
    assert.match(e.uid, /^atelier-\d+-\d{8}T\d{6}Z@repere$/);
    assert.equal(e.start.zone.tzid, 'UTC');
    assert.ok(e.stamp);
    assert.ok(e.location);
    assert.match(e.url, /^http:\/\/127\.0\.0\.1:\d+\/ateliers\/\d+-/);
    assert.ok(e.start.toJSDate() >= new Date(Date.now() - 60000));
  }
  assert.equal(new Set(evs.map((e) => e.uid)).size, evs.length);
  const tablet = evs.filter((e) => e.summary === 'Prendre en main sa tablette');
  assert.equal(tablet.length, 4);
  for (const e of tablet) {
    assert.equal(parisTime(e.start.toJSDate()), '14:00');
    assert.equal(parisTime(e.end.toJSDate()), '16:00');
    assert.match(e.location, /^Médiathèque de Fontbarlettes, Place Camille Saint-Saëns, 26000 Valence$/);
  }
  const cancelled = evs.filter((e) => e.status === 'CANCELLED');
  assert.ok(cancelled.some((e) => e.summary === "Net@l'emploi" && /Animatrice en formation/.test(e.description)));
  // Same UIDs on a second fetch.
  const again = events(await (await fetch(server.base + '/ateliers.ics?ou=Valence%20(26)')).text());
  assert.deepEqual(again.map((e) => e.uid), evs.map((e) => e.uid));
});

test("a workshop's and a place's calendars parse", async () => {
  const { text } = await get('/ateliers?ou=Valence%20(26)');
  const p = workshopPath(text, 'Net@l&#39;emploi');
  const page = await get(p);
  assert.match(page.text, new RegExp(`href="${p}\\.ics"`));
  const evs = events((await get(p + '.ics')).text);
  // COUNT=12 weekly from J+3, J+17 excepted (not shown), J+10 cancelled (shown as cancelled).
  assert.equal(evs.length, 11);
  assert.equal(evs.filter((e) => e.status === 'CANCELLED').length, 1);
  assert.ok(evs.every((e) => parisTime(e.start.toJSDate()) === '14:00'));
});

test('hostile text in every field is escaped in HTML, iCalendar and Atom', async () => {
  const { text } = await get('/ateliers?ou=Valence%20(26)&date=' + parisDay(1));
  assert.doesNotMatch(text, /<script>alert/);
  assert.match(text, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;q&#39;; a,b \\ fin/);
  const p = text.match(/<a href="(\/ateliers\/\d+-script-alert-x-script-q-a-b-fin)">/);
  assert.ok(p, 'hostile workshop listed');
  const page = await get(p[1]);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /<script>alert|<img src=x|javascript:|onerror=|<b>du<\/b>|<i>mot<\/i>|"onmouseover|'onmouseover/);
  assert.match(page.text, /<strong>gras<\/strong>/);
  assert.match(page.text, /1 rue &lt;b&gt;du&lt;\/b&gt; Test; bât\. A, 2e/);
  assert.match(page.text, /2,50 €/);
  assert.match(page.text, /Annulée<\/strong> : Salle fermée; travaux, &lt;b&gt;désolé&lt;\/b&gt;/);
  const evs = events((await get(p[1] + '.ics')).text);
  const live = evs.filter((e) => e.status !== 'CANCELLED' && e.start.toJSDate() > new Date());
  assert.equal(live[0].summary, HOSTILE); // exact round trip through TEXT escaping
  assert.match(live[0].location, /^<script>alert\("x"\)<\/script> & 'q'; a,b \\ fin, 1 rue <b>du<\/b> Test; bât\. A, 2e, 26000 Valence$/);
  assert.ok(live[0].description.startsWith('Résumé ' + HOSTILE + '\n\n'));
  const cancelled = evs.find((e) => e.status === 'CANCELLED');
  assert.ok(cancelled.description.startsWith('Séance annulée : ' + REASON + '.\n\n'));
  // The past session of this workshop is in its calendar (last month), never in the agenda.
  assert.equal(evs.length, 3);
  const atom = await get('/ateliers.atom?ou=Valence%20(26)');
  assert.equal(atom.status, 200);
  assert.match(atom.headers.get('content-type'), /^application\/atom\+xml/);
  assert.doesNotMatch(atom.text, /<script>/);
  assert.match(atom.text, /<title>&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; &#39;q&#39;; a,b \\ fin<\/title>/);
  assert.equal((atom.text.match(/<entry>/g) || []).length, (atom.text.match(/<\/entry>/g) || []).length);
});

test("a place's Atom feed lists its workshops, newest first", async () => {
  const { text } = await get('/ateliers?ou=Valence%20(26)&date=' + parisDay(1));
  const placeId = text.match(/<a href="\/lieux\/(\d+)-mediatheque-de-fontbarlettes">/)[1];
  const atom = await get(`/lieux/${placeId}/ateliers.atom`);
  assert.equal(atom.status, 200);
  const titles = [...atom.text.matchAll(/<entry>\n<title>([^<]*)<\/title>/g)].map((m) => m[1]);
  assert.ok(titles.includes('Prendre en main sa tablette'));
  assert.equal(titles[0], 'Atelier déjà passé'); // imported last
  const ics = await get(`/lieux/${placeId}/ateliers.ics`);
  assert.ok(events(ics.text).length >= 6);
  assert.equal((await get('/lieux/999999/ateliers.ics')).status, 404);
});
