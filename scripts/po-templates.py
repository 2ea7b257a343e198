#!/usr/bin/env python3
"""Print, as a .pot fragment, the messages of the templates' translation
construct ({{_ "message" name…}}, {{_c "context" "message" name…}} and
{{_n count "singular" "plural" name…}},
src/core/tpl.h), each with its file and line. scripts/po-extract.sh merges it
with what xgettext finds in the C sources."""
import os
import re
import sys

TAG = re.compile(r'\{\{\s*_(n?)\s+(?:[^\s"}]+\s+)?"([^"]*)"(?:\s+"([^"]*)")?[^}]*\}\}')
# {{_c "context" "message" name…}}: a message in a context (msgctxt).
CTAG = re.compile(r'\{\{\s*_c\s+"([^"]*)"\s+"([^"]*)"[^}]*\}\}')
DIRECTIVE = re.compile(r'%(?:[1-9]\$)?[sd]')


def po_string(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'


def main(directory):
    messages = {}  # (msgid, plural) -> [references]
    for name in sorted(os.listdir(directory)):
        if not name.endswith('.html'):
            continue
        path = os.path.join(directory, name)
        text = open(path, encoding='utf-8').read()
        for m in TAG.finditer(text):
            line = text.count('\n', 0, m.start()) + 1
            key = (None, m.group(2), m.group(3) if m.group(1) else None)
            messages.setdefault(key, []).append('%s:%d' % (path, line))
        for m in CTAG.finditer(text):
            line = text.count('\n', 0, m.start()) + 1
            key = (m.group(1), m.group(2), None)
            messages.setdefault(key, []).append('%s:%d' % (path, line))
    out = sys.stdout
    out.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n')
    for (context, msgid, plural), refs in messages.items():
        out.write('#: %s\n' % ' '.join(refs))
        if DIRECTIVE.search(msgid) or (plural and DIRECTIVE.search(plural)):
            out.write('#, c-format\n')
        if context is not None:
            out.write('msgctxt %s\n' % po_string(context))
        out.write('msgid %s\n' % po_string(msgid))
        if plural is not None:
            out.write('msgid_plural %s\nmsgstr[0] ""\nmsgstr[1] ""\n\n' % po_string(plural))
        else:
            out.write('msgstr ""\n\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'templates')
