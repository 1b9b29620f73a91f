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
# BIN: a release build of coso; DB: a SQLite file (`coso seed --demo`), copied first.
# ROLE: the token's role (analyst by default; the floor needs admin).
set -euo pipefail
BIN=$1; DB=$2; QUERY=$3; N=${4:-10}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$DB" "$WORK/db.sqlite"
for suffix in -wal -shm; do
  if [ -f "$DB$suffix" ]; then cp "$DB$suffix" "$WORK/db.sqlite$suffix"; fi
done
export COSO_DATABASE_URL="sqlite://$WORK/db.sqlite?mode=rwc"
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
if [ -n "${FLOOR:-}" ]; then
  URL="http://127.0.0.1:$PORT/bench/floor"
  BODY="{\"request\":\"$FLOOR\"}"
else
  URL="http://127.0.0.1:$PORT/graphql"
  BODY=$(python3 -c 'import json, sys; print(json.dumps({"query": sys.argv[1]}))' "$QUERY")
fi
send() {
  curl -s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "$BODY" "$URL"
}
callgrind_control -i on "$SERVER" > /dev/null 2>&1
for _ in 1 2 3 4 5; do send > "$WORK/answer.json"; done
callgrind_control -z "$SERVER" > /dev/null 2>&1
for _ in $(seq 1 "$N"); do send > /dev/null; done
callgrind_control -d "$SERVER" > /dev/null 2>&1
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
TOTAL=$(grep -l "Trigger: dump" "$WORK"/cg.out* | xargs grep -h "^totals:" | awk '{s += $2} END {printf "%d", s}')
echo "instructions per request: $((TOTAL / N)) ($N requests); answer: $(head -c 100 "$WORK/answer.json")"
