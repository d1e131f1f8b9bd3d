# Shared by the scenario scripts: build the jar, start Herald or nchan pinned to CPU 0, run
# `herald bench` pinned to CPU 1, and keep results. Source it; every function is bounded in time.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS="$BENCH_DIR/results"
SECRET=${HERALD_BENCH_SECRET:-bench-secret-that-is-long-enough-123456}
SERVER_CPU=${SERVER_CPU:-0}
BENCH_CPU=${BENCH_CPU:-1}
# JVM flags for the hub under test (documented in docs/benchmarks.md; -XX:+ExitOnOutOfMemoryError
# is always given first, as by ./herald); HERALD_SERVE_OPTS adds
# `herald serve` options (e.g. --flush-interval 10ms).
HERALD_JAVA_OPTS=${HERALD_JAVA_OPTS:--XX:+UseSerialGC -Xms256m -Xmx1g -XX:+AlwaysPreTouch}
mkdir -p "$RESULTS"
. "$ROOT/scripts/jdk.sh"
JAVA="$(herald_newest_jdk 17)/bin/java"
JAR="$ROOT/herald-cli/target/herald.jar"
SERVER_PID=""

build() {
  if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT" -name '*.java' -newer "$JAR" -not -path '*/target/*' -not -path "$BENCH_DIR/*" | head -1)" ]; then
    (cd "$ROOT" && ./mvnw -q -B -ntp package -DskipTests)
  fi
}

# Debian's nginx with the nchan module, installed when missing.
need_nchan() {
  if [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
    . "$ROOT/scripts/prerequisites.sh"
    herald_apt_install libnginx-mod-nchan
  fi
}

wait_http() { # url: waits up to 30 s for any answer
  for _ in $(seq 1 300); do
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

start_herald() { # port; HERALD_STORE=sqlite keeps the log in a fresh directory under results/
  build
  local data="$RESULTS/herald-data-$1"
  rm -rf "$data"
  taskset -c "$SERVER_CPU" "$JAVA" -XX:+ExitOnOutOfMemoryError $HERALD_JAVA_OPTS -jar "$JAR" serve --listen "127.0.0.1:$1" \
    --store "${HERALD_STORE:-memory}" --data-dir "$data" \
    --retain-events 100000 --jwt-secret "$SECRET" --anonymous --no-ui --log-level warn \
    --max-connections 100000 ${HERALD_SERVE_OPTS:-} >"$RESULTS/herald-$1.log" 2>&1 &
  SERVER_PID=$!
  wait_http "http://127.0.0.1:$1/healthz"
}

start_nchan() { # port
  need_nchan
  local prefix="$RESULTS/nchan-$1"
  mkdir -p "$prefix"
  sed -e "s#__PORT__#$1#" -e "s#__PREFIX__#$prefix#g" "$BENCH_DIR/nchan.conf" >"$prefix/nginx.conf"
  taskset -c "$SERVER_CPU" nginx -c "$prefix/nginx.conf" -p "$prefix" >"$prefix/out.log" 2>&1 &
  wait_http "http://127.0.0.1:$1/pub?id=probe"
  # The worker does the delivery work: measure it, not the master.
  SERVER_PID=$(pgrep -P "$(cat "$prefix/nginx.pid")" | head -1)
}

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    local parent
    parent=$(ps -o ppid= -p "$SERVER_PID" 2>/dev/null | tr -d ' ' || true)
    kill "$SERVER_PID" 2>/dev/null || true
    if [ -n "$parent" ] && ps -o comm= -p "$parent" 2>/dev/null | grep -q nginx; then kill "$parent" 2>/dev/null || true; fi
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap stop_server EXIT

# bench <server: herald|nchan> <port> <extra herald bench options...>: prints the JSON line.
# Topics are named $BENCH_TOPIC-<n> (default bench-<n>).
bench() {
  local server=$1 port=$2 topic="${BENCH_TOPIC:-bench}-{topic}"
  shift 2
  if [ "$server" = herald ]; then
    taskset -c "$BENCH_CPU" "$JAVA" ${BENCH_JAVA_OPTS:-} -jar "$JAR" bench --quiet \
      --subscribe-url "http://127.0.0.1:$port/.well-known/mercure?topic=$topic" --topic-template "$topic" \
      --publish-url "http://127.0.0.1:$port/.well-known/mercure" --jwt-secret "$SECRET" \
      --server-pid "$SERVER_PID" "$@"
  else
    taskset -c "$BENCH_CPU" "$JAVA" ${BENCH_JAVA_OPTS:-} -jar "$JAR" bench --quiet \
      --subscribe-url "http://127.0.0.1:$port/sub?id=$topic" \
      --publish-url "http://127.0.0.1:$port/pub?id=$topic" --publish-format raw \
      --server-pid "$SERVER_PID" "$@"
  fi
}

# heap_used_kib <pid>: the JVM's live heap after a full GC, in KiB (jcmd of the JDK running the hub).
heap_used_kib() {
  local jcmd
  jcmd="$(dirname "$JAVA")/jcmd"
  "$jcmd" "$1" GC.run >/dev/null
  # Every generation's "used" (young and old), not Metaspace.
  "$jcmd" "$1" GC.heap_info | awk '/total [0-9]+K, used [0-9]+K/ && !/Metaspace|class space/ {
      for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); sum += v } }
    END { print sum + 0 }'
}

# field <name> < json: a number from the JSON line (first match).
field() { grep -o "\"$1\":[-0-9.eE]*" | head -1 | cut -d: -f2; }

machine() {
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB;" \
    "server pinned to CPU $SERVER_CPU, bench to CPU $BENCH_CPU; $("$JAVA" -version 2>&1 | head -1); nginx $(command -v nginx >/dev/null && nginx -v 2>&1 | cut -d/ -f2 || echo "not installed")"
}

# hub_metrics <port>: the hub's /metrics text (empty if it does not answer).
hub_metrics() { curl -s --max-time 5 "http://127.0.0.1:$1/metrics" || true; }

# delay_quantiles <before> <after>: p50 and p99 of herald_delivery_delay_seconds between two
# /metrics texts, in ms, as the upper bounds of the histogram buckets they fall in (the hub's own
# share of delivery latency: from stored to written, per flush pass, for the pass's oldest update).
delay_quantiles() {
  awk -v before="$1" -v after="$2" '
    function load(text, into,   n, i, line, le, v) {
      n = split(text, lines, "\n")
      for (i = 1; i <= n; i++) {
        line = lines[i]
        if (line ~ /^herald_delivery_delay_seconds_bucket\{le="/) {
          le = line; sub(/^[^"]*"/, "", le); sub(/".*/, "", le)
          v = line; sub(/.* /, "", v)
          into[le] = v + 0
        }
      }
    }
    BEGIN {
      load(before, b); load(after, a)
      total = a["+Inf"] - b["+Inf"]
      if (total <= 0) { print "n/a n/a"; exit }
      k = 0
      for (le in a) if (le != "+Inf") bounds[++k] = le + 0
      # sort the bounds ascending
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (bounds[j] < bounds[i]) { t = bounds[i]; bounds[i] = bounds[j]; bounds[j] = t }
      p50 = ">" bounds[k] * 1000; p99 = p50
      f50 = 0; f99 = 0
      for (i = 1; i <= k; i++) {
        key = bounds[i] ""
        for (le in a) if (le + 0 == bounds[i]) key = le
        c = a[key] - b[key]
        if (!f50 && c >= 0.5 * total) { p50 = "<=" bounds[i] * 1000; f50 = 1 }
        if (!f99 && c >= 0.99 * total) { p99 = "<=" bounds[i] * 1000; f99 = 1 }
      }
      printf "%s %s %d\n", p50, p99, total
    }'
}
