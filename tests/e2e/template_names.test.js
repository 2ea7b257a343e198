// Every name a template prints or tests is one the program can set: a
// misspelled {{variable}} would otherwise render nothing, silently. Models
// are built in C with literal keys ("phone", json_pack("{s:…}", "name", …)),
// or with a format ("%s_error"): a name is known when it is such a literal,
// or matches such a format. Partials must exist (the daemon also refuses to
// start without them).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../lib/server');

function walk(dir, ext, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, ext, out);
    else if (p.endsWith(ext)) out.push(p);
  }
  return out;
}

const sources = walk(path.join(ROOT, 'src'), '.c').map((f) => fs.readFileSync(f, 'utf8')).join('\n');
const literals = new Set([...sources.matchAll(/"([A-Za-z_][A-Za-z0-9_]*)"/g)].map((m) => m[1]));
// "%s_error", "has_%s", "%s_more": names made from a format.
// A format must hold some letters of its own ("%s" alone would match anything).
const formats = [...sources.matchAll(/"([A-Za-z0-9_]*%s[A-Za-z0-9_%s]*)"/g)]
  .filter((m) => m[1].replace(/%s/g, '').length >= 3)
  .map((m) => new RegExp('^' + m[1].replace(/%s/g, '[A-Za-z0-9_]+') + '$'));
const known = (name) => literals.has(name) || formats.some((re) => re.test(name));

const templates = walk(path.join(ROOT, 'templates'), '.html');
const names = new Set(templates.map((f) => path.basename(f, '.html')));

// The names of one template's tags: {{x}}, {{url x}}, {{raw x}}, {{#x}}, {{^x}},
// {{@x}}, {{../x}}, dotted paths (each part), partials; in a translation
// ({{_ "message" x}}, {{_n count "one" "many" x}}) the names outside quotes.
function tags(text) {
  const out = [];
  const names = [];
  // ({{_c "context" "message" x}} too; href=x names the link's address,
  // href=/path, href=#anchor and href=https://… are addresses written as is)
  for (const m of text.matchAll(/\{\{\s*_[nc]?\s((?:[^}"]|"[^"]*")*)\}\}/g)) {
    for (let n of m[1].replace(/"[^"]*"/g, ' ').split(/\s+/)) {
      if (n.startsWith('href=')) n = n.slice(5);
      if (n && !/^(\/|#|https:\/\/)/.test(n)) names.push(n);
    }
  }
  text = text.replace(/\{\{\s*_[nc]?\s(?:[^}"]|"[^"]*")*\}\}/g, '');
  for (const m of [...text.matchAll(/\{\{\s*([#^/>!]?)\s*([^}]*?)\s*\}\}/g), ...names.map((n) => [null, '', n])]) {
    const [, sigil, raw] = m;
    if (sigil === '!' || sigil === '/') continue;
    if (sigil === '>') { out.push({ partial: raw.trim() }); continue; }
    let name = raw.replace(/^(raw|url)\s+/, '').trim().replace(/^@/, '');
    while (name.startsWith('../')) name = name.slice(3);
    if (name === '.') continue;
    for (const part of name.split('.')) if (!/^\d+$/.test(part)) out.push({ name: part });
  }
  return out;
}

test('the walk sees the templates and the program\'s keys', () => {
  assert.ok(templates.length > 30, `${templates.length} templates`);
  assert.ok(literals.has('phone') && literals.has('csrf'), 'keys set by the C code');
});

test('no template prints or tests a name the program never sets', () => {
  const unknown = [];
  for (const f of templates) {
    for (const t of tags(fs.readFileSync(f, 'utf8'))) {
      if (t.name && !known(t.name)) unknown.push(`${path.basename(f)}: {{${t.name}}}`);
    }
  }
  assert.deepEqual(unknown, [], `names no model ever holds (misspelled?):\n${unknown.join('\n')}`);
});

test('every {{> partial}} names a template', () => {
  const missing = [];
  for (const f of templates) {
    for (const t of tags(fs.readFileSync(f, 'utf8'))) {
      if (t.partial && !names.has(t.partial)) missing.push(`${path.basename(f)}: {{> ${t.partial}}}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('a misspelled name is caught (the check can fail)', () => {
  const bad = tags('<p>{{#places}}{{phnoe}}{{/places}}</p>').filter((t) => t.name && !known(t.name));
  assert.deepEqual(bad.map((t) => t.name), ['phnoe']);
});
