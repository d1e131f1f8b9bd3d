#!/usr/bin/env bash
# Presence (herald serve --subscriptions) under churn, and its API at scale. One hub (memory store,
# pinned to CPU 0) twice, without then with --subscriptions:
#   1. fan-out of ordinary updates (1,000 subscribers on 100 topics, 1,000 updates/s, 20 s measured)
#      while another bench makes 10,000 other subscribers connect and disconnect (reconnect storms:
#      20,000 subscription events each), both benches on CPU 1;
#   2. with --subscriptions: 20,000 active subscriptions (200 connections of 100 selectors), then
#      GET /.well-known/mercure/subscriptions timed with curl (five times).
# Writes bench/results/presence.md. Usage: bench/presence.sh [churners] [storms]
. "$(dirname "$0")/lib.sh"
CHURNERS=${1:-10000}
STORMS=${2:-3}
OUT="$RESULTS/presence.md"
TOKEN=$("$JAVA" -jar "$JAR" token --jwt-secret "$SECRET" --subscribe '/.well-known/mercure/subscriptions' \
  --subscribe '/.well-known/mercure/subscriptions{/topic}{/subscriber}' 2>/dev/null || true)
{
  echo "Presence: fan-out of 1,000 subscribers on 100 topics at 1,000 updates/s for 20 s while $CHURNERS other"
  echo "subscribers connect and disconnect ($STORMS reconnect storms); memory store. $(machine)"
  echo
  echo "| hub | deliveries/s | delivery ratio | p50 | p99 | server CPU | churn: storms completed | churn: subscribers reconnected per storm |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$OUT"
ms() { awk -v v="${1:-0}" 'BEGIN{printf "%.1f", v/1000}'; }
for mode in off on; do
  port=$((18100 + RANDOM % 800))
  opts="--max-topics 100"
  [ "$mode" = on ] && opts="$opts --subscriptions"
  HERALD_SERVE_OPTS="$opts" start_herald "$port"
  churn_log="$RESULTS/presence-churn-$mode.json"
  (BENCH_TOPIC=churn bench herald "$port" --subscribers "$CHURNERS" --reconnect-storm --storms "$STORMS" \
    --updates-before 1 --updates-missed 1 --rate 100 --drain 60s --max-subscribers 19000 >"$churn_log" || true) &
  churn=$!
  sleep 8 # the churners connect at 2,000/s: the storms start during the measured run
  json=$(BENCH_TOPIC=fan bench herald "$port" --subscribers 1000 --topics 100 --rate 1000 --duration 20s \
    --warmup 2s || true)
  wait "$churn" || true
  echo "$json" >>"$RESULTS/presence.jsonl"
  storms=$(grep -o '"storm":' "$churn_log" | wc -l || true)
  reconnected=$(grep -o '"reconnected":[0-9]*' "$churn_log" | cut -d: -f2 | paste -sd/ - || true)
  printf '| %s | %s | %s | %s ms | %s ms | %s%% | %s | %s |\n' "--subscriptions $mode" \
    "$(field deliveredPerSecond <<<"$json")" "$(field deliveryRatio <<<"$json")" \
    "$(ms "$(field p50 <<<"$json")")" "$(ms "$(field p99 <<<"$json")")" \
    "$(awk -v v="$(field cpuPercent <<<"$json")" 'BEGIN{printf "%.0f", v}')" "$storms" "${reconnected:-?}" | tee -a "$OUT"
  if [ "$mode" = on ]; then
    # 20,000 subscriptions: 200 connections, each with 100 selectors (--max-topics 100).
    selectors=""
    for i in $(seq 1 99); do selectors="$selectors&topic=https%3A%2F%2Fexample.com%2Fdoc%2F$i"; done
    pids=()
    for c in $(seq 1 200); do
      curl -s -N --max-time 120 -o /dev/null \
        "http://127.0.0.1:$port/.well-known/mercure?topic=https%3A%2F%2Fexample.com%2Fviewer%2F$c$selectors" &
      pids+=($!)
    done
    for _ in $(seq 1 300); do
      total=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/.well-known/mercure/subscriptions" \
        | grep -o '"type":"Subscription"' | wc -l || true)
      [ "$total" -ge 20000 ] && break
      sleep 0.2
    done
    {
      echo
      echo "GET /.well-known/mercure/subscriptions with $total active subscriptions (curl, five requests):"
      echo
      echo "| request | seconds | bytes |"
      echo "|---|---|---|"
    } >>"$OUT"
    for r in 1 2 3 4 5; do
      curl -s -o /dev/null -w "| $r | %{time_total} | %{size_download} |\n" -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:$port/.well-known/mercure/subscriptions" | tee -a "$OUT"
    done
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  stop_server
done
echo
cat "$OUT"
