// Oracle check of the national-schema export against the national reference
// library (@gouvfr-anct/lieux-de-mediation-numerique): every record of every
// format must be accepted by fromSchemaLieuDeMediationNumerique, and the CSV
// must survive a round trip (import into an empty database, export again:
// the same bytes).
//
//   node tests/oracle/validate-export.js [path/to/repere]
//
// Uses the demo catalogue (../shared/data/lieux-aura-2022.json and
// lieux-exemples-schema.json) plus a few hostile records written here, in a
// temporary database. Prints the failures, then "N passed, N failed".
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fromSchemaLieuDeMediationNumerique } = require('@gouvfr-anct/lieux-de-mediation-numerique');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.argv[2] || path.join(ROOT, 'build', 'repere');
const SHARED = path.resolve(ROOT, '..', 'shared', 'data');
const FILES = [path.join(SHARED, 'lieux-aura-2022.json'), path.join(SHARED, 'lieux-exemples-schema.json')];

const COLUMNS = ['id', 'pivot', 'nom', 'commune', 'code_postal', 'code_insee', 'adresse',
  'complement_adresse', 'latitude', 'longitude', 'typologie', 'telephone', 'courriels',
  'site_web', 'horaires', 'presentation_resume', 'presentation_detail', 'source',
  'itinerance', 'structure_parente', 'date_maj', 'services',
  'publics_specifiquement_adresses', 'prise_en_charge_specifique', 'frais_a_charge',
  'dispositif_programmes_nationaux', 'formations_labels', 'autres_formations_labels',
  'modalites_acces', 'modalites_accompagnement', 'fiche_acces_libre', 'prise_rdv'];

// Records that exercise the cleaners: what producers really type, and worse.
const HOSTILE = [
  {
    id: 'oracle-1', pivot: '00000000000000', nom: '<script>alert(1)</script> & "Cie"',
    commune: 'Saint-Martin (Isère)', code_postal: '38400', adresse: '1 rue <b>du</b> «Test» #2',
    complement_adresse: 'Bât. "A", 2e étage\nporte gauche', date_maj: '2026-10-01',
    services: 'Aide aux démarches administratives', source: 'oracle',
    telephone: '04 76 00 00 00', courriels: 'contact@example.fr',
    presentation_detail: 'Ligne 1, "citée"\r\nLigne 2; fin',
    prise_rdv: 'https://rdv.example.fr/prendre-rendez-vous?lieu=médiathèque&x=a/b#créneau',
    fiche_acces_libre: 'https://acceslibre.beta.gouv.fr/app/38-saint-martin/a/mairie/erp/mairie/',
    horaires: 'Mo-Fr 09:00-12:00,14:00-17:00; PH off',
  },
  {
    id: 'oracle-2', pivot: 'W123456789', nom: 'Sans services', commune: "L'Haÿ-les-Roses",
    code_postal: '94240', adresse: '3, place de l’Église', date_maj: '2025-01-31', source: 'oracle',
    modalites_acces: 'Téléphoner', frais_a_charge: 'Payant',
  },
  {
    // the same id as another source: exported as "source:id"
    id: '13', pivot: '12345678901234', nom: 'Homonyme', commune: 'Chambéry', code_postal: '73000',
    adresse: '5 rue de la Paix', date_maj: '2024-03-02', source: 'autre-source',
    services: 'Loisirs et créations numériques', latitude: 45.5646, longitude: 5.9178,
  },
];

let passed = 0;
let failed = 0;
const failures = [];
function ok(cond, message) {
  if (cond) passed++;
  else {
    failed++;
    failures.push(message);
  }
}

function repere(db, args) {
  return execFileSync(BIN, [...args, '--db', db], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024,
  });
}

// RFC 4180 reader: rows of cells; quoted cells may hold commas, quotes, CR and LF.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      cell += c; i++; continue;
    }
    if (c === '"' && cell === '') { quoted = true; i++; continue; }
    if (c === ',') { row.push(cell); cell = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 2; continue; }
    if (c === '\n') throw new Error(`bare LF outside quotes at offset ${i}`);
    if (c === '"') throw new Error(`quote inside an unquoted cell at offset ${i}`);
    cell += c; i++;
  }
  if (cell !== '' || row.length) throw new Error('last row not terminated by CRLF');
  return rows;
}

// A CSV row as the reference library's callers build it: empty cells absent,
// coordinates as numbers.
function csvRecord(header, cells) {
  const o = {};
  header.forEach((name, i) => {
    if (cells[i] === '') return;
    o[name] = name === 'latitude' || name === 'longitude' ? Number(cells[i]) : cells[i];
  });
  return o;
}

function validate(kind, record) {
  try {
    fromSchemaLieuDeMediationNumerique(record);
    ok(true);
  } catch (e) {
    ok(false, `${kind} id=${record.id}: ${e.message || e}`);
  }
}

// Checks the library does not make (it is lenient there) but the schema states.
function checkShape(kind, r) {
  ok(/^\d{4}-\d{2}-\d{2}$/.test(r.date_maj), `${kind} id=${r.id}: date_maj ${r.date_maj}`);
  ok(/^\d{5}$/.test(r.code_postal), `${kind} id=${r.id}: code_postal ${r.code_postal}`);
  if (r.telephone != null) {
    ok(/^\+(33|262|269|508|590|594|596|681|687|689)\d{6,9}$/.test(r.telephone),
      `${kind} id=${r.id}: telephone ${r.telephone} is not E.164`);
  }
  if (r.code_insee != null) ok(/^([013-9]\d|2[AB1-9])\d{3}$/.test(r.code_insee), `${kind} id=${r.id}: code_insee`);
  if (r.presentation_resume != null) ok([...r.presentation_resume].length <= 280, `${kind} id=${r.id}: résumé > 280`);
}

function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repere-oracle-export-'));
  try {
    const db = path.join(dir, 'catalogue.db');
    repere(db, ['migrate']);
    for (const f of FILES) repere(db, ['import', f]);
    const hostile = path.join(dir, 'hostile.json');
    fs.writeFileSync(hostile, JSON.stringify(HOSTILE));
    repere(db, ['import', hostile]);
    repere(db, ['migrate']); // links the new places to their communes

    // CSV
    const csvPath = path.join(dir, 'export.csv');
    repere(db, ['export', '--format', 'csv', '--output', csvPath]);
    const csvText = fs.readFileSync(csvPath, 'utf8');
    ok(!csvText.startsWith('\uFEFF'), 'CSV starts with a BOM');
    const rows = parseCsv(csvText);
    const header = rows.shift();
    ok(JSON.stringify(header) === JSON.stringify(COLUMNS), `CSV header differs: ${header.join(',')}`);
    const expected = 429 + 7 + HOSTILE.length;
    ok(rows.length === expected, `CSV has ${rows.length} records, expected ${expected}`);
    const ids = new Set();
    for (const cells of rows) {
      ok(cells.length === COLUMNS.length, `CSV row with ${cells.length} cells`);
      const r = csvRecord(header, cells);
      ok(!ids.has(r.id), `CSV: id ${r.id} twice`);
      ids.add(r.id);
      validate('csv', r);
      checkShape('csv', r);
    }
    ok(ids.has('autre-source:13') && ids.has('Hinaura:13'), 'ids shared by two sources are prefixed');

    // JSON: the same records
    const jsonPath = path.join(dir, 'export.json');
    repere(db, ['export', '--format', 'json', '--output', jsonPath]);
    const records = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
    ok(records.length === rows.length, `JSON has ${records.length} records, CSV ${rows.length}`);
    records.forEach((r, i) => {
      ok(JSON.stringify(Object.keys(r)) === JSON.stringify(COLUMNS), `JSON id=${r.id}: keys differ`);
      validate('json', r);
      checkShape('json', r);
      const fromCsv = csvRecord(header, rows[i] || []);
      const same = COLUMNS.every((k) => (r[k] == null ? fromCsv[k] === undefined : r[k] === fromCsv[k]));
      ok(same, `JSON id=${r.id} differs from its CSV row`);
    });

    // GeoJSON
    const geoPath = path.join(dir, 'export.geojson');
    repere(db, ['export', '--format', 'geojson', '--output', geoPath]);
    const geo = JSON.parse(fs.readFileSync(geoPath, 'utf8'));
    ok(geo.type === 'FeatureCollection' && Array.isArray(geo.features), 'GeoJSON is a FeatureCollection');
    ok(geo.features.length === rows.length, `GeoJSON has ${geo.features.length} features`);
    for (const f of geo.features) {
      const p = f.properties;
      ok(f.type === 'Feature', 'GeoJSON: not a Feature');
      if (p.latitude == null) ok(f.geometry === null, `GeoJSON id=${p.id}: geometry without position`);
      else {
        ok(f.geometry && f.geometry.type === 'Point' && f.geometry.coordinates[0] === p.longitude &&
          f.geometry.coordinates[1] === p.latitude, `GeoJSON id=${p.id}: point ≠ [longitude, latitude]`);
      }
      validate('geojson', p);
    }

    // A territory export holds only its places, all valid.
    const depPath = path.join(dir, 'dep07.csv');
    repere(db, ['export', '--format', 'csv', '--territoire', 'departement:07', '--output', depPath]);
    const depRows = parseCsv(fs.readFileSync(depPath, 'utf8'));
    depRows.shift();
    ok(depRows.length > 0 && depRows.length < rows.length, `departement:07 export has ${depRows.length} records`);
    for (const cells of depRows) {
      ok(cells[4].startsWith('07'), `departement:07 export holds code_postal ${cells[4]}`);
      validate('csv-07', csvRecord(COLUMNS, cells));
    }

    // Round trip: CSV → empty database → CSV, byte for byte (twice: JSON too).
    for (const [format, file] of [['csv', csvPath], ['json', jsonPath]]) {
      const db2 = path.join(dir, `roundtrip-${format}.db`);
      repere(db2, ['migrate']);
      repere(db2, ['import', file]);
      repere(db2, ['migrate']);
      const again = path.join(dir, `again.${format}`);
      repere(db2, ['export', '--format', format, '--output', again]);
      const a = fs.readFileSync(file);
      const b = fs.readFileSync(again);
      let where = '';
      if (!a.equals(b)) {
        const la = a.toString('utf8').split('\n');
        const lb = b.toString('utf8').split('\n');
        const n = la.findIndex((l, i) => l !== lb[i]);
        where = `first difference at line ${n + 1}:\n  - ${la[n]}\n  + ${lb[n]}`;
      }
      ok(a.equals(b), `round trip ${format}: not the same file; ${where}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// The reference check of one record, for the end-to-end tests: null when
// the library accepts it, else its message.
function referenceError(record) {
  try {
    fromSchemaLieuDeMediationNumerique(record);
    return null;
  } catch (e) {
    return String(e.message || e);
  }
}

module.exports = { COLUMNS, parseCsv, csvRecord, referenceError };

if (require.main === module) {
  try {
    main();
  } catch (e) {
    failed++;
    failures.push(`crash: ${e.stack || e}${e.stderr ? `\n${e.stderr}` : ''}`);
  }
  for (const f of failures.slice(0, 50)) console.log(`FAIL ${f}`);
  if (failures.length > 50) console.log(`… and ${failures.length - 50} more`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
