#!/usr/bin/env bash
# S4 reconnect storm: 1,000 subscribers receive 100 updates, all disconnect, 200 more are published,
# all reconnect at once with Last-Event-ID; each must receive exactly the missed 200, in order.
# Five storms in a row from one bench process (the first also pays for the bench's JIT warm-up).
# Herald (SQLite store) and nchan (message buffer 1,000) in the same run, pinned like S2.
# Writes bench/results/s4.md. Usage: bench/s4-reconnect.sh [subscribers] [storms]
. "$(dirname "$0")/lib.sh"
SUBSCRIBERS=${1:-1000}
STORMS=${2:-5}
OUT="$RESULTS/s4.md"
SERVERS=${SERVERS:-herald nchan}
{
  echo "S4 reconnect storm: $SUBSCRIBERS subscribers, 100 updates before, 200 missed, published one at a time at 200/s; $STORMS storms in a row. $(machine)"
  echo
  echo "| server | storm | reconnected | exact | unexpected events | recovery p50 | p99 | max | all recovered after | server CPU during recovery | bench CPU |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$OUT"
ms() { awk -v v="${1:-0}" 'BEGIN{printf "%.1f", v/1000}'; }
pct() { awk -v v="${1:-0}" 'BEGIN{printf "%.0f", v}'; }
for server in $SERVERS; do
  port=$((18100 + RANDOM % 800))
  if [ "$server" = herald ]; then HERALD_STORE=sqlite start_herald "$port"; else start_nchan "$port"; fi
  json=$(BENCH_TOPIC="s4" bench "$server" "$port" --subscribers "$SUBSCRIBERS" --reconnect-storm \
    --storms "$STORMS" --updates-before 100 --updates-missed 200 --rate 200 --drain 30s || true)
  echo "$json" >>"$RESULTS/s4.jsonl"
  label=$server
  [ "$server" = herald ] && label="herald (sqlite)"
  # one line per storm object
  sed 's/{"storm":/\n{"storm":/g' <<<"$json" | tail -n +2 | while read -r storm; do
    recovery=$(grep -o '"recoveryMicros":{[^}]*}' <<<"$storm" || true)
    printf '| %s | %s | %s/%s | %s | %s | %s ms | %s ms | %s ms | %s ms | %s%% | %s%% |\n' "$label" \
      "$(field storm <<<"$storm")" "$(field reconnected <<<"$storm")" "$(field connected <<<"$json")" \
      "$(field exact <<<"$storm")" "$(field unexpectedEvents <<<"$storm")" \
      "$(ms "$(field p50 <<<"$recovery")")" "$(ms "$(field p99 <<<"$recovery")")" "$(ms "$(field max <<<"$recovery")")" \
      "$(ms "$(field allRecoveredMicros <<<"$storm")")" "$(pct "$(field serverCpuPercent <<<"$storm")")" \
      "$(pct "$(field benchCpuPercent <<<"$storm")")" | tee -a "$OUT"
  done
  stop_server
done
echo
cat "$OUT"
