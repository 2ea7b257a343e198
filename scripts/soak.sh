#!/bin/sh
# make soak — a long mixed read load at about 80 % of measured capacity, with
# the daemon's resident memory sampled every 10 s. Reports and checks:
# 0 errors (connect/read/timeout/HTTP ≥ 400), and RSS flat after warm-up
# (last sample ≤ 110 % of the sample at the end of the first tenth).
#
#   SOAK_SECONDS=600      duration (default 10 minutes)
#   SOAK_CATALOGUE=30000  demo | a generated size (see bench/run.sh)
#
# Capacity is measured first (10 s, 64 connections, unthrottled); the soak
# then runs wrk with 16 connections and a per-request delay from
# bench/random-path.lua's pacing (SOAK_RATE requests/s), on the same mix of
# paths as make bench. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${REPERE_BIN:-$ROOT/build/repere}
SECS=${SOAK_SECONDS:-600}
SIZE=${SOAK_CATALOGUE:-demo}
export REPERE_ROOT=$ROOT
OUT=$ROOT/build/soak
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/repere-soak.XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

db=$ROOT/build/bench/catalogue-$SIZE.db
if [ ! -f "$db" ]; then
    db=$TMP/catalogue.db
    "$BIN" migrate --db "$db" >/dev/null 2>&1 && "$BIN" demo --db "$db" >/dev/null 2>&1
fi
node bench/paths.js "$db" "$TMP/paths" 2>/dev/null
# The mix: searches by commune and by need + filters, places, home, agenda.
cat "$TMP/paths/search-commune.paths" "$TMP/paths/search-need-filters.paths" "$TMP/paths/place.paths" \
    "$TMP/paths/place.paths" "$TMP/paths/home.paths" >"$TMP/mix.paths"
"$BIN" routes | cut -f2 | grep -qx /ateliers && head -n 500 "$TMP/paths/agenda.paths" >>"$TMP/mix.paths"

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
taskset -c 0 "$BIN" serve --db "$db" --port "$port" --quiet >"$TMP/serve.log" 2>&1 &
SERVER=$!
base=http://127.0.0.1:$port
for i in $(seq 1 100); do curl -sf -o /dev/null "$base/robots.txt" && break; sleep 0.1; done

capacity=$(BENCH_PATHS=$TMP/mix.paths taskset -c 1 wrk -t1 -c64 -d10s -s bench/random-path.lua "$base" |
    sed -n 's/^RESULT rps=\([0-9]*\).*/\1/p')
rate=$((capacity * 8 / 10))
echo "soak: capacity $capacity req/s on the mix; soaking at $rate req/s for $SECS s"

# Pacing: wrk has no rate option; each of the 16 connections waits
# 16000/rate ms between requests (wrk's delay() hook).
cat >"$TMP/paced.lua" <<LUA
dofile("$ROOT/bench/random-path.lua")
function delay() return math.floor(16000 / $rate) end
LUA
: >"$OUT/rss.tsv"
(
    t=0
    while kill -0 "$SERVER" 2>/dev/null; do
        echo "$t	$(ps -o rss= -p "$SERVER" | tr -d ' ')" >>"$OUT/rss.tsv"
        sleep 10
        t=$((t + 10))
    done
) &
SAMPLER=$!
result=$(BENCH_PATHS=$TMP/mix.paths taskset -c 1 wrk -t1 -c16 -d"${SECS}s" --timeout 5s -s "$TMP/paced.lua" "$base" | grep '^RESULT')
kill "$SAMPLER" 2>/dev/null
echo "soak: $result"
passed=0
failed=0
errors=$(echo "$result" | sed -n 's/.*errors=\([0-9]*\).*/\1/p')
if [ "${errors:-1}" -eq 0 ]; then passed=$((passed + 1)); echo "ok   0 errors"; else failed=$((failed + 1)); echo "FAIL $errors errors"; fi
n=$(wc -l <"$OUT/rss.tsv")
warm=$(sed -n "$((n / 10 + 1))p" "$OUT/rss.tsv" | cut -f2)
last=$(tail -n 1 "$OUT/rss.tsv" | cut -f2)
max=$(cut -f2 "$OUT/rss.tsv" | sort -n | tail -n 1)
echo "soak: RSS after warm-up $((warm / 1024)) MiB, max $((max / 1024)) MiB, at the end $((last / 1024)) MiB ($n samples in $OUT/rss.tsv)"
if [ "$last" -le $((warm * 11 / 10)) ]; then passed=$((passed + 1)); echo "ok   RSS flat after warm-up"; else failed=$((failed + 1)); echo "FAIL RSS grew after warm-up"; fi
kill -0 "$SERVER" 2>/dev/null && { passed=$((passed + 1)); echo "ok   daemon alive"; } || { failed=$((failed + 1)); echo "FAIL daemon died"; }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
