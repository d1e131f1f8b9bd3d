#!/usr/bin/env bash
# The PostgreSQL outbox source (issue 21): for the memory and the SQLite store (--durability os),
#  - drain: ROWS (default 100,000) rows of 100 bytes waiting in a fresh outbox when the hub starts;
#    rows/s from the first row taken to the table drained, 3 runs;
#  - latency: 1,000 single-row INSERTs a second (autocommit) for 30 s after 5 s of warm-up; p50/p99
#    from just before the INSERT to the subscriber's event.
# The hub is pinned to CPU 0, the bench (inserter, subscriber) to CPU 1, PostgreSQL runs where the
# kernel puts it. Needs PostgreSQL on 127.0.0.1:5432 (database test, user postgres, trust).
# Writes bench/results/source-postgresql.md. Usage: bench/source-postgresql.sh [rows] [rate] [seconds]
. "$(dirname "$0")/lib.sh"
ROWS=${1:-100000}
RATE=${2:-1000}
SECONDS_MEASURED=${3:-30}
OUT="$RESULTS/source-postgresql.md"
build
run() { taskset -c "$BENCH_CPU" "$JAVA" -cp "$JAR" "$BENCH_DIR/SourcePostgresBench.java" "$1" "$2" "$JAR" "$JAVA" "$SERVER_CPU" "${@:3}"; }
{
  echo "PostgreSQL outbox source: $(machine); $(psql -h 127.0.0.1 -U postgres -d test -Atc 'SHOW server_version' 2>/dev/null || echo PostgreSQL)"
  echo "load before: $(uptime)"
  echo
} >"$OUT"
for store in memory sqlite; do
  for n in 1 2 3; do
    echo "$store drain $n: $(run drain "$store" "$ROWS")" | tee -a "$OUT"
  done
  echo "$store latency: $(run latency "$store" "$RATE" "$SECONDS_MEASURED")" | tee -a "$OUT"
done
echo "load after: $(uptime)" | tee -a "$OUT"
