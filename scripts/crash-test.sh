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
# catalogue.
#
# Then an import killed mid-file: a file of MID_RECORDS places is imported
# whole (version 1), then the same places with every field changed (version
# 2, then 1 again…) are imported and killed with SIGKILL at a random moment
# of the run. After each kill: integrity_check, no place lost, and every
# place wholly of one version (name, address, phone, hours and summary
# agree) — the file is one transaction, so all of them of the same one,
# the new one when the import had said it was done.
#
# Then admin saves killed mid-way: a manager saves the identity section
# (name and phone carry the same number) in a loop through the daemon,
# which is killed with SIGKILL; the place holds a name and a phone of the
# same save, the last acknowledged one or a later one.
# Prints "N passed, N failed".
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

# ---- an import killed mid-file ----
MID=${MID_RECORDS:-4000}
mid_file() { # version → $TMP/mid-VERSION.json: MID places, every field marked with the version
    node -e '
const [n, v, out] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]];
const a = [];
for (let i = 1; i <= n; i++) a.push({ id: `mid-${i}`, pivot: "00000000000000", nom: `Lieu mi-fichier ${i} v${v}`,
  commune: "Chambéry", code_postal: "73000", code_insee: "73065", adresse: `${i} rue Version ${v}`,
  latitude: 45 + i / 1000, longitude: 5 + i / 1000, date_maj: `2026-01-0${v}`, source: "crash-mid",
  telephone: `04790${v}${String(i).padStart(4, "0")}`, horaires: v === 1 ? "Mo-Fr 09:00-12:00" : "Tu-Sa 14:00-18:00",
  presentation_resume: `Version ${v} du lieu ${i}` });
require("fs").writeFileSync(out, JSON.stringify(a));' "$MID" "$1" "$TMP/mid-$1.json"
}
mid_check() { # label, version acknowledged or "" → checks the places of crash-mid
    ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
    [ "$ic" = ok ] && ok "$1: PRAGMA integrity_check ok" || ko "$1: integrity_check: $ic"
    versions=$(sqlite3 "$DB" "SELECT count(*), v FROM (SELECT CASE
        WHEN name = 'Lieu mi-fichier ' || substr(source_id, 5) || ' v1' AND address = substr(source_id, 5) || ' rue Version 1'
             AND phone = '+3347901' || printf('%04d', substr(source_id, 5)) AND hours = 'Mo-Fr 09:00-12:00'
             AND summary = 'Version 1 du lieu ' || substr(source_id, 5) THEN 1
        WHEN name = 'Lieu mi-fichier ' || substr(source_id, 5) || ' v2' AND address = substr(source_id, 5) || ' rue Version 2'
             AND phone = '+3347902' || printf('%04d', substr(source_id, 5)) AND hours = 'Tu-Sa 14:00-18:00'
             AND summary = 'Version 2 du lieu ' || substr(source_id, 5) THEN 2
        ELSE 'mixed' END AS v FROM place WHERE source = 'crash-mid') GROUP BY v")
    total=$(sqlite3 "$DB" "SELECT count(*) FROM place WHERE source = 'crash-mid'")
    [ "$total" -eq "$MID" ] && ok "$1: all $MID places present" || ko "$1: $total places of $MID"
    case "$versions" in
    *mixed*) ko "$1: places mixing two versions: $(echo "$versions" | tr '\n' ' ')" ;;
    "$MID|1" | "$MID|2") ok "$1: every place wholly of one version, all of the same ($versions)" ;;
    *) ko "$1: places of both versions: $(echo "$versions" | tr '\n' ' ')" ;;
    esac
    if [ -n "$2" ]; then
        [ "$versions" = "$MID|$2" ] && ok "$1: the acknowledged import (version $2) is there" ||
            ko "$1: the import of version $2 was acknowledged, the catalogue holds $versions"
    fi
}
mid_file 1
mid_file 2
if "$BIN" import "$TMP/mid-1.json" --db "$DB" >/dev/null 2>&1; then ok "mid-file: version 1 imported whole"; else ko "mid-file: version 1 not imported"; fi
# How long a whole re-import takes, so that the kills fall before, during and after it.
t0=$(date +%s%N)
"$BIN" import "$TMP/mid-2.json" --db "$DB" >/dev/null 2>&1
took_ms=$((($(date +%s%N) - t0) / 1000000))
mid_check "mid-file: version 2 imported whole in $took_ms ms" 2
current=2
round=1
while [ "$round" -le "$ROUNDS" ]; do
    next=$((3 - current))
    "$BIN" import "$TMP/mid-$next.json" --db "$DB" >"$TMP/mid.out" 2>&1 &
    IMPORT=$!
    # Between 5 % and 110 % of a whole import's time.
    delay=$(awk -v r="$(od -An -N2 -tu2 /dev/urandom)" -v t="$took_ms" 'BEGIN {printf "%.2f", t * (0.05 + r / 65535 * 1.05) / 1000}')
    sleep "$delay"
    kill -9 "$IMPORT" 2>/dev/null
    acked=""
    if { wait "$IMPORT"; } 2>/dev/null; then acked=$next; fi
    mid_check "mid-file round $round (import of version $next killed after $delay s$([ -n "$acked" ] && echo ', it was done'))" "$acked"
    current=$(sqlite3 "$DB" "SELECT CASE WHEN name LIKE '% v2' THEN 2 ELSE 1 END FROM place WHERE source = 'crash-mid' LIMIT 1")
    round=$((round + 1))
done

# ---- admin saves killed mid-way ----
start_server || ko "admin saves: the daemon did not start"
save_place=$(sqlite3 "$DB" "SELECT id FROM place WHERE source = 'crash-mid' ORDER BY id LIMIT 1")
printf '%s\n' 'une phrase de passe pour la panne' | "$BIN" user add panne@example.fr --password-stdin "manager:$save_place" --db "$DB" >/dev/null 2>&1
: >"$TMP/saved"
saver() { # endless: save the identity section, note the saves acknowledged (303)
    jar=$TMP/jar
    base="http://127.0.0.1:$port"
    csrf=$(curl -s -c "$jar" "$base/connexion" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
    curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "email=panne@example.fr" \
        --data-urlencode "password=une phrase de passe pour la panne" "$base/connexion"
    csrf=$(curl -s -b "$jar" "$base/admin/lieux/$save_place" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
    n=$((1000 * $1))
    while :; do
        n=$((n + 1))
        code=$(curl -s -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$csrf" \
            --data-urlencode "name=Sauvegarde $n" --data-urlencode "phone=04 79 $(printf '%06d' "$n" | sed 's/\(..\)\(..\)\(..\)/\1 \2 \3/')" \
            "$base/admin/lieux/$save_place/identite")
        [ "$code" = 303 ] && echo "$n" >>"$TMP/saved"
    done
}
round=1
while [ "$round" -le "$ROUNDS" ]; do
    [ -n "$SERVER" ] || start_server || { ko "admin saves round $round: the daemon did not restart"; break; }
    acked_before=$(wc -l <"$TMP/saved")
    saver "$round" &
    WRITER=$!
    # Once this round's first save is acknowledged (signed in), kill at a random moment.
    for i in $(seq 1 100); do [ "$(wc -l <"$TMP/saved")" -gt "$acked_before" ] && break; sleep 0.1; done
    sleep "$(awk -v r="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN {printf "%.2f", 0.1 + r / 65535 * 1.5}')"
    kill -9 "$SERVER" 2>/dev/null
    pkill -9 -P "$WRITER" 2>/dev/null
    kill -9 "$WRITER" 2>/dev/null
    wait 2>/dev/null
    WRITER=""
    SERVER=""
    ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
    [ "$ic" = ok ] && ok "admin saves round $round: PRAGMA integrity_check ok" || ko "admin saves round $round: integrity_check: $ic"
    row=$(sqlite3 "$DB" "SELECT name || '|' || phone FROM place WHERE id = $save_place")
    last=$(tail -n 1 "$TMP/saved")
    n=${row%%|*}
    n=${n#Sauvegarde }
    case "$n" in *[!0-9]* | "") n=0 ;; esac
    want="Sauvegarde $n|+33479$(printf '%06d' "$n")"
    if [ "$(wc -l <"$TMP/saved")" -le "$acked_before" ]; then
        ko "admin saves round $round: no save was acknowledged"
    elif [ "$row" != "$want" ]; then
        ko "admin saves round $round: name and phone of different saves: $row"
    elif [ "$n" -lt "$last" ] 2>/dev/null; then
        ko "admin saves round $round: save $last was acknowledged, the place holds save $n"
    else
        ok "admin saves round $round: the place is wholly save $n ($(wc -l <"$TMP/saved") saves acknowledged, last $last)"
    fi
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
