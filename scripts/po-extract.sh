#!/bin/sh
# Regenerate the translation template (docs/languages.md): the French
# messages of the C sources (_(), N_(), C_() with its context, ngettext(),
# reply_error()'s message, fr_count()'s and i18n_plural()'s singular and
# plural, validate.c's reasons given to set_why(), the importers' report
# lines given to WARN(), REJECT(), reject() and warn())
# found by xgettext, and those of the templates' {{_ …}} construct found by
# scripts/po-templates.py. Writes po/repere.pot, or the file given.
# Deterministic (no creation date), so tests can compare it with the
# committed one: a stale po/repere.pot fails tests/e2e/languages_po.test.js.
set -eu
cd "$(dirname "$0")/.."
out=${1:-po/repere.pot}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The command line (src/cmd/) stays in French (docs/languages.md): its
# messages are not collected.
find src -name '*.c' -not -path 'src/cmd/*' | LC_ALL=C sort > "$tmp/files"
xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=reply_error:3 --keyword=fr_count:3,4 --keyword=i18n_plural:2,3 --keyword=set_why:2 --keyword=WARN:4 --keyword=REJECT:4 --keyword=reject:4 --keyword=warn:4 --add-comments=TRANSLATORS: --sort-by-file --no-wrap \
    --package-name=Repere --msgid-bugs-address=docs/languages.md --files-from="$tmp/files" -o "$tmp/c.pot"
python3 scripts/po-templates.py templates > "$tmp/templates.pot"
msgcat --use-first --sort-by-file --no-wrap -o "$tmp/all.pot" "$tmp/c.pot" "$tmp/templates.pot"
grep -v '^"POT-Creation-Date:' "$tmp/all.pot" > "$out"
