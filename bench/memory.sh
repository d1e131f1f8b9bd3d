#!/usr/bin/env bash
# Memory of one hub with the launcher's JVM flags (-Xmx1g, the JVM's default collector): at rest,
# per idle subscriber, and with the publish bodies in flight at their budget. Steps:
#  1. the hub at rest: live heap after a full GC, resident memory (RSS);
#  2. N idle subscribers (herald bench, one update per 40 s): live heap and RSS once all are connected;
#  3. after they leave: 64 publishers that each send the head of a 1 MiB publish and all of its body
#     but the last byte, then stall (the default --max-publish-bytes-in-flight of 64 MiB, nearly full);
#     one more 1 MiB publish (curl) must get 503 overloaded; then the stalled publishers disconnect.
# Writes bench/results/memory.md. Usage: bench/memory.sh [subscribers] (default 10000).
HERALD_JAVA_OPTS=${HERALD_JAVA_OPTS:--Xmx1g} # what ./herald gives the JVM (start_herald adds ExitOnOutOfMemoryError)
HERALD_SERVE_OPTS="${HERALD_SERVE_OPTS:-} --request-timeout 60s" # the stalled publishers are measured, not timed out
. "$(dirname "$0")/lib.sh"
SUBSCRIBERS=${1:-10000}
OUT="$RESULTS/memory.md"
port=$((18100 + RANDOM % 800))
start_herald "$port"
metrics() { curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
row() { printf '| %s | %s MiB | %s MiB |\n' "$1" "$(awk -v k="$2" 'BEGIN{printf "%.1f", k/1024}')" \
  "$(awk -v k="$3" 'BEGIN{printf "%.1f", k/1024}')" | tee -a "$OUT"; }
{
  echo "Memory of one hub, \`bench/memory.sh $SUBSCRIBERS\`: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB;" \
    "hub pinned to CPU $SERVER_CPU, bench to CPU $BENCH_CPU; $("$JAVA" -version 2>&1 | head -1)."
  echo "Herald JVM flags: -XX:+ExitOnOutOfMemoryError $HERALD_JAVA_OPTS; --store memory."
  echo
  echo "| state | live heap after a full GC | resident memory (RSS) |"
  echo "|---|---|---|"
} >"$OUT"
sleep 2
row "at rest" "$(heap_used_kib "$SERVER_PID")" "$(rss_kib)"

# The heap is measured while the subscribers are connected and idle (the bench's warmup).
(sleep $((SUBSCRIBERS / 2000 + 5)); echo "$(heap_used_kib "$SERVER_PID") $(rss_kib)" >"$RESULTS/memory-connected") &
probe=$!
json=$(bench herald "$port" --subscribers "$SUBSCRIBERS" --rate 0.025 --duration 20s --warmup 10s \
  --connect-timeout 60s --max-subscribers 19000 || true)
wait "$probe"
connected=$(field connected <<<"$json")
read -r heap rss <"$RESULTS/memory-connected"
row "$connected idle subscribers" "$heap" "$rss"
sleep 3
row "they left" "$(heap_used_kib "$SERVER_PID")" "$(rss_kib)"

rm -f "$RESULTS/memory-stalled" "$RESULTS/memory-release"
python3 - "$port" "$RESULTS" <<'PY' &
import os, socket, sys, time
port, results = int(sys.argv[1]), sys.argv[2]
body = b"topic=t&data=" + b"x" * (1048576 - 13)
held = []
for _ in range(64):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"POST /.well-known/mercure HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
              b"Content-Length: 1048576\r\n\r\n" + body[:-1])
    held.append(s)
open(os.path.join(results, "memory-stalled"), "w").close()
deadline = time.time() + 60 # stall until told, at most a minute
while time.time() < deadline and not os.path.exists(os.path.join(results, "memory-release")):
    time.sleep(0.05)
for s in held:
    s.close()
PY
stalled=$!
for _ in $(seq 1 600); do [ -f "$RESULTS/memory-stalled" ] && break; sleep 0.05; done
for _ in $(seq 1 200); do # until the hub has read what was sent: 64 x (1 MiB - 1)
  awk -v v="$(metrics herald_publish_bytes_in_flight)" 'BEGIN{exit !(v + 0 >= 67108800)}' && break
  sleep 0.05
done
inflight=$(metrics herald_publish_bytes_in_flight)
row "64 publishers stalled 1 byte before the end of a 1 MiB body ($inflight bytes in flight)" \
  "$(heap_used_kib "$SERVER_PID")" "$(rss_kib)"
head -c 1048563 /dev/zero | tr '\0' x | sed 's/^/topic=t\&data=/' >"$RESULTS/memory-body"
status=$(curl -s -o "$RESULTS/memory-refused" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/x-www-form-urlencoded' \
  --data-binary @"$RESULTS/memory-body" "http://127.0.0.1:$port/.well-known/mercure")
echo "| one more 1 MiB publish | answered $status: $(head -c 60 "$RESULTS/memory-refused")... | |" | tee -a "$OUT"
touch "$RESULTS/memory-release"
wait "$stalled"
sleep 1
row "the stalled publishers left ($(metrics herald_publish_bytes_in_flight) bytes in flight, $(metrics herald_publish_overloaded_total) refused)" \
  "$(heap_used_kib "$SERVER_PID")" "$(rss_kib)"
stop_server
echo
cat "$OUT"
