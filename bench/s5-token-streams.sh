#!/usr/bin/env bash
# S5 token streams: STREAMS streaming publishes (default 1,000) held open for the run, each writing
# RATE_PER_STREAM events/s (default 20: an LLM's tokens), and VIEWERS subscribers on each stream's
# topic (default 3); Herald pinned to CPU 0, herald bench (publisher and viewers) to CPU 1.
# Writes bench/results/s5.md. Usage: bench/s5-token-streams.sh [streams] [rate per stream] [viewers]
. "$(dirname "$0")/lib.sh"
STREAMS=${1:-1000}
RATE_PER_STREAM=${2:-20}
VIEWERS=${3:-3}
OUT="$RESULTS/s5.md"
rate=$((STREAMS * RATE_PER_STREAM))
{
  echo "S5 token streams: $STREAMS streaming publishes x $RATE_PER_STREAM events/s, $VIEWERS viewers each," \
    "20 s after 5 s warmup. $(machine)"
  echo
  echo "| settings | events/s | deliveries/s | delivery ratio | p50 | p99 | p99.9 | hub delay p50 | hub delay p99 | server CPU | bench CPU | publisher lag max |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
} >"$OUT"
port=$((18100 + RANDOM % 800))
start_herald "$port"
metrics_before=$(hub_metrics "$port")
json=$(bench herald "$port" --stream-publish --subscribers $((STREAMS * VIEWERS)) --topics "$STREAMS" --rate "$rate" \
  --duration 20s --warmup 5s --connect-timeout 60s || true)
# The hub's own share (herald_delivery_delay_seconds, warm-up included): what the hub adds between
# storing an event and writing it, against the bench's end-to-end figures, which include the bench's
# own queueing on its core.
read -r delay50 delay99 _ <<<"$(delay_quantiles "$metrics_before" "$(hub_metrics "$port")")"
stop_server
echo "$json" >>"$RESULTS/s5.jsonl"
ms() { awk -v v="${1:-0}" 'BEGIN{printf "%.1f", v/1000}'; }
printf '| %s | %s | %s | %s | %s ms | %s ms | %s ms | %s ms | %s ms | %s%% | %s%% | %s ms |\n' "${HERALD_SERVE_OPTS:-defaults}" "$rate" \
  "$(field deliveredPerSecond <<<"$json")" "$(field deliveryRatio <<<"$json")" "$(ms "$(field p50 <<<"$json")")" \
  "$(ms "$(field p99 <<<"$json")")" "$(ms "$(field p999 <<<"$json")")" "$delay50" "$delay99" \
  "$(awk -v v="$(field cpuPercent <<<"$json")" 'BEGIN{printf "%.0f", v}')" \
  "$(awk -v v="$(field benchCpuPercent <<<"$json")" 'BEGIN{printf "%.0f", v}')" \
  "$(ms "$(field publisherLagMax <<<"$json")")" | tee -a "$OUT"
echo
cat "$OUT"
