#!/usr/bin/env bash
# S2 points for comparing --flush-interval settings on a shared machine: for each point
# (subscribers:updates per second) each setting runs back to back, each on a fresh hub, 10 s after
# 2 s warmup as one step of s2-fanout.sh. "others" is the CPU everything but the hub and the bench
# used during the window (of 100% per core); a step during which others used more than 30% is run
# again, at most 3 attempts, all printed. Before each step it waits (up to 2 min) for a quiet 3 s.
# Usage: CONFIGS="0s auto 10ms" POINTS="1000:100 10000:100" bench/s2-points.sh
. "$(dirname "$0")/lib.sh"
set +e
CONFIGS=${CONFIGS:-"0s auto 10ms"}
POINTS=${POINTS:-"1000:100 10000:100"}
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }
SAMPLES=$(mktemp)
( while :; do echo "$(date +%s) $(busy)"; sleep 1; done ) >"$SAMPLES" &
SAMPLER=$!
trap 'kill $SAMPLER 2>/dev/null; stop_server' EXIT
window() { # busy % of 200 between two epoch seconds
  awk -v a="$1" -v b="$2" '$1>=a && !s {s=1; b1=$2; t1=$3} $1<=b {b2=$2; t2=$3} END { if (t2>t1) printf "%.0f", 200*(b2-b1)/(t2-t1); else print 0 }' "$SAMPLES"
}
quiet() { # waits up to 120 s for 3 s under 20% used
  for _ in $(seq 1 40); do now=$(date +%s); sleep 3; [ "$(window "$now" $((now + 3)))" -lt 20 ] && return; done
}
echo "| flush-interval | subscribers | updates/s | deliveries/s | ratio | p50 | p99 | server CPU | bench CPU | others' CPU | lag max |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for point in $POINTS; do
  size=${point%%:*}; rate=${point##*:}
  for cfg in $CONFIGS; do
    for attempt in 1 2 3; do
      quiet
      port=$((18100 + RANDOM % 800))
      HERALD_SERVE_OPTS="--flush-interval $cfg" start_herald "$port"
      json=$(bench herald "$port" --subscribers "$size" --rate "$rate" --duration 10s --warmup 2s --max-subscribers 19000 || true)
      end=$(date +%s)
      stop_server
      all=$(window $((end - 11)) $((end - 1)))
      ratio=$(field deliveryRatio <<<"$json"); dps=$(field deliveredPerSecond <<<"$json")
      p50=$(field p50 <<<"$json"); p99=$(field p99 <<<"$json"); cpu=$(field cpuPercent <<<"$json")
      lag=$(field publisherLagMax <<<"$json"); bcpu=$(field benchCpuPercent <<<"$json")
      others=$(awk -v a="$all" -v c="${cpu:-0}" -v b="${bcpu:-0}" 'BEGIN{o=a-c-b; if (o<0) o=0; printf "%.0f", o}')
      printf '| %s | %s | %s | %s | %s | %s ms | %s ms | %s%% | %s%% | %s%% | %s ms |\n' "$cfg" "$size" "$rate" "${dps:-?}" "${ratio:-?}" \
        "$(awk -v v="${p50:-0}" 'BEGIN{printf "%.1f", v/1000}')" "$(awk -v v="${p99:-0}" 'BEGIN{printf "%.1f", v/1000}')" \
        "$(awk -v v="${cpu:-0}" 'BEGIN{printf "%.0f", v}')" "$(awk -v v="${bcpu:-0}" 'BEGIN{printf "%.0f", v}')" \
        "$others" "$(awk -v v="${lag:-0}" 'BEGIN{printf "%.0f", v/1000}')"
      [ "$others" -le 30 ] && break
    done
  done
done
