#!/bin/sh
# Run every libFuzzer target of fuzz/ on its committed corpus.
#
#   fuzz/run.sh smoke      each target ~3 s (make check); prints "N passed, N failed"
#   fuzz/run.sh SECONDS    each target SECONDS (make fuzz FUZZ_SECONDS=…)
#
# New inputs go to build/fuzz/new-corpus/<target>/ (not to the committed
# corpus: copy the interesting ones by hand); crashes, leaks and timeouts to
# build/fuzz/findings/<target>/. Targets are built by `make fuzz-build`.
set -u
cd "$(dirname "$0")/.."
build=${FUZZ_BUILD:-build/fuzz}
mode=${1:-smoke}
if [ "$mode" = smoke ]; then seconds=3; else seconds=$mode; fi
export REPERE_ROOT=$PWD
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
for bin in "$build"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin" | sed 's/^fuzz_//')
    corpus=fuzz/corpus/$name
    new=$build/new-corpus/$name
    findings=$build/findings/$name
    log=$build/$name.log
    mkdir -p "$new" "$findings"
    opts="-max_total_time=$seconds -timeout=5 -rss_limit_mb=2048 -print_final_stats=1"
    # Markdown: cmark 0.30.2's quadratic inputs must show up as timeouts.
    [ "$name" = markdown ] && opts="$opts -max_len=16384 -timeout=2"
    [ "$name" = import ] && opts="$opts -max_len=65536"
    # Rules longer than RRULE_MAX_TEXT (300 bytes) are refused before parsing.
    [ "$name" = rrule ] && opts="$opts -max_len=320"
    if "$bin" $opts -artifact_prefix="$findings/" "$new" "$corpus" >"$log" 2>&1; then
        passed=$((passed + 1))
        runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
        cov=$(grep -E '^#[0-9]+.*(DONE|INITED)' "$log" | tail -n 1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
        printf 'ok   %-10s %8s runs in %ss, coverage %s\n' "$name" "${runs:-?}" "$seconds" "${cov:-?}"
    else
        failed=$((failed + 1))
        printf 'FAIL %-10s see %s and %s\n' "$name" "$log" "$findings"
        grep -E 'ERROR|SUMMARY|runtime error|abort|Test unit written' "$log" | head -n 8
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
