#!/usr/bin/env bash
# Streaming publish ingest: one POST with a text/event-stream body of N events (default 1,000,000
# 20-byte tokens) into a hub pinned to CPU 0, sent by curl pinned to CPU 1, for the memory and the
# SQLite store (--durability os): 3 warm-up streams, then 3 measured ones. Then, for the ratio, the
# single-POST rate of the same machine: `herald bench` asking 100,000 form publishes/s of one
# subscriber's topic (memory store). Writes bench/results/stream-ingest.md.
# Usage: bench/stream-ingest.sh [events]
. "$(dirname "$0")/lib.sh"
EVENTS=${1:-1000000}
OUT="$RESULTS/stream-ingest.md"
BODY="$RESULTS/stream-$EVENTS.sse"
build
if [ ! -f "$BODY" ]; then
  awk -v n="$EVENTS" 'BEGIN { for (i = 0; i < n; i++) printf "data: token %d\n\n", i }' >"$BODY"
fi
{
  echo "Streaming publish ingest: one POST of $EVENTS events ($(du -h "$BODY" | cut -f1)), no subscriber. $(machine)"
  echo
  echo "| store | run | seconds | events/s | server CPU seconds |"
  echo "|---|---|---|---|---|"
} >"$OUT"
token=$("$JAVA" -jar "$JAR" token --jwt-secret "$SECRET" --publish '*' 2>/dev/null | tail -1)
for store in memory sqlite; do
  port=$((18100 + RANDOM % 800))
  HERALD_STORE=$store start_herald "$port"
  for run in w1 w2 w3 1 2 3; do
    cpu_before=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
    start=$(date +%s.%N)
    status=$(taskset -c "$BENCH_CPU" curl -s -o /dev/null -w '%{http_code}' --max-time 300 -X POST \
      -H "Authorization: Bearer $token" -H 'Content-Type: text/event-stream' -T "$BODY" \
      "http://127.0.0.1:$port/.well-known/mercure?topic=ingest-$run")
    end=$(date +%s.%N)
    cpu_after=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
    if [ "$status" != 200 ]; then echo "stream $run answered $status" >&2; fi
    case $run in w*) continue ;; esac
    awk -v s="$start" -v e="$end" -v n="$EVENTS" -v store="$store" -v run="$run" -v c0="$cpu_before" -v c1="$cpu_after" \
      -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "| %s | %s | %.2f | %.0f | %.2f |\n", store, run, e - s, n / (e - s), (c1 - c0) / hz }' \
      | tee -a "$OUT"
  done
  stop_server
done
port=$((18100 + RANDOM % 800))
start_herald "$port"
json=$(bench herald "$port" --subscribers 1 --topics 1 --rate 100000 --duration 10s --warmup 3s || true)
stop_server
echo "$json" >>"$RESULTS/stream-ingest.jsonl"
{
  echo
  echo "Single POSTs (form publishes, herald bench asking 100,000/s, one subscriber):" \
    "$(awk -v n="$(field published <<<"$json")" -v s="$(field measuredSeconds <<<"$json")" 'BEGIN { printf "%.0f", n / s }')/s," \
    "server CPU $(field cpuPercent <<<"$json")%, bench CPU $(field benchCpuPercent <<<"$json")%."
} | tee -a "$OUT"
echo
cat "$OUT"
