# Installs what the integration tests drive besides the JVM, when it is missing. Sourced by .ci/run;
# by hand on a new Debian machine: `. scripts/prerequisites.sh && herald_install_redis && herald_install_chromium`.

# Runs apt-get install for the given packages, as root or through sudo.
herald_apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo="sudo -n"
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "herald: no apt-get to install $*; install it yourself" >&2
    return 1
  fi
  echo "== installing Debian's $* for the tests"
  $sudo apt-get update -qq >/dev/null \
    && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
    || { echo "herald: installing $* failed" >&2; return 1; }
}

# Debian's redis-server package: the cluster tests start and stop their own redis-server processes.
herald_install_redis() {
  if [ -n "${HERALD_REDIS_SERVER:-}" ] || command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; then
    return 0
  fi
  herald_apt_install redis-server
}

# Debian's chromium package (headless browser tests). Needs root or sudo and apt; elsewhere, install
# Chromium yourself and point HERALD_CHROMIUM at it.
herald_install_chromium() {
  if [ -n "${HERALD_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1; then
    return 0
  fi
  herald_apt_install chromium
}

# Debian's e2fsprogs (mkfs.ext4, e2fsck): the disk-fault tests build a small ext4 image on a loop device
# and turn it read-only. They also mount a tmpfs, which needs root; without either they skip, saying why.
herald_install_disk_tools() {
  if command -v mkfs.ext4 >/dev/null 2>&1 || [ -x /usr/sbin/mkfs.ext4 ] || [ -x /sbin/mkfs.ext4 ]; then
    return 0
  fi
  herald_apt_install e2fsprogs
}

# Debian's lintian: the Debian package's test checks the package with it (policy errors fail it).
herald_install_lintian() {
  if command -v lintian >/dev/null 2>&1; then
    return 0
  fi
  herald_apt_install lintian
}

# True when something accepts TCP connections on 127.0.0.1:$1.
herald_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts one service for the source connectors' tests when nothing listens on its port: $1 name,
# $2 port, the rest the command that starts it (as the machine's own start scripts do). Waits up to
# 90 s for the port; fails, saying which, if the service is not installed or does not come up.
herald_start_service() {
  local name=$1 port=$2
  shift 2
  herald_port_open "$port" && return 0
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "herald: $name is not listening on 127.0.0.1:$port and '$1' is not installed" >&2
    return 1
  fi
  echo "== starting $name for the source tests"
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq 1 180); do
    herald_port_open "$port" && return 0
    sleep 0.5
  done
  echo "herald: $name did not come up on 127.0.0.1:$port" >&2
  return 1
}

# The brokers and the database the source connectors' tests consume (docs/sources.md): PostgreSQL,
# NATS with JetStream, RabbitMQ and Mosquitto on their standard loopback ports.
herald_start_source_services() {
  herald_start_service PostgreSQL 5432 pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql 2>/dev/null | head -1)" main start
  herald_start_service NATS 4222 start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server \
    -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  herald_start_service RabbitMQ 5672 rabbitmq-server -detached
  herald_start_service Mosquitto 1883 mosquitto -d -c /etc/mosquitto/mosquitto.conf
}
