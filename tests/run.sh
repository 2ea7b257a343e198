#!/bin/sh
# Run every test suite and print one closing line "N passed, N failed".
#
#   lint      scripts/lint.sh              (clang-format and cppcheck)
#   unit      build/tests/test_*           (C, each prints "N passed, N failed")
#   e2e       tests/e2e/*.test.js          (node:test; real daemon on a loopback port)
#   browser   tests/browser/*.test.js      (node:test; real Chromium via playwright-core)
#   oracle    tests/oracle/*.sh            (independent implementations as oracles)
#   relevance tests/relevance/run.js       (issue 14: queries.tsv and every place of the
#                                          shared data by its name; prints its score)
#
# Each suite's own output goes to build/test-logs/; failures are shown.
set -u
cd "$(dirname "$0")/.."
logs=build/test-logs
mkdir -p "$logs"
passed=0
failed=0

count_line() { # "N passed, N failed" → adds to the totals
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
    if [ -z "$line" ]; then
        echo "  (no result line: counted as 1 failure)"
        failed=$((failed + 1))
        return
    fi
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
    passed=$((passed + p))
    failed=$((failed + f))
}

run_suite() { # name, log, command...
    name=$1; log=$2; shift 2
    start=$(date +%s)
    "$@" >"$log" 2>&1
    status=$?
    end=$(date +%s)
    before=$failed
    count_line "$log"
    if [ "$status" -ne 0 ] && [ "$failed" -eq "$before" ]; then
        failed=$((failed + 1)) # a crash or a non-zero exit without a counted failure
    fi
    printf '%-32s %s (%ss)\n' "$name" "$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)" "$((end - start))"
    if [ "$failed" -ne "$before" ] || [ "$status" -ne 0 ]; then
        echo "---- $name (exit $status), last lines of $log:"
        tail -n 40 "$log"
        echo "----"
    fi
}

# node:test's TAP output ends with "# pass N" / "# fail N": turn it into our line.
node_suite() {
    node --test --test-reporter=tap --test-concurrency=1 "$@" 2>&1
    status=$?
    return $status
}

tap_to_line() { # log → appends the summary line
    p=$(grep -E '^# pass [0-9]+' "$1" | tail -n 1 | awk '{print $3}')
    f=$(grep -E '^# fail [0-9]+' "$1" | tail -n 1 | awk '{print $3}')
    [ -n "$p" ] && echo "${p} passed, ${f:-0} failed" >>"$1"
}

# Lint first: clang-format against .clang-format, and cppcheck (scripts/lint.sh).
run_suite "lint" "$logs/lint.log" scripts/lint.sh

for bin in build/tests/test_*; do
    [ -x "$bin" ] || continue
    run_suite "unit $(basename "$bin")" "$logs/$(basename "$bin").log" "$bin"
done

for suite in e2e browser; do
    files=$(ls tests/$suite/*.test.js 2>/dev/null)
    [ -n "$files" ] || continue
    for f in $files; do
        name="$suite $(basename "$f" .test.js)"
        log="$logs/$suite-$(basename "$f" .test.js).log"
        node_suite "$f" >"$log" 2>&1
        status=$?
        tap_to_line "$log"
        before=$failed
        count_line "$log"
        if [ "$status" -ne 0 ] && [ "$failed" -eq "$before" ]; then failed=$((failed + 1)); fi
        printf '%-32s %s\n' "$name" "$(tail -n 1 "$log")"
        if [ "$failed" -ne "$before" ]; then
            echo "---- $name: failures in $log:"
            grep -E -A12 '^not ok|^ *not ok' "$log" | head -n 80
            echo "----"
        fi
    done
done

for script in tests/oracle/*.sh; do
    [ -x "$script" ] || continue
    run_suite "oracle $(basename "$script" .sh)" "$logs/oracle-$(basename "$script" .sh).log" "$script"
done

# The relevance test set: must stay at 100 % (tests/relevance/build.js says
# what each query expects and why).
run_suite "relevance" "$logs/relevance.log" node tests/relevance/run.js
grep -E '^(score|relevance set|exact name)' "$logs/relevance.log" | sed 's/^/  /'

# libFuzzer targets, a few seconds each on their corpus (fuzz/run.sh).
run_suite "fuzz smoke" "$logs/fuzz-smoke.log" make --no-print-directory fuzz-smoke

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
