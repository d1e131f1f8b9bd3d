#!/usr/bin/env bash
# S3 many topics: 10,000 subscribers each on its own topic, publishing to random topics at
# 5,000 updates/s (each update reaches one subscriber). Herald and nchan in the same run, pinned
# like S2. WARMUP and DURATION (default 2s and 10s) set the bench's phases: the JVM's JIT compiles on
# the hub's pinned core during the first tens of seconds, so a cost per publish wants WARMUP=40s.
# Writes bench/results/s3.md. Usage: bench/s3-topics.sh [subscribers] [rate]
. "$(dirname "$0")/lib.sh"
SUBSCRIBERS=${1:-10000}
RATE=${2:-5000}
WARMUP=${WARMUP:-2s}
DURATION=${DURATION:-10s}
OUT="$RESULTS/s3.md"
{
  echo "S3 many topics: $SUBSCRIBERS subscribers, one topic each, $RATE updates/s to random topics, $DURATION after $WARMUP warmup. $(machine)"
  echo
  echo "| server | deliveries/s | delivery ratio | p50 | p99 | server CPU | publisher lag max |"
  echo "|---|---|---|---|---|---|---|"
} >"$OUT"
for server in ${SERVERS:-herald nchan}; do
  port=$((18100 + RANDOM % 800))
  if [ "$server" = herald ]; then start_herald "$port"; else start_nchan "$port"; fi
  json=$(bench "$server" "$port" --subscribers "$SUBSCRIBERS" --topics "$SUBSCRIBERS" --random-topics --rate "$RATE" \
    --duration "$DURATION" --warmup "$WARMUP" --connect-timeout 60s --max-subscribers 19000 || true)
  echo "$json" >>"$RESULTS/s3.jsonl"
  printf '| %s | %s | %s | %s ms | %s ms | %s%% | %s ms |\n' "$server" "$(field deliveredPerSecond <<<"$json")" \
    "$(field deliveryRatio <<<"$json")" "$(awk -v v="$(field p50 <<<"$json")" 'BEGIN{printf "%.1f", v/1000}')" \
    "$(awk -v v="$(field p99 <<<"$json")" 'BEGIN{printf "%.1f", v/1000}')" \
    "$(awk -v v="$(field cpuPercent <<<"$json")" 'BEGIN{printf "%.0f", v}')" \
    "$(awk -v v="$(field publisherLagMax <<<"$json")" 'BEGIN{printf "%.0f", v/1000}')" | tee -a "$OUT"
  stop_server
done
echo
cat "$OUT"
