#!/bin/sh
# Oracle check of the national-schema export (src/places/export.c) against the
# national reference library: every exported record of the demo catalogue
# must pass fromSchemaLieuDeMediationNumerique, and the CSV must survive a
# round trip. Prints "N passed, N failed" (tests/oracle/validate-export.js).
# Needs build/repere, node and node_modules/@gouvfr-anct/lieux-de-mediation-numerique.
set -eu
cd "$(dirname "$0")/../.."
exec node tests/oracle/validate-export.js "${REPERE_BIN:-build/repere}"
