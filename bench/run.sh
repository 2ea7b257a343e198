#!/bin/sh
# make bench — throughput and latency of Repère on loopback, next to nginx
# serving the same rendered bytes as static files. Reports; asserts nothing.
#
#   BENCH_SIZES="demo 30000 300000"   catalogues: the demo one, generated ones
#   BENCH_SECONDS=5 BENCH_RUNS=3      seconds per run, runs per route (after a warm-up)
#   BENCH_CONNECTIONS=64              wrk connections
#   REPERE_BIN=build/repere
#
# The daemon (and nginx) run on CPU 0, wrk on CPU 1 (taskset): on this
# 2-core machine that keeps the load generator off the server's core. Each
# request path is drawn at random from a list (bench/paths.js,
# bench/random-path.lua). Medians of the runs are reported with p50/p99.
# Results: build/bench/results.md (and .tsv), build/bench/resources.tsv (import
# and start-up seconds, daemon RSS at start and after the runs, per size).
#
# The daemon runs with its page cache (src/http/page_cache.h) as in
# production; the searches are then measured again with it off
# (REPERE_PAGE_CACHE_MB=0, rows "…, page cache off", routes "*-nocache" in
# results.tsv): the cost of a question not asked in the same minute.
#
# Bench-only: the daemon is started with the API's rate limit lifted
# (REPERE_API_RATE / REPERE_API_BURST far above what wrk can send), so the
# api route measures the API rather than its 429 answers, and with the limit
# of connections per address raised (REPERE_PER_IP_CONNECTIONS): wrk is one
# address holding 64 connections, and with `Connection: close` the closing
# ones still count, so the daemon refused new ones (read errors in wrk).
# Never in production.
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${REPERE_BIN:-$ROOT/build/repere}
SIZES=${BENCH_SIZES:-demo 30000 300000}
SECS=${BENCH_SECONDS:-5}
RUNS=${BENCH_RUNS:-3}
CONNS=${BENCH_CONNECTIONS:-64}
OUT=$ROOT/build/bench
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/repere-bench.XXXXXX)
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    [ -f "$TMP/nginx/nginx.pid" ] && kill "$(cat "$TMP/nginx/nginx.pid")" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
export REPERE_ROOT=$ROOT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
has_route() { "$BIN" routes | cut -f2 | grep -qx "$1"; }

# ---- catalogues ----
catalogue() { # size → path of a ready database
    db=$OUT/catalogue-$1.db
    if [ ! -f "$db" ] || [ "$db" -ot "$BIN" ]; then
        rm -f "$db" "$db-wal" "$db-shm"
        "$BIN" migrate --db "$db" >/dev/null 2>&1
        if [ "$1" = demo ]; then
            "$BIN" demo --db "$db" >/dev/null 2>&1
        else
            if [ ! -f "$OUT/templates.json" ]; then
                "$BIN" migrate --db "$TMP/demo.db" >/dev/null 2>&1
                "$BIN" demo --db "$TMP/demo.db" >/dev/null 2>&1
                "$BIN" export --db "$TMP/demo.db" --format json --output "$OUT/templates.json" >/dev/null 2>&1
            fi
            [ -f "$OUT/catalogue-$1.json" ] || node bench/gen-catalogue.js "$1" "$OUT/templates.json" "$OUT/catalogue-$1.json"
            start=$(date +%s.%N)
            "$BIN" import "$OUT/catalogue-$1.json"* --db "$db" 2>&1 | grep -E 'imported [0-9]+' | sed "s|^.*: |  import: |" >&2
            import_s=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
            echo "$import_s" >"$OUT/import-$1.seconds"
            echo "  import of $1 places: $import_s s" >&2
        fi
    fi
    echo "$db"
}

# ---- one wrk measurement: prints "rps p50 p99 errors" ----
wrk_once() { # base paths-file seconds [extra wrk args]
    base=$1; paths=$2; secs=$3; shift 3
    BENCH_PATHS=$paths taskset -c 1 wrk -t1 -c"$CONNS" -d"${secs}s" --timeout 5s -s bench/random-path.lua "$@" "$base" 2>&1 |
        sed -n 's/^RESULT rps=\([0-9.]*\) p50_ms=\([0-9.]*\) p99_ms=\([0-9.]*\) requests=[0-9]* errors=\([0-9]*\)/\1 \2 \3 \4/p'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # base paths-file [extra wrk args] → "rps p50 p99 errors" (medians; errors summed)
    base=$1; paths=$2; shift 2
    wrk_once "$base" "$paths" 2 "$@" >/dev/null # warm-up
    : >"$TMP/runs"
    i=0
    while [ "$i" -lt "$RUNS" ]; do wrk_once "$base" "$paths" "$SECS" "$@" >>"$TMP/runs"; i=$((i + 1)); done
    printf '%s %s %s %s\n' "$(cut -d' ' -f1 "$TMP/runs" | median)" "$(cut -d' ' -f2 "$TMP/runs" | median)" \
        "$(cut -d' ' -f3 "$TMP/runs" | median)" "$(awk '{s+=$4} END {print s+0}' "$TMP/runs")"
}

# ---- nginx with the same bytes ----
start_nginx() { # dir-with-www → base URL
    port=$(free_port)
    mkdir -p "$TMP/nginx/logs" "$TMP/nginx/tmp"
    cat >"$TMP/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    default_type text/html;
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
    scgi_temp_path $TMP/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $1;
    }
}
CONF
    taskset -c 0 nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -g 'user root;' 2>/dev/null ||
        taskset -c 0 nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf"
    echo "http://127.0.0.1:$port"
}
stop_nginx() { kill "$(cat "$TMP/nginx/nginx.pid")" 2>/dev/null || true; sleep 0.5; rm -f "$TMP/nginx/nginx.pid"; }

ROUTES="home search-commune search-need-filters place"
has_route /ateliers && ROUTES="$ROUTES agenda"
has_route /api/v1/lieux && ROUTES="$ROUTES api"

date_iso=$(date -u +%Y-%m-%dT%H:%MZ)
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
{
    echo "# make bench — $date_iso"
    echo
    echo "Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GB; repere and nginx on CPU 0, wrk (1 thread, $CONNS connections) on CPU 1."
    echo "Each figure: median of $RUNS runs of ${SECS} s after a 2 s warm-up; random paths from bench/paths.js."
    echo
} >"$OUT/results.md"
printf 'size\troute\trps\tp50_ms\tp99_ms\terrors\tnginx_rps\tnginx_p99_ms\tratio\n' >"$OUT/results.tsv"
printf 'size\timport_s\tstartup_s\trss_start_mib\trss_end_mib\n' >"$OUT/resources.tsv"

for size in $SIZES; do
    echo "== catalogue: $size" >&2
    db=$(catalogue "$size")
    node bench/paths.js "$db" "$TMP/paths-$size" 2>&1 | sed 's/^/  /' >&2
    port=$(free_port)
    started=$(date +%s.%N)
    REPERE_API_RATE=1000000000 REPERE_API_BURST=1000000000 REPERE_PER_IP_CONNECTIONS=4096 \
        taskset -c 0 "$BIN" serve --db "$db" --listen 127.0.0.1 --port "$port" --quiet >"$TMP/serve.log" 2>&1 &
    SERVER_PID=$!
    base=http://127.0.0.1:$port
    for i in $(seq 1 400); do curl -sf -o /dev/null "$base/robots.txt" && break; sleep 0.05; done
    startup_s=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
    rss_start=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')

    # The same bytes for nginx: a sample of each route's pages, rendered by repere.
    www=$TMP/www-$size
    for r in $ROUTES; do
        mkdir -p "$www/$r"
        head -n 300 "$TMP/paths-$size/$r.paths" | awk '!seen[$0]++' >"$TMP/sample"
        n=0
        : >"$TMP/paths-$size/$r.static"
        while IFS= read -r p; do
            n=$((n + 1))
            curl -s -o "$www/$r/$n.html" "$base$p"
            echo "/$r/$n.html" >>"$TMP/paths-$size/$r.static"
        done <"$TMP/sample"
    done
    # Size on the wire of the results page (gzip as browsers ask, and identity).
    wire=$(head -n 50 "$TMP/paths-$size/search-commune.paths" | while IFS= read -r p; do
        curl -s -o /dev/null -H 'Accept-Encoding: gzip' -w '%{size_download}\n' "$base$p"; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[NR]}')
    raw=$(head -n 50 "$TMP/paths-$size/search-commune.paths" | while IFS= read -r p; do
        curl -s -o /dev/null -w '%{size_download}\n' "$base$p"; done | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[NR]}')

    nginx_base=$(start_nginx "$www")
    {
        echo "## Catalogue: $size places"
        echo
        echo "| route | req/s | p50 ms | p99 ms | errors | nginx req/s | nginx p99 ms | repere/nginx |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    } >>"$OUT/results.md"
    for r in $ROUTES; do
        set -- $(measure "$base" "$TMP/paths-$size/$r.paths") - - - -
        rps=$1 p50=$2 p99=$3 errs=$4
        set -- $(measure "$nginx_base" "$TMP/paths-$size/$r.static") - - - -
        nrps=$1 np99=$3
        ratio=$(awk -v a="$rps" -v b="$nrps" 'BEGIN {printf "%.2f", a / b}')
        echo "  $r: $rps req/s, p50 $p50 ms, p99 $p99 ms, errors $errs | nginx $nrps req/s, p99 $np99 ms | ratio $ratio" >&2
        echo "| $r | $rps | $p50 | $p99 | $errs | $nrps | $np99 | $ratio |" >>"$OUT/results.md"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$r" "$rps" "$p50" "$p99" "$errs" "$nrps" "$np99" "$ratio" >>"$OUT/results.tsv"
    done
    # Without keep-alive: a new TCP connection per request.
    set -- $(measure "$base" "$TMP/paths-$size/search-commune.paths" -H 'Connection: close') - - - -
    crps=$1 cp99=$3 cerr=$4
    set -- $(measure "$nginx_base" "$TMP/paths-$size/search-commune.static" -H 'Connection: close') - - - -
    ncrps=$1 ncp99=$3
    rss_end=$(ps -o rss= -p "$SERVER_PID" | tr -d ' ')
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    # The same searches with the page cache off (REPERE_PAGE_CACHE_MB=0):
    # what a question nobody asked this minute costs.
    port=$(free_port)
    REPERE_PAGE_CACHE_MB=0 REPERE_API_RATE=1000000000 REPERE_API_BURST=1000000000 REPERE_PER_IP_CONNECTIONS=4096 \
        taskset -c 0 "$BIN" serve --db "$db" --listen 127.0.0.1 --port "$port" --quiet >"$TMP/serve-cold.log" 2>&1 &
    SERVER_PID=$!
    cold=http://127.0.0.1:$port
    for i in $(seq 1 400); do curl -sf -o /dev/null "$cold/robots.txt" && break; sleep 0.05; done
    cold_rows=""
    for r in search-commune search-need-filters; do
        set -- $(measure "$cold" "$TMP/paths-$size/$r.paths") - - - -
        rps=$1 p50=$2 p99=$3 errs=$4
        set -- $(measure "$nginx_base" "$TMP/paths-$size/$r.static") - - - -
        nrps=$1 np99=$3
        ratio=$(awk -v a="$rps" -v b="$nrps" 'BEGIN {printf "%.2f", a / b}')
        echo "  $r (page cache off): $rps req/s, p50 $p50 ms, p99 $p99 ms | ratio $ratio" >&2
        cold_rows="$cold_rows| $r, page cache off | $rps | $p50 | $p99 | $errs | $nrps | $np99 | $ratio |
"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$r-nocache" "$rps" "$p50" "$p99" "$errs" "$nrps" "$np99" "$ratio" >>"$OUT/results.tsv"
    done
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    stop_nginx
    {
        echo "| search-commune, Connection: close | $crps | | $cp99 | $cerr | $ncrps | $ncp99 | $(awk -v a="$crps" -v b="$ncrps" 'BEGIN {printf "%.2f", a / b}') |"
        printf '%s' "$cold_rows"
        echo
        echo "Results page on the wire (50 searches by commune): gzip median/max $(echo $wire | sed 's/ / \/ /') bytes; identity median/max $(echo $raw | sed 's/ / \/ /') bytes. Daemon RSS: $((rss_start / 1024)) MiB at start, $((rss_end / 1024)) MiB after the runs."
        echo
    } >>"$OUT/results.md"
    echo "  Connection: close: repere $crps req/s (p99 $cp99 ms), nginx $ncrps req/s; wire gzip median/max $wire, identity $raw" >&2
    # The import time of the catalogue as last built ("-" for the demo one).
    import_s=$(cat "$OUT/import-$size.seconds" 2>/dev/null || echo -)
    printf '%s\t%s\t%s\t%s\t%s\n' "$size" "$import_s" "$startup_s" "$((rss_start / 1024))" "$((rss_end / 1024))" >>"$OUT/resources.tsv"
    echo "  import $import_s s, start-up $startup_s s, RSS $((rss_start / 1024)) → $((rss_end / 1024)) MiB" >&2
done
cat "$OUT/results.md"

# The territory view (repere territory): reading, then the distances of every
# commune of France and of one département, on the 30 000-place catalogue.
if "$BIN" territory --help >/dev/null 2>&1; then
    { echo; echo "## Territory view"; echo; "$BIN" territory --db "$(catalogue 30000)" --departement 26; } | tee -a "$OUT/results.md" >&2
fi
