#!/bin/bash
# Instructions per request (valgrind's callgrind): a repeatable measure on a shared, noisy
# machine, where CPU time moves by ±20% from one run to the next. Starts `coso serve` under
# callgrind on a copy of a SQLite database, sends a GraphQL document (or a request of the
# bench-only SQL floor) a few times to warm it, then counts the instructions of N more,
# sent one after the other. Counts every thread (SQLite runs inside the server), user space
# only: the kernel's share (context switches) is not in it.
#
#   tools/callgrind-request.sh BIN DB QUERY [N]
#   FLOOR=officers_with_units tools/callgrind-request.sh BIN DB '' 10    # the floor's answer
#
# BIN: a release build of coso; DB: a SQLite file (`coso seed --demo`), copied first, or a
# PostgreSQL URL (used as it is; only the server's instructions are counted then).
# SETTLE: seconds to wait after start-up before counting (a server computes its first
# indicator snapshot then: on the national tier, give it 60).
# KEEP: a directory to keep callgrind's output in (for callgrind_annotate).
# FLOOR_ARGS: more of the floor's body, e.g. '"district":"341","day":"2025-06-30"'.
# ROLE: the token's role (analyst by default; the floor needs admin).
set -euo pipefail
BIN=$1; DB=$2; QUERY=$3; N=${4:-10}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
case "$DB" in
  postgres://*) export COSO_DATABASE_URL="$DB" ;;
  *)
    cp "$DB" "$WORK/db.sqlite"
    for suffix in -wal -shm; do
      if [ -f "$DB$suffix" ]; then cp "$DB$suffix" "$WORK/db.sqlite$suffix"; fi
    done
    export COSO_DATABASE_URL="sqlite://$WORK/db.sqlite?mode=rwc"
    ;;
esac
ROLE=${ROLE:-analyst}
if [ -n "${FLOOR:-}" ]; then ROLE=admin; fi
TOKEN=$("$BIN" token create --role "$ROLE" 2>/dev/null | tail -1)
PORT=$((20000 + RANDOM % 20000))
COSO_BENCH_FLOOR=1 valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$WORK/cg.out" "$BIN" --listen "127.0.0.1:$PORT" serve \
  > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/health"; then break; fi
  sleep 0.5
done
sleep "${SETTLE:-0}"
if [ -n "${FLOOR:-}" ]; then
  URL="http://127.0.0.1:$PORT/bench/floor"
  BODY="{\"request\":\"$FLOOR\"${FLOOR_ARGS:+,$FLOOR_ARGS}}"
else
  URL="http://127.0.0.1:$PORT/graphql"
  BODY=$(python3 -c 'import json, sys; print(json.dumps({"query": sys.argv[1]}))' "$QUERY")
fi
# The N requests of a call go over one keep-alive connection, as a load's do: a new
# connection per request would count its accept and set-up (hyper, poem) in each.
send() {
  local urls=()
  for _ in $(seq 1 "$1"); do urls+=("$URL"); done
  curl -s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "$BODY" "${urls[@]}"
}
callgrind_control -i on "$SERVER" > /dev/null 2>&1
send 1 > "$WORK/answer.json"
send 4 > /dev/null
callgrind_control -z "$SERVER" > /dev/null 2>&1
send "$N" > /dev/null
callgrind_control -d "$SERVER" > /dev/null 2>&1
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; cp "$WORK"/cg.out* "$KEEP"/; fi
TOTAL=$(grep -l "Trigger: dump" "$WORK"/cg.out* | xargs grep -h "^totals:" | awk '{s += $2} END {printf "%d", s}')
echo "instructions per request: $((TOTAL / N)) ($N requests); answer: $(head -c 100 "$WORK/answer.json")"
