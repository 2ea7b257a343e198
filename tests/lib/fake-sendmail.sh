#!/bin/sh
# A fake `sendmail -t` for the tests: stores each message read on standard
# input as a file in the directory given as first argument (or $FAKE_SENDMAIL_DIR).
dir=${1:-$FAKE_SENDMAIL_DIR}
[ -n "$dir" ] || { echo "fake-sendmail: no directory" >&2; exit 1; }
mkdir -p "$dir"
cat >"$dir/$(date +%s%N)-$$.eml"
