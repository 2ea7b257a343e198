#!/usr/bin/env node
/*
 * hours-oracle.js — compare our opening-hours engine with the reference
 * evaluator, the npm package opening_hours (the one the national map uses).
 *
 *   node tests/oracle/hours-oracle.js BINARY [ARGS...]
 *   e.g. node tests/oracle/hours-oracle.js build/repere hours
 *
 * For every distinct `horaires` value of ../shared/data/*.json (relative to
 * the repository root; override with HOURS_DATA_DIR), the extra expressions
 * below and every value of opening_hours.js's own test suite that it accepts
 * (tests/oracle/data/), and for each week of WEEKS (EXTRA_WEEKS,
 * SUITE_WEEKS), it asks one process
 *   BINARY ARGS... --batch --departement 69 --tz Europe/Paris
 * (lines "MONDAY EXPR" on stdin) and compares the printed intervals (lines
 * after the first) with the ones opening_hours.js computes for the same
 * week, in the same format. It also
 * feeds our canonical form (the first line) back to opening_hours.js, which
 * must accept it and agree, and our binary must read it back unchanged: that
 * checks hours_normalise(). Malformed
 * variants that opening_hours.js rejects ("9h-12h") are checked through the
 * canonical form only.
 *
 * Prints "N passed, N failed" and exits non-zero on any failure. The known
 * divergences of opening_hours.js (docs/hours.md) lie outside what is
 * compared here (overseas holidays, times inside the skipped DST hour), so
 * nothing is excluded.
 */
'use strict';

process.env.TZ = 'Europe/Paris'; // before any Date is built: opening_hours.js works in local time

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..', '..');
const OpeningHours = require(path.join(root, 'node_modules', 'opening_hours'));

// Mondays: an ordinary week, Ascension (Thu 14 May), Christmas; the extra expressions
// also get both daylight-saving changes of 2026 (29 March, 25 October).
const WEEKS = ['2026-01-12', '2026-05-11', '2026-12-21'];
// Plus a month's first days and Easter Monday's week (Easter 2026 is 5 April).
const EXTRA_WEEKS = [...WEEKS, '2026-03-23', '2026-10-19', '2026-06-01', '2026-04-06'];

// Hand-picked expressions exercising what the real data does not.
const EXTRA = [
    'Mo-Th 09:00-12:00,13:30-18:00; Tu 13:30-18:00',
    'Mo-Fr 09:00-17:00; PH off',
    'Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; Su,PH off',
    '20:00-02:00',
    'Mo 20:00-02:00; Tu 10:00-12:00',
    'Tu 10:00-12:00; Mo 20:00-02:00',
    'Mo-Fr 22:00-26:00',
    'Fr 19:00-11:00',
    '24/7',
    '24/7; Dec 24-Dec 26 off',
    'Mo-Sa 09:00-19:00; Dec 24-Dec 26 off',
    'Mo-Fr 09:00-18:00; 2026 Aug 01-Aug 20 off',
    'Mo-Fr 09:00-18:00; Aug 01-20 off',
    'Mo-Fr 10:00-12:00; Dec 24-Jan 02 off',
    'Jan-Jun Mo-Fr 09:00-12:00; Jul-Dec Mo-Fr 14:00-17:00',
    'Mo-Fr 09:00-17:00 || "sur rendez-vous"',
    'Mo-Fr 09:00-17:00; PH off || "sur rendez-vous"',
    'Mo-Fr 09:00-12:00 "sur rendez-vous"',
    'Mo-Fr 09:00-12:00 open "accueil libre"',
    'Mo-Fr 09:00-12:00, We 14:00-16:00',
    'Mo-Fr 09:00-17:00; We 12:00-14:00 off',
    'Mo-Fr 09:00-17:00, We off',
    'week 01-53/2 Mo 10:00-12:00; week 02-52/2 Tu 10:00-12:00',
    'week 52 Mo-Fr 08:00-10:00',
    'Mo 10:00-12:00; 14:00-16:00',
    '10:00-12:00; 14:00-16:00',
    'Sa,PH 10:00-12:00',
    'Fr-Mo 10:00-11:00',
    '2026 Mo-Fr 10:00-11:00; 2027 Mo-Fr 11:00-12:00',
    'Mo-Fr 08:00-12:00; Tu 14:00-18:00 unknown',
    'lu-ve 9h-12h, 14h30-18h',
    'lundi-vendredi 9h00–12h00; samedi 9h-12h',
    'Mo–Fr 9:00-12:00 ; sa 10:00-12:00',
    // nth weekday of the month, with and without a day offset
    'We[1] 10:00-12:00',
    'We[2] 10:00-12:00',
    'We[4,5] 14:00-16:00',
    'Sa[-1] 09:00-12:00',
    'Su[-1] -1 day 10:00-12:00',
    'Mo[1] +2 days 10:00-12:00',
    'Mo,We[1-3],Fr 09:00-12:00',
    'Mo-Fr 09:00-17:00; We[2,-1] off',
    'Th[-2] 18:00-02:00',
    // open end
    'Mo 17:00+',
    'Fr 17:00-late',
    'Sa 23:00+; Su 10:00-12:00',
    'Mo-Fr 10:00-12:00+',
    'Mo 14:00+ "sur rendez-vous"',
    'Tu 23:59-40:00+',
    'Mo 22:00-02:00+',
    'Mo-Fr 18:00+; We 19:00-20:00',
    'Mo-Fr 09:00-17:00; Fr 18:00+ || "appeler avant"',
    // Easter-relative days
    'Mo-Fr 09:00-17:00; easter +1 day off',
    'Mo-Fr 09:00-17:00; easter -2 days,easter +1 day,easter +39 days off',
    'easter +3 days 10:00-12:00',
    'Mo-Su 10:00-18:00; PH off; easter +2 days 14:00-16:00',
    'Dec 24,easter +4 days 08:00-09:00',
    // hand-typed forms opening_hours.js reads with a warning, and French ones it does not
    'Mo-Fr 10-12',
    'Mo-Fr 10.00-12.00',
    'Mo-Fr 10:00am-12:30pm',
    'Montags 07:00-18:00',
    'Mo-Fr 09:00-12:00,',
    'Mo-Fr 10:00-12:00 and 14:00-16:00',
    'du lundi au vendredi de 9h30 à 12h et de 14h à 17h',
    'Lun-Ven 9h-12h / 14h-17h; samedi 10h-12h',
    // school holidays (Auvergne-Rhône-Alpes, zone A: Noël from 20 December 2026, printemps from 5 April)
    'Mo-Fr 09:00-17:00; SH off',
    'Mo-Fr 09:00-12:00; PH,SH off',
    'SH 10:00-12:00',
    'Mo-Fr 14:00-18:00; SH 09:00-18:00',
    // a day then the selectors' colon
    'Dec 24: 10:00-12:00; Dec 21-23: 09:00-11:00',
];

// opening_hours.js's own test suite (tests/oracle/data/, with its source):
// Repère may refuse some (counted, reported by reason), never answer
// differently. An ordinary week, both DST changes, Holy Week (2025: in 2026
// it follows the spring DST change, and opening_hours.js then moves a Sunday
// night span past midnight onto Monday 00:00-01:00, a known divergence),
// Easter Monday, May Day, Ascension, Christmas.
const SUITE_WEEKS = ['2026-01-12', '2026-03-23', '2025-04-14', '2026-04-06', '2026-04-27',
    '2026-05-11', '2026-10-19', '2026-12-21'];
function suiteExpressions() {
    return fs.readFileSync(path.join(__dirname, 'data', 'opening-hours-test-suite.txt'), 'utf8')
        .split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

function dataExpressions() {
    const dir = process.env.HOURS_DATA_DIR || path.resolve(root, '..', 'shared', 'data');
    const seen = new Set();
    for (const file of ['lieux-aura-2022.json', 'lieux-exemples-schema.json']) {
        for (const place of JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))) {
            if (typeof place.horaires === 'string' && place.horaires.trim() !== '') seen.add(place.horaires);
        }
    }
    return [...seen].sort();
}

const pad = (n) => String(n).padStart(2, '0');
const localDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localClock = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

// Same format as `repere hours`: one line per local day an interval touches.
function formatIntervals(intervals) {
    const lines = [];
    for (const [from, to, unknown] of intervals) {
        let start = from;
        while (start < to) {
            const midnight = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1);
            const stop = to < midnight ? to : midnight;
            const end = stop.getTime() === midnight.getTime() ? '24:00' : localClock(stop);
            lines.push(`${localDate(start)}T${localClock(start)}/${end}${unknown ? ' unknown' : ''}`);
            start = stop;
        }
    }
    return lines;
}

// opening_hours.js reads the position only from strings (numbers leave it at 06:00 for sunrise).
const NOMINATIM = { lat: '45.76', lon: '4.84', address: { country_code: 'fr', state: 'Auvergne-Rhône-Alpes' } };
const LYON = { name: 'Lyon', lat: '45.76', lon: '4.84', tz: 'Europe/Paris' };

// Sunrise, sunset, dawn and dusk at other positions (in their own time zones, with
// the holidays of the Rhône as above): every suite value that names the Sun, and these.
const SUN_POSITIONS = [
    { name: 'Paris', lat: '48.8566', lon: '2.3522', tz: 'Europe/Paris' },
    { name: 'Lille', lat: '50.6292', lon: '3.0573', tz: 'Europe/Paris' },
    { name: 'Dunkerque', lat: '51.0343', lon: '2.3768', tz: 'Europe/Paris' },
    { name: 'Marseille', lat: '43.2965', lon: '5.3698', tz: 'Europe/Paris' },
    { name: 'Brest', lat: '48.3904', lon: '-4.4861', tz: 'Europe/Paris' },
    { name: 'Saint-Denis (La Réunion)', lat: '-20.8789', lon: '55.4481', tz: 'Indian/Reunion' },
    { name: 'Cayenne (Guyane)', lat: '4.9372', lon: '-52.326', tz: 'America/Cayenne' },
    { name: 'Saint-Pierre (Saint-Pierre-et-Miquelon)', lat: '46.7811', lon: '-56.1764', tz: 'America/Miquelon' },
];
const SUN_EXTRA = [
    'Mo-Fr sunrise-sunset',
    '10:00-sunset',
    'sunrise-12:00',
    '(sunrise-01:00)-12:00',
    'Sa (dawn+00:30)-(dusk-00:30)',
    '(sunrise+01:00)+',
    'Mo-Su 09:00-sunset; Su off',
    'sunrise-sunset "par beau temps"',
    'Mo-Fr dawn-12:00,14:00-dusk; PH off',
    'Mo-Fr 08:00-sunset; We sunrise-12:00',
];

// opening_hours.js splits an interval where only its comment changes ("Fr 18:00+ || \"…\""
// gives 00:00-18:00 and 18:00-24:00, both unknown); the state is what we compare, so
// adjacent intervals of the same kind are merged, as hours_intervals() does.
function mergeSameKind(intervals) {
    const out = [];
    for (const [from, to, unknown] of intervals) {
        const last = out[out.length - 1];
        if (last && last[1].getTime() === from.getTime() && last[2] === unknown) last[1] = to;
        else out.push([from, to, unknown]);
    }
    return out;
}

function reference(expr, monday, position = LYON) {
    const [y, m, d] = monday.split('-').map(Number);
    process.env.TZ = position.tz; // Node reads it again at each change
    const oh = new OpeningHours(expr, { ...NOMINATIM, lat: position.lat, lon: position.lon }, { mode: 0 });
    return formatIntervals(mergeSameKind(oh.getOpenIntervals(new Date(y, m - 1, d), new Date(y, m - 1, d + 7))));
}

// Our answers for every job, from one process: one "MONDAY EXPR" line each in,
// one block ending with "--" each out.
function ours(command, jobs, position = LYON) {
    const input = jobs.map(({ expr, monday }) => `${monday} ${expr}\n`).join('');
    const run = spawnSync(command[0], [...command.slice(1), '--batch', '--departement', '69', '--tz', position.tz,
        '--lat', position.lat, '--lon', position.lon],
        { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`${command.join(' ')} --batch: exit ${run.status}: ${run.stderr}`);
    const blocks = run.stdout.split('\n--\n');
    return jobs.map((job, i) => {
        const lines = (blocks[i] || '').split('\n').filter((l) => l !== '');
        if (lines.length && lines[0].startsWith('erreur: ')) return { error: lines[0] };
        return { canonical: lines[0], intervals: lines.slice(1) };
    });
}

const SUN_WORDS = /sunrise|sunset|dawn|dusk/i;
// opening_hours.js throws "Variable time … does not occur on this date" for some weeks
// of some sun expressions (evaluated just after midnight on the night clocks go back,
// it looks for the sunrise of the wrong day): it has no answer there to compare.
let referenceFailures = 0;
function referenceFails(expr, monday, position = LYON) {
    try { reference(expr, monday, position); return false; } catch (e) {
        if (/^RangeError: Variable time/.test(String(e))) return true;
        return false;
    }
}

function main() {
    const command = process.argv.slice(2);
    if (command.length === 0) {
        console.error('usage: node tests/oracle/hours-oracle.js BINARY [ARGS...]');
        process.exit(64);
    }
    let passed = 0, failed = 0;
    const fail = (msg) => { failed++; console.error(`FAIL ${msg}`); };
    const jobs = [];
    const data = dataExpressions();
    for (const expr of [...data, ...EXTRA]) {
        for (const monday of data.includes(expr) ? WEEKS : EXTRA_WEEKS) jobs.push({ expr, monday });
    }
    const all = suiteExpressions();
    const referenceRefuses = new Set();
    const suite = all.filter((expr) => {
        try { reference(expr, SUITE_WEEKS[0]); return true; } catch (e) { referenceRefuses.add(expr); return false; }
    });
    for (const expr of suite) for (const monday of SUITE_WEEKS) jobs.push({ expr, monday, suite: true });
    // Values the reference refuses: Repère should refuse them too (reported, not failed:
    // some are French hand-typed forms Repère reads on purpose).
    const refusedJobs = [...referenceRefuses].map((expr) => ({ expr, monday: SUITE_WEEKS[0] }));
    const refusedSuite = new Set();
    const reasons = new Map();
    const results = ours(command, jobs);
    const acceptedAnyway = ours(command, refusedJobs).map((r, i) => (r.error ? null : refusedJobs[i].expr)).filter((e) => e !== null);

    jobs.forEach(({ expr, monday, suite: fromSuite }, i) => {
        const got = results[i];
        if (got.error && fromSuite) { // a clean refusal: counted, not a failure
            if (!refusedSuite.has(expr)) {
                const reason = got.error.replace(/^erreur: position \d+ : /, '').replace(/« [^»]* »/g, '« … »').replace(/\([^)]*\)/g, '(…)');
                reasons.set(reason, (reasons.get(reason) || 0) + 1);
                if (process.env.ORACLE_VERBOSE) console.log(`note: refused from opening_hours.js's suite: ${JSON.stringify(expr)}: ${got.error}`);
            }
            refusedSuite.add(expr);
            return;
        }
        if (got.error) {
            fail(`${JSON.stringify(expr)} week ${monday}: ${got.error}`);
            return;
        }
        if (SUN_WORDS.test(expr) && referenceFails(got.canonical, monday)) { referenceFailures++; return; }
        const want = got.intervals.join('\n');
        let acceptsOriginal = true;
        try {
            const ref = reference(expr, monday).join('\n');
            if (ref === want) passed++;
            else fail(`${JSON.stringify(expr)} week ${monday}\n  opening_hours.js:\n    ${ref.replace(/\n/g, '\n    ')}\n  ours:\n    ${want.replace(/\n/g, '\n    ')}`);
        } catch (e) {
            acceptsOriginal = false; // a tolerated variant: checked through the canonical form
        }
        try {
            const ref = reference(got.canonical, monday).join('\n');
            if (ref === want) passed++;
            else fail(`canonical ${JSON.stringify(got.canonical)} of ${JSON.stringify(expr)} week ${monday} differs from ours`);
        } catch (e) {
            fail(`opening_hours.js rejects our canonical form ${JSON.stringify(got.canonical)}: ${String(e).split('\n')[0]}`);
        }
        if (!acceptsOriginal && monday === WEEKS[0]) console.log(`note: opening_hours.js rejects ${JSON.stringify(expr)}, checked through ${JSON.stringify(got.canonical)}`);
    });
    // The Sun's times at other positions: the same intervals as opening_hours.js, or a refusal.
    const sunExpressions = [...suite.filter((e) => SUN_WORDS.test(e)), ...SUN_EXTRA];
    let sunCompared = 0;
    for (const position of SUN_POSITIONS) {
        const sunJobs = [];
        for (const expr of sunExpressions) for (const monday of SUITE_WEEKS) sunJobs.push({ expr, monday });
        ours(command, sunJobs, position).forEach((got, i) => {
            const { expr, monday } = sunJobs[i];
            if (got.error) {
                if (SUN_EXTRA.includes(expr)) fail(`${JSON.stringify(expr)} refused: ${got.error}`);
                return;
            }
            const want = got.intervals.join('\n');
            let ref;
            try { ref = reference(expr, monday, position).join('\n'); } catch (e) {
                if (!/^RangeError: Variable time/.test(String(e))) throw e;
                referenceFailures++;
                return; // opening_hours.js fails on that week (see referenceFails)
            }
            if (ref === want) { passed++; sunCompared++; }
            else fail(`${JSON.stringify(expr)} at ${position.name} week ${monday}\n  opening_hours.js:\n    ${ref.replace(/\n/g, '\n    ')}\n  ours:\n    ${want.replace(/\n/g, '\n    ')}`);
        });
    }
    process.env.TZ = LYON.tz;
    console.log(`sun times: ${sunExpressions.length} values at ${SUN_POSITIONS.length} more positions, ${sunCompared} weeks compared; ` +
        `${referenceFailures} weeks where opening_hours.js throws « Variable time … does not occur » skipped`);
    // Our canonical form read back by us gives itself (what the admin area saves must
    // read back the same): every accepted expression, once.
    const canonicals = [...new Set(jobs.map((j, i) => results[i].canonical).filter((c) => c !== undefined))];
    ours(command, canonicals.map((expr) => ({ expr, monday: WEEKS[0] }))).forEach((got, i) => {
        if (got.canonical === canonicals[i]) passed++;
        else fail(`our canonical form ${JSON.stringify(canonicals[i])} reads back as ${got.error || JSON.stringify(got.canonical)}`);
    });
    console.log(`opening_hours.js test suite: ${all.length} values, ${suite.length} accepted by opening_hours.js, ` +
        `${suite.length - refusedSuite.size} of them by Repère (${(100 * (suite.length - refusedSuite.size) / suite.length).toFixed(1)} %), ` +
        `each compared over ${SUITE_WEEKS.length} weeks`);
    console.log('Repère\'s refusals by reason:');
    for (const [reason, count] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(4)}  ${reason}`);
    console.log(`values opening_hours.js refuses that Repère reads: ${acceptedAnyway.length} of ${referenceRefuses.size}` +
        (process.env.ORACLE_VERBOSE ? `\n  ${acceptedAnyway.map((e) => JSON.stringify(e)).join('\n  ')}` : ''));
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
}

main();
