#!/bin/sh
# Oracle check of the school holidays (SH) against opening_hours.js (npm):
# for every département with a school calendar, every day of 2015-2032 is a
# school holiday (and which) in Repère exactly when it is one for
# opening_hours.js in the département's région, and a year Repère calls
# unknown is one opening_hours.js cannot evaluate. Prints "N passed, N failed".
set -eu
cd "$(dirname "$0")/../.."
objects="build/src/hours/hours.o build/src/hours/tz.o build/src/hours/sun.o build/src/core/util.o build/src/core/i18n.o"
make -s $objects
mkdir -p build/tests
cc -std=c11 -Isrc -o build/tests/school-cli tests/oracle/school-cli.c $objects -lpthread -lm
exec node tests/oracle/school-holidays-oracle.js build/tests/school-cli
