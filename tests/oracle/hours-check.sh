#!/bin/sh
# Oracle check of the opening-hours engine against opening_hours.js (npm).
#
#   tests/oracle/hours-check.sh            builds build/tests/hours-cli and compares
#   HOURS_BIN="build/repere" tests/oracle/hours-check.sh    uses the real binary
#
# Prints "N passed, N failed" (from tests/oracle/hours-oracle.js) and exits
# non-zero on any difference. Needs node and node_modules/opening_hours.
set -eu
cd "$(dirname "$0")/../.."
if [ -n "${HOURS_BIN:-}" ]; then
    exec node tests/oracle/hours-oracle.js "$HOURS_BIN" hours
fi
objects="build/src/hours/hours.o build/src/hours/tz.o build/src/hours/sun.o build/src/cmd/cmd_hours.o build/src/core/util.o build/src/core/i18n.o"
make -s $objects
mkdir -p build/tests
cc -std=c11 -D_GNU_SOURCE -Isrc -o build/tests/hours-cli tests/oracle/hours-cli.c $objects -lpthread -lm
exec node tests/oracle/hours-oracle.js build/tests/hours-cli hours
