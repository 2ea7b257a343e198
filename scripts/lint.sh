#!/bin/sh
# make lint: every C file of the project against the checked-in .clang-format,
# and cppcheck (warnings and portability; jansson's macros from
# scripts/cppcheck-jansson.cfg). Prints what is wrong, then one line
# "N passed, N failed" (one check per tool) for tests/run.sh.
#
#   scripts/lint.sh          check
#   scripts/lint.sh --fix    reformat in place with clang-format
set -u
cd "$(dirname "$0")/.."
files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/unit/*.h' 'fuzz/*.c' 'tests/oracle/*.c' 2>/dev/null)
[ -n "$files" ] || files=$(find src tests/unit fuzz tests/oracle -name '*.[ch]' | sort)
if [ "${1:-}" = "--fix" ]; then
    clang-format -i $files
    exit 0
fi
passed=0
failed=0
if clang-format --dry-run --Werror $files; then
    passed=$((passed + 1))
else
    echo "lint: clang-format: the files above differ from .clang-format (scripts/lint.sh --fix)"
    failed=$((failed + 1))
fi
csrc=$(echo "$files" | tr ' ' '\n' | grep '^src/.*\.c$')
if cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
    --library=scripts/cppcheck-jansson.cfg -Isrc -j2 $csrc; then
    passed=$((passed + 1))
else
    echo "lint: cppcheck found the problems above"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
