#!/usr/bin/env bash
# S4 reconnect storm: 1,000 subscribers receive 100 updates, all disconnect, 200 more are published,
# all reconnect at once with Last-Event-ID; each must receive exactly the missed 200, in order.
# Herald (SQLite store) and nchan (message buffer 1,000) in the same run, pinned like S2; three
# storms each. Writes bench/results/s4.md. Usage: bench/s4-reconnect.sh [subscribers] [runs]
. "$(dirname "$0")/lib.sh"
SUBSCRIBERS=${1:-1000}
RUNS=${2:-3}
OUT="$RESULTS/s4.md"
SERVERS=${SERVERS:-herald nchan}
{
  echo "S4 reconnect storm: $SUBSCRIBERS subscribers, 100 updates before, 200 missed, published one at a time at 200/s. $(machine)"
  echo
  echo "| server | run | reconnected | exact | unexpected events | recovery p50 | p99 | max | all recovered after | server CPU during recovery | bench CPU |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$OUT"
ms() { awk -v v="${1:-0}" 'BEGIN{printf "%.1f", v/1000}'; }
for server in $SERVERS; do
  port=$((18100 + RANDOM % 800))
  if [ "$server" = herald ]; then HERALD_STORE=sqlite start_herald "$port"; else start_nchan "$port"; fi
  for run in $(seq 1 "$RUNS"); do
    # each run on its own topics: a fresh sequence from 1, nothing left over from the run before
    json=$(BENCH_TOPIC="s4-run$run" bench "$server" "$port" --subscribers "$SUBSCRIBERS" --reconnect-storm \
      --updates-before 100 --updates-missed 200 --rate 200 --drain 30s || true)
    echo "$json" >>"$RESULTS/s4.jsonl"
    label=$server
    [ "$server" = herald ] && label="herald (sqlite)"
    recovery=$(grep -o '"recoveryMicros":{[^}]*}' <<<"$json" || true)
    printf '| %s | %s | %s | %s | %s | %s ms | %s ms | %s ms | %s ms | %s%% | %s%% |\n' "$label" "$run" \
      "$(field reconnected <<<"$json")/$(field connected <<<"$json")" "$(field exact <<<"$json")" \
      "$(field unexpectedEvents <<<"$json")" "$(ms "$(field p50 <<<"$recovery")")" "$(ms "$(field p99 <<<"$recovery")")" \
      "$(ms "$(field max <<<"$recovery")")" "$(ms "$(field allRecoveredMicros <<<"$json")")" \
      "$(awk -v v="$(field cpuPercentDuringRecovery <<<"$json")" 'BEGIN{printf "%.0f", v}')" \
      "$(awk -v v="$(field benchCpuPercentDuringRecovery <<<"$json")" 'BEGIN{printf "%.0f", v}')" | tee -a "$OUT"
  done
  stop_server
done
echo
cat "$OUT"
