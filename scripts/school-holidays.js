#!/usr/bin/env node
/*
 * school-holidays.js — extract the French school-holiday calendar (`SH` in
 * opening_hours) from the npm package opening_hours, the reference
 * evaluator, so that Repère reads `SH` exactly as the national map does.
 *
 *   node scripts/school-holidays.js      (from the repository root)
 *
 * Writes:
 *   data/school-holidays/fr.tsv          the calendar, one holiday a line
 *   src/hours/school_holidays_data.h     the same as C tables (generated;
 *                                        then run clang-format -i on it)
 *
 * The package keys its French calendar by région (its Nominatim "state"),
 * derived from the Ministry of Education's open data. For each région we
 * ask the package itself to evaluate `SH` year by year: a year it cannot
 * evaluate (some holiday of that year is missing from its data) is outside
 * the calendar, and Repère then says the hours are to be confirmed. The
 * département → région table comes from data/gazetteer/departements.tsv,
 * plus Saint-Pierre-et-Miquelon, Saint-Barthélemy and Saint-Martin.
 */
'use strict';

process.env.TZ = 'Europe/Paris'; // before any Date: the package works in local time

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const OpeningHours = require(path.join(root, 'node_modules', 'opening_hours'));
const version = require(path.join(root, 'node_modules', 'opening_hours', 'package.json')).version;

const FIRST_YEAR = 2015, LAST_YEAR = 2032; // the years probed

function regionNames() {
    const names = new Map();
    for (const line of fs.readFileSync(path.join(root, 'data/gazetteer/regions.tsv'), 'utf8').trim().split('\n').slice(1)) {
        const [code, name] = line.split('\t');
        names.set(code, name);
    }
    return names;
}

function departements(regions) {
    const out = [];
    for (const line of fs.readFileSync(path.join(root, 'data/gazetteer/departements.tsv'), 'utf8').trim().split('\n').slice(1)) {
        const [code, , region] = line.split('\t');
        out.push([code, regions.get(region)]);
    }
    out.push(['975', 'Saint-Pierre-et-Miquelon'], ['977', 'Saint-Barthélemy'], ['978', 'Saint-Martin']);
    return out;
}

const pad = (n) => String(n).padStart(2, '0');
const isoDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const dayNumber = (d) => Math.round(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86400000);

// The school holidays of one région in one year, or null when the package cannot evaluate that year.
function holidaysOf(region, year) {
    const quiet = console.error; // the package logs its evaluation errors before throwing them
    console.error = () => {};
    try {
        const oh = new OpeningHours('SH', { lat: 46, lon: 2, address: { country_code: 'fr', state: region } }, { mode: 0 });
        return oh.getOpenIntervals(new Date(year, 0, 1), new Date(year + 1, 0, 1)).map(([from, to, , comment]) => ({ from, to, name: comment || '' }));
    } catch (e) {
        return null;
    } finally {
        console.error = quiet;
    }
}

function main() {
    const deps = departements(regionNames());
    const regions = [...new Set(deps.map(([, r]) => r))].sort();
    const calendar = []; // {region, first, last, spans: [{from, to (exclusive), name}]}
    for (const region of regions) {
        const years = [], spans = [];
        for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) {
            const h = holidaysOf(region, y);
            if (!h) continue;
            years.push(y);
            for (const s of h) {
                const last = spans[spans.length - 1];
                // A holiday over New Year comes back split at 1 January: join it.
                if (last && last.to.getTime() === s.from.getTime() && last.name === s.name) last.to = s.to;
                else spans.push(s);
            }
        }
        if (!years.length) continue; // no calendar in the package (Nouvelle-Calédonie…)
        // Keep the covered years contiguous: the first run of years.
        let last = years[0];
        while (years.includes(last + 1)) last++;
        calendar.push({ region, first: years[0], last, spans: spans.filter((s) => s.from.getFullYear() <= last) });
    }

    const dir = path.join(root, 'data/school-holidays');
    fs.mkdirSync(dir, { recursive: true });
    const tsv = ['# French school holidays per région, extracted by scripts/school-holidays.js from',
        `# the npm package opening_hours ${version}: see NOTICE. Dates are inclusive.`,
        'kind\trégion\tfrom\tto\tname'];
    for (const c of calendar) {
        tsv.push(`calendar\t${c.region}\t${c.first}-01-01\t${c.last}-12-31\t`);
        for (const s of c.spans) {
            const lastDay = new Date(s.to.getFullYear(), s.to.getMonth(), s.to.getDate() - 1);
            tsv.push(`holiday\t${c.region}\t${isoDate(s.from)}\t${isoDate(lastDay)}\t${s.name}`);
        }
    }
    fs.writeFileSync(path.join(dir, 'fr.tsv'), tsv.join('\n') + '\n');

    const c = (s) => JSON.stringify(s); // C string literals: UTF-8, no escapes needed but quotes
    const h = [
        '/*',
        ' * school_holidays_data.h — GENERATED by scripts/school-holidays.js from the npm',
        ` * package opening_hours ${version} (data/school-holidays/NOTICE). Do not edit: run`,
        ' * the script, then clang-format -i this file. Included once, by hours.c.',
        ' * Days are counted from 1970-01-01; spans are [from, to).',
        ' */',
        '#ifndef REPERE_SCHOOL_HOLIDAYS_DATA_H',
        '#define REPERE_SCHOOL_HOLIDAYS_DATA_H',
        '',
        '/* One région\'s calendar: covered from 1 January of first_year to 31 December of last_year. */',
        'static const struct school_region {',
        '    const char *name;',
        '    int first_year, last_year;',
        '} SCHOOL_REGIONS[] = {',
        ...calendar.map((r) => `    {${c(r.region)}, ${r.first}, ${r.last}},`),
        '};',
        '',
        'static const struct school_span {',
        '    unsigned char region; /* index in SCHOOL_REGIONS */',
        '    int from, to;',
        '    const char *name;',
        '} SCHOOL_SPANS[] = {',
    ];
    calendar.forEach((r, i) => {
        for (const s of r.spans) h.push(`    {${i}, ${dayNumber(s.from)}, ${dayNumber(s.to)}, ${c(s.name)}},`);
    });
    h.push('};', '', '/* Département → index in SCHOOL_REGIONS (départements without a calendar are absent). */',
        'static const struct school_departement {',
        '    const char *code;',
        '    unsigned char region;',
        '} SCHOOL_DEPARTEMENTS[] = {');
    for (const [code, region] of deps) {
        const i = calendar.findIndex((r) => r.region === region);
        if (i >= 0) h.push(`    {${c(code)}, ${i}},`);
    }
    h.push('};', '', '#endif', '');
    fs.writeFileSync(path.join(root, 'src/hours/school_holidays_data.h'), h.join('\n'));
    console.log(`${calendar.length} régions, ${calendar.reduce((n, r) => n + r.spans.length, 0)} holidays, ` +
        `years ${Math.min(...calendar.map((r) => r.first))}-${Math.max(...calendar.map((r) => r.last))}`);
}

main();
