#!/usr/bin/env bash
# S2 fan-out: 1,000 and 10,000 subscribers on one topic; publish at increasing rates until delivery
# falls behind; Herald and nchan in the same run, each pinned to CPU 0 with the bench on CPU 1.
# SERVERS="herald" runs one of them; HERALD_SERVE_OPTS="--flush-interval 10ms" tunes Herald (-> s2-tuned.md).
# Writes bench/results/s2.md (a markdown table) and prints it. Usage: bench/s2-fanout.sh [sizes...]
. "$(dirname "$0")/lib.sh"
SIZES=${*:-1000 10000}
OUT="$RESULTS/s2${HERALD_SERVE_OPTS:+-tuned}.md"
SERVERS=${SERVERS:-herald nchan}
{
  echo "S2 fan-out, one topic, 100-byte payloads, 10 s per step after 2 s warmup. $(machine)"
  echo
  echo "| server | subscribers | updates/s asked | deliveries/s | delivery ratio | p50 | p99 | server CPU | bench CPU | publisher lag max | limited by |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$OUT"
for size in $SIZES; do
  if [ "$size" -ge 10000 ]; then rates="10 30 100 200 400"; else rates="100 300 1000 2000 4000"; fi
  for server in $SERVERS; do
    port=$((18100 + RANDOM % 800))
    if [ "$server" = herald ]; then start_herald "$port"; else start_nchan "$port"; fi
    for rate in $rates; do
      json=$(bench "$server" "$port" --subscribers "$size" --rate "$rate" --duration 10s --warmup 2s \
        --max-subscribers 19000 || true)
      echo "$json" >>"$RESULTS/s2.jsonl"
      ratio=$(field deliveryRatio <<<"$json"); dps=$(field deliveredPerSecond <<<"$json")
      p50=$(field p50 <<<"$json"); p99=$(field p99 <<<"$json"); cpu=$(field cpuPercent <<<"$json")
      lag=$(field publisherLagMax <<<"$json"); bcpu=$(field benchCpuPercent <<<"$json")
      limit="-"
      behind=$(awk -v r="${ratio:-0}" -v l="${lag:-0}" -v p="${p99:-0}" 'BEGIN { print (r < 0.999 || l > 1000000 || p > 2000000) ? 1 : 0 }')
      if [ "$behind" = 1 ]; then
        limit=$(awk -v c="${cpu:-0}" -v b="${bcpu:-0}" 'BEGIN {
          print (c > 90 && b > 90) ? "both cores" : (c > 90) ? "server CPU" : (b > 90) ? "bench CPU" : "publisher" }')
      fi
      label=$server
      [ "$server" = herald ] && [ -n "${HERALD_SERVE_OPTS:-}" ] && label="herald ($HERALD_SERVE_OPTS)"
      printf '| %s | %s | %s | %s | %s | %s ms | %s ms | %s%% | %s%% | %s ms | %s |\n' "$label" "$size" "$rate" "${dps:-?}" \
        "${ratio:-?}" "$(awk -v v="${p50:-0}" 'BEGIN{printf "%.1f", v/1000}')" \
        "$(awk -v v="${p99:-0}" 'BEGIN{printf "%.1f", v/1000}')" "$(awk -v v="${cpu:-0}" 'BEGIN{printf "%.0f", v}')" \
        "$(awk -v v="${bcpu:-0}" 'BEGIN{printf "%.0f", v}')" \
        "$(awk -v v="${lag:-0}" 'BEGIN{printf "%.0f", v/1000}')" "$limit" | tee -a "$OUT"
      [ "$behind" = 1 ] && break
    done
    stop_server
  done
done
echo
cat "$OUT"
