#!/usr/bin/env bash
# S1 idle: as many idle subscribers as one process may hold (19,000 under this machine's 20,000
# open-file limit): one update when they are all connected, then 30 s of nothing but heartbeats
# (Herald's come every 20 s). Resident memory per connection, and the server's CPU in those 30 s
# (the bench's warmup of 10 s keeps the update out of it; Herald's heap is measured during the
# warmup, so the forced GC is not counted either). Herald and nchan in the same run, pinned like S2.
# Writes bench/results/s1.md. Usage: bench/s1-idle.sh [subscribers]
. "$(dirname "$0")/lib.sh"
SUBSCRIBERS=${1:-19000}
OUT="$RESULTS/s1.md"
{
  echo "S1 idle, $SUBSCRIBERS subscribers on one topic: one update, then 30 s idle with heartbeats. $(machine)."
  echo "Herald JVM flags: $HERALD_JAVA_OPTS"
  echo
  echo "| server | connected | resident memory per connection | Java heap per connection | server RSS | server CPU while idle |"
  echo "|---|---|---|---|---|---|"
} >"$OUT"
for server in ${SERVERS:-herald nchan}; do
  port=$((18100 + RANDOM % 800))
  if [ "$server" = herald ]; then start_herald "$port"; else start_nchan "$port"; fi
  heap="-"
  if [ "$server" = herald ]; then
    # The hub's heap is pre-touched (resident from the start), so resident memory shows only what
    # lives outside it; the live heap after a full GC, before and while connected, shows the rest.
    before=$(heap_used_kib "$SERVER_PID")
    # connecting takes SUBSCRIBERS / 2,000 s (the bench's pace), then 1 s settling, then 10 s warmup
    (sleep $((SUBSCRIBERS / 2000 + 5)); heap_used_kib "$SERVER_PID" >"$RESULTS/heap-connected") &
    heap_probe=$!
  fi
  json=$(bench "$server" "$port" --subscribers "$SUBSCRIBERS" --rate 0.025 --duration 30s --warmup 10s \
    --connect-timeout 60s --max-subscribers 19000 || true)
  if [ "$server" = herald ]; then
    wait "$heap_probe"
    connected=$(field connected <<<"$json")
    heap="$(awk -v a="$before" -v b="$(cat "$RESULTS/heap-connected")" -v n="${connected:-1}" \
      'BEGIN{printf "%.0f", (b - a) * 1024 / n}') bytes"
  fi
  echo "$json" >>"$RESULTS/s1.jsonl"
  printf '| %s | %s | %s bytes | %s | %s MiB | %s%% |\n' "$server" "$(field connected <<<"$json")" \
    "$(field rssPerConnectionBytes <<<"$json")" "$heap" \
    "$(awk -v v="$(field rssBytes <<<"$json")" 'BEGIN{printf "%.0f", v/1048576}')" \
    "$(awk -v v="$(field cpuPercent <<<"$json")" 'BEGIN{printf "%.1f", v}')" | tee -a "$OUT"
  stop_server
done
echo
cat "$OUT"
