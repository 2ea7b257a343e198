#!/bin/sh
# A fake `sendmail -t` for the tests: stores each message read on standard
# input as a file in the directory given as first argument (or $FAKE_SENDMAIL_DIR).
# Like sendmail, without -i among its arguments it stops reading at a line
# holding only "." (so a test can prove Repère passes -i).
dir=${1:-$FAKE_SENDMAIL_DIR}
[ -n "$dir" ] || { echo "fake-sendmail: no directory" >&2; exit 1; }
mkdir -p "$dir"
dot_ends=yes
for a in "$@"; do [ "$a" = "-i" ] || [ "$a" = "-oi" ] && dot_ends=no; done
out="$dir/$(date +%s%N)-$$.eml"
if [ "$dot_ends" = yes ]; then
    awk '$0 == "." { exit } { print }' >"$out"
else
    cat >"$out"
fi
