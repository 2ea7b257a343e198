#!/usr/bin/env node
/*
 * school-holidays-oracle.js — compare Repère's school holidays with
 * opening_hours.js's, département by département (see school-holidays.sh).
 *
 *   node tests/oracle/school-holidays-oracle.js build/tests/school-cli
 *
 * opening_hours.js keys its French calendar by région (Nominatim "state");
 * the département → région table is data/gazetteer/departements.tsv (plus
 * 975, 977, 978). Alsace-Moselle (57, 67, 68) is compared with Grand Est:
 * opening_hours.js has no SH for the states "Moselle", "Bas-Rhin" and
 * "Haut-Rhin" it uses there for public holidays (docs/hours.md).
 */
'use strict';

process.env.TZ = 'Europe/Paris'; // before any Date: opening_hours.js works in local time

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..', '..');
const OpeningHours = require(path.join(root, 'node_modules', 'opening_hours'));
const FIRST = 2015, LAST = 2032;

const pad = (n) => String(n).padStart(2, '0');
const isoDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

function departements() {
    const regions = new Map(fs.readFileSync(path.join(root, 'data/gazetteer/regions.tsv'), 'utf8')
        .trim().split('\n').slice(1).map((l) => l.split('\t')));
    const out = fs.readFileSync(path.join(root, 'data/gazetteer/departements.tsv'), 'utf8')
        .trim().split('\n').slice(1).map((l) => { const [code, , region] = l.split('\t'); return [code, regions.get(region)]; });
    return [...out, ['975', 'Saint-Pierre-et-Miquelon'], ['977', 'Saint-Barthélemy'], ['978', 'Saint-Martin']];
}

const cache = new Map();
// One région's year: lines like ours, or [`${year} unknown`] when opening_hours.js cannot evaluate it.
function reference(region, year) {
    const key = `${region} ${year}`;
    if (cache.has(key)) return cache.get(key);
    const quiet = console.error;
    console.error = () => {}; // it logs its evaluation errors before throwing them
    let lines;
    try {
        const oh = new OpeningHours('SH', { lat: 46, lon: 2, address: { country_code: 'fr', state: region } }, { mode: 0 });
        lines = [];
        for (const [from, to, , name] of oh.getOpenIntervals(new Date(year, 0, 1), new Date(year + 1, 0, 1))) {
            for (let d = new Date(from); d < to; d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1))
                lines.push(`${isoDate(d)} ${name}`);
        }
    } catch (e) {
        lines = [`${year} unknown`];
    } finally {
        console.error = quiet;
    }
    cache.set(key, lines);
    return lines;
}

function main() {
    const bin = process.argv[2];
    if (!bin) {
        console.error('usage: node tests/oracle/school-holidays-oracle.js SCHOOL_CLI');
        process.exit(64);
    }
    let passed = 0, failed = 0;
    const zones = new Set();
    for (const [dep, region] of departements()) {
        const ours = execFileSync(bin, [dep, String(FIRST), String(LAST)], { encoding: 'utf8' }).split('\n').filter(Boolean);
        for (let y = FIRST; y <= LAST; y++) {
            const mine = ours.filter((l) => l.startsWith(`${y}`));
            const want = reference(region, y);
            if (JSON.stringify(mine) === JSON.stringify(want)) {
                passed++;
                if (!(want[0] || '').endsWith('unknown')) zones.add(region);
            } else {
                failed++;
                console.error(`FAIL département ${dep} (${region}) ${y}: ours ${mine.length} lines, opening_hours.js ${want.length}: ` +
                    `${mine.find((l, i) => l !== want[i]) || '(missing)'} vs ${want.find((l, i) => l !== mine[i]) || '(missing)'}`);
            }
        }
    }
    console.log(`school holidays compared for ${zones.size} régions with a calendar`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
}

main();
