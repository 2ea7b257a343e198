#!/bin/sh
# make crash-test — kill -9 under write load, restart, check nothing
# acknowledged is lost; then a backup taken under load, restored and served.
#
#   CRASH_ROUNDS=5   how many kill -9
#
# Writer: `repere import` of one-record files, one after the other; a write is
# acknowledged when the command exited 0 saying "imported 1" (it then
# committed). At a random moment (0.3–2.5 s) the daemon serving reads AND the
# import in flight are killed with SIGKILL. After each crash: PRAGMA
# integrity_check must say ok, and every acknowledged record must be in the
# catalogue. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${REPERE_BIN:-$ROOT/build/repere}
ROUNDS=${CRASH_ROUNDS:-5}
export REPERE_ROOT=$ROOT
TMP=$(mktemp -d /tmp/repere-crash.XXXXXX)
DB=$TMP/catalogue.db
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
ko() { failed=$((failed + 1)); echo "FAIL $*"; }
SERVER=""
WRITER=""
cleanup() {
    [ -n "$WRITER" ] && kill -9 "$WRITER" 2>/dev/null
    [ -n "$SERVER" ] && kill -9 "$SERVER" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

"$BIN" migrate --db "$DB" >/dev/null 2>&1
"$BIN" demo --db "$DB" >/dev/null 2>&1
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
: >"$TMP/acked"

record() { # n → a one-record schema v1 JSON file
    cat >"$TMP/rec-$1.json" <<JSON
[{"id": "crash-$1", "pivot": "00000000000000", "nom": "Lieu du test de panne $1", "commune": "Chambéry", "code_postal": "73000",
  "code_insee": "73065", "adresse": "$1 rue de la Panne", "latitude": 45.5646, "longitude": 5.9178,
  "date_maj": "2026-01-01", "source": "crash-test", "services": "Aide aux démarches administratives",
  "horaires": "Mo-Fr 09:00-12:00"}]
JSON
}

writer() { # endless: import records in sequence, note those acknowledged
    n=$(($(wc -l <"$TMP/acked") + 1000 * $1))
    while :; do
        n=$((n + 1))
        record "$n"
        if out=$("$BIN" import "$TMP/rec-$n.json" --db "$DB" 2>&1) && echo "$out" | grep -q 'imported 1'; then
            echo "crash-$n" >>"$TMP/acked"
        fi
        rm -f "$TMP/rec-$n.json"
    done
}

start_server() {
    "$BIN" serve --db "$DB" --port "$port" --quiet >>"$TMP/serve.log" 2>&1 &
    SERVER=$!
    for i in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/robots.txt" && return 0; sleep 0.1; done
    return 1
}

check() { # label
    ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
    [ "$ic" = ok ] && ok "$1: PRAGMA integrity_check ok" || ko "$1: integrity_check: $ic"
    sqlite3 "$DB" "SELECT source_id FROM place WHERE source = 'crash-test'" | sort >"$TMP/present"
    sort "$TMP/acked" >"$TMP/acked.sorted"
    lost=$(comm -23 "$TMP/acked.sorted" "$TMP/present" | wc -l)
    [ "$lost" -eq 0 ] && ok "$1: all $(wc -l <"$TMP/acked") acknowledged writes present ($(wc -l <"$TMP/present") in the catalogue)" ||
        ko "$1: $lost acknowledged writes lost: $(comm -23 "$TMP/acked.sorted" "$TMP/present" | head -n 5 | tr '\n' ' ')"
}

round=1
while [ "$round" -le "$ROUNDS" ]; do
    start_server || { ko "round $round: the daemon did not restart"; break; }
    writer "$round" &
    WRITER=$!
    # Reads meanwhile.
    (while :; do curl -s -o /dev/null "http://127.0.0.1:$port/lieux?ou=Chamb%C3%A9ry"; done) &
    READER=$!
    sleep "$(awk -v s="$$$round" 'BEGIN {srand(s); printf "%.2f", 0.3 + rand() * 2.2}')"
    # Kill -9: the daemon, the writer loop and the import it is running.
    pkill -9 -P "$WRITER" 2>/dev/null
    kill -9 "$WRITER" "$SERVER" 2>/dev/null
    kill "$READER" 2>/dev/null
    wait 2>/dev/null
    WRITER=""
    SERVER=""
    check "round $round (kill -9 after $(wc -l <"$TMP/acked") acknowledged writes)"
    round=$((round + 1))
done

# Backup under load, then restore it and serve it.
start_server || ko "backup: the daemon did not start"
writer 99 &
WRITER=$!
sleep 1
before=$(wc -l <"$TMP/acked")
if "$BIN" backup --db "$DB" "$TMP/backup.db" >"$TMP/backup.log" 2>&1; then ok "backup under write load: $(cat "$TMP/backup.log")"; else ko "backup: $(cat "$TMP/backup.log")"; fi
pkill -9 -P "$WRITER" 2>/dev/null; kill -9 "$WRITER" 2>/dev/null; wait "$WRITER" 2>/dev/null; WRITER=""
kill "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=""
# Restore: the backup becomes the catalogue of a fresh daemon.
mkdir -p "$TMP/restored"
cp "$TMP/backup.db" "$TMP/restored/catalogue.db"
[ "$(sqlite3 "$TMP/restored/catalogue.db" 'PRAGMA integrity_check')" = ok ] && ok "restored copy: integrity_check ok" || ko "restored copy: integrity_check"
inbackup=$(sqlite3 "$TMP/restored/catalogue.db" "SELECT count(*) FROM place WHERE source = 'crash-test'")
[ "$inbackup" -ge "$before" ] && ok "restored copy holds the $before writes acknowledged before the backup began ($inbackup)" ||
    ko "restored copy holds $inbackup crash-test places, $before were acknowledged before the backup"
DB=$TMP/restored/catalogue.db
if start_server && curl -sf "http://127.0.0.1:$port/lieux?q=panne&ou=Chamb%C3%A9ry" | grep -q 'Lieu du test de panne'; then
    ok "the restored catalogue is served (search finds the test places)"
else
    ko "the restored catalogue is not served"
fi
[ -n "$SERVER" ] && kill "$SERVER" && wait "$SERVER" 2>/dev/null; SERVER=""
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
