// The translations of a catalogue, for tests that check a page against
// what po/LL.po says rather than against a sentence written by hand.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

// msgctxt + "\u0004" + msgid → msgstr (the first form of a plural) of
// po/<code>.po. The catalogues are --no-wrap: one line per field. Obsolete
// (#~) and fuzzy entries count as untranslated and are left out.
function readPo(code) {
  const text = fs.readFileSync(path.join(ROOT, 'po', `${code}.po`), 'utf8');
  const unquote = (s) => JSON.parse(s);
  const map = new Map();
  for (const block of text.split(/\n\n+/)) {
    if (/^#, .*fuzzy/m.test(block)) continue;
    const ctx = block.match(/^msgctxt (".*")$/m);
    const id = block.match(/^msgid (".*")$/m);
    const str = block.match(/^msgstr(?:\[0\])? (".*")$/m);
    if (!id || !str) continue;
    const key = (ctx ? unquote(ctx[1]) + '\u0004' : '') + unquote(id[1]);
    if (unquote(str[1])) map.set(key, unquote(str[1]));
  }
  return map;
}

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

module.exports = { readPo, escapeHtml };
