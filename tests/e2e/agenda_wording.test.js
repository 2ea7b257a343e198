// The agenda says what it means: "Dans les 7 jours" counts the sessions of
// the next 7 days (also on a Sunday evening), seats are "1 place restante" /
// "N places restantes", never "place(s) restante(s)"; filters fold under
// « Filtrer » unless one is chosen.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const ICAL = require('ical.js');
const { makeDb, startServer } = require('../lib/server');

let server;
let tmp;

test.before(async () => {
  tmp = makeDb({ demo: true });
  server = await startServer({ db: tmp.db });
});

test.after(async () => {
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp.dir, { recursive: true, force: true });
});

const get = async (u) => (await fetch(server.base + u)).text();
const parisDay = (date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(date);

test('« Dans les 7 jours » counts every session from today to today + 6', async () => {
  const ics = await get('/ateliers.ics');
  const comp = new ICAL.Component(ICAL.parse(ics));
  const last = parisDay(new Date(Date.now() + 6 * 86400000));
  const now = new Date();
  const expected = comp.getAllSubcomponents('vevent')
    .map((e) => e.getFirstPropertyValue('dtend').toJSDate())
    .filter((end) => end > now && parisDay(end) <= last).length;
  assert.ok(expected > 0, 'the demo has sessions in the next 7 days');
  const html = await get('/ateliers');
  const m = html.match(/value="semaine"[^>]*> Dans les 7 jours \((\d+)\)/);
  assert.ok(m, 'the filter is named after what it does');
  assert.equal(Number(m[1]), expected);
  assert.doesNotMatch(html, /Cette semaine/);
});

test('seats left in words, singular or plural', async () => {
  const pages = [await get('/ateliers')];
  for (const m of pages[0].matchAll(/href="(\/ateliers\/\d+-[^"]+)"/g)) pages.push(await get(m[1]));
  const all = pages.join('\n');
  assert.doesNotMatch(all, /\(s\)/);
  assert.match(all, /\b(1 place restante|[2-9]\d* places restantes)\b/);
  assert.doesNotMatch(all, /\b1 places\b|\b([2-9]|\d\d+) place restante\b/);
});

test('the agenda folds its filters under « Filtrer », open once one is chosen', async () => {
  assert.match(await get('/ateliers'), /<details class="agenda-filters">\s*<summary>Filtrer \(/);
  assert.match(await get('/ateliers?gratuit=1'), /<details class="agenda-filters" open>/);
});
